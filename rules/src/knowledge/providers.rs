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
    /// How model strings name it: `anthropic` in `anthropic/claude-…` (LiteLLM, gateways) and
    /// `anthropic:claude-…` (pydantic-ai, LangChain's `init_chat_model`).
    #[serde(default)]
    routes: Vec<String>,
    /// How its models' own names start (`claude-`), for a model string without a route.
    #[serde(default)]
    models: Vec<String>,
    /// Paths of URLs only its API has (`/openai/deployments/`): a base URL whose host is
    /// configured but whose path is one of these sends here.
    #[serde(default)]
    paths: Vec<String>,
    /// Environment variables that turn sending on (`LANGSMITH_TRACING`).
    #[serde(default)]
    switches: Vec<String>,
}

/// `[[model]]`, `[[client]]` and `[[function]]` in a data file: what sends (the generated
/// `rules/data/sdks/*.toml`, and the hand-written rest in `providers.toml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SendsRecord {
    language: String,
    provider: String,
    #[serde(default)]
    kind: Option<String>,
    names: Vec<String>,
    /// (`[[client]]`) the methods that send, relative to the client (`chat.completions.create`).
    #[serde(default)]
    sends: Vec<String>,
}

/// `[[router]]` in a data file: calls that send to whichever provider their model string names.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RouterRecord {
    language: String,
    names: Vec<String>,
    /// The keyword (Python) or property (JavaScript, of an object argument) of the model.
    #[serde(default)]
    model: Option<String>,
    /// The model's position when passed positionally.
    #[serde(default)]
    position: Option<usize>,
    /// The provider when the call names no model (a framework's default).
    #[serde(default)]
    default: Option<String>,
    /// The provider every model string goes through (a gateway), whatever it names.
    #[serde(default)]
    via: Option<String>,
    /// The keyword (or property) that names the provider apart from the model
    /// (`init_chat_model("gpt-4o", model_provider="openai")`).
    #[serde(default)]
    route: Option<String>,
    /// The call makes a model or an agent (it sends when used, often inside a framework): it is
    /// the flow whatever its other arguments are, as a model's construction is.
    #[serde(default)]
    constructs: bool,
}

/// `[[package]]` and `[[unmapped]]` in the generated tables: what they were generated from, and
/// what they leave out and why (read by people and tests, not by the analysis).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PackageRecord {
    language: String,
    name: String,
    version: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnmappedRecord {
    language: String,
    names: Vec<String>,
    reason: String,
}

/// `[sending]` in a data file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct SendingRecord {
    /// Arguments that configure a call rather than carry data (`model`, `temperature`): a call
    /// whose other arguments are all constants sends nothing of a user's.
    #[serde(default)]
    settings: Vec<String>,
    /// Routes of model strings that are local models (`ollama/llama3`).
    #[serde(default)]
    local_routes: Vec<String>,
    /// Keys local model servers are given because the client needs one (`"not-needed"`,
    /// `"EMPTY"`, `"ollama"`): a client pointed at a configured address with one of these is a
    /// local model.
    #[serde(default)]
    local_keys: Vec<String>,
    /// Modules whose import means the file serves other people (a web framework, a chat UI,
    /// a bot): `fastapi`, `gradio`, `next/server`. A prefix matches its submodules.
    #[serde(default)]
    serving_modules: Vec<String>,
    /// File names that are web routes by a framework's convention (`route.ts`, `+server.ts`),
    /// and directories whose files are (`pages/api`).
    #[serde(default)]
    serving_files: Vec<String>,
    /// UI fields that ask the app's user for a text (`streamlit.text_input`): one labelled with a
    /// provider's name and "API key" asks for the user's own key to that provider.
    #[serde(default)]
    key_inputs: Vec<String>,
    /// Calls that ask the person running the program for text at a terminal (`builtins.input`,
    /// `prompt_toolkit`); a module matches the calls below it.
    #[serde(default)]
    terminal_inputs: Vec<String>,
    /// Calls that only encode what they are given (`JSON.stringify`, `json.dumps`): data reaches
    /// a request through one only if it is in its arguments.
    #[serde(default)]
    encoders: Vec<String>,
}

/// The privacy tables of one data file.
#[derive(Default)]
pub(crate) struct PrivacyTables {
    pub providers: Vec<ProviderRecord>,
    pub kinds: Option<HashMap<String, String>>,
    pub storage: Vec<StorageRecord>,
    pub models: Vec<SendsRecord>,
    pub clients: Vec<SendsRecord>,
    pub functions: Vec<SendsRecord>,
    pub routers: Vec<RouterRecord>,
    pub packages: Vec<PackageRecord>,
    pub unmapped: Vec<UnmappedRecord>,
    pub sending: Option<SendingRecord>,
}

impl PrivacyTables {
    pub(crate) fn is_empty(&self) -> bool {
        self.providers.is_empty()
            && self.kinds.is_none()
            && self.storage.is_empty()
            && self.models.is_empty()
            && self.clients.is_empty()
            && self.functions.is_empty()
            && self.routers.is_empty()
            && self.packages.is_empty()
            && self.unmapped.is_empty()
            && self.sending.is_none()
    }
}

/// What a name the tables list does when called.
#[derive(Clone, Debug)]
pub(crate) enum Sends {
    /// A model class or factory: constructing one decides where prompts go; it sends when used.
    Model { provider: usize },
    /// An SDK client: the methods in `sends` send (`chat.completions.create`).
    Client {
        provider: usize,
        sends: std::sync::Arc<rustc_hash::FxHashSet<String>>,
    },
    /// A function that sends.
    Function { provider: usize },
    /// Sends to whichever provider its model string names.
    Router(std::sync::Arc<Router>),
}

/// A call that sends where its model string says.
#[derive(Clone, Debug)]
pub(crate) struct Router {
    pub model: Option<String>,
    pub position: Option<usize>,
    pub default: Option<usize>,
    pub via: Option<usize>,
    pub route: Option<String>,
    pub constructs: bool,
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
    pub routes: Vec<String>,
    pub models: Vec<String>,
    pub paths: Vec<String>,
    pub switches: Vec<String>,
}

/// An entry point: a call (or the prefix of calls) that sends to a provider.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) provider: usize,
    pub(crate) prefix: String,
    /// The first argument (a string) must match.
    pub(crate) argument: Option<crate::pattern::Pattern>,
    /// Some table lists a name under the prefix: only what the tables list sends (a type or an
    /// error class of the SDK does not). Without one, every call under it counts.
    pub(crate) tabled: bool,
}

/// The providers and their entry points.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    pub list: Vec<Provider>,
    /// What each kind of recipient receives (`[kinds]`).
    pub kinds: HashMap<String, String>,
    pub(crate) entries: HashMap<Family, Vec<Entry>>,
    /// Indices in `entries` by family and prefix, so a call finds its entries by the prefixes of
    /// its name instead of comparing it with every entry.
    by_prefix: HashMap<Family, rustc_hash::FxHashMap<String, Vec<usize>>>,
    /// The first part (before any `.`, `#` or `/`) of every prefix, by family: a name whose first
    /// part is not one is under no entry (most calls of a file), told by one lookup.
    roots: HashMap<Family, rustc_hash::FxHashSet<String>>,
    /// Entry points that store conversations: (prefix, what).
    pub(crate) stores: HashMap<Family, Vec<(String, String)>>,
    /// The first parts of the entries' prefixes and of the stores', as bits (see [`Roots`]).
    pub(crate) entry_roots: HashMap<Family, Roots>,
    pub(crate) store_roots: HashMap<Family, Roots>,
    /// What each listed name does, by family.
    pub(crate) sends: HashMap<Family, HashMap<String, Sends>>,
    /// The first parts of the listed names, as bits.
    pub(crate) listed_roots: HashMap<Family, Roots>,
    /// Arguments that configure a call (`[sending] settings`).
    pub(crate) settings: rustc_hash::FxHashSet<String>,
    /// Routes of model strings that are local models.
    pub(crate) local_routes: Vec<String>,
    /// `[sending] local-keys`, in lower case.
    pub(crate) local_keys: Vec<String>,
    /// `[sending] serving-modules` and `serving-files`.
    pub(crate) serving_modules: Vec<String>,
    pub(crate) serving_files: Vec<String>,
    /// `[sending] key-inputs`.
    pub(crate) key_inputs: Vec<String>,
    /// `[sending] terminal-inputs`.
    pub(crate) terminal_inputs: Vec<String>,
    /// `[sending] encoders`, as written in code.
    pub(crate) encoders: rustc_hash::FxHashSet<String>,
    /// Code that sets a provider's switch on (`os.environ["LANGSMITH_TRACING"] = "true"`): the
    /// switch's name is the group `name`.
    pub(crate) switch_pattern: Option<regex::Regex>,
    /// What the generated tables were made from.
    pub packages: Vec<(Family, String, String)>,
    /// What the generated tables leave out, and why: (family, name, reason).
    pub unmapped: Vec<(Family, String, String)>,
}

/// A set of names' first parts (`openai` of `openai.OpenAI#chat.completions.create`) as bits: a
/// name whose first part has no bit is under none of the names (most of a file's calls: `len`,
/// `json.loads`), told without hashing the name. A set bit only says "look it up".
#[derive(Clone, Debug, Default)]
pub(crate) struct Roots {
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
    pub(crate) fn may_hold(&self, name: &str) -> bool {
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
        tables: PrivacyTables,
        compile: &dyn Fn(&str) -> Result<crate::pattern::Pattern, String>,
    ) -> Result<(), String> {
        for record in tables.storage {
            let family = family(&record.language, "storage")?;
            let stores = self.stores.entry(family).or_default();
            for call in record.calls {
                stores.push((call, record.what.clone()));
            }
        }
        for (kind, text) in tables.kinds.unwrap_or_default() {
            self.kinds.insert(kind, text);
        }
        if let Some(sending) = tables.sending {
            self.settings.extend(sending.settings);
            self.local_routes.extend(sending.local_routes);
            self.local_keys
                .extend(sending.local_keys.iter().map(|k| k.to_ascii_lowercase()));
            self.serving_modules.extend(sending.serving_modules);
            self.serving_files.extend(sending.serving_files);
            self.key_inputs.extend(sending.key_inputs);
            self.terminal_inputs.extend(sending.terminal_inputs);
            self.encoders.extend(sending.encoders);
        }
        for record in tables.providers {
            let index = match self.list.iter().position(|p| p.id == record.id) {
                Some(i) => i,
                None => {
                    self.list.push(Provider {
                        id: record.id.clone(),
                        name: record.name.clone(),
                        aliases: Vec::new(),
                        kind: record.kind.clone(),
                        hosts: Vec::new(),
                        routes: Vec::new(),
                        models: Vec::new(),
                        paths: Vec::new(),
                        switches: Vec::new(),
                    });
                    self.list.len() - 1
                }
            };
            let provider = &mut self.list[index];
            provider.aliases.extend(record.aliases);
            provider.hosts.extend(record.hosts);
            provider
                .routes
                .extend(record.routes.iter().map(|r| r.to_ascii_lowercase()));
            provider
                .models
                .extend(record.models.iter().map(|m| m.to_ascii_lowercase()));
            provider.paths.extend(record.paths);
            provider.switches.extend(record.switches);
            for (family, prefixes) in [
                (Family::Python, record.python),
                (Family::JavaScript, record.javascript),
            ] {
                for prefix in prefixes {
                    self.entries.entry(family).or_default().push(Entry {
                        provider: index,
                        prefix,
                        argument: None,
                        tabled: false,
                    });
                }
            }
            for entry in record.entry {
                let family = family(&entry.language, &format!("provider `{}`", record.id))?;
                self.entries.entry(family).or_default().push(Entry {
                    provider: index,
                    prefix: entry.call,
                    argument: entry.argument.as_deref().map(compile).transpose()?,
                    tabled: false,
                });
            }
        }
        let provider_of = |list: &[Provider], id: &str, what: &str| {
            list.iter()
                .position(|p| p.id == id)
                .ok_or_else(|| format!("{what}: unknown provider `{id}`"))
        };
        for (table, records) in [
            ("model", tables.models),
            ("client", tables.clients),
            ("function", tables.functions),
        ] {
            for record in records {
                let family = family(&record.language, table)?;
                let provider = provider_of(&self.list, &record.provider, table)?;
                if let Some(kind) = &record.kind
                    && !matches!(kind.as_str(), "llm" | "embeddings")
                {
                    return Err(format!("{table}: unknown kind `{kind}` (llm, embeddings)"));
                }
                let sends = match table {
                    "model" => Sends::Model { provider },
                    "client" => Sends::Client {
                        provider,
                        sends: std::sync::Arc::new(record.sends.into_iter().collect()),
                    },
                    _ => Sends::Function { provider },
                };
                let names = self.sends.entry(family).or_default();
                for name in record.names {
                    names.insert(name, sends.clone());
                }
            }
        }
        for record in tables.routers {
            let family = family(&record.language, "router")?;
            let find = |id: &Option<String>| {
                id.as_deref()
                    .map(|id| provider_of(&self.list, id, "router"))
                    .transpose()
            };
            let router = std::sync::Arc::new(Router {
                model: record.model,
                position: record.position,
                default: find(&record.default)?,
                via: find(&record.via)?,
                route: record.route,
                constructs: record.constructs,
            });
            let names = self.sends.entry(family).or_default();
            for name in record.names {
                names.insert(name, Sends::Router(router.clone()));
            }
        }
        for record in tables.packages {
            let family = family(&record.language, "package")?;
            self.packages.push((family, record.name, record.version));
        }
        for record in tables.unmapped {
            let family = family(&record.language, "unmapped")?;
            for name in record.names {
                self.unmapped.push((family, name, record.reason.clone()));
            }
        }
        let switches: Vec<String> = self
            .list
            .iter()
            .flat_map(|p| p.switches.iter().map(|s| regex::escape(s)))
            .collect();
        self.switch_pattern = if switches.is_empty() {
            None
        } else {
            Some(
                regex::Regex::new(&format!(
                    r#"\b(?P<name>{})\b["'`\]]{{0,2}}\s*(?:=|,|:)\s*["'`]?(?i:true|1)\b"#,
                    switches.join("|")
                ))
                .map_err(|e| format!("switches: {e}"))?,
            )
        };
        self.by_prefix.clear();
        self.roots.clear();
        self.entry_roots.clear();
        self.store_roots.clear();
        self.listed_roots.clear();
        for (family, stores) in &self.stores {
            for (prefix, _) in stores {
                self.store_roots.entry(*family).or_default().insert(prefix);
            }
        }
        for (family, names) in &self.sends {
            for name in names.keys() {
                self.listed_roots.entry(*family).or_default().insert(name);
            }
        }
        for (family, entries) in &mut self.entries {
            // Every prefix of a listed name (that ends before a separator), and the name.
            let mut listed: rustc_hash::FxHashSet<&str> = Default::default();
            for (name, sends) in self.sends.get(family).into_iter().flatten() {
                if !matches!(sends, Sends::Router(_)) {
                    listed.extend(name.match_indices(['.', '#', '/']).map(|(i, _)| &name[..i]));
                    listed.insert(name);
                }
            }
            for (i, entry) in entries.iter_mut().enumerate() {
                entry.tabled = listed.contains(entry.prefix.as_str());
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

    /// What a listed name does when called.
    pub(crate) fn listed(&self, family: Family, name: &str) -> Option<&Sends> {
        self.sends.get(&family)?.get(name)
    }

    /// Whether a name may be one the tables list, or a method of a class they list (never
    /// false when it is).
    pub(crate) fn may_be_listed(&self, family: Family, name: &str) -> bool {
        self.listed_roots
            .get(&family)
            .is_some_and(|roots| roots.may_hold(name))
    }

    /// Whether an argument (a keyword or an object's property) configures a call rather than
    /// carrying data.
    pub(crate) fn is_setting(&self, name: &str) -> bool {
        self.settings.contains(name)
    }

    /// The recipient a model string names (`openai/gpt-4o`, `anthropic:claude-…`, `gpt-4o`):
    /// `Ok(None)` for a local model, `Err(route)` for a route no provider claims (empty for a
    /// bare model name no provider's models start with).
    pub(crate) fn by_model_string(&self, model: &str) -> Result<Option<usize>, String> {
        let lower = model.trim().to_ascii_lowercase();
        if let Some((route, _)) = lower.split_once([':', '/']) {
            if self.local_routes.iter().any(|r| *r == route) {
                return Ok(None);
            }
            if let Some(i) = self
                .list
                .iter()
                .position(|p| p.routes.iter().any(|r| *r == route))
            {
                return Ok(Some(i));
            }
        }
        // A bare model name (`gpt-4o`, `claude-3-5-sonnet`), or one after an unknown route.
        let name = lower.rsplit(['/', ':']).next().unwrap_or(&lower);
        match self
            .list
            .iter()
            .position(|p| p.models.iter().any(|m| name.starts_with(m.as_str())))
        {
            Some(i) if !lower.contains(['/', ':']) => Ok(Some(i)),
            // An unknown route names the provider; an unknown bare name names none.
            _ => Err(lower
                .split_once(['/', ':'])
                .map(|(route, _)| route.to_string())
                .unwrap_or_default()),
        }
    }

    /// The entries a resolved name is under (see [`under`]), in the order they were declared.
    pub(crate) fn entries_under<'a>(&'a self, family: Family, resolved: &str) -> Vec<&'a Entry> {
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

    /// The provider a switch (`LANGSMITH_TRACING`) turns on.
    pub(crate) fn by_switch(&self, name: &str) -> Option<usize> {
        self.list
            .iter()
            .position(|p| p.switches.iter().any(|s| s == name))
    }

    /// The provider whose API alone has a path in `url` (see `paths`).
    pub(crate) fn by_path(&self, url: &str) -> Option<usize> {
        self.list
            .iter()
            .position(|p| p.paths.iter().any(|path| url.contains(path.as_str())))
    }

    /// The provider whose API host is `host` (or a subdomain of it).
    pub(crate) fn by_host(&self, host: &str) -> Option<usize> {
        let host = host.to_ascii_lowercase();
        self.list.iter().position(|p| {
            p.hosts
                .iter()
                .any(|h| host == *h || host.ends_with(&format!(".{h}")))
        })
    }
}

/// The family a table's `language` names.
fn family(language: &str, table: &str) -> Result<Family, String> {
    match language {
        "python" => Ok(Family::Python),
        "javascript" => Ok(Family::JavaScript),
        other => Err(format!("{table}: unknown language `{other}`")),
    }
}

/// A resolved name up to its first `.`, `#` or `/`.
fn first_part(name: &str) -> &str {
    name.find(['.', '#', '/']).map_or(name, |i| &name[..i])
}

/// Whether a resolved name is `prefix` or is under it.
pub(crate) fn under(resolved: &str, prefix: &str) -> bool {
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

    /// The generated tables (rules/data/sdks/, from the published packages) and the providers'
    /// prefixes (providers.toml, by hand) agree: a name the tables list that is under a prefix is
    /// under one of the provider they give it (the longest prefix decides). A prefix moved to
    /// another provider by hand, or tables generated against other prefixes, fail here.
    #[test]
    fn generated_tables_agree_with_the_providers_prefixes() {
        let providers = &crate::knowledge::Knowledge::builtin().providers;
        let mut checked = 0;
        for (family, names) in &providers.sends {
            for (name, sends) in names {
                let provider = match sends {
                    Sends::Model { provider }
                    | Sends::Client { provider, .. }
                    | Sends::Function { provider } => *provider,
                    Sends::Router(_) => continue,
                };
                let entry = providers
                    .entries_under(*family, name)
                    .into_iter()
                    .filter(|e| e.argument.is_none())
                    .max_by_key(|e| e.prefix.len());
                if let Some(entry) = entry {
                    assert_eq!(
                        providers.list[entry.provider].id, providers.list[provider].id,
                        "{family:?} `{name}` is under `{}`",
                        entry.prefix
                    );
                    assert!(entry.tabled, "{family:?} `{}`", entry.prefix);
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 500,
            "only {checked} names of the tables under a prefix"
        );
        for family in [Family::Python, Family::JavaScript] {
            assert!(
                providers.packages.iter().any(|(f, _, _)| *f == family),
                "{family:?}: no [[package]] the tables were made from"
            );
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
