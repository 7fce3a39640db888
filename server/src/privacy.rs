//! The privacy view of a project for AL401–AL403: finding its notice on disk, and gathering the
//! flows of its files from an index of summaries.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use agentlint_rules::FileSummary;
use agentlint_rules::privacy::{
    Library, Notice, ProjectFlow, ProjectPrivacy, RunBy, is_notice_path, is_telemetry_path,
    readme_section, still_others,
};

use crate::files;

/// Largest notice file read (a privacy page is text, not a bundle).
const MAX_NOTICE_BYTES: u64 = 512 * 1024;

/// Extensions a privacy page of the UI may have.
const PAGE_EXTENSIONS: &[&str] = &[
    "md", "mdx", "txt", "html", "htm", "tsx", "jsx", "ts", "js", "vue", "svelte", "astro", "rst",
];

/// Extensions of UI code that may link to a privacy policy.
const UI_EXTENSIONS: &[&str] = &["html", "htm", "tsx", "jsx", "vue", "svelte", "astro"];

/// Directories the search for a privacy page does not enter, beside hidden ones.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    ".venv",
    "venv",
    "__pycache__",
];

/// Directories of a documentation site: a privacy page or a policy link there is the site's
/// (often the publisher's boilerplate footer), not one the app's users see.
const DOCS_DIRS: &[&str] = &[
    "docs",
    "doc",
    "documentation",
    "website",
    "site",
    "_templates",
    "_includes",
    "_layouts",
];

/// Whether a project-relative path is in a documentation site ([`DOCS_DIRS`]).
fn in_docs_site(relative: &Path) -> bool {
    relative.components().any(|c| {
        matches!(c, std::path::Component::Normal(name)
            if DOCS_DIRS.contains(&name.to_string_lossy().to_ascii_lowercase().as_str()))
    })
}

/// How many levels below the root the search for a privacy page looks.
const PAGE_DEPTH: usize = 8;

/// Whether the search for a privacy page enters an entry of this name below the root: not
/// hidden (a dot name, even one a `.gitignore` lists with `!`), not a build or dependency
/// directory.
fn page_search_enters(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref())
}

/// Whether the search for a privacy page from a root reaches the entry at `relative` below it
/// (if `.gitignore` files do not hide it).
pub fn page_search_reaches(relative: &Path) -> bool {
    let mut depth = 0;
    relative.components().all(|component| {
        depth += 1;
        matches!(component, std::path::Component::Normal(name)
            if depth <= PAGE_DEPTH && page_search_enters(name))
    })
}

/// Whether the search for a privacy page looks into the directory at `relative` below its root.
pub fn page_search_looks_in(relative: &Path) -> bool {
    relative.components().count() < PAGE_DEPTH && page_search_reaches(relative)
}

/// Whether the search for a privacy page reads a file of this name.
pub fn is_page_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| PAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn read_small(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_NOTICE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    String::from_utf8(bytes).ok()
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// What a project discloses: its privacy notice, and a page about its telemetry.
#[derive(Clone, Debug, Default)]
pub struct Notices {
    pub privacy: Option<Notice>,
    pub telemetry: Option<Notice>,
    /// The project is a collection of examples ([`crate::config::is_collection`]).
    pub collection: bool,
}

/// [`find_notice_among`] and [`find_telemetry_page`], and whether the root is a collection.
pub fn find_notices(root: &Path, listed: Option<&[PathBuf]>) -> Notices {
    let walked;
    let listed = match listed {
        Some(listed) => listed,
        None => {
            walked = page_files(root);
            &walked
        }
    };
    let listed = Some(listed);
    Notices {
        privacy: find_notice_among(root, listed),
        telemetry: find_telemetry_page(root, listed),
        collection: crate::config::is_collection(root),
    }
}

/// Whether a file is a document (Markdown, text, HTML), not code: a `telemetry.ts` is the
/// telemetry itself, not a page about it.
fn is_document(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "md" | "mdx" | "txt" | "rst" | "html" | "htm"
        )
    })
}

/// A page about the project's telemetry ([`is_telemetry_path`]): at the root, or anywhere in a
/// documentation site (`docs/telemetry/telemetry.mdx`, `aider/website/docs/more/analytics.md`).
/// Unlike a privacy notice, a documentation site's page counts: that is where a tool's users
/// read what it collects. `listed` are the files below `root` the page search reads
/// ([`page_files`]), if known already.
pub fn find_telemetry_page(root: &Path, listed: Option<&[PathBuf]>) -> Option<Notice> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| is_document(p) && is_telemetry_path(&relative(root, p)))
        .collect();
    if found.is_empty() {
        let walked;
        let listed = match listed {
            Some(listed) => listed,
            None => {
                walked = page_files(root);
                &walked
            }
        };
        found.extend(
            listed
                .iter()
                .filter(|p| in_docs_site(p) && is_telemetry_path(&p.to_string_lossy()))
                .map(|p| root.join(p))
                .filter(|p| is_document(p)),
        );
    }
    found.sort();
    found.into_iter().find_map(|path| {
        read_small(&path).map(|text| Notice {
            path: relative(root, &path),
            text,
            appendable: false,
            checkable: true,
        })
    })
}

/// The project's privacy notice: a notice file at the root or in `docs/` (`PRIVACY.md`,
/// `docs/privacy-policy.md`), a README section about privacy, or a privacy page anywhere in the
/// project (`app/privacy/page.tsx`), in that order. Respects `.gitignore`.
pub fn find_notice(root: &Path) -> Option<Notice> {
    find_notice_among(root, None)
}

/// [`find_notice`], given the files below `root` it reads ([`page_files`]) if they are known
/// already (see [`files::list`]).
pub fn find_notice_among(root: &Path, listed: Option<&[PathBuf]>) -> Option<Notice> {
    // Own files first: at the root, then in docs/.
    for dir in [root.to_path_buf(), root.join("docs"), root.join("doc")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let rel = relative(root, &path);
            if is_notice_path(&rel)
                && let Some(text) = read_small(&path)
            {
                return Some(Notice {
                    path: rel,
                    text,
                    appendable: true,
                    checkable: true,
                });
            }
        }
    }
    // A README section.
    if let Ok(entries) = std::fs::read_dir(root) {
        let mut readmes: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.to_ascii_lowercase().starts_with("readme"))
            })
            .collect();
        readmes.sort();
        for path in readmes {
            if let Some(section) = read_small(&path).as_deref().and_then(readme_section) {
                return Some(Notice {
                    path: relative(root, &path),
                    text: section,
                    appendable: false,
                    checkable: true,
                });
            }
        }
    }
    // A page of the UI.
    let walked;
    let listed = match listed {
        Some(listed) => listed,
        None => {
            walked = page_files(root);
            &walked
        }
    };
    let mut pages: Vec<PathBuf> = Vec::new();
    let mut ui: Vec<PathBuf> = Vec::new();
    // A documentation site's pages and footers are not the app's UI.
    for path in listed
        .iter()
        .filter(|path| !in_docs_site(path))
        .map(|path| root.join(path))
    {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        if is_notice_path(&relative(root, &path)) {
            pages.push(path);
        } else if UI_EXTENSIONS.contains(&extension.as_str()) {
            ui.push(path);
        }
    }
    pages.sort();
    if let Some(page) = pages.into_iter().find_map(|path| {
        read_small(&path).map(|text| Notice {
            path: relative(root, &path),
            text,
            appendable: false,
            checkable: true,
        })
    }) {
        return Some(page);
    }
    // A link to a privacy policy published elsewhere, in the UI's code.
    ui.sort();
    ui.into_iter().find_map(|path| {
        let text = read_small(&path)?;
        agentlint_rules::privacy::links_to_policy(&text).then(|| Notice {
            path: relative(root, &path),
            text: String::new(),
            appendable: false,
            checkable: false,
        })
    })
}

/// The files below `root` the search for a privacy page reads, relative to it and sorted: those
/// with a page's extension, at most eight levels down, outside hidden and build directories and
/// what `.gitignore` files hide.
pub fn page_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .max_depth(Some(PAGE_DEPTH))
        .filter_entry(|e| page_search_enters(e.file_name()))
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()) && is_page_file(e.path()))
        .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    files.sort();
    files
}

/// The project view for `root` from the summaries of its files (by absolute path). The flows
/// of test and maintainer files (those whose privacy findings the default per-file ignores
/// leave out) are not where the project's users' data goes, and are left out.
pub fn project_privacy(
    root: &Path,
    notices: Notices,
    summaries: impl Iterator<Item = (PathBuf, Arc<FileSummary>)>,
) -> ProjectPrivacy {
    let mut flows = Vec::new();
    for (absolute, summary) in summaries {
        if summary.flows.is_empty() || !absolute.starts_with(root) {
            continue;
        }
        // A test's model calls are the test's own (mocked, or with made-up data), an eval's or
        // a CI script's the maintainers': not where the project's users' data goes.
        if absolute
            .strip_prefix(root)
            .is_ok_and(crate::config::is_quiet_about_privacy)
        {
            continue;
        }
        // An example that serves nobody is run by its reader, and a command line that asks
        // for text by whoever types it: only what still goes to others counts
        // (`agentlint_rules::privacy::still_others`).
        let example = notices.collection
            || absolute
                .strip_prefix(root)
                .is_ok_and(crate::config::is_example);
        let run_by = if example {
            Some(RunBy::Reader)
        } else if summary.terminal {
            Some(RunBy::Operator)
        } else {
            None
        };
        let path = relative(root, &absolute);
        let kept = summary.flows.iter().filter(|f| match run_by {
            Some(run_by) if !summary.serves => still_others(&f.recipient, f.authors, run_by),
            _ => true,
        });
        flows.extend(kept.map(|f| ProjectFlow {
            recipient: f.recipient.clone(),
            configured: f.configured,
            path: path.clone(),
            line: f.line,
            callee: f.callee.clone(),
            adapter: f.adapter,
            evident: f.evident,
        }));
    }
    flows.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    let libraries = libraries(root, flows.iter().map(|f| f.path.as_str()));
    ProjectPrivacy {
        root: root.to_path_buf(),
        notice: notices.privacy,
        telemetry: notices.telemetry,
        flows,
        libraries,
    }
}

/// The packages published from the directories between `root` and the files at `paths`
/// (relative to it): the root's own, and in a monorepo those of its packages
/// (`python/packages/autogen-ext/pyproject.toml`).
fn libraries<'a>(root: &Path, paths: impl Iterator<Item = &'a str>) -> Vec<Library> {
    let mut seen: HashMap<String, Option<(String, Vec<String>)>> = HashMap::new();
    for path in paths {
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            dir = parent;
            if seen.contains_key(dir) {
                break;
            }
            // The root's own is looked at once, below.
            seen.insert(dir.to_string(), package(&root.join(dir)));
        }
    }
    seen.insert(String::new(), package(root));
    let mut libraries: Vec<Library> = seen
        .into_iter()
        .filter_map(|(dir, found)| {
            let (name, packages) = found?;
            Some(Library {
                dir,
                name,
                packages,
            })
        })
        // A package of examples (`pydantic-ai-examples`) is applications to run, published
        // for convenience: its calls are its users' own, like any app's.
        .filter(|l| !is_examples(&l.name))
        .collect();
    libraries.sort_by(|a, b| a.dir.cmp(&b.dir));
    libraries
}

/// Whether a package's name says it holds examples or demos rather than a library.
fn is_examples(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| {
            matches!(
                word,
                "example"
                    | "examples"
                    | "demo"
                    | "demos"
                    | "sample"
                    | "samples"
                    | "cookbook"
                    | "tutorial"
                    | "tutorials"
            )
        })
}

/// Descriptions that `poetry init` and `uv init` write into a new `pyproject.toml`.
const TEMPLATE_DESCRIPTIONS: &[&str] = &["", "Add your description here"];

/// The name of the package a project publishes, if it is one that others install, and the
/// directories its manifest says it ships: a `pyproject.toml` with a `[build-system]` and a name
/// (`[project]` or `[tool.poetry]`) whose description is not its tool's template, a `setup.py` or `setup.cfg` that names one, or a
/// `package.json` with a name, an entry point (`main`, `module`, `exports`) and no
/// `"private": true` (whose code is in `src/` and `lib/`).
pub fn package(root: &Path) -> Option<(String, Vec<String>)> {
    if let Some(text) = read_small(&root.join("pyproject.toml"))
        && let Ok(value) = text.parse::<toml::Table>()
        && value.contains_key("build-system")
    {
        let tool = value.get("tool");
        let name = value
            .get("project")
            .and_then(|p| p.get("name"))
            .or_else(|| {
                tool.and_then(|t| t.get("poetry"))
                    .and_then(|p| p.get("name"))
            })
            .and_then(|n| n.as_str());
        let description = value
            .get("project")
            .and_then(|p| p.get("description"))
            .or_else(|| {
                tool.and_then(|t| t.get("poetry"))
                    .and_then(|p| p.get("description"))
            })
            .and_then(|d| d.as_str());
        // The description its tool's `init` wrote and nobody changed: an application's
        // manifest, never written for others to install (a deployed app packaged with Poetry
        // or uv, its server in `app/`).
        let template = description.is_some_and(|d| TEMPLATE_DESCRIPTIONS.contains(&d.trim()));
        if let Some(name) = name.filter(|_| !template) {
            return Some((name.to_string(), shipped_packages(tool)));
        }
    }
    if let Some(found) = setuptools_package(root) {
        return Some(found);
    }
    let text = read_small(&root.join("package.json"))?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let private = value.get("private").and_then(serde_json::Value::as_bool) == Some(true);
    let entry = ["main", "module", "exports"]
        .iter()
        .any(|k| value.get(k).is_some());
    if private || !entry {
        return None;
    }
    // A JavaScript package's code is its sources, whatever it is named as.
    Some((
        value.get("name")?.as_str()?.to_string(),
        vec!["lib".to_string(), "src".to_string()],
    ))
}

/// The package a `setup.py` (`setup(name="knowledge-storm", packages=find_packages())`) or a
/// `setup.cfg` (`[metadata] name = ...`) publishes, and the top-level directories its literal
/// `packages=[...]` lists (none for `find_packages()`: the name says where its code is).
fn setuptools_package(root: &Path) -> Option<(String, Vec<String>)> {
    static PATTERNS: std::sync::OnceLock<Option<[regex::Regex; 4]>> = std::sync::OnceLock::new();
    let [call, name, packages, config_name] = PATTERNS
        .get_or_init(|| {
            let compile = |p: &str| regex::Regex::new(p).ok();
            Some([
                compile(r"(?m)^\s*(?:setuptools\.)?setup\s*\(")?,
                compile(r#"[(,\s]name\s*=\s*["']([A-Za-z0-9][A-Za-z0-9._-]*)["']"#)?,
                compile(r"[(,\s]packages\s*=\s*\[([^\]]*)\]")?,
                compile(r"(?m)^name\s*=\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*$")?,
            ])
        })
        .as_ref()?;
    if let Some(text) = read_small(&root.join("setup.py"))
        && let Some(start) = call.find(&text)
    {
        let arguments = &text[start.end() - 1..];
        let found = name.captures(arguments)?;
        let listed = packages
            .captures(arguments)
            .and_then(|c| c.get(1))
            .map(|list| {
                let mut dirs: Vec<String> = list
                    .as_str()
                    .split(',')
                    .map(|entry| entry.trim().trim_matches(['"', '\'']))
                    .filter_map(|entry| entry.split('.').next())
                    .filter(|entry| !entry.is_empty())
                    .map(str::to_string)
                    .collect();
                dirs.sort();
                dirs.dedup();
                dirs
            })
            .unwrap_or_default();
        return Some((found.get(1)?.as_str().to_string(), listed));
    }
    let text = read_small(&root.join("setup.cfg"))?;
    let metadata = text.split("[metadata]").nth(1)?;
    let section = metadata.split("\n[").next()?;
    let found = config_name.captures(section)?;
    Some((found.get(1)?.as_str().to_string(), Vec::new()))
}

/// The top-level directories a `pyproject.toml`'s build tool is told to ship: Poetry's
/// `packages = [{ include = "x" }]`, setuptools' `packages = ["x", "x.sub"]` and
/// `packages.find.include = ["x*"]`, Hatch's wheel `packages = ["src/x"]`, `include = ["x"]`
/// and `only-include = ["x"]`.
fn shipped_packages(tool: Option<&toml::Value>) -> Vec<String> {
    let Some(tool) = tool else {
        return Vec::new();
    };
    let wheel = tool
        .get("hatch")
        .and_then(|h| h.get("build"))
        .and_then(|b| b.get("targets"))
        .and_then(|t| t.get("wheel"));
    let setuptools = tool.get("setuptools");
    let listed = [
        tool.get("poetry").and_then(|p| p.get("packages")),
        setuptools.and_then(|p| p.get("packages")),
        setuptools
            .and_then(|p| p.get("packages"))
            .and_then(|p| p.get("find"))
            .and_then(|f| f.get("include")),
        wheel.and_then(|w| w.get("packages")),
        wheel.and_then(|w| w.get("include")),
        wheel.and_then(|w| w.get("only-include")),
    ];
    let mut packages: Vec<String> = listed
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_array)
        .flatten()
        .filter_map(|entry| {
            entry
                .as_str()
                .or_else(|| entry.get("include").and_then(toml::Value::as_str))
        })
        // `src/x` ships `x`; `x.sub` and `x*` are in `x`.
        .map(|entry| entry.trim_end_matches(['/', '*', '.']))
        .filter_map(|entry| entry.rsplit('/').next())
        .filter_map(|entry| entry.split('.').next())
        .filter(|entry| !entry.is_empty() && !entry.contains('*'))
        .map(str::to_string)
        .collect();
    packages.sort();
    packages.dedup();
    packages
}

/// The project `path` belongs to: the innermost of `roots` (the directories checked, the
/// editor's workspace folders) that holds it, else the nearest directory with `.git` (see
/// [`files::project_root`]). Its notice is looked for there, and fixes that create or edit
/// `PRIVACY.md`, `.env.example` or `.gitignore` do so there.
pub fn root_for(path: &Path, roots: &[PathBuf]) -> PathBuf {
    let absolute = root_key(path);
    roots
        .iter()
        .map(|r| root_key(r))
        .filter(|r| absolute.starts_with(r))
        .max_by_key(|r| r.components().count())
        .unwrap_or_else(|| agentlint_rules::summary::normalize(&files::project_root(&absolute)))
}

/// A root as [`root_for`] gives it: absolute and normalized.
pub fn root_key(root: &Path) -> PathBuf {
    agentlint_rules::summary::normalize(
        &std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
    )
}

/// Whether `path` is UI code that may link to a privacy policy.
pub fn may_link_to_policy(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| UI_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Whether a change to `path` can change a project's notice.
pub fn may_be_notice(path: &Path) -> bool {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    lower.contains("privacy")
        || lower.contains("telemetry")
        || lower.contains("隐私")
        || lower
            .rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with("readme"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_found_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(find_notice(root).is_none());
        std::fs::create_dir_all(root.join("web/app/privacy")).unwrap();
        std::fs::write(
            root.join("web/app/privacy/page.tsx"),
            "export default () => 'OpenAI';\n",
        )
        .unwrap();
        assert_eq!(find_notice(root).unwrap().path, "web/app/privacy/page.tsx");
        std::fs::write(
            root.join("README.md"),
            "# Bot\n\n## Privacy\n\nOpenAI.\n\n## License\n",
        )
        .unwrap();
        let notice = find_notice(root).unwrap();
        assert_eq!(notice.path, "README.md");
        assert!(!notice.text.contains("License"));
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/privacy.md"), "# Privacy\n").unwrap();
        assert_eq!(find_notice(root).unwrap().path, "docs/privacy.md");
        std::fs::write(root.join("PRIVACY.md"), "# Privacy\n").unwrap();
        let notice = find_notice(root).unwrap();
        assert_eq!(notice.path, "PRIVACY.md");
        assert!(notice.appendable);
    }

    #[test]
    fn a_telemetry_page_is_a_document_at_the_root_or_in_the_documentation() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        let found = || find_telemetry_page(root, None).map(|page| page.path);
        // The telemetry's own code is not a page about it.
        write("telemetry.ts", "import posthog from \"posthog-js\";\n");
        write("src/TELEMETRY.md", "PostHog\n");
        assert_eq!(found(), None);
        // A documentation site inside the package (aider's `aider/website/docs/`).
        write(
            "tool/website/docs/more/analytics.md",
            "Opt-in analytics go to PostHog.\n",
        );
        assert_eq!(
            found().as_deref(),
            Some("tool/website/docs/more/analytics.md")
        );
        write("docs/usage/telemetry/index.mdx", "We use PostHog.\n");
        assert_eq!(found().as_deref(), Some("docs/usage/telemetry/index.mdx"));
        write("TELEMETRY.md", "We use Sentry.\n");
        assert_eq!(found().as_deref(), Some("TELEMETRY.md"));
    }

    #[test]
    fn a_documentation_sites_footer_is_no_notice() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("python/docs/src/_templates")).unwrap();
        std::fs::write(
            root.join("python/docs/src/_templates/footer.html"),
            "<p><a href=\"https://example.com/privacy\">Privacy Policy</a></p>\n",
        )
        .unwrap();
        assert!(find_notice(root).is_none());
        // The same link in the app's own UI is one its users see.
        std::fs::create_dir_all(root.join("web/components")).unwrap();
        std::fs::write(
            root.join("web/components/Footer.tsx"),
            "export const Footer = () => <a href=\"https://example.com/privacy\">Privacy Policy</a>;\n",
        )
        .unwrap();
        let notice = find_notice(root).unwrap();
        assert_eq!(notice.path, "web/components/Footer.tsx");
        assert!(!notice.checkable);
    }
}
