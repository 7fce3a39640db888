//! What of a secret any output may show, and the one pass that keeps the rest out of everything
//! agentlint prints: messages, notes, related information, fix titles and texts, hover cards,
//! inventories, generated files.
//!
//! A secret shows at most its provider's public prefix (`sk-proj-`, `AKIA`, a PEM header) and its
//! last four characters, and nothing of a value shorter than [`SHORT`] characters. Text that
//! quotes source code (a command line cut at forty characters, a description, a callee) may hold
//! a piece of a secret rather than all of it: [`Redactor`] removes every run of characters a text
//! shares with a secret ([`window`] characters or more), wherever it comes from.

use std::ops::Range;

use aho_corasick::AhoCorasick;
use rustc_hash::FxHashSet;

/// A value shorter than this shows nothing of itself, not even its last characters.
pub const SHORT: usize = 20;

/// How many characters at the end of a long secret may be shown.
const TAIL: usize = 4;

/// A secret in a text: where it is, and how many of its first bytes are a public prefix that
/// names the provider (`sk-proj-`, `AKIA`, `-----BEGIN RSA PRIVATE KEY-----`), which may be shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SecretSpan {
    pub range: Range<usize>,
    /// Bytes of the public prefix, at the start of `range` (0: none).
    pub public: usize,
}

impl SecretSpan {
    pub fn new(range: Range<usize>, public: usize) -> Self {
        let public = public.min(range.len());
        Self { range, public }
    }
}

/// The shortest run of a secret's characters that gives it away: five characters of a long one,
/// four of one shorter than [`SHORT`].
pub fn window(value: &str) -> usize {
    if value.chars().count() < SHORT { 4 } else { 5 }
}

/// A secret as a message shows it: its public prefix, `…`, and its last four characters
/// (`sk-proj-…x9Qa`); `…` alone for a value shorter than [`SHORT`] characters.
pub fn shown(value: &str, public: usize) -> String {
    let public = floor_boundary(value, public);
    let count = value.chars().count();
    if count < SHORT {
        return "…".to_string();
    }
    let prefix = &value[..public];
    let tail_start = value
        .char_indices()
        .nth(count - TAIL)
        .map_or(value.len(), |(i, _)| i)
        .max(public);
    format!("{prefix}…{}", &value[tail_start..])
}

/// ` (`sk-proj-…x9Qa`)` to follow a mention of a secret in a message, or nothing when
/// [`shown`] would show nothing of it.
pub fn in_parentheses(value: &str, public: usize) -> String {
    let text = shown(value, public);
    if text == "…" {
        String::new()
    } else {
        format!(" (`{text}`)")
    }
}

/// A secret as an excerpt of the source shows it, byte for byte as long (so that positions in the
/// excerpt stay valid): the public prefix and the last four characters kept, every other byte
/// `*`; every byte `*` for a value shorter than [`SHORT`] characters.
pub fn masked(value: &str, public: usize) -> String {
    let public = floor_boundary(value, public);
    let count = value.chars().count();
    if count < SHORT {
        return "*".repeat(value.len());
    }
    let tail_start = value
        .char_indices()
        .nth(count - TAIL)
        .map_or(value.len(), |(i, _)| i)
        .max(public);
    let mut out = String::with_capacity(value.len());
    out.push_str(&value[..public]);
    out.extend(std::iter::repeat_n('*', tail_start - public));
    out.push_str(&value[tail_start..]);
    out
}

/// `at`, or the nearest character boundary of `text` before it.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Removes from texts every run of characters they share with one of a file's secrets.
#[derive(Default)]
pub struct Redactor {
    /// Every run of [`window`] characters of every secret past its public prefix (and not also
    /// in the prefix: a PEM footer shares words with its header), found in a text in one pass.
    runs: Option<AhoCorasick>,
}

impl Redactor {
    /// The redactor of the secrets at `spans` of `source`.
    pub fn new(source: &str, spans: &[SecretSpan]) -> Self {
        let mut runs: FxHashSet<String> = FxHashSet::default();
        for span in spans {
            let Some(value) = source.get(span.range.clone()) else {
                continue;
            };
            let public = floor_boundary(value, span.public);
            let (prefix, rest) = value.split_at(public);
            let chars: Vec<char> = rest.chars().collect();
            runs.extend(
                chars
                    .windows(window(value))
                    .map(|w| w.iter().collect::<String>())
                    .filter(|run| !prefix.contains(run.as_str()))
                    // Runs of layout alone (a PEM body's line breaks and indentation) give
                    // nothing away.
                    .filter(|run| run.chars().any(|c| !c.is_whitespace())),
            );
        }
        let runs = (!runs.is_empty())
            .then(|| AhoCorasick::new(runs))
            .and_then(Result::ok);
        Self { runs }
    }

    /// Whether there is nothing to redact.
    pub fn is_empty(&self) -> bool {
        self.runs.is_none()
    }

    /// Whether `text` holds a run of a secret.
    pub fn finds(&self, text: &str) -> bool {
        self.runs.as_ref().is_some_and(|runs| runs.is_match(text))
    }

    /// `text` with every run it shares with a secret replaced by `…` (one `…` for adjacent runs).
    pub fn redact(&self, text: &str) -> String {
        let covered = self.covered(text);
        if covered.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for range in covered {
            out.push_str(&text[last..range.start]);
            // One `…` for a run cut short by an excerpt's own `…`.
            if !out.ends_with('…') && !text[range.end..].starts_with('…') {
                out.push('…');
            }
            last = range.end;
        }
        out.push_str(&text[last..]);
        out
    }

    /// Redacts `text` in place; whether it changed.
    pub fn redact_in_place(&self, text: &mut String) -> bool {
        if !self.finds(text) {
            return false;
        }
        *text = self.redact(text);
        true
    }

    /// The byte ranges of `text` that runs of secrets cover, merged, in order.
    fn covered(&self, text: &str) -> Vec<Range<usize>> {
        let Some(runs) = &self.runs else {
            return Vec::new();
        };
        let mut merged: Vec<Range<usize>> = Vec::new();
        // Matches come in order of their ends; overlapping ones are all reported.
        let mut ranges: Vec<Range<usize>> = runs
            .find_overlapping_iter(text)
            .map(|m| m.start()..m.end())
            .collect();
        ranges.sort_by_key(|r| r.start);
        for range in ranges {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_shows_its_public_prefix_and_four_last_characters_at_most() {
        let key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";
        assert_eq!(shown(key, 8), "sk-proj-…0123");
        assert_eq!(shown(key, 0), "…0123");
        assert_eq!(shown("2nlLq8rIxt0pZk3mWv", 0), "…");
        let masked_key = masked(key, 8);
        assert_eq!(masked_key.len(), key.len());
        assert!(masked_key.starts_with("sk-proj-****"));
        assert!(masked_key.ends_with("*0123"));
        assert_eq!(masked("2nlLq8rIxt0pZk3m", 0), "****************");
        // Multi-byte characters: the mask keeps the byte length.
        let wide = "é".repeat(25);
        assert_eq!(masked(&wide, 0).len(), wide.len());
    }

    #[test]
    fn any_run_of_a_secret_is_removed_from_a_text() {
        let source = "key = 'sk-proj-Zq7vN2wRtY8pLm3kQ9xB4cD'\npassword = 'Tr0ub4dor3xQ'\n";
        let key = source.find("sk-proj").unwrap();
        let password = source.find("Tr0ub").unwrap();
        let redactor = Redactor::new(
            source,
            &[
                SecretSpan::new(key..key + 31, 8),
                SecretSpan::new(password..password + 12, 0),
            ],
        );
        // Whole, cut short by an excerpt, or in pieces.
        assert_eq!(
            redactor.redact("runs `curl -H sk-proj-Zq7vN2wRtY8pLm3kQ9xB4cD`"),
            "runs `curl -H sk-proj-…`"
        );
        assert_eq!(
            redactor.redact("`f\"x sk-proj-Zq7vN2wR…`"),
            "`f\"x sk-proj-…`"
        );
        assert_eq!(redactor.redact("user:Tr0u@host"), "user:…@host");
        // What a message is allowed to show stays.
        assert_eq!(redactor.redact("(`sk-proj-…4cD`)"), "(`sk-proj-…4cD`)");
        assert_eq!(redactor.redact("no secret here"), "no secret here");
        assert!(redactor.finds("QRtY8pL"));
        assert!(!redactor.finds("sk-proj-"));
    }

    #[test]
    fn a_pem_footer_does_not_hide_its_header() {
        let pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4ZzM2\n-----END EC PRIVATE KEY-----";
        let redactor = Redactor::new(pem, &[SecretSpan::new(0..pem.len(), 30)]);
        assert_eq!(
            redactor.redact("A private key (`-----BEGIN EC PRIVATE KEY-----`)"),
            "A private key (`-----BEGIN EC PRIVATE KEY-----`)"
        );
        assert_eq!(redactor.redact("x MHcCAQ"), "x …");
    }
}
