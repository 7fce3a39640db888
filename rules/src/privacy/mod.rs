//! Where users' data goes: the third parties a project's code sends to (LLM providers, hosted
//! vector stores, tracing, analytics), found from the SDK entry points it calls
//! (`rules/data/providers.toml`), and what the project's privacy notice says about them.
//!
//! Which files are the notice, and reading them, is the caller's: the rules get a
//! [`ProjectPrivacy`] through [`crate::Summaries::privacy`].

mod flows;
mod notice;
pub(crate) use crate::knowledge::providers;
mod storage;

use std::ops::Range;
use std::path::PathBuf;

pub use flows::flows;
pub(crate) use flows::flows_reading;
pub use notice::{
    draft_notice, is_choice, is_notice_path, is_telemetry_path, leaves_choice, links_to_policy,
    mentions_storage, names, names_recipient, readme_section, recipient_section,
};
pub use providers::{Provider, Providers};
pub use storage::{Store, storage};
pub(crate) use storage::{conversation_match, into_places};

/// Who receives the data.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Recipient {
    /// A provider of the table (its index in [`Providers::list`]).
    Provider(usize),
    /// An OpenAI-compatible service at a host no provider claims.
    Host(String),
    /// Another service a tool sends what the model passes it to (a search, translation or
    /// weather API), by its host.
    Service(String),
    /// Whichever provider the configuration names (a router given a computed model string).
    Chosen,
    /// A provider a model string names that the tables do not know (`foo/some-model`).
    Unnamed(String),
}

impl Recipient {
    /// How messages and the notice name it.
    pub fn name(&self, providers: &Providers) -> String {
        match self {
            Recipient::Provider(i) => providers
                .list
                .get(*i)
                .map_or_else(|| "a third party".to_string(), |p| p.name.clone()),
            Recipient::Host(host) | Recipient::Service(host) => format!("the service at {host}"),
            Recipient::Chosen => "the model provider the configuration names".to_string(),
            Recipient::Unnamed(route) => format!("the provider `{route}`"),
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
    /// Made in a class of the project's own that wraps a model (`class OpenAIChatModel`,
    /// `class ChatAnthropic`, `class GenericLLMProvider`): in a library, an adapter its users'
    /// applications choose, not a flow of the library's own.
    pub adapter: bool,
    /// The code shows users' data reaching it (a call given something not constant, a model
    /// used with such a call), rather than a model made here and used elsewhere: the place a
    /// recipient is reported at, when it has one.
    pub evident: bool,
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
    pub adapter: bool,
    pub evident: bool,
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
    /// A page that discloses the project's telemetry (`TELEMETRY.md`,
    /// `docs/telemetry/telemetry.mdx`): the telemetry services it names are disclosed
    /// ([`ProjectPrivacy::counts`]), whatever the privacy notice says.
    pub telemetry: Option<Notice>,
    pub flows: Vec<ProjectFlow>,
    /// The packages others install that the project publishes (a monorepo may publish
    /// several): their code's calls to models are their users' to disclose
    /// ([`ProjectPrivacy::counts`]).
    pub libraries: Vec<Library>,
}

/// A package the project publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Library {
    /// Where its manifest is, relative to the project's root, `/`-separated (`""` at the root).
    pub dir: String,
    /// Its name (`pydantic-ai`, `@scope/name`).
    pub name: String,
    /// The directories its manifest says it ships, when the name does not say (Poetry's
    /// `packages = [{ include = "interpreter" }]` in `open-interpreter`; a JavaScript package's
    /// `src` and `lib`).
    pub packages: Vec<String>,
}

impl Library {
    /// Whether a project-relative path is this package's: below its manifest's directory and
    /// in a directory named as the package imports.
    pub fn holds(&self, path: &str) -> bool {
        let rest = if self.dir.is_empty() {
            Some(path)
        } else {
            path.strip_prefix(self.dir.as_str())
                .and_then(|r| r.strip_prefix('/'))
        };
        rest.is_some_and(|rest| {
            in_package(&self.name, rest) || self.packages.iter().any(|p| in_package(p, rest))
        })
    }

    /// Whether a project-relative path is below this package's manifest.
    fn covers(&self, path: &str) -> bool {
        self.dir.is_empty()
            || path
                .strip_prefix(self.dir.as_str())
                .is_some_and(|r| r.starts_with('/'))
    }
}

/// Whether a file serves other people: it imports a web framework, chat UI or bot library
/// (`[sending] serving-modules`), is a web route by its framework's convention
/// (`serving-files`: `app/api/chat/route.ts`), or holds Next.js server actions (`"use server"`).
/// An example or demo that does sends its users' data; one that does not (a script run from a
/// terminal) sends only what whoever runs it gives it.
pub fn serves(
    path: &std::path::Path,
    source: &str,
    facts: &crate::facts::FileFacts,
    providers: &Providers,
) -> bool {
    let text = path.to_string_lossy().replace('\\', "/");
    let file = text.rsplit('/').next().unwrap_or(&text);
    if providers.serving_files.iter().any(|f| {
        if f.contains('/') {
            text.contains(&format!("{f}/"))
        } else {
            file == f
        }
    }) {
        return true;
    }
    if facts.bindings.imports().any(|q| {
        providers.serving_modules.iter().any(|m| {
            q == m
                || q.strip_prefix(m.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '/']))
        })
    }) {
        return true;
    }
    source.contains("\"use server\"") || source.contains("'use server'")
}

/// Whether a file asks the person who runs it for text at a terminal (`input()`, prompt_toolkit,
/// Node's `readline`: `[sending] terminal-inputs`): what it sends is what that person types,
/// theirs to send, unless the file also serves others ([`serves`]).
pub fn asks_at_a_terminal(facts: &crate::facts::FileFacts, providers: &Providers) -> bool {
    facts.calls.iter().any(|call| {
        call.resolved.as_deref().is_some_and(|resolved| {
            providers.terminal_inputs.iter().any(|m| {
                resolved == m
                    || resolved
                        .strip_prefix(m.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '/']))
            })
        })
    })
}

/// Who runs a file that serves nobody, and gives it the data it sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunBy {
    /// An example or demo: its reader, who reads its code.
    Reader,
    /// A command line that asks for text at a terminal: its operator.
    Operator,
}

/// Whether a flow of a file run by the person who gives it its data still carries that data to
/// others: to the analytics and error reports the program's authors receive from every machine
/// it runs on (`authors`: [`authors_receive`]); and, from a command line (whose operator need
/// not read its code, unlike an example's reader), to a service a tool of it calls at a host
/// its authors chose ([`Recipient::Service`]) rather than an account of the operator's own.
pub fn still_others(recipient: &Recipient, authors: bool, run_by: RunBy) -> bool {
    authors || (run_by == RunBy::Operator && matches!(recipient, Recipient::Service(_)))
}

/// Whether a recipient is one a program's authors receive from wherever it runs (product
/// analytics, error reports), rather than a service its operator calls with their own account.
pub fn authors_receive(recipient: &Recipient, providers: &Providers) -> bool {
    matches!(recipient, Recipient::Provider(i) if providers
        .list
        .get(*i)
        .is_some_and(|p| matches!(p.kind.as_str(), "analytics" | "error-tracking")))
}

/// Whether a project-relative path is in the package `name` publishes: under a directory named
/// as it imports (`pydantic-ai`: `pydantic_ai_slim/pydantic_ai/models/openai.py`).
pub fn in_package(name: &str, path: &str) -> bool {
    let import = name
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase()
        .replace(['-', '.'], "_");
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts
        .iter()
        .any(|dir| dir.to_ascii_lowercase().replace('-', "_") == import)
}

impl ProjectPrivacy {
    /// Whether a project-relative path is in the library's package: under a directory named as
    /// it imports (`pydantic-ai`: `pydantic_ai_slim/pydantic_ai/models/openai.py`).
    pub fn in_package(&self, path: &str) -> bool {
        self.libraries.iter().any(|l| l.holds(path))
    }

    /// The package whose manifest is nearest above a project-relative path, if the project
    /// publishes one there.
    pub fn library_of(&self, path: &str) -> Option<&Library> {
        self.libraries
            .iter()
            .filter(|l| l.covers(path))
            .max_by_key(|l| l.dir.len())
    }

    /// Whether a flow is the project's to disclose: neither telemetry its telemetry page
    /// discloses, nor a library's call that its users disclose ([`ProjectPrivacy::left_to_users`]).
    pub fn counts(
        &self,
        path: &str,
        chosen_by_users: bool,
        recipient: &Recipient,
        providers: &Providers,
    ) -> bool {
        !self.telemetry_disclosed(recipient, providers)
            && !self.left_to_users(path, chosen_by_users, recipient, providers)
    }

    /// Whether the recipient is a telemetry service (analytics, error tracking, LLM tracing)
    /// that the project's telemetry page names: disclosed where its users look for it.
    fn telemetry_disclosed(&self, recipient: &Recipient, providers: &Providers) -> bool {
        let (Recipient::Provider(i), Some(page)) = (recipient, &self.telemetry) else {
            return false;
        };
        providers.list.get(*i).is_some_and(|p| {
            matches!(p.kind.as_str(), "analytics" | "error-tracking" | "tracing")
                && names(&page.text, p)
        })
    }

    /// Whether a flow is a library's users' to disclose. In a library (a package others
    /// install), the calls to model providers in its package's code, and those its users choose
    /// anywhere (in its model classes, `adapter`; to whichever provider or `base_url` they
    /// configure), are its users' applications' to disclose, not its own, and so are the LLM
    /// tracing services its code can send to (each application's own account); its product
    /// analytics and error reports are still its own.
    pub fn left_to_users(
        &self,
        path: &str,
        chosen_by_users: bool,
        recipient: &Recipient,
        providers: &Providers,
    ) -> bool {
        let Some(library) = self.library_of(path) else {
            return false;
        };
        if !(chosen_by_users || *recipient == Recipient::Chosen || library.holds(path)) {
            return false;
        }
        match recipient {
            Recipient::Provider(i) => !providers
                .list
                .get(*i)
                // LLM tracing is an application's choice too (its own account and key);
                // product analytics and error reports are the library's own telemetry.
                .is_some_and(|p| matches!(p.kind.as_str(), "analytics" | "error-tracking")),
            _ => true,
        }
    }
}
