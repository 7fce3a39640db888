//! The entry point: one file in, diagnostics out.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use tree_sitter::Tree;

use crate::agent;
use crate::cache::AnalysisCache;
use crate::diagnostic::Diagnostic;
use crate::facts::FileFacts;
use crate::knowledge::Knowledge;
use crate::rules::{self, Context, Input, Rule};
use crate::settings::Settings;
use crate::summary::{Imports, Summaries};
use crate::suppress;
use crate::syntax::{Language, parse};

/// A parsed file to analyse.
#[derive(Clone, Copy)]
pub struct SourceFile<'a> {
    /// Path for messages and path-dependent rules; need not exist on disk.
    pub path: &'a Path,
    pub source: &'a str,
    pub tree: &'a Tree,
    pub language: Language,
    /// The summaries of the workspace's other files, for what imported functions do.
    pub workspace: Option<&'a dyn Summaries>,
}

/// A rule (or the fact extraction) that panicked, or a parse given up ([`PARSE_STAGE`]). The
/// other rules still report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The rule's code, `facts`, or [`PARSE_STAGE`].
    pub stage: &'static str,
    pub message: String,
}

/// The stage of a [`Failure`] that is a parse given up (`syntax::parse_budget`), not a bug.
pub const PARSE_STAGE: &str = "parse";

/// The outcome of analysing one file.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Sorted by position, then code; suppressed findings removed.
    pub diagnostics: Vec<Diagnostic>,
    pub failures: Vec<Failure>,
    /// The tools the file declares (for hover and inventories; shared with the document's cache).
    pub tools: std::sync::Arc<Vec<agent::Tool>>,
    /// Where the file's secrets are: whatever shows the file's text masks them
    /// ([`crate::secrets::redact`]), and no finding says more of them than it allows.
    pub secrets: Vec<crate::secrets::SecretSpan>,
    /// The source's line index, if the analysis built one (it does when there are findings):
    /// whatever converts the findings' positions can take it instead of building another.
    pub lines: Option<crate::syntax::LineIndex>,
}

/// Analyses a file with every enabled rule.
pub fn analyse(file: SourceFile<'_>, settings: &Settings, knowledge: &Knowledge) -> Analysis {
    analyse_with_rules(rules::all(), file, settings, knowledge, None)
}

/// Analyses a new version of a document, reusing from `cache` what its unchanged top-level
/// statements gave the last version (see `crate::cache`). Same result as [`analyse`].
pub fn analyse_cached(
    file: SourceFile<'_>,
    settings: &Settings,
    knowledge: &Knowledge,
    cache: &mut AnalysisCache,
) -> Analysis {
    analyse_with_rules(rules::all(), file, settings, knowledge, Some(cache))
}

/// [`analyse`], given the file's facts (`FileFacts::extract` of the same text and tree), for a
/// caller that extracted them already (the command line's workspace index).
pub fn analyse_extracted(
    file: SourceFile<'_>,
    facts: &FileFacts,
    settings: &Settings,
    knowledge: &Knowledge,
) -> Analysis {
    analyse_prior(rules::all(), file, settings, knowledge, Prior::Facts(facts))
}

/// Parses and analyses text.
pub fn analyse_text(
    path: &Path,
    source: &str,
    language: Language,
    settings: &Settings,
    knowledge: &Knowledge,
) -> Analysis {
    let tree = parse(source, language);
    analyse(
        SourceFile {
            path,
            source,
            tree: &tree,
            language,
            workspace: None,
        },
        settings,
        knowledge,
    )
}

/// Analyses a file with the given rules (those the settings enable). Each rule runs under
/// `catch_unwind`: a rule bug loses that rule's findings for this file, never the others'.
pub fn analyse_with_rules(
    rules: &[&dyn Rule],
    file: SourceFile<'_>,
    settings: &Settings,
    knowledge: &Knowledge,
    cache: Option<&mut AnalysisCache>,
) -> Analysis {
    let prior = match cache {
        Some(cache) => Prior::Cache(cache),
        None => Prior::Nothing,
    };
    analyse_prior(rules, file, settings, knowledge, prior)
}

/// What an analysis starts from besides the file.
enum Prior<'c> {
    Nothing,
    /// The document's last analysis.
    Cache(&'c mut AnalysisCache),
    /// The file's facts, extracted already.
    Facts(&'c FileFacts),
}

fn analyse_prior(
    rules: &[&dyn Rule],
    file: SourceFile<'_>,
    settings: &Settings,
    knowledge: &Knowledge,
    prior: Prior<'_>,
) -> Analysis {
    let (cache, extracted) = match prior {
        Prior::Nothing => (None, None),
        Prior::Cache(cache) => (Some(cache), None),
        Prior::Facts(facts) => (None, Some(facts)),
    };
    let mut analysis = Analysis::default();
    if crate::syntax::gave_up(file.tree, file.source) {
        analysis.failures.push(Failure {
            stage: PARSE_STAGE,
            message: "not parsed: its syntax errors are too tangled for tree-sitter's error \
                      recovery within agentlint's budget, so only its text was searched (for \
                      keys); once the errors are fixed it is analysed in full"
                .to_string(),
        });
    }
    // Minified or bundled code is a library's build: only what its text holds (a key) is the
    // project's concern, not what its code does.
    let bundled = file.language.family() == crate::syntax::Family::JavaScript
        && crate::syntax::bundled(file.path, file.source);
    let enabled: Vec<&dyn Rule> = rules
        .iter()
        .copied()
        .filter(|r| settings.is_enabled(r.meta()))
        .filter(|r| !bundled || r.meta().subject == crate::diagnostic::Subject::Text)
        .collect();
    if enabled.is_empty() {
        return analysis;
    }
    // Whether an enabled rule reads `input`: what no enabled rule reads is not computed.
    let needs = |input: Input| enabled.iter().any(|r| r.meta().needs.contains(&input));
    let owned;
    // How the text changed since the version the facts cache holds, when known.
    let mut change = None;
    // The text caches: the last version's text, and its name hits.
    let (cache, mut text_cache) = match cache {
        Some(cache) => {
            let AnalysisCache {
                facts,
                model,
                text,
                offered,
                text_generation,
                name_hits,
                scan,
                lines: last_lines,
                conversations,
                marked,
                flow_places,
                intos,
                flows: last_flows,
                sink_calls: last_sink_calls,
            } = cache;
            // The bytes shared with the last version (compared once for every stage).
            let ends = crate::syntax::change::common_ends(text.as_bytes(), file.source.as_bytes());
            // The facts use them if they are still of that version.
            let unchanged = (*text_generation == Some(facts.generation())).then_some(ends);
            // Set again once `text` is this version's.
            *text_generation = None;
            change = unchanged.map(|(prefix, suffix)| crate::syntax::change::TextMove {
                prefix,
                suffix,
                old_len: text.len(),
                new_len: file.source.len(),
            });
            (
                Some((facts, model, unchanged)),
                Some(TextCache {
                    text,
                    offered: offered.take(),
                    generation: text_generation,
                    name_hits,
                    scan,
                    ends,
                    lines: last_lines,
                    conversations,
                    marked,
                    flow_places,
                    intos,
                    flows: last_flows,
                    sink_calls: last_sink_calls,
                }),
            )
        }
        None => (None, None),
    };
    // The tree's node finder, for the facts, the model, the privacy stages and the rules alike.
    let locator = std::cell::OnceCell::new();
    let locate = || locator.get_or_init(|| crate::syntax::Locator::new(file.tree));
    let (facts, splice, mut model_cache) =
        match catch_unwind(AssertUnwindSafe(move || match cache {
            Some((facts, model, unchanged)) => {
                let splice = facts
                    .extract_splice(
                        file.source,
                        file.tree,
                        file.language,
                        unchanged,
                        Some(locate().items()),
                    )
                    .1;
                let facts: &crate::facts::FactsCache = facts;
                let current = facts.current().expect("just extracted");
                Ok((current, splice, Some((facts, model))))
            }
            None => Err(Box::new(match extracted {
                Some(facts) => std::borrow::Cow::Borrowed(facts),
                None => std::borrow::Cow::Owned(FileFacts::extract(
                    file.source,
                    file.tree,
                    file.language,
                )),
            })),
        })) {
            Ok(Ok((current, splice, caches))) => (current, splice, caches),
            Ok(Err(facts)) => {
                owned = *facts;
                (&*owned, None, None)
            }
            Err(panic) => {
                analysis.failures.push(Failure {
                    stage: "facts",
                    message: panic_message(&panic),
                });
                return analysis;
            }
        };
    let model = match catch_unwind(AssertUnwindSafe(|| match model_cache.as_mut() {
        Some((facts_cache, model_cache)) => agent::model_cached(
            &file,
            facts_cache,
            facts,
            splice.as_ref(),
            knowledge,
            model_cache,
            locate(),
            change,
        ),
        None => {
            let imports = file.workspace.map(|summaries| Imports {
                summaries,
                importer: file.path,
            });
            agent::model(
                file.source,
                file.tree,
                file.language,
                facts,
                knowledge,
                imports,
            )
        }
    })) {
        Ok(model) => model,
        Err(panic) => {
            analysis.failures.push(Failure {
                stage: "tools",
                message: panic_message(&panic),
            });
            agent::Model::default()
        }
    };
    let tools = model.tools;
    // Without a last version, the secrets and where the text may bind a secret's name are found
    // in one pass over the text ([`crate::secrets::Secrets::scan_with_names`]: its name hits
    // are those that can end a name, which AL302 follows up alike).
    let mut one_pass = text_cache.is_none().then(|| {
        guarded(&mut analysis.failures, "secrets", || {
            knowledge.secrets.scan_with_names(file.source)
        })
    });
    // Where the text may bind a secret's name (AL302, AL305), found again only in the lines
    // that changed since the last version.
    // The caches are taken before each stage and put back after it: a stage that panics leaves
    // none behind for the next version.
    let name_hits = guarded(&mut analysis.failures, "secrets", || {
        match text_cache.as_mut() {
            Some(TextCache {
                text,
                name_hits: hits,
                ends,
                ..
            }) => {
                let previous = hits
                    .take()
                    .filter(|h| Some(h.knowledge) == knowledge.identity());
                let previous = previous
                    .as_ref()
                    .map(|h| (text.as_str(), h.hits.as_slice()));
                let found = knowledge
                    .secrets
                    .name_hits_at(file.source, previous, Some(*ends));
                **hits = knowledge
                    .identity()
                    .map(|knowledge| crate::cache::NameHits {
                        knowledge,
                        hits: found.clone(),
                    });
                found
            }
            None => one_pass
                .as_mut()
                .map(|(_, names)| std::mem::take(names))
                .unwrap_or_default(),
        }
    });
    // The secrets, scanned again only around the lines that changed (when every format that can
    // match is line-local).
    let secrets = guarded(&mut analysis.failures, "secrets", || {
        match text_cache.as_mut() {
            Some(TextCache {
                text, scan, ends, ..
            }) => {
                let previous = scan
                    .take()
                    .filter(|(k, _)| Some(*k) == knowledge.identity());
                let previous = previous.as_ref().map(|(_, s)| (text.as_str(), s));
                let (found, next) = knowledge
                    .secrets
                    .scan_at(file.source, previous, Some(*ends));
                **scan = knowledge.identity().map(|k| (k, next));
                found
            }
            None => one_pass.take().map(|(found, _)| found).unwrap_or_default(),
        }
    });
    // Where the literals AL305 looks for are, found again only in the lines that changed;
    // forgotten when not looked for (they would be stale).
    let wants_flow = needs(Input::SecretFlows);
    let flow = &knowledge.secrets.flow;
    let flow_places = match text_cache.as_mut() {
        Some(TextCache {
            text,
            flow_places: last,
            ends,
            ..
        }) => {
            let previous = last
                .take()
                .filter(|(k, _)| Some(*k) == knowledge.identity());
            if wants_flow {
                let previous = previous
                    .as_ref()
                    .map(|(_, p)| (text.as_str(), p.as_slice()));
                let found = guarded(&mut analysis.failures, "secrets", || {
                    flow.places_since(file.source, previous, Some(*ends))
                });
                **last = knowledge.identity().map(|k| (k, found.clone()));
                found
            } else {
                Vec::new()
            }
        }
        None if wants_flow => guarded(&mut analysis.failures, "secrets", || {
            flow.places_since(file.source, None, None)
        }),
        None => Vec::new(),
    };
    // The line index, patched from the last version's when there is one (only the lines of the
    // change are searched); otherwise built when a rule first needs it.
    let lines = std::cell::OnceCell::new();
    if let Some(TextCache {
        text,
        ends,
        lines: last_lines,
        ..
    }) = text_cache.as_mut()
        && let Some(last) = last_lines.take()
        && last.text_len() == text.len()
    {
        let _ = lines.set(last.patched(file.source, ends.0, ends.1));
    }
    // Whether the text mentions conversations (AL403's stores), searched only across the change
    // when the last version's answer is known; forgotten when not looked for (it would be stale).
    let wants_stores = needs(Input::ConversationStores);
    let conversations = match text_cache.as_mut() {
        Some(TextCache {
            text,
            ends,
            conversations: last,
            ..
        }) => {
            let known = last.take().map(|found| (found, text.len(), *ends));
            let search = || crate::privacy::conversation_match(file.source, known);
            // Not looked for, or the search failed: the storage search reads the whole text.
            let found = wants_stores
                .then(|| catch_unwind(AssertUnwindSafe(search)).ok())
                .flatten();
            **last = found.clone();
            found.map(|found| found.is_some())
        }
        None => None,
    };
    // Where the text says `into` (AL403's SQL), when the storage search will look: found again
    // only in the lines that changed; forgotten when not looked for (it would be stale).
    let intos = match text_cache.as_mut() {
        Some(TextCache {
            text,
            ends,
            intos: last,
            ..
        }) => {
            let previous = last.take();
            let found = (wants_stores && conversations == Some(true))
                .then(|| {
                    let previous = previous.as_ref().map(|p| (text.as_str(), p.as_slice()));
                    catch_unwind(AssertUnwindSafe(|| {
                        crate::privacy::into_places(file.source, previous, Some(*ends))
                    }))
                    .ok()
                })
                .flatten();
            **last = found.clone();
            found
        }
        None => None,
    };
    // Whether the last text held a suppression's marker, with how this one differs from it.
    let mut was_marked = None;
    if let Some(TextCache {
        text,
        offered,
        generation,
        marked,
        ends,
        ..
    }) = text_cache.as_mut()
    {
        was_marked = marked.take().map(|m| (m, *ends));
        match offered.take() {
            // The analysed text itself, which the caller keeps: kept, not copied.
            Some(shared)
                if shared.as_ptr() == file.source.as_ptr() && shared.len() == file.source.len() =>
            {
                **text = shared;
            }
            _ => match std::sync::Arc::get_mut(text) {
                Some(own) => {
                    own.clear();
                    own.push_str(file.source);
                }
                None => **text = std::sync::Arc::new(file.source.to_string()),
            },
        }
        **generation = model_cache.as_ref().map(|(facts, _)| facts.generation());
    }
    // The privacy flows: the last version's, moved, when the change only moved the facts and
    // left the text of every call they were read from as it was; otherwise found again. Kept
    // for the next version only when found without a panic.
    let flows_key = knowledge.identity().map(|k| (k, file.language));
    let generation = model_cache.as_ref().map(|(facts, _)| facts.generation());
    let last_flows = text_cache
        .as_mut()
        .and_then(|c| c.flows.take())
        .filter(|_| needs(Input::Flows));
    let moved_flows = catch_unwind(AssertUnwindSafe(|| {
        let mut last = last_flows?;
        let (facts_cache, _) = model_cache.as_ref()?;
        let (change, splice) = (change?, splice.as_ref()?);
        if Some(last.key) != flows_key || Some(last.generation + 1) != generation {
            return None;
        }
        // Names bound differently (`Some(false)`) change what a flow's value reaches.
        if !facts_cache.moved_only(splice, &change)? {
            return None;
        }
        if !last.read.iter().all(|r| change.keeps(r)) {
            return None;
        }
        for flow in &mut last.flows {
            flow.range = change.range(&flow.range)?;
        }
        for range in &mut last.read {
            *range = change.range(range)?;
        }
        Some((last.flows, last.read))
    }))
    .ok()
    .flatten();
    let found_flows = match moved_flows {
        Some(moved) => Some(moved),
        None if !needs(Input::Flows) => None,
        None => match catch_unwind(AssertUnwindSafe(|| {
            crate::privacy::flows_reading(
                file.source,
                locate(),
                facts,
                file.language,
                knowledge,
                Some(&tools),
            )
        })) {
            Ok(found) => Some(found),
            Err(panic) => {
                analysis.failures.push(Failure {
                    stage: "privacy",
                    message: panic_message(&panic),
                });
                None
            }
        },
    };
    let (flows, flows_read) = match found_flows {
        Some((flows, read)) => (flows, Some(read)),
        None => (Vec::new(), None),
    };
    let wants_privacy = needs(Input::Privacy);
    // A file run by the person who gives it its data (an example or demo that serves nobody,
    // a command line that asks its user for text) sends what whoever runs it gives it: only
    // the flows that still carry it to others count ([`crate::privacy::still_others`]).
    let run_by = if settings.example_file {
        Some(crate::privacy::RunBy::Reader)
    } else if crate::privacy::asks_at_a_terminal(facts, &knowledge.providers) {
        Some(crate::privacy::RunBy::Operator)
    } else {
        None
    };
    let kept;
    let flows_seen = match run_by {
        Some(run_by)
            if !flows.is_empty()
                && !crate::privacy::serves(file.path, file.source, facts, &knowledge.providers) =>
        {
            kept = flows
                .iter()
                .filter(|f| {
                    let authors =
                        crate::privacy::authors_receive(&f.recipient, &knowledge.providers);
                    crate::privacy::still_others(&f.recipient, authors, run_by)
                })
                .cloned()
                .collect::<Vec<_>>();
            &kept
        }
        _ => &flows,
    };
    let stores = if wants_stores {
        guarded(&mut analysis.failures, "privacy", || {
            crate::privacy::storage(
                file.source,
                locate(),
                file.language,
                facts,
                knowledge,
                conversations,
                intos.as_deref(),
            )
        })
    } else {
        Vec::new()
    };
    let privacy = if (flows_seen.is_empty() && stores.is_empty()) || !wants_privacy {
        None
    } else {
        file.workspace.and_then(|w| w.privacy(file.path))
    };
    let references = std::cell::RefCell::default();
    // The calls of sinks (AL201, AL203): the last version's kept for the unchanged statements'
    // calls (they resolve as they did), the changed statements' looked up.
    let sink_calls = std::cell::OnceCell::new();
    let wants_sinks = needs(Input::SinkCalls);
    let last_sink_calls = text_cache.as_mut().and_then(|c| c.sink_calls.take());
    if wants_sinks {
        let previous = last_sink_calls.as_ref().and_then(|last| {
            let (facts_cache, _) = model_cache.as_ref()?;
            (Some(last.key) == flows_key
                && Some(last.generation + 1) == generation
                && facts_cache.kept_resolution()
                && facts_cache.revalued().is_empty())
            .then_some((last.calls.as_slice(), &splice.as_ref()?.calls))
        });
        let found = catch_unwind(AssertUnwindSafe(|| {
            knowledge.sink_calls_since(file.language.family(), &facts.calls, previous)
        }));
        if let Ok(found) = found {
            let _ = sink_calls.set(crate::rules::sinks_of(knowledge, &found));
            if let (Some(cache), Some(key), Some(generation)) =
                (text_cache.as_mut(), flows_key, generation)
            {
                *cache.sink_calls = Some(crate::cache::LastSinkCalls {
                    key,
                    generation,
                    calls: found,
                });
            }
        }
    }
    let ctx = Context {
        references: &references,
        sink_calls: &sink_calls,
        name_hits: &name_hits,
        flow_places: &flow_places,
        lines: &lines,
        locator: &locator,
        flows: flows_seen,
        stores: &stores,
        privacy: privacy.as_deref(),
        secrets: &secrets,
        path: file.path,
        source: file.source,
        tree: file.tree,
        language: file.language,
        facts,
        tools: &tools,
        knowledge,
        test_file: settings.test_file,
        maintainer_file: settings.maintainer_file,
    };
    for rule in enabled {
        let mut found = Vec::new();
        match catch_unwind(AssertUnwindSafe(|| rule.check(&ctx, &mut found))) {
            Ok(()) => analysis.diagnostics.extend(found),
            Err(panic) => analysis.failures.push(Failure {
                stage: rule.meta().code,
                message: panic_message(&panic),
            }),
        }
    }
    for diagnostic in &mut analysis.diagnostics {
        diagnostic.severity = settings.severity_of(diagnostic.rule, diagnostic.severity);
    }
    // The file's secrets: those the scan found and those the rules found (a value bound to a
    // secret's name), suppressed or not.
    let mut spans: Vec<crate::secrets::SecretSpan> = secrets
        .iter()
        .map(|f| knowledge.secrets.span(f, file.source))
        .collect();
    spans.extend(analysis.diagnostics.iter().filter_map(|d| d.secret.clone()));
    keep_secrets_out(&mut analysis, file.source, spans);
    if !analysis.diagnostics.is_empty() {
        let index = ctx.lines();
        let marked = suppress::marked_since(file.source, was_marked);
        if let Some(TextCache { marked: last, .. }) = text_cache.as_mut() {
            **last = Some(marked);
        }
        let suppressions = suppress::collect_marked(file.source, file.tree, index, marked);
        suppress::filter(
            &mut analysis.diagnostics,
            &suppressions,
            file.source,
            file.tree,
            index,
        );
    }
    analysis.diagnostics.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.code).cmp(&(b.range.start, b.range.end, b.rule.code))
    });
    if let (Some(cache), Some(key), Some(generation), Some(read)) =
        (text_cache.as_mut(), flows_key, generation, flows_read)
    {
        *cache.flows = Some(crate::cache::LastFlows {
            key,
            generation,
            flows,
            read,
        });
    }
    analysis.tools = tools;
    analysis.lines = lines.into_inner();
    if let Some(TextCache {
        lines: last_lines, ..
    }) = text_cache.as_mut()
    {
        // The index of the text the cache now holds, for the next version.
        **last_lines = analysis.lines.clone();
    }
    analysis
}

/// Keeps a file's secrets (at `spans` of `source`) out of everything its findings say: runs of
/// them are cut from every text ([`Diagnostic::redact`]), and the analysis records where they
/// are for whatever shows the file's text. Also makes each finding's first sentence fit
/// [`Diagnostic::MESSAGE_LIMIT`].
pub(crate) fn keep_secrets_out(
    analysis: &mut Analysis,
    source: &str,
    mut spans: Vec<crate::secrets::SecretSpan>,
) {
    spans.sort_by_key(|s| (s.range.start, s.range.end));
    spans.dedup();
    let redactor = crate::secrets::Redactor::new(source, &spans);
    for diagnostic in &mut analysis.diagnostics {
        diagnostic.redact(&redactor);
        diagnostic.fit_message();
    }
    // A panic's message may quote the text it was working on.
    for failure in &mut analysis.failures {
        redactor.redact_in_place(&mut failure.message);
    }
    analysis.secrets = spans;
}

/// The text caches of a document (see [`AnalysisCache`]), borrowed for one analysis, with the
/// common ends of the last version's text and this one's.
struct TextCache<'c> {
    text: &'c mut std::sync::Arc<String>,
    /// The caller's copy of this version's text, if offered (see [`AnalysisCache::share_text`]).
    offered: Option<std::sync::Arc<String>>,
    generation: &'c mut Option<u64>,
    name_hits: &'c mut Option<crate::cache::NameHits>,
    scan: &'c mut Option<((usize, u64), crate::secrets::Scan)>,
    ends: (usize, usize),
    lines: &'c mut Option<crate::syntax::LineIndex>,
    conversations: &'c mut Option<Option<std::ops::Range<usize>>>,
    marked: &'c mut Option<bool>,
    flow_places: &'c mut Option<crate::cache::FlowPlaces>,
    intos: &'c mut Option<Vec<std::ops::Range<usize>>>,
    flows: &'c mut Option<crate::cache::LastFlows>,
    sink_calls: &'c mut Option<crate::cache::LastSinkCalls>,
}

/// Runs a stage of the analysis; if it panics, records the failure and goes on with nothing.
fn guarded<T: Default>(
    failures: &mut Vec<Failure>,
    stage: &'static str,
    f: impl FnOnce() -> T,
) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        failures.push(Failure {
            stage,
            message: panic_message(&panic),
        });
        T::default()
    })
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::rules::{RuleMeta, execution::DynamicCodeExecution};
    use crate::settings::Selector;

    struct Panics;
    static PANICS: RuleMeta = RuleMeta {
        code: "AL100",
        name: "missing-tool-description",
        summary: "test rule that panics",
        default_severity: Severity::Error,
        raw_doc: "",
        needs: &[],
        subject: crate::diagnostic::Subject::Code,
    };
    impl Rule for Panics {
        fn meta(&self) -> &'static RuleMeta {
            &PANICS
        }
        fn check(&self, _: &Context<'_>, _: &mut Vec<Diagnostic>) {
            panic!("rule bug");
        }
    }

    fn run(rules: &[&dyn Rule], source: &str, settings: &Settings) -> Analysis {
        let tree = parse(source, Language::Python);
        analyse_with_rules(
            rules,
            SourceFile {
                path: Path::new("t.py"),
                source,
                tree: &tree,
                language: Language::Python,
                workspace: None,
            },
            settings,
            Knowledge::builtin(),
            None,
        )
    }

    #[test]
    fn a_panicking_rule_does_not_stop_the_others() {
        let analysis = run(
            &[&Panics, &DynamicCodeExecution],
            "eval(x)\n",
            &Settings::default(),
        );
        assert_eq!(analysis.diagnostics.len(), 1);
        assert_eq!(analysis.diagnostics[0].code(), "AL203");
        assert_eq!(
            analysis.failures,
            vec![Failure {
                stage: "AL100",
                message: "rule bug".into()
            }]
        );
    }

    #[test]
    fn settings_select_ignore_and_override_severity() {
        let source = "eval(x)\n";
        let mut settings = Settings {
            ignore: vec![Selector::parse("AL203").unwrap_or(Selector::All)],
            ..Settings::default()
        };
        assert!(
            run(&[&DynamicCodeExecution], source, &settings)
                .diagnostics
                .is_empty()
        );
        settings.ignore.clear();
        settings.severity.insert("AL203".into(), Severity::Error);
        let analysis = run(&[&DynamicCodeExecution], source, &settings);
        assert_eq!(analysis.diagnostics[0].severity, Severity::Error);
    }

    #[test]
    fn suppressions_remove_only_what_they_name() {
        let source = "eval(a)  # agentlint: ignore[AL203] trusted\neval(b)  # agentlint: ignore[AL201]\n# agentlint: ignore[dynamic-code-execution]\neval(c)\n";
        let analysis = run(&[&DynamicCodeExecution], source, &Settings::default());
        let starts: Vec<_> = analysis.diagnostics.iter().map(|d| d.range.start).collect();
        assert_eq!(starts, vec![source.find("eval(b)").unwrap_or_default()]);
    }
}
