//! The workspace index for the command line: the summaries of the files checked and of the
//! rest of their projects, so that tools calling helpers of other files get their effects.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use agentlint_rules::privacy::ProjectPrivacy;
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
            Arc::new(crate::privacy::project_privacy(
                &root,
                crate::privacy::find_notice(&root),
                self.summaries.iter().map(|(k, v)| (k.clone(), v.clone())),
            ))
        });
        Some(view.clone())
    }
}

impl Index {
    /// Summarises the given files and every other analysable file under their projects' roots
    /// (a pre-commit hook passes only the changed files). Unreadable files are left out; the
    /// analysis reports them.
    pub fn build<'a>(
        jobs: impl Iterator<Item = (&'a Path, Language, &'a Config)>,
        cwd: &Path,
    ) -> Index {
        let mut seen = HashSet::new();
        let mut all: Vec<(PathBuf, Language, &Config)> = Vec::new();
        let mut roots = HashSet::new();
        for (path, language, config) in jobs {
            if seen.insert(normalize(&cwd.join(path))) {
                all.push((path.to_path_buf(), language, config));
            }
            let root = normalize(&cwd.join(&config.root));
            if roots.insert(root.clone()) {
                for file in files::walk(&root, config) {
                    if let Some(language) = Language::from_path(&file)
                        && seen.insert(normalize(&cwd.join(&file)))
                    {
                        all.push((file, language, config));
                    }
                }
            }
        }
        let summaries = all
            .par_iter()
            .filter_map(|(path, language, config)| {
                let source = files::read_source(path).ok()?;
                let summary = FileSummary::of_source(path, &source, *language, &config.knowledge);
                Some((normalize(&cwd.join(path)), Arc::new(summary)))
            })
            .collect();
        Index {
            cwd: cwd.to_path_buf(),
            summaries,
            privacy: std::sync::Mutex::new(HashMap::new()),
            roots: Vec::new(),
        }
    }

    /// Forgets the privacy views (after `--fix` wrote a notice).
    pub fn forget_privacy(&self) {
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
