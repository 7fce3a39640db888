//! The language server. The only module that knows LSP types.
//!
//! Invariants:
//! - A change is applied to the document synchronously in its handler, before any `.await`
//!   (tower-lsp-server runs handlers concurrently; the next change must see this one).
//! - Analysis runs on the blocking pool, never on the protocol tasks. A result is published only if
//!   its version is still the document's latest; older results are dropped.
//! - Nothing a client sends can panic the server: bad positions are clamped and logged, unknown
//!   documents and stale versions are logged and ignored, and analysis runs under `catch_unwind`.

mod actions;
mod convert;
mod documents;
mod transport;
pub mod workspace;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use agentlint_rules::facts::FileFacts;
use agentlint_rules::syntax::{Document, TextChange, check_input};
use agentlint_rules::{
    Language, LineIndex, PARSE_STAGE, Position, PositionEncoding, SourceFile, analyse_cached,
};
use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use self::convert::{Conversion, Text, encoding_kind};
use self::documents::{DocEntry, Published, Report};
use self::workspace::{EditorSettings, Workspace};

/// The code action kind of "fix all safe problems".
pub const FIX_ALL_KIND: &str = "source.fixAll.agentlint";

/// Marks a step of a message's way through the server, for measuring where a keystroke's time
/// goes: `AGENTLINT_LOG=agentlint::latency=trace` logs each with a timestamp (see BENCHMARKS.md).
/// Off, it costs one check of the log level.
macro_rules! step {
    ($what:literal) => {
        tracing::trace!(target: "agentlint::latency", $what)
    };
}
pub(crate) use step;

/// Serves LSP over stdin/stdout until the client exits.
pub async fn run_stdio() {
    let transport::Guarded { input, output } =
        match transport::guard(std::io::stdin(), std::io::stdout()) {
            Ok(guarded) => guarded,
            Err(e) => {
                eprintln!("error: cannot start the server's input and output threads: {e}");
                return;
            }
        };
    let flush = output.flusher();
    let notifier = output.notifier();
    let (service, socket) = LspService::new(|client| Backend::new(client, notifier));
    Server::new(input, output, socket).serve(service).await;
    // The server has stopped; let the last messages reach the editor.
    let _ =
        tokio::task::spawn_blocking(move || flush.wait(std::time::Duration::from_secs(2))).await;
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

struct State {
    encoding: RwLock<PositionEncoding>,
    documents: dashmap::DashMap<Uri, Arc<DocEntry>>,
    /// Open documents agentlint does not analyse (other languages, too large, binary): their
    /// changes are ignored quietly.
    ignored: dashmap::DashSet<Uri>,
    workspace: Workspace,
    supports_progress: std::sync::atomic::AtomicBool,
    supports_watch_registration: std::sync::atomic::AtomicBool,
    /// The client applies `CreateFile` in workspace edits (a fix creating `.env.example`).
    supports_create: std::sync::atomic::AtomicBool,
    /// The client shows a diagnostic's related information (where a finding's why and how go;
    /// without it, they are part of the message).
    supports_related: std::sync::atomic::AtomicBool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): none are pushed.
    pull: std::sync::atomic::AtomicBool,
    /// The client accepts `workspace/diagnostic/refresh` (pull again: another file changed
    /// what a document's analysis finds).
    supports_refresh: std::sync::atomic::AtomicBool,
    /// Diagnostics go to the editor through this, not the tower-lsp client: see
    /// [`transport::Notifier`].
    notifier: transport::Notifier,
}

impl State {
    /// Publishes a document's diagnostics, writing them on this thread when it may block (a
    /// blocking-pool thread), else queued. Callers hold the document's `publish_lock`.
    fn publish(
        &self,
        uri: &Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
        may_block: bool,
    ) {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        };
        let method = "textDocument/publishDiagnostics";
        if may_block {
            self.notifier.notify_now(method, &params);
        } else {
            self.notifier.notify(method, &params);
        }
    }
}

impl Backend {
    pub fn new(client: Client, notifier: transport::Notifier) -> Self {
        Self {
            client,
            state: Arc::new(State {
                encoding: RwLock::new(PositionEncoding::Utf16),
                documents: dashmap::DashMap::new(),
                ignored: dashmap::DashSet::new(),
                workspace: Workspace::default(),
                supports_progress: false.into(),
                supports_watch_registration: false.into(),
                supports_create: false.into(),
                supports_related: false.into(),
                pull: false.into(),
                supports_refresh: false.into(),
                notifier,
            }),
        }
    }

    fn encoding(&self) -> PositionEncoding {
        self.state.encoding.read().map(|e| *e).unwrap_or_default()
    }

    async fn log(&self, typ: MessageType, message: impl std::fmt::Display) {
        self.client.log_message(typ, message).await;
    }

    async fn log_all(&self, typ: MessageType, messages: Vec<String>) {
        for message in messages {
            self.log(typ, message).await;
        }
    }

    /// Analyses the document's current version off the protocol thread and publishes the result
    /// if it is still current when done.
    fn schedule(&self, entry: Arc<DocEntry>) {
        schedule_entry(&self.client, &self.state, entry, self.encoding());
    }

    fn reanalyse_all(&self) {
        let entries: Vec<_> = self
            .state
            .documents
            .iter()
            .map(|e| e.value().clone())
            .collect();
        for entry in entries {
            self.schedule(entry);
        }
    }

    /// Indexes the workspace in the background, reporting `$/progress` when the client allows.
    fn start_indexing(&self) {
        let client = self.client.clone();
        let state = self.state.clone();
        let encoding = self.encoding();
        tokio::spawn(async move {
            let started = Instant::now();
            let token = NumberOrString::String("agentlint/index".to_string());
            let progress = if state.supports_progress.load(Ordering::Relaxed)
                && client
                    .create_work_done_progress(token.clone())
                    .await
                    .is_ok()
            {
                Some(
                    client
                        .progress(token, "agentlint: indexing")
                        .with_percentage(0)
                        .begin()
                        .await,
                )
            } else {
                None
            };
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
            let scan_state = state.clone();
            let scan = tokio::task::spawn_blocking(move || {
                let mut warnings = Vec::new();
                let files = scan_state.workspace.files(&mut warnings);
                let total = files.len();
                let _ = tx.send((0, total));
                let problems = scan_state.workspace.index_files(&files, &|done| {
                    let _ = tx.send((done, total));
                });
                warnings.extend(problems);
                (total, warnings)
            });
            while let Some((done, total)) = rx.recv().await {
                if let Some(progress) = &progress {
                    let percent = (done * 100).checked_div(total).map_or(100, |p| p as u32);
                    progress
                        .report_with_message(format!("{done}/{total} files"), percent)
                        .await;
                }
            }
            let (total, warnings) = scan
                .await
                .unwrap_or_else(|e| (0, vec![format!("indexing failed: {e}")]));
            for warning in warnings {
                client.log_message(MessageType::WARNING, warning).await;
            }
            let message = format!(
                "indexed {total} files in {} ms",
                started.elapsed().as_millis()
            );
            if let Some(progress) = progress {
                progress.finish_with_message(message.clone()).await;
            }
            client
                .log_message(MessageType::INFO, format!("agentlint: {message}"))
                .await;
            // Open documents were analysed before other files' summaries were known.
            let open: Vec<Arc<DocEntry>> =
                state.documents.iter().map(|e| e.value().clone()).collect();
            for entry in open {
                schedule_entry(&client, &state, entry, encoding);
            }
        });
    }
}

/// Asks the client to watch the files agentlint reads. Run as a task of its own, never awaited by
/// a protocol handler: a client may never answer (one that shuts down right after `initialize`),
/// and a handler still waiting would keep the server from exiting on `exit`.
async fn register_watchers(client: Client, state: Arc<State>) {
    if !state.supports_watch_registration.load(Ordering::Relaxed) {
        return;
    }
    let patterns = [
        "**/*.{py,pyi,ts,mts,cts,tsx,js,mjs,cjs,jsx}",
        "**/agentlint.toml",
        "**/.agentlint.toml",
        "**/pyproject.toml",
        "**/.gitignore",
        // A privacy notice (AL401/AL402): PRIVACY.md, docs/privacy*, a README section.
        "**/*{privacy,PRIVACY,Privacy}*",
        "**/*{privacy,PRIVACY,Privacy}*/**",
        "**/{README,readme,Readme}*",
    ];
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: patterns
            .iter()
            .map(|p| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*p).to_string()),
                kind: None,
            })
            .collect(),
    };
    let registration = Registration {
        id: "agentlint-watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(e) = client.register_capability(vec![registration]).await {
        client
            .log_message(
                MessageType::WARNING,
                format!("agentlint: could not watch files: {e}"),
            )
            .await;
    }
}

/// Analyses a document's current version off the protocol thread and publishes the result if it
/// is still current when done.
fn schedule_entry(
    client: &Client,
    state: &Arc<State>,
    entry: Arc<DocEntry>,
    encoding: PositionEncoding,
) {
    let client = client.clone();
    let state = state.clone();
    entry.request();
    // One analysis per document at a time: while one runs, later requests coalesce into one
    // more run when it ends, if they came after its snapshot (a burst of keystrokes costs one or
    // two analyses, not one per keystroke).
    if !entry.begin_analysis() {
        return;
    }
    // The analysis and the publishing run on one blocking thread: no hand-off to an async task
    // in between (each hand-off between threads costs tens of microseconds per keystroke).
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        step!("analysis start");
        // The requests this analysis answers: those made before its snapshot.
        let covered = entry.requests();
        let result = catch_unwind(AssertUnwindSafe(|| analyse_entry(&state, &entry, encoding)));
        step!("analysis end");
        // Whatever happens below, the next requested analysis may start now.
        if entry.end_analysis(covered) {
            schedule_entry(&client, &state, entry.clone(), encoding);
        }
        runtime.block_on(publish(client, state, entry, covered, encoding, result));
    });
}

/// An analysis's result: what to record, the diagnostics to publish, and messages to log.
type Outcome = (Published, Vec<Diagnostic>, Vec<String>);

/// Publishes an analysis result unless a newer one supersedes it, then updates the document's
/// summary once it rests.
async fn publish(
    client: Client,
    state: Arc<State>,
    entry: Arc<DocEntry>,
    covered: u64,
    encoding: PositionEncoding,
    result: std::thread::Result<Option<Outcome>>,
) {
    let (published, diagnostics, messages) = match result {
        Ok(Some(outcome)) => outcome,
        Ok(None) => return, // stale or closed before it started
        Err(_) => {
            client
                .log_message(
                    MessageType::ERROR,
                    format!(
                        "agentlint: internal error analysing {}; please report this",
                        entry.uri.as_str()
                    ),
                )
                .await;
            return;
        }
    };
    for message in messages {
        client.log_message(MessageType::WARNING, message).await;
    }
    // Serialise publishing per document so an older result can never land after a newer.
    let guard = entry.publish_lock.lock().await;
    // A newer version, or a request after this analysis's snapshot (a configuration or
    // workspace change: a newer analysis of this version), supersedes this result.
    if entry.is_closed() || entry.latest() != published.version || entry.requests() != covered {
        return;
    }
    // A re-analysis (another file changed, indexing finished) that finds the same: the
    // editor already shows it.
    let unchanged = entry.published_current().is_some_and(|p| {
        p.version == published.version
            && p.encoding == published.encoding
            && p.diagnostics == published.diagnostics
    });
    if unchanged {
        entry.set_published(published);
        return;
    }
    // Recorded before the client hears of it: a hover or code action it sends on receiving
    // the diagnostics must find them. The previous version's record is freed after (freeing
    // its text and tools is a tenth of a millisecond on a large file).
    let version = published.version;
    let previous = entry.replace_published(published);
    if state.pull.load(Ordering::Relaxed) {
        // The pull that waits for this version is answered; a client that shows this version
        // already (a re-analysis after another file changed) is asked to pull again.
        let report = Report {
            version,
            result_id: documents::result_id(&diagnostics),
            items: diagnostics,
        };
        let result_id = report.result_id.clone();
        let replaced = entry.set_report(report);
        drop(guard);
        drop(previous);
        let shown_changed =
            replaced.is_some_and(|r| r.version == version && r.result_id != result_id);
        if shown_changed && state.supports_refresh.load(Ordering::Relaxed) {
            // Its own task: the analysis's thread does not wait for the client's answer.
            let client = client.clone();
            tokio::spawn(async move {
                let _ = client.workspace_diagnostic_refresh().await;
            });
        }
    } else {
        // This runs on the analysis's blocking thread (see `schedule_entry`).
        state.publish(&entry.uri, diagnostics, Some(version), true);
        drop(guard);
        drop(previous);
    }
    tokio::spawn(update_summary(client, state, entry, version, encoding));
}

/// How long a document must rest before its summary (what its functions do, for tools in other
/// files) is recomputed: typing pays nothing for it.
const SUMMARY_DELAY: Duration = Duration::from_millis(150);

/// Once the document has rested at `version`, recomputes its summary for the workspace index
/// and, if it changed, re-analyses the other open documents (their tools may call it).
async fn update_summary(
    client: Client,
    state: Arc<State>,
    entry: Arc<DocEntry>,
    version: i32,
    encoding: PositionEncoding,
) {
    if entry.config.is_some() {
        return; // a configuration file has no functions
    }
    tokio::time::sleep(SUMMARY_DELAY).await;
    let Some(path) = entry.path.clone() else {
        return;
    };
    if entry.is_closed() || entry.latest() != version {
        return;
    }
    let task_state = state.clone();
    let task_entry = entry.clone();
    let changed = tokio::task::spawn_blocking(move || {
        let (document, version) = task_entry.snapshot()?;
        if task_entry.latest() != version {
            return None;
        }
        let mut warnings = Vec::new();
        let resolved = task_state.workspace.resolve(Some(&path), &mut warnings);
        let tree = task_entry.parsed(&document, version);
        let source = document.text();
        let language = document.language();
        let summary = catch_unwind(AssertUnwindSafe(|| {
            let facts = task_entry.with_cache(|cache| {
                FileFacts::extract_cached(&source, &tree, language, cache.facts_mut())
            });
            agentlint_rules::FileSummary::of_parsed(
                &path,
                &source,
                &tree,
                &facts,
                language,
                &resolved.knowledge,
            )
        }))
        .ok()?;
        Some(task_state.workspace.index.update(summary))
    })
    .await;
    if !matches!(changed, Ok(Some(true))) {
        return;
    }
    let others: Vec<Arc<DocEntry>> = state
        .documents
        .iter()
        .filter(|other| other.key() != &entry.uri)
        .map(|other| other.value().clone())
        .collect();
    for other in others {
        schedule_entry(&client, &state, other, encoding);
    }
}

/// Runs the analysis for an entry's current version. `None` when the version went stale or the
/// document closed before the work started.
fn analyse_entry(state: &State, entry: &DocEntry, encoding: PositionEncoding) -> Option<Outcome> {
    let (document, version) = entry.snapshot()?;
    if entry.latest() != version {
        return None;
    }
    let mut messages = Vec::new();
    let resolved = state
        .workspace
        .resolve(entry.path.as_deref(), &mut messages);
    let tree = entry.parsed(&document, version);
    step!("parsed");
    // A change that arrived during the reparse makes this version stale: dropped here, before
    // the analysis takes the caches (the next run starts from them), so that a burst settles in
    // the newest version's analysis rather than after a stale one.
    if entry.latest() != version {
        return None;
    }
    // Shared with the analysis cache, which keeps it to compare the next version with.
    let source = Arc::new(document.text());
    step!("text");
    let path = entry
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from(entry.uri.path().as_str()));
    let mut analysis = if resolved.excluded || !resolved.enabled {
        agentlint_rules::Analysis::default()
    } else if let Some(kind) = entry.config {
        // Whether git would commit the file decides whether its secrets are findings; it is
        // read again on every analysis (a `.gitignore` change re-analyses open documents).
        let committed = entry
            .path
            .as_deref()
            .is_none_or(|p| !crate::files::is_git_ignored(p));
        catch_unwind(AssertUnwindSafe(|| {
            agentlint_rules::analyse_config(
                agentlint_rules::ConfigFile {
                    path: &path,
                    source: &source,
                    kind,
                    committed,
                },
                &resolved.settings,
                &resolved.knowledge,
            )
        }))
        .unwrap_or_else(|_| {
            messages.push(format!(
                "agentlint: internal error analysing {}; please report this",
                entry.uri.as_str()
            ));
            agentlint_rules::Analysis::default()
        })
    } else {
        entry.release_stale_tools(version);
        match catch_unwind(AssertUnwindSafe(|| {
            entry.with_cache(|cache| {
                cache.share_text(source.clone());
                analyse_cached(
                    SourceFile {
                        path: &path,
                        source: &source,
                        tree: &tree,
                        language: document.language(),
                        workspace: Some(&state.workspace.index),
                    },
                    &resolved.settings,
                    &resolved.knowledge,
                    cache,
                )
            })
        })) {
            Ok(analysis) => analysis,
            Err(_) => {
                messages.push(format!(
                    "agentlint: internal error analysing {}; please report this",
                    entry.uri.as_str()
                ));
                agentlint_rules::Analysis::default()
            }
        }
    };
    step!("analysed");
    // The analysis's line index, when it made one (it does for a file with findings).
    let index = analysis
        .lines
        .take()
        .unwrap_or_else(|| LineIndex::new(&source));
    let not_parsed = analysis.failures.iter().any(|f| f.stage == PARSE_STAGE);
    let warned = entry.not_parsed.swap(not_parsed, Ordering::Relaxed);
    for failure in &analysis.failures {
        messages.push(if failure.stage == PARSE_STAGE {
            if warned {
                continue;
            }
            format!("agentlint: {}: {}", entry.uri.as_str(), failure.message)
        } else {
            format!(
                "agentlint: internal error in {} on {}: {} (other rules still ran; please report this)",
                failure.stage,
                entry.uri.as_str(),
                failure.message
            )
        });
    }
    let conversion = Conversion {
        uri: &entry.uri,
        text: Text {
            source: &source,
            index: &index,
            encoding,
        },
        related_information: state.supports_related.load(Ordering::Relaxed),
    };
    let lsp_diagnostics = analysis
        .diagnostics
        .iter()
        .map(|d| conversion.diagnostic(d))
        .collect();
    Some((
        Published::new(
            version,
            encoding,
            analysis.diagnostics,
            source,
            index,
            analysis.tools,
            analysis.secrets,
        ),
        lsp_diagnostics,
        messages,
    ))
}

fn lsp_change(change: TextDocumentContentChangeEvent) -> TextChange {
    TextChange {
        range: change.range.map(|r| {
            (
                Position::new(r.start.line, r.start.character),
                Position::new(r.end.line, r.end.character),
            )
        }),
        text: change.text,
    }
}

fn negotiate_encoding(params: &InitializeParams) -> PositionEncoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty()
        && let Some(path) = params.root_uri.as_ref().and_then(|u| u.to_file_path())
    {
        roots.push(path.into_owned());
    }
    roots
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        let encoding = negotiate_encoding(&params);
        if let Ok(mut e) = self.state.encoding.write() {
            *e = encoding;
        }
        let window_progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.state
            .supports_progress
            .store(window_progress, Ordering::Relaxed);
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.state
            .supports_watch_registration
            .store(watch, Ordering::Relaxed);
        let create = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create));
        self.state.supports_create.store(create, Ordering::Relaxed);
        let related = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.publish_diagnostics.as_ref())
            .and_then(|p| p.related_information)
            .unwrap_or(false);
        self.state
            .supports_related
            .store(related, Ordering::Relaxed);
        // A client that can pull diagnostics pulls them: then nothing is pushed, and a keystroke
        // that changes none of them costs an `unchanged` report.
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        self.state.pull.store(pull, Ordering::Relaxed);
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        self.state
            .supports_refresh
            .store(refresh, Ordering::Relaxed);
        if let Some(options) = &params.initialization_options {
            let accepted = EditorSettings::from_json(options)
                .and_then(|settings| self.state.workspace.set_editor_settings(settings));
            if let Err(e) = accepted {
                self.client
                    .show_message(MessageType::WARNING, format!("agentlint: {e}"))
                    .await;
            }
        }
        self.state.workspace.set_roots(workspace_roots(&params));
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "agentlint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(FIX_ALL_KIND),
                        ]),
                        resolve_provider: Some(false),
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    },
                )),
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("agentlint".to_string()),
                        // A document's findings depend on the files its tools call.
                        inter_file_dependencies: true,
                        workspace_diagnostics: false,
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                }),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.log(
            MessageType::INFO,
            format!(
                "agentlint {} started ({} positions)",
                env!("CARGO_PKG_VERSION"),
                match self.encoding() {
                    PositionEncoding::Utf8 => "UTF-8",
                    PositionEncoding::Utf16 => "UTF-16",
                    PositionEncoding::Utf32 => "UTF-32",
                }
            ),
        )
        .await;
        tokio::spawn(register_watchers(self.client.clone(), self.state.clone()));
        self.start_indexing();
    }

    async fn shutdown(&self) -> RpcResult<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let path = item.uri.to_file_path().map(|p| p.into_owned());
        let language = Language::from_language_id(&item.language_id)
            .or_else(|| path.as_deref().and_then(Language::from_path));
        let config = path
            .as_deref()
            .and_then(agentlint_rules::ConfigKind::from_path);
        if language.is_none() && config.is_none() {
            self.state.ignored.insert(item.uri);
            return; // not a language agentlint analyses
        }
        if let Err(reason) = check_input(item.text.as_bytes()) {
            self.log(
                MessageType::WARNING,
                format!("agentlint: {}: {reason}", item.uri.as_str()),
            )
            .await;
            self.state.ignored.insert(item.uri);
            return;
        }
        self.state.ignored.remove(&item.uri);
        let opened = catch_unwind(AssertUnwindSafe(|| match language {
            Some(language) => Document::new(&item.text, language),
            // A configuration file is text: it is never parsed.
            None => Document::plain(&item.text),
        }));
        let Ok(document) = opened else {
            self.log(
                MessageType::ERROR,
                format!("agentlint: internal error opening {}", item.uri.as_str()),
            )
            .await;
            return;
        };
        let mut entry = DocEntry::new(item.uri.clone(), path, document, item.version);
        if let (None, Some(kind)) = (language, config) {
            entry = entry.with_config(kind);
        }
        let entry = Arc::new(entry);
        if let Some(old) = self.state.documents.insert(item.uri, entry.clone()) {
            old.close();
        }
        self.schedule(entry);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        step!("didChange");
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let Some(entry) = self.state.documents.get(&uri).map(|e| e.value().clone()) else {
            if self.state.ignored.contains(&uri) {
                return;
            }
            self.log(
                MessageType::WARNING,
                format!(
                    "agentlint: change for a document that is not open: {}",
                    uri.as_str()
                ),
            )
            .await;
            return;
        };
        let changes: Vec<TextChange> = params.content_changes.into_iter().map(lsp_change).collect();
        // Applied before any await: the next change must see this one.
        let outcome = entry.apply(version, &changes, self.encoding());
        match outcome {
            Ok(report) => {
                if report.clamped > 0 || !report.errors.is_empty() {
                    let mut problems: Vec<String> =
                        report.errors.iter().map(ToString::to_string).collect();
                    if report.clamped > 0 {
                        problems.push(format!(
                            "{} position(s) outside the document were clamped",
                            report.clamped
                        ));
                    }
                    self.log(
                        MessageType::WARNING,
                        format!(
                            "agentlint: {} v{version}: {}",
                            uri.as_str(),
                            problems.join("; ")
                        ),
                    )
                    .await;
                }
                self.schedule(entry);
            }
            Err(message) => {
                self.log(
                    MessageType::WARNING,
                    format!("agentlint: {}: {message}", uri.as_str()),
                )
                .await;
            }
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if let Some(path) = params.text_document.uri.to_file_path() {
            let path = path.into_owned();
            if crate::privacy::may_be_notice(&path) {
                self.state.workspace.index.forget_notices();
                self.reanalyse_all();
                return;
            }
            // UI code may have gained or lost a link to a privacy policy.
            if crate::privacy::may_link_to_policy(&path) {
                self.state.workspace.index.forget_notices();
            }
            let state = self.state.clone();
            let changed =
                tokio::task::spawn_blocking(move || state.workspace.index_file(&path)).await;
            if matches!(changed, Ok(Ok(true))) {
                self.reanalyse_all();
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state.ignored.remove(&uri);
        if let Some((_, entry)) = self.state.documents.remove(&uri) {
            entry.close();
            // A pulling client forgets a closed document's diagnostics itself.
            if !self.state.pull.load(Ordering::Relaxed) {
                let _guard = entry.publish_lock.lock().await;
                self.state.publish(&uri, Vec::new(), None, false);
            }
            entry.reported.notify_waiters();
            // The index held the editor's text; closed without saving, the file on disk is what
            // other files now call.
            if let Some(path) = uri.to_file_path().map(|p| p.into_owned()) {
                let state = self.state.clone();
                let changed =
                    tokio::task::spawn_blocking(move || state.workspace.index_file(&path)).await;
                if matches!(changed, Ok(Ok(true))) {
                    self.reanalyse_all();
                }
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let accepted = EditorSettings::from_json(&params.settings)
            .and_then(|settings| self.state.workspace.set_editor_settings(settings));
        match accepted {
            Ok(()) => self.reanalyse_all(),
            Err(e) => {
                self.client
                    .show_message(
                        MessageType::WARNING,
                        format!("agentlint: {e}; keeping the previous settings"),
                    )
                    .await;
            }
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut roots = self.state.workspace.roots();
        for removed in params.event.removed {
            if let Some(path) = removed.uri.to_file_path() {
                roots.retain(|r| r.as_path() != path.as_ref());
            }
        }
        for added in params.event.added {
            if let Some(path) = added.uri.to_file_path() {
                roots.push(path.into_owned());
            }
        }
        self.state.workspace.set_roots(roots);
        self.start_indexing();
        self.reanalyse_all();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut config_changed = false;
        let mut notice_changed = false;
        let mut changed_sources = Vec::new();
        for change in params.changes {
            let Some(path) = change.uri.to_file_path().map(|p| p.into_owned()) else {
                continue;
            };
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if crate::config::CONFIG_FILES.contains(&name) || name == ".gitignore" {
                config_changed = true;
            } else if crate::privacy::may_be_notice(&path) {
                self.state.workspace.index.forget_notices();
                notice_changed = true;
            } else if Language::from_path(&path).is_some() {
                changed_sources.push(path);
            }
        }
        if notice_changed && !config_changed {
            self.reanalyse_all();
        }
        if config_changed {
            self.state.workspace.reload_configs();
            self.log(
                MessageType::INFO,
                "agentlint: configuration changed; re-analysing",
            )
            .await;
            self.reanalyse_all();
        }
        if !changed_sources.is_empty() {
            let state = self.state.clone();
            let (changed, problems) = tokio::task::spawn_blocking(move || {
                let mut changed = false;
                let mut problems = Vec::new();
                for path in &changed_sources {
                    // An open document's summary comes from the editor's text, not the disk.
                    let open = Uri::from_file_path(path)
                        .is_some_and(|uri| state.documents.contains_key(&uri));
                    if open {
                        continue;
                    }
                    match state.workspace.index_file(path) {
                        Ok(c) => changed |= c,
                        Err(problem) => problems.push(problem),
                    }
                }
                (changed, problems)
            })
            .await
            .unwrap_or_default();
            self.log_all(MessageType::WARNING, problems).await;
            if changed {
                self.reanalyse_all();
            }
        }
    }

    async fn hover(&self, params: HoverParams) -> RpcResult<Option<Hover>> {
        let position = params.text_document_position_params.position;
        let uri = params.text_document_position_params.text_document.uri;
        let Some(entry) = self.state.documents.get(&uri).map(|e| e.value().clone()) else {
            return Ok(None);
        };
        let Some(published) = entry.published_current() else {
            return Ok(None);
        };
        Ok(catch_unwind(AssertUnwindSafe(|| actions::hover(&published, position))).unwrap_or(None))
    }

    async fn code_action(&self, params: CodeActionParams) -> RpcResult<Option<CodeActionResponse>> {
        let Some(entry) = self
            .state
            .documents
            .get(&params.text_document.uri)
            .map(|e| e.value().clone())
        else {
            return Ok(None);
        };
        let open = |uri: &Uri| {
            let entry = self.state.documents.get(uri)?.value().clone();
            let (document, version) = entry.snapshot()?;
            Some((document.text(), version))
        };
        let files = actions::Files {
            root: entry
                .path
                .as_deref()
                .map(|p| self.state.workspace.index.root_for(p)),
            open: &open,
            can_create: self.state.supports_create.load(Ordering::Relaxed),
            encoding: self.encoding(),
        };
        let actions = catch_unwind(AssertUnwindSafe(|| {
            actions::code_actions(&entry, &params, &files)
        }))
        .unwrap_or_default();
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> RpcResult<DocumentDiagnosticReportResult> {
        let full = |result_id: Option<String>, items: Vec<Diagnostic>| {
            DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
                RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id,
                        items,
                    },
                },
            ))
        };
        let entry = self
            .state
            .documents
            .get(&params.text_document.uri)
            .map(|e| e.value().clone());
        // A document agentlint does not analyse (another language, too large) has none.
        let Some(entry) = entry else {
            return Ok(full(None, Vec::new()));
        };
        // The answer is the current version's report: wait for its analysis (a pull sent with
        // the change that made the version arrives before the analysis ends).
        let deadline = tokio::time::Instant::now() + PULL_WAIT;
        loop {
            let reported = entry.reported.notified();
            tokio::pin!(reported);
            reported.as_mut().enable();
            if let Some(report) = entry.report_current() {
                if params.previous_result_id.as_deref() == Some(report.result_id.as_str()) {
                    return Ok(DocumentDiagnosticReportResult::Report(
                        DocumentDiagnosticReport::Unchanged(
                            RelatedUnchangedDocumentDiagnosticReport {
                                related_documents: None,
                                unchanged_document_diagnostic_report:
                                    UnchangedDocumentDiagnosticReport {
                                        result_id: report.result_id.clone(),
                                    },
                            },
                        ),
                    ));
                }
                return Ok(full(Some(report.result_id.clone()), report.items.clone()));
            }
            if entry.is_closed() {
                return Ok(full(None, Vec::new()));
            }
            if tokio::time::timeout_at(deadline, reported).await.is_err() {
                // The client asks again (LSP's ServerCancelled with `retriggerRequest`).
                return Err(tower_lsp_server::jsonrpc::Error {
                    code: tower_lsp_server::jsonrpc::ErrorCode::ServerError(-32802),
                    message: "agentlint: the analysis of this version is not done yet".into(),
                    data: Some(serde_json::json!({ "retriggerRequest": true })),
                });
            }
        }
    }
}

/// How long a pull waits for the current version's analysis before the client is told to ask
/// again.
const PULL_WAIT: Duration = Duration::from_secs(10);
