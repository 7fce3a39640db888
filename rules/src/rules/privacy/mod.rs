//! AL4xx: privacy notices. Who receives users' data is found from the SDK entry points the code
//! calls (`rules/data/providers.toml`); whether the project tells its users is found from its
//! notice (`PRIVACY.md`, `docs/privacy*`, a README "Privacy" section, a privacy page of the UI).

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, FileChange, Fix};
use crate::privacy::{Flow, ProjectFlow, ProjectPrivacy, Recipient, draft_notice, names_recipient};
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule};
use crate::syntax::Fields;

declare_rule! {
    /// ## What it does
    /// Finds code that sends users' data to a third party — an LLM provider (OpenAI, Azure
    /// OpenAI, Anthropic, Google, Mistral, Cohere, Groq, Together, DeepSeek, xAI, Replicate,
    /// Hugging Face, Bedrock, DashScope, Zhipu, Moonshot, Qianfan, Ark, OpenRouter, Vercel AI
    /// Gateway, or any OpenAI-compatible service a `base_url` points to), a hosted vector store,
    /// a speech, document-parsing or memory service (AssemblyAI, Deepgram, ElevenLabs,
    /// LlamaParse, Zep, the Mem0 platform), a web search API given the users' questions
    /// (Tavily, Exa, SerpApi), an LLM tracing service (LangSmith, Langfuse,
    /// Helicone, W&B Weave, Arize, Datadog) or an analytics or error-tracking SDK — in a project
    /// that has no privacy notice.
    ///
    /// A call counts when it transmits (a chat, completion, embedding or transcription method; a
    /// model or agent that is then used; raw HTTP to a provider's host; tracing switched on in
    /// code, `LANGSMITH_TRACING`; an analytics SDK's call, or its component rendered in a page,
    /// `<GoogleAnalytics gaId=… />`) and something not constant reaches it (a parameter, a
    /// request's body, `input()`, a file read, a chat history). A demo whose prompt is a
    /// constant, administration (creating an agent, a session, a webhook) and the SDK's types
    /// (`ChatCompletion(...)`) send nothing of a user's. A tool's request to any other service
    /// (not local) counts when an argument of the tool is in it (its URL, query, body or data,
    /// directly or through a name the tool binds to it): what the model passes a tool is what
    /// the user said, so a search API, a translation service or a weather API that receives it
    /// is a recipient, named by its host. So is a web route's request to another service with
    /// what the route was sent in it (its request, `req.body`, Flask's `request.form`, a
    /// FastAPI route's parameters, and names bound from them): a visitor's search sent to the
    /// engine it scrapes, their position to a weather API. Signing in (an OAuth code exchange,
    /// the user's profile from an OpenID provider, account administration: `/oauth`,
    /// `/token`, `/userinfo`, `/auth/` in the path) and a route's data in a request's headers only are not flows. Which entry points
    /// send where is data:
    /// `rules/data/providers.toml` (recipients, hosts, model strings such as `"openai:gpt-4o"`
    /// and LiteLLM routes, tracing switches) and `rules/data/sdks/*.toml`, generated from the
    /// published packages by `scripts/sdk-tables/generate.sh`. A client pointed at `localhost`
    /// or a private address is a local model, not a third party; a base URL that falls back to
    /// a literal (`baseURL || "https://api.groq.com/openai/v1"`, `os.getenv("BASE_URL",
    /// "https://api.deepseek.com")`) points where the literal says. A provider whose API key
    /// the file asks its user for in a UI field (`st.text_input("OpenAI API key",
    /// type="password")`, `[sending] key-inputs`) receives the user's data on the user's own
    /// account, by the user's choice, and is not reported there.
    ///
    /// Each recipient is reported once per project, at the first place where the code shows
    /// users' data reaching it, with its other places as related information; the branches of
    /// an `if`/`match`/`switch` that picks a provider from the configuration are one finding,
    /// and so are the entries of a table of functions by provider (`{ anthropic: () => ...,
    /// openai: () => ... }[providerId]`, a dict of lambdas).
    /// Not reported: test files and maintainers' tooling (the default `per-file-ignores`);
    /// examples and demos that serve nobody (no web route, chat UI or bot: `[sending]
    /// serving-modules` and `serving-files`), whose reader runs them on their own data (their
    /// product analytics and error reports, which go to their authors, still are) — every
    /// file of a collection of examples is one (a root with no manifest, code or deployment of
    /// its own, and at least five projects with their own manifest below it: a cookbook, a
    /// tutorials repository); a command line that asks whoever runs it for text (`input()`,
    /// prompt_toolkit, Node's `readline`: `[sending] terminal-inputs`) and serves nobody, whose
    /// operator sends what they type on their own keys (still reported: its product analytics
    /// and error reports, which go to its authors from every machine, and its tools' requests
    /// to services at hosts its code chose); and in
    /// a package others install (a `pyproject.toml` with a `[build-system]` and a description
    /// other than the one `poetry init` or `uv init` writes, a `package.json`
    /// with an entry point and not private; each package of a monorepo), the calls in its
    /// package's code (the directories named as it imports, those its manifest ships: Poetry,
    /// setuptools and Hatch `packages` or `include`; a JavaScript package's `src/` and `lib/`)
    /// and its model classes, and the LLM tracing it can send to: the application that uses it
    /// owes that notice. A library's own analytics and error reports are reported, unless the
    /// project's telemetry page (`TELEMETRY.md`, `docs/telemetry.md`,
    /// `docs/telemetry/telemetry.mdx`, an `analytics.md` anywhere in a documentation site)
    /// names the service: telemetry disclosed there is disclosed where its users look for it.
    ///
    /// A notice is a `PRIVACY.md` / `PRIVACY.txt` (`privacy-policy.md`, …) at the project's
    /// root or in `docs/`, a README section whose heading says privacy or data handling, a
    /// privacy page of the UI (`app/privacy/page.tsx`, `pages/privacy-policy.html`), or UI code
    /// that links to a privacy policy published elsewhere. The project is the directory
    /// `agentlint check` was given (the workspace folder in an editor); for a file outside
    /// those, the nearest directory with `.git`.
    ///
    /// ## Why is this bad?
    /// People talking to an agent rarely know that every message, file and tool result goes to
    /// a model provider, may be kept there, and may be reviewed. Many jurisdictions require
    /// telling them (GDPR Articles 13–14, CCPA, China's PIPL); app stores and provider terms
    /// require a privacy policy too. Independent developers usually tell users in chat groups,
    /// if at all.
    ///
    /// ## Example
    /// ```python
    /// client = OpenAI()
    /// reply = client.chat.completions.create(model="gpt-4o", messages=history)
    /// ```
    /// in a project without a notice.
    ///
    /// ## Use instead
    /// A `PRIVACY.md` that names each service, what it receives, and what the project stores.
    ///
    /// ## Fix safety
    /// agentlint offers to create `PRIVACY.md`: a first draft from the project's flows — each
    /// recipient, what it receives, where in the code — with TODO markers for what only the
    /// author knows (purpose, retention, contact). The fix is **unsafe**: the draft must be
    /// completed and checked before users read it.
    ///
    /// ## Known problems
    /// Its warnings on 84 public agent repositories were read by hand (`tests/precision`): 74
    /// of 109 decided are right. On the 17 it was fitted to, 23 of 23 are; on the eight sets
    /// read before any change made from them, 13 of 31, 5 of 13, 7 of 8, 3 of 11, 4 of 18, 4
    /// of 5, 1 of 5 and 1 of 1 were.
    /// What readers call wrong is mostly whose data it is, which the code does not say:
    /// - apps run by their operator on their own keys and data: self-hosted single-user apps
    ///   whose keys are typed into a settings page or an API of the app, personal assistants
    ///   each user forks and runs on their own mail, hosted pages that ask each visitor for
    ///   their own key and pass it through a request, the modules a command line calls (the
    ///   file that asks for the text is known, its helpers are not), an agent that posts for
    ///   its owner, demos a README says to run on `localhost`;
    /// - samples with a chat UI in a collection of examples, which readers judge both ways (24
    ///   right in one collection, 7 wrong in another);
    /// - analytics the operator switches on, an opt-in disclosed in the docs, and a call in a
    ///   function nothing calls.
    ///
    /// A client pointed at a configured address with a key no provider takes (`api_key=
    /// "not-needed"`, `"EMPTY"`, `"ollama"`: `[sending] local-keys`) is a local model server.
    ///
    /// A model made and returned by a factory of the project's own (`return
    /// anthropic("claude-…")`) is made for use elsewhere: its construction is the flow.
    ///
    /// Not found: a provider's class that extends an OpenAI-compatible client
    /// with its own base URL, a client's method passed as a value (`self._call(self.client.chat.
    /// completions.create, …)`), voice sent from the browser over WebRTC, a tool's request to a
    /// host the code does not write or made in a helper the tool calls, tracing switched on in
    /// `.env`, server routes that
    /// forward a request to a provider URL built from the configuration, and the flows of an
    /// application whose code is also the package it publishes, which count as a library's.
    /// LlamaIndex.TS's providers are entry points by hand: a model constructed with constants
    /// only (`new OpenAI({ model: "gpt-4o" })`) is not a flow until something else reaches it.
    ///
    /// ## References
    /// - GDPR Articles 13 and 14 (information to be provided to the data subject)
    /// - OWASP Top 10 for LLM Applications: LLM02 Sensitive Information Disclosure
    pub struct MissingPrivacyNotice {
        code: "AL401",
        name: "missing-privacy-notice",
        summary: "The code sends users' data to a third party and the project has no privacy notice",
        severity: Warning,
        needs: [Flows, Privacy],
    }
}

declare_rule! {
    /// ## What it does
    /// Finds code that sends users' data to a third party (see AL401) that the project's privacy
    /// notice does not name. A notice names a recipient by its name or a usual alias, in any
    /// case (`OpenAI`; `Anthropic` or `Claude`; `Google`, `Gemini` or `Vertex`; for a service
    /// at another host, its domain). A client whose `base_url` comes from a variable is not
    /// checked: where it sends is not in the code. Nor is a notice that is only a link to a policy
    /// published elsewhere: agentlint cannot read it.
    ///
    /// ## Why is this bad?
    /// A notice that lists yesterday's providers misleads: users who read it believe their
    /// messages go only where it says. Switching from one model provider to another, or adding
    /// a tracing service, is a change users are entitled to hear about.
    ///
    /// ## Example
    /// A `PRIVACY.md` that names OpenAI, in a project that now also calls
    /// `Anthropic().messages.create(...)`.
    ///
    /// ## Use instead
    /// Name every recipient in the notice, with what it receives.
    ///
    /// ## Fix safety
    /// When the notice is a file of its own (`PRIVACY.md`, `docs/privacy.md`), agentlint offers
    /// to append a section for the missing recipient, with TODO markers. The fix is **unsafe**:
    /// the section must be completed and checked. A README section or a UI page is left to the
    /// author.
    ///
    /// ## Known problems
    /// On the 17 public agent repositories it was measured on, no notice missed a recipient the
    /// code sends to, so it reported nothing there. On 9 more, its 6 warnings were all wrong:
    /// a self-hosted app's notice says its data goes to "the respective service provider" of
    /// whichever model, embedding model or vector database its operator enables. Such a notice
    /// now discloses those providers (not its analytics or tracing, nor a service its code
    /// names). A notice is read as text: one that names a provider only to say it is not used
    /// still names it.
    ///
    /// ## References
    /// - GDPR Article 13(1)(e): the recipients of the personal data
    pub struct PrivacyNoticeMissingRecipient {
        code: "AL402",
        name: "privacy-notice-missing-recipient",
        summary: "The privacy notice does not name a third party the code sends users' data to",
        severity: Warning,
        needs: [Flows, Privacy],
    }
}

declare_rule! {
    /// ## What it does
    /// Finds code that stores users' conversations — a chat-history store or checkpointer
    /// (LangChain message histories, LangGraph checkpointers, LlamaIndex chat stores, the OpenAI
    /// Agents SDK's sessions, mem0), SQL that inserts into a conversation table, or a function
    /// named for conversations (`save_history`, `log_chat`) that writes files or a database —
    /// in a project whose privacy notice says nothing about storage or retention (no word such
    /// as store, retain, retention, keep, save, delete or log). Which calls store conversations
    /// is data (`[[storage]]` in `rules/data/providers.toml`).
    ///
    /// A project without a notice gets AL401 instead, whose draft asks what is stored.
    ///
    /// ## Why is this bad?
    /// Stored conversations outlive the session: users confide in agents, and a database of
    /// their messages is what a breach, a subpoena or a curious operator reads. Users should
    /// know that it exists, how long it is kept and how to have it deleted (GDPR Article
    /// 13(2)(a) asks for the storage period).
    ///
    /// ## Example
    /// ```python
    /// def save_message(session, role, content):
    ///     db.execute("INSERT INTO messages VALUES (?, ?, ?)", (session, role, content))
    /// ```
    /// with a notice that only names the model provider.
    ///
    /// ## Use instead
    /// Say in the notice what is kept, where, for how long, and how users can have it deleted.
    ///
    /// ## Fix safety
    /// When the notice is a file of its own, agentlint offers to append a "What this agent
    /// stores" section with TODO markers. The fix is **unsafe**: the section must be completed.
    ///
    /// ## Known problems
    /// On the 17 public agent repositories it was measured on it reported nothing (the
    /// projects that store conversations had no notice, which AL401 reports). Storage the
    /// tables do not list and that no function name tells (a generic `save(obj)` to a document
    /// store) is not found.
    ///
    /// ## References
    /// - GDPR Article 13(2)(a): the period for which the personal data will be stored
    /// - CWE-359: Exposure of Private Personal Information to an Unauthorized Actor
    pub struct UndisclosedConversationStorage {
        code: "AL403",
        name: "undisclosed-conversation-storage",
        summary: "Conversations are stored and the privacy notice says nothing about storage",
        severity: Info,
        needs: [Flows, Privacy, ConversationStores],
    }
}

impl Rule for UndisclosedConversationStorage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(privacy) = ctx.privacy else {
            return;
        };
        let Some(notice) = privacy.notice.as_ref().filter(|n| n.checkable) else {
            return;
        };
        if crate::privacy::mentions_storage(&notice.text) {
            return;
        }
        // Once per file: the first place it stores.
        let Some(store) = ctx.stores.first() else {
            return;
        };
        let here = relative(ctx, privacy);
        let line = ctx.lines().line_of(store.range.start) + 1;
        let message = format!(
            "{} stores users' conversations, and the privacy notice `{}` says nothing about it",
            code_span(&crate::rules::excerpt(&store.callee, 30)),
            notice.path
        );
        let note = format!(
            "It keeps {}: users cannot know what is kept, or for how long.",
            store.what
        );
        let block = format!(
            "## What this agent stores\n\n- Conversations: {} (`{here}:{line}`).\n\
             - TODO: where they are kept, for how long, who can read them, and how a user can \
             have theirs deleted.\n",
            store.what
        );
        let fix = append_fix(notice, "a storage section", &block);
        out.push(
            Diagnostic::new(
                &UndisclosedConversationStorage::META,
                store.range.clone(),
                message,
            )
            .with_note(note)
            .with_help(
                "Say in the notice what is kept, where, for how long, and how users can have it \
                 deleted.",
            )
            .with_fix(fix),
        );
    }
}

/// "Add {what} to {notice}": the block appended to a notice file of the project's own (a README
/// section or a UI page is left to the author).
fn append_fix(notice: &crate::privacy::Notice, what: &str, block: &str) -> Option<Fix> {
    notice.appendable.then(|| {
        Fix::new(
            format!("Add {what} to {}", notice.path),
            Applicability::Unsafe,
            Vec::new(),
        )
        .with_file_change(FileChange::append(&notice.path, block))
    })
}

/// The call or decorator as written, short: `OpenAI`, `@traceable`.
fn this(flow: &Flow) -> String {
    code_span(&crate::rules::excerpt(&flow.callee, 30))
}

/// The file's path relative to the project's root, `/`-separated.
fn relative(ctx: &Context<'_>, privacy: &ProjectPrivacy) -> String {
    let path = ctx.path.strip_prefix(&privacy.root).unwrap_or(ctx.path);
    path.to_string_lossy().replace('\\', "/")
}

/// The project's flows with this file's as they are now (the index may hold an older version),
/// those the project is to disclose ([`ProjectPrivacy::counts`]), in order of path and line.
fn project_flows(ctx: &Context<'_>, privacy: &ProjectPrivacy) -> Vec<ProjectFlow> {
    let here = relative(ctx, privacy);
    let index = ctx.lines();
    let providers = &ctx.knowledge.providers;
    let mut flows: Vec<ProjectFlow> = ctx
        .flows
        .iter()
        .map(|f| ProjectFlow {
            recipient: f.recipient.clone(),
            configured: f.configured,
            path: here.clone(),
            line: u32::try_from(index.line_of(f.range.start) + 1).unwrap_or(u32::MAX),
            callee: f.callee.clone(),
            adapter: f.adapter,
            evident: f.evident,
        })
        .collect();
    flows.extend(privacy.flows.iter().filter(|f| f.path != here).cloned());
    flows.retain(|f| privacy.counts(&f.path, f.adapter || f.configured, &f.recipient, providers));
    flows.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    flows
}

/// What one finding is about: a flow, or the flows in the branches of one `if`, `match` or
/// `switch` that picks among providers (`if provider == "openai": ... elif provider ==
/// "anthropic": ...`), or in the functions of one table of them by key, which the
/// configuration chooses one of.
struct Unit<'f> {
    flows: Vec<&'f Flow>,
    switch: bool,
}

impl Unit<'_> {
    fn first(&self) -> &Flow {
        self.flows[0]
    }

    /// Its recipients, each once, in order.
    fn recipients(&self) -> Vec<&Recipient> {
        let mut out: Vec<&Recipient> = Vec::new();
        for flow in &self.flows {
            if !out.contains(&&flow.recipient) {
                out.push(&flow.recipient);
            }
        }
        out
    }
}

/// The file's flows that the project is to disclose, as findings' subjects, in order.
fn units<'f>(ctx: &'f Context<'_>, privacy: &ProjectPrivacy) -> Vec<Unit<'f>> {
    let providers = &ctx.knowledge.providers;
    let locator = ctx.locator();
    let here = relative(ctx, privacy);
    // The flows in a choice's branches, by the choice (its start), with their branches.
    let mut choices: Vec<(usize, Vec<(usize, &'f Flow)>)> = Vec::new();
    let mut out: Vec<Unit<'f>> = Vec::new();
    for flow in ctx
        .flows
        .iter()
        .filter(|f| privacy.counts(&here, f.adapter || f.configured, &f.recipient, providers))
    {
        let choice = locator
            .descendant(flow.range.start, flow.range.end)
            .and_then(|node| choice_of(locator, node));
        match choice {
            Some((choice, branch)) => match choices.iter_mut().find(|(c, _)| *c == choice) {
                Some((_, flows)) => flows.push((branch, flow)),
                None => choices.push((choice, vec![(branch, flow)])),
            },
            None => out.push(Unit {
                flows: vec![flow],
                switch: false,
            }),
        }
    }
    for (_, flows) in choices {
        let branches = flows
            .iter()
            .map(|(b, _)| b)
            .collect::<rustc_hash::FxHashSet<_>>();
        let recipients = flows
            .iter()
            .map(|(_, f)| &f.recipient)
            .collect::<rustc_hash::FxHashSet<_>>();
        if branches.len() > 1 && recipients.len() > 1 {
            out.push(Unit {
                flows: flows.into_iter().map(|(_, f)| f).collect(),
                switch: true,
            });
        } else {
            out.extend(flows.into_iter().map(|(_, f)| Unit {
                flows: vec![f],
                switch: false,
            }));
        }
    }
    out.sort_by_key(|u| u.first().range.start);
    out
}

/// The choice (`if`/`elif` chain, `match`, `switch`, conditional expression, a table of
/// functions by key) whose branch holds `node`, nearest first: the choice's start and the
/// branch's.
fn choice_of(
    locator: &crate::syntax::Locator<'_>,
    node: tree_sitter::Node<'_>,
) -> Option<(usize, usize)> {
    let ancestry = locator.ancestry(node, 40);
    // The branch: a `case`, an `elif` or `else` clause, or the `if`'s own block.
    let mut branch: Option<tree_sitter::Node<'_>> = None;
    for (position, pair) in ancestry.windows(2).enumerate() {
        let (child, parent) = (pair[0], pair[1]);
        match parent.kind() {
            "case_clause" | "switch_case" | "switch_default" | "elif_clause" | "else_clause" => {
                branch = branch.or(Some(parent));
            }
            "if_statement"
            | "match_statement"
            | "switch_statement"
            | "conditional_expression"
            | "ternary_expression" => {
                // The condition is no branch.
                let condition = if parent.kind() == "conditional_expression" {
                    parent.named_child(1)
                } else {
                    parent.field("condition")
                };
                if branch.is_none() && condition.is_some_and(|c| c.id() == child.id()) {
                    continue;
                }
                let branch = branch.unwrap_or(child);
                // JavaScript: `else if` nests an `if` in the `else`: the outermost is the choice.
                let mut root = parent;
                for pair in ancestry[position + 1..].windows(2) {
                    match (pair[0].kind(), pair[1].kind()) {
                        ("if_statement", "else_clause") => {}
                        ("else_clause", "if_statement") => root = pair[1],
                        _ => break,
                    }
                }
                return Some((root.start_byte(), branch.start_byte()));
            }
            // A function or class between: its own code, not a branch; unless the function is
            // an entry of a dispatch table (`{ anthropic: () => createAnthropic(...)(model),
            // openai: () => ... }[provider]`, a dict of lambdas), which picks one by its key.
            "class_definition" | "class_declaration" | "class" => return None,
            // A Python lambda is no boundary, but an entry of a table of them is a branch.
            "lambda" => {
                if let Some(found) = table_entry(&ancestry, position, branch) {
                    return Some(found);
                }
            }
            _ if crate::syntax::is_function(parent) => {
                return table_entry(&ancestry, position, branch);
            }
            _ => {}
        }
    }
    None
}

/// When the function at `ancestry[position + 1]` is an entry of a table (`{ key: () => ... }`,
/// `{"key": lambda: ...}`) and nothing nearer is a branch: the table's start and the entry's.
fn table_entry(
    ancestry: &[tree_sitter::Node<'_>],
    position: usize,
    branch: Option<tree_sitter::Node<'_>>,
) -> Option<(usize, usize)> {
    let entry = ancestry.get(position + 2).filter(|n| n.kind() == "pair")?;
    let table = ancestry
        .get(position + 3)
        .filter(|n| matches!(n.kind(), "object" | "dictionary"))?;
    branch
        .is_none()
        .then(|| (table.start_byte(), entry.start_byte()))
}

/// Whether `recipient` is reported at another place than `path` at one of `lines`: a recipient
/// is reported once per project, at its first place where the code shows users' data reaching
/// it (a route that passes a request's messages, rather than a model made for use elsewhere) and
/// names it in the code (not a `base_url` from the configuration), else at its first place where
/// the code shows data reaching it, else at its first place (`flows` are in order of path and
/// line).
fn reported_elsewhere(
    flows: &[ProjectFlow],
    recipient: &Recipient,
    path: &str,
    lines: &[u32],
) -> bool {
    let places = || flows.iter().filter(|f| &f.recipient == recipient);
    let place = places()
        .find(|f| f.evident && !f.configured)
        .or_else(|| places().find(|f| f.evident))
        .or_else(|| places().next());
    place.is_some_and(|f| f.path != path || !lines.contains(&f.line))
}

/// The project's other places that send to the unit's recipients, as related information.
fn other_places(
    ctx: &Context<'_>,
    privacy: &ProjectPrivacy,
    unit: &Unit<'_>,
    flows: &[ProjectFlow],
) -> Vec<crate::diagnostic::Related> {
    const SHOWN: usize = 10;
    let providers = &ctx.knowledge.providers;
    let here = relative(ctx, privacy);
    let line = |f: &Flow| u32::try_from(ctx.lines().line_of(f.range.start) + 1).unwrap_or(0);
    let mut out = Vec::new();
    // In a choice: the other branches' flows.
    for flow in unit.flows.iter().skip(1) {
        out.push(crate::diagnostic::Related {
            range: flow.range.clone(),
            message: format!("or to {}", flow.recipient.name(providers)),
            place: None,
        });
    }
    let first = (here.as_str(), line(unit.first()));
    for recipient in unit.recipients() {
        for flow in flows
            .iter()
            .filter(|f| &f.recipient == recipient && (f.path.as_str(), f.line) != first)
        {
            if out.len() >= SHOWN {
                return out;
            }
            if flow.path == here {
                // This file's own: by range.
                if let Some(f) = ctx.flows.iter().find(|f| {
                    &f.recipient == recipient
                        && line(f) == flow.line
                        && !unit.flows.iter().any(|u| std::ptr::eq(*u, *f))
                }) {
                    out.push(crate::diagnostic::Related {
                        range: f.range.clone(),
                        message: format!("also sends to {}", recipient.name(providers)),
                        place: None,
                    });
                }
                continue;
            }
            out.push(crate::diagnostic::Related {
                range: 0..0,
                message: format!("also sends to {}", recipient.name(providers)),
                place: Some(std::sync::Arc::new(crate::diagnostic::Place {
                    path: privacy.root.join(&flow.path),
                    line: flow.line.saturating_sub(1),
                    utf8: 0..0,
                    utf16: 0..0,
                    utf32: 0..0,
                    host: None,
                })),
            });
        }
    }
    out
}

/// "OpenAI, Anthropic, Google and 17 more".
fn listed(names: &[String], shown: usize) -> String {
    if names.len() <= shown {
        return match names {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
    }
    format!(
        "{} and {} more",
        names[..shown].join(", "),
        names.len() - shown
    )
}

/// What a recipient receives, in short, for messages.
fn sends(ctx: &Context<'_>, recipient: &Recipient) -> String {
    let long = sends_in_full(ctx, recipient);
    long.split(':').next().unwrap_or(&long).trim().to_string()
}

/// What a recipient receives, for the notice.
fn sends_in_full(ctx: &Context<'_>, recipient: &Recipient) -> String {
    let providers = &ctx.knowledge.providers;
    match recipient {
        Recipient::Provider(i) => providers
            .list
            .get(*i)
            .map_or("the data the code passes to it", |p| providers.sends(p))
            .to_string(),
        Recipient::Service(_) => {
            "what the model passes the tool that calls it: the user's words, or anything from the \
             conversation the model chooses"
                .to_string()
        }
        Recipient::Host(_) | Recipient::Chosen | Recipient::Unnamed(_) => {
            "prompts and conversation history".to_string()
        }
    }
}

impl Rule for MissingPrivacyNotice {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(privacy) = ctx.privacy else {
            return;
        };
        if privacy.notice.is_some() {
            return;
        }
        let providers = &ctx.knowledge.providers;
        let flows = project_flows(ctx, privacy);
        let draft = draft_notice(&flows, providers);
        let here = relative(ctx, privacy);
        let mut reported: Vec<Recipient> = Vec::new();
        for unit in units(ctx, privacy) {
            let first = unit.first();
            let lines: Vec<u32> = unit
                .flows
                .iter()
                .map(|f| u32::try_from(ctx.lines().line_of(f.range.start) + 1).unwrap_or(0))
                .collect();
            let recipients = unit.recipients();
            if recipients
                .iter()
                .all(|r| reported.contains(r) || reported_elsewhere(&flows, r, &here, &lines))
            {
                continue;
            }
            reported.extend(recipients.iter().map(|r| (*r).clone()));
            let names: Vec<String> = recipients.iter().map(|r| r.name(providers)).collect();
            let (message, note) = if unit.switch {
                (
                    format!(
                        "These calls send users' data to whichever of {} providers is configured, \
                         and the project has no privacy notice",
                        names.len()
                    ),
                    format!(
                        "The configuration picks {}: the people using this agent cannot know \
                         where their messages go.",
                        listed(&names, 4).replace(" and ", " or ")
                    ),
                )
            } else {
                let mut note = format!(
                    "It sends {}: the people using this agent cannot know where their messages go.",
                    sends(ctx, &first.recipient)
                );
                if first.configured {
                    note.push_str(
                        " Its `base_url` comes from the configuration: the data may go elsewhere.",
                    );
                }
                (
                    format!(
                        "{} sends users' data to {}, and the project has no privacy notice",
                        this(first),
                        names[0]
                    ),
                    note,
                )
            };
            let related = other_places(ctx, privacy, &unit, &flows);
            let elsewhere = flows
                .iter()
                .filter(|f| recipients.contains(&&f.recipient))
                .count()
                .saturating_sub(unit.flows.len());
            let note = match elsewhere {
                0 => note,
                1 => format!("{note} One other place sends there too; one notice covers both."),
                n => format!("{note} {n} other places send there too; one notice covers them all."),
            };
            let fix = Fix::new(
                "Create PRIVACY.md (a draft from the code, with TODOs to complete)",
                Applicability::Unsafe,
                Vec::new(),
            )
            .with_file_change(FileChange::create("PRIVACY.md", &draft));
            let mut diagnostic =
                Diagnostic::new(&MissingPrivacyNotice::META, first.range.clone(), message)
                    .with_note(note)
                    .with_help(
                        "Add a notice (`PRIVACY.md`, or a Privacy section in the README) that \
                         names every service the agent sends to and what it keeps.",
                    )
                    .with_fix(Some(fix));
            diagnostic.related = related;
            out.push(diagnostic);
        }
    }
}

impl Rule for PrivacyNoticeMissingRecipient {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(privacy) = ctx.privacy else {
            return;
        };
        // A link to a policy published elsewhere cannot be checked.
        let Some(notice) = privacy.notice.as_ref().filter(|n| n.checkable) else {
            return;
        };
        let providers = &ctx.knowledge.providers;
        let here = relative(ctx, privacy);
        let flows = project_flows(ctx, privacy);
        let mut reported: Vec<Recipient> = Vec::new();
        for unit in units(ctx, privacy) {
            // Whichever provider the configuration picks, or wherever a configured `base_url`
            // points: the notice cannot be checked against it.
            let flow = unit.first();
            if unit.switch
                || flow.configured
                || names_recipient(&notice.text, &flow.recipient, providers)
                || (crate::privacy::leaves_choice(&notice.text)
                    && crate::privacy::is_choice(&flow.recipient, providers))
            {
                continue;
            }
            let line = u32::try_from(ctx.lines().line_of(flow.range.start) + 1).unwrap_or(0);
            let checkable: Vec<ProjectFlow> =
                flows.iter().filter(|f| !f.configured).cloned().collect();
            if reported.contains(&flow.recipient)
                || reported_elsewhere(&checkable, &flow.recipient, &here, &[line])
            {
                continue;
            }
            reported.push(flow.recipient.clone());
            let name = flow.recipient.name(providers);
            let what = sends(ctx, &flow.recipient);
            let message = format!(
                "{} sends users' data to {name}, which the privacy notice `{}` does not name",
                this(flow),
                notice.path
            );
            let note = format!(
                "It sends {what}: users who read the notice believe their data goes only where \
                 it says."
            );
            let help = format!("Add {name} to the notice, with what it receives.");
            let places: Vec<String> = flows
                .iter()
                .filter(|f| f.recipient == flow.recipient)
                .map(|f| format!("`{}:{}`", f.path, f.line))
                .take(5)
                .collect();
            let block = crate::privacy::recipient_section(
                &name,
                &sends_in_full(ctx, &flow.recipient),
                &places,
            );
            let fix = append_fix(notice, &name, &block);
            let mut diagnostic = Diagnostic::new(
                &PrivacyNoticeMissingRecipient::META,
                flow.range.clone(),
                message,
            )
            .with_note(note)
            .with_help(help)
            .with_fix(fix);
            diagnostic.related = other_places(ctx, privacy, &unit, &flows);
            out.push(diagnostic);
        }
    }
}
