//! String literals as the program sees them: escapes decoded, pieces concatenated, and every piece
//! of the text mapped back to the source it came from, so a finding inside a description can point
//! at the exact characters (or escape sequence) in the file.

use crate::syntax::Fields as _;
use std::ops::Range;

use tree_sitter::Node;

use crate::facts::Bindings;
use crate::syntax::{Family, Locator, node_range, node_text};

/// A run of decoded text and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Byte range in [`DecodedText::text`].
    pub text: Range<usize>,
    /// Byte range in the source.
    pub source: Range<usize>,
    /// The text is the source, byte for byte (offsets map one to one); otherwise the piece is one
    /// escape sequence.
    pub verbatim: bool,
}

/// The value of a string expression.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecodedText {
    pub text: String,
    pub pieces: Vec<Piece>,
    /// Parts of the value are only known at run time (interpolations, names that are not
    /// constants, calls); `text` holds the constant parts.
    pub dynamic: bool,
    /// What the rules found in `text`, kept with it (see `crate::memo::by_kept_text`).
    pub(crate) kept: crate::memo::Kept,
}

impl DecodedText {
    fn push_verbatim(&mut self, source: &str, range: Range<usize>) {
        // A range that is empty, or not on character boundaries (a node error recovery built),
        // holds no text.
        let Some(text) = source.get(range.clone()).filter(|t| !t.is_empty()) else {
            return;
        };
        let start = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece {
            text: start..self.text.len(),
            source: range,
            verbatim: true,
        });
    }

    fn push_escape(&mut self, decoded: &str, range: Range<usize>) {
        let start = self.text.len();
        self.text.push_str(decoded);
        self.pieces.push(Piece {
            text: start..self.text.len(),
            source: range,
            verbatim: false,
        });
    }

    /// The part of the text in `range`, with its pieces (for a section of a docstring).
    pub fn slice(&self, range: Range<usize>) -> DecodedText {
        let mut out = DecodedText {
            text: self.text[range.clone()].to_string(),
            pieces: Vec::new(),
            dynamic: false,
            kept: Default::default(),
        };
        for piece in &self.pieces {
            let start = piece.text.start.max(range.start);
            let end = piece.text.end.min(range.end);
            if start >= end {
                continue;
            }
            let source = if piece.verbatim {
                piece.source.start + (start - piece.text.start)
                    ..piece.source.start + (end - piece.text.start)
            } else {
                piece.source.clone()
            };
            out.pieces.push(Piece {
                text: start - range.start..end - range.start,
                source,
                verbatim: piece.verbatim,
            });
        }
        out
    }

    /// The source range that produced `text_range` of the text: exact inside verbatim pieces,
    /// whole escape sequences otherwise.
    pub fn source_range(&self, text_range: Range<usize>) -> Option<Range<usize>> {
        let map = |offset: usize, end: bool| -> Option<usize> {
            let piece = self.pieces.iter().find(|p| {
                if end {
                    p.text.start < offset && offset <= p.text.end
                } else {
                    p.text.start <= offset && offset < p.text.end
                }
            })?;
            Some(if piece.verbatim {
                piece.source.start + (offset - piece.text.start)
            } else if end {
                piece.source.end
            } else {
                piece.source.start
            })
        };
        if text_range.is_empty() {
            let at = map(text_range.start, false).or_else(|| map(text_range.start, true))?;
            return Some(at..at);
        }
        Some(map(text_range.start, false)?..map(text_range.end, true)?)
    }
}

/// Upper bound on the nodes followed to decode one expression.
const BUDGET: usize = 256;

/// Decodes a string expression: literals (with escapes and prefixes), implicit and `+`
/// concatenation, parentheses, and names bound once to a constant. Returns `None` for an
/// expression that is not a string at all (a call, a number); a partly dynamic string (f-string,
/// template literal with substitutions) decodes with `dynamic` set.
pub fn decode(
    node: Node<'_>,
    locator: &Locator<'_>,
    source: &str,
    family: Family,
    bindings: &Bindings,
) -> Option<DecodedText> {
    let mut out = DecodedText::default();
    let mut budget = BUDGET;
    // Explicit stack of nodes still to append, in order: pop from the end. `None` separates the
    // branches of a conditional with a line break.
    let mut stack: Vec<Option<Node<'_>>> = vec![Some(node)];
    let mut any_string = false;
    while let Some(next) = stack.pop() {
        budget = budget.checked_sub(1)?;
        let Some(n) = next else {
            let at = out
                .pieces
                .last()
                .map_or(node.start_byte(), |p| p.source.end);
            out.push_escape("\n", at..at);
            continue;
        };
        match (family, n.kind()) {
            (Family::Python, "string") => {
                any_string = true;
                python_string(n, source, &mut out);
            }
            (Family::JavaScript, "string") => {
                any_string = true;
                javascript_string(n, source, &mut out);
            }
            (Family::JavaScript, "template_string") => {
                any_string = true;
                javascript_string(n, source, &mut out);
            }
            (Family::Python, "concatenated_string") | (_, "parenthesized_expression") => {
                let mut cursor = n.walk();
                let children: Vec<_> = n
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                stack.extend(children.into_iter().rev().map(Some));
            }
            (Family::Python, "binary_operator") | (Family::JavaScript, "binary_expression") => {
                let plus = n.field("operator").is_some_and(|op| op.kind() == "+");
                match (plus, n.field("left"), n.field("right")) {
                    (true, Some(l), Some(r)) => {
                        stack.push(Some(r));
                        stack.push(Some(l));
                    }
                    _ => out.dynamic = true,
                }
            }
            // `a if c else b`, `c ? a : b`: either may be what the model gets; read both.
            (Family::Python, "conditional_expression") => {
                out.dynamic = true;
                let mut cursor = n.walk();
                let children: Vec<_> = n.named_children(&mut cursor).collect();
                // `body if condition else alternative`
                if let [body, _, alternative] = children.as_slice() {
                    stack.push(Some(*alternative));
                    stack.push(None);
                    stack.push(Some(*body));
                }
            }
            (Family::JavaScript, "ternary_expression") => {
                out.dynamic = true;
                stack.push(n.field("alternative"));
                stack.push(None);
                stack.push(n.field("consequence"));
            }
            (_, "identifier") => match bindings.constant_value(node_text(n, source)).or_else(|| {
                // A name bound once to another expression: read what it can hold (marked
                // dynamic, since it is not a constant).
                let value = bindings.single_value(node_text(n, source))?;
                out.dynamic = true;
                Some(value)
            }) {
                Some(range) => match locator.node_at(&range) {
                    Some(value) => stack.push(Some(value)),
                    None => out.dynamic = true,
                },
                None => out.dynamic = true,
            },
            _ => {
                if !any_string && stack.is_empty() && out.text.is_empty() {
                    return None;
                }
                out.dynamic = true;
            }
        }
    }
    (any_string || out.dynamic).then_some(out)
}

/// A Python string literal: prefix, quotes, escapes (unless raw), interpolations (f-strings).
fn python_string(node: Node<'_>, source: &str, out: &mut DecodedText) {
    let mut cursor = node.walk();
    let mut raw = false;
    for child in node.children(&mut cursor) {
        match child.kind() {
            "string_start" => {
                let prefix = node_text(child, source);
                raw = prefix.chars().any(|c| c == 'r' || c == 'R');
            }
            "string_content" => content(child, source, raw, Family::Python, out),
            "interpolation" => out.dynamic = true,
            _ => {}
        }
    }
}

/// A JavaScript string or template literal.
fn javascript_string(node: Node<'_>, source: &str, out: &mut DecodedText) {
    // Content is everything between the delimiters; escape sequences and substitutions are
    // children. Walk the gaps between children as verbatim text.
    let start = node.start_byte() + 1;
    // A string the parser recovered from has no closing delimiter: its content runs to its end
    // (which may be a character of several bytes).
    let closed =
        node_text(node, source).len() > 1 && node_text(node, source).ends_with(['"', '\'', '`']);
    let end = if closed {
        node.end_byte() - 1
    } else {
        node.end_byte()
    }
    .max(start);
    let mut at = start;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "escape_sequence" => {
                out.push_verbatim(source, at..child.start_byte());
                decode_escape(
                    node_text(child, source),
                    node_range(child),
                    Family::JavaScript,
                    out,
                );
                at = child.end_byte();
            }
            "template_substitution" => {
                out.push_verbatim(source, at..child.start_byte());
                out.dynamic = true;
                at = child.end_byte();
            }
            _ => {}
        }
    }
    out.push_verbatim(source, at..end);
}

/// The content node of a Python string, whose escape sequences are children.
fn content(node: Node<'_>, source: &str, raw: bool, family: Family, out: &mut DecodedText) {
    let mut at = node.start_byte();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "escape_sequence" if !raw => {
                out.push_verbatim(source, at..child.start_byte());
                decode_escape(node_text(child, source), node_range(child), family, out);
                at = child.end_byte();
            }
            // `{{` and `}}` in f-strings.
            "escape_interpolation" => {
                out.push_verbatim(source, at..child.start_byte());
                let text = node_text(child, source);
                out.push_escape(&text[..text.len().min(1)], node_range(child));
                at = child.end_byte();
            }
            _ => {}
        }
    }
    out.push_verbatim(source, at..node.end_byte());
}

/// Decodes one escape sequence; unknown ones stand for themselves.
fn decode_escape(escape: &str, range: Range<usize>, family: Family, out: &mut DecodedText) {
    let body = escape.strip_prefix('\\').unwrap_or(escape);
    let decoded: Option<String> = match body.chars().next() {
        Some('\n') | Some('\r') => Some(String::new()), // line continuation
        Some('n') => Some("\n".into()),
        Some('t') => Some("\t".into()),
        Some('r') => Some("\r".into()),
        Some('b') => Some("\u{8}".into()),
        Some('f') => Some("\u{c}".into()),
        Some('v') => Some("\u{b}".into()),
        Some('a') if family == Family::Python => Some("\u{7}".into()),
        Some('x') => hex_char(&body[1..]),
        Some('u') => {
            let digits = body[1..].trim_start_matches('{').trim_end_matches('}');
            hex_char(digits)
        }
        Some('U') if family == Family::Python => hex_char(&body[1..]),
        Some(c) if c.is_ascii_digit() => {
            if family == Family::Python || body.len() > 1 {
                u32::from_str_radix(body, 8)
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
            } else {
                Some("\0".into())
            }
        }
        // `\N{NAME}` needs Unicode names: keep the escape as written.
        Some('N') if family == Family::Python => None,
        Some(c) => Some(c.to_string()),
        None => None,
    };
    match decoded {
        Some(text) => out.push_escape(&text, range),
        None => out.push_escape(escape, range),
    }
}

fn hex_char(digits: &str) -> Option<String> {
    u32::from_str_radix(digits, 16)
        .ok()
        .and_then(char::from_u32)
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FileFacts;
    use crate::syntax::{Language, parse};

    /// Decodes the value assigned to `x` in `source`.
    fn decoded(source: &str, language: Language) -> DecodedText {
        let tree = parse(source, language);
        let facts = FileFacts::extract(source, &tree, language);
        let marker = source.rfind("x = ").map(|i| i + 4).unwrap_or(0);
        let mut node = tree
            .root_node()
            .descendant_for_byte_range(marker, marker)
            .unwrap();
        while node.start_byte() == marker && node.parent().is_some_and(|p| p.start_byte() == marker)
        {
            node = node.parent().unwrap();
        }
        decode(
            node,
            &Locator::new(&tree),
            source,
            language.family(),
            &facts.bindings,
        )
        .unwrap_or_default()
    }

    #[test]
    fn python_escapes_prefixes_and_concatenation() {
        let d = decoded("x = 'a\\tb' \"c\\u200bd\" r'\\n'\n", Language::Python);
        assert_eq!(d.text, "a\tbc\u{200b}d\\n");
        assert!(!d.dynamic);
        let zw = d.text.find('\u{200b}').unwrap();
        let source = "x = 'a\\tb' \"c\\u200bd\" r'\\n'\n";
        let range = d.source_range(zw..zw + 3).unwrap();
        assert_eq!(&source[range], "\\u200b");
        let c = d.text.find('c').unwrap();
        assert_eq!(&source[d.source_range(c..c + 1).unwrap()], "c");
    }

    #[test]
    fn python_docstrings_fstrings_and_constants() {
        let d = decoded(
            "D = 'Reads {{files}}'\nx = D + f' for {user}'\n",
            Language::Python,
        );
        assert_eq!(d.text, "Reads {{files}} for ");
        assert!(d.dynamic);
        let d = decoded(
            "x = \"\"\"Line one.\n    Line two.\"\"\"\n",
            Language::Python,
        );
        assert_eq!(d.text, "Line one.\n    Line two.");
    }

    #[test]
    fn javascript_strings_templates_and_escapes() {
        let source = "const x = 'it\\'s' + `tab\\t${y}\\u{1F600}` + \"\\x41\";\n";
        let tree = parse(source, Language::TypeScript);
        let facts = FileFacts::extract(source, &tree, Language::TypeScript);
        let start = source.find("'it").unwrap();
        let end = source.rfind(';').unwrap();
        let node = tree
            .root_node()
            .descendant_for_byte_range(start, end)
            .unwrap();
        let d = decode(
            node,
            &Locator::new(&tree),
            source,
            Family::JavaScript,
            &facts.bindings,
        )
        .unwrap();
        assert_eq!(d.text, "it's".to_string() + "tab\t😀A");
        assert!(d.dynamic);
    }

    #[test]
    fn non_strings_are_not_decoded() {
        let source = "x = load_description()\n";
        let tree = parse(source, Language::Python);
        let facts = FileFacts::extract(source, &tree, Language::Python);
        let call = tree.root_node().descendant_for_byte_range(4, 22).unwrap();
        assert_eq!(
            decode(
                call,
                &Locator::new(&tree),
                source,
                Family::Python,
                &facts.bindings
            ),
            None
        );
    }
}
