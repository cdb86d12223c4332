//! How long evaluation takes: the example documents against the example policies, and one
//! generated contract with 10,000 sub-processors.
//!
//! Run with `cargo bench -p tenet-eval --bench eval`; figures are recorded in
//! `docs/performance.md`.

// A benchmark is not library code: a broken setup should stop it loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark is not library code: a broken setup should stop it loudly"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::{Date, date};
use std::fmt::Write;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenet_db::{Database, Program, SourceFile, Workspace, compile_program, file_diagnostics};
use tenet_eval::Session;
use tenet_input::{Document, Format, Limits, Source};

/// The evaluation date, fixed so the figures do not depend on the clock.
const TODAY: Date = date(2026, 11, 28);
/// Sub-processors in the generated contract.
const SUBPROCESSORS: usize = 10_000;

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Compiles the policies in `examples/policies` with the standard library in `policies/std`,
/// failing on any diagnostic.
fn example_program() -> Program {
    let mut paths = tenet_files(&root().join("examples/policies"));
    paths.extend(tenet_files(&root().join("policies/std")));
    let db = Database::default();
    let files: Vec<SourceFile> = paths
        .iter()
        .map(|path| SourceFile::new(&db, path.display().to_string(), std::fs::read_to_string(path).unwrap()))
        .collect();
    let workspace = Workspace::new(&db, files.clone());
    for &file in &files {
        let diagnostics = file_diagnostics(&db, workspace, file);
        assert!(diagnostics.is_empty(), "{}: {diagnostics:#?}", file.path(&db));
    }
    let program = compile_program(&db, workspace).clone();
    assert!(program.skipped.is_empty(), "skipped: {:?}", program.skipped);
    program
}

/// The `.tenet` files directly in `dir` (not its `tests/`), sorted.
fn tenet_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "tenet"))
        .collect();
    paths.sort();
    paths
}

/// Loads every document in `examples/documents`.
fn example_documents() -> Vec<Document> {
    let limits = Limits::default();
    let (inputs, errors) = tenet_input::collect_inputs(&[root().join("examples/documents")]);
    assert!(errors.is_empty(), "{errors:?}");
    inputs
        .iter()
        .flat_map(|input| {
            let source = tenet_input::read_input(input, &limits).unwrap();
            tenet_input::load(Arc::new(source), &limits).unwrap()
        })
        .collect()
}

/// A YAML contract whose DPA lists `SUBPROCESSORS` authorised sub-processors.
fn large_contract() -> Source {
    let countries = ["IE", "DE", "FR", "NL", "US", "IN", "JP", "BR"];
    let mut text = String::from(
        "kind: Contract\nid: large-contract\nvendor:\n  name: Large Vendor Ltd\n  country: IE\n  role: processor\n\
         data:\n  categories: [contact, financial]\n  retention_days: 365\n\
         dpa:\n  security_measures: [encryption_at_rest, encryption_in_transit, pseudonymisation]\n\
         \x20 breach_notice_hours: 24\n  subprocessors:\n",
    );
    for (i, country) in countries.iter().cycle().take(SUBPROCESSORS).enumerate() {
        let _ = write!(
            text,
            "    - name: Sub-processor {i:05}\n      country: {country}\n      authorised: true\n      flowdown: true\n"
        );
    }
    text.push_str("transfers: []\naudit:\n  last_security_test: 2026-06-01\n");
    Source::new("large-contract.yaml", &text, Format::Yaml)
}

/// Validates and evaluates `documents` in a new session, returning the number of findings.
fn run(program: &Program, documents: &[Document]) -> usize {
    let mut session = Session::new(program, TODAY);
    for document in documents {
        session.evaluate(document, None);
    }
    let (report, _) = session.finish();
    report.documents.iter().map(|d| d.findings.len()).sum()
}

fn eval(c: &mut Criterion) {
    let program = example_program();
    let documents = example_documents();
    let large = Arc::new(large_contract());
    let large_documents = tenet_input::load(large.clone(), &Limits::default()).unwrap();

    // Every document is validated without errors and evaluated, so the figures include
    // evaluation, not just validation.
    for docs in [&documents, &large_documents] {
        let mut session = Session::new(&program, TODAY);
        for document in docs.iter() {
            session.evaluate(document, None);
        }
        let (report, _) = session.finish();
        for d in &report.documents {
            assert!(d.evaluated && !d.findings.is_empty(), "{}: {:?}", d.source, d.problems);
        }
    }
    eprintln!(
        "examples: {} obligations, {} documents; large contract: {} bytes",
        program.obligations.len(),
        documents.len(),
        large.text.len()
    );

    let mut group = c.benchmark_group("eval");
    group.bench_function("example_documents", |b| b.iter(|| black_box(run(&program, &documents))));
    group.bench_function("large_contract_load", |b| {
        b.iter(|| black_box(tenet_input::load(large.clone(), &Limits::default()).unwrap().len()))
    });
    group.bench_function("large_contract_evaluate", |b| b.iter(|| black_box(run(&program, &large_documents))));
    group.finish();
}

criterion_group!(benches, eval);
criterion_main!(benches);
