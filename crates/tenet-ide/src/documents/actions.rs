//! Code actions in a document: a waiver skeleton for a failing finding, added to the
//! project's waiver file (created when there is none), and the missing field an undetermined
//! finding names, inserted where the document's structure says it goes.

use super::analysis::{AnalysedDocument, DocumentFile, analyse_document};
use crate::changes::Date;
use std::path::Path;
use tenet_db::{Db, SourceFile, Workspace};
use tenet_eval::{Finding, Outcome};
use tenet_input::{Format, Node, NodeValue};
use tenet_syntax::ast::Item;
use tenet_text::DocSpan;

/// Where new waivers go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaiverFile {
    /// A policy file of the project that already holds waivers: new ones are appended.
    Existing(SourceFile),
    /// No file holds waivers yet: one is created at `path`, declaring `package`.
    New { path: String, package: String },
}

impl WaiverFile {
    /// The first of the project's own policy files that declares a waiver, else a new file.
    pub fn find(db: &dyn Db, project_files: &[SourceFile], new_path: String, package: String) -> WaiverFile {
        let holds_waivers = |file: &SourceFile| {
            tenet_db::parse(db, *file).items.iter().any(|node| matches!(node.item, Item::Waiver(_)))
        };
        match project_files.iter().find(|f| holds_waivers(f)) {
            Some(file) => WaiverFile::Existing(*file),
            None => WaiverFile::New { path: new_path, package },
        }
    }
}

/// What an action changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentEdit {
    /// Insertions into the document itself.
    Document(Vec<(DocSpan, String)>),
    /// Text added at the end of a policy file.
    AppendToPolicy { file: SourceFile, text: String },
    /// A new policy file.
    CreatePolicy { path: String, text: String },
}

/// A fix offered for a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentAction {
    pub title: String,
    pub edit: DocumentEdit,
    /// The obligation whose finding it answers.
    pub obligation: String,
}

/// The actions for the findings shown in `range` of a document file: a waiver for each
/// violated or undetermined finding of a document that has an `id` (running to `until`), and
/// for each undetermined one, the fields it found missing.
pub fn document_actions(
    db: &dyn Db,
    workspace: Workspace,
    file: DocumentFile,
    range: DocSpan,
    waivers: &WaiverFile,
    until: Date,
) -> Vec<DocumentAction> {
    let analysis = analyse_document(db, workspace, file);
    let text = file.text(db);
    let format = Format::from_path(Path::new(file.path(db))).unwrap_or_else(|| Format::sniff(text));
    let mut out = Vec::new();
    for doc in analysis.documents.iter().filter(|d| d.served) {
        for finding in &doc.result.report.findings {
            if !matches!(finding.status, Outcome::Violated | Outcome::Undetermined) {
                continue;
            }
            let span = doc.finding_span(finding);
            if !(span.touches(range.start) || span.touches(range.end) || range.contains(span)) {
                continue;
            }
            if let Some(action) = waiver(db, doc, finding, waivers, until) {
                out.push(action);
            }
            if finding.status == Outcome::Undetermined {
                out.extend(missing_fields(text, format, doc, finding));
            }
        }
    }
    out
}

fn waiver(
    db: &dyn Db,
    doc: &AnalysedDocument,
    finding: &Finding,
    waivers: &WaiverFile,
    until: Date,
) -> Option<DocumentAction> {
    let id = doc.result.report.id.as_deref()?;
    let waiver = format!(
        "waiver {} where id == {} {{\n  reason: \"\"\n  approved_by: \"\"\n  until: {until}\n}}\n",
        finding.obligation,
        string_literal(id),
    );
    let (edit, place) = match waivers {
        WaiverFile::Existing(file) => {
            let text = file.text(db);
            let separator = if text.ends_with("\n\n") || text.is_empty() {
                ""
            } else if text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            let name =
                Path::new(file.path(db)).file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            (DocumentEdit::AppendToPolicy { file: *file, text: format!("{separator}{waiver}") }, name)
        }
        WaiverFile::New { path, package } => {
            let text = format!(
                "// Approved exceptions to the project's obligations: who approved each, why, and until when.\n\npackage {package}\n\n{waiver}"
            );
            let name = Path::new(path).file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            (DocumentEdit::CreatePolicy { path: path.clone(), text }, format!("new file {name}"))
        }
    };
    Some(DocumentAction {
        title: format!("Waive `{}` for `{id}` (in {place})", finding.obligation),
        edit,
        obligation: finding.obligation.to_string(),
    })
}

/// A Tenet string literal.
fn string_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An action per field the finding found absent.
fn missing_fields(text: &str, format: Format, doc: &AnalysedDocument, finding: &Finding) -> Vec<DocumentAction> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let absent = finding.explanation.iter().flat_map(|c| c.evidence.iter()).chain(finding.evidence.iter());
    for evidence in absent.filter(|e| e.absent) {
        // A missing field of one list element is not one place to insert.
        if evidence.path.contains('[') || seen.contains(&evidence.path.as_str()) {
            continue;
        }
        seen.push(&evidence.path);
        let keys: Vec<&str> = evidence.path.split('.').collect();
        let insertion = match format {
            Format::Yaml => yaml_insertion(text, &doc.document.root, &keys),
            Format::Json | Format::Ndjson => json_insertion(text, &doc.document.root, &keys),
            Format::Toml => toml_insertion(text, &keys),
        };
        if let Some((at, new_text)) = insertion {
            out.push(DocumentAction {
                title: format!("Add the missing field `{}`", evidence.path),
                edit: DocumentEdit::Document(vec![(DocSpan::at(at), new_text)]),
                obligation: finding.obligation.to_string(),
            });
        }
    }
    out
}

/// The deepest map on the way to `keys`' last key, and how many keys lead to it. `None` when a
/// key on the way holds something other than a map.
fn deepest_map<'n>(root: &'n Node, keys: &[&str]) -> Option<(&'n Node, usize)> {
    let mut node = root;
    let mut depth = 0;
    while let Some(key) = keys.get(depth).filter(|_| depth + 1 < keys.len()) {
        match node.get(key) {
            Some(child) if matches!(child.value, NodeValue::Map(_)) => {
                node = child;
                depth += 1;
            }
            Some(_) => return None,
            None => break,
        }
    }
    matches!(node.value, NodeValue::Map(_)).then_some((node, depth))
}

fn line_start(text: &str, offset: usize) -> usize {
    text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1)
}

/// The end of the line holding `offset` (before its newline).
fn line_end(text: &str, offset: usize) -> usize {
    text.get(offset..).and_then(|t| t.find('\n')).map_or(text.len(), |i| offset + i)
}

fn yaml_insertion(text: &str, root: &Node, keys: &[&str]) -> Option<(usize, String)> {
    let (map, depth) = deepest_map(root, keys)?;
    let NodeValue::Map(entries) = &map.value else { return None };
    let (first, last) = (entries.first()?, entries.last()?);
    if text.get(map.span.start..)?.starts_with('{') {
        return None;
    }
    let indent = first.key_span.start - line_start(text, first.key_span.start);
    let end = last.value.span.end.max(last.key_span.end);
    let at = line_end(text, end.saturating_sub(1).max(last.key_span.start));
    let mut new_text = String::new();
    for (level, key) in keys.iter().skip(depth).enumerate() {
        new_text.push('\n');
        new_text.push_str(&" ".repeat(indent + 2 * level));
        new_text.push_str(key);
        new_text.push(':');
    }
    Some((at, new_text))
}

fn json_insertion(text: &str, root: &Node, keys: &[&str]) -> Option<(usize, String)> {
    let (map, depth) = deepest_map(root, keys)?;
    let NodeValue::Map(entries) = &map.value else { return None };
    let remaining = keys.get(depth..)?;
    let mut value = "null".to_string();
    for key in remaining.iter().skip(1).rev() {
        value = format!("{{\"{key}\": {value}}}");
    }
    let entry = format!("\"{}\": {value}", remaining.first()?);
    match (entries.first(), entries.last()) {
        (Some(first), Some(last)) => {
            let indent = first.key_span.start - line_start(text, first.key_span.start);
            let on_own_lines = line_start(text, first.key_span.start) > map.span.start;
            let separator = if on_own_lines { format!(",\n{}", " ".repeat(indent)) } else { ", ".to_string() };
            Some((last.value.span.end, format!("{separator}{entry}")))
        }
        _ => Some((map.span.start + 1, entry)),
    }
}

/// TOML: a top-level key goes after the last line before the first table; a key of a table
/// after the table's last line, and a table that is not there yet at the end.
fn toml_insertion(text: &str, keys: &[&str]) -> Option<(usize, String)> {
    let (last, parents) = keys.split_last()?;
    let entry = format!("{last} = \"\"");
    let headers: Vec<(usize, String)> = text
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .filter(|(_, line)| line.trim_start().starts_with('['))
        .map(|(start, line)| (start, line.trim().trim_matches(|c| c == '[' || c == ']').replace(' ', "")))
        .collect();
    let wanted = parents.join(".");
    let section_end = |from: usize| headers.iter().map(|(s, _)| *s).find(|s| *s > from).unwrap_or(text.len());
    let (start, end) = if parents.is_empty() {
        (0, headers.first().map_or(text.len(), |(s, _)| *s))
    } else {
        match headers.iter().find(|(_, name)| *name == wanted) {
            Some((start, _)) => (*start, section_end(*start)),
            None => {
                let separator = if text.ends_with('\n') || text.is_empty() { "" } else { "\n" };
                return Some((text.len(), format!("{separator}\n[{wanted}]\n{entry}\n")));
            }
        }
    };
    // After the section's last non-blank line.
    let section = text.get(start..end)?;
    let trimmed = section.trim_end();
    let at = start + trimmed.len();
    Some((at, format!("\n{entry}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tenet_input::{Limits, Source};

    fn root(format: Format, text: &str) -> Node {
        let source = Arc::new(Source::new("doc", text, format));
        let (mut docs, _) = tenet_input::load_partial(source, &Limits::default());
        docs.remove(0).root
    }

    fn apply(text: &str, (at, new_text): (usize, String)) -> String {
        format!("{}{new_text}{}", &text[..at], &text[at..])
    }

    #[test]
    fn yaml_fields_go_under_their_parent() {
        let text = "kind: Contract\ndpa:\n  audit_rights: true\nvendor:\n  name: x\n";
        let keys = ["dpa", "breach_notice_hours"];
        let out = yaml_insertion(text, &root(Format::Yaml, text), &keys).map(|i| apply(text, i));
        assert_eq!(
            out.as_deref(),
            Some("kind: Contract\ndpa:\n  audit_rights: true\n  breach_notice_hours:\nvendor:\n  name: x\n")
        );
        let text = "kind: Contract\nid: a\n";
        let out = yaml_insertion(text, &root(Format::Yaml, text), &keys).map(|i| apply(text, i));
        assert_eq!(out.as_deref(), Some("kind: Contract\nid: a\ndpa:\n  breach_notice_hours:\n"));
    }

    #[test]
    fn json_fields_follow_the_last_entry() {
        let text = "{\n  \"kind\": \"Contract\",\n  \"dpa\": {\"audit_rights\": true}\n}\n";
        let keys = ["dpa", "breach_notice_hours"];
        let out = json_insertion(text, &root(Format::Json, text), &keys).map(|i| apply(text, i));
        assert_eq!(
            out.as_deref(),
            Some(
                "{\n  \"kind\": \"Contract\",\n  \"dpa\": {\"audit_rights\": true, \"breach_notice_hours\": null}\n}\n"
            )
        );
        let text = "{\n  \"kind\": \"Contract\"\n}";
        let out = json_insertion(text, &root(Format::Json, text), &keys).map(|i| apply(text, i));
        assert_eq!(out.as_deref(), Some("{\n  \"kind\": \"Contract\",\n  \"dpa\": {\"breach_notice_hours\": null}\n}"));
    }

    #[test]
    fn toml_fields_go_into_their_table() {
        let text = "kind = \"Contract\"\n\n[dpa]\naudit_rights = true\n\n[vendor]\nname = \"x\"\n";
        let out = toml_insertion(text, &["dpa", "breach_notice_hours"]).map(|i| apply(text, i));
        assert_eq!(
            out.as_deref(),
            Some(
                "kind = \"Contract\"\n\n[dpa]\naudit_rights = true\nbreach_notice_hours = \"\"\n\n[vendor]\nname = \"x\"\n"
            )
        );
        let out = toml_insertion(text, &["id"]).map(|i| apply(text, i));
        assert!(out.is_some_and(|t| t.starts_with("kind = \"Contract\"\nid = \"\"\n\n[dpa]")));
        let out = toml_insertion(text, &["terms", "x"]).map(|i| apply(text, i));
        assert!(out.is_some_and(|t| t.ends_with("name = \"x\"\n\n[terms]\nx = \"\"\n")));
    }

    #[test]
    fn ids_are_written_as_tenet_strings() {
        assert_eq!(string_literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
