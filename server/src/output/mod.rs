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
}

impl FileReport {
    pub fn new(path: &Path, cwd: &Path, source: String, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            display_path: display_path(path, cwd),
            path: path.to_path_buf(),
            index: LineIndex::new(&source),
            source,
            diagnostics,
        }
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
