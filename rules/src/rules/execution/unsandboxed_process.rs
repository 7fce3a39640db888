use tree_sitter::Node;

use crate::agent::Tool;
use crate::agent::capabilities::ProcessUse;
use crate::agent::command::Command;
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::facts::ValueKind;
use crate::fix::{Applicability, Edit, Fix};
use crate::knowledge::{Effect, ShellUse};
use crate::rules::description::{evidence_text, related, tool_label};
use crate::rules::{Context, Rule, RuleMeta, code_span, declare_rule, excerpt};
use crate::syntax::{Family, LineIndex, Locator, node_text};

declare_rule! {
    /// ## What it does
    /// Finds processes started by a tool's code (the tool's function, or any function of the
    /// project it calls, however indirectly, in the same file or in another) that do not go
    /// through a sandbox. A command that starts with a sandbox program (bubblewrap `bwrap`,
    /// `firejail`, `nsjail`, gVisor `runsc`, `minijail0`, `docker run` / `exec`, `podman run`),
    /// a function that runs elsewhere (a Modal `@app.function()`), and sandbox services (E2B,
    /// Daytona, the Docker SDK, Vercel Sandbox, whose calls are not processes of this machine)
    /// are recognised; they are data (`rules/data/sandboxes.toml`), and a project's own wrapper
    /// is added with config (`[sandbox] command = [...]`).
    ///
    /// A **warning** when any part of the command is not a constant (the model can choose what
    /// runs), a **hint** when it is all constant (the model chooses only when it runs).
    /// Processes outside tools are not reported.
    ///
    /// ## Why is this bad?
    /// A tool runs when the model decides, with arguments the model chooses, and the model
    /// follows instructions from whatever text it reads (prompt injection). A process it
    /// starts runs with the agent's permissions: it can read every file and key this user can,
    /// write anywhere, and reach the network. Even a fixed program is steered by its arguments
    /// and input (`git` runs hooks and aliases from the repository it is pointed at, `find` has
    /// `-exec`, `tar` has `--to-command`). A sandbox bounds what a compromised run can do.
    ///
    /// ## Example
    /// ```python
    /// @tool
    /// def run_tests(path: str) -> str:
    ///     """Run the project's tests in a subprocess and return the output."""
    ///     return subprocess.run(["pytest", path], capture_output=True, text=True).stdout
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// @tool
    /// def run_tests(path: str) -> str:
    ///     """Run the project's tests in a sandboxed subprocess and return the output."""
    ///     return subprocess.run(
    ///         ["bwrap", "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "--",
    ///          "pytest", path],
    ///         capture_output=True, text=True,
    ///     ).stdout
    /// ```
    /// Or run the command in a container or a sandbox service (E2B, Modal, Daytona, Vercel
    /// Sandbox).
    ///
    /// ## Fix safety
    /// When the project configures its sandbox command (`[sandbox] command = ["bwrap", ...]` in
    /// `agentlint.toml`, or `[tool.agentlint.sandbox]` in `pyproject.toml`), agentlint offers to
    /// put it in front of the command, for a Python argument list and for Node's `spawn`,
    /// `spawnSync`, `execFile` and `execFileSync`. The fix is **unsafe**: the program then sees
    /// only what the sandbox lets it see, which may break it. A suppression
    /// (`# agentlint: ignore[AL202] reason`) is offered for every finding.
    ///
    /// ## References
    /// - CWE-250: Execution with Unnecessary Privileges
    /// - CWE-653: Improper Isolation or Compartmentalization
    /// - OWASP Top 10 for LLM Applications: LLM06 Excessive Agency
    pub struct UnsandboxedProcess {
        code: "AL202",
        name: "unsandboxed-process-in-tool",
        summary: "A tool's code starts a process that no sandbox confines",
        severity: Warning,
    }
}

impl Rule for UnsandboxedProcess {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let locator = ctx.locator();
        let index = ctx.lines();
        let mut reported: Vec<usize> = Vec::new();
        for tool in ctx.tools {
            for process in &tool.processes {
                if reported.contains(&process.call) {
                    continue;
                }
                reported.push(process.call);
                if let Some(diagnostic) = diagnostic(ctx, locator, index, tool, process) {
                    out.push(diagnostic);
                }
            }
        }
    }
}

/// The sandboxes a family can use, for advice: "bubblewrap, Firejail, ...".
fn sandboxes(ctx: &Context<'_>) -> String {
    let family = ctx.language.family();
    let names: Vec<&str> = ctx
        .knowledge
        .sandboxes
        .iter()
        .filter(|s| s.family.is_none_or(|f| f == family))
        .map(|s| s.name.as_str())
        .collect();
    names.join(", ")
}

/// "in the code of `x`", or "in code that `x` reaches".
fn reached(tool: &Tool, process: &ProcessUse) -> String {
    let label = tool_label(tool);
    match process.via.as_slice() {
        [] => format!("in the code of {label}"),
        _ => format!("in code that {label} reaches"),
    }
}

/// " (through `helper` (line 12), then …)" when the process is in code the tool reaches, else
/// nothing.
fn chain(process: &ProcessUse, index: &LineIndex) -> String {
    match process.via.as_slice() {
        [] => String::new(),
        via => {
            let chain: Vec<String> = via
                .iter()
                .map(|hop| {
                    format!(
                        "`{}` (line {})",
                        hop.callee,
                        index.line_of(hop.range.start) + 1
                    )
                })
                .collect();
            format!(" (reached through {})", chain.join(", then "))
        }
    }
}

fn diagnostic(
    ctx: &Context<'_>,
    locator: &Locator<'_>,
    index: &LineIndex,
    tool: &Tool,
    process: &ProcessUse,
) -> Option<Diagnostic> {
    let call = ctx.facts.calls.get(process.call)?;
    let family = ctx.language.family();
    let callee = code_span(&excerpt(&ctx.source[call.callee_range.clone()], 40));
    let where_ = reached(tool, process);
    let chain = chain(process, index);
    let advice = format!(
        "Run it in a sandbox ({}), or configure your own wrapper (`[sandbox] command = [...]` in \
         agentlint.toml).",
        sandboxes(ctx)
    );
    let (message, note, severity, fix, related_places) = match &process.imported {
        None => {
            let sink = ctx
                .knowledge
                .sinks_for(family, call.resolved.as_deref()?)
                .find(|s| s.effect == Effect::Process)?;
            let command = Command::of(
                call,
                sink,
                ctx.source,
                locator,
                ctx.facts,
                family,
                ctx.knowledge,
            );
            // The command as written: from its argument to its last word (`"git", ["log", n]`).
            let shown = command
                .argument
                .map(|a| {
                    let end = command
                        .argv
                        .iter()
                        .map(|w| w.end_byte())
                        .filter(|end| *end <= call.range.end)
                        .chain([a.end_byte()])
                        .max()
                        .unwrap_or(a.end_byte());
                    // Up to the end of the argument the last word is in (a list, an options
                    // object).
                    let end = call
                        .arguments
                        .iter()
                        .find(|arg| arg.range.start < end && end <= arg.range.end)
                        .map_or(end, |arg| arg.range.end);
                    code_span(&excerpt(&ctx.source[a.start_byte()..end], 40))
                })
                .unwrap_or_else(|| "a command".to_string());
            let constant = command.is_constant(ctx.source, ctx.facts, locator, family);
            if constant {
                (
                    format!("{callee} starts a process {where_}, outside any sandbox"),
                    format!(
                        "The command{chain} is {shown}, a constant: the model decides only when \
                         it runs, but the process has all of this agent's permissions, and what \
                         it reads (a repository, a file) can steer it."
                    ),
                    Severity::Hint,
                    wrap_fix(ctx, sink.shell, &command),
                    Vec::new(),
                )
            } else {
                (
                    format!("{callee} starts a process {where_}, outside any sandbox"),
                    format!(
                        "The command{chain} is {shown}, and the model chooses part of it: \
                         whoever steers the model (a prompt injection in what it reads) can use \
                         the process to read your files and keys, change them or reach the \
                         network with this agent's permissions."
                    ),
                    Severity::Warning,
                    wrap_fix(ctx, sink.shell, &command),
                    Vec::new(),
                )
            }
        }
        Some(evidence) => {
            let dynamic = call
                .arguments
                .iter()
                .any(|a| a.value != ValueKind::Constant);
            let what = evidence_text(evidence, index);
            let severity = if dynamic {
                Severity::Warning
            } else {
                Severity::Hint
            };
            (
                format!("{callee} starts a process {where_}, outside any sandbox"),
                format!(
                    "It starts one through {what}{chain}: the process has all of this agent's \
                     permissions{steer}.",
                    steer = if dynamic {
                        ", and the model chooses what this call passes to it"
                    } else {
                        ""
                    }
                ),
                severity,
                None,
                related(evidence, Effect::Process),
            )
        }
    };
    let mut diagnostic = Diagnostic::new(
        &UnsandboxedProcess::META,
        call.callee_range.clone(),
        message,
    )
    .with_note(note)
    .with_help(advice)
    .with_fix(fix);
    diagnostic.severity = severity;
    diagnostic.related = related_places;
    for hop in process.via.iter().rev() {
        diagnostic.related.push(Related {
            range: hop.range.clone(),
            message: format!("{} calls `{}` here", tool_label(tool), hop.callee),
            place: None,
        });
    }
    Some(diagnostic)
}

/// A string as a literal in either language, when it needs no escaping.
fn quoted(word: &str) -> Option<String> {
    (!word.contains(['"', '\\', '`', '$']) && !word.chars().any(char::is_control))
        .then(|| format!("\"{word}\""))
}

/// Puts the configured sandbox command in front of the process's command.
fn wrap_fix(ctx: &Context<'_>, shell: Option<ShellUse>, command: &Command<'_>) -> Option<Fix> {
    let prefix = ctx.knowledge.sandbox_command.as_ref()?;
    let words: Vec<String> = prefix.iter().map(|w| quoted(w)).collect::<Option<_>>()?;
    let argument = command.argument?;
    if !(command.value? == argument) {
        return None;
    }
    let title = format!("Run it in the configured sandbox (`{}`)", prefix.join(" "));
    let edits = match (ctx.language.family(), argument.kind()) {
        (Family::Python, "list") => {
            vec![Edit::insert(
                argument.start_byte() + 1,
                format!("{}, ", words.join(", ")),
            )]
        }
        (Family::JavaScript, _) if shell == Some(ShellUse::Option) && command.shell.is_none() => {
            let (first, rest) = words.split_first()?;
            let program = node_text(argument, ctx.source);
            let array: Option<Node<'_>> = argument
                .next_named_sibling()
                .filter(|n| n.kind() != "comment");
            match array {
                Some(array) if array.kind() == "array" => vec![
                    Edit::replace(argument.start_byte()..argument.end_byte(), first.clone()),
                    Edit::insert(
                        array.start_byte() + 1,
                        format!(
                            "{}{}, ",
                            rest.iter().map(|w| format!("{w}, ")).collect::<String>(),
                            program
                        ),
                    ),
                ],
                Some(array) if array.kind() != "object" => return None,
                _ => vec![Edit::replace(
                    argument.start_byte()..argument.end_byte(),
                    format!(
                        "{first}, [{}{program}]",
                        rest.iter().map(|w| format!("{w}, ")).collect::<String>()
                    ),
                )],
            }
        }
        _ => return None,
    };
    Some(Fix::new(title, Applicability::Unsafe, edits))
}
