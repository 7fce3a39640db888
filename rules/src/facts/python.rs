//! Fact extraction for Python.

use crate::syntax::Fields as _;
use std::sync::OnceLock;

use tree_sitter::Node;

use rustc_hash::FxHashMap;

use super::{
    Attribute, Builder, ConstantSyntax, Constness, Parameter, PendingArgument, PendingBase,
    PendingBinding as Binding, PendingCall, PendingClass, PendingDecorator, PendingFunction,
    constness,
};
use crate::syntax::{KindSet, Language, node_range, node_text};

/// What a constant expression is made of in Python.
pub(crate) const PYTHON_CONSTANTS: ConstantSyntax = ConstantSyntax {
    leaves: &["integer", "float", "true", "false", "none"],
    interpolated: ("string", "interpolation"),
    all_children: &["concatenated_string", "parenthesized_expression"],
    first_child: &[],
    concatenation: "binary_operator",
};

/// The node kinds `extract` handles; every other node is skipped with one lookup.
const KINDS: &[&str] = &[
    "import_statement",
    "import_from_statement",
    "function_definition",
    "class_definition",
    "parameters",
    "lambda_parameters",
    "assignment",
    "augmented_assignment",
    "for_statement",
    "for_in_clause",
    "named_expression",
    "as_pattern",
    "except_clause",
    "call",
];

/// Python's reserved words (not the soft keywords `match`, `case`, `type`, `_`, which name
/// things): never a name code can bind or mention. Error recovery in a statement being typed can
/// make one look bound; such a binding is left out (see the same list for JavaScript).
#[rustfmt::skip]
const RESERVED: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
    "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
    "while", "with", "yield",
];

/// Records a binding, unless the name is a reserved word or empty (a zero-width identifier that
/// error recovery inserted).
fn bind(out: &mut Builder, name: &str, binding: Binding) {
    if !name.is_empty() && !RESERVED.contains(&name) {
        out.bind(name, binding);
    }
}

fn kinds() -> &'static KindSet {
    static KIND_SET: OnceLock<KindSet> = OnceLock::new();
    KIND_SET.get_or_init(|| KindSet::new(&Language::Python.grammar(), KINDS))
}

pub(super) fn extract(source: &str, root: Node<'_>, out: &mut Builder) {
    let kinds = kinds();
    // Class definitions seen so far, by node id, to attach methods to them.
    let mut classes: FxHashMap<usize, usize> = FxHashMap::default();
    for node in kinds.under(root) {
        match node.kind() {
            "import_statement" => import_statement(node, source, out),
            "import_from_statement" => import_from_statement(node, source, out),
            "function_definition" => function_definition(node, source, out, &classes),
            "class_definition" => {
                if let Some(index) = class_definition(node, source, out) {
                    classes.insert(node.id(), index);
                }
            }
            "parameters" | "lambda_parameters" => bind_all_identifiers(node, source, out),
            "assignment" => assignment(node, source, out),
            "augmented_assignment" => {
                if let Some(left) = node.field("left") {
                    bind_all_identifiers(left, source, out);
                }
            }
            "for_statement" | "for_in_clause" => {
                if let Some(left) = node.field("left") {
                    bind_all_identifiers(left, source, out);
                }
            }
            "named_expression" => bind_field(node, "name", source, out),
            "as_pattern" | "except_clause" => {
                if let Some(alias) = node.field("alias") {
                    // `with httpx.Client() as client:`: what the call made (a context manager
                    // that returns itself, as clients do).
                    let made = (node.kind() == "as_pattern"
                        && node.parent().is_some_and(|p| p.kind() == "with_item"))
                    .then(|| node.named_child(0))
                    .flatten()
                    .and_then(|value| constructed(value, source).map(|path| (path, value)));
                    let name = (alias.named_child_count() == 1)
                        .then(|| alias.named_child(0))
                        .flatten()
                        .filter(|n| n.kind() == "identifier");
                    match (made, name) {
                        (Some((path, value)), Some(name)) => bind(
                            out,
                            node_text(name, source),
                            Binding::Construct(path, node_range(value)),
                        ),
                        _ => bind_all_identifiers(alias, source, out),
                    }
                }
            }
            "call" => call(node, source, out),
            _ => {}
        }
    }
}

/// The class a function is a method of (its definition sits directly in the class body).
fn enclosing_class(function: Node<'_>) -> Option<Node<'_>> {
    let mut parent = function.parent();
    if parent.is_some_and(|p| p.kind() == "decorated_definition") {
        parent = parent.and_then(|p| p.parent());
    }
    parent
        .filter(|p| p.kind() == "block")
        .and_then(|block| block.parent())
        .filter(|p| p.kind() == "class_definition")
}

fn function_definition(
    node: Node<'_>,
    source: &str,
    out: &mut Builder,
    classes: &FxHashMap<usize, usize>,
) {
    let Some(name) = node.field("name") else {
        return;
    };
    let class = enclosing_class(node).and_then(|c| classes.get(&c.id()).copied());
    // A method binds an attribute of its class, not a name of the module.
    if enclosing_class(node).is_none() {
        bind(out, node_text(name, source), Binding::Local);
    }
    let body = node.field("body");
    let docstring = body
        .and_then(|b| b.named_child(0))
        .filter(|s| s.kind() == "expression_statement")
        .and_then(|s| s.named_child(0))
        .filter(|s| matches!(s.kind(), "string" | "concatenated_string"))
        .map(node_range);
    let parameters = node
        .field("parameters")
        .map(|p| parameters(p, source))
        .unwrap_or_default();
    let mut decorators = Vec::new();
    if let Some(decorated) = node.parent().filter(|p| p.kind() == "decorated_definition") {
        let mut cursor = decorated.walk();
        for decorator in decorated
            .named_children(&mut cursor)
            .filter(|d| d.kind() == "decorator")
        {
            let Some(expression) = decorator.named_child(0) else {
                continue;
            };
            let (callee, arguments) = if expression.kind() == "call" {
                (
                    expression.field("function"),
                    Some(
                        expression
                            .field("arguments")
                            .map(|a| call_arguments(a, source))
                            .unwrap_or_default(),
                    ),
                )
            } else {
                (Some(expression), None)
            };
            decorators.push(PendingDecorator {
                range: node_range(decorator),
                path: callee.and_then(|c| callee_path(c, source)),
                arguments,
            });
        }
    }
    out.functions.push(PendingFunction {
        name: node_text(name, source).to_string(),
        range: node_range(node),
        name_range: node_range(name),
        body_range: body.map_or(node_range(node), node_range),
        docstring,
        parameters,
        decorators,
        class,
    });
}

fn parameters(node: Node<'_>, source: &str) -> Vec<Parameter> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    for param in node.named_children(&mut cursor) {
        let (name, annotation, default) = match param.kind() {
            "identifier" => (Some(param), None, None),
            "typed_parameter" => {
                let mut c = param.walk();
                let name = param.named_children(&mut c).find(|n| {
                    matches!(
                        n.kind(),
                        "identifier" | "list_splat_pattern" | "dictionary_splat_pattern"
                    )
                });
                (name, param.field("type"), None)
            }
            "default_parameter" => (param.field("name"), None, param.field("value")),
            "typed_default_parameter" => (
                param.field("name"),
                param.field("type"),
                param.field("value"),
            ),
            "list_splat_pattern" | "dictionary_splat_pattern" => (Some(param), None, None),
            _ => continue,
        };
        let Some(mut name) = name else {
            continue;
        };
        // `*args` / `**kwargs`: the name inside.
        if matches!(
            name.kind(),
            "list_splat_pattern" | "dictionary_splat_pattern"
        ) {
            match name.named_child(0) {
                Some(inner) => name = inner,
                None => continue,
            }
        }
        out.push(Parameter {
            name: node_text(name, source).to_string(),
            range: node_range(param),
            annotation: annotation.map(node_range),
            default: default.map(node_range),
        });
    }
    out
}

/// Records a class with its bases and the attributes its body assigns; returns its index.
fn class_definition(node: Node<'_>, source: &str, out: &mut Builder) -> Option<usize> {
    let name = node.field("name")?;
    bind(out, node_text(name, source), Binding::Local);
    let mut bases = Vec::new();
    if let Some(superclasses) = node.field("superclasses") {
        let mut cursor = superclasses.walk();
        for base in superclasses.named_children(&mut cursor) {
            if matches!(base.kind(), "keyword_argument" | "comment") {
                continue;
            }
            bases.push(PendingBase {
                range: node_range(base),
                path: callee_path(base, source),
            });
        }
    }
    let mut attributes = Vec::new();
    if let Some(body) = node.field("body") {
        let mut cursor = body.walk();
        for statement in body.named_children(&mut cursor) {
            let Some(assignment) = statement
                .named_child(0)
                .filter(|a| statement.kind() == "expression_statement" && a.kind() == "assignment")
            else {
                continue;
            };
            if let (Some(left), Some(right)) = (assignment.field("left"), assignment.field("right"))
                && left.kind() == "identifier"
            {
                attributes.push(Attribute {
                    name: node_text(left, source).to_string(),
                    range: node_range(left),
                    value: node_range(right),
                });
            }
        }
    }
    out.classes.push(PendingClass {
        name: node_text(name, source).to_string(),
        range: node_range(node),
        name_range: node_range(name),
        bases,
        attributes,
    });
    Some(out.classes.len() - 1)
}

fn bind_field(node: Node<'_>, field: &'static str, source: &str, out: &mut Builder) {
    if let Some(name) = node.field(field)
        && name.kind() == "identifier"
    {
        bind(out, node_text(name, source), Binding::Local);
    }
}

/// Binds every identifier under `node` as local, except names that are only looked up there:
/// default values, annotations, attribute names and subscripts.
fn bind_all_identifiers(node: Node<'_>, source: &str, out: &mut Builder) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "identifier" => bind(out, node_text(n, source), Binding::Local),
            "attribute" | "subscript" | "type" => {}
            "default_parameter" | "typed_default_parameter" => {
                if let Some(name) = n.field("name") {
                    stack.push(name);
                }
            }
            _ => {
                let mut cursor = n.walk();
                stack.extend(n.named_children(&mut cursor));
            }
        }
    }
}

fn import_statement(node: Node<'_>, source: &str, out: &mut Builder) {
    let mut cursor = node.walk();
    for name in node.children_by_field_name("name", &mut cursor) {
        match name.kind() {
            // `import a.b.c` binds `a`, which stands for the package `a`.
            "dotted_name" => {
                let dotted = dotted(name, source);
                let root = dotted.split('.').next().unwrap_or(&dotted);
                bind(out, root, Binding::Import(root.to_string()));
            }
            // `import a.b as x` binds `x` to `a.b`.
            "aliased_import" => {
                if let (Some(target), Some(alias)) = (name.field("name"), name.field("alias")) {
                    bind(
                        out,
                        node_text(alias, source),
                        Binding::Import(dotted(target, source)),
                    );
                }
            }
            _ => {}
        }
    }
}

fn import_from_statement(node: Node<'_>, source: &str, out: &mut Builder) {
    let Some(module) = node.field("module_name") else {
        return;
    };
    let module = dotted(module, source);
    let mut cursor = node.walk();
    for name in node.children_by_field_name("name", &mut cursor) {
        let (target, bound) = match name.kind() {
            "dotted_name" => {
                let target = dotted(name, source);
                (target.clone(), target)
            }
            "aliased_import" => match (name.field("name"), name.field("alias")) {
                (Some(target), Some(alias)) => {
                    (dotted(target, source), node_text(alias, source).to_string())
                }
                _ => continue,
            },
            _ => continue,
        };
        let qualified = if module.ends_with('.') {
            format!("{module}{target}")
        } else {
            format!("{module}.{target}")
        };
        bind(out, &bound, Binding::Import(qualified));
    }
}

/// A dotted name or relative import without whitespace or comments (`a . b` is legal Python).
fn dotted(node: Node<'_>, source: &str) -> String {
    node_text(node, source)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn assignment(node: Node<'_>, source: &str, out: &mut Builder) {
    let Some(left) = node.field("left") else {
        return;
    };
    let right = node.field("right");
    if left.kind() == "identifier" {
        let Some(right) = right else {
            return; // `x: int` declares, it does not bind
        };
        let binding = match constness(right, source, &PYTHON_CONSTANTS) {
            Constness::Constant => Binding::Constant(node_range(right)),
            // A name bound to another name: constant only if that one is, which the file-level
            // model cannot chain without risk; treat as local.
            _ => match constructed(right, source) {
                Some(path) => Binding::Construct(path, node_range(right)),
                None => Binding::Value(node_range(right)),
            },
        };
        bind(out, node_text(left, source), binding);
        // `beacon = lambda data: ...`: a function by that name, for what its calls reach.
        if right.kind() == "lambda" && enclosing_class(node).is_none() {
            out.functions.push(PendingFunction {
                name: node_text(left, source).to_string(),
                range: node_range(right),
                name_range: node_range(left),
                body_range: right.field("body").map_or(node_range(right), node_range),
                docstring: None,
                parameters: right
                    .field("parameters")
                    .map(|p| parameters(p, source))
                    .unwrap_or_default(),
                decorators: Vec::new(),
                class: None,
            });
        }
    } else {
        if left.kind() == "attribute"
            && let (Some(object), Some(attribute), Some(right)) = (
                left.field("object").filter(|o| o.kind() == "identifier"),
                left.field("attribute"),
                right,
            )
        {
            out.attribute_assignments.push(super::AttributeAssignment {
                object: node_text(object, source).to_string(),
                attribute: node_text(attribute, source).to_string(),
                range: node_range(node),
                value: node_range(right),
            });
            // `self.client = OpenAI()`: `self.client.chat...` is a method of what it made.
            if node_text(object, source) == "self"
                && let Some(path) = constructed(right, source)
            {
                let name = format!("self.{}", node_text(attribute, source));
                bind(out, &name, Binding::Construct(path, node_range(right)));
            }
        }
        bind_all_identifiers(left, source, out);
    }
}

/// `X(...)` or `await X(...)`: the path of `X`, for a name bound to what it returns.
fn constructed(value: Node<'_>, source: &str) -> Option<super::Path> {
    let value = if value.kind() == "await" {
        value.named_child(0)?
    } else {
        value
    };
    (value.kind() == "call")
        .then(|| value.field("function"))
        .flatten()
        .and_then(|f| callee_path(f, source))
}

fn call(node: Node<'_>, source: &str, out: &mut Builder) {
    let Some(function) = node.field("function") else {
        return;
    };
    let arguments = node
        .field("arguments")
        .map(|args| call_arguments(args, source))
        .unwrap_or_default();
    out.calls.push(PendingCall {
        range: node_range(node),
        callee_range: node_range(function),
        path: callee_path(function, source),
        arguments,
    });
}

/// The arguments of a call (an `argument_list`, or the generator of `f(x for x in y)`).
fn call_arguments(args: Node<'_>, source: &str) -> Vec<PendingArgument> {
    let mut arguments = Vec::new();
    {
        if args.kind() == "generator_expression" {
            arguments.push(PendingArgument {
                keyword: None,
                range: node_range(args),
                spread: false,
                constness: Constness::Dynamic,
            });
        } else {
            let mut cursor = args.walk();
            for arg in args.named_children(&mut cursor) {
                match arg.kind() {
                    "comment" => {}
                    "keyword_argument" => {
                        let (Some(name), Some(value)) = (arg.field("name"), arg.field("value"))
                        else {
                            continue;
                        };
                        arguments.push(PendingArgument {
                            keyword: Some(node_text(name, source).to_string()),
                            range: node_range(value),
                            spread: false,
                            constness: constness(value, source, &PYTHON_CONSTANTS),
                        });
                    }
                    "list_splat" | "dictionary_splat" => arguments.push(PendingArgument {
                        keyword: None,
                        range: node_range(arg),
                        spread: true,
                        constness: Constness::Dynamic,
                    }),
                    _ => arguments.push(PendingArgument {
                        keyword: None,
                        range: node_range(arg),
                        spread: false,
                        constness: constness(arg, source, &PYTHON_CONSTANTS),
                    }),
                }
            }
        }
    }
    arguments
}

/// `a.b.c` → (`a`, [`b`, `c`]); anything else (calls, subscripts in the chain) → `None`.
pub(super) fn callee_path(node: Node<'_>, source: &str) -> Option<super::Path> {
    let mut members = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            "identifier" => {
                members.reverse();
                return Some((node_text(current, source).to_string(), members));
            }
            "attribute" => {
                members.push(node_text(current.field("attribute")?, source).to_string());
                current = current.field("object")?;
            }
            "parenthesized_expression" => current = current.named_child(0)?,
            _ => return None,
        }
    }
}
