//! Configuration: `agentlint.toml` (or `.agentlint.toml`), or `[tool.agentlint]` in
//! `pyproject.toml`, found in a project root or its nearest ancestor that has one.
//!
//! ```toml
//! select = ["ALL"]                 # codes, prefixes (AL2) or names
//! ignore = ["AL106"]
//! exclude = ["tests/fixtures/**"]  # gitignore-like globs, relative to the config file
//! extend = ["agentlint/sinks.toml"] # extra knowledge tables in the format of rules/data
//! [severity]
//! AL203 = "error"
//! [extend-per-file-ignores]         # added to the defaults (`per-file-ignores` replaces them)
//! "scripts/*.py" = ["AL203"]
//! [sandbox]
//! command = ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--"]  # your sandbox prefix (AL202)
//! ```

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use agentlint_rules::{Knowledge, Selector, Settings, Severity};
use anyhow::{Context as _, Result, bail};
use globset::{GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// Config file names, in order of precedence within one directory.
pub const CONFIG_FILES: &[&str] = &["agentlint.toml", ".agentlint.toml", "pyproject.toml"];

/// Directories never analysed (in addition to whatever `.gitignore` excludes).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    "site-packages",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

/// Test files: where a test's tools, prompts and model calls are the test's own business, not a
/// project's users'. Patterns as `exclude` reads them (one without `/` matches any component of
/// the path).
pub const TEST_FILES: &[&str] = &[
    "tests",
    "test",
    "__tests__",
    "fixtures",
    "cassettes",
    "conftest.py",
    "test_*.py",
    "*_test.py",
    "*.test.ts",
    "*.test.tsx",
    "*.test.js",
    "*.test.jsx",
    "*.test.mjs",
    "*.spec.ts",
    "*.spec.tsx",
    "*.spec.js",
    "*.spec.jsx",
    "*.spec.mjs",
    // Storybook stories and Jest's module mocks render or stand in for code with made-up data.
    "__mocks__",
    "*.stories.ts",
    "*.stories.tsx",
    "*.stories.js",
    "*.stories.jsx",
];

/// What test files do not report by default: tools without descriptions (AL100) and the privacy
/// rules (AL4xx); keys, execution and poisoning are reported there as anywhere.
pub const TEST_FILE_IGNORES: &[&str] = &["AL100", "AL4"];

/// Maintainers' tooling: CI scripts, evaluations and benchmarks send the maintainers' own data,
/// not the project's users'.
pub const MAINTAINER_FILES: &[&str] = &[
    ".github",
    "scripts",
    "evals",
    "eval",
    "benchmarks",
    "benchmark",
    "profiling",
    "*benchmark*.py",
    "*benchmark*.ts",
    "*_eval.py",
    "eval_*.py",
    // Evaluation harnesses in a folder of their own (`auto_eval/`, `agent_evals/`).
    "*_eval",
    "*_evals",
];

/// Examples, demos and cookbooks: code a reader runs, on their own data, unless it serves other
/// people (a web route, a chat UI, a bot), which an application built from it would.
pub const EXAMPLE_FILES: &[&str] = &[
    "examples",
    "example",
    "demos",
    "demo",
    "samples",
    "sample",
    "cookbook",
    "cookbooks",
    "tutorials",
    // Courses: a lesson's code is run by the learner, on the learner's key.
    "course",
    "courses",
    "lessons",
    "workshop",
    "workshops",
    "module-[0-9]*",
    "lesson-[0-9]*",
    "lesson[0-9]*",
    "chapter-[0-9]*",
    "chapter[0-9]*",
    "week-[0-9]*",
    "lab-[0-9]*",
    "*_example.py",
    "example_*.py",
];

/// What maintainers' tooling does not report by default: the privacy rules (AL4xx).
pub const MAINTAINER_FILE_IGNORES: &[&str] = &["AL4"];

/// The options as written in a file (all optional).
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub extend: Option<Vec<String>>,
    pub severity: Option<BTreeMap<String, String>>,
    pub sandbox: Option<SandboxOptions>,
    /// Rules not reported in the files a pattern matches; replaces the defaults (test files do
    /// not report AL100 and AL4xx).
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    /// The same, added to the defaults.
    pub extend_per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
}

/// `[sandbox]`: the project's own way of confining processes.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SandboxOptions {
    /// The command that runs another confined, put in front of it (`["bwrap", ..., "--"]`).
    pub command: Vec<String>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTool>,
}

#[derive(Deserialize)]
struct PyprojectTool {
    agentlint: Option<toml::Value>,
}

/// Resolved configuration for one project root.
#[derive(Clone, Debug)]
pub struct Config {
    /// Directory that relative paths in the config (exclude, extend) are resolved from.
    pub root: PathBuf,
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    pub settings: Settings,
    exclude: Exclude,
    /// Rules left out in the files matching each set of patterns.
    per_file_ignores: Vec<(PathPatterns, Vec<Selector>)>,
    pub knowledge: Arc<Knowledge>,
    /// The root holds only examples ([`is_collection`]): every file is one.
    collection: bool,
}

/// The built-in tables, one copy for every configuration that does not extend them (a
/// command line given many files makes a configuration for each).
fn builtin_knowledge() -> Arc<Knowledge> {
    static BUILTIN: std::sync::OnceLock<Arc<Knowledge>> = std::sync::OnceLock::new();
    BUILTIN
        .get_or_init(|| Arc::new(Knowledge::builtin().clone()))
        .clone()
}

impl Config {
    /// Defaults for a root with no config file.
    pub fn default_for(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            file: None,
            settings: Settings::default(),
            exclude: Exclude::new(&[]).unwrap_or_default(),
            per_file_ignores: default_per_file_ignores(),
            knowledge: builtin_knowledge(),
            collection: is_collection(root),
        }
    }

    /// The configuration that applies to `start` (a directory or file): the nearest config file in
    /// it or its ancestors, or defaults rooted at `start`.
    pub fn discover(start: &Path) -> Result<Config> {
        let start_dir = if start.is_file() {
            start.parent().unwrap_or(start)
        } else {
            start
        };
        for dir in start_dir.ancestors() {
            if let Some((file, options)) = find_in_dir(dir)? {
                return Config::from_options(dir, Some(file), options);
            }
        }
        Ok(Config::default_for(start_dir))
    }

    /// Loads a given config file.
    pub fn load_file(path: &Path) -> Result<Config> {
        let options = read_options(path)?
            .with_context(|| format!("{}: no [tool.agentlint] table", path.display()))?;
        let root = path.parent().unwrap_or(Path::new("."));
        Config::from_options(root, Some(path.to_path_buf()), options)
    }

    pub fn from_options(root: &Path, file: Option<PathBuf>, options: Options) -> Result<Config> {
        let origin = file
            .as_deref()
            .map_or_else(|| "configuration".to_string(), |f| f.display().to_string());
        let settings = settings_from(&options).with_context(|| origin.clone())?;
        let exclude = Exclude::new(options.exclude.as_deref().unwrap_or_default())
            .with_context(|| origin.clone())?;
        let mut per_file_ignores = match &options.per_file_ignores {
            Some(table) => per_file_ignores_from(table).with_context(|| origin.clone())?,
            None => default_per_file_ignores(),
        };
        if let Some(table) = &options.extend_per_file_ignores {
            per_file_ignores.extend(per_file_ignores_from(table).with_context(|| origin.clone())?);
        }
        let mut extensions = Vec::new();
        for extra in options.extend.iter().flatten() {
            let path = root.join(extra);
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("{origin}: cannot read `extend` file {}", path.display())
            })?;
            extensions.push((path.display().to_string(), text));
        }
        let knowledge = if extensions.is_empty() && options.sandbox.is_none() {
            builtin_knowledge()
        } else {
            let mut knowledge = if extensions.is_empty() {
                Knowledge::builtin().clone()
            } else {
                Knowledge::with_extensions(
                    extensions.iter().map(|(o, t)| (o.as_str(), t.as_str())),
                )?
            };
            if let Some(sandbox) = &options.sandbox {
                if sandbox.command.first().is_none_or(|p| p.trim().is_empty()) {
                    bail!("{origin}: `sandbox.command` needs at least the sandbox program");
                }
                knowledge.set_sandbox_command(sandbox.command.clone());
            }
            Arc::new(knowledge)
        };
        Ok(Config {
            root: root.to_path_buf(),
            file,
            settings,
            exclude,
            per_file_ignores,
            knowledge,
            collection: is_collection(root),
        })
    }

    /// Whether `path` is excluded by the defaults or the `exclude` option.
    pub fn is_excluded(&self, path: &Path) -> bool {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        self.exclude.matches(relative)
    }

    /// The settings for the file at `path`: the project's, with the rules its per-file ignores
    /// leave out there (test files: AL100 and AL4xx by default).
    pub fn settings_for(&self, path: &Path) -> std::borrow::Cow<'_, Settings> {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let ignored: Vec<&Selector> = self
            .per_file_ignores
            .iter()
            .filter(|(patterns, _)| patterns.matches(relative))
            .flat_map(|(_, selectors)| selectors)
            .collect();
        let test_file = is_test_file(relative);
        let maintainer_file = !test_file && is_quiet_about_privacy(relative);
        let example_file = self.collection || is_example(relative);
        if ignored.is_empty() && !test_file && !maintainer_file && !example_file {
            return std::borrow::Cow::Borrowed(&self.settings);
        }
        let mut settings = self.settings.clone();
        settings.ignore.extend(ignored.into_iter().cloned());
        settings.test_file = test_file;
        settings.maintainer_file = maintainer_file;
        settings.example_file = example_file;
        std::borrow::Cow::Owned(settings)
    }
}

/// Whether a path relative to a project's root is a test file ([`TEST_FILES`]).
pub fn is_test_file(relative: &Path) -> bool {
    static PATTERNS: std::sync::OnceLock<PathPatterns> = std::sync::OnceLock::new();
    PATTERNS
        .get_or_init(|| {
            let patterns: Vec<String> = TEST_FILES.iter().map(|p| p.to_string()).collect();
            PathPatterns::new(&patterns, "test files").unwrap_or_default()
        })
        .matches(relative)
}

/// Whether a path relative to a project's root is a test file ([`TEST_FILES`]) or maintainers'
/// tooling ([`MAINTAINER_FILES`]): its flows are not where the project's users' data goes.
pub fn is_quiet_about_privacy(relative: &Path) -> bool {
    static PATTERNS: std::sync::OnceLock<PathPatterns> = std::sync::OnceLock::new();
    PATTERNS
        .get_or_init(|| {
            let patterns: Vec<String> = TEST_FILES
                .iter()
                .chain(MAINTAINER_FILES)
                .map(|p| p.to_string())
                .collect();
            PathPatterns::new(&patterns, "test files").unwrap_or_default()
        })
        .matches(relative)
}

/// Whether a path relative to a project's root is an example or a demo ([`EXAMPLE_FILES`]).
pub fn is_example(relative: &Path) -> bool {
    static PATTERNS: std::sync::OnceLock<PathPatterns> = std::sync::OnceLock::new();
    PATTERNS
        .get_or_init(|| {
            let patterns: Vec<String> = EXAMPLE_FILES.iter().map(|p| p.to_string()).collect();
            PathPatterns::new(&patterns, "example files").unwrap_or_default()
        })
        .matches(relative)
}

/// Files at a project's root that make it a project of its own (a manifest), rather than a
/// directory that holds projects.
const MANIFESTS: &[&str] = &[
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "Pipfile",
    "package.json",
    "Cargo.toml",
    "go.mod",
];

/// How many projects below a root make it a collection (an application's monorepo has a few:
/// a server, a web app, a command line, its docs), and how deep they are looked for.
const COLLECTION_PROJECTS: usize = 5;
const COLLECTION_DEPTH: usize = 4;

/// Files at a root that deploy it as one application (`docker-compose.yml` starting its
/// server, web app and workers together).
const DEPLOYMENTS: &[&str] = &[
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "Dockerfile",
    "Procfile",
    "vercel.json",
    "fly.toml",
    "render.yaml",
    "app.yaml",
];

/// Whether a root is a collection of examples (a cookbook, a tutorials repository): it has no
/// manifest, no code and no deployment of its own, and at least five directories below it
/// are projects with their own manifest (`rag_tutorials/rag_agent_cohere/requirements.txt`).
/// Each of its projects is an example that its reader runs, on their own data unless it
/// serves other people.
pub fn is_collection(root: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(root) else {
        return false;
    };
    let mut directories = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && name != "node_modules" {
                directories.push((entry.path(), 1));
            }
        } else if MANIFESTS.contains(&name.as_ref())
            || DEPLOYMENTS.contains(&name.as_ref())
            || agentlint_rules::Language::from_path(&entry.path()).is_some()
        {
            return false;
        }
    }
    let mut projects = 0;
    while let Some((directory, depth)) = directories.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        let mut below = Vec::new();
        let mut project = false;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if entry.file_type().is_ok_and(|k| k.is_dir()) {
                if depth < COLLECTION_DEPTH && !name.starts_with('.') && name != "node_modules" {
                    below.push((entry.path(), depth + 1));
                }
            } else if MANIFESTS.contains(&name.as_ref()) {
                project = true;
            }
        }
        if project {
            projects += 1;
            if projects >= COLLECTION_PROJECTS {
                return true;
            }
        } else {
            directories.extend(below);
        }
    }
    false
}

/// Test files leave out [`TEST_FILE_IGNORES`], maintainers' tooling
/// [`MAINTAINER_FILE_IGNORES`].
fn default_per_file_ignores() -> Vec<(PathPatterns, Vec<Selector>)> {
    [
        (TEST_FILES, TEST_FILE_IGNORES),
        (MAINTAINER_FILES, MAINTAINER_FILE_IGNORES),
    ]
    .into_iter()
    .filter_map(|(patterns, ignores)| {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let selectors = ignores
            .iter()
            .filter_map(|s| Selector::parse(s).ok())
            .collect();
        PathPatterns::new(&patterns, "per-file-ignores")
            .ok()
            .map(|patterns| (patterns, selectors))
    })
    .collect()
}

/// `"pattern" = ["AL100", ...]` entries.
fn per_file_ignores_from(
    table: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<(PathPatterns, Vec<Selector>)>> {
    table
        .iter()
        .map(|(pattern, rules)| {
            let patterns = PathPatterns::new(std::slice::from_ref(pattern), "per-file-ignores")?;
            let selectors =
                parse_selectors(rules).with_context(|| format!("per-file-ignores: `{pattern}`"))?;
            Ok((patterns, selectors))
        })
        .collect()
}

fn find_in_dir(dir: &Path) -> Result<Option<(PathBuf, Options)>> {
    for name in CONFIG_FILES {
        let path = dir.join(name);
        if path.is_file()
            && let Some(options) = read_options(&path)?
        {
            return Ok(Some((path, options)));
        }
    }
    Ok(None)
}

/// Options from a config file; `None` for a `pyproject.toml` without `[tool.agentlint]`.
fn read_options(path: &Path) -> Result<Option<Options>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    if is_pyproject {
        let pyproject: Pyproject =
            toml::from_str(&text).with_context(|| format!("{}: invalid TOML", path.display()))?;
        let Some(table) = pyproject.tool.and_then(|t| t.agentlint) else {
            return Ok(None);
        };
        let options = Options::deserialize(table)
            .with_context(|| format!("{}: invalid [tool.agentlint]", path.display()))?;
        return Ok(Some(options));
    }
    let options: Options = toml::from_str(&text)
        .with_context(|| format!("{}: invalid configuration", path.display()))?;
    Ok(Some(options))
}

/// Rule selection and severities from options.
pub fn settings_from(options: &Options) -> Result<Settings> {
    let mut settings = Settings::default();
    if let Some(select) = &options.select {
        settings.select = parse_selectors(select)?;
    }
    if let Some(ignore) = &options.ignore {
        settings.ignore = parse_selectors(ignore)?;
    }
    for (rule, severity) in options.severity.iter().flatten() {
        let Some(sev) = Severity::parse(severity) else {
            bail!("severity of {rule}: `{severity}` is not one of error, warning, info, hint");
        };
        // Validate the key names a rule (a code or a name, not a prefix).
        let known = agentlint_rules::rules::CATALOGUE
            .iter()
            .any(|(code, name)| code.eq_ignore_ascii_case(rule) || name == rule);
        if !known {
            bail!("severity: `{rule}` is not a rule code or name");
        }
        let key = if rule.starts_with("AL") || rule.starts_with("al") {
            rule.to_ascii_uppercase()
        } else {
            rule.clone()
        };
        settings.severity.insert(key, sev);
    }
    Ok(settings)
}

pub fn parse_selectors(list: &[String]) -> Result<Vec<Selector>> {
    list.iter()
        .map(|s| Selector::parse(s).map_err(anyhow::Error::from))
        .collect()
}

/// Exclusion globs: [`PathPatterns`] with [`DEFAULT_EXCLUDES`].
#[derive(Clone, Debug, Default)]
struct Exclude(PathPatterns);

impl Exclude {
    fn new(patterns: &[String]) -> Result<Exclude> {
        let mut all: Vec<String> = DEFAULT_EXCLUDES.iter().map(|p| p.to_string()).collect();
        all.extend(patterns.iter().cloned());
        Ok(Exclude(PathPatterns::new(&all, "exclude")?))
    }

    fn matches(&self, relative: &Path) -> bool {
        self.0.matches(relative)
    }
}

/// Path globs, relative to a configuration's directory. A pattern without `/` matches any path
/// component (`generated`, `*.gen.py`, `tests`); a pattern with `/` matches the path, or any of
/// its parent directories (`tests/fixtures` matches everything under it).
#[derive(Clone, Debug, Default)]
struct PathPatterns {
    component: GlobSet,
    relative: GlobSet,
}

impl PathPatterns {
    /// The patterns of option `option` (for errors).
    fn new(patterns: &[String], option: &str) -> Result<PathPatterns> {
        let mut component = GlobSetBuilder::new();
        let mut relative = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            let glob = globset::GlobBuilder::new(trimmed)
                .literal_separator(true)
                .build()
                .with_context(|| format!("{option}: invalid pattern `{pattern}`"))?;
            if trimmed.contains('/') {
                relative.add(glob);
            } else {
                component.add(glob);
            }
        }
        Ok(PathPatterns {
            component: component.build()?,
            relative: relative.build()?,
        })
    }

    fn matches(&self, relative: &Path) -> bool {
        let mut prefix = PathBuf::new();
        for part in relative.components() {
            let Component::Normal(name) = part else {
                continue;
            };
            if self.component.is_match(Path::new(name)) {
                return true;
            }
            prefix.push(name);
            if self.relative.is_match(&prefix) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn agentlint_toml_wins_over_pyproject_and_is_found_from_subdirectories() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.agentlint]\nignore = [\"AL2\"]\n",
        );
        write(
            dir.path(),
            "agentlint.toml",
            "ignore = [\"AL203\"]\n[severity]\nAL203 = \"error\"\n",
        );
        write(dir.path(), "src/pkg/a.py", "");
        let config = Config::discover(&dir.path().join("src/pkg")).unwrap();
        assert_eq!(config.file, Some(dir.path().join("agentlint.toml")));
        assert_eq!(
            config.settings.ignore,
            vec![Selector::Prefix("AL203".into())]
        );
        assert_eq!(
            config.settings.severity.get("AL203"),
            Some(&Severity::Error)
        );
        assert_eq!(config.root, dir.path());
    }

    #[test]
    fn pyproject_without_table_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.ruff]\nline-length = 100\n",
        );
        let config = Config::discover(dir.path()).unwrap();
        assert!(config.file.is_none() || config.file != Some(dir.path().join("pyproject.toml")));
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        // The error for a configuration of `text`.
        let refused = |text: &str| {
            write(dir.path(), "agentlint.toml", text);
            format!("{:#}", Config::discover(dir.path()).unwrap_err())
        };
        let err = refused("selct = [\"AL2\"]\n");
        assert!(
            err.contains("agentlint.toml") && err.contains("selct"),
            "{err}"
        );
        let err = refused("select = [\"E501\"]\n");
        assert!(err.contains("unknown rule selector `E501`"), "{err}");
        let err = refused("[severity]\nAL203 = \"fatal\"\n");
        assert!(err.contains("`fatal`"), "{err}");

        // The built-in tables' expressions are not checked when read; a user's still are, on
        // the same thread, after them.
        let _ = agentlint_rules::Knowledge::builtin();
        write(
            dir.path(),
            "rules/extra.toml",
            "[[instruction]]\nid = \"mine\"\nstrength = \"strong\"\nwhat = \"x\"\npattern = '(unclosed'\n",
        );
        let err = refused("extend = [\"rules/extra.toml\"]\n");
        assert!(err.contains("invalid pattern `(unclosed`"), "{err}");
    }

    #[test]
    fn excludes_match_components_and_relative_paths() {
        let root = Path::new("/p");
        let options = Options {
            exclude: Some(vec![
                "tests/fixtures".into(),
                "*.gen.py".into(),
                "legacy/**/old_*.ts".into(),
            ]),
            ..Options::default()
        };
        let config = Config::from_options(root, None, options).unwrap();
        assert!(config.is_excluded(Path::new("/p/tests/fixtures/a/b.py")));
        assert!(config.is_excluded(Path::new("/p/src/x.gen.py")));
        assert!(config.is_excluded(Path::new("/p/legacy/a/b/old_x.ts")));
        assert!(config.is_excluded(Path::new("/p/web/node_modules/x/index.js")));
        assert!(!config.is_excluded(Path::new("/p/tests/test_a.py")));
        assert!(!config.is_excluded(Path::new("/p/src/fixtures.py")));
    }

    #[test]
    fn maintainers_tooling_is_quiet_about_privacy_and_the_app_is_not() {
        for quiet in [
            "auto_eval/evaluator.py",
            "agent_evals/run.py",
            "evals/grader.py",
            "scripts/release.py",
            "bench/run_benchmark.py",
        ] {
            assert!(is_quiet_about_privacy(Path::new(quiet)), "{quiet}");
        }
        for app in [
            "app/evaluator.py",
            "src/retrieval_evaluation.py",
            "server/main.py",
        ] {
            assert!(!is_quiet_about_privacy(Path::new(app)), "{app}");
        }
    }

    #[test]
    fn test_files_leave_out_al100_and_al4xx_unless_configured_otherwise() {
        let root = Path::new("/p");
        let al = |code: &str| agentlint_rules::rules::find(code).unwrap().meta();
        let enabled = |config: &Config, path: &str, code: &str| {
            config.settings_for(Path::new(path)).is_enabled(al(code))
        };
        let defaults = Config::from_options(root, None, Options::default()).unwrap();
        for test in [
            "/p/tests/test_agent.py",
            "/p/pkg/test_tools.py",
            "/p/pkg/tools_test.py",
            "/p/web/__tests__/chat.tsx",
            "/p/web/chat.test.ts",
            "/p/web/chat.spec.js",
            "/p/conftest.py",
            "/p/tests/fixtures/agent.py",
            "/p/src/cassettes/x.py",
            "/p/web/components/Chat.stories.tsx",
            "/p/web/__mocks__/openai.ts",
        ] {
            assert!(!enabled(&defaults, test, "AL401"), "{test}");
            assert!(!enabled(&defaults, test, "AL100"), "{test}");
            // Keys, execution and poisoning are reported in tests too.
            assert!(enabled(&defaults, test, "AL203"), "{test}");
            assert!(enabled(&defaults, test, "AL301"), "{test}");
            assert!(enabled(&defaults, test, "AL110"), "{test}");
        }
        for code in [
            "/p/agent.py",
            "/p/src/testing_utils.py",
            "/p/contest.py",
            "/p/web/stories.tsx",
        ] {
            assert!(enabled(&defaults, code, "AL401"), "{code}");
        }
        // `per-file-ignores` replaces the defaults; `extend-per-file-ignores` adds to them.
        let table = |entries: &[(&str, &[&str])]| {
            Some(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.iter().map(|c| c.to_string()).collect()))
                    .collect::<BTreeMap<String, Vec<String>>>(),
            )
        };
        let replaced = Config::from_options(
            root,
            None,
            Options {
                per_file_ignores: table(&[("scripts/*.py", &["AL203"])]),
                ..Options::default()
            },
        )
        .unwrap();
        assert!(enabled(&replaced, "/p/tests/test_agent.py", "AL401"));
        assert!(!enabled(&replaced, "/p/scripts/run.py", "AL203"));
        assert!(enabled(&replaced, "/p/scripts/sub/run.py", "AL203"));
        let extended = Config::from_options(
            root,
            None,
            Options {
                extend_per_file_ignores: table(&[("notebooks", &["dynamic-code-execution"])]),
                ..Options::default()
            },
        )
        .unwrap();
        assert!(!enabled(&extended, "/p/tests/test_agent.py", "AL401"));
        assert!(!enabled(&extended, "/p/notebooks/demo.py", "AL203"));
        // Errors name the option and the pattern.
        let err = Config::from_options(
            root,
            None,
            Options {
                per_file_ignores: table(&[("tests/**", &["E501"])]),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("per-file-ignores: `tests/**`"),
            "{err:#}"
        );
    }

    #[test]
    fn extend_loads_extra_knowledge_relative_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "rules/extra.toml",
            "[[sink]]\nlanguage = \"python\"\ncall = \"mylib.run\"\neffect = \"code-eval\"\nargument = 0\nruns = \"code\"\nadvice = \"no\"\n",
        );
        write(
            dir.path(),
            "agentlint.toml",
            "extend = [\"rules/extra.toml\"]\n",
        );
        let config = Config::discover(dir.path()).unwrap();
        assert_eq!(
            config
                .knowledge
                .sinks_for(agentlint_rules::syntax::Family::Python, "mylib.run")
                .count(),
            1
        );
    }

    #[test]
    fn sandbox_command_is_recognised_and_offered() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.agentlint.sandbox]\ncommand = [\"/opt/jail/run\", \"--\"]\n",
        );
        let config = Config::discover(dir.path()).unwrap();
        assert_eq!(
            config.knowledge.sandbox_command.as_deref(),
            Some(&["/opt/jail/run".to_string(), "--".to_string()][..])
        );
        assert!(config.knowledge.sandbox_program(&["run", "ls"]).is_some());
        write(dir.path(), "agentlint.toml", "[sandbox]\ncommand = []\n");
        let err = Config::discover(dir.path()).unwrap_err();
        assert!(format!("{err:#}").contains("sandbox.command"), "{err:#}");
    }

    #[test]
    fn examples_demos_and_lessons_are_examples() {
        for example in [
            "examples/chat.py",
            "docs/demo/app.ts",
            "cookbook/rag.ipynb",
            "module-1/studio/agent.py",
            "course/week2/agent.py",
            "lesson3/bot.py",
            "chapter-04/tools.py",
            "search_example.py",
        ] {
            assert!(is_example(Path::new(example)), "{example}");
        }
        for code in [
            "src/agent.py",
            "app/modules/chat.py",
            "src/module-loader.ts",
            "src/exampleless.py",
        ] {
            assert!(!is_example(Path::new(code)), "{code}");
        }
    }

    #[test]
    fn a_root_of_projects_with_no_code_of_its_own_is_a_collection_of_examples() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "README.md", "# Awesome agents\n");
        write(root, "rag/chat_pdf/requirements.txt", "openai\n");
        write(root, "rag/chat_pdf/app.py", "import streamlit\n");
        write(
            root,
            "agents/team/travel/pyproject.toml",
            "[project]\nname = \"t\"\n",
        );
        write(root, "starter/bot/package.json", "{}\n");
        write(root, "starter/web/package.json", "{}\n");
        // An application's monorepo: a server, a web app, a command line, a worker.
        assert!(!is_collection(root), "four projects are not a collection");
        write(root, "voice/call/requirements.txt", "openai\n");
        assert!(is_collection(root));
        let config = Config::discover(root).unwrap();
        assert!(
            config
                .settings_for(&root.join("rag/chat_pdf/app.py"))
                .example_file
        );
        // Deployed as one application from its root.
        write(root, "docker-compose.yml", "services: {}\n");
        assert!(!is_collection(root));
        std::fs::remove_file(root.join("docker-compose.yml")).unwrap();
        // A project of its own (a manifest, or code at its root) is not one.
        write(root, "main.py", "print(1)\n");
        assert!(!is_collection(root));
        std::fs::remove_file(root.join("main.py")).unwrap();
        write(root, "pyproject.toml", "[project]\nname = \"x\"\n");
        assert!(!is_collection(root));
    }
}
