//! The editor answers what the checker resolved. For every `.tenet` file of the repository
//! (the standard library, the examples and the check corpus), and for every name the checker
//! resolved while checking it (`tenet_db::item_occurrences`), go to definition lands on the
//! declaration of exactly what the checker resolved, that declaration carries the same name,
//! and hover describes it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use std::path::{Path, PathBuf};
use tenet_db::{Database, Def, SourceFile, Workspace, item_occurrences};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The `.tenet` files under `dir`, recursively, in a stable order.
fn tenet_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "tenet") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The name a declaration or use spells: the last segment of a qualified name.
fn last_segment(text: &str) -> &str {
    text.rsplit('.').next().unwrap_or(text).trim()
}

/// Checks every resolved name of `checked` (files of `workspace`); returns how many.
fn check_workspace(db: &Database, workspace: Workspace, checked: &[SourceFile], problems: &mut Vec<String>) -> usize {
    let mut names = 0;
    for &file in checked {
        let text = file.text(db).clone();
        let parsed = tenet_db::parse(db, file);
        for (id, node) in tenet_db::ide_support::file_items(db, workspace, file).into_iter().zip(&parsed.items) {
            for occ in item_occurrences(db, id) {
                let span = occ.span.in_file(node.offset);
                let used = &text[span.start as usize..span.end as usize];
                let at = format!("{}:{}", file.path(db), span.start);
                let expected_name: Option<&str> = match &occ.def {
                    Def::Item(_) => Some(last_segment(used)),
                    Def::Field { name, .. } | Def::Variant { name, .. } | Def::Local { name, .. } => Some(name),
                    Def::Package(_) | Def::Area(_) | Def::Severity(_) | Def::Outcome(_) => None,
                };
                let Some(expected_name) = expected_name else { continue };
                names += 1;
                if last_segment(used) != expected_name {
                    problems.push(format!("{at}: `{used}` is recorded as `{expected_name}`"));
                    continue;
                }
                let found = tenet_ide::definition(db, workspace, file, span.start);
                let [target] = found.as_slice() else {
                    problems.push(format!("{at}: go to definition of `{used}` gives {} places", found.len()));
                    continue;
                };
                let target_text = target.file.text(db);
                let declared = &target_text[target.span.start as usize..target.span.end as usize];
                if last_segment(declared) != expected_name {
                    problems.push(format!("{at}: `{used}` goes to `{declared}` in {}", target.file.path(db)));
                }
                if tenet_ide::hover(db, workspace, file, span.start).is_none() {
                    problems.push(format!("{at}: no hover for `{used}`"));
                }
            }
        }
    }
    names
}

#[test]
fn the_editor_answers_what_the_checker_resolved_for_every_name() {
    let std_files = tenet_files(&root().join("policies/std"));
    let example_files = tenet_files(&root().join("examples/policies"));
    let corpus_files = tenet_files(&root().join("tests/corpus/check"));
    assert!(std_files.len() >= 6 && !example_files.is_empty() && corpus_files.len() >= 50);

    let db = Database::default();
    let load = |path: &Path| SourceFile::new(&db, path.display().to_string(), std::fs::read_to_string(path).unwrap());
    let std: Vec<SourceFile> = std_files.iter().map(|p| load(p)).collect();
    let mut problems = Vec::new();
    let mut names = 0;

    // The standard library with the examples, as `tenet eval -p examples/policies` reads them.
    let examples: Vec<SourceFile> = example_files.iter().map(|p| load(p)).collect();
    let workspace = Workspace::new(&db, std.iter().chain(&examples).copied().collect());
    names += check_workspace(&db, workspace, &std.iter().chain(&examples).copied().collect::<Vec<_>>(), &mut problems);

    // Each corpus file on its own, beside the standard library; broken files included: the
    // checker keeps going past errors, and what it resolved the editor must answer.
    for path in &corpus_files {
        let file = load(path);
        let workspace = Workspace::new(&db, std.iter().copied().chain([file]).collect());
        names += check_workspace(&db, workspace, &[file], &mut problems);
    }

    eprintln!("{names} names resolved by the checker, each answered by the editor");
    assert!(names > 2_000, "only {names} names checked");
    assert!(problems.is_empty(), "{} disagreements:\n{}", problems.len(), problems.join("\n"));
}
