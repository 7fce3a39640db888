//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it. Columns are UTF-16 code units
//! (`columnKind: utf16CodeUnits`, SARIF's default and what GitHub assumes); paths are relative URIs
//! against `%SRCROOT%` (the working directory) when inside it.

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

fn artifact_location(report: &FileReport) -> Value {
    if report.display_path.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_path(&report.display_path)) })
    } else {
        json!({ "uri": uri_path(&report.display_path), "uriBaseId": "%SRCROOT%" })
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

fn result(report: &FileReport, d: &Diagnostic, rule_index: usize) -> Value {
    let mut result = json!({
        "ruleId": d.rule.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(report),
                "region": region(report, &d.range),
            }
        }],
    });
    if let Some(fix) = &d.fix {
        result["fixes"] = json!([{
            "description": { "text": format!("{} ({})", fix.title, fix.applicability.as_str()) },
            "artifactChanges": [{
                "artifactLocation": artifact_location(report),
                "replacements": fix.edits.iter().map(|e| json!({
                    "deletedRegion": region(report, &e.range),
                    "insertedContent": { "text": e.new_text },
                })).collect::<Vec<_>>(),
            }],
        }]);
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
            report.diagnostics.iter().map(move |d| {
                let index = all
                    .iter()
                    .position(|r| r.meta().code == d.rule.code)
                    .unwrap_or_default();
                result(report, d, index)
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
