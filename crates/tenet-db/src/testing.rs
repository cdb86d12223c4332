//! `test` items: which document, which date, which parameter values, which outcomes.

use crate::analysis::{Def, Occurrences};
use crate::errors::ItemError;
use crate::inputs::{Db, ItemKind, SourceFile, Workspace};
use crate::ir::{CompiledTest, Expectation, Outcome, TestSource};
use crate::params::check_override;
use crate::scope::{is_broken, lookup, missing_import, qualified, visible_names};
use crate::signatures::{deontic_kind, resolve_kind};
use std::sync::Arc;
use tenet_syntax::ast::ItemSpan;
use tenet_syntax::ast::{GivenSource, TestDecl};
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Unresolved};

/// Checks a test and compiles it when it has no errors.
pub(crate) fn check_test(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    t: &TestDecl,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
    occ: &mut Occurrences,
) -> Option<CompiledTest> {
    for given in &t.given {
        occ.reference(db, workspace, file, &given.kind, &[ItemKind::Schema]);
    }
    for e in &t.expects {
        occ.reference(db, workspace, file, &e.target, &[ItemKind::Deontic]);
        occ.push(e.outcome.span, Def::Outcome(Arc::from(e.outcome.name.as_str())), false, None);
    }
    let errors_before = diagnostics.iter().filter(|d| d.is_error()).count();
    let head = t.name.span;
    let given = match t.given.as_slice() {
        [one] => Some(one),
        [] => {
            diagnostics.push(ItemError::NoTestDocument { test: t.name.value.clone(), span: head }.into());
            None
        }
        [first, second, ..] => {
            diagnostics.push(ItemError::SecondTestDocument { span: second.span, first: first.span }.into());
            None
        }
    };
    let kind = given.and_then(|g| resolve_kind(db, workspace, file, &g.kind, diagnostics));
    let mut overrides = Vec::new();
    for o in &t.overrides {
        if let Some(compiled) = check_override(db, workspace, file, o, diagnostics, occ) {
            overrides.push(compiled);
        }
    }
    if t.expects.is_empty() {
        diagnostics.push(ItemError::TestWithoutExpect { test: t.name.value.clone(), span: head }.into());
    }
    let mut expects = Vec::new();
    for e in &t.expects {
        let written = e.outcome.name.as_str();
        let outcome = Outcome::parse(written);
        if outcome.is_none() {
            diagnostics.push(
                Unresolved {
                    code: codes::UNKNOWN_OUTCOME,
                    message: format!("unknown outcome `{written}`"),
                    span: e.outcome.span,
                    label: "not an outcome",
                    name: written,
                    candidates: Outcome::names(),
                    otherwise: Some(format!("the outcomes are {}", Outcome::names().join(", "))),
                }
                .into(),
            );
        }
        let name = e.target.text();
        let Some(entry) = lookup(db, workspace, file, &name, &[ItemKind::Deontic]).first() else {
            if !is_broken(db, workspace, file, &name) {
                let names = visible_names(db, workspace, file, &[ItemKind::Deontic]);
                let d = Unresolved {
                    code: codes::UNKNOWN_EXPECT_TARGET,
                    message: format!("no obligation named `{name}`"),
                    span: e.target.span,
                    label: "unknown obligation",
                    name: &name,
                    candidates: names.iter().map(|n| &**n).collect(),
                    otherwise: Some("import the package that declares it with `use`".into()),
                }
                .into();
                diagnostics.push(match missing_import(db, workspace, file, &name, &[ItemKind::Deontic]) {
                    Some(import) => import.help(d),
                    None => d,
                });
            }
            continue;
        };
        if let (Some(test_kind), Some(target_kind)) = (&kind, deontic_kind(db, entry.id))
            && *test_kind != *target_kind
        {
            let short = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
            let problem = ItemError::ExpectKindMismatch {
                name: name.clone(),
                target_kind: short(target_kind),
                test_kind: short(test_kind),
                span: e.target.span,
            };
            diagnostics.push(problem.into());
            continue;
        }
        // An unknown outcome was reported above, and its error keeps the test from compiling.
        if let Some(outcome) = outcome {
            expects.push(Expectation { obligation: qualified(db, &entry), outcome, span: e.span });
        }
    }
    if diagnostics.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    let given = given?;
    let source = match &given.source {
        GivenSource::File(path) => TestSource::File(Arc::from(path.value.as_str())),
        GivenSource::Inline { text, span } => TestSource::Inline(Arc::from(text.as_str()), *span),
    };
    Some(CompiledTest {
        name: Arc::from(t.name.value.as_str()),
        kind: kind?,
        source,
        today: t.today.map(|(d, _)| d),
        overrides,
        expects,
    })
}
