//! Does an expression bring in text from outside the program (the environment, a file, the
//! network)? Followed through names bound once and through calls to functions of the same file,
//! a few steps deep.

use crate::syntax::Fields as _;
use std::ops::Range;

use tree_sitter::Tree;

use crate::facts::FileFacts;
use crate::knowledge::{Effect, Knowledge};
use crate::syntax::{Language, Locator, node_range, node_text, preorder};

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
    let locator = Locator::new(tree);
    let locator = &locator;
    let mut pending = vec![(expression.clone(), 0usize)];
    let mut visited: Vec<Range<usize>> = Vec::new();
    let mut budget = BUDGET;
    while let Some((range, depth)) = pending.pop() {
        if visited.contains(&range) {
            continue;
        }
        visited.push(range.clone());
        let root = locator.node_at(&range)?;
        for node in preorder(root) {
            budget = budget.checked_sub(1)?;
            let candidate = match node.kind() {
                "call" => node.field("function"),
                "call_expression" => node.field("function"),
                "attribute" | "member_expression" | "identifier" => Some(node),
                _ => None,
            };
            let Some(candidate) = candidate else {
                continue;
            };
            // `x.open` and `f(open=...)` name attributes and keywords, not variables.
            let is_label = node.kind() == "identifier"
                && node.parent().is_some_and(|p| {
                    (p.kind() == "attribute" && p.field("attribute") == Some(node))
                        || (p.kind() == "keyword_argument" && p.field("name") == Some(node))
                });
            if is_label {
                continue;
            }
            // Calls have their conditions evaluated (`open(p)` reads, `open(p, "w")` writes).
            let call_effect = if matches!(node.kind(), "call" | "call_expression") {
                let start = node.start_byte();
                let i = facts.calls.partition_point(|c| c.range.start < start);
                facts.calls[i..]
                    .iter()
                    .take_while(|c| c.range.start == start)
                    .find(|c| c.range.end == node.end_byte())
                    .and_then(|call| {
                        super::capabilities::call_effects(
                            call, source, locator, facts, family, knowledge,
                        )
                        .into_iter()
                        .find(|e| e.is_external_read())
                    })
            } else {
                None
            };
            if let Some(effect) = call_effect {
                return Some(ExternalRead {
                    effect,
                    range: node_range(node),
                    what: node_text(candidate, source).to_string(),
                });
            }
            if !matches!(node.kind(), "call" | "call_expression")
                && let Some(resolved) = facts.resolve_node(candidate, source, language)
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
                        && p.field("function") == Some(node)
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
                    let effect = super::capabilities::call_effects(
                        call, source, locator, facts, family, knowledge,
                    )
                    .into_iter()
                    .find(|e| e.is_external_read());
                    if let Some(effect) = effect {
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
