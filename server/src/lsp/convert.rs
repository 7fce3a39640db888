//! Conversions between agentlint's byte ranges and LSP types.

use std::ops::Range;

use agentlint_rules::syntax::Language;
use agentlint_rules::{
    Applicability, ConfigKind, Diagnostic, FileChange, Fix, LineIndex, LineKind, Place,
    PositionEncoding, Severity, suppress,
};
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, PositionEncodingKind, TextEdit, Uri,
};
use tree_sitter::Tree;

/// `source` of every diagnostic agentlint publishes.
pub const SOURCE: &str = "agentlint";

/// Where a rule's documentation lives on the web.
pub fn rule_doc_url(code: &str) -> Option<Uri> {
    format!("https://github.com/agentlint/agentlint/blob/main/docs/rules/{code}.md")
        .parse()
        .ok()
}

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// A text and its line index, for converting offsets.
pub struct Text<'a> {
    pub source: &'a str,
    pub index: &'a LineIndex,
    pub encoding: PositionEncoding,
}

impl Text<'_> {
    pub fn position(&self, offset: usize) -> lsp::Position {
        let p = self.index.position(self.source, offset, self.encoding);
        lsp::Position::new(p.line, p.column)
    }

    pub fn range(&self, range: &Range<usize>) -> lsp::Range {
        lsp::Range::new(self.position(range.start), self.position(range.end))
    }

    pub fn edits(&self, fix: &Fix) -> Vec<TextEdit> {
        fix.edits
            .iter()
            .map(|e| TextEdit::new(self.range(&e.range), e.new_text.clone()))
            .collect()
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A fix in LSP terms, as stored in `Diagnostic.data`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LspFix {
    pub title: String,
    pub applicability: String,
    pub edits: Vec<TextEdit>,
    /// Lines other files of the project must have (`.gitignore`, `.env.example`), resolved
    /// against the disk when the action is requested.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<LspFileChange>,
}

/// A [`FileChange`] as stored in `Diagnostic.data`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LspFileChange {
    pub file: String,
    pub line: String,
    /// `variable`, `ignore`, `create` or `append`.
    pub kind: String,
}

impl LspFileChange {
    fn of(change: &FileChange) -> Self {
        Self {
            file: change.file.clone(),
            line: change.line.clone(),
            kind: match change.kind {
                LineKind::Variable => "variable",
                LineKind::Ignore => "ignore",
                LineKind::Create => "create",
                LineKind::Append => "append",
            }
            .to_string(),
        }
    }

    pub fn change(&self) -> FileChange {
        FileChange {
            file: self.file.clone(),
            line: self.line.clone(),
            kind: match self.kind.as_str() {
                "ignore" => LineKind::Ignore,
                "create" => LineKind::Create,
                "append" => LineKind::Append,
                _ => LineKind::Variable,
            },
        }
    }
}

/// What `Diagnostic.data` carries: the fixes, ready to apply to the version they were computed
/// for. Code actions read them back instead of re-analysing.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DiagnosticData {
    pub version: i32,
    pub fix: Option<LspFix>,
    pub suppress: Option<LspFix>,
}

fn lsp_fix(text: &Text<'_>, fix: &Fix) -> LspFix {
    LspFix {
        title: fix.title.clone(),
        applicability: fix.applicability.as_str().to_string(),
        edits: text.edits(fix),
        files: fix.files.iter().map(LspFileChange::of).collect(),
    }
}

/// Everything needed to turn one file's findings into LSP diagnostics.
pub struct Conversion<'a> {
    pub uri: &'a Uri,
    pub text: Text<'a>,
    pub tree: &'a Tree,
    pub language: Language,
    /// Set for a configuration file (no syntax tree).
    pub config: Option<ConfigKind>,
    pub version: i32,
    /// Whether the client shows related information: if not, a finding's why and how are part
    /// of its message.
    pub related_information: bool,
}

impl Conversion<'_> {
    pub fn diagnostic(&self, d: &Diagnostic) -> lsp::Diagnostic {
        let suppress = match self.config {
            None => suppress::suppression_fix(
                self.text.source,
                self.tree,
                self.language,
                self.text.index,
                d,
            ),
            Some(ConfigKind::Env | ConfigKind::EnvTemplate) => {
                suppress::suppression_fix_in_lines(self.text.index, d)
            }
            // JSON has no comments: `ignore` in the configuration, or per-file settings.
            Some(_) => None,
        };
        let data = DiagnosticData {
            version: self.version,
            fix: d.fix.as_ref().map(|f| lsp_fix(&self.text, f)),
            suppress: suppress.as_ref().map(|f| lsp_fix(&self.text, f)),
        };
        lsp::Diagnostic {
            range: self.text.range(&d.range),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.rule.code.to_string())),
            code_description: rule_doc_url(d.rule.code).map(|href| CodeDescription { href }),
            source: Some(SOURCE.to_string()),
            message: if self.related_information {
                d.message.clone()
            } else {
                d.full_message()
            },
            related_information: self.related(d),
            tags: None,
            data: serde_json::to_value(data).ok(),
        }
    }
}

impl Conversion<'_> {
    /// The finding's related information: why it matters and what to do (at the finding itself),
    /// then the places that explain it.
    fn related(&self, d: &Diagnostic) -> Option<Vec<DiagnosticRelatedInformation>> {
        let here = || Location::new(self.uri.clone(), self.text.range(&d.range));
        let parts = [
            d.note.as_ref().map(|note| format!("Why: {note}")),
            d.help.as_ref().map(|help| format!("What to do: {help}")),
        ];
        let mut related: Vec<DiagnosticRelatedInformation> = parts
            .into_iter()
            .flatten()
            .filter(|_| self.related_information)
            .map(|message| DiagnosticRelatedInformation {
                location: here(),
                message,
            })
            .collect();
        related.extend(d.related.iter().filter_map(|r| {
            let location = match &r.place {
                None => Location::new(self.uri.clone(), self.text.range(&r.range)),
                Some(place) => place_location(place, self.text.encoding)?,
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: r.message.clone(),
            })
        }));
        (!related.is_empty()).then_some(related)
    }
}

/// A place in another file as an LSP location.
fn place_location(place: &Place, encoding: PositionEncoding) -> Option<Location> {
    let uri = Uri::from_file_path(&place.path)?;
    let columns = place.columns(encoding);
    Some(Location::new(
        uri,
        lsp::Range::new(
            lsp::Position::new(place.line, columns.start),
            lsp::Position::new(place.line, columns.end),
        ),
    ))
}

/// Whether a stored fix is safe to apply without review.
pub fn is_safe(fix: &LspFix) -> bool {
    fix.applicability == Applicability::Safe.as_str()
}
