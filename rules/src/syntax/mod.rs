//! Languages, parsing, incremental documents and position conversions.
//!
//! Invariant: parsing never fails. Tree-sitter always returns a tree (with `ERROR` nodes where the
//! text does not parse); rules analyse whatever parsed.

mod bundled;
pub(crate) mod change;
mod document;
mod input;
mod position;
mod walk;

use std::cell::RefCell;
use std::path::Path;

pub use bundled::bundled;
pub use document::{ApplyReport, Document, EditError, TextChange};
pub use input::{MAX_FILE_BYTES, SkipReason, check_input, check_owned};
pub use position::{
    LineIndex, Position, PositionEncoding, RopeOffset, floor_char_boundary, rope_offset,
};
pub use tree_sitter::Tree;
pub use walk::{
    KindSet, Locator, Preorder, ancestors, assignments, is_function, preorder, structure,
};

/// A language agentlint analyses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    TypeScript,
    Tsx,
    /// JavaScript and JSX, parsed with the TSX grammar (a superset that also accepts JSX).
    JavaScript,
}

/// Languages that share syntax and library names, and so share facts and knowledge tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Python,
    /// TypeScript, TSX, JavaScript and JSX.
    JavaScript,
}

impl Language {
    /// Language of a file by its extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        Self::from_extension(ext)
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        Some(match ext.to_ascii_lowercase().as_str() {
            "py" | "pyi" => Language::Python,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            _ => return None,
        })
    }

    /// Language from an LSP `languageId`.
    pub fn from_language_id(id: &str) -> Option<Self> {
        Some(match id {
            "python" => Language::Python,
            "typescript" => Language::TypeScript,
            "typescriptreact" => Language::Tsx,
            "javascript" | "javascriptreact" => Language::JavaScript,
            _ => return None,
        })
    }

    pub fn family(self) -> Family {
        match self {
            Language::Python => Family::Python,
            Language::TypeScript | Language::Tsx | Language::JavaScript => Family::JavaScript,
        }
    }

    /// The line-comment marker.
    pub fn comment_prefix(self) -> &'static str {
        match self.family() {
            Family::Python => "#",
            Family::JavaScript => "//",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "Python",
            Language::TypeScript => "TypeScript",
            Language::Tsx => "TSX",
            Language::JavaScript => "JavaScript",
        }
    }

    pub(crate) fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx | Language::JavaScript => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    fn parser_slot(self) -> usize {
        match self {
            Language::Python => 0,
            Language::TypeScript => 1,
            Language::Tsx | Language::JavaScript => 2,
        }
    }
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Python => "python",
            Family::JavaScript => "javascript",
        }
    }
}

thread_local! {
    /// One parser per grammar per thread: parsers are cheap to keep and not `Sync`.
    static PARSERS: RefCell<[Option<tree_sitter::Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Runs `f` with this thread's parser for `language`.
pub(crate) fn with_parser<R>(
    language: Language,
    f: impl FnOnce(&mut tree_sitter::Parser) -> R,
) -> R {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let slot = &mut parsers[language.parser_slot()];
        let parser = slot.get_or_insert_with(|| {
            let mut parser = tree_sitter::Parser::new();
            // The grammars are compiled in and ABI-compatible (checked by the tests), so this
            // cannot fail at run time.
            #[allow(clippy::expect_used)]
            parser
                .set_language(&language.grammar())
                .expect("bundled grammar is compatible with the tree-sitter runtime");
            parser
        });
        f(parser)
    })
}

/// Parses `source` from scratch (within [`parse_budget`]).
pub fn parse(source: &str, language: Language) -> tree_sitter::Tree {
    with_parser(language, |parser| {
        parser.reset();
        let mut budget = parse_budget(source.len());
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut budget);
        parse_or_empty(parser, |parser| {
            parser.parse_with_options(
                &mut |byte, _| source.as_bytes().get(byte..).unwrap_or_default(),
                None,
                Some(options),
            )
        })
    })
}

/// Progress checks a parse may take (tree-sitter checks every 100 parse operations) before it
/// is given up: a floor and so many per kilobyte of text in all, and so many while the parse
/// does not get a kilobyte further.
const PARSE_BUDGET_FLOOR: u64 = 2_000;
const PARSE_BUDGET_PER_KB: u64 = 200;
const PARSE_BUDGET_STALL: u64 = 5_000;

/// A parse's budget: tree-sitter's error recovery can take time exponential in the syntax
/// errors close together (a few dozen in a few kilobytes of TypeScript parse for minutes, taking
/// gigabytes), and a hung parse would hang the editor's file or the whole check. Counted in
/// tree-sitter's operations, not in time, so the same text gives the same tree on every
/// machine. Real files take 13 checks per kilobyte at most, and at most 163 before their parse
/// gets a kilobyte further (every Python, TypeScript and JavaScript file of eight public agent
/// repositories: cookbooks, examples, MCP servers); a 5,000-line module about 2,500 in all. So the budget is 15 times the
/// densest file in all, and 30 times the slowest stretch without progress (which bounds a
/// tangled spot in a large file to a fraction of a second, where the whole file's budget would
/// allow minutes). A parse given up gives the empty tree ([`parse_or_empty`], [`gave_up`]).
#[derive(Clone, Debug)]
pub(crate) struct ParseBudget {
    limit: u64,
    checks: u64,
    /// Where the parse was, and after how many checks, when it last got a kilobyte further.
    mark: (usize, u64),
}

impl ParseBudget {
    pub(crate) fn new(bytes: usize) -> Self {
        Self {
            limit: PARSE_BUDGET_FLOOR + PARSE_BUDGET_PER_KB * (bytes as u64).div_ceil(1024),
            checks: 0,
            mark: (0, 0),
        }
    }

    /// One progress check at `offset` (the byte the parse has reached): whether to go on.
    pub(crate) fn check(&mut self, offset: usize) -> bool {
        self.checks += 1;
        if offset >= self.mark.0 + 1024 {
            self.mark = (offset, self.checks);
        }
        self.checks <= self.limit && self.checks - self.mark.1 <= PARSE_BUDGET_STALL
    }
}

/// [`ParseBudget`] as tree-sitter's progress callback.
pub(crate) fn parse_budget(
    bytes: usize,
) -> impl FnMut(&tree_sitter::ParseState) -> std::ops::ControlFlow<()> {
    let mut budget = ParseBudget::new(bytes);
    move |state| {
        if budget.check(state.current_byte_offset()) {
            std::ops::ControlFlow::Continue(())
        } else {
            std::ops::ControlFlow::Break(())
        }
    }
}

/// Whether `tree` is what a parse of `source` gave when it was given up ([`parse_budget`]): the
/// empty tree of a text that has tokens.
pub fn gave_up(tree: &tree_sitter::Tree, source: &str) -> bool {
    let root = tree.root_node();
    root.end_byte() == 0 && root.child_count() == 0 && !source.trim().is_empty()
}

/// A parser returns `None` when a parse is given up ([`parse_budget`]) or cancelled, or without a
/// language (which agentlint never does): the empty document's tree keeps "parsing never fails".
pub(crate) fn parse_or_empty(
    parser: &mut tree_sitter::Parser,
    parse: impl FnOnce(&mut tree_sitter::Parser) -> Option<tree_sitter::Tree>,
) -> tree_sitter::Tree {
    if let Some(tree) = parse(parser) {
        return tree;
    }
    parser.reset();
    #[allow(clippy::expect_used)]
    parser
        .parse("", None)
        .expect("a parser with a language parses the empty string")
}

/// (node kinds, fields) of a grammar, and a field's name.
type FieldKey = (usize, usize, &'static str);

thread_local! {
    /// Field ids by (grammar, field name): `Node::child_by_field_name` looks the name up in the
    /// grammar's table on every call.
    static FIELDS: RefCell<rustc_hash::FxHashMap<FieldKey, Option<u16>>> =
        RefCell::new(rustc_hash::FxHashMap::default());
}

/// `node.child_by_field_name(name)`, with the field's id looked up once per grammar.
pub fn field<'t>(node: tree_sitter::Node<'t>, name: &'static str) -> Option<tree_sitter::Node<'t>> {
    let language = node.language();
    // A grammar is known by its size (TypeScript and TSX differ: TSX has the JSX nodes), as
    // not every grammar has a name.
    let grammar = (language.node_kind_count(), language.field_count());
    let id = FIELDS.with(|fields| {
        *fields
            .borrow_mut()
            .entry((grammar.0, grammar.1, name))
            .or_insert_with(|| language.field_id_for_name(name).map(|id| id.get()))
    });
    node.child_by_field_id(id?)
}

/// [`field`] as a method: `node.field("name")` for `node.child_by_field_name("name")`.
pub trait Fields<'t> {
    fn field(&self, name: &'static str) -> Option<tree_sitter::Node<'t>>;
}

impl<'t> Fields<'t> for tree_sitter::Node<'t> {
    fn field(&self, name: &'static str) -> Option<tree_sitter::Node<'t>> {
        field(*self, name)
    }
}

/// Byte range of a node.
pub fn node_range(node: tree_sitter::Node<'_>) -> std::ops::Range<usize> {
    node.start_byte()..node.end_byte()
}

/// Source text of a node (empty if the range is not on char boundaries, which tree-sitter never
/// produces for valid UTF-8).
pub fn node_text<'s>(node: tree_sitter::Node<'_>, source: &'s str) -> &'s str {
    source.get(node.start_byte()..node.end_byte()).unwrap_or("")
}

/// `text` on one line, cut to `max` characters.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}

/// The URL host written in a call's text.
pub(crate) fn url_host(text: &str) -> Option<String> {
    use std::sync::OnceLock;
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    // The host, after any `user:password@` (which is no host, and may be a secret).
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(r#"https?://(?:[^@/\s"'`]*@)?([A-Za-z0-9.\-]+)"#).expect("valid pattern")
    });
    pattern.captures(text).map(|c| c[1].to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_url_host_is_never_its_user_or_password() {
        assert_eq!(
            url_host("httpx.post(\"https://api.example/v1\")").as_deref(),
            Some("api.example")
        );
        assert_eq!(
            url_host("post(\"https://user:Zq7vN2wR@stats.example/x\")").as_deref(),
            Some("stats.example")
        );
        assert_eq!(
            url_host("f\"https://tok3n@h.example\"").as_deref(),
            Some("h.example")
        );
        assert_eq!(
            url_host("get(\"https://h.example/a@b\")").as_deref(),
            Some("h.example")
        );
    }

    use super::*;

    #[test]
    fn every_extension_maps_to_a_language() {
        for (ext, lang) in [
            ("py", Language::Python),
            ("pyi", Language::Python),
            ("ts", Language::TypeScript),
            ("mts", Language::TypeScript),
            ("cts", Language::TypeScript),
            ("tsx", Language::Tsx),
            ("js", Language::JavaScript),
            ("mjs", Language::JavaScript),
            ("cjs", Language::JavaScript),
            ("jsx", Language::JavaScript),
        ] {
            assert_eq!(Language::from_extension(ext), Some(lang), "{ext}");
        }
        assert_eq!(Language::from_extension("rs"), None);
    }

    #[test]
    fn grammars_load_and_parse() {
        for (lang, src) in [
            (Language::Python, "def f(x):\n    return eval(x)\n"),
            (
                Language::TypeScript,
                "const f = (x: string): number => eval(x);",
            ),
            (Language::Tsx, "const a = <div>{eval(x)}</div>;"),
            (Language::JavaScript, "const a = <b/>; eval(x);"),
        ] {
            let tree = parse(src, lang);
            assert!(
                !tree.root_node().has_error(),
                "{lang:?}: {}",
                tree.root_node().to_sexp()
            );
        }
    }

    #[test]
    fn broken_syntax_still_parses() {
        let tree = parse("def f(:\n  eval(x)\n", Language::Python);
        assert!(tree.root_node().has_error());
    }

    /// A parse that gets a kilobyte further every 13 checks (the densest real file) never runs
    /// out; one that stops getting further is given up after the stall allowance, however long
    /// the file; one that gets further, slowly, after the whole file's budget.
    #[test]
    fn the_parse_budget_allows_progress_and_bounds_a_stall() {
        let (bytes, per_kb) = (5 * 1024 * 1024, 13);
        let mut budget = ParseBudget::new(bytes);
        for check in 0..(bytes / 1024) * per_kb {
            assert!(budget.check(check / per_kb * 1024), "check {check}");
        }
        // Stuck at one place in a 5 MB file: the file's budget is a million checks, the stall's
        // a few thousand.
        let mut budget = ParseBudget::new(bytes);
        let given_up = (1..).find(|_| !budget.check(70_000)).expect("given up");
        // The first check got it there; then the stall's allowance, and one more.
        assert_eq!(given_up, 1 + PARSE_BUDGET_STALL + 1);
        // Getting further just fast enough never to stall: the whole budget.
        let mut budget = ParseBudget::new(20 * 1024);
        let given_up = (1..)
            .find(|&n| !budget.check(n as usize / PARSE_BUDGET_STALL as usize * 1024))
            .expect("given up");
        assert_eq!(
            given_up as u64,
            PARSE_BUDGET_FLOOR + 20 * PARSE_BUDGET_PER_KB + 1
        );
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;

    /// `field` finds what `child_by_field_name` finds, in every grammar (their field ids differ).
    #[test]
    #[allow(clippy::disallowed_methods)]
    fn field_ids_are_per_grammar() {
        for (source, language) in [
            ("f(name=1)\nx = {'key': 2}\n", Language::Python),
            ("const o = { key: 1, other: f(2) };\n", Language::TypeScript),
            ("const o = { key: <a/>, value: 2 };\n", Language::Tsx),
            ("const o = { key: 1 };\n", Language::JavaScript),
        ] {
            let tree = parse(source, language);
            let mut checked = 0;
            for node in walk::preorder(tree.root_node()) {
                for name in [
                    "key",
                    "value",
                    "name",
                    "left",
                    "right",
                    "function",
                    "arguments",
                ] {
                    assert_eq!(
                        field(node, name),
                        node.child_by_field_name(name),
                        "{language:?} {} {name}",
                        node.kind()
                    );
                    checked += usize::from(field(node, name).is_some());
                }
            }
            assert!(checked >= 3, "{language:?}");
        }
    }
}
