//! The checker re-runs only what an edit invalidates.

use std::sync::{Arc, Mutex};
use tenet_db::{Database, SourceFile, Workspace, file_diagnostics};

const POLICY: &str = r#"package acme

schema Vendor { name: string?, role: Role? }
enum Role { processor, controller }
schema Contract { id: string?, vendor: Vendor?, breach_hours: duration(hours)? }

rule is_processor on Contract = vendor.role == processor

obligation breach_notice on Contract {
  area: privacy
  severity: high
  cite: "GDPR Art. 33(2)"
  when is_processor
  must breach_hours <= 48h
}

obligation named_vendor on Contract {
  area: accountability
  cite: "Internal policy 4.1"
  must vendor.name is present
}
"#;

fn runs(log: &Mutex<Vec<String>>, query: &str) -> usize {
    log.lock().map(|l| l.iter().filter(|e| e.contains(query)).count()).unwrap_or(0)
}

/// A database that logs every query it executes.
fn logged_database() -> (Database, Arc<Mutex<Vec<String>>>) {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let db = Database::with_event_callback(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind
            && let Ok(mut l) = sink.lock()
        {
            l.push(format!("{database_key:?}"));
        }
    });
    (db, log)
}

fn check_item_runs(log: &Mutex<Vec<String>>) -> usize {
    runs(log, "check_item")
}

const OTHER: &str = "package acme

obligation has_id on Contract {
  area: accountability
  cite: \"x\"
  must id is present
}
";

#[test]
fn editing_one_obligation_rechecks_only_that_obligation() {
    let (mut db, log) = logged_database();
    let file = SourceFile::new(&db, "acme.tenet".into(), POLICY.into());
    let other = SourceFile::new(&db, "other.tenet".into(), OTHER.into());
    let workspace = Workspace::new(&db, vec![file, other]);
    let first = file_diagnostics(&db, workspace, file).clone();
    assert_eq!(first, vec![], "the policy checks cleanly");
    assert_eq!(file_diagnostics(&db, workspace, other).clone(), vec![]);
    let cold = check_item_runs(&log);
    assert!(cold >= 6, "every item is checked once when cold, got {cold}");

    if let Ok(mut l) = log.lock() {
        l.clear();
    }
    use salsa::Setter;
    let edited = POLICY.replace("must breach_hours <= 48h", "must breach_hours <= 72h");
    file.set_text(&mut db).to(edited);
    let after = file_diagnostics(&db, workspace, file).clone();
    assert_eq!(after, vec![]);
    assert_eq!(
        check_item_runs(&log),
        1,
        "only the edited obligation is re-checked: {:?}",
        log.lock().map(|l| l.clone())
    );
}

#[test]
fn a_misspelt_field_is_reported_with_a_suggestion() {
    let db = Database::default();
    let text = POLICY.replace("must vendor.name is present", "must vendor.nmae is present");
    let file = SourceFile::new(&db, "acme.tenet".into(), text.clone());
    let workspace = Workspace::new(&db, vec![file]);
    let diags = file_diagnostics(&db, workspace, file);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d.code.to_string(), "tenet::E0202");
    assert_eq!(text.get(d.span.range()), Some("nmae"));
    assert_eq!(d.help.as_deref(), Some("did you mean `name`?"));
}

const LIBRARY: &str = r#"package lib

schema Contract { id: string?, breach_hours: duration(hours)? }

/// Longest breach notice.
param max_notice: duration = 48h

obligation breach_notice on Contract {
  area: privacy
  cite: "GDPR Art. 33(2)"
  must breach_hours <= max_notice
}
"#;

#[test]
fn changing_an_override_rechecks_only_the_override() {
    let (mut db, log) = logged_database();
    let library = SourceFile::library(&db, "<lib>/lib.tenet".into(), LIBRARY.into());
    let brand =
        SourceFile::new(&db, "brand.tenet".into(), "package brand\nuse lib\noverride lib.max_notice = 24h\n".into());
    let workspace = Workspace::new(&db, vec![library, brand]);
    assert_eq!(file_diagnostics(&db, workspace, library).clone(), vec![]);
    assert_eq!(file_diagnostics(&db, workspace, brand).clone(), vec![]);
    let program = tenet_db::compile_program(&db, workspace);
    assert_eq!(program.param_value("lib.max_notice").map(|v| format!("{v:?}")), Some("Duration(24, Hours)".into()));

    if let Ok(mut l) = log.lock() {
        l.clear();
    }
    use salsa::Setter;
    brand.set_text(&mut db).to("package brand\nuse lib\noverride lib.max_notice = 12h\n".into());
    assert_eq!(file_diagnostics(&db, workspace, brand).clone(), vec![]);
    let program = tenet_db::compile_program(&db, workspace);
    assert_eq!(program.param_value("lib.max_notice").map(|v| format!("{v:?}")), Some("Duration(12, Hours)".into()));
    assert_eq!(
        check_item_runs(&log),
        1,
        "only the override is re-checked, not the obligation that reads the parameter: {:?}",
        log.lock().map(|l| l.clone())
    );
}
