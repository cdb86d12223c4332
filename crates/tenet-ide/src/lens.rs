//! Code lenses: each obligation's outcomes over the package's sample documents.

use crate::changes::Date;
use crate::hover::qualified;
use std::collections::BTreeMap;
use tenet_db::ide_support::file_items;
use tenet_db::{Db, SourceFile, Workspace, compile_program};
use tenet_eval::{Outcome, Session};
use tenet_input::Document;
use tenet_syntax::ast::{FileSpan, Item};

/// A line of text above an obligation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The obligation's name, absolute.
    pub span: FileSpan,
    /// The obligation's qualified name.
    pub obligation: String,
    /// What to show, such as "3 satisfied · 1 violated".
    pub title: String,
}

/// The order outcomes are listed in a lens.
const ORDER: [Outcome; 5] =
    [Outcome::Satisfied, Outcome::Violated, Outcome::Undetermined, Outcome::NotApplicable, Outcome::Waived];

/// A lens on every obligation, prohibition and recommendation of `file`, counting its
/// outcomes over `samples` evaluated as of `today`. No samples, no lenses.
pub fn code_lenses(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    samples: &[Document],
    today: Date,
) -> Vec<CodeLens> {
    if samples.is_empty() {
        return Vec::new();
    }
    let program = compile_program(db, workspace);
    let mut session = Session::new(program, today);
    for doc in samples {
        session.evaluate(doc, None);
    }
    let (report, _) = session.finish();
    let mut counts: BTreeMap<&str, BTreeMap<Outcome, usize>> = BTreeMap::new();
    let mut documents_of_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for doc in &report.documents {
        if let Some(kind) = &doc.kind {
            *documents_of_kind.entry(kind.as_str()).or_default() += 1;
        }
        for finding in &doc.findings {
            *counts.entry(&*finding.obligation).or_default().entry(finding.status).or_default() += 1;
        }
    }
    let parsed = tenet_db::parse(db, file);
    let mut out = Vec::new();
    for (id, node) in file_items(db, workspace, file).into_iter().zip(&parsed.items) {
        let Item::Deontic(d) = &node.item else { continue };
        let name = qualified(db, id);
        let title = if program.obligations.iter().all(|o| *o.item.name != *name) {
            "not evaluated: fix the errors in this item first".to_string()
        } else {
            match counts.get(name.as_str()) {
                Some(by_outcome) => ORDER
                    .iter()
                    .filter_map(|o| by_outcome.get(o).map(|n| format!("{n} {}", o.as_str().replace('_', " "))))
                    .collect::<Vec<_>>()
                    .join(" · "),
                None => format!("no sample `{}` document", d.on.text()),
            }
        };
        out.push(CodeLens { span: d.name.span.in_file(node.offset), obligation: name, title });
    }
    out
}
