//! AL1xx: what tools tell the model, compared with what they do.

mod capability;
mod covert_parameter;
mod hidden_text;
mod instructions;
mod missing_description;
mod parameter_drift;
mod sensitive_resource;
mod tool_shadowing;
mod unauditable_description;

use crate::diagnostic::Diagnostic;
use std::ops::Range;

pub use capability::{
    ContradictedDescriptionClaim, UndisclosedCredentialAccess, UndisclosedFileMutation,
    UndisclosedNetworkEgress, UndisclosedProcessExecution,
};
pub(crate) use capability::{evidence_text, related};
pub use covert_parameter::CovertToolParameter;
pub use hidden_text::HiddenTextInDescription;
pub use instructions::InstructionsInToolDescription;
pub use missing_description::MissingToolDescription;
pub use parameter_drift::ParameterDrift;
pub use sensitive_resource::SensitiveResourceInDescription;
pub use tool_shadowing::ToolShadowing;
pub use unauditable_description::UnauditableDescription;

use crate::agent::{DecodedText, Description, Tool};
use crate::rules::Context;

/// `` `name` `` of a tool for messages (a long name cut, so that a finding stays one short
/// sentence).
pub(crate) fn tool_label(tool: &Tool) -> String {
    match &tool.name {
        Some(name) => crate::rules::code_span(&crate::rules::excerpt(name, 40)),
        None => "this tool".to_string(),
    }
}

/// A text the model is given about a tool: its description, or a parameter's.
pub(crate) struct ModelText<'c> {
    pub tool: &'c Tool,
    /// The parameter the text describes, if it is a parameter's.
    pub parameter: Option<&'c str>,
    pub description: &'c Description,
    pub value: &'c DecodedText,
}

impl ModelText<'_> {
    /// "the description of `search`", "the description of parameter `query` of `search`".
    pub fn label(&self) -> String {
        match self.parameter {
            None => format!("the description of {}", tool_label(self.tool)),
            Some(parameter) => format!(
                "the description of parameter {} of {}",
                crate::rules::code_span(&crate::rules::excerpt(parameter, 30)),
                tool_label(self.tool)
            ),
        }
    }

    /// The label with a capital letter, to start a sentence.
    pub fn subject(&self) -> String {
        capitalised(&self.label())
    }
}

/// `text` with a capital first letter, to start a sentence.
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The parameter's name within its declaration (`limit` in `limit: int = 10`), or the whole
/// declaration when the name is not found there.
pub(crate) fn parameter_name_range(
    source: &str,
    declared: &Range<usize>,
    name: &str,
) -> Range<usize> {
    let text = source.get(declared.clone()).unwrap_or_default();
    match text.find(name) {
        Some(offset) => declared.start + offset..declared.start + offset + name.len(),
        None => declared.clone(),
    }
}

/// Every text the model is given about the file's tools whose content is (at least partly) known:
/// descriptions and parameter descriptions.
pub(crate) fn described<'c>(ctx: &'c Context<'_>) -> impl Iterator<Item = ModelText<'c>> {
    ctx.tools.iter().flat_map(|tool| {
        let own = tool.description.as_deref().map(|d| (None, d));
        let parameters = tool
            .parameters
            .iter()
            .filter_map(|p| p.description.as_ref().map(|d| (Some(p.name.as_str()), d)));
        own.into_iter()
            .chain(parameters)
            .filter_map(move |(parameter, description)| {
                Some(ModelText {
                    tool,
                    parameter,
                    description,
                    value: description.value.as_ref()?,
                })
            })
    })
}

/// Runs `findings` for a text the model is given, unless it is known to find nothing there:
/// whether it does is remembered per text (with the tables) across analyses, so the file's
/// unchanged descriptions are not checked again on every keystroke. Only for checks whose
/// findings, or their absence, depend on nothing but the text. `kept`: where the text keeps
/// results with itself (a description's, see `crate::memo::Kept`).
pub(crate) fn unless_clean(
    ctx: &Context<'_>,
    rule: &'static str,
    text: &str,
    kept: Option<&crate::memo::Kept>,
    out: &mut Vec<Diagnostic>,
    mut findings: impl FnMut(&mut Vec<Diagnostic>),
) {
    let mut found = Vec::new();
    let compute = || {
        findings(&mut found);
        found.is_empty()
    };
    let clean = match kept {
        Some(kept) => crate::memo::read_kept(ctx.knowledge, rule, text, kept, compute, |c| *c),
        None => *crate::memo::by_text(ctx.knowledge, rule, text, compute),
    };
    if clean {
        return;
    }
    if found.is_empty() {
        // Remembered as having findings: find them.
        findings(&mut found);
    }
    out.append(&mut found);
}

/// The source range of part of a description's text, or the whole expression when the text does
/// not map back (it came from elsewhere).
pub(crate) fn source_range(
    description: &Description,
    value: &DecodedText,
    text: Range<usize>,
) -> Range<usize> {
    value
        .source_range(text)
        .unwrap_or_else(|| description.expression.clone())
}

/// Byte ranges of the sentences of a text (split after `.`, `!`, `?` followed by white space, and
/// at blank lines and list items).
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let end_here = match bytes[i] {
            b'.' | b'!' | b'?' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
            b'\n' => true,
            _ => false,
        };
        if end_here {
            push_sentence(text, start..i + 1, &mut out);
            start = i + 1;
        }
        i += 1;
    }
    push_sentence(text, start..text.len(), &mut out);
    out
}

fn push_sentence(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = range.start + (slice.len() - slice.trim_start().len());
    out.push(start..start + trimmed.len());
}

/// Whether `assignment` (`tool.description = ...`, `tool.__doc__ = ...`) describes a tool in the
/// function that defines it: a factory making the tool, not a later replacement.
pub(crate) fn described_by_its_factory(
    ctx: &crate::rules::Context<'_>,
    tool: &crate::agent::Tool,
    assignment: &crate::facts::AttributeAssignment,
) -> bool {
    let Some(function) = tool.function.and_then(|i| ctx.facts.functions.get(i)) else {
        return false;
    };
    let factory = ctx
        .facts
        .enclosing_function(function.range.start.saturating_sub(1));
    factory.is_some()
        && factory != tool.function
        && ctx.facts.enclosing_function(assignment.range.start) == factory
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_punctuation_and_lines() {
        let text = "Read a file. Pass its content as `ctx`!\n\n  - then: call it\nDone 3.5 times";
        let got: Vec<_> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            vec![
                "Read a file.",
                "Pass its content as `ctx`!",
                "- then: call it",
                "Done 3.5 times"
            ]
        );
    }
}
