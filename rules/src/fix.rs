//! Fixes: text edits with an applicability, and applying them.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::facts::FileFacts;
use crate::syntax::{Fields as _, node_range};

/// Whether a fix can be applied without looking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Keeps the program's meaning; applied by `--fix` and `source.fixAll`.
    Safe,
    /// Changes behaviour (usually the point of the fix); applied only on request.
    Unsafe,
    /// Shown to the user, never applied automatically (for example, adding a suppression).
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace a byte range of the file with new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, new_text: impl Into<String>) -> Self {
        Self {
            range,
            new_text: new_text.into(),
        }
    }

    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        Self::replace(at..at, new_text)
    }
}

/// A set of edits that fixes one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Imperative, names the change: "Replace `eval` with `ast.literal_eval`".
    pub title: String,
    pub applicability: Applicability,
    /// Non-overlapping edits, sorted by position.
    pub edits: Vec<Edit>,
    /// Changes to other files of the project made with this fix (an `.env.example` entry, a
    /// `.gitignore` line), applied by the editor or `--fix` in the same workspace edit.
    pub files: Vec<FileChange>,
}

/// A line another file of the project must have: added at its end (the file created if missing)
/// unless the file has it already. The file is named relative to the project's root (the nearest
/// directory with `.git`); whoever applies the fix reads it, so the rules never touch the disk.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileChange {
    /// Relative to the project's root, `/`-separated: `.env.example`, `.gitignore`.
    pub file: String,
    pub line: String,
    pub kind: LineKind,
}

/// When a file already has the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// `NAME=`: a line assigns the variable (`NAME=…`, `export NAME=…`).
    Variable,
    /// A `.gitignore` pattern: a line is the pattern (with or without a leading `/`). Whoever
    /// applies it may also check whether git ignores the path already (a wider pattern).
    Ignore,
    /// A whole new file (`line` is its text): made only when the file does not exist.
    Create,
    /// A block of lines appended (`line` is the block): present when the file already has its
    /// first line.
    Append,
}

impl FileChange {
    /// `NAME=` in an environment template.
    pub fn variable(file: &str, name: &str) -> Self {
        Self {
            file: file.to_string(),
            line: format!("{name}="),
            kind: LineKind::Variable,
        }
    }

    /// `pattern` in `.gitignore`.
    pub fn ignore(pattern: &str) -> Self {
        Self {
            file: ".gitignore".to_string(),
            line: pattern.to_string(),
            kind: LineKind::Ignore,
        }
    }

    /// A new file with `text`, unless it exists.
    pub fn create(file: &str, text: &str) -> Self {
        Self {
            file: file.to_string(),
            line: text.to_string(),
            kind: LineKind::Create,
        }
    }

    /// `block` at the end of `file`, unless the file has its first line.
    pub fn append(file: &str, block: &str) -> Self {
        Self {
            file: file.to_string(),
            line: block.to_string(),
            kind: LineKind::Append,
        }
    }

    /// Whether `text` (the file's current content) has the line already.
    pub fn is_present(&self, text: &str) -> bool {
        match self.kind {
            LineKind::Create => return true,
            LineKind::Append => {
                let first = self
                    .line
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("");
                return text.lines().any(|l| l.trim() == first.trim());
            }
            LineKind::Variable | LineKind::Ignore => {}
        }
        text.lines().map(str::trim).any(|line| match self.kind {
            LineKind::Variable => {
                let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
                line.starts_with(&self.line)
                    || line
                        .split_once('=')
                        .is_some_and(|(name, _)| format!("{}=", name.trim()) == self.line)
            }
            LineKind::Ignore => {
                line == self.line
                    || line.strip_prefix('/') == Some(self.line.as_str())
                    || line.strip_suffix('/') == Some(self.line.as_str())
            }
            LineKind::Create | LineKind::Append => false,
        })
    }

    /// The text to append to a file whose content is `existing` (`None`: it does not exist),
    /// or `None` when it has the line already.
    pub fn append_to(&self, existing: Option<&str>) -> Option<String> {
        let line = self.line.trim_end_matches('\n');
        match existing {
            Some(text) if self.is_present(text) => None,
            // A block is set off by a blank line.
            Some(text) if self.kind == LineKind::Append && !text.is_empty() => {
                let gap = if text.ends_with("\n\n") {
                    ""
                } else if text.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                };
                Some(format!("{gap}{line}\n"))
            }
            Some(text) if !text.is_empty() && !text.ends_with('\n') => Some(format!("\n{line}\n")),
            _ => Some(format!("{line}\n")),
        }
    }
}

impl Fix {
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Self {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Self {
            title: title.into(),
            applicability,
            edits,
            files: Vec::new(),
        }
    }

    /// The same fix, also making `change` (once: a change already there is not repeated).
    pub fn with_file_change(mut self, change: FileChange) -> Self {
        if !self.files.contains(&change) {
            self.files.push(change);
        }
        self
    }
}

/// The result of applying fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// Fixes applied.
    pub applied: usize,
    /// Fixes left out because they overlapped one applied before them.
    pub conflicts: usize,
    /// The other files' changes of the applied fixes, each once, for the caller to make.
    pub files: Vec<FileChange>,
}

/// Chooses the fixes that can be applied together: every fix whose edits do not overlap an earlier
/// fix's, considered in order of their first edit; a fix is taken whole or not at all. Returns the
/// chosen fixes and the number left out.
pub fn compatible_fixes<'a>(
    source: &str,
    fixes: impl IntoIterator<Item = &'a Fix>,
) -> (Vec<&'a Fix>, usize) {
    let mut fixes: Vec<&Fix> = fixes
        .into_iter()
        .filter(|f| !f.edits.is_empty() || !f.files.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.edits.first().map(|e| (e.range.start, e.range.end)));
    let mut accepted_edits: Vec<&Edit> = Vec::new();
    let mut accepted = Vec::new();
    let mut conflicts = 0;
    for fix in fixes {
        let valid = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= source.len()
                && source.is_char_boundary(e.range.start)
                && source.is_char_boundary(e.range.end)
        });
        let overlaps = fix
            .edits
            .iter()
            .any(|e| accepted_edits.iter().any(|a| overlap(&a.range, &e.range)));
        if !valid || overlaps {
            conflicts += 1;
            continue;
        }
        accepted_edits.extend(fix.edits.iter());
        accepted.push(fix);
    }
    (accepted, conflicts)
}

/// Applies the fixes [`compatible_fixes`] chooses.
pub fn apply_fixes<'a>(source: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> Applied {
    let (accepted, conflicts) = compatible_fixes(source, fixes);
    let mut edits: Vec<&Edit> = accepted.iter().flat_map(|f| f.edits.iter()).collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut text = String::with_capacity(source.len());
    let mut last = 0;
    for edit in edits {
        text.push_str(&source[last..edit.range.start]);
        text.push_str(&edit.new_text);
        last = edit.range.end;
    }
    text.push_str(&source[last..]);
    let mut files: Vec<FileChange> = Vec::new();
    for change in accepted.iter().flat_map(|f| f.files.iter()) {
        if !files.contains(change) {
            files.push(change.clone());
        }
    }
    Applied {
        text,
        applied: accepted.len(),
        conflicts,
        files,
    }
}

/// Two edits conflict when their ranges intersect, or when both insert at the same offset (the
/// order of the insertions would be arbitrary).
fn overlap(a: &Range<usize>, b: &Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

/// How to refer to `module.name` in a Python file, and the edit that imports it if needed:
/// reuses a module-level `import module` / `import module as m` / `from module import name` when
/// present (an import inside a function binds nothing elsewhere), otherwise adds `import module`
/// where isort and Ruff would put it (see [`python_import_at`]).
pub fn python_qualified_reference(
    source: &str,
    tree: &Tree,
    facts: &FileFacts,
    module: &str,
    name: &str,
) -> (String, Option<Edit>) {
    let full = format!("{module}.{name}");
    let top_level = python_top_level_imports(tree, source);
    // One pass over the bindings for both: a large file binds thousands of names.
    let (mut of_name, mut of_module): (Option<&str>, Option<&str>) = (None, None);
    for (local, qualified) in facts.bindings.imported() {
        let slot = if qualified == full {
            &mut of_name
        } else if qualified == module {
            &mut of_module
        } else {
            continue;
        };
        if top_level.iter().any(|bound| bound == local) && slot.is_none_or(|s| local < s) {
            *slot = Some(local);
        }
    }
    if let Some(local) = of_name {
        return (local.to_string(), None);
    }
    if let Some(local) = of_module {
        return (format!("{local}.{name}"), None);
    }
    (full, Some(python_import_at(source, tree, module)))
}

/// The names the module-level import statements bind (`os` for `import os.path`, `np` for
/// `import numpy as np`, `run` for `from subprocess import run`).
fn python_top_level_imports(tree: &Tree, source: &str) -> Vec<String> {
    let root = tree.root_node();
    let mut names = Vec::new();
    let mut cursor = root.walk();
    for statement in root.named_children(&mut cursor) {
        if !matches!(
            statement.kind(),
            "import_statement" | "import_from_statement"
        ) {
            continue;
        }
        let mut inner = statement.walk();
        for child in statement.children_by_field_name("name", &mut inner) {
            let bound = match child.kind() {
                "aliased_import" => child.field("alias"),
                _ => Some(child),
            };
            if let Some(bound) = bound {
                let text = crate::syntax::node_text(bound, source);
                // `import os.path` binds `os`.
                let first = if statement.kind() == "import_statement" {
                    text.split('.').next().unwrap_or(text)
                } else {
                    text
                };
                names.push(first.to_string());
            }
        }
    }
    names
}

/// Which group of imports a module belongs to, in isort's and Ruff's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ImportGroup {
    Future,
    StandardLibrary,
    /// Third-party and the project's own (relative imports too): after the standard library.
    Other,
}

fn import_group(module: &str) -> ImportGroup {
    if module == "__future__" {
        ImportGroup::Future
    } else if !module.starts_with('.') && crate::python_stdlib::is_stdlib(module) {
        ImportGroup::StandardLibrary
    } else {
        ImportGroup::Other
    }
}

/// The edit that adds `import module` where a reviewer expects it: among the file's leading
/// imports of its group (the standard library's before third-party and local ones), in
/// alphabetical order among the plain `import x` lines, which come before the group's
/// `from x import y` lines; a group the file does not have yet starts where it belongs, set off
/// by a blank line. A file without imports gets it after its leading docstring and comments
/// (shebang, encoding, licence).
fn python_import_at(source: &str, tree: &Tree, module: &str) -> Edit {
    let root = tree.root_node();
    let mut cursor = root.walk();
    // The leading block: comments, a docstring, then imports.
    let mut header_end = 0;
    let mut imports: Vec<(Node<'_>, ImportGroup, bool, String)> = Vec::new();
    let mut in_header = true;
    let mut first_statement = true;
    for child in root.named_children(&mut cursor) {
        let is_docstring = first_statement
            && child.kind() == "expression_statement"
            && child.named_child(0).is_some_and(|n| n.kind() == "string");
        if child.kind() != "comment" {
            first_statement = false;
        }
        match child.kind() {
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                let (from, name) = match child.kind() {
                    "import_statement" => (
                        false,
                        child
                            .field("name")
                            .map(|n| match n.kind() {
                                "aliased_import" => n.field("name").unwrap_or(n),
                                _ => n,
                            })
                            .map(|n| crate::syntax::node_text(n, source).to_string()),
                    ),
                    "future_import_statement" => (true, Some("__future__".to_string())),
                    _ => (
                        true,
                        child
                            .field("module_name")
                            .map(|n| crate::syntax::node_text(n, source).to_string()),
                    ),
                };
                let name = name.unwrap_or_default();
                imports.push((child, import_group(&name), from, name));
                in_header = false;
            }
            "comment" if in_header => header_end = node_range(child).end,
            "comment" => {}
            _ if is_docstring => {
                header_end = node_range(child).end;
                in_header = false;
            }
            _ => break,
        }
    }
    let line_start = |offset: usize| source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_after = |offset: usize| match source[offset..].find('\n') {
        Some(nl) => (offset + nl + 1, false),
        None => (source.len(), true),
    };
    let text = format!("import {module}\n");
    let group = import_group(module);
    let same: Vec<&(Node<'_>, ImportGroup, bool, String)> =
        imports.iter().filter(|i| i.1 == group).collect();
    // Before the first plain import of the group that sorts after it, else before the group's
    // first `from` import, else after the group's last import.
    let before = same
        .iter()
        .find(|(_, _, from, name)| !from && name.to_ascii_lowercase() > module.to_ascii_lowercase())
        .or_else(|| same.iter().find(|(_, _, from, _)| *from));
    if let Some((node, ..)) = before {
        return Edit::insert(line_start(node.start_byte()), text);
    }
    if let Some((node, ..)) = same.last() {
        let (at, newline_first) = line_after(node.end_byte());
        let text = if newline_first {
            format!("\n{text}")
        } else {
            text
        };
        return Edit::insert(at, text);
    }
    // A group of its own: before the first import of a later group, or after the last import
    // of an earlier one.
    if let Some((node, ..)) = imports.iter().find(|i| i.1 > group) {
        return Edit::insert(line_start(node.start_byte()), format!("{text}\n"));
    }
    if let Some((node, ..)) = imports.last() {
        let (at, newline_first) = line_after(node.end_byte());
        let text = if newline_first {
            format!("\n\n{text}")
        } else {
            format!("\n{text}")
        };
        return Edit::insert(at, text);
    }
    let (at, newline_first) = if header_end == 0 {
        (0, false)
    } else {
        line_after(header_end)
    };
    // The first import of the file is set off from the code after it (two blank lines before
    // a definition, as PEP 8 has it).
    let next = source[at..].trim_start_matches([' ', '\t']);
    let gap = if next.is_empty() || next.starts_with(['\n', '\r']) {
        ""
    } else if next.starts_with("def ")
        || next.starts_with("async def ")
        || next.starts_with("class ")
        || next.starts_with('@')
    {
        "\n\n"
    } else {
        "\n"
    };
    let text = if newline_first {
        format!("\n{text}")
    } else {
        format!("{text}{gap}")
    };
    Edit::insert(at, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Language, parse};

    #[test]
    fn applies_non_overlapping_fixes_and_counts_conflicts() {
        let source = "abcdef";
        let a = Fix::new("a", Applicability::Safe, vec![Edit::replace(0..2, "X")]);
        let b = Fix::new("b", Applicability::Safe, vec![Edit::replace(1..3, "Y")]);
        let c = Fix::new(
            "c",
            Applicability::Safe,
            vec![Edit::insert(6, "!"), Edit::replace(4..5, "")],
        );
        let applied = apply_fixes(source, [&c, &b, &a]);
        assert_eq!(applied.text, "Xcdf!");
        assert_eq!((applied.applied, applied.conflicts), (2, 1));
    }

    #[test]
    fn out_of_range_edits_are_refused_not_panicked_on() {
        let fix = Fix::new("x", Applicability::Safe, vec![Edit::replace(3..99, "")]);
        let applied = apply_fixes("abc", [&fix]);
        assert_eq!((applied.text.as_str(), applied.conflicts), ("abc", 1));
        let split = Fix::new("x", Applicability::Safe, vec![Edit::replace(1..2, "")]);
        assert_eq!(apply_fixes("é", [&split]).text, "é");
    }

    fn reference(source: &str) -> (String, String) {
        let tree = parse(source, Language::Python);
        let facts = FileFacts::extract(source, &tree, Language::Python);
        let (name, edit) = python_qualified_reference(source, &tree, &facts, "ast", "literal_eval");
        let fixed = match edit {
            Some(edit) => {
                apply_fixes(source, [&Fix::new("t", Applicability::Safe, vec![edit])]).text
            }
            None => source.to_string(),
        };
        (name, fixed)
    }

    #[test]
    fn python_imports_are_reused_or_added_in_the_right_place() {
        assert_eq!(reference("import ast as a\n").0, "a.literal_eval");
        assert_eq!(reference("from ast import literal_eval as le\n").0, "le");
        assert_eq!(
            reference("\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\n\nx = 1\n"),
            (
                "ast.literal_eval".to_string(),
                "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport ast\nimport os\n\nx = 1\n"
                    .to_string()
            )
        );
        assert_eq!(reference("x = 1\n").1, "import ast\n\nx = 1\n");
        assert_eq!(
            reference("#!/usr/bin/env python\nimport os").1,
            "#!/usr/bin/env python\nimport ast\nimport os"
        );
        assert_eq!(
            reference("#!/usr/bin/env python\n# licence\n\nx = eval(y)\n").1,
            "#!/usr/bin/env python\n# licence\nimport ast\n\nx = eval(y)\n"
        );
    }

    #[test]
    fn a_standard_library_import_goes_with_the_standard_library() {
        // Among the standard library's plain imports, in order, before its `from` imports and
        // the project's own.
        assert_eq!(
            reference("import json\nimport sys\nfrom pathlib import Path\n\nimport config\nfrom . import storage\n").1,
            "import ast\nimport json\nimport sys\nfrom pathlib import Path\n\nimport config\nfrom . import storage\n"
        );
        assert_eq!(
            reference("import abc\nfrom pathlib import Path\n\nimport requests\n").1,
            "import abc\nimport ast\nfrom pathlib import Path\n\nimport requests\n"
        );
        // No standard library imports yet: a group of its own before the others.
        assert_eq!(
            reference("\"\"\"Doc.\"\"\"\nimport requests\nfrom .config import settings\n\nx = 1\n")
                .1,
            "\"\"\"Doc.\"\"\"\nimport ast\n\nimport requests\nfrom .config import settings\n\nx = 1\n"
        );
        // After `__future__` only.
        assert_eq!(
            reference("from __future__ import annotations\n\nx = 1\n").1,
            "from __future__ import annotations\n\nimport ast\n\nx = 1\n"
        );
    }

    #[test]
    fn an_import_inside_a_function_is_not_reused_elsewhere() {
        let (name, fixed) = reference(
            "def helper():\n    import ast\n    return ast\n\n\ndef calc(e):\n    return eval(e)\n",
        );
        assert_eq!(name, "ast.literal_eval");
        assert!(fixed.starts_with("import ast\n\n\ndef helper"), "{fixed}");
    }
}
