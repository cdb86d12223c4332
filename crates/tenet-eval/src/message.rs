//! The message a finding shows. An obligation writes one per outcome: `because "…"` for a
//! violated finding, `if undetermined "…"`, `if satisfied "…"` and `if not_applicable "…"`
//! for the others (a waived finding keeps the message of the outcome it waived). A message
//! one of whose `{path}` holes is absent from the document is not used, so no message shows a
//! placeholder for a value the document does not give. Without a usable message, Tenet
//! writes one: for an undetermined finding, from the fields the document does not give;
//! otherwise, the first line of the obligation's doc comment, or its requirement as written.

use crate::eval::{Atom, Evaluator, Tri};
use crate::report::Condition;
use crate::sensitive::MASK;
use crate::value::Value;
use std::sync::Arc;
use tenet_db::ProgramItem;
use tenet_db::ir::{CompiledMessagePart, CompiledObligation, Outcome};

/// The message the obligation writes for `outcome` (the outcome before any waiver), with
/// every hole filled, or `None` when it writes none or a hole's value is absent.
pub(crate) fn written(
    ob: &ProgramItem<CompiledObligation>,
    outcome: Outcome,
    ev: &mut Evaluator<'_>,
) -> Option<String> {
    let item = &ob.item;
    let parts = match outcome {
        Outcome::Violated | Outcome::Waived => Some(&item.message).filter(|m| !m.is_empty()),
        other => item.outcome_messages.iter().find(|(o, _)| *o == other).map(|(_, parts)| parts),
    }?;
    // Sized for the literal text and a few short values, so it is allocated once.
    let literal: usize = parts.iter().map(|p| if let CompiledMessagePart::Text(t) = p { t.len() } else { 16 }).sum();
    let mut out = String::with_capacity(literal + 16);
    for part in parts {
        match part {
            CompiledMessagePart::Text(t) => out.push_str(t),
            CompiledMessagePart::Value(ir) => {
                let node = ev.value_in(ir, &ob.text, ob.offset, item.locals);
                if matches!(node.value, Value::Unknown) {
                    return None;
                }
                if node.origin.span.is_some_and(|span| ev.sensitive().touches(span)) {
                    out.push_str(MASK);
                } else {
                    node.value.write_text(&mut out);
                }
            }
        }
    }
    Some(out)
}

/// The document paths an explained finding read and found absent, in conditions that came
/// out unknown: what an undetermined finding lacks. Each path once, in the order read.
pub(crate) fn missing_in_explanation(conditions: &[Condition]) -> Vec<Arc<str>> {
    let unknown = conditions.iter().filter(|c| c.result == Tri::Unknown.as_str());
    once_each(unknown.flat_map(|c| &c.evidence).filter(|e| e.absent).map(|e| e.path.as_str()))
}

/// As [`missing_in_explanation`], from the atoms of an explaining evaluation.
pub(crate) fn missing_in_atoms<'a>(atoms: impl Iterator<Item = &'a Atom>) -> Vec<Arc<str>> {
    let unknown = atoms.filter(|a| a.result == Tri::Unknown);
    once_each(unknown.flat_map(|a| &a.reads).filter(|r| r.absent).map(|r| &*r.path))
}

fn once_each<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<Arc<str>> {
    let mut out: Vec<Arc<str>> = Vec::new();
    for path in paths {
        if !out.iter().any(|p| &**p == path) {
            out.push(Arc::from(path));
        }
    }
    out
}

/// What an obligation says it requires, for messages it does not write itself.
pub(crate) enum Summary {
    /// The first line of its doc comment.
    Doc(String),
    /// Its short name, requirement keyword (`must`, `must not`) and condition as written.
    Requirement { name: String, keyword: &'static str, condition: String },
}

impl Summary {
    /// The first line of the obligation's doc comment, or else its requirement as written.
    pub(crate) fn of(ob: &ProgramItem<CompiledObligation>) -> Summary {
        let item = &ob.item;
        if let Some(first) = item.docs.lines().map(str::trim).find(|l| !l.is_empty()) {
            return Summary::Doc(first.to_string());
        }
        let name = item.name.rsplit('.').next().unwrap_or(&item.name).to_string();
        let start = (ob.offset + item.requirement.span.start) as usize;
        let end = (ob.offset + item.requirement.span.end) as usize;
        let condition = ob.text.get(start..end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
        let keyword = if item.negated { "must not" } else { "must" };
        Summary::Requirement { name, keyword, condition }
    }

    /// The message of a finding the obligation writes none for (`` `name`: must condition ``).
    pub(crate) fn message(&self) -> String {
        match self {
            Summary::Doc(line) => line.clone(),
            Summary::Requirement { name, keyword, condition } => format!("`{name}`: {keyword} {condition}"),
        }
    }

    /// The message of an undetermined finding the obligation writes none for: which fields
    /// the document does not give (`missing`, in the order read), then what it requires.
    pub(crate) fn undetermined(&self, missing: &[Arc<str>]) -> String {
        let names: Vec<String> = missing.iter().map(|path| format!("`{path}`")).collect();
        let subject = match names.as_slice() {
            [] => None,
            [one] => Some(format!("{one} is not given")),
            [rest @ .., last] => Some(format!("{} and {last} are not given", rest.join(", "))),
        };
        match (subject, self) {
            (Some(subject), Summary::Doc(line)) => format!("{subject}: {}", sentence_after_colon(line)),
            (None, Summary::Doc(line)) => {
                format!("the document does not say enough to decide: {}", sentence_after_colon(line))
            }
            (Some(subject), Summary::Requirement { name, keyword, condition }) => {
                format!("{subject}, so `{name}` cannot be decided ({keyword} {condition})")
            }
            (None, Summary::Requirement { name, keyword, condition }) => {
                format!("the document does not say enough to decide `{name}` ({keyword} {condition})")
            }
        }
    }
}

/// `text` continuing a sentence: its first letter in lower case, unless the first word is
/// an abbreviation (`GDPR`) or code.
fn sentence_after_colon(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_ascii_uppercase() && !second.is_ascii_uppercase() => {
            format!("{}{}", first.to_ascii_lowercase(), text.get(1..).unwrap_or(""))
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_missing_field_once_in_a_sentence() {
        let doc = Summary::Doc("A processor reports breaches within 48 hours.".into());
        assert_eq!(
            doc.undetermined(&[Arc::from("dpa.breach_notice_hours")]),
            "`dpa.breach_notice_hours` is not given: a processor reports breaches within 48 hours."
        );
        let acronym = Summary::Doc("GDPR says so.".into());
        assert_eq!(
            acronym.undetermined(&[Arc::from("a"), Arc::from("b"), Arc::from("c")]),
            "`a`, `b` and `c` are not given: GDPR says so."
        );
        let requirement = Summary::Requirement { name: "x".into(), keyword: "must", condition: "y > 1".into() };
        assert_eq!(
            requirement.undetermined(&[Arc::from("y")]),
            "`y` is not given, so `x` cannot be decided (must y > 1)"
        );
        assert_eq!(requirement.undetermined(&[]), "the document does not say enough to decide `x` (must y > 1)");
        assert_eq!(requirement.message(), "`x`: must y > 1");
    }
}
