//! Property: any sequence of edits, given as LSP ranges in any position encoding, leaves the
//! incrementally edited document with the same text, the same syntax tree and the same
//! diagnostics as parsing and analysing the final text from scratch.

use std::path::Path;

use agentlint_rules::facts::FileFacts;
use agentlint_rules::syntax::{Document, TextChange, Tree, parse, structure};
use agentlint_rules::{
    Diagnostic, FactsCache, Knowledge, Language, Position, PositionEncoding, Settings, SourceFile,
    analyse, analyse_cached,
};
use proptest::prelude::*;

const SEEDS: &[(&str, Language)] = &[
    (
        "\"\"\"Agent tools. 🤖\"\"\"\nimport builtins\n\ndef calc(expr):\n    return eval(expr)\n\nCODE = 'print(1)'\nexec(CODE)\n",
        Language::Python,
    ),
    (
        "def f(x):\r\n    s = '中文😀'\r\n    return compile(x, '<s>', 'exec')\r\n",
        Language::Python,
    ),
    (
        "import vm from \"node:vm\";\nexport const t = (code: string) => vm.runInNewContext(code);\nconst s = `😀 ${eval(s)}`;\n",
        Language::TypeScript,
    ),
    (
        "export function V({ f }) {\n  return <div>{eval(f)}</div>;\n}\nnew Function('a', body);\n",
        Language::JavaScript,
    ),
    ("", Language::Python),
];

/// Pieces of text edits insert: code that creates and destroys findings, multi-byte characters,
/// line breaks of every kind, and unbalanced brackets and quotes.
const PIECES: &[&str] = &[
    "eval(x)",
    "exec(code)\n",
    "new Function(b)",
    "vm.runInThisContext(c)",
    "'😀'",
    "中文",
    "é",
    "\n",
    "\r\n",
    "\r",
    "(",
    ")",
    "\"\"\"",
    "`${",
    "}`",
    "def g(a):\n    ",
    "  # agentlint: ignore[AL203]",
    " // agentlint: ignore[AL203]\n",
    "import builtins as b\n",
    "x = 'a' + 'b'\n",
    "",
    " ",
    "\t",
    "{",
    "}",
];

#[derive(Clone, Debug)]
struct Edit {
    start: f64,
    len: f64,
    text: String,
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    let text = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => "[a-z😀中\\n ()'\"]{0,6}",
    ];
    (0.0..=1.0f64, 0.0..0.3f64, text).prop_map(|(start, len, text)| Edit { start, len, text })
}

fn encoding_strategy() -> impl Strategy<Value = PositionEncoding> {
    prop_oneof![
        Just(PositionEncoding::Utf16),
        Just(PositionEncoding::Utf8),
        Just(PositionEncoding::Utf32)
    ]
}

/// Reference conversion, written independently of the engine: walk the characters, counting lines
/// the LSP way (`\n`, `\r\n`, `\r`) and columns in `encoding`.
fn reference_position(text: &str, char_idx: usize, encoding: PositionEncoding) -> Position {
    let chars: Vec<char> = text.chars().collect();
    let (mut line, mut column) = (0u32, 0u32);
    let mut i = 0;
    while i < char_idx {
        match chars[i] {
            '\r' if chars.get(i + 1) == Some(&'\n') => {
                line += 1;
                column = 0;
                i += 1; // skip the \n too
            }
            '\n' | '\r' => {
                line += 1;
                column = 0;
            }
            c => {
                column += match encoding {
                    PositionEncoding::Utf8 => c.len_utf8(),
                    PositionEncoding::Utf16 => c.len_utf16(),
                    PositionEncoding::Utf32 => 1,
                } as u32
            }
        }
        i += 1;
    }
    Position::new(line, column)
}

/// A char index moved off the middle of a `\r\n` pair (LSP cannot address it).
fn snap(chars: &[char], idx: usize) -> usize {
    if idx > 0 && idx < chars.len() && chars[idx - 1] == '\r' && chars[idx] == '\n' {
        idx - 1
    } else {
        idx
    }
}

fn source<'a>(text: &'a str, tree: &'a Tree, language: Language) -> SourceFile<'a> {
    SourceFile {
        path: Path::new("prop"),
        source: text,
        tree,
        language,
        workspace: None,
    }
}

fn diagnostics_of(text: &str, tree: &Tree, language: Language) -> Vec<Diagnostic> {
    analyse(
        source(text, tree, language),
        &Settings::default(),
        Knowledge::builtin(),
    )
    .diagnostics
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn incremental_matches_fresh(
        seed in 0..SEEDS.len(),
        batches in proptest::collection::vec(
            (proptest::collection::vec(edit_strategy(), 1..4), proptest::bool::weighted(0.6)),
            1..12,
        ),
        encoding in encoding_strategy(),
    ) {
        let (initial, language) = SEEDS[seed];
        let mut reference = initial.to_string();
        let mut document = Document::new(initial, language);
        let initial_tree = document.parse_tree();
        // The server's path: facts of unchanged statements come from the previous version. One
        // cache follows the facts, the other the whole analysis, from version to version.
        let mut facts_cache = FactsCache::default();
        let _ = FileFacts::extract_cached(initial, &initial_tree, language, &mut facts_cache);
        let mut analysis_cache = FactsCache::default();
        let _ = analyse_cached(
            source(initial, &initial_tree, language),
            &Settings::default(),
            Knowledge::builtin(),
            &mut analysis_cache,
        );
        let last = batches.len() - 1;
        for (i, (batch, parse_now)) in batches.into_iter().enumerate() {
            let mut changes = Vec::new();
            for edit in batch {
                // Each change in a batch refers to the text after the previous ones.
                let chars: Vec<char> = reference.chars().collect();
                let n = chars.len();
                let start = snap(&chars, ((edit.start * n as f64) as usize).min(n));
                let end = snap(&chars, (start + (edit.len * n as f64) as usize).min(n)).max(start);
                let range = (
                    reference_position(&reference, start, encoding),
                    reference_position(&reference, end, encoding),
                );
                let mut next: String = chars[..start].iter().collect();
                next.push_str(&edit.text);
                next.extend(&chars[end..]);
                reference = next;
                changes.push(TextChange { range: Some(range), text: edit.text });
            }
            // As the server does: edit on every change, parse only for the analysis that runs
            // (a burst of changes is parsed once).
            let report = document.edit(&changes, encoding);
            prop_assert_eq!(report.clamped, 0);
            prop_assert!(report.errors.is_empty());
            let text = document.text();
            prop_assert_eq!(&text, &reference);
            if !parse_now && i != last {
                continue;
            }
            let tree = document.parse_tree();
            document.set_tree(tree);
            let tree = document.tree().expect("parsed");
            let fresh = parse(&text, language);
            prop_assert_eq!(structure(tree), structure(&fresh), "tree differs for {:?}", text);
            let fresh_diagnostics = diagnostics_of(&text, &fresh, language);
            prop_assert_eq!(diagnostics_of(&text, tree, language), fresh_diagnostics.clone());
            let cached_facts = FileFacts::extract_cached(&text, tree, language, &mut facts_cache);
            prop_assert_eq!(cached_facts, FileFacts::extract(&text, &fresh, language));
            let cached = analyse_cached(
                source(&text, tree, language),
                &Settings::default(),
                Knowledge::builtin(),
                &mut analysis_cache,
            );
            prop_assert_eq!(cached.diagnostics, fresh_diagnostics);
        }
    }
}
