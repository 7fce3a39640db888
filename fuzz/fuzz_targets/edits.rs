//! An editing session as the server sees one: a document opened, then edited again and again
//! (UTF-16 positions, as editors send them), parsed incrementally and analysed with the cache
//! of the last version after each edit. A panic, an analysis over libFuzzer's `-timeout`, a
//! cached analysis that differs from a fresh analysis of the same tree, or (where the text
//! parses) one that differs from a fresh parse's analysis is a bug.
//!
//! The input: a byte for the language; the opened text, up to a 0 byte; then edits, each an
//! offset (2 bytes), a length to delete (1 byte), a length to insert (1 byte) and the inserted
//! bytes (read as UTF-8, lossily).
#![no_main]

use std::path::Path;
use std::sync::Arc;

use agentlint_rules::syntax::{Document, TextChange, parse};
use agentlint_rules::{
    AnalysisCache, Knowledge, Language, LineIndex, PositionEncoding, Settings, SourceFile,
    analyse, analyse_cached,
};
use libfuzzer_sys::fuzz_target;

/// Edits applied at most (a session's length is bounded so that one input stays fast).
const MAX_EDITS: usize = 24;

fn file<'a>(source: &'a str, tree: &'a agentlint_rules::syntax::Tree, language: Language) -> SourceFile<'a> {
    SourceFile {
        path: Path::new("agent/tools.py"),
        source,
        tree,
        language,
        workspace: None,
    }
}

/// The nearest place at or before `offset` that a position can name: a character boundary, not
/// between the `\r` and the `\n` of a line break (no LSP position is inside a line break).
fn floor(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    let bytes = text.as_bytes();
    while !text.is_char_boundary(offset)
        || (offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n'))
    {
        offset -= 1;
    }
    offset
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let language = [
        Language::Python,
        Language::TypeScript,
        Language::Tsx,
        Language::JavaScript,
    ][usize::from(kind % 4)];
    let (opened, mut edits) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(opened) = std::str::from_utf8(opened) else {
        return;
    };
    let knowledge = Knowledge::builtin();
    let settings = Settings::default();
    let mut document = Document::new(opened, language);
    let mut cache = AnalysisCache::default();
    let mut text = opened.to_string();
    let tree = document.parse_tree();
    document.set_tree(tree.clone());
    analyse_cached(file(&text, &tree, language), &settings, knowledge, &mut cache);
    for _ in 0..MAX_EDITS {
        let [hi, lo, delete, insert, more @ ..] = edits else {
            break;
        };
        let inserted_len = usize::from(*insert % 32).min(more.len());
        let inserted = String::from_utf8_lossy(&more[..inserted_len]).into_owned();
        edits = &more[inserted_len..];
        let start = floor(&text, usize::from(u16::from_be_bytes([*hi, *lo])) % (text.len() + 1));
        let end = floor(&text, start + usize::from(*delete % 16)).max(start);
        let index = LineIndex::new(&text);
        let position = |offset| index.position(&text, offset, PositionEncoding::Utf16);
        let change = TextChange {
            range: Some((position(start), position(end))),
            text: inserted.clone(),
        };
        let report = document.edit(&[change], PositionEncoding::Utf16);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        text.replace_range(start..end, &inserted);
        let now = document.text();
        assert_eq!(now, text, "the document and the text disagree");
        let tree = document.parse_tree();
        document.set_tree(tree.clone());
        let shared = Arc::new(now);
        cache.share_text(shared.clone());
        let cached = analyse_cached(file(&shared, &tree, language), &settings, knowledge, &mut cache);
        // What the cache must give: the analysis of the same tree afresh.
        let uncached = analyse(file(&shared, &tree, language), &settings, knowledge);
        assert_eq!(
            cached.diagnostics, uncached.diagnostics,
            "the cached analysis differs from a fresh analysis of the same tree for {shared:?}"
        );
        // And the incremental tree must be the fresh parse's where the text parses (where it
        // does not, tree-sitter's error recovery may shape the error nodes of a reparse
        // differently: `tests/tests/incremental.rs`).
        let fresh_tree = parse(&shared, language);
        if !fresh_tree.root_node().has_error() {
            let fresh = analyse(file(&shared, &fresh_tree, language), &settings, knowledge);
            assert_eq!(
                cached.diagnostics, fresh.diagnostics,
                "the incremental analysis differs from a fresh one for {shared:?}"
            );
        }
    }
});
