//! agentlint's analysis: parsing, per-file facts, knowledge tables and rules.
//!
//! This crate is a pure library: text in, diagnostics out. It knows nothing of LSP, JSON-RPC or
//! the file system (files are read by the binary), so everything here is testable in-process.

pub mod agent;
pub mod analysis;
pub mod cache;
pub mod config_files;
pub mod diagnostic;
pub mod facts;
pub mod fix;
pub mod knowledge;
mod memo;
mod notebook;
pub mod pattern;
pub mod privacy;
mod python_stdlib;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod summary;
pub mod suppress;
pub mod syntax;

pub use analysis::{
    Analysis, Failure, PARSE_STAGE, SourceFile, analyse, analyse_cached, analyse_extracted,
    analyse_text, analyse_with_rules,
};
pub use cache::AnalysisCache;
pub use config_files::{ConfigFile, ConfigKind, analyse_config};
pub use diagnostic::{Diagnostic, Place, Related, Severity};
pub use facts::FactsCache;
pub use fix::{
    Applicability, Applied, Edit, FileChange, Fix, LineKind, apply_fixes, compatible_fixes,
};
pub use knowledge::Knowledge;
pub use rules::{Input, Rule, RuleMeta};
pub use settings::{Selector, Settings};
pub use summary::{FileSummary, Summaries};
pub use syntax::{Document, Language, LineIndex, Position, PositionEncoding};
