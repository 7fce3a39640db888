//! `--format json`: one object, `{"version": 1, "diagnostics": [...]}`. The shape is a stable
//! interface, documented in docs/output.md and by the JSON Schema docs/output.schema.json (the
//! tests validate every output against it): lines and columns are 1-based, columns count Unicode
//! characters, `end` is the position just after the range, and every path is relative to the
//! working directory.

use agentlint_rules::{Diagnostic, PositionEncoding};
use serde::Serialize;

use super::FileReport;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    path: &'a str,
    range: JsonRange,
    message: &'a str,
    note: Option<&'a str>,
    help: Option<&'a str>,
    /// Places that explain the finding: where a value came from, the other places of a flow.
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'a str,
    edits: Vec<JsonEdit<'a>>,
    /// What the fix does to other files of the project, as they are now.
    other_files: Vec<JsonOtherFile<'a>>,
}

#[derive(Serialize)]
struct JsonOtherFile<'a> {
    path: &'a str,
    /// `create` (the file does not exist: `text` is all of it) or `append` (`text` goes at its end).
    action: &'a str,
    text: &'a str,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: JsonRange,
    new_text: &'a str,
}

fn range(report: &FileReport, range: &std::ops::Range<usize>) -> JsonRange {
    let start = report.one_based(range.start, PositionEncoding::Utf32);
    let end = report.one_based(range.end, PositionEncoding::Utf32);
    JsonRange {
        start: JsonPosition {
            line: start.line,
            column: start.column,
        },
        end: JsonPosition {
            line: end.line,
            column: end.column,
        },
    }
}

fn diagnostic<'a>(report: &'a FileReport, i: usize, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        code: d.rule.code,
        name: d.rule.name,
        severity: d.severity.as_str(),
        path: &report.display_path,
        range: range(report, &d.range),
        message: &d.message,
        note: d.note.as_deref(),
        help: d.help.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| {
                let (path, line, column) = report.related_place(r, PositionEncoding::Utf32);
                JsonRelated {
                    path,
                    line,
                    column,
                    message: &r.message,
                }
            })
            .collect(),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            title: &fix.title,
            applicability: fix.applicability.as_str(),
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    range: range(report, &e.range),
                    new_text: &e.new_text,
                })
                .collect(),
            other_files: report
                .other_files(i)
                .iter()
                .map(|edit| JsonOtherFile {
                    path: &edit.display_path,
                    action: if edit.creates { "create" } else { "append" },
                    text: &edit.text,
                })
                .collect(),
        }),
    }
}

pub fn render_json(reports: &[FileReport]) -> String {
    let output = Output {
        version: 1,
        diagnostics: reports
            .iter()
            .flat_map(|r| {
                r.diagnostics
                    .iter()
                    .enumerate()
                    .map(move |(i, d)| diagnostic(r, i, d))
            })
            .collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&output).unwrap_or_default() + "\n"
}
