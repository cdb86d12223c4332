//! Inside every crate of the workspace, modules form layers: no module imports a module that
//! imports it back, directly or through others. A newcomer can then read a crate from its
//! lowest module up, and `docs/architecture.md` can describe the flow of knowledge one way.
//!
//! The check reads the sources: a module's dependencies are the other top-level modules its
//! files name through `crate::`, with names the root re-exports (`pub use module::{…}`)
//! counted as their module. The crate root is a node too, for the items it defines itself; its
//! `mod` declarations are not uses. `super::` is not followed: in this workspace it appears
//! only in test modules and submodules, which belong to the module they are in.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crate root's node in a module graph.
const ROOT: &str = "(crate root)";

fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The source of a file with comments and string literals blanked out, so that paths in doc
/// comments or messages are not taken for uses.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                out.push(' ');
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            // A char literal such as '"' must not open a string; lifetimes pass through.
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\\") {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Identifiers following `prefix` in `code`: `crate::a`, `crate::{a, b::c}` give `a`, `b`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = matching_brace(group);
            for part in group[..end].split(',') {
                let name: String = part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// The position of the `}` closing a group whose `{` was just consumed.
fn matching_brace(s: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    s.len()
}

/// The top-level modules a crate root declares with a file of their own.
fn declared_modules(root_code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in root_code.lines() {
        let line = line.trim();
        let decl = ["pub mod ", "pub(crate) mod ", "mod "].iter().find_map(|p| line.strip_prefix(p));
        if let Some(name) = decl.and_then(|d| d.strip_suffix(';')) {
            out.insert(name.trim().to_string());
        }
    }
    out
}

/// Names the root re-exports from each module: `pub use m::{a, b as c}` maps `a` and `c` to `m`.
fn reexports(root_code: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = root_code;
    while let Some(i) = rest.find("pub use ") {
        rest = &rest[i + "pub use ".len()..];
        let end = rest.find(';').unwrap_or(rest.len());
        let statement = &rest[..end];
        let module: String = statement.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !modules.contains(&module) {
            continue;
        }
        let tail = &statement[module.len()..].trim_start_matches("::");
        let names: Vec<&str> = match tail.strip_prefix('{') {
            Some(group) => group.trim_end_matches('}').split(',').collect(),
            None => vec![tail],
        };
        for name in names {
            let exported = name.rsplit(" as ").next().unwrap_or(name).rsplit("::").next().unwrap_or(name).trim();
            if !exported.is_empty() && exported != "*" {
                out.insert(exported.to_string(), module.clone());
            }
        }
    }
    out
}

/// Every `.rs` file of a module: `m.rs` and everything under `m/`.
fn module_files(src: &Path, module: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let single = src.join(format!("{module}.rs"));
    if single.is_file() {
        files.push(single);
    }
    let mut dirs = vec![src.join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The module graph of the crate whose root file is `root`.
fn module_graph(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let src = root.parent().unwrap();
    let root_code = code_of(root);
    let modules = declared_modules(&root_code);
    let exported = reexports(&root_code, &modules);
    let target = |name: &str| -> String {
        if modules.contains(name) {
            name.to_string()
        } else {
            exported.get(name).cloned().unwrap_or_else(|| ROOT.to_string())
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The root uses a module when it names it in a path (declaring it with `mod` is not a use).
    let root_uses: BTreeSet<String> = modules
        .iter()
        .filter(|m| {
            root_code.match_indices(&format!("{m}::")).any(|(i, _)| {
                !root_code[..i].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            })
        })
        .cloned()
        .collect();
    graph.insert(ROOT.to_string(), root_uses);
    for module in &modules {
        let mut uses = BTreeSet::new();
        for file in module_files(src, module) {
            let code = code_of(&file);
            for name in names_after(&code, "crate::") {
                let to = target(&name);
                if &to != module {
                    uses.insert(to);
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// The cycles of a graph, each as the sorted set of its nodes.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<Vec<String>> {
    let reach = |start: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = graph.get(start).into_iter().flatten().collect();
        while let Some(n) = stack.pop() {
            if seen.insert(n.clone()) {
                stack.extend(graph.get(n).into_iter().flatten());
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> = graph.keys().map(|k| (k, reach(k))).collect();
    let mut out = BTreeSet::new();
    for (node, reached) in &reachable {
        if reached.contains(*node) {
            let group: Vec<String> = reached
                .iter()
                .filter(|other| reachable.get(other).is_some_and(|r| r.contains(*node)))
                .cloned()
                .collect();
            out.insert(group);
        }
    }
    out
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let crates = workspace_root().join("crates");
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&crates).unwrap() {
        let dir = entry.unwrap().path();
        for root in ["src/lib.rs", "src/main.rs"].map(|r| dir.join(r)) {
            if !root.is_file() {
                continue;
            }
            checked += 1;
            for cycle in cycles(&module_graph(&root)) {
                problems.push(format!("{}: {}", root.strip_prefix(&crates).unwrap().display(), cycle.join(" ↔ ")));
            }
        }
    }
    assert!(checked >= 10, "only {checked} crate roots found under {}", crates.display());
    assert!(problems.is_empty(), "modules that import each other:\n{}", problems.join("\n"));
}

#[test]
fn the_check_finds_a_cycle_and_follows_reexports() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("b")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod c;\npub use c::Thing;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::f;\n// crate::c is only a comment\n").unwrap();
    std::fs::write(src.join("b.rs"), "mod inner;\n").unwrap();
    std::fs::write(src.join("b/inner.rs"), "use crate::Thing;\n").unwrap();
    std::fs::write(src.join("c.rs"), "use crate::{a::g, b};\nconst S: &str = \"crate::b\";\n").unwrap();
    let graph = module_graph(&src.join("lib.rs"));
    assert_eq!(graph["a"], BTreeSet::from(["b".to_string()]));
    assert_eq!(graph["b"], BTreeSet::from(["c".to_string()]));
    assert_eq!(graph["c"], BTreeSet::from(["a".to_string(), "b".to_string()]));
    let found = cycles(&graph);
    assert_eq!(found, BTreeSet::from([vec!["a".to_string(), "b".to_string(), "c".to_string()]]));
}
