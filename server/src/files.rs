//! Finding the files of a project and reading them safely.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::Gitignore;

use agentlint_rules::syntax::{MAX_FILE_BYTES, SkipReason, check_owned};
use agentlint_rules::{ConfigKind, Language};

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
    check_owned(bytes).map_err(FileProblem::Skipped)
}

/// Whether agentlint analyses files like `path`: code, or a configuration file it reads for
/// secrets (`.env*`, MCP configurations, notebooks).
pub fn is_analysable(path: &Path) -> bool {
    Language::from_path(path).is_some() || ConfigKind::from_path(path).is_some()
}

/// The root of the project `path` belongs to: the nearest directory above it with `.git`;
/// failing that, the nearest with a `.gitignore`, `pyproject.toml`, `package.json` or
/// agentlint configuration; failing that, its own directory. Fixes that touch `.gitignore`,
/// `.env.example` or `PRIVACY.md` touch the ones here, and its privacy notice is looked for here.
pub fn project_root(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = path.parent().unwrap_or(&path);
    if let Some(root) = dir.ancestors().find(|d| d.join(".git").exists()) {
        return root.to_path_buf();
    }
    let markers = [
        ".gitignore",
        "pyproject.toml",
        "package.json",
        "agentlint.toml",
        ".agentlint.toml",
    ];
    if let Some(root) = dir
        .ancestors()
        .find(|d| markers.iter().any(|m| d.join(m).exists()))
    {
        return root.to_path_buf();
    }
    dir.to_path_buf()
}

/// Whether git would leave `path` out of `git add .`: a `.gitignore` between the project's root
/// and the file (the nearest deciding), the repository's `info/exclude`, or the user's global
/// excludes file ignores it. Reads only those files.
pub fn is_git_ignored(path: &Path) -> bool {
    use ignore::Match;
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = project_root(&path);
    // (The matcher asserts that the path is under its directory.)
    let decide = |matcher: &Gitignore| {
        if !path.starts_with(matcher.path()) {
            return None;
        }
        match matcher.matched_path_or_any_parents(&path, false) {
            Match::Ignore(_) => Some(true),
            Match::Whitelist(_) => Some(false),
            Match::None => None,
        }
    };
    for dir in path.ancestors().skip(1) {
        let file = dir.join(".gitignore");
        if let Some(matcher) = ignore_file(&file, || Gitignore::new(&file).0)
            && let Some(ignored) = decide(&matcher)
        {
            return ignored;
        }
        if dir == root {
            break;
        }
    }
    let exclude = root.join(".git/info/exclude");
    if let Some(matcher) = ignore_file(&exclude, || {
        let mut builder = ignore::gitignore::GitignoreBuilder::new(&root);
        let _ = builder.add(&exclude);
        builder.build().unwrap_or_else(|_| Gitignore::empty())
    }) && let Some(ignored) = decide(&matcher)
    {
        return ignored;
    }
    let global = global_ignores(&root);
    decide(&global).unwrap_or(false)
}

/// When a file was last changed, as far as a cache can tell.
type Stamp = Option<(std::time::SystemTime, u64)>;

fn stamp(file: &Path) -> Stamp {
    let meta = std::fs::metadata(file).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Matchers built from ignore files, by a key (an ignore file, a project root), with the stamps
/// of the files they were built from.
type Matchers<S> = std::sync::Mutex<HashMap<PathBuf, (S, Arc<Gitignore>)>>;

/// The matcher cached under `key` if it was built from files with these `stamps`; otherwise
/// built again and cached.
fn cached<S: PartialEq>(
    cache: &Matchers<S>,
    key: &Path,
    stamps: S,
    build: impl FnOnce() -> Gitignore,
) -> Arc<Gitignore> {
    let lock = || {
        cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some((at, matcher)) = lock().get(key)
        && *at == stamps
    {
        return matcher.clone();
    }
    let matcher = Arc::new(build());
    lock().insert(key.to_path_buf(), (stamps, matcher.clone()));
    matcher
}

/// The matcher of an ignore file, `None` if there is no such file; built once per version of
/// the file (a command line run asks for every configuration file and notebook).
fn ignore_file(file: &Path, build: impl FnOnce() -> Gitignore) -> Option<Arc<Gitignore>> {
    static CACHE: std::sync::OnceLock<Matchers<Stamp>> = std::sync::OnceLock::new();
    if !file.is_file() {
        return None;
    }
    let cache = CACHE.get_or_init(Default::default);
    match stamp(file) {
        Some(now) => Some(cached(cache, file, Some(now), build)),
        // No modification time to tell versions apart: built every time.
        None => Some(Arc::new(build())),
    }
}

/// The user's global excludes (git's `core.excludesFile`, by default
/// `~/.config/git/ignore`) as seen from `root`, built again when the files that name or hold them
/// change.
fn global_ignores(root: &Path) -> Arc<Gitignore> {
    static CACHE: std::sync::OnceLock<Matchers<Vec<Stamp>>> = std::sync::OnceLock::new();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let sources = [
        home.as_ref().map(|h| h.join(".gitconfig")),
        config_home.as_ref().map(|c| c.join("git/config")),
        config_home.as_ref().map(|c| c.join("git/ignore")),
        Some(root.join(".git/config")),
    ];
    let stamps: Vec<Stamp> = sources.iter().flatten().map(|f| stamp(f)).collect();
    cached(CACHE.get_or_init(Default::default), root, stamps, || {
        ignore::gitignore::GitignoreBuilder::new(root)
            .build_global()
            .0
    })
}

/// Analysable files under `root`, respecting `.gitignore`/`.ignore` files, the default excludes and
/// the config's `exclude`, sorted.
pub fn walk(root: &Path, config: &Config) -> Vec<PathBuf> {
    list(root, config).files
}

/// What a walk of a directory found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Analysable files (see [`walk`]), sorted.
    pub files: Vec<PathBuf>,
    /// The files the search for a privacy page under the directory would read, relative to it
    /// and sorted (see [`crate::privacy::find_notice_among`]), so that it need not walk the
    /// directory again; `None` if the config's `exclude` kept this walk out of an entry that
    /// search reaches.
    pub pages: Option<Vec<PathBuf>>,
}

/// [`walk`], with the files the search for a privacy page reads. The two walks read the same
/// `.gitignore` files; the search enters no hidden or build directory and looks at most
/// eight levels deep, this walk enters all but the excluded ones.
///
/// Directories are read on as many threads as there are cores: a repository's tree is mostly
/// system calls and `.gitignore` matching, and the analysis waits for the whole list.
pub fn list(root: &Path, config: &Config) -> Listing {
    use std::sync::atomic::{AtomicBool, Ordering};
    let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
    let missed = std::sync::Arc::new(AtomicBool::new(false));
    let filter_config = config.clone();
    let filter_root = root.to_path_buf();
    let filter_missed = missed.clone();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(move |entry| {
            let excluded = filter_config.is_excluded(entry.path());
            if excluded && let Ok(relative) = entry.path().strip_prefix(&filter_root) {
                let read = if entry.file_type().is_some_and(|t| t.is_dir()) {
                    crate::privacy::page_search_looks_in(relative)
                } else {
                    crate::privacy::is_page_file(relative)
                        && crate::privacy::page_search_reaches(relative)
                };
                if read {
                    filter_missed.store(true, Ordering::Relaxed);
                }
            }
            !excluded
        })
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return ignore::WalkState::Continue;
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return ignore::WalkState::Continue;
                }
                let page = crate::privacy::is_page_file(entry.path())
                    .then(|| entry.path().strip_prefix(root).ok())
                    .flatten()
                    .filter(|relative| crate::privacy::page_search_reaches(relative))
                    .map(Path::to_path_buf);
                let analysable = is_analysable(entry.path());
                if page.is_some() || analysable {
                    let mut found = found
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    found.1.extend(page);
                    if analysable {
                        found.0.push(entry.into_path());
                    }
                }
                ignore::WalkState::Continue
            })
        });
    let (mut files, mut pages) = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    files.sort();
    pages.sort();
    Listing {
        files,
        pages: (!missed.load(Ordering::Relaxed)).then_some(pages),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_holds_the_files_the_privacy_search_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let deep = "a/b/c/d/e/f/g";
        for name in [
            "README.md",
            "web/app/page.tsx",
            "web/app/about.html",
            "web/lib/util.ts",
            "web/dist/privacy.html",
            "web/node_modules/pkg/privacy.md",
            ".github/privacy.md",
            ".well-known/policy.html",
            "notes/ignored/privacy.md",
            "notes/kept.txt",
            "app.py",
            "logo.png",
            &format!("{deep}/at-depth-eight.md"),
            &format!("{deep}/h/at-depth-nine.md"),
            "skipped/privacy.md",
        ] {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored/\n!.well-known/\n").unwrap();
        let listed = |exclude: &str| {
            std::fs::write(root.join("agentlint.toml"), exclude).unwrap();
            let config = Config::discover(root).unwrap();
            list(root, &config).pages
        };
        let expected: Vec<PathBuf> = [
            "README.md",
            &format!("{deep}/at-depth-eight.md"),
            "notes/kept.txt",
            "skipped/privacy.md",
            "web/app/about.html",
            "web/app/page.tsx",
            "web/lib/util.ts",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(crate::privacy::page_files(root), expected);
        assert_eq!(listed("").unwrap(), expected);
        // Excluded entries the search would not enter or read: the listing still holds.
        let outside = format!("exclude = [\"dist\", \".github\", \"app.py\", \"{deep}/h\"]\n");
        assert_eq!(listed(&outside).unwrap(), expected);
        // An excluded directory or page the search would enter or read: no listing.
        assert_eq!(listed("exclude = [\"skipped\"]\n"), None);
        assert_eq!(listed("exclude = [\"kept.txt\"]\n"), None);
        // `site-packages` is excluded by default, and the search enters it.
        std::fs::create_dir_all(root.join("site-packages")).unwrap();
        assert_eq!(listed(""), None);
        assert_eq!(crate::privacy::page_files(root), expected);
    }

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
            (".gitignore", "build/\n.env.local\n"),
            (".env", "KEY=1\n"),
            ("conf/.env.local", "KEY=1\n"),
            (".cursor/mcp.json", "{}\n"),
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
        assert_eq!(found, vec![".cursor/mcp.json", ".env", "a.py", "web/b.tsx"]);
    }

    #[test]
    fn git_ignored_follows_the_nearest_deciding_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git/info")).unwrap();
        std::fs::create_dir_all(root.join("app/sub")).unwrap();
        std::fs::write(root.join(".gitignore"), "*.env\n.env\n!keep.env\n").unwrap();
        std::fs::write(root.join("app/.gitignore"), "!.env\n").unwrap();
        std::fs::write(root.join(".git/info/exclude"), "private.json\n").unwrap();
        assert!(is_git_ignored(&root.join(".env")));
        assert!(is_git_ignored(&root.join("prod.env")));
        assert!(!is_git_ignored(&root.join("keep.env")));
        // A nearer .gitignore re-includes it.
        assert!(!is_git_ignored(&root.join("app/.env")));
        assert!(is_git_ignored(&root.join("app/sub/x.env")));
        assert!(is_git_ignored(&root.join("private.json")));
        assert!(!is_git_ignored(&root.join(".env.example")));
        assert_eq!(project_root(&root.join("app/sub/x.env")), root);
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
