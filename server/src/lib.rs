//! agentlint, the binary: command line, language server, configuration and output formats.
//! The analysis itself lives in `agentlint-rules`.

pub mod changes;
pub mod cli;
pub mod config;
pub mod files;
pub mod lsp;
pub mod output;
pub mod privacy;
