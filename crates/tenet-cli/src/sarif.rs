//! `tenet eval --format sarif`: the report as SARIF 2.1.0, the format code-scanning tools
//! (GitHub, GitLab, Azure DevOps) read, so findings appear as annotations on the documents.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use tenet_eval::{Finding, Outcome, RunReport, Severity};

/// The SARIF log for a run: one rule per obligation that produced a result, one result per
/// violated or undetermined finding (waived findings are kept as suppressed results), located
/// at the first document value the outcome read.
pub fn log(report: &RunReport) -> Value {
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    let mut results = Vec::new();
    for doc in &report.documents {
        for f in doc
            .findings
            .iter()
            .filter(|f| matches!(f.status, Outcome::Violated | Outcome::Undetermined | Outcome::Waived))
        {
            rules.entry(&f.obligation).or_insert_with(|| rule(f));
            let (line, column) = location(f);
            let mut result = json!({
                "ruleId": f.obligation,
                "level": level(f),
                "message": { "text": format!("{}: {}", f.status.as_str().replace('_', " "), f.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": doc.source },
                        "region": { "startLine": line, "startColumn": column }
                    }
                }],
                "properties": {
                    "status": f.status.as_str(),
                    "area": f.area.as_str(),
                    "severity": f.severity.as_str(),
                    "document": doc.id,
                    "evidence": f.evidence.iter().map(|e| json!({
                        "path": e.path, "value": e.value, "line": e.line, "column": e.column
                    })).collect::<Vec<_>>(),
                }
            });
            if let (Outcome::Waived, Some(w), Some(object)) = (f.status, &f.waiver, result.as_object_mut()) {
                object.insert(
                    "suppressions".into(),
                    json!([{
                        "kind": "external",
                        "justification": format!("{} (approved by {}, until {})", w.reason, w.approved_by, w.until)
                    }]),
                );
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "tenet",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules.into_values().collect::<Vec<_>>(),
                }
            },
            "properties": { "today": report.today },
            "results": results,
        }]
    })
}

/// Where to annotate: the first value a requirement read (the clause that failed or could not
/// be decided), else any value the outcome read, else the document's start.
fn location(f: &Finding) -> (u32, u32) {
    let requirement = f
        .explanation
        .iter()
        .filter(|c| c.clause == "requirement" || c.clause == "forbidden")
        .flat_map(|c| c.evidence.iter());
    requirement.chain(&f.evidence).find_map(|e| Some((e.line?, e.column?))).unwrap_or((1, 1))
}

fn rule(f: &Finding) -> Value {
    let short = f.obligation.rsplit('.').next().unwrap_or(&f.obligation);
    json!({
        "id": f.obligation,
        "name": short,
        "shortDescription": { "text": format!("{} ({})", short.replace('_', " "), f.cite.join("; ")) },
        "properties": { "area": f.area.as_str(), "severity": f.severity.as_str(), "modality": f.modality, "cite": f.cite, "defined_at": f.defined_at.to_string() },
    })
}

/// `error` for violated findings of high severity or above, `warning` for medium, `note` for
/// the rest and for undetermined findings (the document does not say enough).
fn level(f: &Finding) -> &'static str {
    match (f.status, f.severity) {
        (Outcome::Violated, Severity::Critical | Severity::High) => "error",
        (Outcome::Violated, Severity::Medium) => "warning",
        _ => "note",
    }
}
