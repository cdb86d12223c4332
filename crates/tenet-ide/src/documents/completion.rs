//! Completion in a document: the fields of the record the cursor is in (with their types and
//! doc comments), and the values of an enum or boolean field, written as the file's format
//! writes them.

use super::analysis::{DocumentFile, analyse_document};
use super::cursor::{Cursor, Typing, cursor, written_kind};
use super::fields::{choices, record_at, type_text};
use std::path::Path;
use tenet_db::ir::{SchemaDef, Ty};
use tenet_db::{Db, Program, Workspace, compile_program};
use tenet_input::Format;
use tenet_text::DocSpan;

/// What a completion adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentCompletionKind {
    Field,
    Value,
}

/// One completion in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentCompletion {
    /// The field or value name.
    pub label: String,
    pub kind: DocumentCompletionKind,
    /// The field's type.
    pub detail: Option<String>,
    /// The field's doc comment.
    pub documentation: Option<String>,
    /// What replaces `replace`: `name: ` in YAML, `"name": ` in JSON, `name = ` in TOML.
    pub insert: String,
    pub replace: DocSpan,
}

/// Completions at byte `offset` of a document file.
pub fn document_completions(
    db: &dyn Db,
    workspace: Workspace,
    file: DocumentFile,
    offset: usize,
) -> Vec<DocumentCompletion> {
    let text = file.text(db);
    let format = Format::from_path(Path::new(file.path(db))).unwrap_or_else(|| Format::sniff(text));
    let Some(cursor) = cursor(format, text, offset) else { return Vec::new() };
    let program = compile_program(db, workspace);
    let Some(schema) = schema_here(db, workspace, file, format, offset) else { return Vec::new() };
    let Some(record) = record_at(program, schema, &cursor.parents.iter().map(String::as_str).collect::<Vec<_>>())
    else {
        return Vec::new();
    };
    match &cursor.typing {
        Typing::Key => fields(record, format, &cursor, cursor.parents.is_empty()),
        Typing::Value { key } => match record.field(key) {
            Some((_, field)) => values(program, &field.ty, format, &cursor),
            None => Vec::new(),
        },
    }
}

/// The schema of the document around `offset`: the one its analysis found, else (while the
/// text does not load) the one its written `kind`, or its project's `[inputs]`, names.
fn schema_here(
    db: &dyn Db,
    workspace: Workspace,
    file: DocumentFile,
    format: Format,
    offset: usize,
) -> Option<&SchemaDef> {
    let program = compile_program(db, workspace);
    let analysis = analyse_document(db, workspace, file);
    if let Some(name) = analysis.document_at(offset).and_then(|d| d.schema.as_ref()) {
        return program.schemas.get(name);
    }
    let kind =
        written_kind(format, file.text(db), offset).or_else(|| file.default_kind(db).as_deref().map(str::to_string))?;
    tenet_eval::schema_of_kind(program, &kind).ok()
}

fn fields(record: &SchemaDef, format: Format, cursor: &Cursor, at_root: bool) -> Vec<DocumentCompletion> {
    let mut out = Vec::new();
    if at_root && !cursor.siblings.iter().any(|k| k == "kind") {
        let kind = record.name.rsplit('.').next().unwrap_or(&record.name);
        out.push(DocumentCompletion {
            label: "kind".to_string(),
            kind: DocumentCompletionKind::Field,
            detail: Some(record.name.to_string()),
            documentation: Some("The document's kind: the schema it is checked against.".to_string()),
            insert: entry_text(format, "kind", &scalar_text(format, kind, false)),
            replace: cursor.typed,
        });
    }
    for field in &record.fields {
        if cursor.siblings.iter().any(|k| **k == *field.name) {
            continue;
        }
        out.push(DocumentCompletion {
            label: field.name.to_string(),
            kind: DocumentCompletionKind::Field,
            detail: Some(type_text(field)),
            documentation: (!field.docs.is_empty()).then(|| field.docs.clone()),
            insert: entry_text(format, &field.name, ""),
            replace: cursor.typed,
        });
    }
    out
}

/// A key with its separator, and `value` if given: `name: ` (YAML), `"name": ` (JSON),
/// `name = ` (TOML).
fn entry_text(format: Format, key: &str, value: &str) -> String {
    match format {
        Format::Yaml => format!("{key}: {value}"),
        Format::Json | Format::Ndjson => format!("\"{key}\": {value}"),
        Format::Toml => format!("{key} = {value}"),
    }
}

/// A name as the format writes it as a value: quoted in JSON and TOML (unless a boolean), bare
/// in YAML.
fn scalar_text(format: Format, value: &str, is_bool: bool) -> String {
    match format {
        Format::Json | Format::Ndjson | Format::Toml if !is_bool => format!("\"{value}\""),
        _ => value.to_string(),
    }
}

fn values(program: &Program, ty: &Ty, format: Format, cursor: &Cursor) -> Vec<DocumentCompletion> {
    let is_bool = matches!(ty, Ty::Bool);
    choices(program, ty)
        .into_iter()
        .map(|value| DocumentCompletion {
            insert: scalar_text(format, &value, is_bool),
            label: value,
            kind: DocumentCompletionKind::Value,
            detail: Some(ty.to_string()),
            documentation: None,
            replace: cursor.typed,
        })
        .collect()
}
