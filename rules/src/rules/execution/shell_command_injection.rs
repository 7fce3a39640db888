use crate::syntax::Fields as _;
use tree_sitter::Node;

use super::rewrite::{argument_list, remove_argument};
use super::taint::{Taint, taint};
use crate::agent::command::{Command, ShellReason, ShellVia, constant_word};
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::Call;
use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::{Effect, Sink};
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule, excerpt};
use crate::syntax::{Family, Locator, node_range, node_text};

declare_rule! {
    /// ## What it does
    /// Finds command lines that a shell interprets when they are not constants: `shell=True`
    /// in `subprocess.run`, `call`, `check_call`, `check_output` and `Popen`; `os.system`,
    /// `os.popen`, `subprocess.getoutput` / `getstatusoutput` and
    /// `asyncio.create_subprocess_shell`, which always use a shell; Node's `child_process.exec`
    /// and `execSync`, which always do, and `spawn`, `spawnSync`, `execFile`, `execFileSync` (and
    /// `execa`) with `{ shell: true }`; and any command whose program is a shell given a command
    /// line (`["bash", "-c", cmd]`, `os.execvp("sh", ["sh", "-c", cmd])`,
    /// `spawn("sh", ["-c", cmd])`). Imports and aliases are followed (`import subprocess as sp`,
    /// `from os import system`, `const { exec } = require("child_process")`). Which calls use a
    /// shell, and which programs are shells, are data (`shell` in `rules/data/sinks.toml`).
    ///
    /// Graded by where the command comes from: an **error** when it contains an argument of
    /// the tool the call is in (which the model fills in) or the model's reply, followed through
    /// a few assignments; a **warning** when it is not a constant otherwise, in a file that
    /// declares tools, sends users' data to a model provider or reads a model's reply; a
    /// **hint** in a file that does none of these (a command-line program's own commands, which
    /// general linters report; a tool elsewhere that reaches them through a helper is reported
    /// at the tool, AL202 and AL103), and in tests and maintainers' scripts. A constant command
    /// (a literal, a name bound only to one, or a name written as a constant, `PROBE_SCRIPT`,
    /// which is a script the program ships) is not reported.
    ///
    /// ## Why is this bad?
    /// A shell reads its command line as a program: `;`, `&&`, `|`, `$(...)`, backticks and
    /// newlines start other commands. When any part of that line comes from the model, whoever
    /// steers the model (a prompt injection in a web page, an issue or a document it reads)
    /// chooses those commands, and they run with this process's permissions: they can read keys
    /// from the environment and `~/.ssh`, delete files or open a reverse shell. Quoting by hand
    /// is easy to get wrong; not using a shell removes the problem.
    ///
    /// ## Example
    /// ```python
    /// @tool
    /// def search_notes(query: str) -> str:
    ///     """Search the notes with grep and return the matching lines."""
    ///     return subprocess.run(f"grep -rn {query} notes/", shell=True,
    ///                           capture_output=True, text=True).stdout
    /// ```
    ///
    /// ## Use instead
    /// Pass the program and its arguments as a list, without a shell; the value is then one
    /// argument whatever it contains (end options with `--` when it could start with `-`).
    /// ```python
    /// @tool
    /// def search_notes(query: str) -> str:
    ///     """Search the notes with grep and return the matching lines."""
    ///     return subprocess.run(["grep", "-rn", "--", query, "notes/"],
    ///                           capture_output=True, text=True).stdout
    /// ```
    /// In Node, `execFile("git", ["log", "-n", String(n)])` instead of
    /// ``exec(`git log -n ${n}`)``.
    ///
    /// ## Fix safety
    /// When the command is an f-string, template literal, concatenation or literal whose
    /// constant text has no shell syntax (pipes, redirections, quotes, globs, variables),
    /// agentlint offers to rewrite it as an argument list: each word an argument, each variable
    /// part its own argument (`str(n)` / `String(n)` when it may not be a string), `shell=True`
    /// removed; `os.system(cmd)` becomes `subprocess.run([...], check=False)` (with
    /// `.returncode` where its value is used, and the import added);
    /// `asyncio.create_subprocess_shell` becomes `create_subprocess_exec`; Node's `exec` and
    /// `execSync` become `execFile` and `execFileSync` (imported next to them). A command held
    /// in a variable becomes `shlex.split(cmd)` in Python. The fix is **unsafe**: a value with
    /// spaces used to be split into several words and is now one argument, and globs, `~` and
    /// variables are no longer expanded, which is the point but can change behaviour. A
    /// suppression (`# agentlint: ignore[AL201] reason`) is offered for every finding.
    ///
    /// ## Known problems
    /// On 17 public agent repositories it was measured on, its warnings were all in files with
    /// no tool and no model call (a terminal agent's helpers and `osascript` keystrokes, a
    /// temporary file's path, the user's own last command), and none was right: those are
    /// hints now, and it reports no error or warning there. A helper in another file that runs
    /// its parameter through a shell is a hint even when a tool passes it the model's input:
    /// the tool gets AL202 and AL103, and the helper's own line waits for cross-file taint. A
    /// command built from a tool argument through more than three assignments, or through
    /// another function, is a warning rather than an error.
    ///
    /// ## References
    /// - CWE-78: Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')
    /// - OWASP Top 10 for LLM Applications: LLM05 Improper Output Handling, LLM06 Excessive Agency
    /// - Python documentation, `subprocess`: "Security Considerations"
    /// - Node.js documentation, `child_process.exec`: "Never pass unsanitized user input to this function."
    pub struct ShellCommandInjection {
        code: "AL201",
        name: "shell-command-injection",
        summary: "A command line that is not a constant is run by a shell (shell=True, os.system, exec)",
        severity: Warning,
        needs: [SinkCalls, Flows],
    }
}

impl Rule for ShellCommandInjection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let family = ctx.language.family();
        let locator = ctx.locator();
        // Each call's first sink that starts a process.
        let mut last = None;
        for &(index, sink) in ctx.sink_calls() {
            if sink.effect != Effect::Process || last == Some(index) {
                continue;
            }
            last = Some(index);
            let Some(call) = ctx.facts.calls.get(index) else {
                continue;
            };
            let command = Command::of(
                call,
                sink,
                ctx.source,
                locator,
                ctx.facts,
                family,
                ctx.knowledge,
            );
            let Some(shell) = &command.shell else {
                continue;
            };
            let dynamic: Vec<Node<'_>> = shell
                .payload
                .iter()
                .copied()
                .filter(|node| {
                    constant_word(*node, ctx.source, ctx.facts, locator).is_none()
                        && !ctx.facts.is_constant_node(*node, ctx.source, family)
                        && !is_named_constant(ctx, *node)
                        && !is_class_constant(ctx, *node)
                })
                .collect();
            if dynamic.is_empty() {
                continue;
            }
            let taint = dynamic
                .iter()
                .find_map(|node| taint(ctx, locator, call, *node));
            out.push(diagnostic(
                ctx, locator, call, sink, &command, shell, &dynamic, taint,
            ));
        }
    }
}

/// `self.command` where the class sets `command = "/bin/bash"` in its body and no method assigns
/// it: a constant of the class.
fn is_class_constant(ctx: &Context<'_>, node: Node<'_>) -> bool {
    if node.kind() != "attribute" && node.kind() != "member_expression" {
        return false;
    }
    let (Some(object), Some(attribute)) = (
        node.field("object"),
        node.field("attribute").or_else(|| node.field("property")),
    ) else {
        return false;
    };
    let object = node_text(object, ctx.source);
    if !matches!(object, "self" | "cls" | "this") {
        return false;
    }
    let name = node_text(attribute, ctx.source);
    let Some(class) = ctx
        .facts
        .classes
        .iter()
        .filter(|c| c.range.contains(&node.start_byte()))
        .min_by_key(|c| c.range.len())
    else {
        return false;
    };
    let Some(value) = class
        .attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.clone())
    else {
        return false;
    };
    let assigned = ctx.facts.attribute_assignments.iter().any(|a| {
        a.attribute == name
            && matches!(a.object.as_str(), "self" | "cls" | "this")
            && class.range.contains(&a.range.start)
    });
    !assigned
        && ctx
            .locator()
            .descendant(value.start, value.end)
            .is_some_and(|v| {
                ctx.facts
                    .is_constant_node(v, ctx.source, ctx.language.family())
            })
}

/// A name written as a constant (`READ_SCRIPT`, imported or built at module level): a script
/// the program ships, not data. Parameters of the enclosing function are not.
fn is_named_constant(ctx: &Context<'_>, node: Node<'_>) -> bool {
    let name = node_text(node, ctx.source).trim_start_matches('_');
    let looks_constant = node.kind() == "identifier"
        && name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    looks_constant
        && !ctx
            .facts
            .enclosing_function(node.start_byte())
            .is_some_and(|f| {
                ctx.facts.functions[f]
                    .parameters
                    .iter()
                    .any(|p| p.name == node_text(node, ctx.source))
            })
}

/// Why a shell reads the command, for messages: "through a shell (`shell=True`)".
fn through(ctx: &Context<'_>, shell: &ShellVia<'_>) -> String {
    match &shell.reason {
        ShellReason::Always => "through a shell".to_string(),
        ShellReason::Option(value) => {
            let value = node_text(*value, ctx.source);
            let value = excerpt(value, 10);
            match ctx.language.family() {
                Family::Python => format!("through a shell (`shell={value}`)"),
                Family::JavaScript => format!("through a shell (`shell: {value}`)"),
            }
        }
        ShellReason::Program(program) => format!("as a `{program}` command line"),
        ShellReason::Raw => "as raw shell text (`{ raw: ... }` is not quoted)".to_string(),
    }
}

/// The edit that removes `import {module}` (a statement of the module alone, at the top level)
/// when nothing but the code at `replaced` refers to `module`.
fn unused_import(
    ctx: &Context<'_>,
    module: &str,
    replaced: &std::ops::Range<usize>,
) -> Option<Edit> {
    let root = ctx.tree.root_node();
    let mut cursor = root.walk();
    let statement = root.named_children(&mut cursor).find(|s| {
        s.kind() == "import_statement"
            && s.named_child_count() == 1
            && s.named_child(0)
                .is_some_and(|n| n.kind() == "dotted_name" && node_text(n, ctx.source) == module)
    })?;
    let elsewhere = ctx.locator().leaves_named(ctx.source, module).any(|n| {
        n.kind() == "identifier"
            && !(replaced.start <= n.start_byte() && n.end_byte() <= replaced.end)
            && !(statement.start_byte() <= n.start_byte() && n.end_byte() <= statement.end_byte())
    });
    if elsewhere {
        return None;
    }
    let start = statement.start_byte();
    let end = ctx.source[statement.end_byte()..]
        .find('\n')
        .map_or(ctx.source.len(), |i| statement.end_byte() + i + 1);
    Some(Edit::replace(start..end, ""))
}

#[allow(clippy::too_many_arguments)]
fn diagnostic(
    ctx: &Context<'_>,
    locator: &Locator<'_>,
    call: &Call,
    sink: &Sink,
    command: &Command<'_>,
    shell: &ShellVia<'_>,
    dynamic: &[Node<'_>],
    taint: Option<Taint>,
) -> Diagnostic {
    let callee = code_span(&excerpt(&ctx.source[call.callee_range.clone()], 40));
    let payload = code_span(&excerpt(node_text(dynamic[0], ctx.source), 40));
    let through = through(ctx, shell);
    let advice = match ctx.language.family() {
        Family::Python => {
            "Pass the program and its arguments as a list, without a shell, with `--` before \
             arguments that are data (`subprocess.run([\"grep\", \"--\", query])`)."
        }
        Family::JavaScript => {
            "Pass the program and its arguments as an array, without a shell, with `--` before \
             arguments that are data (`execFile(\"git\", [\"log\", \"--\", path])`)."
        }
    };
    let metacharacters = "a `;`, `|`, `$(…)` or backtick in it runs any other command";
    let (message, note, severity) = match &taint {
        None => (
            format!("{callee} runs a command line that is not a constant {through}"),
            format!(
                "The command is {payload}: if any part of it comes from the model, a tool \
                 argument or a user, {metacharacters} with this process's permissions."
            ),
            // A test's or a maintainer script's own command, or one in a file that has nothing
            // to do with a model: nothing shows the model or a tool argument reaching it.
            if ctx.test_file || ctx.maintainer_file || far_from_the_model(ctx) {
                Severity::Hint
            } else {
                ShellCommandInjection::META.default_severity
            },
        ),
        Some(Taint::Parameter { tool, name }) => (
            format!(
                "{callee} runs a command line with {}, an argument of {tool}, {through}",
                code_span(&excerpt(name, 30))
            ),
            if ctx.test_file {
                format!(
                    "The command is {payload}, and the model fills in `{name}`. {tool} is a \
                     test's own tool: it ships with nothing, and the test chooses what the model \
                     is asked; never copy it into the project as it is."
                )
            } else {
                format!(
                    "The command is {payload}, and the model fills in `{name}`: \
                     {metacharacters} the model (or whoever steers it with a prompt injection) \
                     chooses, with this process's permissions."
                )
            },
            // A tool a test defines is the test's fixture.
            if ctx.test_file {
                Severity::Hint
            } else {
                Severity::Error
            },
        ),
        Some(Taint::ModelOutput(read)) => (
            format!("{callee} runs the model's reply as a command line {through}"),
            format!(
                "The command is {payload}, from the reply (`{read}`): {metacharacters} the model \
                 (or whoever steers it with a prompt injection) chooses, with this process's \
                 permissions."
            ),
            Severity::Error,
        ),
    };
    let mut diagnostic = Diagnostic::new(
        &ShellCommandInjection::META,
        call.callee_range.clone(),
        message,
    )
    .with_note(note)
    .with_help(advice)
    .with_fix(fix(
        ctx,
        locator,
        call,
        sink,
        command,
        shell,
        taint.is_some(),
    ));
    diagnostic.severity = severity;
    diagnostic
}

/// Whether nothing in the file brings a model near its commands: it declares no tool, sends
/// nothing of its users' to a model provider, and reads no model reply. Its shell commands are
/// a command-line program's own (a path it made, a choice from its menu, the user's own last
/// command), which general linters report; a tool elsewhere that reaches them through a helper
/// is reported there (AL202, AL103). On the public agent repositories measured, each of the
/// warnings in such files was of that kind.
fn far_from_the_model(ctx: &Context<'_>) -> bool {
    ctx.tools.is_empty()
        && ctx.flows.is_empty()
        && !ctx
            .knowledge
            .model_outputs
            .get(&ctx.language.family())
            .is_some_and(|outputs| outputs.iter().any(|p| p.find(ctx.source).is_some()))
}

/// The argument-list rewrite, where there is one.
fn fix(
    ctx: &Context<'_>,
    locator: &Locator<'_>,
    call: &Call,
    sink: &Sink,
    command: &Command<'_>,
    shell: &ShellVia<'_>,
    tainted: bool,
) -> Option<Fix> {
    // The command where the call writes it (a rewrite of an assignment elsewhere could change
    // other uses of the name).
    let argument = command.argument?;
    match (ctx.language.family(), &shell.reason) {
        (Family::Python, ShellReason::Option(value)) => {
            if matches!(argument.kind(), "list" | "tuple") {
                return None;
            }
            let mut edits = Vec::new();
            let list = python_list(ctx, argument, &mut edits, tainted)?;
            // The `shell=True` keyword argument, with its comma.
            let keyword = locator.parent(*value)?;
            edits.push(Edit::replace(node_range(argument), list));
            edits.push(Edit::replace(remove_argument(keyword, ctx.source)?, ""));
            Some(Fix::new(
                "Pass the command as an argument list, without a shell",
                Applicability::Unsafe,
                merge_inserts(edits),
            ))
        }
        (Family::Python, ShellReason::Always) => match sink.call.as_str() {
            "os.system" => {
                // The one argument is the command (`os.system(command)`).
                if call.arguments.len() != 1 {
                    return None;
                }
                let mut edits = Vec::new();
                let list = python_list(ctx, argument, &mut edits, tainted)?;
                let (run, import) = ctx.python_reference("subprocess", "run");
                edits.extend(import);
                let call_node = locator.node_at(&call.range)?;
                let used = locator
                    .parent(call_node)
                    .is_some_and(|p| p.kind() != "expression_statement");
                let suffix = if used { ".returncode" } else { "" };
                edits.push(Edit::replace(
                    call.range.clone(),
                    format!("{run}({list}, check=False){suffix}"),
                ));
                // `import os` that only this call used would be left unused.
                let module = ctx.source[call.callee_range.clone()]
                    .split('.')
                    .next()
                    .unwrap_or_default();
                edits.extend(unused_import(ctx, module, &call.range));
                Some(Fix::new(
                    "Run it with `subprocess.run` and an argument list, without a shell",
                    Applicability::Unsafe,
                    merge_inserts(edits),
                ))
            }
            "asyncio.create_subprocess_shell" => {
                let mut edits = Vec::new();
                let list = python_list(ctx, argument, &mut edits, tainted)?;
                let (exec, import) = ctx.python_reference("asyncio", "create_subprocess_exec");
                edits.extend(import);
                edits.push(Edit::replace(call.callee_range.clone(), exec));
                // The words as arguments: `"du", "-sh", folder`, or `*shlex.split(cmd)`.
                let words = match list.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    Some(words) => words.to_string(),
                    None => format!("*{list}"),
                };
                edits.push(Edit::replace(node_range(argument), words));
                Some(Fix::new(
                    "Use `create_subprocess_exec` with an argument list, without a shell",
                    Applicability::Unsafe,
                    merge_inserts(edits),
                ))
            }
            _ => None,
        },
        (Family::JavaScript, ShellReason::Always) => {
            let replacement = match sink.call.as_str() {
                "child_process.exec" => "execFile",
                "child_process.execSync" => "execFileSync",
                _ => return None,
            };
            let mut words =
                argument_list(argument, ctx.source, Family::JavaScript, ctx.facts, true)?
                    .into_iter();
            let program = words.next()?;
            let rest: Vec<String> = words.collect();
            let mut edits = javascript_callee(ctx, locator, call, replacement)?;
            edits.push(Edit::replace(
                node_range(argument),
                format!("{program}, [{}]", rest.join(", ")),
            ));
            Some(Fix::new(
                format!("Use `{replacement}` with an argument array, without a shell"),
                Applicability::Unsafe,
                edits,
            ))
        }
        _ => None,
    }
}

/// The command as a Python list literal; a command held in a name or other expression becomes
/// `shlex.split(...)` (its import added to `edits`), but not when the model chooses it: without
/// a shell it would still choose the program.
fn python_list(
    ctx: &Context<'_>,
    argument: Node<'_>,
    edits: &mut Vec<Edit>,
    tainted: bool,
) -> Option<String> {
    if let Some(words) = argument_list(argument, ctx.source, Family::Python, ctx.facts, false) {
        // One word that is a whole expression (`cmd`): the shell used to split it.
        let single_expression = words.len() == 1
            && !matches!(
                argument.kind(),
                "string" | "binary_operator" | "concatenated_string"
            );
        if !single_expression {
            return Some(format!("[{}]", words.join(", ")));
        }
    }
    if tainted
        || matches!(
            argument.kind(),
            "string" | "binary_operator" | "concatenated_string"
        )
    {
        return None;
    }
    let (split, import) = ctx.python_reference("shlex", "split");
    edits.extend(import);
    Some(format!("{split}({})", node_text(argument, ctx.source)))
}

/// Two imports added at the same place become one edit (edits of a fix must not overlap).
fn merge_inserts(edits: Vec<Edit>) -> Vec<Edit> {
    let mut merged: Vec<Edit> = Vec::new();
    for edit in edits {
        if edit.range.is_empty()
            && let Some(same) = merged
                .iter_mut()
                .find(|e| e.range.is_empty() && e.range.start == edit.range.start)
        {
            same.new_text.push_str(&edit.new_text);
            continue;
        }
        merged.push(edit);
    }
    merged
}

/// Edits that make the callee `replacement` of the same module: the member renamed
/// (`cp.exec` → `cp.execFile`), or the name imported next to the one used.
fn javascript_callee(
    ctx: &Context<'_>,
    locator: &Locator<'_>,
    call: &Call,
    replacement: &str,
) -> Option<Vec<Edit>> {
    let callee = locator.node_at(&call.callee_range)?;
    if callee.kind() == "member_expression" {
        let property = callee.field("property")?;
        return Some(vec![Edit::replace(node_range(property), replacement)]);
    }
    if callee.kind() != "identifier" {
        return None;
    }
    let qualified = format!("child_process.{replacement}");
    if let Some(local) = ctx.facts.bindings.names_importing(&qualified).min() {
        return Some(vec![Edit::replace(call.callee_range.clone(), local)]);
    }
    // The name must be free.
    if !ctx.facts.bindings.of(replacement).is_empty() {
        return None;
    }
    let local = node_text(callee, ctx.source);
    let imported = call.resolved.as_deref()?.rsplit('.').next()?;
    // The specifier that binds the name: `{ exec }`, `{ exec as run }`, `{ exec: run }`. Its
    // last word is the local name: found from the name's occurrences (walking a large file's
    // every node for each finding cost tens of milliseconds a keystroke).
    let specifier = locator.leaves_named(ctx.source, local).find_map(|leaf| {
        if leaf.kind() == "shorthand_property_identifier_pattern" {
            return (local == imported).then_some(leaf);
        }
        let n = leaf.parent()?;
        let text = node_text(n, ctx.source);
        (matches!(n.kind(), "import_specifier" | "pair_pattern")
            && text.starts_with(imported)
            && text.ends_with(local)
            && n.parent()
                .is_some_and(|p| matches!(p.kind(), "named_imports" | "object_pattern")))
        .then_some(n)
    })?;
    // When this call is the name's only use, the import is replaced rather than extended (an
    // unused import is a lint error of its own in many projects).
    let uses = locator
        .leaves_named(ctx.source, local)
        .filter(|n| {
            matches!(
                n.kind(),
                "identifier"
                    | "shorthand_property_identifier_pattern"
                    | "shorthand_property_identifier"
            )
        })
        .count();
    let specifier_edit = if uses == 2 && local == imported {
        Edit::replace(node_range(specifier), replacement)
    } else {
        Edit::insert(specifier.end_byte(), format!(", {replacement}"))
    };
    Some(vec![
        specifier_edit,
        Edit::replace(call.callee_range.clone(), replacement),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::{Knowledge, ShellUse};

    #[test]
    fn shells_are_data() {
        let knowledge = Knowledge::builtin();
        assert!(knowledge.shell("/bin/bash").is_some());
        assert!(knowledge.shell("cmd.exe").is_some());
        assert!(knowledge.shell("git").is_none());
        assert!(
            knowledge
                .sinks_for(Family::Python, "os.system")
                .any(|s| s.shell == Some(ShellUse::Always))
        );
    }
}
