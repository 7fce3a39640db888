//! Rewriting a shell command line as an argument list: the words of an f-string, template
//! literal, concatenation or literal, each variable part its own argument.

use crate::syntax::Fields as _;
use tree_sitter::Node;

use crate::facts::FileFacts;
use crate::syntax::{Family, node_text};

/// A piece of a command line: constant text, or an expression's source.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Expr(String),
}

/// Characters a shell treats specially: a command line with these in its constant text means
/// something an argument list cannot say (pipes, redirections, quoting, globs, variables).
const SHELL_SYNTAX: &[char] = &[
    '|', '&', ';', '<', '>', '(', ')', '$', '`', '\\', '"', '\'', '*', '?', '[', ']', '{', '}',
    '\n',
];

/// The pieces of a command expression, or `None` when it is not built from literals and
/// interpolated expressions.
fn pieces(node: Node<'_>, source: &str, out: &mut Vec<Piece>, depth: usize) -> Option<()> {
    if depth == 0 {
        return None;
    }
    match node.kind() {
        "string" | "template_string" => {
            let text = node_text(node, source);
            // Byte strings and raw strings keep their meaning only as they are.
            let prefix: String = text
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            if prefix.chars().any(|c| !matches!(c, 'f' | 'F')) {
                return None;
            }
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_start" | "string_end" => {}
                    "string_content" | "string_fragment" => {
                        out.push(Piece::Text(node_text(child, source).to_string()))
                    }
                    "interpolation" => {
                        // `{x!r}`, `{x:>3}`, `{x=}`: formatting an argument list cannot keep.
                        let mut inner = child.walk();
                        if child.named_children(&mut inner).count() != 1
                            || node_text(child, source)
                                .trim_end_matches('}')
                                .ends_with('=')
                        {
                            return None;
                        }
                        let expression = child.field("expression")?;
                        out.push(Piece::Expr(node_text(expression, source).to_string()));
                    }
                    "template_substitution" => {
                        let expression = child.named_child(0)?;
                        out.push(Piece::Expr(node_text(expression, source).to_string()));
                    }
                    _ => return None,
                }
            }
            Some(())
        }
        "binary_operator" | "binary_expression" => {
            let operator = node.field("operator")?;
            if operator.kind() != "+" {
                return None;
            }
            pieces(node.field("left")?, source, out, depth - 1)?;
            let right = node.field("right")?;
            match right.kind() {
                "string"
                | "template_string"
                | "binary_operator"
                | "binary_expression"
                | "parenthesized_expression" => pieces(right, source, out, depth - 1),
                _ => {
                    out.push(Piece::Expr(node_text(right, source).to_string()));
                    Some(())
                }
            }
        }
        "parenthesized_expression" => pieces(node.named_child(0)?, source, out, depth - 1),
        _ => {
            out.push(Piece::Expr(node_text(node, source).to_string()));
            Some(())
        }
    }
}

/// A command line split into words the way a shell would split it when the variable parts hold
/// no spaces: each word is its pieces.
fn words(node: Node<'_>, source: &str) -> Option<Vec<Vec<Piece>>> {
    let mut parts = Vec::new();
    pieces(node, source, &mut parts, 16)?;
    let mut words: Vec<Vec<Piece>> = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    for piece in parts {
        match piece {
            Piece::Text(text) => {
                if text.contains(SHELL_SYNTAX) {
                    return None;
                }
                let mut rest = text.as_str();
                while !rest.is_empty() {
                    if rest.starts_with(char::is_whitespace) {
                        if !current.is_empty() {
                            words.push(std::mem::take(&mut current));
                        }
                        rest = rest.trim_start();
                        continue;
                    }
                    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                    let word = &rest[..end];
                    // `~` and `#` mean something at the start of a word.
                    if current.is_empty() && (word.starts_with('~') || word.starts_with('#')) {
                        return None;
                    }
                    current.push(Piece::Text(word.to_string()));
                    rest = &rest[end..];
                }
            }
            expr @ Piece::Expr(_) => current.push(expr),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    (!words.is_empty()).then_some(words)
}

/// How a word of the new argument list is written.
fn word_expression(
    word: &[Piece],
    family: Family,
    plain_string: &dyn Fn(&str) -> bool,
) -> Option<String> {
    match (word, family) {
        ([Piece::Text(text)], _) => Some(format!("\"{text}\"")),
        ([Piece::Expr(expr)], Family::Python) => Some(if plain_string(expr) {
            expr.clone()
        } else {
            format!("str({expr})")
        }),
        ([Piece::Expr(expr)], Family::JavaScript) => Some(if plain_string(expr) {
            expr.clone()
        } else {
            format!("String({expr})")
        }),
        (pieces, Family::Python) => {
            let mut text = String::from("f\"");
            for piece in pieces {
                match piece {
                    Piece::Text(t) => text.push_str(t),
                    Piece::Expr(e) if !e.contains('"') && !e.contains('\\') => {
                        text.push('{');
                        text.push_str(e);
                        text.push('}');
                    }
                    Piece::Expr(_) => return None,
                }
            }
            text.push('"');
            Some(text)
        }
        (pieces, Family::JavaScript) => {
            let mut text = String::from("`");
            for piece in pieces {
                match piece {
                    Piece::Text(t) => text.push_str(t),
                    Piece::Expr(e) if !e.contains('`') => {
                        text.push_str("${");
                        text.push_str(e);
                        text.push('}');
                    }
                    Piece::Expr(_) => return None,
                }
            }
            text.push('`');
            Some(text)
        }
    }
}

/// A command line as argument-list elements: `["git", "log", "-n", str(n)]` without brackets,
/// or `None` when it cannot be split without a shell. The first word (the program) must be
/// constant when `program_constant` is set.
pub(crate) fn argument_list(
    node: Node<'_>,
    source: &str,
    family: Family,
    facts: &FileFacts,
    program_constant: bool,
) -> Option<Vec<String>> {
    let words = words(node, source)?;
    if program_constant && !matches!(words.first()?.as_slice(), [Piece::Text(_)]) {
        return None;
    }
    // A name that is a `str` parameter, or already converted, needs no `str(...)`.
    let plain_string = |expr: &str| -> bool {
        if expr.starts_with("str(") || expr.starts_with("String(") {
            return true;
        }
        let offset = node.start_byte();
        facts
            .enclosing_function(offset)
            .and_then(|f| {
                facts.functions[f]
                    .parameters
                    .iter()
                    .find(|p| p.name == expr)
            })
            .and_then(|p| p.annotation.clone())
            .is_some_and(|a| matches!(source.get(a).map(str::trim), Some("str" | "string")))
    };
    words
        .iter()
        .map(|w| word_expression(w, family, &plain_string))
        .collect()
}

/// The edit range that removes an argument node with its separating comma.
pub(crate) fn remove_argument(argument: Node<'_>) -> Option<std::ops::Range<usize>> {
    let previous = argument
        .prev_named_sibling()
        .filter(|n| n.kind() != "comment");
    let next = argument
        .next_named_sibling()
        .filter(|n| n.kind() != "comment");
    match (previous, next) {
        (Some(previous), _) => Some(previous.end_byte()..argument.end_byte()),
        (None, Some(next)) => Some(argument.start_byte()..next.start_byte()),
        (None, None) => Some(argument.start_byte()..argument.end_byte()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Language, Locator, parse};

    fn list(source: &str, language: Language) -> Option<Vec<String>> {
        let tree = parse(source, language);
        let facts = FileFacts::extract(source, &tree, language);
        // The first call's first argument.
        let call = facts.calls.first()?;
        let node = Locator::new(&tree).node_at(&call.arguments.first()?.range)?;
        argument_list(node, source, language.family(), &facts, true)
    }

    #[test]
    fn splits_fstrings_templates_and_concatenations() {
        assert_eq!(
            list(
                "def f(q: str, n):\n    run(f\"grep -rn {q} notes/ -m {n}\")\n",
                Language::Python
            ),
            Some(vec![
                "\"grep\"".into(),
                "\"-rn\"".into(),
                "q".into(),
                "\"notes/\"".into(),
                "\"-m\"".into(),
                "str(n)".into()
            ])
        );
        assert_eq!(
            list("run(\"ls -la \" + path)\n", Language::Python),
            Some(vec!["\"ls\"".into(), "\"-la\"".into(), "str(path)".into()])
        );
        assert_eq!(
            list("run(f\"git log --max-count={n} --\")\n", Language::Python),
            Some(vec![
                "\"git\"".into(),
                "\"log\"".into(),
                "f\"--max-count={n}\"".into(),
                "\"--\"".into()
            ])
        );
        assert_eq!(
            list("exec(`git log -n ${count}`)\n", Language::TypeScript),
            Some(vec![
                "\"git\"".into(),
                "\"log\"".into(),
                "\"-n\"".into(),
                "String(count)".into()
            ])
        );
    }

    #[test]
    fn refuses_what_needs_a_shell() {
        assert_eq!(list("run(f\"cat {p} | wc -l\")\n", Language::Python), None);
        assert_eq!(list("run(f\"ls {p} > out.txt\")\n", Language::Python), None);
        assert_eq!(list("run(f\"echo '{p}'\")\n", Language::Python), None);
        assert_eq!(list("run(f\"ls ~/{p}\")\n", Language::Python), None);
        assert_eq!(list("run(f\"{prog} --version\")\n", Language::Python), None);
        assert_eq!(list("run(f\"ls {p!r}\")\n", Language::Python), None);
        assert_eq!(list("run(rb\"ls\")\n", Language::Python), None);
        assert_eq!(
            list("exec(`ls ${a} && rm ${b}`)\n", Language::TypeScript),
            None
        );
    }
}
