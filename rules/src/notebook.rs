//! A Jupyter notebook's code: its code cells as one Python text, analysed as a file of its own,
//! its findings placed back where the cells' lines are in the notebook's JSON.
//!
//! The notebook is read with a small JSON scanner that keeps where every string is in the file
//! (a JSON library gives the values but not their places), and each cell line is decoded with,
//! for every byte of it, the place of the character it came from (`\"`, `\n`, `\u00e9`).

use std::ops::Range;

/// How deep the scanner follows nested arrays and objects: a notebook's cells are at depth 3,
/// their outputs a little deeper; anything deeper is not a notebook this scanner reads.
const MAX_DEPTH: usize = 64;

/// The code cells, one Python text, and where each of its bytes came from.
pub(crate) struct Cells {
    pub text: String,
    /// For each byte of `text`: the range of the notebook's bytes it was decoded from (the
    /// line breaks added after a cell point at the end of its last line). Offsets fit in `u32`:
    /// files over [`crate::syntax::MAX_FILE_BYTES`] are not read.
    places: Vec<(u32, u32)>,
}

impl Cells {
    /// The notebook's range for a range of `text`.
    pub fn place(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.places.get(range.start).map(|p| p.0 as usize);
        let end = (range.end > range.start)
            .then(|| self.places.get(range.end - 1))
            .flatten()
            .map(|p| p.1 as usize);
        match (start, end) {
            (Some(start), Some(end)) if start <= end => start..end,
            (Some(start), _) => start..start,
            _ => {
                let end = self.places.last().map_or(0, |p| p.1 as usize);
                end..end
            }
        }
    }
}

/// The notebook's code cells (`"cell_type": "code"`), cell magics (`%%bash`) left out and line
/// magics and shell escapes (`%pip install`, `!ls`) turned into comments; `None` when the text
/// is not a notebook this scanner reads, or has no code.
pub(crate) fn code_cells(notebook: &str) -> Option<Cells> {
    let offset = |at: usize| u32::try_from(at).ok();
    offset(notebook.len())?;
    let mut scanner = Scanner {
        text: notebook,
        at: 0,
    };
    let top = scanner.value(0)?;
    let cells = match top.field("cells")? {
        Value::Array(cells) => cells,
        _ => return None,
    };
    let mut bytes: Vec<u8> = Vec::new();
    let mut places: Vec<(u32, u32)> = Vec::new();
    for cell in cells {
        let is_code = matches!(cell.field("cell_type"), Some(Value::String(raw)) if decode(notebook, raw).0 == "code");
        if !is_code {
            continue;
        }
        let lines: Vec<&Range<usize>> = match cell.field("source") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::String(raw) => Some(raw),
                    _ => None,
                })
                .collect(),
            Some(Value::String(raw)) => vec![raw],
            _ => continue,
        };
        let decoded: Vec<(String, Vec<Range<usize>>)> =
            lines.into_iter().map(|raw| decode(notebook, raw)).collect();
        // A cell magic makes the whole cell another language's (`%%bash`, `%%writefile`).
        let first = decoded
            .iter()
            .map(|(text, _)| text.as_str())
            .find(|t| !t.trim().is_empty());
        if first.is_some_and(|t| t.trim_start().starts_with("%%")) {
            continue;
        }
        let mut line_start = true;
        let mut last = (0, 0);
        for (text, from) in decoded {
            for (byte, place) in text.bytes().zip(from) {
                let byte = if line_start && (byte == b'%' || byte == b'!') {
                    b'#'
                } else {
                    byte
                };
                if byte == b'\n' {
                    line_start = true;
                } else if byte != b' ' && byte != b'\t' {
                    line_start = false;
                }
                bytes.push(byte);
                last = (offset(place.start)?, offset(place.end)?);
                places.push(last);
            }
        }
        // Each cell ends its last line, and a blank line separates it from the next.
        for _ in 0..2 {
            bytes.push(b'\n');
            places.push((last.1, last.1));
        }
    }
    // Only ASCII bytes were changed (to `#`), so the text is as valid as the decoded lines.
    let text = String::from_utf8(bytes).ok()?;
    (!text.trim().is_empty()).then_some(Cells { text, places })
}

/// A JSON value, as far as a notebook's structure needs: strings by their raw range (inside the
/// quotes), objects' keys decoded.
enum Value {
    Object(Vec<(String, Value)>),
    Array(Vec<Value>),
    String(Range<usize>),
    Other,
}

impl Value {
    fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && matches!(bytes[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'{' => {
                self.at += 1;
                let mut fields = Vec::new();
                self.skip_space();
                if self.peek()? == b'}' {
                    self.at += 1;
                    return Some(Value::Object(fields));
                }
                loop {
                    self.skip_space();
                    let key = self.string()?;
                    self.skip_space();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.at += 1;
                    let value = self.value(depth + 1)?;
                    fields.push((decode(self.text, &key).0, value));
                    self.skip_space();
                    match self.peek()? {
                        b',' => self.at += 1,
                        b'}' => {
                            self.at += 1;
                            return Some(Value::Object(fields));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek()? == b']' {
                    self.at += 1;
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_space();
                    match self.peek()? {
                        b',' => self.at += 1,
                        b']' => {
                            self.at += 1;
                            return Some(Value::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Value::String),
            _ => {
                // A number, `true`, `false` or `null`: up to the next delimiter.
                let bytes = self.text.as_bytes();
                let start = self.at;
                while self.at < bytes.len()
                    && !matches!(
                        bytes[self.at],
                        b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    self.at += 1;
                }
                (self.at > start).then_some(Value::Other)
            }
        }
    }

    /// A string at `at` (its opening quote): the range of its content.
    fn string(&mut self) -> Option<Range<usize>> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at + 1;
        let mut i = start;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    self.at = i + 1;
                    return Some(start..i);
                }
                _ => i += 1,
            }
        }
        None
    }
}

/// A JSON string's content decoded, with for each byte of it the range of the raw character
/// (or escape) it came from.
fn decode(notebook: &str, raw: &Range<usize>) -> (String, Vec<Range<usize>>) {
    let Some(content) = notebook.get(raw.clone()) else {
        return (String::new(), Vec::new());
    };
    let mut out = String::with_capacity(content.len());
    let mut places = Vec::with_capacity(content.len());
    let mut push = |out: &mut String, c: char, place: Range<usize>| {
        out.push(c);
        for _ in 0..c.len_utf8() {
            places.push(place.clone());
        }
    };
    let mut chars = content.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = raw.start + i;
        if c != '\\' {
            push(&mut out, c, at..at + c.len_utf8());
            continue;
        }
        let Some((_, escape)) = chars.next() else {
            break;
        };
        let decoded = match escape {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'u' => {
                let hex = |chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
                    let digits: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    u32::from_str_radix(&digits, 16).ok()
                };
                let Some(first) = hex(&mut chars) else {
                    break;
                };
                let code = if (0xD800..0xDC00).contains(&first)
                    && content.get(i + 6..i + 8) == Some("\\u")
                {
                    chars.next();
                    chars.next();
                    let second = hex(&mut chars).unwrap_or(0);
                    0x10000 + ((first - 0xD800) << 10) + second.wrapping_sub(0xDC00)
                } else {
                    first
                };
                let end = chars.peek().map_or(raw.end, |(j, _)| raw.start + j);
                push(
                    &mut out,
                    char::from_u32(code).unwrap_or('\u{FFFD}'),
                    at..end,
                );
                continue;
            }
            other => other, // `\"`, `\\`, `\/`
        };
        let end = chars.peek().map_or(raw.end, |(j, _)| raw.start + j);
        push(&mut out, decoded, at..end);
    }
    (out, places)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_cells_are_decoded_and_placed() {
        let notebook = r##"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n"]},
  {"cell_type": "code", "metadata": {}, "outputs": [], "source": [
    "%pip install openai\n",
    "x = \"caf\u00e9\"\n",
    "eval(x)"
  ]},
  {"cell_type": "code", "metadata": {}, "outputs": [], "source": "%%bash\nls\n"},
  {"cell_type": "code", "metadata": {}, "outputs": [{"data": {"text/plain": ["1"]}}], "source": ["y = 2\n"]}
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}"##;
        let cells = code_cells(notebook).unwrap();
        assert_eq!(
            cells.text,
            "#pip install openai\nx = \"café\"\neval(x)\n\ny = 2\n\n\n"
        );
        let eval = cells.text.find("eval(x)").unwrap();
        let placed = cells.place(&(eval..eval + 7));
        assert_eq!(&notebook[placed], "eval(x)");
        let quoted = cells.text.find("\"café\"").unwrap();
        let placed = cells.place(&(quoted..quoted + "\"café\"".len()));
        assert_eq!(&notebook[placed], "\\\"caf\\u00e9\\\"");
    }

    #[test]
    fn what_is_not_a_notebook_gives_nothing() {
        for text in [
            "",
            "{",
            "[]",
            "{\"cells\": 3}",
            "{\"cells\": [",
            &"[".repeat(10_000),
        ] {
            assert!(code_cells(text).is_none(), "{text:.20}");
        }
    }
}
