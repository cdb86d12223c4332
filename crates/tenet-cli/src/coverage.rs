//! Test coverage: for each obligation, the outcomes tests expected or reached, and the
//! conditions of its `when` and requirement that were never true or never false.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tenet_db::ir::{Expectation, Ir, IrKind};
use tenet_db::{Program, ProgramItem};
use tenet_eval::{Finding, Observation, Outcome, Tri};
use tenet_syntax::ast::{BinOp, ItemSpan};

/// How far tests got with one outcome of one obligation.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// No test evaluation gave this outcome.
    None,
    /// Some test's document gave it, but no `expect` checks it.
    Reached,
    /// An `expect` checks it.
    Expected,
}

/// One condition of an obligation and the truth values tests gave it.
#[derive(Serialize, Debug)]
pub struct ConditionCoverage {
    /// `when` or `requirement`.
    pub clause: &'static str,
    /// The condition as written.
    pub text: String,
    /// Whether some test made it true.
    #[serde(rename = "true")]
    pub was_true: bool,
    /// Whether some test made it false.
    #[serde(rename = "false")]
    pub was_false: bool,
    /// Whether some test left it unknown.
    pub unknown: bool,
    #[serde(skip)]
    span: ItemSpan,
}

/// Coverage of one obligation.
#[derive(Serialize, Debug)]
pub struct ObligationCoverage {
    /// Qualified name.
    pub obligation: String,
    /// Outcome → how far tests got.
    pub outcomes: BTreeMap<&'static str, Reach>,
    pub conditions: Vec<ConditionCoverage>,
}

/// Coverage of every obligation declared in the files under test.
#[derive(Serialize, Debug)]
pub struct Coverage {
    /// One entry per obligation, in program order.
    pub obligations: Vec<ObligationCoverage>,
}

impl Coverage {
    /// Coverage for the obligations declared in `paths`, nothing reached yet.
    pub fn new(program: &Program, paths: &[&str]) -> Coverage {
        let obligations = program
            .obligations
            .iter()
            .filter(|o| paths.contains(&&*o.path))
            .map(|o| {
                let mut conditions = Vec::new();
                if let Some(when) = &o.item.when {
                    decisions(when, "when", o, &mut conditions);
                }
                let clause = if o.item.negated { "forbidden" } else { "requirement" };
                decisions(&o.item.requirement, clause, o, &mut conditions);
                ObligationCoverage {
                    obligation: o.item.name.to_string(),
                    outcomes: Outcome::LISTED.iter().map(|o| (o.as_str(), Reach::None)).collect(),
                    conditions,
                }
            })
            .collect();
        Coverage { obligations }
    }

    /// Adds one test's findings, expectations and condition values.
    pub fn record(&mut self, findings: &[Finding], expects: &[Expectation], observations: Vec<Observation>) {
        let mut seen: BTreeMap<&str, BTreeSet<(ItemSpan, TriKey)>> = BTreeMap::new();
        for o in &observations {
            seen.entry(&o.item).or_default().insert((o.span, TriKey::from(o.result)));
        }
        for ob in &mut self.obligations {
            for f in findings.iter().filter(|f| *f.obligation == *ob.obligation) {
                let status = f.status;
                let expected = expects.iter().any(|e| *e.obligation == *ob.obligation && e.outcome == status);
                let reach = if expected { Reach::Expected } else { Reach::Reached };
                if let Some(r) = ob.outcomes.get_mut(status.as_str()) {
                    *r = (*r).max(reach);
                }
            }
            let Some(values) = seen.get(ob.obligation.as_str()) else { continue };
            for c in &mut ob.conditions {
                c.was_true |= values.contains(&(c.span, TriKey::True));
                c.was_false |= values.contains(&(c.span, TriKey::False));
                c.unknown |= values.contains(&(c.span, TriKey::Unknown));
            }
        }
    }

    /// The coverage table and the conditions never true or never false, for people.
    pub fn render(&self) -> String {
        if self.obligations.is_empty() {
            return "\ncoverage: the files under test declare no obligation\n".to_string();
        }
        let mut out =
            String::from("\ncoverage (✓ expected by a test · reached without an expect · blank never reached)\n");
        let width = self.obligations.iter().map(|o| o.obligation.len()).max().unwrap_or(10).max(10);
        out.push_str(&format!(
            "  {:<width$}  {:^9}  {:^8}  {:^14}  {:^12}  {:^6}\n",
            "obligation", "satisfied", "violated", "not applicable", "undetermined", "waived"
        ));
        let mark = |r: Option<&Reach>| match r {
            Some(Reach::Expected) => "✓",
            Some(Reach::Reached) => "·",
            _ => " ",
        };
        for ob in &self.obligations {
            let expected = ob.outcomes.values().filter(|r| **r == Reach::Expected).count();
            out.push_str(&format!(
                "  {:<width$}  {:^9}  {:^8}  {:^14}  {:^12}  {:^6}  {expected}/4\n",
                ob.obligation,
                mark(ob.outcomes.get("satisfied")),
                mark(ob.outcomes.get("violated")),
                mark(ob.outcomes.get("not_applicable")),
                mark(ob.outcomes.get("undetermined")),
                mark(ob.outcomes.get("waived")),
            ));
        }
        let gaps: Vec<String> = self
            .obligations
            .iter()
            .flat_map(|ob| {
                ob.conditions.iter().filter(|c| !(c.was_true && c.was_false)).map(move |c| {
                    let never = match (c.was_true, c.was_false) {
                        (false, false) => "never true or false",
                        (false, true) => "never true",
                        _ => "never false",
                    };
                    format!("  {} {} `{}`: {never}\n", ob.obligation, c.clause, c.text)
                })
            })
            .collect();
        if gaps.is_empty() {
            out.push_str("every condition of `when` and the requirements was both true and false in some test\n");
        } else {
            out.push_str(&format!(
                "{} condition{} not taken both ways:\n",
                gaps.len(),
                crate::check::plural(gaps.len())
            ));
            gaps.iter().for_each(|g| out.push_str(g));
        }
        let thin: Vec<&str> = self
            .obligations
            .iter()
            .filter(|o| o.outcomes.values().filter(|r| **r == Reach::Expected).count() < 3)
            .map(|o| o.obligation.as_str())
            .collect();
        if !thin.is_empty() {
            out.push_str(&format!("obligations with fewer than three expected outcomes: {}\n", thin.join(", ")));
        }
        out
    }
}

/// A hashable, ordered stand-in for [`Tri`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TriKey {
    True,
    False,
    Unknown,
}

impl From<Tri> for TriKey {
    fn from(t: Tri) -> Self {
        match t {
            Tri::True => TriKey::True,
            Tri::False => TriKey::False,
            Tri::Unknown => TriKey::Unknown,
        }
    }
}

/// The decisions of a condition: the operands of `and`, `or` and `not`, down to the atoms the
/// evaluator explains (comparisons, quantifiers, rule calls, …).
fn decisions<T>(ir: &Ir, clause: &'static str, origin: &ProgramItem<T>, out: &mut Vec<ConditionCoverage>) {
    let mut stack = vec![ir];
    let mut atoms = Vec::new();
    while let Some(node) = stack.pop() {
        match &node.kind {
            IrKind::Binary(BinOp::And | BinOp::Or, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            IrKind::Not(inner) => stack.push(inner),
            _ => atoms.push(node),
        }
    }
    for atom in atoms {
        let start = (origin.offset + atom.span.start) as usize;
        let end = (origin.offset + atom.span.end) as usize;
        let text = origin.text.get(start..end).unwrap_or("?").split_whitespace().collect::<Vec<_>>().join(" ");
        out.push(ConditionCoverage {
            clause,
            text,
            was_true: false,
            was_false: false,
            unknown: false,
            span: atom.span,
        });
    }
}
