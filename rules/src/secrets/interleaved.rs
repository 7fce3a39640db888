//! The keywords' automaton run over a long text in two streams at once.
//!
//! A notebook's secret scan walks tens of megabytes of outputs through one automaton of ~80
//! keywords and name words, byte by byte. Each byte's step waits for the last one's (the next
//! state is a load indexed by the current state), so one stream runs at the memory's latency,
//! not its speed: 1.7 ns a byte, a sixth of the command line's time on notebooks. Two streams
//! stepped together, one over each half of the text, overlap those waits: twice as fast.
//!
//! The halves are split just after a line break. No keyword contains one, so the automaton's
//! state after a line break is its start state (the longest end of the text read that begins a
//! keyword is empty), and the second half's stream, started there, finds what one stream over the
//! whole text finds: the same matches, in the same order.

use std::ops::Range;

use aho_corasick::Anchored;
use aho_corasick::automaton::Automaton as _;
use aho_corasick::dfa::DFA;

/// An overlapping search for ASCII case-insensitive keywords without line breaks.
#[derive(Clone, Debug)]
pub(crate) struct Interleaved {
    /// The byte classes (bytes no keyword tells apart share one).
    classes: [u8; 256],
    /// The next state by state and class: at `state + class`, where states are numbered by
    /// multiples of the class count, the next state's number times two, plus one if it matches.
    table: Vec<u16>,
    /// Each state's matches (keyword index, length), in the order the `aho_corasick` overlapping
    /// search reports them; by state number / class count.
    matches: Vec<Vec<(usize, usize)>>,
    stride: usize,
}

impl Interleaved {
    /// The automaton of `keywords` (matched ASCII case-insensitively), or `None` if one contains a
    /// line break or is empty, or the automaton is too large for the table's 16-bit states.
    pub(crate) fn new<I, P>(keywords: I) -> Option<Interleaved>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let keywords: Vec<P> = keywords.into_iter().collect();
        if keywords
            .iter()
            .any(|k| k.as_ref().is_empty() || k.as_ref().contains(&b'\n'))
        {
            return None;
        }
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .build(&keywords)
            .ok()?;
        // The states reachable from the start, numbered in the order they are first reached.
        let start = dfa.start_state(Anchored::No).ok()?;
        let mut states = vec![start];
        let mut number = std::collections::HashMap::from([(start, 0usize)]);
        let mut next = 0;
        while next < states.len() {
            let state = states[next];
            for byte in 0..=255u8 {
                let to = dfa.next_state(Anchored::No, state, byte);
                number.entry(to).or_insert_with(|| {
                    states.push(to);
                    states.len() - 1
                });
            }
            next += 1;
        }
        // Bytes whose transitions are the same from every state share a class.
        let mut classes = [0u8; 256];
        let mut columns: Vec<Vec<usize>> = Vec::new();
        for byte in 0..=255u8 {
            let column: Vec<usize> = states
                .iter()
                .map(|&s| number[&dfa.next_state(Anchored::No, s, byte)])
                .collect();
            let class = match columns.iter().position(|c| *c == column) {
                Some(class) => class,
                None => {
                    columns.push(column);
                    columns.len() - 1
                }
            };
            classes[byte as usize] = u8::try_from(class).ok()?;
        }
        let stride = columns.len();
        if (states.len() * stride * 2) > usize::from(u16::MAX) {
            return None;
        }
        let matches: Vec<Vec<(usize, usize)>> = states
            .iter()
            .map(|&s| {
                if !dfa.is_match(s) {
                    return Vec::new();
                }
                (0..dfa.match_len(s))
                    .map(|i| {
                        let pattern = dfa.match_pattern(s, i);
                        (pattern.as_usize(), dfa.pattern_len(pattern))
                    })
                    .collect()
            })
            .collect();
        let mut table = vec![0u16; states.len() * stride];
        for state in 0..states.len() {
            for (class, column) in columns.iter().enumerate() {
                let to = column[state];
                let entry = (to * stride) << 1 | usize::from(!matches[to].is_empty());
                table[state * stride + class] = u16::try_from(entry).ok()?;
            }
        }
        Some(Interleaved {
            classes,
            table,
            matches,
            stride,
        })
    }

    /// Every keyword's every occurrence in `text`, overlaps included: (range, keyword index), in
    /// the order of their ends, as `AhoCorasick::find_overlapping_iter` gives them.
    pub(crate) fn overlapping(&self, text: &[u8]) -> Vec<(Range<usize>, usize)> {
        let middle = text.len() / 2;
        let cut = text[middle..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| middle + i + 1);
        let (first, second) = text.split_at(cut);
        let mut found = (Vec::new(), Vec::new());
        let mut states = (0usize, 0usize);
        let both = first.len().min(second.len());
        for (i, (&a, &b)) in first.iter().zip(second).enumerate() {
            let to_a = self.table[states.0 + usize::from(self.classes[usize::from(a)])];
            let to_b = self.table[states.1 + usize::from(self.classes[usize::from(b)])];
            states = (usize::from(to_a >> 1), usize::from(to_b >> 1));
            if (to_a | to_b) & 1 != 0 {
                self.report(to_a, i + 1, &mut found.0);
                self.report(to_b, cut + i + 1, &mut found.1);
            }
        }
        // The longer half's rest.
        let (rest, offset, state, out) = if first.len() > both {
            (&first[both..], both, states.0, &mut found.0)
        } else {
            (&second[both..], cut + both, states.1, &mut found.1)
        };
        let mut state = state;
        for (i, &byte) in rest.iter().enumerate() {
            let to = self.table[state + usize::from(self.classes[usize::from(byte)])];
            state = usize::from(to >> 1);
            if to & 1 != 0 {
                self.report(to, offset + i + 1, out);
            }
        }
        let (mut first, second) = found;
        first.extend(second);
        first
    }

    /// The matches of the state an entry leads to, ending at `end`.
    fn report(&self, entry: u16, end: usize, out: &mut Vec<(Range<usize>, usize)>) {
        if entry & 1 == 0 {
            return;
        }
        let state = usize::from(entry >> 1) / self.stride;
        out.extend(
            self.matches[state]
                .iter()
                .map(|&(pattern, len)| (end - len..end, pattern)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::AhoCorasick;
    use proptest::prelude::*;

    fn reference(keywords: &[&str], text: &[u8]) -> Vec<(Range<usize>, usize)> {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(keywords)
            .expect("valid keywords")
            .find_overlapping_iter(text)
            .map(|m| (m.range(), m.pattern().as_usize()))
            .collect()
    }

    const KEYWORDS: &[&str] = &[
        "sk-",
        "sk-ant-",
        "key",
        "apikey",
        "token",
        "hf_",
        "PRIVATE KEY",
        "://",
        "eyJ",
        "ark",
        "pat",
        "a",
        "aa",
    ];

    #[test]
    fn finds_what_one_stream_finds() {
        let automaton = Interleaved::new(KEYWORDS).expect("small automaton");
        for text in [
            "",
            "\n",
            "a",
            "sk-ant-API KEY apikey\nTOKEN: eyJ\n",
            "no line break at all: sk-ant- and a key",
            "\n\n\nkey",
            "key\n",
            "xx\nsk-ant-\nyy",
            "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n",
            "aaaa\naaaa\naaaa",
            "é key ü\nsk-ƒ",
        ] {
            assert_eq!(
                automaton.overlapping(text.as_bytes()),
                reference(KEYWORDS, text.as_bytes()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn refuses_keywords_with_line_breaks_and_empty_ones() {
        assert!(Interleaved::new(["key", "a\nb"]).is_none());
        assert!(Interleaved::new(["key", ""]).is_none());
        // A line break alone in a keyword would make the split unsound.
        assert!(Interleaved::new(["\n"]).is_none());
        // A carriage return is not where the text is split: allowed.
        assert!(Interleaved::new(["a\rb"]).is_some());
    }

    proptest! {
        /// Texts made of keywords, their pieces, line breaks and other bytes: the same matches,
        /// in the same order, as `aho_corasick`'s overlapping search.
        #[test]
        fn is_aho_corasick_overlapping_search(picks in proptest::collection::vec(0usize..40, 0..120)) {
            let mut pieces: Vec<&str> = KEYWORDS.to_vec();
            pieces.extend(["\n", "\r\n", " ", "k", "ke", "sk", "sk-a", "A", "é", "x", "\n\n", "PRIVATE", "Key"]);
            let text: String = picks.iter().map(|&i| pieces[i % pieces.len()]).collect();
            let automaton = Interleaved::new(KEYWORDS).expect("small automaton");
            prop_assert_eq!(automaton.overlapping(text.as_bytes()), reference(KEYWORDS, text.as_bytes()));
        }
    }
}
