//! The command line: `agentlint check`, `agentlint rule`, `agentlint server`.

pub mod check;
pub mod index;
pub mod inventory;
pub mod rule;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Finds security and privacy defects in AI-agent projects (Python, TypeScript, JavaScript):
/// tools whose descriptions lie, unsandboxed code execution, leaked keys, missing privacy notices.
#[derive(Debug, Parser)]
#[command(name = "agentlint", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse files and directories and report findings (exit 0: none, 1: findings, 2: error).
    Check(CheckArgs),
    /// List the rules, or print one rule's documentation.
    Rule(RuleArgs),
    /// List the model-callable tools in files and directories, with exactly what the model is
    /// told about each.
    Inventory(InventoryArgs),
    /// Run the language server over standard input and output.
    Server(ServerArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, with the source line and a caret, why it matters and how to fix it.
    Text,
    /// One line a finding: `path:line:column: severity[CODE] message`.
    Concise,
    /// One JSON object: {"version": 1, "diagnostics": [...]}.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
    Sarif,
}

#[derive(Clone, Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to analyse. A directory is a project root: its configuration is
    /// resolved from it. [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Only these rules (codes, prefixes such as AL2, or names; comma-separated). Replaces the
    /// configuration's `select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Skip these rules (comma-separated). Added to the configuration's `ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Option<Vec<String>>,
    /// Apply safe fixes in place, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix, also apply unsafe fixes (they change behaviour: review the result).
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// Use this configuration file instead of discovering agentlint.toml / pyproject.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not print the summary lines (text and concise formats).
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// Files or directories. [default: .]
    pub paths: Vec<PathBuf>,
    /// `text`, or `json` for tools that read it.
    #[arg(long, value_enum, default_value_t = InventoryFormat::Text)]
    pub format: InventoryFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (AL203) or name (dynamic-code-execution). Without it, lists every rule.
    pub rule: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Communicate over stdio (the only transport; accepted because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}
