//! Text output: rustc-style, with the source line and a caret under the finding, the why and the
//! how as `= note:` / `= help:` lines; or one line a finding (`--format concise`).

use agentlint_rules::{Applicability, Diagnostic, PositionEncoding, Severity};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::FileReport;

/// What the closing lines say: what was checked, found and fixed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files analysed.
    pub files: usize,
    /// Of those, files with at least one finding.
    pub files_with_problems: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    /// Findings left with a safe fix, and with an unsafe one.
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
    /// Set when fixes were asked for (`--fix`).
    pub fixing: Option<Fixing>,
}

/// What `--fix` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fixing {
    /// Whether unsafe fixes were asked for too.
    pub unsafe_fixes: bool,
    /// Findings gone after the fixes (counted per file and rule: before minus after).
    pub fixed: usize,
    /// Findings the fixed code has that the code before did not (per file and rule).
    pub new: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport], files: usize, fixing: Option<Fixing>) -> Summary {
        let mut summary = Summary {
            files,
            fixing,
            ..Summary::default()
        };
        for report in reports {
            if !report.diagnostics.is_empty() {
                summary.files_with_problems += 1;
            }
            for d in &report.diagnostics {
                match d.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                    Severity::Hint => summary.hints += 1,
                }
                match d.fix.as_ref().map(|f| f.applicability) {
                    Some(Applicability::Safe) => summary.safe_fixes += 1,
                    Some(Applicability::Unsafe) => summary.unsafe_fixes += 1,
                    _ => {}
                }
            }
        }
        summary
    }

    pub fn problems(&self) -> usize {
        self.errors + self.warnings + self.infos + self.hints
    }

    /// The closing lines, modelled on Ruff's: what was fixed, what is left and where, and what
    /// more can be fixed and how.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.files == 0 {
            out.push_str("No files checked.\n");
            return out;
        }
        let problems = self.problems();
        if let Some(fixing) = self.fixing.filter(|f| f.fixed > 0 || problems > 0) {
            if fixing.fixed > 0 {
                out.push_str(&format!(
                    "Fixed {}.\n",
                    plural(fixing.fixed, "problem", "problems")
                ));
            } else if self.safe_fixes + self.unsafe_fixes == 0 {
                out.push_str("No fixes applied: no problem found has a fix.\n");
            } else if !fixing.unsafe_fixes && self.safe_fixes == 0 {
                out.push_str(&format!(
                    "No fixes applied: no problem found has a safe fix ({} with unsafe fixes, \
                     applied by `--fix --unsafe-fixes`).\n",
                    self.unsafe_fixes
                ));
            } else {
                out.push_str("No fixes applied: the fixes overlap, or did not apply.\n");
            }
            if fixing.new > 0 {
                out.push_str(&format!(
                    "The fixes made {} (listed above): review them.\n",
                    plural(fixing.new, "new problem", "new problems")
                ));
            }
        }
        let checked = plural(self.files, "file", "files");
        if problems == 0 {
            let verb = if self.fixing.is_some_and(|f| f.fixed > 0) {
                "No problems left"
            } else {
                "No problems found"
            };
            out.push_str(&format!("{verb} ({checked} checked).\n"));
            return out;
        }
        let mut parts = Vec::new();
        for (n, one, many) in [
            (self.errors, "error", "errors"),
            (self.warnings, "warning", "warnings"),
            (self.infos, "info", "infos"),
            (self.hints, "hint", "hints"),
        ] {
            if n > 0 {
                parts.push(plural(n, one, many));
            }
        }
        let lead = if self.fixing.is_some_and(|f| f.fixed > 0) {
            format!(
                "{} {}",
                plural(problems, "problem", "problems"),
                if problems == 1 { "remains" } else { "remain" }
            )
        } else {
            format!("Found {}", plural(problems, "problem", "problems"))
        };
        let files = if self.files_with_problems == self.files {
            format!("in {checked} checked")
        } else {
            format!("in {} of {checked} checked", self.files_with_problems)
        };
        out.push_str(&format!("{lead} {files}: {}.\n", parts.join(", ")));
        let unsafe_enabled = self.fixing.is_some_and(|f| f.unsafe_fixes);
        if self.safe_fixes > 0 {
            out.push_str(&format!("{} fixable with `--fix`.\n", self.safe_fixes));
        }
        if self.unsafe_fixes > 0 && !unsafe_enabled {
            let more = if self.safe_fixes > 0 { " more" } else { "" };
            out.push_str(&format!(
                "{}{more} fixable with `--fix --unsafe-fixes` (review those: they change \
                 behaviour).\n",
                self.unsafe_fixes
            ));
        }
        out
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The annotate-snippets level of a severity, named as everywhere else (`hint`, not `note`).
fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::NOTE.with_name("hint"),
    }
}

fn render_one(renderer: &Renderer, report: &FileReport, d: &Diagnostic) -> String {
    let source = &report.source;
    let start_line = report.index.line_of(d.range.start);
    let end_line = report.index.line_of(d.range.end.max(d.range.start));
    // Only the lines the finding covers are handed to the renderer.
    let from = report.index.line_start(start_line).unwrap_or(0);
    let to = report
        .index
        .line_range(source, end_line)
        .map_or(source.len(), |r| r.end);
    let excerpt = report.masked(from, to);
    let excerpt = excerpt.as_str();
    let span = (d.range.start - from)..(d.range.end.min(to) - from);
    let mut group = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.rule.code)
        .element(
            Snippet::source(excerpt)
                .line_start(start_line + 1)
                .path(report.display_path.as_str())
                .annotation(AnnotationKind::Primary.span(span).label(d.rule.name)),
        );
    if let Some(note) = &d.note {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            Applicability::Safe => "safe fix, applied by `--fix`",
            Applicability::Unsafe => "unsafe fix, applied by `--fix --unsafe-fixes`",
            Applicability::DisplayOnly => "suggestion",
        };
        group = group.element(Level::HELP.message(format!("{} ({how})", fix.title)));
    }
    renderer.render(&[group])
}

/// Where the rules found are explained, once after the findings (as rustc's `--explain`).
fn rule_pointer(reports: &[FileReport]) -> Option<String> {
    let mut codes: Vec<&str> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.rule.code))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let first = codes.first()?;
    Some(format!(
        "Rules found: {}. For what a rule finds and how to fix it, run `agentlint rule {first}`.\n",
        codes.join(", ")
    ))
}

/// Renders every finding, then the summary.
pub fn render_text(reports: &[FileReport], summary: Option<&Summary>, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            out.push_str(&render_one(&renderer, report, d));
            out.push_str("\n\n");
        }
    }
    if let Some(summary) = summary {
        if let Some(pointer) = rule_pointer(reports) {
            out.push_str(&pointer);
        }
        out.push_str(&summary.render());
    }
    out
}

/// One line a finding, `path:line:column: severity[CODE] message`, then the summary.
pub fn render_concise(reports: &[FileReport], summary: Option<&Summary>) -> String {
    let mut out = String::new();
    for report in reports {
        for d in &report.diagnostics {
            let start = report.one_based(d.range.start, PositionEncoding::Utf32);
            let fixable = match d.fix.as_ref().map(|f| f.applicability) {
                Some(Applicability::Safe) => " [*]",
                _ => "",
            };
            out.push_str(&format!(
                "{}:{}:{}: {}[{}]{fixable} {}\n",
                report.display_path, start.line, start.column, d.severity, d.rule.code, d.message
            ));
        }
    }
    if let Some(summary) = summary {
        out.push_str(&summary.render());
    }
    out
}
