//! Fact extraction for Python.

use std::sync::OnceLock;

use tree_sitter::Node;

use super::{
    Binding, Builder, ConstantSyntax, Constness, FunctionDef, PendingArgument, PendingCall,
    constness,
};
use crate::syntax::{KindSet, Language, node_range, node_text, preorder};

/// What a constant expression is made of in Python.
const PYTHON_CONSTANTS: ConstantSyntax = ConstantSyntax {
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

fn kinds() -> &'static KindSet {
    static KIND_SET: OnceLock<KindSet> = OnceLock::new();
    KIND_SET.get_or_init(|| KindSet::new(&Language::Python.grammar(), KINDS))
}

pub(super) fn extract(source: &str, root: Node<'_>, out: &mut Builder) {
    let kinds = kinds();
    for node in preorder(root) {
        if !kinds.contains(node) {
            continue;
        }
        match node.kind() {
            "import_statement" => import_statement(node, source, out),
            "import_from_statement" => import_from_statement(node, source, out),
            "function_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    // A method binds an attribute of its class, not a name of the module.
                    if !is_method(node) {
                        out.bind(node_text(name, source), Binding::Local);
                    }
                    out.functions.push(FunctionDef {
                        name: node_text(name, source).to_string(),
                        range: node_range(node),
                    });
                }
            }
            "class_definition" => bind_field(node, "name", source, out),
            "parameters" | "lambda_parameters" => bind_all_identifiers(node, source, out),
            "assignment" => assignment(node, source, out),
            "augmented_assignment" => {
                if let Some(left) = node.child_by_field_name("left") {
                    bind_all_identifiers(left, source, out);
                }
            }
            "for_statement" | "for_in_clause" => {
                if let Some(left) = node.child_by_field_name("left") {
                    bind_all_identifiers(left, source, out);
                }
            }
            "named_expression" => bind_field(node, "name", source, out),
            "as_pattern" | "except_clause" => {
                if let Some(alias) = node.child_by_field_name("alias") {
                    bind_all_identifiers(alias, source, out);
                }
            }
            "call" => call(node, source, out),
            _ => {}
        }
    }
}

fn is_method(function: Node<'_>) -> bool {
    let mut parent = function.parent();
    if parent.is_some_and(|p| p.kind() == "decorated_definition") {
        parent = parent.and_then(|p| p.parent());
    }
    parent
        .filter(|p| p.kind() == "block")
        .and_then(|block| block.parent())
        .is_some_and(|p| p.kind() == "class_definition")
}

fn bind_field(node: Node<'_>, field: &str, source: &str, out: &mut Builder) {
    if let Some(name) = node.child_by_field_name(field)
        && name.kind() == "identifier"
    {
        out.bind(node_text(name, source), Binding::Local);
    }
}

/// Binds every identifier under `node` as local, except names that are only looked up there:
/// default values, annotations, attribute names and subscripts.
fn bind_all_identifiers(node: Node<'_>, source: &str, out: &mut Builder) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "identifier" => out.bind(node_text(n, source), Binding::Local),
            "attribute" | "subscript" | "type" => {}
            "default_parameter" | "typed_default_parameter" => {
                if let Some(name) = n.child_by_field_name("name") {
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
                out.bind(root, Binding::Import(root.to_string()));
            }
            // `import a.b as x` binds `x` to `a.b`.
            "aliased_import" => {
                if let (Some(target), Some(alias)) = (
                    name.child_by_field_name("name"),
                    name.child_by_field_name("alias"),
                ) {
                    out.bind(
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
    let Some(module) = node.child_by_field_name("module_name") else {
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
            "aliased_import" => match (
                name.child_by_field_name("name"),
                name.child_by_field_name("alias"),
            ) {
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
        out.bind(&bound, Binding::Import(qualified));
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
    let Some(left) = node.child_by_field_name("left") else {
        return;
    };
    let right = node.child_by_field_name("right");
    if left.kind() == "identifier" {
        let binding = match right.map(|r| constness(r, source, &PYTHON_CONSTANTS)) {
            Some(Constness::Constant) => Binding::Constant,
            // A name bound to another name: constant only if that one is, which the file-level
            // model cannot chain without risk; treat as local.
            _ if right.is_none() => return, // `x: int` declares, it does not bind
            _ => Binding::Local,
        };
        out.bind(node_text(left, source), binding);
    } else {
        bind_all_identifiers(left, source, out);
    }
}

fn call(node: Node<'_>, source: &str, out: &mut Builder) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let mut arguments = Vec::new();
    if let Some(args) = node.child_by_field_name("arguments") {
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
                        let (Some(name), Some(value)) = (
                            arg.child_by_field_name("name"),
                            arg.child_by_field_name("value"),
                        ) else {
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
    out.calls.push(PendingCall {
        range: node_range(node),
        callee_range: node_range(function),
        path: callee_path(function, source),
        arguments,
    });
}

/// `a.b.c` → (`a`, [`b`, `c`]); anything else (calls, subscripts in the chain) → `None`.
fn callee_path(node: Node<'_>, source: &str) -> Option<(String, Vec<String>)> {
    let mut members = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            "identifier" => {
                members.reverse();
                return Some((node_text(current, source).to_string(), members));
            }
            "attribute" => {
                members
                    .push(node_text(current.child_by_field_name("attribute")?, source).to_string());
                current = current.child_by_field_name("object")?;
            }
            "parenthesized_expression" => current = current.named_child(0)?,
            _ => return None,
        }
    }
}
