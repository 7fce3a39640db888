use std::process::ExitCode;

use agentlint::cli::{Cli, Command};
use clap::Parser;

/// mimalloc, also behind `malloc` for tree-sitter (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => {
            init_logging("warn");
            agentlint::cli::check::run(&args)
        }
        Command::Rule(args) => agentlint::cli::rule::run(args.rule.as_deref()),
        Command::Inventory(args) => {
            init_logging("warn");
            agentlint::cli::inventory::run(&args)
        }
        Command::Server(_) => {
            // stdout is the protocol channel: logs go to stderr (editors show it as the server log).
            init_logging("info");
            match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => {
                    runtime.block_on(agentlint::lsp::run_stdio());
                    // The input thread may still be blocked reading stdin; do not wait for it.
                    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot start the async runtime: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// Logs to stderr, filtered by `AGENTLINT_LOG` (e.g. `AGENTLINT_LOG=debug`).
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AGENTLINT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
