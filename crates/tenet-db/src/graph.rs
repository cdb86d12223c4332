//! Cycles in graphs of qualified names: rules that call each other, exceptions that
//! displace each other.

use crate::ir::QualName;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// The strongly connected groups of `graph` that contain a cycle, each sorted: groups of more
/// than one node, and single nodes with an edge to themselves. Tarjan's algorithm with an
/// explicit stack, so a chain or a cycle of 100,000 rules takes linear time and no recursion.
pub(crate) fn cycles_of(graph: &BTreeMap<QualName, Vec<QualName>>) -> Vec<Vec<QualName>> {
    // Only a node with an outgoing edge can be on a cycle, so the keys are the nodes that count.
    let names: Vec<&QualName> = graph.keys().collect();
    let number: HashMap<&QualName, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| graph.get(*n).into_iter().flatten().filter_map(|t| number.get(t).copied()).collect())
        .collect();
    let mut visit = Tarjan {
        index: vec![None; names.len()],
        low: vec![0; names.len()],
        on_stack: vec![false; names.len()],
        stack: Vec::new(),
        next: 0,
    };
    let mut cycles: BTreeSet<Vec<QualName>> = BTreeSet::new();
    for root in 0..names.len() {
        if visit.index.get(root).copied().flatten().is_some() {
            continue;
        }
        visit.enter(root);
        // Each frame: a node and how many of its edges are followed.
        let mut frames: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(frame) = frames.last_mut() {
            let (node, followed) = *frame;
            let out = edges.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(&next) = out.get(followed) {
                frame.1 += 1;
                match visit.index.get(next).copied().flatten() {
                    None => {
                        visit.enter(next);
                        frames.push((next, 0));
                    }
                    Some(seen) if visit.on_stack.get(next).copied().unwrap_or(false) => visit.lower(node, seen),
                    Some(_) => {}
                }
                continue;
            }
            frames.pop();
            let low = visit.low.get(node).copied().unwrap_or(0);
            if let Some(&(parent, _)) = frames.last() {
                visit.lower(parent, low);
            }
            if Some(low) == visit.index.get(node).copied().flatten() {
                let group = visit.pop_group(node);
                let on_cycle = group.len() > 1 || out.contains(&node);
                if on_cycle {
                    let mut members: Vec<QualName> =
                        group.iter().filter_map(|&i| names.get(i).map(|n| (*n).clone())).collect();
                    members.sort();
                    cycles.insert(members);
                }
            }
        }
    }
    cycles.into_iter().collect()
}

/// The state of Tarjan's algorithm over nodes numbered from 0.
struct Tarjan {
    /// The order in which each node was first visited.
    index: Vec<Option<usize>>,
    /// The lowest visit order reachable from each node through nodes still on the stack.
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
}

impl Tarjan {
    fn enter(&mut self, node: usize) {
        if let Some(slot) = self.index.get_mut(node) {
            *slot = Some(self.next);
        }
        if let Some(slot) = self.low.get_mut(node) {
            *slot = self.next;
        }
        if let Some(slot) = self.on_stack.get_mut(node) {
            *slot = true;
        }
        self.stack.push(node);
        self.next += 1;
    }

    fn lower(&mut self, node: usize, to: usize) {
        if let Some(low) = self.low.get_mut(node) {
            *low = (*low).min(to);
        }
    }

    /// Pops the group whose first visited node is `root`.
    fn pop_group(&mut self, root: usize) -> Vec<usize> {
        let mut group = Vec::new();
        while let Some(member) = self.stack.pop() {
            if let Some(slot) = self.on_stack.get_mut(member) {
                *slot = false;
            }
            group.push(member);
            if member == root {
                break;
            }
        }
        group
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &str)]) -> BTreeMap<QualName, Vec<QualName>> {
        let mut graph: BTreeMap<QualName, Vec<QualName>> = BTreeMap::new();
        for (from, to) in edges {
            graph.entry(QualName::from(*from)).or_default().push(QualName::from(*to));
        }
        graph
    }

    fn names(cycles: Vec<Vec<QualName>>) -> Vec<Vec<String>> {
        cycles.into_iter().map(|c| c.iter().map(ToString::to_string).collect()).collect()
    }

    #[test]
    fn finds_each_cycle_once_and_only_cycles() {
        let g =
            graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "e"), ("f", "a"), ("g", "h")]);
        assert_eq!(names(cycles_of(&g)), [vec!["a", "b", "c"], vec!["e"]]);
        assert!(cycles_of(&graph(&[("a", "b"), ("b", "c")])).is_empty());
    }

    #[test]
    fn a_cycle_of_a_hundred_thousand_nodes_needs_no_recursion() {
        let n = 100_000;
        let edges: Vec<(String, String)> = (0..n).map(|i| (format!("r{i}"), format!("r{}", (i + 1) % n))).collect();
        let refs: Vec<(&str, &str)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let cycles = cycles_of(&graph(&refs));
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), n);
        let chain: Vec<(&str, &str)> = refs.iter().take(n - 1).copied().collect();
        assert!(cycles_of(&graph(&chain)).is_empty());
    }
}
