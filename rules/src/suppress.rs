//! Inline suppressions.
//!
//! ```text
//! result = eval(expr)  # agentlint: ignore[AL203] expr is validated by the grammar above
//! // agentlint: ignore[AL203, AL201] reason       (own line: applies to the next line)
//! # agentlint: ignore-file[AL203] generated code  (anywhere: applies to the whole file)
//! ```
//!
//! A suppression names codes, code prefixes or rule names; a bare `agentlint: ignore` without
//! codes suppresses nothing (blanket suppressions hide the findings you did not mean to hide).
//! A finding is matched on its *anchor line*: the line it starts on, or, when that line ends
//! inside a multi-line string, the line where the string ends (where a comment can go).

use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::Tree;

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, Fix};
use crate::rules::RuleMeta;
use crate::syntax::{Family, Language, LineIndex, ancestors, node_text, preorder};

/// Where a suppression applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A comment at the end of a line: that line.
    Line(usize),
    /// A comment alone on its line: the next line.
    NextLine(usize),
    File,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub scope: Scope,
    /// Codes, prefixes or names as written.
    pub codes: Vec<String>,
    /// Whatever follows the codes.
    pub reason: String,
}

impl Suppression {
    fn covers(&self, rule: &RuleMeta, anchor_line: usize) -> bool {
        let in_scope = match self.scope {
            Scope::Line(line) => line == anchor_line,
            Scope::NextLine(line) => line + 1 == anchor_line,
            Scope::File => true,
        };
        in_scope
            && self.codes.iter().any(|code| {
                rule.code.starts_with(&code.to_ascii_uppercase()) && code.len() >= 2
                    || rule.name == code
            })
    }
}

fn pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        Regex::new(r"agentlint:\s*ignore(-file)?\[([^\]]*)\]([^\r\n]*)")
            .expect("suppression pattern is valid")
    })
}

/// The codes a directive names (`AL201, AL3`), if any.
fn codes(captures: &regex::Captures<'_>) -> Option<Vec<String>> {
    let codes: Vec<String> = captures[2]
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    (!codes.is_empty()).then_some(codes)
}

/// What every suppression comment contains.
pub(crate) const MARKER: &str = "agentlint:";

/// Whether `source` contains [`MARKER`], given whether the last version did and the bytes both
/// share at the start and at the end (`ends`): when it did not, only around the change can it
/// now. The same answer as searching the whole text.
pub(crate) fn marked_since(source: &str, previous: Option<(bool, (usize, usize))>) -> bool {
    let Some((false, (prefix, suffix))) = previous else {
        return source.contains(MARKER);
    };
    let reach = MARKER.len() - 1;
    let start = prefix.saturating_sub(reach);
    let end = (source.len().saturating_sub(suffix) + reach).min(source.len());
    start < end && memchr::memmem::find(&source.as_bytes()[start..end], MARKER.as_bytes()).is_some()
}

/// Every suppression comment in a file.
pub fn collect(source: &str, tree: &Tree, index: &LineIndex) -> Vec<Suppression> {
    collect_marked(source, tree, index, source.contains(MARKER))
}

/// [`collect`], given whether the file contains [`MARKER`].
pub(crate) fn collect_marked(
    source: &str,
    tree: &Tree,
    index: &LineIndex,
    marked: bool,
) -> Vec<Suppression> {
    if !marked {
        return Vec::new();
    }
    let mut found = Vec::new();
    for node in preorder(tree.root_node()).filter(|n| n.kind() == "comment") {
        let text = node_text(node, source);
        for captures in pattern().captures_iter(text) {
            let Some(codes) = codes(&captures) else {
                continue;
            };
            let reason = captures[3].trim().trim_end_matches("*/").trim().to_string();
            let at = node.start_byte() + captures.get(0).map_or(0, |m| m.start());
            let line = index.line_of(at);
            let scope = if captures.get(1).is_some() {
                Scope::File
            } else if is_alone_on_line(source, index, at) {
                Scope::NextLine(line)
            } else {
                Scope::Line(line)
            };
            found.push(Suppression {
                scope,
                codes,
                reason,
            });
        }
    }
    found
}

/// Every suppression in a text file whose comments are lines (or line ends) starting with
/// `marker` (`#` in `.env` files): the same directives as in code.
pub fn collect_in_lines(source: &str, marker: char) -> Vec<Suppression> {
    if !source.contains("agentlint:") {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (line, text) in source.split('\n').enumerate() {
        let Some(at) = text.find("agentlint:") else {
            continue;
        };
        let Some(comment) = text[..at].rfind(marker) else {
            continue;
        };
        // A marker inside a value (`KEY=a#b`) does not start a comment.
        if comment > 0 && !text[..comment].ends_with(char::is_whitespace) {
            continue;
        }
        let Some(captures) = pattern().captures(&text[at..]) else {
            continue;
        };
        let Some(codes) = codes(&captures) else {
            continue;
        };
        let scope = if captures.get(1).is_some() {
            Scope::File
        } else if text[..comment].trim().is_empty() {
            Scope::NextLine(line)
        } else {
            Scope::Line(line)
        };
        found.push(Suppression {
            scope,
            codes,
            reason: captures[3].trim().to_string(),
        });
    }
    found
}

/// Drops the diagnostics a suppression covers, in a file without a syntax tree: a finding's line
/// is the line it starts on.
pub fn filter_lines(
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &[Suppression],
    index: &LineIndex,
) {
    if suppressions.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let line = index.line_of(d.range.start);
        !suppressions.iter().any(|s| s.covers(d.rule, line))
    });
}

/// Whether the directive at `at` is alone on its line: nothing before it but the comment's own
/// opening (`#`, `//`, `/*`, `{/*`). A directive after code, or after other words of the same
/// comment (`# the old key was …  # agentlint: ignore[AL301]`), is about its own line.
fn is_alone_on_line(source: &str, index: &LineIndex, at: usize) -> bool {
    let line = index.line_of(at);
    let start = index.line_start(line).unwrap_or(0);
    source[start..at]
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '#' | '/' | '*' | '{'))
}

/// Drops the diagnostics that a suppression covers.
pub fn filter(
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &[Suppression],
    source: &str,
    tree: &Tree,
    index: &LineIndex,
) {
    if suppressions.is_empty() {
        return;
    }
    diagnostics.retain(|d| {
        let anchor = anchor_line(source, tree, index, d.range.start);
        !suppressions.iter().any(|s| s.covers(d.rule, anchor))
    });
}

/// The line a suppression comment for a finding starting at `offset` goes on.
pub fn anchor_line(source: &str, tree: &Tree, index: &LineIndex, offset: usize) -> usize {
    let mut line = index.line_of(offset);
    // Each step moves strictly down; the bound only guards against a malformed tree.
    for _ in 0..64 {
        let Some(range) = index.line_range(source, line) else {
            break;
        };
        let end = range.end;
        let enclosing = tree
            .root_node()
            .descendant_for_byte_range(end, end)
            .and_then(|n| {
                std::iter::once(n)
                    .chain(ancestors(n))
                    .filter(|a| {
                        is_string_like(a.kind()) && a.start_byte() < end && a.end_byte() > end
                    })
                    .last()
            });
        match enclosing {
            Some(string) => {
                let next = index.line_of(string.end_byte());
                if next <= line {
                    break;
                }
                line = next;
            }
            None => break,
        }
    }
    line
}

fn is_string_like(kind: &str) -> bool {
    matches!(kind, "string" | "template_string" | "concatenated_string")
}

/// A fix that adds `rule` to a suppression comment on the finding's anchor line, creating the
/// comment when there is none.
pub fn suppression_fix(
    source: &str,
    tree: &Tree,
    language: Language,
    index: &LineIndex,
    diagnostic: &Diagnostic,
) -> Option<Fix> {
    let code = diagnostic.rule.code;
    let title = format!("Suppress {code} on this line");
    let line = anchor_line(source, tree, index, diagnostic.range.start);
    let range = index.line_range(source, line)?;
    let line_text = &source[range.clone()];

    // Extend a suppression comment already at the end of the line.
    if let Some(m) = pattern().captures_iter(line_text).last() {
        let codes = m.get(2)?;
        let insert_at = range.start + codes.end();
        let separator = if codes.as_str().trim().is_empty() {
            ""
        } else {
            ", "
        };
        return Some(Fix::new(
            title,
            Applicability::DisplayOnly,
            vec![Edit::insert(insert_at, format!("{separator}{code}"))],
        ));
    }

    let comment = format!("agentlint: ignore[{code}]");
    // A Python line continued with a backslash cannot take a comment: put it on its own line above.
    if language.family() == Family::Python && line_text.trim_end().ends_with('\\') {
        let indent: String = line_text
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect();
        return Some(Fix::new(
            title,
            Applicability::DisplayOnly,
            vec![Edit::insert(range.start, format!("{indent}# {comment}\n"))],
        ));
    }
    let text_end = range.start + line_text.trim_end().len();
    let trailing = match language.family() {
        Family::Python => format!("  # {comment}"),
        Family::JavaScript if in_jsx_children(tree, text_end) => format!(" {{/* {comment} */}}"),
        Family::JavaScript => format!(" // {comment}"),
    };
    Some(Fix::new(
        title,
        Applicability::DisplayOnly,
        vec![Edit::insert(text_end, trailing)],
    ))
}

/// A suppression for a finding in a file whose comments are `#` lines (`.env`): a comment line
/// above the finding's (a trailing comment could become part of an unquoted value).
pub fn suppression_fix_in_lines(index: &LineIndex, diagnostic: &Diagnostic) -> Option<Fix> {
    let code = diagnostic.rule.code;
    let line = index.line_of(diagnostic.range.start);
    let start = index.line_start(line)?;
    Some(Fix::new(
        format!("Suppress {code} on this line"),
        Applicability::DisplayOnly,
        vec![Edit::insert(
            start,
            format!("# agentlint: ignore[{code}]\n"),
        )],
    ))
}

/// Whether `offset` is between the children of a JSX element, where `//` would be text.
fn in_jsx_children(tree: &Tree, offset: usize) -> bool {
    let Some(mut node) = tree.root_node().descendant_for_byte_range(offset, offset) else {
        return false;
    };
    // The innermost node that strictly contains the offset.
    while !(node.start_byte() < offset && offset < node.end_byte()) {
        match node.parent() {
            Some(parent) => node = parent,
            None => return false,
        }
    }
    matches!(node.kind(), "jsx_element" | "jsx_fragment" | "jsx_text")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    proptest::proptest! {
        /// Whether a text holds the marker, from the last version's answer and the change, is
        /// what searching the whole text says.
        #[test]
        fn the_marker_is_found_around_the_change_as_in_the_whole_text(
            old in "(agentlint:|agent|lint:|a|:| |\n){0,12}",
            at in 0usize..40,
            cut in 0usize..12,
            insert in "(agentlint:|agent|lint|:|x){0,3}",
        ) {
            let new = crate::syntax::change::edited(&old, &insert, at, cut);
            let ends = crate::syntax::change::common_ends(old.as_bytes(), new.as_bytes());
            let previous = Some((old.contains(MARKER), ends));
            proptest::prop_assert_eq!(marked_since(&new, previous), new.contains(MARKER));
        }
    }

    fn suppressions(source: &str, language: Language) -> Vec<Suppression> {
        let tree = parse(source, language);
        collect(source, &tree, &LineIndex::new(source))
    }

    #[test]
    fn a_directive_after_other_words_of_a_comment_is_about_its_own_line() {
        let found = suppressions(
            "# the old key was x, revoked  # agentlint: ignore[AL301] revoked\n\
             // agentlint: ignore[AL203]\n",
            Language::Python,
        );
        assert_eq!(found[0].scope, Scope::Line(0));
        let found = suppressions(
            "/* agentlint: ignore[AL203] */\nconst a = 1; // note  // agentlint: ignore[AL201]\n",
            Language::TypeScript,
        );
        assert_eq!(
            found.iter().map(|s| s.scope).collect::<Vec<_>>(),
            [Scope::NextLine(0), Scope::Line(1)]
        );
    }

    #[test]
    fn comments_are_parsed_with_scope_codes_and_reason() {
        let found = suppressions(
            "x = eval(a)  # agentlint: ignore[AL203] validated above\n\
             # agentlint: ignore[AL2, dynamic-code-execution]\n\
             y = 1\n\
             s = '# agentlint: ignore[AL203]'\n\
             # agentlint: ignore\n\
             # agentlint: ignore-file[AL203] generated code\n",
            Language::Python,
        );
        assert_eq!(
            found,
            vec![
                Suppression {
                    scope: Scope::Line(0),
                    codes: vec!["AL203".into()],
                    reason: "validated above".into()
                },
                Suppression {
                    scope: Scope::NextLine(1),
                    codes: vec!["AL2".into(), "dynamic-code-execution".into()],
                    reason: String::new()
                },
                Suppression {
                    scope: Scope::File,
                    codes: vec!["AL203".into()],
                    reason: "generated code".into()
                },
            ]
        );
    }

    #[test]
    fn javascript_line_and_block_comments() {
        let found = suppressions(
            "eval(a); // agentlint: ignore[AL203]\n/* agentlint: ignore[AL203] why */\neval(b);\n",
            Language::TypeScript,
        );
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].scope, Scope::NextLine(1));
        assert_eq!(found[1].reason, "why");
    }

    #[test]
    fn anchor_moves_past_multiline_strings() {
        let source = "x = f('''a\nb''', eval(y))\nz = `${eval(\nq)}`\n";
        let tree = parse(source, Language::Python);
        let index = LineIndex::new(source);
        assert_eq!(anchor_line(source, &tree, &index, 0), 1);
        let js = "const z = `${eval(\nq)}`;\n";
        let tree = parse(js, Language::JavaScript);
        let index = LineIndex::new(js);
        assert_eq!(
            anchor_line(js, &tree, &index, js.find("eval").unwrap_or(0)),
            1
        );
    }
}
