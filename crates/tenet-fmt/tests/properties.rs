//! Properties of the formatter, over every policy file in the repository and over generated
//! programs with random layout and comments:
//!
//! - formatting is idempotent: `format(format(x)) == format(x)`;
//! - formatting keeps the syntax tree: parsing the result gives the same items (spans aside);
//! - formatting keeps every comment.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

use proptest::prelude::*;
use std::path::{Path, PathBuf};

#[path = "support/tree.rs"]
mod tree;
use tree::span_free_tree;

/// Every `//` comment's text, in order (strings skipped).
fn comment_texts(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let bytes = line.as_bytes();
        let mut in_string = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if in_string => i += 1,
                b'"' => in_string = !in_string,
                b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                    found.push(line[i..].trim_end().to_string());
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
    found
}

/// Checks the three properties for one input that parses without errors.
fn check(name: &str, input: &str) -> Result<(), TestCaseError> {
    let formatted = tenet_fmt::format_source(input)
        .map_err(|e| TestCaseError::fail(format!("{name}: not formatted: {:?}", e.diagnostics)))?;
    let again = tenet_fmt::format_source(&formatted)
        .map_err(|e| TestCaseError::fail(format!("{name}: output does not parse: {:?}\n{formatted}", e.diagnostics)))?;
    prop_assert_eq!(&again, &formatted, "{}: not idempotent; input:\n{}", name, input);
    prop_assert_eq!(
        span_free_tree(input),
        span_free_tree(&formatted),
        "{}: tree changed; output:\n{}",
        name,
        formatted
    );
    let mut before = comment_texts(input);
    let mut after = comment_texts(&formatted);
    before.sort();
    after.sort();
    prop_assert_eq!(before, after, "{}: comments changed; output:\n{}", name, formatted);
    Ok(())
}

fn tenet_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            tenet_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "tenet") {
            out.push(path);
        }
    }
}

/// Every policy file in the repository that parses: the check corpus, the examples, the
/// standard library and this crate's corpus.
#[test]
fn repository_policies_format_stably() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["tests/corpus/check", "examples", "policies", "crates/tenet-fmt/tests/corpus"] {
        tenet_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut formatted = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable policy file");
        // Files with syntax errors (the check corpus has many) are not formatted.
        if tenet_fmt::format_source(&text).is_err() {
            continue;
        }
        formatted += 1;
        if let Err(e) = check(&file.display().to_string(), &text) {
            panic!("{e}");
        }
    }
    assert!(formatted >= 40, "only {formatted} of {} policy files parsed", files.len());
}

// ---------------------------------------------------------------- generated programs

/// Tokens of a generated program, joined later with random whitespace and comments.
type Tokens = Vec<String>;

fn tokens(parts: &[&str]) -> Tokens {
    parts.iter().map(|s| s.to_string()).collect()
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "vendor", "dpa", "role", "x1", "share", "to", "from", "given", "expect"])
        .prop_map(str::to_string)
}

fn literal() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "1",
        "1_000",
        "0.8",
        "12.50",
        "\"text\"",
        "\"esc \\\" \\\\ //\"",
        "2026-01-31",
        "48h",
        "30d",
        "10bd",
        "2%",
        "12.5%",
        "true",
        "false",
        "today",
    ])
    .prop_map(str::to_string)
}

/// A primary: names, literals, paths, calls, collections, aggregates, `present(…)`, parentheses.
fn primary(cond: BoxedStrategy<Tokens>) -> impl Strategy<Value = Tokens> {
    let path = (name(), prop::collection::vec(name(), 0..3)).prop_map(|(first, rest)| {
        let mut t = vec![first];
        for field in rest {
            t.push(".".into());
            t.push(field);
        }
        t
    });
    let args = prop::collection::vec(cond.clone(), 0..3);
    prop_oneof![
        4 => path,
        3 => literal().prop_map(|l| vec![l]),
        1 => (name(), args.clone()).prop_map(|(f, args)| bracketed(vec![f, "(".into()], args, ")")),
        1 => args.clone().prop_map(|els| bracketed(vec!["[".into()], els, "]")),
        1 => prop::collection::vec(cond.clone(), 1..4).prop_map(|els| bracketed(vec!["{".into()], els, "}")),
        1 => cond.clone().prop_map(|c| wrap("(", c, ")")),
        1 => cond.clone().prop_map(|c| wrap("present(", c, ")")),
        1 => (name(), cond.clone(), prop::option::of(cond.clone())).prop_map(|(v, coll, filter)| {
            let mut t = vec!["count".to_string(), "(".into(), v, "in".into()];
            t.extend(wrap("(", coll, ")"));
            if let Some(f) = filter {
                t.push("where".into());
                t.extend(f);
            }
            t.push(")".into());
            t
        }),
    ]
}

fn wrap(open: &str, inner: Tokens, close: &str) -> Tokens {
    let mut t = vec![open.to_string()];
    t.extend(inner);
    t.push(close.to_string());
    t
}

fn bracketed(mut start: Tokens, elements: Vec<Tokens>, close: &str) -> Tokens {
    for (i, element) in elements.into_iter().enumerate() {
        if i > 0 {
            start.push(",".into());
        }
        start.extend(element);
    }
    start.push(close.into());
    start
}

/// A condition, built level by level so that it always parses.
fn condition() -> BoxedStrategy<Tokens> {
    let leaf = prop_oneof![name().prop_map(|n| vec![n]), literal().prop_map(|l| vec![l])].boxed();
    leaf.prop_recursive(3, 16, 3, |inner| {
        let operand = primary(inner.clone()).boxed();
        let arith = (operand.clone(), prop::collection::vec((prop::sample::select(vec!["+", "-", "*", "union"]), operand.clone()), 0..3))
            .prop_map(|(first, rest)| {
                let mut t = first;
                for (op, rhs) in rest {
                    t.push(op.to_string());
                    t.extend(rhs);
                }
                t
            })
            .boxed();
        let comparison = prop_oneof![
            3 => arith.clone(),
            2 => (arith.clone(), prop::sample::select(vec!["==", "!=", "<=", ">", "in", "not in", "contains", "contains any of"]), arith.clone())
                .prop_map(|(l, op, r)| { let mut t = l; t.extend(op.split(' ').map(str::to_string)); t.extend(r); t }),
            1 => (arith.clone(), prop::sample::select(vec!["is present", "is absent", "is not present", "is empty", "is not empty"]))
                .prop_map(|(l, test)| { let mut t = l; t.extend(test.split(' ').map(str::to_string)); t }),
            1 => (arith.clone(), arith.clone(), arith.clone()).prop_map(|(s, w, a)| {
                let mut t = s; t.push("within".into()); t.extend(w); t.push("before".into()); t.extend(a); t
            }),
        ];
        let negated = (prop::bool::weighted(0.2), comparison).prop_map(|(not, c)| {
            if not { let mut t = vec!["not".to_string()]; t.extend(c); t } else { c }
        });
        let and_chain = prop::collection::vec(negated, 1..5).prop_map(|ops| join(ops, "and"));
        let or_chain = prop::collection::vec(and_chain, 1..4).prop_map(|ops| join(ops, "or"));
        prop_oneof![
            4 => or_chain,
            1 => (prop::sample::select(vec!["all", "any"]), name(), inner.clone(), prop::option::of(inner.clone()), inner.clone())
                .prop_map(|(q, v, coll, filter, body)| {
                    let mut t = vec![q.to_string(), v, "in".into()];
                    t.extend(wrap("(", coll, ")"));
                    if let Some(f) = filter { t.push("where".into()); t.extend(wrap("(", f, ")")); }
                    t.push(":".into());
                    t.extend(body);
                    t
                }),
        ]
    })
    .boxed()
}

fn join(operands: Vec<Tokens>, op: &str) -> Tokens {
    let mut t = Vec::new();
    for (i, operand) in operands.into_iter().enumerate() {
        if i > 0 {
            t.push(op.to_string());
        }
        t.extend(operand);
    }
    t
}

fn type_tokens() -> impl Strategy<Value = Tokens> {
    (prop::sample::select(vec!["int", "string", "Vendor", "a.b.C", "duration(hours)"]), 0..2usize, prop::bool::ANY)
        .prop_map(|(base, wrapper, optional)| {
            let mut t = match (wrapper, base) {
                (_, "duration(hours)") => tokens(&["duration", "(", "hours", ")"]),
                (0, b) => vec![b.to_string()],
                (_, b) => tokens(&["list", "<", b, ">"]),
            };
            if optional {
                t.push("?".into());
            }
            t
        })
}

/// One item's tokens; the first token is its keyword.
fn item() -> impl Strategy<Value = Tokens> {
    let cond = condition();
    prop_oneof![
        1 => Just(tokens(&["use", "std.privacy"])),
        2 => prop::collection::vec((name(), type_tokens(), prop::bool::ANY), 0..5).prop_map(|fields| {
            let mut t = tokens(&["schema", "Thing", "{"]);
            for (n, ty, comma) in fields { t.push(n); t.push(":".into()); t.extend(ty); if comma { t.push(",".into()); } }
            t.push("}".into());
            t
        }),
        1 => prop::collection::vec(name(), 0..6).prop_map(|variants| {
            let mut t = tokens(&["enum", "Kind", "{"]);
            for (i, v) in variants.into_iter().enumerate() { if i > 0 { t.push(",".into()); } t.push(v); }
            t.push("}".into());
            t
        }),
        1 => (literal(), prop::bool::ANY).prop_map(|(value, param)| {
            let mut t = tokens(&[if param { "param" } else { "const" }, "LIMIT", ":", "duration", "="]);
            t.push(value);
            t
        }),
        3 => (cond.clone(), prop::bool::ANY).prop_map(|(body, with_params)| {
            let mut t = tokens(&["rule", "r"]);
            if with_params { t.extend(tokens(&["(", "t", ":", "Transfer", ",", "n", ":", "int", ")"])); }
            t.extend(tokens(&["on", "Contract", "="]));
            t.extend(body);
            t
        }),
        4 => (cond.clone(), cond.clone(), prop::option::of(Just(())), prop::sample::select(vec!["must", "must not", "should"]))
            .prop_map(|(when, must, exception, kw)| {
                let mut t = tokens(&["obligation", "o", "on", "Contract", "{", "area", ":", "privacy", "severity", ":", "high",
                    "cite", ":", "\"GDPR Art. 1\"", ",", "\"GDPR Art. 2\""]);
                if exception.is_some() { t.extend(tokens(&["exception", "to", "other.duty"])); }
                t.push("when".into());
                t.extend(when);
                t.extend(kw.split(' ').map(str::to_string));
                t.extend(must);
                t.extend(tokens(&["because", "\"fix {vendor.name} now\"", "}"]));
                t
            }),
        1 => cond.clone().prop_map(|selector| {
            let mut t = tokens(&["waiver", "o", "where"]);
            t.extend(selector);
            t.extend(tokens(&["{", "until", ":", "2027-03-31", "reason", ":", "\"r\"", "approved_by", ":", "\"a\"", "}"]));
            t
        }),
        1 => Just(tokens(&["override", "std.privacy.max_notice", "=", "24h"])),
        1 => prop::bool::ANY.prop_map(|inline| {
            let mut t = tokens(&["test", "\"a test\"", "{", "today", "2026-11-28", "override", "max_notice", "=", "24h", "given", "Contract"]);
            if inline { t.push("{ vendor: { role: processor }, url: \"http://x\" }".into()); }
            else { t.extend(tokens(&["from", "\"fixtures/a.yaml\""])); }
            t.extend(tokens(&["expect", "o", ":", "violated", "expect", "std.x.y", ":", "not_applicable", "}"]));
            t
        }),
    ]
}

/// What goes between two tokens.
#[derive(Clone, Debug)]
enum Gap {
    Space,
    Newline(usize),
    Blank,
    Trailing,
    OwnLine(usize),
}

fn gap() -> impl Strategy<Value = Gap> {
    prop_oneof![
        12 => Just(Gap::Space),
        3 => (0..7usize).prop_map(Gap::Newline),
        1 => Just(Gap::Blank),
        1 => Just(Gap::Trailing),
        1 => (0..7usize).prop_map(Gap::OwnLine),
    ]
}

/// A whole program: items separated by newlines, with random gaps inside.
fn program() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((item(), prop::bool::weighted(0.3), prop::bool::weighted(0.3)), 1..4),
        prop::collection::vec(gap(), 200),
    )
        .prop_map(|(items, gaps)| {
            let mut text = String::from("package gen.sample\n");
            let mut gaps = gaps.into_iter().cycle();
            let mut n = 0;
            for (tokens, doc, comment_before) in items {
                text.push('\n');
                if comment_before {
                    text.push_str("// before the item\n");
                }
                if doc {
                    text.push_str("/// Doc comment.\n");
                }
                for (i, token) in tokens.iter().enumerate() {
                    if i > 0 {
                        n += 1;
                        match gaps.next().unwrap_or(Gap::Space) {
                            Gap::Space => text.push(' '),
                            // A newline never leaves a line starting at column 0 inside an
                            // item, where a keyword there would start a new item.
                            Gap::Newline(indent) => text.push_str(&format!("\n {}", " ".repeat(indent))),
                            Gap::Blank => text.push_str("\n\n  "),
                            Gap::Trailing => text.push_str(&format!(" // trailing {n}\n  ")),
                            Gap::OwnLine(indent) => {
                                text.push_str(&format!("\n {}// own line {n}\n  ", " ".repeat(indent)))
                            }
                        }
                    }
                    text.push_str(token);
                }
                text.push('\n');
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_programs_format_stably(text in program()) {
        let parsed = tenet_syntax::parse_file(&text);
        // A program past the parser's documented limits (`E0004`: over 64 quantifiers in one
        // item, say) is refused by design; it says nothing about the formatter.
        prop_assume!(!parsed.errors.iter().any(|d| d.code == tenet_syntax::codes::TOO_DEEP));
        prop_assert!(parsed.errors.is_empty(), "generated program does not parse: {:?}\n{}", parsed.errors, text);
        check("generated", &text)?;
    }
}
