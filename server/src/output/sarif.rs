//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it (the tests validate every
//! output against the official schema, tests/schemas/sarif-schema-2.1.0.json). Columns are UTF-16
//! code units (`columnKind: utf16CodeUnits`, SARIF's default and what GitHub assumes); paths are
//! relative URIs against `%SRCROOT%` (the working directory) when inside it. Severities map to
//! levels as docs/output.md says: error and warning to themselves, info and hint to `note`.

use agentlint_rules::{Diagnostic, PositionEncoding, Severity, rules};
use serde_json::{Value, json};

use super::FileReport;

const INFORMATION_URI: &str = "https://github.com/agentlint/agentlint";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// GitHub's `security-severity` score (0-10) for a rule's default severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "3.0",
        Severity::Hint => "1.0",
    }
}

/// Percent-encodes a path for a URI, keeping `/`.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A path as shown (relative to the working directory, or absolute) as an artifact location.
fn artifact_location(display_path: &str) -> Value {
    if display_path.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_path(display_path)) })
    } else {
        json!({ "uri": uri_path(display_path), "uriBaseId": "%SRCROOT%" })
    }
}

fn region(report: &FileReport, range: &std::ops::Range<usize>) -> Value {
    let start = report.one_based(range.start, PositionEncoding::Utf16);
    let end = report.one_based(range.end, PositionEncoding::Utf16);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn result(report: &FileReport, i: usize, d: &Diagnostic, rule_index: usize) -> Value {
    let mut result = json!({
        "ruleId": d.rule.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": d.full_message() },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(&report.display_path),
                "region": region(report, &d.range),
            }
        }],
    });
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|r| {
            let (path, line, _) = report.related_place(r, PositionEncoding::Utf16);
            json!({
                "message": { "text": r.message },
                "physicalLocation": {
                    "artifactLocation": artifact_location(&path),
                    "region": match r.place {
                        Some(_) => json!({ "startLine": line }),
                        None => region(report, &r.range),
                    },
                }
            })
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if let Some(fix) = &d.fix {
        // One change a file: this file's edits, then each other file's insertion at its end (a
        // file the fix creates is empty: the insertion is its whole text).
        let mut changes = Vec::new();
        if !fix.edits.is_empty() {
            changes.push(json!({
                "artifactLocation": artifact_location(&report.display_path),
                "replacements": fix.edits.iter().map(|e| json!({
                    "deletedRegion": region(report, &e.range),
                    "insertedContent": { "text": e.new_text },
                })).collect::<Vec<_>>(),
            }));
        }
        for edit in report.other_files(i) {
            changes.push(json!({
                "artifactLocation": artifact_location(&edit.display_path),
                "replacements": [{
                    "deletedRegion": { "charOffset": edit.offset_utf16, "charLength": 0 },
                    "insertedContent": { "text": edit.text },
                }],
            }));
        }
        // A fix that changes nothing here (its other files have what it adds) is left out: SARIF
        // requires at least one change.
        if !changes.is_empty() {
            result["fixes"] = json!([{
                "description": {
                    "text": format!("{} ({} fix)", fix.title, fix.applicability.as_str())
                },
                "artifactChanges": changes,
            }]);
        }
    }
    result
}

pub fn render_sarif(reports: &[FileReport]) -> String {
    let all = rules::all();
    let rule_descriptors: Vec<Value> = all
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            json!({
                "id": meta.code,
                "name": meta.name,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.summary },
                "help": { "text": meta.documentation(), "markdown": meta.documentation() },
                "helpUri": format!("{INFORMATION_URI}/blob/main/docs/rules/{}.md", meta.code),
                "defaultConfiguration": { "level": level(meta.default_severity) },
                "properties": {
                    "tags": ["security", "ai-agent"],
                    "precision": "high",
                    "security-severity": security_severity(meta.default_severity),
                },
            })
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            report.diagnostics.iter().enumerate().map(move |(i, d)| {
                let index = all
                    .iter()
                    .position(|r| r.meta().code == d.rule.code)
                    .unwrap_or_default();
                result(report, i, d, index)
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "agentlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rule_descriptors,
                }
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("a b/中.py"), "a%20b/%E4%B8%AD.py");
        assert_eq!(uri_path("src/x-y_z.py"), "src/x-y_z.py");
    }
}
