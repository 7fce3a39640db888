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
        // `"grep -rn " f"{q} notes/"`: Python joins adjacent literals.
        "concatenated_string" => {
            let mut cursor = node.walk();
            for part in node.named_children(&mut cursor) {
                if part.kind() != "string" {
                    return None;
                }
                pieces(part, source, out, depth - 1)?;
            }
            Some(())
        }
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
    let mut words = words(node, source)?;
    if program_constant && !matches!(words.first()?.as_slice(), [Piece::Text(_)]) {
        return None;
    }
    // `FOO=bar prog`: the shell sets a variable; as a list, `FOO=bar` would be the program.
    if let Some([Piece::Text(first), ..]) = words.first().map(Vec::as_slice)
        && first
            .split_once('=')
            .is_some_and(|(name, _)| !name.is_empty() && !name.contains('/'))
    {
        return None;
    }
    end_of_options(&mut words);
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

/// Programs that do not take `--` as the end of their options (they print it, or refuse it).
const NO_END_OF_OPTIONS: &[&str] = &["echo", "printf", "xdg-open", "open", "start"];

/// Puts `--` before the first argument the program could read as an option: the first word
/// that starts with a value (which may start with `-`: `--output=/etc/passwd`), when no option
/// follows it. A value right after a single-letter option (`-n {count}`) or a long one
/// (`--author {name}`) may be that option's value, and the next such word is looked at. Nothing
/// changes when the words have `--` already or the program does not take it.
fn end_of_options(words: &mut Vec<Vec<Piece>>) {
    let text = |word: &[Piece]| match word {
        [Piece::Text(text)] => Some(text.clone()),
        _ => None,
    };
    let program = words.first().and_then(|w| text(w));
    let program = program
        .as_deref()
        .map(|p| p.rsplit('/').next().unwrap_or(p));
    if program.is_none_or(|p| NO_END_OF_OPTIONS.contains(&p))
        || words.iter().any(|w| text(w).as_deref() == Some("--"))
    {
        return;
    }
    let may_take_a_value = |word: &[Piece]| {
        text(word).is_some_and(|t| {
            let single = t.len() == 2 && t.starts_with('-') && t != "--";
            let long = t.starts_with("--") && !t.contains('=');
            single || long
        })
    };
    let first = (1..words.len()).find(|&i| {
        matches!(words[i].first(), Some(Piece::Expr(_))) && !may_take_a_value(&words[i - 1])
    });
    let Some(first) = first else {
        return;
    };
    // An option after it would become an operand.
    let options_after = words[first..]
        .iter()
        .any(|w| matches!(w.first(), Some(Piece::Text(t)) if t.starts_with('-')));
    if !options_after {
        words.insert(first, vec![Piece::Text("--".to_string())]);
    }
}

/// The edit range that removes an argument node with its comma (the one after it, else the one
/// before it; comments around it stay), and its whole line when nothing else is left on it.
pub(crate) fn remove_argument(argument: Node<'_>, source: &str) -> Option<std::ops::Range<usize>> {
    let sibling = |next: bool| {
        let mut node = if next {
            argument.next_sibling()
        } else {
            argument.prev_sibling()
        };
        while let Some(n) = node.filter(|n| n.kind() == "comment") {
            node = if next {
                n.next_sibling()
            } else {
                n.prev_sibling()
            };
        }
        node.filter(|n| n.kind() == ",")
    };
    let mut range = match (sibling(true), sibling(false)) {
        (Some(comma), _) => {
            // With the spaces after the comma, not a line break.
            let end = comma.end_byte()
                + source[comma.end_byte()..]
                    .find(|c: char| c != ' ' && c != '\t')
                    .unwrap_or(0);
            argument.start_byte()..end
        }
        (None, Some(comma)) => comma.start_byte()..argument.end_byte(),
        (None, None) => argument.start_byte()..argument.end_byte(),
    };
    let line_start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[range.end..]
        .find('\n')
        .map_or(source.len(), |i| range.end + i);
    if source[line_start..range.start].trim().is_empty()
        && source[range.end..line_end].trim().is_empty()
        && line_end < source.len()
    {
        range = line_start..line_end + 1;
    }
    Some(range)
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
            Some(vec![
                "\"ls\"".into(),
                "\"-la\"".into(),
                "\"--\"".into(),
                "str(path)".into()
            ])
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
    fn data_that_could_pass_for_an_option_comes_after_the_end_of_options() {
        let words = |source| list(source, Language::Python).unwrap_or_default().join(" ");
        assert_eq!(
            words("def f(query: str):\n    run(f\"grep -rn {query} {DIR}\")\n"),
            r#""grep" "-rn" "--" query str(DIR)"#
        );
        // A value after `-n` may be its value; `--` goes before the next one.
        assert_eq!(
            words("run(f\"git log -n {count} {path}\")\n"),
            r#""git" "log" "-n" str(count) "--" str(path)"#
        );
        // Options after it, `--` already there, a program that takes none: as written.
        assert_eq!(
            words("run(f\"grep {q} -r notes\")\n"),
            r#""grep" str(q) "-r" "notes""#
        );
        assert_eq!(
            words("run(f\"git log -- {p}\")\n"),
            r#""git" "log" "--" str(p)"#
        );
        assert_eq!(words("run(f\"xdg-open {p}\")\n"), r#""xdg-open" str(p)"#);
        // Adjacent literals are one command line.
        assert_eq!(
            words("def f(q: str):\n    run(\"grep -rn \" f\"{q} notes/\")\n"),
            r#""grep" "-rn" "--" q "notes/""#
        );
    }

    #[test]
    fn refuses_what_needs_a_shell() {
        // A variable set for the command.
        assert_eq!(list("run(f\"FOO={v} env\")\n", Language::Python), None);
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
