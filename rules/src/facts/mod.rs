//! Per-file facts: what a file binds (imports, definitions, constants), the calls it makes and what
//! they resolve to, and the functions it defines. Extracted in one pass over the tree; rules read
//! facts instead of walking trees themselves.
//!
//! Name resolution is deliberately file-level and conservative: a name bound anywhere in the file by
//! something other than an import is "local", so a bare `eval` that the file defines or assigns is
//! never mistaken for the builtin. When unsure, a call stays unresolved: a missed finding is cheaper
//! than a false alarm.

mod javascript;
mod python;

use rustc_hash::FxHashMap;
use std::ops::Range;

use crate::syntax::{Family, Language};

/// How a name is bound in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Imported: the fully qualified name it stands for (`import subprocess as sp` binds `sp` to
    /// `subprocess`; `const { exec } = require("child_process")` binds `exec` to
    /// `child_process.exec`).
    Import(String),
    /// Assigned a constant (a string or number literal, or a concatenation of them); the range of
    /// the value.
    Constant(Range<usize>),
    /// Assigned an object made by a known class or factory (`mcp = FastMCP(...)`,
    /// `const server = new McpServer(...)`): the qualified name of what made it, and the value's
    /// range. Attributes of the name resolve as `Class#attribute`
    /// (`mcp.server.fastmcp.FastMCP#tool`).
    Instance { class: String, value: Range<usize> },
    /// Assigned some other expression: its range.
    Value(Range<usize>),
    /// Anything else: a definition, a parameter, a loop variable.
    Local,
}

/// Every binding of every name in a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bindings {
    map: FxHashMap<String, Vec<Binding>>,
}

impl Bindings {
    fn add(&mut self, name: String, binding: Binding) {
        self.map.entry(name).or_default().push(binding);
    }

    pub fn of(&self, name: &str) -> &[Binding] {
        self.map.get(name).map_or(&[], Vec::as_slice)
    }

    /// The qualified name `name` is imported as, if it is imported.
    pub fn import_of(&self, name: &str) -> Option<&str> {
        self.of(name).iter().find_map(|b| match b {
            Binding::Import(q) => Some(q.as_str()),
            _ => None,
        })
    }

    /// True when every binding of `name` assigns a constant.
    pub fn is_constant(&self, name: &str) -> bool {
        let bindings = self.of(name);
        !bindings.is_empty() && bindings.iter().all(|b| matches!(b, Binding::Constant(_)))
    }

    /// The value of `name` when it is bound exactly once, to a constant.
    pub fn constant_value(&self, name: &str) -> Option<Range<usize>> {
        match self.of(name) {
            [Binding::Constant(range)] => Some(range.clone()),
            _ => None,
        }
    }

    /// The expression `name` is bound to, when it is bound exactly once by an assignment.
    pub fn single_value(&self, name: &str) -> Option<Range<usize>> {
        match self.of(name) {
            [Binding::Constant(range) | Binding::Value(range)]
            | [Binding::Instance { value: range, .. }] => Some(range.clone()),
            _ => None,
        }
    }

    /// The class or factory that made `name`, when every binding of it agrees.
    pub fn instance_of(&self, name: &str) -> Option<&str> {
        let mut classes = self.of(name).iter().map(|b| match b {
            Binding::Instance { class, .. } => Some(class.as_str()),
            _ => None,
        });
        let first = classes.next()??;
        classes.all(|c| c == Some(first)).then_some(first)
    }

    /// Every qualified name the file imports.
    pub fn imports(&self) -> impl Iterator<Item = &str> {
        self.map.values().flatten().filter_map(|b| match b {
            Binding::Import(q) => Some(q.as_str()),
            _ => None,
        })
    }

    /// Names bound to `qualified` by an import.
    pub fn names_importing<'a>(&'a self, qualified: &'a str) -> impl Iterator<Item = &'a str> {
        self.map.iter().filter_map(move |(name, bindings)| {
            bindings
                .iter()
                .any(|b| matches!(b, Binding::Import(q) if q == qualified))
                .then_some(name.as_str())
        })
    }
}

/// What kind of value an argument is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Known when the code is written: literals, concatenations of literals, names bound only to
    /// such constants.
    Constant,
    /// Computed at run time.
    Dynamic,
    /// `*args`, `**kwargs`, `...args`: any number of unknown arguments.
    Spread,
}

/// One argument of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Argument {
    /// Set for keyword arguments (`f(source=x)`).
    pub keyword: Option<String>,
    pub range: Range<usize>,
    pub value: ValueKind,
}

/// A call or construction (`f(x)`, `new F(x)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The whole call expression.
    pub range: Range<usize>,
    /// What is called, including `new ` for constructions: where a diagnostic about the call
    /// points.
    pub callee_range: Range<usize>,
    /// The callee as written, when it is a name or a chain of attribute accesses on a name.
    pub callee: Option<String>,
    /// The fully qualified name the callee resolves to (`builtins.eval`, `vm.runInNewContext`).
    pub resolved: Option<String>,
    pub arguments: Vec<Argument>,
}

/// A parameter of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// Without `*`/`**`/`...`.
    pub name: String,
    /// The whole parameter (name, annotation, default).
    pub range: Range<usize>,
    pub annotation: Option<Range<usize>>,
    pub default: Option<Range<usize>>,
}

/// A decorator of a Python function (`@tool`, `@mcp.tool(name="x")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decorator {
    pub range: Range<usize>,
    /// The decorator (or, when it is a call, the called expression) as written.
    pub callee: Option<String>,
    pub resolved: Option<String>,
    /// The arguments when the decorator is a call (`@tool("name")`), `None` for a bare `@tool`.
    pub arguments: Option<Vec<Argument>>,
}

/// A function or method definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef {
    pub name: String,
    /// The definition, decorators excluded.
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub body_range: Range<usize>,
    /// A Python docstring: the string literal that is the body's first statement.
    pub docstring: Option<Range<usize>>,
    pub parameters: Vec<Parameter>,
    pub decorators: Vec<Decorator>,
    /// Index in [`FileFacts::classes`] of the class this is a method of.
    pub class: Option<usize>,
}

/// A base class as written and resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    pub range: Range<usize>,
    pub callee: Option<String>,
    pub resolved: Option<String>,
}

/// A class attribute with a value (`description = "..."`, `name: str = "x"`; in TypeScript a
/// field `description = "..."`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub range: Range<usize>,
    pub value: Range<usize>,
}

/// An assignment to an attribute of a name: `search.__doc__ = text`, `tool.description = text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeAssignment {
    /// The name whose attribute is assigned.
    pub object: String,
    pub attribute: String,
    /// The whole assignment.
    pub range: Range<usize>,
    pub value: Range<usize>,
}

/// A class definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassDef {
    pub name: String,
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub bases: Vec<Base>,
    pub attributes: Vec<Attribute>,
}

/// Everything rules need to know about one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub bindings: Bindings,
    pub calls: Vec<Call>,
    pub functions: Vec<FunctionDef>,
    pub classes: Vec<ClassDef>,
    pub attribute_assignments: Vec<AttributeAssignment>,
}

impl FileFacts {
    /// Extracts the facts of a file in one pass over its tree.
    pub fn extract(source: &str, tree: &tree_sitter::Tree, language: Language) -> FileFacts {
        let mut builder = Builder::default();
        extract_subtree(source, tree.root_node(), language, &mut builder);
        builder.finish(language.family())
    }

    /// Extracts the facts of a file, reusing the facts of every top-level statement whose text is
    /// unchanged since the last call with the same cache. A keystroke re-reads one statement, not
    /// the file. The result is identical to [`FileFacts::extract`].
    pub fn extract_cached(
        source: &str,
        tree: &tree_sitter::Tree,
        language: Language,
        cache: &mut FactsCache,
    ) -> FileFacts {
        if cache.language != Some(language) {
            cache.items.clear();
            cache.language = Some(language);
        }
        let mut previous = std::mem::take(&mut cache.items);
        let root = tree.root_node();
        let mut cursor = root.walk();
        let mut order = Vec::new();
        for item in root.children(&mut cursor) {
            let start = item.start_byte();
            let text = source.get(start..item.end_byte()).unwrap_or_default();
            let key = (content_hash(text), item.kind_id());
            // Text that does not parse may parse differently in another context (error recovery
            // looks around): only error-free statements are reused.
            let reusable = !item.has_error();
            let reused = reusable
                .then(|| previous.get_mut(&key))
                .flatten()
                .and_then(|items| {
                    let i = items.iter().position(|cached| &*cached.text == text)?;
                    Some(items.swap_remove(i))
                });
            let cached = reused.unwrap_or_else(|| {
                let mut fragment = Builder::default();
                extract_subtree(source, item, language, &mut fragment);
                fragment.make_relative(start);
                CachedItem {
                    text: text.into(),
                    fragment,
                }
            });
            let slot = cache.items.entry(key).or_default();
            order.push((key, slot.len(), start));
            slot.push(cached);
        }
        let fragments: Vec<(&Builder, usize)> = order
            .iter()
            .map(|&(key, i, start)| (&cache.items[&key][i].fragment, start))
            .collect();
        finish(&fragments, language.family())
    }

    /// What a name or attribute chain (`os.environ`, `process.env`, `sp.run`) resolves to.
    pub fn resolve_node(
        &self,
        node: tree_sitter::Node<'_>,
        source: &str,
        language: Language,
    ) -> Option<String> {
        self.resolve_in(node, source, language.family())
    }

    /// [`FileFacts::resolve_node`] for a language family.
    pub fn resolve_in(
        &self,
        node: tree_sitter::Node<'_>,
        source: &str,
        family: Family,
    ) -> Option<String> {
        let (root, members) = match family {
            Family::Python => python::callee_path(node, source)?,
            Family::JavaScript => javascript::callee_path(node, source)?,
        };
        resolve(&self.bindings, family, &root, &members)
    }

    /// The methods of a class.
    pub fn methods(&self, class: usize) -> impl Iterator<Item = &FunctionDef> {
        self.functions
            .iter()
            .filter(move |f| f.class == Some(class))
    }

    /// Whether an expression's value is known when the code is written: literals, concatenations
    /// of literals, names bound only to constants.
    pub fn is_constant_node(
        &self,
        node: tree_sitter::Node<'_>,
        source: &str,
        family: Family,
    ) -> bool {
        let syntax = match family {
            Family::Python => &python::PYTHON_CONSTANTS,
            Family::JavaScript => &javascript::JAVASCRIPT_CONSTANTS,
        };
        match constness(node, source, syntax) {
            Constness::Constant => true,
            Constness::Dynamic => false,
            Constness::IfConstant(names) => names.iter().all(|n| self.bindings.is_constant(n)),
        }
    }

    /// Index in `functions` of the innermost function containing `offset`.
    pub fn enclosing_function(&self, offset: usize) -> Option<usize> {
        self.functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.range.contains(&offset))
            .min_by_key(|(_, f)| f.range.len())
            .map(|(i, _)| i)
    }
}

fn extract_subtree(
    source: &str,
    node: tree_sitter::Node<'_>,
    language: Language,
    out: &mut Builder,
) {
    match language.family() {
        Family::Python => python::extract(source, node, out),
        Family::JavaScript => javascript::extract(source, node, language, out),
    }
}

/// Facts of the top-level statements of the last version of one document, by content.
#[derive(Default)]
pub struct FactsCache {
    language: Option<Language>,
    items: FxHashMap<(u64, u16), Vec<CachedItem>>,
}

impl FactsCache {
    /// Number of top-level statements cached.
    pub fn len(&self) -> usize {
        self.items.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A statement's text and its facts, with offsets relative to the statement's start.
struct CachedItem {
    text: Box<str>,
    fragment: Builder,
}

/// A fast, non-cryptographic hash (FxHash's mixing, eight bytes at a time). Equality of the text is
/// always checked after a hash match, so collisions cost time, never correctness.
fn content_hash(text: &str) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut hash = text.len() as u64;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    for &byte in chunks.remainder() {
        hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
    }
    hash
}

/// Whether an expression is constant, possibly depending on names resolved at the end of the
/// pass (a name is constant when all its bindings are).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Constness {
    Constant,
    Dynamic,
    /// Constant if all of these names are.
    IfConstant(Vec<String>),
}

/// A dotted name as written: root name and member names (`a.b.c` → `a`, `[b, c]`).
pub(crate) type Path = (String, Vec<String>);

/// A call seen during the pass, before names are resolved.
#[derive(Clone)]
pub(crate) struct PendingCall {
    pub range: Range<usize>,
    pub callee_range: Range<usize>,
    pub path: Option<Path>,
    pub arguments: Vec<PendingArgument>,
}

#[derive(Clone)]
pub(crate) struct PendingArgument {
    pub keyword: Option<String>,
    pub range: Range<usize>,
    pub spread: bool,
    pub constness: Constness,
}

/// A binding before names are resolved.
#[derive(Clone)]
pub(crate) enum PendingBinding {
    Import(String),
    Constant(Range<usize>),
    /// Made by calling or constructing `path` (the value's range): an instance if `path`
    /// resolves.
    Construct(Path, Range<usize>),
    Value(Range<usize>),
    Local,
}

#[derive(Clone)]
pub(crate) struct PendingDecorator {
    pub range: Range<usize>,
    pub path: Option<Path>,
    pub arguments: Option<Vec<PendingArgument>>,
}

#[derive(Clone)]
pub(crate) struct PendingFunction {
    pub name: String,
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub body_range: Range<usize>,
    pub docstring: Option<Range<usize>>,
    pub parameters: Vec<Parameter>,
    pub decorators: Vec<PendingDecorator>,
    /// Index of the class in the same fragment.
    pub class: Option<usize>,
}

#[derive(Clone)]
pub(crate) struct PendingBase {
    pub range: Range<usize>,
    pub path: Option<Path>,
}

#[derive(Clone)]
pub(crate) struct PendingClass {
    pub name: String,
    pub range: Range<usize>,
    pub name_range: Range<usize>,
    pub bases: Vec<PendingBase>,
    pub attributes: Vec<Attribute>,
}

/// Facts as extracted, before names are resolved against the whole file's bindings.
#[derive(Clone, Default)]
pub(crate) struct Builder {
    /// In the order they appear.
    pub bindings: Vec<(String, PendingBinding)>,
    pub calls: Vec<PendingCall>,
    pub functions: Vec<PendingFunction>,
    pub classes: Vec<PendingClass>,
    pub attribute_assignments: Vec<AttributeAssignment>,
}

/// Moves a range back by `origin` (making it relative) or forward (making it absolute again).
fn shift(range: &mut Range<usize>, origin: usize, forward: bool) {
    if forward {
        range.start += origin;
        range.end += origin;
    } else {
        range.start -= origin;
        range.end -= origin;
    }
}

fn shift_opt(range: &mut Option<Range<usize>>, origin: usize, forward: bool) {
    if let Some(range) = range {
        shift(range, origin, forward);
    }
}

fn shift_arguments(arguments: &mut [PendingArgument], origin: usize, forward: bool) {
    for arg in arguments {
        shift(&mut arg.range, origin, forward);
    }
}

impl PendingFunction {
    fn shift(&mut self, origin: usize, forward: bool) {
        shift(&mut self.range, origin, forward);
        shift(&mut self.name_range, origin, forward);
        shift(&mut self.body_range, origin, forward);
        shift_opt(&mut self.docstring, origin, forward);
        for p in &mut self.parameters {
            shift(&mut p.range, origin, forward);
            shift_opt(&mut p.annotation, origin, forward);
            shift_opt(&mut p.default, origin, forward);
        }
        for d in &mut self.decorators {
            shift(&mut d.range, origin, forward);
            if let Some(args) = &mut d.arguments {
                shift_arguments(args, origin, forward);
            }
        }
    }
}

impl PendingClass {
    fn shift(&mut self, origin: usize, forward: bool) {
        shift(&mut self.range, origin, forward);
        shift(&mut self.name_range, origin, forward);
        for b in &mut self.bases {
            shift(&mut b.range, origin, forward);
        }
        for a in &mut self.attributes {
            shift(&mut a.range, origin, forward);
            shift(&mut a.value, origin, forward);
        }
    }
}

/// Upper bound on the nodes inspected to decide whether one expression is constant.
const CONSTNESS_BUDGET: usize = 64;

/// The node kinds a language builds constant expressions from.
pub(crate) struct ConstantSyntax {
    /// Literals that are always constant.
    pub leaves: &'static [&'static str],
    /// A string kind that is constant unless it has a child of the second kind (f-strings,
    /// template literals).
    pub interpolated: (&'static str, &'static str),
    /// Wrappers that are constant when all their named children (comments aside) are.
    pub all_children: &'static [&'static str],
    /// Wrappers whose value is their first named child.
    pub first_child: &'static [&'static str],
    /// The binary operator kind; constant when the operator is `+` and both sides are.
    pub concatenation: &'static str,
}

/// Whether an expression's value is known when the code is written: literals, concatenations of
/// literals, and names (constant if every binding of theirs is, decided once the file is read).
pub(crate) fn constness(
    node: tree_sitter::Node<'_>,
    source: &str,
    syntax: &ConstantSyntax,
) -> Constness {
    let mut names = Vec::new();
    let mut stack = vec![node];
    let mut budget = CONSTNESS_BUDGET;
    while let Some(n) = stack.pop() {
        budget = match budget.checked_sub(1) {
            Some(b) => b,
            None => return Constness::Dynamic,
        };
        let kind = n.kind();
        if syntax.leaves.contains(&kind) {
            continue;
        }
        let mut cursor = n.walk();
        if kind == syntax.interpolated.0 {
            if n.named_children(&mut cursor)
                .any(|c| c.kind() == syntax.interpolated.1)
            {
                return Constness::Dynamic;
            }
        } else if syntax.all_children.contains(&kind) {
            stack.extend(
                n.named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment"),
            );
        } else if syntax.first_child.contains(&kind) {
            stack.extend(n.named_child(0));
        } else if kind == syntax.concatenation {
            let is_plus = n
                .child_by_field_name("operator")
                .is_some_and(|op| op.kind() == "+");
            match (
                is_plus,
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ) {
                (true, Some(l), Some(r)) => {
                    stack.push(l);
                    stack.push(r);
                }
                _ => return Constness::Dynamic,
            }
        } else if kind == "identifier" {
            names.push(crate::syntax::node_text(n, source).to_string());
        } else {
            return Constness::Dynamic;
        }
    }
    if names.is_empty() {
        Constness::Constant
    } else {
        Constness::IfConstant(names)
    }
}

impl Builder {
    pub fn bind(&mut self, name: &str, binding: PendingBinding) {
        self.bindings.push((name.to_string(), binding));
    }

    /// Makes every range relative to `origin` (the start of the statement the facts are from).
    fn make_relative(&mut self, origin: usize) {
        for (_, binding) in &mut self.bindings {
            match binding {
                PendingBinding::Constant(range)
                | PendingBinding::Value(range)
                | PendingBinding::Construct(_, range) => shift(range, origin, false),
                PendingBinding::Import(_) | PendingBinding::Local => {}
            }
        }
        for call in &mut self.calls {
            shift(&mut call.range, origin, false);
            shift(&mut call.callee_range, origin, false);
            shift_arguments(&mut call.arguments, origin, false);
        }
        for function in &mut self.functions {
            function.shift(origin, false);
        }
        for class in &mut self.classes {
            class.shift(origin, false);
        }
        for assignment in &mut self.attribute_assignments {
            shift(&mut assignment.range, origin, false);
            shift(&mut assignment.value, origin, false);
        }
    }

    fn finish(self, family: Family) -> FileFacts {
        finish(&[(&self, 0)], family)
    }
}

fn joined((root, members): &Path) -> String {
    let mut name = root.clone();
    for member in members {
        name.push('.');
        name.push_str(member);
    }
    name
}

/// Resolves the fragments of a file (each with the offset its ranges are relative to) against the
/// bindings of all of them. Reads the fragments by reference: cached fragments are not copied.
fn finish(fragments: &[(&Builder, usize)], family: Family) -> FileFacts {
    let at = |range: &Range<usize>, offset: usize| range.start + offset..range.end + offset;
    // Imports and constants first: instances resolve their class through them, and are patched
    // in place afterwards.
    let mut bindings = Bindings::default();
    let mut constructs = Vec::new();
    for &(fragment, offset) in fragments {
        for (name, binding) in &fragment.bindings {
            let binding = match binding {
                PendingBinding::Import(q) => Binding::Import(q.clone()),
                PendingBinding::Constant(range) => Binding::Constant(at(range, offset)),
                PendingBinding::Construct(path, range) => {
                    let slot = bindings.of(name).len();
                    constructs.push((name.as_str(), slot, path));
                    Binding::Value(at(range, offset))
                }
                PendingBinding::Value(range) => Binding::Value(at(range, offset)),
                PendingBinding::Local => Binding::Local,
            };
            bindings.add(name.clone(), binding);
        }
    }
    let classes_made: Vec<_> = constructs
        .iter()
        .map(|(_, _, (root, members))| resolve(&bindings, family, root, members))
        .collect();
    for ((name, slot, _), class) in constructs.into_iter().zip(classes_made) {
        if let (Some(class), Some(list)) = (class, bindings.map.get_mut(name))
            && let Some(binding) = list.get_mut(slot)
            && let Binding::Value(value) = binding
        {
            *binding = Binding::Instance {
                class,
                value: value.clone(),
            };
        }
    }

    let argument = |arg: &PendingArgument, offset: usize, bindings: &Bindings| Argument {
        keyword: arg.keyword.clone(),
        range: at(&arg.range, offset),
        value: if arg.spread {
            ValueKind::Spread
        } else {
            match &arg.constness {
                Constness::Constant => ValueKind::Constant,
                Constness::Dynamic => ValueKind::Dynamic,
                Constness::IfConstant(names) => {
                    if names.iter().all(|n| bindings.is_constant(n)) {
                        ValueKind::Constant
                    } else {
                        ValueKind::Dynamic
                    }
                }
            }
        },
    };
    // Many calls share a callee (`json.loads`, `client.chat.completions.create`): resolve each
    // path once.
    let memo: std::cell::RefCell<FxHashMap<Path, Option<String>>> = Default::default();
    let resolve_path = |path: &Option<Path>| {
        let path = path.as_ref()?;
        if let Some(known) = memo.borrow().get(path) {
            return known.clone();
        }
        let (root, members) = path;
        let resolved = resolve(&bindings, family, root, members);
        memo.borrow_mut().insert(path.clone(), resolved.clone());
        resolved
    };

    let mut calls = Vec::with_capacity(fragments.iter().map(|(f, _)| f.calls.len()).sum());
    let mut functions = Vec::new();
    let mut classes = Vec::new();
    let mut attribute_assignments = Vec::new();
    for &(fragment, offset) in fragments {
        attribute_assignments.extend(fragment.attribute_assignments.iter().map(|a| {
            AttributeAssignment {
                object: a.object.clone(),
                attribute: a.attribute.clone(),
                range: at(&a.range, offset),
                value: at(&a.value, offset),
            }
        }));
        let class_base = classes.len();
        for class in &fragment.classes {
            classes.push(ClassDef {
                name: class.name.clone(),
                range: at(&class.range, offset),
                name_range: at(&class.name_range, offset),
                bases: class
                    .bases
                    .iter()
                    .map(|b| Base {
                        range: at(&b.range, offset),
                        callee: b.path.as_ref().map(joined),
                        resolved: resolve_path(&b.path),
                    })
                    .collect(),
                attributes: class
                    .attributes
                    .iter()
                    .map(|a| Attribute {
                        name: a.name.clone(),
                        range: at(&a.range, offset),
                        value: at(&a.value, offset),
                    })
                    .collect(),
            });
        }
        for function in &fragment.functions {
            let mut f = function.clone();
            f.shift(offset, true);
            functions.push(FunctionDef {
                name: f.name,
                range: f.range,
                name_range: f.name_range,
                body_range: f.body_range,
                docstring: f.docstring,
                parameters: f.parameters,
                decorators: function
                    .decorators
                    .iter()
                    .map(|d| Decorator {
                        range: at(&d.range, offset),
                        callee: d.path.as_ref().map(joined),
                        resolved: resolve_path(&d.path),
                        arguments: d.arguments.as_ref().map(|args| {
                            args.iter()
                                .map(|a| argument(a, offset, &bindings))
                                .collect()
                        }),
                    })
                    .collect(),
                class: f.class.map(|c| c + class_base),
            });
        }
        for call in &fragment.calls {
            calls.push(Call {
                range: at(&call.range, offset),
                callee_range: at(&call.callee_range, offset),
                callee: call.path.as_ref().map(joined),
                resolved: resolve_path(&call.path),
                arguments: call
                    .arguments
                    .iter()
                    .map(|a| argument(a, offset, &bindings))
                    .collect(),
            });
        }
    }
    FileFacts {
        bindings,
        calls,
        functions,
        classes,
        attribute_assignments,
    }
}

/// Globals that name the global object in JavaScript.
const JS_GLOBAL_OBJECTS: &[&str] = &["globalThis", "window", "global", "self"];

/// The qualified name of `root.members...`, following imports (`sp.run` → `subprocess.run`) and
/// instances (`mcp.tool` → `mcp.server.fastmcp.FastMCP#tool`); unbound names are builtins (Python)
/// or globals (JavaScript).
fn resolve(bindings: &Bindings, family: Family, root: &str, members: &[String]) -> Option<String> {
    let base = if let Some(imported) = bindings.import_of(root) {
        imported.to_string()
    } else if let Some(class) = bindings.instance_of(root) {
        if members.is_empty() {
            return None;
        }
        return Some(format!("{class}#{}", members.join(".")));
    } else if !bindings.of(root).is_empty() {
        // Defined, assigned or a parameter in this file: not what a table names.
        return None;
    } else {
        match family {
            Family::Python => format!("builtins.{root}"),
            Family::JavaScript => {
                if JS_GLOBAL_OBJECTS.contains(&root) && !members.is_empty() {
                    "globalThis".to_string()
                } else {
                    format!("globalThis.{root}")
                }
            }
        }
    };
    let mut name = base;
    for member in members {
        name.push('.');
        name.push_str(member);
    }
    Some(name)
}

#[cfg(test)]
mod tests;
