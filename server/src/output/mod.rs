//! Output formats of `agentlint check`: text (rustc-style), JSON and SARIF.

mod json;
mod sarif;
mod text;

use std::path::{Path, PathBuf};

use agentlint_rules::secrets::SecretSpan;
use agentlint_rules::secrets::redact::masked;
use agentlint_rules::{Diagnostic, LineIndex, Position, PositionEncoding};

pub use json::render_json;
pub use sarif::render_sarif;
pub use text::{Fixing, Summary, render_concise, render_text};

/// What a finding's fix does to another file of the project (creates `PRIVACY.md`, adds a line
/// to `.env.example` or `.gitignore`), resolved against the file as it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherFileEdit {
    /// As shown: relative to the working directory when inside it, `/`-separated (as
    /// [`FileReport::display_path`]).
    pub display_path: String,
    /// Whether the fix creates the file (else it appends to it).
    pub creates: bool,
    /// The file's length in UTF-16 code units: where the text goes (SARIF's `charOffset`).
    pub offset_utf16: usize,
    /// The text added at the file's end (the whole file when it creates it).
    pub text: String,
}

/// The findings for one analysed file.
pub struct FileReport {
    /// As shown: relative to the working directory when inside it, `/`-separated.
    pub display_path: String,
    pub path: PathBuf,
    pub source: String,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// Where the file's secrets are: masked in every excerpt of the file's text.
    pub secrets: Vec<SecretSpan>,
    /// For each diagnostic (same index), what its fix does to other files; empty when nothing,
    /// or when not resolved (the text output does not show it).
    pub other_files: Vec<Vec<OtherFileEdit>>,
    /// The working directory, which shown paths are relative to.
    pub cwd: PathBuf,
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
            other_files: Vec::new(),
            cwd: cwd.to_path_buf(),
        }
    }

    /// A related place as shown: its path, and its 1-based line and column (in `encoding`; a
    /// place in another file is known by its line: column 1).
    pub fn related_place(
        &self,
        related: &agentlint_rules::Related,
        encoding: PositionEncoding,
    ) -> (String, u32, u32) {
        match &related.place {
            Some(place) => (display_path(&place.path, &self.cwd), place.line + 1, 1),
            None => {
                let at = self.one_based(related.range.start, encoding);
                (self.display_path.clone(), at.line, at.column)
            }
        }
    }

    /// With the file's secrets, which excerpts mask.
    pub fn with_secrets(mut self, secrets: Vec<SecretSpan>) -> Self {
        self.secrets = secrets;
        self
    }

    /// `from..to` of the source with every secret in it masked as [`masked`] does (its public
    /// prefix and last four characters at most), byte for byte the same length (so spans into it
    /// stay valid).
    pub fn masked(&self, from: usize, to: usize) -> String {
        let mut text = self.source[from..to].to_string();
        for secret in &self.secrets {
            let start = secret.range.start.max(from);
            let end = secret.range.end.min(to);
            if start >= end {
                continue;
            }
            let Some(key) = self.source.get(secret.range.clone()) else {
                continue;
            };
            let mask = masked(key, secret.public);
            // Byte for byte: a boundary of the text is one of the mask's where the mask keeps
            // a character, and a `*` (one byte) elsewhere.
            let (Some(piece), true) = (
                mask.get(start - secret.range.start..end - secret.range.start),
                text.is_char_boundary(start - from) && text.is_char_boundary(end - from),
            ) else {
                continue;
            };
            text.replace_range(start - from..end - from, piece);
        }
        text
    }

    /// What the fix of diagnostic `i` does to other files.
    pub fn other_files(&self, i: usize) -> &[OtherFileEdit] {
        self.other_files.get(i).map_or(&[], Vec::as_slice)
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
