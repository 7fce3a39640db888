//! Text output: rustc-style, with the source line and a caret under the finding.

use agentlint_rules::{Applicability, Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::FileReport;

/// Counts for the closing line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
    pub fixed: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport], files: usize, fixed: usize) -> Summary {
        let mut summary = Summary {
            files,
            fixed,
            ..Summary::default()
        };
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info | Severity::Hint => summary.infos += 1,
            }
            match d.fix.as_ref().map(|f| f.applicability) {
                Some(Applicability::Safe) => summary.safe_fixes += 1,
                Some(Applicability::Unsafe) => summary.unsafe_fixes += 1,
                _ => {}
            }
        }
        summary
    }

    pub fn problems(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    pub fn render(&self) -> String {
        let files = plural(self.files, "file", "files");
        let mut out = String::new();
        if self.fixed > 0 {
            out.push_str(&format!(
                "Fixed {}.\n",
                plural(self.fixed, "problem", "problems")
            ));
        }
        if self.problems() == 0 {
            out.push_str(&format!("No problems found in {files}.\n"));
            return out;
        }
        let mut parts = Vec::new();
        if self.errors > 0 {
            parts.push(plural(self.errors, "error", "errors"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning", "warnings"));
        }
        if self.infos > 0 {
            parts.push(format!("{} info", self.infos));
        }
        out.push_str(&format!(
            "Found {} ({}) in {files}.\n",
            plural(self.problems(), "problem", "problems"),
            parts.join(", ")
        ));
        if self.safe_fixes > 0 {
            out.push_str(&format!("{} fixable with `--fix`.\n", self.safe_fixes));
        }
        if self.unsafe_fixes > 0 {
            out.push_str(&format!(
                "{} more fixable with `--fix --unsafe-fixes` (review those: they change behaviour).\n",
                self.unsafe_fixes
            ));
        }
        out
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::NOTE,
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
        out.push_str(&summary.render());
    }
    out
}
