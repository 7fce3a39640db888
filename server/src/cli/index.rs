//! The workspace index for the command line: the summaries of the files checked and of the
//! rest of their projects, so that tools calling helpers of other files get their effects.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use agentlint_rules::facts::FileFacts;
use agentlint_rules::privacy::{Notice, ProjectPrivacy};
use agentlint_rules::summary::normalize;
use agentlint_rules::{FileSummary, Language, Summaries};
use rayon::prelude::*;

use crate::config::Config;
use crate::files;

/// The summaries of the projects' files, by absolute normalized path.
pub struct Index {
    pub cwd: PathBuf,
    summaries: HashMap<PathBuf, Arc<FileSummary>>,
    /// The privacy view of each project root, made the first time a file of it asks.
    privacy: std::sync::Mutex<HashMap<PathBuf, Arc<ProjectPrivacy>>>,
    /// The directories checked: each is a project root.
    pub roots: Vec<PathBuf>,
    /// The files given to [`Index::build`] to keep, as read and parsed for their summaries, until
    /// their analysis takes them: each file is read and parsed once.
    kept: std::sync::Mutex<HashMap<PathBuf, Parsed>>,
    /// Project roots' notices, looked for while the files were parsed (see
    /// [`Index::build_with_notices`]); any other root's is looked for when a file asks.
    notices: HashMap<PathBuf, Option<Notice>>,
}

/// A file's text, syntax tree and facts.
pub struct Parsed {
    pub source: String,
    pub tree: tree_sitter::Tree,
    pub facts: FileFacts,
}

impl Summaries for Index {
    fn summary(&self, path: &Path) -> Option<Arc<FileSummary>> {
        self.summaries
            .get(&normalize(&self.cwd.join(path)))
            .cloned()
    }

    fn privacy(&self, importer: &Path) -> Option<Arc<ProjectPrivacy>> {
        let root = self.root_for(importer);
        let mut cache = self
            .privacy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let view = cache.entry(root.clone()).or_insert_with(|| {
            let notice = match self.notices.get(&root) {
                Some(notice) => notice.clone(),
                None => crate::privacy::find_notice(&root),
            };
            Arc::new(crate::privacy::project_privacy(
                &root,
                notice,
                self.summaries.iter().map(|(k, v)| (k.clone(), v.clone())),
            ))
        });
        Some(view.clone())
    }
}

impl Index {
    /// Summarises the given files and every other analysable file under their projects' roots
    /// (a pre-commit hook passes only the changed files). Unreadable files are left out; the
    /// analysis reports them. The `walked` roots (absolute, normalized) are those whose every
    /// file is among the given ones already. With `keep`, the given files' texts and trees are
    /// kept for [`Index::take`].
    pub fn build<'a>(
        jobs: impl Iterator<Item = (&'a Path, Language, &'a Config)>,
        cwd: &Path,
        walked: &HashSet<PathBuf>,
        keep: bool,
    ) -> Index {
        let mut seen = HashSet::new();
        // Each file, and whether it is one of the given files.
        let mut all: Vec<(PathBuf, Language, &Config, bool)> = Vec::new();
        // The given files first (they are the ones kept), then the rest of their projects.
        let mut roots = HashSet::new();
        let mut projects: Vec<(PathBuf, &Config)> = Vec::new();
        for (path, language, config) in jobs {
            if seen.insert(normalize(&cwd.join(path))) {
                all.push((path.to_path_buf(), language, config, keep));
            }
            let root = normalize(&cwd.join(&config.root));
            if !walked.contains(&root) && roots.insert(root.clone()) {
                projects.push((root, config));
            }
        }
        for (root, config) in projects {
            for file in files::walk(&root, config) {
                if let Some(language) = Language::from_path(&file)
                    && seen.insert(normalize(&cwd.join(&file)))
                {
                    all.push((file, language, config, false));
                }
            }
        }
        let done: Vec<(PathBuf, Arc<FileSummary>, Option<Parsed>)> = all
            .par_iter()
            .filter_map(|(path, language, config, keep)| {
                let source = files::read_source(path).ok()?;
                let tree = agentlint_rules::syntax::parse(&source, *language);
                let facts = FileFacts::extract(&source, &tree, *language);
                let summary = FileSummary::of_parsed(
                    path,
                    &source,
                    &tree,
                    &facts,
                    *language,
                    &config.knowledge,
                );
                let parsed = keep.then_some(Parsed {
                    source,
                    tree,
                    facts,
                });
                Some((normalize(&cwd.join(path)), Arc::new(summary), parsed))
            })
            .collect();
        let mut summaries = HashMap::with_capacity(done.len());
        let mut kept = HashMap::new();
        for (path, summary, parsed) in done {
            if let Some(parsed) = parsed {
                kept.insert(path.clone(), parsed);
            }
            summaries.insert(path, summary);
        }
        Index {
            cwd: cwd.to_path_buf(),
            summaries,
            privacy: std::sync::Mutex::new(HashMap::new()),
            roots: Vec::new(),
            kept: std::sync::Mutex::new(kept),
            notices: HashMap::new(),
        }
    }

    /// [`Index::build`], with the notices of `roots` looked for at the same time (a project
    /// without a notice file is walked for a privacy page: the analysis would otherwise wait for
    /// that walk when its first file asks for the project's privacy view).
    pub fn build_with_notices<'a>(
        jobs: impl Iterator<Item = (&'a Path, Language, &'a Config)> + Send,
        cwd: &Path,
        walked: &HashSet<PathBuf>,
        roots: &[PathBuf],
    ) -> Index {
        let (mut index, notices) = rayon::join(
            || Index::build(jobs, cwd, walked, true),
            || {
                roots
                    .par_iter()
                    .map(|root| {
                        let key = crate::privacy::root_key(root);
                        let notice = crate::privacy::find_notice(&key);
                        (key, notice)
                    })
                    .collect::<HashMap<_, _>>()
            },
        );
        index.notices = notices;
        index.roots = roots.to_vec();
        index
    }

    /// A given file's text and tree as the index read them, once (see [`Index::build`]).
    pub fn take(&self, path: &Path) -> Option<Parsed> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&normalize(&self.cwd.join(path)))
    }

    /// Forgets the privacy views (after `--fix` wrote a notice).
    pub fn forget_privacy(&mut self) {
        self.notices.clear();
        self.privacy
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// The project a file belongs to (see [`crate::privacy::root_for`]).
    pub fn root_for(&self, path: &Path) -> PathBuf {
        crate::privacy::root_for(&self.cwd.join(path), &self.roots)
    }

    /// A file's path as the analysis sees it: absolute, so that imports resolve from the file's
    /// real place whatever the working directory.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }
}
