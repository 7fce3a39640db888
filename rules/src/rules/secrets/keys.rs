use crate::syntax::Fields as _;
use tree_sitter::Node;

use crate::diagnostic::Diagnostic;
use crate::fix::{Applicability, Edit, FileChange, Fix};
use crate::rules::{Context, Rule, RuleMeta, declare_rule};
use crate::secrets::redact::{in_parentheses, shown};
use crate::secrets::{Found, SecretFormat, SecretRule};
use crate::syntax::{Family, Locator, node_range, node_text};

declare_rule! {
    /// ## What it does
    /// Finds API keys and tokens of known providers written in the source: OpenAI, Anthropic,
    /// Google, AWS, GitHub, GitLab, Slack, Stripe, Hugging Face, Groq, Replicate, LangSmith,
    /// Tavily, Pinecone, Perplexity, xAI, Together, Cohere, Mistral, DeepSeek, DashScope (Qwen),
    /// Moonshot (Kimi), Zhipu (GLM), Baidu Qianfan, Volcengine Ark (Doubao), Tencent Cloud,
    /// Telegram and Discord bots, SendGrid, Twilio, and JSON Web Tokens. The formats are data
    /// (`rules/data/secrets.toml`: a pattern, keywords that gate it, and for keys with a generic
    /// shape the context that names the provider); text that stands for a key (`sk-your-key-here`,
    /// `<token>`, `xxxx`, `...EXAMPLE`, too few distinct characters) is not reported, nor is a
    /// JSON Web Token without an access token's claims or with the subject of jwt.io's sample
    /// (`1234567890`), copied into documentation and tests everywhere. A JSON Web Token whose
    /// own claims let it live a day at most (`exp` minus `nbf` or `iat`: a signed image link's
    /// five minutes) is a hint: it expired soon after it was made.
    ///
    /// No output shows the key: the message names the provider and shows at most the key's public
    /// prefix (`sk-proj-`, `AKIA`) and its last four characters, and every other output (source
    /// excerpts, JSON, SARIF, the editor's hover cards, the inventory, generated files, logs)
    /// masks it the same way.
    ///
    /// Agent configuration files are read too, as text: `.env` files (`.env.local`, `.envrc`,
    /// `prod.env`), templates (`.env.example`, `.env.sample`), MCP client configurations
    /// (`mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json`, `.mcp.json`,
    /// `claude_desktop_config.json`) and Jupyter notebooks. A key in one that git ignores is
    /// where keys belong and is not reported; the same file without a `.gitignore` entry is
    /// committed by the next `git add .`, and is. A template is committed by design, so any
    /// real key in it is reported.
    ///
    /// ## Why is this bad?
    /// A key in the source is in every copy of it: the repository and its history, forks,
    /// published packages, notebooks shared for help, screenshots, and the context of any AI
    /// assistant that reads the file. Bots scan public repositories for keys within minutes and
    /// run up bills or read data with them. Deleting the line does not delete it from history.
    ///
    /// ## Example
    /// ```python
    /// client = OpenAI(api_key="sk-proj-…")
    /// ```
    ///
    /// ## Use instead
    /// Revoke the key at the provider, then read a new one from the environment (or a secret
    /// manager), and keep it in an `.env` file that `.gitignore` excludes:
    /// ```python
    /// client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
    /// ```
    ///
    /// ## Fix safety
    /// When the key is a whole string literal, agentlint offers to replace it with an
    /// environment lookup named after the provider's usual variable (`os.environ["OPENAI_API_KEY"]`,
    /// adding `import os`; `process.env.OPENAI_API_KEY` in JavaScript and TypeScript). In the same
    /// edit it adds `OPENAI_API_KEY=` to the project's `.env.example` (created if missing) and
    /// `.env` to its `.gitignore` unless git ignores it already (the project is the nearest
    /// directory with `.git`). The fix is **unsafe**: the program needs the variable set from
    /// then on. It does not revoke the key.
    ///
    /// In a committed `.env` file, the fix adds the file to `.gitignore` (**safe**: it changes
    /// no program; a file committed before stays in history, so revoke the key). In a template,
    /// it empties the value (**unsafe**). MCP configurations and notebooks have no automatic fix
    /// (JSON has no comments: leave such a file out with `exclude` in `agentlint.toml`).
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - OWASP Top 10 for LLM Applications: LLM02 Sensitive Information Disclosure
    pub struct HardcodedProviderKey {
        code: "AL301",
        name: "hardcoded-provider-key",
        summary: "An API key or token of a known provider is written in the source",
        severity: Error,
        subject: Text,
    }
}

declare_rule! {
    /// ## What it does
    /// Finds private keys in PEM form (`-----BEGIN RSA PRIVATE KEY-----`, `OPENSSH`, `EC`,
    /// `ENCRYPTED`, PKCS #8) written in the source, in strings or comments.
    ///
    /// ## Why is this bad?
    /// Whoever has the file has the key: they can sign as you, decrypt what was sent to you or
    /// log in to every server that trusts it. Source files are copied far more widely than key
    /// files.
    ///
    /// ## Example
    /// ```python
    /// SIGNING_KEY = """-----BEGIN EC PRIVATE KEY-----
    /// …
    /// -----END EC PRIVATE KEY-----"""
    /// ```
    ///
    /// ## Use instead
    /// Replace the key (it is compromised), keep the new one in a file outside the repository or
    /// a secret manager, and read its path from the environment.
    /// ```python
    /// SIGNING_KEY = Path(os.environ["SIGNING_KEY_PATH"]).read_text()
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: where the key should live is a decision for the project. A suppression
    /// (`# agentlint: ignore[AL303] reason`) is offered, for test keys made for the purpose.
    ///
    /// ## References
    /// - CWE-321: Use of Hard-coded Cryptographic Key
    /// - CWE-798: Use of Hard-coded Credentials
    pub struct PrivateKeyMaterial {
        code: "AL303",
        name: "private-key-material",
        summary: "A private key (PEM) is written in the source",
        severity: Error,
        subject: Text,
    }
}

declare_rule! {
    /// ## What it does
    /// Finds URLs with a password in them (`postgresql://user:password@host/db`,
    /// `redis://:password@host`, `https://user:token@host`). Placeholders (`<password>`,
    /// `${DB_PASSWORD}`, `changeme`, `xxxx`) are not reported. The message shows the URL with
    /// the password redacted. In test files (see `per-file-ignores`) the finding is a hint: a
    /// test's URLs are most often its own fixtures (a redactor's or a parser's input).
    ///
    /// ## Why is this bad?
    /// Connection strings are copied into logs, error messages, tracebacks and, in agents,
    /// prompts and tool results the model sees. A password in one goes wherever the URL goes.
    ///
    /// ## Example
    /// ```python
    /// engine = create_engine("postgresql://agent:…@db.internal/notes")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// engine = create_engine(os.environ["DATABASE_URL"])
    /// ```
    ///
    /// ## Fix safety
    /// When the URL is a whole string literal, agentlint offers to replace it with an environment
    /// lookup (`os.environ["DATABASE_URL"]`, `process.env.DATABASE_URL`). The fix is **unsafe**:
    /// the program needs the variable set from then on.
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - CWE-532: Insertion of Sensitive Information into Log File
    pub struct CredentialsInUrl {
        code: "AL304",
        name: "credentials-in-url",
        summary: "A URL has a password in it",
        severity: Error,
        subject: Text,
    }
}

/// What the source's secrets of one rule are.
fn found<'k>(ctx: &Context<'k>, rule: SecretRule) -> Vec<(Found, &'k SecretFormat)> {
    let secrets = &ctx.knowledge.secrets;
    ctx.secrets
        .iter()
        .filter_map(|f| {
            let format = secrets.formats.get(f.format)?;
            (format.rule == rule).then_some((f.clone(), format))
        })
        .collect()
}

/// "An OpenAI API key" from "an OpenAI API key".
fn capitalised(text: &str) -> String {
    crate::rules::description::capitalised(text)
}

impl Rule for HardcodedProviderKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let locator = ctx.locator();
        for (found, format) in found(ctx, SecretRule::ProviderKey) {
            let key = &ctx.source[found.range.clone()];
            let literal = whole_literal(locator, &found.range, ctx.source);
            let env = match literal {
                Some(string) if is_generic(format) => {
                    bound_name(string, ctx.source).unwrap_or_else(|| format.env.clone())
                }
                _ => format.env.clone(),
            };
            let env = variable_for(ctx, literal, env);
            let span = ctx.knowledge.secrets.span(&found, ctx.source);
            let message = format!(
                "{} is written in the source{}",
                capitalised(&format.provider),
                in_parentheses(key, span.public)
            );
            let fix = literal.and_then(|string| environment_fix(ctx, string, &env));
            // A token that its own claims let live a day at most (a signed link's, a session's)
            // has expired unless it was written here the moment it was made.
            let lifetime = (format.id == "jwt")
                .then(|| crate::secrets::jwt_lifetime(key))
                .flatten()
                .filter(|seconds| *seconds <= SHORT_LIVED);
            let note = match lifetime {
                Some(seconds) => format!(
                    "By its own claims it is valid for {} (from `nbf` or `iat` to `exp`): a \
                     signed link's or a session's token, expired soon after it was made. Check \
                     that it is, and that what signed it is not in the source too.",
                    duration(seconds)
                ),
                None => "Anyone who can read this file or its history (a public repository, a \
                         fork, a shared notebook, a published package) can use it and bill or \
                         impersonate you; deleting the line does not delete it from history."
                    .to_string(),
            };
            let mut diagnostic =
                Diagnostic::new(&HardcodedProviderKey::META, found.range.clone(), message);
            if lifetime.is_some() {
                diagnostic.severity = crate::diagnostic::Severity::Hint;
            }
            out.push(
                diagnostic
                    .with_note(note)
                    .with_help(format!(
                        "Revoke it at the provider, then read a new one from the environment \
                         (`{env}`)."
                    ))
                    .with_fix(fix)
                    .with_secret(span),
            );
        }
    }
}

impl Rule for PrivateKeyMaterial {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (found, _) in found(ctx, SecretRule::PrivateKey) {
            // The header (`-----BEGIN RSA PRIVATE KEY-----`, the key's public prefix): the key
            // itself is never shown, also when it is written on one line with `\n` escapes.
            let span = ctx.knowledge.secrets.span(&found, ctx.source);
            let header = &ctx.source[found.range.start..found.range.start + span.public];
            let message = format!(
                "A private key ({}) is written in the source",
                crate::rules::code_span(header)
            );
            let range = found.range.start..found.range.start + header.len();
            out.push(
                Diagnostic::new(&PrivateKeyMaterial::META, range, message)
                    .with_note("Whoever has this file can sign, decrypt or log in as its owner.")
                    .with_help(
                        "Replace the key (this one is compromised), keep the new one outside the \
                         repository (a key file or a secret manager) and read its path from the \
                         environment.",
                    )
                    .with_secret(span),
            );
        }
    }
}

impl Rule for CredentialsInUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let locator = ctx.locator();
        for (found, format) in found(ctx, SecretRule::UrlPassword) {
            let url = &ctx.source[found.matched.clone()];
            let password = &ctx.source[found.range.clone()];
            let start = found.range.start - found.matched.start;
            let span = ctx.knowledge.secrets.span(&found, ctx.source);
            let url_shown = format!(
                "{}{}{}",
                &url[..start],
                shown(password, span.public),
                &url[start + password.len()..]
            );
            let message = format!(
                "A URL has a password in it ({})",
                crate::rules::code_span(&crate::rules::excerpt(&url_shown, 60))
            );
            let literal = whole_literal(locator, &found.matched, ctx.source);
            let env = variable_for(ctx, literal, format.env.clone());
            let fix = literal.and_then(|string| environment_fix(ctx, string, &env));
            let mut diagnostic =
                Diagnostic::new(&CredentialsInUrl::META, found.range.clone(), message);
            // In a test, a password known only by its place in a URL is most often the test's
            // own (`postgresql://alice:secret1@pg.internal/db`, to test a redactor or a parser).
            if ctx.test_file {
                diagnostic.severity = crate::diagnostic::Severity::Hint;
            }
            out.push(
                diagnostic
                    .with_note(
                        "URLs are copied into logs, error messages and the model's context, and \
                         the password goes with them.",
                    )
                    .with_help(format!(
                        "Read the URL (or the password) from the environment (`{env}`)."
                    ))
                    .with_fix(fix)
                    .with_secret(span),
            );
        }
    }
}

/// The longest life, in seconds, of a token that is short-lived: a day.
const SHORT_LIVED: i64 = 24 * 60 * 60;

/// "5 minutes", "2 hours", "1 day".
fn duration(seconds: i64) -> String {
    let (count, unit) = match seconds {
        s if s < 120 => (s, "second"),
        s if s < 2 * 3600 => (s / 60, "minute"),
        s if s < 2 * 86400 => (s / 3600, "hour"),
        s => (s / 86400, "day"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}

/// A format whose variable name is generic: the name the code gives the value is better.
fn is_generic(format: &SecretFormat) -> bool {
    matches!(format.env.as_str(), "API_KEY" | "JWT_TOKEN")
}

/// The string literal that is exactly `range` (between its quotes), if any: not an f-string,
/// template with substitutions, byte or raw string.
pub(super) fn whole_literal<'t>(
    locator: &Locator<'t>,
    range: &std::ops::Range<usize>,
    source: &str,
) -> Option<Node<'t>> {
    let content = locator
        .node_at(range)
        .or_else(|| locator.descendant(range.start, range.end))?;
    let string = if content.kind() == "string" || content.kind() == "template_string" {
        content
    } else {
        content.parent()?
    };
    if !matches!(string.kind(), "string" | "template_string") {
        return None;
    }
    let mut cursor = string.walk();
    let parts: Vec<Node<'t>> = string
        .named_children(&mut cursor)
        .filter(|c| !matches!(c.kind(), "string_start" | "string_end"))
        .collect();
    let [only] = parts.as_slice() else {
        return None;
    };
    if !matches!(only.kind(), "string_content" | "string_fragment")
        || only.start_byte() != range.start
        || only.end_byte() != range.end
    {
        return None;
    }
    let prefix: String = node_text(string, source)
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    prefix.is_empty().then_some(string)
}

/// The name the code binds a literal to (`GROQ_KEY = "..."`, `api_key="..."`, `{ apiKey: "..." }`),
/// as an environment variable name.
fn bound_name(string: Node<'_>, source: &str) -> Option<String> {
    let parent = string.parent()?;
    let name = match parent.kind() {
        "assignment" => parent.field("left"),
        "keyword_argument" => parent.field("name"),
        "variable_declarator" => parent.field("name"),
        "pair" => parent.field("key"),
        "assignment_expression" => parent
            .field("left")
            .map(|l| l.field("property").unwrap_or(l)),
        _ => None,
    }?;
    let text = node_text(name, source).trim_matches(|c| c == '"' || c == '\'');
    let text = text.rsplit('.').next()?;
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some(environment_name(text))
}

/// A binding's name as an environment variable's: `dbPassword`, `db_password` → `DB_PASSWORD`.
pub(crate) fn environment_name(name: &str) -> String {
    crate::secrets::words(name)
        .iter()
        .map(|w| w.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// The environment lookup a literal is the fallback of, if any: the lookup's whole expression
/// and the variable it reads (`os.environ.get("DATABASE_URL", "<literal>")`, `os.getenv("X",
/// default="<literal>")`, `os.environ.get("X") or "<literal>"`, `process.env.X ?? "<literal>"`,
/// `process.env["X"] || "<literal>"`).
fn fallback_of<'t>(ctx: &Context<'_>, string: Node<'t>) -> Option<(Node<'t>, String)> {
    let parent = string.parent()?;
    let literal_name = |node: Node<'_>| -> Option<String> {
        let text = node_text(node, ctx.source);
        let name = text.trim_matches(|c| c == '"' || c == '\'' || c == '`');
        (name.len() + 2 == text.len()
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| name.to_string())
    };
    match ctx.language.family() {
        Family::Python => {
            // `os.environ.get(NAME, literal)` / `os.getenv(NAME, default=literal)`.
            let lookup = |call: Node<'t>| -> Option<String> {
                let facts = ctx
                    .facts
                    .calls
                    .iter()
                    .find(|c| c.range == node_range(call))?;
                if !matches!(
                    facts.resolved.as_deref(),
                    Some("os.environ.get" | "os.getenv")
                ) {
                    return None;
                }
                let first = facts.arguments.first().filter(|a| a.keyword.is_none())?;
                ctx.locator().node_at(&first.range).and_then(literal_name)
            };
            let argument = if parent.kind() == "keyword_argument" {
                let keyword = parent.field("name").map(|n| node_text(n, ctx.source));
                (keyword == Some("default")).then(|| parent.parent())??
            } else {
                parent
            };
            if argument.kind() == "argument_list" {
                let call = argument.parent()?;
                let is_second = parent.kind() == "keyword_argument"
                    || argument.named_child(1).map(|n| n.id()) == Some(string.id());
                return is_second.then(|| lookup(call).map(|name| (call, name)))?;
            }
            // `lookup or literal`.
            if parent.kind() == "boolean_operator"
                && parent.field("right").map(|n| n.id()) == Some(string.id())
                && parent
                    .field("operator")
                    .is_some_and(|o| node_text(o, ctx.source) == "or")
            {
                let left = parent.field("left")?;
                let name = (left.kind() == "call").then(|| lookup(left))??;
                return Some((parent, name));
            }
            None
        }
        Family::JavaScript => {
            // `process.env.NAME ?? literal` / `process.env["NAME"] || literal`.
            if parent.kind() != "binary_expression"
                || parent.field("right").map(|n| n.id()) != Some(string.id())
                || !parent
                    .field("operator")
                    .is_some_and(|o| matches!(node_text(o, ctx.source), "??" | "||"))
            {
                return None;
            }
            let left = parent.field("left")?;
            let name = match left.kind() {
                "member_expression" => left
                    .field("property")
                    .map(|p| node_text(p, ctx.source).to_string()),
                "subscript_expression" => left.field("index").and_then(literal_name),
                _ => None,
            }?;
            let object = left.field("object")?;
            (node_text(object, ctx.source).replace(' ', "") == "process.env")
                .then_some((parent, name))
        }
    }
}

/// The variable a literal's value should be read from: the one of the lookup it is the fallback
/// of, if any, else `default`.
pub(super) fn variable_for(
    ctx: &Context<'_>,
    literal: Option<Node<'_>>,
    default: String,
) -> String {
    literal
        .and_then(|string| fallback_of(ctx, string))
        .map_or(default, |(_, variable)| variable)
}

/// Replaces the literal with an environment lookup (or, when the literal is the fallback of a
/// lookup already, the lookup and its fallback with the lookup alone).
pub(super) fn environment_fix(ctx: &Context<'_>, string: Node<'_>, name: &str) -> Option<Fix> {
    let (string, name) = match fallback_of(ctx, string) {
        Some((lookup, variable)) => (lookup, variable),
        None => (string, name.to_string()),
    };
    let name = name.as_str();
    let mut edits = Vec::new();
    let lookup = match ctx.language.family() {
        Family::Python => {
            let (environ, import) = ctx.python_reference("os", "environ");
            edits.extend(import);
            format!("{environ}[\"{name}\"]")
        }
        Family::JavaScript => format!("process.env.{name}"),
    };
    edits.push(Edit::replace(
        string.start_byte()..string.end_byte(),
        lookup.clone(),
    ));
    // The variable is declared where the project's other developers look for it, and the
    // `.env` that will hold its value is kept out of git.
    Some(
        Fix::new(
            format!("Read it from the environment (`{lookup}`)"),
            Applicability::Unsafe,
            edits,
        )
        .with_file_change(FileChange::variable(".env.example", name))
        .with_file_change(FileChange::ignore(".env")),
    )
}
