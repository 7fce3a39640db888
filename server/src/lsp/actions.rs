//! Code actions: the quick fixes and suppressions of the diagnostics the client asks about, and
//! "fix all safe problems", computed from the last published analysis when asked (a published
//! diagnostic carries no fix). Nothing here re-analyses.

use agentlint_rules::{Applicability, ConfigKind, FileChange, Fix, compatible_fixes, suppress};
use tower_lsp_server::ls_types::*;

use super::FIX_ALL_KIND;
use super::convert::{SOURCE, Text};
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

/// What a fix's changes to other files need: where the project is, what the editor has open,
/// and what it can do.
pub struct Files<'a> {
    /// The project's root (see [`crate::privacy::root_for`]); `None` for an unsaved document.
    pub root: Option<std::path::PathBuf>,
    /// The text and version of a document the editor has open.
    pub open: &'a dyn Fn(&Uri) -> Option<(String, i32)>,
    /// Whether the client accepts `CreateFile` operations.
    pub can_create: bool,
    pub encoding: agentlint_rules::PositionEncoding,
}

/// A workspace edit that applies only to `version` of the document (clients refuse it otherwise),
/// with the lines other files lack (each appended; a missing file created first).
fn versioned_edit(
    uri: &Uri,
    version: i32,
    edits: Vec<TextEdit>,
    changes: &[FileChange],
    files: &Files<'_>,
) -> WorkspaceEdit {
    let this = TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: uri.clone(),
            version: Some(version),
        },
        edits: edits.into_iter().map(OneOf::Left).collect(),
    };
    let mut operations = Vec::new();
    if let Some(root) = &files.root {
        for change in changes {
            operations.extend(file_change(root, change, files));
        }
    }
    if operations.is_empty() {
        return WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![this])),
            ..WorkspaceEdit::default()
        };
    }
    let mut all = Vec::new();
    if !this.edits.is_empty() {
        all.push(DocumentChangeOperation::Edit(this));
    }
    all.extend(operations);
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(all)),
        ..WorkspaceEdit::default()
    }
}

/// The operations that give `root`'s file the change's line, if it lacks it.
fn file_change(
    root: &std::path::Path,
    change: &FileChange,
    files: &Files<'_>,
) -> Vec<DocumentChangeOperation> {
    let Some(target) = Uri::from_file_path(root.join(&change.file)) else {
        return Vec::new();
    };
    // The editor's text of an open file, else the disk's.
    let open = (files.open)(&target);
    let version = open.as_ref().map(|(_, version)| *version);
    let read = |path: &std::path::Path| match &open {
        Some((text, _)) => Ok(Some(text.clone())),
        None => crate::changes::read_from_disk(path),
    };
    let Some(resolved) = crate::changes::resolve(root, change, &read) else {
        return Vec::new();
    };
    let mut operations = Vec::new();
    let at = match &resolved.existing {
        None => {
            if !files.can_create {
                return Vec::new();
            }
            operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
                CreateFile {
                    uri: target.clone(),
                    options: Some(CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                },
            )));
            Position::new(0, 0)
        }
        Some(text) => {
            let index = agentlint_rules::LineIndex::new(text);
            let end = index.position(text, text.len(), files.encoding);
            Position::new(end.line, end.column)
        }
    };
    operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: target,
            version,
        },
        edits: vec![OneOf::Left(TextEdit::new(
            Range::new(at, at),
            resolved.addition,
        ))],
    }));
    operations
}

fn quick_fix(
    uri: &Uri,
    version: i32,
    diagnostic: &Diagnostic,
    fix: &Fix,
    text: &Text<'_>,
    preferred: bool,
    files: &Files<'_>,
) -> Option<CodeActionOrCommand> {
    let edit = versioned_edit(uri, version, text.edits(fix), &fix.files, files);
    // A fix made only of other files' changes that this client cannot make (or that are made
    // already) would do nothing: it is not offered.
    let empty = match &edit.document_changes {
        Some(DocumentChanges::Edits(edits)) => edits.iter().all(|e| e.edits.is_empty()),
        _ => false,
    };
    if empty {
        return None;
    }
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(edit),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    }))
}

/// The suppression comment for a finding of the published version (`None` where the file has no
/// comments: JSON, where `ignore` in the configuration does it).
fn suppression(
    entry: &DocEntry,
    published: &Published,
    d: &agentlint_rules::Diagnostic,
) -> Option<Fix> {
    match entry.config {
        None => {
            let (document, version) = entry.snapshot()?;
            if version != published.version {
                return None;
            }
            let tree = entry.parsed(&document, version);
            suppress::suppression_fix(
                &published.source,
                &tree,
                document.language(),
                &published.index,
                d,
            )
        }
        Some(ConfigKind::Env | ConfigKind::EnvTemplate) => {
            suppress::suppression_fix_in_lines(&published.index, d)
        }
        Some(_) => None,
    }
}

pub fn code_actions(
    entry: &DocEntry,
    params: &CodeActionParams,
    files: &Files<'_>,
) -> Vec<CodeActionOrCommand> {
    let uri = &params.text_document.uri;
    let current = entry.latest();
    let mut actions = Vec::new();
    // Fixes computed for another version would land in the wrong place.
    let published = entry.published_current().filter(|p| p.version == current);
    if let Some(published) = published.as_deref()
        && wanted(params, CodeActionKind::QUICKFIX.as_str())
    {
        let text = Text {
            source: &published.source,
            index: &published.index,
            encoding: published.encoding,
        };
        let mut suppressions = Vec::new();
        for diagnostic in &params.context.diagnostics {
            if diagnostic.source.as_deref() != Some(SOURCE) {
                continue;
            }
            let Some(NumberOrString::String(code)) = &diagnostic.code else {
                continue;
            };
            // The published finding the client shows: same rule, same place.
            let Some(finding) = published
                .diagnostics
                .iter()
                .find(|d| d.rule.code == code && text.range(&d.range) == diagnostic.range)
            else {
                continue;
            };
            if let Some(fix) = &finding.fix {
                let preferred = fix.applicability == Applicability::Safe;
                actions.extend(quick_fix(
                    uri, current, diagnostic, fix, &text, preferred, files,
                ));
            }
            if let Some(suppress) = suppression(entry, published, finding) {
                suppressions.extend(quick_fix(
                    uri, current, diagnostic, &suppress, &text, false, files,
                ));
            }
        }
        // Fixes first, suppressions after them.
        actions.extend(suppressions);
    }
    if wanted(params, FIX_ALL_KIND)
        && let Some(action) = fix_all(entry, uri, files)
    {
        actions.push(action);
    }
    actions
}

/// Every safe fix of the current version that can be applied together.
fn fix_all(entry: &DocEntry, uri: &Uri, files: &Files<'_>) -> Option<CodeActionOrCommand> {
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
    let mut changes: Vec<FileChange> = Vec::new();
    for change in fixes.iter().flat_map(|f| f.files.iter()) {
        if !changes.contains(change) {
            changes.push(change.clone());
        }
    }
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("agentlint: fix all safe problems ({})", fixes.len()),
        kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
        edit: Some(versioned_edit(
            uri,
            published.version,
            edits,
            &changes,
            files,
        )),
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
    let tools = published.tools();
    let tool = tools
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
            // A key written in a description is masked as everywhere else.
            value: agentlint_rules::secrets::Redactor::new(&published.source, &published.secrets)
                .redact(&card(tool, &published.index)),
        }),
        range: Some(text.range(&tool.anchor)),
    })
}
