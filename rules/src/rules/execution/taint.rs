//! Where a value comes from, when the model decides it: an argument of the tool the code is in,
//! or the model's reply; followed through a few assignments in the enclosing function.

use tree_sitter::Node;

use crate::facts::Call;
use crate::rules::Context;
use crate::rules::description::tool_label;
use crate::syntax::{Locator, node_text, preorder};

/// Where the code comes from, when the model decides it.
#[derive(Clone)]
pub(crate) enum Taint {
    /// An argument of the tool the call is in.
    Parameter { tool: String, name: String },
    /// The model's reply, read as written here.
    ModelOutput(String),
}

/// How many assignments back the code is followed (`code = reply...; exec(code)`).
pub(crate) const TAINT_DEPTH: usize = 3;

/// Whether the code run is the model's: a tool argument, or its reply.
pub(crate) fn taint<'t>(
    ctx: &Context<'_>,
    locator: &Locator<'t>,
    call: &Call,
    start: Node<'t>,
) -> Option<Taint> {
    let tool = ctx.tools.iter().find(|t| {
        t.handler
            .as_ref()
            .is_some_and(|h| h.start <= call.range.start && call.range.end <= h.end)
    });
    // The enclosing function, whose assignments are followed.
    let function = locator.enclosing_function(start);
    let Some(within) = function else {
        return follow(ctx, tool, None, start);
    };
    // What is found depends only on the function's text, where in it the value is, and the
    // tool's name and parameters: remembered across analyses (the other functions of a file do
    // not change while one is edited, and following assignments walks the whole function).
    let params: Vec<&str> = tool
        .map(|t| t.parameters.iter().map(|p| p.name.as_str()).collect())
        .unwrap_or_default();
    let key = format!(
        "{:?}\u{0}{}\u{0}{}\u{0}{}:{}\u{0}{}",
        ctx.language.family(),
        tool.map(tool_label).unwrap_or_default(),
        params.join(","),
        start.start_byte().saturating_sub(within.start_byte()),
        start.end_byte() - start.start_byte(),
        node_text(within, ctx.source),
    );
    let found = crate::memo::by_text(ctx.knowledge, "taint", &key, || {
        follow(ctx, tool, Some(within), start)
    });
    (*found).clone()
}

/// [`taint`], for the tool the call is in and its enclosing function.
fn follow<'t>(
    ctx: &Context<'_>,
    tool: Option<&crate::agent::Tool>,
    function: Option<Node<'t>>,
    start: Node<'t>,
) -> Option<Taint> {
    let family = ctx.language.family();
    let outputs = ctx
        .knowledge
        .model_outputs
        .get(&family)
        .into_iter()
        .chain(ctx.knowledge.reply_names.get(&family))
        .flatten();
    let mut pending: Vec<Node<'_>> = vec![start];
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..=TAINT_DEPTH {
        let mut names: Vec<String> = Vec::new();
        for expression in pending.drain(..) {
            let text = node_text(expression, ctx.source);
            if let Some(found) = outputs.clone().find_map(|p| p.find(text)) {
                return Some(Taint::ModelOutput(
                    found.as_str().trim_start_matches('.').to_string(),
                ));
            }
            for node in preorder(expression).take(512) {
                if !matches!(node.kind(), "identifier" | "shorthand_property_identifier") {
                    continue;
                }
                let name = node_text(node, ctx.source);
                if let Some(tool) = tool
                    && tool.parameters.iter().any(|p| p.name == name)
                {
                    return Some(Taint::Parameter {
                        tool: tool_label(tool),
                        name: name.to_string(),
                    });
                }
                if !seen.iter().any(|s| s == name) {
                    seen.push(name.to_string());
                    names.push(name.to_string());
                }
            }
        }
        let function = function?;
        if names.is_empty() {
            return None;
        }
        // The values those names are assigned in the function.
        for (target, value) in crate::syntax::assignments(function, 8192) {
            if target.kind() == "identifier"
                && names.iter().any(|n| n == node_text(target, ctx.source))
            {
                pending.push(value);
            }
        }
    }
    None
}
