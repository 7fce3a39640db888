//! Open documents and the last diagnostics published for each.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use agentlint_rules::syntax::{ApplyReport, Document, TextChange, Tree};
use agentlint_rules::{AnalysisCache, Diagnostic, LineIndex, PositionEncoding};
use tower_lsp_server::ls_types::Uri;

/// What a client that pulls diagnostics (`textDocument/diagnostic`) is answered for a version.
pub struct Report {
    pub version: i32,
    /// Keyed by the diagnostics' content ([`result_id`]): a version whose diagnostics are the
    /// last version's gets the same id, and the client is told they are unchanged.
    pub result_id: String,
    pub items: Vec<tower_lsp_server::ls_types::Diagnostic>,
}

/// The id of a report of `items`: a hash of their JSON (the same diagnostics, the same id).
pub fn result_id(items: &[tower_lsp_server::ls_types::Diagnostic]) -> String {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(&serde_json::to_vec(items).unwrap_or_default());
    hasher.write_usize(items.len());
    format!("{:016x}", hasher.finish())
}

/// What was published for one version: the analysis behind the LSP diagnostics (which are a
/// function of it, the version's text and the encoding), kept so that "fix all" can combine
/// fixes without re-analysing.
pub struct Published {
    pub version: i32,
    pub encoding: PositionEncoding,
    pub diagnostics: Vec<Diagnostic>,
    /// The version's text (shared with the analysis cache, which compares the next with it).
    pub source: Arc<String>,
    pub index: LineIndex,
    /// Where the version's secrets are: hover cards mask them.
    pub secrets: Vec<agentlint_rules::secrets::SecretSpan>,
    /// The tools of this version, for hover cards: let go of when a newer version's analysis
    /// starts (see [`DocEntry::release_stale_tools`]).
    tools: Mutex<Arc<Vec<agentlint_rules::agent::Tool>>>,
}

impl Published {
    pub fn new(
        version: i32,
        encoding: PositionEncoding,
        diagnostics: Vec<Diagnostic>,
        source: Arc<String>,
        index: LineIndex,
        tools: Arc<Vec<agentlint_rules::agent::Tool>>,
        secrets: Vec<agentlint_rules::secrets::SecretSpan>,
    ) -> Self {
        Published {
            version,
            encoding,
            diagnostics,
            source,
            index,
            secrets,
            tools: Mutex::new(tools),
        }
    }

    /// The tools of this version (none once a newer version's analysis started).
    pub fn tools(&self) -> Arc<Vec<agentlint_rules::agent::Tool>> {
        lock(&self.tools).clone()
    }
}

struct Current {
    document: Document,
    version: i32,
}

pub struct DocEntry {
    pub uri: Uri,
    pub path: Option<PathBuf>,
    /// A configuration file read for secrets (a plain-text document), not code.
    pub config: Option<agentlint_rules::ConfigKind>,
    current: Mutex<Current>,
    /// The newest version applied; analysis results for any other version are stale.
    latest: AtomicI32,
    closed: AtomicBool,
    /// Held while publishing, so results are published in version order.
    pub publish_lock: tokio::sync::Mutex<()>,
    /// How many analyses have been requested (each request after what it is for: an edit
    /// applied, settings or another file changed). An analysis notes the count before it takes
    /// its snapshot; its result publishes only if no request came after that (a later one saw
    /// newer configuration or other files, even for the same version), and when it ends, another
    /// run is needed only for such requests.
    tickets: std::sync::atomic::AtomicU64,
    published: Mutex<Option<Arc<Published>>>,
    /// The last report for a pulling client, and a signal when a new one is recorded (a pull
    /// waits for the current version's).
    report: Mutex<Option<Arc<Report>>>,
    pub reported: tokio::sync::Notify,
    /// Facts of the statements of the last analysed version, reused for unchanged ones.
    facts_cache: Mutex<AnalysisCache>,
    /// An analysis of this document is running.
    running: AtomicBool,
    /// Another analysis was requested while one ran.
    pending: AtomicBool,
    /// The last analysis's parse was given up (`syntax::ParseBudget`): its warning is logged
    /// once, not on every keystroke, until the document parses again.
    pub not_parsed: AtomicBool,
}

/// Locks a mutex, recovering the data if a panic poisoned it (the data is still consistent: every
/// critical section either completes its update or does not start it).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl DocEntry {
    pub fn new(uri: Uri, path: Option<PathBuf>, document: Document, version: i32) -> Self {
        Self {
            uri,
            path,
            config: None,
            current: Mutex::new(Current { document, version }),
            latest: AtomicI32::new(version),
            closed: AtomicBool::new(false),
            publish_lock: tokio::sync::Mutex::new(()),
            tickets: std::sync::atomic::AtomicU64::new(0),
            published: Mutex::new(None),
            report: Mutex::new(None),
            reported: tokio::sync::Notify::new(),
            facts_cache: Mutex::new(AnalysisCache::default()),
            running: AtomicBool::new(false),
            pending: AtomicBool::new(false),
            not_parsed: AtomicBool::new(false),
        }
    }

    /// Starts an analysis, unless one is running: then it is remembered as pending (the caller
    /// does nothing; [`DocEntry::end_analysis`] asks for the run). Whether to start now.
    pub fn begin_analysis(&self) -> bool {
        if self.running.swap(true, Ordering::SeqCst) {
            self.pending.store(true, Ordering::SeqCst);
            // The run may have ended between the two steps: then nobody would start it.
            if !self.running.swap(true, Ordering::SeqCst) {
                self.pending.store(false, Ordering::SeqCst);
                return true;
            }
            return false;
        }
        true
    }

    /// Ends an analysis that saw the requests up to `covered` ([`DocEntry::requests`] before its
    /// snapshot); whether another run is needed: one was requested meanwhile, after the snapshot
    /// (the caller starts it). A burst of edits all applied before the snapshot needs no second
    /// run.
    pub fn end_analysis(&self, covered: u64) -> bool {
        self.running.store(false, Ordering::SeqCst);
        let pending = self.pending.swap(false, Ordering::SeqCst);
        pending && !self.is_closed() && self.requests() != covered
    }

    /// The same entry for a configuration file of `kind`.
    pub fn with_config(mut self, kind: agentlint_rules::ConfigKind) -> Self {
        self.config = Some(kind);
        self
    }

    /// Records a request for analysis (after what it is for has been applied).
    pub fn request(&self) {
        self.tickets.fetch_add(1, Ordering::SeqCst);
    }

    /// How many analyses have been requested so far.
    pub fn requests(&self) -> u64 {
        self.tickets.load(Ordering::SeqCst)
    }

    pub fn latest(&self) -> i32 {
        self.latest.load(Ordering::SeqCst)
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::SeqCst)
    }

    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// The current document and version (cheap: the rope and tree are shared), unless closed.
    pub fn snapshot(&self) -> Option<(Document, i32)> {
        if self.is_closed() {
            return None;
        }
        let current = lock(&self.current);
        Some((current.document.clone(), current.version))
    }

    /// Applies a `didChange`. Versions must increase; an older or repeated version is refused.
    pub fn apply(
        &self,
        version: i32,
        changes: &[TextChange],
        encoding: PositionEncoding,
    ) -> Result<ApplyReport, String> {
        let mut current = lock(&self.current);
        if version <= current.version {
            return Err(format!(
                "change to version {version} ignored: the document is already at version {}",
                current.version
            ));
        }
        // Edit only: parsing happens on a worker, once per analysed version (see `parsed`).
        let mut document = current.document.clone();
        let report =
            catch_unwind(AssertUnwindSafe(|| document.edit(changes, encoding))).map_err(|_| {
                format!("internal error applying the change to version {version}; change ignored")
            })?;
        current.document = document;
        current.version = version;
        self.latest.store(version, Ordering::SeqCst);
        Ok(report)
    }

    /// Runs `f` with the document's facts cache (analyses of one document take turns).
    pub fn with_cache<R>(&self, f: impl FnOnce(&mut AnalysisCache) -> R) -> R {
        f(&mut lock(&self.facts_cache))
    }

    /// The syntax tree of `document` (a snapshot of `version`), parsing it if needed, and keeping
    /// the parse for the next incremental reparse if the document is still at that version.
    pub fn parsed(&self, document: &Document, version: i32) -> Tree {
        if let Some(tree) = document.tree() {
            return tree.clone();
        }
        let tree = document.parse_tree();
        let mut current = lock(&self.current);
        if current.version == version {
            current.document.set_tree(tree.clone());
        }
        tree
    }

    pub fn set_published(&self, published: Published) {
        drop(self.replace_published(published));
    }

    /// [`DocEntry::set_published`], returning what it replaces (for the caller to free later).
    pub fn replace_published(&self, published: Published) -> Option<Arc<Published>> {
        lock(&self.published).replace(Arc::new(published))
    }

    /// Lets go of the published tools unless they are `version`'s. Only the current version's
    /// are ever shown (see [`DocEntry::published_current`]), and the analysis cache moves a
    /// version's tools to the next in place only when it holds them alone; otherwise it copies
    /// them, a tenth of a keystroke on a file of a few hundred tools.
    pub fn release_stale_tools(&self, version: i32) {
        let published = lock(&self.published).clone();
        if let Some(published) = published
            && published.version != version
        {
            drop(std::mem::take(&mut *lock(&published.tools)));
        }
    }

    /// Records the report of a version for pulling clients, waking the pulls that wait for it;
    /// the report it replaces.
    pub fn set_report(&self, report: Report) -> Option<Arc<Report>> {
        let previous = lock(&self.report).replace(Arc::new(report));
        self.reported.notify_waiters();
        previous
    }

    /// The last report, if it is for the current version.
    pub fn report_current(&self) -> Option<Arc<Report>> {
        let report = lock(&self.report).clone()?;
        (report.version == self.latest()).then_some(report)
    }

    /// What was last published, if it is for the current version.
    pub fn published_current(&self) -> Option<Arc<Published>> {
        let published = lock(&self.published).clone()?;
        (published.version == self.latest()).then_some(published)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use agentlint_rules::Language;

    use super::*;

    #[test]
    fn a_run_answers_the_requests_made_before_its_snapshot() {
        let uri = Uri::from_str("file:///agent.py").expect("a valid URI");
        let entry = DocEntry::new(uri, None, Document::new("", Language::Python), 1);
        // A request starts a run; three more while it runs (a burst) only mark it pending.
        entry.request();
        assert!(entry.begin_analysis());
        for _ in 0..3 {
            entry.request();
            assert!(!entry.begin_analysis());
        }
        // All four before the run's snapshot: it answers them, and none needs another run.
        let covered = entry.requests();
        assert!(!entry.end_analysis(covered));
        // A request after the snapshot needs another run.
        entry.request();
        assert!(entry.begin_analysis());
        let covered = entry.requests();
        entry.request();
        assert!(!entry.begin_analysis());
        assert!(entry.end_analysis(covered));
        // No request meanwhile: nothing to run, whatever was covered.
        assert!(entry.begin_analysis());
        assert!(!entry.end_analysis(0));
        // A closed document is not analysed again.
        assert!(entry.begin_analysis());
        let covered = entry.requests();
        entry.request();
        assert!(!entry.begin_analysis());
        entry.close();
        assert!(!entry.end_analysis(covered));
    }

    #[test]
    fn a_newer_versions_analysis_lets_go_of_the_published_tools() {
        let uri = Uri::from_str("file:///agent.py").expect("a valid URI");
        let entry = DocEntry::new(uri, None, Document::new("", Language::Python), 1);
        let tools = Arc::new(Vec::new());
        entry.set_published(Published::new(
            1,
            PositionEncoding::Utf16,
            Vec::new(),
            Arc::default(),
            LineIndex::new(""),
            tools.clone(),
            Vec::new(),
        ));
        // The same version analysed again (another file changed): hover may still show them.
        entry.release_stale_tools(1);
        assert_eq!(Arc::strong_count(&tools), 2);
        // A newer version: only the cache holds them now, and moves them without a copy.
        entry.release_stale_tools(2);
        assert_eq!(Arc::strong_count(&tools), 1);
        assert!(
            lock(&entry.published)
                .as_ref()
                .expect("published")
                .tools()
                .is_empty()
        );
    }
}
