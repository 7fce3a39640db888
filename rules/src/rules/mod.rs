//! The rules: one file per rule, grouped by family. A rule's doc comment is its documentation
//! (`agentlint rule CODE`, `docs/rules/CODE.md`).

pub mod description;
pub mod execution;
pub mod privacy;
pub mod secrets;

use std::path::Path;

use tree_sitter::Tree;

use crate::agent::Tool;
use crate::diagnostic::Diagnostic;
use crate::facts::FileFacts;
use crate::knowledge::Knowledge;
use crate::syntax::Language;

pub use crate::diagnostic::{Input, RuleMeta, Subject};

/// Everything a rule may look at for one file.
pub struct Context<'a> {
    pub path: &'a Path,
    pub source: &'a str,
    pub tree: &'a Tree,
    pub language: Language,
    pub facts: &'a FileFacts,
    /// The tools the file declares.
    pub tools: &'a [Tool],
    pub knowledge: &'a Knowledge,
    /// The secrets in the source (found once per file, for AL301–AL305).
    pub secrets: &'a [crate::secrets::Found],
    /// Where the file sends data to third parties (AL401–AL403).
    pub flows: &'a [crate::privacy::Flow],
    /// Where the file stores conversations (AL403; only looked for when AL403 is enabled).
    pub stores: &'a [crate::privacy::Store],
    /// The project's privacy notice and flows, when known (only looked up for a file with
    /// flows).
    pub privacy: Option<&'a crate::privacy::ProjectPrivacy>,
    /// The source's line index, built when a rule first needs it (see [`Context::lines`]).
    pub lines: &'a std::cell::OnceCell<crate::syntax::LineIndex>,
    /// Where the source may bind a secret's name (`Secrets::name_hits`), found once for all
    /// rules.
    pub name_hits: &'a [std::ops::Range<usize>],
    /// Where the source holds the literals AL305 looks for (`SecretFlow::places_since`), found
    /// when it is enabled.
    pub flow_places: &'a [Vec<usize>],
    /// The tree's node finder, built when a rule first needs it (see [`Context::locator`]).
    pub locator: &'a std::cell::OnceCell<crate::syntax::Locator<'a>>,
    /// [`crate::fix::python_qualified_reference`]'s answers, by module and name (see
    /// [`Context::python_reference`]).
    pub references: &'a std::cell::RefCell<PythonReferences>,
    /// The calls of sinks, found when a rule first needs them (see [`Context::sink_calls`]).
    pub sink_calls: &'a std::cell::OnceCell<Vec<(usize, &'a crate::knowledge::Sink)>>,
    /// The file is a test ([`crate::Settings::test_file`]).
    pub test_file: bool,
    /// The file is maintainers' tooling ([`crate::Settings::maintainer_file`]).
    pub maintainer_file: bool,
}

/// How the file can name `module.name`, and the import to add if it cannot yet.
pub type PythonReferences =
    rustc_hash::FxHashMap<(String, String), (String, Option<crate::fix::Edit>)>;

impl<'a> Context<'a> {
    /// Finds the tree's nodes by range, built once for all rules.
    pub fn locator(&self) -> &crate::syntax::Locator<'a> {
        self.locator
            .get_or_init(|| crate::syntax::Locator::new(self.tree))
    }

    /// [`crate::fix::python_qualified_reference`] in this file, found once per module and name
    /// for all rules and findings (each search goes through every binding of the file).
    pub fn python_reference(&self, module: &str, name: &str) -> (String, Option<crate::fix::Edit>) {
        let key = (module.to_string(), name.to_string());
        if let Some(found) = self.references.borrow().get(&key) {
            return found.clone();
        }
        let found = crate::fix::python_qualified_reference(
            self.source,
            self.tree,
            self.facts,
            module,
            name,
        );
        self.references.borrow_mut().insert(key, found.clone());
        found
    }

    /// Each call of a sink (by its index in the facts' calls) with each sink it calls, as
    /// [`Knowledge::sinks_for`] lists them, in the calls' order: looked up once for all rules
    /// (a file calls thousands of names, looked up again by every rule that wants sinks).
    pub fn sink_calls(&self) -> &[(usize, &'a crate::knowledge::Sink)] {
        self.sink_calls.get_or_init(|| {
            let knowledge = self.knowledge;
            sinks_of(
                knowledge,
                &knowledge.sink_calls_since(self.language.family(), &self.facts.calls, None),
            )
        })
    }

    /// Line starts of the source, built once for all rules.
    pub fn lines(&self) -> &crate::syntax::LineIndex {
        self.lines
            .get_or_init(|| crate::syntax::LineIndex::new(self.source))
    }
}

/// Calls of sinks given by the sinks' indices (`Knowledge::sink_calls_since`), with the sinks.
pub(crate) fn sinks_of<'k>(
    knowledge: &'k Knowledge,
    calls: &[(usize, usize)],
) -> Vec<(usize, &'k crate::knowledge::Sink)> {
    calls
        .iter()
        .filter_map(|&(call, sink)| Some((call, knowledge.sink(sink)?)))
        .collect()
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Appends this rule's findings in `ctx` to `out`.
    fn check(&self, ctx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Markdown code span for `text`, which may itself contain backticks (template literals).
pub(crate) fn code_span(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

pub(crate) use crate::syntax::excerpt;

/// Declares a rule struct whose doc comment becomes its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            summary: $summary:literal,
            severity: $severity:ident
            $(, needs: [$($input:ident),* $(,)?])?
            $(, subject: $subject:ident)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;

        impl $name {
            pub const META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                code: $code,
                name: $rule_name,
                summary: $summary,
                default_severity: $crate::diagnostic::Severity::$severity,
                raw_doc: concat!($($doc, "\n"),*),
                needs: &[$($($crate::rules::Input::$input),*)?],
                subject: $crate::rules::declared_subject(&[$($crate::diagnostic::Subject::$subject)?]),
            };
        }
    };
}
pub(crate) use declare_rule;

/// A rule's subject as declared (`subject: Text`), [`Subject::Code`] when it does not say.
pub(crate) const fn declared_subject(
    declared: &[crate::diagnostic::Subject],
) -> crate::diagnostic::Subject {
    match declared {
        [subject, ..] => *subject,
        [] => crate::diagnostic::Subject::Code,
    }
}

/// Every implemented rule, in code order.
pub fn all() -> &'static [&'static dyn Rule] {
    &[
        &description::MissingToolDescription,
        &description::UndisclosedNetworkEgress,
        &description::UndisclosedFileMutation,
        &description::UndisclosedProcessExecution,
        &description::UndisclosedCredentialAccess,
        &description::ContradictedDescriptionClaim,
        &description::ParameterDrift,
        &description::InstructionsInToolDescription,
        &description::SensitiveResourceInDescription,
        &description::ToolShadowing,
        &description::HiddenTextInDescription,
        &description::UnauditableDescription,
        &description::CovertToolParameter,
        &execution::ShellCommandInjection,
        &execution::UnsandboxedProcess,
        &execution::DynamicCodeExecution,
        &secrets::HardcodedProviderKey,
        &secrets::HardcodedSecret,
        &secrets::PrivateKeyMaterial,
        &secrets::CredentialsInUrl,
        &secrets::SecretSentToModelOrLog,
        &privacy::MissingPrivacyNotice,
        &privacy::PrivacyNoticeMissingRecipient,
        &privacy::UndisclosedConversationStorage,
    ]
}

/// An implemented rule by code (`AL203`) or name (`dynamic-code-execution`), any case.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    all()
        .iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code_or_name) || r.meta().name == code_or_name)
}

/// The full catalogue of rule codes and names, including rules not implemented yet, so that
/// configuration naming them stays valid as they arrive.
pub const CATALOGUE: &[(&str, &str)] = &[
    ("AL100", "missing-tool-description"),
    ("AL101", "undisclosed-network-egress"),
    ("AL102", "undisclosed-file-mutation"),
    ("AL103", "undisclosed-process-execution"),
    ("AL104", "undisclosed-credential-access"),
    ("AL105", "contradicted-description-claim"),
    ("AL106", "description-parameter-drift"),
    ("AL110", "instructions-in-tool-description"),
    ("AL111", "sensitive-resource-in-description"),
    ("AL112", "tool-shadowing"),
    ("AL113", "hidden-text-in-description"),
    ("AL114", "unauditable-description"),
    ("AL115", "covert-tool-parameter"),
    ("AL201", "shell-command-injection"),
    ("AL202", "unsandboxed-process-in-tool"),
    ("AL203", "dynamic-code-execution"),
    ("AL301", "hardcoded-provider-key"),
    ("AL302", "hardcoded-secret"),
    ("AL303", "private-key-material"),
    ("AL304", "credentials-in-url"),
    ("AL305", "secret-sent-to-model-or-log"),
    ("AL401", "missing-privacy-notice"),
    ("AL402", "privacy-notice-missing-recipient"),
    ("AL403", "undisclosed-conversation-storage"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_in_the_catalogue_and_documented() {
        for rule in all() {
            let meta = rule.meta();
            assert!(
                CATALOGUE.contains(&(meta.code, meta.name)),
                "{} {} is not in the catalogue",
                meta.code,
                meta.name
            );
            let doc = meta.documentation();
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## Fix safety",
                "## References",
            ] {
                assert!(doc.contains(heading), "{} lacks {heading}", meta.code);
            }
        }
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("al203").map(|r| r.meta().code), Some("AL203"));
        assert_eq!(
            find("dynamic-code-execution").map(|r| r.meta().code),
            Some("AL203")
        );
        assert!(find("AL999").is_none());
    }
}
