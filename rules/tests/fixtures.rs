//! Every rule's fixtures, snapshot-tested: the rendered diagnostics with exact ranges and messages,
//! and each fix as a diff. Every fix (and every suppression fix) is also applied here and the result
//! re-analysed: it must still parse as well as before, and the finding must be gone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use agentlint_rules::syntax::parse;
use agentlint_rules::{
    Diagnostic, Fix, Knowledge, Language, LineIndex, PositionEncoding, Settings, analyse_text,
    apply_fixes, suppress,
};

/// Findings a fix of `code` may resolve besides its own: disclosing that a tool sends data
/// (AL101) answers a parameter that is only sent away (AL115).
fn resolved_by(code: &str, finding: &Diagnostic) -> bool {
    matches!((code, finding.rule.code), ("AL101", "AL115"))
}

fn analyse(path: &Path, source: &str) -> Vec<Diagnostic> {
    let language = Language::from_path(path).unwrap_or_else(|| panic!("no language for {path:?}"));
    let analysis = analyse_text(
        path,
        source,
        language,
        &Settings::default(),
        Knowledge::builtin(),
    );
    assert!(analysis.failures.is_empty(), "{:?}", analysis.failures);
    analysis.diagnostics
}

/// Renders diagnostics like a compiler: location, code, severity, message, the source line with a
/// caret under the range, and the fix as a unified diff.
fn render(name: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source);
    let mut out = String::new();
    if diagnostics.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    for d in diagnostics {
        let start = index.position(source, d.range.start, PositionEncoding::Utf32);
        let end = index.position(source, d.range.end, PositionEncoding::Utf32);
        let _ = writeln!(
            out,
            "{name}:{}:{}-{}:{}: {} [{}] {}",
            start.line + 1,
            start.column + 1,
            end.line + 1,
            end.column + 1,
            d.rule.code,
            d.severity,
            d.message
        );
        let line_no = (start.line + 1).to_string();
        let pad = " ".repeat(line_no.len());
        let line = index
            .line_range(source, start.line as usize)
            .map(|r| &source[r])
            .unwrap_or_default();
        let width = if start.line == end.line {
            (end.column - start.column).max(1) as usize
        } else {
            line.chars()
                .count()
                .saturating_sub(start.column as usize)
                .max(1)
        };
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{line_no} | {line}");
        let _ = writeln!(
            out,
            "{pad} | {}{}",
            " ".repeat(start.column as usize),
            "^".repeat(width)
        );
        if let Some(fix) = &d.fix {
            let _ = writeln!(
                out,
                "{pad} = fix ({}): {}",
                fix.applicability.as_str(),
                fix.title
            );
            let fixed = apply_fixes(source, [fix]).text;
            let diff = similar::TextDiff::from_lines(source, &fixed);
            for line in diff.unified_diff().context_radius(0).to_string().lines() {
                let _ = writeln!(out, "{pad}   {line}");
            }
        }
        out.push('\n');
    }
    out
}

/// Applies `fix` and checks that the result parses no worse and that `removed` findings of the
/// target's code are gone (one for a fix; for a suppression, every finding of that code anchored
/// to the same line, such as several in one multi-line docstring).
fn check_fix(
    path: &Path,
    source: &str,
    before: &[Diagnostic],
    target: &Diagnostic,
    fix: &Fix,
    removed: usize,
) {
    let language = Language::from_path(path).unwrap_or(Language::Python);
    let applied = apply_fixes(source, [fix]);
    assert_eq!(
        applied.applied, 1,
        "{path:?}: fix `{}` did not apply",
        fix.title
    );
    let had_errors = parse(source, language).root_node().has_error();
    let tree = parse(&applied.text, language);
    assert!(
        had_errors || !tree.root_node().has_error(),
        "{path:?}: fix `{}` broke the syntax:\n{}",
        fix.title,
        applied.text
    );
    let count = |ds: &[Diagnostic]| {
        ds.iter()
            .filter(|d| d.rule.code == target.rule.code)
            .count()
    };
    let after = analyse(path, &applied.text);
    assert_eq!(
        count(&after),
        count(before) - removed,
        "{path:?}: fix `{}` did not remove exactly its finding(s):\n{}",
        fix.title,
        applied.text
    );
    // Findings of other rules are untouched, except those the fix resolves too.
    let others = |ds: &[Diagnostic]| {
        ds.iter()
            .filter(|d| d.rule.code != target.rule.code && !resolved_by(target.rule.code, d))
            .count()
    };
    assert_eq!(
        others(&after),
        others(before),
        "{path:?}: fix `{}` changed other rules' findings:\n{}",
        fix.title,
        applied.text
    );
}

/// Every fixture file as (rule code, file name, path), sorted.
fn fixtures() -> Vec<(String, String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut found = Vec::new();
    for rule in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(rule.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            found.push((
                rule.file_name().to_string_lossy().into_owned(),
                file.file_name().to_string_lossy().into_owned(),
                file.path(),
            ));
        }
    }
    found.sort();
    assert!(!found.is_empty(), "no fixtures under {root:?}");
    found
}

#[test]
fn rule_fixtures() {
    for (rule, name, path) in fixtures() {
        let path = path.as_path();
        let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let diagnostics = analyse(path, &source);
        insta::with_settings!({ input_file => path, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{rule}@{name}"), render(&name, &source, &diagnostics));
        });

        let language = Language::from_path(path).unwrap_or(Language::Python);
        let tree = parse(&source, language);
        let index = LineIndex::new(&source);
        let anchor = |d: &Diagnostic| suppress::anchor_line(&source, &tree, &index, d.range.start);
        for d in &diagnostics {
            if let Some(fix) = &d.fix {
                check_fix(path, &source, &diagnostics, d, fix, 1);
            }
            let suppression = suppress::suppression_fix(&source, &tree, language, &index, d)
                .unwrap_or_else(|| panic!("{path:?}: no suppression fix for {d:?}"));
            let same_line = diagnostics
                .iter()
                .filter(|other| other.rule.code == d.rule.code && anchor(other) == anchor(d))
                .count();
            check_fix(path, &source, &diagnostics, d, &suppression, same_line);
        }
    }
}

/// Fixes that land on the same file together (as `--fix` and `source.fixAll` apply them) still
/// leave a file that parses and has none of the fixed findings.
#[test]
fn all_fixes_together() {
    for (_, _, path) in fixtures() {
        let path = path.as_path();
        let source = std::fs::read_to_string(path).unwrap_or_default();
        let diagnostics = analyse(path, &source);
        let fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
        if fixes.is_empty() {
            continue;
        }
        let mut text = source.clone();
        // Conflicting fixes are left for the next round, as `agentlint check --fix` does.
        for _ in 0..10 {
            let current = analyse(path, &text);
            let applied = apply_fixes(&text, current.iter().filter_map(|d| d.fix.as_ref()));
            if applied.applied == 0 {
                break;
            }
            text = applied.text;
        }
        let language = Language::from_path(path).unwrap_or(Language::Python);
        let before_errors = parse(&source, language).root_node().has_error();
        assert!(
            before_errors || !parse(&text, language).root_node().has_error(),
            "{text}"
        );
        let left = analyse(path, &text);
        assert_eq!(
            left.iter().filter(|d| d.fix.is_some()).count(),
            0,
            "{path:?}: fixable findings remain after fixing:\n{text}"
        );
        let fixed_codes: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .map(|d| d.rule.code)
            .collect();
        let kept = |ds: &[Diagnostic]| {
            ds.iter()
                .filter(|d| d.fix.is_none())
                .filter(|d| !fixed_codes.iter().any(|code| resolved_by(code, d)))
                .count()
        };
        assert_eq!(
            kept(&left),
            kept(&diagnostics),
            "{path:?}: fixing changed other findings:\n{text}"
        );
    }
}

/// What one description rule found in a text is kept with the text apart from what another found:
/// a description clean for AL110–AL112 but with hidden characters is still reported by AL113
/// (the rules run in that order, each asking about the same text).
#[test]
fn description_rules_keep_their_own_answers() {
    let source = "from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"x\")\n\n\n\
                  @mcp.tool()\ndef ping(host: str) -> str:\n    \"\"\"Ping a host.\u{200b}\u{200b}\u{200b}\"\"\"\n    \
                  return host\n";
    let codes: Vec<&str> = analyse(Path::new("agent.py"), source)
        .iter()
        .map(|d| d.rule.code)
        .collect();
    assert!(codes.contains(&"AL113"), "{codes:?}");
    assert!(!codes.contains(&"AL110"), "{codes:?}");
}
