//! `--format json`: one object, `{"version": 1, "diagnostics": [...]}`. The shape is a stable
//! interface (DESIGN.md, "Interfaces other tools rely on"): lines and columns are 1-based, columns
//! count Unicode characters, and `end` is the position just after the range.

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
    fix: Option<JsonFix<'a>>,
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
    /// Lines other files of the project get (relative to its root; each added at the end unless
    /// the file has it). Omitted when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    files: Vec<JsonFileChange<'a>>,
}

#[derive(Serialize)]
struct JsonFileChange<'a> {
    file: &'a str,
    line: &'a str,
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

fn diagnostic<'a>(report: &'a FileReport, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        code: d.rule.code,
        name: d.rule.name,
        severity: d.severity.as_str(),
        path: &report.display_path,
        range: range(report, &d.range),
        message: &d.message,
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
            files: fix
                .files
                .iter()
                .map(|c| JsonFileChange {
                    file: &c.file,
                    line: &c.line,
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
            .flat_map(|r| r.diagnostics.iter().map(move |d| diagnostic(r, d)))
            .collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&output).unwrap_or_default() + "\n"
}
