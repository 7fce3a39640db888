//! The vendored tree-sitter's shortcuts (vendor/README.md, changes 5 to 8) do what the paths
//! they shorten do: the lexer's common step against its general one (which a logger forces),
//! the small states' direct table and the reductions' unbranched pops against the trees
//! upstream built (recorded in a snapshot before either existed), and the walk for nodes of given kinds against a
//! cursor's pre-order walk; on the repository's sources, generated modules, text with every
//! kind of character the lexer treats apart, and token soup whose error recovery visits states
//! a correct program never reaches.

use agentlint_rules::syntax::{Language, preorder};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// A tree as text: every node's kind, byte range, start and end points, and whether it is an
/// error or missing; what either shortcut could change.
fn shape(tree: &tree_sitter::Tree) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for node in preorder(tree.root_node()) {
        let (start, end) = (node.start_position(), node.end_position());
        let _ = writeln!(
            out,
            "{} {}..{} {}:{}-{}:{} {}{}",
            node.kind_id(),
            node.start_byte(),
            node.end_byte(),
            start.row,
            start.column,
            end.row,
            end.column,
            u8::from(node.is_error()),
            u8::from(node.is_missing()),
        );
    }
    out
}

/// Parses `text` (bytes: invalid UTF-8 too), within `ranges` if any, with or without a logger
/// (which sends every step of the lexer down its general path).
fn parse(
    text: &[u8],
    language: Language,
    logged: bool,
    ranges: Option<&[tree_sitter::Range]>,
) -> tree_sitter::Tree {
    let mut parser = tree_sitter::Parser::new();
    let empty = agentlint_rules::syntax::parse("", language);
    parser
        .set_language(&empty.language())
        .expect("a bundled grammar");
    if let Some(ranges) = ranges {
        parser.set_included_ranges(ranges).expect("ordered ranges");
    }
    if logged {
        parser.set_logger(Some(Box::new(|_, _| {})));
    }
    parser
        .parse(text, None)
        .expect("no timeout, no cancellation")
}

/// The repository's own sources in the three grammars (the examples and the rules' fixtures; not
/// `tests/tests/data`, whose module takes tree-sitter minutes without the analysis's budget).
fn sources() -> Vec<(String, Language, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs: Vec<PathBuf> = ["examples", "rules/tests"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if Language::from_path(&path).is_some() {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "found only {} sources", files.len());
    files
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            let language = Language::from_path(&path).expect("a code file");
            (name, language, std::fs::read(&path).expect("readable"))
        })
        .collect()
}

/// Pseudo-random token soup in a grammar's vocabulary (a fixed seed): mostly broken code, whose
/// error recovery goes through many of the small states.
fn soup(seed: u64, tokens: usize, python: bool) -> Vec<u8> {
    const COMMON: &[&str] = &[
        "(", ")", "[", "]", "{", "}", ",", ":", ".", "=", "==", "+", "-", "*", "/", "%", "<", ">",
        "x", "foo", "_a1", "1", "2.5", "0x1F", "'s'", "\"d\"", "\n", "\n    ", " ", "\t", "é",
        "日本", "🙂", "\r\n", "#c\n", "\\\n", "@",
    ];
    const PYTHON: &[&str] = &[
        "def",
        "class",
        "return",
        "if",
        "elif",
        "else",
        "for",
        "in",
        "while",
        "with",
        "as",
        "lambda",
        "import",
        "from",
        "try",
        "except",
        "finally",
        "yield",
        "await",
        "async",
        "not",
        "and",
        "or",
        "is",
        "None",
        "f'{x}'",
        "b'\\x00'",
        "'''t\n'''",
        "->",
        ":=",
        "**",
        "...",
    ];
    const SCRIPT: &[&str] = &[
        "function",
        "const",
        "let",
        "var",
        "return",
        "if",
        "else",
        "for",
        "of",
        "in",
        "while",
        "class",
        "extends",
        "new",
        "import",
        "export",
        "from",
        "async",
        "await",
        "=>",
        ";",
        "?",
        "?.",
        "??",
        "`t${x}`",
        "/re/g",
        "<div>",
        "</div>",
        "interface",
        "type",
        ": string",
        "as",
        "//c\n",
        "/*c*/",
        "...",
        "!",
    ];
    let own = if python { PYTHON } else { SCRIPT };
    let mut state = seed;
    let mut out = Vec::new();
    for _ in 0..tokens {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pick = (state >> 33) as usize;
        let token = if pick.is_multiple_of(3) {
            own[pick / 3 % own.len()]
        } else {
            COMMON[pick / 3 % COMMON.len()]
        };
        out.extend_from_slice(token.as_bytes());
        if !pick.is_multiple_of(5) {
            out.push(b' ');
        }
    }
    out
}

/// Text with what the lexer treats apart: multi-byte characters at token starts and ends, a
/// byte order mark, carriage returns, tabs, NUL, invalid UTF-8 and a last line with no break.
fn characters(python: bool) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice("\u{feff}".as_bytes());
    if python {
        out.extend_from_slice(
            "def é(ü, x=\"日本\"):\r\n\treturn ü + '🙂' # ¿\r\n\nclass Ω:\n    ζ = 1\t# \u{0}\n"
                .as_bytes(),
        );
    } else {
        out.extend_from_slice(
            "const é = (ü: string) => `日本${ü}🙂`;\r\n\tlet Ω = { ζ: 1 } // ¿\u{0}\n".as_bytes(),
        );
    }
    out.extend_from_slice(b"x = '\xff\xfe' \x80\n");
    out.extend_from_slice("y = 'ends without a line break é".as_bytes());
    out
}

/// Every input: name, grammar, bytes.
fn inputs() -> Vec<(String, Language, Vec<u8>)> {
    let mut all = sources();
    for (name, language, python) in [
        ("python", Language::Python, true),
        ("typescript", Language::TypeScript, false),
        ("tsx", Language::Tsx, false),
    ] {
        all.push((format!("characters.{name}"), language, characters(python)));
        for seed in 0..8 {
            all.push((
                format!("soup-{seed}.{name}"),
                language,
                soup(seed, 400, python),
            ));
        }
    }
    all.push((
        "module-600.py".into(),
        Language::Python,
        agentlint_e2e::bench::python_module(600).into_bytes(),
    ));
    all.push((
        "module-600.ts".into(),
        Language::TypeScript,
        agentlint_e2e::bench::typescript_module(600).into_bytes(),
    ));
    all
}

/// FNV-1a: a digest that stays the same across Rust versions and platforms.
fn digest(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The lexer's common step yields the trees its general step does, on every input.
#[test]
fn the_lexers_common_step_lexes_as_its_general_one() {
    for (name, language, text) in inputs() {
        let common = shape(&parse(&text, language, false, None));
        let general = shape(&parse(&text, language, true, None));
        assert!(common == general, "{name}: the trees differ");
    }
}

/// The same within included ranges, whose ends the common step must not cross: each input
/// parsed in three ranges that cut through tokens and lines.
#[test]
fn the_lexers_common_step_stops_at_included_ranges() {
    for (name, language, text) in inputs() {
        let n = text.len();
        if n < 30 {
            continue;
        }
        let cuts = [0, n / 5, n / 5 + 7, n / 2 + 3, n / 2 + 11, n];
        let point = |at: usize| {
            let before = &text[..at];
            let row = before.iter().filter(|&&b| b == b'\n').count();
            let column = at
                - before
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
            tree_sitter::Point::new(row, column)
        };
        let ranges: Vec<tree_sitter::Range> = cuts
            .chunks(2)
            .map(|pair| tree_sitter::Range {
                start_byte: pair[0],
                end_byte: pair[1],
                start_point: point(pair[0]),
                end_point: point(pair[1]),
            })
            .collect();
        let common = shape(&parse(&text, language, false, Some(&ranges)));
        let general = shape(&parse(&text, language, true, Some(&ranges)));
        assert!(common == general, "{name}: the trees differ within ranges");
    }
}

/// Every input's tree as upstream's tree-sitter built it: the snapshot was recorded before
/// changes 5 and 6 (the lexer's common step, the direct table for small states) and holds
/// through change 8 (a reduction's children taken from an unbranched stack directly), so any
/// other value the table gives for a state and symbol the parses reach, or any other children a
/// reduction takes, changes a digest. A repository file added or edited since has its line
/// recorded from the vendored build (the generated inputs never change; the tests above compare
/// every input's shortened paths with the general ones).
#[test]
fn trees_are_those_upstream_built() {
    let mut lines = Vec::new();
    for (name, language, text) in inputs() {
        let shape = shape(&parse(&text, language, false, None));
        lines.push(format!(
            "{name}: {} nodes, {:016x}",
            shape.lines().count(),
            digest(&shape)
        ));
    }
    insta::assert_snapshot!(lines.join("\n"));
}

/// A node as the walks compare it: id, kind, alias-aware kind name, bytes and points.
fn seen(node: tree_sitter::Node<'_>) -> (usize, u16, &'static str, usize, usize, String) {
    let (start, end) = (node.start_position(), node.end_position());
    (
        node.id(),
        node.kind_id(),
        node.kind(),
        node.start_byte(),
        node.end_byte(),
        format!("{start:?}{end:?}"),
    )
}

/// The nodes of the kinds set, as a cursor's pre-order walk reaches them.
fn by_cursor(
    node: tree_sitter::Node<'_>,
    kinds: &[bool],
) -> Vec<(usize, u16, &'static str, usize, usize, String)> {
    preorder(node)
        .filter(|n| kinds.get(usize::from(n.kind_id())) == Some(&true))
        .map(seen)
        .collect()
}

/// The walk for nodes of given kinds finds what a cursor's pre-order walk does, in its order:
/// every kind (anonymous, aliased, extra, error and missing nodes included), then every third
/// kind, from the root and from each of the root's children.
#[test]
fn nodes_of_kinds_are_found_as_a_cursor_walks_to_them() {
    for (name, language, text) in inputs() {
        let tree = parse(&text, language, false, None);
        let count = tree.language().node_kind_count();
        let every = vec![true; count + 1];
        let thirds: Vec<bool> = (0..count).map(|id| id % 3 == 1).collect();
        let root = tree.root_node();
        let mut starts = vec![root];
        let mut children = root.walk();
        starts.extend(root.children(&mut children));
        for start in starts {
            for kinds in [&every, &thirds] {
                let found: Vec<_> = start
                    .descendants_of_kinds(kinds)
                    .into_iter()
                    .map(seen)
                    .collect();
                assert!(found == by_cursor(start, kinds), "{name}: the walks differ");
            }
        }
    }
}

/// A node's children found without a cursor are those a cursor finds, for every node of every
/// input.
#[test]
fn children_are_listed_as_a_cursor_finds_them() {
    for (name, language, text) in inputs() {
        let tree = parse(&text, language, false, None);
        let mut cursor = tree.walk();
        let every = vec![true; tree.language().node_kind_count() + 1];
        for node in tree.root_node().descendants_of_kinds(&every) {
            let listed: Vec<_> = node.child_list().into_iter().map(seen).collect();
            let walked: Vec<_> = node.children(&mut cursor).map(seen).collect();
            assert!(listed == walked, "{name}: the children of {node:?} differ");
        }
    }
}

/// An alias's kind id is no symbol of the grammar's parse table: in the last (small) states it
/// has no next state, as the searched table says, and the direct table is not read for it (its
/// place in a row would be another state's, past the table's end in the last rows).
#[test]
fn alias_ids_have_no_next_state_in_small_states() {
    for language in [Language::Python, Language::TypeScript, Language::Tsx] {
        let empty = agentlint_rules::syntax::parse("", language);
        let grammar = empty.language();
        // The grammars' last kind ids are aliases (two in Python, seven in TypeScript and TSX),
        // numbered after every symbol; their last hundred states are small.
        let alias = u16::try_from(grammar.node_kind_count() - 1).expect("a u16 id");
        let states = u16::try_from(grammar.parse_state_count()).expect("u16 states");
        for state in states - 100..states {
            assert_eq!(
                grammar.next_state(state, alias),
                0,
                "{language:?} state {state}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random text over characters of one to four bytes, line breaks of both kinds, tabs and
    /// NUL: the common step and the general one build the same trees.
    #[test]
    fn random_text_lexes_the_same_both_ways(
        text in "[a-z_(){}:=,.'\"\\n\\r\\t\\u{0} é日🙂#/`$<>-]{0,200}",
        grammar in 0..3usize,
    ) {
        let language = [Language::Python, Language::TypeScript, Language::Tsx][grammar];
        let common = shape(&parse(text.as_bytes(), language, false, None));
        let general = shape(&parse(text.as_bytes(), language, true, None));
        prop_assert_eq!(common, general);
    }
}
