//! The one place where byte offsets become line/column positions and back.
//!
//! Everything inside agentlint works on UTF-8 byte offsets. Editors speak in lines and columns
//! counted in a negotiated *position encoding* (LSP: UTF-8, UTF-16 or UTF-32 code units), the CLI
//! reports 1-based columns in Unicode characters, and SARIF counts UTF-16 code units. A line ends at
//! `\n`, `\r\n` or `\r`, as the LSP specification says.

use ropey::Rope;

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
    /// Unicode scalar values ("characters").
    Utf32,
}

impl PositionEncoding {
    /// Width of `c` in this encoding.
    pub fn width(self, c: char) -> usize {
        match self {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }

    /// Width of `s` in this encoding.
    pub fn len(self, s: &str) -> usize {
        match self {
            PositionEncoding::Utf8 => s.len(),
            PositionEncoding::Utf16 => s.chars().map(char::len_utf16).sum(),
            PositionEncoding::Utf32 => s.chars().count(),
        }
    }
}

/// A zero-based line and column, the column counted in some [`PositionEncoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }
}

/// Line starts of a text, for converting offsets to positions and back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the first byte of every line; always starts with 0.
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(bytes.len() / 32 + 1);
        line_starts.push(0);
        if memchr::memchr(b'\r', bytes).is_none() {
            // The common case, with SIMD: only `\n` ends lines.
            line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        } else {
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'\n' => line_starts.push(i + 1),
                    b'\r' => {
                        if bytes.get(i + 1) == Some(&b'\n') {
                            i += 1;
                        }
                        line_starts.push(i + 1);
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        Self {
            line_starts,
            len: bytes.len(),
        }
    }

    /// The index of `new`, given this index of an old text and the lengths of the longest common
    /// prefix of the two texts and of the longest common suffix of what follows it: the line
    /// starts before the change are kept, those after it moved, only those in it found again.
    /// The same as [`LineIndex::new`] of `new`.
    pub fn patched(&self, new: &str, prefix: usize, suffix: usize) -> Self {
        let bytes = new.as_bytes();
        let (old_len, new_len) = (self.len, bytes.len());
        if prefix + suffix > old_len.min(new_len) {
            return Self::new(new);
        }
        // Whether a line starts at `at` depends on the bytes before and at it (`\r\n` is one
        // break): the starts whose two bytes are both in the common prefix, or both in the common
        // suffix, are those of the old text.
        let before = self.line_starts.partition_point(|&s| s < prefix.max(1));
        let mut line_starts = Vec::with_capacity(self.line_starts.len() + 16);
        line_starts.extend_from_slice(&self.line_starts[..before]);
        let starts_line = |at: usize| match bytes[at - 1] {
            b'\n' => true,
            b'\r' => bytes.get(at) != Some(&b'\n'),
            _ => false,
        };
        line_starts.extend((prefix.max(1)..=new_len - suffix).filter(|&at| starts_line(at)));
        let after = self
            .line_starts
            .partition_point(|&s| s < old_len - suffix + 1);
        line_starts.extend(
            self.line_starts[after..]
                .iter()
                .map(|&s| s - (old_len - suffix) + (new_len - suffix)),
        );
        Self {
            line_starts,
            len: new_len,
        }
    }

    /// The length of the indexed text, in bytes.
    pub fn text_len(&self) -> usize {
        self.len
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Zero-based line containing `offset` (offsets past the end belong to the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where `line` starts, if the line exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// Byte range of `line` without its terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Option<std::ops::Range<usize>> {
        let start = self.line_start(line)?;
        let next = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        let content = &text.as_bytes()[start..next];
        let mut end = next;
        if content.ends_with(b"\r\n") {
            end -= 2;
        } else if content.ends_with(b"\n") || content.ends_with(b"\r") {
            end -= 1;
        }
        Some(start..end)
    }

    /// Position of a byte offset, the column counted in `encoding`. An offset inside a multi-byte
    /// character is rounded down to the character's start; one past the end is clamped.
    pub fn position(&self, text: &str, offset: usize, encoding: PositionEncoding) -> Position {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        let start = self.line_starts[line];
        let column = encoding.len(&text[start..offset]);
        Position::new(to_u32(line), to_u32(column))
    }

    /// Byte offset of a position. A column past the end of the line is clamped to the line's end
    /// (as the LSP specification requires); a column inside a character is rounded down. Returns
    /// `None` when the line does not exist.
    pub fn offset(
        &self,
        text: &str,
        position: Position,
        encoding: PositionEncoding,
    ) -> Option<usize> {
        let range = self.line_range(text, position.line as usize)?;
        Some(
            column_to_offset(&text[range.clone()], position.column as usize, encoding)
                + range.start,
        )
    }
}

/// Byte offset within `line` of a column counted in `encoding`, clamped to the line's end.
fn column_to_offset(line: &str, column: usize, encoding: PositionEncoding) -> usize {
    if encoding == PositionEncoding::Utf8 {
        return floor_char_boundary(line, column.min(line.len()));
    }
    let mut units = 0;
    for (offset, c) in line.char_indices() {
        let next = units + encoding.width(c);
        if next > column {
            return offset;
        }
        units = next;
    }
    line.len()
}

/// The largest char boundary `<= offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What happened when a position was converted against a rope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RopeOffset {
    /// Char index in the rope.
    pub char_idx: usize,
    /// The position was outside the document (a line past the end, or a column past the line's
    /// end) and was clamped.
    pub clamped: bool,
}

/// Char index in `rope` of `position`, clamped into the document: a line past the end means the
/// end of the document, a column past a line's end means that end, and a column inside a
/// character (half a surrogate pair, a UTF-8 continuation byte) means the character's start.
pub fn rope_offset(rope: &Rope, position: Position, encoding: PositionEncoding) -> RopeOffset {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return RopeOffset {
            char_idx: rope.len_chars(),
            clamped: true,
        };
    }
    let line_slice = rope.line(line);
    let line_start = rope.line_to_char(line);
    // Length of the line without its terminator, in chars.
    let mut content_chars = line_slice.len_chars();
    let mut chars = line_slice.chars_at(content_chars);
    for _ in 0..2 {
        match chars.prev() {
            Some('\n') if content_chars > 0 => content_chars -= 1,
            Some('\r') if content_chars > 0 => {
                content_chars -= 1;
                break;
            }
            _ => break,
        }
    }
    let column = position.column as usize;
    let (char_in_line, clamped) = match encoding {
        PositionEncoding::Utf32 => (column.min(content_chars), column > content_chars),
        PositionEncoding::Utf8 => {
            let content_bytes = line_slice.char_to_byte(content_chars);
            let byte = column.min(content_bytes);
            // `byte_to_char` rounds down to the containing char.
            (line_slice.byte_to_char(byte), column > content_bytes)
        }
        PositionEncoding::Utf16 => {
            let content_units = line_slice.char_to_utf16_cu(content_chars);
            let unit = column.min(content_units);
            // `utf16_cu_to_char` rounds down when inside a surrogate pair.
            (line_slice.utf16_cu_to_char(unit), column > content_units)
        }
    };
    RopeOffset {
        char_idx: line_start + char_in_line,
        clamped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text of line breaks of every kind, letters and a two-byte character.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(prop_oneof!["a", "\n", "\r", "\r\n", "é"], 0..40)
            .prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn a_patched_index_is_the_index_of_the_new_text(
            old in text(),
            insert in text(),
            at in 0usize..200,
            cut in 0usize..8,
        ) {
            let new = crate::syntax::change::edited(&old, &insert, at, cut);
            let (prefix, suffix) = crate::syntax::change::common_ends(old.as_bytes(), new.as_bytes());
            let patched = LineIndex::new(&old).patched(&new, prefix, suffix);
            let fresh = LineIndex::new(&new);
            prop_assert_eq!(&patched.line_starts, &fresh.line_starts);
            prop_assert_eq!(patched.len, fresh.len);
        }
    }

    #[test]
    fn line_index_handles_all_terminators() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_range(text, 1), Some(2..3));
        assert_eq!(index.line_range(text, 2), Some(5..6));
        assert_eq!(index.line_range(text, 3), Some(7..8));
        assert_eq!(index.line_range(text, 4), None);
    }

    #[test]
    fn positions_in_every_encoding() {
        let text = "x = '😀中'\ny";
        let index = LineIndex::new(text);
        let after_emoji = text.find('中').unwrap_or_default();
        assert_eq!(
            index.position(text, after_emoji, PositionEncoding::Utf8),
            Position::new(0, 9)
        );
        assert_eq!(
            index.position(text, after_emoji, PositionEncoding::Utf16),
            Position::new(0, 7)
        );
        assert_eq!(
            index.position(text, after_emoji, PositionEncoding::Utf32),
            Position::new(0, 6)
        );
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let pos = index.position(text, after_emoji, encoding);
            assert_eq!(index.offset(text, pos, encoding), Some(after_emoji));
        }
    }

    #[test]
    fn offsets_clamp_columns_and_reject_missing_lines() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, Position::new(0, 99), PositionEncoding::Utf16),
            Some(2)
        );
        assert_eq!(
            index.offset(text, Position::new(5, 0), PositionEncoding::Utf16),
            None
        );
        // Inside a surrogate pair rounds down.
        let text = "😀b";
        let index = LineIndex::new(text);
        assert_eq!(
            index.offset(text, Position::new(0, 1), PositionEncoding::Utf16),
            Some(0)
        );
    }

    #[test]
    fn rope_offsets_agree_with_line_index() {
        let text = "a😀b\r\n中文\rz\n\nend";
        let rope = Rope::from_str(text);
        let index = LineIndex::new(text);
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            for line in 0..6u32 {
                for column in 0..12u32 {
                    let pos = Position::new(line, column);
                    let from_rope = rope_offset(&rope, pos, encoding);
                    let byte = rope.char_to_byte(from_rope.char_idx);
                    let expected = index.offset(text, pos, encoding).unwrap_or(text.len());
                    assert_eq!(byte, expected, "{pos:?} {encoding:?}");
                }
            }
        }
    }
}
