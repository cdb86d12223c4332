//! A broken item gives one diagnostic, not one per use of what it declares.

use tenet_db::{Database, SourceFile, Workspace, file_diagnostics};

fn codes(text: &str) -> Vec<String> {
    let db = Database::default();
    let file = SourceFile::new(&db, "p.tenet".into(), text.into());
    let workspace = Workspace::new(&db, vec![file]);
    file_diagnostics(&db, workspace, file).iter().map(|d| d.code.to_string()).collect()
}

#[test]
fn uses_of_a_broken_schema_are_not_reported_again() {
    let text = "package p\nschema Contract {\n  id: string?,\n\nobligation o on Contract {\n  area: privacy\n  cite: \"x\"\n  must id is present\n}\nrule r on Contract = id == \"a\"\n";
    assert_eq!(codes(text), ["tenet::E0001"]);
}

#[test]
fn a_broken_package_line_is_reported_once() {
    let text = "package acme.within\nschema K { a: int? }\nobligation o on K {\n  area: privacy\n  cite: \"x\"\n  must a > 1\n}\n";
    assert_eq!(codes(text), ["tenet::E0001"]);
}

#[test]
fn an_unknown_kind_is_reported_once() {
    let text = "package p\nobligation o on Contrat {\n  area: privacy\n  cite: \"x\"\n  must id is present and vendor.name is present\n}\n";
    assert_eq!(codes(text), ["tenet::E0508"]);
}
