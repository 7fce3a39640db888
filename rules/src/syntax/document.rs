//! An open document: its text as a rope and its syntax tree, edited incrementally.

use ropey::Rope;
use tree_sitter::{InputEdit, Point, Tree};

use super::position::{Position, PositionEncoding, rope_offset};
use super::{Language, parse_budget, parse_or_empty, with_parser};

/// One change from the editor: replace `range` (or the whole text when `None`) with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextChange {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

/// A change that could not be applied exactly.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A range whose end is before its start: nothing was changed.
    #[error("range end {end:?} is before its start {start:?}; change ignored")]
    ReversedRange { start: Position, end: Position },
}

/// How the document's tree relates to its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TreeState {
    /// Parsed from the current text.
    Parsed,
    /// Parsed from an earlier text, with every change since applied by `Tree::edit`: ready for an
    /// incremental reparse.
    Edited,
    /// The whole text was replaced: only a fresh parse will do.
    Replaced,
}

/// An open document: its text and syntax tree. Cloning is cheap (the rope and tree are shared).
///
/// Changes can be applied and parsed at once ([`Document::apply_changes`]) or split, as the
/// language server does: [`Document::edit`] on the protocol thread (cheap: rope and `Tree::edit`
/// only), [`Document::parse_tree`] on a worker, and [`Document::set_tree`] to keep the result.
/// A burst of keystrokes then costs one parse, not one per keystroke.
#[derive(Clone)]
pub struct Document {
    rope: Rope,
    tree: Tree,
    state: TreeState,
    language: Language,
    /// Text only (a configuration file): never parsed; the tree is an empty one.
    plain: bool,
    /// While the tree has a syntax error: the last tree without one, edited like the tree since.
    /// An unclosed string (a `"""`, a template literal) makes the rest of the file parse
    /// differently, so the tree holds nothing of it to reuse; when it closes, a reparse from
    /// the tree before it opened reuses it all again. (An unclosed bracket no longer needs this:
    /// tree-sitter's error recovery gives up on it a few lines below, and the vendored patch,
    /// vendor/README.md, lets the reparse reuse the rest of the file.)
    base: Option<Tree>,
    /// Whether the changes since the last parse added or removed a bracket or a quote (and so
    /// may have closed what the tree's error left open).
    rebalancing: bool,
    /// Whether the tree is the empty one (a parse given up, see `syntax::ParseBudget`, or an
    /// empty text). It does not cover the text: it is never reparsed from nor kept as `base`,
    /// the next parse starts afresh.
    empty: bool,
}

/// How many of tree-sitter's progress checks (one every 100 parse operations) a reparse from
/// [`Document::base`] may take before the tree is reparsed instead: about 3 ms of a release
/// build's parsing, counted in operations so that the same edit takes the same path on any
/// machine and under any load (a clock made a test fail on a busy machine).
const BASE_BUDGET: u32 = 1_000;

/// The characters whose insertion or removal may close an unclosed bracket or string.
const BALANCING: [char; 9] = ['(', ')', '[', ']', '{', '}', '\'', '"', '`'];

/// What applying a batch of changes did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Positions that were outside the document and were clamped into it.
    pub clamped: usize,
    /// Changes that were rejected.
    pub errors: Vec<EditError>,
}

impl Document {
    pub fn new(text: &str, language: Language) -> Self {
        let tree = super::parse(text, language);
        Self {
            rope: Rope::from_str(text),
            empty: tree.root_node().end_byte() == 0,
            tree,
            state: TreeState::Parsed,
            language,
            plain: false,
            base: None,
            rebalancing: false,
        }
    }

    /// A document that is text only (`.env`, JSON configurations): edits keep the text, and
    /// its tree is always the empty one (nothing analyses it).
    pub fn plain(text: &str) -> Self {
        Self {
            rope: Rope::from_str(text),
            tree: super::parse("", Language::Python),
            state: TreeState::Parsed,
            language: Language::Python,
            plain: true,
            base: None,
            rebalancing: false,
            empty: true,
        }
    }

    /// Whether this is a text-only document ([`Document::plain`]).
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The tree of the current text, if it has been parsed since the last [`Document::edit`].
    pub fn tree(&self) -> Option<&Tree> {
        (self.state == TreeState::Parsed).then_some(&self.tree)
    }

    /// The tree of the current text: the parsed tree, or a reparse (incremental when possible).
    /// Does not change the document; see [`Document::set_tree`].
    ///
    /// When the tree has a syntax error and a bracket or quote was typed or deleted since, the
    /// text is first reparsed from the last tree without one, given up at the first error or
    /// after a few milliseconds: a closing bracket then costs a keystroke's reparse, not a parse
    /// of the rest of the file. Either way the tree is the text's (tree-sitter's incremental
    /// parse gives a fresh parse's tree, which the incremental tests check).
    pub fn parse_tree(&self) -> Tree {
        match self.state {
            TreeState::Parsed => self.tree.clone(),
            TreeState::Edited if self.empty => self.reparse(None),
            TreeState::Edited => self
                .base
                .as_ref()
                .filter(|_| self.rebalancing)
                .and_then(|base| self.reparse_from_base(base))
                .unwrap_or_else(|| self.reparse(Some(&self.tree))),
            TreeState::Replaced => self.reparse(None),
        }
    }

    /// Keeps a tree that [`Document::parse_tree`] returned for the current text.
    pub fn set_tree(&mut self, tree: Tree) {
        let previous = std::mem::replace(&mut self.tree, tree);
        if !self.tree.root_node().has_error() {
            self.base = None;
        } else if self.state == TreeState::Edited
            && !self.empty
            && !previous.root_node().has_error()
        {
            // The tree before the error, edited to this text.
            self.base = Some(previous);
        }
        self.rebalancing = false;
        self.state = TreeState::Parsed;
        self.empty = self.tree.root_node().end_byte() == 0;
    }

    /// The text, copied out of the rope once (`Rope::to_string` writes it through a
    /// formatter a chunk at a time, growing the string as it goes: on a 190 kB file a tenth
    /// of a keystroke's instructions went to reallocating and copying it).
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.rope.len_bytes());
        for chunk in self.rope.chunks() {
            text.push_str(chunk);
        }
        text
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Applies the changes in order (each one's positions refer to the text left by the previous
    /// ones), editing the tree with each, then reparses once, reusing the old tree.
    pub fn apply_changes(
        &mut self,
        changes: &[TextChange],
        encoding: PositionEncoding,
    ) -> ApplyReport {
        let report = self.edit(changes, encoding);
        let tree = self.parse_tree();
        self.set_tree(tree);
        report
    }

    /// Applies the changes to the text and edits the tree to match, without reparsing.
    pub fn edit(&mut self, changes: &[TextChange], encoding: PositionEncoding) -> ApplyReport {
        let mut report = ApplyReport::default();
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    if !self.plain {
                        self.state = TreeState::Replaced;
                        self.base = None;
                    }
                }
                Some((start, end)) => {
                    if end < start {
                        report.errors.push(EditError::ReversedRange { start, end });
                        continue;
                    }
                    let start_off = rope_offset(&self.rope, start, encoding);
                    let end_off = rope_offset(&self.rope, end, encoding);
                    report.clamped += usize::from(start_off.clamped) + usize::from(end_off.clamped);
                    self.replace(start_off.char_idx, end_off.char_idx, &change.text);
                }
            }
        }
        report
    }

    /// Replaces chars `start..end` with `text`, editing the tree to match (unless the whole text
    /// was replaced, when the tree is of no use).
    fn replace(&mut self, start: usize, end: usize, text: &str) {
        let end = end.max(start);
        let start_byte = self.rope.char_to_byte(start);
        let old_end_byte = self.rope.char_to_byte(end);
        let start_position = self.point(start_byte);
        let old_end_position = self.point(old_end_byte);
        if self.base.is_some() && !self.rebalancing {
            self.rebalancing = text.contains(BALANCING)
                || self
                    .rope
                    .slice(start..end)
                    .chars()
                    .any(|c| BALANCING.contains(&c));
        }
        self.rope.remove(start..end);
        self.rope.insert(start, text);
        if self.state != TreeState::Replaced && !self.plain {
            self.state = TreeState::Edited;
            let new_end_byte = start_byte + text.len();
            let edit = InputEdit {
                start_byte,
                old_end_byte,
                new_end_byte,
                start_position,
                old_end_position,
                new_end_position: advance(start_position, text),
            };
            self.tree.edit(&edit);
            if let Some(base) = &mut self.base {
                base.edit(&edit);
            }
        }
    }

    /// Tree-sitter point (row counted in `\n`, column in bytes) of a byte offset.
    fn point(&self, byte: usize) -> Point {
        // With `cr_lines`, ropey's lines agree with tree-sitter's rows except for lone `\r`,
        // which tree-sitter does not count as a line break. Points only position nodes; all of
        // agentlint's ranges are byte offsets, so this cannot misplace a diagnostic.
        let row = self.rope.byte_to_line(byte);
        Point::new(row, byte - self.rope.line_to_byte(row))
    }

    fn reparse(&self, old: Option<&Tree>) -> Tree {
        with_parser(self.language, |parser| {
            parser.reset();
            let mut budget = parse_budget(self.len_bytes());
            let options = tree_sitter::ParseOptions::new().progress_callback(&mut budget);
            // A parse given up is reset by `parse_or_empty`: the next starts afresh.
            parse_or_empty(parser, |parser| {
                parser.parse_with_options(&mut |byte, _| self.chunk(byte), old, Some(options))
            })
        })
    }

    /// A reparse from `base` if it finds no syntax error within [`BASE_BUDGET`] progress checks.
    fn reparse_from_base(&self, base: &Tree) -> Option<Tree> {
        let mut checks = 0u32;
        let mut give_up = |state: &tree_sitter::ParseState| {
            checks += 1;
            if state.has_error() || checks > BASE_BUDGET {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut give_up);
        let tree = with_parser(self.language, |parser| {
            parser.reset();
            let tree = parser.parse_with_options(
                &mut |byte, _| self.chunk(byte),
                Some(base),
                Some(options),
            );
            // A parse given up leaves the parser mid-way: the next starts afresh.
            parser.reset();
            tree
        })?;
        let root = tree.root_node();
        (!root.has_error() && (root.end_byte() > 0 || self.len_bytes() == 0)).then_some(tree)
    }

    /// The text from `byte` to the end of its rope chunk (tree-sitter's input).
    fn chunk(&self, byte: usize) -> &[u8] {
        if byte >= self.rope.len_bytes() {
            return &b""[..];
        }
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(byte);
        &chunk.as_bytes()[byte - chunk_start..]
    }
}

/// The point reached after inserting `text` at `start`.
fn advance(start: Point, text: &str) -> Point {
    match text.rfind('\n') {
        None => Point::new(start.row, start.column + text.len()),
        Some(last) => Point::new(
            start.row + text.bytes().filter(|&b| b == b'\n').count(),
            text.len() - last - 1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{parse, walk::structure};

    fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextChange {
        TextChange {
            range: Some((Position::new(sl, sc), Position::new(el, ec))),
            text: text.to_string(),
        }
    }

    #[test]
    fn plain_documents_keep_text_and_never_parse() {
        let mut doc = Document::plain("KEY=1\n");
        doc.apply_changes(&[change(0, 4, 0, 5, "two 😀")], PositionEncoding::Utf16);
        assert_eq!(doc.text(), "KEY=two 😀\n");
        doc.apply_changes(
            &[TextChange {
                range: None,
                text: "A=b\n".to_string(),
            }],
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "A=b\n");
        assert!(doc.is_plain());
        assert_eq!(doc.tree().unwrap().root_node().child_count(), 0);
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut doc = Document::new("def f(x):\n    return x\n", Language::Python);
        doc.apply_changes(
            &[change(1, 11, 1, 12, "eval(x)"), change(0, 4, 0, 5, "g😀")],
            PositionEncoding::Utf16,
        );
        let text = doc.text();
        assert_eq!(text, "def g😀(x):\n    return eval(x)\n");
        assert_eq!(
            structure(doc.tree().unwrap()),
            structure(&parse(&text, Language::Python))
        );
    }

    #[test]
    fn utf16_columns_after_emoji_and_cjk() {
        let mut doc = Document::new("s = '😀中'\n", Language::Python);
        // `s = '` is 5 units, the emoji 2, 中 1: column 8.
        doc.apply_changes(&[change(0, 8, 0, 8, "文")], PositionEncoding::Utf16);
        assert_eq!(doc.text(), "s = '😀中文'\n");
    }

    #[test]
    fn out_of_range_positions_are_clamped_and_reported() {
        let mut doc = Document::new("a\n", Language::Python);
        let report = doc.apply_changes(&[change(0, 99, 7, 0, "b")], PositionEncoding::Utf16);
        assert_eq!(report.clamped, 2);
        assert_eq!(doc.text(), "ab");
        let report = doc.apply_changes(&[change(0, 2, 0, 1, "z")], PositionEncoding::Utf16);
        assert_eq!(report.errors.len(), 1);
        assert_eq!(doc.text(), "ab");
    }

    #[test]
    fn edits_without_parsing_then_one_parse() {
        let mut doc = Document::new("def f(x):\n    return x\n", Language::Python);
        for (i, c) in "eval(".chars().enumerate() {
            let at = 11 + i as u32;
            doc.edit(
                &[change(1, at, 1, at, &c.to_string())],
                PositionEncoding::Utf16,
            );
            assert!(
                doc.tree().is_none(),
                "an edited document has no current tree"
            );
        }
        doc.edit(&[change(1, 17, 1, 17, ")")], PositionEncoding::Utf16);
        let tree = doc.parse_tree();
        doc.set_tree(tree);
        let text = doc.text();
        assert_eq!(text, "def f(x):\n    return eval(x)\n");
        assert_eq!(
            structure(doc.tree().unwrap()),
            structure(&parse(&text, Language::Python))
        );
    }

    /// A module of `n` functions, `f{i}` on lines `3 i` and `3 i + 1` (`    return x + {i}`).
    fn functions(n: usize) -> Document {
        let text: String = (0..n)
            .map(|i| format!("def f{i}(x):\n    return x + {i}\n\n"))
            .collect();
        Document::new(&text, Language::Python)
    }

    #[test]
    fn a_closed_bracket_is_reparsed_from_the_tree_before_it_opened() {
        let mut doc = functions(200);
        // Typed one character at a time at the end of `return x + 100`.
        let (line, mut column) = (301, 18);
        for c in " * len(x".chars() {
            doc.apply_changes(
                &[change(line, column, line, column, &c.to_string())],
                PositionEncoding::Utf8,
            );
            column += 1;
            let fresh = parse(&doc.text(), Language::Python);
            assert_eq!(structure(doc.tree().unwrap()), structure(&fresh));
            // From the bracket on, the tree has an error, and the one before is kept.
            assert_eq!(doc.base.is_some(), fresh.root_node().has_error(), "{c}");
            assert!(!doc.rebalancing);
        }
        assert!(doc.base.is_some());
        // Changes elsewhere while the bracket is open, one parsed and two not: the kept tree
        // is edited with each (the line added above and the line removed above cancel out).
        doc.apply_changes(&[change(10, 0, 10, 0, "y = 2\n")], PositionEncoding::Utf8);
        assert!(doc.base.is_some());
        doc.edit(&[change(500, 4, 500, 10, "yield")], PositionEncoding::Utf8);
        doc.edit(&[change(3, 0, 4, 0, "")], PositionEncoding::Utf8);
        doc.edit(
            &[change(line, column, line, column, ")")],
            PositionEncoding::Utf8,
        );
        assert!(doc.rebalancing);
        let text = doc.text();
        assert!(text.contains("return x + 100 * len(x)\n"), "{text}");
        assert!(text.contains("    yield x + 166\n") && text.contains("y = 2\n"));
        let fresh = structure(&parse(&text, Language::Python));
        let from_base = doc.reparse_from_base(doc.base.as_ref().unwrap());
        assert_eq!(from_base.as_ref().map(structure), Some(fresh.clone()));
        let tree = doc.parse_tree();
        doc.set_tree(tree);
        assert_eq!(structure(doc.tree().unwrap()), fresh);
        assert!(doc.base.is_none() && !doc.rebalancing);
    }

    #[test]
    fn a_reparse_from_the_tree_before_an_error_is_given_up_while_the_error_stays() {
        let mut doc = functions(50);
        // A bracket left open near the top; then a quote typed further down.
        doc.apply_changes(&[change(1, 18, 1, 18, " * len(")], PositionEncoding::Utf8);
        assert!(doc.base.is_some());
        doc.apply_changes(
            &[change(100, 0, 100, 0, "s = 'a'\n")],
            PositionEncoding::Utf8,
        );
        let fresh = parse(&doc.text(), Language::Python);
        assert!(fresh.root_node().has_error());
        assert_eq!(structure(doc.tree().unwrap()), structure(&fresh));
        // Still kept (edited along), and a reparse from it finds the error and gives up.
        doc.edit(&[change(100, 7, 100, 7, "b")], PositionEncoding::Utf8);
        doc.edit(&[change(100, 4, 100, 4, "'")], PositionEncoding::Utf8);
        assert!(doc.rebalancing);
        assert!(doc.reparse_from_base(doc.base.as_ref().unwrap()).is_none());
        let tree = doc.parse_tree();
        doc.set_tree(tree);
        let fresh = parse(&doc.text(), Language::Python);
        assert_eq!(structure(doc.tree().unwrap()), structure(&fresh));
        // A whole new text: no tree before it is of use.
        doc.apply_changes(
            &[TextChange {
                range: None,
                text: "f(\n".into(),
            }],
            PositionEncoding::Utf8,
        );
        assert!(doc.base.is_none());
    }

    #[test]
    fn full_replacement_then_range_change() {
        let mut doc = Document::new("x = 1\n", Language::TypeScript);
        doc.apply_changes(
            &[
                TextChange {
                    range: None,
                    text: "let a = 1;\n".into(),
                },
                change(0, 4, 0, 5, "bb"),
            ],
            PositionEncoding::Utf8,
        );
        assert_eq!(doc.text(), "let bb = 1;\n");
        assert_eq!(
            structure(doc.tree().unwrap()),
            structure(&parse(&doc.text(), Language::TypeScript))
        );
    }
}
