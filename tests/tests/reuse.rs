//! What a reparse reuses of the previous tree: the unchanged runs of statements around an edit,
//! whole (tree-sitter, patched: vendor/README.md), so that a keystroke's parse does not grow
//! with the file. Counted in parse steps through tree-sitter's log, not timed; and after random
//! edits, the incremental tree must be the fresh parse's.

use agentlint_rules::syntax::{Document, TextChange, Tree, gave_up, parse, structure};
use agentlint_rules::{Language, Position, PositionEncoding};
use proptest::prelude::*;

/// `text` with `typed` inserted at byte `at`, and the parse steps (tree-sitter's `process`
/// messages: one per step of a parse stack) of reparsing it from `old`, with the tree.
fn reparse_steps(old: &Tree, text: &str, at: usize, typed: &str) -> (String, Tree, usize) {
    agentlint_e2e::reparse_logged(old, text, at, typed, "process ")
}

/// Python with no decorators: definitions and classes, each starting with a keyword that the
/// first parse lexed inside the block before it.
fn plain_python(definitions: usize) -> String {
    let mut text = String::from("import os\n\n");
    for i in 0..definitions {
        text.push_str(&format!(
            "def f{i}(x):\n    y = x + {i}\n    return y\n\n\nclass C{i}:\n    z = {i}\n\n"
        ));
    }
    text
}

/// A character typed into a statement in the middle of modules of two sizes takes about as many
/// parse steps in both, and few: the runs of statements before and after the edit are reused
/// whole. Upstream tree-sitter takes steps in proportion to the statements: a repetition's
/// nodes were all fragile (never reused), and in Python no definition after the edit was
/// reused whole (its first token was lexed in another state). Upstream counts, 2,000-line
/// modules: 654 steps (Python tools), 2,818 (plain Python, 400 definitions), 246 (TypeScript).
#[test]
fn a_keystroke_reparses_as_many_steps_in_a_long_module_as_in_a_short_one() {
    use agentlint_e2e::bench::{python_module, typescript_module};
    type Module = fn(usize) -> String;
    let cases: [(&str, Module, Language, &str, usize); 3] = [
        (
            "python tools",
            python_module,
            Language::Python,
            "    hits",
            8,
        ),
        (
            "plain python",
            plain_python,
            Language::Python,
            "    y = x",
            5,
        ),
        (
            "typescript tools",
            typescript_module,
            Language::TypeScript,
            "    const hits",
            14,
        ),
    ];
    for (name, module, language, anchor, into) in cases {
        let steps = |size: usize| {
            let text = module(size);
            let middle = text.len() / 2;
            let at = middle
                + text[middle..]
                    .find(anchor)
                    .expect("a statement past the middle");
            // Into the name the statement binds: the text still parses.
            let (after, tree, steps) =
                reparse_steps(&parse(&text, language), &text, at + into, "x");
            assert!(!tree.root_node().has_error(), "{name}: {after}");
            assert_eq!(
                structure(&tree),
                structure(&parse(&after, language)),
                "{name}"
            );
            steps
        };
        let (small, large) = if name == "plain python" {
            (steps(100), steps(1600))
        } else {
            (steps(500), steps(8000))
        };
        assert!(
            large < 80 && large <= small + 20,
            "{name}: {small} parse steps in the short module, {large} in the long one"
        );
    }
}

/// Top-level pieces of the generated modules: definitions, classes, decorated tools, comments,
/// imports, assignments and blocks, so that runs of every kind are reused.
const PYTHON_STATEMENTS: &[&str] = &[
    "import os\n",
    "from a import b as c\n",
    "@mcp.tool()\ndef tool_N(query: str) -> str:\n    \"\"\"Search.\"\"\"\n    hits = find(query)\n    return hits\n",
    "def f_N(x):\n    y = x + 1\n    return y\n",
    "class C_N(Base):\n    z = 1\n\n    def m(self):\n        return self.z\n",
    "# a comment N\n",
    "X_N = [1, 2,\n    3]\n",
    "if X_N:\n    a = 1\nelse:\n    b = 2\n",
    "\n",
    "async def h_N():\n    await q()\n",
    "\"\"\"doc N\"\"\"\n",
];
const TYPESCRIPT_STATEMENTS: &[&str] = &[
    "import { a } from \"b\";\n",
    "export const x_N = 1;\n",
    "function f_N(a: number) {\n  return a + 1;\n}\n",
    "class K_N {\n  m() {\n    return 1;\n  }\n}\n",
    "// a comment N\n",
    "export const t_N = tool({\n  description: \"d\",\n  execute: async ({ q }) => q,\n});\n",
    "if (a) {\n  b();\n} else {\n  c();\n}\n",
    "interface I_N {\n  a: string;\n}\n",
    "type T_N = { a: 1 };\n",
    "let s_N = `x${y}z`;\n",
    "\n",
];
/// What an edit inserts: keystrokes, most of them, and lines or statements pasted.
const TYPED: &[&str] = &[
    "a",
    "x",
    "1",
    " ",
    "\n",
    "    ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ";",
    ",",
    ".",
    "=",
    "\"",
    "'",
    "`",
    "#",
    "@",
    "/",
    "*",
    "\\",
    "\t",
    "\ndef g():\n    pass\n",
    "\nclass D:\n",
    "\nreturn 1\n",
    "\nfunction g() {}\n",
    "async ",
    "}\n",
    "):\n    ",
];

/// An LSP position (UTF-8: byte columns) of a byte offset of an ASCII text.
fn position(text: &str, at: usize) -> Position {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    Position::new(
        text[..at].matches('\n').count() as u32,
        (at - line_start) as u32,
    )
}

/// Replaces `range` of `text` with `typed`, in the document too (it reparses), and gives the
/// document's tree.
fn replace<'d>(
    document: &'d mut Document,
    text: &mut String,
    range: std::ops::Range<usize>,
    typed: &str,
) -> &'d Tree {
    let lsp = (position(text, range.start), position(text, range.end));
    text.replace_range(range, typed);
    document.apply_changes(
        &[TextChange {
            range: Some(lsp),
            text: typed.to_string(),
        }],
        PositionEncoding::Utf8,
    );
    document.tree().expect("parsed")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Random edits, one after another, each reparsed from the last incremental tree (as the
    /// server does): whenever the text parses, the tree is the fresh parse's.
    #[test]
    fn edits_in_modules_of_many_statements_reparse_as_fresh(
        typescript in proptest::bool::ANY,
        statements in proptest::collection::vec(0..PYTHON_STATEMENTS.len(), 40..160),
        edits in proptest::collection::vec(
            (0.0..=1.0f64, prop_oneof![4 => Just(0usize), 1 => 1..40usize], 0..TYPED.len()),
            1..30,
        ),
    ) {
        let (pieces, language) = if typescript {
            (TYPESCRIPT_STATEMENTS, Language::TypeScript)
        } else {
            (PYTHON_STATEMENTS, Language::Python)
        };
        let mut text: String = statements
            .iter()
            .enumerate()
            .map(|(i, &p)| pieces[p % pieces.len()].replace('N', &i.to_string()))
            .collect();
        let mut document = Document::new(&text, language);
        for (start, deleted, typed) in edits {
            let from = ((start * text.len() as f64) as usize).min(text.len());
            let to = (from + deleted).min(text.len());
            let tree = replace(&mut document, &mut text, from..to, TYPED[typed]);
            let fresh = parse(&text, language);
            // A parse given up (`syntax::ParseBudget`) is no tree to compare, and with syntax
            // errors the recovery of an incremental parse may differ from a fresh one's (upstream
            // too): the trees must be the same whenever the text parses.
            if fresh.root_node().has_error() || gave_up(&fresh, &text) || gave_up(tree, &text) {
                continue;
            }
            prop_assert_eq!(structure(tree), structure(&fresh), "tree differs for {:?}", text);
        }
    }
}

/// A rotation never takes a repeated item apart (vendor/README.md, change 3). After an edit
/// in the second argument of a long call, rebalancing the argument list could take the item
/// `, ax.y_1` apart into a node `R(',', R(x.y_1, …))`, which no production builds; the next
/// edit before an argument reused it, broke it down and parsed the list with an error that a
/// fresh parse has not.
#[test]
fn a_rebalanced_argument_list_reparses_as_fresh_after_two_edits() {
    let items: Vec<String> = (0..50)
        .map(|i| {
            if i == 1 {
                format!("x.y_{i}")
            } else {
                format!("f({i})")
            }
        })
        .collect();
    let mut text = format!("import a\n\nx = f({})\ny = 1\n", items.join(", "));
    let mut document = Document::new(&text, Language::Python);
    let second = text.find(", x.y_1").expect("the second argument") + 2;
    replace(&mut document, &mut text, second..second, "a");
    let fourth = text.find(", f(3)").expect("the fourth argument") + 1;
    let tree = replace(&mut document, &mut text, fourth..fourth + 1, "a");
    assert!(text.contains("f(2),af(3)"), "{text}");
    let fresh = parse(&text, Language::Python);
    assert!(!fresh.root_node().has_error());
    assert!(!tree.root_node().has_error(), "{text}");
    assert_eq!(structure(tree), structure(&fresh));
}

/// The items of the long lists below: calls, strings, pairs, nested lists, spread out over
/// lines or not, so that the repeated items are nodes of several kinds.
const ITEMS: &[&str] = &[
    "f(N)",
    "\"s N\"",
    "N",
    "[N, N]",
    "g(a=N)",
    "\n    h(N)",
    "x.y_N",
    "(N, N)",
    "-N",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Edits one after another in and around the first items of a long list (a call's arguments, a list, a
    /// dictionary; in Python and TypeScript): each reparse rebalances the list's repetition
    /// around runs of items it reused, and the tree must stay the fresh parse's. (A reparse
    /// reusing a run of items once rotated a repeated item apart, and the next edit before the
    /// first comma parsed the list with an error.)
    #[test]
    fn edits_near_the_start_of_long_lists_reparse_as_fresh(
        typescript in proptest::bool::ANY,
        container in 0..3usize,
        items in proptest::collection::vec(0..ITEMS.len(), 30..120),
        edits in proptest::collection::vec(
            (0..6usize, 0..8usize, prop_oneof![3 => Just(0usize), 1 => 1..4usize], 0..TYPED.len()),
            1..12,
        ),
    ) {
        let language = if typescript { Language::TypeScript } else { Language::Python };
        let items: Vec<String> = items
            .iter()
            .enumerate()
            .map(|(i, &item)| {
                let item = ITEMS[item].replace('N', &i.to_string());
                if container == 2 { format!("k{i}: {}", item.trim_start()) } else { item }
            })
            .collect();
        let (open, close) = [("f(", ")"), ("[", "]"), ("{", "}")][container];
        let list = format!("{open}{}{close}", items.join(", "));
        let mut text = if typescript {
            format!("import a from \"a\";\nconst x = {list};\nexport const y = 1;\n")
        } else {
            format!("import a\n\nx = {list}\ny = 1\n")
        };
        let list_start = text.find(open).expect("the list");
        let mut document = Document::new(&text, language);
        for (item, offset, deleted, typed) in edits {
            // In or around one of the first items: its text, the comma and space before it.
            let separators: Vec<usize> = text[list_start..]
                .match_indices(", ")
                .take(6)
                .map(|(i, _)| list_start + i)
                .collect();
            let start = if item == 0 { list_start } else { separators.get(item - 1).copied().unwrap_or(list_start) };
            let from = (start + offset).min(text.len());
            let to = (from + deleted).min(text.len());
            let tree = replace(&mut document, &mut text, from..to, TYPED[typed]);
            let fresh = parse(&text, language);
            if gave_up(&fresh, &text) || gave_up(tree, &text) {
                continue;
            }
            if !fresh.root_node().has_error() {
                prop_assert!(!tree.root_node().has_error(), "an error the fresh parse has not in {:?}", text);
                prop_assert_eq!(structure(tree), structure(&fresh), "tree differs for {:?}", text);
            }
        }
    }
}
