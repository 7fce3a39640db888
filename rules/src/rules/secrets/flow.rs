use crate::syntax::Fields as _;
use std::ops::Range;

use tree_sitter::Node;

use crate::diagnostic::{Diagnostic, Related};
use crate::facts::Call;
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule};
use crate::syntax::{Locator, node_text, preorder};

declare_rule! {
    /// ## What it does
    /// Finds secrets read from the environment (a variable whose name names a secret:
    /// `OPENAI_API_KEY`, `DB_PASSWORD`, `GITHUB_TOKEN`) that are passed to a call that prints or
    /// logs (`print`, `logging.info`, `logger.debug`, `console.log`), or put into what the model
    /// reads (a `messages`, `prompt`, `input`, `instructions` or `system` argument or property),
    /// directly or through a variable assigned from the read in the same function or module.
    /// Reads under other names count too (`from os import environ as env`, `import os as system`,
    /// `import { env } from "node:process"`).
    /// How code reads the environment and which arguments the model reads are data
    /// (`[secret_flow]` in `rules/data/secrets.toml`); the logging calls are `[[logging]]` in
    /// `rules/data/sinks.toml`.
    ///
    /// ## Why is this bad?
    /// Logs are kept, shipped to services and pasted into issues. A key in a prompt goes to the
    /// model provider, is stored with the conversation, and can be repeated by the model to
    /// anyone who asks it the right way (prompt injection): the model must never see a secret.
    ///
    /// ## Example
    /// ```python
    /// key = os.environ["OPENAI_API_KEY"]
    /// print(f"using key {key}")
    /// ```
    ///
    /// ## Use instead
    /// Log that a key is set, or its last four characters at most; give the model names of
    /// capabilities, never credentials (the tool's code uses the key, the model does not).
    /// ```python
    /// print("using key …" + key[-4:])
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: what to log instead is the author's choice. A suppression
    /// (`# agentlint: ignore[AL305] reason`) is offered for every finding.
    ///
    /// ## References
    /// - CWE-532: Insertion of Sensitive Information into Log File
    /// - OWASP Top 10 for LLM Applications: LLM02 Sensitive Information Disclosure, LLM07 System Prompt Leakage
    pub struct SecretSentToModelOrLog {
        code: "AL305",
        name: "secret-sent-to-model-or-log",
        summary: "A secret from the environment is printed, logged or put into the model's input",
        severity: Warning,
        needs: [SecretFlows],
    }
}

/// A secret read from the environment, and the variable it is kept in.
struct Read<'t> {
    variable: String,
    range: Range<usize>,
    /// The name it is assigned to, and the function that assignment is in (None: module level).
    bound: Option<(String, Option<Node<'t>>)>,
}

fn reads<'t>(ctx: &Context<'_>, locator: &Locator<'t>) -> Vec<Read<'t>> {
    let secrets = &ctx.knowledge.secrets;
    let mut found: Vec<Read<'t>> = Vec::new();
    for matches in secrets.flow.reads_at(ctx.source, ctx.flow_places) {
        for (whole, name) in matches {
            let name = &ctx.source[name];
            if !secrets.names.matches(name)
                || secrets.flow.not_secret.iter().any(|n| n == name)
                || found.iter().any(|r| r.range.start == whole.start)
            {
                continue;
            }
            // Text in a comment or a string that looks like a read is not one.
            let Some(node) = locator.descendant(whole.start, whole.end) else {
                continue;
            };
            if matches!(
                node.kind(),
                "comment" | "string" | "string_content" | "string_fragment" | "template_string"
            ) {
                continue;
            }
            let bound = bound_of(node, ctx, locator);
            found.push(Read {
                variable: name.to_string(),
                range: whole,
                bound,
            });
        }
    }
    aliased_reads(ctx, locator, &mut found);
    found
}

/// `key = os.environ[...]`, `const key = process.env.X`, `key = os.getenv(...) or ""`: the name
/// a read is assigned to, and the function the assignment is in.
fn bound_of<'t>(
    node: Node<'t>,
    ctx: &Context<'_>,
    locator: &Locator<'t>,
) -> Option<(String, Option<Node<'t>>)> {
    let mut node = node;
    for _ in 0..4 {
        let parent = node.parent()?;
        let target = match parent.kind() {
            "assignment" => parent.field("left"),
            "variable_declarator" => parent.field("name"),
            // The value is the secret itself, maybe with a default: `getenv(...) or ""`,
            // `process.env.X ?? ""`, `(...)`, `process.env.X!`. A call or an argument list in
            // between (`client = OpenAI(api_key=os.environ[...])`) makes something else.
            "boolean_operator"
            | "binary_expression"
            | "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "await"
            | "await_expression" => {
                node = parent;
                continue;
            }
            _ => return None,
        };
        if let Some(target) = target {
            return (target.kind() == "identifier").then(|| {
                (
                    node_text(target, ctx.source).to_string(),
                    locator.enclosing_function(target),
                )
            });
        }
        node = parent;
    }
    None
}

/// What the environment is, once names are resolved through imports and aliases
/// (`from os import environ as env`, `import os as system`, `import { env } from "node:process"`).
fn is_environment(resolved: &str) -> bool {
    matches!(
        resolved,
        "os.environ" | "process.env" | "node:process.env" | "process.env.default"
    )
}

/// Reads the text patterns miss because the environment has another name here: found from the
/// words that end a secret's name, resolving what is subscripted, called or accessed.
/// Where a file gives the environment another name: `from os import environ as e`, `import
/// { env } from "process"`, `const { env } = process`, `require("process")`.
fn environment_aliases() -> &'static regex::Regex {
    static ALIASES: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    #[allow(clippy::expect_used)]
    ALIASES.get_or_init(|| {
        regex::Regex::new(
            r#"from\s+os\s+import\s+(?:\([^)]*|[^\n(]*)\b(?:environ|getenv)\s+as\b|\{[^}]*\benv\b[^}]*\}\s*from\s*["'](?:node:)?process["']|\benv\b[^;\n{}]*\bfrom\s*["'](?:node:)?process["']|\{[^}]*\benv\b[^}]*\}\s*=\s*(?:globalThis\.)?process\b|require\(\s*["'](?:node:)?process["']\s*\)"#,
        )
        .expect("valid pattern")
    })
}

/// Whether [`environment_aliases`] may match: never false when it does (a test checks), and
/// false for most files at a fraction of the cost (the expression scans the whole file, a tenth
/// of a millisecond per keystroke on 5,000 lines). Every alternative needs `environ` or
/// `getenv` followed by white space and `as`, or `process` quoted or after `} =` (perhaps with
/// `globalThis.` between). `places` are where `crate::secrets::ALIAS_WORDS` occur, in that
/// order (without them, it may).
fn may_alias_environment(source: &str, places: &[Vec<usize>]) -> bool {
    let [process, environ, getenv] = places else {
        return true;
    };
    let followed_by_as = |places: &[usize], word: &str| {
        places.iter().any(|&at| {
            let rest = source.get(at + word.len()..).unwrap_or_default();
            let after = rest.trim_start();
            after.len() < rest.len() && after.starts_with("as")
        })
    };
    process.iter().any(|&at| {
        let after = source.as_bytes().get(at + "process".len());
        let before = source.get(..at).unwrap_or_default();
        let before = before.strip_suffix("globalThis.").unwrap_or(before);
        matches!(after, Some(b'"' | b'\''))
            || before
                .trim_end()
                .strip_suffix('=')
                .is_some_and(|b| b.trim_end().ends_with('}'))
    }) || followed_by_as(environ, "environ")
        || followed_by_as(getenv, "getenv")
}

fn aliased_reads<'t>(ctx: &Context<'_>, locator: &Locator<'t>, found: &mut Vec<Read<'t>>) {
    // Only a file that gives the environment another name needs this (the text patterns match
    // `os.environ[...]`, `system.environ[...]`, `getenv(...)` and `process.env.X` already).
    let places = ctx.knowledge.secrets.flow.alias_places(ctx.flow_places);
    if !may_alias_environment(ctx.source, places) || !environment_aliases().is_match(ctx.source) {
        return;
    }
    let secrets = &ctx.knowledge.secrets;
    let family = ctx.language.family();
    let string_text = |node: Node<'_>| -> Option<String> {
        matches!(node.kind(), "string" | "template_string").then(|| {
            node_text(node, ctx.source)
                .trim_matches(|c| c == '"' || c == '\'' || c == '`')
                .to_string()
        })
    };
    for hit in ctx.name_hits {
        let Some(mut node) = locator.descendant(hit.start, hit.end) else {
            continue;
        };
        for _ in 0..4 {
            let read = match node.kind() {
                // env["KEY"], process.env["KEY"]
                "subscript" | "subscript_expression" => {
                    let object = node.field("value").or_else(|| node.field("object"));
                    let key = node.field("subscript").or_else(|| node.field("index"));
                    object
                        .filter(|o| {
                            ctx.facts
                                .resolve_in(*o, ctx.source, family)
                                .is_some_and(|r| is_environment(&r))
                        })
                        .and(key)
                        .and_then(string_text)
                }
                // env.KEY
                "member_expression" => node
                    .field("object")
                    .filter(|o| {
                        ctx.facts
                            .resolve_in(*o, ctx.source, family)
                            .is_some_and(|r| is_environment(&r))
                    })
                    .and(node.field("property"))
                    .map(|p| node_text(p, ctx.source).to_string()),
                // getenv("KEY"), env.get("KEY")
                "call" => {
                    let function = node.field("function");
                    let environment = function
                        .and_then(|f| ctx.facts.resolve_in(f, ctx.source, family))
                        .is_some_and(|r| r == "os.getenv" || r == "os.environ.get");
                    let first = node.field("arguments").and_then(|a| a.named_child(0));
                    environment.then_some(first).flatten().and_then(string_text)
                }
                _ => None,
            };
            if let Some(variable) = read {
                let range = node.start_byte()..node.end_byte();
                let known = found
                    .iter()
                    .any(|r| r.range.start < range.end && range.start < r.range.end);
                if !known
                    && secrets.names.matches(&variable)
                    && !secrets.flow.not_secret.contains(&variable)
                {
                    found.push(Read {
                        variable,
                        range,
                        bound: bound_of(node, ctx, locator),
                    });
                }
                break;
            }
            let Some(parent) = node.parent() else {
                break;
            };
            node = parent;
        }
    }
}

/// Whether `name` occurs in `text` as a whole identifier.
fn contains_identifier(text: &str, name: &str) -> bool {
    let is_part = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(name).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(is_part)
            && !text[at + name.len()..].chars().next().is_some_and(is_part)
    })
}

/// The argument nodes of a call that end up somewhere a secret must not: all of a logging
/// call's, and the model's input of any other.
fn exposed<'t>(
    ctx: &Context<'_>,
    locator: &Locator<'t>,
    call: &Call,
) -> Option<(Vec<Node<'t>>, String)> {
    let family = ctx.language.family();
    let callee = code_span(&crate::rules::excerpt(
        &ctx.source[call.callee_range.clone()],
        30,
    ));
    let logging = ctx
        .knowledge
        .logging
        .get(&family)
        .is_some_and(|l| l.is_logging(call.resolved.as_deref(), call.callee.as_deref()));
    if logging {
        let nodes = call
            .arguments
            .iter()
            .filter_map(|a| locator.node_at(&a.range))
            .collect();
        return Some((nodes, format!("is printed or logged by {callee}")));
    }
    let inputs = &ctx.knowledge.secrets.flow.model_input;
    let mut nodes = Vec::new();
    let mut via = None;
    for argument in &call.arguments {
        if let Some(keyword) = argument.keyword.as_deref() {
            if inputs.iter().any(|i| i == keyword)
                && let Some(node) = locator.node_at(&argument.range)
            {
                nodes.push(node);
                via.get_or_insert_with(|| keyword.to_string());
            }
            continue;
        }
        let Some(node) = locator.node_at(&argument.range) else {
            continue;
        };
        if node.kind() == "object" {
            let mut cursor = node.walk();
            for pair in node.named_children(&mut cursor) {
                if pair.kind() != "pair" {
                    continue;
                }
                let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) else {
                    continue;
                };
                let key = node_text(key, ctx.source).trim_matches(|c| c == '"' || c == '\'');
                if inputs.iter().any(|i| i == key) {
                    nodes.push(value);
                    via.get_or_insert_with(|| key.to_string());
                }
            }
        }
    }
    let via = via?;
    Some((
        nodes,
        format!("is sent to the model in `{via}` of {callee}"),
    ))
}

/// Whether the value at `node` reaches `top` only as something derived that is not the secret:
/// a truth value (`bool(key)`, `!key`, `key is None`, `key == ""`, the condition of
/// `"set" if key else "missing"`), a length, a type, or a short slice (`key[-4:]`,
/// `key.slice(-4)`).
fn only_derived(node: Node<'_>, top: Node<'_>, source: &str) -> bool {
    let mut current = node;
    while current.id() != top.id() {
        let Some(parent) = current.parent() else {
            return false;
        };
        let derived = match parent.kind() {
            "comparison_operator" | "not_operator" | "unary_expression" => true,
            // The condition of `"set" if key else "missing"` / `key ? "set" : "missing"`: only
            // whether it is set shows.
            "conditional_expression" => parent
                .named_child(1)
                .is_some_and(|c| c.id() == current.id()),
            "ternary_expression" => parent
                .field("condition")
                .is_some_and(|c| c.id() == current.id()),
            "binary_expression" => parent.field("operator").is_some_and(|op| {
                matches!(
                    op.kind(),
                    "===" | "!==" | "==" | "!=" | "<" | ">" | "<=" | ">="
                )
            }),
            "subscript" => parent
                .field("subscript")
                .is_some_and(|s| s.kind() == "slice"),
            "call" | "call_expression" => parent
                .field("function")
                .filter(|f| f.id() != current.id())
                .is_some_and(|f| {
                    matches!(
                        node_text(f, source),
                        "bool" | "len" | "type" | "isinstance" | "hash" | "Boolean" | "typeof"
                    )
                }),
            "member_expression" | "attribute" => {
                let member = parent
                    .field("property")
                    .or_else(|| parent.field("attribute"));
                member.is_some_and(|m| {
                    matches!(
                        node_text(m, source),
                        "length"
                            | "slice"
                            | "substring"
                            | "startswith"
                            | "endswith"
                            | "startsWith"
                            | "endsWith"
                            | "isdigit"
                            | "strip"
                            | "__len__"
                    ) && m.id() != current.id()
                })
            }
            _ => false,
        };
        if derived {
            return true;
        }
        current = parent;
    }
    false
}

impl Rule for SecretSentToModelOrLog {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.knowledge.secrets.flow.reads.is_empty() {
            return;
        }
        let locator = ctx.locator();
        let reads = reads(ctx, locator);
        if reads.is_empty() {
            return;
        }
        let index = ctx.lines();
        for call in &ctx.facts.calls {
            // Only calls that contain a read, or the name a read was assigned to, can expose one:
            // checked on the text first, so the syntax nodes of every other call are never looked
            // up (most calls of a file).
            let text = ctx.source.get(call.range.clone()).unwrap_or_default();
            let relevant = reads.iter().any(|read| {
                (call.range.start <= read.range.start && read.range.end <= call.range.end)
                    || read
                        .bound
                        .as_ref()
                        .is_some_and(|(name, _)| contains_identifier(text, name))
            });
            if !relevant {
                continue;
            }
            let Some((nodes, where_)) = exposed(ctx, locator, call) else {
                continue;
            };
            'nodes: for node in nodes {
                let range = node.start_byte()..node.end_byte();
                for read in &reads {
                    // The read itself, inside the argument.
                    let mut at = (range.start <= read.range.start && read.range.end <= range.end)
                        .then(|| read.range.clone())
                        .filter(|r| {
                            locator
                                .descendant(r.start, r.end)
                                .is_none_or(|n| !only_derived(n, node, ctx.source))
                        });
                    // Or the variable it was assigned to, in the same function or at module level.
                    if at.is_none()
                        && let Some((name, scope)) = &read.bound
                    {
                        let here = locator.enclosing_function(node);
                        if scope.is_none() || *scope == here {
                            at = preorder(node)
                                .take(512)
                                .find(|n| {
                                    n.kind() == "identifier"
                                        && node_text(*n, ctx.source) == name
                                        && !only_derived(*n, node, ctx.source)
                                })
                                .map(|n| n.start_byte()..n.end_byte());
                        }
                    }
                    let Some(at) = at else {
                        continue;
                    };
                    let message = format!(
                        "The secret {} from the environment {where_}",
                        code_span(&crate::rules::excerpt(&read.variable, 30)),
                    );
                    let mut diagnostic =
                        Diagnostic::new(&SecretSentToModelOrLog::META, at, message)
                            .with_note(format!(
                                "It is read at line {}. Logs and the model's context are kept, \
                                 shared and repeatable (a prompt injection can make the model say \
                                 it).",
                                index.line_of(read.range.start) + 1
                            ))
                            .with_help(
                                "Log that it is set, or its last four characters at most; keep \
                                 credentials out of prompts.",
                            );
                    diagnostic.related.push(Related {
                        range: read.range.clone(),
                        message: format!("`{}` is read here", read.variable),
                        place: None,
                    });
                    out.push(diagnostic);
                    continue 'nodes;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`may_alias_environment`] with the places found in the whole text.
    fn may_alias(text: &str) -> bool {
        let places = crate::secrets::ALIAS_WORDS
            .map(|w| crate::syntax::change::occurrences(w.as_bytes(), text.as_bytes()));
        may_alias_environment(text, &places)
    }

    #[test]
    fn the_prefilter_passes_every_alias_and_skips_plain_reads() {
        for aliasing in [
            "from os import environ as e\n",
            "from os import path, getenv\u{a0}as ge\n",
            "import { env } from \"process\";\n",
            "import { env as e } from 'node:process';\n",
            "const { env } = process;\n",
            "const {\n  env,\n} =\n  globalThis.process;\n",
            "const p = require( 'process' );\n",
            // Imports over several lines.
            "import {\n  env,\n} from \"node:process\";\n",
            "from os import (\n    environ as e,\n)\n",
        ] {
            assert!(environment_aliases().is_match(aliasing), "{aliasing}");
            assert!(may_alias(aliasing), "{aliasing}");
        }
        for plain in [
            "import os\nkey = os.environ[\"OPENAI_API_KEY\"]\nos.getenv(\"X\")\n",
            "const key = process.env.OPENAI_API_KEY;\nprocess.exit(1);\n",
            "from os import environ\nenviron['X']\n",
        ] {
            assert!(!may_alias(plain), "{plain}");
        }
    }

    proptest! {
        /// The prefilter never hides a match: text made of the expression's own pieces, in any
        /// order, with any white space between them, around an alias (so that every case
        /// asserts: random pieces alone almost never make one).
        #[test]
        fn the_prefilter_never_rejects_a_match(
            pieces in proptest::collection::vec(
                prop::sample::select(vec![
                    "from", "os", "import", "environ", "getenv", "as", "env", "process", "node:",
                    "globalThis.", "require(", ")", "{", "}", "=", ";", ",", "\"", "'", "e", "x",
                    " ", "  ", "\t", "\n", "\u{a0}", "\u{2003}", "é",
                ]),
                0..24,
            ),
            at in 0..24usize,
            alias in prop::sample::select(vec![
                "\nfrom os import environ as e\n",
                "\nimport { env } from \"process\";\n",
                "\nconst { env } = process;\n",
                "\nrequire('node:process')\n",
            ]),
        ) {
            let at = at.min(pieces.len());
            let text = format!("{}{alias}{}", pieces[..at].concat(), pieces[at..].concat());
            prop_assert!(environment_aliases().is_match(&text), "{text:?}");
            prop_assert!(may_alias(&text), "{text:?}");
        }

        /// Each form of alias, with any white space where the expression allows it, inside
        /// random text.
        #[test]
        fn the_prefilter_passes_aliases_with_any_spacing(
            form in 0..5usize,
            spaces in proptest::collection::vec(
                prop::sample::select(vec!["", " ", "\t", "\n", "\u{a0}", "\u{2003}", " \n "]),
                6,
            ),
            prefix in "[a-z{}=;\"' \n]{0,12}",
            suffix in "[a-z{}=;\"' \n]{0,12}",
        ) {
            let s = |i: usize| spaces[i];
            let w = |i: usize| if spaces[i].is_empty() { " " } else { spaces[i] };
            let alias = match form {
                0 => format!("from{}os{}import{}x, environ{}as e", w(0), w(1), w(2), w(3)),
                1 => format!("import {{{}env{}}} from{}'process'", s(0), s(1), s(2)),
                2 => format!("const {{{}env{}}}{}={}process", s(0), s(1), s(2), s(3)),
                3 => format!("const {{ env }}{}={}globalThis.process", s(0), s(1)),
                _ => format!("require({}\"node:process\"{})", s(0), s(1)),
            };
            let text = format!("{prefix}\n{alias}\n{suffix}");
            prop_assert!(environment_aliases().is_match(&text), "{text:?}");
            prop_assert!(may_alias(&text), "{text:?}");
        }
    }
}
