//! The server's view of the workspace: roots and their configuration, editor settings, and the
//! index of per-file summaries that cross-file facts come from.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};

use agentlint_rules::summary::normalize;
use agentlint_rules::{FileSummary, Knowledge, Language, Settings, Summaries};
use dashmap::DashMap;
use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{Config, Options, parse_selectors, settings_from};
use crate::files;

/// Settings an editor sends (initializationOptions, didChangeConfiguration), camelCase.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct EditorSettings {
    /// `false` turns diagnostics off.
    pub enable: Option<bool>,
    /// Replaces the project's `select` when set and non-empty.
    pub select: Option<Vec<String>>,
    /// Added to the project's `ignore`.
    pub ignore: Option<Vec<String>>,
    /// Per-rule severity overrides; win over the project's.
    pub severity: Option<BTreeMap<String, String>>,
}

impl EditorSettings {
    /// Reads settings from whatever shape a client sends: the settings object itself, or wrapped
    /// in `{"agentlint": {...}}` or `{"settings": {...}}`.
    pub fn from_json(value: &serde_json::Value) -> Result<EditorSettings, String> {
        let inner = value
            .get("agentlint")
            .or_else(|| value.get("settings"))
            .unwrap_or(value);
        if inner.is_null() {
            return Ok(EditorSettings::default());
        }
        EditorSettings::deserialize(inner).map_err(|e| format!("invalid agentlint settings: {e}"))
    }

    /// Applies these settings on top of a project's.
    pub fn apply(&self, base: &Settings) -> Result<Settings, String> {
        let mut settings = base.clone();
        if let Some(select) = self.select.as_ref().filter(|s| !s.is_empty()) {
            settings.select =
                parse_selectors(select).map_err(|e| format!("agentlint.select: {e}"))?;
        }
        if let Some(ignore) = &self.ignore {
            settings
                .ignore
                .extend(parse_selectors(ignore).map_err(|e| format!("agentlint.ignore: {e}"))?);
        }
        if let Some(severity) = &self.severity {
            let overrides = settings_from(&Options {
                severity: Some(severity.clone()),
                ..Options::default()
            })
            .map_err(|e| format!("agentlint.severity: {e:#}"))?;
            settings.severity.extend(overrides.severity);
        }
        Ok(settings)
    }
}

/// What analysis of one file needs from the workspace.
pub struct Resolved {
    pub settings: Settings,
    pub knowledge: Arc<Knowledge>,
    pub excluded: bool,
    pub enabled: bool,
}

/// The summaries of the workspace's files by normalized path: what cross-file facts come from.
#[derive(Default)]
pub struct Index {
    summaries: DashMap<PathBuf, Arc<FileSummary>>,
    /// Each project root's privacy notice, read from disk once (forgotten when a file that may
    /// be a notice changes).
    notices: DashMap<PathBuf, crate::privacy::Notices>,
    /// The workspace folders: each is a project root.
    roots: RwLock<Vec<PathBuf>>,
    /// Counts the changes to the summaries and notices: a privacy view made at an older count
    /// is made again.
    generation: std::sync::atomic::AtomicU64,
    /// Each project's privacy view, with the count it was made at. An open document asks for
    /// it on every keystroke that sends data to a provider; making it reads every summary of
    /// the workspace (10,000 of them in a large one).
    privacy: DashMap<PathBuf, (u64, Arc<agentlint_rules::privacy::ProjectPrivacy>)>,
    /// Each file's project root (found outside the workspace folders by looking for `.git` and
    /// other markers on disk: not on every keystroke). Forgotten when the folders change.
    project_roots: DashMap<PathBuf, PathBuf>,
}

impl Summaries for Index {
    fn summary(&self, path: &Path) -> Option<Arc<FileSummary>> {
        self.summaries.get(path).map(|s| s.value().clone())
    }

    /// Every change to a summary counts (see [`Index::update`] and [`Index::remove`]).
    fn generation(&self) -> Option<u64> {
        Some(self.generation.load(Ordering::SeqCst))
    }

    fn privacy(&self, importer: &Path) -> Option<Arc<agentlint_rules::privacy::ProjectPrivacy>> {
        let root = self.root_for(importer);
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some(cached) = self
            .privacy
            .get(&root)
            .filter(|c| c.0 == generation)
            .map(|c| c.1.clone())
        {
            return Some(cached);
        }
        let notice = self
            .notices
            .entry(root.clone())
            .or_insert_with(|| crate::privacy::find_notices(&root, None))
            .clone();
        let summaries = self
            .summaries
            .iter()
            .map(|e| (e.key().clone(), e.value().clone()));
        let view = Arc::new(crate::privacy::project_privacy(&root, notice, summaries));
        self.privacy.insert(root, (generation, view.clone()));
        Some(view)
    }
}

impl Index {
    /// Stores a file's summary; whether it differs from the one stored before.
    pub fn update(&self, summary: FileSummary) -> bool {
        let key = normalize(&summary.path);
        if self.summaries.get(&key).is_some_and(|old| **old == summary) {
            return false;
        }
        self.summaries.insert(key, Arc::new(summary));
        self.changed();
        true
    }

    /// Something a privacy view is made from changed.
    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The project a file belongs to (see [`crate::privacy::root_for`]).
    pub fn root_for(&self, path: &Path) -> PathBuf {
        if let Some(root) = self.project_roots.get(path) {
            return root.clone();
        }
        let roots = self.roots.read().map(|r| r.clone()).unwrap_or_default();
        let root = crate::privacy::root_for(path, &roots);
        self.project_roots.insert(path.to_path_buf(), root.clone());
        root
    }

    /// Sets the workspace folders (each a project root).
    pub fn set_roots(&self, roots: &[PathBuf]) {
        if let Ok(mut r) = self.roots.write() {
            *r = roots.to_vec();
        }
        self.project_roots.clear();
        self.forget_notices();
    }

    /// Forgets the notices read so far (a file that may be one changed).
    pub fn forget_notices(&self) {
        self.notices.clear();
        self.changed();
    }

    /// Forgets a file; whether it was there.
    pub fn remove(&self, path: &Path) -> bool {
        let removed = self.summaries.remove(&normalize(path)).is_some();
        if removed {
            self.changed();
        }
        removed
    }

    pub fn len(&self) -> usize {
        self.summaries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty()
    }
}

#[derive(Default)]
pub struct Workspace {
    roots: RwLock<Vec<PathBuf>>,
    /// Configuration per root (and per directory of files outside every root).
    configs: RwLock<HashMap<PathBuf, Arc<Config>>>,
    editor: RwLock<EditorSettings>,
    /// Per-file summaries of every analysable file in the workspace.
    pub index: Index,
}

/// Problems found while resolving configuration, for the client's log.
pub type Warnings = Vec<String>;

impl Workspace {
    pub fn set_roots(&self, roots: Vec<PathBuf>) {
        self.index.set_roots(&roots);
        if let Ok(mut r) = self.roots.write() {
            *r = roots;
        }
        self.reload_configs();
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.read().map(|r| r.clone()).unwrap_or_default()
    }

    /// Takes new editor settings if they are valid; otherwise keeps the current ones and says
    /// why (once, here, rather than on every analysis).
    pub fn set_editor_settings(&self, settings: EditorSettings) -> Result<(), String> {
        settings.apply(&Settings::default())?;
        if let Ok(mut e) = self.editor.write() {
            *e = settings;
        }
        Ok(())
    }

    /// Forgets loaded configuration; it is read again when next needed.
    pub fn reload_configs(&self) {
        if let Ok(mut c) = self.configs.write() {
            c.clear();
        }
    }

    /// The root a path belongs to: the deepest workspace root containing it, or its directory.
    fn root_of(&self, path: &Path) -> PathBuf {
        let roots = self.roots();
        roots
            .iter()
            .filter(|r| path.starts_with(r))
            .max_by_key(|r| r.components().count())
            .cloned()
            .unwrap_or_else(|| path.parent().unwrap_or(path).to_path_buf())
    }

    /// The configuration for a root, loading it on first use. An invalid file falls back to the
    /// defaults and says why.
    pub fn config_for_root(&self, root: &Path, warnings: &mut Warnings) -> Arc<Config> {
        if let Some(config) = self.configs.read().ok().and_then(|c| c.get(root).cloned()) {
            return config;
        }
        let config = Arc::new(Config::discover(root).unwrap_or_else(|e| {
            warnings.push(format!("{e:#}; using the default configuration"));
            Config::default_for(root)
        }));
        if let Ok(mut c) = self.configs.write() {
            c.insert(root.to_path_buf(), config.clone());
        }
        config
    }

    /// Settings and knowledge for a document.
    pub fn resolve(&self, path: Option<&Path>, warnings: &mut Warnings) -> Resolved {
        let editor = self.editor.read().map(|e| e.clone()).unwrap_or_default();
        let (settings, knowledge, excluded) = match path {
            Some(path) => {
                let config = self.config_for_root(&self.root_of(path), warnings);
                (
                    config.settings_for(path).into_owned(),
                    config.knowledge.clone(),
                    config.is_excluded(path),
                )
            }
            None => (
                Settings::default(),
                Arc::new(Knowledge::builtin().clone()),
                false,
            ),
        };
        // Editor settings were validated when they arrived.
        let settings = editor.apply(&settings).unwrap_or(settings);
        Resolved {
            settings,
            knowledge,
            excluded,
            enabled: editor.enable != Some(false),
        }
    }

    /// Every analysable file under the roots.
    pub fn files(&self, warnings: &mut Warnings) -> Vec<PathBuf> {
        let mut all = Vec::new();
        for root in self.roots() {
            let config = self.config_for_root(&root, warnings);
            // Code only: configuration files have no functions to summarise.
            all.extend(
                files::walk(&root, &config)
                    .into_iter()
                    .filter(|p| Language::from_path(p).is_some()),
            );
        }
        all.sort();
        all.dedup();
        all
    }

    /// Summarises `paths` in parallel into the index, calling `progress(done)` now and then.
    /// Files that cannot be read are left out of the index and named in the returned list.
    pub fn index_files(&self, paths: &[PathBuf], progress: &(dyn Fn(usize) + Sync)) -> Vec<String> {
        let done = std::sync::atomic::AtomicUsize::new(0);
        let step = (paths.len() / 20).max(1);
        paths
            .par_iter()
            .filter_map(|path| {
                let result = self.index_file(path);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(step) {
                    progress(n);
                }
                result.err()
            })
            .collect()
    }

    /// (Re)summarises one file from disk; removes it from the index when it is gone. Says
    /// whether the index changed.
    pub fn index_file(&self, path: &Path) -> Result<bool, String> {
        let Some(language) = Language::from_path(path) else {
            return Ok(false);
        };
        if !path.exists() {
            return Ok(self.index.remove(path));
        }
        let mut warnings = Vec::new();
        let knowledge = self.resolve(Some(path), &mut warnings).knowledge;
        match files::read_source(path) {
            Ok(source) => {
                let summary = FileSummary::of_source(path, &source, language, &knowledge);
                Ok(self.index.update(summary))
            }
            Err(problem) => {
                self.index.remove(path);
                Err(format!("{}: {problem}", path.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn editor_settings_in_any_wrapper() {
        let direct = EditorSettings::from_json(&json!({"ignore": ["AL203"]})).unwrap();
        let wrapped =
            EditorSettings::from_json(&json!({"agentlint": {"ignore": ["AL203"]}})).unwrap();
        assert_eq!(direct, wrapped);
        assert_eq!(
            EditorSettings::from_json(&json!(null)).unwrap(),
            EditorSettings::default()
        );
        assert!(EditorSettings::from_json(&json!({"ignore": 3})).is_err());
    }

    #[test]
    fn editor_settings_layer_over_project_settings() {
        let editor = EditorSettings {
            ignore: Some(vec!["AL203".into()]),
            severity: Some(BTreeMap::from([("AL201".to_string(), "error".to_string())])),
            ..EditorSettings::default()
        };
        let settings = editor.apply(&Settings::default()).unwrap();
        assert_eq!(settings.ignore.len(), 1);
        assert_eq!(
            settings.severity.get("AL201"),
            Some(&agentlint_rules::Severity::Error)
        );
        let bad = EditorSettings {
            select: Some(vec!["nope".into()]),
            ..EditorSettings::default()
        };
        assert!(
            bad.apply(&Settings::default())
                .unwrap_err()
                .contains("nope")
        );
    }

    #[test]
    fn index_summarises_and_forgets_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tool.py");
        std::fs::write(&file, "def run(code):\n    return eval(code)\n").unwrap();
        let workspace = Workspace::default();
        workspace.set_roots(vec![dir.path().to_path_buf()]);
        let files = workspace.files(&mut Vec::new());
        assert_eq!(files, vec![file.clone()]);
        assert!(workspace.index_files(&files, &|_| {}).is_empty());
        assert_eq!(
            workspace.index.summary(&file).unwrap().functions[0].name,
            "run"
        );
        std::fs::remove_file(&file).unwrap();
        workspace.index_file(&file).unwrap();
        assert!(workspace.index.is_empty());
    }

    #[test]
    fn the_privacy_view_is_kept_until_a_summary_or_notice_changes() {
        let dir = tempfile::tempdir().unwrap();
        let sends = "from openai import OpenAI\n\ndef ask(q):\n    return OpenAI().responses.create(input=q)\n";
        let (a, b) = (dir.path().join("a.py"), dir.path().join("b.py"));
        std::fs::write(&a, sends).unwrap();
        std::fs::write(&b, "def nothing():\n    return 1\n").unwrap();
        let workspace = Workspace::default();
        workspace.set_roots(vec![dir.path().to_path_buf()]);
        let files = workspace.files(&mut Vec::new());
        assert!(workspace.index_files(&files, &|_| {}).is_empty());
        let index = &workspace.index;
        let first = index.privacy(&a).unwrap();
        assert_eq!(first.flows.len(), 1);
        assert!(Arc::ptr_eq(&first, &index.privacy(&b).unwrap()));
        // Another file starts sending: the view is made again.
        std::fs::write(&b, sends).unwrap();
        workspace.index_file(&b).unwrap();
        let second = index.privacy(&a).unwrap();
        assert_eq!(second.flows.len(), 2);
        // A notice appears (its file changed): read again.
        assert!(second.notice.is_none());
        std::fs::write(
            dir.path().join("PRIVACY.md"),
            "# Privacy\n\nWe send prompts to OpenAI.\n",
        )
        .unwrap();
        index.forget_notices();
        assert!(index.privacy(&a).unwrap().notice.is_some());
    }
}
