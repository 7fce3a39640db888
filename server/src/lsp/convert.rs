//! Conversions between agentlint's byte ranges and LSP types.

use std::ops::Range;

use agentlint_rules::{Diagnostic, Fix, LineIndex, Place, PositionEncoding, Severity};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, PositionEncodingKind, TextEdit, Uri,
};

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

/// Everything needed to turn one file's findings into LSP diagnostics. Their fixes are not part
/// of them: a code action computes the fixes of the diagnostics it is asked about
/// ([`super::actions`]), so that publishing costs only what is shown.
pub struct Conversion<'a> {
    pub uri: &'a Uri,
    pub text: Text<'a>,
    /// Whether the client shows related information: if not, a finding's why and how are part
    /// of its message.
    pub related_information: bool,
}

impl Conversion<'_> {
    pub fn diagnostic(&self, d: &Diagnostic) -> lsp::Diagnostic {
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
            data: None,
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
