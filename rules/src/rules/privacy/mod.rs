//! AL4xx: privacy notices. Who receives users' data is found from the SDK entry points the code
//! calls (`rules/data/providers.toml`); whether the project tells its users is found from its
//! notice (`PRIVACY.md`, `docs/privacy*`, a README "Privacy" section, a privacy page of the UI).

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, FileChange, Fix};
use crate::privacy::{Flow, ProjectFlow, ProjectPrivacy, Recipient, draft_notice, names_recipient};
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule};

declare_rule! {
    /// ## What it does
    /// Finds code that sends users' data to a third party — an LLM provider (OpenAI, Azure
    /// OpenAI, Anthropic, Google, Mistral, Cohere, Groq, Together, DeepSeek, xAI, Replicate,
    /// Hugging Face, Bedrock, DashScope, Zhipu, Moonshot, Qianfan, Ark, Coze, or any
    /// OpenAI-compatible service a `base_url` points to), a hosted vector store, a tracing
    /// service (LangSmith, Langfuse) or an analytics or error-tracking SDK — in a project that
    /// has no privacy notice. It is reported at each file's first call that sends to each
    /// recipient, where the author works. Which SDK entry points send where is data
    /// (`rules/data/providers.toml`); a client pointed at `localhost` or a private address is a
    /// local model, not a third party.
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
    /// ## References
    /// - GDPR Articles 13 and 14 (information to be provided to the data subject)
    /// - OWASP Top 10 for LLM Applications: LLM02 Sensitive Information Disclosure
    pub struct MissingPrivacyNotice {
        code: "AL401",
        name: "missing-privacy-notice",
        summary: "The code sends users' data to a third party and the project has no privacy notice",
        severity: Warning,
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
    /// ## References
    /// - GDPR Article 13(1)(e): the recipients of the personal data
    pub struct PrivacyNoticeMissingRecipient {
        code: "AL402",
        name: "privacy-notice-missing-recipient",
        summary: "The privacy notice does not name a third party the code sends users' data to",
        severity: Warning,
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
    /// ## References
    /// - GDPR Article 13(2)(a): the period for which the personal data will be stored
    /// - CWE-359: Exposure of Private Personal Information to an Unauthorized Actor
    pub struct UndisclosedConversationStorage {
        code: "AL403",
        name: "undisclosed-conversation-storage",
        summary: "Conversations are stored and the privacy notice says nothing about storage",
        severity: Info,
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

/// "This call (`OpenAI`)", "This decorator (`@traceable`)".
fn this(flow: &Flow) -> String {
    let what = if flow.callee.starts_with('@') {
        "decorator"
    } else {
        "call"
    };
    format!(
        "This {what} ({})",
        code_span(&crate::rules::excerpt(&flow.callee, 30))
    )
}

/// The file's first flow to each recipient.
fn first_flows(flows: &[Flow]) -> Vec<&Flow> {
    let mut out: Vec<&Flow> = Vec::new();
    for flow in flows {
        if !out.iter().any(|f| f.recipient == flow.recipient) {
            out.push(flow);
        }
    }
    out
}

/// The file's path relative to the project's root, `/`-separated.
fn relative(ctx: &Context<'_>, privacy: &ProjectPrivacy) -> String {
    let path = ctx.path.strip_prefix(&privacy.root).unwrap_or(ctx.path);
    path.to_string_lossy().replace('\\', "/")
}

/// The project's flows with this file's as they are now (the index may hold an older version).
fn project_flows(ctx: &Context<'_>, privacy: &ProjectPrivacy) -> Vec<ProjectFlow> {
    let here = relative(ctx, privacy);
    let index = ctx.lines();
    let mut flows: Vec<ProjectFlow> = ctx
        .flows
        .iter()
        .map(|f| ProjectFlow {
            recipient: f.recipient.clone(),
            configured: f.configured,
            path: here.clone(),
            line: u32::try_from(index.line_of(f.range.start) + 1).unwrap_or(u32::MAX),
            callee: f.callee.clone(),
        })
        .collect();
    flows.extend(privacy.flows.iter().filter(|f| f.path != here).cloned());
    flows.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    flows
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
        let draft = draft_notice(&project_flows(ctx, privacy), providers);
        for flow in first_flows(ctx.flows) {
            let name = flow.recipient.name(providers);
            let name = if flow.configured {
                format!("{name} (or wherever its `base_url` points)")
            } else {
                name
            };
            let message = format!(
                "{} sends users' data to {name}, and the project has no privacy notice",
                this(flow)
            );
            let note = format!(
                "It sends {}: the people using this agent cannot know where their messages go.",
                sends(ctx, &flow.recipient)
            );
            let fix = Fix::new(
                "Create PRIVACY.md (a draft from the code, with TODOs to complete)",
                Applicability::Unsafe,
                Vec::new(),
            )
            .with_file_change(FileChange::create("PRIVACY.md", &draft));
            out.push(
                Diagnostic::new(&MissingPrivacyNotice::META, flow.range.clone(), message)
                    .with_note(note)
                    .with_help(
                        "Add a notice (`PRIVACY.md`, or a Privacy section in the README) that \
                         names every service the agent sends to and what it keeps.",
                    )
                    .with_fix(Some(fix)),
            );
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
        let index = ctx.lines();
        for flow in first_flows(ctx.flows) {
            if flow.configured || names_recipient(&notice.text, &flow.recipient, providers) {
                continue;
            }
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
            let line = index.line_of(flow.range.start) + 1;
            let block = crate::privacy::recipient_section(
                &name,
                &sends_in_full(ctx, &flow.recipient),
                &[format!("`{here}:{line}`")],
            );
            let fix = append_fix(notice, &name, &block);
            out.push(
                Diagnostic::new(
                    &PrivacyNoticeMissingRecipient::META,
                    flow.range.clone(),
                    message,
                )
                .with_note(note)
                .with_help(help)
                .with_fix(fix),
            );
        }
    }
}
