#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
use salsa::Setter;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use tenet_db::{Database, SourceFile, Workspace, file_diagnostics};
const FILES: usize = 200;
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

fn main() {
    let counts: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let c2 = counts.clone();
    let mut db = Database::with_event_callback(move |e| {
        if let salsa::EventKind::WillExecute { database_key } = e.kind {
            *c2.lock()
                .unwrap()
                .entry(format!("{database_key:?}").split('(').next().unwrap().to_string())
                .or_default() += 1;
        }
    });
    let texts = workspace_texts();
    let files: Vec<SourceFile> = texts.iter().map(|(p, t)| SourceFile::new(&db, p.clone(), t.clone())).collect();
    let ws = Workspace::new(&db, files.clone());
    let t = std::time::Instant::now();
    for f in &files {
        file_diagnostics(&db, ws, *f);
    }
    println!("cold {:?}", t.elapsed());
    counts.lock().unwrap().clear();
    files[1].set_text(&mut db).to(policy_file(1, REQUIREMENT[1]));
    let t = std::time::Instant::now();
    file_diagnostics(&db, ws, files[1]);
    println!("edited file {:?}", t.elapsed());
    for f in &files {
        file_diagnostics(&db, ws, *f);
    }
    println!("all {:?}", t.elapsed());
    println!("{:?}", counts.lock().unwrap());
}
