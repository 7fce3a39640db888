use std::process::ExitCode;

use agentlint::cli::{Cli, Command};
use clap::Parser;

/// mimalloc, also behind `malloc` for tree-sitter (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A panic's message may quote the text it was working on (a key among it): the default hook
    // would print it whole. The analysis catches rule panics and reports them with the secrets
    // cut out; this prints only where it happened.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("agentlint: internal error{at} (please report this)");
    }));
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

/// Logs to stderr, filtered by `AGENTLINT_LOG` (e.g. `AGENTLINT_LOG=debug`). At no level does a
/// log hold the text of the user's files: tower-lsp-server's trace of every JSON-RPC message (an
/// opened document's text, with any key in it) is left out.
fn init_logging(default: &str) {
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = tracing_subscriber::EnvFilter::try_from_env("AGENTLINT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let no_message_bodies = tracing_subscriber::filter::filter_fn(|meta| {
        !(*meta.level() == tracing::Level::TRACE && meta.target().starts_with("tower_lsp_server"))
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_filter(filter)
        .with_filter(no_message_bodies);
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
