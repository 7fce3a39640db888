//! AL2xx: process and code execution.

mod dynamic_code_execution;

pub use dynamic_code_execution::DynamicCodeExecution;
