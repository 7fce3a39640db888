//! Iterative tree traversal. Syntax trees are walked with a cursor, never by recursion, so that
//! pathologically nested input cannot overflow the stack.

use crate::syntax::Fields as _;
use tree_sitter::{Node, Tree, TreeCursor};

/// Pre-order iterator over every node of a tree (named and anonymous).
pub struct Preorder<'t> {
    cursor: TreeCursor<'t>,
    done: bool,
}

/// Walks every node under (and including) `node` in source order.
pub fn preorder(node: Node<'_>) -> Preorder<'_> {
    Preorder {
        cursor: node.walk(),
        done: false,
    }
}

impl<'t> Iterator for Preorder<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.done {
            return None;
        }
        let node = self.cursor.node();
        if self.cursor.goto_first_child() {
            return Some(node);
        }
        loop {
            if self.cursor.goto_next_sibling() {
                return Some(node);
            }
            // `goto_parent` stops at the node the cursor was created on.
            if !self.cursor.goto_parent() {
                self.done = true;
                return Some(node);
            }
        }
    }
}

/// The ancestors of `node`, nearest first.
pub fn ancestors(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    std::iter::successors(node.parent(), Node::parent)
}

/// Compact structural description of a tree: kinds and byte ranges of every node. Two trees with
/// the same structure compare equal; used to check incremental parsing against a fresh parse.
pub fn structure(tree: &Tree) -> Vec<(u16, usize, usize, bool)> {
    preorder(tree.root_node())
        .map(|n| (n.kind_id(), n.start_byte(), n.end_byte(), n.is_missing()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Language, parse};

    #[test]
    fn leaves_named_are_the_words_in_code() {
        let source = "import { exec as run } from \"x\";\n// exec in a comment\nconst s = \"exec\";\nrun(exec_all, exec, $exec, obj.exec);\n";
        let tree = parse(source, Language::TypeScript);
        let locator = Locator::new(&tree);
        let found: Vec<(usize, &str)> = locator
            .leaves_named(source, "exec")
            .map(|n| (n.start_byte(), n.kind()))
            .collect();
        // The imported name, the string's content, the argument and the property; not the
        // comment's, `exec_all` or `$exec`.
        assert_eq!(
            found,
            [
                (9, "identifier"),
                (65, "string_fragment"),
                (86, "identifier"),
                (103, "property_identifier")
            ]
        );
    }

    #[test]
    fn preorder_visits_every_node_once_in_order() {
        let tree = parse("a(b, c)\nd = 1\n", Language::Python);
        let mut count = 0;
        let mut last = 0;
        for node in preorder(tree.root_node()) {
            assert!(node.start_byte() >= last);
            last = node.start_byte();
            count += 1;
        }
        assert_eq!(count, tree.root_node().descendant_count());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 20_000;
        let src = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let tree = parse(&src, Language::Python);
        assert!(preorder(tree.root_node()).count() > depth);
    }

    /// What the locator answers from a node's top-level statement down is what `Node::parent`
    /// gives walking up: the innermost function around each node is the first function among
    /// its ancestors, and `ancestry` is the chain of parents, in Python and TypeScript (broken
    /// code too).
    #[test]
    fn locator_answers_as_the_chain_of_parents() {
        let samples = [
            (
                "def f(a):\n    def g(b):\n        return h(b)\n    return lambda x: g(x)\n\nclass C:\n    def m(self):\n        run(self)\n\nz = y(1)\n",
                Language::Python,
            ),
            (
                "function f(a) { const g = (b) => h(b); return g(a); }\nclass C { m() { run(this); } }\nconst o = { k: function () { return 1; }, n() {} };\nz(1);\n",
                Language::TypeScript,
            ),
            (
                "import os\nAPI_KEY = \"x\"\ndef f(a, token=\"t\"):\n    self.secret = {\"k\": [1, (2, g(a))]}\n\n@d\nclass C:\n    key: str = \"v\"\nbroken(\n",
                Language::Python,
            ),
            (
                "const o = { apiKey: 'k', n: [1, f(2)] };\nclass C { token = 't'; m(a = 'b') { this.key = a; } }\nlet x = (\n",
                Language::TypeScript,
            ),
        ];
        // Nodes inside a function, per sample: the first two are mostly functions.
        let mut functions = [0; 4];
        for (i, (text, language)) in samples.into_iter().enumerate() {
            let tree = parse(text, language);
            let locator = Locator::new(&tree);
            for node in preorder(tree.root_node()) {
                let chain: Vec<_> = std::iter::successors(Some(node), |n| n.parent()).collect();
                let expected = chain[1..].iter().copied().find(|n| is_function(*n));
                functions[i] += usize::from(expected.is_some());
                assert_eq!(locator.enclosing_function(node), expected, "{node:?}");
                for count in [1, 4, 50] {
                    let prefix: Vec<_> = chain.iter().copied().take(count).collect();
                    assert_eq!(locator.ancestry(node, count), prefix, "{node:?}");
                }
            }
        }
        assert!(functions[0] > 20 && functions[1] > 20, "{functions:?}");
    }

    #[test]
    fn subtree_walk_stays_inside() {
        let tree = parse("f(a)\ng(b)\n", Language::Python);
        let first = tree.root_node().child(0).unwrap();
        let texts: Vec<_> = preorder(first).map(|n| n.end_byte()).collect();
        assert!(texts.iter().all(|&end| end <= 5));
    }
}

/// A set of node kinds, looked up by kind id: one indexed load per node instead of string
/// comparisons, for the hot loops that visit every node of a file.
#[derive(Clone, Debug)]
pub struct KindSet {
    member: Vec<bool>,
}

impl KindSet {
    /// The named kinds called `names` in `language` (every symbol id with that name: grammars
    /// alias several symbols to one kind).
    pub fn new(language: &tree_sitter::Language, names: &[&str]) -> Self {
        let count = language.node_kind_count();
        let member = (0..count)
            .map(|id| {
                let id = u16::try_from(id).unwrap_or(u16::MAX);
                language.node_kind_is_named(id)
                    && language
                        .node_kind_for_id(id)
                        .is_some_and(|kind| names.contains(&kind))
            })
            .collect();
        Self { member }
    }

    /// The nodes of these kinds under (and including) `node`, in the order [`preorder`] visits
    /// them. The set is a table indexed by kind id, so each node costs one lookup.
    pub fn under<'t>(&self, node: tree_sitter::Node<'t>) -> Vec<tree_sitter::Node<'t>> {
        preorder(node)
            .filter(|node| {
                self.member
                    .get(usize::from(node.kind_id()))
                    .copied()
                    .unwrap_or(false)
            })
            .collect()
    }
}

/// Whether a node is a function: a definition, an expression, an arrow function or a method.
pub fn is_function(node: tree_sitter::Node<'_>) -> bool {
    matches!(
        node.kind(),
        "function_definition"
            | "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
    )
}

/// Finds nodes by byte range quickly in a wide tree: the top-level statements are indexed once, so
/// a lookup searches one statement instead of walking every child of the root.
pub struct Locator<'t> {
    root: tree_sitter::Node<'t>,
    items: Vec<tree_sitter::Node<'t>>,
}

impl<'t> Locator<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        let root = tree.root_node();
        let items = root.children(&mut root.walk()).collect();
        Self { root, items }
    }

    /// The root's children: the top-level statements, in order.
    pub fn items(&self) -> &[tree_sitter::Node<'t>] {
        &self.items
    }

    /// The smallest node containing `start..end`.
    pub fn descendant(&self, start: usize, end: usize) -> Option<tree_sitter::Node<'t>> {
        let i = self.items.partition_point(|item| item.end_byte() < end);
        match self.items.get(i) {
            Some(item) if item.start_byte() <= start && end <= item.end_byte() => {
                item.descendant_for_byte_range(start, end)
            }
            _ => self.root.descendant_for_byte_range(start, end),
        }
    }

    /// The leaves whose text is the word `word` (identifiers, properties, a string's content
    /// that is the word alone), in the order of the text: found where the word occurs in
    /// `source` (not inside a longer word), not by visiting every node. An occurrence within a
    /// comment or a longer string is part of a longer leaf, and left out.
    pub fn leaves_named<'s>(
        &'s self,
        source: &'s str,
        word: &'s str,
    ) -> impl Iterator<Item = tree_sitter::Node<'t>> + 's {
        let part = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
        source
            .match_indices(word)
            .filter(move |(at, _)| {
                !word.is_empty()
                    && !source[..*at].chars().next_back().is_some_and(part)
                    && !source[at + word.len()..].chars().next().is_some_and(part)
            })
            .filter_map(move |(at, _)| {
                let node = self.descendant(at, at + word.len())?;
                (node.start_byte() == at && node.end_byte() == at + word.len()).then_some(node)
            })
    }

    /// The smallest node spanning exactly `range`.
    pub fn node_at(&self, range: &std::ops::Range<usize>) -> Option<tree_sitter::Node<'t>> {
        let mut node = self.descendant(range.start, range.end)?;
        while node.start_byte() != range.start || node.end_byte() != range.end {
            node = self.parent(node)?;
        }
        Some(node)
    }

    /// The innermost function (definition, expression, arrow function or method) containing
    /// `node`.
    pub fn enclosing_function(&self, node: tree_sitter::Node<'t>) -> Option<tree_sitter::Node<'t>> {
        // Down from the node's top-level statement, once (asking each ancestor for its parent
        // went down from the statement again at every step), keeping the innermost function
        // passed. The root is never a function.
        let item = self.statement_of(node)?;
        let mut innermost = None;
        let mut current = item;
        while current != node {
            if is_function(current) {
                innermost = Some(current);
            }
            current = current.child_with_descendant(node)?;
        }
        innermost
    }

    /// The functions containing `node`, outermost first (a route handler, then the callbacks
    /// in it).
    pub fn functions_around(&self, node: tree_sitter::Node<'t>) -> Vec<tree_sitter::Node<'t>> {
        let mut functions = Vec::new();
        let Some(mut current) = self.statement_of(node) else {
            return functions;
        };
        while current != node {
            if is_function(current) {
                functions.push(current);
            }
            let Some(child) = current.child_with_descendant(node) else {
                break;
            };
            current = child;
        }
        functions
    }

    /// The top-level statement containing `node` (itself, if it is one).
    fn statement_of(&self, node: tree_sitter::Node<'t>) -> Option<tree_sitter::Node<'t>> {
        let i = self
            .items
            .partition_point(|item| item.end_byte() < node.end_byte());
        self.items
            .get(i)
            .filter(|item| {
                item.start_byte() <= node.start_byte() && node.end_byte() <= item.end_byte()
            })
            .copied()
    }

    /// `node` and then its ancestors, innermost first, `count` nodes at most: one descent from
    /// the node's top-level statement (tree-sitter's own `parent` starts from the root, and
    /// walks its children to find the statement).
    pub fn ancestry(
        &self,
        node: tree_sitter::Node<'t>,
        count: usize,
    ) -> Vec<tree_sitter::Node<'t>> {
        let mut path = Vec::new();
        if let Some(item) = self.statement_of(node) {
            path.extend([self.root, item]);
            let mut current = item;
            while current != node {
                let Some(child) = current.child_with_descendant(node) else {
                    path.clear();
                    break;
                };
                path.push(child);
                current = child;
            }
        }
        if path.is_empty() {
            // Not under a top-level statement: the slow way up.
            return std::iter::successors(Some(node), |n| n.parent())
                .take(count)
                .collect();
        }
        path.into_iter().rev().take(count).collect()
    }

    /// The parent of `node`, found from its top-level statement down (`Node::parent` searches
    /// from the root, which is slow when the root has thousands of children).
    pub fn parent(&self, node: tree_sitter::Node<'t>) -> Option<tree_sitter::Node<'t>> {
        let item = self.statement_of(node)?;
        if item == node {
            return Some(self.root);
        }
        let mut current = item;
        loop {
            let child = current.child_with_descendant(node)?;
            if child == node {
                return Some(current);
            }
            current = child;
        }
    }
}

/// The assignments inside `scope` as (target, value): `x = v`, `const x = v`, `(x := v)`, and
/// `with v as x` (at most `limit` nodes are looked at).
pub fn assignments<'t>(
    scope: tree_sitter::Node<'t>,
    limit: usize,
) -> impl Iterator<Item = (tree_sitter::Node<'t>, tree_sitter::Node<'t>)> {
    preorder(scope).take(limit).filter_map(|n| {
        let (target, value) = match n.kind() {
            "assignment" | "assignment_expression" => (n.field("left"), n.field("right")),
            "variable_declarator" | "named_expression" => (n.field("name"), n.field("value")),
            // `with tempfile.TemporaryDirectory() as tmp`
            "as_pattern" => (n.field("alias"), n.named_child(0)),
            // A loop's variable holds the elements of what it iterates: `for path in paths`,
            // `for (const path of paths)`.
            "for_statement" | "for_in_statement" => (n.field("left"), n.field("right")),
            _ => return None,
        };
        Some((target?, value?))
    })
}
