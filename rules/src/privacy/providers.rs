//! The providers table: third parties, the SDK entry points that send to them, and where
//! conversations are stored (`rules/data/providers.toml`).

use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;

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
pub(super) struct Entry {
    pub(super) provider: usize,
    pub(super) prefix: String,
    /// The first argument (a string) must match.
    pub(super) argument: Option<crate::pattern::Pattern>,
}

/// The providers and their entry points.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    pub list: Vec<Provider>,
    /// What each kind of recipient receives (`[kinds]`).
    pub kinds: HashMap<String, String>,
    pub(super) entries: HashMap<Family, Vec<Entry>>,
    /// Indices in `entries` by family and prefix, so a call finds its entries by the prefixes of
    /// its name instead of comparing it with every entry.
    by_prefix: HashMap<Family, rustc_hash::FxHashMap<String, Vec<usize>>>,
    /// The first part (before any `.`, `#` or `/`) of every prefix, by family: a name whose first
    /// part is not one is under no entry (most calls of a file), told by one lookup.
    roots: HashMap<Family, rustc_hash::FxHashSet<String>>,
    /// Entry points that store conversations: (prefix, what).
    pub(super) stores: HashMap<Family, Vec<(String, String)>>,
    /// The first parts of the entries' prefixes and of the stores', as bits (see [`Roots`]).
    pub(super) entry_roots: HashMap<Family, Roots>,
    pub(super) store_roots: HashMap<Family, Roots>,
}

/// A set of names' first parts (`openai` of `openai.OpenAI#chat.completions.create`) as bits: a
/// name whose first part has no bit is under none of the names (most of a file's calls: `len`,
/// `json.loads`), told without hashing the name. A set bit only says "look it up".
#[derive(Clone, Debug, Default)]
pub(super) struct Roots {
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
    pub(super) fn may_hold(&self, name: &str) -> bool {
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
    pub(super) fn entries_under<'a>(&'a self, family: Family, resolved: &str) -> Vec<&'a Entry> {
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
    pub(super) fn by_host(&self, host: &str) -> Option<usize> {
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

/// Whether a resolved name is `prefix` or is under it.
pub(super) fn under(resolved: &str, prefix: &str) -> bool {
    resolved == prefix
        || resolved
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(['.', '#', '/']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
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
}
