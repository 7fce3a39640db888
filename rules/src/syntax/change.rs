//! How a text changed between two versions, and what stays where: the common ends of two texts,
//! the lines that differ, where a range of the old text is in the new one, and the occurrences of
//! literals found again on the changed lines only. Text alone: every stage that keeps results
//! between versions moves them with these.

/// The lines that differ between two texts: byte ranges in each, from the start of the first
/// line with a difference to the end of the last (before its line break). Outside them the texts
/// are the same lines, and after them at the same distance from the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChangedLines {
    pub old: std::ops::Range<usize>,
    pub new: std::ops::Range<usize>,
}

impl ChangedLines {
    /// Places in the old text (in order of their starts, none spanning lines: `start` gives a
    /// place's start): those before the changed lines, which stay where they are, and those after
    /// them, to be moved ([`ChangedLines::moved`]). The places within them are found again.
    pub(crate) fn around<'p, P>(
        &self,
        old: &'p [P],
        start: impl Fn(&P) -> usize,
    ) -> (&'p [P], &'p [P]) {
        let before = old.partition_point(|p| start(p) < self.new.start);
        let after = old.partition_point(|p| start(p) < self.old.end).max(before);
        (&old[..before], &old[after..])
    }

    /// An offset of the old text after the changed lines, in the new text.
    pub(crate) fn moved(&self, at: usize) -> usize {
        at + self.new.end - self.old.end
    }
}

/// How a text changed into the next version: its first `prefix` and last `suffix` bytes stayed
/// (see [`common_ends`]); what lies between was replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TextMove {
    pub prefix: usize,
    pub suffix: usize,
    pub old_len: usize,
    pub new_len: usize,
}

impl TextMove {
    /// Where a range of the old text is in the new one: the same bytes when it lies in the kept
    /// start, moved when in the kept end, and stretched when it spans the replaced bytes (its
    /// text then changed, as when it ends where the replaced bytes end). `None` when an end
    /// falls strictly among the replaced bytes. A range starting where text was inserted is the
    /// text after it; one ending there, the text before it.
    pub fn range(&self, range: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
        let kept_end = self.old_len.checked_sub(self.suffix)?;
        let moved = |at: usize| (at + self.new_len).checked_sub(self.old_len);
        let start = if range.start >= kept_end {
            moved(range.start)?
        } else if range.start <= self.prefix {
            range.start
        } else {
            return None;
        };
        let end = if range.end <= self.prefix {
            range.end
        } else if range.end >= kept_end {
            moved(range.end)?
        } else {
            return None;
        };
        (start <= end).then_some(start..end)
    }

    /// Whether a range of the old text lies in the kept start or the kept end (its text is
    /// the same in the new version).
    pub fn keeps(&self, range: &std::ops::Range<usize>) -> bool {
        range.end <= self.prefix || range.start >= self.old_len.saturating_sub(self.suffix)
    }
}

/// The lengths of the longest common prefix of two texts, and of the longest common suffix of
/// what follows it, in bytes.
pub(crate) fn common_ends(a: &[u8], b: &[u8]) -> (usize, usize) {
    let prefix = common_prefix(a, b);
    (prefix, common_suffix(&a[prefix..], &b[prefix..]))
}

/// The blocks two texts are compared in, each one `memcmp`: large ones first, then the first
/// that differs in small ones, then byte by byte (on a 190 kB file, comparing 64-byte chunks
/// alone took a twentieth of a keystroke's analysis).
const BLOCKS: [usize; 2] = [4096, 64];

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut same = 0;
    for block in BLOCKS {
        while same + block <= n && a[same..same + block] == b[same..same + block] {
            same += block;
        }
    }
    same + a[same..n]
        .iter()
        .zip(&b[same..n])
        .take_while(|(x, y)| x == y)
        .count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut same = 0;
    for block in BLOCKS {
        while same + block <= n && a[n - same - block..n - same] == b[n - same - block..n - same] {
            same += block;
        }
    }
    same + a[..n - same]
        .iter()
        .rev()
        .zip(b[..n - same].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The [`ChangedLines`] of two texts. `ends` are their [`common_ends`] if known already (an
/// analysis compares the two versions once for all its stages).
pub(crate) fn changed_lines_at(old: &str, new: &str, ends: Option<(usize, usize)>) -> ChangedLines {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let (prefix, suffix) = ends.unwrap_or_else(|| common_ends(a, b));
    let line_start = |text: &[u8], at: usize| {
        text[..at]
            .iter()
            .rposition(|&c| c == b'\n' || c == b'\r')
            .map_or(0, |i| i + 1)
    };
    let line_end = |text: &[u8], at: usize| {
        text[at..]
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(text.len(), |i| at + i)
    };
    let start = line_start(b, prefix);
    ChangedLines {
        old: start..line_end(a, a.len() - suffix),
        new: start..line_end(b, b.len() - suffix),
    }
}

/// Every place `literal` occurs in `bytes`, overlapping occurrences too, in order.
pub(crate) fn occurrences(literal: &[u8], bytes: &[u8]) -> Vec<usize> {
    let mut at = Vec::new();
    if literal.is_empty() {
        return at;
    }
    let finder = memchr::memmem::Finder::new(literal);
    let mut from = 0;
    while let Some(i) = finder.find(&bytes[from..]) {
        at.push(from + i);
        from += i + 1;
    }
    at
}

/// [`occurrences`] of each of `literals` in `text`, given those of a `previous` text: only the
/// lines that differ are searched again. No literal holds a line break (otherwise the whole text
/// is searched), so no occurrence spans lines and those of the other lines stay, moved by the
/// change's length after it. The same as searching the whole text.
pub(crate) fn occurrences_since(
    literals: &[&[u8]],
    text: &str,
    previous: Option<(&str, &[Vec<usize>])>,
    ends: Option<(usize, usize)>,
) -> Vec<Vec<usize>> {
    let whole = || {
        literals
            .iter()
            .map(|literal| occurrences(literal, text.as_bytes()))
            .collect()
    };
    let Some((old, old_at)) = previous else {
        return whole();
    };
    if old_at.len() != literals.len()
        || literals
            .iter()
            .any(|l| l.contains(&b'\n') || l.contains(&b'\r'))
    {
        return whole();
    }
    let lines = changed_lines_at(old, text, ends);
    let region = &text.as_bytes()[lines.new.clone()];
    literals
        .iter()
        .zip(old_at)
        .map(|(literal, old_at)| {
            let (before, after) = lines.around(old_at, |&at| at);
            let mut at: Vec<usize> = before.to_vec();
            at.extend(
                occurrences(literal, region)
                    .into_iter()
                    .map(|i| i + lines.new.start),
            );
            at.extend(after.iter().map(|&i| lines.moved(i)));
            at
        })
        .collect()
}

/// `old` with `cut` characters from character `at` replaced by `insert` (both clamped to the
/// text): an edit at character boundaries, for property tests of what survives one.
#[cfg(test)]
pub(crate) fn edited(old: &str, insert: &str, at: usize, cut: usize) -> String {
    let chars: Vec<char> = old.chars().collect();
    let at = at.min(chars.len());
    let end = (at + cut).min(chars.len());
    chars[..at]
        .iter()
        .copied()
        .chain(insert.chars())
        .chain(chars[end..].iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[u8], b: &[u8]) -> (usize, usize) {
        let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let suffix = a[prefix..]
            .iter()
            .rev()
            .zip(b[prefix..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        (prefix, suffix)
    }

    proptest::proptest! {
        /// Occurrences found again only in the changed lines are those of a whole search.
        #[test]
        fn occurrences_of_changed_lines_match_a_whole_search(
            pieces in proptest::collection::vec(
                proptest::sample::select(&["environ", "os.", "process", ".env", "\n", "\r\n", "x", " ", "get", "env", "é", "pro"][..]),
                0..40,
            ),
            edits in proptest::collection::vec(
                (0usize..400, 0usize..12, proptest::sample::select(&["env", "\n", "iron", "", "process.env.X", "get", "\r", "ss"][..])),
                1..8,
            ),
        ) {
            let literals: [&[u8]; 4] = [b"environ", b"getenv", b"process", b"ss"];
            let mut text: String = pieces.concat();
            let mut at = occurrences_since(&literals, &text, None, None);
            for (start, cut, insert) in edits {
                let next = edited(&text, insert, start, cut);
                let since = occurrences_since(&literals, &next, Some((&text, &at)), None);
                proptest::prop_assert_eq!(&since, &occurrences_since(&literals, &next, None, None), "{:?} -> {:?}", text, next);
                text = next;
                at = since;
            }
        }
    }

    /// A range of the old text moved: the same text in the new one when it lies outside the
    /// change; stretched when it spans it; nothing when an end is inside what was replaced.
    #[test]
    fn text_moves_map_ranges_around_the_change() {
        let moved = |old: &str, new: &str, range: std::ops::Range<usize>| {
            let (prefix, suffix) = common_ends(old.as_bytes(), new.as_bytes());
            let change = TextMove {
                prefix,
                suffix,
                old_len: old.len(),
                new_len: new.len(),
            };
            let mapped = change.range(&range);
            if change.keeps(&range) {
                let kept = mapped.clone().expect("kept ranges move");
                assert_eq!(&old[range.clone()], &new[kept], "{range:?}");
            }
            mapped
        };
        let old = "f(a)\ng(b)\n";
        // Insertion between the statements: before stays, after moves.
        let new = "f(a)\n# c\ng(b)\n";
        assert_eq!(moved(old, new, 0..4), Some(0..4));
        assert_eq!(moved(old, new, 5..9), Some(9..13));
        // A range spanning the insertion stretches over it.
        assert_eq!(moved(old, new, 0..9), Some(0..13));
        // Insertion inside a call: the call stretches, its callee stays.
        let new = "f(a, x)\ng(b)\n";
        assert_eq!(moved(old, new, 0..4), Some(0..7));
        assert_eq!(moved(old, new, 0..1), Some(0..1));
        assert_eq!(moved(old, new, 5..9), Some(8..12));
        // A replacement: a range ending where the replaced bytes end takes the new ones.
        let new = "f(zz)\ng(b)\n";
        assert_eq!(moved(old, new, 0..3), Some(0..4));
        assert_eq!(moved(old, new, 2..3), Some(2..4));
        assert_eq!(moved(old, new, 0..4), Some(0..5));
        // One ending among them (between the two bytes replaced) has no place.
        assert_eq!(moved("f(abc)\n", "f(xc)\n", 0..3), None);
        assert_eq!(moved("f(abc)\n", "f(xc)\n", 3..6), None);
        assert_eq!(moved("f(abc)\n", "f(xc)\n", 0..6), Some(0..5));
        // A deletion: ranges after move back.
        let new = "g(b)\n";
        assert_eq!(moved(old, new, 5..9), Some(0..4));
        assert_eq!(moved(old, new, 0..4), None);
    }

    #[test]
    fn common_ends_agree_with_a_byte_by_byte_comparison() {
        // Past two of the large blocks, with changes at and around both blocks' edges.
        let base: Vec<u8> = (0..9000u32)
            .map(|i| b"abcdefgh\n"[(i % 9) as usize])
            .collect();
        for at in [
            0, 1, 63, 64, 65, 127, 128, 200, 299, 300, 4095, 4096, 4097, 4160, 4900, 8191, 8192,
            8936, 8999, 9000,
        ] {
            for (cut, insert) in [(0, &b"x"[..]), (1, b""), (5, b"yy"), (70, b"z"), (0, b"")] {
                let mut other = base.clone();
                let end = (at + cut).min(other.len());
                other.splice(at.min(base.len())..end, insert.iter().copied());
                assert_eq!(common_ends(&base, &other), naive(&base, &other));
                assert_eq!(common_ends(&other, &base), naive(&other, &base));
                let short = &base[..at.min(base.len())];
                assert_eq!(common_ends(&base, short), naive(&base, short));
            }
        }
    }
}
