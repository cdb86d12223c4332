//! Hover on a document's field: its type and doc comment from the schema, and the obligations
//! that read it with their outcome on this document.

use super::analysis::{DocumentFile, analyse_document};
use super::fields::{choices, field_at, keys_at, type_text, without_positions};
use tenet_db::{Db, Workspace, compile_program};
use tenet_text::DocSpan;

/// What to show for the key or value under the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentHover {
    /// The key or value hovered.
    pub span: DocSpan,
    pub markdown: String,
}

/// Hover at byte `offset` of a document file.
pub fn document_hover(db: &dyn Db, workspace: Workspace, file: DocumentFile, offset: usize) -> Option<DocumentHover> {
    let analysis = analyse_document(db, workspace, file);
    let doc = analysis.document_at(offset)?;
    let (keys, span) = keys_at(&doc.document.root, offset)?;
    let program = compile_program(db, workspace);
    let schema = doc.schema.as_ref().and_then(|name| program.schemas.get(name));
    let path = keys.join(".");
    let mut markdown = match (schema, keys.as_slice()) {
        (Some(schema), ["kind"]) => format!("**`kind`**: documents of this kind are checked against `{}`", schema.name),
        (Some(schema), _) => match field_at(program, schema, &keys) {
            Some(field) => {
                let mut text = format!("**`{path}`**: `{}`", type_text(field));
                if !field.docs.is_empty() {
                    text.push_str(&format!("\n\n{}", field.docs));
                }
                let values = choices(program, &field.ty);
                if !values.is_empty() && !matches!(field.ty, tenet_db::ir::Ty::Bool) {
                    let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                    text.push_str(&format!("\n\none of {}", values.join(", ")));
                }
                text
            }
            None => format!("**`{path}`**: not a field of `{}`", schema.name),
        },
        (None, _) => format!("**`{path}`**"),
    };
    // Findings come one per obligation, so each reader is listed once.
    let readers: Vec<String> = doc
        .result
        .report
        .findings
        .iter()
        .filter(|finding| {
            let evidence = finding.explanation.iter().flat_map(|c| c.evidence.iter()).chain(finding.evidence.iter());
            evidence
                .map(|e| without_positions(&e.path))
                .any(|read| read == path || read.strip_prefix(path.as_str()).is_some_and(|rest| rest.starts_with('.')))
        })
        .map(|finding| format!("- `{}`: {}", finding.obligation, finding.status.as_str().replace('_', " ")))
        .collect();
    if !readers.is_empty() {
        markdown.push_str(&format!("\n\n---\nRead by:\n{}", readers.join("\n")));
    }
    Some(DocumentHover { span, markdown })
}
