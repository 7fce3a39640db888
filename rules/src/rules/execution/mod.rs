//! AL2xx: process and code execution.

mod dynamic_code_execution;
mod rewrite;
mod shell_command_injection;
mod taint;
mod unsandboxed_process;

pub use dynamic_code_execution::DynamicCodeExecution;
pub use shell_command_injection::ShellCommandInjection;
pub use unsandboxed_process::UnsandboxedProcess;
