use super::taint::{Taint, taint};
use crate::agent::capabilities::condition_holds;
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{Argument, Call, ValueKind};
use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::{ArgumentSpec, Effect, Sink};
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule, excerpt};
use crate::syntax::{Family, Fields, node_text};
use tree_sitter::Node;

declare_rule! {
    /// ## What it does
    /// Finds code that runs a string as code when the string is not a constant: Python's `eval`,
    /// `exec` and `compile`; JavaScript's and TypeScript's `eval`, `Function` / `new Function` and
    /// Node's `vm` module (`runInNewContext`, `runInThisContext`, `runInContext`, `Script`,
    /// `compileFunction`). Imports and aliases are followed (`from builtins import eval as e`,
    /// `import { runInNewContext as run } from "node:vm"`, `(0, eval)(code)`).
    ///
    /// Also deserialisers that build whatever objects the data names, which runs code:
    /// `pickle.loads` / `load` / `Unpickler` (and `dill`, `cloudpickle`, `joblib.load`,
    /// `pandas.read_pickle`), `marshal`, `jsonpickle.decode`, `yaml.unsafe_load`, and
    /// `yaml.load` / `load_all` unless the loader is `SafeLoader` or `BaseLoader`. Without a tool
    /// argument or the model's reply in them these are hints: most load a file the program wrote.
    ///
    /// Calls whose code is a literal, a concatenation of literals or a name bound only to such
    /// constants are not reported, nor are look-alikes such as `ast.literal_eval` or `re.compile`,
    /// nor functions the file defines under these names.
    ///
    /// Graded by where the code comes from: an **error** when it is an argument of the tool the
    /// call is in (which the model fills in) or the model's reply (`response.choices[0].message.
    /// content`, or a name that says it holds the reply, `assistant_reply`, `llmResponse`;
    /// followed through a few assignments in the function; the ways code reads a reply are
    /// data, `[[model_output]]` in `rules/data/sinks.toml`); a **warning** otherwise; a
    /// **hint** when the function warns its callers, before the code runs, that it runs code (a
    /// `warnings.warn(...)` or a raised error that says so, `[[warned_execution]]`), when the
    /// value was first filtered to characters that cannot name anything (a calculator's
    /// `"".join(c for c in expression if c in "0123456789+-*/.() ")`), and in tests and
    /// maintainers' scripts. `compile(..., ast.PyCF_ONLY_AST)` parses and is not reported.
    ///
    /// ## Why is this bad?
    /// In an agent, the text that reaches `eval` very often comes from the model or from a tool
    /// argument the model chose, and the model's output is controlled by whoever wrote the prompt,
    /// the web page it read or the document it summarised (prompt injection). Running that text
    /// gives them everything this process can do: read keys from the environment, delete files,
    /// open connections. Node's `vm` module is explicitly not a security boundary.
    ///
    /// ## Example
    /// ```python
    /// @tool
    /// def calculate(expression: str) -> str:
    ///     """Evaluate an arithmetic expression."""
    ///     return str(eval(expression))
    /// ```
    ///
    /// ## Use instead
    /// Parse data instead of running it (`ast.literal_eval` for Python literals, `json.loads` or
    /// `JSON.parse` for JSON, a small expression parser for arithmetic), map the model's choice to
    /// functions you wrote, or run generated code in a real sandbox (a separate process or
    /// container, e2b, Modal).
    /// ```python
    /// import ast
    ///
    /// @tool
    /// def calculate(expression: str) -> str:
    ///     """Evaluate an arithmetic expression."""
    ///     return str(safe_arithmetic(ast.parse(expression, mode="eval")))
    /// ```
    ///
    /// ## Fix safety
    /// Where a drop-in replacement exists (`eval` with one argument: `ast.literal_eval` in Python,
    /// `JSON.parse` in JavaScript; `yaml.load(s)`: `yaml.safe_load(s)`), agentlint offers it as
    /// an **unsafe** fix: it changes what the program accepts, which is the point, but code that
    /// relied on evaluating expressions (or on Python tags in YAML) will raise instead. Review it. A suppression (`# agentlint: ignore[AL203] reason`) is offered for
    /// every finding.
    ///
    /// ## Known problems
    /// Its errors and warnings on 84 public agent repositories were read by hand
    /// (`tests/precision`): 58 of 74 are right (model-written code run in the server or a
    /// notebook, stored settings a user can write, a reply `eval`ed to parse it). Wrong are: `eval` of a reply
    /// another function has already reduced to numbers (eight in one file; `ast.literal_eval`
    /// would still be the better call), the `repr` of a dict the program wrote to its own
    /// queue, library APIs whose purpose is to load the code their caller passes
    /// (`Tool.from_code`), an agent that runs the code the model wrote by design, a CLI whose
    /// documented option runs its user's Python, a maintainers' debugging harness, a web
    /// component that runs the model's code in the browser's sandboxed frame. Minified or
    /// bundled JavaScript (a webpack bundle of a library copied into a project's sources, whose
    /// `setImmediate` polyfill has a `new Function`) is searched for keys only. A library's
    /// `eval` of what its callers pass stays a warning: what they pass may be data their users
    /// load. A check that returns unless the value holds only digits and operators is followed
    /// in the same function only.
    ///
    /// ## References
    /// - CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')
    /// - OWASP Top 10 for LLM Applications: LLM05 Improper Output Handling, LLM01 Prompt Injection
    /// - Node.js documentation: "The node:vm module is not a security mechanism."
    pub struct DynamicCodeExecution {
        code: "AL203",
        name: "dynamic-code-execution",
        summary: "A value that is not a constant is run as code (eval, exec, new Function, vm) or unpickled",
        severity: Warning,
        needs: [SinkCalls],
    }
}

impl Rule for DynamicCodeExecution {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let family = ctx.language.family();
        let locator = ctx.locator();
        for &(index, sink) in ctx.sink_calls() {
            let Some(call) = ctx.facts.calls.get(index) else {
                continue;
            };
            if sink.effect != Effect::CodeEval
                || sink.unless.as_ref().is_some_and(|c| {
                    condition_holds(call, c, ctx.source, locator, ctx.facts, family)
                })
            {
                continue;
            }
            // Code built and thrown away is a syntax check (`compile(src, "<x>", "exec")` in a
            // `try`): nothing runs.
            if sink.builds
                && locator
                    .node_at(&call.range)
                    .and_then(|node| locator.parent(node))
                    .is_some_and(|parent| parent.kind() == "expression_statement")
            {
                continue;
            }
            let Some(payload) = dynamic_payload(call, sink) else {
                continue;
            };
            // Code built from a constant is a constant (`exec(compile("x = 1", ...))`).
            if built_from_a_constant(ctx, &payload.range) {
                continue;
            }
            // Filtered to characters that cannot name anything, whoever wrote it cannot call
            // code through it.
            let inert = filtered_to_inert(ctx, payload);
            let taint = locator
                .node_at(&payload.range)
                .filter(|_| inert.is_none())
                .and_then(|node| taint(ctx, locator, call, node));
            let guard = if let Some(allowed) = inert {
                Guard::Inert(allowed)
            } else if taint.is_some() {
                Guard::None
            } else if warns_its_caller(ctx, locator, call) || opted_in(ctx, locator, call) {
                Guard::Warned
            } else {
                Guard::None
            };
            out.push(diagnostic(ctx, call, sink, payload, taint, guard));
        }
    }
}

/// Whether the function `call` is in warns its callers, before the call, that it runs code: a
/// string that says so (`execution_warnings`, data) passed to a call named `warn` or `warning`
/// (`warnings.warn`, `logger.warning`, `console.warn`) or to the error it raises or throws
/// (`raise ValueError("... arbitrary code ...")` unless the caller opts in).
fn warns_its_caller(ctx: &Context<'_>, locator: &crate::syntax::Locator<'_>, call: &Call) -> bool {
    let Some(patterns) = ctx.knowledge.execution_warnings.get(&ctx.language.family()) else {
        return false;
    };
    let Some(function) = locator
        .node_at(&call.range)
        .and_then(|node| locator.enclosing_function(node))
    else {
        return false;
    };
    ctx.facts
        .calls
        .iter()
        .filter(|c| function.start_byte() <= c.range.start && c.range.end <= call.range.start)
        .filter(|c| {
            let warns = c.callee.as_deref().is_some_and(|callee| {
                matches!(callee.rsplit('.').next(), Some("warn" | "warning"))
            });
            warns
                || locator
                    .node_at(&c.range)
                    .and_then(|node| locator.parent(node))
                    .is_some_and(|parent| {
                        matches!(parent.kind(), "raise_statement" | "throw_statement")
                            || (parent.kind() == "new_expression"
                                && locator
                                    .parent(parent)
                                    .is_some_and(|p| p.kind() == "throw_statement"))
                    })
        })
        .any(|c| {
            c.arguments.iter().any(|a| {
                ctx.source
                    .get(a.range.clone())
                    .is_some_and(|text| patterns.iter().any(|p| p.find(text).is_some()))
            })
        })
}

/// Whether the call runs only in the branch an opt-in flag opens (`if self.unsafe_mode:`,
/// `execution_opt_ins`, data): its caller chose to run code.
fn opted_in(ctx: &Context<'_>, locator: &crate::syntax::Locator<'_>, call: &Call) -> bool {
    let Some(patterns) = ctx.knowledge.execution_opt_ins.get(&ctx.language.family()) else {
        return false;
    };
    let Some(mut node) = locator.node_at(&call.range) else {
        return false;
    };
    while let Some(parent) = locator.parent(node) {
        if crate::syntax::is_function(parent) {
            return false;
        }
        if parent.kind() == "if_statement"
            && parent.field("consequence").is_some_and(|branch| {
                branch.start_byte() <= node.start_byte() && node.end_byte() <= branch.end_byte()
            })
            && parent.field("condition").is_some_and(|condition| {
                let text = node_text(condition, ctx.source).trim();
                patterns.iter().any(|p| p.find(text).is_some())
            })
        {
            return true;
        }
        node = parent;
    }
    false
}

/// What stands between the value and the code run, when nothing shows the model or a tool
/// argument reaching it.
enum Guard {
    None,
    /// The function warns its callers first, or runs it only when they opt in.
    Warned,
    /// The value was filtered to characters that cannot name anything (these).
    Inert(String),
}

/// The characters a value was filtered to, when they cannot name a variable, a function or an
/// attribute (no letters, no `_`): a calculator's `"".join(c for c in expression if c in
/// "0123456789+-*/.() ")` or `re.sub(r"[^0-9+\-*/(). ]", "", expression)` before `eval`.
/// Python only: the value is a name bound once to that filter.
fn filtered_to_inert(ctx: &Context<'_>, payload: &Argument) -> Option<String> {
    static FILTERS: std::sync::OnceLock<[regex::Regex; 2]> = std::sync::OnceLock::new();
    if ctx.language.family() != Family::Python {
        return None;
    }
    #[allow(clippy::expect_used)]
    let [joined, substituted] = FILTERS.get_or_init(|| {
        [
            regex::Regex::new(
                r#"^(?:''|"")\.join\(\s*(?P<c>\w+)\s+for\s+(?P<d>\w+)\s+in\s+[\w.]+\s+if\s+(?P<e>\w+)\s+in\s+(?P<allowed>"[^"\\]*"|'[^'\\]*'|\w+)\s*\)$"#,
            )
            .expect("valid pattern"),
            regex::Regex::new(
                r#"^re\.sub\(\s*r?(?:"\[\^(?P<dq>[^"\]]*)\]\+?"|'\[\^(?P<sq>[^'\]]*)\]\+?')\s*,\s*(?:''|"")\s*,"#,
            )
            .expect("valid pattern"),
        ]
    });
    let name = ctx.source.get(payload.range.clone())?.trim();
    let locator = ctx.locator();
    let function = locator
        .node_at(&payload.range)
        .and_then(|node| locator.enclosing_function(node))?;
    // Every filter and check below is written with one of these calls, in the function or in
    // the module's constant the value is: without one, nothing to walk (most `eval`s).
    const MARKERS: [&str; 7] = ["join(", "sub(", "set(", "any(", "all(", "match(", "search("];
    let marked = |text: &str| MARKERS.iter().any(|m| text.contains(m));
    if !marked(node_text(function, ctx.source))
        && !ctx
            .facts
            .bindings
            .single_value(name)
            .and_then(|range| ctx.source.get(range))
            .is_some_and(marked)
    {
        return None;
    }
    // Its one assignment in the function, or the module's constant.
    let assigned = |name: &str| -> Option<&str> {
        let mut values = crate::syntax::assignments(function, 8192)
            .filter(|(target, _)| {
                target.kind() == "identifier" && node_text(*target, ctx.source) == name
            })
            .map(|(_, value)| node_text(value, ctx.source));
        match (values.next(), values.next()) {
            (Some(value), None) => Some(value),
            (None, _) => ctx
                .facts
                .bindings
                .single_value(name)
                .and_then(|range| ctx.source.get(range)),
            _ => None,
        }
    };
    let literal = |text: &str| -> Option<String> {
        let text = text.trim();
        let quoted = text.len() >= 2
            && ((text.starts_with('"') && text.ends_with('"'))
                || (text.starts_with('\'') && text.ends_with('\'')));
        quoted.then(|| text[1..text.len() - 1].to_string())
    };
    // A set of characters: a string, `set("...")`, `frozenset("...")`, or a name bound to one.
    let characters = |text: &str| -> Option<String> {
        let set = |text: &str| {
            let text = text.trim();
            let inner = text
                .strip_prefix("frozenset(")
                .or_else(|| text.strip_prefix("set("))
                .and_then(|rest| rest.strip_suffix(')'))
                .unwrap_or(text);
            literal(inner)
        };
        set(text).or_else(|| set(assigned(text.trim())?))
    };
    let inert = |allowed: String| {
        let inert = !allowed.is_empty()
            && allowed
                .chars()
                .all(|c| c.is_ascii() && !c.is_ascii_alphabetic() && c != '_');
        inert.then_some(allowed)
    };
    if let Some(allowed) = rejected_unless(ctx, locator, &payload.range, function, name)
        .and_then(|(allowed, class)| {
            if class {
                character_class(&allowed)
            } else {
                characters(&allowed)
            }
        })
        .and_then(inert)
    {
        return Some(allowed);
    }
    let value = assigned(name)?.trim();
    let allowed = if let Some(found) = joined.captures(value) {
        let (c, d, e) = (found.name("c")?, found.name("d")?, found.name("e")?);
        if c.as_str() != d.as_str() || d.as_str() != e.as_str() {
            return None;
        }
        let allowed = found.name("allowed")?.as_str();
        literal(allowed).or_else(|| literal(assigned(allowed)?))?
    } else {
        let found = substituted.captures(value)?;
        let class = found.name("dq").or_else(|| found.name("sq"))?.as_str();
        character_class(class)?
    };
    inert(allowed)
}

/// What a check before the call, in a block the call is in, allows `name` to hold when it
/// returns or raises otherwise: `if not set(expression) <= ALLOWED: return ...`,
/// `if any(c not in ALLOWED for c in expression): raise ...`,
/// `if not re.fullmatch(r"[0-9+*/() .-]+", expression): return ...`. The text of the allowed
/// characters (a string, a set or a name bound to one) and whether it is a regular
/// expression's character class.
fn rejected_unless(
    ctx: &Context<'_>,
    locator: &crate::syntax::Locator<'_>,
    range: &std::ops::Range<usize>,
    function: Node<'_>,
    name: &str,
) -> Option<(String, bool)> {
    static CHECKS: std::sync::OnceLock<[regex::Regex; 5]> = std::sync::OnceLock::new();
    #[allow(clippy::expect_used)]
    let checks = CHECKS.get_or_init(|| {
        [
            // `not set(x) <= A`, `not set(x).issubset(A)`, `set(x) - A`, `set(x).difference(A)`
            r"^(?:not\s+set\(\s*(?P<n>\w+)\s*\)\s*(?:<=\s*|\.issubset\()|set\(\s*(?P<n2>\w+)\s*\)\s*(?:-\s*|\.difference\())(?P<allowed>.+?)\)?$",
            // `any(c not in A for c in x)`
            r"^any\(\s*(?P<c>\w+)\s+not\s+in\s+(?P<allowed>.+?)\s+for\s+(?P<d>\w+)\s+in\s+(?P<n>\w+)\s*\)$",
            // `not all(c in A for c in x)`
            r"^not\s+all\(\s*(?P<c>\w+)\s+in\s+(?P<allowed>.+?)\s+for\s+(?P<d>\w+)\s+in\s+(?P<n>\w+)\s*\)$",
            // `not re.fullmatch(r"[...]+", x)`
            r#"^not\s+re\.fullmatch\(\s*r?(?:"\[(?P<dq>[^"\]]*)\][+*]"|'\[(?P<sq>[^'\]]*)\][+*]')\s*,\s*(?P<n>\w+)\s*\)$"#,
            // `not re.match(r"^[...]+$", x)`
            r#"^not\s+re\.(?:match|search)\(\s*r?(?:"\^\[(?P<dq>[^"\]]*)\][+*]\$"|'\^\[(?P<sq>[^'\]]*)\][+*]\$')\s*,\s*(?P<n>\w+)\s*\)$"#,
        ]
        .map(|pattern| regex::Regex::new(pattern).expect("valid pattern"))
    });
    let mut node = locator.node_at(range)?;
    while let Some(parent) = locator.parent(node) {
        if parent.kind() == "block" {
            let checked = parent
                .named_children(&mut parent.walk())
                .filter(|s| s.kind() == "if_statement" && s.end_byte() <= range.start)
                .filter(|s| {
                    s.field("consequence")
                        .and_then(|block| block.named_child(0))
                        .is_some_and(|first| {
                            matches!(first.kind(), "return_statement" | "raise_statement")
                        })
                })
                .filter_map(|s| s.field("condition"))
                .find_map(|condition| {
                    let text = node_text(condition, ctx.source).trim();
                    checks.iter().find_map(|check| {
                        let found = check.captures(text)?;
                        let checked = found.name("n").or_else(|| found.name("n2"))?.as_str();
                        if checked != name {
                            return None;
                        }
                        if let (Some(c), Some(d)) = (found.name("c"), found.name("d"))
                            && c.as_str() != d.as_str()
                        {
                            return None;
                        }
                        if let Some(class) = found.name("dq").or_else(|| found.name("sq")) {
                            return Some((class.as_str().to_string(), true));
                        }
                        Some((found.name("allowed")?.as_str().to_string(), false))
                    })
                });
            if checked.is_some() {
                return checked;
            }
        }
        if parent.id() == function.id() {
            return None;
        }
        node = parent;
    }
    None
}

/// The characters a regular expression's character class (without its brackets) holds, when
/// it is made of single characters, `\d`, `\s`, escaped punctuation and digit ranges (`0-9`);
/// `None` for anything wider (`\w`, `!-~`).
fn character_class(class: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = class.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'd' => out.push_str("0123456789"),
                's' => out.push(' '),
                escaped if escaped.is_ascii_punctuation() => out.push(escaped),
                _ => return None,
            },
            '-' if !out.is_empty() && chars.peek().is_some() => {
                let from = out.chars().last()?;
                let to = chars.next()?;
                if !(from.is_ascii_digit() && to.is_ascii_digit()) {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// Whether the expression at `range` is a call of a sink that builds code (`compile`) from a
/// constant.
fn built_from_a_constant(ctx: &Context<'_>, range: &std::ops::Range<usize>) -> bool {
    ctx.sink_calls().iter().any(|&(index, sink)| {
        sink.builds
            && ctx
                .facts
                .calls
                .get(index)
                .is_some_and(|call| call.range == *range && dynamic_payload(call, sink).is_none())
    })
}

/// The argument carrying code that is not a constant, if any. When every argument is code (as in
/// `new Function(params..., body)`), the last dynamic one: the body is last.
fn dynamic_payload<'c>(call: &'c Call, sink: &Sink) -> Option<&'c Argument> {
    let dynamic = |arg: &&Argument| arg.value != ValueKind::Constant;
    match sink.argument {
        ArgumentSpec::Any(_) => call.arguments.iter().rfind(dynamic),
        ArgumentSpec::Position(index) => {
            let positional = call.arguments.iter().filter(|a| a.keyword.is_none());
            // A spread before the position could put anything there.
            for (i, arg) in positional.enumerate() {
                if arg.value == ValueKind::Spread || i == index {
                    return Some(arg).filter(dynamic);
                }
            }
            let keyword = sink.keyword.as_deref()?;
            call.arguments
                .iter()
                .find(|a| a.keyword.as_deref() == Some(keyword))
                .filter(dynamic)
        }
    }
}

fn diagnostic(
    ctx: &Context<'_>,
    call: &Call,
    sink: &Sink,
    payload: &Argument,
    taint: Option<Taint>,
    guard: Guard,
) -> Diagnostic {
    let callee = code_span(&excerpt(&ctx.source[call.callee_range.clone()], 40));
    let arg = code_span(&excerpt(&ctx.source[payload.range.clone()], 40));
    // "a pickle (loading one calls any function it names)": the finding says what it is, the
    // note what that means.
    let (runs, why) = match sink.runs.split_once(" (") {
        Some((runs, why)) => (runs, format!(" ({why}")),
        None => (sink.runs.as_str(), String::new()),
    };
    let steer = "anyone who can steer the model (a prompt injection in a page or document it \
                 reads) runs code with this process's permissions";
    let (message, note, severity) = match &taint {
        None => (
            format!("{callee} runs a value that is not a constant as {runs}"),
            if let Guard::Inert(allowed) = &guard {
                format!(
                    "The value is {arg}, filtered first to characters that cannot name a \
                     function or an attribute ({}): no code can be called through it, but an \
                     expression such as `9**9**9` still keeps the process computing.",
                    code_span(&excerpt(allowed, 30))
                )
            } else if matches!(guard, Guard::Warned) {
                format!(
                    "The value is {arg}{why}: whoever controls it can run arbitrary code with \
                     this process's permissions. Its function warns its callers first, or runs \
                     it only when they opt in: make sure no caller passes what the model wrote."
                )
            } else {
                format!(
                    "The value is {arg}{why}: whoever controls it (the model, a tool argument, a \
                     user) can run arbitrary code with this process's permissions."
                )
            },
            // A test's or a maintainer script's own code, or code its function warns its
            // callers it runs: nothing shows the model or a tool argument reaching it.
            if ctx.test_file || ctx.maintainer_file || !matches!(guard, Guard::None) {
                Severity::Hint
            } else {
                sink.untainted
                    .unwrap_or(DynamicCodeExecution::META.default_severity)
            },
        ),
        Some(Taint::Parameter { tool, name }) => (
            format!(
                "{callee} runs {runs} from {}, an argument of {tool}",
                code_span(&excerpt(name, 30))
            ),
            {
                // `eval(expression)` needs no "(`expression`)".
                let written = if arg == code_span(name) {
                    String::new()
                } else {
                    format!(" ({arg})")
                };
                if ctx.test_file {
                    format!(
                        "The model fills in `{name}`{written}{why}. {tool} is a test's own tool: \
                         it ships with nothing, and the test chooses what the model is asked; \
                         never copy it into the project as it is."
                    )
                } else {
                    format!("The model fills in `{name}`{written}{why}: {steer}.")
                }
            },
            // A tool a test defines is the test's fixture (a calculator that evals `2+2`).
            if ctx.test_file {
                Severity::Hint
            } else {
                Severity::Error
            },
        ),
        Some(Taint::ModelOutput(read)) => (
            format!("{callee} runs the model's reply as {runs}"),
            format!("{arg} is the model's reply (`{read}`){why}: {steer}."),
            Severity::Error,
        ),
    };
    let mut diagnostic = Diagnostic::new(
        &DynamicCodeExecution::META,
        call.callee_range.clone(),
        message,
    )
    .with_note(note)
    .with_help(sink.advice.clone())
    .with_fix(safer_call_fix(ctx, call, sink));
    diagnostic.severity = severity;
    diagnostic
}

/// Replaces the callee with the sink's safer drop-in, when the call has exactly one plain argument.
fn safer_call_fix(ctx: &Context<'_>, call: &Call, sink: &Sink) -> Option<Fix> {
    let safer = sink.safer.as_ref()?;
    let [only] = call.arguments.as_slice() else {
        return None;
    };
    if only.keyword.is_some() || only.value == ValueKind::Spread {
        return None;
    }
    // `new X(...)` has no drop-in: the replacement is a plain call.
    if ctx.source[call.callee_range.clone()].starts_with("new") {
        return None;
    }
    let mut edits = Vec::new();
    let replacement = match (ctx.language.family(), safer.import.as_deref()) {
        (Family::Python, Some(module)) => {
            let name = safer.call.strip_prefix(module)?.strip_prefix('.')?;
            let (reference, import) = ctx.python_reference(module, name);
            edits.extend(import);
            reference
        }
        _ => safer.call.clone(),
    };
    edits.push(Edit::replace(call.callee_range.clone(), replacement));
    Some(Fix::new(safer.title.clone(), Applicability::Unsafe, edits))
}
