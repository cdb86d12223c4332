//! Building protocol values from `tenet-ide` results. Responses are written as JSON (the
//! protocol's own notation) and checked into the protocol types with serde, so the field
//! names here are the ones in the LSP specification.

use crate::line_index::LineIndex;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tenet_ide::{ActionKind, Completion, CompletionKind, Fold, FoldKind, Symbol, SymbolKind, TextEdit};
use tenet_syntax::ast::Span;
use tenet_syntax::{Diagnostic, Level};
use tower_lsp_server::jsonrpc;

/// A text and its line index, for converting spans.
pub struct Doc<'a> {
    /// The text.
    pub text: &'a str,
    /// Its lines.
    pub index: &'a LineIndex,
}

impl Doc<'_> {
    /// A protocol position.
    pub fn position(&self, offset: u32) -> Value {
        let p = self.index.position(self.text, offset);
        json!({ "line": p.line, "character": p.character })
    }

    /// A protocol range.
    pub fn range(&self, span: Span) -> Value {
        json!({ "start": self.position(span.start), "end": self.position(span.end) })
    }

    /// A text edit.
    pub fn edit(&self, edit: &TextEdit) -> Value {
        json!({ "range": self.range(edit.span), "newText": edit.new_text })
    }
}

/// Converts JSON into a protocol type.
pub fn typed<T: DeserializeOwned>(value: Value) -> jsonrpc::Result<T> {
    serde_json::from_value(value).map_err(|e| {
        let mut error = jsonrpc::Error::internal_error();
        error.message = format!("response does not fit the protocol: {e}").into();
        error
    })
}

/// A diagnostic for `uri`.
pub fn diagnostic(doc: &Doc<'_>, uri: &str, d: &Diagnostic) -> Value {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<Value> = d
        .notes
        .iter()
        .map(|n| json!({ "location": { "uri": uri, "range": doc.range(n.span) }, "message": n.message }))
        .collect();
    let mut value = json!({
        "range": doc.range(d.span),
        "severity": if d.level == Level::Error { 1 } else { 2 },
        "code": d.code.strip_prefix("tenet::").unwrap_or(d.code),
        "source": "tenet",
        "message": message,
    });
    if !related.is_empty()
        && let Some(object) = value.as_object_mut()
    {
        object.insert("relatedInformation".into(), Value::Array(related));
    }
    value
}

/// A completion item.
pub fn completion(doc: &Doc<'_>, c: &Completion, index: usize) -> Value {
    let kind = match c.kind {
        CompletionKind::Keyword => 14,
        CompletionKind::Field => 5,
        CompletionKind::Variant => 20,
        CompletionKind::Rule => 3,
        CompletionKind::Constant => 21,
        CompletionKind::Schema => 22,
        CompletionKind::Enum => 13,
        CompletionKind::Obligation => 7,
        CompletionKind::Package => 9,
        CompletionKind::Variable => 6,
        CompletionKind::Type => 25,
        CompletionKind::Value => 12,
    };
    let mut item = json!({
        "label": c.label,
        "kind": kind,
        "sortText": format!("{index:04}"),
        "textEdit": { "range": doc.range(c.replace), "newText": c.label },
    });
    if let Some(object) = item.as_object_mut() {
        if let Some(detail) = &c.detail {
            object.insert("detail".into(), json!(detail));
        }
        if let Some(docs) = &c.documentation {
            object.insert("documentation".into(), json!({ "kind": "markdown", "value": docs }));
        }
    }
    item
}

fn symbol_kind(kind: SymbolKind) -> u32 {
    match kind {
        SymbolKind::Package => 4,
        SymbolKind::Import => 2,
        SymbolKind::Schema => 23,
        SymbolKind::Field => 8,
        SymbolKind::Enum => 10,
        SymbolKind::Variant => 22,
        SymbolKind::Constant | SymbolKind::Parameter => 14,
        SymbolKind::Override => 13,
        SymbolKind::Rule => 12,
        SymbolKind::Obligation => 5,
        SymbolKind::Waiver => 24,
        SymbolKind::Test => 6,
    }
}

/// A document symbol with its children.
pub fn document_symbol(doc: &Doc<'_>, s: &Symbol) -> Value {
    let mut value = json!({
        "name": s.name,
        "kind": symbol_kind(s.kind),
        "range": doc.range(s.range),
        "selectionRange": doc.range(s.selection),
    });
    if let Some(object) = value.as_object_mut() {
        if let Some(detail) = &s.detail {
            object.insert("detail".into(), json!(detail));
        }
        if !s.children.is_empty() {
            let children: Vec<Value> = s.children.iter().map(|c| document_symbol(doc, c)).collect();
            object.insert("children".into(), Value::Array(children));
        }
    }
    value
}

/// A workspace symbol.
pub fn workspace_symbol(doc: &Doc<'_>, uri: &str, s: &Symbol, container: Option<&str>) -> Value {
    let mut value = json!({
        "name": s.name,
        "kind": symbol_kind(s.kind),
        "location": { "uri": uri, "range": doc.range(s.selection) },
    });
    if let (Some(container), Some(object)) = (container, value.as_object_mut()) {
        object.insert("containerName".into(), json!(container));
    }
    value
}

/// A folding range.
pub fn fold(f: &Fold) -> Value {
    let kind = match f.kind {
        FoldKind::Region => "region",
        FoldKind::Comment => "comment",
        FoldKind::Imports => "imports",
    };
    json!({ "startLine": f.start_line, "endLine": f.end_line, "kind": kind })
}

/// A code action that edits `uri`.
pub fn code_action(doc: &Doc<'_>, uri: &str, action: &tenet_ide::CodeAction) -> Value {
    let edits: Vec<Value> = action.edits.iter().map(|e| doc.edit(e)).collect();
    let kind = match action.kind {
        ActionKind::QuickFix => "quickfix",
        ActionKind::Refactor => "refactor",
    };
    let mut value = json!({
        "title": action.title,
        "kind": kind,
        "edit": { "changes": { uri: edits } },
    });
    if let Some(object) = value.as_object_mut() {
        if let Some(d) = &action.fixes {
            object.insert("diagnostics".into(), json!([diagnostic(doc, uri, d)]));
        }
        if action.preferred {
            object.insert("isPreferred".into(), json!(true));
        }
    }
    value
}

/// Semantic tokens, relative-encoded as the protocol wants (lengths in UTF-16 units).
pub fn semantic_tokens(doc: &Doc<'_>, tokens: &[tenet_ide::SemanticToken]) -> Value {
    let mut data = Vec::with_capacity(tokens.len() * 5);
    let (mut line, mut character) = (0u32, 0u32);
    for token in tokens {
        let start = doc.index.position(doc.text, token.span.start);
        let end = doc.index.position(doc.text, token.span.end);
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        // Tokens come sorted; one that does not (it cannot be encoded) is left out.
        let Some(delta_line) = start.line.checked_sub(line) else { continue };
        let delta_start = match delta_line {
            0 => match start.character.checked_sub(character) {
                Some(d) => d,
                None => continue,
            },
            _ => start.character,
        };
        data.extend([delta_line, delta_start, end.character - start.character, token.ty as u32, token.modifiers]);
        line = start.line;
        character = start.character;
    }
    json!({ "data": data })
}
