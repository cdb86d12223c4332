//! The language server on a generated workspace of 200 files / ~20,000 lines:
//!
//! - criterion: a cold check of every file, the re-check after a one-line edit (every file's
//!   diagnostics, as the server computes them), and hover and completion queries;
//! - latency through the server (the real `Backend` over JSON-RPC on an in-memory pipe):
//!   edit-to-diagnostics, hover and completion, 300 samples each, printed as p50/p99; and on
//!   documents, keystroke-to-diagnostics on a 1,000-line contract YAML evaluated against the
//!   workspace's 1,592 obligations, and on a small document with all 199 policy files open.
//!
//! Run with `cargo bench -p tenet-lsp --bench server`; figures are recorded in
//! `docs/performance.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark is not library code: a broken setup should stop it loudly"
)]

use criterion::{Criterion, criterion_group};
use salsa::Setter;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};
use tenet_db::{Database, SourceFile, Workspace, file_diagnostics};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

/// Files in the workspace: the model and 199 policy files.
const FILES: usize = 200;
/// Latency samples per measurement through the server.
const SAMPLES: usize = 300;

const MODEL: &str = "package bench.model

/// A vendor agreement.
schema Contract {
  id: string?,
  vendor: Vendor?,
  data: DataProcessing?,
  dpa: Dpa?,
  transfers: list<Transfer>?,
  audit: SecurityAudit?,
}

/// The other party.
schema Vendor {
  name: string?,
  country: string?,
  role: Role?,
}

/// A party's role under the GDPR.
enum Role { processor, controller, joint_controller }

/// What data the vendor handles.
schema DataProcessing {
  categories: list<DataCategory>?,
  retention_days: int?,
}

/// Categories of personal data.
enum DataCategory { contact, behavioural, financial, health, biometric, genetic }

/// The data-processing agreement.
schema Dpa {
  security_measures: list<SecurityMeasure>?,
  subprocessors: list<Subprocessor>?,
  breach_notice_hours: duration(hours)?,
  audit_rights: bool?,
}

/// Security measures.
enum SecurityMeasure { encryption_at_rest, encryption_in_transit, pseudonymisation, mfa }

/// A sub-processor.
schema Subprocessor {
  name: string?,
  authorised: bool?,
  flowdown: bool?,
}

/// A transfer abroad.
schema Transfer {
  to: string?,
  mechanism: Mechanism?,
  tia_done: bool?,
}

/// Transfer mechanisms.
enum Mechanism { adequacy, scc_2021_914, bcr, none }

/// Security testing.
schema SecurityAudit {
  last_security_test: date?,
}

/// The European Economic Area.
const EEA: set<string> = {\"AT\", \"BE\", \"DE\", \"FR\", \"IE\", \"IS\", \"LI\", \"NO\"}

/// Special categories of personal data.
const SPECIAL: set<DataCategory> = {health, biometric, genetic}
";

/// The edited line, in two versions of the same length.
const REQUIREMENT: [&str; 2] = ["must dpa.breach_notice_hours <= 48h", "must dpa.breach_notice_hours <= 72h"];

/// One policy file of about 100 lines; `requirement` is a line of its breach-notice obligation.
fn policy_file(index: usize, requirement: &str) -> String {
    let n = format!("{index:03}");
    let mut text = format!(
        "// Generated policy file {n}.

package bench.policy_{n}

use bench.model

/// The vendor processes personal data for us.
rule is_processor_{n} on Contract = vendor.role == processor

/// A transfer stays in the EEA or relies on approved clauses.
rule lawful_transfer_{n}(t: Transfer) =
  t.to in EEA
  or (t.mechanism in {{scc_2021_914, bcr}} and t.tia_done)

/// A processor reports breaches quickly.
obligation breach_notice_{n} on Contract {{
  area: privacy
  severity: high
  cite: \"GDPR Art. 33(2)\"
  when is_processor_{n}
  {requirement}
  because \"{{vendor.name}} may take {{dpa.breach_notice_hours}} to report a breach.\"
}}
"
    );
    for (i, (kind, body)) in [
        ("encryption", "dpa.security_measures contains all of {encryption_at_rest, encryption_in_transit}"),
        ("special", "dpa.security_measures contains pseudonymisation or not (data.categories contains any of SPECIAL)"),
        ("subprocessors", "all s in dpa.subprocessors: s.authorised and s.flowdown"),
        ("transfers", "all t in transfers: lawful_transfer_NNN(t)"),
        ("testing", "audit.last_security_test within 365d before today"),
        ("retention", "data.retention_days <= 730"),
        ("audit_rights", "dpa.audit_rights"),
    ]
    .iter()
    .enumerate()
    {
        let body = body.replace("NNN", &n);
        let _ = write!(
            text,
            "
/// Generated obligation {i} of file {n}.
///
/// It reads the contract's {kind} terms.
obligation {kind}_{n} on Contract {{
  area: privacy
  severity: medium
  cite: \"Generated §{i}\"
  when is_processor_{n}
  must {body}
  because \"Check the {kind} terms of {{vendor.name}}.\"
}}
"
        );
    }
    text
}

/// The workspace's files as (name, text).
fn workspace_texts() -> Vec<(String, String)> {
    let mut files = vec![("model.tenet".to_string(), MODEL.to_string())];
    for index in 1..FILES {
        files.push((format!("policy_{index:03}.tenet"), policy_file(index, REQUIREMENT[0])));
    }
    files
}

fn load(texts: &[(String, String)]) -> (Database, Workspace, Vec<SourceFile>) {
    let db = Database::default();
    // As in the server: files read from disk are `MEDIUM` durability, edited text `LOW`.
    let files: Vec<SourceFile> = texts
        .iter()
        .map(|(p, t)| SourceFile::builder(p.clone(), t.clone()).durability(salsa::Durability::MEDIUM).new(&db))
        .collect();
    let workspace = Workspace::new(&db, files.clone());
    (db, workspace, files)
}

fn check_all(db: &Database, workspace: Workspace, files: &[SourceFile]) -> usize {
    files.iter().map(|f| file_diagnostics(db, workspace, *f).len()).sum()
}

fn checking(c: &mut Criterion) {
    let texts = workspace_texts();
    let lines: usize = texts.iter().map(|(_, t)| t.lines().count()).sum();
    println!("generated workspace: {} files, {lines} lines", texts.len());
    let mut group = c.benchmark_group("lsp_check");
    group.sample_size(10);
    group.bench_function("cold_check_200_files", |b| {
        b.iter(|| {
            let (db, workspace, files) = load(&texts);
            black_box(check_all(&db, workspace, &files))
        })
    });
    let (mut db, workspace, files) = load(&texts);
    let first = files.iter().flat_map(|f| file_diagnostics(&db, workspace, *f).iter()).next().cloned();
    assert_eq!(first, None, "the generated workspace checks cleanly");
    let edited = files[1];
    let mut version = 0;
    group.sample_size(50);
    group.bench_function("recheck_all_files_after_one_line_edit", |b| {
        b.iter(|| {
            version += 1;
            let text = policy_file(1, REQUIREMENT[version % 2]);
            edited.set_text(&mut db).with_durability(salsa::Durability::LOW).to(text);
            black_box(check_all(&db, workspace, &files))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("lsp_queries");
    let text = edited.text(&db).clone();
    let field = u32::try_from(text.find("breach_notice_hours <=").unwrap() + 3).unwrap();
    let dot = u32::try_from(text.find("dpa.breach_notice_hours <=").unwrap() + 4).unwrap();
    group.bench_function("hover_field", |b| b.iter(|| black_box(tenet_ide::hover(&db, workspace, edited, field))));
    group.bench_function("complete_after_dot", |b| {
        b.iter(|| black_box(tenet_ide::completions(&db, workspace, edited, dot)))
    });
    group.finish();
}

criterion_group!(benches, checking);

/// Which queries re-run after the one-line edit, and how long the edited file's diagnostics
/// take compared with all files' (one sample each, printed).
fn recheck_breakdown() {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    let executed: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let log = executed.clone();
    let mut db = Database::with_event_callback(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind {
            let name = format!("{database_key:?}");
            let name = name.split('(').next().unwrap_or("?").to_string();
            *log.lock().unwrap().entry(name).or_default() += 1;
        }
    });
    let texts = workspace_texts();
    // As in the server: files read from disk are `MEDIUM` durability, edited text `LOW`.
    let files: Vec<SourceFile> = texts
        .iter()
        .map(|(p, t)| SourceFile::builder(p.clone(), t.clone()).durability(salsa::Durability::MEDIUM).new(&db))
        .collect();
    let workspace = Workspace::new(&db, files.clone());
    check_all(&db, workspace, &files);
    executed.lock().unwrap().clear();
    files[1].set_text(&mut db).to(policy_file(1, REQUIREMENT[1]));
    let started = Instant::now();
    black_box(file_diagnostics(&db, workspace, files[1]));
    let edited = started.elapsed();
    check_all(&db, workspace, &files);
    let all = started.elapsed();
    println!("re-check after the edit: edited file's diagnostics {edited:?}, all 200 files {all:?}");
    println!("queries that re-ran: {:?}", executed.lock().unwrap());
}

/// An LSP client over an in-memory pipe to the real server.
struct Pipe {
    to_server: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    from_server: tokio::sync::mpsc::UnboundedReceiver<Value>,
    next_id: i64,
}

impl Pipe {
    async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.to_server.write_all(frame.as_bytes()).await.unwrap();
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params })).await;
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        loop {
            let message = self.from_server.recv().await.expect("server alive");
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message["result"].clone();
            }
        }
    }

    async fn wait_diagnostics(&mut self, uri: &str, version: i64) {
        loop {
            let message = self.from_server.recv().await.expect("server alive");
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == json!(version)
            {
                return;
            }
        }
    }
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99))
}

async fn through_the_server(root: &Path) {
    let (client_end, server_end) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    let (service, socket) = tower_lsp_server::LspService::new(tenet_lsp::Backend::new);
    tokio::spawn(tower_lsp_server::Server::new(server_read, server_write, socket).serve(service));
    let (client_read, to_server) = tokio::io::split(client_end);
    let (sender, from_server) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut reader = BufReader::new(client_read);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).await.unwrap();
            if sender.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    let mut pipe = Pipe { to_server, from_server, next_id: 1 };
    let root_uri = tenet_lsp::path_to_uri(root);
    let started = Instant::now();
    pipe.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {} })).await;
    pipe.notify("initialized", json!({})).await;
    let path = root.join("policy_001.tenet");
    let uri = tenet_lsp::path_to_uri(&path);
    let mut text = std::fs::read_to_string(&path).unwrap();
    let open = json!({ "textDocument": { "uri": uri, "languageId": "tenet", "version": 1, "text": text } });
    pipe.notify("textDocument/didOpen", open).await;
    pipe.wait_diagnostics(&uri, 1).await;
    println!("server: initialize + first diagnostics of the opened file: {:?}", started.elapsed());

    let line = text[..text.find(REQUIREMENT[0]).unwrap()].matches('\n').count();
    let column = text.lines().nth(line).unwrap().find("48h").unwrap();
    let mut edits = Vec::with_capacity(SAMPLES);
    for version in 2..(2 + SAMPLES as i64) {
        let (old, new) = if version % 2 == 0 { ("48h", "72h") } else { ("72h", "48h") };
        text = text.replacen(old, new, 1);
        let range = json!({
            "start": { "line": line, "character": column }, "end": { "line": line, "character": column + 3 }
        });
        let change = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": range, "text": new }]
        });
        let sent = Instant::now();
        pipe.notify("textDocument/didChange", change).await;
        pipe.wait_diagnostics(&uri, version).await;
        edits.push(sent.elapsed());
    }
    let (p50, p99) = percentiles(edits);
    println!("server: edit-to-diagnostics p50 {p50:?} p99 {p99:?} ({SAMPLES} one-line edits)");

    let at = |needle: &str, shift: usize| {
        let offset = text.find(needle).unwrap() + shift;
        let line = text[..offset].matches('\n').count();
        let character = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1);
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
    };
    for (name, method, params) in [
        ("hover", "textDocument/hover", at("breach_notice_hours <=", 3)),
        ("completion", "textDocument/completion", at("dpa.breach_notice_hours <=", 4)),
    ] {
        let mut samples = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let sent = Instant::now();
            let result = pipe.request(method, params.clone()).await;
            samples.push(sent.elapsed());
            assert!(!result.is_null(), "{name} answered");
        }
        let (p50, p99) = percentiles(samples);
        println!("server: {name} p50 {p50:?} p99 {p99:?} ({SAMPLES} requests)");
    }
    documents_through_the_server(&mut pipe, root).await;
}

/// A contract of about `lines` lines: a processor with a 72-hour breach notice and a long
/// list of sub-processors (three lines each).
fn contract_yaml(lines: usize) -> String {
    let head = "kind: Contract\nid: big\nvendor:\n  name: Big Vendor\n  country: IE\n  role: processor\ndpa:\n  breach_notice_hours: 72\n  audit_rights: true\n  security_measures: [encryption_at_rest, encryption_in_transit, pseudonymisation]\n  subprocessors:\n";
    let tail = "transfers:\n  - to: DE\n  - to: US\n    mechanism: scc_2021_914\n    tia_done: true\ndata:\n  categories: [contact, behavioural]\n  retention_days: 365\naudit:\n  last_security_test: 2026-06-01\n";
    let mut text = head.to_string();
    let count = lines.saturating_sub(head.lines().count() + tail.lines().count()) / 3;
    for index in 0..count {
        let _ = write!(text, "    - name: sub-{index}\n      authorised: true\n      flowdown: true\n");
    }
    text.push_str(tail);
    text
}

/// Keystroke-to-diagnostics on a document: `SAMPLES` edits of one value, each waiting for the
/// document's diagnostics of that version.
async fn document_edits(pipe: &mut Pipe, uri: &str, text: &str, first_version: i64) -> (Duration, Duration) {
    let offset = text.find("breach_notice_hours: 72").unwrap() + "breach_notice_hours: ".len();
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let mut samples = Vec::with_capacity(SAMPLES);
    for version in first_version..(first_version + SAMPLES as i64) {
        let new = if version % 2 == 0 { "24" } else { "72" };
        let range = json!({
            "start": { "line": line, "character": column }, "end": { "line": line, "character": column + 2 }
        });
        let change = json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": range, "text": new }]
        });
        let sent = Instant::now();
        pipe.notify("textDocument/didChange", change).await;
        pipe.wait_diagnostics(uri, version).await;
        samples.push(sent.elapsed());
    }
    percentiles(samples)
}

async fn documents_through_the_server(pipe: &mut Pipe, root: &Path) {
    let obligations = (FILES - 1) * 8;
    let contract = contract_yaml(1_000);
    let uri = tenet_lsp::path_to_uri(&root.join("contract.yaml"));
    let open = json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": contract } });
    let started = Instant::now();
    pipe.notify("textDocument/didOpen", open).await;
    pipe.wait_diagnostics(&uri, 1).await;
    println!(
        "server: document opened to first diagnostics: {:?} ({} lines, {obligations} obligations)",
        started.elapsed(),
        contract.lines().count()
    );
    let (p50, p99) = document_edits(pipe, &uri, &contract, 2).await;
    println!(
        "server: document keystroke-to-diagnostics, 1,000-line contract: p50 {p50:?} p99 {p99:?} ({SAMPLES} edits)"
    );

    // Every policy file open in the editor too.
    for index in 1..FILES {
        let path = root.join(format!("policy_{index:03}.tenet"));
        let policy_uri = tenet_lsp::path_to_uri(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let version = if index == 1 { 1_000 } else { 1 };
        let open =
            json!({ "textDocument": { "uri": policy_uri, "languageId": "tenet", "version": version, "text": text } });
        pipe.notify("textDocument/didOpen", open).await;
        pipe.wait_diagnostics(&policy_uri, version).await;
    }
    let small =
        "kind: Contract\nid: small\nvendor:\n  name: Small Ltd\n  role: processor\ndpa:\n  breach_notice_hours: 72\n";
    let uri = tenet_lsp::path_to_uri(&root.join("small.yaml"));
    let open = json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": small } });
    pipe.notify("textDocument/didOpen", open).await;
    pipe.wait_diagnostics(&uri, 1).await;
    let (p50, p99) = document_edits(pipe, &uri, small, 2).await;
    println!(
        "server: document keystroke-to-diagnostics with {} policy files open: p50 {p50:?} p99 {p99:?} ({SAMPLES} edits)",
        FILES - 1
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in workspace_texts() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(through_the_server(dir.path()));
    recheck_breakdown();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
