//! The project's privacy notice: which files are one, and what it says.

use std::sync::OnceLock;

use super::providers::{Provider, Providers};
use super::{ProjectFlow, Recipient};

/// File names (lower case, without extension) that are a privacy notice on their own.
const NOTICE_NAMES: &[&str] = &[
    "privacy",
    "privacy-policy",
    "privacy_policy",
    "privacypolicy",
    "privacy-notice",
    "privacy_notice",
    "data-privacy",
    "隐私",
    "隐私政策",
    "隐私协议",
    "隐私声明",
];

/// A project-relative path's file stem and the directory it is in, in lower case
/// (`docs/telemetry/Index.md`: `index`, `telemetry`).
fn stem_and_directory(path: &str) -> (String, Option<String>) {
    let lower = path.to_ascii_lowercase();
    let mut parts = lower.rsplit('/');
    let file = parts.next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or(file).to_string();
    (stem, parts.next().map(str::to_string))
}

/// Whether a project-relative path is a privacy notice file (`PRIVACY.md`, `docs/privacy.md`,
/// `app/privacy/page.tsx`, `pages/privacy-policy.html`).
pub fn is_notice_path(path: &str) -> bool {
    let (stem, directory) = stem_and_directory(path);
    NOTICE_NAMES.contains(&stem.as_str())
        || (matches!(stem.as_str(), "page" | "index" | "route")
            && directory.is_some_and(|dir| NOTICE_NAMES.contains(&dir.as_str())))
}

/// Whether a project-relative path is a page about the project's telemetry (`TELEMETRY.md`,
/// `docs/telemetry.md`, `docs/telemetry/telemetry.mdx`, `docs/telemetry/index.md`,
/// `website/docs/more/analytics.md`).
pub fn is_telemetry_path(path: &str) -> bool {
    let (stem, directory) = stem_and_directory(path);
    let about = |name: &str| matches!(name, "telemetry" | "analytics");
    about(&stem)
        || (matches!(stem.as_str(), "index" | "readme" | "page")
            && directory.as_deref().is_some_and(about))
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
/// notice, or 隐私政策), or a URL with `privacy` in it.
pub fn links_to_policy(text: &str) -> bool {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r#"(?is)href\s*=\s*["'{][^>]{0,200}?>\s*(?:privacy(?:[ _-]?policy| notice)|隐私(?:政策|协议|声明))|privacy[ _-]?policy[^\n]{0,80}https?://|https?://[^\s"'`]*privacy"#,
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
        // Whichever the configuration names: no notice can be checked against it.
        Recipient::Chosen => true,
        Recipient::Unnamed(route) => notice.to_lowercase().contains(route.as_str()),
        Recipient::Host(host) | Recipient::Service(host) => {
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

/// Whether a notice says that data goes to whichever provider its reader chooses ("the LLM
/// provider you select", "the respective service provider", "your configured provider"): the
/// model, embedding, vector-store, speech, document, memory and search providers an app lets
/// its operator pick between are disclosed by it, as those choices (not its analytics, tracing
/// or a service its code names).
pub fn leaves_choice(notice: &str) -> bool {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    #[allow(clippy::expect_used)]
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\b(?:respective|selected|chosen|configured|enabled|connected|preferred)\s+(?:(?:ai|llm|model|api|cloud|third[- ]party|service|inference|embedding)\s+){0,2}(?:providers?|services?|vendors?)\b|\b(?:providers?|services?|vendors?|models?|llms?)\s+(?:that\s+|which\s+)?you\s+(?:choose|select|configure|enable|connect|pick|set\s+up)\b",
        )
        .expect("valid pattern")
    });
    pattern.is_match(notice)
}

/// Whether a recipient is one an operator picks between (a model, embedding, vector-store,
/// speech, document-parsing, memory or search provider), so that a notice that [leaves the choice](leaves_choice) to them discloses it.
pub fn is_choice(recipient: &Recipient, providers: &Providers) -> bool {
    match recipient {
        Recipient::Provider(i) => providers.list.get(*i).is_some_and(|p| {
            matches!(
                p.kind.as_str(),
                "llm"
                    | "embeddings"
                    | "vector-store"
                    | "speech"
                    | "documents"
                    | "memory"
                    | "search"
            )
        }),
        Recipient::Chosen | Recipient::Unnamed(_) => true,
        Recipient::Host(_) | Recipient::Service(_) => false,
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
            Recipient::Service(_) => {
                "what the model passes the tool that calls it (the user's words, or anything \
                 from the conversation the model chooses)"
            }
            Recipient::Chosen | Recipient::Unnamed(_) => {
                "prompts and conversation history (a model provider)"
            }
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

    #[test]
    fn notice_paths() {
        for path in [
            "PRIVACY.md",
            "privacy.txt",
            "docs/privacy-policy.md",
            "app/privacy/page.tsx",
            "PRIVACY",
            "隐私政策.md",
            "web/app/隐私/page.tsx",
        ] {
            assert!(is_notice_path(path), "{path}");
        }
        for path in ["src/privacy_utils.py", "README.md", "app/page.tsx"] {
            assert!(!is_notice_path(path), "{path}");
        }
    }

    #[test]
    fn telemetry_paths() {
        for path in [
            "TELEMETRY.md",
            "docs/telemetry.md",
            "docs/telemetry/telemetry.mdx",
            "docs/Telemetry/index.md",
            "aider/website/docs/more/analytics.md",
        ] {
            assert!(is_telemetry_path(path), "{path}");
        }
        for path in [
            "src/telemetry.py.bak/x.md",
            "docs/telemetry-setup.md",
            "docs/index.md",
        ] {
            assert!(!is_telemetry_path(path), "{path}");
        }
    }

    #[test]
    fn chinese_links_to_a_policy() {
        assert!(links_to_policy("<a href=\"/legal\">隐私政策</a>"));
        assert!(!links_to_policy("<a href=\"/legal\">用户协议</a>"));
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
}
