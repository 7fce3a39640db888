//! What rules report.

use std::fmt;
use std::ops::Range;

use crate::fix::Fix;
use crate::rules::RuleMeta;

/// How serious a finding is. Ordered from most to least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Hint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|sev| sev.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place that explains a finding (where a value came from, what calls what): in the same
/// file, or, with `place`, in another file of the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: Range<usize>,
    pub message: String,
    pub place: Option<std::sync::Arc<crate::summary::Place>>,
}

/// One finding. Ranges are UTF-8 byte offsets into the analysed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub range: Range<usize>,
    /// A complete sentence or two: what is wrong, why it matters, what to do.
    pub message: String,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity,
            range,
            message: message.into(),
            fix: None,
            related: Vec::new(),
        }
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }
}
