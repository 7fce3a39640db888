//! What a process call runs, as far as the code shows it: the words of its command line, whether
//! a shell interprets them, and whether the process is confined by a sandbox.

use crate::syntax::Fields as _;
use tree_sitter::Node;

use crate::facts::{Call, FileFacts};
use crate::knowledge::{ArgumentSpec, Knowledge, Sandbox, ShellUse, Sink};
use crate::syntax::{Family, Locator, node_text};

/// How many words of a command line are looked at.
const MAX_WORDS: usize = 64;

/// A process call's command.
pub struct Command<'t> {
    /// The argument that holds the command (a string, a list, the program), as written.
    pub argument: Option<Node<'t>>,
    /// Its value: the argument, or what the function assigned to it once (`command = [...]`).
    pub value: Option<Node<'t>>,
    /// The command line as expressions: a list's elements, or the string; for
    /// `spawn(file, args)`, the file and then the elements of `args`.
    pub argv: Vec<Node<'t>>,
    /// What makes a shell interpret (part of) it, if one does.
    pub shell: Option<ShellVia<'t>>,
}

/// Why a shell interprets a command, and which part.
pub struct ShellVia<'t> {
    pub reason: ShellReason<'t>,
    /// The expressions the shell reads as its command line.
    pub payload: Vec<Node<'t>>,
}

pub enum ShellReason<'t> {
    /// The call always uses a shell.
    Always,
    /// The call's `shell` option (the `shell=True` / `shell: true` node).
    Option(Node<'t>),
    /// The command's program is a shell given a command line (`bash -c`); the program.
    Program(String),
    /// Interpolated as raw text into a template that quotes everything else (`${{ raw: x }}`).
    Raw,
}

/// The positional argument at `index`, or the one passed by `keyword`.
pub fn argument<'c>(
    call: &'c Call,
    index: usize,
    keyword: Option<&str>,
) -> Option<&'c crate::facts::Argument> {
    call.arguments
        .iter()
        .filter(|a| a.keyword.is_none())
        .nth(index)
        .or_else(|| {
            let keyword = keyword?;
            call.arguments
                .iter()
                .find(|a| a.keyword.as_deref() == Some(keyword))
        })
}

/// The elements of a list, tuple or array literal; any other expression is itself.
fn elements(node: Node<'_>) -> Vec<Node<'_>> {
    if matches!(node.kind(), "list" | "tuple" | "array") {
        let mut cursor = node.walk();
        node.named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .take(MAX_WORDS)
            .collect()
    } else {
        vec![node]
    }
}

/// The value of a property of an object literal (`{ shell: true }`), or the shorthand itself.
pub fn property<'t>(object: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = object.walk();
    object
        .named_children(&mut cursor)
        .find_map(|pair| match pair.kind() {
            "pair" => {
                let k = pair.field("key")?;
                (node_text(k, source).trim_matches(|c| c == '"' || c == '\'') == key)
                    .then(|| pair.field("value"))
                    .flatten()
            }
            "shorthand_property_identifier" => (node_text(pair, source) == key).then_some(pair),
            _ => None,
        })
}

/// What a name holds when the function assigns it exactly once (`command = ["bwrap", ...]`
/// before `run(command)`); any other expression is itself.
fn assigned_value<'t>(node: Node<'t>, source: &str, locator: &Locator<'t>) -> Node<'t> {
    if node.kind() != "identifier" {
        return node;
    }
    let Some(function) = locator.enclosing_function(node) else {
        return node;
    };
    let name = node_text(node, source);
    let mut values = crate::syntax::assignments(function, 4096)
        .filter(|(target, _)| target.kind() == "identifier" && node_text(*target, source) == name)
        .map(|(_, value)| value);
    match (values.next(), values.next()) {
        (Some(value), None) if value.end_byte() <= node.start_byte() => value,
        _ => node,
    }
}

/// The text of a string literal without interpolations; `None` for anything else.
pub fn literal_text(node: Node<'_>, source: &str) -> Option<String> {
    match node.kind() {
        "string" => {
            let mut cursor = node.walk();
            let mut text = String::new();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_content" | "string_fragment" => text.push_str(node_text(child, source)),
                    "string_start" | "string_end" => {}
                    "escape_sequence" => text.push_str(node_text(child, source)),
                    _ => return None,
                }
            }
            Some(text)
        }
        "template_string" => {
            let mut cursor = node.walk();
            let mut text = String::new();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_fragment" | "escape_sequence" => {
                        text.push_str(node_text(child, source))
                    }
                    _ => return None,
                }
            }
            Some(text)
        }
        "parenthesized_expression" => literal_text(node.named_child(0)?, source),
        _ => None,
    }
}

/// The constant text an expression starts with: a literal's text, an f-string's or template's
/// text up to its first interpolation, a concatenation's left side; a name bound only to a
/// constant, its value.
fn leading_text(
    node: Node<'_>,
    source: &str,
    facts: &FileFacts,
    locator: &Locator<'_>,
    depth: usize,
) -> Option<String> {
    if depth == 0 {
        return None;
    }
    if let Some(text) = literal_text(node, source) {
        return Some(text);
    }
    match node.kind() {
        "string" | "template_string" => {
            let mut cursor = node.walk();
            let mut text = String::new();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_content" | "string_fragment" | "escape_sequence" => {
                        text.push_str(node_text(child, source))
                    }
                    "string_start" | "string_end" => {}
                    _ => break,
                }
            }
            Some(text)
        }
        "binary_operator" | "binary_expression" => {
            leading_text(node.field("left")?, source, facts, locator, depth - 1)
        }
        "concatenated_string" | "parenthesized_expression" => {
            leading_text(node.named_child(0)?, source, facts, locator, depth - 1)
        }
        "identifier" => {
            let value = facts.bindings.constant_value(node_text(node, source))?;
            leading_text(locator.node_at(&value)?, source, facts, locator, depth - 1)
        }
        _ => None,
    }
}

/// The text of a constant word of a command line: a literal, or a name bound only to one.
pub fn constant_word(
    node: Node<'_>,
    source: &str,
    facts: &FileFacts,
    locator: &Locator<'_>,
) -> Option<String> {
    literal_text(node, source).or_else(|| {
        if node.kind() != "identifier" {
            return None;
        }
        let value = facts.bindings.constant_value(node_text(node, source))?;
        literal_text(locator.node_at(&value)?, source)
    })
}

/// Whether an option value is false for sure, in the language's own terms: Python's `False`,
/// `None`, a zero, an empty string or bytes, `[]`, `()`, `{}`; JavaScript's `false`, `null`,
/// `undefined`, `void 0`, a zero, `NaN`, an empty string (an empty array or object is true
/// there: Node runs a shell for `shell: []`). Through parentheses, `not`/`!` of a true
/// literal, and names bound only to such a value.
fn is_falsy(
    node: Node<'_>,
    source: &str,
    facts: &FileFacts,
    locator: &Locator<'_>,
    family: Family,
) -> bool {
    falsy(node, source, facts, locator, family, 4)
}

fn falsy(
    node: Node<'_>,
    source: &str,
    facts: &FileFacts,
    locator: &Locator<'_>,
    family: Family,
    depth: usize,
) -> bool {
    if depth == 0 {
        return false;
    }
    let text = node_text(node, source).trim();
    let is_zero = |t: &str| {
        let digits: String = t
            .trim_start_matches('-')
            .trim_end_matches(['n', 'j', 'J'])
            .chars()
            .filter(|c| *c != '_')
            .collect();
        let digits = digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0o"))
            .or_else(|| digits.strip_prefix("0b"))
            .unwrap_or(&digits);
        !digits.is_empty()
            && digits
                .split(['e', 'E'])
                .next()
                .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c == '0' || c == '.'))
            && digits.chars().any(|c| c == '0')
    };
    let recurse = |inner: Node<'_>| falsy(inner, source, facts, locator, family, depth - 1);
    match node.kind() {
        "parenthesized_expression" => node.named_child(0).is_some_and(recurse),
        "identifier" => {
            if matches!(text, "undefined" | "NaN") && family == Family::JavaScript {
                return true;
            }
            facts
                .bindings
                .constant_value(text)
                .and_then(|value| locator.node_at(&value))
                .is_some_and(recurse)
        }
        "integer" | "float" | "number" => is_zero(text),
        "string" | "template_string" | "concatenated_string" => {
            // Empty whatever its prefix or quotes (`""`, `b''`, `""""""`, `` `` ``).
            let body = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            !body.is_empty() && body.chars().all(|c| matches!(c, '"' | '\'' | '`'))
        }
        "list" | "tuple" | "dictionary" | "set" if family == Family::Python => {
            node.named_child_count() == 0
        }
        "not_operator" => node
            .named_child(0)
            .is_some_and(|n| matches!(node_text(n, source).trim(), "True" | "1")),
        "unary_expression" => {
            text == "void 0"
                || text.starts_with('!')
                    && node
                        .named_child(0)
                        .is_some_and(|n| matches!(node_text(n, source).trim(), "true" | "1"))
        }
        _ => matches!(text, "False" | "None" | "false" | "null"),
    }
}

impl<'t> Command<'t> {
    /// The command of a call to a process sink.
    pub fn of(
        call: &Call,
        sink: &Sink,
        source: &str,
        locator: &Locator<'t>,
        facts: &FileFacts,
        family: Family,
        knowledge: &Knowledge,
    ) -> Command<'t> {
        let index = match sink.argument {
            ArgumentSpec::Position(n) => n,
            ArgumentSpec::Any(_) => 0,
        };
        let argument =
            argument(call, index, sink.keyword.as_deref()).and_then(|a| locator.node_at(&a.range));
        let value = argument.map(|a| assigned_value(a, source, locator));
        let mut argv: Vec<Node<'t>> = value.map(elements).unwrap_or_default();
        // Arguments after the command: more words (`os.execl(path, "sh", "-c", cmd)`), a list
        // of them (`spawn(file, args)`), or an options object that may hold them (Deno's
        // `{ args: [...] }`).
        let mut options: Vec<Node<'t>> = Vec::new();
        if argument.is_some() {
            for later in call
                .arguments
                .iter()
                .filter(|a| a.keyword.is_none())
                .skip(index + 1)
                .filter_map(|a| locator.node_at(&a.range))
            {
                match later.kind() {
                    "object" => {
                        if let Some(args) = property(later, "args", source) {
                            argv.extend(elements(args));
                        }
                        options.push(later);
                    }
                    // A callback ends the command.
                    "arrow_function" | "function_expression" | "function" | "lambda" => break,
                    _ if argv.len() < MAX_WORDS => argv.extend(elements(later)),
                    _ => {}
                }
            }
        }
        argv.truncate(MAX_WORDS);
        let option = || -> Option<Node<'t>> {
            let value = match family {
                Family::Python => call
                    .arguments
                    .iter()
                    .find(|a| a.keyword.as_deref() == Some("shell"))
                    .and_then(|a| locator.node_at(&a.range)),
                Family::JavaScript => options.iter().find_map(|o| property(*o, "shell", source)),
            }?;
            (!is_falsy(value, source, facts, locator, family)).then_some(value)
        };
        let shell = match sink.shell {
            Some(ShellUse::Always) => value.map(|a| ShellVia {
                reason: ShellReason::Always,
                payload: vec![a],
            }),
            Some(ShellUse::Option) => option().map(|value| ShellVia {
                reason: ShellReason::Option(value),
                // With a shell, Python runs a list's first element as the command line (the
                // rest become the shell's own arguments); Node joins everything with spaces.
                payload: match family {
                    Family::Python => argv.first().copied().into_iter().collect(),
                    Family::JavaScript => argv.clone(),
                },
            }),
            Some(ShellUse::Raw) => {
                // `${{ raw: text }}` is spliced into the command line as it is.
                let raw: Vec<Node<'t>> = value
                    .filter(|v| v.kind() == "template_string")
                    .map(|template| {
                        let mut cursor = template.walk();
                        template
                            .named_children(&mut cursor)
                            .filter(|c| c.kind() == "template_substitution")
                            .filter_map(|c| c.named_child(0))
                            .filter(|e| e.kind() == "object")
                            .filter_map(|o| property(o, "raw", source))
                            .collect()
                    })
                    .unwrap_or_default();
                (!raw.is_empty()).then_some(ShellVia {
                    reason: ShellReason::Raw,
                    payload: raw,
                })
            }
            None => None,
        };
        let shell = shell.or_else(|| {
            let program = constant_word(*argv.first()?, source, facts, locator)?;
            let shell = knowledge.shell(&program)?;
            let flag = argv.iter().skip(1).position(|word| {
                constant_word(*word, source, facts, locator)
                    .is_some_and(|w| shell.flag.is_match(&w))
            })?;
            let payload = *argv.get(flag + 2)?;
            Some(ShellVia {
                reason: ShellReason::Program(program),
                payload: vec![payload],
            })
        });
        Command {
            argument,
            value,
            argv,
            shell,
        }
    }

    /// The command's first words, as far as they are constant: the constant elements of a list up
    /// to the first that is not, or the words of a string's constant beginning.
    pub fn leading_words(
        &self,
        source: &str,
        facts: &FileFacts,
        locator: &Locator<'_>,
    ) -> Vec<String> {
        let mut words = Vec::new();
        let string_like = |n: Node<'_>| {
            matches!(
                n.kind(),
                "string"
                    | "template_string"
                    | "binary_operator"
                    | "binary_expression"
                    | "concatenated_string"
            ) || (n.kind() == "identifier"
                && facts
                    .bindings
                    .constant_value(node_text(n, source))
                    .is_some())
        };
        match self.argv.as_slice() {
            [only]
                if string_like(*only)
                    && self
                        .value
                        .is_some_and(|a| a.kind() != "list" && a.kind() != "array") =>
            {
                if let Some(text) = leading_text(*only, source, facts, locator, 4) {
                    // The last word may continue into the interpolation: only whole words count.
                    let complete = text.ends_with(char::is_whitespace)
                        || literal_text(*only, source).is_some();
                    let mut split: Vec<String> =
                        text.split_whitespace().map(str::to_string).collect();
                    if !complete {
                        split.pop();
                    }
                    words = split;
                }
            }
            argv => {
                for word in argv {
                    match constant_word(*word, source, facts, locator) {
                        Some(text) => words.push(text),
                        None => break,
                    }
                }
            }
        }
        words.truncate(MAX_WORDS);
        words
    }

    /// The sandbox whose program the command starts with.
    pub fn sandbox<'k>(
        &self,
        source: &str,
        facts: &FileFacts,
        locator: &Locator<'_>,
        family: Family,
        knowledge: &'k Knowledge,
    ) -> Option<&'k Sandbox> {
        let words = self.leading_words(source, facts, locator);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        knowledge
            .sandbox_program(&words)
            .filter(|s| s.family.is_none_or(|f| f == family))
    }

    /// Whether every word of the command is known when the code is written.
    pub fn is_constant(
        &self,
        source: &str,
        facts: &FileFacts,
        locator: &Locator<'_>,
        family: Family,
    ) -> bool {
        self.argument.is_some()
            && self.argv.iter().all(|word| {
                constant_word(*word, source, facts, locator).is_some()
                    || facts.is_constant_node(*word, source, family)
            })
    }
}
