//! Fact extraction for TypeScript, TSX, JavaScript and JSX (one grammar family).

use crate::syntax::Fields as _;
use std::sync::OnceLock;

use tree_sitter::Node;

use rustc_hash::FxHashMap;

use super::{
    Attribute, Builder, ConstantSyntax, Constness, Parameter, PendingArgument, PendingBase,
    PendingBinding as Binding, PendingCall, PendingClass, PendingFunction, constness,
};
use crate::syntax::{KindSet, Language, node_range, node_text};

/// What a constant expression is made of in JavaScript and TypeScript.
pub(crate) const JAVASCRIPT_CONSTANTS: ConstantSyntax = ConstantSyntax {
    leaves: &["string", "number", "true", "false", "null"],
    interpolated: ("template_string", "template_substitution"),
    all_children: &["parenthesized_expression"],
    // `x as string`, `x satisfies T`: the first child is the value, the second a type.
    first_child: &["as_expression", "satisfies_expression"],
    concatenation: "binary_expression",
};

/// The node kinds `extract` handles; every other node is skipped with one lookup.
const KINDS: &[&str] = &[
    "import_statement",
    "import_require_clause",
    "variable_declarator",
    "function_declaration",
    "generator_function_declaration",
    "function_expression",
    "method_definition",
    "class_declaration",
    "abstract_class_declaration",
    "class",
    "formal_parameters",
    "arrow_function",
    "assignment_expression",
    "augmented_assignment_expression",
    "for_in_statement",
    "catch_clause",
    "call_expression",
    "new_expression",
    "jsx_self_closing_element",
    "jsx_opening_element",
];

/// JavaScript and TypeScript's reserved words: never a name code can bind or mention. Error
/// recovery in a statement being typed can make one look bound (`const` on the line above
/// `return {...}` reads as `const return = ...`); such a binding is left out, so that every
/// `return` of the file is not taken for a mention of a rebound name (which made the next
/// keystroke resolve the whole file again).
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
    "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import",
    "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true",
    "try", "typeof", "var", "void", "while", "with",
];

/// Records a binding, unless the name is a reserved word or empty (a zero-width identifier that
/// error recovery inserted).
fn bind(out: &mut Builder, name: &str, binding: Binding) {
    if !name.is_empty() && !RESERVED.contains(&name) {
        out.bind(name, binding);
    }
}

/// Kind ids differ between the TypeScript and TSX grammars.
fn kinds(language: Language) -> &'static KindSet {
    static TYPESCRIPT: OnceLock<KindSet> = OnceLock::new();
    static TSX: OnceLock<KindSet> = OnceLock::new();
    let cell = if language == Language::TypeScript {
        &TYPESCRIPT
    } else {
        &TSX
    };
    cell.get_or_init(|| KindSet::new(&language.grammar(), KINDS))
}

pub(super) fn extract(source: &str, root: Node<'_>, language: Language, out: &mut Builder) {
    let kinds = kinds(language);
    // Classes seen so far, by node id, to attach methods to them.
    let mut classes: FxHashMap<usize, usize> = FxHashMap::default();
    for node in kinds.under(root) {
        match node.kind() {
            "import_statement" => import_statement(node, source, out),
            "import_require_clause" => {
                // TypeScript `import vm = require("vm")`.
                let module = node.field("source").map(|s| module_name(s, source));
                let mut cursor = node.walk();
                let name = node
                    .named_children(&mut cursor)
                    .find(|c| c.kind() == "identifier");
                if let (Some(module), Some(name)) = (module, name) {
                    bind(out, node_text(name, source), Binding::Import(module));
                }
            }
            "variable_declarator" => variable_declarator(node, source, out),
            "function_declaration"
            | "generator_function_declaration"
            | "function_expression"
            | "method_definition" => {
                if let Some(name) = node.field("name") {
                    let class = (node.kind() == "method_definition")
                        .then(|| enclosing_class(node))
                        .flatten()
                        .and_then(|c| classes.get(&c.id()).copied());
                    if node.kind() != "method_definition" {
                        bind(out, node_text(name, source), Binding::Local);
                    }
                    function(node, name, class, source, out);
                }
            }
            "class_declaration" | "abstract_class_declaration" | "class" => {
                if let Some(index) = class_definition(node, source, out) {
                    classes.insert(node.id(), index);
                }
            }
            "formal_parameters" => bind_pattern(node, source, out),
            "arrow_function" => {
                if let Some(param) = node.field("parameter") {
                    bind(out, node_text(param, source), Binding::Local);
                }
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                if let Some(left) = node.field("left") {
                    if left.kind() == "identifier" {
                        bind(out, node_text(left, source), Binding::Local);
                    } else if matches!(left.kind(), "object_pattern" | "array_pattern") {
                        bind_pattern(left, source, out);
                    } else if left.kind() == "member_expression"
                        && node.kind() == "assignment_expression"
                        && let (Some(object), Some(property), Some(right)) = (
                            left.field("object")
                                .filter(|o| matches!(o.kind(), "identifier" | "this")),
                            left.field("property"),
                            node.field("right"),
                        )
                    {
                        out.attribute_assignments.push(super::AttributeAssignment {
                            object: node_text(object, source).to_string(),
                            attribute: node_text(property, source).to_string(),
                            range: node_range(node),
                            value: node_range(right),
                        });
                        // `this.client = new OpenAI()`: `this.client.chat...` is a method of
                        // what it made.
                        if node_text(object, source) == "this"
                            && let Some(path) = constructed(right, source)
                        {
                            let name = format!("this.{}", node_text(property, source));
                            bind(out, &name, Binding::Construct(path, node_range(right)));
                        }
                    }
                }
            }
            "for_in_statement" => {
                if let Some(left) = node.field("left") {
                    bind_pattern(left, source, out);
                }
            }
            "catch_clause" => {
                if let Some(param) = node.field("parameter") {
                    bind_pattern(param, source, out);
                }
            }
            "call_expression" => call(node, node.field("function"), false, source, out),
            "new_expression" => call(node, node.field("constructor"), true, source, out),
            "jsx_self_closing_element" | "jsx_opening_element" => jsx_element(node, source, out),
            _ => {}
        }
    }
}

/// The module a string literal names, without quotes and without Node's `node:` scheme.
fn module_name(string: Node<'_>, source: &str) -> String {
    let text = node_text(string, source).trim_matches(|c| c == '"' || c == '\'' || c == '`');
    text.strip_prefix("node:").unwrap_or(text).to_string()
}

fn import_statement(node: Node<'_>, source: &str, out: &mut Builder) {
    let Some(module) = node.field("source").map(|s| module_name(s, source)) else {
        return;
    };
    let mut cursor = node.walk();
    let Some(clause) = node
        .named_children(&mut cursor)
        .find(|c| c.kind() == "import_clause")
    else {
        return;
    };
    let mut cursor = clause.walk();
    for part in clause.named_children(&mut cursor) {
        match part.kind() {
            // `import vm from "vm"`: the default export; for Node's modules, the module itself.
            "identifier" => bind(
                out,
                node_text(part, source),
                Binding::Import(module.clone()),
            ),
            "namespace_import" => {
                let mut c = part.walk();
                if let Some(name) = part
                    .named_children(&mut c)
                    .find(|n| n.kind() == "identifier")
                {
                    bind(
                        out,
                        node_text(name, source),
                        Binding::Import(module.clone()),
                    );
                }
            }
            "named_imports" => {
                let mut c = part.walk();
                for spec in part
                    .named_children(&mut c)
                    .filter(|n| n.kind() == "import_specifier")
                {
                    let Some(name) = spec.field("name") else {
                        continue;
                    };
                    let imported = node_text(name, source).trim_matches(|c| c == '"' || c == '\'');
                    let local = spec
                        .field("alias")
                        .map_or(imported, |alias| node_text(alias, source));
                    bind(out, local, Binding::Import(format!("{module}.{imported}")));
                }
            }
            _ => {}
        }
    }
}

/// `require("m")`, `require("m").a.b`, `await import("m")`: the qualified name, if the expression
/// is one of those.
fn required_module(node: Node<'_>, source: &str) -> Option<String> {
    let mut members = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            "await_expression" | "parenthesized_expression" => current = current.named_child(0)?,
            "member_expression" => {
                members.push(node_text(current.field("property")?, source));
                current = current.field("object")?;
            }
            "call_expression" => {
                let function = current.field("function")?;
                let is_require = match function.kind() {
                    "identifier" => node_text(function, source) == "require",
                    "import" => true,
                    _ => false,
                };
                if !is_require {
                    return None;
                }
                let args = current.field("arguments")?;
                let first = args.named_child(0)?;
                if first.kind() != "string" || args.named_child_count() != 1 {
                    return None;
                }
                let mut name = module_name(first, source);
                for member in members.iter().rev() {
                    name.push('.');
                    name.push_str(member);
                }
                return Some(name);
            }
            _ => return None,
        }
    }
}

/// The class whose body a method definition sits in.
fn enclosing_class(method: Node<'_>) -> Option<Node<'_>> {
    method
        .parent()
        .filter(|p| p.kind() == "class_body")
        .and_then(|body| body.parent())
        .filter(|c| {
            matches!(
                c.kind(),
                "class_declaration" | "class" | "abstract_class_declaration"
            )
        })
}

/// Records a function (declaration, method, or a function value bound to `name`).
fn function(node: Node<'_>, name: Node<'_>, class: Option<usize>, source: &str, out: &mut Builder) {
    let body = node.field("body");
    let mut parameters = Vec::new();
    if let Some(list) = node.field("parameters") {
        let mut cursor = list.walk();
        for param in list.named_children(&mut cursor) {
            parameter(param, source, &mut parameters);
        }
    } else if let Some(single) = node.field("parameter") {
        parameter(single, source, &mut parameters);
    }
    out.functions.push(PendingFunction {
        name: node_text(name, source).to_string(),
        range: node_range(node),
        name_range: node_range(name),
        body_range: body.map_or(node_range(node), node_range),
        docstring: None,
        parameters,
        decorators: Vec::new(),
        class,
    });
}

/// One parameter; a destructured object (`({ query, limit }) => ...`) gives one per key.
fn parameter(param: Node<'_>, source: &str, out: &mut Vec<Parameter>) {
    let (pattern, annotation, default) = match param.kind() {
        "required_parameter" | "optional_parameter" => (
            param.field("pattern"),
            param.field("type"),
            param.field("value"),
        ),
        "identifier" => (Some(param), None, None),
        "assignment_pattern" => (param.field("left"), None, param.field("right")),
        _ => (None, None, None),
    };
    let Some(pattern) = pattern else {
        return;
    };
    let push = |out: &mut Vec<Parameter>, name: Node<'_>, range: Node<'_>| {
        out.push(Parameter {
            name: node_text(name, source).to_string(),
            range: node_range(range),
            annotation: annotation.map(node_range),
            default: default.map(node_range),
        });
    };
    match pattern.kind() {
        "identifier" => push(out, pattern, param),
        "rest_pattern" => {
            if let Some(inner) = pattern.named_child(0) {
                push(out, inner, param);
            }
        }
        "object_pattern" => {
            let mut cursor = pattern.walk();
            for prop in pattern.named_children(&mut cursor) {
                match prop.kind() {
                    "shorthand_property_identifier_pattern" => push(out, prop, prop),
                    "object_assignment_pattern" => {
                        if let Some(left) = prop.field("left") {
                            push(out, left, prop);
                        }
                    }
                    "pair_pattern" => {
                        if let Some(key) = prop.field("key") {
                            push(out, key, prop);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// Records a class with its base and the fields it initialises; returns its index.
fn class_definition(node: Node<'_>, source: &str, out: &mut Builder) -> Option<usize> {
    let name = node.field("name");
    if let Some(name) = name {
        bind(out, node_text(name, source), Binding::Local);
    }
    let mut bases = Vec::new();
    let mut cursor = node.walk();
    if let Some(heritage) = node
        .named_children(&mut cursor)
        .find(|c| c.kind() == "class_heritage")
    {
        let mut c = heritage.walk();
        for clause in heritage
            .named_children(&mut c)
            .filter(|n| n.kind() == "extends_clause")
        {
            if let Some(value) = clause.field("value") {
                bases.push(PendingBase {
                    range: node_range(value),
                    path: callee_path(value, source),
                });
            }
        }
        // JavaScript's grammar puts the expression directly under `class_heritage`.
        if bases.is_empty()
            && let Some(value) = heritage
                .named_child(0)
                .filter(|v| v.kind() != "implements_clause")
        {
            bases.push(PendingBase {
                range: node_range(value),
                path: callee_path(value, source),
            });
        }
    }
    let mut attributes = Vec::new();
    if let Some(body) = node.field("body") {
        let mut c = body.walk();
        for member in body.named_children(&mut c) {
            if !matches!(
                member.kind(),
                "public_field_definition" | "field_definition"
            ) {
                continue;
            }
            let key = member.field("name").or_else(|| member.field("property"));
            if let (Some(key), Some(value)) = (key, member.field("value")) {
                // `private client = new OpenAI()`: `this.client.chat...` is a method of what it
                // made.
                if let Some(path) = constructed(value, source) {
                    let name = format!("this.{}", node_text(key, source));
                    bind(out, &name, Binding::Construct(path, node_range(value)));
                }
                attributes.push(Attribute {
                    name: node_text(key, source).to_string(),
                    range: node_range(key),
                    value: node_range(value),
                });
            }
        }
    }
    let name_node = name.unwrap_or(node);
    out.classes.push(PendingClass {
        name: name
            .map(|n| node_text(n, source).to_string())
            .unwrap_or_default(),
        range: node_range(node),
        name_range: node_range(name_node),
        bases,
        attributes,
    });
    Some(out.classes.len() - 1)
}

/// `new X(...)`, `X(...)` or `await X(...)`: the path of `X`.
fn constructed(value: Node<'_>, source: &str) -> Option<super::Path> {
    let value = if value.kind() == "await_expression" {
        value.named_child(0)?
    } else {
        value
    };
    let callee = match value.kind() {
        "new_expression" => value.field("constructor")?,
        "call_expression" => value.field("function")?,
        _ => return None,
    };
    callee_path(callee, source)
}

fn variable_declarator(node: Node<'_>, source: &str, out: &mut Builder) {
    let Some(name) = node.field("name") else {
        return;
    };
    let value = node.field("value");
    let module = value.and_then(|v| required_module(v, source));
    match name.kind() {
        "identifier" => {
            let binding = match (&module, value) {
                (Some(module), _) => Binding::Import(module.clone()),
                (None, Some(v))
                    if constness(v, source, &JAVASCRIPT_CONSTANTS) == Constness::Constant =>
                {
                    Binding::Constant(node_range(v))
                }
                (None, Some(v)) => match constructed(v, source) {
                    Some(path) => Binding::Construct(path, node_range(v)),
                    None => Binding::Value(node_range(v)),
                },
                _ => Binding::Local,
            };
            bind(out, node_text(name, source), binding);
            // `const helper = async (x) => ...`: a function named by its variable.
            if let Some(v) =
                value.filter(|v| matches!(v.kind(), "arrow_function" | "function_expression"))
            {
                function(v, name, None, source, out);
            }
        }
        "object_pattern" if module.is_some() => {
            let module = module.unwrap_or_default();
            let mut cursor = name.walk();
            for prop in name.named_children(&mut cursor) {
                match prop.kind() {
                    // `const { exec } = require("child_process")`
                    "shorthand_property_identifier_pattern" => {
                        let local = node_text(prop, source);
                        bind(out, local, Binding::Import(format!("{module}.{local}")));
                    }
                    // `const { exec: run } = require("child_process")`
                    "pair_pattern" => {
                        let key = prop.field("key");
                        let value = prop.field("value");
                        match (key, value) {
                            (Some(key), Some(value)) if value.kind() == "identifier" => {
                                let key =
                                    node_text(key, source).trim_matches(|c| c == '"' || c == '\'');
                                bind(
                                    out,
                                    node_text(value, source),
                                    Binding::Import(format!("{module}.{key}")),
                                );
                            }
                            (_, Some(value)) => bind_pattern(value, source, out),
                            _ => {}
                        }
                    }
                    _ => bind_pattern(prop, source, out),
                }
            }
        }
        _ => bind_pattern(name, source, out),
    }
}

/// Binds every identifier a pattern (or parameter list) introduces as local, skipping default
/// values, type annotations and object keys.
fn bind_pattern(node: Node<'_>, source: &str, out: &mut Builder) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                bind(out, node_text(n, source), Binding::Local);
            }
            "type_annotation" | "member_expression" | "subscript_expression" | "decorator" => {}
            "pair_pattern" => stack.extend(n.field("value")),
            "assignment_pattern" | "object_assignment_pattern" => {
                stack.extend(n.field("left"));
            }
            "required_parameter" | "optional_parameter" => {
                stack.extend(n.field("pattern"));
            }
            _ => {
                let mut cursor = n.walk();
                stack.extend(n.named_children(&mut cursor));
            }
        }
    }
}

fn call(node: Node<'_>, callee: Option<Node<'_>>, is_new: bool, source: &str, out: &mut Builder) {
    let Some(callee) = callee else {
        return;
    };
    let mut arguments = Vec::new();
    if let Some(args) = node.field("arguments") {
        if args.kind() == "template_string" {
            // A tagged template: the tag receives the pieces and the values.
            arguments.push(PendingArgument {
                keyword: None,
                range: node_range(args),
                spread: false,
                constness: constness(args, source, &JAVASCRIPT_CONSTANTS),
            });
        } else {
            let mut cursor = args.walk();
            for arg in args.named_children(&mut cursor) {
                match arg.kind() {
                    "comment" => {}
                    "spread_element" => arguments.push(PendingArgument {
                        keyword: None,
                        range: node_range(arg),
                        spread: true,
                        constness: Constness::Dynamic,
                    }),
                    _ => arguments.push(PendingArgument {
                        keyword: None,
                        range: node_range(arg),
                        spread: false,
                        constness: constness(arg, source, &JAVASCRIPT_CONSTANTS),
                    }),
                }
            }
        }
    }
    // `new Function(...)` points at `new Function`.
    let callee_range = if is_new {
        node.start_byte()..callee.end_byte()
    } else {
        node_range(callee)
    };
    out.calls.push(PendingCall {
        range: node_range(node),
        callee_range,
        path: callee_path(callee, source),
        arguments,
    });
}

/// A JSX element of a component (`<Analytics />`, `<PlausibleProvider domain="...">`): rendering
/// it calls the component with its attributes, so it is recorded as a call of its name, each
/// attribute a keyword argument. Elements of the page's own tags (`<div>`) call nothing.
fn jsx_element(node: Node<'_>, source: &str, out: &mut Builder) {
    let Some(name) = node.field("name") else {
        return;
    };
    let text = node_text(name, source);
    if text.starts_with(|c: char| c.is_ascii_lowercase()) && !text.contains('.') {
        return;
    }
    let mut arguments = Vec::new();
    let mut cursor = node.walk();
    for attribute in node.named_children(&mut cursor) {
        if attribute.kind() != "jsx_attribute" {
            continue;
        }
        let mut inner = attribute.walk();
        let mut parts = attribute.named_children(&mut inner);
        let key = parts.next().map(|k| node_text(k, source).to_string());
        if let Some(value) = parts.next() {
            arguments.push(PendingArgument {
                keyword: key,
                range: node_range(value),
                spread: false,
                constness: constness(value, source, &JAVASCRIPT_CONSTANTS),
            });
        }
    }
    out.calls.push(PendingCall {
        range: node_range(node),
        callee_range: node_range(name),
        path: callee_path(name, source),
        arguments,
    });
}

/// `a.b.c` or `a["b"]` → (`a`, [`b`, ...]); `(0, eval)` → (`eval`, []); otherwise `None`.
pub(super) fn callee_path(node: Node<'_>, source: &str) -> Option<super::Path> {
    let mut members = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            // `this.client.chat...`: resolved when the class made `this.client` (only then).
            "identifier" | "this" => {
                members.reverse();
                return Some((node_text(current, source).to_string(), members));
            }
            "member_expression" => {
                let property = current.field("property")?;
                if property.kind() != "property_identifier" {
                    return None;
                }
                members.push(node_text(property, source).to_string());
                current = current.field("object")?;
            }
            "subscript_expression" => {
                let index = current.field("index")?;
                if index.kind() != "string" {
                    return None;
                }
                members.push(
                    node_text(index, source)
                        .trim_matches(|c| c == '"' || c == '\'')
                        .to_string(),
                );
                current = current.field("object")?;
            }
            "parenthesized_expression" | "non_null_expression" => {
                current = current.named_child(0)?;
            }
            // `(0, eval)(code)`: an indirect call of the last expression.
            "sequence_expression" => {
                let count = current.named_child_count();
                current = current.named_child(u32::try_from(count.checked_sub(1)?).ok()?)?;
            }
            _ => return None,
        }
    }
}
