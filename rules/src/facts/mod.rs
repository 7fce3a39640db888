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

use std::collections::HashMap;
use std::ops::Range;

use crate::syntax::{Family, Language};

/// How a name is bound in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// Imported: the fully qualified name it stands for (`import subprocess as sp` binds `sp` to
    /// `subprocess`; `const { exec } = require("child_process")` binds `exec` to
    /// `child_process.exec`).
    Import(String),
    /// Assigned a constant (a string or number literal, or a concatenation of them).
    Constant,
    /// Anything else: a definition, a parameter, a non-constant assignment.
    Local,
}

/// Every binding of every name in a file.
#[derive(Clone, Debug, Default)]
pub struct Bindings {
    map: HashMap<String, Vec<Binding>>,
}

impl Bindings {
    pub(crate) fn add(&mut self, name: &str, binding: Binding) {
        self.map.entry(name.to_string()).or_default().push(binding);
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
        !bindings.is_empty() && bindings.iter().all(|b| *b == Binding::Constant)
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

/// A function or method definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef {
    pub name: String,
    pub range: Range<usize>,
}

/// Everything rules need to know about one file.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub bindings: Bindings,
    pub calls: Vec<Call>,
    pub functions: Vec<FunctionDef>,
}

impl FileFacts {
    pub fn extract(source: &str, tree: &tree_sitter::Tree, language: Language) -> FileFacts {
        let mut builder = Builder::default();
        match language.family() {
            Family::Python => python::extract(source, tree, &mut builder),
            Family::JavaScript => javascript::extract(source, tree, language, &mut builder),
        }
        builder.finish(language.family())
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

/// Whether an expression is constant, possibly depending on names resolved at the end of the
/// pass (a name is constant when all its bindings are).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Constness {
    Constant,
    Dynamic,
    /// Constant if all of these names are.
    IfConstant(Vec<String>),
}

/// A call seen during the pass, before names are resolved.
pub(crate) struct PendingCall {
    pub range: Range<usize>,
    pub callee_range: Range<usize>,
    /// Root name and member names of the callee (`a.b.c` → `a`, `[b, c]`).
    pub path: Option<(String, Vec<String>)>,
    pub arguments: Vec<PendingArgument>,
}

pub(crate) struct PendingArgument {
    pub keyword: Option<String>,
    pub range: Range<usize>,
    pub spread: bool,
    pub constness: Constness,
}

#[derive(Default)]
pub(crate) struct Builder {
    pub bindings: Bindings,
    pub calls: Vec<PendingCall>,
    pub functions: Vec<FunctionDef>,
}

/// Upper bound on the nodes inspected to decide whether one expression is constant.
pub(crate) const CONSTNESS_BUDGET: usize = 64;

impl Builder {
    fn finish(self, family: Family) -> FileFacts {
        let Builder {
            bindings,
            calls,
            functions,
        } = self;
        let calls = calls
            .into_iter()
            .map(|call| {
                let resolved = call
                    .path
                    .as_ref()
                    .and_then(|(root, members)| resolve(&bindings, family, root, members));
                let callee = call.path.as_ref().map(|(root, members)| {
                    std::iter::once(root.as_str())
                        .chain(members.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(".")
                });
                let arguments = call
                    .arguments
                    .into_iter()
                    .map(|arg| Argument {
                        keyword: arg.keyword,
                        range: arg.range,
                        value: if arg.spread {
                            ValueKind::Spread
                        } else {
                            match arg.constness {
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
                    })
                    .collect();
                Call {
                    range: call.range,
                    callee_range: call.callee_range,
                    callee,
                    resolved,
                    arguments,
                }
            })
            .collect();
        FileFacts {
            bindings,
            calls,
            functions,
        }
    }
}

/// Globals that name the global object in JavaScript.
const JS_GLOBAL_OBJECTS: &[&str] = &["globalThis", "window", "global", "self"];

/// The qualified name of `root.members...`, following imports; unbound names are builtins
/// (Python) or globals (JavaScript).
fn resolve(bindings: &Bindings, family: Family, root: &str, members: &[String]) -> Option<String> {
    let base = if let Some(imported) = bindings.import_of(root) {
        imported.to_string()
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
