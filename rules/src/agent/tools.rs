//! Recognising the tools a file declares, with the recognisers in `rules/data/frameworks.toml`.

use crate::syntax::Fields as _;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::text::{DecodedText, decode};
use crate::facts::{Argument, FileFacts, Splice};
use crate::knowledge::{Knowledge, Place, ToolRecogniser, Trigger};
use crate::syntax::{Family, Language, Locator, node_range, node_text};

/// Where a tool's description comes from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptionSource {
    Docstring,
    /// A keyword argument, a positional argument or an object property.
    Argument,
    /// A class attribute or field.
    Attribute,
}

/// The text the model is given to decide when and how to call a tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    pub source: DescriptionSource,
    /// The expression that produces it.
    pub expression: Range<usize>,
    /// Its value, when it is (partly) a string; `None` when it is computed (a call, a lookup).
    pub value: Option<DecodedText>,
}

impl Description {
    /// The whole text is known when the code is written.
    pub fn is_constant(&self) -> bool {
        self.value.as_ref().is_some_and(|v| !v.dynamic)
    }

    pub fn text(&self) -> &str {
        self.value.as_ref().map_or("", |v| v.text.as_str())
    }
}

/// A parameter of a tool, with what the model is told about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolParameter {
    pub name: String,
    /// The parameter in the signature, or its key in the schema.
    pub range: Range<usize>,
    pub description: Option<Description>,
}

/// How a tool is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolKind {
    /// A decorated function.
    Function,
    /// A call that makes a tool.
    Call,
    /// A class deriving from a tool base class (index in [`FileFacts::classes`]).
    Class(usize),
}

/// A model-callable tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tool {
    pub kind: ToolKind,
    pub framework: String,
    pub name: Option<String>,
    /// Where findings about the tool as a whole point: its name where it is declared.
    pub anchor: Range<usize>,
    /// The decorator, call or class that declares it.
    pub declaration: Range<usize>,
    /// Boxed: a tool is moved whole from one version's model to the next, and the description
    /// is a third of it.
    pub description: Option<Box<Description>>,
    /// Index in [`FileFacts::functions`] of the function that runs, when it is a named function.
    pub function: Option<usize>,
    /// That function's name.
    pub function_name: Option<String>,
    /// The code that runs: the function's definition, or an inline function or lambda.
    pub handler: Option<Range<usize>>,
    /// The parameters the model fills in.
    pub parameters: Vec<ToolParameter>,
    /// What the code that runs does, with evidence (filled in after the capability analysis).
    pub effects: super::capabilities::EffectMap,
    /// The processes the tool's code starts (AL202).
    pub processes: Vec<super::capabilities::ProcessUse>,
    /// Where the parameters come from when a schema class declares them (`args_schema =
    /// SearchInput`) rather than the function's signature.
    pub schema: Option<Range<usize>>,
}

impl Tool {
    /// `name` for messages, or a placeholder.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("this tool")
    }
}

/// Every tool declared in a file.
pub fn tools(
    source: &str,
    tree: &Tree,
    language: Language,
    facts: &FileFacts,
    knowledge: &Knowledge,
) -> Vec<Tool> {
    found(
        source,
        &Locator::new(tree),
        language,
        facts,
        knowledge,
        None,
    )
    .into_iter()
    .map(|f| f.tool)
    .collect()
}

/// What declares a tool: a decorated function, a call or a class (indices in the file's facts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    Function(usize),
    Call(usize),
    Class(usize),
}

impl Origin {
    /// The same declaration in the previous version, if it is in an unchanged statement.
    fn back(self, splice: &Splice) -> Option<Origin> {
        Some(match self {
            Origin::Function(i) => Origin::Function(splice.functions.back(i)?),
            Origin::Call(i) => Origin::Call(splice.calls.back(i)?),
            Origin::Class(i) => Origin::Class(splice.classes.back(i)?),
        })
    }
}

/// A tool as found, with what declares it and the places it was found from beyond its own
/// ranges (a schema class): what decides whether the next version can keep it.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub origin: Origin,
    pub tool: Tool,
    pub depends: Vec<Range<usize>>,
    /// Moved from the last version, with its effects as they were there (see [`moved`]).
    pub moved: bool,
}

impl Found {
    /// Whether the code the tool was found from mentions any of `names`.
    fn mentions(&self, source: &str, names: &[String]) -> bool {
        let t = &self.tool;
        let description = |d: Option<&Description>| d.map(|d| d.expression.clone());
        [
            Some(t.anchor.clone()),
            Some(t.declaration.clone()),
            description(t.description.as_deref()),
            t.handler.clone(),
            t.schema.clone(),
        ]
        .into_iter()
        .flatten()
        .chain(t.parameters.iter().flat_map(|p| {
            [Some(p.range.clone()), description(p.description.as_ref())]
                .into_iter()
                .flatten()
        }))
        .chain(self.depends.iter().cloned())
        .any(|range| crate::facts::mentions_any(source.get(range).unwrap_or_default(), names))
    }
}

/// What a cache keeps of a found tool besides the tool itself (kept apart, with effects, in the
/// model the analysis returns: see `crate::agent::model_cached`).
#[derive(Clone, Debug)]
pub(crate) struct Declared {
    pub origin: Origin,
    pub depends: Vec<Range<usize>>,
}

impl From<&Found> for Declared {
    fn from(found: &Found) -> Self {
        Declared {
            origin: found.origin,
            depends: found.depends.clone(),
        }
    }
}

/// The previous version's tools (what declares each, and the tools, given up to be moved), how
/// the file changed since, and the names rebound to other values.
pub(crate) type Previous<'a> = (&'a [Declared], Vec<Tool>, &'a Splice, &'a [String]);

/// A tool of the previous version in the next, when nothing it was found from changed: its
/// ranges and indices are moved in place (a file's few hundred tools are moved on every
/// keystroke; copying their texts and parameters was a tenth of the keystroke). Its effects are
/// the last version's, for `crate::agent::with_effects` to move or compute again.
fn moved(mut tool: Tool, declared: &Declared, splice: &Splice) -> Option<Found> {
    let r = |range: &mut Range<usize>| -> Option<()> {
        *range = splice.range(range)?;
        Some(())
    };
    let description = |d: Option<&mut Description>| -> Option<()> {
        if let Some(d) = d {
            r(&mut d.expression)?;
            if let Some(value) = &mut d.value {
                for piece in &mut value.pieces {
                    r(&mut piece.source)?;
                }
            }
        }
        Some(())
    };
    for p in &mut tool.parameters {
        r(&mut p.range)?;
        description(p.description.as_mut())?;
    }
    if let ToolKind::Class(i) = &mut tool.kind {
        *i = splice.classes.forward(*i)?;
    }
    r(&mut tool.anchor)?;
    r(&mut tool.declaration)?;
    description(tool.description.as_deref_mut())?;
    if let Some(i) = &mut tool.function {
        *i = splice.functions.forward(*i)?;
    }
    if let Some(handler) = &mut tool.handler {
        r(handler)?;
    }
    if let Some(schema) = &mut tool.schema {
        r(schema)?;
    }
    Some(Found {
        origin: match declared.origin {
            Origin::Function(i) => Origin::Function(splice.functions.forward(i)?),
            Origin::Call(i) => Origin::Call(splice.calls.forward(i)?),
            Origin::Class(i) => Origin::Class(splice.classes.forward(i)?),
        },
        tool,
        depends: declared
            .depends
            .iter()
            .map(|d| splice.range(d))
            .collect::<Option<_>>()?,
        moved: true,
    })
}

/// Every tool declared in a file, with its origin. With the previous version's tools and how the
/// file changed since (`previous`; only when every name resolves as it did), a tool whose
/// declaration and sources are in unchanged statements is moved instead of found again.
pub(crate) fn found(
    source: &str,
    locator: &Locator<'_>,
    language: Language,
    facts: &FileFacts,
    knowledge: &Knowledge,
    previous: Option<Previous<'_>>,
) -> Vec<Found> {
    let family = language.family();
    let finder = Finder {
        functions_sorted: facts.functions.is_sorted_by_key(|f| f.range.start),
        source,
        locator,
        family,
        facts,
        field_calls: facts
            .calls
            .iter()
            .filter(|c| {
                c.callee
                    .as_deref()
                    .is_some_and(|n| n == "Field" || n.ends_with(".Field"))
            })
            .collect(),
        knowledge_injected: &knowledge.injected_types,
    };
    let imports: Vec<&str> = facts.bindings.imports().collect();
    let imports_one_of = |modules: &[String]| {
        modules.iter().any(|module| {
            imports.iter().any(|q| {
                *q == module
                    || q.strip_prefix(module.as_str())
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('/'))
            })
        })
    };
    // A recogniser for a resolved name, or for an unresolved `object.method` by suffix.
    // (The object may resolve to a helper's name, `.helpers.make_server#tool`, that no
    // recogniser lists: the suffix applies then too.)
    let recognise = |trigger: Trigger, resolved: Option<&str>, written: Option<&str>| {
        resolved
            .and_then(|name| knowledge.tool_recognisers(family, trigger, name).next())
            .or_else(|| {
                // A name of another framework the recognisers describe is that framework's API,
                // which its own recognisers answer for.
                let root = resolved.map(|r| r.split(['.', '#', '/']).next().unwrap_or(r));
                written.and_then(|w| {
                    knowledge
                        .tool_recognisers_by_suffix(family, trigger, w)
                        .into_iter()
                        .find(|r| {
                            imports_one_of(&r.requires_import)
                                && !root.is_some_and(|root| {
                                    knowledge.is_framework_root(family, root)
                                        && !r.requires_import.iter().any(|m| m == root)
                                })
                        })
                })
            })
    };
    // The previous version's tools by what declared them, each taken when moved.
    let (old, mut slots, previous) = match previous {
        Some((declared, tools, splice, revalued)) => {
            let old: rustc_hash::FxHashMap<Origin, usize> = declared
                .iter()
                .enumerate()
                .take(tools.len())
                .map(|(i, d)| (d.origin, i))
                .collect();
            let slots: Vec<Option<Tool>> = tools.into_iter().map(Some).collect();
            (old, slots, Some((declared, splice, revalued)))
        }
        None => Default::default(),
    };
    // About as many as last time (pushed one by one, the large records were moved at each
    // growth).
    let mut tools: Vec<Found> = Vec::with_capacity(slots.len());
    let mut reuse = |origin: Origin| {
        let (declared, splice, revalued) = previous?;
        let i = *old.get(&origin.back(splice)?)?;
        moved(slots.get_mut(i)?.take()?, declared.get(i)?, splice)
            .filter(|found| revalued.is_empty() || !found.mentions(source, revalued))
    };
    for (index, function) in facts.functions.iter().enumerate() {
        for decorator in &function.decorators {
            if let Some(recogniser) = recognise(
                Trigger::Decorator,
                decorator.resolved.as_deref(),
                decorator.callee.as_deref(),
            ) {
                let origin = Origin::Function(index);
                if let Some(found) = reuse(origin) {
                    tools.push(found);
                    break;
                }
                let arguments = decorator.arguments.as_deref().unwrap_or_default();
                tools.push(Found {
                    origin,
                    tool: finder.tool(
                        ToolKind::Function,
                        recogniser,
                        arguments,
                        Some(index),
                        None,
                        decorator.range.clone(),
                        function.name_range.clone(),
                    ),
                    depends: Vec::new(),
                    moved: false,
                });
                break;
            }
        }
    }
    for (index, call) in facts.calls.iter().enumerate() {
        let Some(resolved) = call.resolved.as_deref() else {
            continue;
        };
        // A call of an unchanged statement resolves as it did, so it declares a tool exactly
        // when it did (the previous version's tools are all known): only the changed
        // statements' calls are looked up.
        if let Some((_, splice, _)) = previous
            && let Some(earlier) = splice.calls.back(index)
            && !old.contains_key(&Origin::Call(earlier))
        {
            continue;
        }
        if let Some(recogniser) = knowledge
            .tool_recognisers(family, Trigger::Call, resolved)
            .next()
        {
            let origin = Origin::Call(index);
            if let Some(found) = reuse(origin) {
                tools.push(found);
                continue;
            }
            let function = finder.function(recogniser, &call.arguments);
            tools.push(Found {
                origin,
                tool: finder.tool(
                    ToolKind::Call,
                    recogniser,
                    &call.arguments,
                    function,
                    Some(call.range.clone()),
                    call.range.clone(),
                    call.callee_range.clone(),
                ),
                depends: Vec::new(),
                moved: false,
            });
        }
    }
    for (index, class) in facts.classes.iter().enumerate() {
        let Some(recogniser) = class.bases.iter().find_map(|base| {
            base.resolved.as_deref().and_then(|name| {
                knowledge
                    .tool_recognisers(family, Trigger::Base, name)
                    .next()
            })
        }) else {
            continue;
        };
        let origin = Origin::Class(index);
        if let Some(found) = reuse(origin) {
            tools.push(found);
            continue;
        }
        let (tool, schema_class) = finder.class_tool(recogniser, index);
        tools.push(Found {
            origin,
            tool,
            depends: schema_class.into_iter().collect(),
            moved: false,
        });
    }
    tools.sort_by_key(|f| (f.tool.declaration.start, f.tool.anchor.start));
    tools
}

struct Finder<'a> {
    source: &'a str,
    locator: &'a Locator<'a>,
    family: Family,
    facts: &'a FileFacts,
    /// pydantic `Field(...)` calls, looked up for every parameter and class attribute.
    field_calls: Vec<&'a crate::facts::Call>,
    /// Parameter types the framework fills in.
    knowledge_injected: &'a [String],
    /// The file's functions are in source order (they are: a preorder walk).
    functions_sorted: bool,
}

impl<'a> Finder<'a> {
    fn decode(&self, range: &Range<usize>) -> Option<DecodedText> {
        let node = self.locator.node_at(range)?;
        decode(
            node,
            self.locator,
            self.source,
            self.family,
            &self.facts.bindings,
        )
    }

    /// The expression at a place among a call's arguments.
    fn argument_expression(&self, arguments: &[Argument], place: &Place) -> Option<Range<usize>> {
        let positional: Vec<&Argument> = arguments.iter().filter(|a| a.keyword.is_none()).collect();
        let nth = |n: isize| -> Option<&Argument> {
            let index = if n < 0 {
                positional.len().checked_sub(n.unsigned_abs())?
            } else {
                n.unsigned_abs()
            };
            positional.get(index).copied()
        };
        match place {
            Place::Keyword(name) => arguments
                .iter()
                .find(|a| a.keyword.as_deref() == Some(name.as_str()))
                .map(|a| a.range.clone()),
            Place::Argument(n) => nth(*n).map(|a| a.range.clone()),
            Place::ArgumentProperty(n, key) => {
                let object = self.locator.node_at(&nth(*n)?.range)?;
                self.property(object, key).map(node_range)
            }
            _ => None,
        }
    }

    /// The value of property `key` of an object literal (`{ key: value }`, `{ key }`).
    fn property(&self, object: Node<'a>, key: &str) -> Option<Node<'a>> {
        if object.kind() != "object" {
            return None;
        }
        let mut cursor = object.walk();
        for member in object.named_children(&mut cursor) {
            match member.kind() {
                "pair" => {
                    let k = crate::syntax::field(member, "key")?;
                    let name = node_text(k, self.source).trim_matches(|c| c == '"' || c == '\'');
                    if name == key {
                        return crate::syntax::field(member, "value");
                    }
                }
                "shorthand_property_identifier" if node_text(member, self.source) == key => {
                    return Some(member);
                }
                "method_definition" => {
                    let name = member.field("name")?;
                    if node_text(name, self.source) == key {
                        return Some(member);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The function a call's recogniser names, when it is a named function of this file.
    fn function(&self, recogniser: &ToolRecogniser, arguments: &[Argument]) -> Option<usize> {
        recogniser.function.iter().find_map(|place| {
            let range = self.argument_expression(arguments, place)?;
            self.function_at(&range)
        })
    }

    /// A named function of this file referred to (or defined) at `range`.
    fn function_at(&self, range: &Range<usize>) -> Option<usize> {
        let text = self.source.get(range.clone())?;
        let functions = &self.facts.functions;
        // Functions are in source order (a preorder walk): the one defined here is found by
        // binary search, not by comparing every function of the file for every tool.
        let defined = if self.functions_sorted {
            let first = functions.partition_point(|f| f.range.start < range.start);
            functions[first..]
                .iter()
                .take_while(|f| f.range.start == range.start)
                .position(|f| f.range == *range)
                .map(|i| first + i)
        } else {
            functions.iter().position(|f| f.range == *range)
        };
        // Otherwise a name (`execute: search`): only a plain identifier can be one.
        let is_name = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
        defined.or_else(|| {
            is_name
                .then(|| {
                    functions
                        .iter()
                        .position(|f| f.name == text && f.class.is_none())
                })
                .flatten()
        })
    }

    /// The variable or property a call's result is assigned to.
    fn variable(&self, call: &Range<usize>) -> Option<(String, Range<usize>)> {
        let mut node = self.locator.node_at(call)?;
        loop {
            let parent = self.locator.parent(node)?;
            match parent.kind() {
                "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression" => node = parent,
                "variable_declarator" => {
                    let name = parent.field("name")?;
                    return (name.kind() == "identifier")
                        .then(|| (node_text(name, self.source).to_string(), node_range(name)));
                }
                "pair" => {
                    let key = parent.field("key")?;
                    let text = node_text(key, self.source).trim_matches(|c| c == '"' || c == '\'');
                    return Some((text.to_string(), node_range(key)));
                }
                "assignment_expression" => {
                    let left = parent.field("left")?;
                    let name = match left.kind() {
                        "member_expression" => left.field("property")?,
                        _ => left,
                    };
                    return Some((node_text(name, self.source).to_string(), node_range(name)));
                }
                _ => return None,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tool(
        &self,
        kind: ToolKind,
        recogniser: &ToolRecogniser,
        arguments: &[Argument],
        function: Option<usize>,
        call: Option<Range<usize>>,
        declaration: Range<usize>,
        fallback_anchor: Range<usize>,
    ) -> Tool {
        let def = function.and_then(|i| self.facts.functions.get(i));
        // The name: the first place that yields a string.
        let mut name = None;
        let mut anchor = fallback_anchor;
        for place in &recogniser.name {
            let found = match place {
                Place::Function => def.map(|f| (f.name.clone(), f.name_range.clone())),
                Place::Variable => call.as_ref().and_then(|c| self.variable(c)),
                _ => self
                    .argument_expression(arguments, place)
                    .and_then(|range| {
                        let value = self.decode(&range)?;
                        (!value.dynamic).then_some((value.text, range))
                    }),
            };
            if let Some((text, range)) = found {
                name = Some(text);
                anchor = range;
                break;
            }
        }
        let mut description = None;
        for place in &recogniser.description {
            description = match place {
                Place::Docstring => {
                    def.and_then(|f| f.docstring.clone())
                        .map(|range| Description {
                            source: DescriptionSource::Docstring,
                            value: self.decode(&range),
                            expression: range,
                        })
                }
                Place::Argument(_) => {
                    self.argument_expression(arguments, place)
                        .and_then(|range| {
                            // A positional argument counts only if it is a string: positions are
                            // shared with other parameters (`server.tool(name, schema, handler)`).
                            let value = self.decode(&range)?;
                            Some(Description {
                                source: DescriptionSource::Argument,
                                value: Some(value),
                                expression: range,
                            })
                        })
                }
                _ => self
                    .argument_expression(arguments, place)
                    .map(|range| Description {
                        source: DescriptionSource::Argument,
                        value: self.decode(&range),
                        expression: range,
                    }),
            };
            if description.is_some() {
                break;
            }
        }
        let handler = def.map(|f| f.range.clone()).or_else(|| {
            recogniser
                .function
                .iter()
                .find_map(|place| self.argument_expression(arguments, place))
        });
        let parameters = match (self.family, function) {
            (Family::Python, Some(index)) => self.python_parameters(index, description.as_ref()),
            _ => recogniser
                .parameters
                .iter()
                .find_map(|place| {
                    let range = self.argument_expression(arguments, place)?;
                    self.schema_parameters(&range)
                })
                .unwrap_or_default(),
        };
        Tool {
            kind,
            framework: recogniser.framework.clone(),
            name,
            anchor,
            declaration,
            description: description.map(Box::new),
            function,
            function_name: def.map(|f| f.name.clone()),
            handler,
            parameters,
            effects: Default::default(),
            processes: Vec::new(),
            schema: None,
        }
    }

    /// The value a class attribute really has: a pydantic `Field(default=...)` stands for its
    /// default; `None` when it has none (set when the object is made).
    fn attribute_value(&self, value: &Range<usize>) -> Option<Range<usize>> {
        let call = self.field_calls.iter().find(|c| c.range == *value);
        match call {
            None => Some(value.clone()),
            Some(call) => call
                .arguments
                .iter()
                .find(|a| a.keyword.as_deref() == Some("default"))
                .or_else(|| call.arguments.iter().find(|a| a.keyword.is_none()))
                .map(|a| a.range.clone()),
        }
    }

    /// A tool class's tool, and the range of its schema class when it has one.
    fn class_tool(
        &self,
        recogniser: &ToolRecogniser,
        class_index: usize,
    ) -> (Tool, Option<Range<usize>>) {
        let class = &self.facts.classes[class_index];
        let attribute = |name: &str| {
            class
                .attributes
                .iter()
                .find(|a| a.name == name)
                .and_then(|a| self.attribute_value(&a.value))
        };
        let mut name = None;
        let mut anchor = class.name_range.clone();
        for place in &recogniser.name {
            if let Place::Attribute(attr) = place
                && let Some(range) = attribute(attr)
                && let Some(value) = self.decode(&range).filter(|v| !v.dynamic)
            {
                name = Some(value.text);
                anchor = range;
                break;
            }
        }
        let description = recogniser.description.iter().find_map(|place| match place {
            Place::Attribute(attr) => {
                // `self.description = ...` in a method replaces the class attribute: what the
                // model is told is the last value assigned there.
                let assigned = self
                    .facts
                    .attribute_assignments
                    .iter()
                    .rfind(|a| {
                        a.object == "self"
                            && a.attribute == *attr
                            && class.range.contains(&a.range.start)
                    })
                    .map(|a| a.value.clone());
                assigned
                    .or_else(|| attribute(attr))
                    .map(|range| Description {
                        source: DescriptionSource::Attribute,
                        value: self.decode(&range),
                        expression: range,
                    })
            }
            _ => None,
        });
        // `args_schema = SearchInput`: the model fills in that class's fields.
        let schema = recogniser
            .parameters
            .iter()
            .find_map(|place| match place {
                Place::Attribute(attr) => attribute(attr),
                _ => None,
            })
            .and_then(|range| {
                let name = self.source.get(range.clone())?.trim();
                let model = self.facts.classes.iter().find(|c| c.name == name)?;
                Some((range, self.model_fields(model)?, model.range.clone()))
            });
        let function = recogniser.function.iter().find_map(|place| match place {
            Place::Method(method) => self
                .facts
                .functions
                .iter()
                .position(|f| f.class == Some(class_index) && f.name == *method),
            _ => None,
        });
        let schema_class = schema.as_ref().map(|(_, _, class)| class.clone());
        let tool = Tool {
            kind: ToolKind::Class(class_index),
            framework: recogniser.framework.clone(),
            name: name.or_else(|| Some(class.name.clone())),
            anchor,
            declaration: class.range.clone(),
            description: description.map(Box::new),
            function,
            function_name: function.map(|i| self.facts.functions[i].name.clone()),
            handler: function.map(|i| self.facts.functions[i].range.clone()),
            parameters: schema
                .as_ref()
                .map(|(_, fields, _)| fields.clone())
                .or_else(|| function.map(|i| self.python_parameters(i, None)))
                .unwrap_or_default(),
            effects: Default::default(),
            processes: Vec::new(),
            schema: schema.map(|(range, _, _)| range),
        };
        (tool, schema_class)
    }

    /// The fields of a pydantic model class of this file (`query: str = Field(description=...)`),
    /// as the parameters the model fills in.
    fn model_fields(&self, class: &crate::facts::ClassDef) -> Option<Vec<ToolParameter>> {
        let node = self.locator.node_at(&class.range)?;
        let body = node.field("body")?;
        let mut fields = Vec::new();
        let mut cursor = body.walk();
        for statement in body.named_children(&mut cursor) {
            let Some(assignment) = statement
                .named_child(0)
                .filter(|_| statement.kind() == "expression_statement")
                .filter(|a| a.kind() == "assignment")
            else {
                continue;
            };
            let Some(left) = assignment
                .field("left")
                .filter(|l| l.kind() == "identifier")
            else {
                continue;
            };
            let annotation = assignment.field("type").map(node_range);
            let Some(annotation) = annotation else {
                continue; // a plain class attribute, not a field
            };
            let name = node_text(left, self.source);
            if name.starts_with('_') || name == "model_config" {
                continue;
            }
            let right = assignment.field("right").map(node_range);
            let description = [Some(&annotation), right.as_ref()]
                .into_iter()
                .flatten()
                .find_map(|range| self.field_description(range))
                .or_else(|| self.annotated_description(&annotation));
            fields.push(ToolParameter {
                name: name.to_string(),
                range: node_range(left),
                description,
            });
        }
        Some(fields)
    }
}

/// Parameters that are the object itself, not the model's.
const RECEIVERS: &[&str] = &["self", "cls"];

impl Finder<'_> {
    /// A Python tool's parameters, with descriptions from `Field(description=...)`,
    /// `Annotated[T, "..."]`, or the docstring's `Args:` section.
    fn python_parameters(
        &self,
        function: usize,
        docstring: Option<&Description>,
    ) -> Vec<ToolParameter> {
        let def = &self.facts.functions[function];
        let docstring_args = docstring
            .filter(|d| d.source == DescriptionSource::Docstring)
            .and_then(|d| d.value.as_ref().map(|v| (d, docstring_arguments(&v.text))));
        let injected = |p: &crate::facts::Parameter| {
            p.annotation
                .as_ref()
                .and_then(|a| self.source.get(a.clone()))
                .is_some_and(|annotation| {
                    self.knowledge_injected.iter().any(|t| {
                        annotation.match_indices(t.as_str()).any(|(i, _)| {
                            let before = annotation[..i].chars().next_back();
                            let after = annotation[i + t.len()..].chars().next();
                            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                        })
                    })
                })
        };
        def.parameters
            .iter()
            .filter(|p| !RECEIVERS.contains(&p.name.as_str()) && !injected(p))
            .map(|p| {
                let field = [p.annotation.as_ref(), p.default.as_ref()]
                    .into_iter()
                    .flatten()
                    .find_map(|range| self.field_description(range));
                let annotated = || {
                    p.annotation
                        .as_ref()
                        .and_then(|a| self.annotated_description(a))
                };
                let from_docstring = || {
                    let (description, args) = docstring_args.as_ref()?;
                    let value = description.value.as_ref()?;
                    let range = args.iter().find(|(name, _)| *name == p.name)?.1.clone();
                    Some(Description {
                        source: DescriptionSource::Docstring,
                        expression: description.expression.clone(),
                        value: Some(value.slice(range)),
                    })
                };
                ToolParameter {
                    name: p.name.clone(),
                    range: p.range.clone(),
                    description: field.or_else(annotated).or_else(from_docstring),
                }
            })
            .collect()
    }

    /// `Field(description="...")` (pydantic) anywhere in an annotation or default.
    fn field_description(&self, within: &Range<usize>) -> Option<Description> {
        let call = self
            .field_calls
            .iter()
            .find(|c| within.start <= c.range.start && c.range.end <= within.end)?;
        let argument = call
            .arguments
            .iter()
            .find(|a| a.keyword.as_deref() == Some("description"))?;
        Some(Description {
            source: DescriptionSource::Argument,
            value: self.decode(&argument.range),
            expression: argument.range.clone(),
        })
    }

    /// `Annotated[T, "text"]`: the first string in the annotation.
    fn annotated_description(&self, annotation: &Range<usize>) -> Option<Description> {
        let text = self.source.get(annotation.clone())?;
        if !text.trim_start().starts_with("Annotated[") && !text.contains(".Annotated[") {
            return None;
        }
        let node = self.locator.node_at(annotation)?;
        let string = crate::syntax::preorder(node).find(|n| n.kind() == "string")?;
        let range = node_range(string);
        Some(Description {
            source: DescriptionSource::Argument,
            value: self.decode(&range),
            expression: range,
        })
    }

    /// The parameters of a zod schema: `z.object({ key: z.string().describe("...") })` or the
    /// shape object itself.
    fn schema_parameters(&self, range: &Range<usize>) -> Option<Vec<ToolParameter>> {
        let mut node = self.locator.node_at(range)?;
        // `z.object({...}).strict()` and the like: find the object literal inside.
        let mut budget = 16;
        while node.kind() != "object" {
            budget -= 1;
            if budget == 0 {
                return None;
            }
            node = match node.kind() {
                "call_expression" => {
                    let function = node.field("function")?;
                    let is_object = function.kind() == "member_expression"
                        && function
                            .field("property")
                            .is_some_and(|p| node_text(p, self.source) == "object");
                    if is_object {
                        node.field("arguments")?.named_child(0)?
                    } else {
                        function.field("object")?
                    }
                }
                "member_expression" => node.field("object")?,
                "parenthesized_expression" | "as_expression" | "satisfies_expression" => {
                    node.named_child(0)?
                }
                // A schema of the file's own (`const schema = z.object({...})`), bound once.
                "identifier" => {
                    let value = self
                        .facts
                        .bindings
                        .single_value(node_text(node, self.source))?;
                    self.locator.node_at(&value)?
                }
                _ => return None,
            };
        }
        let mut parameters = Vec::new();
        let mut cursor = node.walk();
        for pair in node
            .named_children(&mut cursor)
            .filter(|p| p.kind() == "pair")
        {
            let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) else {
                continue;
            };
            parameters.push(ToolParameter {
                name: node_text(key, self.source)
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_string(),
                range: node_range(key),
                description: self.zod_description(value),
            });
        }
        Some(parameters)
    }

    /// The argument of `.describe("...")` in a zod chain.
    fn zod_description(&self, value: Node<'_>) -> Option<Description> {
        let mut node = value;
        for _ in 0..16 {
            if node.kind() != "call_expression" {
                return None;
            }
            let function = node.field("function")?;
            if function.kind() != "member_expression" {
                return None;
            }
            let property = function.field("property")?;
            if node_text(property, self.source) == "describe" {
                let argument = node.field("arguments")?.named_child(0)?;
                let range = node_range(argument);
                return Some(Description {
                    source: DescriptionSource::Argument,
                    value: self.decode(&range),
                    expression: range,
                });
            }
            node = function.field("object")?;
        }
        None
    }
}

/// The `Args:` section of a Google-style docstring (also `Arguments:`, `Parameters:`, and Sphinx
/// `:param name: text` lines): each parameter's name and the byte range of its text.
pub(crate) fn docstring_arguments(doc: &str) -> Vec<(&str, Range<usize>)> {
    let mut out: Vec<(&str, Range<usize>)> = Vec::new();
    // Both forms need a colon (`:param`, `Args:`): most one-line docstrings have none, and the
    // rules ask on every keystroke for every tool.
    if !doc.contains(':') {
        return out;
    }
    let mut in_section = false;
    let mut section_indent = 0;
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_start();
        let indent = content.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(":param ") {
            // Sphinx: `:param name: text` or `:param type name: text`.
            if let Some((name, text)) = rest.split_once(':') {
                let name = name.split_whitespace().last().unwrap_or_default();
                let text_start = start + indent + ":param ".len() + rest.len() - text.len();
                out.push((
                    name,
                    text_start + (text.len() - text.trim_start().len())..start + content.len(),
                ));
            }
            continue;
        }
        if matches!(trimmed, "Args:" | "Arguments:" | "Parameters:" | "Params:") {
            in_section = true;
            section_indent = indent;
            continue;
        }
        if !in_section {
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if indent <= section_indent {
            in_section = false;
            continue;
        }
        // `name (type): text` or `name: text`; deeper lines continue the previous entry.
        let entry = trimmed.split_once(':').and_then(|(head, text)| {
            let name = head.split_whitespace().next()?;
            let valid = name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '*')
                && head
                    .trim_start_matches(name)
                    .trim()
                    .chars()
                    .all(|c| c != ' ' || head.contains('('));
            valid.then_some((name.trim_start_matches('*'), text))
        });
        let continues = out.last().is_some_and(|_| indent > section_indent + 4);
        match entry {
            Some((name, text)) if !continues => {
                let text_start = start + content.len() - text.len();
                let lead = text.len() - text.trim_start().len();
                out.push((name, text_start + lead..start + content.len()));
            }
            _ => {
                if let Some(last) = out.last_mut() {
                    last.1.end = start + content.len();
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::docstring_arguments;

    #[test]
    fn google_and_sphinx_argument_sections() {
        let doc = "Get the weather.\n\n    Args:\n        city (str): The city to get\n            the weather for.\n        units: Metric or imperial.\n\n    Returns:\n        The forecast.\n    :param days: How many days.\n";
        let args: Vec<_> = docstring_arguments(doc)
            .into_iter()
            .map(|(n, r)| (n, &doc[r]))
            .collect();
        assert_eq!(
            args,
            vec![
                ("city", "The city to get\n            the weather for."),
                ("units", "Metric or imperial."),
                ("days", "How many days."),
            ]
        );
    }
}
