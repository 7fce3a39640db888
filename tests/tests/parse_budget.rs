//! A text whose syntax errors send tree-sitter's error recovery into a search that does not end
//! in useful time: `data/tangled.ts`, a generated module of 15 tools after twenty random
//! unbalancing keystrokes (found by `unbalancing_keystrokes_in_a_module_match_a_fresh_parse`).
//! Unbudgeted, its 6 kB parsed for five minutes (gigabytes in a debug build); the parse budget
//! (`syntax::parse_budget`, counted in tree-sitter's operations) gives it up, and the file is
//! still searched for keys, and analysed in full once fixed.

use agentlint_e2e::bench::typescript_module;
use agentlint_rules::syntax::{Document, TextChange, gave_up, parse};
use agentlint_rules::{
    Knowledge, Language, PARSE_STAGE, Position, PositionEncoding, Settings, SourceFile, analyse,
};

const TANGLED: &str = include_str!("data/tangled.ts");

fn analysed(text: &str, tree: &agentlint_rules::syntax::Tree) -> agentlint_rules::Analysis {
    let file = SourceFile {
        path: std::path::Path::new("tangled.ts"),
        source: text,
        tree,
        language: Language::TypeScript,
        workspace: None,
    };
    analyse(file, &Settings::default(), Knowledge::builtin())
}

/// Edits the document (whose first line is `text`'s) into `text` with one change from its second
/// line on: an edit past the start of the empty tree of a parse given up, which leaves that tree
/// as it is.
fn replace_all_but_the_first_line(document: &mut Document, text: &str) {
    let second_line = text.find('\n').expect("lines") + 1;
    assert_eq!(document.text()[..second_line], text[..second_line]);
    document.apply_changes(
        &[TextChange {
            range: Some((Position::new(1, 0), Position::new(u32::MAX, 0))),
            text: text[second_line..].to_string(),
        }],
        PositionEncoding::Utf16,
    );
    assert_eq!(document.text(), text);
}

#[test]
fn tangled_syntax_errors_are_given_up_and_reported() {
    let tree = parse(TANGLED, Language::TypeScript);
    assert!(gave_up(&tree, TANGLED));
    // A key in it is still found (the search reads the text); the analysis says why the rest is
    // not.
    let key = Knowledge::builtin()
        .secrets
        .fake("openai", 7)
        .expect("a format");
    let text = format!("const OPENAI_API_KEY = \"{key}\";\n{TANGLED}");
    let tree = parse(&text, Language::TypeScript);
    assert!(gave_up(&tree, &text));
    let analysis = analysed(&text, &tree);
    assert_eq!(analysis.failures.len(), 1, "{:?}", analysis.failures);
    assert_eq!(analysis.failures[0].stage, PARSE_STAGE);
    assert!(analysis.failures[0].message.contains("not parsed"));
    assert!(
        analysis.diagnostics.iter().any(|d| d.rule.code == "AL301"),
        "{:?}",
        analysis.diagnostics
    );
}

#[test]
fn text_that_parses_is_never_given_up() {
    // The generated modules of the benchmarks, and the tangled text's own module before the
    // keystrokes, parse within the budget with room to spare (real files take 13 of tree-sitter's
    // progress checks per kilobyte at most, the budget 200).
    for lines in [0, 1, 150, 5000] {
        let text = typescript_module(lines);
        let tree = parse(&text, Language::TypeScript);
        assert!(!gave_up(&tree, &text), "{lines} lines");
        assert!(analysed(&text, &tree).failures.is_empty());
    }
    for (text, language) in [
        ("", Language::Python),
        ("\n\n", Language::Python),
        ("   ", Language::TypeScript),
        ("# a comment only\n", Language::Python),
        ("// a comment only\n", Language::TypeScript),
        ("/* a comment only */", Language::JavaScript),
    ] {
        assert!(!gave_up(&parse(text, language), text), "{text:?}");
    }
}

#[test]
fn a_document_given_up_parses_afresh_once_edited_into_shape() {
    let mut document = Document::new(TANGLED, Language::TypeScript);
    assert!(gave_up(document.tree().expect("parsed"), TANGLED));
    // Typing in it: each version is given up again, never hung on, never panicked on.
    for (i, c) in "x = (".chars().enumerate() {
        let at = Position::new(3, i as u32);
        document.apply_changes(
            &[TextChange {
                range: Some((at, at)),
                text: c.to_string(),
            }],
            PositionEncoding::Utf16,
        );
        let text = document.text();
        assert!(gave_up(document.tree().expect("parsed"), &text));
    }
    // Replacing all but its first line (the same import) with code that parses: the next parse
    // is a fresh one, not a reparse of the empty tree (which an edit past its end leaves as it
    // is), and gives the text's tree.
    let fixed = typescript_module(150);
    replace_all_but_the_first_line(&mut document, &fixed);
    let tree = document.tree().expect("parsed");
    assert!(!gave_up(tree, &fixed));
    assert_eq!(
        agentlint_rules::syntax::structure(tree),
        agentlint_rules::syntax::structure(&parse(&fixed, Language::TypeScript))
    );
}

/// From a document given up, an edit into text that parses with an error, then a bracket: the
/// empty tree is never kept as the tree to reparse a closing bracket from (it covers none of the
/// text: a reparse from it would give an empty tree of a text that has one).
#[test]
fn the_empty_tree_of_a_parse_given_up_is_never_reparsed_from() {
    let mut document = Document::new(TANGLED, Language::TypeScript);
    let broken = typescript_module(150).replacen("const hits =", "const hits = ;", 1);
    replace_all_but_the_first_line(&mut document, &broken);
    assert!(document.tree().expect("parsed").root_node().has_error());
    let at = Position::new(5, 0);
    document.apply_changes(
        &[TextChange {
            range: Some((at, at)),
            text: "(".to_string(),
        }],
        PositionEncoding::Utf16,
    );
    let text = document.text();
    let tree = document.tree().expect("parsed");
    assert!(!gave_up(tree, &text));
    assert_eq!(tree.root_node().end_byte(), text.len());
}
