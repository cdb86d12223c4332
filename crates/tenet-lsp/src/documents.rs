//! The documents policies check, in the editor: which files they are, where their project
//! is, and the protocol form of what `tenet_ide::documents` says about them.

use crate::convert::Doc;
use std::collections::HashMap;
use std::path::Path;
use tenet_ide::documents::{
    DocumentAction, DocumentCompletion, DocumentCompletionKind, DocumentDiagnostic, DocumentEdit, DocumentHover,
    DocumentSeverity, DocumentSummary,
};
use tenet_syntax::ast::FileSpan;
use tenet_text::{DocSpan, LineIndex, Location};
use tower_lsp_server::gen_lsp_types as lsp;

/// Whether the file a URI names is a document (YAML, JSON or TOML) rather than a policy file.
/// A project's own `tenet.toml` and `tenet.lock` are not documents.
pub fn is_document(uri: &str) -> bool {
    let path = uri.split(['?', '#']).next().unwrap_or(uri);
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == tenet_pkg::manifest::MANIFEST_FILE || name == "tenet.lock" {
        return false;
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(extension.as_deref(), Some("yaml" | "yml" | "json" | "toml"))
}

fn span(span: DocSpan) -> FileSpan {
    FileSpan::from_range(span.range())
}

fn severity(severity: DocumentSeverity) -> lsp::DiagnosticSeverity {
    match severity {
        DocumentSeverity::Error => lsp::DiagnosticSeverity::Error,
        DocumentSeverity::Warning => lsp::DiagnosticSeverity::Warning,
        DocumentSeverity::Information => lsp::DiagnosticSeverity::Information,
        DocumentSeverity::Hint => lsp::DiagnosticSeverity::Hint,
    }
}

/// Where each policy file is, by the path messages name it with (`Finding::defined_at`).
pub type PolicyUris = HashMap<String, String>;

/// The protocol location of a place in a policy file (line and column are 1-based; the
/// column counts characters, which is the protocol's UTF-16 units for all but astral ones).
fn policy_location(uris: &PolicyUris, at: &Location) -> Option<lsp::Location> {
    let uri = uris.get(&*at.path)?;
    let position = lsp::Position {
        line: u32::try_from(at.line.saturating_sub(1)).unwrap_or(u32::MAX),
        character: u32::try_from(at.column.saturating_sub(1)).unwrap_or(u32::MAX),
    };
    Some(lsp::Location { uri: lsp::Uri::from(uri.clone()), range: lsp::Range { start: position, end: position } })
}

/// A document diagnostic; a finding links to its obligation (as the code's target and as
/// related information).
pub fn diagnostic(doc: &Doc<'_>, d: &DocumentDiagnostic, uris: &PolicyUris) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let obligation = d.finding.as_ref().and_then(|(_, at)| policy_location(uris, at));
    let code_description = obligation.as_ref().map(|location| {
        let uri: &str = location.uri.as_ref();
        let href = format!("{uri}#L{}", location.range.start.line + 1);
        lsp::CodeDescription { href: lsp::Uri::from(href) }
    });
    let related = obligation
        .map(|location| vec![lsp::DiagnosticRelatedInformation { location, message: "the obligation".to_string() }]);
    lsp::Diagnostic {
        range: doc.range(span(d.span)),
        severity: Some(severity(d.severity)),
        code: Some(lsp::Code::String(d.code.trim_start_matches("tenet::").to_string())),
        code_description,
        source: Some("tenet".to_string()),
        message: lsp::Message::String(message),
        related_information: related,
        ..lsp::Diagnostic::default()
    }
}

/// A completion item, the `rank`-th: its sort text keeps the schema's order.
pub fn completion(doc: &Doc<'_>, c: &DocumentCompletion, rank: usize) -> lsp::CompletionItem {
    let edit = lsp::TextEdit { range: doc.range(span(c.replace)), new_text: c.insert.clone() };
    lsp::CompletionItem {
        label: c.label.clone(),
        kind: Some(match c.kind {
            DocumentCompletionKind::Field => lsp::CompletionItemKind::Field,
            DocumentCompletionKind::Value => lsp::CompletionItemKind::EnumMember,
        }),
        detail: c.detail.clone(),
        documentation: c.documentation.as_ref().map(|docs| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: docs.clone(),
            })
        }),
        sort_text: Some(format!("{rank:04}")),
        filter_text: Some(c.label.clone()),
        text_edit: Some(lsp::CompletionItemTextEdit::TextEdit(edit)),
        ..lsp::CompletionItem::default()
    }
}

pub fn hover(doc: &Doc<'_>, h: &DocumentHover) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::Contents::MarkupContent(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: h.markdown.clone(),
        }),
        range: Some(doc.range(span(h.span))),
    }
}

/// The summary line at the top of a document.
pub fn lens(doc: &Doc<'_>, summary: &DocumentSummary) -> lsp::CodeLens {
    lsp::CodeLens {
        range: doc.range(span(summary.span)),
        command: Some(lsp::Command { title: summary.title.clone(), command: String::new(), ..lsp::Command::default() }),
        data: None,
    }
}

/// A code action: edits to the document (`uri`), to a policy file, or a new policy file.
pub fn action(
    doc: &Doc<'_>,
    uri: &lsp::Uri,
    action: &DocumentAction,
    policy: impl Fn(tenet_db::SourceFile) -> Option<(String, String)>,
) -> Option<lsp::CodeAction> {
    let edit = match &action.edit {
        DocumentEdit::Document(edits) => {
            let edits =
                edits.iter().map(|(at, text)| lsp::TextEdit { range: doc.range(span(*at)), new_text: text.clone() });
            lsp::WorkspaceEdit {
                changes: Some(std::iter::once((uri.clone(), edits.collect())).collect()),
                ..lsp::WorkspaceEdit::default()
            }
        }
        DocumentEdit::AppendToPolicy { file, text } => {
            let (policy_uri, policy_text) = policy(*file)?;
            let index = LineIndex::new(&policy_text);
            let end = Doc { text: &policy_text, index: &index }
                .range(FileSpan::at(u32::try_from(policy_text.len()).unwrap_or(u32::MAX)));
            let edit = lsp::TextEdit { range: end, new_text: text.clone() };
            lsp::WorkspaceEdit {
                changes: Some(std::iter::once((lsp::Uri::from(policy_uri), vec![edit])).collect()),
                ..lsp::WorkspaceEdit::default()
            }
        }
        DocumentEdit::CreatePolicy { path, text } => {
            let new_uri = lsp::Uri::from(crate::path_to_uri(Path::new(path)));
            let start = lsp::Position { line: 0, character: 0 };
            let insert = lsp::TextEdit { range: lsp::Range { start, end: start }, new_text: text.clone() };
            lsp::WorkspaceEdit {
                document_changes: Some(vec![
                    lsp::DocumentChange::CreateFile(lsp::CreateFile {
                        uri: new_uri.clone(),
                        options: Some(lsp::CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) }),
                        annotation_id: None,
                    }),
                    lsp::DocumentChange::TextDocumentEdit(lsp::TextDocumentEdit {
                        text_document: lsp::OptionalVersionedTextDocumentIdentifier {
                            version: None,
                            text_document_identifier: lsp::TextDocumentIdentifier { uri: new_uri },
                        },
                        edits: vec![lsp::Edit::TextEdit(insert)],
                    }),
                ]),
                ..lsp::WorkspaceEdit::default()
            }
        }
    };
    Some(lsp::CodeAction {
        title: action.title.clone(),
        kind: Some(lsp::CodeActionKind::QuickFix),
        edit: Some(edit),
        ..lsp::CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_yaml_json_and_toml_but_not_the_manifest() {
        assert!(is_document("file:///p/contracts/a.yaml"));
        assert!(is_document("file:///p/a.YML"));
        assert!(is_document("file:///p/a.json"));
        assert!(is_document("file:///p/a.toml"));
        assert!(!is_document("file:///p/tenet.toml"));
        assert!(!is_document("file:///p/tenet.lock"));
        assert!(!is_document("file:///p/policy.tenet"));
    }
}
