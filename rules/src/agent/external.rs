//! Does an expression bring in text from outside the program (the environment, a file, the
//! network)? Followed through names bound once and through calls to functions of the same file,
//! a few steps deep.

use std::ops::Range;

use tree_sitter::Tree;

use super::tools::node_at;
use crate::facts::FileFacts;
use crate::knowledge::{Effect, Knowledge};
use crate::syntax::{Language, node_range, node_text, preorder};

/// Where outside text comes in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalRead {
    pub effect: Effect,
    /// The read itself (`os.environ.get(...)`, `process.env.X`).
    pub range: Range<usize>,
    /// What is read with, as written.
    pub what: String,
}

/// How many names or calls are followed from the expression.
const DEPTH: usize = 3;
/// Nodes inspected, in all.
const BUDGET: usize = 2000;

pub fn external_read(
    source: &str,
    tree: &Tree,
    language: Language,
    facts: &FileFacts,
    knowledge: &Knowledge,
    expression: &Range<usize>,
) -> Option<ExternalRead> {
    let family = language.family();
    let is_external = |resolved: &str| {
        knowledge
            .sinks_for(family, resolved)
            .find(|s| s.effect.is_external_read())
            .map(|s| s.effect)
    };
    let mut pending = vec![(expression.clone(), 0usize)];
    let mut visited: Vec<Range<usize>> = Vec::new();
    let mut budget = BUDGET;
    while let Some((range, depth)) = pending.pop() {
        if visited.contains(&range) {
            continue;
        }
        visited.push(range.clone());
        let root = node_at(tree, &range)?;
        for node in preorder(root) {
            budget = budget.checked_sub(1)?;
            let candidate = match node.kind() {
                "call" => node.child_by_field_name("function"),
                "call_expression" => node.child_by_field_name("function"),
                "attribute" | "member_expression" | "identifier" => Some(node),
                _ => None,
            };
            let Some(candidate) = candidate else {
                continue;
            };
            // `x.open` and `f(open=...)` name attributes and keywords, not variables.
            let is_label = node.kind() == "identifier"
                && node.parent().is_some_and(|p| {
                    (p.kind() == "attribute" && p.child_by_field_name("attribute") == Some(node))
                        || (p.kind() == "keyword_argument"
                            && p.child_by_field_name("name") == Some(node))
                });
            if is_label {
                continue;
            }
            if let Some(resolved) = facts.resolve_node(candidate, source, language)
                && let Some(effect) = is_external(&resolved)
            {
                return Some(ExternalRead {
                    effect,
                    range: node_range(node),
                    what: node_text(candidate, source).to_string(),
                });
            }
            if depth >= DEPTH || candidate.kind() != "identifier" {
                continue;
            }
            let name = node_text(candidate, source);
            // A name bound once: follow its value.
            if let Some(value) = facts.bindings.single_value(name) {
                pending.push((value, depth + 1));
            }
            // A call to a function of this file: look at the calls it makes.
            let called = node.kind() != "identifier"
                || node.parent().is_some_and(|p| {
                    matches!(p.kind(), "call" | "call_expression")
                        && p.child_by_field_name("function") == Some(node)
                });
            if called
                && let Some(function) = facts
                    .functions
                    .iter()
                    .find(|f| f.name == name && f.class.is_none())
            {
                for call in facts
                    .calls
                    .iter()
                    .filter(|c| function.body_range.contains(&c.range.start))
                {
                    if let Some(effect) = call.resolved.as_deref().and_then(is_external) {
                        return Some(ExternalRead {
                            effect,
                            range: call.range.clone(),
                            what: call.callee.clone().unwrap_or_default(),
                        });
                    }
                }
            }
        }
    }
    None
}
