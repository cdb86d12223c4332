//! Generates realistic `Contract` and `AiSystem` documents of the standard library's model,
//! deterministically from a seed, as one-line JSON (NDJSON). Used by the benchmarks, the Rego
//! agreement test and anyone who wants to try Tenet at volume.
//!
//! The documents mix compliant and non-compliant values and leave fields out (about one in
//! eight optional fields), so every outcome — satisfied, violated, not applicable and
//! undetermined — occurs.

use serde_json::{Map, Value, json};

/// Which kind of document to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Vendor contracts (`kind: Contract`).
    Contract,
    /// AI-system configurations (`kind: AiSystem`).
    AiSystem,
    /// Contracts and AI systems alternating.
    Mixed,
}

impl Kind {
    /// Parses `contract`, `ai-system` or `mixed`.
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "contract" | "Contract" => Some(Kind::Contract),
            "ai-system" | "aisystem" | "AiSystem" => Some(Kind::AiSystem),
            "mixed" => Some(Kind::Mixed),
            _ => None,
        }
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same documents on
/// every platform, with no dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or("")
    }

    fn some_of(&mut self, items: &[&str], max: u64) -> Vec<Value> {
        let n = 1 + self.below(max);
        let mut out: Vec<Value> = Vec::new();
        for _ in 0..n {
            let v = Value::from(self.pick(items));
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    fn date(&mut self, from_year: i32, years: u64) -> String {
        let year = from_year + i32::try_from(self.below(years)).unwrap_or(0);
        format!("{year}-{:02}-{:02}", 1 + self.below(12), 1 + self.below(28))
    }
}

/// Documents one by one: the `i`-th document of a seed does not depend on how many are taken.
pub struct Documents {
    kind: Kind,
    seed: u64,
    next: u64,
}

/// `count`-free stream of documents of `kind` from `seed` (take as many as needed).
pub fn documents(kind: Kind, seed: u64) -> Documents {
    Documents { kind, seed, next: 0 }
}

impl Iterator for Documents {
    type Item = Value;
    fn next(&mut self) -> Option<Value> {
        let i = self.next;
        self.next += 1;
        let mut rng = Rng::new(self.seed ^ i.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let ai = match self.kind {
            Kind::Contract => false,
            Kind::AiSystem => true,
            Kind::Mixed => i % 2 == 1,
        };
        Some(if ai { ai_system(&mut rng, i) } else { contract(&mut rng, i) })
    }
}

/// Removes about `percent`% of the object's fields (but never `kind` or `id`), so documents
/// leave things unsaid as real ones do.
fn thin(rng: &mut Rng, value: Value, percent: u64) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if k != "kind" && k != "id" && rng.chance(percent) {
                    continue;
                }
                let v = thin(rng, v, percent);
                out.insert(k, v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(|v| thin(rng, v, percent)).collect()),
        other => other,
    }
}

const COUNTRIES: &[&str] = &["DE", "FR", "IE", "NL", "US", "GB", "IN", "BR", "JP", "CH", "SG", "PH"];

fn contract(rng: &mut Rng, i: u64) -> Value {
    let categories =
        rng.some_of(&["contact", "behavioural", "financial", "location", "health", "biometric", "children"], 3);
    let subprocessors: Vec<Value> = (0..rng.below(4))
        .map(|k| {
            json!({
                "name": format!("sub-{i}-{k}"),
                "country": rng.pick(COUNTRIES),
                "authorised": rng.chance(90),
                "flowdown": rng.chance(85),
            })
        })
        .collect();
    let transfers: Vec<Value> = (0..rng.below(3))
        .map(|_| {
            json!({
                "to": rng.pick(COUNTRIES),
                "mechanism": rng.pick(&["adequacy", "scc_2021_914", "bcr", "none"]),
                "tia_done": rng.chance(70),
            })
        })
        .collect();
    let doc = json!({
        "kind": "Contract",
        "id": format!("contract-{i:07}"),
        "vendor": {
            "name": format!("Vendor {i}"),
            "country": rng.pick(COUNTRIES),
            "role": rng.pick(&["processor", "processor", "processor", "controller", "joint_controller"]),
        },
        "signed_on": rng.date(2022, 5),
        "data": {
            "categories": categories,
            "retention_days": 30 + rng.below(1200),
            "storage_required_by_law": rng.chance(20),
        },
        "dpa": {
            "documented_instructions": rng.chance(92),
            "staff_confidentiality": rng.chance(92),
            "security_measures": rng.some_of(
                &["encryption_at_rest", "encryption_in_transit", "pseudonymisation", "access_control", "mfa", "backups"],
                5,
            ),
            "subprocessors": subprocessors,
            "breach_notice_hours": rng.pick(&["24h", "36h", "48h", "72h", "96h"]),
            "audit_rights": rng.chance(85),
            "exit": { "return_or_delete": rng.chance(90), "deadline_days": format!("{}d", 15 + rng.below(90)) },
        },
        "transfers": transfers,
        "marketing": {
            "direct_marketing": rng.chance(40),
            "objection_honoured": rng.chance(85),
            "suppression_sync_hours": format!("{}h", 1 + rng.below(96)),
        },
        "ai": { "incident_report_days": format!("{}d", 1 + rng.below(20)) },
        "workforce": { "roles_affected": rng.below(40), "retraining_offered": rng.chance(60) },
        "audit": { "last_security_test": rng.date(2023, 4) },
    });
    thin(rng, doc, 12)
}

fn ai_system(rng: &mut Rng, i: u64) -> Value {
    let purposes = rng.some_of(
        &[
            "ad_copy_generation",
            "image_generation",
            "audience_segmentation",
            "customer_chat",
            "candidate_screening",
            "performance_monitoring",
            "review_generation",
            "pricing",
        ],
        2,
    );
    let features = rng.some_of(
        &[
            "chatbot",
            "generative_text",
            "generative_image",
            "generative_video",
            "profiling",
            "emotion_recognition",
            "automated_decisions",
        ],
        3,
    );
    let categories: Vec<Value> = (0..rng.below(4))
        .map(|k| {
            let share = rng.below(30);
            let mut c = json!({
                "name": format!("group-{k}"),
                "dimension": rng.pick(&["sex", "race_ethnicity", "intersectional"]),
                "share": format!("{share}%"),
                "impact_ratio": format!("0.{}", 60 + rng.below(40)).parse::<f64>().unwrap_or(0.9),
            });
            if share < 2
                && rng.chance(50)
                && let Some(map) = c.as_object_mut()
            {
                map.insert("exclusion_reason".into(), json!("fewer than 2% of applicants"));
            }
            c
        })
        .collect();
    let doc = json!({
        "kind": "AiSystem",
        "id": format!("ai-system-{i:07}"),
        "contract": format!("contract-{:07}", rng.below(100_000)),
        "purposes": purposes,
        "risk_class": rng.pick(&["high", "limited", "minimal", "minimal"]),
        "workplace": rng.chance(30),
        "go_live": rng.date(2024, 3),
        "features": features,
        "documentation": { "instructions_for_use": rng.chance(80) },
        "disclosure": {
            "chatbot_notice": rng.chance(80),
            "output_marking": rng.pick(&["none", "c2pa", "watermark", "metadata"]),
            "deepfake_label": rng.chance(75),
        },
        "decisions": {
            "significant_effects": rng.chance(30),
            "human_review": rng.chance(75),
            "explanation": rng.chance(70),
        },
        "bias_audit": {
            "date": rng.date(2024, 3),
            "independent_auditor": rng.chance(80),
            "categories": categories,
        },
        "training_data": { "bias_examined": rng.chance(70) },
        "dpia_done": rng.chance(75),
        "logging": { "enabled": rng.chance(85), "retention_days": 30 + rng.below(400) },
        "monitoring": { "enabled": rng.chance(80), "suspend_procedure": rng.chance(70) },
        "workers": {
            "informed_on": rng.date(2024, 3),
            "ai_literacy_trained_pct": format!("0.{:02}", rng.below(100)).parse::<f64>().unwrap_or(0.5),
        },
    });
    thin(rng, doc, 12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_documents_and_kinds_alternate_when_mixed() {
        let a: Vec<Value> = documents(Kind::Mixed, 7).take(20).collect();
        let b: Vec<Value> = documents(Kind::Mixed, 7).take(20).collect();
        assert_eq!(a, b);
        assert_ne!(a, documents(Kind::Mixed, 8).take(20).collect::<Vec<_>>());
        let kinds: Vec<&str> = a.iter().filter_map(|d| d.get("kind").and_then(Value::as_str)).collect();
        assert_eq!(kinds.get(..2), Some(&["Contract", "AiSystem"][..]));
    }
}
