use super::tool_label;
use crate::agent::external_read;
use crate::diagnostic::{Diagnostic, Related};
use crate::knowledge::Effect;
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule, excerpt};

declare_rule! {
    /// ## What it does
    /// Finds tool descriptions that come from outside the code: read from the environment, a file
    /// or the network (directly, through a variable, or through a function of the same file), or
    /// replaced at run time (`tool.__doc__ = ...`, `tool.description = ...`). Descriptions built
    /// from values of the program itself (a parameter of a tool factory, an f-string with a
    /// counter) are not reported: they can be reviewed where they are made.
    ///
    /// ## Why is this bad?
    /// A description is instructions the model follows. If it is computed, nobody reviewing the
    /// code can read what the model will be told, and it can change after the tool was approved:
    /// a server that fetches its descriptions can turn a harmless tool into a poisoned one later
    /// (a "rug pull").
    ///
    /// ## Example
    /// ```python
    /// @mcp.tool(description=os.environ.get("SEARCH_DESCRIPTION", "Search notes."))
    /// def search(query: str) -> str: ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @mcp.tool(description="Search the notes for a word.")
    /// def search(query: str) -> str: ...
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix. A description that must vary (for example with a product name) can be
    /// suppressed with a reason.
    ///
    /// ## References
    /// - Invariant Labs, "MCP Security Notification: Tool Poisoning Attacks" (rug pulls).
    /// - OWASP Top 10 for LLM Applications: LLM01 Prompt Injection, LLM03 Supply Chain
    pub struct UnauditableDescription {
        code: "AL114",
        name: "unauditable-description",
        summary: "A tool description is computed or replaced at run time, so it cannot be reviewed",
        severity: Warning,
    }
}

fn origin(effect: Effect) -> &'static str {
    match effect {
        Effect::EnvRead => "the environment",
        Effect::FsRead => "a file",
        Effect::NetworkRead => "the network",
        _ => "outside the program",
    }
}

impl Rule for UnauditableDescription {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let read = |range: &std::ops::Range<usize>| {
            external_read(
                ctx.source,
                ctx.tree,
                ctx.language,
                ctx.facts,
                ctx.knowledge,
                range,
            )
        };
        for tool in ctx.tools {
            if let Some(description) = &tool.description
                && !description.is_constant()
                && let Some(found) = read(&description.expression)
            {
                let mut diagnostic = Diagnostic::new(
                    &Self::META,
                    description.expression.clone(),
                    format!(
                        "The description of {} is read from {} at run time ({})",
                        tool_label(tool),
                        origin(found.effect),
                        code_span(&excerpt(&found.what, 30))
                    ),
                )
                .with_note(
                    "The text the model follows cannot be reviewed in the code, and can change \
                     after the tool is approved (a rug pull).",
                )
                .with_help("Write the description as a literal.");
                if !description.expression.contains(&found.range.start) {
                    diagnostic.related.push(Related {
                        range: found.range.clone(),
                        message: format!("read from {} here", origin(found.effect)),
                        place: None,
                    });
                }
                out.push(diagnostic);
            }
            // `search.__doc__ = ...` / `search.description = ...` replaces what was reviewed.
            let Some(function) = tool.function.map(|i| &ctx.facts.functions[i]) else {
                continue;
            };
            let names = [Some(function.name.as_str()), tool.name.as_deref()];
            for assignment in &ctx.facts.attribute_assignments {
                let replaces = matches!(assignment.attribute.as_str(), "__doc__" | "description")
                    && names.contains(&Some(assignment.object.as_str()));
                if !replaces {
                    continue;
                }
                // A factory that describes the tool it makes, from its own values
                // (`custom_tool.description = description` in the function that defines
                // `custom_tool`): reviewed where it is made, unless read from outside.
                if super::described_by_its_factory(ctx, tool, assignment)
                    && read(&assignment.value).is_none()
                {
                    continue;
                }
                let mut diagnostic = Diagnostic::new(
                    &Self::META,
                    assignment.range.clone(),
                    format!(
                        "{} replaces the description of {} at run time",
                        code_span(&excerpt(
                            &format!("{}.{}", assignment.object, assignment.attribute),
                            40
                        )),
                        tool_label(tool)
                    ),
                )
                .with_note(
                    "The model is told something other than what the code shows, and can be told \
                     something else again later (a rug pull).",
                )
                .with_help("Write the description once, as a literal, where the tool is defined.");
                diagnostic.related.push(Related {
                    range: tool.anchor.clone(),
                    message: "the tool whose description is replaced".to_string(),
                    place: None,
                });
                out.push(diagnostic);
            }
        }
    }
}
