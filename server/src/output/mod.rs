//! Output formats of `agentlint check`: text (rustc-style), JSON and SARIF.

mod json;
mod sarif;
mod text;

use std::path::{Path, PathBuf};

use agentlint_rules::{Diagnostic, LineIndex, Position, PositionEncoding};

pub use json::render_json;
pub use sarif::render_sarif;
pub use text::{Summary, render_text};

/// The findings for one analysed file.
pub struct FileReport {
    /// As shown: relative to the working directory when inside it, `/`-separated.
    pub display_path: String,
    pub path: PathBuf,
    pub source: String,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the file's secrets are: masked in every excerpt of the file's text.
    pub secrets: Vec<std::ops::Range<usize>>,
}

impl FileReport {
    /// A file's report. Its text and line index are kept only if it has findings, the only ones
    /// whose excerpts and positions are shown: a run over a corpus held every file's text (86 MB,
    /// most of it notebooks) until the output was written.
    /// `lines` is the source's line index if the analysis made one.
    pub fn new(
        path: &Path,
        cwd: &Path,
        source: String,
        diagnostics: Vec<Diagnostic>,
        lines: Option<LineIndex>,
    ) -> Self {
        let (source, index) = if diagnostics.is_empty() {
            (String::new(), LineIndex::new(""))
        } else {
            let index = lines.unwrap_or_else(|| LineIndex::new(&source));
            (source, index)
        };
        Self {
            display_path: display_path(path, cwd),
            path: path.to_path_buf(),
            index,
            source,
            diagnostics,
            secrets: Vec::new(),
        }
    }

    /// With the ranges of the file's secrets, which excerpts mask.
    pub fn with_secrets(mut self, secrets: Vec<std::ops::Range<usize>>) -> Self {
        self.secrets = secrets;
        self
    }

    /// `from..to` of the source with every secret in it masked but for its first and last four
    /// characters, byte for byte the same length (so spans into it stay valid).
    pub fn masked(&self, from: usize, to: usize) -> String {
        let mut text = self.source[from..to].to_string();
        for secret in &self.secrets {
            let start = secret.start.max(from);
            let end = secret.end.min(to);
            if start >= end {
                continue;
            }
            let key = &self.source[secret.clone()];
            let count = key.chars().count();
            let shown = if count >= 16 {
                4
            } else if count >= 8 {
                2
            } else {
                0
            };
            let mut masked = String::with_capacity(key.len());
            for (i, c) in key.chars().enumerate() {
                if i < shown || i >= count - shown {
                    masked.push(c);
                } else {
                    masked.extend(std::iter::repeat_n('*', c.len_utf8()));
                }
            }
            let piece = &masked[start - secret.start..end - secret.start];
            text.replace_range(start - from..end - from, piece);
        }
        text
    }

    /// 1-based line and column of a byte offset, the column counted in `encoding`.
    pub fn one_based(&self, offset: usize, encoding: PositionEncoding) -> Position {
        let p = self.index.position(&self.source, offset, encoding);
        Position::new(p.line + 1, p.column + 1)
    }
}

/// `path` relative to `cwd` when inside it, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_string).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_without_findings_keeps_no_text() {
        let cwd = Path::new("/project");
        let report = FileReport::new(
            &cwd.join("a.py"),
            cwd,
            "x = 1\n".repeat(1000),
            Vec::new(),
            None,
        );
        assert_eq!(report.source, "");
        assert_eq!(report.display_path, "a.py");
    }
}
