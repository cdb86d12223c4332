//! Parser behaviour on whole files.

use tenet_syntax::ast::{Clause, ExprKind, Item};
use tenet_syntax::parse_file;

const EXAMPLE: &str = r#"package acme.outsourcing

use std.privacy

/// What a vendor contract says.
schema Contract {
  vendor: Vendor,
  /// Transfers outside the EEA.
  transfers: list<Transfer>,
  workforce: Workforce?,
  breach_hours: duration(hours)?,
}

enum Mechanism { adequacy, scc_2021_914, bcr, none }

const EEA: set<string> = {"AT", "BE"}

rule transfers_outside_eea on Contract = count(t in transfers where not t.to in EEA) > 0

/// GDPR Art. 33(2).
obligation breach_notice_to_controller on Contract {
  area: privacy
  severity: high
  cite: "GDPR Art. 33(2)"
  when vendor.role == processor
  must dpa.breach_notice_hours <= 48h
  because "{vendor.name} must report breaches within 48 hours"
}

prohibition no_emotion_recognition_at_work on AiSystem {
  area: workers
  severity: critical
  cite: "EU AI Act Art. 5(1)(f)"
  when workplace
  must not features contains emotion_recognition
}

obligation annual_bias_audit on AiSystem {
  area: bias
  cite: "NYC Local Law 144, §20-871(a)(1)"
  when purposes contains candidate_screening
  must bias_audit.date within 365d before today
   and all c in bias_audit.categories where c.share >= 2%: c.impact_ratio >= 0.8
}

waiver annual_bias_audit where id == "acme-screening" {
  until: 2027-03-31
  approved_by: "Chief Ethics Officer"
  reason: "Independent audit booked for March 2027."
}
"#;

#[test]
fn the_brief_example_parses_without_errors() {
    let parsed = parse_file(EXAMPLE);
    assert_eq!(parsed.errors, vec![]);
    let kinds: Vec<&str> = parsed.items.iter().map(|i| i.item.describe()).collect();
    assert_eq!(
        kinds,
        [
            "package declaration",
            "use declaration",
            "schema",
            "enum",
            "constant",
            "rule",
            "obligation",
            "prohibition",
            "obligation",
            "waiver"
        ]
    );
    let Some(Item::Schema(schema)) = parsed.items.get(2).map(|i| &i.item) else { unreachable!() };
    assert_eq!(schema.docs, "What a vendor contract says.");
    assert_eq!(schema.fields.get(1).map(|f| f.docs.as_str()), Some("Transfers outside the EEA."));
}

#[test]
fn message_holes_point_at_their_paths() {
    let parsed = parse_file(EXAMPLE);
    let node = parsed.items.get(6).unwrap_or_else(|| unreachable!());
    let Item::Deontic(ob) = &node.item else { unreachable!() };
    let message = ob.clauses.iter().find_map(|c| match c {
        Clause::Because(m) => Some(m),
        _ => None,
    });
    let hole = message.and_then(|m| m.parts.first()).unwrap_or_else(|| unreachable!());
    let tenet_syntax::ast::MessagePart::Hole(expr) = hole else { unreachable!() };
    let at = (node.offset + expr.span.start) as usize..(node.offset + expr.span.end) as usize;
    assert_eq!(EXAMPLE.get(at), Some("vendor.name"));
    assert!(matches!(expr.kind, ExprKind::Field(..)));
}

#[test]
fn one_broken_item_leaves_the_others() {
    let text = "package a\nrule broken on X = (a and\nrule fine = true\nschema S { x: int }\n";
    let parsed = parse_file(text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
    assert_eq!(parsed.items.len(), 3);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("package a\nrule r = {}true{}\n", "(".repeat(100_000), ")".repeat(100_000));
    let parsed = parse_file(&text);
    assert_eq!(parsed.errors.first().map(|e| e.code), Some(tenet_syntax::codes::TOO_DEEP));
}

#[test]
fn long_chains_of_and_stay_shallow_and_do_not_crash() {
    let chain = vec!["a"; 20_000].join(" and ");
    let text = format!("package a\nrule r on K = {chain}\n");
    let parsed = parse_file(&text);
    assert_eq!(parsed.errors, vec![]);
    fn depth(e: &tenet_syntax::ast::Expr) -> usize {
        match &e.kind {
            ExprKind::Binary(_, l, r) => 1 + depth(l).max(depth(r)),
            _ => 1,
        }
    }
    let Some(Item::Rule(rule)) = parsed.items.get(1).map(|i| &i.item) else { unreachable!() };
    assert!(depth(&rule.body) <= 16, "depth {}", depth(&rule.body));
}

#[test]
fn thousands_of_nots_are_an_error_not_a_crash() {
    let text = format!("package a\nrule r on K = {}true\n", "not ".repeat(3000));
    let parsed = parse_file(&text);
    assert_eq!(parsed.errors.first().map(|e| e.code), Some(tenet_syntax::codes::TOO_DEEP));
}

#[test]
fn an_unclosed_brace_is_named_as_such() {
    let text = "package a\nschema S {\n  x: int\n\nrule r = true\n";
    let parsed = parse_file(text);
    let first = parsed.errors.first().map(|e| (e.message.as_str(), e.span.start));
    assert_eq!(first, Some(("unclosed `{`", 19)));
}

#[test]
fn every_reserved_word_is_rejected_as_a_name() {
    let words = tenet_syntax::split::ITEM_KEYWORDS.iter().chain(tenet_syntax::split::EXPRESSION_KEYWORDS);
    for word in words {
        let parsed = parse_file(&format!("package a\nschema S {{ {word}: int }}\n"));
        assert!(!parsed.errors.is_empty(), "`{word}` was accepted as a field name");
    }
    assert!(parse_file("package a\nschema S { area: int, severity: int, cite: int }\n").errors.is_empty());
}

#[test]
fn params_overrides_exceptions_and_tests_parse() {
    let text = r#"package p

/// How long a processor may take.
param max_breach_notice: duration = 48h

override std.privacy.max_breach_notice = 24h

obligation legal_retention on Contract {
  area: privacy
  severity: medium
  cite: "GDPR Art. 28(3)(g)"
  exception to data_return_or_deletion
  when data.legal_retention_required
  must data.retention_days is present
}

test "inline and file documents" {
  today 2026-11-28
  override max_breach_notice = 24h
  given Contract {
    vendor: { role: processor, name: "A {curly} name" },
    dpa: { breach_notice_hours: 30 }
  }
  expect breach_notice_to_controller: violated
  expect p.legal_retention: not_applicable
}

test "from a file" {
  given Contract from "fixtures/late.yaml"
  expect audit_rights: satisfied
}
"#;
    let parsed = parse_file(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let items: Vec<&Item> = parsed.items.iter().map(|i| &i.item).collect();
    assert!(matches!(items[1], Item::Param(p) if p.name.name == "max_breach_notice" && p.docs.contains("processor")));
    assert!(matches!(items[2], Item::Override(o) if o.target.text() == "std.privacy.max_breach_notice"));
    let Item::Deontic(d) = items[3] else { panic!("not an obligation") };
    assert!(d.clauses.iter().any(|c| matches!(c, Clause::Exception(q) if q.text() == "data_return_or_deletion")));
    let Item::Test(t) = items[4] else { panic!("not a test") };
    assert_eq!(t.name.value, "inline and file documents");
    assert_eq!(t.today.map(|(d, _)| d.to_string()), Some("2026-11-28".to_string()));
    assert_eq!(t.overrides.len(), 1);
    assert_eq!(t.expects.len(), 2);
    assert_eq!(t.expects[1].outcome.name, "not_applicable");
    let tenet_syntax::ast::GivenSource::Inline { text, .. } = &t.given[0].source else { panic!("not inline") };
    assert!(text.starts_with('{') && text.ends_with('}') && text.contains("{curly}"), "{text}");
    let Item::Test(t) = items[5] else { panic!("not a test") };
    assert!(matches!(&t.given[0].source, tenet_syntax::ast::GivenSource::File(s) if s.value == "fixtures/late.yaml"));
}

#[test]
fn a_field_named_to_still_parses() {
    let parsed = parse_file("rule r(t: Transfer) = t.to in EEA\n");
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
}

#[test]
fn a_byte_order_mark_before_the_first_item_is_not_text() {
    let text = "\u{feff}package bom\n\nschema S {\n  id: string?,\n}\n";
    let parsed = tenet_syntax::parse_file(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.items.len(), 2);
    // Offsets stay offsets into the text as given, the mark included.
    assert_eq!(parsed.items.first().map(|n| n.offset), Some(3));
}

/// A doc comment belongs to the first variant or field on the line below it, not to the
/// others on that line (found by the `format` fuzz target: the formatter puts each on its
/// own line, and the doc then described only the first).
#[test]
fn a_doc_comment_belongs_to_the_first_variant_or_field_on_its_line() {
    let text =
        "enum E {\n  /// The first.\n  first, second,\n  third\n}\n\nschema S {\n  /// Doc.\n  a: int, b: int,\n}\n";
    let parsed = parse_file(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let Some(Item::Enum(e)) = parsed.items.first().map(|i| &i.item) else { unreachable!() };
    let docs: Vec<&str> = e.variants.iter().map(|(_, docs)| docs.as_str()).collect();
    assert_eq!(docs, ["The first.", "", ""]);
    let Some(Item::Schema(s)) = parsed.items.get(1).map(|i| &i.item) else { unreachable!() };
    let docs: Vec<&str> = s.fields.iter().map(|f| f.docs.as_str()).collect();
    assert_eq!(docs, ["Doc.", ""]);
}
