//! Code actions: apply a "did you mean" suggestion, add a missing `cite`, add a waiver
//! skeleton for an obligation.

use crate::changes::{Date, TextEdit};
use tenet_db::{Db, SourceFile, Workspace, file_diagnostics};
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::{Clause, FileSpan, Item};
use tenet_syntax::split::split_items;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// Fixes a diagnostic.
    QuickFix,
    /// Writes new code.
    Refactor,
}

/// An edit the editor offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    /// The title shown.
    pub title: String,
    pub kind: ActionKind,
    /// Edits to the file the action was asked for.
    pub edits: Vec<TextEdit>,
    /// The diagnostic it fixes; `None` for a refactor.
    pub fixes: Option<Diagnostic>,
    /// Whether editors should apply it on "fix all".
    pub preferred: bool,
}

/// The actions available for `range` in `file`. `until` is the date a new waiver runs to.
pub fn code_actions(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    range: FileSpan,
    until: Date,
) -> Vec<CodeAction> {
    let text = file.text(db);
    let mut out = Vec::new();
    for d in file_diagnostics(db, workspace, file) {
        if d.span.end < range.start || d.span.start > range.end {
            continue;
        }
        if let Some(fix) = did_you_mean_fix(text, d) {
            out.push(fix);
        }
        if d.code == tenet_syntax::codes::MISSING_CITE
            && let Some(fix) = add_cite(db, file, d)
        {
            out.push(fix);
        }
    }
    if let Some(waiver) = waiver_skeleton(db, file, range, until) {
        out.push(waiver);
    }
    out
}

/// "did you mean `x`?": replace the diagnostic's span with `x`.
fn did_you_mean_fix(text: &str, d: &Diagnostic) -> Option<CodeAction> {
    let help = d.help.as_deref()?;
    let suggestion = help.strip_prefix("did you mean `")?.split('`').next()?;
    let written = text.get(d.span.range())?;
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !plain(written) || !plain(suggestion) || written == suggestion {
        return None;
    }
    Some(CodeAction {
        title: format!("replace `{written}` with `{suggestion}`"),
        kind: ActionKind::QuickFix,
        edits: vec![TextEdit { span: d.span, new_text: suggestion.to_string() }],
        fixes: Some(d.clone()),
        preferred: true,
    })
}

/// The line start of `offset` and the indentation of that line.
fn line_at(text: &str, offset: usize) -> (usize, &str) {
    let start = text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |n| n + 1);
    let line = text.get(start..).unwrap_or("");
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    (start, line.get(..indent).unwrap_or(""))
}

/// W0506: insert `cite: ""` after the `area` or `severity` clause, or first in the body.
fn add_cite(db: &dyn Db, file: SourceFile, d: &Diagnostic) -> Option<CodeAction> {
    let text = file.text(db);
    let parsed = tenet_db::parse(db, file);
    let node = parsed.items.iter().rev().find(|n| n.offset <= d.span.start)?;
    let Item::Deontic(decl) = &node.item else { return None };
    let anchor = decl
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::Area(i) | Clause::Severity(i) => Some(i.span.in_file(node.offset)),
            _ => None,
        })
        .max_by_key(|s| s.start);
    let (at, indent) = match anchor {
        Some(span) => {
            let line_end =
                text.get(span.end as usize..).and_then(|t| t.find('\n')).map_or(text.len(), |n| n + span.end as usize);
            let (_, indent) = line_at(text, span.start as usize);
            (line_end, indent.to_string())
        }
        None => {
            let brace = decl.body_span.in_file(node.offset).start as usize;
            let line_end = text.get(brace..).and_then(|t| t.find('\n')).map_or(text.len(), |n| n + brace);
            (line_end, "  ".to_string())
        }
    };
    let at = u32::try_from(at).ok()?;
    Some(CodeAction {
        title: "add a `cite` clause".to_string(),
        kind: ActionKind::QuickFix,
        edits: vec![TextEdit { span: FileSpan::at(at), new_text: format!("\n{indent}cite: \"\"") }],
        fixes: Some(d.clone()),
        preferred: false,
    })
}

/// A waiver for the obligation under the cursor, inserted after it.
fn waiver_skeleton(db: &dyn Db, file: SourceFile, range: FileSpan, until: Date) -> Option<CodeAction> {
    let text = file.text(db);
    let parsed = tenet_db::parse(db, file);
    let node = parsed.items.iter().rev().find(|n| n.offset <= range.start)?;
    let Item::Deontic(decl) = &node.item else { return None };
    let chunk = split_items(text).into_iter().find(|c| c.start == node.offset as usize)?;
    let body = text.get(chunk.start..chunk.end)?;
    let end = chunk.start + body.trim_end().len();
    if range.start as usize > end {
        return None;
    }
    let at = u32::try_from(end).ok()?;
    let waiver = format!(
        "\n\nwaiver {} where id == \"\" {{\n  reason: \"\"\n  approved_by: \"\"\n  until: {until}\n}}",
        decl.name.name
    );
    Some(CodeAction {
        title: format!("add a waiver for `{}`", decl.name.name),
        kind: ActionKind::Refactor,
        edits: vec![TextEdit { span: FileSpan::at(at), new_text: waiver }],
        fixes: None,
        preferred: false,
    })
}
