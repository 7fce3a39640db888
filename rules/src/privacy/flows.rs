//! Where a file sends data: the calls and decorators of the providers' entry points, and the
//! service each one's `base_url` points to.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;

use tree_sitter::Node;

use super::providers::{Entry, Providers, Router, Sends};
use super::{Flow, Recipient};
use crate::facts::{Call, FileFacts, ValueKind};
use crate::knowledge::{Effect, Knowledge};
use crate::syntax::{Family, Fields, Language, Locator, node_range, node_text};

/// Where a client is pointed at another service: a literal, or the literal a configured value
/// falls back to (`baseURL || "https://api.groq.com/openai/v1"`, `os.getenv("BASE_URL",
/// "https://api.deepseek.com")`), which is where the data goes unless the operator says otherwise.
fn base_url_pattern() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(
            r#"\b(?:base_url|baseURL|baseUrl|api_base|openai_api_base|base_path|endpoint_url)\s*[=:]\s*(?:[\w.]+(?:\[[^\]\n]*\])?\s*(?:\|\||\?\?|\bor\b)\s*|(?:os\.getenv|os\.environ\.get|getenv)\(\s*["'][^"'\n]*["']\s*,\s*)?(?:["'`](?P<url>[^"'`]*)["'`])?"#,
        )
        .expect("valid pattern")
    })
}

/// A key written as a literal (`api_key="not-needed"`, `apiKey: "ollama"`).
fn api_key_pattern() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(
            r#"\b(?:api_key|apiKey|openai_api_key|openAIApiKey)\s*[=:]\s*["'`]([^"'`\n]*)["'`]"#,
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
        // A configured address with a key no provider would take: a local model server.
        let local = api_key_pattern()
            .captures(arguments)
            .and_then(|c| c.get(1))
            .is_some_and(|key| {
                let key = key.as_str().to_ascii_lowercase();
                providers.local_keys.contains(&key)
            });
        return if local {
            Redirect::Local
        } else {
            Redirect::Configured
        };
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
        // Only part of it written: a known host after the configured part
        // (`${RESOURCE}.openai.azure.com`), or a path only one service has
        // (`${ENDPOINT}/openai/deployments/...`), still names the service.
        let written = host.rsplit(['}', '$']).next().unwrap_or_default();
        let known = (written.starts_with('.') && written.len() > 1)
            .then(|| providers.by_host(&format!("x{written}")))
            .flatten()
            .or_else(|| providers.by_path(url));
        return match known {
            Some(i) => Redirect::To(Recipient::Provider(i)),
            None => Redirect::Configured,
        };
    }
    if is_local(host) {
        return Redirect::Local;
    }
    match providers.by_host(host) {
        Some(i) => Redirect::To(Recipient::Provider(i)),
        None => Redirect::To(Recipient::Host(host.to_ascii_lowercase())),
    }
}

/// The places a file sends data to third parties, in source order. The file's tools are found
/// when a request needs them (see [`flows_reading`]).
pub fn flows(
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    language: Language,
    knowledge: &Knowledge,
) -> Vec<Flow> {
    flows_reading(source, locator, facts, language, knowledge, None).0
}

/// What a call of the tables' is.
#[derive(Clone, Copy)]
enum Found<'p> {
    /// Constructs a model or a client: it decides where what is sent through it goes.
    Construct { provider: usize, client: bool },
    /// Sends (a client's method, a function), when users' data reaches it.
    Send { provider: usize },
    /// Sends where its model string says, when users' data reaches it.
    Route(&'p Router),
    /// Under an entry point the tables do not cover (telemetry, vector stores): every call
    /// counts, as written.
    Untabled { provider: usize },
    /// An HTTP request (`requests.post`, `fetch`) to a provider's API host, when users' data
    /// reaches it.
    Http { provider: usize },
    /// A request from a tool's code to another service, with an argument of the tool in it.
    ToolRequest,
    /// A method of a listed class that is none of its sending ones: nothing.
    Nothing,
}

/// [`flows`], with the places of the text they were read from: the calls under a provider's
/// entries and the routers' (their arguments' text decides the recipient and whether data
/// reaches them). Where none of those changed and the calls are the same, moved, the flows are
/// the same, moved.
///
/// A flow is where the code decides that users' data goes to a third party:
/// - a call that sends (a client's sending method, a function, a router) when something not
///   constant reaches it: a demo's constant prompt sends nothing of a user's;
/// - the construction of a model (`ChatOpenAI(...)`, `openai("gpt-4o")`): what it sends is
///   decided where it is used, often inside a framework — unless it is made in the model
///   argument of a router (`generateText({ model: openai("gpt-4o"), prompt })`), which is then
///   the flow;
/// - the construction of a client none of whose methods the file calls (it is handed to
///   something else that sends);
/// - any call under an entry point the tables do not cover;
/// - a request from a tool's code to a service that is neither a provider nor local
///   (`httpx.post("https://api.deepl.com/...", data={"text": text})`) with an argument of the
///   tool in it: what the model passes a tool is what the user said. `tools` are the file's
///   (found here, once, when a request needs them, if not given).
///
/// Types, errors and the other classes of an SDK send nothing; nor do a client's methods that
/// list, fetch or delete.
pub(crate) fn flows_reading(
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    language: Language,
    knowledge: &Knowledge,
    tools: Option<&[crate::agent::Tool]>,
) -> (Vec<Flow>, Vec<Range<usize>>) {
    let family = language.family();
    let providers = &knowledge.providers;
    let found_tools = std::cell::OnceCell::new();
    let tools = || -> &[crate::agent::Tool] {
        tools.unwrap_or_else(|| {
            found_tools.get_or_init(|| {
                crate::agent::tools::found(source, locator, language, facts, knowledge, None)
                    .into_iter()
                    .map(|f| f.tool)
                    .collect::<Vec<_>>()
            })
        })
    };
    let mut hosts: HashMap<usize, String> = HashMap::default();
    let mut read = Vec::new();
    let (Some(_), Some(roots)) = (
        providers.entries.get(&family),
        providers.entry_roots.get(&family),
    ) else {
        return (Vec::new(), read);
    };
    // The entries under each name, looked up once per name (a file calls the same few names
    // again and again: `client.chat.completions.create`).
    let mut under: HashMap<&str, Vec<&Entry>> = HashMap::default();
    let mut found: Vec<(usize, Found<'_>)> = Vec::new();
    for (index, call) in facts.calls.iter().enumerate() {
        let Some(resolved) = call.resolved.as_deref() else {
            continue;
        };
        // What the tables list: a model, a client and its sending methods, a function, a router.
        if providers.may_be_listed(family, resolved) {
            let kind = match providers.listed(family, resolved) {
                Some(Sends::Model { provider }) => Some(Found::Construct {
                    provider: *provider,
                    client: false,
                }),
                Some(Sends::Client { provider, .. }) => Some(Found::Construct {
                    provider: *provider,
                    client: true,
                }),
                Some(Sends::Function { provider }) => Some(Found::Send {
                    provider: *provider,
                }),
                Some(Sends::Router(router)) => Some(Found::Route(router)),
                None => resolved.split_once('#').and_then(|(class, method)| {
                    match providers.listed(family, class) {
                        Some(Sends::Client { provider, sends })
                            if sends.contains(sending_method(method).as_ref()) =>
                        {
                            Some(Found::Send {
                                provider: *provider,
                            })
                        }
                        // Another method of a listed class: it lists, fetches or deletes.
                        Some(_) => None,
                        None => return None,
                    }
                    .or(Some(Found::Nothing))
                }),
            };
            if let Some(kind) = kind {
                read.push(call.range.clone());
                if !matches!(kind, Found::Nothing) {
                    found.push((index, kind));
                }
                continue;
            }
        }
        let entries = if roots.may_hold(resolved) {
            under
                .entry(resolved)
                .or_insert_with(|| providers.entries_under(family, resolved))
                .as_slice()
        } else {
            &[]
        };
        if entries.is_empty() {
            match http_request(call, resolved, source, locator, facts, family, knowledge) {
                Some(Request::Provider(provider)) => {
                    read.push(call.range.clone());
                    found.push((index, Found::Http { provider }));
                }
                Some(Request::Host(host))
                    if tool_passes_data(call, source, locator, providers, tools())
                        || route_passes_data(call, source, locator, facts, providers) =>
                {
                    read.push(call.range.clone());
                    hosts.insert(index, host);
                    found.push((index, Found::ToolRequest));
                }
                _ => {}
            }
            continue;
        }
        read.push(call.range.clone());
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
        // Under a prefix the tables cover, what they do not list sends nothing (a type, an
        // error, a helper of the SDK).
        let Some(entry) = entry.filter(|e| !e.tabled) else {
            continue;
        };
        let kind = Found::Untabled {
            provider: entry.provider,
        };
        found.push((index, kind));
    }
    // The classes whose methods the file calls: a client constructed here and used here sends
    // through those calls, not by being made.
    let used: rustc_hash::FxHashSet<&str> = facts
        .calls
        .iter()
        .filter_map(|c| {
            c.resolved
                .as_deref()?
                .split_once('#')
                .map(|(class, _)| class)
        })
        .collect();
    // Where each class is constructed pointing: its methods send there.
    let mut classes: HashMap<&str, (Option<Recipient>, bool)> = HashMap::default();
    // The model constructions made in a router's model argument
    // (`generateText({ model: openai("gpt-4o"), prompt })`): the router decides whether data
    // reaches them, and the flow points at the model.
    let constructions: Vec<(usize, usize)> = found
        .iter()
        .filter_map(|&(i, f)| match f {
            Found::Construct {
                provider,
                client: false,
            } => Some((i, provider)),
            _ => None,
        })
        .collect();
    let mut made: HashMap<usize, (usize, usize)> = HashMap::default();
    for &(index, kind) in &found {
        let Found::Route(router) = kind else {
            continue;
        };
        let call = &facts.calls[index];
        let Some(model) = argument(
            call,
            router.model.as_deref(),
            router.position,
            source,
            locator,
        ) else {
            continue;
        };
        // The model made in the argument, or by the provider a name there is bound to
        // (`const morph = createOpenAI({ baseURL })`, then `model: morph("morph-v3")`).
        let within = |range: &Range<usize>| {
            constructions.iter().copied().find(|&(i, _)| {
                let inner = &facts.calls[i].range;
                range.start <= inner.start && inner.end <= range.end
            })
        };
        let bound = || {
            let text = source.get(model.clone())?.trim_start();
            let name = text.split('(').next()?.trim_end();
            (text.len() > name.len() && is_identifier(name))
                .then(|| facts.bindings.single_value(name))
                .flatten()
                .and_then(|value| within(&value))
        };
        if let Some((inner, provider)) = within(&model).or_else(bound) {
            made.insert(index, (inner, provider));
        }
    }
    let consumed: rustc_hash::FxHashSet<usize> = made.values().map(|&(inner, _)| inner).collect();
    // Where each construction points (by the construction's start): a method of what a name is
    // bound to goes where that construction pointed (`deepseek = OpenAI(base_url=...)`, then
    // `deepseek.chat.completions.create(...)`), whatever other constructions of the class do.
    let mut pointed_at: HashMap<usize, (Option<Recipient>, bool)> = HashMap::default();
    for &(index, kind) in &found {
        let call = &facts.calls[index];
        let provider = match kind {
            Found::Construct { provider, .. } => provider,
            Found::Untabled { provider }
                if call.resolved.as_deref().is_some_and(|r| !r.contains('#')) =>
            {
                provider
            }
            _ => continue,
        };
        let arguments = source
            .get(call.callee_range.end..call.range.end)
            .unwrap_or_default();
        pointed_at.insert(call.range.start, pointed_to(arguments, provider, providers));
    }
    // What a method call's object was made by, if a construction of this file.
    let made_by = |call: &Call, method: &str| -> Option<(Option<Recipient>, bool)> {
        let callee = call.callee.as_deref()?;
        let object = callee.strip_suffix(method)?.strip_suffix('.')?;
        let value = facts.bindings.single_value(object)?;
        pointed_at
            .iter()
            .find(|(start, _)| value.start <= **start && **start < value.end)
            .map(|(_, pointed)| pointed.clone())
    };
    let mut out = Vec::new();
    for &(index, kind) in &found {
        let call = &facts.calls[index];
        let Some(resolved) = call.resolved.as_deref() else {
            continue;
        };
        let arguments = source
            .get(call.callee_range.end..call.range.end)
            .unwrap_or_default();
        let (class, method) = match resolved.split_once('#') {
            Some((class, method)) => (class, Some(method)),
            None => (resolved, None),
        };
        let pointed = |own: usize| pointed_to(arguments, own, providers);
        let mut range = call.callee_range.clone();
        let mut callee = call.callee.clone().unwrap_or_else(|| resolved.to_string());
        // Whether the code shows users' data reaching it (not only a model made here).
        let mut evident = true;
        let (recipient, configured) = match kind {
            Found::Nothing => continue,
            Found::Construct { provider, client } => {
                let pointed = pointed(provider);
                classes.entry(class).or_insert(pointed.clone());
                if (client && used.contains(class)) || consumed.contains(&index) {
                    continue;
                }
                match reach(call, source, locator, facts, providers) {
                    Reach::Constants => continue,
                    Reach::Data => {}
                    Reach::Unknown => evident = false,
                }
                pointed
            }
            Found::Untabled { provider } => match method
                .and_then(|m| made_by(call, m).or_else(|| classes.get(class).cloned()))
            {
                // A method of a client constructed here goes where the construction pointed
                // it (its arguments are not searched for a base URL then).
                Some(constructed) => constructed,
                None => {
                    let pointed = pointed(provider);
                    if method.is_none() {
                        classes.entry(class).or_insert(pointed.clone());
                    }
                    pointed
                }
            },
            Found::Http { provider } => {
                if !carries_data(call, source, locator, facts, providers) {
                    continue;
                }
                (Some(Recipient::Provider(provider)), false)
            }
            Found::ToolRequest => match hosts.get(&index) {
                Some(host) => (Some(Recipient::Service(host.clone())), false),
                None => continue,
            },
            Found::Send { provider } => {
                if !carries_data(call, source, locator, facts, providers)
                    && !data_reaches_what_it_makes(call, source, locator, facts, providers)
                {
                    continue;
                }
                match method {
                    Some(method) => made_by(call, method)
                        .or_else(|| classes.get(class).cloned())
                        .unwrap_or((Some(Recipient::Provider(provider)), false)),
                    None => pointed(provider),
                }
            }
            Found::Route(router) => {
                if !router.constructs && !carries_data(call, source, locator, facts, providers) {
                    continue;
                }
                if router.constructs {
                    match reach(call, source, locator, facts, providers) {
                        Reach::Constants => continue,
                        Reach::Data => {}
                        Reach::Unknown => evident = false,
                    }
                }
                if let Some(&(inner, provider)) = made.get(&index) {
                    // A model made in the model argument: its recipient, pointed at the model.
                    let inner = &facts.calls[inner];
                    range = inner.callee_range.clone();
                    callee = inner.callee.clone().unwrap_or_else(|| callee.clone());
                    let arguments = source
                        .get(inner.callee_range.end..inner.range.end)
                        .unwrap_or_default();
                    match redirect(arguments, providers) {
                        Redirect::Local => continue,
                        Redirect::To(recipient) => (Some(recipient), false),
                        Redirect::None => (Some(Recipient::Provider(provider)), false),
                        Redirect::Configured => (Some(Recipient::Provider(provider)), true),
                    }
                } else {
                    match routed(call, router, source, locator, facts, providers) {
                        Some(routed) => routed,
                        None => continue,
                    }
                }
            }
        };
        if let Some(recipient) = recipient {
            out.push(Flow {
                recipient,
                adapter: in_adapter(facts, range.start),
                evident,
                range,
                callee,
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
                .filter(|e| e.argument.is_none() && !e.tabled)
                .max_by_key(|e| e.prefix.len());
            if let Some(entry) = entry {
                read.push(decorator.range.clone());
                out.push(Flow {
                    recipient: Recipient::Provider(entry.provider),
                    adapter: in_adapter(facts, decorator.range.start),
                    evident: true,
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
    // Switches turned on in code (`os.environ["LANGSMITH_TRACING"] = "true"`): every run is
    // traced there.
    if let Some(pattern) = &providers.switch_pattern {
        for found in pattern.captures_iter(source) {
            let (Some(whole), Some(name)) = (found.get(0), found.name("name")) else {
                continue;
            };
            let Some(provider) = providers.by_switch(name.as_str()) else {
                continue;
            };
            // In code, not in a comment.
            if locator
                .descendant(name.start(), name.end())
                .is_some_and(|n| n.kind() == "comment")
            {
                continue;
            }
            read.push(whole.range());
            out.push(Flow {
                recipient: Recipient::Provider(provider),
                adapter: false,
                evident: true,
                range: name.range(),
                callee: name.as_str().to_string(),
                configured: false,
            });
        }
    }
    // A provider whose key the file asks its user for (`st.text_input("OpenAI API key",
    // type="password")`): its user sends their own data with their own account, by choice.
    let own = own_keys(source, facts, providers);
    if !own.is_empty() {
        read.extend(own.iter().map(|(_, range)| range.clone()));
        // What the configuration chooses is the provider whose key the user gave.
        out.retain(|f| match f.recipient {
            Recipient::Provider(p) => !own.iter().any(|(o, _)| *o == p),
            Recipient::Chosen => false,
            _ => true,
        });
    }
    out.sort_by_key(|f| f.range.start);
    (out, read)
}

/// The providers whose API key the file's user types into a field of its UI
/// (`[sending] key-inputs`, labelled with the provider's name and "key" or "token"), with the
/// places of those fields.
fn own_keys(source: &str, facts: &FileFacts, providers: &Providers) -> Vec<(usize, Range<usize>)> {
    static KEY: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let key = KEY.get_or_init(|| {
        regex::Regex::new(r"(?i)\b(?:api[ _-]?)?(?:key|token)s?\b").expect("valid pattern")
    });
    let mut own = Vec::new();
    if providers.key_inputs.is_empty() {
        return own;
    }
    for call in &facts.calls {
        let Some(resolved) = call.resolved.as_deref() else {
            continue;
        };
        if !providers.key_inputs.iter().any(|k| k == resolved) {
            continue;
        }
        let label = call
            .arguments
            .iter()
            .find(|a| a.keyword.as_deref() == Some("label"))
            .or_else(|| call.arguments.first().filter(|a| a.keyword.is_none()))
            .filter(|a| matches!(a.value, ValueKind::Constant))
            .and_then(|a| source.get(a.range.clone()))
            .unwrap_or_default();
        if !key.is_match(label) {
            continue;
        }
        for (index, provider) in providers.list.iter().enumerate() {
            if super::notice::names(label, provider) {
                own.push((index, call.range.clone()));
            }
        }
    }
    own
}

/// Where a construction given `arguments` points: its provider, another service its
/// `base_url` names (`None`: a local one), or its provider as configured (the `base_url` is not
/// written in the code).
fn pointed_to(arguments: &str, own: usize, providers: &Providers) -> (Option<Recipient>, bool) {
    match redirect(arguments, providers) {
        Redirect::Local => (None, false),
        Redirect::To(recipient) => (Some(recipient), false),
        Redirect::None => (Some(Recipient::Provider(own)), false),
        Redirect::Configured => (Some(Recipient::Provider(own)), true),
    }
}

/// The provider whose API a call sends an HTTP request to: a call that sends over the network
/// (`requests.post`, `httpx.AsyncClient#post`, `fetch` with a `POST`: the sinks' `network-send`)
/// whose URL names a provider's host — written in it, or in the string a name in it is bound to
/// (`API_URL`, `f"{BASE}/chat/completions"`, `os.getenv("BASE", "https://api.openai.com/v1")`).
/// Where an HTTP request goes, when its URL names the host.
enum Request {
    /// A provider's API host.
    Provider(usize),
    /// Another service (not local).
    Host(String),
}

fn http_request(
    call: &Call,
    resolved: &str,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    family: Family,
    knowledge: &Knowledge,
) -> Option<Request> {
    // A request that reads (`GET`) sends what its URL and query say: to a service other than a
    // provider, with a tool's argument in them, that is the user's words too.
    let network =
        |effect: Option<Effect>| matches!(effect, Some(Effect::NetworkSend | Effect::NetworkRead));
    let requests = knowledge
        .sinks_for(family, resolved)
        .any(|sink| network(Some(sink.effect)) || network(sink.otherwise));
    if !requests {
        return None;
    }
    let url = call
        .arguments
        .iter()
        .find(|a| a.keyword.as_deref() == Some("url"))
        .or_else(|| call.arguments.iter().find(|a| a.keyword.is_none()))?;
    let text = source.get(url.range.clone())?;
    let (host, url) = match crate::syntax::url_host(text) {
        Some(host) => (host, text),
        None => {
            // The first name in it, bound once: `API_URL`, `f"{BASE}/chat"`, `BASE + "/chat"`.
            let name = first_name(text)?;
            let value = source.get(facts.bindings.single_value(name)?)?;
            (crate::syntax::url_host(value)?, value)
        }
    };
    // Signing in (an OAuth code exchanged for a token, the signed-in user's profile) sends the
    // identity provider its own credentials, not what a user wrote.
    // The path as written at the call (`${BASE}/oauth/token`) or in the URL it names.
    let path = |url: &'_ str| url.split(['?', '#']).next().unwrap_or(url).to_string();
    if sign_in_endpoint().is_match(&path(text)) || sign_in_endpoint().is_match(&path(url)) {
        return None;
    }
    if is_local(&host) {
        return None;
    }
    let effects =
        crate::agent::capabilities::call_effects(call, source, locator, facts, family, knowledge);
    match knowledge.providers.by_host(&host) {
        Some(provider) => effects
            .contains(&Effect::NetworkSend)
            .then_some(Request::Provider(provider)),
        None => (effects.contains(&Effect::NetworkSend) || effects.contains(&Effect::NetworkRead))
            .then(|| Request::Host(host.to_ascii_lowercase())),
    }
}

/// Sign-in and account endpoints, in a URL's path: OAuth's authorisation and token exchange,
/// OpenID Connect's user info, an API's `/auth/` routes (`/oauth/v2/accessToken`,
/// `/login/oauth/access_token`, `/token`, `/v2/userinfo`, `/api/v1/auth/...`).
fn sign_in_endpoint() -> &'static regex::Regex {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        #[allow(clippy::expect_used)]
        regex::Regex::new(r"(?i)/oauth2?\b|/login/oauth|/token\b|/userinfo\b|/openid|/auth/")
            .expect("valid pattern")
    })
}

/// Arguments of a request that say how it is made, not what it sends.
const REQUEST_SETTINGS: &[&str] = &[
    "headers",
    "timeout",
    "auth",
    "cookies",
    "verify",
    "proxies",
    "proxy",
    "cert",
    "method",
    "allow_redirects",
    "follow_redirects",
    "stream",
    "signal",
];

/// Whether the request is made in a tool's code with an argument of the tool in it: the
/// argument itself, or a name the tool's function binds to an expression that holds one
/// (`payload = {"q": query}`, then `json=payload`).
fn tool_passes_data(
    call: &Call,
    source: &str,
    locator: &Locator<'_>,
    providers: &Providers,
    tools: &[crate::agent::Tool],
) -> bool {
    let Some(tool) = tools.iter().find(|t| {
        t.handler
            .as_ref()
            .is_some_and(|h| h.start <= call.range.start && call.range.end <= h.end)
    }) else {
        return false;
    };
    let mut names: Vec<&str> = tool.parameters.iter().map(|p| p.name.as_str()).collect();
    if names.is_empty() {
        return false;
    }
    // The names the tool's function binds to something that holds an argument.
    if let Some(function) = tool.handler.as_ref().and_then(|h| locator.node_at(h)) {
        let arguments = names.len();
        for (target, value) in crate::syntax::assignments(function, 8192) {
            if target.kind() == "identifier" && mentions(value, source, &names[..arguments]) {
                names.push(node_text(target, source));
            }
        }
    }
    sends_any(call, source, locator, providers, &names)
}

/// Whether an expression names one of `names`.
fn mentions(node: Node<'_>, source: &str, names: &[&str]) -> bool {
    crate::syntax::preorder(node).take(512).any(|n| {
        matches!(n.kind(), "identifier" | "shorthand_property_identifier")
            && names.contains(&node_text(n, source))
    })
}

/// Whether a request sends one of `names`: in an argument that is not a setting (`timeout=`,
/// `headers=`), or in a JavaScript options object's properties that are not
/// (`fetch(url, { method, headers, body })`).
fn sends_any(
    call: &Call,
    source: &str,
    locator: &Locator<'_>,
    providers: &Providers,
    names: &[&str],
) -> bool {
    let setting = |key: &str| providers.is_setting(key) || REQUEST_SETTINGS.contains(&key);
    call.arguments
        .iter()
        .filter(|a| !a.keyword.as_deref().is_some_and(setting))
        .filter_map(|a| locator.node_at(&a.range))
        .any(|node| {
            if node.kind() != "object" {
                return mentions(node, source, names);
            }
            node.named_children(&mut node.walk()).any(|pair| {
                let is_setting = pair
                    .field("key")
                    .is_some_and(|key| setting(node_text(key, source).trim_matches(['"', '\''])));
                !is_setting && mentions(pair, source, names)
            })
        })
}

/// Whether the request is made in a web route's handler with what the route was sent in it:
/// the handler's request (a parameter named `req` or `request`, Flask's and Quart's `request`),
/// a name the handler binds to an expression that reads it (`const { query } = req.body`,
/// `data = request.get_json()`), or a parameter of a function a route decorator registers
/// (`@app.get("/search")`, whose parameters are the request's). What a visitor typed, sent to
/// another service.
fn route_passes_data(
    call: &Call,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    providers: &Providers,
) -> bool {
    let Some(node) = locator.node_at(&call.range) else {
        return false;
    };
    let functions = locator.functions_around(node);
    if functions.is_empty() {
        return false;
    }
    let mut names: Vec<&str> = Vec::new();
    if facts
        .bindings
        .imported()
        .any(|(name, q)| name == "request" && matches!(q, "flask.request" | "quart.request"))
    {
        names.push("request");
    }
    for function in &functions {
        let registered = route_decorated(*function, source);
        for parameter in parameter_names(*function, source) {
            if registered || matches!(parameter, "req" | "request") {
                names.push(parameter);
            }
        }
    }
    if names.is_empty() {
        return false;
    }
    // Names bound to what holds the request's data, two assignments deep.
    let Some(outer) = functions.first() else {
        return false;
    };
    for _ in 0..2 {
        for (target, value) in crate::syntax::assignments(*outer, 8192) {
            if mentions(value, source, &names) {
                for bound in crate::syntax::preorder(target).take(64).filter(|n| {
                    matches!(
                        n.kind(),
                        "identifier" | "shorthand_property_identifier_pattern"
                    )
                }) {
                    let bound = node_text(bound, source);
                    if !names.contains(&bound) {
                        names.push(bound);
                    }
                }
            }
        }
    }
    sends_any(call, source, locator, providers, &names)
}

/// Whether a Python function is registered as a web route by its decorator
/// (`@app.get("/search")`, `@router.post(...)`, `@app.route(...)`).
fn route_decorated(function: Node<'_>, source: &str) -> bool {
    let Some(parent) = function
        .parent()
        .filter(|p| p.kind() == "decorated_definition")
    else {
        return false;
    };
    parent
        .named_children(&mut parent.walk())
        .filter(|d| d.kind() == "decorator")
        .any(|d| {
            let text = node_text(d, source);
            let callee = text.split('(').next().unwrap_or_default();
            matches!(
                callee.rsplit('.').next(),
                Some(
                    "get"
                        | "post"
                        | "put"
                        | "patch"
                        | "delete"
                        | "route"
                        | "api_route"
                        | "websocket"
                )
            ) && callee.contains('.')
        })
}

/// The names of a function's parameters (`req`, `query` in `def f(req, query: str = "")`,
/// `(req, res) =>`, `async ({ query }) =>`).
fn parameter_names<'s>(function: Node<'_>, source: &'s str) -> Vec<&'s str> {
    let Some(parameters) = function
        .field("parameters")
        .or_else(|| function.field("parameter"))
    else {
        return Vec::new();
    };
    if parameters.kind() == "identifier" {
        return vec![node_text(parameters, source)];
    }
    parameters
        .named_children(&mut parameters.walk())
        .filter_map(|p| {
            let name = match p.kind() {
                "identifier" => Some(p),
                _ => p
                    .field("name")
                    .or_else(|| p.field("pattern"))
                    .or_else(|| p.named_child(0)),
            }?;
            (name.kind() == "identifier").then(|| node_text(name, source))
        })
        .collect()
}

/// The first identifier in an expression's text (not inside a string's literal part).
fn first_name(text: &str) -> Option<&str> {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r#"^(?:`\$\{|[fFrRbBuU]{0,2}["'`]\{?|\(\s*)?\s*([A-Za-z_$][A-Za-z0-9_$]*)"#,
        )
        .expect("valid pattern")
    });
    pattern
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// Whether the code at `offset` is in a class whose name says it wraps a model: `…Model`,
/// `…LLM`, `Chat…`, `…Provider`, `…Client`, `…Embeddings`, `…Completion`.
fn in_adapter(facts: &FileFacts, offset: usize) -> bool {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(r"(?i)model|llm|chat|provider|client|embedd|completion")
            .expect("valid pattern")
    });
    facts
        .classes
        .iter()
        .any(|c| c.range.start <= offset && offset < c.range.end && pattern.is_match(&c.name))
}

/// A client's method as the tables write it: without the SDKs' response wrappers
/// (`chat.completions.with_raw_response.create` is `chat.completions.create`).
fn sending_method(method: &str) -> std::borrow::Cow<'_, str> {
    if method.contains("with_raw_response.") || method.contains("with_streaming_response.") {
        std::borrow::Cow::Owned(
            method
                .replace("with_raw_response.", "")
                .replace("with_streaming_response.", ""),
        )
    } else {
        std::borrow::Cow::Borrowed(method)
    }
}

/// The range of an argument given by keyword (Python), by property of an object argument
/// (JavaScript: `generateText({ model, prompt })`), or by position.
fn argument(
    call: &Call,
    keyword: Option<&str>,
    position: Option<usize>,
    source: &str,
    locator: &Locator<'_>,
) -> Option<Range<usize>> {
    if let Some(keyword) = keyword {
        if let Some(argument) = call
            .arguments
            .iter()
            .find(|a| a.keyword.as_deref() == Some(keyword))
        {
            return Some(argument.range.clone());
        }
        for argument in call.arguments.iter().filter(|a| a.keyword.is_none()) {
            let Some(node) = locator.node_at(&argument.range) else {
                continue;
            };
            if node.kind() != "object" {
                continue;
            }
            let mut cursor = node.walk();
            for pair in node.named_children(&mut cursor) {
                match pair.kind() {
                    "pair" => {
                        let key = pair.field("key").map(|k| key_text(k, source));
                        if key.as_deref() == Some(keyword) {
                            return pair.field("value").map(node_range);
                        }
                    }
                    "shorthand_property_identifier" if node_text(pair, source) == keyword => {
                        return Some(node_range(pair));
                    }
                    _ => {}
                }
            }
        }
    }
    call.arguments
        .iter()
        .filter(|a| a.keyword.is_none())
        .nth(position?)
        .map(|a| a.range.clone())
}

/// A property's or a dictionary's key without quotes.
fn key_text(key: Node<'_>, source: &str) -> String {
    node_text(key, source)
        .trim_matches(|c| c == '"' || c == '\'' || c == '`')
        .to_string()
}

/// The text of a string written at `range`, or of the string a name there is bound to once
/// (not an f-string or a template with substitutions).
fn string_at(range: &Range<usize>, source: &str, facts: &FileFacts) -> Option<String> {
    let text = source.get(range.clone())?.trim();
    let literal = if text.starts_with(['"', '\'', '`']) {
        text
    } else {
        facts
            .bindings
            .constant_value(text)
            .and_then(|r| source.get(r))
            .map(str::trim)
            .filter(|t| t.starts_with(['"', '\'', '`']))?
    };
    if literal.contains("${") {
        return None;
    }
    Some(
        literal
            .trim_matches(|c| c == '"' || c == '\'' || c == '`')
            .to_string(),
    )
}

/// Whether a computed model argument is a model's name (a parameter, a setting, `os.getenv(..)`,
/// an f-string) rather than a model object made elsewhere (whose construction is the flow).
fn names_a_model(node: Node<'_>, source: &str, facts: &FileFacts) -> bool {
    match node.kind() {
        "identifier" => facts
            .bindings
            .instance_of(node_text(node, source))
            .is_none(),
        "string" | "template_string" | "subscript" | "subscript_expression" => true,
        "attribute" | "member_expression" => {
            let text = node_text(node, source);
            text.starts_with("process.env.")
                || text
                    .rsplit('.')
                    .next()
                    .is_some_and(|last| last.to_ascii_lowercase().contains("model"))
        }
        "call" | "call_expression" => {
            let text = node_text(node, source);
            ["os.getenv(", "os.environ.get(", "getenv("]
                .iter()
                .any(|p| text.starts_with(p))
        }
        _ => false,
    }
}

/// Where a router sends, from its model argument: the provider a constant model string names
/// (through the router's gateway if it has one), the router's default when there is no model,
/// and when the model's name is computed, the provider the configuration names. `None`: a local
/// model, or a model object made elsewhere (its construction is the flow).
fn routed(
    call: &Call,
    router: &Router,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    providers: &Providers,
) -> Option<(Option<Recipient>, bool)> {
    let model = argument(
        call,
        router.model.as_deref(),
        router.position,
        source,
        locator,
    );
    // `init_chat_model("gpt-4o", model_provider="openai")`
    let route = router
        .route
        .as_deref()
        .and_then(|keyword| argument(call, Some(keyword), None, source, locator))
        .and_then(|range| string_at(&range, source, facts));
    let Some(model) = model else {
        if let Some(route) = route {
            return routed_string(&format!("{route}:"), router, providers);
        }
        return router
            .default
            .or(router.via)
            .map(|p| (Some(Recipient::Provider(p)), false));
    };
    match string_at(&model, source, facts) {
        Some(string) => {
            let string = match route {
                Some(route) => format!("{route}:{string}"),
                None => string,
            };
            routed_string(&string, router, providers)
        }
        None => {
            let node = locator.node_at(&model)?;
            // A gateway's router takes a model object too: only its strings go through the
            // gateway, and a computed model may be either.
            if router.via.is_some() || !names_a_model(node, source, facts) {
                return None;
            }
            Some((Some(Recipient::Chosen), true))
        }
    }
}

/// Where a model string sends, through a router.
fn routed_string(
    string: &str,
    router: &Router,
    providers: &Providers,
) -> Option<(Option<Recipient>, bool)> {
    match providers.by_model_string(string) {
        // A local model: nothing leaves the machine.
        Ok(None) => Some((None, false)),
        Ok(Some(provider)) => Some((
            Some(Recipient::Provider(router.via.unwrap_or(provider))),
            false,
        )),
        Err(route) => Some(match (router.via, route.is_empty()) {
            (Some(via), _) => (Some(Recipient::Provider(via)), false),
            // A model name alone that no provider's models start with: served by whoever the
            // configuration points the router at.
            (None, true) => (Some(Recipient::Chosen), true),
            (None, false) => (Some(Recipient::Unnamed(route)), false),
        }),
    }
}

/// The most names followed from a construction (see [`reach`]).
const USE_BUDGET: usize = 16;

/// What reaches what a construction makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Only constants: a demo's constant prompt sends nothing of a user's.
    Constants,
    /// Data, in a call of this file.
    Data,
    /// Unknown: it goes where this file does not show.
    Unknown,
}

/// Adds to `names` each name bound to the value at `value` (every name of a chained
/// assignment) that is not there yet, with that value; whether any name is bound to it.
fn follow(
    names: &mut Vec<(String, Range<usize>)>,
    facts: &FileFacts,
    value: &Range<usize>,
) -> bool {
    let made = facts.bindings.bound_names(value);
    for name in &made {
        if !names.iter().any(|(n, _)| n == name) {
            names.push((name.to_string(), value.clone()));
        }
    }
    !made.is_empty()
}

/// What reaches what a construction makes: it is bound to a name (`model = LiteLLMModel(...)`),
/// and every mention of that name, and of what is made from it (`agent =
/// CodeAgent(model=model)`), is in a call — which carries data or not (`agent.run(task)`,
/// `agent.run("Write a haiku.")`: see [`carries_data`]; the name itself aside). A mention
/// anywhere else (`return model`, `chain = prompt | model`) may take it where data is: unknown
/// then, unless a call shows data reaching it already.
fn reach(
    call: &Call,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    providers: &Providers,
) -> Reach {
    let first = facts.bindings.bound_names(&call.range);
    if first.is_empty() {
        return Reach::Unknown;
    }
    let mut unknown = false;
    let mut names: Vec<(String, Range<usize>)> = first
        .into_iter()
        .map(|name| (name.to_string(), call.range.clone()))
        .collect();
    let mut next = 0;
    while let Some((name, value)) = names.get(next).cloned() {
        next += 1;
        if names.len() > USE_BUDGET {
            return Reach::Unknown;
        }
        let mut uses = 0;
        for at in mentions_in_code(source, locator, &name) {
            // The binding itself: `name = <value>`, `name: T = <value>`.
            if at < value.start
                && source
                    .get(at + name.len()..value.start)
                    .is_some_and(|between| between.contains('=') && !between.contains('\n'))
            {
                continue;
            }
            // The innermost call it is the object of, or an argument of.
            let use_of = facts
                .calls
                .iter()
                .filter(|c| c.range.start <= at && at < c.range.end)
                .min_by_key(|c| c.range.len());
            let Some(user) = use_of else {
                unknown = true;
                continue;
            };
            uses += 1;
            if user.callee_range == (at..at + name.len()) {
                // `name(...)`: calling what was made (an AI SDK provider makes a model,
                // `anthropic("claude-…")`): what that makes is followed as a construction is; one
                // returned or passed on is made for use elsewhere.
                if carries_data(user, source, locator, facts, providers) {
                    return Reach::Data;
                }
                if !follow(&mut names, facts, &user.range) {
                    // An argument of a call (`generateText({ model: anthropic("…"), prompt })`):
                    // that call carries the data, if any.
                    match facts
                        .calls
                        .iter()
                        .filter(|c| {
                            c.arguments.iter().any(|a| {
                                a.range.start <= user.range.start && user.range.end <= a.range.end
                            })
                        })
                        .min_by_key(|c| c.range.len())
                    {
                        Some(outer) => {
                            if carries_data(outer, source, locator, facts, providers) {
                                return Reach::Data;
                            }
                        }
                        None => unknown = true,
                    }
                }
                continue;
            }
            if user.callee_range.start == at {
                // `name.method(...)`: a use, which must carry no data.
                if carries_data(user, source, locator, facts, providers) {
                    return Reach::Data;
                }
                continue;
            }
            if !user.arguments.iter().any(|a| a.range.contains(&at)) {
                unknown = true;
                continue;
            }
            // Passed to something: what that makes is followed (`agent = Agent(model=model)`);
            // a call that makes nothing kept must carry no data of its own.
            if !follow(&mut names, facts, &user.range) {
                let rest = Call {
                    arguments: user
                        .arguments
                        .iter()
                        .filter(|a| !a.range.contains(&at))
                        .cloned()
                        .collect(),
                    ..user.clone()
                };
                if carries_data(&rest, source, locator, facts, providers) {
                    return Reach::Data;
                }
            }
        }
        // A module's name that the module does not use is there for others to import.
        if uses == 0 && facts.enclosing_function(value.start).is_none() {
            unknown = true;
        }
    }
    if unknown {
        Reach::Unknown
    } else {
        Reach::Constants
    }
}

/// Whether a sending call that is given no data makes something that is (`model =
/// genAI.getGenerativeModel({ model })`, then `model.startChat({ history: messages })`): a method
/// of what it makes, or of what that makes, is called with data.
fn data_reaches_what_it_makes(
    call: &Call,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    providers: &Providers,
) -> bool {
    let mut names = facts.bindings.bound_names(&call.range);
    if names.is_empty() {
        return false;
    }
    let mut next = 0;
    while let Some(&name) = names.get(next) {
        next += 1;
        if names.len() > USE_BUDGET {
            return true;
        }
        for user in &facts.calls {
            let on_it = user
                .callee
                .as_deref()
                .and_then(|c| c.strip_prefix(name))
                .is_some_and(|rest| rest.starts_with('.'));
            if !on_it {
                continue;
            }
            if carries_data(user, source, locator, facts, providers) {
                return true;
            }
            for made in facts.bindings.bound_names(&user.range) {
                if !names.contains(&made) {
                    names.push(made);
                }
            }
        }
    }
    false
}

/// Where `name` is mentioned as a whole word in code (not in a string or a comment).
fn mentions_in_code(source: &str, locator: &Locator<'_>, name: &str) -> Vec<usize> {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
    source
        .match_indices(name)
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = source[..at].chars().next_back();
            let after = source[at + name.len()..].chars().next();
            !is_word(before) && before != Some('.') && !is_word(after)
        })
        .filter(|&at| {
            let Some(node) = locator.descendant(at, at + name.len()) else {
                return false;
            };
            // A name in code: not in a string or a comment, not a keyword argument's or a
            // property's name (`model=model`: the first), not a decorator (`@agent.tool`
            // registers a tool, it sends nothing).
            matches!(
                node.kind(),
                "identifier"
                    | "attribute"
                    | "member_expression"
                    | "this"
                    | "shorthand_property_identifier"
            ) && !locator
                .ancestry(node, 12)
                .iter()
                .any(|n| n.kind() == "decorator")
                && !locator.parent(node).is_some_and(|parent| {
                    parent.kind() == "keyword_argument"
                        && parent.field("name").is_some_and(|k| k.id() == node.id())
                })
        })
        .collect()
}

/// The most nodes looked at to decide whether data reaches a call.
const DATA_BUDGET: usize = 256;

/// Whether something not constant in the program reaches a call that sends: an argument other
/// than its settings (`model`, `temperature`: `[sending] settings`) that is not built of
/// literals and names bound to them — a parameter, a request's body, `input()`, a file's text, a
/// chat history. A demo's constant prompt sends nothing of a user's: nor does a parameter of a
/// function of the file's own that the file only ever calls with constants for it (see
/// [`only_constants_passed`]).
fn carries_data(
    call: &Call,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    providers: &Providers,
) -> bool {
    let mut budget = DATA_BUDGET;
    let function = facts
        .enclosing_function(call.range.start)
        .and_then(|i| facts.functions.get(i));
    let parameters: Vec<&str> = function
        .map(|f| f.parameters.iter().map(|p| p.name.as_str()).collect())
        .unwrap_or_default();
    let mut through: Vec<String> = Vec::new();
    let other = call.arguments.iter().any(|argument| {
        if argument
            .keyword
            .as_deref()
            .is_some_and(|k| providers.is_setting(k))
        {
            return false;
        }
        match argument.value {
            ValueKind::Constant => false,
            ValueKind::Spread => true,
            ValueKind::Dynamic => match locator.node_at(&argument.range) {
                Some(node) => holds_data(
                    node,
                    source,
                    locator,
                    facts,
                    providers,
                    (&parameters, &mut through),
                    &mut budget,
                ),
                None => true,
            },
        }
    });
    if other {
        return true;
    }
    match function {
        Some(function) if !through.is_empty() => {
            !only_constants_passed(function, &through, source, locator, facts, providers)
        }
        _ => false,
    }
}

/// Whether a function of the file's own is only ever called, in the file, with constants for
/// `parameters`: a plain function (no decorator: a route's handler is called with requests; not
/// a method), that the file does not hand elsewhere (every mention is a call or its definition),
/// and that nothing else can call — in JavaScript, one the module does not export; in Python, one
/// of a script (a file with `if __name__ == "__main__":`), whose functions others do not import.
fn only_constants_passed(
    function: &crate::facts::FunctionDef,
    parameters: &[String],
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    providers: &Providers,
) -> bool {
    if !function.decorators.is_empty() || function.class.is_some() || function.name.is_empty() {
        return false;
    }
    let private = match locator.descendant(function.range.start, function.range.end) {
        Some(node) if node.kind() == "function_definition" => {
            source.contains("__name__ == \"__main__\"") || source.contains("__name__ == '__main__'")
        }
        Some(node) => !locator
            .ancestry(node, 4)
            .iter()
            .any(|n| n.kind() == "export_statement"),
        None => false,
    };
    if !private {
        return false;
    }
    let calls: Vec<&Call> = facts
        .calls
        .iter()
        .filter(|c| c.callee.as_deref() == Some(function.name.as_str()))
        .collect();
    if calls.is_empty() {
        return false;
    }
    let handed_on = mentions_in_code(source, locator, &function.name)
        .into_iter()
        .any(|at| {
            at != function.name_range.start && !calls.iter().any(|c| c.callee_range.start == at)
        });
    if handed_on {
        return false;
    }
    calls.iter().all(|c| {
        parameters.iter().all(|name| {
            let Some(position) = function.parameters.iter().position(|p| &p.name == name) else {
                return false;
            };
            let argument = c
                .arguments
                .iter()
                .find(|a| a.keyword.as_deref() == Some(name.as_str()))
                .or_else(|| {
                    c.arguments
                        .iter()
                        .filter(|a| a.keyword.is_none())
                        .nth(position)
                });
            match argument {
                Some(a) if a.value == ValueKind::Constant => true,
                Some(a) if a.value == ValueKind::Dynamic => {
                    let mut budget = DATA_BUDGET;
                    locator.node_at(&a.range).is_some_and(|node| {
                        !holds_data(
                            node,
                            source,
                            locator,
                            facts,
                            providers,
                            (&[], &mut Vec::new()),
                            &mut budget,
                        )
                    })
                }
                // Not given: its default, written in the definition.
                None => function.parameters[position].default.is_some(),
                Some(_) => false,
            }
        })
    })
}

/// Whether an expression holds something not constant, settings aside (see [`carries_data`]).
/// Containers, and objects of the file's own classes (`Deps(winning_number=18)`), are looked
/// into; a name bound once to one of them, never changed through a method (`history.append(...)`),
/// is looked into too. Anything else is data.
fn holds_data(
    node: Node<'_>,
    source: &str,
    locator: &Locator<'_>,
    facts: &FileFacts,
    providers: &Providers,
    (parameters, through): (&[&str], &mut Vec<String>),
    budget: &mut usize,
) -> bool {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        *budget = match budget.checked_sub(1) {
            Some(b) => b,
            None => return true,
        };
        match node.kind() {
            "integer" | "float" | "number" | "true" | "false" | "none" | "null" | "undefined"
            | "comment" => {}
            "string" | "template_string" => {
                // Only an f-string (Python: a prefix with `f` or `t`) or a template literal
                // (`${…}`) can interpolate: the others are not walked.
                let text = source.get(node.byte_range()).unwrap_or_default();
                let prefix = text.split(['"', '\'', '`']).next().unwrap_or_default();
                let may_interpolate = if node.kind() == "template_string" {
                    text.contains("${")
                } else {
                    prefix.contains(['f', 'F', 't', 'T'])
                };
                if may_interpolate
                    && node
                        .named_children(&mut node.walk())
                        .any(|c| matches!(c.kind(), "interpolation" | "template_substitution"))
                {
                    return true;
                }
            }
            "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "array"
            | "object"
            | "parenthesized_expression"
            | "concatenated_string"
            | "expression_list" => {
                stack.extend(node.named_children(&mut node.walk()));
            }
            // `"user" as const`, `x satisfies T`, `x!`: the value is the first child.
            "as_expression" | "satisfies_expression" | "non_null_expression" => {
                stack.extend(node.named_child(0));
            }
            // An object of a class of this file, made of constants (`Deps(winning_number=18)`).
            "call" | "new_expression"
                if node
                    .field("function")
                    .or_else(|| node.field("constructor"))
                    .is_some_and(|callee| {
                        callee.kind() == "identifier"
                            && facts
                                .classes
                                .iter()
                                .any(|c| c.name == node_text(callee, source))
                    }) =>
            {
                stack.extend(node.field("arguments"));
            }
            // An encoding of what it is given (`JSON.stringify({ model })`): its arguments.
            "call" | "call_expression"
                if node.field("function").is_some_and(|callee| {
                    providers.encoders.contains(node_text(callee, source))
                }) =>
            {
                stack.extend(node.field("arguments"));
            }
            "argument_list" | "arguments" => stack.extend(node.named_children(&mut node.walk())),
            "keyword_argument" => stack.extend(node.field("value")),
            "pair" => {
                let key = node.field("key");
                if key.is_some_and(|k| {
                    matches!(
                        k.kind(),
                        "string" | "property_identifier" | "string_fragment"
                    ) && providers.is_setting(&key_text(k, source))
                }) {
                    continue;
                }
                stack.extend(key.filter(|k| k.kind() != "property_identifier"));
                stack.extend(node.field("value"));
            }
            "shorthand_property_identifier" | "identifier" => {
                let name = node_text(node, source);
                if node.kind() == "shorthand_property_identifier" && providers.is_setting(name) {
                    continue;
                }
                if facts.bindings.is_constant(name) {
                    continue;
                }
                // A parameter of the enclosing function: what its callers pass (see
                // `only_constants_passed`).
                if parameters.contains(&name) {
                    if !through.iter().any(|t| t == name) {
                        through.push(name.to_string());
                    }
                    continue;
                }
                // Bound once to a container no method changes: what it holds.
                let changed = facts.calls.iter().any(|c| {
                    c.callee
                        .as_deref()
                        .and_then(|callee| callee.strip_prefix(name))
                        .is_some_and(|rest| rest.starts_with('.'))
                });
                let value = facts
                    .bindings
                    .single_value(name)
                    .filter(|_| !changed)
                    .and_then(|range| locator.node_at(&range))
                    .filter(|v| {
                        matches!(
                            v.kind(),
                            "list"
                                | "tuple"
                                | "dictionary"
                                | "array"
                                | "object"
                                | "call"
                                | "new_expression"
                        )
                    });
                match value {
                    Some(value) => stack.push(value),
                    None => return true,
                }
            }
            _ => return true,
        }
    }
    false
}

/// Whether `text` is a plain name (`morph`, `$client`), not an expression.
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_name_of_a_url_expression() {
        for (text, name) in [
            ("`${baseUrl}/v1/chat/completions`", "baseUrl"),
            ("f\"{BASE}/v1/chat\"", "BASE"),
            ("BASE + \"/chat\"", "BASE"),
            ("(API_URL)", "API_URL"),
            ("`${$base}/x`", "$base"),
        ] {
            assert_eq!(first_name(text), Some(name), "{text}");
        }
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
