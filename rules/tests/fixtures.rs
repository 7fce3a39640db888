//! Every rule's fixtures, snapshot-tested: the rendered diagnostics with exact ranges and messages,
//! and each fix as a diff. Every fix (and every suppression fix) is also applied here and the result
//! re-analysed: it must still parse as well as before, and the finding must be gone.
//!
//! `tests/fixtures/<CODE>/` holds each rule's files: a file whose name says `negative` must give
//! none of the rule's findings, any other at least one. A `.tmpl` file is a fixture whose keys are
//! generated when the test runs (`{fake:openai:3}` is a key of format `openai` from seed 3), so
//! that no key-shaped string is committed; its snapshot masks them as every output does. The
//! privacy rules (AL4xx) see a project whose notice is the fixture's `<file>.notice.md`, if any.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use agentlint_rules::privacy::{Notice, ProjectPrivacy};
use agentlint_rules::secrets::SecretSpan;
use agentlint_rules::secrets::redact::masked;
use agentlint_rules::syntax::parse;
use agentlint_rules::{
    Analysis, Diagnostic, FileChange, FileSummary, Fix, Knowledge, Language, LineIndex, LineKind,
    PositionEncoding, Settings, SourceFile, Summaries, analyse, apply_fixes, rules, suppress,
};

/// Findings a fix of `code` may resolve besides its own: disclosing that a tool sends data
/// (AL101) answers a parameter that is only sent away (AL115).
fn resolved_by(code: &str, finding: &Diagnostic) -> bool {
    matches!((code, finding.rule.code), ("AL101", "AL115"))
}

/// One fixture: its rule, its name, and what it is analysed with.
struct Fixture {
    rule: String,
    /// The file's name (a template's with `.tmpl`).
    name: String,
    /// The fixture file itself.
    file: PathBuf,
    /// The path it is analysed as (a template's without `.tmpl`).
    path: PathBuf,
    source: String,
    /// For the privacy rules: the project's notice (`None`: the project has none).
    privacy: Option<Option<String>>,
}

impl Fixture {
    fn language(&self) -> Language {
        Language::from_path(&self.path).unwrap_or_else(|| panic!("no language for {:?}", self.path))
    }

    fn is_negative(&self) -> bool {
        self.name.contains("negative")
    }
}

/// A project that has the fixture's notice, for the privacy rules.
struct Project {
    root: PathBuf,
    notice: Option<String>,
}

impl Summaries for Project {
    fn summary(&self, _: &Path) -> Option<Arc<FileSummary>> {
        None
    }

    fn privacy(&self, _: &Path) -> Option<Arc<ProjectPrivacy>> {
        Some(Arc::new(ProjectPrivacy {
            root: self.root.clone(),
            notice: self.notice.as_ref().map(|text| Notice {
                path: "PRIVACY.md".into(),
                text: text.clone(),
                appendable: true,
                checkable: true,
            }),
            flows: Vec::new(),
            telemetry: None,
            libraries: Vec::new(),
        }))
    }
}

/// `{fake:ID:SEED}` in a template replaced by a key of format `ID` generated from `SEED`;
/// `{fake-escaped:ID:SEED}` the same with its line breaks written `\n` (a PEM key on one line).
fn expand(template: &str) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{fake") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').expect("a closed {fake:…}") + start;
        let spec = &rest[start + 1..end];
        let mut parts = spec.splitn(3, ':');
        let (kind, id, seed) = (parts.next(), parts.next(), parts.next());
        let (Some(kind), Some(id), Some(seed)) = (kind, id, seed) else {
            panic!("{{{spec}}}: write {{fake:ID:SEED}}");
        };
        let seed: u64 = seed.parse().expect("a seed");
        let key = Knowledge::builtin()
            .secrets
            .fake(id, seed)
            .unwrap_or_else(|| panic!("no format `{id}`"));
        match kind {
            "fake" => out.push_str(&key),
            "fake-escaped" => out.push_str(&key.replace('\n', "\\n")),
            _ => panic!("{{{spec}}}: unknown kind `{kind}`"),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Analyses `source` as the fixture's file, with the fixture's project if it has one.
fn analyse_as(fixture: &Fixture, source: &str, notice: Option<&Option<String>>) -> Analysis {
    let language = fixture.language();
    let tree = parse(source, language);
    let project = notice.map(|notice| Project {
        root: fixture
            .path
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf(),
        notice: notice.clone(),
    });
    let analysis = analyse(
        SourceFile {
            path: &fixture.path,
            source,
            tree: &tree,
            language,
            workspace: project.as_ref().map(|p| p as &dyn Summaries),
        },
        &Settings::default(),
        Knowledge::builtin(),
    );
    assert!(analysis.failures.is_empty(), "{:?}", analysis.failures);
    analysis
}

/// `source` with every secret masked as outputs mask it (same length: positions stay valid).
fn masked_source(source: &str, secrets: &[SecretSpan]) -> String {
    let mut text = source.to_string();
    for secret in secrets {
        let value = &source[secret.range.clone()];
        text.replace_range(secret.range.clone(), &masked(value, secret.public));
    }
    text
}

/// Renders diagnostics like a compiler: location, code, severity, message, the source line with a
/// caret under the range, why it matters and what to do, and the fix as a unified diff (with what
/// it does to other files).
fn render(name: &str, source: &str, analysis: &Analysis) -> String {
    let shown = masked_source(source, &analysis.secrets);
    let index = LineIndex::new(source);
    let mut out = String::new();
    if analysis.diagnostics.is_empty() {
        out.push_str("(no diagnostics)\n");
    }
    for d in &analysis.diagnostics {
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
            .map(|r| &shown[r])
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
        if let Some(note) = &d.note {
            let _ = writeln!(out, "{pad} = note: {note}");
        }
        for related in &d.related {
            match &related.place {
                Some(place) => {
                    let _ = writeln!(
                        out,
                        "{pad} = related: {}:{}: {}",
                        place.path.display(),
                        place.line + 1,
                        related.message
                    );
                }
                None => {
                    let at = index.position(source, related.range.start, PositionEncoding::Utf32);
                    let _ = writeln!(
                        out,
                        "{pad} = related: {}:{}: {}",
                        at.line + 1,
                        at.column + 1,
                        related.message
                    );
                }
            }
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        if let Some(fix) = &d.fix {
            let _ = writeln!(
                out,
                "{pad} = fix ({}): {}",
                fix.applicability.as_str(),
                fix.title
            );
            let fixed = apply_fixes(&shown, [fix]).text;
            let diff = similar::TextDiff::from_lines(shown.as_str(), &fixed);
            for line in diff.unified_diff().context_radius(0).to_string().lines() {
                let _ = writeln!(out, "{pad}   {line}");
            }
            for change in &fix.files {
                let how = match change.kind {
                    LineKind::Create => "created if missing",
                    LineKind::Append => "appended",
                    LineKind::Variable | LineKind::Ignore => "line added if missing",
                };
                let _ = writeln!(out, "{pad}   {} ({how}):", change.file);
                for line in change.line.lines() {
                    let _ = writeln!(out, "{pad}   + {line}");
                }
            }
        }
        out.push('\n');
    }
    out
}

/// The notice after `changes` (a fix's changes to other files) are made to it.
fn noticed(notice: &Option<String>, changes: &[FileChange]) -> Option<String> {
    let mut notice = notice.clone();
    for change in changes.iter().filter(|c| c.file == "PRIVACY.md") {
        if let Some(addition) = change.append_to(notice.as_deref()) {
            notice = Some(notice.unwrap_or_default() + &addition);
        }
    }
    notice
}

/// Applies `fix` and checks that the result parses no worse and that `removed` findings of the
/// target's code are gone (one for a fix; for a suppression, every finding of that code anchored
/// to the same line, such as several in one multi-line docstring).
fn check_fix(
    fixture: &Fixture,
    before: &[Diagnostic],
    target: &Diagnostic,
    fix: &Fix,
    removed: usize,
) {
    let (path, source) = (&fixture.path, &fixture.source);
    let language = fixture.language();
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
    let notice = fixture
        .privacy
        .as_ref()
        .map(|notice| noticed(notice, &applied.files));
    let after = analyse_as(fixture, &applied.text, notice.as_ref()).diagnostics;
    // A fix that creates the notice answers every finding of its rule in the file.
    let created_notice = fix.files.iter().any(|c| c.kind == LineKind::Create);
    let expected = if created_notice {
        0
    } else {
        count(before) - removed
    };
    assert_eq!(
        count(&after),
        expected,
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

/// Every fixture, sorted by rule and name.
fn fixtures() -> Vec<Fixture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut found = Vec::new();
    for rule in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        let code = rule.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(rule.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = file.file_name().to_string_lossy().into_owned();
            // A notice is read with the fixture it belongs to.
            if name.ends_with(".notice.md") {
                continue;
            }
            let text = std::fs::read_to_string(file.path())
                .unwrap_or_else(|e| panic!("{:?}: {e}", file.path()));
            let (path, source) = match name.strip_suffix(".tmpl") {
                Some(stem) => (rule.path().join(stem), expand(&text)),
                None => (file.path(), text),
            };
            let privacy = code.starts_with("AL4").then(|| {
                let notice = rule.path().join(format!(
                    "{}.notice.md",
                    path.file_name().unwrap_or_default().to_string_lossy()
                ));
                std::fs::read_to_string(notice).ok()
            });
            found.push(Fixture {
                rule: code.clone(),
                name,
                file: file.path(),
                path,
                source,
                privacy,
            });
        }
    }
    found.sort_by(|a, b| (&a.rule, &a.name).cmp(&(&b.rule, &b.name)));
    assert!(!found.is_empty(), "no fixtures under {root:?}");
    found
}

#[test]
fn rule_fixtures() {
    for fixture in fixtures() {
        let analysis = analyse_as(&fixture, &fixture.source, fixture.privacy.as_ref());
        let diagnostics = &analysis.diagnostics;
        let (name, source) = (&fixture.name, &fixture.source);
        insta::with_settings!({ input_file => &fixture.file, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("{}@{name}", fixture.rule), render(name, source, &analysis));
        });
        // What the file is for: a positive file has a finding of its rule, a negative none
        // (a snapshot alone would accept a positive file that reports nothing).
        let own = diagnostics
            .iter()
            .filter(|d| d.rule.code == fixture.rule)
            .count();
        if fixture.is_negative() {
            assert_eq!(own, 0, "{name}: a negative fixture of {}", fixture.rule);
        } else {
            assert!(own > 0, "{name}: no {} finding", fixture.rule);
        }
        for d in diagnostics {
            // The finding is one short sentence; why and how follow it.
            assert!(
                d.message.chars().count() < Diagnostic::MESSAGE_LIMIT || !d.message.ends_with('…'),
                "{name}: a message cut to fit: {}",
                d.message
            );
            assert!(
                !d.message.contains('\n') && !d.message.ends_with('.'),
                "{name}: {:?}",
                d.message
            );
            assert!(
                d.note.is_some() && d.help.is_some(),
                "{name}: {} says neither why nor how: {}",
                d.rule.code,
                d.message
            );
        }

        let language = fixture.language();
        let tree = parse(source, language);
        let index = LineIndex::new(source);
        let anchor = |d: &Diagnostic| suppress::anchor_line(source, &tree, &index, d.range.start);
        for d in diagnostics {
            if let Some(fix) = &d.fix {
                check_fix(&fixture, diagnostics, d, fix, 1);
            }
            let suppression = suppress::suppression_fix(source, &tree, language, &index, d)
                .unwrap_or_else(|| panic!("{name}: no suppression fix for {d:?}"));
            let same_line = diagnostics
                .iter()
                .filter(|other| other.rule.code == d.rule.code && anchor(other) == anchor(d))
                .count();
            check_fix(&fixture, diagnostics, d, &suppression, same_line);
        }
    }
}

/// Every implemented rule has fixtures that show it firing and fixtures that must stay quiet.
#[test]
fn every_rule_has_positive_and_negative_fixtures() {
    let all = fixtures();
    let mut missing = Vec::new();
    for rule in rules::all() {
        let code = rule.meta().code;
        let mine: Vec<&Fixture> = all.iter().filter(|f| f.rule == code).collect();
        if !mine.iter().any(|f| !f.is_negative()) {
            missing.push(format!("{code}: no positive fixture"));
        }
        if !mine.iter().any(|f| f.is_negative()) {
            missing.push(format!("{code}: no negative fixture"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Fixes that land on the same file together (as `--fix` and `source.fixAll` apply them) still
/// leave a file that parses and has none of the fixed findings.
#[test]
fn all_fixes_together() {
    for fixture in fixtures() {
        let source = &fixture.source;
        let diagnostics = analyse_as(&fixture, source, fixture.privacy.as_ref()).diagnostics;
        let fixes: Vec<&Fix> = diagnostics.iter().filter_map(|d| d.fix.as_ref()).collect();
        if fixes.is_empty() {
            continue;
        }
        let mut text = source.clone();
        let mut notice = fixture.privacy.clone();
        // Conflicting fixes are left for the next round, as `agentlint check --fix` does.
        for _ in 0..10 {
            let current = analyse_as(&fixture, &text, notice.as_ref()).diagnostics;
            let applied = apply_fixes(&text, current.iter().filter_map(|d| d.fix.as_ref()));
            if applied.applied == 0 {
                break;
            }
            notice = notice.map(|n| noticed(&n, &applied.files));
            text = applied.text;
        }
        let language = fixture.language();
        let before_errors = parse(source, language).root_node().has_error();
        assert!(
            before_errors || !parse(&text, language).root_node().has_error(),
            "{text}"
        );
        let left = analyse_as(&fixture, &text, notice.as_ref()).diagnostics;
        assert_eq!(
            left.iter().filter(|d| d.fix.is_some()).count(),
            0,
            "{}: fixable findings remain after fixing:\n{text}",
            fixture.name
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
            "{}: fixing changed other findings:\n{text}",
            fixture.name
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
    let fixture = Fixture {
        rule: "AL113".into(),
        name: "agent.py".into(),
        file: PathBuf::from("agent.py"),
        path: PathBuf::from("agent.py"),
        source: source.into(),
        privacy: None,
    };
    let codes: Vec<&str> = analyse_as(&fixture, source, None)
        .diagnostics
        .iter()
        .map(|d| d.rule.code)
        .collect();
    assert!(codes.contains(&"AL113"), "{codes:?}");
    assert!(!codes.contains(&"AL110"), "{codes:?}");
}
