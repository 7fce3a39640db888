//! What a fix's changes to other files of the project come to (a `PRIVACY.md` drafted, a line
//! added to `.env.example` or `.gitignore`), given what those files hold now. One place for the
//! command line's `--fix`, its JSON and SARIF output, and the editor's workspace edits.

use std::path::{Path, PathBuf};

use agentlint_rules::{FileChange, LineKind};

/// A change resolved against a file's current text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The file, under the project's root.
    pub path: PathBuf,
    /// Its text now; `None` when it does not exist (the change creates it).
    pub existing: Option<String>,
    /// The text added at its end.
    pub addition: String,
}

impl Resolved {
    /// Whether the change creates the file.
    pub fn creates(&self) -> bool {
        self.existing.is_none()
    }
}

/// What `change` does to its file under `root`, whose text `read` gives (`Ok(None)`: the file does
/// not exist); `None` when the file has the line already, git ignores the path already (a
/// `.gitignore` entry), or the file cannot be read (it is never overwritten blind).
pub fn resolve(
    root: &Path,
    change: &FileChange,
    read: &dyn Fn(&Path) -> std::io::Result<Option<String>>,
) -> Option<Resolved> {
    // A wider pattern (`*.env`, `.env*`) may ignore the path already.
    if change.kind == LineKind::Ignore && crate::files::is_git_ignored(&root.join(&change.line)) {
        return None;
    }
    let path = root.join(&change.file);
    let existing = read(&path).ok()?;
    let addition = change.append_to(existing.as_deref())?;
    Some(Resolved {
        path,
        existing,
        addition,
    })
}

/// Reads a file from the disk for [`resolve`].
pub fn read_from_disk(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_resolve_against_what_the_files_hold() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".env.example"), "A=").unwrap();
        let variable = FileChange::variable(".env.example", "B");
        let resolved = resolve(root, &variable, &read_from_disk).unwrap();
        assert_eq!(resolved.addition, "\nB=\n");
        assert!(!resolved.creates());
        let present = FileChange::variable(".env.example", "A");
        assert_eq!(resolve(root, &present, &read_from_disk), None);
        let create = FileChange::create("PRIVACY.md", "# Privacy\n");
        let resolved = resolve(root, &create, &read_from_disk).unwrap();
        assert!(resolved.creates());
        assert_eq!(resolved.addition, "# Privacy\n");
        let unreadable = |_: &Path| Err(std::io::Error::other("no"));
        assert_eq!(resolve(root, &variable, &unreadable), None);
    }
}
