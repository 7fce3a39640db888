//! Finding the files of a project and reading them safely.

use std::path::{Path, PathBuf};

use agentlint_rules::Language;
use agentlint_rules::syntax::{MAX_FILE_BYTES, SkipReason, check_input};

use crate::config::Config;

/// Why a file was not analysed.
#[derive(Debug)]
pub enum FileProblem {
    /// Not analysable text (too large, binary, invalid UTF-8): a warning.
    Skipped(SkipReason),
    /// Could not be read: an error.
    Io(std::io::Error),
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::Skipped(reason) => reason.fmt(f),
            FileProblem::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// Reads a file as text for analysis. Size is checked before reading, so a huge file is never
/// loaded.
pub fn read_source(path: &Path) -> Result<String, FileProblem> {
    let meta = std::fs::metadata(path).map_err(FileProblem::Io)?;
    let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if len > MAX_FILE_BYTES {
        return Err(FileProblem::Skipped(SkipReason::TooLarge { bytes: len }));
    }
    let bytes = std::fs::read(path).map_err(FileProblem::Io)?;
    check_input(&bytes)
        .map(str::to_string)
        .map_err(FileProblem::Skipped)
}

/// Whether agentlint analyses files like `path`.
pub fn is_analysable(path: &Path) -> bool {
    Language::from_path(path).is_some()
}

/// Analysable files under `root`, respecting `.gitignore`/`.ignore` files, the default excludes and
/// the config's `exclude`, sorted.
pub fn walk(root: &Path, config: &Config) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let filter_config = config.clone();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| !filter_config.is_excluded(entry.path()))
        .build();
    for entry in walker.flatten() {
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        if is_file && is_analysable(entry.path()) {
            files.push(entry.into_path());
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_respects_gitignore_excludes_and_extensions() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for (name, text) in [
            ("a.py", "x = 1\n"),
            ("web/b.tsx", "export {}\n"),
            ("web/node_modules/lib/index.js", "eval(x)\n"),
            ("build/gen.py", "eval(x)\n"),
            ("notes.md", "eval(x)\n"),
            (".gitignore", "build/\n"),
            ("fixtures/c.py", "eval(x)\n"),
            ("agentlint.toml", "exclude = [\"fixtures\"]\n"),
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let config = Config::discover(root).unwrap();
        let found: Vec<_> = walk(root, &config)
            .into_iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(found, vec!["a.py", "web/b.tsx"]);
    }

    #[test]
    fn bad_files_are_named_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let binary = dir.path().join("x.py");
        std::fs::write(&binary, b"\x00\x01").unwrap();
        assert!(matches!(
            read_source(&binary),
            Err(FileProblem::Skipped(SkipReason::Binary))
        ));
        let latin1 = dir.path().join("y.py");
        std::fs::write(&latin1, b"s = '\xe9'\n").unwrap();
        let err = read_source(&latin1).unwrap_err().to_string();
        assert!(err.contains("not valid UTF-8"), "{err}");
        let missing = read_source(&dir.path().join("nope.py")).unwrap_err();
        assert!(matches!(missing, FileProblem::Io(_)));
    }
}
