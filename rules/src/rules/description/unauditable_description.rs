use super::tool_label;
use crate::diagnostic::{Diagnostic, Related};
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule, excerpt};

declare_rule! {
    /// ## What it does
    /// Finds tool descriptions that are not written in the code: built from variables, read from
    /// the environment, a file or the network, or replaced at run time (`tool.__doc__ = ...`,
    /// `tool.description = ...`).
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

impl Rule for UnauditableDescription {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for tool in ctx.tools {
            if let Some(description) = &tool.description
                && !description.is_constant()
            {
                out.push(Diagnostic::new(
                    &Self::META,
                    description.expression.clone(),
                    format!(
                        "The description of {} is computed at run time ({}): the text the model \
                         follows cannot be reviewed in the code and can change after the tool is \
                         approved. Write it as a literal.",
                        tool_label(tool),
                        code_span(&excerpt(&ctx.source[description.expression.clone()], 50))
                    ),
                ));
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
                let mut diagnostic = Diagnostic::new(
                    &Self::META,
                    assignment.range.clone(),
                    format!(
                        "`{}.{}` replaces the description of {} at run time: the model is told \
                         something other than what the code shows.",
                        assignment.object,
                        assignment.attribute,
                        tool_label(tool)
                    ),
                );
                diagnostic.related.push(Related {
                    range: tool.anchor.clone(),
                    message: "the tool whose description is replaced".to_string(),
                });
                out.push(diagnostic);
            }
        }
    }
}
