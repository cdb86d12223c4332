//! Properties of evaluation, over generated conditions, documents and orders:
//!
//! - `and`, `or` and `not` are Kleene's: every generated condition decides as a three-valued
//!   reference model says, De Morgan's laws and absorption hold, and an unknown operand
//!   propagates exactly as far as Kleene's tables say — whether findings are explained or not;
//! - evaluation is deterministic and does not depend on the order of the policy files, nor on
//!   the order of the documents or the threads that evaluate them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use tenet::{Engine, Explain, Format, PolicySource, PolicySources};

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 28)
}

// ---------------------------------------------------------------- Kleene logic

/// A value of the reference model: `None` is unknown.
type Tri = Option<bool>;

/// A condition over the optional booleans `a`, `b`, `c`, `d` of a document.
#[derive(Clone, Debug)]
enum Cond {
    Var(usize),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

const VARS: [&str; 4] = ["a", "b", "c", "d"];

impl Cond {
    fn text(&self) -> String {
        match self {
            Cond::Var(i) => VARS[*i].to_string(),
            Cond::Not(c) => format!("not ({})", c.text()),
            Cond::And(l, r) => format!("({}) and ({})", l.text(), r.text()),
            Cond::Or(l, r) => format!("({}) or ({})", l.text(), r.text()),
        }
    }

    /// Kleene's logic, written out from its tables.
    fn decide(&self, values: &[Tri; 4]) -> Tri {
        match self {
            Cond::Var(i) => values[*i],
            Cond::Not(c) => c.decide(values).map(|v| !v),
            Cond::And(l, r) => match (l.decide(values), r.decide(values)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Cond::Or(l, r) => match (l.decide(values), r.decide(values)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
        }
    }
}

fn cond() -> impl Strategy<Value = Cond> {
    (0..VARS.len()).prop_map(Cond::Var).prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Cond::And(Box::new(l), Box::new(r))),
            (inner.clone(), inner).prop_map(|(l, r)| Cond::Or(Box::new(l), Box::new(r))),
        ]
    })
}

fn tri() -> impl Strategy<Value = Tri> {
    prop_oneof![Just(Some(true)), Just(Some(false)), Just(None)]
}

/// The outcome of `must condition` with no `when`.
fn outcome(value: Tri) -> &'static str {
    match value {
        Some(true) => "satisfied",
        Some(false) => "violated",
        None => "undetermined",
    }
}

const KLEENE_SCHEMA: &str =
    "package prop.kleene\n\nschema Doc {\n  id: string?,\n  a: bool?,\n  b: bool?,\n  c: bool?,\n  d: bool?,\n}\n";

/// Evaluates one obligation per condition on a document with `values` (unknown: absent),
/// explained as `explain` says; returns each obligation's outcome, in order.
fn outcomes(conditions: &[String], values: &[Tri; 4], explain: Explain) -> Vec<String> {
    let mut policy = KLEENE_SCHEMA.to_string();
    for (i, condition) in conditions.iter().enumerate() {
        policy.push_str(&format!(
            "\nobligation o{i} on Doc {{\n  area: privacy\n  severity: low\n  cite: \"prop\"\n  must ({condition})\n}}\n"
        ));
    }
    let sources = PolicySources {
        files: vec![PolicySource { path: "kleene.tenet".into(), text: policy.clone(), library: false }],
        manifest: None,
    };
    let engine = Engine::from_sources(&sources).unwrap_or_else(|e| panic!("{e:?}\n{policy}"));
    let mut document = String::from("kind: Doc\nid: d\n");
    for (name, value) in VARS.iter().zip(values) {
        if let Some(value) = value {
            document.push_str(&format!("{name}: {value}\n"));
        }
    }
    let evaluation = engine.evaluation(today()).with_explain(explain);
    let results = engine.evaluate_text_with(&evaluation, "doc.yaml", &document, Some(Format::Yaml), None);
    assert_eq!(results.len(), 1);
    let findings = &results[0].report.findings;
    let by_name: BTreeMap<&str, &str> = findings.iter().map(|f| (&*f.obligation, f.status.as_str())).collect();
    (0..conditions.len()).map(|i| by_name[format!("prop.kleene.o{i}").as_str()].to_string()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Each condition, and each side of De Morgan's laws, absorption and double negation over
    /// it, decides as Kleene's tables say, explained or not.
    #[test]
    fn conditions_follow_kleene_logic(x in cond(), y in cond(), values in [tri(), tri(), tri(), tri()]) {
        let (xt, yt) = (x.text(), y.text());
        let laws: Vec<(String, String)> = vec![
            (format!("not (({xt}) and ({yt}))"), format!("(not ({xt})) or (not ({yt}))")),
            (format!("not (({xt}) or ({yt}))"), format!("(not ({xt})) and (not ({yt}))")),
            (format!("({xt}) or (({xt}) and ({yt}))"), xt.clone()),
            (format!("({xt}) and (({xt}) or ({yt}))"), xt.clone()),
            (format!("not (not ({xt}))"), xt.clone()),
        ];
        let mut conditions = vec![xt.clone(), yt.clone()];
        for (left, right) in &laws {
            conditions.push(left.clone());
            conditions.push(right.clone());
        }
        let decided = outcomes(&conditions, &values, Explain::None);
        let explained = outcomes(&conditions, &values, Explain::All);
        prop_assert_eq!(&decided, &explained, "deciding and explaining disagree");
        prop_assert_eq!(decided[0].as_str(), outcome(x.decide(&values)), "{}", xt);
        prop_assert_eq!(decided[1].as_str(), outcome(y.decide(&values)), "{}", yt);
        for (i, (left, right)) in laws.iter().enumerate() {
            let (l, r) = (&decided[2 + 2 * i], &decided[3 + 2 * i]);
            prop_assert_eq!(l, r, "`{}` and `{}` differ with {:?}", left, right, values);
        }
    }

    /// An unknown operand decides `and` only when the other is false, `or` only when the other
    /// is true, and leaves `not` unknown.
    #[test]
    fn unknown_propagates_as_far_as_kleene_says(x in cond(), values in [tri(), tri(), tri(), tri()]) {
        // `d` is made unknown; `x` may or may not read it.
        let mut values = values;
        values[3] = None;
        let xt = x.text();
        let conditions = vec![
            xt.clone(),
            format!("({xt}) and d"),
            format!("d and ({xt})"),
            format!("({xt}) or d"),
            format!("d or ({xt})"),
            "not d".to_string(),
        ];
        let got = outcomes(&conditions, &values, Explain::Failing);
        let expected_and = match x.decide(&values) { Some(false) => "violated", _ => "undetermined" };
        let expected_or = match x.decide(&values) { Some(true) => "satisfied", _ => "undetermined" };
        prop_assert_eq!(got[1].as_str(), expected_and);
        prop_assert_eq!(got[2].as_str(), expected_and);
        prop_assert_eq!(got[3].as_str(), expected_or);
        prop_assert_eq!(got[4].as_str(), expected_or);
        prop_assert_eq!(got[5].as_str(), "undetermined");
    }
}

// ---------------------------------------------------------------- order independence

/// The repository's example policies and documents.
fn repository() -> (Vec<PolicySource>, Vec<(String, String)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut policies = Vec::new();
    for entry in std::fs::read_dir(root.join("examples/policies")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tenet") {
            let text = std::fs::read_to_string(&path).unwrap();
            policies.push(PolicySource { path: path.display().to_string(), text, library: false });
        }
    }
    policies.sort_by(|a, b| a.path.cmp(&b.path));
    let mut documents = Vec::new();
    for dir in ["examples/documents/contracts", "examples/documents/ai-systems"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            documents.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    documents.sort();
    (policies, documents)
}

/// Each document's findings as JSON, keyed by source and obligation (findings are listed in
/// policy order, which follows the files' order; what each finding says must not).
fn findings_by_document(engine: &Engine, documents: &[(String, String)]) -> Findings {
    let mut out = BTreeMap::new();
    for (name, text) in documents {
        for result in engine.evaluate_text(name, text, None, today()) {
            assert!(result.report.evaluated, "{name}: {:?}", result.report.problems);
            for finding in &result.report.findings {
                let key = (format!("{name}#{}", result.report.index), finding.obligation.to_string());
                let previous = out.insert(key, serde_json::to_string(finding).unwrap());
                assert!(previous.is_none(), "{name}: two findings of {}", finding.obligation);
            }
        }
    }
    out
}

fn engine_of(files: Vec<PolicySource>) -> Engine {
    Engine::from_sources(&PolicySources { files, manifest: None }).unwrap()
}

/// Each finding as JSON, by document (source and index) and obligation.
type Findings = BTreeMap<(String, String), String>;

/// The policy files, the documents (name and text), and their findings.
type Baseline = (Vec<PolicySource>, Vec<(String, String)>, Findings);

/// The example policies with the standard library, in the order the loader gives them.
fn baseline() -> &'static Baseline {
    static BASELINE: std::sync::OnceLock<Baseline> = std::sync::OnceLock::new();
    BASELINE.get_or_init(|| {
        let (mut files, documents) = repository();
        files.extend(tenet::load::load(&[], tenet::Std::Include).sources().files);
        let findings = findings_by_document(&engine_of(files.clone()), &documents);
        assert!(findings.len() > 100, "only {} findings", findings.len());
        (files, documents, findings)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Shuffling the policy files (the user's and the library's) and the documents changes no
    /// finding, and evaluating the documents on several threads at once gives what one gives.
    #[test]
    fn evaluation_does_not_depend_on_the_order_of_files_or_documents(
        file_order in Just(baseline().0.len()).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle()),
        document_order in Just(baseline().1.len()).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle()),
    ) {
        let (files, documents, expected) = baseline();
        let shuffled_files: Vec<PolicySource> = file_order.iter().map(|&i| files[i].clone()).collect();
        let shuffled_documents: Vec<(String, String)> = document_order.iter().map(|&i| documents[i].clone()).collect();
        let engine = engine_of(shuffled_files);
        let got = findings_by_document(&engine, &shuffled_documents);
        prop_assert!(got == *expected, "findings changed with the order of files or documents");
        // Two threads, each taking every other document, share one engine.
        let halves: Vec<Findings> = std::thread::scope(|scope| {
            let engine = &engine;
            let handles: Vec<_> = (0..2)
                .map(|k| {
                    let mine: Vec<(String, String)> =
                        shuffled_documents.iter().skip(k).step_by(2).cloned().collect();
                    scope.spawn(move || findings_by_document(engine, &mine))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut together = BTreeMap::new();
        for half in halves {
            together.extend(half);
        }
        prop_assert!(together == *expected, "findings changed when evaluated on two threads");
    }
}
