//! A tool's card: what the model is told about it, exactly, with hidden characters made visible.
//! Shown on hover in the editor.

use std::fmt::Write as _;

use super::Tool;
use crate::syntax::LineIndex;

/// `text` with every invisible or control character written out as `⟦U+200B⟧` (tabs and line
/// breaks stay).
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}' | '\u{034F}'
            | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}')
            || (c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
        if hidden {
            let _ = write!(out, "⟦U+{:04X}⟧", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Markdown for a tool's hover card.
pub fn card(tool: &Tool, index: &LineIndex) -> String {
    let mut out = format!(
        "**`{}`**: a model-callable tool ({})\n\n",
        tool.display_name(),
        tool.framework
    );
    match &tool.description {
        None => out.push_str("The model is told nothing about what it does (no description).\n"),
        Some(description) => {
            out.push_str("The model is told:\n\n```text\n");
            out.push_str(&visible(description.text().trim_end()));
            out.push_str("\n```\n");
            if !description.is_constant() {
                out.push_str(
                    "\n_Parts of this description are computed at run time and are not shown._\n",
                );
            }
        }
    }
    if !tool.parameters.is_empty() {
        out.push_str("\nParameters:\n");
        for parameter in &tool.parameters {
            match parameter
                .description
                .as_ref()
                .map(|d| visible(d.text().trim()))
            {
                Some(text) if !text.is_empty() => {
                    let _ = writeln!(out, "- `{}`: {}", parameter.name, text.replace('\n', " "));
                }
                _ => {
                    let _ = writeln!(out, "- `{}`", parameter.name);
                }
            }
        }
    }
    if !tool.effects.is_empty() {
        out.push_str("\nWhat its code does:\n");
        for (effect, evidence) in &tool.effects {
            let chain: Vec<String> = evidence
                .iter()
                .map(|hop| match &hop.place {
                    Some(place) => format!(
                        "`{}` ({}, line {})",
                        hop.callee,
                        place.file_name(),
                        place.line + 1
                    ),
                    None => format!(
                        "`{}` (line {})",
                        hop.callee,
                        index.line_of(hop.range.start) + 1
                    ),
                })
                .collect();
            let _ = writeln!(out, "- {}: {}", effect.verb(), chain.join(" ← "));
        }
    }
    if let Some(handler) = &tool.handler {
        let line = index.line_of(handler.start) + 1;
        match &tool.function_name {
            Some(name) => {
                let _ = writeln!(out, "\nRuns `{name}` (line {line}).");
            }
            None => {
                let _ = writeln!(out, "\nRuns the function at line {line}.");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_written_out() {
        assert_eq!(visible("a\u{200B}b\u{E0041}\tc"), "a⟦U+200B⟧b⟦U+E0041⟧\tc");
    }
}
