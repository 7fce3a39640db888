//! What the analysis of a document's next version reuses from its last: the cost of a keystroke
//! follows what it changed, not the size of the file.
//!
//! A document is a sequence of top-level statements. Between two versions, the statements whose
//! text is unchanged at the same distance from the start or the end form a common prefix and
//! suffix (a [`Splice`](crate::facts::Splice)); only the statements between changed. Each stage
//! keeps its results for the last version and, when everything outside a result's statements
//! that it read is unchanged, moves it to the new version instead of computing it again:
//!
//! - facts: each statement's are extracted once per text; when the change binds every name the
//!   same way (same names, kinds, imports and constructors, in order), the last version's
//!   resolved calls and definitions are kept and only the changed statements are resolved;
//! - tools: a tool whose declaration and every range it was found from are unchanged is moved
//!   in place (names resolve the same way, so it would be found the same), with what the
//!   description rules found in its texts (`crate::memo::Kept`);
//! - effects: a call's own effects (sinks and their conditions) are kept for calls in unchanged
//!   statements when names resolve and constants read as before; how effects spread through the
//!   file's call graph is recomputed unless the change only moved the facts (then it is moved);
//!   the calls of sinks the rules look at (AL201, AL203) are kept for the unchanged statements;
//! - privacy flows: moved when the change only moved the facts and none of the calls they were
//!   read from changed;
//! - text: the secrets scan, the secret-name search and the places of AL305's literals and of
//!   AL403's `into` are found again on the changed lines only, the line index is patched, and
//!   whether the text mentions conversations (AL403) is searched across the change only; the two
//!   versions' common ends are found once for all of them.
//!
//! Whatever the cache holds, the result is the same as analysing the text afresh: the property
//! tests in `tests/tests/incremental.rs` edit agent modules at random and compare.

use crate::agent::tools::Declared;
use crate::facts::FactsCache;
use crate::knowledge::Effect;
use crate::syntax::Language;

/// The caches of one document, from one version to the next.
#[derive(Default)]
pub struct AnalysisCache {
    pub(crate) facts: FactsCache,
    pub(crate) model: ModelCache,
    /// The text of the version last analysed, and where it may bind a secret's name
    /// (`Secrets::name_hits`).
    pub(crate) text: std::sync::Arc<String>,
    /// The text of the version about to be analysed, offered by a caller that keeps it anyway
    /// ([`AnalysisCache::share_text`]): kept instead of a copy.
    pub(crate) offered: Option<std::sync::Arc<String>>,
    /// The facts' generation once they were extracted from that text: if it is still the
    /// current one, the facts' last version is that text.
    pub(crate) text_generation: Option<u64>,
    pub(crate) name_hits: Option<NameHits>,
    /// The secrets scan of that text (`Secrets::scan_since`), and with which tables.
    pub(crate) scan: Option<((usize, u64), crate::secrets::Scan)>,
    /// That text's line index, if the analysis built one: the next one is patched from it.
    pub(crate) lines: Option<crate::syntax::LineIndex>,
    /// Where that text mentions conversations (`privacy::conversation_match`), if it was looked
    /// for: `Some(None)` when it does not.
    pub(crate) conversations: Option<Option<std::ops::Range<usize>>>,
    /// Whether that text contains a suppression's marker, if it was looked for.
    pub(crate) marked: Option<bool>,
    /// Where that text holds the literals AL305 looks for (`SecretFlow::places_since`), and with
    /// which tables.
    pub(crate) flow_places: Option<FlowPlaces>,
    /// Where that text says `into` (`privacy::into_places`), if it was looked for.
    pub(crate) intos: Option<Vec<std::ops::Range<usize>>>,
    /// The last version's privacy flows.
    pub(crate) flows: Option<LastFlows>,
    /// The last version's calls of sinks, if looked for.
    pub(crate) sink_calls: Option<LastSinkCalls>,
}

/// The privacy flows of the last version (`privacy::flows_reading`): what they are for (the
/// tables and the language), the facts' generation they were found in, the flows, and the
/// places of the text they were read from.
pub(crate) struct LastFlows {
    pub key: ((usize, u64), Language),
    pub generation: u64,
    pub flows: Vec<crate::privacy::Flow>,
    pub read: Vec<std::ops::Range<usize>>,
}

/// The calls of sinks of the last version (`Knowledge::sink_calls_since`): for which tables and
/// language, in which generation of the facts, and the (call, sink) indices.
pub(crate) struct LastSinkCalls {
    pub key: ((usize, u64), Language),
    pub generation: u64,
    pub calls: Vec<(usize, usize)>,
}

/// Where a version holds the literals AL305 looks for, and with which tables.
pub(crate) type FlowPlaces = ((usize, u64), Vec<Vec<usize>>);

/// Where the last version may bind a secret's name, and with which tables.
pub(crate) struct NameHits {
    pub knowledge: (usize, u64),
    pub hits: Vec<std::ops::Range<usize>>,
}

impl AnalysisCache {
    /// The facts part, also used on its own (a document's summary for other files).
    pub fn facts_mut(&mut self) -> &mut FactsCache {
        &mut self.facts
    }

    /// Offers the text of the version about to be analysed, which the caller keeps anyway: the
    /// cache keeps it for comparing the next version with, instead of a copy of its own (the
    /// copy of a large document on every keystroke). Used only if it is the analysed text itself
    /// (the same bytes at the same address), then let go of.
    pub fn share_text(&mut self, text: std::sync::Arc<String>) {
        self.offered = Some(text);
    }
}

/// The agent model of the last version: its tools as found and its calls' own effects.
#[derive(Default)]
pub(crate) struct ModelCache {
    /// The tables and language the entries were made with.
    pub key: Option<ModelKey>,
    /// The facts' generation they were made for (see `FactsCache::generation`).
    pub generation: Option<u64>,
    /// What declares each of the last version's tools, and the tools themselves (with their
    /// effects: the same allocation the analysis returned).
    pub declared: Vec<Declared>,
    pub tools: std::sync::Arc<Vec<crate::agent::Tool>>,
    /// Each call's own effects.
    pub own_effects: Vec<Vec<Effect>>,
    /// The last version's capabilities, unless they hold effects of other files.
    pub capabilities: Option<crate::agent::capabilities::Capabilities>,
    /// What the last version resolved through the workspace's summaries.
    pub imports: crate::summary::ImportMemo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ModelKey {
    pub knowledge: (usize, u64),
    pub language: Language,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offered_text_is_kept_not_copied() {
        use std::sync::Arc;
        let analyse = |text: &str, cache: &mut AnalysisCache| {
            let tree = crate::syntax::parse(text, Language::Python);
            crate::analyse_cached(
                crate::SourceFile {
                    path: std::path::Path::new("a.py"),
                    source: text,
                    tree: &tree,
                    language: Language::Python,
                    workspace: None,
                },
                &crate::Settings::default(),
                crate::Knowledge::builtin(),
                cache,
            )
            .diagnostics
        };
        let mut cache = AnalysisCache::default();
        let first = Arc::new("import os\nx = eval(os.environ['K'])\n".to_string());
        let found = analyse(&first, &mut cache);
        assert!(!found.is_empty());
        // The analysed text itself: kept.
        let second = Arc::new("import os\nx = eval(os.environ['KEY'])\n".to_string());
        cache.share_text(second.clone());
        assert_eq!(analyse(&second, &mut cache).len(), found.len());
        assert!(Arc::ptr_eq(&cache.text, &second) && cache.offered.is_none());
        // Another copy of it: not kept, let go of; the cache copies the analysed text.
        let third = "import os\ny = eval(os.environ['KEY'])\n".to_string();
        let other = Arc::new(third.clone());
        cache.share_text(other.clone());
        assert_eq!(analyse(&third, &mut cache).len(), found.len());
        assert!(!Arc::ptr_eq(&cache.text, &other) && cache.offered.is_none());
        assert_eq!(cache.text.as_str(), third);
    }
}
