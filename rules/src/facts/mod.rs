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

use crate::syntax::Fields as _;
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::Arc;

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

    /// The names bound, each by its only binding, to the value at `value` (or to a value ending
    /// where it ends: `x = await f()`), in name order. A chained assignment (`a = b = f()`) binds
    /// several; the order of the map's entries never decides which.
    pub fn bound_names(&self, value: &Range<usize>) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .map
            .iter()
            .filter_map(|(name, bindings)| match bindings.as_slice() {
                [Binding::Value(range) | Binding::Instance { value: range, .. }]
                    if range.start <= value.start && range.end == value.end =>
                {
                    Some(name.as_str())
                }
                _ => None,
            })
            .collect();
        names.sort_unstable();
        names
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

    /// Each name an import binds, with what it imports.
    pub fn imported(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().flat_map(|(name, bindings)| {
            bindings.iter().filter_map(move |b| match b {
                Binding::Import(q) => Some((name.as_str(), q.as_str())),
                _ => None,
            })
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
        cache.extract(source, tree, language).clone()
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
        // The functions are in the order they start (an outer function before those it
        // holds): the innermost holding `offset` is the last to start at or before it that
        // holds it, or one starting with it that is shorter.
        debug_assert!(
            self.functions.is_sorted_by_key(|f| f.range.start),
            "functions in the order they start"
        );
        let end = self.functions.partition_point(|f| f.range.start <= offset);
        let mut best: Option<usize> = None;
        for i in (0..end).rev() {
            let f = &self.functions[i];
            if let Some(b) = best {
                if f.range.start != self.functions[b].range.start {
                    break;
                }
                if f.range.contains(&offset) && f.range.len() < self.functions[b].range.len() {
                    best = Some(i);
                }
            } else if f.range.contains(&offset) {
                best = Some(i);
            }
        }
        best
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

/// Facts of the top-level statements of the last version of one document, by content, and the
/// facts of that version.
#[derive(Default)]
pub struct FactsCache {
    language: Option<Language>,
    /// The last version's statements by their text's hash and kind: one each, but for statements
    /// repeated word for word (so inline, without an allocation of its own).
    items: FxHashMap<(u64, u16), smallvec::SmallVec<[Arc<Item>; 1]>>,
    /// The top-level statements of the version last extracted, in order.
    units: Vec<Unit>,
    /// The facts of the version last extracted.
    last: Option<FileFacts>,
    /// That version's length in bytes.
    source_len: usize,
    /// Counts the extractions that changed something: what later stages check to know that
    /// their results are from the version just before.
    generation: u64,
    /// Whether the last extraction kept the previous version's name resolution for its
    /// unchanged statements (see [`FactsCache::extract_splice`]).
    kept: bool,
    /// Then: the names it binds the same way but to other values.
    revalued: Vec<String>,
    /// Then: the changed statements' facts in the version before (see
    /// [`FactsCache::moved_only`]).
    replaced: Option<Replaced>,
    /// Then: whether the changed statements bind every name exactly as before.
    same_bindings: bool,
}

/// The facts of the statements a change replaced, as the version before had them.
#[derive(Default)]
struct Replaced {
    calls: Vec<Call>,
    functions: Vec<FunctionDef>,
    classes: Vec<ClassDef>,
    attribute_assignments: Vec<AttributeAssignment>,
}

/// A top-level statement of the version last extracted: the unit later stages cache their work
/// by (see `crate::cache`).
#[derive(Clone)]
pub(crate) struct Unit {
    pub range: Range<usize>,
    /// Its facts, shared with the facts cache: the same allocation as the previous version's
    /// statement exactly when they were reused (the same text, parsed without errors).
    item: Arc<Item>,
    /// Its calls, functions, classes and attribute assignments: index ranges in [`FileFacts`].
    pub calls: Range<usize>,
    pub functions: Range<usize>,
    pub classes: Range<usize>,
    pub attribute_assignments: Range<usize>,
}

impl Unit {
    /// Whether this is `previous`'s statement, unchanged (its facts were reused).
    pub fn same_as(&self, previous: &Unit) -> bool {
        Arc::ptr_eq(&self.item, &previous.item)
    }
}

/// Where the unchanged top-level statements are between two versions: a common prefix and suffix
/// of statements; everything between changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Splice {
    /// Unchanged statements at the start and at the end.
    pub prefix: usize,
    pub suffix: usize,
    /// The changed bytes, in the old and the new version.
    pub old: Range<usize>,
    pub new: Range<usize>,
    /// The changed statements' calls, functions and classes: index ranges in the old and the new
    /// version's facts.
    pub calls: IndexSplice,
    pub functions: IndexSplice,
    pub classes: IndexSplice,
    pub attribute_assignments: IndexSplice,
}

/// Indices of the items of the changed statements, in the old and the new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IndexSplice {
    pub old: Range<usize>,
    pub new: Range<usize>,
}

impl IndexSplice {
    /// The new index of an old item; `None` for an item of a changed statement.
    pub fn forward(&self, old: usize) -> Option<usize> {
        if old < self.old.start {
            Some(old)
        } else if old >= self.old.end {
            Some(old + self.new.end - self.old.end)
        } else {
            None
        }
    }

    /// The old index of a new item; `None` for an item of a changed statement.
    pub fn back(&self, new: usize) -> Option<usize> {
        if new < self.new.start {
            Some(new)
        } else if new >= self.new.end {
            Some(new + self.old.end - self.new.end)
        } else {
            None
        }
    }
}

impl Splice {
    /// Where a range of the old version is in the new one; `None` when it overlaps the change.
    pub fn range(&self, range: &Range<usize>) -> Option<Range<usize>> {
        if range.end <= self.old.start {
            Some(range.clone())
        } else if range.start >= self.old.end {
            let start = (range.start + self.new.end).checked_sub(self.old.end)?;
            Some(start..start + range.len())
        } else {
            None
        }
    }

    /// Nothing changed.
    pub fn is_identity(&self) -> bool {
        self.old.is_empty() && self.new.is_empty() && self.old.start == self.new.start
    }
}

impl FactsCache {
    /// The facts of the version last extracted.
    pub fn current(&self) -> Option<&FileFacts> {
        self.last.as_ref()
    }

    /// See the field.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the last extraction kept the previous version's name resolution: every result
    /// computed for an unchanged statement of the previous version, reading names only through
    /// the text of unchanged statements, still holds (see [`FactsCache::extract_splice`]).
    pub fn kept_resolution(&self) -> bool {
        self.kept
    }

    /// When the last extraction kept the resolution: the names the change bound the same way
    /// but to other values. A result that read one of them (a description made of a constant, a
    /// command built from one) holds only if it did not mention them.
    pub(crate) fn revalued(&self) -> &[String] {
        &self.revalued
    }

    /// Whether the last extraction only moved the facts: the resolution was kept, no name an
    /// unchanged statement mentions is bound to another value, and the changed statements'
    /// calls, functions, classes and attribute assignments are the previous version's, each
    /// with its places moved by `change` (the same names, resolutions, arguments and nesting;
    /// the text between may differ, as when a comment is typed in a body). A call that has no
    /// name as its callee is also written the same (what it calls is then read from the text).
    /// `Some(true)` when the changed statements also bind every name as before; `Some(false)`
    /// when they bind some differently (a value's text changed: `const t = tool({...})` with a
    /// comment typed inside), names only they mention, so what their own calls reach may differ.
    pub(crate) fn moved_only(
        &self,
        splice: &Splice,
        change: &crate::syntax::change::TextMove,
    ) -> Option<bool> {
        let (Some(old), Some(new)) = (&self.replaced, &self.last) else {
            return None;
        };
        if !self.kept || !self.revalued.is_empty() {
            return None;
        }
        fn same<T: PartialEq>(
            old: &[T],
            new: Option<&[T]>,
            moved: impl Fn(&T) -> Option<T>,
        ) -> bool {
            new.is_some_and(|new| {
                old.len() == new.len()
                    && old
                        .iter()
                        .zip(new)
                        .all(|(o, n)| moved(o).is_some_and(|m| m == *n))
            })
        }
        let r = |range: &Range<usize>| change.range(range);
        let optional = |range: &Option<Range<usize>>| -> Option<Option<Range<usize>>> {
            match range {
                None => Some(None),
                Some(range) => r(range).map(Some),
            }
        };
        let arguments = |arguments: &[Argument]| -> Option<Vec<Argument>> {
            arguments
                .iter()
                .map(|a| {
                    Some(Argument {
                        range: r(&a.range)?,
                        ..a.clone()
                    })
                })
                .collect()
        };
        let call = |c: &Call| -> Option<Call> {
            if c.callee.is_none() && !change.keeps(&c.callee_range) {
                return None;
            }
            Some(Call {
                range: r(&c.range)?,
                callee_range: r(&c.callee_range)?,
                arguments: arguments(&c.arguments)?,
                ..c.clone()
            })
        };
        let function = |f: &FunctionDef| -> Option<FunctionDef> {
            Some(FunctionDef {
                range: r(&f.range)?,
                name_range: r(&f.name_range)?,
                body_range: r(&f.body_range)?,
                docstring: optional(&f.docstring)?,
                parameters: f
                    .parameters
                    .iter()
                    .map(|p| {
                        Some(Parameter {
                            range: r(&p.range)?,
                            annotation: optional(&p.annotation)?,
                            default: optional(&p.default)?,
                            ..p.clone()
                        })
                    })
                    .collect::<Option<_>>()?,
                decorators: f
                    .decorators
                    .iter()
                    .map(|d| {
                        Some(Decorator {
                            range: r(&d.range)?,
                            arguments: match &d.arguments {
                                Some(a) => Some(arguments(a)?),
                                None => None,
                            },
                            ..d.clone()
                        })
                    })
                    .collect::<Option<_>>()?,
                ..f.clone()
            })
        };
        let class = |c: &ClassDef| -> Option<ClassDef> {
            Some(ClassDef {
                range: r(&c.range)?,
                name_range: r(&c.name_range)?,
                bases: c
                    .bases
                    .iter()
                    .map(|b| {
                        Some(Base {
                            range: r(&b.range)?,
                            ..b.clone()
                        })
                    })
                    .collect::<Option<_>>()?,
                attributes: c
                    .attributes
                    .iter()
                    .map(|a| {
                        Some(Attribute {
                            range: r(&a.range)?,
                            value: r(&a.value)?,
                            ..a.clone()
                        })
                    })
                    .collect::<Option<_>>()?,
                ..c.clone()
            })
        };
        let assignment = |a: &AttributeAssignment| -> Option<AttributeAssignment> {
            Some(AttributeAssignment {
                range: r(&a.range)?,
                value: r(&a.value)?,
                ..a.clone()
            })
        };
        let moved = same(&old.calls, new.calls.get(splice.calls.new.clone()), call)
            && same(
                &old.functions,
                new.functions.get(splice.functions.new.clone()),
                function,
            )
            && same(
                &old.classes,
                new.classes.get(splice.classes.new.clone()),
                class,
            )
            && same(
                &old.attribute_assignments,
                new.attribute_assignments
                    .get(splice.attribute_assignments.new.clone()),
                assignment,
            );
        moved.then_some(self.same_bindings)
    }

    /// Number of top-level statements cached.
    pub fn len(&self) -> usize {
        self.items.values().map(|items| items.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The facts of a new version of the document (see [`FileFacts::extract_cached`]), and how
    /// its top-level statements line up with the previous version's (`None` for the first
    /// version or another language).
    ///
    /// Statements whose text is unchanged keep their extracted facts. The previous version's
    /// resolved facts are kept too when the change binds differently only names that no
    /// unchanged statement mentions (typing a new local variable, editing a string or a call in
    /// a body) and changes no import: then nothing an unchanged statement refers to resolves
    /// differently, so its calls and definitions only move, and only the changed statements are
    /// resolved and spliced in. Otherwise the whole file is resolved again.
    ///
    /// `unchanged`: how many bytes at the start and at the end this version shares with the
    /// previous one, when the caller knows (the statements there are then found by place).
    pub(crate) fn extract_splice(
        &mut self,
        source: &str,
        tree: &tree_sitter::Tree,
        language: Language,
        unchanged: Option<(usize, usize)>,
        statements: Option<&[tree_sitter::Node<'_>]>,
    ) -> (&FileFacts, Option<Splice>) {
        if self.language != Some(language) {
            self.items.clear();
            self.units.clear();
            self.last = None;
            self.language = Some(language);
        }
        let mut previous = std::mem::take(&mut self.items);
        let old_units = std::mem::take(&mut self.units);
        let root = tree.root_node();
        // The top-level statements: as the caller listed them already, or listed here.
        let listed;
        let statements = match statements {
            Some(statements) => statements,
            None => {
                let mut cursor = root.walk();
                listed = root.children(&mut cursor).collect::<Vec<_>>();
                &listed
            }
        };
        // One unit and one item per statement: grown once, not push by push.
        self.units.reserve(statements.len());
        self.items.reserve(statements.len());
        let mut counts = (0, 0, 0, 0);
        // Statements in the bytes the last version shares with this one at the start or at the
        // end are looked up by place, without hashing their text.
        let (same_start, same_end) = unchanged.filter(|_| self.last.is_some()).unwrap_or((0, 0));
        let old_len = self.source_len;
        let mut old_index = 0;
        for &node in statements {
            let start = node.start_byte();
            let end = node.end_byte();
            // Text that does not parse may parse differently in another context (error recovery
            // looks around): only error-free statements are reused.
            let reusable = !node.has_error();
            let kind = node.kind_id();
            let old_range = if end <= same_start {
                Some(start..end)
            } else if start >= source.len() - same_end {
                Some(start + old_len - source.len()..end + old_len - source.len())
            } else {
                None
            };
            let in_place = old_range.filter(|_| reusable).and_then(|range| {
                while old_units
                    .get(old_index)
                    .is_some_and(|u| u.range.start < range.start)
                {
                    old_index += 1;
                }
                let unit = old_units.get(old_index)?;
                (unit.range == range && unit.item.kind == kind && unit.item.reusable)
                    .then(|| unit.item.clone())
            });
            let item = in_place.unwrap_or_else(|| {
                let text = source.get(start..end).unwrap_or_default();
                let key = (content_hash(text), kind);
                let reused = reusable
                    .then(|| previous.get_mut(&key))
                    .flatten()
                    .and_then(|items| {
                        let i = items
                            .iter()
                            .position(|cached| cached.reusable && &*cached.text == text)?;
                        Some(items.swap_remove(i))
                    });
                reused.unwrap_or_else(|| {
                    let mut fragment = Builder::default();
                    extract_subtree(source, node, language, &mut fragment);
                    fragment.make_relative(start);
                    Arc::new(Item {
                        text: text.into(),
                        hash: key.0,
                        kind,
                        signatures: fragment.signatures(text),
                        reusable,
                        fragment,
                    })
                })
            });
            let f = &item.fragment;
            let next = |at: &mut usize, n: usize| {
                *at += n;
                *at - n..*at
            };
            self.units.push(Unit {
                range: start..end,
                calls: next(&mut counts.0, f.calls.len()),
                functions: next(&mut counts.1, f.functions.len()),
                classes: next(&mut counts.2, f.classes.len()),
                attribute_assignments: next(&mut counts.3, f.attribute_assignments.len()),
                item: item.clone(),
            });
            self.items
                .entry((item.hash, item.kind))
                .or_default()
                .push(item);
        }
        let fragments: Vec<(&Builder, usize)> = self
            .units
            .iter()
            .map(|u| (&u.item.fragment, u.range.start))
            .collect();
        let family = language.family();
        let old_len = std::mem::replace(&mut self.source_len, source.len());
        let splice = (self.last.is_some() && !old_units.is_empty())
            .then(|| splice_of(&old_units, &self.units, old_len, source.len()));
        if !splice.as_ref().is_some_and(Splice::is_identity) {
            self.generation += 1;
        }
        let rebound = splice
            .as_ref()
            .filter(|_| self.last.is_some())
            .and_then(|splice| rebound_names(splice, &old_units, &self.units, source));
        self.kept = rebound.is_some();
        self.replaced = None;
        self.same_bindings = false;
        match (rebound, &splice, self.last.as_mut()) {
            (Some(rebound), Some(splice), Some(last)) => {
                self.same_bindings = rebound.rebuild.is_empty() && rebound.value.is_empty();
                // The replaced statements' facts (a statement's worth), for `moved_only`.
                self.replaced = (|| {
                    Some(Replaced {
                        calls: last.calls.get(splice.calls.old.clone())?.to_vec(),
                        functions: last.functions.get(splice.functions.old.clone())?.to_vec(),
                        classes: last.classes.get(splice.classes.old.clone())?.to_vec(),
                        attribute_assignments: last
                            .attribute_assignments
                            .get(splice.attribute_assignments.old.clone())?
                            .to_vec(),
                    })
                })();
                patch(
                    last,
                    splice,
                    &self.units,
                    &fragments,
                    &rebound.rebuild,
                    family,
                );
                self.revalued = rebound.value;
            }
            _ => {
                self.last = Some(finish(&fragments, family));
                self.revalued.clear();
            }
        }
        (self.last.get_or_insert_default(), splice)
    }

    /// The facts of a new version of the document, kept in the cache for the next version (see
    /// [`FileFacts::extract_cached`], which returns a copy).
    pub fn extract(
        &mut self,
        source: &str,
        tree: &tree_sitter::Tree,
        language: Language,
    ) -> &FileFacts {
        self.extract_splice(source, tree, language, None, None).0
    }
}

/// The names the changed statements bind differently.
#[derive(Default)]
struct Rebound {
    /// Bound differently by the changed statements: their bindings are made again. (Those whose
    /// bindings now resolve differently are mentioned nowhere else.)
    rebuild: Vec<String>,
    /// Bound once, to another value (a constant's text, an assignment's expression), and
    /// mentioned elsewhere: results that mention them are not reused.
    value: Vec<String>,
}

/// How the changed statements bind names differently; `None` when the previous version's
/// resolution cannot be kept: an import changed, or a name bound another way is mentioned outside
/// the changed statements, where it may be resolved.
fn rebound_names(splice: &Splice, old: &[Unit], new: &[Unit], source: &str) -> Option<Rebound> {
    type Bound<'a> = FxHashMap<&'a str, (Vec<Signature>, Vec<Signature>)>;
    let mut bound: Bound<'_> = FxHashMap::default();
    for (units, new) in [(old, false), (new, true)] {
        for unit in &units[splice.prefix..units.len() - splice.suffix] {
            let item = &unit.item;
            for ((name, _), signature) in item.fragment.bindings.iter().zip(&item.signatures) {
                let entry = bound.entry(name.as_str()).or_default();
                if new { &mut entry.1 } else { &mut entry.0 }.push(*signature);
            }
        }
    }
    bound.retain(|_, (before, after)| before != after);
    if bound
        .values()
        .any(|(before, after)| before.iter().chain(after).any(Signature::import))
    {
        return None; // the file's imports changed
    }
    if bound.is_empty() {
        // Every name is bound as before (typing in a comment, a string, a call): nothing below
        // would find anything, but it would look up every binding of the file.
        return Some(Rebound {
            rebuild: Vec::new(),
            value: Vec::new(),
        });
    }
    // Each name's bindings in the unchanged statements before and after the change.
    let mut unchanged: FxHashMap<&str, (Vec<Signature>, Vec<Signature>)> = FxHashMap::default();
    for (i, unit) in new.iter().enumerate() {
        let after = i >= splice.prefix;
        if after && i < new.len() - splice.suffix {
            continue;
        }
        let item = &unit.item;
        for ((name, _), signature) in item.fragment.bindings.iter().zip(&item.signatures) {
            if bound.contains_key(name.as_str()) {
                let entry = unchanged.entry(name.as_str()).or_default();
                if after { &mut entry.1 } else { &mut entry.0 }.push(*signature);
            }
        }
    }
    let mut shape: Vec<&str> = Vec::new();
    let mut value = Vec::new();
    for (name, (before, after)) in &bound {
        let (start, end) = unchanged
            .get(name)
            .map_or((&[][..], &[][..]), |(s, e)| (s.as_slice(), e.as_slice()));
        let old_fold = Fold::of(start.iter().chain(before).chain(end));
        let new_fold = Fold::of(start.iter().chain(after).chain(end));
        if old_fold.shape() != new_fold.shape() {
            shape.push(*name);
        } else if old_fold.single.map(|s| s.value) != new_fold.single.map(|s| s.value) {
            // A value is read only through a name bound once.
            value.push(name.to_string());
        }
    }
    // A construction's class resolves through its callee's root (`reply = client.create()`): a
    // changed statement's construction from a name bound another way is too.
    for units in [old, new] {
        for unit in &units[splice.prefix..units.len() - splice.suffix] {
            for (name, binding) in &unit.item.fragment.bindings {
                if let PendingBinding::Construct((root, _), _) = binding
                    && shape.contains(&root.as_str())
                    && !shape.contains(&name.as_str())
                {
                    shape.push(name);
                }
            }
        }
    }
    if shape.iter().any(|name| {
        mentions(&source[..splice.new.start], name) || mentions(&source[splice.new.end..], name)
    }) {
        return None;
    }
    // A value no other statement mentions cannot be read by one: forget it (mostly, the name
    // an edited tool or assignment is bound to, mentioned nowhere else).
    value.retain(|name| {
        mentions(&source[..splice.new.start], name) || mentions(&source[splice.new.end..], name)
    });
    // A value that mentions a revalued name reads differently too (`DESC = PREFIX + "..."`).
    let mut rounds = 0;
    while !value.is_empty() {
        let mut added = false;
        for unit in new {
            for (name, binding) in &unit.item.fragment.bindings {
                let range = match binding {
                    PendingBinding::Constant(r)
                    | PendingBinding::Value(r)
                    | PendingBinding::Construct(_, r) => r,
                    PendingBinding::Import(_) | PendingBinding::Local => continue,
                };
                if value.contains(name) || shape.contains(&name.as_str()) {
                    continue;
                }
                if mentions_any(
                    unit.item.text.get(range.clone()).unwrap_or_default(),
                    &value,
                ) {
                    value.push(name.clone());
                    added = true;
                }
            }
        }
        if !added {
            break;
        }
        rounds += 1;
        if rounds > 8 {
            return None;
        }
    }
    // Rebuilt: the names bound differently, and the constructions from them.
    let mut rebuild: Vec<String> = bound.keys().map(|n| n.to_string()).collect();
    for name in shape {
        if !bound.contains_key(name) {
            rebuild.push(name.to_string());
        }
    }
    Some(Rebound { rebuild, value })
}

/// Whether `text` mentions any of `names` as a whole word.
pub(crate) fn mentions_any(text: &str, names: &[String]) -> bool {
    names.iter().any(|name| mentions(text, name))
}

/// Whether `text` contains `name` as a whole word (conservatively: in code, strings or
/// comments alike).
fn mentions(text: &str, name: &str) -> bool {
    // An empty name (error recovery's zero-width identifier) would match between the bytes of a
    // character; it names nothing.
    if name.is_empty() {
        return false;
    }
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
    memchr::memmem::find_iter(text.as_bytes(), name.as_bytes()).any(|at| {
        let before = text.get(..at).and_then(|t| t.chars().next_back());
        let after = text.get(at + name.len()..).and_then(|t| t.chars().next());
        !is_word(before) && !is_word(after)
    })
}

/// The common prefix and suffix of unchanged statements of two versions (of `old_len` and
/// `new_len` bytes): the same text at the same distance from the start, or from the end.
fn splice_of(old: &[Unit], new: &[Unit], old_len: usize, new_len: usize) -> Splice {
    let prefix = old
        .iter()
        .zip(new)
        .take_while(|(o, n)| n.same_as(o) && n.range.start == o.range.start)
        .count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(o, n)| n.same_as(o) && old_len - o.range.start == new_len - n.range.start)
        .count();
    let start = |units: &[Unit]| units[..prefix].last().map_or(0, |u| u.range.end);
    let end = |units: &[Unit], total: usize| {
        units[units.len() - suffix..]
            .first()
            .map_or(total, |u| u.range.start)
    };
    let items = |f: fn(&Unit) -> &Range<usize>| {
        let span = |units: &[Unit]| {
            let start = units[..prefix].last().map_or(0, |u| f(u).end);
            let end = units[units.len() - suffix..]
                .first()
                .map_or_else(|| units.last().map_or(0, |u| f(u).end), |u| f(u).start);
            start..end.max(start)
        };
        IndexSplice {
            old: span(old),
            new: span(new),
        }
    };
    Splice {
        prefix,
        suffix,
        old: start(old)..end(old, old_len).max(start(old)),
        new: start(new)..end(new, new_len).max(start(new)),
        calls: items(|u| &u.calls),
        functions: items(|u| &u.functions),
        classes: items(|u| &u.classes),
        attribute_assignments: items(|u| &u.attribute_assignments),
    }
}

/// Moves the previous version's facts to the new version (see [`FactsCache::extract_splice`]):
/// names not `rebound` are bound the same way, so only their values' ranges are set again; the
/// names bound another way (`rebound`) have their bindings made again; the changed statements' calls, functions, classes and
/// attribute assignments are resolved and replace the old ones; those after them move by the
/// change in length.
fn patch(
    facts: &mut FileFacts,
    splice: &Splice,
    new_units: &[Unit],
    fragments: &[(&Builder, usize)],
    rebound: &[String],
    family: Family,
) {
    let rebound: rustc_hash::FxHashSet<&str> = rebound.iter().map(String::as_str).collect();
    if !rebound.is_empty() {
        // The rebound names' bindings, made again in one pass over the file.
        let mut lists: FxHashMap<&str, Vec<Binding>> = FxHashMap::default();
        let mut constructs = Vec::new();
        for &(fragment, offset) in fragments {
            for (name, binding) in &fragment.bindings {
                let Some(&name) = rebound.get(name.as_str()) else {
                    continue;
                };
                let list = lists.entry(name).or_default();
                list.push(match binding {
                    PendingBinding::Import(q) => Binding::Import(q.clone()),
                    PendingBinding::Constant(range) => Binding::Constant(at(range, offset)),
                    PendingBinding::Construct(path, range) => {
                        constructs.push((name, list.len(), path));
                        Binding::Value(at(range, offset))
                    }
                    PendingBinding::Value(range) => Binding::Value(at(range, offset)),
                    PendingBinding::Local => Binding::Local,
                });
            }
        }
        for name in &rebound {
            match lists.remove(name) {
                Some(list) => {
                    facts.bindings.map.insert(name.to_string(), list);
                }
                None => {
                    facts.bindings.map.remove(*name);
                }
            }
        }
        let classes: Vec<_> = constructs
            .iter()
            .map(|(_, _, (root, members))| {
                resolve_construct(&facts.bindings, family, root, members)
            })
            .collect();
        for ((name, slot, _), class) in constructs.into_iter().zip(classes) {
            if let (Some(class), Some(list)) = (class, facts.bindings.map.get_mut(name))
                && let Some(binding) = list.get_mut(slot)
                && let Binding::Value(value) = binding
            {
                *binding = Binding::Instance {
                    class,
                    value: value.clone(),
                };
            }
        }
    }
    // The other names' values' ranges, from the first changed statement on (they moved or
    // changed); their bindings are the same, in the same order. Counted from the end: a
    // binding's place in its name's list is the list's length less the bindings after it (the
    // statements before the change, most of a file when typing near its end, are not visited).
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for &(fragment, offset) in fragments[splice.prefix.min(fragments.len())..].iter().rev() {
        for (name, binding) in fragment.bindings.iter().rev() {
            let from_end = seen.entry(name.as_str()).or_default();
            *from_end += 1;
            let range = match binding {
                PendingBinding::Constant(r)
                | PendingBinding::Value(r)
                | PendingBinding::Construct(_, r) => at(r, offset),
                PendingBinding::Import(_) | PendingBinding::Local => continue,
            };
            if rebound.contains(name.as_str()) {
                continue;
            }
            if let Some(list) = facts.bindings.map.get_mut(name.as_str())
                && let Some(nth) = list.len().checked_sub(*from_end)
                && let Some(slot) = list.get_mut(nth)
            {
                match slot {
                    Binding::Constant(r) | Binding::Value(r) => *r = range,
                    Binding::Instance { value, .. } => *value = range,
                    Binding::Import(_) | Binding::Local => {}
                }
            }
        }
    }
    // The changed statements, resolved against the (unchanged) bindings.
    let changed = &fragments[splice.prefix..fragments.len() - splice.suffix];
    let mut fresh = Resolved::default();
    let class_base = new_units[..splice.prefix]
        .last()
        .map_or(0, |u| u.classes.end);
    {
        let mut resolver = Resolver::new(&facts.bindings, family);
        for &(fragment, offset) in changed {
            resolver.fragment(
                fragment,
                offset,
                class_base + fresh.classes.len(),
                &mut fresh,
            );
        }
    }
    let moved = |range: &mut Range<usize>| {
        range.start = range.start + splice.new.end - splice.old.end;
        range.end = range.end + splice.new.end - splice.old.end;
    };
    let calls = splice.calls.old.clone();
    let after = calls.start + fresh.calls.len();
    facts.calls.splice(calls, fresh.calls);
    for call in &mut facts.calls[after..] {
        moved(&mut call.range);
        moved(&mut call.callee_range);
        for a in &mut call.arguments {
            moved(&mut a.range);
        }
    }
    let classes = splice.classes.old.clone();
    let class_shift = (fresh.classes.len(), classes.len());
    let after = classes.start + fresh.classes.len();
    facts.classes.splice(classes, fresh.classes);
    for class in &mut facts.classes[after..] {
        moved(&mut class.range);
        moved(&mut class.name_range);
        for b in &mut class.bases {
            moved(&mut b.range);
        }
        for a in &mut class.attributes {
            moved(&mut a.range);
            moved(&mut a.value);
        }
    }
    let functions = splice.functions.old.clone();
    let after = functions.start + fresh.functions.len();
    facts.functions.splice(functions, fresh.functions);
    for function in &mut facts.functions[after..] {
        moved(&mut function.range);
        moved(&mut function.name_range);
        moved(&mut function.body_range);
        if let Some(d) = &mut function.docstring {
            moved(d);
        }
        for p in &mut function.parameters {
            moved(&mut p.range);
            if let Some(r) = &mut p.annotation {
                moved(r);
            }
            if let Some(r) = &mut p.default {
                moved(r);
            }
        }
        for d in &mut function.decorators {
            moved(&mut d.range);
            for a in d.arguments.iter_mut().flatten() {
                moved(&mut a.range);
            }
        }
        if let Some(c) = &mut function.class {
            *c = *c + class_shift.0 - class_shift.1;
        }
    }
    let assignments = splice.attribute_assignments.old.clone();
    let after = assignments.start + fresh.attribute_assignments.len();
    facts
        .attribute_assignments
        .splice(assignments, fresh.attribute_assignments);
    for a in &mut facts.attribute_assignments[after..] {
        moved(&mut a.range);
        moved(&mut a.value);
    }
}

/// A statement's text and its facts, with offsets relative to the statement's start.
struct Item {
    text: Box<str>,
    /// Its [`content_hash`] and node kind: its key in [`FactsCache::items`].
    hash: u64,
    kind: u16,
    /// Whether the statement parsed without errors (only then is it reused).
    reusable: bool,
    /// For each of the fragment's bindings, in order: what it says about its name.
    signatures: Vec<Signature>,
    fragment: Builder,
}

/// What a binding says about its name: its kind and what it imports or constructs (what name
/// resolution reads), and its value's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Signature {
    /// 1 import, 2 constant, 3 construction, 4 other value, 5 local.
    kind: u8,
    /// The kind with what is imported or the constructor's path.
    shape: u64,
    value: u64,
}

impl Signature {
    fn import(&self) -> bool {
        self.kind == 1
    }
}

/// What every binding of a name, together, says to name resolution and to readers of its
/// value (see `Bindings`): whether it is bound, once or more, its first import, whether all
/// bindings are constants, the constructors if all are constructions, and the only binding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Fold {
    /// 0, 1, or 2 for two or more.
    count: u8,
    first_import: Option<u64>,
    not_all_constant: bool,
    /// The constructors' paths, sorted, when every binding is a construction.
    constructors: Option<Vec<u64>>,
    single: Option<Signature>,
}

impl Fold {
    fn push(&mut self, s: &Signature) {
        if s.import() && self.first_import.is_none() {
            self.first_import = Some(s.shape);
        }
        self.not_all_constant |= s.kind != 2;
        self.constructors = match (self.count, self.constructors.take()) {
            (_, _) if s.kind != 3 => None,
            (0, _) => Some(vec![s.shape]),
            (_, Some(mut paths)) => {
                if let Err(at) = paths.binary_search(&s.shape) {
                    paths.insert(at, s.shape);
                }
                Some(paths)
            }
            (_, None) => None,
        };
        self.single = (self.count == 0).then_some(*s);
        self.count = (self.count + 1).min(2);
    }

    fn of<'s>(signatures: impl IntoIterator<Item = &'s Signature>) -> Fold {
        let mut fold = Fold::default();
        for s in signatures {
            fold.push(s);
        }
        fold
    }

    /// What resolution reads (all but the only binding's value).
    fn shape(&self) -> (u8, Option<u64>, bool, &Option<Vec<u64>>, Option<u8>) {
        (
            self.count,
            self.first_import,
            self.not_all_constant,
            &self.constructors,
            self.single.map(|s| s.kind),
        )
    }
}

/// FxHash's multiplier.
const HASH_K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// A fast, non-cryptographic hash (FxHash's mixing, eight bytes at a time). Equality of the text is
/// always checked after a hash match, so collisions cost time, never correctness.
pub(crate) fn content_hash(text: &str) -> u64 {
    const K: u64 = HASH_K;
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
            let is_plus = n.field("operator").is_some_and(|op| op.kind() == "+");
            match (is_plus, n.field("left"), n.field("right")) {
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
    /// The [`Signature`] of each binding (`text` is the statement's text; the fragment's ranges
    /// are relative to it).
    fn signatures(&self, text: &str) -> Vec<Signature> {
        let mix = |hash: u64, h: u64| (hash.rotate_left(5) ^ h).wrapping_mul(HASH_K);
        let value =
            |range: &Range<usize>| content_hash(text.get(range.clone()).unwrap_or_default());
        self.bindings
            .iter()
            .map(|(_, binding)| match binding {
                PendingBinding::Import(q) => Signature {
                    kind: 1,
                    shape: mix(1, content_hash(q)),
                    value: 0,
                },
                PendingBinding::Constant(range) => Signature {
                    kind: 2,
                    shape: 2,
                    value: value(range),
                },
                PendingBinding::Construct((root, members), range) => {
                    let mut shape = mix(3, content_hash(root));
                    for m in members {
                        shape = mix(shape, content_hash(m));
                    }
                    Signature {
                        kind: 3,
                        shape,
                        value: value(range),
                    }
                }
                PendingBinding::Value(range) => Signature {
                    kind: 4,
                    shape: 4,
                    value: value(range),
                },
                PendingBinding::Local => Signature {
                    kind: 5,
                    shape: 5,
                    value: 0,
                },
            })
            .collect()
    }

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

fn at(range: &Range<usize>, offset: usize) -> Range<usize> {
    range.start + offset..range.end + offset
}

/// Resolves the fragments of a file (each with the offset its ranges are relative to) against the
/// bindings of all of them. Reads the fragments by reference: cached fragments are not copied.
fn finish(fragments: &[(&Builder, usize)], family: Family) -> FileFacts {
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
        .map(|(_, _, (root, members))| resolve_construct(&bindings, family, root, members))
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
    let mut out = Resolved {
        calls: Vec::with_capacity(fragments.iter().map(|(f, _)| f.calls.len()).sum()),
        ..Resolved::default()
    };
    {
        let mut resolver = Resolver::new(&bindings, family);
        for &(fragment, offset) in fragments {
            let class_base = out.classes.len();
            resolver.fragment(fragment, offset, class_base, &mut out);
        }
    }
    FileFacts {
        bindings,
        calls: out.calls,
        functions: out.functions,
        classes: out.classes,
        attribute_assignments: out.attribute_assignments,
    }
}

/// Facts resolved against a file's bindings.
#[derive(Default)]
struct Resolved {
    calls: Vec<Call>,
    functions: Vec<FunctionDef>,
    classes: Vec<ClassDef>,
    attribute_assignments: Vec<AttributeAssignment>,
}

/// Resolves fragments against a file's bindings; many calls share a callee (`json.loads`,
/// `client.chat.completions.create`), so each path is resolved once.
struct Resolver<'b> {
    bindings: &'b Bindings,
    family: Family,
    memo: FxHashMap<Path, Option<String>>,
}

impl<'b> Resolver<'b> {
    fn new(bindings: &'b Bindings, family: Family) -> Self {
        Self {
            bindings,
            family,
            memo: FxHashMap::default(),
        }
    }

    fn path(&mut self, path: &Option<Path>) -> Option<String> {
        let path = path.as_ref()?;
        if let Some(known) = self.memo.get(path) {
            return known.clone();
        }
        let (root, members) = path;
        let resolved = resolve(self.bindings, self.family, root, members);
        self.memo.insert(path.clone(), resolved.clone());
        resolved
    }

    fn argument(&self, arg: &PendingArgument, offset: usize) -> Argument {
        Argument {
            keyword: arg.keyword.clone(),
            range: at(&arg.range, offset),
            value: if arg.spread {
                ValueKind::Spread
            } else {
                match &arg.constness {
                    Constness::Constant => ValueKind::Constant,
                    Constness::Dynamic => ValueKind::Dynamic,
                    Constness::IfConstant(names) => {
                        if names.iter().all(|n| self.bindings.is_constant(n)) {
                            ValueKind::Constant
                        } else {
                            ValueKind::Dynamic
                        }
                    }
                }
            },
        }
    }

    /// Appends a fragment's facts (ranges relative to `offset`) to `out`; `class_base` is the
    /// index in the file's classes of the fragment's first class.
    fn fragment(
        &mut self,
        fragment: &Builder,
        offset: usize,
        class_base: usize,
        out: &mut Resolved,
    ) {
        out.attribute_assignments
            .extend(
                fragment
                    .attribute_assignments
                    .iter()
                    .map(|a| AttributeAssignment {
                        object: a.object.clone(),
                        attribute: a.attribute.clone(),
                        range: at(&a.range, offset),
                        value: at(&a.value, offset),
                    }),
            );
        for class in &fragment.classes {
            let bases = class
                .bases
                .iter()
                .map(|b| Base {
                    range: at(&b.range, offset),
                    callee: b.path.as_ref().map(joined),
                    resolved: self.path(&b.path),
                })
                .collect();
            out.classes.push(ClassDef {
                name: class.name.clone(),
                range: at(&class.range, offset),
                name_range: at(&class.name_range, offset),
                bases,
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
            let decorators = function
                .decorators
                .iter()
                .map(|d| Decorator {
                    range: at(&d.range, offset),
                    callee: d.path.as_ref().map(joined),
                    resolved: self.path(&d.path),
                    arguments: d
                        .arguments
                        .as_ref()
                        .map(|args| args.iter().map(|a| self.argument(a, offset)).collect()),
                })
                .collect();
            out.functions.push(FunctionDef {
                name: f.name,
                range: f.range,
                name_range: f.name_range,
                body_range: f.body_range,
                docstring: f.docstring,
                parameters: f.parameters,
                decorators,
                class: f.class.map(|c| c + class_base),
            });
        }
        for call in &fragment.calls {
            let resolved = self.path(&call.path);
            out.calls.push(Call {
                range: at(&call.range, offset),
                callee_range: at(&call.callee_range, offset),
                callee: call.path.as_ref().map(joined),
                resolved,
                arguments: call
                    .arguments
                    .iter()
                    .map(|a| self.argument(a, offset))
                    .collect(),
            });
        }
    }
}

/// Globals that name the global object in JavaScript.
const JS_GLOBAL_OBJECTS: &[&str] = &["globalThis", "window", "global", "self"];

/// The qualified name of `root.members...`, following imports (`sp.run` → `subprocess.run`) and
/// instances (`mcp.tool` → `mcp.server.fastmcp.FastMCP#tool`); unbound names are builtins (Python)
/// or globals (JavaScript).
fn resolve(bindings: &Bindings, family: Family, root: &str, members: &[String]) -> Option<String> {
    resolve_with(bindings, family, root, members, true)
}

/// What a construction (`x = Client(...)`) makes: resolved as [`resolve`] does, except that no
/// name is an instance yet (the whole file's constructions are resolved before any becomes one).
fn resolve_construct(
    bindings: &Bindings,
    family: Family,
    root: &str,
    members: &[String],
) -> Option<String> {
    resolve_with(bindings, family, root, members, false)
}

fn resolve_with(
    bindings: &Bindings,
    family: Family,
    root: &str,
    members: &[String],
    instances: bool,
) -> Option<String> {
    // `self.client.chat.completions.create`: a method of what `self.client = OpenAI()` made.
    if instances
        && matches!(root, "self" | "this")
        && let [attribute, rest @ ..] = members
        && !rest.is_empty()
        && let Some(class) = bindings.instance_of(&format!("{root}.{attribute}"))
    {
        return Some(format!("{class}#{}", rest.join(".")));
    }
    if root == "this" {
        return None;
    }
    let base = if let Some(imported) = bindings.import_of(root) {
        imported.to_string()
    } else if let Some(class) = bindings.instance_of(root).filter(|_| instances) {
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
