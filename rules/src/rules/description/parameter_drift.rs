//! AL106: the parameters a tool documents against the ones its code takes.

use super::{capitalised, parameter_name_range, source_range, tool_label};
use crate::agent::tools::docstring_arguments;
use crate::agent::{DescriptionSource, Tool};
use crate::diagnostic::{Diagnostic, Related};
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule, excerpt};
use crate::syntax::Fields as _;
use crate::syntax::{Family, Locator, node_text};

declare_rule! {
    /// ## What it does
    /// Compares the parameters a tool tells the model about with the ones its code takes:
    ///
    /// - a parameter documented in the docstring (`Args:`, `Parameters:`, `:param x:`) that the
    ///   function does not have (usually renamed or removed since the docstring was written);
    /// - a parameter the model fills in that has no description while the others have one;
    /// - in TypeScript/JavaScript, a property the `execute` function destructures from its
    ///   input that the tool's input schema does not declare: the model is never asked for it,
    ///   so it is always `undefined`.
    ///
    /// Functions that take `*args` or `**kwargs` are not checked for documented parameters.
    ///
    /// ## Why is this bad?
    /// The model fills in arguments from what it is told. A documented parameter that does not
    /// exist makes it send values that are rejected or silently dropped; an undocumented one
    /// makes it guess; a property the schema does not declare never arrives. None of these is a
    /// vulnerability by itself, but each is drift between what the model is told and what the
    /// code does, which is what the other AL1xx rules exist to catch.
    ///
    /// ## Example
    /// ```python
    /// @tool
    /// def search(query: str, limit: int = 10) -> list[str]:
    ///     """Search the notes.
    ///
    ///     Args:
    ///         query: Words to look for.
    ///         max_results: How many notes to return.
    ///     """
    /// ```
    ///
    /// ## Use instead
    /// ```python
    ///     Args:
    ///         query: Words to look for.
    ///         limit: How many notes to return.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: whether the docstring or the code is behind is the author's call.
    ///
    /// ## References
    /// - Model Context Protocol specification, "Tools": `inputSchema` describes the arguments a
    ///   client may send.
    pub struct ParameterDrift {
        code: "AL106",
        name: "description-parameter-drift",
        summary: "A tool documents parameters its code does not take, or takes ones it does not describe",
        severity: Info,
    }
}

impl Rule for ParameterDrift {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.tools.is_empty() {
            return;
        }
        let locator = ctx.locator();
        // In a file that parses, a handler's syntax is that of its text: whether it reads
        // anything its schema does not declare is remembered per handler text and schema.
        let parses = !ctx.tree.root_node().has_error();
        for tool in ctx.tools {
            match ctx.language.family() {
                Family::Python => python(ctx, tool, out),
                Family::JavaScript => match tool.handler.as_ref().filter(|_| parses) {
                    Some(handler) => {
                        let mut key = ctx
                            .source
                            .get(handler.clone())
                            .unwrap_or_default()
                            .to_string();
                        for parameter in &tool.parameters {
                            key.push('\0');
                            key.push_str(&parameter.name);
                        }
                        super::unless_clean(ctx, "AL104-handler", &key, None, out, |out| {
                            javascript(ctx, tool, locator, out)
                        });
                    }
                    None => javascript(ctx, tool, locator, out),
                },
            }
        }
    }
}

/// Docstring `Args:` against the function's signature; a tool class's `args_schema` against
/// its `_run`.
fn python(ctx: &Context<'_>, tool: &Tool, out: &mut Vec<Diagnostic>) {
    let Some(function) = tool.function.and_then(|i| ctx.facts.functions.get(i)) else {
        return;
    };
    if let Some(schema) = &tool.schema {
        schema_against_run(ctx, tool, function, schema, out);
        return;
    }
    let Some(description) = tool
        .description
        .as_ref()
        .filter(|d| d.source == DescriptionSource::Docstring)
    else {
        return;
    };
    let Some(value) = description.value.as_ref() else {
        return;
    };
    let documented = docstring_arguments(&value.text);
    if documented.is_empty() {
        return;
    }
    let variadic = function.parameters.iter().any(|p| {
        ctx.source
            .get(p.range.clone())
            .is_some_and(|text| text.starts_with('*'))
    });
    if !variadic {
        for (name, _) in &documented {
            if function.parameters.iter().any(|p| p.name == *name) {
                continue;
            }
            // The name's place in the text: `docstring_arguments` returns slices of it.
            let start = name.as_ptr() as usize - value.text.as_ptr() as usize;
            let range = source_range(description, value, start..start + name.len());
            let mut diagnostic = Diagnostic::new(
                &ParameterDrift::META,
                range,
                format!(
                    "The docstring of {} documents a parameter {} that the function does not take",
                    tool_label(tool),
                    code_span(&excerpt(name, 30))
                ),
            )
            .with_note(
                "The model reads it and may send a value that is rejected or silently dropped.",
            )
            .with_help("Remove it from the docstring, or add the parameter.");
            diagnostic.related.push(Related {
                range: function.name_range.clone(),
                message: format!("the parameters of `{}`", function.name),
                place: None,
            });
            out.push(diagnostic);
        }
    }
    let is_variadic = |range: &std::ops::Range<usize>| {
        ctx.source
            .get(range.clone())
            .is_some_and(|text| text.starts_with('*'))
    };
    for parameter in tool
        .parameters
        .iter()
        .filter(|p| p.description.is_none() && !is_variadic(&p.range))
    {
        let range = parameter_name_range(ctx.source, &parameter.range, &parameter.name);
        out.push(
            Diagnostic::new(
                &ParameterDrift::META,
                range,
                format!(
                    "{} describes its other parameters but not {}",
                    capitalised(&tool_label(tool)),
                    code_span(&excerpt(&parameter.name, 30))
                ),
            )
            .with_note("The model has to guess what to pass.")
            .with_help("Describe it in the docstring's `Args:` section."),
        );
    }
}

/// Properties `execute` destructures from its input against the schema's keys.
fn javascript(ctx: &Context<'_>, tool: &Tool, locator: &Locator<'_>, out: &mut Vec<Diagnostic>) {
    if tool.parameters.is_empty() {
        return; // no schema read (none, or one built elsewhere)
    }
    let Some(handler) = &tool.handler else {
        return;
    };
    let Some(node) = locator.node_at(handler) else {
        return;
    };
    let first = match node.field("parameters") {
        Some(parameters) => {
            let mut cursor = parameters.walk();
            parameters.named_children(&mut cursor).next()
        }
        // `async input => ...`: a single identifier, nothing destructured.
        None => None,
    };
    let pattern = first.and_then(|p| match p.kind() {
        "required_parameter" | "optional_parameter" => p.field("pattern"),
        _ => Some(p),
    });
    let Some(pattern) = pattern.filter(|p| p.kind() == "object_pattern") else {
        return;
    };
    let mut cursor = pattern.walk();
    for property in pattern.named_children(&mut cursor) {
        let (key, defaulted) = match property.kind() {
            "shorthand_property_identifier_pattern" => (Some(property), false),
            "object_assignment_pattern" => (property.field("left"), true),
            "pair_pattern" => (
                property.field("key"),
                property
                    .field("value")
                    .is_some_and(|v| v.kind() == "assignment_pattern"),
            ),
            _ => (None, false), // `...rest`
        };
        let Some(key) = key else {
            continue;
        };
        let name = node_text(key, ctx.source).trim_matches(|c| c == '"' || c == '\'');
        if tool.parameters.iter().any(|p| p.name == name) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &ParameterDrift::META,
            key.start_byte()..key.end_byte(),
            format!(
                "{} reads {} from its input, but the input schema does not declare it",
                capitalised(&tool_label(tool)),
                code_span(&excerpt(name, 30)),
            ),
        )
        .with_note(format!(
            "The model is never asked for it, so it {}.",
            if defaulted {
                "always takes its default"
            } else {
                "is always `undefined`"
            }
        ))
        .with_help("Add it to the schema, or stop reading it.");
        if let Some(first) = tool.parameters.first() {
            diagnostic.related.push(Related {
                range: first.range.clone(),
                message: "the input schema".to_string(),
                place: None,
            });
        }
        out.push(diagnostic);
    }
}

/// `args_schema` fields `_run` does not take (the call fails), and `_run` parameters without a
/// default the schema does not declare (never passed).
fn schema_against_run(
    ctx: &Context<'_>,
    tool: &Tool,
    function: &crate::facts::FunctionDef,
    schema: &std::ops::Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let text = |p: &crate::facts::Parameter| ctx.source.get(p.range.clone()).unwrap_or_default();
    if function
        .parameters
        .iter()
        .any(|p| text(p).starts_with("**"))
    {
        return; // `**kwargs` takes every field
    }
    let schema_name = ctx.source.get(schema.clone()).unwrap_or_default().trim();
    let run: Vec<&crate::facts::Parameter> = function
        .parameters
        .iter()
        .filter(|p| !matches!(p.name.as_str(), "self" | "cls" | "run_manager" | "config"))
        .filter(|p| !text(p).starts_with('*'))
        .collect();
    for field in &tool.parameters {
        if run.iter().any(|p| p.name == field.name) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &ParameterDrift::META,
            field.range.clone(),
            format!(
                "{} asks the model for {}, but {} of {} does not take it",
                code_span(&excerpt(schema_name, 30)),
                code_span(&excerpt(&field.name, 30)),
                code_span(&excerpt(&function.name, 30)),
                tool_label(tool),
            ),
        )
        .with_note("A call with it fails.")
        .with_help(format!(
            "Add the parameter to `{}`, or remove the field.",
            function.name
        ));
        diagnostic.related.push(Related {
            range: function.name_range.clone(),
            message: format!("the parameters of `{}`", function.name),
            place: None,
        });
        out.push(diagnostic);
    }
    for parameter in run {
        if parameter.default.is_some() || tool.parameters.iter().any(|f| f.name == parameter.name) {
            continue;
        }
        out.push(
            Diagnostic::new(
                &ParameterDrift::META,
                parameter_name_range(ctx.source, &parameter.range, &parameter.name),
                format!(
                    "{} of {} needs {}, but {} does not declare it",
                    code_span(&excerpt(&function.name, 30)),
                    tool_label(tool),
                    code_span(&excerpt(&parameter.name, 30)),
                    code_span(&excerpt(schema_name, 30)),
                ),
            )
            .with_note("The model is never asked for it, so every call fails.")
            .with_help("Add it to the schema, or give it a default."),
        );
    }
}
