//! Where users' data goes: the third parties a project's code sends to (LLM providers, hosted
//! vector stores, tracing, analytics), found from the SDK entry points it calls
//! (`rules/data/providers.toml`), and what the project's privacy notice says about them.
//!
//! Which files are the notice, and reading them, is the caller's: the rules get a
//! [`ProjectPrivacy`] through [`crate::Summaries::privacy`].

use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;

use crate::facts::FileFacts;
use crate::syntax::Family;

/// `[[provider]]` in a data file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderRecord {
    id: String,
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    kind: String,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    python: Vec<String>,
    #[serde(default)]
    javascript: Vec<String>,
    #[serde(default)]
    entry: Vec<EntryRecord>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntryRecord {
    language: String,
    call: String,
    argument: Option<String>,
}

/// `[[storage]]` in a data file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StorageRecord {
    language: String,
    what: String,
    calls: Vec<String>,
}

/// A third party that receives data.
#[derive(Clone, Debug)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub kind: String,
    pub hosts: Vec<String>,
}

/// An entry point: a call (or the prefix of calls) that sends to a provider.
#[derive(Clone, Debug)]
struct Entry {
    provider: usize,
    prefix: String,
    /// The first argument (a string) must match.
    argument: Option<crate::pattern::Pattern>,
}

/// The providers and their entry points.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    pub list: Vec<Provider>,
    /// What each kind of recipient receives (`[kinds]`).
    pub kinds: HashMap<String, String>,
    entries: HashMap<Family, Vec<Entry>>,
    /// Indices in `entries` by family and prefix, so a call finds its entries by the prefixes of
    /// its name instead of comparing it with every entry.
    by_prefix: HashMap<Family, rustc_hash::FxHashMap<String, Vec<usize>>>,
    /// The first part (before any `.`, `#` or `/`) of every prefix, by family: a name whose first
    /// part is not one is under no entry (most calls of a file), told by one lookup.
    roots: HashMap<Family, rustc_hash::FxHashSet<String>>,
    /// Entry points that store conversations: (prefix, what).
    stores: HashMap<Family, Vec<(String, String)>>,
    /// The first parts of the entries' prefixes and of the stores', as bits (see [`Roots`]).
    entry_roots: HashMap<Family, Roots>,
    store_roots: HashMap<Family, Roots>,
}

/// A set of names' first parts (`openai` of `openai.OpenAI#chat.completions.create`) as bits: a
/// name whose first part has no bit is under none of the names (most of a file's calls: `len`,
/// `json.loads`), told without hashing the name. A set bit only says "look it up".
#[derive(Clone, Debug, Default)]
struct Roots {
    bits: Vec<u64>,
}

const ROOT_BITS: usize = 1 << 12;

impl Roots {
    fn bit(name: &str) -> usize {
        let first = first_part_bytes(name.as_bytes());
        let (Some(&a), Some(&z)) = (first.first(), first.last()) else {
            return 0;
        };
        (first.len().wrapping_mul(0x9E37) ^ (usize::from(a) << 3) ^ (usize::from(z) << 7))
            & (ROOT_BITS - 1)
    }

    fn insert(&mut self, name: &str) {
        if self.bits.is_empty() {
            self.bits = vec![0; ROOT_BITS / 64];
        }
        let bit = Self::bit(name);
        self.bits[bit / 64] |= 1 << (bit % 64);
    }

    /// Whether a name under one of the names may be `name` (never false when it is).
    fn may_hold(&self, name: &str) -> bool {
        let bit = Self::bit(name);
        self.bits
            .get(bit / 64)
            .is_some_and(|word| word & (1 << (bit % 64)) != 0)
    }
}

/// The bytes of a name before its first `.`, `#` or `/` ([`first_part`]).
fn first_part_bytes(name: &[u8]) -> &[u8] {
    let end = name
        .iter()
        .position(|b| matches!(b, b'.' | b'#' | b'/'))
        .unwrap_or(name.len());
    &name[..end]
}

impl Providers {
    pub(crate) fn add(
        &mut self,
        records: Vec<ProviderRecord>,
        kinds: Option<HashMap<String, String>>,
        storage: Vec<StorageRecord>,
        compile: &dyn Fn(&str) -> Result<crate::pattern::Pattern, String>,
    ) -> Result<(), String> {
        for record in storage {
            let family = match record.language.as_str() {
                "python" => Family::Python,
                "javascript" => Family::JavaScript,
                other => return Err(format!("storage: unknown language `{other}`")),
            };
            let stores = self.stores.entry(family).or_default();
            for call in record.calls {
                stores.push((call, record.what.clone()));
            }
        }
        for (kind, text) in kinds.unwrap_or_default() {
            self.kinds.insert(kind, text);
        }
        for record in records {
            let index = match self.list.iter().position(|p| p.id == record.id) {
                Some(i) => i,
                None => {
                    self.list.push(Provider {
                        id: record.id.clone(),
                        name: record.name.clone(),
                        aliases: Vec::new(),
                        kind: record.kind.clone(),
                        hosts: Vec::new(),
                    });
                    self.list.len() - 1
                }
            };
            let provider = &mut self.list[index];
            provider.aliases.extend(record.aliases);
            provider.hosts.extend(record.hosts);
            for (family, prefixes) in [
                (Family::Python, record.python),
                (Family::JavaScript, record.javascript),
            ] {
                for prefix in prefixes {
                    self.entries.entry(family).or_default().push(Entry {
                        provider: index,
                        prefix,
                        argument: None,
                    });
                }
            }
            for entry in record.entry {
                let family = match entry.language.as_str() {
                    "python" => Family::Python,
                    "javascript" => Family::JavaScript,
                    other => {
                        return Err(format!(
                            "provider `{}`: unknown language `{other}`",
                            record.id
                        ));
                    }
                };
                self.entries.entry(family).or_default().push(Entry {
                    provider: index,
                    prefix: entry.call,
                    argument: entry.argument.as_deref().map(compile).transpose()?,
                });
            }
        }
        self.by_prefix.clear();
        self.roots.clear();
        self.entry_roots.clear();
        self.store_roots.clear();
        for (family, stores) in &self.stores {
            for (prefix, _) in stores {
                self.store_roots.entry(*family).or_default().insert(prefix);
            }
        }
        for (family, entries) in &self.entries {
            for (i, entry) in entries.iter().enumerate() {
                self.entry_roots
                    .entry(*family)
                    .or_default()
                    .insert(&entry.prefix);
                self.roots
                    .entry(*family)
                    .or_default()
                    .insert(first_part(&entry.prefix).to_string());
                self.by_prefix
                    .entry(*family)
                    .or_default()
                    .entry(entry.prefix.clone())
                    .or_default()
                    .push(i);
            }
        }
        Ok(())
    }

    /// The entries a resolved name is under (see [`under`]), in the order they were declared.
    fn entries_under<'a>(&'a self, family: Family, resolved: &str) -> Vec<&'a Entry> {
        let (Some(entries), Some(by_prefix), Some(roots)) = (
            self.entries.get(&family),
            self.by_prefix.get(&family),
            self.roots.get(&family),
        ) else {
            return Vec::new();
        };
        if !roots.contains(first_part(resolved)) {
            return Vec::new();
        }
        // `a.B#c.d` is under `a.B#c.d`, `a.B#c`, `a.B` and `a`: its prefixes that end before a
        // separator, and itself.
        let mut found: Vec<usize> = resolved
            .match_indices(['.', '#', '/'])
            .map(|(i, _)| &resolved[..i])
            .chain(std::iter::once(resolved))
            .filter_map(|prefix| by_prefix.get(prefix))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| &entries[i]).collect()
    }

    /// What a provider's kind of recipient receives.
    pub fn sends(&self, provider: &Provider) -> &str {
        self.kinds
            .get(&provider.kind)
            .map_or("the data the code passes to it", String::as_str)
    }

    /// The provider whose API host is `host` (or a subdomain of it).
    fn by_host(&self, host: &str) -> Option<usize> {
        let host = host.to_ascii_lowercase();
        self.list.iter().position(|p| {
            p.hosts
                .iter()
                .any(|h| host == *h || host.ends_with(&format!(".{h}")))
        })
    }
}

/// A resolved name up to its first `.`, `#` or `/`.
fn first_part(name: &str) -> &str {
    name.find(['.', '#', '/']).map_or(name, |i| &name[..i])
}

/// Who receives the data.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Recipient {
    /// A provider of the table (its index in [`Providers::list`]).
    Provider(usize),
    /// An OpenAI-compatible service at a host no provider claims.
    Host(String),
}

impl Recipient {
    /// How messages and the notice name it.
    pub fn name(&self, providers: &Providers) -> String {
        match self {
            Recipient::Provider(i) => providers
                .list
                .get(*i)
                .map_or_else(|| "a third party".to_string(), |p| p.name.clone()),
            Recipient::Host(host) => format!("the service at {host}"),
        }
    }
}

/// A place where the code sends data to a third party.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub recipient: Recipient,
    /// The call's callee (where a diagnostic points).
    pub range: Range<usize>,
    /// The callee as written (`OpenAI`, `client.chat.completions.create`).
    pub callee: String,
    /// The client's `base_url` is set from a variable: the data may go elsewhere than the
    /// provider, so whether a notice names the right recipient cannot be checked.
    pub configured: bool,
}

/// Whether a resolved name is `prefix` or is under it.
fn under(resolved: &str, prefix: &str) -> bool {
    resolved == prefix
        || resolved
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(['.', '#', '/']))
}

/// Where a client is pointed at another service.
fn base_url_pattern() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(
            r#"\b(?:base_url|baseURL|baseUrl|api_base|openai_api_base|base_path|endpoint_url)\s*[=:]\s*(?:["'`](?P<url>[^"'`]*)["'`])?"#,
        )
        .expect("valid pattern")
    })
}

/// What a `base_url` argument says about the recipient.
enum Redirect {
    /// None given: the provider's own service.
    None,
    /// A local or private address: no third party.
    Local,
    /// A known host or another service.
    To(Recipient),
    /// Not a literal: unknown (configured elsewhere).
    Configured,
}

fn is_local(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.ends_with(".local")
        || host == "host.docker.internal"
        || host == "0.0.0.0"
        || host.starts_with("127.")
        || host.starts_with("10.")
        || host.starts_with("192.168.")
        || (host.starts_with("172.")
            && host
                .split('.')
                .nth(1)
                .and_then(|n| n.parse::<u8>().ok())
                .is_some_and(|n| (16..=31).contains(&n)))
        || host == "[::1]"
        || host == "::1"
}

fn redirect(arguments: &str, providers: &Providers) -> Redirect {
    let Some(captures) = base_url_pattern().captures(arguments) else {
        return Redirect::None;
    };
    let Some(url) = captures.name("url") else {
        return Redirect::Configured;
    };
    let url = url.as_str();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    if host.is_empty() || host.contains(['{', '$']) {
        return Redirect::Configured;
    }
    if is_local(host) {
        return Redirect::Local;
    }
    match providers.by_host(host) {
        Some(i) => Redirect::To(Recipient::Provider(i)),
        None => Redirect::To(Recipient::Host(host.to_ascii_lowercase())),
    }
}

/// The places a file sends data to third parties, in source order.
pub fn flows(source: &str, facts: &FileFacts, family: Family, providers: &Providers) -> Vec<Flow> {
    flows_reading(source, facts, family, providers).0
}

/// [`flows`], with the places of the text they were read from: the calls and decorators whose
/// names are under a provider's entries (their arguments' text decides the recipient). Where
/// none of those changed and the calls are the same, moved, the flows are the same, moved.
pub(crate) fn flows_reading(
    source: &str,
    facts: &FileFacts,
    family: Family,
    providers: &Providers,
) -> (Vec<Flow>, Vec<Range<usize>>) {
    let mut read = Vec::new();
    let (true, Some(roots)) = (
        providers.entries.contains_key(&family),
        providers.entry_roots.get(&family),
    ) else {
        return (Vec::new(), read);
    };
    // Where each client class is constructed with another base URL: its methods send there.
    let mut classes: HashMap<String, (Option<Recipient>, bool)> = HashMap::default();
    let mut out = Vec::new();
    // The entries under each name, looked up once per name (a file calls the same few names
    // again and again: `client.chat.completions.create`).
    let mut under: HashMap<&str, Vec<&Entry>> = HashMap::default();
    for call in &facts.calls {
        let Some(resolved) = call.resolved.as_deref().filter(|r| roots.may_hold(r)) else {
            continue;
        };
        let entries = under
            .entry(resolved)
            .or_insert_with(|| providers.entries_under(family, resolved));
        if !entries.is_empty() {
            read.push(call.range.clone());
        }
        let entry = entries
            .iter()
            .copied()
            .filter(|e| {
                e.argument.as_ref().is_none_or(|pattern| {
                    call.arguments
                        .first()
                        .and_then(|a| source.get(a.range.clone()))
                        .map(|text| text.trim_matches(|c| c == '"' || c == '\'' || c == '`'))
                        .is_some_and(|text| pattern.is_match(text))
                })
            })
            .max_by_key(|e| e.prefix.len());
        let Some(entry) = entry else {
            continue;
        };
        let arguments = source
            .get(call.callee_range.end..call.range.end)
            .unwrap_or_default();
        let (class, method) = match resolved.split_once('#') {
            Some((class, method)) => (class, Some(method)),
            None => (resolved, None),
        };
        let own = Recipient::Provider(entry.provider);
        let (recipient, configured) = match classes.get(class) {
            // A method of a client constructed here goes where the construction pointed it
            // (its arguments are not searched for a base URL then).
            Some(constructed) if method.is_some() => constructed.clone(),
            _ => match redirect(arguments, providers) {
                Redirect::Local => (None, false),
                Redirect::To(recipient) => (Some(recipient), false),
                Redirect::None => (Some(own), false),
                Redirect::Configured => (Some(own), true),
            },
        };
        if method.is_none() {
            // The first construction decides (a second one elsewhere is usually the same).
            classes
                .entry(class.to_string())
                .or_insert((recipient.clone(), configured));
        }
        if let Some(recipient) = recipient {
            out.push(Flow {
                recipient,
                range: call.callee_range.clone(),
                callee: call.callee.clone().unwrap_or_else(|| resolved.to_string()),
                configured,
            });
        }
    }
    // Decorators that send (`@traceable` traces every call of the function to LangSmith).
    for function in &facts.functions {
        for decorator in &function.decorators {
            let Some(resolved) = decorator.resolved.as_deref().filter(|r| roots.may_hold(r)) else {
                continue;
            };
            // Each name looked up once, as for calls (every tool's decorator is the same).
            let entry = under
                .entry(resolved)
                .or_insert_with(|| providers.entries_under(family, resolved))
                .iter()
                .copied()
                .filter(|e| e.argument.is_none())
                .max_by_key(|e| e.prefix.len());
            if let Some(entry) = entry {
                read.push(decorator.range.clone());
                out.push(Flow {
                    recipient: Recipient::Provider(entry.provider),
                    range: decorator.range.clone(),
                    callee: decorator
                        .callee
                        .clone()
                        .map_or_else(|| resolved.to_string(), |c| format!("@{c}")),
                    configured: false,
                });
            }
        }
    }
    out.sort_by_key(|f| f.range.start);
    (out, read)
}

/// A place where the code stores conversations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    /// Where a diagnostic points: the call, or the name of the function that writes.
    pub range: Range<usize>,
    /// The call or function as written.
    pub callee: String,
    /// What is stored, for messages.
    pub what: String,
}

/// Words that say data is a conversation.
fn conversation_words() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(
            r"(?i)(?:^|[^a-z])(?:messages?|history|histories|conversations?|chats?|transcripts?|dialog(?:ue)?s?|threads?)(?:$|[^a-z])",
        )
        .expect("valid pattern")
    })
}

/// The longest match of [`conversation_words`] in bytes, and more: a word of at most 13 letters
/// (`ſ` is two bytes) between two characters of at most four.
const CONVERSATION_MATCH: usize = 64;

/// The last version's match (or none), its length, and the lengths of the common prefix of it and
/// the new version and of the common suffix after that.
pub(crate) type LastMatch = (Option<Range<usize>>, usize, (usize, usize));

/// A match of [`conversation_words`] in `text`, or `None` if there is none, given what the last
/// version of the text had (`last`: its match, its length, and the lengths of the two versions'
/// common prefix and of the common suffix after it). A match outside the change is still one; a
/// text that had none can only have one across the change: only that is searched (a whole
/// TypeScript file without one was read byte by byte on every keystroke: 13% of its analysis).
pub(crate) fn conversation_match(text: &str, last: Option<LastMatch>) -> Option<Range<usize>> {
    let words = conversation_words();
    let everywhere = || words.find(text).map(|m| m.range());
    let Some((found, old_len, (prefix, suffix))) = last else {
        return everywhere();
    };
    let new_len = text.len();
    if prefix + suffix > old_len.min(new_len) {
        return everywhere();
    }
    match found {
        // Before the change (not at the end, where `$` matched).
        Some(r) if r.end <= prefix && r.end < old_len => Some(r),
        // After it (not at the start, where `^` matched).
        Some(r) if r.start > 0 && r.start >= old_len - suffix => {
            Some(r.start + new_len - old_len..r.end + new_len - old_len)
        }
        Some(_) => everywhere(),
        None => {
            // Across the change: from a match's length before it to the first line break a
            // match's length after it (a match ending there by `$` ends on that line break in
            // the whole text, a character that is not a letter).
            let mut start = prefix.saturating_sub(CONVERSATION_MATCH);
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let after = (new_len - suffix + CONVERSATION_MATCH).min(new_len);
            let end = text.as_bytes()[after..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(new_len, |i| after + i);
            words.find_at(&text[..end], start).map(|m| m.range())
        }
    }
}

/// SQL that inserts into a conversation table.
fn insert_into_conversation() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(
            r"(?i)\b(?:insert\s+(?:or\s+\w+\s+)?into|upsert\s+into)\s+[`\x22\[]?\w*(?:message|history|conversation|chat|transcript|dialog)",
        )
        .expect("valid pattern")
    })
}

/// Where `text` says `into` in any case, as AL403's SQL expression would find it (with the same
/// engine and case rules, so no call that matches is skipped); given the places in a `previous`
/// text, searched again only in the lines that changed (the word spans no line), with the texts'
/// common ends if known. The same as searching the whole text.
pub(crate) fn into_places(
    text: &str,
    previous: Option<(&str, &[Range<usize>])>,
    ends: Option<(usize, usize)>,
) -> Vec<Range<usize>> {
    static INTO: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let into = INTO.get_or_init(|| regex::Regex::new(r"(?i)into").expect("valid pattern"));
    let search = |from: usize, to: usize| {
        into.find_iter(&text[from..to])
            .map(move |m| m.start() + from..m.end() + from)
    };
    let Some((old, old_places)) = previous else {
        return search(0, text.len()).collect();
    };
    let lines = crate::cache::changed_lines_at(old, text, ends);
    let (before, after) = lines.around(old_places, |p| p.start);
    let mut places = before.to_vec();
    places.extend(search(lines.new.start, lines.new.end));
    places.extend(
        after
            .iter()
            .map(|p| lines.moved(p.start)..lines.moved(p.end)),
    );
    places
}

/// Where a file stores conversations: a known message store or checkpointer (`[[storage]]`),
/// SQL inserting into a conversation table, or a function named for conversations that writes
/// files or a database.
///
/// `conversations`: whether the source mentions conversations ([`conversation_match`]), if known;
/// `intos`: where it says `into` ([`into_places`]), if known.
pub fn storage(
    source: &str,
    locator: &crate::syntax::Locator<'_>,
    language: crate::syntax::Language,
    facts: &FileFacts,
    knowledge: &crate::knowledge::Knowledge,
    conversations: Option<bool>,
    intos: Option<&[Range<usize>]>,
) -> Vec<Store> {
    let family = language.family();
    let mut out: Vec<Store> = Vec::new();
    if let (Some(stores), Some(roots)) = (
        knowledge.providers.stores.get(&family),
        knowledge.providers.store_roots.get(&family),
    ) {
        // Calls repeat names: each name is compared with the entry points once.
        let mut seen: rustc_hash::FxHashMap<&str, Option<&String>> = Default::default();
        for call in &facts.calls {
            let Some(resolved) = call.resolved.as_deref().filter(|r| roots.may_hold(r)) else {
                continue;
            };
            let found = *seen.entry(resolved).or_insert_with(|| {
                stores
                    .iter()
                    .filter(|(prefix, _)| under(resolved, prefix))
                    .max_by_key(|(prefix, _)| prefix.len())
                    .map(|(_, what)| what)
            });
            if let Some(what) = found {
                out.push(Store {
                    range: call.callee_range.clone(),
                    callee: call.callee.clone().unwrap_or_else(|| resolved.to_string()),
                    what: what.clone(),
                });
            }
        }
    }
    if !conversations.unwrap_or_else(|| conversation_words().is_match(source)) {
        return out;
    }
    // The SQL expression needs `into`: only the calls around one are searched (a search of every
    // call's text searched nested calls' text again, on every keystroke).
    let found;
    let intos = match intos {
        Some(intos) => intos,
        None => {
            found = into_places(source, None, None);
            &found
        }
    };
    let has_into = |range: &Range<usize>| {
        let i = intos.partition_point(|m| m.start < range.start);
        intos.get(i).is_some_and(|m| m.end <= range.end)
    };
    for call in &facts.calls {
        if !has_into(&call.range) {
            continue;
        }
        let text = source.get(call.range.clone()).unwrap_or_default();
        if insert_into_conversation().is_match(text)
            && !out
                .iter()
                .any(|s| s.range.start <= call.range.start && call.range.start < s.range.end)
        {
            out.push(Store {
                range: call.callee_range.clone(),
                callee: call.callee.clone().unwrap_or_default(),
                what: "messages in a database".to_string(),
            });
        }
    }
    let named: Vec<usize> = facts
        .functions
        .iter()
        .enumerate()
        // `_` separates words as a space would: the pattern's word edges are any non-letter.
        .filter(|(_, f)| conversation_words().is_match(&f.name))
        .map(|(i, _)| i)
        .collect();
    if !named.is_empty() {
        let capabilities = crate::agent::capabilities::Capabilities::compute(
            source, locator, language, facts, knowledge,
        );
        for i in named {
            let function = &facts.functions[i];
            let effects = capabilities.of_function(i);
            let written = effects
                .iter()
                .find(|(effect, _)| {
                    matches!(
                        effect,
                        crate::knowledge::Effect::FsWrite | crate::knowledge::Effect::DatabaseWrite
                    )
                })
                .map(|(effect, _)| *effect);
            let Some(effect) = written else {
                continue;
            };
            if out
                .iter()
                .any(|s| function.range.start <= s.range.start && s.range.end <= function.range.end)
            {
                continue;
            }
            out.push(Store {
                range: function.name_range.clone(),
                callee: function.name.clone(),
                what: match effect {
                    crate::knowledge::Effect::DatabaseWrite => "messages in a database",
                    _ => "messages in files",
                }
                .to_string(),
            });
        }
    }
    out.sort_by_key(|s| s.range.start);
    out
}

/// A flow as the project sees it: which file and line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectFlow {
    pub recipient: Recipient,
    pub configured: bool,
    /// Relative to the project's root, `/`-separated.
    pub path: String,
    /// 1-based.
    pub line: u32,
    pub callee: String,
}

/// The project's privacy notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Relative to the project's root, `/`-separated: `PRIVACY.md`, `README.md`.
    pub path: String,
    /// The text that counts: the whole file, or the README's privacy section.
    pub text: String,
    /// Whether agentlint may append to it (a notice file of its own, not a README section or a
    /// page of the UI).
    pub appendable: bool,
    /// The text is the notice itself. `false` for UI code that only links to a privacy policy
    /// published elsewhere: the project has a notice, but what it says cannot be checked.
    pub checkable: bool,
}

/// What the rules know about the project: its notice, if any, and every flow of its files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProjectPrivacy {
    pub root: PathBuf,
    pub notice: Option<Notice>,
    pub flows: Vec<ProjectFlow>,
}

/// File names (lower case, without extension) that are a privacy notice on their own.
const NOTICE_NAMES: &[&str] = &[
    "privacy",
    "privacy-policy",
    "privacy_policy",
    "privacypolicy",
    "privacy-notice",
    "privacy_notice",
    "data-privacy",
];

/// Whether a project-relative path is a privacy notice file (`PRIVACY.md`, `docs/privacy.md`,
/// `app/privacy/page.tsx`, `pages/privacy-policy.html`).
pub fn is_notice_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let Some(file) = parts.pop() else {
        return false;
    };
    let stem = file.split('.').next().unwrap_or(file);
    NOTICE_NAMES.contains(&stem)
        || (matches!(stem, "page" | "index" | "route")
            && parts.last().is_some_and(|dir| NOTICE_NAMES.contains(dir)))
}

/// A README's privacy section: from a heading that says privacy (or data handling) to the next
/// heading of the same or a higher level.
pub fn readme_section(text: &str) -> Option<String> {
    static HEADING: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let heading = HEADING.get_or_init(|| {
        regex::Regex::new(r"(?im)^(#{1,6})[ \t]+[^\n]*(?:privacy|data (?:handling|usage|use|protection)|隐私)[^\n]*$")
            .expect("valid pattern")
    });
    let found = heading.captures(text)?;
    let level = found.get(1)?.as_str().len();
    let start = found.get(0)?.start();
    let body_start = found.get(0)?.end();
    let mut end = text.len();
    let mut offset = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if hashes > 0 && hashes <= level && line[hashes..].starts_with([' ', '\t']) {
            end = offset;
            break;
        }
        offset += line.len();
    }
    Some(text[start..end].to_string())
}

/// Whether UI code links to a privacy policy: a link whose text says privacy policy (or
/// notice), or a URL with `privacy` in it.
pub fn links_to_policy(text: &str) -> bool {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r#"(?is)href\s*=\s*["'{][^>]{0,200}?>\s*privacy(?:[ _-]?policy| notice)|privacy[ _-]?policy[^\n]{0,80}https?://|https?://[^\s"'`]*privacy"#,
        )
        .expect("valid pattern")
    });
    pattern.is_match(text)
}

/// Whether the notice names a provider: its name or one of its aliases, as whole words, in any
/// case (names in CJK scripts as substrings).
pub fn names(notice: &str, provider: &Provider) -> bool {
    let lower = notice.to_lowercase();
    std::iter::once(&provider.name)
        .chain(&provider.aliases)
        .any(|name| {
            let name = name.to_lowercase();
            if !name.is_ascii() {
                return lower.contains(&name);
            }
            lower.match_indices(&name).any(|(at, _)| {
                let before = lower[..at].chars().next_back();
                let after = lower[at + name.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
}

/// Whether a notice names a recipient; a host is named by its host name or its domain.
pub fn names_recipient(notice: &str, recipient: &Recipient, providers: &Providers) -> bool {
    match recipient {
        Recipient::Provider(i) => providers.list.get(*i).is_some_and(|p| names(notice, p)),
        Recipient::Host(host) => {
            let lower = notice.to_lowercase();
            let parts: Vec<&str> = host.split('.').collect();
            let domain = if parts.len() >= 2 {
                parts[parts.len() - 2..].join(".")
            } else {
                host.clone()
            };
            lower.contains(host.as_str()) || lower.contains(&domain)
        }
    }
}

/// Whether the notice says anything about storing conversations or how long data is kept.
pub fn mentions_storage(notice: &str) -> bool {
    static WORDS: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let words = WORDS.get_or_init(|| {
        regex::Regex::new(r"(?i)\b(?:stor(?:e|es|ed|age|ing)|retain(?:s|ed)?|retention|kept|keep|saved?|persist\w*|delet\w*|log(?:s|ged)?)\b|保存|存储")
            .expect("valid pattern")
    });
    words.is_match(notice)
}

/// A notice's section for one recipient: what it receives, where in the code, and what only the
/// author can say (the draft's sections, and the one AL402 appends).
pub fn recipient_section(name: &str, sends: &str, places: &[String]) -> String {
    let sends = sends.replacen(": ", " — ", 1);
    format!(
        "### {name}\n\n- What is sent: {sends}.\n- Where in the code: {}.\n\
         - TODO: the purpose, the provider's data retention and whether it trains on the data \
         (see its terms), and the region where it is processed.\n",
        places.join(", ")
    )
}

/// A first draft of `PRIVACY.md` from the project's flows: each recipient, what it receives and
/// where in the code, with TODO markers for what only the author knows.
pub fn draft_notice(flows: &[ProjectFlow], providers: &Providers) -> String {
    let mut recipients: Vec<&Recipient> = Vec::new();
    for flow in flows {
        if !recipients.contains(&&flow.recipient) {
            recipients.push(&flow.recipient);
        }
    }
    let mut out = String::from(
        "# Privacy\n\n\
         <!-- A first draft written by agentlint from the code. Complete every TODO, check each \
         statement, and keep this file up to date: agentlint reports recipients the code sends to \
         that it does not name. -->\n\n\
         TODO: one sentence on what this agent does and who runs it (name and contact).\n\n\
         ## Where your data goes\n\n\
         To answer you, this agent sends data to the following services. Each processes it under \
         its own terms and privacy policy.\n\n",
    );
    for recipient in recipients {
        let name = recipient.name(providers);
        let sends = match recipient {
            Recipient::Provider(i) => providers
                .list
                .get(*i)
                .map_or("the data the code passes to it", |p| providers.sends(p)),
            Recipient::Host(_) => "prompts and conversation history (an OpenAI-compatible service)",
        };
        let places: Vec<String> = flows
            .iter()
            .filter(|f| &f.recipient == recipient)
            .map(|f| format!("`{}:{}`", f.path, f.line))
            .take(5)
            .collect();
        out.push_str(&recipient_section(&name, sends, &places));
        out.push('\n');
    }
    out.push_str(
        "## What this agent stores\n\n\
         TODO: whether conversations, files or tool results are stored, where, for how long, and \
         how a user can have them deleted. If nothing is stored, say so.\n\n\
         ## Contact\n\n\
         TODO: how users can ask questions about their data or request its deletion.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text with conversation words, parts of them, line breaks, letters and non-ASCII.
    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("messages"),
                Just("chat"),
                Just("Thread"),
                Just("histories"),
                Just("ſ"),
                Just("me"),
                Just("ssage"),
                Just("\n"),
                Just(" "),
                Just("_"),
                Just("x"),
                Just("中"),
                Just("conversation"),
            ],
            0..30,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        /// Searched across the change only, from the last version's answer, a text mentions
        /// conversations exactly when it does searched whole, and the place given is a match.
        #[test]
        fn conversations_found_across_a_change_are_those_found_whole(
            old in text(),
            insert in text(),
            at in 0usize..400,
            cut in 0usize..40,
        ) {
            let new = crate::cache::edited(&old, &insert, at, cut);
            let last = conversation_match(&old, None);
            let ends = crate::cache::common_ends(old.as_bytes(), new.as_bytes());
            let found = conversation_match(&new, Some((last, old.len(), ends)));
            prop_assert_eq!(found.is_some(), conversation_words().is_match(&new));
            if let Some(r) = found {
                prop_assert_eq!(
                    conversation_words().find_at(&new, r.start).map(|m| m.range()),
                    Some(r)
                );
            }
        }
    }

    proptest! {
        /// A name under one of the names put in a [`Roots`] is never ruled out by it.
        #[test]
        fn roots_never_rule_out_a_name_under_theirs(
            prefixes in proptest::collection::vec("[a-zA-Z_@][a-zA-Z0-9_./#-]{0,12}", 1..8),
            rest in "[a-zA-Z0-9_./#]{0,10}",
            separator in proptest::sample::select(&[".", "#", "/"][..]),
        ) {
            let mut roots = Roots::default();
            for prefix in &prefixes {
                roots.insert(prefix);
            }
            for prefix in &prefixes {
                prop_assert!(roots.may_hold(prefix));
                let name = format!("{prefix}{separator}{rest}");
                prop_assert!(under(&name, prefix));
                prop_assert!(roots.may_hold(&name), "{name} under {prefix}");
            }
        }
    }

    #[test]
    fn roots_rule_out_most_other_names() {
        let providers = &crate::knowledge::Knowledge::builtin().providers;
        let roots = &providers.entry_roots[&Family::Python];
        let others = [
            "len",
            "json.loads",
            "builtins.open",
            "os.path.join",
            "requests.get",
            "str.lower",
        ];
        let held = others.iter().filter(|n| roots.may_hold(n)).count();
        assert!(held <= 1, "{held} of {others:?}");
        assert!(roots.may_hold("openai.OpenAI#chat.completions.create"));
    }

    proptest! {
        /// Where a text says `into`, found again only in the lines that changed, is where a
        /// search of the whole text finds it.
        #[test]
        fn intos_found_across_a_change_are_those_found_whole(
            old in proptest::collection::vec(
                proptest::sample::select(&["INTO", "in", "to", "into", "ınto", "\n", "\r\n", " ", "x", "中"][..]),
                0..30,
            ),
            edits in proptest::collection::vec(
                (0usize..200, 0usize..8, proptest::sample::select(&["in", "to", "\n", "", "Into", "o", "\r"][..])),
                1..6,
            ),
        ) {
            let mut text = old.concat();
            let mut places = into_places(&text, None, None);
            for (at, cut, insert) in edits {
                let next = crate::cache::edited(&text, insert, at, cut);
                let since = into_places(&next, Some((&text, &places)), None);
                prop_assert_eq!(&since, &into_places(&next, None, None), "{:?} -> {:?}", text, next);
                text = next;
                places = since;
            }
        }
    }

    #[test]
    fn notice_paths() {
        for path in [
            "PRIVACY.md",
            "privacy.txt",
            "docs/privacy-policy.md",
            "app/privacy/page.tsx",
            "PRIVACY",
        ] {
            assert!(is_notice_path(path), "{path}");
        }
        for path in ["src/privacy_utils.py", "README.md", "app/page.tsx"] {
            assert!(!is_notice_path(path), "{path}");
        }
    }

    #[test]
    fn readme_sections() {
        let readme = "# Bot\n\nIntro.\n\n## Privacy\n\nWe send messages to OpenAI.\n\n### Details\n\nMore.\n\n## License\n\nMIT\n";
        let section = readme_section(readme).unwrap();
        assert!(section.starts_with("## Privacy"));
        assert!(section.contains("### Details"));
        assert!(!section.contains("License"));
        assert!(readme_section("# Bot\n\nNo such section.\n").is_none());
    }

    #[test]
    fn local_hosts() {
        for host in [
            "localhost",
            "127.0.0.1",
            "192.168.1.9",
            "172.20.0.2",
            "host.docker.internal",
        ] {
            assert!(is_local(host), "{host}");
        }
        for host in ["api.deepseek.com", "172.32.0.1", "8.8.8.8"] {
            assert!(!is_local(host), "{host}");
        }
    }
}
