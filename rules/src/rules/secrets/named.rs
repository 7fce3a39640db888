use crate::syntax::Fields as _;
use tree_sitter::Node;

use super::keys::{environment_fix, whole_literal};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta, declare_rule};
use crate::secrets::SecretSpan;
use crate::secrets::redact::in_parentheses;
use crate::syntax::node_text;

declare_rule! {
    /// ## What it does
    /// Finds string literals that look like secrets (long enough, random enough, no spaces) bound
    /// to a name that says they are one: a variable, attribute or constant (`DB_PASSWORD = "..."`,
    /// `self.api_key = "..."`, `const authToken = "..."`), a keyword argument
    /// (`OpenAI(api_key="...")`), a dictionary entry or object property
    /// (`{"client_secret": "..."}`, `{ apiKey: "..." }`) or a parameter's default. Names are
    /// matched in any case or style; which words name a secret, and the thresholds, are data
    /// (`[secret_names]` in `rules/data/secrets.toml`).
    ///
    /// Not reported: environment lookups, empty strings and placeholders (`<your-token>`,
    /// `changeme`, `xxxx`, `...`), environment variable names (`"OPENAI_API_KEY"`), URLs and
    /// paths, text with spaces, names that only mention a secret (`max_tokens`, `token_count`,
    /// `secret_name`, `password_hash`), identifiers that pages publish (a chat widget's
    /// `websiteToken`; Algolia DocSearch's search-only `apiKey` beside `appId` and `indexName`,
    /// `published-beside`), analytics projects' public identifiers (`MIXPANEL_PROJECT_TOKEN`,
    /// `amplitudeApiKey`, `posthog_project_api_key`: `published-names`; the same services'
    /// secrets are still reported), and keys of known formats (AL301 reports those). A value
    /// given beside the address of this machine or of a reserved example domain (`{"url":
    /// "bolt://localhost:7687", "password": "..."}`; the hosts AL304 ignores), in code or in a
    /// notebook's cell, is a hint: a local service's development default, or documentation.
    ///
    /// Entries of agent configuration files are read the same way: `NAME=value` lines of `.env`
    /// files and templates, `"NAME": "value"` entries of MCP client configurations (the `env`
    /// blocks of their servers), assignments in notebook cells. As for AL301, a file git ignores
    /// reports nothing.
    ///
    /// ## Why is this bad?
    /// A password or token in the source travels with every copy of it (the repository and its
    /// history, forks, packages, notebooks, the context of AI assistants reading the file), and
    /// it cannot be rotated without a release.
    ///
    /// ## Example
    /// ```python
    /// DB_PASSWORD = "pR7#kq2!vX9m"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// DB_PASSWORD = os.environ["DB_PASSWORD"]
    /// ```
    ///
    /// ## Fix safety
    /// When the value is a whole string literal, agentlint offers to read it from an environment
    /// variable named after the binding (`os.environ["DB_PASSWORD"]`, `process.env.AUTH_TOKEN`,
    /// adding `import os`). The fix is **unsafe**: the program needs the variable set from then
    /// on. Rotate the secret as well: it stays in the history. The same edit declares the
    /// variable in `.env.example` and keeps `.env` out of git (see AL301).
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - CWE-259: Use of Hard-coded Password
    pub struct HardcodedSecret {
        code: "AL302",
        name: "hardcoded-secret",
        summary: "A secret-looking string is bound to a name that says it is a secret",
        severity: Warning,
        subject: Text,
    }
}

/// Whether a pair's object also has every key of one of `published_beside`'s sets: its value
/// is made to be published (Algolia DocSearch's `{ appId, apiKey, indexName }`).
fn published(
    node: Node<'_>,
    locator: &crate::syntax::Locator<'_>,
    source: &str,
    names: &crate::secrets::SecretNames,
) -> bool {
    if node.kind() != "pair" || names.published_beside.is_empty() {
        return false;
    }
    let Some(object) = locator.parent(node) else {
        return false;
    };
    let keys: Vec<&str> = object
        .named_children(&mut object.walk())
        .filter(|c| c.kind() == "pair")
        .filter_map(|pair| pair.field("key"))
        .map(|key| node_text(key, source).trim_matches(|c| c == '"' || c == '\''))
        .collect();
    names
        .published_beside
        .iter()
        .any(|set| set.iter().all(|wanted| keys.contains(&wanted.as_str())))
}

/// Whether a dictionary entry, object property or keyword argument has a sibling whose value is
/// a string naming a host that AL304 does not take for anyone else's (`"bolt://localhost:7687"`,
/// `host="127.0.0.1"`): the `ignore` of the `url-password` format in `rules/data/secrets.toml`
/// (this machine, reserved example domains), read as the host of a URL.
fn beside_a_local_address(
    node: Node<'_>,
    locator: &crate::syntax::Locator<'_>,
    source: &str,
    secrets: &crate::secrets::Secrets,
) -> bool {
    if !matches!(node.kind(), "pair" | "keyword_argument") {
        return false;
    }
    let Some(parent) = locator.parent(node) else {
        return false;
    };
    parent
        .named_children(&mut parent.walk())
        .filter(|sibling| sibling.id() != node.id())
        .filter_map(|sibling| sibling.field("value"))
        .filter(|value| matches!(value.kind(), "string" | "template_string"))
        .any(|value| {
            secrets.names_a_local_address(node_text(value, source).trim_matches(['"', '\'', '`']))
        })
}

/// The name a string literal is bound to, and the literal, for each binding site.
fn binding<'t>(node: Node<'t>, source: &str) -> Option<(Node<'t>, Node<'t>)> {
    let (name, value) = match node.kind() {
        // Python `x = "..."`, `self.x = "..."`; JavaScript `x = "..."`, `this.x = "..."`.
        "assignment" | "assignment_expression" => (node.field("left")?, node.field("right")?),
        "keyword_argument" | "default_parameter" | "typed_default_parameter" => {
            (node.field("name")?, node.field("value")?)
        }
        "variable_declarator" => (node.field("name")?, node.field("value")?),
        "pair" => (node.field("key")?, node.field("value")?),
        "required_parameter" | "optional_parameter" => {
            (node.field("pattern")?, node.field("value")?)
        }
        "public_field_definition" | "field_definition" => (
            node.field("name").or_else(|| node.field("property"))?,
            node.field("value")?,
        ),
        _ => return None,
    };
    let name = match name.kind() {
        "attribute" => name.field("attribute")?,
        "member_expression" => name.field("property")?,
        "identifier" | "property_identifier" | "string" | "private_property_identifier" => name,
        _ => return None,
    };
    let _ = source;
    matches!(value.kind(), "string" | "template_string").then_some((name, value))
}

impl Rule for HardcodedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let names = &ctx.knowledge.secrets.names;
        if names.last.is_empty() {
            return;
        }
        let locator = ctx.locator();
        // Only where a word that ends a secret's name occurs: the binding is a few levels up.
        // A name names a secret only if its last word is one of the words, so its last run of
        // letters and digits ends with one, and holds a hit (hits do not overlap, but one that
        // swallows part of the word is in the same run): hits in other runs (`path`, `tokens`,
        // `keyword`) lead to no binding that could be reported.
        let words: Vec<&[u8]> = names
            .last
            .iter()
            .map(String::as_bytes)
            .chain([&b"key"[..]])
            .collect();
        let bytes = ctx.source.as_bytes();
        let ends_with_a_word = |hit: &&std::ops::Range<usize>| {
            let end = hit.end.min(bytes.len());
            let end = end
                + bytes[end..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
            words
                .iter()
                .any(|w| end >= w.len() && bytes[end - w.len()..end].eq_ignore_ascii_case(w))
        };
        #[cfg(test)]
        let every_hit = tests::EVERY_HIT.with(std::cell::Cell::get);
        #[cfg(not(test))]
        let every_hit = false;
        let mut seen = rustc_hash::FxHashSet::default();
        let candidates = ctx
            .name_hits
            .iter()
            .filter(|hit| every_hit || ends_with_a_word(hit))
            .filter_map(|hit| {
                let node = locator.descendant(hit.start, hit.end)?;
                locator
                    .ancestry(node, 4)
                    .into_iter()
                    .find(|n| binding(*n, ctx.source).is_some())
            });
        for node in candidates {
            if !seen.insert(node.start_byte()) {
                continue;
            }
            let Some((name, value)) = binding(node, ctx.source) else {
                continue;
            };
            let name_text = node_text(name, ctx.source).trim_matches(|c| c == '"' || c == '\'');
            if !names.matches(name_text) || published(node, locator, ctx.source, names) {
                continue;
            }
            // The literal's text, when it is a plain string (no interpolation).
            let mut cursor = value.walk();
            let parts: Vec<Node<'_>> = value
                .named_children(&mut cursor)
                .filter(|c| !matches!(c.kind(), "string_start" | "string_end"))
                .collect();
            let [content] = parts.as_slice() else {
                continue;
            };
            if !matches!(content.kind(), "string_content" | "string_fragment") {
                continue;
            }
            let range = content.start_byte()..content.end_byte();
            let text = &ctx.source[range.clone()];
            if !names.value_looks_secret(text, &ctx.knowledge.secrets)
                || ctx
                    .secrets
                    .iter()
                    .any(|s| s.range.start < range.end && range.start < s.range.end)
            {
                continue;
            }
            let literal = whole_literal(locator, &range, ctx.source);
            let env =
                super::keys::variable_for(ctx, literal, super::keys::environment_name(name_text));
            let message = format!(
                "{} holds a secret written in the source{}",
                crate::rules::code_span(&crate::rules::excerpt(name_text, 40)),
                in_parentheses(text, 0)
            );
            let fix = literal.and_then(|string| environment_fix(ctx, string, &env));
            let mut diagnostic = Diagnostic::new(&HardcodedSecret::META, range.clone(), message);
            // In a test, a value known only by its name is most often the test's own; beside a
            // local address (`{"url": "bolt://localhost:7687", "password": "..."}`), a local
            // service's development default.
            let local = beside_a_local_address(node, locator, ctx.source, &ctx.knowledge.secrets);
            if ctx.test_file || local {
                diagnostic.severity = crate::diagnostic::Severity::Hint;
            }
            let diagnostic = if local {
                diagnostic.with_note(
                    "It is given beside the address of this machine or of an example domain: a \
                     local service's development default or documentation, unless the same value \
                     is used anywhere else.",
                )
            } else {
                diagnostic
            };
            out.push(
                diagnostic
                    .with_note(
                        "Anyone who can read this file or its history can use it, and changing \
                         it needs a release.",
                    )
                    .with_help(format!(
                        "Read it from the environment (`{env}`) or a secret manager, and rotate \
                         it."
                    ))
                    .with_fix(fix)
                    .with_secret(SecretSpan::new(range, 0)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Language;
    use proptest::prelude::*;

    thread_local! {
        /// Every name hit is followed up, not only those in a run of letters and digits that
        /// ends with a word.
        pub(super) static EVERY_HIT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// AL302's findings in `source`: following up every hit or only those that may end a name;
    /// as the editor's first analysis makes them (with a document's caches: the name hits from
    /// a search of their own, not overlapping) or as the command line does (no caches: from the
    /// one pass with the secrets, overlapping, only those that can end a name).
    fn findings(
        source: &str,
        language: Language,
        every_hit: bool,
        cached: bool,
    ) -> Vec<(usize, String)> {
        EVERY_HIT.with(|e| e.set(every_hit));
        let tree = crate::syntax::parse(source, language);
        let file = crate::analysis::SourceFile {
            path: std::path::Path::new("t"),
            source,
            tree: &tree,
            language,
            workspace: None,
        };
        let (settings, knowledge) = (
            &crate::settings::Settings::default(),
            crate::knowledge::Knowledge::builtin(),
        );
        let analysis = if cached {
            let mut cache = crate::cache::AnalysisCache::default();
            crate::analysis::analyse_cached(file, settings, knowledge, &mut cache)
        } else {
            crate::analysis::analyse(file, settings, knowledge)
        };
        EVERY_HIT.with(|e| e.set(false));
        analysis
            .diagnostics
            .into_iter()
            .filter(|d| d.rule.code == "AL302")
            .map(|d| (d.range.start, d.message))
            .collect()
    }

    const NAMES: &[&str] = &[
        "api_key",
        "myPaToken",
        "filepath",
        "tokens",
        "GITHUB_PAT",
        "secretKey",
        "self.auth_token",
        "pat",
        "token_path",
        "keyword",
        "x-api-key",
        "apiKEY",
        "passwordHash",
        "dbPassword",
        "tokenizer",
        "stripe_secret_key",
        "KEY",
        "pat2",
        "é_token",
    ];
    const VALUES: &[&str] = &[
        "'Zq7vN2wRtY8pLm3kQ9'",
        "\"tok3n-8f2a9c41d7e6b5\"",
        "'path/to'",
        "'hi'",
    ];

    proptest! {
        /// Following up only the hits that may end a name, of either search, finds what
        /// following up every hit of the non-overlapping search finds (Python and TypeScript
        /// bindings, arguments and dictionary keys).
        #[test]
        fn hits_that_end_no_name_lead_to_no_finding(
            lines in proptest::collection::vec((0usize..100, 0usize..100, 0usize..4), 1..12),
        ) {
            let mut python = String::new();
            let mut typescript = String::new();
            for (name, value, shape) in lines {
                let name = NAMES[name % NAMES.len()];
                let value = VALUES[value % VALUES.len()];
                let plain = name.replace(['.', '-', 'é'], "_");
                match shape {
                    0 => {
                        python.push_str(&format!("{plain} = {value}\n"));
                        typescript.push_str(&format!("const {plain} = {value};\n"));
                    }
                    1 => {
                        python.push_str(&format!("f({plain}={value})\n"));
                        typescript.push_str(&format!("f({{ {plain}: {value} }});\n"));
                    }
                    2 => {
                        python.push_str(&format!("d = {{\"{name}\": {value}}}\n"));
                        typescript.push_str(&format!("d = {{ \"{name}\": {value} }};\n"));
                    }
                    _ => {
                        python.push_str(&format!("{name} = {value}  # {plain}\n"));
                        typescript.push_str(&format!("this.{plain} = {value};\n"));
                    }
                }
            }
            for (source, language) in [(&python, Language::Python), (&typescript, Language::TypeScript)] {
                // As before either narrowing: every non-overlapping hit followed up.
                let every = findings(source, language, true, true);
                prop_assert_eq!(&findings(source, language, false, true), &every, "{}", source);
                prop_assert_eq!(&findings(source, language, false, false), &every, "{}", source);
            }
        }
    }

    #[test]
    fn a_name_whose_last_word_a_hit_swallows_is_still_found() {
        // `PaT` is a hit (`pat`), which leaves `oken` behind: the name is still followed up.
        let source = "myPaToken = 'Zq7vN2wRtY8pLm3kQ9'\nfilepath = 'Zq7vN2wRtY8pLm3kQ9'\n";
        let found = findings(source, Language::Python, false, false);
        assert_eq!(found, findings(source, Language::Python, false, true));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].1.starts_with("`myPaToken` holds a secret"),
            "{found:?}"
        );
    }
}
