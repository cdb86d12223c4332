//! `tenet eval --format sarif`: the report as SARIF 2.1.0, the format code-scanning tools
//! (GitHub, GitLab, Azure DevOps) read, so findings, input problems and policy errors appear as
//! annotations on the documents and policy files.

use crate::outputs::PolicyProblem;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use tenet_eval::{DocumentReport, Finding, InputProblem, Outcome, Severity};
use tenet_syntax::Level;

/// The base the documents' relative URIs resolve against.
const SRCROOT: &str = "%SRCROOT%";

/// What a SARIF log covers beyond the documents.
pub struct Run<'a> {
    /// The evaluation date (`None` for `tenet check`, which evaluates nothing).
    pub today: Option<&'a str>,
    pub documents: &'a [DocumentReport],
    pub policy_problems: &'a [PolicyProblem],
}

/// The SARIF log for a run: one rule per obligation with a result (its area, severity,
/// citations and help), one per problem code; one result per violated, undetermined or waived
/// finding (waived ones suppressed, with the waiver as justification), per load or validation
/// problem of a document, and per policy error; and a notification per document that could
/// not be evaluated.
pub fn log(run: &Run<'_>) -> Value {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for doc in run.documents {
        let document = crate::baseline::document_key(doc);
        for p in &doc.problems {
            rules
                .entry(p.code.clone())
                .or_insert_with(|| problem_rule(&p.code, "a document that cannot be read, loaded or validated"));
            results.push(problem_result(doc, &document, p));
        }
        if !doc.evaluated {
            notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{} could not be evaluated", describe(doc)) },
                "locations": [ location(&doc.source, 1, 1) ],
                "descriptor": { "id": "not-evaluated" },
            }));
        }
        for f in doc
            .findings
            .iter()
            .filter(|f| matches!(f.status, Outcome::Violated | Outcome::Undetermined | Outcome::Waived))
        {
            rules.entry(f.obligation.to_string()).or_insert_with(|| rule(f));
            results.push(finding_result(doc, &document, f));
        }
    }
    for p in run.policy_problems {
        rules.entry(p.code.clone()).or_insert_with(|| problem_rule(&p.code, "a problem in the policies"));
        let line = u32::try_from(p.line).unwrap_or(u32::MAX);
        let column = u32::try_from(p.column).unwrap_or(u32::MAX);
        results.push(json!({
            "ruleId": p.code,
            "level": p.severity,
            "message": { "text": p.message },
            "locations": [ location(&p.file, line, column) ],
            "partialFingerprints": { "tenet/v1": digest(&["policy", &p.file, &p.code, &p.message]) },
            "properties": { "tenet": "policy_error" },
        }));
    }
    let successful =
        run.policy_problems.iter().all(|p| p.severity != "error") && run.documents.iter().all(|d| d.evaluated);
    let base = std::env::current_dir()
        .ok()
        .map(|dir| format!("file://{}/", encode(&dir.to_string_lossy().replace('\\', "/"))));
    let mut run_object = json!({
        "tool": {
            "driver": {
                "name": "tenet",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_values().collect::<Vec<_>>(),
                "notifications": [{
                    "id": "not-evaluated",
                    "shortDescription": { "text": "a document could not be evaluated" },
                    "fullDescription": { "text": "The document could not be read, loaded or validated; its problems are results of this run, and no obligation was evaluated on it." },
                }],
            }
        },
        "invocations": [{
            "executionSuccessful": successful,
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "properties": run.today.map_or_else(|| json!({}), |today| json!({ "today": today })),
        "results": results,
    });
    if let (Some(base), Some(object)) = (base, run_object.as_object_mut()) {
        object.insert("originalUriBaseIds".into(), json!({ SRCROOT: { "uri": base } }));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run_object],
    })
}

fn finding_result(doc: &DocumentReport, document: &str, f: &Finding) -> Value {
    let (line, column) = anchor(f);
    let mut result = json!({
        "ruleId": f.obligation,
        "level": level(f),
        "message": { "text": format!("{}: {}", f.status.as_str().replace('_', " "), f.message) },
        "locations": [ location(&doc.source, line, column) ],
        "partialFingerprints": { "tenet/v1": crate::baseline::fingerprint(document, f) },
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
                "status": "accepted",
                "justification": format!("{} (approved by {}, until {})", w.reason, w.approved_by, w.until)
            }]),
        );
    }
    result
}

fn problem_result(doc: &DocumentReport, document: &str, p: &InputProblem) -> Value {
    let mut text = p.message.clone();
    if let Some(help) = &p.help {
        text.push_str(&format!(" (help: {help})"));
    }
    json!({
        "ruleId": p.code,
        "level": if p.severity == Level::Error { "error" } else { "warning" },
        "message": { "text": text },
        "locations": [ location(&doc.source, p.line.unwrap_or(1), p.column.unwrap_or(1)) ],
        "partialFingerprints": { "tenet/v1": digest(&["problem", document, &p.code, &p.message]) },
        "properties": { "tenet": "input_problem", "document": doc.id },
    })
}

fn describe(doc: &DocumentReport) -> String {
    if doc.index > 0 { format!("document {} of `{}`", doc.index + 1, doc.source) } else { format!("`{}`", doc.source) }
}

/// A physical location: a relative path becomes a URI relative to `%SRCROOT%` (the current
/// directory), an absolute one a `file:` URI.
fn location(path: &str, line: u32, column: u32) -> Value {
    let normal = path.replace('\\', "/");
    let artifact = if normal.starts_with('/') {
        json!({ "uri": format!("file://{}", encode(&normal)) })
    } else {
        json!({ "uri": encode(normal.strip_prefix("./").unwrap_or(&normal)), "uriBaseId": SRCROOT })
    };
    json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": { "startLine": line.max(1), "startColumn": column.max(1) }
        }
    })
}

/// A path as URI text: bytes other than unreserved characters and `/` are percent-encoded.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where to annotate: the first value a requirement read (the clause that failed or could not
/// be decided), else any value the outcome read, else the document's start.
pub fn anchor(f: &Finding) -> (u32, u32) {
    let requirement = f
        .explanation
        .iter()
        .filter(|c| c.clause == "requirement" || c.clause == "forbidden")
        .flat_map(|c| c.evidence.iter());
    requirement.chain(&f.evidence).find_map(|e| Some((e.line?, e.column?))).unwrap_or((1, 1))
}

fn rule(f: &Finding) -> Value {
    let short = f.obligation.rsplit('.').next().unwrap_or(&f.obligation);
    let words = short.replace('_', " ");
    let cites = if f.cite.is_empty() { "no citation".to_string() } else { f.cite.join("; ") };
    let help = format!(
        "The {} `{}` ({} area, {} severity) cites {cites}. It is declared at {}; `tenet doc` describes it and its parameters.",
        f.modality,
        f.obligation,
        f.area.as_str(),
        f.severity.as_str(),
        f.defined_at
    );
    let markdown = format!(
        "**{}** `{}`\n\n| area | severity | cites |\n|---|---|---|\n| {} | {} | {} |\n\nDeclared at `{}`.",
        f.modality,
        f.obligation,
        f.area.as_str(),
        f.severity.as_str(),
        cites.replace('|', "\\|"),
        f.defined_at
    );
    json!({
        "id": f.obligation,
        "name": short,
        "shortDescription": { "text": format!("{words} ({cites})") },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": violated_level(f.severity) },
        "properties": {
            "area": f.area.as_str(),
            "severity": f.severity.as_str(),
            "modality": f.modality,
            "cite": f.cite,
            "defined_at": f.defined_at.to_string(),
            "tags": [f.area.as_str(), "compliance"],
        },
    })
}

fn problem_rule(code: &str, what: &str) -> Value {
    json!({
        "id": code,
        "shortDescription": { "text": format!("{code}: {what}") },
        "help": { "text": format!("{code} reports {what}; the result's message says what is wrong and how to fix it.") },
        "defaultConfiguration": { "level": "error" },
    })
}

/// A violated finding: `error` at `high` and `critical`, `warning` at `medium`, `note` at `low`
/// and `info`.
fn violated_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Violated findings by [`violated_level`]; an undetermined finding (the document does not
/// say enough) is a `warning` at `high` and `critical`, a `note` below; a waived one keeps the
/// level of the outcome it had before the waiver (the result is suppressed).
fn level(f: &Finding) -> &'static str {
    let status = match (&f.waiver, f.status) {
        (Some(w), Outcome::Waived) => w.original_status,
        _ => f.status,
    };
    match (status, f.severity) {
        (Outcome::Undetermined, Severity::Critical | Severity::High) => "warning",
        (Outcome::Undetermined, _) => "note",
        _ => violated_level(f.severity),
    }
}

/// The first 32 hex digits of the SHA-256 of the parts, each ended by a NUL.
pub(crate) fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(encode("contracts/a b#1.yaml"), "contracts/a%20b%231.yaml");
        assert_eq!(encode("<stdin>"), "%3Cstdin%3E");
    }
}
