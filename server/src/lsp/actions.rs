//! Code actions: quick fixes and suppressions read back from `Diagnostic.data`, and "fix all safe
//! problems" combined from the last published analysis. Nothing here re-analyses.

use agentlint_rules::{Applicability, compatible_fixes};
use tower_lsp_server::ls_types::*;

use super::FIX_ALL_KIND;
use super::convert::{DiagnosticData, LspFix, SOURCE, Text, is_safe};
use super::documents::DocEntry;
use super::documents::Published;
use agentlint_rules::Position as TextPosition;
use agentlint_rules::agent::ToolKind;
use agentlint_rules::agent::card::card;

/// Whether the client asked for actions of `kind` (no `only` means every kind).
fn wanted(params: &CodeActionParams, kind: &str) -> bool {
    match &params.context.only {
        None => true,
        Some(only) => only.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.starts_with(&format!("{k}."))
        }),
    }
}

/// A workspace edit that applies only to `version` of the document (clients refuse it otherwise).
fn versioned_edit(uri: &Uri, version: i32, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: Some(version),
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        }])),
        ..WorkspaceEdit::default()
    }
}

fn quick_fix(
    uri: &Uri,
    version: i32,
    diagnostic: &Diagnostic,
    fix: LspFix,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(versioned_edit(uri, version, fix.edits)),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

pub fn code_actions(entry: &DocEntry, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let current = entry.latest();
    let mut actions = Vec::new();
    if wanted(params, CodeActionKind::QUICKFIX.as_str()) {
        let mut suppressions = Vec::new();
        for diagnostic in &params.context.diagnostics {
            if diagnostic.source.as_deref() != Some(SOURCE) {
                continue;
            }
            let Some(data) = diagnostic
                .data
                .clone()
                .and_then(|d| serde_json::from_value::<DiagnosticData>(d).ok())
            else {
                continue;
            };
            // Edits computed for another version would land in the wrong place.
            if data.version != current {
                continue;
            }
            if let Some(fix) = data.fix {
                let preferred = is_safe(&fix);
                actions.push(quick_fix(uri, current, diagnostic, fix, preferred));
            }
            if let Some(suppress) = data.suppress {
                suppressions.push(quick_fix(uri, current, diagnostic, suppress, false));
            }
        }
        // Fixes first, suppressions after them.
        actions.extend(suppressions);
    }
    if wanted(params, FIX_ALL_KIND)
        && let Some(action) = fix_all(entry, uri)
    {
        actions.push(action);
    }
    actions
}

/// Every safe fix of the current version that can be applied together.
fn fix_all(entry: &DocEntry, uri: &Uri) -> Option<CodeActionOrCommand> {
    let published = entry.published_current()?;
    let safe = published
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.applicability == Applicability::Safe);
    let (fixes, _) = compatible_fixes(&published.source, safe);
    if fixes.is_empty() {
        return None;
    }
    let text = Text {
        source: &published.source,
        index: &published.index,
        encoding: published.encoding,
    };
    let edits: Vec<TextEdit> = fixes.iter().flat_map(|f| text.edits(f)).collect();
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("agentlint: fix all safe problems ({})", fixes.len()),
        kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
        edit: Some(versioned_edit(uri, published.version, edits)),
        ..CodeAction::default()
    }))
}

/// The card of the tool under the cursor: on its name, its description, or its decorator.
pub fn hover(published: &Published, position: Position) -> Option<Hover> {
    let offset = published.index.offset(
        &published.source,
        TextPosition::new(position.line, position.character),
        published.encoding,
    )?;
    let tool = published
        .tools
        .iter()
        .filter(|tool| {
            let on = |r: &std::ops::Range<usize>| r.start <= offset && offset <= r.end;
            on(&tool.anchor)
                || tool.description.as_ref().is_some_and(|d| on(&d.expression))
                || (tool.kind == ToolKind::Function && on(&tool.declaration))
        })
        .min_by_key(|tool| tool.anchor.len())?;
    let text = Text {
        source: &published.source,
        index: &published.index,
        encoding: published.encoding,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: card(tool, &published.index),
        }),
        range: Some(text.range(&tool.anchor)),
    })
}
