//! Unit tests over a small in-memory workspace.

use crate::semantics::{Def, occurrence_at};
use crate::*;
use tenet_db::{Database, SourceFile, Workspace};

const MODEL: &str = "package m

schema Contract {
  vendor: Vendor?,
  transfers: list<Transfer>?,
}

schema Vendor {
  /// The vendor's role.
  role: Role?,
}

schema Transfer {
  to: string?,
  mechanism: Mechanism?,
}

enum Role { processor, controller }

enum Mechanism { adequacy, scc_2021_914, bcr }
";

fn workspace(policy: &str) -> (Database, Workspace, SourceFile) {
    let db = Database::default();
    let model = SourceFile::new(&db, "model.tenet".into(), MODEL.into());
    let file = SourceFile::new(&db, "policy.tenet".into(), policy.into());
    let workspace = Workspace::new(&db, vec![model, file]);
    (db, workspace, file)
}

fn offset(text: &str, needle: &str, shift: usize) -> u32 {
    u32::try_from(text.find(needle).expect("needle") + shift).expect("small")
}

#[test]
fn a_bare_variant_resolves_from_the_other_operand() {
    let text = "package p\nuse m\nrule r on Contract = vendor.role == processor\n";
    let (db, ws, file) = workspace(text);
    let (_, occ) = occurrence_at(&db, ws, file, offset(text, "processor", 2)).expect("an occurrence");
    assert!(matches!(occ.def, Def::Variant { ref name, .. } if &**name == "processor"), "{occ:?}");
    let (_, occ) = occurrence_at(&db, ws, file, offset(text, "role", 1)).expect("an occurrence");
    assert!(matches!(occ.def, Def::Field { ref name, .. } if &**name == "role"), "{occ:?}");
}

#[test]
fn quantifier_variables_have_the_element_type() {
    let text = "package p\nuse m\nrule r on Contract = all t in transfers: t.to == \"DE\"\n";
    let (db, ws, file) = workspace(text);
    let hover = hover(&db, ws, file, offset(text, "t.to", 0)).expect("a hover");
    assert!(hover.markdown.contains("t: Transfer"), "{}", hover.markdown);
}

#[test]
fn completion_after_a_dot_works_in_an_item_that_does_not_parse() {
    let text = "package p\nuse m\nobligation o on Contract {\n  area: privacy\n  must all t in transfers: t.\n";
    let (db, ws, file) = workspace(text);
    let labels: Vec<String> =
        completions(&db, ws, file, offset(text, "t.\n", 2)).into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["to", "mechanism"]);
    let labels: Vec<String> =
        completions(&db, ws, file, offset(text, "privacy", 3)).into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["privacy", "bias", "transparency", "workers", "accountability"]);
}

#[test]
fn completion_offers_variants_inside_a_set_being_written() {
    let text = "package p\nuse m\nrule r(t: Transfer) = t.mechanism in {scc_2021_914, ";
    let (db, ws, file) = workspace(text);
    let labels: Vec<String> =
        completions(&db, ws, file, u32::try_from(text.len()).expect("small")).into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["adequacy", "scc_2021_914", "bcr"]);
}

#[test]
fn rename_refuses_bad_names_and_renames_every_use() {
    let text = "package p\nuse m\nrule r on Contract = vendor.role == processor\nrule s on Contract = r and r()\n";
    let (db, ws, file) = workspace(text);
    let at = offset(text, "r on", 0);
    assert_eq!(rename(&db, ws, file, at, "9x"), Err(RenameError::InvalidName("9x".into())));
    assert_eq!(rename(&db, ws, file, at, "and"), Err(RenameError::Reserved("and".into())));
    let change = rename(&db, ws, file, at, "acts").expect("a rename");
    let edits: usize = change.edits.iter().map(|(_, e)| e.len()).sum();
    assert_eq!(edits, 3, "{change:?}");
}

#[test]
fn the_did_you_mean_fix_replaces_the_misspelt_name() {
    let text = "package p\nuse m\nrule r on Contract = vendor.rol == processor\n";
    let (db, ws, file) = workspace(text);
    let at = offset(text, "rol ", 1);
    let until = jiff::civil::date(2027, 1, 1);
    let actions = code_actions(&db, ws, file, tenet_syntax::ast::FileSpan::at(at), until);
    let fix = actions.iter().find(|a| a.kind == ActionKind::QuickFix).expect("a quick fix");
    assert_eq!(
        fix.edits,
        [TextEdit { span: tenet_syntax::ast::FileSpan::new(at - 1, at + 2), new_text: "role".into() }]
    );
}

#[test]
fn semantic_tokens_are_sorted_and_never_overlap() {
    let text = "package p\nuse m\n/// doc 😀\nobligation o on Contract {\n  area: privacy\n  cite: \"x\"\n  must vendor.role == processor\n  because \"é {vendor.role} \\{x\\} {vendor.rol}\"\n}\n";
    let (db, ws, file) = workspace(text);
    let tokens = semantic_tokens(&db, ws, file);
    assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start), "{tokens:?}");
    assert!(tokens.iter().all(|t| !text[t.span.range()].contains('\n')));
    let kinds: Vec<(&str, TokenType)> = tokens.iter().map(|t| (&text[t.span.range()], t.ty)).collect();
    assert!(kinds.contains(&("role", TokenType::Property)), "{kinds:?}");
    assert!(kinds.contains(&("processor", TokenType::EnumMember)), "{kinds:?}");
}

#[test]
fn completion_offers_obligations_after_waiver_and_exception_to() {
    let text = "package p\nuse m\nobligation first on Contract {\n  area: privacy\n  must vendor is present\n}\nobligation second on Contract {\n  area: privacy\n  must vendor is absent\n}\nobligation third on Contract {\n  exception to \n}\nwaiver ";
    let (db, ws, file) = workspace(text);
    let end = u32::try_from(text.len()).expect("small");
    let labels: Vec<String> = completions(&db, ws, file, end).into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["first", "second"]);
    let labels: Vec<String> =
        completions(&db, ws, file, offset(text, "to \n", 3)).into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["first", "second"]);
}

#[test]
fn completion_offers_field_attributes_after_an_at_sign_in_a_schema() {
    let text = "package p\nschema Person {\n  @sen\n  name: string,\n}\nconst C: int = 1 @\n";
    let (db, ws, file) = workspace(text);
    let found = completions(&db, ws, file, offset(text, "@sen", 4));
    let labels: Vec<&str> = found.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["sensitive"]);
    assert!(found[0].documentation.as_deref().is_some_and(|d| d.contains("masked")), "{found:?}");
    // Outside a schema an attribute means nothing: nothing is offered.
    let end = u32::try_from(text.len() - 1).expect("small");
    assert!(completions(&db, ws, file, end).is_empty());
}

#[test]
fn an_edit_re_checks_the_edited_item_only() {
    use salsa::Setter as _;
    use std::sync::{Arc, Mutex};
    let walks: Arc<Mutex<usize>> = Arc::default();
    let count = walks.clone();
    let db = Database::with_event_callback(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind
            && format!("{database_key:?}").starts_with("check_item")
        {
            *count.lock().unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        }
    });
    let mut db = db;
    let policy = |limit: &str| {
        format!(
            "package p\nuse m\nrule a on Contract = vendor.role == processor\nrule b(t: Transfer) = t.to == \"{limit}\"\n"
        )
    };
    let model = SourceFile::new(&db, "model.tenet".into(), MODEL.into());
    let file = SourceFile::new(&db, "policy.tenet".into(), policy("DE"));
    let ws = Workspace::new(&db, vec![model, file]);
    let before = semantics::file_occurrences(&db, ws, file).len();
    *walks.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = 0;
    file.set_text(&mut db).to(policy("FRA"));
    let after = semantics::file_occurrences(&db, ws, file).len();
    assert_eq!(before, after);
    assert_eq!(*walks.lock().unwrap_or_else(std::sync::PoisonError::into_inner), 1, "only rule `b` is checked again");
}
