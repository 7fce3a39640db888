use crate::agent::{Tool, ToolKind};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta, declare_rule};
use crate::syntax::Fields as _;
use crate::syntax::node_text;

declare_rule! {
    /// ## What it does
    /// Finds tools that give the model no description: a decorated function without a docstring
    /// or `description=`, an MCP `server.tool(name, schema, handler)` without its description
    /// argument, an AI SDK `tool({...})` without `description`, or a description that is empty.
    /// Tool classes are not checked: one without a `description` is usually a base class, or is
    /// given its description when it is made.
    ///
    /// ## Why is this bad?
    /// The model decides whether to call a tool, and with what, from its name and description
    /// alone. Without a description it guesses, and the people who review the agent cannot see
    /// what the tool is meant to do, so nothing holds the code to a stated purpose.
    ///
    /// ## Example
    /// ```python
    /// @mcp.tool()
    /// def sync(path: str) -> str:
    ///     return upload(path)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @mcp.tool()
    /// def sync(path: str) -> str:
    ///     """Upload the file at `path` to the team's storage bucket (it leaves this machine)."""
    ///     return upload(path)
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: only the author knows what the tool is for.
    ///
    /// ## Known problems
    /// On 17 public agent repositories it was measured on, its 3 warnings were right
    /// (examples' MCP tools without a docstring). Test files are left out by default.
    ///
    /// ## References
    /// - Model Context Protocol specification, "Tools": a tool's `description` is what clients and
    ///   models read to understand it.
    /// - OWASP Top 10 for LLM Applications: LLM06 Excessive Agency
    pub struct MissingToolDescription {
        code: "AL100",
        name: "missing-tool-description",
        summary: "A tool gives the model no description of what it does",
        severity: Warning,
    }
}

impl Rule for MissingToolDescription {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for tool in ctx.tools {
            // A tool class without a description is usually a base class, or gets its
            // description when it is constructed: no way to tell here.
            if matches!(tool.kind, ToolKind::Class(_)) {
                continue;
            }
            if tool.description.is_none()
                && (described_elsewhere(ctx, tool)
                    || docstring_out_of_sight(ctx, tool)
                    || described_after(ctx, tool))
            {
                continue;
            }
            let empty = match &tool.description {
                None => true,
                Some(d) => d.is_constant() && d.text().trim().is_empty(),
            };
            if !empty {
                continue;
            }
            let what = if tool.description.is_some() {
                "an empty description"
            } else {
                "no description"
            };
            let subject = match &tool.name {
                Some(_) => format!("Tool {}", super::tool_label(tool)),
                None => "This tool".to_string(),
            };
            out.push(
                Diagnostic::new(
                    &Self::META,
                    tool.anchor.clone(),
                    format!("{subject} ({}) has {what}", tool.framework),
                )
                .with_note(
                    "The model decides when to call a tool, and with what, from its description \
                     alone.",
                )
                .with_help(
                    "Say what it does, what it reads or changes, and whether anything leaves the \
                     machine.",
                ),
            );
        }
    }
}

/// A tool that the function defining it describes after making it (`custom_tool.description =
/// description`, a tool factory).
fn described_after(ctx: &Context<'_>, tool: &Tool) -> bool {
    let Some(function) = tool.function.and_then(|i| ctx.facts.functions.get(i)) else {
        return false;
    };
    ctx.facts.attribute_assignments.iter().any(|a| {
        matches!(a.attribute.as_str(), "__doc__" | "description")
            && (a.object == function.name || tool.name.as_deref() == Some(a.object.as_str()))
            && super::described_by_its_factory(ctx, tool, a)
    })
}

/// A Python tool made by a call from a function this file does not define
/// (`FunctionTool.from_defaults(fn=fn)`, `Tool(self.handler)`): the description may be that
/// function's docstring, which is out of sight here.
fn docstring_out_of_sight(ctx: &Context<'_>, tool: &Tool) -> bool {
    if tool.kind != ToolKind::Call
        || tool.function.is_some()
        || ctx.language.family() != crate::syntax::Family::Python
    {
        return false;
    }
    tool.handler
        .as_ref()
        .and_then(|range| ctx.locator().node_at(range))
        .is_some_and(|node| matches!(node.kind(), "identifier" | "attribute"))
}

/// A TypeScript/JavaScript tool whose options object may get its description from elsewhere
/// (`{ ...fields, func }`), or that the provider defines (`type: "provider"`): the model is
/// not necessarily left without one.
fn described_elsewhere(ctx: &Context<'_>, tool: &Tool) -> bool {
    if tool.kind != ToolKind::Call {
        return false;
    }
    let locator = ctx.locator();
    let Some(call) = locator.node_at(&tool.declaration) else {
        return false;
    };
    let Some(arguments) = call.field("arguments") else {
        return false;
    };
    let mut cursor = arguments.walk();
    let objects: Vec<_> = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() == "object")
        .collect();
    objects.iter().any(|object| {
        let mut cursor = object.walk();
        let children: Vec<_> = object.named_children(&mut cursor).collect();
        children.iter().any(|child| {
            if child.kind() == "spread_element" {
                return true;
            }
            let (Some(key), Some(value)) = (child.field("key"), child.field("value")) else {
                return false;
            };
            // `"provider"`, `'provider' as const`
            let unquote = |t: &str| {
                t.split(" as ")
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'' || c == '`')
                    .to_string()
            };
            unquote(node_text(key, ctx.source)) == "type"
                && matches!(
                    unquote(node_text(value, ctx.source)).as_str(),
                    "provider" | "provider-defined"
                )
        })
    })
}
