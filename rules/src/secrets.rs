//! Finding secrets in text: the formats of `rules/data/secrets.toml`, gated by an Aho-Corasick
//! prefilter on their keywords, placeholders set aside, and redaction for every message.

use std::ops::Range;

use aho_corasick::AhoCorasick;
use serde::Deserialize;

mod interleaved;
pub(crate) mod reads;
pub mod redact;

pub use redact::{Redactor, SecretSpan};

/// Which rule reports a format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
pub enum SecretRule {
    /// A provider's key (AL301).
    #[default]
    #[serde(rename = "AL301")]
    ProviderKey,
    /// Private key material (AL303).
    #[serde(rename = "AL303")]
    PrivateKey,
    /// A password in a URL (AL304).
    #[serde(rename = "AL304")]
    UrlPassword,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SecretRecord {
    pub id: String,
    pub provider: String,
    pub pattern: String,
    pub keywords: Vec<String>,
    #[serde(default)]
    pub context: Option<String>,
    pub env: String,
    #[serde(default)]
    pub rule: SecretRule,
    #[serde(default)]
    pub ignore: Option<String>,
    #[serde(default)]
    pub prefix: Option<String>,
    pub fake: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceholderRecord {
    pub pattern: String,
}

/// `[[publishable]]`: a key made to be published (in a web page, a mobile app), which is no
/// secret.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PublishableRecord {
    pub pattern: String,
    /// Whose key, and why it is public (for people reading the table).
    #[allow(dead_code)]
    pub what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KnownExampleRecord {
    pub fnv1a64: Vec<String>,
}

/// `[secret_names]`: when a name says its value is a secret (AL302).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretNames {
    pub last: Vec<String>,
    pub key_after: Vec<String>,
    pub not_with: Vec<String>,
    /// Keys that, all beside a name in one object, say its value is made to be published
    /// (Algolia DocSearch's `appId` and `indexName` beside its search-only `apiKey`).
    pub published_beside: Vec<Vec<String>>,
    /// Words that, all in a name, say its value is made to be published: an analytics
    /// service's project token (`MIXPANEL_PROJECT_TOKEN`, `amplitudeApiKey`), which every page
    /// or app that sends events carries.
    pub published_names: Vec<Vec<String>>,
    pub min_length: usize,
    pub min_entropy: f64,
}

impl SecretNames {
    /// Whether a name (any case or style) names a secret.
    pub fn matches(&self, name: &str) -> bool {
        let words = words(name);
        let Some(last) = words.last() else {
            return false;
        };
        if words.iter().any(|w| self.not_with.contains(w))
            || self
                .published_names
                .iter()
                .any(|set| set.iter().all(|w| words.contains(w)))
        {
            return false;
        }
        if self.last.iter().any(|w| w == last) {
            return true;
        }
        last == "key"
            && words.len() >= 2
            && self.key_after.iter().any(|w| *w == words[words.len() - 2])
    }

    /// Whether a string bound to such a name looks like a secret rather than a label, a name or
    /// a placeholder.
    pub fn value_looks_secret(&self, value: &str, secrets: &Secrets) -> bool {
        let length = value.chars().count();
        length >= self.min_length
            && length <= 512
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            // An environment variable's name (`"OPENAI_API_KEY"`), a dotted setting name.
            && !value
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && !value.contains("://")
            && !value.starts_with('/')
            && !value.starts_with("./")
            && !value.starts_with('~')
            && !secrets.is_placeholder(value)
            && entropy(value) >= self.min_entropy
            && has_random_run(value)
            // A signed token with no access-token claim is data (see the JWT format).
            && (!value.starts_with("eyJ") || jwt_has_claims(value))
    }
}

/// Whether a value has a run of letters and digits that reads as generated rather than as words:
/// eight characters or more, mixing letters and digits (not a word with a number after it, as in
/// `test123` or `Pass2024`) or changing case three times (`ZqvNwRtY`). `test-api-key`,
/// `custom-api-key-123`, `X-API-KEY`, `Anthropic` have none.
fn has_random_run(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|run| run.len() >= 8)
        .any(|run| {
            let letters = run.chars().filter(char::is_ascii_alphabetic).count();
            let digits = run.len() - letters;
            let word_then_number = {
                let split = run.find(|c: char| c.is_ascii_digit()).unwrap_or(run.len());
                let (word, number) = run.split_at(split);
                number.chars().all(|c| c.is_ascii_digit()) && number.len() <= 4 && !word.is_empty()
            };
            let number_then_word = {
                let split = run
                    .find(|c: char| c.is_ascii_alphabetic())
                    .unwrap_or(run.len());
                let (number, word) = run.split_at(split);
                word.chars().all(|c| c.is_ascii_alphabetic()) && number.len() <= 4
            };
            let mixed = letters > 0 && digits > 0 && !word_then_number && !number_then_word;
            mixed || random_case(run)
        })
}

/// Whether letters change case the way generated text does (`ZqvNwRtYuIo`), not the way
/// camelCase words do (`notHighEnoughEntropy`): three or more pieces of one or two letters
/// between case changes.
fn random_case(run: &str) -> bool {
    let mut short = 0;
    let mut length = 0;
    let mut previous_upper = None;
    for c in run.chars().filter(char::is_ascii_alphabetic) {
        let is_upper = c.is_ascii_uppercase();
        // A piece ends where an upper-case letter follows a lower-case one.
        if previous_upper == Some(false) && is_upper {
            if length <= 2 {
                short += 1;
            }
            length = 0;
        }
        previous_upper = Some(is_upper);
        length += 1;
    }
    short >= 3
}

/// A name's words, lower case: `openaiApiKey` → openai, api, key; `DB_PASSWORD` → db, password.
pub fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `[secret_flow]` as written (AL305).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct SecretFlowRecord {
    pub reads: Vec<String>,
    pub model_input: Vec<String>,
    pub not_secret: Vec<String>,
}

/// Where secrets come from and where they must not go (AL305).
#[derive(Clone, Debug, Default)]
pub struct SecretFlow {
    /// Reads of an environment variable; group `name` is the variable. (Whoever adds one
    /// resets `finder`.)
    pub reads: Vec<crate::pattern::Pattern>,
    /// How `reads` are found, made on first use.
    pub(crate) finder: std::sync::Arc<std::sync::OnceLock<reads::ReadFinder>>,
    /// Keyword arguments and properties the model reads.
    pub model_input: Vec<String>,
    /// Environment variables whose names look like secrets' but are not (`PWD`).
    pub not_secret: Vec<String>,
}

/// The words, besides the reads' literals, whose places AL305 looks at: where a file may give
/// the environment another name (`from os import environ as e`, `require("process")`).
pub(crate) const ALIAS_WORDS: [&str; 3] = ["process", "environ", "getenv"];

impl SecretFlow {
    fn finder(&self) -> &reads::ReadFinder {
        self.finder
            .get_or_init(|| reads::ReadFinder::new(&self.reads))
    }

    /// The literals AL305 needs the places of: those the reads are found at, then
    /// [`ALIAS_WORDS`].
    fn literals(&self) -> Vec<&[u8]> {
        self.finder()
            .searched()
            .chain(ALIAS_WORDS.iter().map(|w| w.as_bytes()))
            .collect()
    }

    /// Every place each of the literals AL305 needs occurs in `text`, given those of a
    /// `previous` text (searched again only in the lines that changed; see
    /// `crate::syntax::change::occurrences_since`), with the texts' common ends if known.
    pub(crate) fn places_since(
        &self,
        text: &str,
        previous: Option<(&str, &[Vec<usize>])>,
        ends: Option<(usize, usize)>,
    ) -> Vec<Vec<usize>> {
        crate::syntax::change::occurrences_since(&self.literals(), text, previous, ends)
    }

    /// The matches of each of `reads` in `text`, in order: what iterating each expression's
    /// matches finds (see [`reads::ReadFinder`]), given the [`SecretFlow::places_since`].
    pub(crate) fn reads_at(&self, text: &str, places: &[Vec<usize>]) -> Vec<Vec<reads::Read>> {
        self.finder().find_at(&self.reads, text, places)
    }

    /// The places of [`ALIAS_WORDS`], in their order, among the [`SecretFlow::places_since`].
    pub(crate) fn alias_places<'p>(&self, places: &'p [Vec<usize>]) -> &'p [Vec<usize>] {
        places
            .get(places.len().saturating_sub(ALIAS_WORDS.len())..)
            .unwrap_or_default()
    }
}

/// FNV-1a, 64 bits: how known example keys are listed without listing them.
pub fn fnv1a64(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// A secret format.
#[derive(Clone, Debug)]
pub struct SecretFormat {
    pub id: String,
    /// "an OpenAI API key".
    pub provider: String,
    pub pattern: crate::pattern::Pattern,
    pub keywords: Vec<String>,
    pub context: Option<crate::pattern::Pattern>,
    /// The environment variable the fix reads the key from.
    pub env: String,
    pub rule: SecretRule,
    /// A whole match that also matches this is not reported.
    pub ignore: Option<crate::pattern::Pattern>,
    /// The public prefix of a key (`sk-proj-`, `AKIA`), matched at its start: all of it that
    /// outputs show, with its last characters (see [`redact`]).
    pub prefix: Option<regex::Regex>,
    /// A template tests generate keys of this format from.
    pub fake: String,
    /// No match of the pattern contains a line break or depends on where the text starts or
    /// ends: a line's matches depend only on it (and its context, the line before).
    pub line_local: bool,
    /// The context pattern does not look at where the text starts or ends (no `^`, `$`, `\A`,
    /// `\z`, judged by its characters): where it matches in a match's context lines, it
    /// matches in any text that holds them, up to line breaks.
    pub context_unanchored: bool,
}

/// Where the line holding `at` ends: its line break, or the text's end.
fn line_end(bytes: &[u8], at: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |i| at + i)
}

/// Where the line after the one ending at `at` (a line break, or the text's end) ends; `\r\n` is
/// one break.
fn next_line_end(bytes: &[u8], at: usize) -> usize {
    if at >= bytes.len() {
        return at;
    }
    let mut i = at + 1;
    if bytes[at] == b'\r' && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    line_end(bytes, i)
}

/// Every match of `pattern` within `spans` of `text` (in order; spans no match of the pattern
/// crosses, such as whole lines for a line-local pattern), leftmost first in each.
pub(crate) fn captures_within<'s>(
    pattern: &regex::Regex,
    text: &'s str,
    spans: &[Range<usize>],
) -> Vec<regex::Captures<'s>> {
    let mut out = Vec::new();
    for span in spans {
        let haystack = &text[..span.end];
        let mut at = span.start;
        while at <= haystack.len() {
            let Some(captures) = pattern.captures_at(haystack, at) else {
                break;
            };
            let Some(whole) = captures.get(0) else {
                break;
            };
            at = if whole.is_empty() {
                // An empty match: on to the next character.
                whole.end()
                    + haystack[whole.end()..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8)
            } else {
                whole.end()
            };
            out.push(captures);
        }
    }
    out
}

/// The lines of `hits` (sorted or not) and the line after each, merged: spans of whole lines,
/// each from a line's start to a line's end (before its break).
fn keyword_lines(text: &str, hits: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut hits: Vec<Range<usize>> = hits.collect();
    hits.sort_by_key(|h| h.start);
    let mut spans: Vec<Range<usize>> = Vec::new();
    // The end of the last hit's line: hits before it add nothing.
    let mut last_line_end = 0;
    for hit in hits {
        if !spans.is_empty() && hit.end <= last_line_end {
            continue;
        }
        let start = match spans.last() {
            // Within or right after the last span: merged with it.
            Some(span) if hit.start <= span.end + 1 => span.start,
            _ => {
                let from = spans.last().map_or(0, |s| s.end);
                memchr::memrchr2(b'\n', b'\r', &bytes[from..hit.start])
                    .map_or(from, |i| from + i + 1)
            }
        };
        last_line_end = line_end(bytes, hit.end);
        let end = next_line_end(bytes, last_line_end);
        match spans.last_mut() {
            Some(span) if start <= span.end + 1 => span.end = span.end.max(end),
            _ => spans.push(start..end),
        }
    }
    spans
}

/// Whether no match of `pattern` can contain a line break, nor look at the text's start or end.
fn line_local(pattern: &str) -> bool {
    use regex_syntax::hir::{Class, HirKind, Look};
    fn walk(hir: &regex_syntax::hir::Hir) -> bool {
        // Whether a range holds a line break (bounds compared: a Unicode class's ranges span
        // up to a million code points).
        let breaks = |start: u32, end: u32| {
            [b'\n', b'\r']
                .iter()
                .any(|&b| (start..=end).contains(&u32::from(b)))
        };
        match hir.kind() {
            HirKind::Empty => true,
            HirKind::Literal(literal) => !literal.0.iter().any(|&b| breaks(b.into(), b.into())),
            HirKind::Class(Class::Unicode(class)) => !class
                .ranges()
                .iter()
                .any(|r| breaks(r.start().into(), r.end().into())),
            HirKind::Class(Class::Bytes(class)) => !class
                .ranges()
                .iter()
                .any(|r| breaks(r.start().into(), r.end().into())),
            HirKind::Look(look) => !matches!(look, Look::Start | Look::End),
            HirKind::Repetition(repetition) => walk(&repetition.sub),
            HirKind::Capture(capture) => walk(&capture.sub),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().all(walk),
        }
    }
    regex_syntax::parse(pattern).is_ok_and(|hir| walk(&hir))
}

/// A pattern with its word boundaries (`\b`) made ASCII: keys are ASCII, and a Unicode boundary
/// makes the regex engine fall back to its slowest matcher on any non-ASCII text (notebook
/// outputs, CJK comments), a third of the command line's time on a corpus. Next to a CJK letter,
/// an ASCII boundary holds: `密钥sk-…` still starts a key.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The formats, with their prefilter.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    pub formats: Vec<SecretFormat>,
    pub placeholders: Vec<crate::pattern::Pattern>,
    /// Hashes of keys published as examples.
    pub known_examples: rustc_hash::FxHashSet<u64>,
    /// AL302: names whose values are secrets.
    pub names: SecretNames,
    /// AL302: the words of those names, to find where a file binds one without walking it.
    pub name_prefilter: Option<AhoCorasick>,
    /// AL305: environment reads, and where their values must not go.
    pub flow: SecretFlow,
    /// Over every format's keywords, ASCII case-insensitive; pattern `i` is `keyword_format[i]`'s.
    prefilter: Option<AhoCorasick>,
    keyword_format: Vec<usize>,
    /// The keywords (patterns `0..keyword_format.len()`) and then the name words, for
    /// [`Secrets::scan_with_names`].
    combined: Option<AhoCorasick>,
    /// The same words' automaton as two streams (see [`interleaved`]), made when first used.
    interleaved: std::sync::Arc<std::sync::OnceLock<Option<interleaved::Interleaved>>>,
}

/// A secret in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Index into [`Secrets::formats`].
    pub format: usize,
    /// The key itself (the `key` group, or the whole match).
    pub range: Range<usize>,
    /// The whole match (for a URL: the URL).
    pub matched: Range<usize>,
}

impl Secrets {
    pub(crate) fn add(
        &mut self,
        records: Vec<SecretRecord>,
        placeholders: Vec<PlaceholderRecord>,
        known: Vec<KnownExampleRecord>,
        compile: &dyn Fn(&str) -> Result<crate::pattern::Pattern, String>,
    ) -> Result<(), String> {
        for record in known {
            for hash in record.fnv1a64 {
                let value = u64::from_str_radix(&hash, 16)
                    .map_err(|_| format!("known_example: `{hash}` is not a hexadecimal hash"))?;
                self.known_examples.insert(value);
            }
        }
        for record in records {
            if record.keywords.iter().any(|k| k.len() < 3) || record.keywords.is_empty() {
                return Err(format!(
                    "secret `{}`: give keywords of 3 characters or more",
                    record.id
                ));
            }
            let ascii = |p: &str| compile(&ascii_boundaries(p));
            self.formats.push(SecretFormat {
                line_local: line_local(&ascii_boundaries(&record.pattern)),
                context_unanchored: record.context.as_deref().is_some_and(|c| {
                    !c.contains(['^', '$']) && !c.contains("\\A") && !c.contains("\\z")
                }),
                pattern: ascii(&record.pattern)?,
                context: record.context.as_deref().map(ascii).transpose()?,
                ignore: record.ignore.as_deref().map(ascii).transpose()?,
                prefix: record
                    .prefix
                    .as_deref()
                    .map(|p| {
                        regex::Regex::new(&format!("^(?:{p})"))
                            .map_err(|e| format!("secret `{}`: prefix: {e}", record.id))
                    })
                    .transpose()?,
                id: record.id,
                provider: record.provider,
                keywords: record.keywords,
                env: record.env,
                rule: record.rule,
                fake: record.fake,
            });
        }
        for record in placeholders {
            self.placeholders.push(compile(&record.pattern)?);
        }
        let mut keywords = Vec::new();
        self.keyword_format.clear();
        for (i, format) in self.formats.iter().enumerate() {
            for keyword in &format.keywords {
                keywords.push(keyword.clone());
                self.keyword_format.push(i);
            }
        }
        self.prefilter = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&keywords)
                    .map_err(|e| format!("secret keywords: {e}"))?,
            )
        };
        self.combine()
    }

    /// Rebuilds the automaton over both the keywords and the name words.
    fn combine(&mut self) -> Result<(), String> {
        self.combined = None;
        if self.prefilter.is_none() || self.name_prefilter.is_none() {
            return Ok(());
        }
        self.interleaved = Default::default();
        self.combined = Some(
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(self.combined_words())
                .map_err(|e| format!("secret keywords and names: {e}"))?,
        );
        Ok(())
    }

    /// The combined automaton's words: every format's keywords, then the name words.
    fn combined_words(&self) -> Vec<String> {
        let keywords = self.formats.iter().flat_map(|f| f.keywords.iter().cloned());
        keywords.chain(self.name_words()).collect()
    }

    /// The words that can end a secret's name.
    fn name_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self.names.last.clone();
        words.push("key".to_string());
        words
    }

    /// Where a found secret is in `text`, with its public prefix (see [`redact`]).
    pub fn span(&self, found: &Found, text: &str) -> SecretSpan {
        let public = self
            .formats
            .get(found.format)
            .and_then(|f| f.prefix.as_ref())
            .zip(text.get(found.range.clone()))
            .and_then(|(prefix, key)| prefix.find(key))
            .map_or(0, |m| m.end());
        SecretSpan::new(found.range.clone(), public)
    }

    /// A generated fake of format `id` (see [`generate_fake`]): tests build keys this way, so
    /// that no key-shaped string is ever committed.
    pub fn fake(&self, id: &str, seed: u64) -> Option<String> {
        let format = self.formats.iter().find(|f| f.id == id)?;
        Some(generate_fake(&format.fake, seed))
    }

    /// Rebuilds the prefilter over the words that can end a secret's name.
    pub(crate) fn index_names(&mut self) -> Result<(), String> {
        self.name_prefilter = Some(
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(self.name_words())
                .map_err(|e| format!("secret_names: {e}"))?,
        );
        self.combine()
    }

    /// Where a text may bind a secret's name: the offsets of the words that end one.
    pub fn name_hits(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        self.name_prefilter
            .as_ref()
            .map(|p| p.find_iter(text).map(|m| m.range()).collect())
            .unwrap_or_default()
    }

    /// [`Secrets::name_hits`] of `text`, given those of a `previous` text: only the lines that
    /// differ are searched again. The words contain no line break, so no hit spans lines and a
    /// line's hits do not depend on the others'. The same result as searching the whole text.
    pub fn name_hits_since(
        &self,
        text: &str,
        previous: Option<(&str, &[std::ops::Range<usize>])>,
    ) -> Vec<std::ops::Range<usize>> {
        self.name_hits_at(text, previous, None)
    }

    /// [`Secrets::name_hits_since`], given the texts' common ends if known already.
    pub(crate) fn name_hits_at(
        &self,
        text: &str,
        previous: Option<(&str, &[std::ops::Range<usize>])>,
        ends: Option<(usize, usize)>,
    ) -> Vec<std::ops::Range<usize>> {
        let (Some(prefilter), Some((old, old_hits))) = (&self.name_prefilter, previous) else {
            return self.name_hits(text);
        };
        if self.names.last.iter().any(|w| w.contains(['\n', '\r'])) {
            return self.name_hits(text);
        }
        let lines = crate::syntax::change::changed_lines_at(old, text, ends);
        let (before, after) = lines.around(old_hits, |h| h.start);
        let mut hits: Vec<std::ops::Range<usize>> = before.to_vec();
        let start = lines.new.start;
        hits.extend(
            prefilter
                .find_iter(&text[start..lines.new.end])
                .map(|m| m.start() + start..m.end() + start),
        );
        hits.extend(
            after
                .iter()
                .map(|h| lines.moved(h.start)..lines.moved(h.end)),
        );
        hits
    }

    /// Whether a string value is the address of this machine or of a reserved example domain
    /// (`bolt://localhost:7687`, `db.example.com`: the hosts the `url-password` format
    /// ignores), after any scheme and `user:password@`.
    pub(crate) fn names_a_local_address(&self, value: &str) -> bool {
        let Some(local) = self
            .formats
            .iter()
            .find(|f| f.id == "url-password")
            .and_then(|f| f.ignore.as_ref())
        else {
            return false;
        };
        let host = value.split_once("://").map_or(value, |(_, rest)| rest);
        let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
        local.regex().is_match(&format!("@{host}"))
    }

    /// Whether a key's text stands for a key rather than being one.
    pub fn is_placeholder(&self, key: &str) -> bool {
        if self.placeholders.iter().any(|p| p.is_match(key)) {
            return true;
        }
        // Too few distinct characters to be random (`sk-aaaaaaaa…`, `0000…`).
        let mut distinct: Vec<char> = key.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        distinct.len() < 8.min(key.chars().count() / 2).max(4)
    }

    /// Every secret in `text`, leftmost first, overlaps resolved in favour of the longer match
    /// and then of the format listed first.
    pub fn scan(&self, text: &str) -> Vec<Found> {
        self.scan_since(text, None).0
    }

    /// [`Secrets::scan`] of `text`, given the scan of a `previous` text: when every format that
    /// can match is line-local, only the lines that differ (and the line after them, whose
    /// context they are) are searched again. The same result as scanning the whole text.
    pub fn scan_since(&self, text: &str, previous: Option<(&str, &Scan)>) -> (Vec<Found>, Scan) {
        self.scan_at(text, previous, None)
    }

    /// [`Secrets::scan_since`], given the texts' common ends if known already.
    pub(crate) fn scan_at(
        &self,
        text: &str,
        previous: Option<(&str, &Scan)>,
        ends: Option<(usize, usize)>,
    ) -> (Vec<Found>, Scan) {
        let Some(prefilter) = &self.prefilter else {
            return (Vec::new(), Scan::default());
        };
        let lines =
            previous.map(|(old, _)| crate::syntax::change::changed_lines_at(old, text, ends));
        // Keyword hits (overlapping), found again in the changed lines only: no keyword spans
        // lines.
        let keywords: Vec<(Range<usize>, usize)> = match (previous, &lines) {
            (Some((_, scan)), Some(lines)) => {
                let old = &scan.keywords;
                let mut hits: Vec<(Range<usize>, usize)> = old
                    .iter()
                    .take_while(|(h, _)| h.end <= lines.new.start)
                    .cloned()
                    .collect();
                let start = lines.new.start;
                hits.extend(
                    prefilter
                        .find_overlapping_iter(&text[start..lines.new.end])
                        .map(|m| (m.start() + start..m.end() + start, m.pattern().as_usize())),
                );
                let shift = |h: &Range<usize>| {
                    h.start + lines.new.end - lines.old.end..h.end + lines.new.end - lines.old.end
                };
                hits.extend(
                    old.iter()
                        .filter(|(h, _)| h.start >= lines.old.end)
                        .map(|(h, p)| (shift(h), *p)),
                );
                hits
            }
            _ => prefilter
                .find_overlapping_iter(text)
                .map(|m| (m.range(), m.pattern().as_usize()))
                .collect(),
        };
        self.scan_keywords(text, keywords, previous, lines)
    }

    /// Every secret in a whole `text`, as [`Secrets::scan`] finds them, and where a secret's
    /// name may end (for AL302), in one pass over the text. The name hits are every occurrence
    /// of a name word (overlapping, in the order of their ends) that is not followed by an ASCII
    /// letter or digit: a name names a secret only if its last word is one of the words
    /// ([`SecretNames::matches`]), and a name's last word ends where the name does, so a line
    /// without such a hit binds no secret's name (`path`, `tokens`, `keyword` are not). Where
    /// the one pass cannot be made, [`Secrets::name_hits`]'s, unfiltered.
    pub fn scan_with_names(&self, text: &str) -> (Vec<Found>, Vec<Range<usize>>) {
        let spanning = self.names.last.iter().any(|w| w.contains(['\n', '\r']));
        let (Some(combined), Some(_), false) = (&self.combined, &self.prefilter, spanning) else {
            let names = self.name_hits(text);
            return (self.scan(text), names);
        };
        let keyword_count = self.keyword_format.len();
        let mut keywords = Vec::new();
        let mut names = Vec::new();
        let hits = match self
            .interleaved
            .get_or_init(|| interleaved::Interleaved::new(self.combined_words()))
        {
            Some(automaton) => automaton.overlapping(text.as_bytes()),
            None => combined
                .find_overlapping_iter(text)
                .map(|m| (m.range(), m.pattern().as_usize()))
                .collect(),
        };
        for (range, pattern) in hits {
            if pattern < keyword_count {
                keywords.push((range, pattern));
            } else if text
                .as_bytes()
                .get(range.end)
                .is_none_or(|b| !b.is_ascii_alphanumeric())
            {
                names.push(range);
            }
        }
        (self.scan_keywords(text, keywords, None, None).0, names)
    }

    /// [`Secrets::scan_at`] once its keyword hits are found.
    fn scan_keywords(
        &self,
        text: &str,
        keywords: Vec<(Range<usize>, usize)>,
        previous: Option<(&str, &Scan)>,
        lines: Option<crate::syntax::change::ChangedLines>,
    ) -> (Vec<Found>, Scan) {
        let mut present = vec![false; self.formats.len()];
        for (_, pattern) in &keywords {
            present[self.keyword_format[*pattern]] = true;
        }
        // The region to scan again: the changed lines and the line after them (a match's
        // context is its line and the line before).
        let region = match (previous, &lines) {
            (Some((_, scan)), Some(lines))
                if scan.present == present
                    && self
                        .formats
                        .iter()
                        .zip(&present)
                        .all(|(f, p)| !p || f.line_local)
                    && !self.keywords_span_lines() =>
            {
                let old = previous.map_or("", |(o, _)| o);
                Some((
                    scan,
                    lines.new.start..next_line_end(text.as_bytes(), lines.new.end),
                    lines.old.start..next_line_end(old.as_bytes(), lines.old.end),
                ))
            }
            _ => None,
        };
        let mut found: Vec<Found> = Vec::new();
        let within = region.as_ref().map(|(_, new, _)| new.clone());
        for (index, format) in self.formats.iter().enumerate() {
            if !present[index] {
                continue;
            }
            // A line-local format is matched only around its keywords' hits (their lines and the
            // lines after them, where the hit is context); any other, on the whole text.
            let mut spans = if format.line_local {
                keyword_lines(
                    text,
                    keywords
                        .iter()
                        .filter(|(_, p)| self.keyword_format[*p] == index)
                        .map(|(h, _)| h.clone()),
                )
            } else {
                std::iter::once(0..text.len()).collect()
            };
            if let Some(within) = &within {
                // Both are whole lines: the intersection is too.
                spans = spans
                    .into_iter()
                    .filter_map(|s| {
                        let clipped = s.start.max(within.start)..s.end.min(within.end);
                        (clipped.start < clipped.end).then_some(clipped)
                    })
                    .collect();
            }
            if let (Some(context), true) = (&format.context, format.context_unanchored) {
                // A match is kept only if the context matches on its line or the line before:
                // none is in a span where the context matches nowhere from the line before the
                // span to the end of its last line (that text holds every match's context
                // lines, and its line breaks are where their text starts and ends).
                spans.retain(|span| {
                    let lines = context_start(text, span.start)..line_end_lf(text, span.end);
                    context.is_match(&text[lines])
                });
            }
            for captures in captures_within(&format.pattern, text, &spans) {
                found.extend(self.accept(text, index, &captures));
            }
        }
        found.sort_by_key(|f| (f.range.start, std::cmp::Reverse(f.range.len()), f.format));
        let mut kept: Vec<Found> = Vec::new();
        for f in found {
            if kept
                .iter()
                .any(|k| k.range.start < f.range.end && f.range.start < k.range.end)
            {
                continue;
            }
            kept.push(f);
        }
        if let Some((scan, new, old)) = &region {
            let (new, old) = (new.clone(), old.clone());
            // The previous scan's secrets before and after the region, moved.
            let before = scan
                .found
                .iter()
                .take_while(|f| f.matched.end <= new.start && f.range.end <= new.start);
            let shift = |r: &Range<usize>| r.start + new.end - old.end..r.end + new.end - old.end;
            let after = scan
                .found
                .iter()
                .filter(|f| f.matched.start >= old.end && f.range.start >= old.end)
                .map(|f| Found {
                    format: f.format,
                    range: shift(&f.range),
                    matched: shift(&f.matched),
                });
            kept = before.cloned().chain(kept).chain(after).collect();
        }
        let scan = Scan {
            incremental: region.is_some(),
            keywords,
            present,
            found: kept.clone(),
        };
        (kept, scan)
    }

    /// Whether a keyword contains a line break (then keyword hits are not line-local).
    fn keywords_span_lines(&self) -> bool {
        self.formats
            .iter()
            .any(|f| f.keywords.iter().any(|k| k.contains(['\n', '\r'])))
    }

    /// A match of format `index`, unless it is not a key (see [`Secrets::scan`]).
    fn accept(&self, text: &str, index: usize, captures: &regex::Captures<'_>) -> Option<Found> {
        let format = &self.formats[index];
        let whole = captures.get(0)?;
        let key = captures.name("key").unwrap_or(whole);
        // A key ends where its characters end: not a prefix of a longer token (patterns cannot
        // say so themselves when a key may end in `-` or `_`).
        let is_key_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/');
        if text[key.end()..].chars().next().is_some_and(is_key_char)
            || text[..key.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return None;
        }
        if self.is_placeholder(key.as_str())
            || self.known_examples.contains(&fnv1a64(key.as_str()))
            || (format.id == "jwt" && !jwt_has_claims(key.as_str()))
        {
            return None;
        }
        if let Some(context) = &format.context
            && (!context.is_match(context_lines(text, whole.start()))
                || !looks_random(key.as_str()))
        {
            return None;
        }
        if format
            .ignore
            .as_ref()
            .is_some_and(|i| i.is_match(whole.as_str()))
        {
            return None;
        }
        // `postgres:postgres@`: the user name again is a default, not a secret.
        if format.rule == SecretRule::UrlPassword
            && whole.as_str()[..key.start() - whole.start()]
                .rsplit(['/', ':'])
                .nth(1)
                .is_some_and(|user| user == key.as_str())
        {
            return None;
        }
        Some(Found {
            format: index,
            range: key.range(),
            matched: whole.range(),
        })
    }
}

impl Scan {
    /// Whether this scan searched only around the lines that changed (not the whole text).
    pub fn was_incremental(&self) -> bool {
        self.incremental
    }
}

/// What a scan found, for the scan of the next version (see [`Secrets::scan_since`]).
#[derive(Clone, Debug, Default)]
pub struct Scan {
    /// Whether this scan searched only around the changed lines.
    incremental: bool,
    /// Keyword hits: where, and which keyword; in the order of their ends.
    keywords: Vec<(Range<usize>, usize)>,
    /// Which formats' keywords occur.
    present: Vec<bool>,
    found: Vec<Found>,
}

/// Whether a key of a generic shape looks generated: letters and digits both, and at least 3
/// bits of entropy per character (`convertMessagesToMistralMessages` is a name, not a key).
fn looks_random(key: &str) -> bool {
    let letters = key.chars().any(|c| c.is_ascii_alphabetic());
    let digits = key.chars().any(|c| c.is_ascii_digit());
    letters && digits && entropy(key) >= 3.0
}

/// Shannon entropy in bits per character.
pub fn entropy(text: &str) -> f64 {
    let mut counts = [0usize; 256];
    let mut total = 0usize;
    for b in text.bytes() {
        counts[b as usize] += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

/// Whether a JSON Web Token's payload has a claim that access tokens have (and is not jwt.io's
/// sample).
fn jwt_has_claims(token: &str) -> bool {
    let Some(payload) = token.split('.').nth(1) else {
        return false;
    };
    let Some(json) = base64url_decode(payload) else {
        // Undecodable: leave it to the pattern.
        return true;
    };
    let json = String::from_utf8_lossy(&json);
    // jwt.io's sample token, copied into documentation and tests everywhere: its subject is
    // `1234567890`.
    let compact: String = json.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.contains("\"sub\":\"1234567890\"") {
        return false;
    }
    [
        "\"sub\"",
        "\"exp\"",
        "\"iat\"",
        "\"iss\"",
        "\"aud\"",
        "\"nbf\"",
        "\"jti\"",
        "\"scope\"",
        "\"role\"",
        "\"email\"",
        "\"user",
        "\"client_id\"",
        "\"azp\"",
        "\"name\"",
    ]
    .iter()
    .any(|claim| json.contains(claim))
}

/// How long a JSON Web Token is valid by its own claims, in seconds: `exp` minus `nbf` (or
/// `iat`). A signed link's token lives minutes (GitHub's `private-user-images` links: five).
pub fn jwt_lifetime(token: &str) -> Option<i64> {
    let json = base64url_decode(token.split('.').nth(1)?)?;
    let json = String::from_utf8_lossy(&json);
    let claim = |name: &str| -> Option<i64> {
        let at = json.find(&format!("\"{name}\""))? + name.len() + 2;
        let rest = json[at..].trim_start().strip_prefix(':')?.trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    };
    let expires = claim("exp")?;
    let starts = claim("nbf").or_else(|| claim("iat"))?;
    (expires >= starts).then_some(expires - starts)
}

/// Decodes unpadded base64url (or standard base64); `None` for other text.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The line `at` is on and the line before it.
fn context_lines(text: &str, at: usize) -> &str {
    &text[context_start(text, at)..line_end_lf(text, at)]
}

/// Where the line before the one `at` is on starts (the text's start if none).
fn context_start(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if line_start == 0 {
        0
    } else {
        text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1)
    }
}

/// Where the line `at` is on ends: at its line feed, or the text's end.
fn line_end_lf(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// Generates a key from a format's `fake` template with a seeded generator (for tests; a fake is
/// never committed).
pub fn generate_fake(template: &str, seed: u64) -> String {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let spec = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        let (class, count) = spec.split_once(':').unwrap_or((spec, "0"));
        let alphabet: &str = match class {
            "a" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
            "l" => "abcdefghijklmnopqrstuvwxyz",
            "u" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            "U" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "h" => "0123456789abcdef",
            "d" => "0123456789",
            "b" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
            _ => {
                out.push('{');
                out.push_str(spec);
                out.push('}');
                continue;
            }
        };
        let alphabet: Vec<char> = alphabet.chars().collect();
        for _ in 0..count.parse::<usize>().unwrap_or(0) {
            out.push(alphabet[next(alphabet.len())]);
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in formats, with the spans their contexts rule out searched all the same.
    fn searching_every_span() -> Secrets {
        let mut plain = crate::knowledge::Knowledge::builtin().secrets.clone();
        for format in &mut plain.formats {
            format.context_unanchored = false;
        }
        plain
    }

    proptest::proptest! {
        /// Leaving out the spans where a format's context matches nowhere near finds the same
        /// keys (text made of the formats' keywords and contexts, fake keys, line breaks).
        #[test]
        fn spans_without_context_hold_no_key(picks in proptest::collection::vec(0usize..1000, 0..40)) {
            let secrets = &crate::knowledge::Knowledge::builtin().secrets;
            let mut pieces: Vec<String> = secrets
                .formats
                .iter()
                .filter(|f| f.context.is_some())
                .flat_map(|f| f.keywords.iter().cloned().chain(secrets.fake(&f.id, 3)))
                .collect();
            // Fakes with their context (`TOGETHER_API_KEY = "…"`) and without (`…`).
            let bare: Vec<String> = pieces
                .iter()
                .filter_map(|p| p.split('"').nth(1).map(str::to_string))
                .collect();
            pieces.extend(bare);
            for filler in [
                "\n", "\r\n", " ", " = ", "\"", "_api_key", "Token", "market", "ARK_", "x",
                "TOGETHER_API_KEY=", "# ark key\n", "é",
            ] {
                pieces.push(filler.to_string());
            }
            let text: String = picks.iter().map(|i| pieces[i % pieces.len()].as_str()).collect();
            proptest::prop_assert_eq!(secrets.scan(&text), searching_every_span().scan(&text));
        }
    }

    #[test]
    fn a_key_whose_context_is_on_the_line_before_its_keyword_is_found() {
        // Together's key with a context that does not hold its keyword: `API key` on the line
        // before the key's line, which is the first of its keyword's span.
        // The built-in formats with Together's context replaced, and the same searching every
        // span.
        let with_context = |context: &str| {
            let mut secrets = crate::knowledge::Knowledge::builtin().secrets.clone();
            let format = secrets
                .formats
                .iter_mut()
                .find(|f| f.id == "together-legacy")
                .unwrap();
            format.context = Some(crate::pattern::Pattern::new(context).unwrap());
            let mut plain = secrets.clone();
            plain
                .formats
                .iter_mut()
                .for_each(|f| f.context_unanchored = false);
            (secrets, plain)
        };
        let (secrets, plain) = with_context("(?i)api key");
        let fake = secrets.fake("together-legacy", 5).unwrap();
        let key = fake.split('"').nth(1).unwrap();
        let text = format!("# The API key:\nconfig(together=\"{key}\")\n");
        let found = secrets.scan(&text);
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found, plain.scan(&text));
        // With no context near, no key (and no search).
        let text = format!("# The API key:\n\nconfig(together=\"{key}\")\n");
        assert!(secrets.scan(&text).is_empty());
        // A context with word boundaries at the edges of its lines: the same answers.
        let (secrets, plain) = with_context("(?i)\\bapi key\\b|\\bAPI\\b");
        for text in [
            format!("API\nconfig(together=\"{key}\")\n"),
            format!("xAPI\nconfig(together=\"{key}\")\n"),
            format!("api key\nconfig(together=\"{key}\")\nAPI"),
            format!("config(together=\"{key}\") # api key\n"),
        ] {
            assert_eq!(secrets.scan(&text), plain.scan(&text), "{text}");
        }
        assert_eq!(
            secrets
                .scan(&format!("API\nconfig(together=\"{key}\")\n"))
                .len(),
            1
        );
    }

    #[test]
    fn the_builtin_words_run_as_two_streams() {
        let secrets = &crate::knowledge::Knowledge::builtin().secrets;
        let automaton = interleaved::Interleaved::new(secrets.combined_words())
            .expect("the built-in words make a small automaton");
        let mut text: String = secrets
            .combined_words()
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{w}{}", ["\n", " ", "_x\r\n", ""][i % 4]))
            .collect();
        text.push_str(&text.to_uppercase());
        let combined = secrets.combined.as_ref().expect("built");
        let expected: Vec<_> = combined
            .find_overlapping_iter(&text)
            .map(|m| (m.range(), m.pattern().as_usize()))
            .collect();
        assert!(expected.len() > 100);
        assert_eq!(automaton.overlapping(text.as_bytes()), expected);
    }

    #[test]
    fn a_pattern_is_line_local_unless_it_can_match_a_line_break() {
        for local in [
            r"sk-[a-z0-9]{20}",
            r"[^\n\r]+",
            r"\bkey\b",
            r"[\x00-\x09]",
            r"[\x0b\x0c]",
            r"[\x0e-\x{10FFFF}]+",
            r"(?-u:[\x0e-\x7f])",
            r"(?m:^x$)",
        ] {
            assert!(line_local(local), "{local}");
        }
        for spanning in [
            r"a\nb",
            "a\rb",
            r"\s+",
            r"[^x]",
            r"(?s).",
            r"[\x00-\x{10FFFF}]",
            r"(?-u:[\x00-\x7f])",
            r"[\x0a-\x0c]",
            "^a",
            r"\Ax",
            r"x\z",
            r"(?:a|\r)",
            "(",
        ] {
            assert!(!line_local(spanning), "{spanning}");
        }
    }

    #[test]
    fn keyword_lines_are_the_hits_lines_and_the_lines_after_merged() {
        let text = "l0\nl1 kw\nl2\nl3\nl4 kw kw\nl5\r\nl6\nl7 kw";
        let at = |needle: &str, from: usize| from + text[from..].find(needle).unwrap();
        let hits: Vec<Range<usize>> = text
            .match_indices("kw")
            .map(|(i, m)| i..i + m.len())
            .collect();
        let spans = keyword_lines(text, hits.iter().rev().cloned());
        let slices: Vec<&str> = spans.iter().map(|s| &text[s.clone()]).collect();
        assert_eq!(slices, ["l1 kw\nl2", "l4 kw kw\nl5", "l7 kw"]);
        // Hits on consecutive lines make one span; a span ends at a line's end.
        let spans = keyword_lines(
            text,
            [at("l1", 0)..at("l1", 0) + 2, at("l2", 0)..at("l2", 0) + 2].into_iter(),
        );
        assert_eq!(
            spans.iter().map(|s| &text[s.clone()]).collect::<Vec<_>>(),
            ["l1 kw\nl2\nl3"]
        );
        assert!(keyword_lines(text, std::iter::empty()).is_empty());
        assert_eq!(
            keyword_lines("kw", std::iter::once(0..2)).first(),
            Some(&(0..2))
        );
    }

    #[test]
    fn generated_values_are_told_from_words() {
        for secret in [
            "pR7kq2vX9mLw",
            "t0k3n-8f2a9c41d7e6",
            "S3cur3P4ss!2024",
            "ZqvNwRtYuIoP",
        ] {
            assert!(has_random_run(secret), "{secret}");
        }
        for label in [
            "test-api-key",
            "custom-api-key-123",
            "X-GOOG-API-KEY-XXX",
            "Anthropic",
            "sk-test123",
            "Password2024",
            "first-pass",
            "OpenAIKey",
            "ISSUE-17040-TEXT-FILE-ONLY-9f31c7",
            "notHighEnoughEntropy",
            "getUserAccessTokenFromCache",
        ] {
            assert!(!has_random_run(label), "{label}");
        }
    }

    #[test]
    fn names_are_split_in_any_style() {
        assert_eq!(words("openaiApiKey"), ["openai", "api", "key"]);
        assert_eq!(words("OPENAI_API_KEY"), ["openai", "api", "key"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
        assert_eq!(words("HTTPHeader"), ["httpheader"]);
    }

    #[test]
    fn fakes_are_deterministic_and_shaped() {
        let a = generate_fake("x-{h:8}-{d:3}", 7);
        assert_eq!(a, generate_fake("x-{h:8}-{d:3}", 7));
        assert_ne!(a, generate_fake("x-{h:8}-{d:3}", 8));
        assert_eq!(a.len(), 2 + 8 + 1 + 3);
        assert!(a[2..10].chars().all(|c| c.is_ascii_hexdigit()));
    }
}
