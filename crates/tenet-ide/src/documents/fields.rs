//! From a place in a document to the schema field written there: the path of keys to the
//! value under the cursor, and the field (and record) that path names in the document's schema.

use tenet_db::Program;
use tenet_db::ir::{FieldDef, SchemaDef, Ty};
use tenet_input::{Node, NodeValue};
use tenet_syntax::ast::DurationUnit;
use tenet_text::DocSpan;

/// The keys from the document's root to the key or value at `offset` (list positions are
/// left out: a list's elements share their schema), and the span of that key or value.
pub(super) fn keys_at(root: &Node, offset: usize) -> Option<(Vec<&str>, DocSpan)> {
    let mut node = root;
    let mut keys = Vec::new();
    let mut hit = None;
    loop {
        match &node.value {
            NodeValue::Map(entries) => {
                let Some(entry) = entries.iter().find(|e| e.key_span.touches(offset) || e.value.span.touches(offset))
                else {
                    break;
                };
                keys.push(entry.key.as_str());
                if entry.key_span.touches(offset) {
                    hit = Some(entry.key_span);
                    break;
                }
                hit = Some(entry.value.span);
                node = &entry.value;
            }
            NodeValue::List(items) => {
                let Some(item) = items.iter().find(|i| i.span.touches(offset)) else { break };
                hit = Some(item.span);
                node = item;
            }
            _ => break,
        }
    }
    hit.map(|span| (keys, span))
}

/// The record a value at `keys` holds, starting from `schema`: each key names a field, and a
/// field's list, set or map type stands for its elements.
pub(super) fn record_at<'p>(program: &'p Program, schema: &'p SchemaDef, keys: &[&str]) -> Option<&'p SchemaDef> {
    let mut record = schema;
    for key in keys {
        let (_, field) = record.field(key)?;
        record = record_of(program, &field.ty)?;
    }
    Some(record)
}

/// The field at `keys` (at least one key).
pub(super) fn field_at<'p>(program: &'p Program, schema: &'p SchemaDef, keys: &[&str]) -> Option<&'p FieldDef> {
    let (last, parents) = keys.split_last()?;
    let record = record_at(program, schema, parents)?;
    record.field(last).map(|(_, field)| field)
}

/// The record a value of type `ty` holds, looking through lists, sets and maps.
fn record_of<'p>(program: &'p Program, ty: &Ty) -> Option<&'p SchemaDef> {
    let mut ty = ty;
    loop {
        match ty {
            Ty::Record(name) => return program.schemas.get(name),
            Ty::List(inner) | Ty::Set(inner) | Ty::Map(inner) => ty = inner,
            _ => return None,
        }
    }
}

/// The values a field of type `ty` may take from a fixed set: an enum's variants (of the type
/// or of its elements), or `true` and `false`.
pub(super) fn choices(program: &Program, ty: &Ty) -> Vec<String> {
    let mut ty = ty;
    loop {
        match ty {
            Ty::Enum(name) => {
                return program
                    .enums
                    .get(name)
                    .map(|e| e.variants.iter().map(|v| v.to_string()).collect())
                    .unwrap_or_default();
            }
            Ty::Bool => return vec!["true".to_string(), "false".to_string()],
            Ty::List(inner) | Ty::Set(inner) => ty = inner,
            _ => return Vec::new(),
        }
    }
}

/// A field's type as a schema writes it: `duration(hours)?`, `list<Transfer>`.
pub(super) fn type_text(field: &FieldDef) -> String {
    let ty = match (&field.ty, field.unit) {
        (Ty::Duration, Some(DurationUnit::Hours)) => "duration(hours)".to_string(),
        (Ty::Duration, Some(DurationUnit::Days)) => "duration(days)".to_string(),
        (ty, _) => ty.to_string(),
    };
    if field.optional { format!("{ty}?") } else { ty }
}

/// An evidence path without its list positions: `transfers[0].to` is `transfers.to`.
pub(super) fn without_positions(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_brackets = false;
    for c in path.chars() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            c if !in_brackets => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_dropped_from_paths() {
        assert_eq!(without_positions("transfers[0].to"), "transfers.to");
        assert_eq!(without_positions("a[1][2].b"), "a.b");
        assert_eq!(without_positions("dpa.breach_notice_hours"), "dpa.breach_notice_hours");
    }
}
