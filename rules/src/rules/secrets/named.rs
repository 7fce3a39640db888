use crate::syntax::Fields as _;
use tree_sitter::Node;

use super::keys::{environment_fix, whole_literal};
use crate::diagnostic::Diagnostic;
use crate::rules::{Context, Rule, RuleMeta, declare_rule};
use crate::secrets::redact;
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
    /// `secret_name`, `password_hash`), and keys of known formats (AL301 reports those).
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
    }
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
        let mut seen = rustc_hash::FxHashSet::default();
        let candidates = ctx.name_hits.iter().filter_map(|hit| {
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
            if !names.matches(name_text) {
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
            let env = super::keys::environment_name(name_text);
            let message = format!(
                "`{name_text}` holds a secret written in the source (`{}`): anyone who can \
                 read this file or its history can use it, and changing it needs a release. \
                 Read it from the environment (`{env}`) or a secret manager, and rotate it.",
                redact(text)
            );
            let fix = whole_literal(locator, &range, ctx.source)
                .and_then(|string| environment_fix(ctx, string, &env));
            out.push(Diagnostic::new(&HardcodedSecret::META, range, message).with_fix(fix));
        }
    }
}
