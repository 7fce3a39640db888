//! Fresh parses build the trees upstream's tree-sitter builds: the vendored changes (vendor/
//! README.md) touch only what a reparse reuses and how a parse's repetitions are rebalanced, so
//! no visible node of a fresh tree may differ. Checked on the repository's sources, generated
//! modules, text with every kind of character the lexer treats apart, and token soup whose error
//! recovery visits states a correct program never reaches.

use agentlint_rules::syntax::{Language, preorder};
use std::path::{Path, PathBuf};

/// A tree as text: every node's kind, byte range, start and end points, and whether it is an
/// error or missing.
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

/// Parses `text` (bytes: invalid UTF-8 too).
fn parse(text: &[u8], language: Language) -> tree_sitter::Tree {
    let mut parser = tree_sitter::Parser::new();
    let empty = agentlint_rules::syntax::parse("", language);
    parser
        .set_language(&empty.language())
        .expect("a bundled grammar");
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

/// Every input's tree as upstream's tree-sitter builds it: the snapshot's lines for the generated
/// inputs and the sources of its first recording came from upstream's build, so a change to the
/// vendored parser that moved, split or merged a visible node changes a digest. A repository
/// file added or edited since has its line recorded from the vendored build.
#[test]
fn trees_are_those_upstream_built() {
    let mut lines = Vec::new();
    for (name, language, text) in inputs() {
        let shape = shape(&parse(&text, language));
        lines.push(format!(
            "{name}: {} nodes, {:016x}",
            shape.lines().count(),
            digest(&shape)
        ));
    }
    insta::assert_snapshot!(lines.join("\n"));
}

/// The vendored tree-sitter differs from the release only in what a reparse reuses: the patch
/// touches `parser.c` and `subtree.c`, and every change marked in the vendored sources is in
/// one of them (a shortcut elsewhere would make a fresh parse's speed depend on code upstream
/// does not run).
#[test]
fn the_vendored_changes_touch_only_the_parser_and_subtrees() {
    let vendor = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vendor");
    let patch = std::fs::read_to_string(vendor.join("tree-sitter.patch")).expect("the patch");
    let touched: Vec<&str> = patch
        .lines()
        .filter_map(|line| line.strip_prefix("+++ b/"))
        .collect();
    assert_eq!(touched, ["src/parser.c", "src/subtree.c"]);
    let mut marked = Vec::new();
    let mut dirs = vec![vendor.join("tree-sitter")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a vendored directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| bytes.windows(11).any(|w| w == b"agentlint: "))
            {
                marked.push(
                    path.file_name()
                        .expect("a name")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    marked.sort();
    assert_eq!(marked, ["parser.c", "subtree.c"]);
    let patches = std::fs::read_dir(vendor.join("upstream"))
        .expect("the patches for upstream")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "patch"))
        })
        .count();
    assert_eq!(patches, 4, "one patch for upstream per change");
}
