//! What rules report.

use std::fmt;
use std::ops::Range;

use crate::fix::Fix;
use crate::secrets::{Redactor, SecretSpan};

/// Where a call is in another file: enough to point at it (related information, messages)
/// without that file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub path: std::path::PathBuf,
    /// Zero-based line of the call's start.
    pub line: u32,
    /// Columns on that line in UTF-8 bytes, UTF-16 code units and characters (the call, cut at
    /// the end of the line).
    pub utf8: Range<u32>,
    pub utf16: Range<u32>,
    pub utf32: Range<u32>,
    /// The host of a URL written in the call (`stats.example`), if any.
    pub host: Option<String>,
}

/// Static facts about a rule.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// Stable code: `AL203`.
    pub code: &'static str,
    /// Stable kebab-case name: `dynamic-code-execution`.
    pub name: &'static str,
    /// One line for listings.
    pub summary: &'static str,
    pub default_severity: Severity,
    /// The rule's doc comment, as written (each line keeps the space after `///`).
    pub raw_doc: &'static str,
    /// What the rule reads beyond the file's syntax, facts and tools: the analysis computes an
    /// input only when an enabled rule needs it, and names no rule to decide it.
    pub needs: &'static [Input],
    /// What its findings are about: the code's behaviour, or its text (a key committed in it).
    /// In minified or bundled code ([`crate::syntax::bundled`]), a vendored library's, only the
    /// text is the project's concern.
    pub subject: Subject,
}

/// What a rule's findings are about ([`RuleMeta::subject`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// What the code does: its tools, calls, flows.
    Code,
    /// What the text holds, whoever wrote the code around it: keys and secrets.
    Text,
}

/// An input of the rules that costs something to compute, computed only for the rules that
/// declare it ([`RuleMeta::needs`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// The calls of the knowledge's sinks (`[[sink]]`), kept across versions for the unchanged
    /// statements.
    SinkCalls,
    /// Where the file sends data to third parties ([`crate::privacy::Flow`]).
    Flows,
    /// The project's privacy view: its notice, and the flows of all its files.
    Privacy,
    /// Where the file stores conversations ([`crate::privacy::Store`]).
    ConversationStores,
    /// Where the literals a secret may flow to are (a model call, a log).
    SecretFlows,
}

impl RuleMeta {
    /// The documentation as Markdown.
    pub fn documentation(&self) -> String {
        let mut doc = String::with_capacity(self.raw_doc.len());
        for line in self.raw_doc.lines() {
            doc.push_str(line.strip_prefix(' ').unwrap_or(line));
            doc.push('\n');
        }
        doc
    }
}

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
    pub place: Option<std::sync::Arc<Place>>,
}

/// One finding. Ranges are UTF-8 byte offsets into the analysed text.
///
/// What a user reads comes in three parts, each shown where it helps: the finding itself (one
/// sentence: what and where), why it matters, and what to do. The text output shows the last two
/// as `= note:` and `= help:` lines, the editor as related information; SARIF, read where
/// nothing else is shown, joins all three ([`Diagnostic::full_message`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub range: Range<usize>,
    /// The finding: one sentence, what and where, at most [`Diagnostic::MESSAGE_LIMIT`]
    /// characters, without a final period.
    pub message: String,
    /// Why it matters: one or two sentences.
    pub note: Option<String>,
    /// What to do instead: one or two sentences.
    pub help: Option<String>,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
    /// The secret value the finding is about (AL301–AL304): whatever shows the file's text masks
    /// it, and no output shows more of it than [`crate::secrets::redact::shown`] does.
    pub secret: Option<SecretSpan>,
}

impl Diagnostic {
    /// The most characters of a finding's first sentence (`message`).
    pub const MESSAGE_LIMIT: usize = 120;

    pub fn new(rule: &'static RuleMeta, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.default_severity,
            range,
            message: message.into(),
            note: None,
            help: None,
            fix: None,
            related: Vec::new(),
            secret: None,
        }
    }

    /// The finding is about the secret at `span`.
    pub fn with_secret(mut self, span: SecretSpan) -> Self {
        self.secret = Some(span);
        self
    }

    /// Why the finding matters.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// What to do about it.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// The finding, why it matters and what to do, as one text: `message.` then the note and
    /// the help.
    pub fn full_message(&self) -> String {
        let mut text = self.message.clone();
        if !text.ends_with(['.', '!', '?']) {
            text.push('.');
        }
        for part in [&self.note, &self.help].into_iter().flatten() {
            text.push(' ');
            text.push_str(part);
        }
        text
    }

    /// Every text of the finding a user may read (message, note, help, related information,
    /// the fix's title), for whatever must be applied to all of them.
    pub fn texts_mut(&mut self) -> impl Iterator<Item = &mut String> {
        std::iter::once(&mut self.message)
            .chain(self.note.iter_mut())
            .chain(self.help.iter_mut())
            .chain(self.related.iter_mut().map(|r| &mut r.message))
            .chain(self.fix.iter_mut().map(|f| &mut f.title))
    }

    /// Keeps the secrets `redactor` knows out of everything the finding says: any run of one is
    /// cut from its texts, and a fix that would write one out again (into the file, another
    /// file, JSON or SARIF) is dropped: it waits until the secret is gone.
    pub fn redact(&mut self, redactor: &Redactor) {
        if redactor.is_empty() {
            return;
        }
        for text in self.texts_mut() {
            redactor.redact_in_place(text);
        }
        let writes_a_secret = self.fix.as_ref().is_some_and(|fix| {
            fix.edits.iter().any(|e| redactor.finds(&e.new_text))
                || fix.files.iter().any(|c| redactor.finds(&c.line))
        });
        if writes_a_secret {
            self.fix = None;
        }
    }

    /// Cuts a first sentence longer than [`Diagnostic::MESSAGE_LIMIT`] characters (the rules
    /// cut what they quote, so this is a last resort for very long names).
    pub fn fit_message(&mut self) {
        let limit = Self::MESSAGE_LIMIT;
        if self.message.chars().count() > limit {
            let mut cut: String = self.message.chars().take(limit - 1).collect();
            cut.push('…');
            self.message = cut;
        }
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }
}
