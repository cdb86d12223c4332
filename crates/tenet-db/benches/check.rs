//! How long checking a 50-file policy workspace takes cold, and how long re-checking it takes
//! after a one-line edit: in the body of one obligation, and in a comment only.
//!
//! Run with `cargo bench -p tenet-db --bench check`; figures are recorded in
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
use salsa::Setter;
use std::fmt::Write;
use std::hint::black_box;
use tenet_db::{Database, SourceFile, Workspace, compile_program, file_diagnostics};

/// Policy files besides the model file.
const POLICY_FILES: usize = 49;
/// The file whose text the re-check benchmarks edit.
const EDITED_FILE: usize = 1;

/// The shared model: the schemas, enums and constants every policy file reads.
const MODEL: &str = r#"// The document model the generated policies read.

package bench.model

/// A vendor agreement with its data-processing terms.
schema Contract {
  id: string?,
  vendor: Vendor?,
  signed_on: date?,
  data: DataProcessing?,
  dpa: Dpa?,
  transfers: list<Transfer>?,
  audit: SecurityAudit?,
}

/// The other party to a contract.
schema Vendor {
  name: string?,
  country: string?,
  role: Role?,
}

/// A party's role under the GDPR.
enum Role {
  processor,
  controller,
  joint_controller,
}

/// What personal data the vendor handles and for how long.
schema DataProcessing {
  categories: list<DataCategory>?,
  retention_days: int?,
}

/// Categories of personal data.
enum DataCategory {
  contact,
  behavioural,
  financial,
  location,
  health,
  biometric,
  political,
  religious,
  genetic,
  children,
}

/// The data-processing agreement.
schema Dpa {
  documented_instructions: bool?,
  security_measures: list<SecurityMeasure>?,
  subprocessors: list<Subprocessor>?,
  breach_notice_hours: duration(hours)?,
  audit_rights: bool?,
}

/// Technical and organisational security measures.
enum SecurityMeasure {
  encryption_at_rest,
  encryption_in_transit,
  pseudonymisation,
  access_control,
  mfa,
  backups,
}

/// A sub-processor the vendor engages.
schema Subprocessor {
  name: string?,
  country: string?,
  authorised: bool?,
  flowdown: bool?,
}

/// A transfer of personal data to another country.
schema Transfer {
  to: string?,
  mechanism: Mechanism?,
  tia_done: bool?,
}

/// The legal basis of an international transfer.
enum Mechanism {
  adequacy,
  scc_2021_914,
  bcr,
  none,
}

/// Security testing of the vendor.
schema SecurityAudit {
  last_security_test: date?,
}

/// The configuration of an AI system.
schema AiSystem {
  id: string?,
  purposes: list<Purpose>?,
  risk_class: RiskClass?,
  features: list<Feature>?,
  disclosure: Disclosure?,
  bias_audit: BiasAudit?,
  logging: Logging?,
}

/// What a system is used for.
enum Purpose {
  ad_copy_generation,
  customer_chat,
  candidate_screening,
  performance_monitoring,
}

/// The EU AI Act's risk classes.
enum RiskClass {
  prohibited,
  high,
  limited,
  minimal,
}

/// Capabilities of a system that obligations care about.
enum Feature {
  chatbot,
  generative_text,
  generative_image,
  profiling,
}

/// What people are told about the system.
schema Disclosure {
  chatbot_notice: bool?,
  deepfake_label: bool?,
}

/// The most recent bias audit.
schema BiasAudit {
  date: date?,
  independent_auditor: bool?,
  categories: list<BiasCategory>?,
}

/// One demographic category in a bias audit.
schema BiasCategory {
  name: string?,
  share: percent?,
  impact_ratio: decimal?,
  exclusion_reason: string?,
}

/// Automatic logging of the system's operation.
schema Logging {
  enabled: bool?,
  retention_days: int?,
}

/// The European Economic Area.
const EEA: set<string> = {
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
  "IS", "LI", "NO",
}

/// Countries with an adequacy decision in force.
const ADEQUACY: set<string> = {
  "AD", "AR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "UY", "US",
}

/// Special categories of personal data.
const SPECIAL_CATEGORIES: set<DataCategory> = {
  health, biometric, political, religious, genetic,
}
"#;

/// The two versions of the edited obligation's requirement line; same length, so only that
/// item's text changes.
const REQUIREMENT: [&str; 2] = ["must dpa.breach_notice_hours <= 48h", "must dpa.breach_notice_hours <= 72h"];
/// The two versions of the comment line inside the same obligation.
const COMMENT: [&str; 2] = ["// reviewed: first pass", "// reviewed: other pass"];

/// One policy file: a package that uses the model, three rules and eight obligations.
/// `requirement` and `comment` are two lines of its breach-notice obligation.
fn policy_file(index: usize, requirement: &str, comment: &str) -> String {
    let n = format!("{index:02}");
    let days = 300 + index;
    let retention = 365 + index * 7;
    let mut text = String::new();
    let _ = write!(
        text,
        r#"// Generated policy file {n}: vendor contracts and AI systems.

package bench.policy_{n}

use bench.model

/// The vendor processes personal data on our behalf.
rule is_processor_{n} on Contract = vendor.role == processor

/// A transfer is lawful if it stays in the EEA, goes to a country with an adequacy
/// decision, or relies on SCCs or BCRs backed by a transfer impact assessment.
rule lawful_transfer_{n}(t: Transfer) =
  t.to in EEA
  or (t.mechanism == adequacy and t.to in ADEQUACY)
  or (t.mechanism in {{scc_2021_914, bcr}} and t.tia_done)

/// The system screens job candidates.
rule screens_candidates_{n} on AiSystem = purposes contains candidate_screening

/// Personal data is protected by encryption at rest and in transit.
obligation encryption_{n} on Contract {{
  area: privacy
  severity: high
  cite: "GDPR Art. 32(1)(a)"
  when data.categories is not empty
  must dpa.security_measures contains all of {{encryption_at_rest, encryption_in_transit}}
  because "Add encryption at rest and in transit to the DPA of {{id}}."
}}

/// Special-category data is pseudonymised.
obligation special_categories_{n} on Contract {{
  area: privacy
  severity: critical
  cite: "GDPR Art. 9"
  when data.categories contains any of SPECIAL_CATEGORIES
  must dpa.security_measures contains pseudonymisation
  because "{{vendor.name}} handles special-category data: add pseudonymisation."
}}

/// A processor reports personal-data breaches to us quickly.
obligation breach_notice_{n} on Contract {{
  area: privacy
  severity: high
  cite: "GDPR Art. 33(2)"
  {comment}
  when is_processor_{n}
  {requirement}
  because "{{vendor.name}} may take {{dpa.breach_notice_hours}} to report a breach."
}}

/// Every sub-processor is authorised and bound by the same terms.
obligation subprocessors_{n} on Contract {{
  area: privacy
  severity: high
  cite: "GDPR Art. 28(2)", "GDPR Art. 28(4)"
  when dpa.subprocessors is not empty
  must all s in dpa.subprocessors: s.authorised and s.flowdown
  because "Authorise each of {{vendor.name}}'s sub-processors in writing."
}}

/// Personal data leaves the EEA only under a valid transfer mechanism.
obligation transfers_{n} on Contract {{
  area: privacy
  severity: critical
  cite: "GDPR Art. 44"
  when transfers is not empty
  must all t in transfers: lawful_transfer_{n}(t)
  because "Each transfer outside the EEA needs a valid mechanism."
}}

/// The vendor's security is tested regularly and data is not kept too long.
obligation security_testing_{n} on Contract {{
  area: accountability
  severity: medium
  cite: "GDPR Art. 32(1)(d)"
  must audit.last_security_test within {days}d before today and data.retention_days <= {retention}
  because "The last security test of {{vendor.name}} was on {{audit.last_security_test}}."
}}

/// A screening tool has had a recent bias audit by an independent auditor.
obligation bias_audit_{n} on AiSystem {{
  area: bias
  severity: critical
  cite: "NYC Local Law 144"
  when screens_candidates_{n}
  must bias_audit.date within {days}d before today and bias_audit.independent_auditor
  because "The last bias audit of {{id}} was on {{bias_audit.date}}."
}}

/// Every category that is at least 2% of the sample has an impact ratio of at least 0.8.
obligation four_fifths_{n} on AiSystem {{
  area: bias
  severity: high
  cite: "29 CFR §1607.4(D)"
  when bias_audit is present and risk_class == high
  must all c in bias_audit.categories where c.share >= 2%: c.impact_ratio >= 0.8
  because "A category in the bias audit of {{id}} has an impact ratio below 0.8."
}}
"#
    );
    text
}

/// The texts of the workspace: the model first, then the policy files.
fn workspace_texts() -> Vec<(String, String)> {
    let mut files = vec![("bench/model.tenet".to_string(), MODEL.to_string())];
    for index in 1..=POLICY_FILES {
        files.push((format!("bench/policy_{index:02}.tenet"), policy_file(index, REQUIREMENT[0], COMMENT[0])));
    }
    files
}

/// A fresh database holding `texts`, and its workspace.
fn load(texts: &[(String, String)]) -> (Database, Workspace, Vec<SourceFile>) {
    let db = Database::default();
    let files: Vec<SourceFile> =
        texts.iter().map(|(path, text)| SourceFile::new(&db, path.clone(), text.clone())).collect();
    let workspace = Workspace::new(&db, files.clone());
    (db, workspace, files)
}

/// Checks every file and returns the number of diagnostics.
fn check_all(db: &Database, workspace: Workspace, files: &[SourceFile]) -> usize {
    files.iter().map(|&file| file_diagnostics(db, workspace, file).len()).sum()
}

/// Fails unless every file of `texts` checks without a diagnostic, so the benchmarks measure
/// the checking of valid policies rather than early exits on errors.
fn assert_clean(texts: &[(String, String)]) {
    let (db, workspace, files) = load(texts);
    for &file in &files {
        let diagnostics = file_diagnostics(&db, workspace, file);
        assert!(diagnostics.is_empty(), "{}: {diagnostics:#?}", file.path(&db));
    }
    let program = compile_program(&db, workspace);
    assert!(program.skipped.is_empty(), "skipped: {:?}", program.skipped);
    assert_eq!(program.obligations.len(), POLICY_FILES * 8);
}

fn check(c: &mut Criterion) {
    let texts = workspace_texts();
    let lines: usize = texts.iter().map(|(_, text)| text.lines().count()).sum();
    let edited =
        |requirement: usize, comment: usize| policy_file(EDITED_FILE, REQUIREMENT[requirement], COMMENT[comment]);
    // Every text a benchmark puts into the database checks cleanly.
    assert_clean(&texts);
    for (requirement, comment) in [(1, 0), (0, 1)] {
        let mut variant = texts.clone();
        variant[EDITED_FILE].1 = edited(requirement, comment);
        assert_clean(&variant);
    }
    eprintln!("workspace: {} files, {lines} lines", texts.len());

    let mut group = c.benchmark_group("check_50_files");

    group.bench_function("cold_check_and_compile", |b| {
        b.iter(|| {
            let (db, workspace, files) = load(&texts);
            let diagnostics = check_all(&db, workspace, &files);
            let obligations = compile_program(&db, workspace).obligations.len();
            black_box((diagnostics, obligations))
        })
    });

    group.bench_function("cold_check", |b| {
        b.iter(|| {
            let (db, workspace, files) = load(&texts);
            black_box(check_all(&db, workspace, &files))
        })
    });

    // Each iteration swaps in the other text, so every iteration is a real change.
    for (name, mut next) in
        [("recheck_after_obligation_edit", edited(1, 0)), ("recheck_after_comment_edit", edited(0, 1))]
    {
        let (mut db, workspace, files) = load(&texts);
        check_all(&db, workspace, &files);
        let file = files[EDITED_FILE];
        group.bench_function(name, |b| {
            b.iter(|| {
                next = file.set_text(&mut db).to(std::mem::take(&mut next));
                black_box(check_all(&db, workspace, &files))
            })
        });
    }

    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);
