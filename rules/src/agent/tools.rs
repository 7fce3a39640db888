//! Recognising the tools a file declares, with the recognisers in `rules/data/frameworks.toml`.

use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::text::{DecodedText, decode};
use crate::facts::{Argument, FileFacts};
use crate::knowledge::{Knowledge, Place, ToolRecogniser, Trigger};
use crate::syntax::{Family, Language, node_range, node_text};

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
    pub description: Option<Description>,
    /// Index in [`FileFacts::functions`] of the function that runs, when it is a named function.
    pub function: Option<usize>,
    /// The code that runs: the function's definition, or an inline function or lambda.
    pub handler: Option<Range<usize>>,
}

impl Tool {
    /// `name` for messages, or a placeholder.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or("this tool")
    }
}

/// The smallest node spanning exactly `range`.
pub(crate) fn node_at<'t>(tree: &'t Tree, range: &Range<usize>) -> Option<Node<'t>> {
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(range.start, range.end)?;
    while node_range(node) != *range {
        node = node.parent()?;
    }
    Some(node)
}

/// Every tool declared in a file.
pub fn tools(
    source: &str,
    tree: &Tree,
    language: Language,
    facts: &FileFacts,
    knowledge: &Knowledge,
) -> Vec<Tool> {
    let family = language.family();
    let finder = Finder {
        source,
        tree,
        family,
        facts,
    };
    let mut tools = Vec::new();
    for (index, function) in facts.functions.iter().enumerate() {
        for decorator in &function.decorators {
            let Some(resolved) = decorator.resolved.as_deref() else {
                continue;
            };
            if let Some(recogniser) = knowledge
                .tool_recognisers(family, Trigger::Decorator, resolved)
                .next()
            {
                let arguments = decorator.arguments.as_deref().unwrap_or_default();
                tools.push(finder.tool(
                    ToolKind::Function,
                    recogniser,
                    arguments,
                    Some(index),
                    None,
                    decorator.range.clone(),
                    function.name_range.clone(),
                ));
                break;
            }
        }
    }
    for call in &facts.calls {
        let Some(resolved) = call.resolved.as_deref() else {
            continue;
        };
        if let Some(recogniser) = knowledge
            .tool_recognisers(family, Trigger::Call, resolved)
            .next()
        {
            let function = finder.function(recogniser, &call.arguments);
            tools.push(finder.tool(
                ToolKind::Call,
                recogniser,
                &call.arguments,
                function,
                Some(call.range.clone()),
                call.range.clone(),
                call.callee_range.clone(),
            ));
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
        tools.push(finder.class_tool(recogniser, index));
    }
    tools.sort_by_key(|t| (t.declaration.start, t.anchor.start));
    tools
}

struct Finder<'a> {
    source: &'a str,
    tree: &'a Tree,
    family: Family,
    facts: &'a FileFacts,
}

impl<'a> Finder<'a> {
    fn decode(&self, range: &Range<usize>) -> Option<DecodedText> {
        let node = node_at(self.tree, range)?;
        decode(node, self.source, self.family, &self.facts.bindings)
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
                let object = node_at(self.tree, &nth(*n)?.range)?;
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
                    let k = member.child_by_field_name("key")?;
                    let name = node_text(k, self.source).trim_matches(|c| c == '"' || c == '\'');
                    if name == key {
                        return member.child_by_field_name("value");
                    }
                }
                "shorthand_property_identifier" if node_text(member, self.source) == key => {
                    return Some(member);
                }
                "method_definition" => {
                    let name = member.child_by_field_name("name")?;
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
        functions
            .iter()
            .position(|f| f.range == *range)
            .or_else(|| {
                functions
                    .iter()
                    .position(|f| f.name == text && f.class.is_none())
            })
    }

    /// The variable or property a call's result is assigned to.
    fn variable(&self, call: &Range<usize>) -> Option<(String, Range<usize>)> {
        let mut node = node_at(self.tree, call)?;
        loop {
            let parent = node.parent()?;
            match parent.kind() {
                "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression" => node = parent,
                "variable_declarator" => {
                    let name = parent.child_by_field_name("name")?;
                    return (name.kind() == "identifier")
                        .then(|| (node_text(name, self.source).to_string(), node_range(name)));
                }
                "pair" => {
                    let key = parent.child_by_field_name("key")?;
                    let text = node_text(key, self.source).trim_matches(|c| c == '"' || c == '\'');
                    return Some((text.to_string(), node_range(key)));
                }
                "assignment_expression" => {
                    let left = parent.child_by_field_name("left")?;
                    let name = match left.kind() {
                        "member_expression" => left.child_by_field_name("property")?,
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
        Tool {
            kind,
            framework: recogniser.framework.clone(),
            name,
            anchor,
            declaration,
            description,
            function,
            handler,
        }
    }

    /// The value a class attribute really has: a pydantic `Field(default=...)` stands for its
    /// default; `None` when it has none (set when the object is made).
    fn attribute_value(&self, value: &Range<usize>) -> Option<Range<usize>> {
        let call = self.facts.calls.iter().find(|c| {
            c.range == *value
                && c.callee
                    .as_deref()
                    .is_some_and(|n| n == "Field" || n.ends_with(".Field"))
        });
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

    fn class_tool(&self, recogniser: &ToolRecogniser, class_index: usize) -> Tool {
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
            Place::Attribute(attr) => attribute(attr).map(|range| Description {
                source: DescriptionSource::Attribute,
                value: self.decode(&range),
                expression: range,
            }),
            _ => None,
        });
        let function = recogniser.function.iter().find_map(|place| match place {
            Place::Method(method) => self
                .facts
                .functions
                .iter()
                .position(|f| f.class == Some(class_index) && f.name == *method),
            _ => None,
        });
        Tool {
            kind: ToolKind::Class(class_index),
            framework: recogniser.framework.clone(),
            name: name.or_else(|| Some(class.name.clone())),
            anchor,
            declaration: class.range.clone(),
            description,
            function,
            handler: function.map(|i| self.facts.functions[i].range.clone()),
        }
    }
}
