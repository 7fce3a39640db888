//! Every kind of fix, applied to a small realistic file and read as a reviewer reads a change:
//! the unified diff with its context (where an import lands, what is left around a removed
//! argument), and what it does to other files. `tests/fixes/` holds one file per kind
//! (`<case>@<name>` is analysed as `<name>`, for files such as `.env`; `.tmpl` files get their
//! keys generated now, and the snapshot masks them as every output does). A test also checks
//! that every kind of fix the rule fixtures produce has a case here.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use agentlint_rules::secrets::SecretSpan;
use agentlint_rules::secrets::redact::masked;
use agentlint_rules::syntax::parse;
use agentlint_rules::{
    Analysis, ConfigFile, ConfigKind, Diagnostic, Fix, Knowledge, Language, LineIndex, LineKind,
    Settings, analyse_config, analyse_text, apply_fixes, suppress,
};

/// The sandbox the AL202 case configures (`[sandbox] command` in `agentlint.toml`).
fn knowledge() -> Knowledge {
    let mut knowledge = Knowledge::builtin().clone();
    knowledge.set_sandbox_command(vec![
        "bwrap".into(),
        "--die-with-parent".into(),
        "--".into(),
    ]);
    knowledge
}

/// `{fake:ID:SEED}` replaced by a key of format `ID` generated from `SEED`.
fn expand(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{fake:") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').unwrap() + start;
        let (id, seed) = rest[start + 6..end].split_once(':').unwrap();
        out.push_str(
            &Knowledge::builtin()
                .secrets
                .fake(id, seed.parse().unwrap())
                .unwrap(),
        );
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

struct Case {
    name: String,
    /// The path it is analysed as.
    path: PathBuf,
    source: String,
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixes");
    let mut cases: Vec<Case> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let (source, file) = match name.strip_suffix(".tmpl") {
                Some(stem) => (expand(&text), stem.to_string()),
                None => (text, name.clone()),
            };
            let file = file
                .split_once('@')
                .map_or(file.clone(), |(_, f)| f.to_string());
            Case {
                name,
                path: dir.join(file),
                source,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

fn analyse(case: &Case, source: &str) -> Analysis {
    let settings = Settings::default();
    let knowledge = knowledge();
    match Language::from_path(&case.path) {
        Some(language) => analyse_text(&case.path, source, language, &settings, &knowledge),
        None => analyse_config(
            ConfigFile {
                path: &case.path,
                source,
                kind: ConfigKind::from_path(&case.path).unwrap(),
                committed: true,
            },
            &settings,
            &knowledge,
        ),
    }
}

/// The fixes offered for a finding: its own, and its suppression.
fn fixes_of(case: &Case, d: &Diagnostic) -> Vec<Fix> {
    let index = LineIndex::new(&case.source);
    let suppression = match Language::from_path(&case.path) {
        Some(language) => {
            let tree = parse(&case.source, language);
            suppress::suppression_fix(&case.source, &tree, language, &index, d)
        }
        None if matches!(
            ConfigKind::from_path(&case.path),
            Some(ConfigKind::Env | ConfigKind::EnvTemplate)
        ) =>
        {
            suppress::suppression_fix_in_lines(&index, d)
        }
        None => None,
    };
    d.fix.iter().cloned().chain(suppression).collect()
}

/// `source` with every secret masked as outputs mask it.
fn masked_source(source: &str, secrets: &[SecretSpan]) -> String {
    let mut text = source.to_string();
    for secret in secrets {
        text.replace_range(
            secret.range.clone(),
            &masked(&source[secret.range.clone()], secret.public),
        );
    }
    text
}

/// What a fix does, as a reviewer reads it.
fn review(case: &Case, secrets: &[SecretSpan], fix: &Fix) -> String {
    let shown = masked_source(&case.source, secrets);
    let fixed = apply_fixes(&shown, [fix]).text;
    let name = case.path.file_name().unwrap().to_string_lossy();
    let mut out = format!("{} ({})\n", fix.title, fix.applicability.as_str());
    let diff = similar::TextDiff::from_lines(shown.as_str(), &fixed);
    let _ = write!(
        out,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{name}"), &format!("b/{name}"))
    );
    for change in &fix.files {
        let how = match change.kind {
            LineKind::Create => "created if missing",
            LineKind::Append => "appended",
            LineKind::Variable | LineKind::Ignore => "the line added if missing",
        };
        let _ = writeln!(out, "{} ({how}):", change.file);
        for line in change.line.lines() {
            let _ = writeln!(out, "+ {line}");
        }
    }
    out
}

#[test]
fn every_fix_reads_as_a_reviewer_expects() {
    for case in cases() {
        let analysis = analyse(&case, &case.source);
        assert!(
            analysis.failures.is_empty(),
            "{}: {:?}",
            case.name,
            analysis.failures
        );
        let mut report = String::new();
        let mut offered = 0;
        for d in &analysis.diagnostics {
            for fix in fixes_of(&case, d) {
                offered += 1;
                let _ = writeln!(
                    report,
                    "== {} {}",
                    d.rule.code,
                    review(&case, &analysis.secrets, &fix)
                );
                // The fixed file parses no worse, and the finding is gone.
                let applied = apply_fixes(&case.source, [&fix]).text;
                if let Some(language) = Language::from_path(&case.path) {
                    assert!(
                        parse(&case.source, language).root_node().has_error()
                            || !parse(&applied, language).root_node().has_error(),
                        "{}: `{}` breaks the syntax:\n{applied}",
                        case.name,
                        fix.title
                    );
                }
                if !fix.edits.is_empty() {
                    let after = analyse(&case, &applied);
                    let count = |a: &Analysis| {
                        a.diagnostics
                            .iter()
                            .filter(|x| x.rule.code == d.rule.code)
                            .count()
                    };
                    assert!(
                        count(&after) < count(&analysis),
                        "{}: `{}` leaves its finding:\n{applied}",
                        case.name,
                        fix.title
                    );
                }
            }
        }
        assert!(offered > 0, "{}: no fix offered", case.name);
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("fix@{}", case.name), report);
        });
    }
}

/// A fix's title with what varies from finding to finding (names in backticks or quotes, a
/// recipient) left out: the kind of fix.
fn kind(code: &str, title: &str) -> String {
    let mut out = String::new();
    let mut rest = title;
    while let Some(start) = rest.find(['`', '"']) {
        let quote = rest[start..].chars().next().unwrap();
        out.push_str(&rest[..start]);
        match rest[start + 1..].find(quote) {
            Some(end) => {
                out.push('…');
                rest = &rest[start + 1 + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    // "Add DeepSeek to PRIVACY.md": the recipient and the notice vary.
    if let Some(added) = out.strip_prefix("Add ")
        && let Some((_, _)) = added.split_once(" to ")
        && !added.contains('…')
    {
        out = "Add … to …".to_string();
    }
    format!("{code}: {out}")
}

/// Every kind of fix the rule fixtures produce has a case here, so a new kind of fix cannot land
/// without a review of its diff.
#[test]
fn every_kind_of_fix_has_a_case() {
    let kinds_here: BTreeSet<String> = cases()
        .iter()
        .flat_map(|case| {
            let analysis = analyse(case, &case.source);
            analysis
                .diagnostics
                .iter()
                .flat_map(|d| {
                    fixes_of(case, d)
                        .into_iter()
                        .map(|f| kind(d.rule.code, &f.title))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut missing = BTreeSet::new();
    for rule in std::fs::read_dir(&fixtures).unwrap().flatten() {
        for file in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let path = file.path();
            let name = path.to_string_lossy().into_owned();
            let (path, source) = match name.strip_suffix(".tmpl") {
                Some(stem) => (
                    PathBuf::from(stem),
                    expand(&std::fs::read_to_string(&path).unwrap()),
                ),
                None => (path.clone(), std::fs::read_to_string(&path).unwrap()),
            };
            let Some(language) = Language::from_path(&path) else {
                continue;
            };
            let analysis = analyse_text(
                &path,
                &source,
                language,
                &Settings::default(),
                Knowledge::builtin(),
            );
            for d in &analysis.diagnostics {
                if let Some(fix) = &d.fix {
                    let kind = kind(d.rule.code, &fix.title);
                    if !kinds_here.contains(&kind) {
                        missing.insert(kind);
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "kinds of fix without a case in tests/fixes:\n{}\nhave: {kinds_here:#?}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}
