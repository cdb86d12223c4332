//! Cycles in graphs of qualified names: rules that call each other, exceptions that
//! displace each other.

use crate::ir::QualName;
use std::collections::{BTreeMap, BTreeSet};

/// Obligations that displace each other in a circle, each cycle sorted.
pub(crate) fn exception_cycles(exceptions: &BTreeMap<QualName, Vec<QualName>>) -> Vec<Vec<QualName>> {
    // Edge: exception → the obligation it displaces.
    let mut graph: BTreeMap<QualName, Vec<QualName>> = BTreeMap::new();
    for (target, excs) in exceptions {
        for e in excs {
            graph.entry(e.clone()).or_default().push(target.clone());
        }
    }
    cycles_of(&graph)
}

/// The strongly connected groups of `graph` that contain a cycle, each sorted: a node is on a
/// cycle when it can reach itself, and its group is what it reaches that reaches it back.
pub(crate) fn cycles_of(graph: &BTreeMap<QualName, Vec<QualName>>) -> Vec<Vec<QualName>> {
    let mut cycles: BTreeSet<Vec<QualName>> = BTreeSet::new();
    for start in graph.keys() {
        let reach = reachable(graph, start);
        if reach.contains(start) {
            let mut members: Vec<QualName> =
                reach.iter().filter(|r| reachable(graph, r).contains(start)).cloned().collect();
            members.sort();
            cycles.insert(members);
        }
    }
    cycles.into_iter().collect()
}

fn reachable(graph: &BTreeMap<QualName, Vec<QualName>>, start: &QualName) -> BTreeSet<QualName> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&QualName> = graph.get(start).into_iter().flatten().collect();
    while let Some(next) = stack.pop() {
        if seen.insert(next.clone()) {
            stack.extend(graph.get(next).into_iter().flatten());
        }
    }
    seen
}
