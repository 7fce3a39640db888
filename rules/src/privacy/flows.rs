//! Where a file sends data: the calls and decorators of the providers' entry points, and the
//! service each one's `base_url` points to.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap as HashMap;

use super::providers::{Entry, Providers};
use super::{Flow, Recipient};
use crate::facts::FileFacts;
use crate::syntax::Family;

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

#[cfg(test)]
mod tests {
    use super::*;

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
