//! Which rules run and at what severity. Built by the binary from config files and editor
//! settings; the rules crate only evaluates it.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;
use crate::rules::{CATALOGUE, RuleMeta};

/// Selects rules: `ALL`, a code or code prefix (`AL2`, `AL203`), or a rule name
/// (`dynamic-code-execution`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Selector {
    All,
    Prefix(String),
    Name(String),
}

/// A selector that names no rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown rule selector `{0}`: use ALL, a code such as AL203, a prefix such as AL2, or a rule name such as dynamic-code-execution"
)]
pub struct UnknownSelector(pub String);

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, UnknownSelector> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("ALL") {
            return Ok(Selector::All);
        }
        let upper = text.to_ascii_uppercase();
        if upper.len() >= 2 && CATALOGUE.iter().any(|(code, _)| code.starts_with(&upper)) {
            return Ok(Selector::Prefix(upper));
        }
        if CATALOGUE.iter().any(|(_, name)| *name == text) {
            return Ok(Selector::Name(text.to_string()));
        }
        Err(UnknownSelector(text.to_string()))
    }

    pub fn matches(&self, rule: &RuleMeta) -> bool {
        match self {
            Selector::All => true,
            Selector::Prefix(prefix) => rule.code.starts_with(prefix.as_str()),
            Selector::Name(name) => rule.name == name,
        }
    }

    /// How precisely the selector names a rule; the most specific matching selector wins when
    /// `select` and `ignore` disagree (`select = ["AL203"]`, `ignore = ["AL2"]` keeps AL203).
    fn specificity(&self) -> usize {
        match self {
            Selector::All => 0,
            Selector::Prefix(p) => p.len(),
            Selector::Name(_) => usize::MAX,
        }
    }
}

/// Rule selection and severity overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub severity: BTreeMap<String, Severity>,
    /// The file is a test (the configuration's test files): code it runs or executes that
    /// nothing shows the model or a tool argument reaching is the test's own (a hint, not a
    /// warning).
    pub test_file: bool,
    /// The file is maintainers' tooling (CI scripts, evaluations, benchmarks): commands and code it
    /// runs that nothing shows the model or a tool argument reaching are the maintainers' own (a
    /// hint, not a warning).
    pub maintainer_file: bool,
    /// The file is an example or a demo (the configuration's example files): one that serves
    /// nobody (no web route, chat UI or bot) has no flow of its users' data (AL401–AL402).
    pub example_file: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            select: vec![Selector::All],
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            test_file: false,
            maintainer_file: false,
            example_file: false,
        }
    }
}

impl Settings {
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        let best = |selectors: &[Selector]| {
            selectors
                .iter()
                .filter(|s| s.matches(rule))
                .map(Selector::specificity)
                .max()
        };
        match (best(&self.select), best(&self.ignore)) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(selected), Some(ignored)) => selected > ignored,
        }
    }

    /// The severity to report a rule's findings at: an override by code or name, else the
    /// severity the rule chose.
    pub fn severity_of(&self, rule: &RuleMeta, reported: Severity) -> Severity {
        self.severity
            .get(rule.code)
            .or_else(|| self.severity.get(rule.name))
            .copied()
            .unwrap_or(reported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::execution::DynamicCodeExecution;

    fn selectors(list: &[&str]) -> Vec<Selector> {
        list.iter()
            .map(|s| Selector::parse(s).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    }

    #[test]
    fn selection_by_code_prefix_and_name() {
        let rule = &DynamicCodeExecution::META;
        let settings = |select: &[&str], ignore: &[&str]| Settings {
            select: selectors(select),
            ignore: selectors(ignore),
            ..Settings::default()
        };
        assert!(Settings::default().is_enabled(rule));
        assert!(settings(&["AL2"], &[]).is_enabled(rule));
        assert!(!settings(&["AL1"], &[]).is_enabled(rule));
        assert!(!settings(&["ALL"], &["dynamic-code-execution"]).is_enabled(rule));
        assert!(settings(&["AL203"], &["AL2"]).is_enabled(rule));
        assert!(!settings(&["AL2"], &["al203"]).is_enabled(rule));
    }

    #[test]
    fn unknown_selectors_are_rejected_but_planned_codes_are_accepted() {
        assert!(Selector::parse("AL999").is_err());
        assert!(Selector::parse("E501").is_err());
        assert_eq!(
            Selector::parse("AL301"),
            Ok(Selector::Prefix("AL301".into()))
        );
        assert_eq!(
            Selector::parse("hardcoded-secret"),
            Ok(Selector::Name("hardcoded-secret".into()))
        );
    }

    #[test]
    fn severity_overrides() {
        let rule = &DynamicCodeExecution::META;
        let mut settings = Settings::default();
        assert_eq!(
            settings.severity_of(rule, Severity::Warning),
            Severity::Warning
        );
        settings
            .severity
            .insert("dynamic-code-execution".into(), Severity::Info);
        assert_eq!(settings.severity_of(rule, Severity::Error), Severity::Info);
        settings.severity.insert("AL203".into(), Severity::Hint);
        assert_eq!(settings.severity_of(rule, Severity::Error), Severity::Hint);
    }
}
