//! Tenet side by side with regorus, in one process, on the same generated documents.
//!
//! ```sh
//! cargo bench -p tenet --bench engines
//! ```
//!
//! - `prepared_evaluation`: policies loaded and checked once, documents parsed once into each
//!   engine's values; per document, decide every standard obligation of its kind. Tenet
//!   (outcomes and messages, as regorus gives outcomes; and explaining the failing findings, as
//!   `tenet eval` does by default) versus regorus running `benches/rego/std.rego` (the same
//!   obligations in Rego, checked to agree outcome for outcome by `tests/rego_agreement.rs`)
//!   in its interpreter and in its bytecode VM. `parse_and_evaluate` adds parsing the text.
//! - `cedar`, in both groups: cedar-policy running `benches/cedar/std.cedar`, which covers 37 of
//!   the 41 obligations and decides only violated or not (one request per obligation, denied
//!   exactly when Tenet says `violated`, checked by `tests/cedar_agreement.rs`); its "parse" is
//!   the JSON parse plus building the document's entity.
//! - `end_to_end`: read NDJSON bytes, parse, evaluate, write NDJSON, on 1 and 2 threads, against
//!   the floor of this machine: `serde_json` parsing the same bytes and nothing else.
//!
//! Throughput is per document; figures and the machine are in docs/performance.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark is not library code: a broken setup should stop it loudly"
)]

#[path = "support/cedar.rs"]
mod cedar;
#[path = "support/rego.rs"]
mod rego;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::io::Write;
use std::sync::Arc;
use tenet::stream::{self, InputSpec, Reader};
use tenet::{Engine, Explain, Format};

// The allocator the `tenet` binary uses, for both engines alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TODAY: &str = "2026-11-28";

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 28)
}

/// Generated documents (contracts and AI systems alternating) as JSON lines.
fn documents(n: usize) -> Vec<String> {
    tenet_gen::documents(tenet_gen::Kind::Mixed, 1).take(n).map(|d| d.to_string()).collect()
}

fn prepared_evaluation(c: &mut Criterion) {
    let docs = documents(1000);
    let engine = Engine::standard_library().expect("the standard library checks");
    let outcomes_only = engine.evaluation(today()).with_explain(Explain::None);
    let explaining = engine.evaluation(today()).with_explain(Explain::Failing);
    let mut interpreter = rego::Rego::new(rego::Mode::Interpreter, TODAY).expect("regorus loads the policy");
    let mut vm = rego::Rego::new(rego::Mode::Vm, TODAY).expect("regorus compiles the policy");
    // Each engine's own parse of the documents, done before timing: `prepared_evaluation` times
    // evaluation of a parsed document; `parse_and_evaluate` adds parsing the JSON text.
    let loaded: Vec<tenet_input::Document> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| tenet_input::load_json_line("bench.ndjson", i, d, engine.limits()).unwrap())
        .collect();
    let values: Vec<regorus::Value> = docs.iter().map(|d| regorus::Value::from_json_str(d).unwrap()).collect();
    let cedar = cedar::Cedar::new(TODAY).expect("the Cedar policies validate against the schema");
    let entities: Vec<cedar::Entity> = docs
        .iter()
        .map(|d| cedar.document(&serde_json::from_str(d).unwrap()).unwrap().entity().expect("representable"))
        .collect();

    let mut group = c.benchmark_group("prepared_evaluation");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.sample_size(20);
    group.bench_function("tenet_outcomes", |b| {
        b.iter(|| loaded.iter().for_each(|d| drop(black_box(outcomes_only.evaluate(d, None)))))
    });
    group.bench_function("tenet_explaining_failing", |b| {
        b.iter(|| loaded.iter().for_each(|d| drop(black_box(explaining.evaluate(d, None)))))
    });
    group.bench_function("regorus_interpreter", |b| {
        b.iter(|| values.iter().for_each(|v| drop(black_box(interpreter.evaluate_value(v.clone()).unwrap()))))
    });
    group.bench_function("regorus_vm", |b| {
        b.iter(|| values.iter().for_each(|v| drop(black_box(vm.evaluate_value(v.clone()).unwrap()))))
    });
    group.bench_function("cedar", |b| {
        b.iter(|| entities.iter().for_each(|e| drop(black_box(cedar.violated(e).unwrap()))))
    });
    group.finish();

    let mut group = c.benchmark_group("parse_and_evaluate");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.sample_size(20);
    group.bench_function("tenet_outcomes", |b| {
        b.iter(|| {
            for (i, doc) in docs.iter().enumerate() {
                let document = tenet_input::load_json_line("bench.ndjson", i, doc, engine.limits()).unwrap();
                black_box(outcomes_only.evaluate(&document, None));
            }
        })
    });
    group.bench_function("regorus_vm", |b| {
        b.iter(|| docs.iter().for_each(|d| drop(black_box(vm.evaluate(d).unwrap()))))
    });
    group.bench_function("cedar", |b| {
        b.iter(|| docs.iter().for_each(|d| drop(black_box(cedar.evaluate_text(d).unwrap()))))
    });
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let docs = documents(4000);
    let text: String = docs.iter().map(|d| format!("{d}\n")).collect();
    let dir = std::env::temp_dir().join(format!("tenet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("docs.ndjson");
    std::fs::write(&path, &text).unwrap();
    let engine = Engine::standard_library().unwrap();
    let evaluation = engine.evaluation(today());
    let limits = *engine.limits();
    let specs = [InputSpec { path: path.clone(), kind: None, default_kind: None, format: Some(Format::Ndjson) }];

    let mut group = c.benchmark_group("end_to_end");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.sample_size(10);
    group.bench_function("serde_json_parse_only", |b| {
        b.iter(|| {
            let bytes = std::fs::read(&path).unwrap();
            for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                black_box(serde_json::from_slice::<serde_json::Value>(line).unwrap());
            }
        })
    });
    let outcomes_only = engine.evaluation(today()).with_explain(Explain::None);
    for (name, jobs, evaluation) in [
        ("tenet_ndjson_1_job", 1, &evaluation),
        ("tenet_ndjson_2_jobs", 2, &evaluation),
        ("tenet_ndjson_explain_none_1_job", 1, &outcomes_only),
        ("tenet_ndjson_explain_none_2_jobs", 2, &outcomes_only),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = std::io::BufWriter::new(std::io::sink());
                stream::for_each_ordered(
                    Reader::new(&specs, limits),
                    jobs,
                    256 * jobs,
                    |unit| {
                        let evaluated = unit.evaluate(evaluation, &limits);
                        let mut line = serde_json::to_string(&evaluated.result.report).unwrap();
                        line.push('\n');
                        line
                    },
                    |line: &mut String| out.write_all(line.as_bytes()).is_ok(),
                );
                out.flush().unwrap();
            })
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(Arc::new(dir).as_path());
}

criterion_group!(benches, prepared_evaluation, end_to_end);
criterion_main!(benches);
