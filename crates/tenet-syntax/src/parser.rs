//! Parsing: split into items, parse each with pest, lower to the AST.

use crate::ast::*;
use crate::diag::Diagnostic;
use crate::diag::did_you_mean;
use crate::errors::{Keyword, SyntaxError};
use crate::lexer::{Token, TokenKind, tokenize};
use crate::split::{docs_above, split_items};
use pest::Parser as _;
use pest::iterators::Pair;

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/tenet.pest"]
struct TenetParser;

/// How many digits an exact decimal literal may have.
pub const MAX_DIGITS: usize = 28;

/// How many operands one chain of `+`, `-`, `*`, `/` or `.field` may have.
pub const MAX_CHAIN: usize = 64;

/// The result of parsing one file: the items that parsed, and a diagnostic for each that did not.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct ParsedFile {
    /// Items in file order.
    pub items: Vec<ItemNode>,
    /// Syntax errors, placed in the file.
    pub errors: Vec<Diagnostic>,
    /// Items that failed to parse, as far as their first words tell.
    pub broken: Vec<BrokenItem>,
}

/// What is known of an item that did not parse: its keyword and, when it reads as one,
/// the name it declares. The checker uses this to stay quiet about uses of that name, so a
/// broken item gives one diagnostic rather than one per use.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BrokenItem {
    /// The first word, such as `schema` or `package`.
    pub keyword: String,
    /// The second word, when it is a (possibly dotted) name.
    pub name: Option<String>,
}

impl BrokenItem {
    fn from_text(text: &str) -> BrokenItem {
        let mut words = text.split_whitespace();
        let keyword = words.next().unwrap_or("").to_string();
        let name = words
            .next()
            .map(|w| w.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).next().unwrap_or(""))
            .filter(|w| !w.is_empty())
            .map(str::to_string);
        BrokenItem { keyword, name }
    }
}

/// Parses a whole file. Never fails: broken items become diagnostics.
pub fn parse_file(text: &str) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    // The byte-order mark some editors write first is not part of the text.
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    for chunk in split_items(text.get(bom..).unwrap_or("")) {
        let (start, end) = (chunk.start + bom, chunk.end + bom);
        let Some(chunk_text) = text.get(start..end) else { continue };
        let offset = u32::try_from(start).unwrap_or(u32::MAX);
        match parse_item(chunk_text, chunk.docs) {
            Ok((item, errors)) => {
                parsed.errors.extend(errors.into_iter().map(|e| e.in_file(offset)));
                parsed.items.push(ItemNode { offset, item });
            }
            Err(error) => {
                parsed.errors.push(error.in_file(offset));
                parsed.broken.push(BrokenItem::from_text(chunk_text));
            }
        }
    }
    parsed.errors.extend(bidi_controls(text));
    parsed
}

/// How many bidirectional control characters one file reports; past these the file is
/// clearly unusual and more warnings would only bury the rest.
const MAX_BIDI_WARNINGS: usize = 16;

/// A warning for each bidirectional control character in `text` (at most
/// [`MAX_BIDI_WARNINGS`]): such characters make an editor show code in another order than the
/// checker reads it ("Trojan Source", CVE-2021-42574).
fn bidi_controls(text: &str) -> Vec<Diagnostic> {
    text.char_indices()
        .filter(|&(_, c)| is_bidi_control(c))
        .take(MAX_BIDI_WARNINGS)
        .map(|(i, character)| {
            let start = u32::try_from(i).unwrap_or(u32::MAX);
            let len = u32::try_from(character.len_utf8()).unwrap_or(0);
            Diagnostic::from(SyntaxError::BidiControl { character, span: ItemSpan::new(0, len) }).in_file(start)
        })
        .collect()
}

/// Whether `c` changes the display order of the text around it.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// One item that parsed, with the problems that still leave it usable.
pub type ParsedItem = (Item, Vec<Diagnostic<ItemSpan>>);

/// Parses the text of one item. Spans in the result are relative to the start of `text`.
/// Lowering problems that still leave a usable item come back beside it.
pub fn parse_item(text: &str, docs: String) -> Result<ParsedItem, Box<Diagnostic<ItemSpan>>> {
    let scan = crate::prescan::scan(text);
    if let Some(error) = scan.error {
        return Err(Box::new(error));
    }
    let mut pairs = TenetParser::parse(Rule::item_eoi, text).map_err(|e| {
        let error = syntax_error(e, text);
        Box::new(match scan.unclosed {
            Some((at, bracket)) => unclosed(at, bracket, &error),
            None => error,
        })
    })?;
    let item_pair = pairs
        .next()
        .and_then(|p| p.into_inner().next())
        .ok_or_else(|| Box::new(Diagnostic::from(SyntaxError::NoItem)))?;
    let mut lower = Lower { text, errors: Vec::new() };
    let item = lower.item(item_pair, docs);
    Ok((item, lower.errors))
}

/// Parses an expression written on its own, such as a value in a project's `[params]`.
/// Spans in the result are relative to the start of `text`.
pub fn parse_expression(text: &str) -> Result<Expr, Box<Diagnostic<ItemSpan>>> {
    let scan = crate::prescan::scan(text);
    if let Some(error) = scan.error {
        return Err(Box::new(error));
    }
    let mut pairs = TenetParser::parse(Rule::expr_eoi, text).map_err(|e| Box::new(syntax_error(e, text)))?;
    let expr_pair = pairs.next().and_then(|p| p.into_inner().next()).ok_or_else(|| {
        let span = ItemSpan::new(0, u32::try_from(text.len()).unwrap_or(u32::MAX));
        Box::new(Diagnostic::from(SyntaxError::Internal { what: "value without an expression".into(), span }))
    })?;
    let mut lower = Lower { text, errors: Vec::new() };
    let expr = lower.expr(expr_pair);
    match lower.errors.into_iter().next() {
        Some(error) => Err(Box::new(error)),
        None => Ok(expr),
    }
}

/// The prefix `parse_path` puts before a message hole so it parses as a rule body.
const HOLE_PREFIX: &str = "rule __hole = ";

/// Parses a message hole such as `vendor.name`; spans come back relative to `text`.
fn parse_path(text: &str) -> Option<Expr> {
    let wrapped = format!("{HOLE_PREFIX}{text}");
    let (item, errors) = parse_item(&wrapped, String::new()).ok()?;
    match item {
        Item::Rule(rule) if errors.is_empty() && rule.body.as_path().is_some() => {
            Some(rebase(rule.body, -i64::try_from(HOLE_PREFIX.len()).unwrap_or(0)))
        }
        _ => None,
    }
}

/// An unclosed bracket explains a parse failure better than pest's "expected …".
fn unclosed(at: usize, bracket: char, error: &Diagnostic<ItemSpan>) -> Diagnostic<ItemSpan> {
    let start = u32::try_from(at).unwrap_or(u32::MAX);
    let at = ItemSpan::new(start, start + 1);
    SyntaxError::Unclosed { bracket, at, stopped: error.span, why: error.message.clone() }.into()
}

fn syntax_error(error: pest::error::Error<Rule>, text: &str) -> Diagnostic<ItemSpan> {
    let (start, end) = match error.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    let span = ItemSpan::new(u32::try_from(start).unwrap_or(u32::MAX), u32::try_from(end).unwrap_or(u32::MAX));
    let message = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = positives.iter().filter_map(|r| describe_rule(*r)).collect();
            expected.sort_unstable();
            expected.dedup();
            match expected.as_slice() {
                [] => "unexpected text".to_string(),
                [one] => format!("expected {one}"),
                many => {
                    let (last, rest) = many.split_last().map_or((&"", &[][..]), |(l, r)| (l, r));
                    format!("expected {} or {last}", rest.join(", "))
                }
            }
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
    };
    if let Some(mistake) = natural_mistake(text, start) {
        return mistake.into();
    }
    let word: String =
        text.get(start..).unwrap_or("").chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    let reserved = crate::split::is_reserved(&word).then_some(word);
    SyntaxError::Grammar { expected: message, span, reserved }.into()
}

/// A better account of a parse failure at `at` than pest's "expected …" when the text there
/// is a natural mistake: a misspelt keyword (`obligaton`, `severty:`) or a duration in a unit
/// Tenet does not have (`1y`, `6 months`).
fn natural_mistake(text: &str, at: usize) -> Option<SyntaxError> {
    let tokens: Vec<Token> = tokenize(text).filter(|t| !t.kind.is_trivia()).collect();
    let i = tokens.iter().position(|t| t.end > at)?;
    let token = tokens.get(i)?;
    let word = token.text(text);
    let span = |from: &Token, to: &Token| {
        ItemSpan::new(u32::try_from(from.start).unwrap_or(u32::MAX), u32::try_from(to.end).unwrap_or(u32::MAX))
    };
    match token.kind {
        TokenKind::MalformedNumber => {
            let digits = word.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(word.len());
            let (amount, unit) = word.split_at(digits);
            (!amount.is_empty() && !unit.is_empty() && unit.chars().all(|c| c.is_ascii_alphabetic())).then(|| {
                SyntaxError::UnknownUnit {
                    written: word.to_string(),
                    unit: unit.to_string(),
                    amount: amount.replace('_', "").parse().ok(),
                    span: span(token, token),
                }
            })
        }
        TokenKind::Ident => {
            if let Some(number) = i.checked_sub(1).and_then(|p| tokens.get(p)).filter(|t| t.kind == TokenKind::Int)
                && is_time_unit(word)
            {
                return Some(SyntaxError::UnknownUnit {
                    written: format!("{} {word}", number.text(text)),
                    unit: word.to_string(),
                    amount: number.text(text).replace('_', "").parse().ok(),
                    span: span(number, token),
                });
            }
            let kind = if i == 0 {
                Keyword::Item
            } else {
                match tokens.first()?.text(text) {
                    "obligation" | "prohibition" | "recommendation" => Keyword::Clause,
                    "waiver" => Keyword::WaiverField,
                    "test" => Keyword::TestStatement,
                    _ => return None,
                }
            };
            let words = kind.words();
            if words.contains(&word) {
                return None;
            }
            let meant = did_you_mean(word, words.iter().copied())?;
            Some(SyntaxError::Misspelt { written: word.to_string(), meant, what: kind, span: span(token, token) })
        }
        _ => None,
    }
}

/// For three numbers joined by `separator` with no space, as a date is written in prose
/// (`2026/01/01`, `31/01/2026`, `2026-1-5`): `Some` with the date as `YYYY-MM-DD` when the
/// year comes first, `Some(None)` when it comes last (day and month order cannot be told).
/// With `-`, only a year first with a one-digit month or day (`2026-01-05` is a date literal).
fn prose_date(text: &str, separator: char) -> Option<Option<String>> {
    let parts: Vec<&str> = text.split(separator).collect();
    let [first, second, third] = parts.as_slice() else { return None };
    let numeric = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    if !(numeric(first) && numeric(second) && numeric(third)) || second.len() > 2 {
        return None;
    }
    if separator == '-' && second.len() == 2 && third.len() == 2 {
        return None;
    }
    match (first.len(), third.len()) {
        (4, 1..=2) => Some(Some(format!("{first}-{second:0>2}-{third:0>2}"))),
        (1..=2, 4) if separator == '/' => Some(None),
        _ => None,
    }
}

/// Whether `word` names a unit of time (`months`, `years`, `minutes`), as in `6 months`.
fn is_time_unit(word: &str) -> bool {
    crate::errors::in_known_units(1, word).is_some()
        || matches!(word.to_ascii_lowercase().trim_end_matches('s'), "minute" | "min" | "second" | "sec")
}

/// A user-facing name for a grammar rule, or `None` to leave it out of "expected …" lists.
fn describe_rule(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of item",
        Rule::package_decl
        | Rule::use_decl
        | Rule::schema_decl
        | Rule::enum_decl
        | Rule::const_decl
        | Rule::rule_decl
        | Rule::deontic_decl
        | Rule::waiver_decl
        | Rule::param_decl
        | Rule::override_decl
        | Rule::test_decl
        | Rule::modality => "an item (`schema`, `rule`, `obligation`, …)",
        Rule::test_today | Rule::given_stmt | Rule::expect_stmt => "`given`, `expect`, `today` or `override`",
        Rule::given_from | Rule::inline_doc => "`from \"file\"` or an inline document `{ … }`",
        Rule::exception_clause | Rule::kw_exception => "`exception to`",
        Rule::kw_to => "`to`",
        Rule::ident | Rule::name | Rule::qname => "a name",
        Rule::type_expr | Rule::named_type | Rule::generic_type | Rule::duration_type => "a type",
        Rule::field_decl => "a field (`name: type`)",
        Rule::attribute => "an attribute (`@sensitive`)",
        Rule::enum_variant => "a variant name",
        Rule::area_clause
        | Rule::severity_clause
        | Rule::cite_clause
        | Rule::when_clause
        | Rule::require_clause
        | Rule::because_clause
        | Rule::outcome_message_clause
        | Rule::kw_if => {
            "a clause (`area`, `severity`, `cite`, `when`, `must`, `because`, `if OUTCOME`, `exception to`)"
        }
        Rule::requirement_kw | Rule::must | Rule::must_not | Rule::should | Rule::should_not => "`must` or `should`",
        Rule::waiver_field | Rule::waiver_key => "`reason`, `approved_by` or `until`",
        Rule::waiver_where => "`where`",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::add_expr
        | Rule::mul_expr
        | Rule::unary_expr
        | Rule::postfix_expr
        | Rule::paren_expr
        | Rule::quantifier
        | Rule::aggregate
        | Rule::call
        | Rule::list_lit
        | Rule::set_lit
        | Rule::today
        | Rule::present_call
        | Rule::bool_lit
        | Rule::date_lit
        | Rule::duration_lit
        | Rule::percent_lit
        | Rule::decimal_lit
        | Rule::int_lit => "an expression",
        Rule::string => "a string",
        Rule::cmp_op | Rule::compare_tail => "a comparison",
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::kw_and | Rule::kw_or => "`and` or `or`",
        Rule::field_access => "`.`",
        Rule::quant_where => "`where`",
        Rule::agg_value => "`:`",
        Rule::params => "`(`",
        Rule::rule_on => "`on`",
        Rule::optional_mark => "`?`",
        _ => return None,
    })
}

struct Lower<'t> {
    text: &'t str,
    errors: Vec<Diagnostic<ItemSpan>>,
}

fn span_of(pair: &Pair<'_, Rule>) -> ItemSpan {
    let s = pair.as_span();
    ItemSpan::new(u32::try_from(s.start()).unwrap_or(u32::MAX), u32::try_from(s.end()).unwrap_or(u32::MAX))
}

impl<'t> Lower<'t> {
    fn item(&mut self, pair: Pair<'_, Rule>, docs: String) -> Item {
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        match rule {
            Rule::package_decl => Item::Package(self.qname_opt(inner.next())),
            Rule::use_decl => Item::Use(self.qname_opt(inner.next())),
            Rule::schema_decl => {
                let name = self.ident_opt(inner.next());
                let fields = inner.map(|f| self.field(f)).collect();
                Item::Schema(SchemaDecl { docs, name, fields })
            }
            Rule::enum_decl => {
                let name = self.ident_opt(inner.next());
                let variants = inner
                    .filter_map(|v| {
                        let start = v.as_span().start();
                        let docs = docs_above(self.text, start);
                        v.into_inner().next().map(|id| (self.ident(id), docs))
                    })
                    .collect();
                Item::Enum(EnumDecl { docs, name, variants })
            }
            Rule::const_decl => {
                let name = self.ident_opt(inner.next());
                let ty = self.type_opt(inner.next());
                let value = self.expr_opt(inner.next());
                Item::Const(ConstDecl { docs, name, ty, value })
            }
            Rule::rule_decl => {
                let name = self.ident_opt(inner.next());
                let mut params = Vec::new();
                let mut on = None;
                let mut body = None;
                for p in inner {
                    match p.as_rule() {
                        Rule::params => {
                            for param in p.into_inner() {
                                let mut parts = param.into_inner();
                                let name = self.ident_opt(parts.next());
                                let ty = self.type_opt(parts.next());
                                params.push(Param { name, ty });
                            }
                        }
                        Rule::rule_on => on = Some(self.qname_opt(p.into_inner().next())),
                        _ => body = Some(self.expr(p)),
                    }
                }
                let body = body.unwrap_or_else(error_expr);
                Item::Rule(RuleDecl { docs, name, params, on, body })
            }
            Rule::deontic_decl => self.deontic(inner, docs),
            Rule::waiver_decl => self.waiver(inner),
            Rule::param_decl => {
                inner.next(); // the keyword
                let name = self.ident_opt(inner.next());
                let ty = self.type_opt(inner.next());
                let value = self.expr_opt(inner.next());
                Item::Param(ConstDecl { docs, name, ty, value })
            }
            Rule::override_decl => Item::Override(self.override_decl(inner)),
            Rule::test_decl => self.test(inner, docs),
            _ => Item::Use(QName { parts: Vec::new(), span: ItemSpan::default() }),
        }
    }

    fn deontic(&mut self, mut inner: pest::iterators::Pairs<'_, Rule>, docs: String) -> Item {
        let modality_pair = inner.next();
        let keyword_span = modality_pair.as_ref().map(span_of).unwrap_or_default();
        let modality = match modality_pair.and_then(|p| p.into_inner().next()).map(|p| p.as_rule()) {
            Some(Rule::kw_prohibition) => Modality::Prohibition,
            Some(Rule::kw_recommendation) => Modality::Recommendation,
            _ => Modality::Obligation,
        };
        let name = self.ident_opt(inner.next());
        let on = self.qname_opt(inner.next());
        let mut clauses = Vec::new();
        let mut body_span: Option<ItemSpan> = None;
        for clause in inner {
            let span = span_of(&clause);
            body_span = Some(body_span.map_or(span, |b| b.to(span)));
            let rule = clause.as_rule();
            let mut parts = clause.into_inner();
            let lowered = match rule {
                Rule::area_clause => Clause::Area(self.ident_opt(parts.next())),
                Rule::severity_clause => Clause::Severity(self.ident_opt(parts.next())),
                Rule::cite_clause => Clause::Cite(parts.map(|s| self.string(s)).collect()),
                Rule::when_clause => Clause::When(self.expr_opt(parts.next())),
                Rule::require_clause => {
                    let kw_pair = parts.next();
                    let kw_span = kw_pair.as_ref().map(span_of).unwrap_or_default();
                    let kw = match kw_pair.and_then(|p| p.into_inner().next()).map(|p| p.as_rule()) {
                        Some(Rule::must_not) => RequirementKw::MustNot,
                        Some(Rule::should) => RequirementKw::Should,
                        Some(Rule::should_not) => RequirementKw::ShouldNot,
                        _ => RequirementKw::Must,
                    };
                    Clause::Require { kw, kw_span, condition: self.expr_opt(parts.next()) }
                }
                Rule::exception_clause => {
                    parts.next(); // `exception`
                    parts.next(); // `to`
                    Clause::Exception(self.qname_opt(parts.next()))
                }
                Rule::outcome_message_clause => {
                    parts.next(); // `if`
                    let outcome = self.ident_opt(parts.next());
                    match self.message(parts) {
                        Some(message) => Clause::OutcomeMessage { outcome, message },
                        None => continue,
                    }
                }
                _ => match self.message(parts) {
                    Some(message) => Clause::Because(message),
                    None => continue,
                },
            };
            clauses.push(lowered);
        }
        let body_span = body_span.unwrap_or(name.span);
        Item::Deontic(DeonticDecl { docs, modality, keyword_span, name, on, clauses, body_span })
    }

    fn override_decl(&mut self, mut inner: pest::iterators::Pairs<'_, Rule>) -> OverrideDecl {
        inner.next(); // the keyword
        let target = self.qname_opt(inner.next());
        let value = self.expr_opt(inner.next());
        OverrideDecl { target, value }
    }

    fn test(&mut self, mut inner: pest::iterators::Pairs<'_, Rule>, docs: String) -> Item {
        inner.next(); // the keyword
        let name = match inner.next() {
            Some(s) => self.string(s),
            None => StringLit { value: String::new(), span: ItemSpan::default() },
        };
        let mut test = TestDecl {
            docs,
            name,
            today: None,
            overrides: Vec::new(),
            given: Vec::new(),
            expects: Vec::new(),
            body_span: ItemSpan::default(),
        };
        for stmt in inner {
            let span = span_of(&stmt);
            test.body_span = if test.body_span == ItemSpan::default() { span } else { test.body_span.to(span) };
            let rule = stmt.as_rule();
            let mut parts = stmt.into_inner();
            match rule {
                Rule::test_today => {
                    parts.next(); // `today`
                    if test.today.is_some() {
                        self.errors.push(SyntaxError::SecondToday { span }.into());
                        continue;
                    }
                    if let Some(date) = parts.next() {
                        let date_span = span_of(&date);
                        if let Some(d) = self.date(&date) {
                            test.today = Some((d, date_span));
                        }
                    }
                }
                Rule::override_decl => test.overrides.push(self.override_decl(parts)),
                Rule::given_stmt => {
                    parts.next(); // `given`
                    let kind = self.qname_opt(parts.next());
                    let source = match parts.next() {
                        Some(p) if p.as_rule() == Rule::given_from => {
                            let path = p.into_inner().nth(1);
                            GivenSource::File(match path {
                                Some(s) => self.string(s),
                                None => StringLit { value: String::new(), span: ItemSpan::default() },
                            })
                        }
                        Some(p) => GivenSource::Inline { text: p.as_str().to_string(), span: span_of(&p) },
                        None => continue,
                    };
                    test.given.push(Given { kind, source, span });
                }
                _ => {
                    parts.next(); // `expect`
                    let target = self.qname_opt(parts.next());
                    let outcome = self.ident_opt(parts.next());
                    test.expects.push(Expect { target, outcome, span });
                }
            }
        }
        Item::Test(test)
    }

    fn waiver(&mut self, mut inner: pest::iterators::Pairs<'_, Rule>) -> Item {
        let target = self.qname_opt(inner.next());
        let mut waiver = WaiverDecl {
            target,
            selector: None,
            reason: None,
            approved_by: None,
            until: None,
            body_span: ItemSpan::default(),
            field_errors: Vec::new(),
        };
        for p in inner {
            match p.as_rule() {
                Rule::waiver_where => waiver.selector = p.into_inner().next().map(|e| self.expr(e)),
                _ => {
                    let span = span_of(&p);
                    waiver.body_span =
                        if waiver.body_span == ItemSpan::default() { span } else { waiver.body_span.to(span) };
                    let mut parts = p.into_inner();
                    let key = parts.next().map(|k| k.as_str().to_string()).unwrap_or_default();
                    let Some(value) = parts.next() else { continue };
                    let is_date = value.as_rule() == Rule::date_lit;
                    let already = match key.as_str() {
                        "until" => waiver.until.is_some(),
                        "reason" => waiver.reason.is_some(),
                        _ => waiver.approved_by.is_some(),
                    };
                    if already {
                        waiver.field_errors.push((span, format!("`{key}` is given twice")));
                        continue;
                    }
                    match (key.as_str(), is_date) {
                        ("until", true) => {
                            let value_span = span_of(&value);
                            if let Some(date) = self.date(&value) {
                                waiver.until = Some((date, value_span));
                            }
                        }
                        ("until", false) => waiver
                            .field_errors
                            .push((span_of(&value), "`until` takes a date such as `2027-03-31`, not a string".into())),
                        (_, true) => waiver.field_errors.push((span_of(&value), format!("`{key}` takes a string"))),
                        ("reason", false) => waiver.reason = Some(self.string(value)),
                        _ => waiver.approved_by = Some(self.string(value)),
                    }
                }
            }
        }
        Item::Waiver(waiver)
    }

    fn field(&mut self, pair: Pair<'_, Rule>) -> FieldDecl {
        let docs = docs_above(self.text, pair.as_span().start());
        let mut inner = pair.into_inner().peekable();
        let mut attributes = Vec::new();
        while let Some(attribute) = inner.next_if(|p| p.as_rule() == Rule::attribute) {
            let span = span_of(&attribute);
            let name = self.ident_opt(attribute.into_inner().next());
            attributes.push(Attribute { name, span });
        }
        let name = self.ident_opt(inner.next());
        let ty = self.type_opt(inner.next());
        FieldDecl { docs, attributes, name, ty }
    }

    fn type_opt(&mut self, pair: Option<Pair<'_, Rule>>) -> TypeExpr {
        match pair {
            Some(p) => self.type_expr(p),
            None => TypeExpr {
                kind: TypeKind::Named(QName { parts: Vec::new(), span: ItemSpan::default() }),
                optional: false,
                span: ItemSpan::default(),
            },
        }
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let base = inner.next();
        let optional = inner.next().is_some();
        let kind = match base {
            Some(b) if b.as_rule() == Rule::generic_type => {
                let mut parts = b.into_inner();
                let which = parts.next().map(|p| p.as_str().to_string()).unwrap_or_default();
                let arg = Box::new(self.type_opt(parts.next()));
                match which.as_str() {
                    "list" => TypeKind::List(arg),
                    "set" => TypeKind::Set(arg),
                    "map" => TypeKind::Map(arg),
                    other => {
                        self.internal(span, &format!("collection type `{other}`"));
                        TypeKind::Named(QName { parts: Vec::new(), span })
                    }
                }
            }
            Some(b) if b.as_rule() == Rule::duration_type => {
                let unit = b.into_inner().next().map(|u| u.as_str().to_string()).unwrap_or_default();
                match unit.as_str() {
                    "days" => TypeKind::Duration(DurationUnit::Days),
                    "hours" => TypeKind::Duration(DurationUnit::Hours),
                    other => {
                        self.internal(span, &format!("duration unit `{other}`"));
                        TypeKind::Named(QName { parts: Vec::new(), span })
                    }
                }
            }
            Some(b) => TypeKind::Named(self.qname_opt(b.into_inner().next())),
            None => TypeKind::Named(QName { parts: Vec::new(), span }),
        };
        TypeExpr { kind, optional, span }
    }

    fn ident(&mut self, pair: Pair<'_, Rule>) -> Ident {
        Ident { name: pair.as_str().to_string(), span: span_of(&pair) }
    }

    fn ident_opt(&mut self, pair: Option<Pair<'_, Rule>>) -> Ident {
        pair.map_or_else(|| Ident { name: String::new(), span: ItemSpan::default() }, |p| self.ident(p))
    }

    fn qname_opt(&mut self, pair: Option<Pair<'_, Rule>>) -> QName {
        match pair {
            Some(p) => {
                let span = span_of(&p);
                let parts = p.into_inner().map(|i| self.ident(i)).collect();
                QName { parts, span }
            }
            None => QName { parts: Vec::new(), span: ItemSpan::default() },
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StringLit {
        let span = span_of(&pair);
        let mut value = String::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::escape => value.push(self.escape(&part)),
                _ => value.push_str(part.as_str()),
            }
        }
        StringLit { value, span }
    }

    /// A message written as one string or several in a row: `{path}` holes become
    /// expressions, `\{` is a literal brace. `None` when there is no string.
    fn message<'i>(&mut self, strings: impl Iterator<Item = Pair<'i, Rule>>) -> Option<Message> {
        let mut spans = Vec::new();
        let mut parts = Vec::new();
        let mut text = String::new();
        for string in strings {
            spans.push(span_of(&string));
            self.message_string(string, &mut parts, &mut text);
        }
        if !text.is_empty() {
            parts.push(MessagePart::Text(text));
        }
        let span = spans.first()?.to(*spans.last()?);
        Some(Message { parts, span, strings: spans })
    }

    /// One string of a message: literal text goes into `text` until a hole ends it.
    fn message_string(&mut self, pair: Pair<'_, Rule>, parts: &mut Vec<MessagePart>, text: &mut String) {
        for part in pair.into_inner() {
            let part_span = span_of(&part);
            if part.as_rule() == Rule::escape {
                text.push(self.escape(&part));
                continue;
            }
            let raw = part.as_str();
            let mut rest = raw;
            let mut base = part_span.start;
            while let Some(open) = rest.find('{') {
                text.push_str(rest.get(..open).unwrap_or(""));
                let after = rest.get(open + 1..).unwrap_or("");
                let Some(close) = after.find('}') else {
                    let at = base + u32::try_from(open).unwrap_or(0);
                    self.errors.push(SyntaxError::UnclosedHole { span: ItemSpan::new(at, at + 1) }.into());
                    text.push_str(after);
                    rest = "";
                    break;
                };
                let hole_text = after.get(..close).unwrap_or("");
                let hole_start = base + u32::try_from(open + 1).unwrap_or(0);
                if !text.is_empty() {
                    parts.push(MessagePart::Text(std::mem::take(text)));
                }
                match parse_path(hole_text.trim()) {
                    Some(expr) => {
                        let lead = u32::try_from(hole_text.len() - hole_text.trim_start().len()).unwrap_or(0);
                        parts.push(MessagePart::Hole(rebase(expr, i64::from(hole_start + lead))));
                    }
                    None => {
                        let end = hole_start + u32::try_from(hole_text.len()).unwrap_or(0);
                        let hole = hole_text.to_string();
                        self.errors
                            .push(SyntaxError::HoleNotAPath { hole, span: ItemSpan::new(hole_start, end) }.into());
                    }
                }
                let consumed = open + 1 + close + 1;
                base += u32::try_from(consumed).unwrap_or(0);
                rest = rest.get(consumed..).unwrap_or("");
            }
            text.push_str(rest);
        }
    }

    fn escape(&mut self, pair: &Pair<'_, Rule>) -> char {
        unescape(pair.as_str()).unwrap_or_else(|| {
            let escape = pair.as_str().to_string();
            self.errors.push(SyntaxError::UnknownEscape { escape, span: span_of(pair) }.into());
            '?'
        })
    }

    fn date(&mut self, pair: &Pair<'_, Rule>) -> Option<DateLit> {
        let s = pair.as_str();
        let parsed = parse_date(s);
        if parsed.is_none() {
            self.errors.push(SyntaxError::NotADate { text: s.to_string(), span: span_of(pair) }.into());
        }
        parsed
    }

    fn expr_opt(&mut self, pair: Option<Pair<'_, Rule>>) -> Expr {
        pair.map_or_else(error_expr, |p| self.expr(p))
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        match rule {
            Rule::expr => {
                let inner = pair.into_inner().next();
                self.expr_opt(inner)
            }
            Rule::paren_expr => {
                let inner = self.expr_opt(pair.into_inner().next());
                Expr { kind: ExprKind::Paren(Box::new(inner)), span }
            }
            Rule::quantifier => {
                let mut inner = pair.into_inner();
                let quant = match inner.next().and_then(|q| q.into_inner().next()).map(|q| q.as_rule()) {
                    Some(Rule::kw_any) => Quant::Any,
                    _ => Quant::All,
                };
                let var = self.ident_opt(inner.next());
                let _in = inner.next();
                let collection = Box::new(self.expr_opt(inner.next()));
                let mut filter = None;
                let mut body = None;
                for p in inner {
                    if p.as_rule() == Rule::quant_where {
                        filter = Some(Box::new(self.expr_opt(p.into_inner().next())));
                    } else {
                        body = Some(self.expr(p));
                    }
                }
                let body = Box::new(body.unwrap_or_else(error_expr));
                Expr { kind: ExprKind::Quantified(quant, Binding { var, collection, filter }, body), span }
            }
            Rule::or_expr | Rule::and_expr => {
                let op = if rule == Rule::or_expr { BinOp::Or } else { BinOp::And };
                let operands: Vec<Expr> = pair
                    .into_inner()
                    .filter(|p| !matches!(p.as_rule(), Rule::kw_and | Rule::kw_or))
                    .map(|p| self.expr(p))
                    .collect();
                balanced(op, operands)
            }
            Rule::not_expr => {
                let mut nots = Vec::new();
                let mut operand = None;
                for p in pair.into_inner() {
                    if p.as_rule() == Rule::kw_not {
                        nots.push(span_of(&p));
                    } else {
                        operand = Some(self.expr(p));
                    }
                }
                if let Some(&extra) = nots.get(MAX_CHAIN) {
                    return self.too_long(span, extra, "`not`s in a row");
                }
                let mut acc = operand.unwrap_or_else(error_expr);
                for not in nots.into_iter().rev() {
                    let span = not.to(acc.span);
                    acc = Expr { kind: ExprKind::Not(Box::new(acc)), span };
                }
                acc
            }
            Rule::cmp_expr => {
                let mut inner = pair.into_inner();
                let lhs = self.expr_opt(inner.next());
                match inner.next() {
                    None => lhs,
                    Some(tail) => self.comparison(lhs, tail, span),
                }
            }
            Rule::add_expr | Rule::mul_expr => {
                // The span may run on over whitespace and comments after the last operand.
                let written = pair.as_str().split(char::is_whitespace).next().unwrap_or("");
                let after = pair.as_str().get(written.len()..).unwrap_or("").trim_start();
                let separator = if rule == Rule::mul_expr { '/' } else { '-' };
                if (after.is_empty() || after.starts_with("//"))
                    && let Some(iso) = prose_date(written, separator)
                {
                    let written = written.to_string();
                    let span = ItemSpan::new(span.start, span.start + u32::try_from(written.len()).unwrap_or(0));
                    self.errors.push(SyntaxError::ProseDate { written, separator, iso, span }.into());
                    return Expr { kind: ExprKind::Error, span };
                }
                if let Some(extra) = pair.clone().into_inner().nth(2 * MAX_CHAIN) {
                    return self.too_long(span, span_of(&extra), "operands in one arithmetic or set expression");
                }
                let mut inner = pair.into_inner();
                let mut acc = self.expr_opt(inner.next());
                while let (Some(op), Some(rhs)) = (inner.next(), inner.next()) {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        "/" => BinOp::Div,
                        "union" => BinOp::Union,
                        "intersect" => BinOp::Intersect,
                        "except" => BinOp::Except,
                        other => return self.internal(span_of(&op), &format!("arithmetic operator `{other}`")),
                    };
                    let rhs = self.expr(rhs);
                    let span = acc.span.to(rhs.span);
                    acc = Expr { kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), span };
                }
                acc
            }
            Rule::unary_expr => {
                let parts: Vec<_> = pair.into_inner().collect();
                let mut negs = Vec::new();
                let mut operand = None;
                for p in parts {
                    if p.as_rule() == Rule::neg_op {
                        negs.push(span_of(&p));
                    } else {
                        operand = Some(self.expr(p));
                    }
                }
                if let Some(&extra) = negs.get(MAX_CHAIN) {
                    return self.too_long(span, extra, "`-` signs in a row");
                }
                let mut acc = operand.unwrap_or_else(error_expr);
                for neg in negs.into_iter().rev() {
                    let span = neg.to(acc.span);
                    acc = Expr { kind: ExprKind::Neg(Box::new(acc)), span };
                }
                acc
            }
            Rule::postfix_expr => {
                if let Some(extra) = pair.clone().into_inner().nth(MAX_CHAIN) {
                    return self.too_long(span, span_of(&extra), "`.field` steps in one path");
                }
                let mut inner = pair.into_inner();
                let mut acc = self.expr_opt(inner.next());
                for access in inner {
                    let field = self.ident_opt(access.into_inner().next());
                    let span = acc.span.to(field.span);
                    acc = Expr { kind: ExprKind::Field(Box::new(acc), field), span };
                }
                acc
            }
            Rule::today => Expr { kind: ExprKind::Today, span },
            Rule::name => {
                let id = self.ident_opt(pair.into_inner().next());
                Expr { kind: ExprKind::Name(id), span }
            }
            Rule::present_call => {
                let operand = self.expr_opt(pair.into_inner().nth(1));
                Expr { kind: ExprKind::Is(IsTest::Present, Box::new(operand)), span }
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = self.ident_opt(inner.next());
                let args = inner.map(|a| self.expr(a)).collect();
                Expr { kind: ExprKind::Call(name, args), span }
            }
            Rule::list_lit => Expr { kind: ExprKind::List(pair.into_inner().map(|e| self.expr(e)).collect()), span },
            Rule::set_lit => Expr { kind: ExprKind::Set(pair.into_inner().map(|e| self.expr(e)).collect()), span },
            Rule::aggregate => self.aggregate(pair, span),
            Rule::bool_lit => Expr { kind: ExprKind::Literal(Literal::Bool(pair.as_str() == "true")), span },
            Rule::int_lit => match pair.as_str().replace('_', "").parse::<i64>() {
                Ok(n) => Expr { kind: ExprKind::Literal(Literal::Int(n)), span },
                Err(_) => self.bad_literal(span, format!("`{}` is too large for an integer", pair.as_str())),
            },
            Rule::decimal_lit | Rule::percent_lit => {
                let number = pair.as_str().trim_end_matches('%').replace('_', "");
                if number.chars().filter(char::is_ascii_digit).count() > MAX_DIGITS {
                    return self.bad_literal(span, format!("`{}` has more than {MAX_DIGITS} digits", pair.as_str()));
                }
                let literal =
                    if rule == Rule::percent_lit { Literal::Percent(number) } else { Literal::Decimal(number) };
                Expr { kind: ExprKind::Literal(literal), span }
            }
            Rule::duration_lit => {
                let written = pair.as_str().to_string();
                let mut inner = pair.into_inner();
                let digits = inner.next().map(|d| d.as_str().replace('_', "")).unwrap_or_default();
                let unit = match inner.next().map(|u| u.as_str()) {
                    Some("h") => DurationLitUnit::Hours,
                    Some("bd") => DurationLitUnit::BusinessDays,
                    _ => DurationLitUnit::Days,
                };
                match digits.parse::<i64>() {
                    Ok(n) if n <= 1_000_000 => Expr { kind: ExprKind::Literal(Literal::Duration(n, unit)), span },
                    _ => self.bad_literal(span, format!("`{written}` is too long a duration")),
                }
            }
            Rule::date_lit => match self.date(&pair) {
                Some(d) => Expr { kind: ExprKind::Literal(Literal::Date(d)), span },
                None => Expr { kind: ExprKind::Error, span },
            },
            Rule::string => {
                let s = self.string(pair);
                Expr { kind: ExprKind::Literal(Literal::String(s.value)), span }
            }
            _ => {
                let inner = pair.into_inner().next();
                self.expr_opt(inner)
            }
        }
    }

    /// A chain longer than [`MAX_CHAIN`]: reported at its first element too many.
    fn too_long(&mut self, span: ItemSpan, extra: ItemSpan, what: &str) -> Expr {
        self.errors.push(SyntaxError::ChainTooLong { limit: MAX_CHAIN, what: what.to_string(), span: extra }.into());
        Expr { kind: ExprKind::Error, span }
    }

    /// The grammar produced something the parser does not know: a bug in Tenet, stated as
    /// one rather than read as a plausible default.
    fn internal(&mut self, span: ItemSpan, what: &str) -> Expr {
        self.errors.push(SyntaxError::Internal { what: what.to_string(), span }.into());
        Expr { kind: ExprKind::Error, span }
    }

    fn bad_literal(&mut self, span: ItemSpan, message: String) -> Expr {
        self.errors.push(SyntaxError::BadLiteral { message, span }.into());
        Expr { kind: ExprKind::Error, span }
    }

    fn comparison(&mut self, lhs: Expr, tail: Pair<'_, Rule>, span: ItemSpan) -> Expr {
        let rule = tail.as_rule();
        let mut inner = tail.into_inner();
        let binary =
            |op: BinOp, rhs: Expr, lhs: Expr| Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span };
        match rule {
            Rule::compare_tail => {
                let op = match inner.next().map(|o| o.as_str()) {
                    Some("==") => BinOp::Eq,
                    Some("!=") => BinOp::Ne,
                    Some("<=") => BinOp::Le,
                    Some(">=") => BinOp::Ge,
                    Some("<") => BinOp::Lt,
                    Some(">") => BinOp::Gt,
                    other => return self.internal(span, &format!("comparison operator {other:?}")),
                };
                let rhs = self.expr_opt(inner.next());
                binary(op, rhs, lhs)
            }
            Rule::membership_tail => {
                let first = inner.next();
                let op =
                    if first.as_ref().map(|p| p.as_rule()) == Some(Rule::not_in) { BinOp::NotIn } else { BinOp::In };
                let rhs = self.expr_opt(inner.next());
                binary(op, rhs, lhs)
            }
            Rule::contains_tail => {
                let _kw = inner.next();
                let mut op = BinOp::Contains;
                let mut rhs = None;
                for p in inner {
                    if p.as_rule() == Rule::contains_mode {
                        op = if p.as_str().starts_with("all") { BinOp::ContainsAll } else { BinOp::ContainsAny };
                    } else {
                        rhs = Some(self.expr(p));
                    }
                }
                binary(op, rhs.unwrap_or_else(error_expr), lhs)
            }
            Rule::is_tail => {
                let mut negated = false;
                let mut what = IsTest::Present;
                for p in inner {
                    match p.as_rule() {
                        Rule::is_negated => negated = true,
                        Rule::is_what => {
                            what = match p.as_str() {
                                "absent" => IsTest::Absent,
                                "empty" => IsTest::Empty,
                                _ => IsTest::Present,
                            }
                        }
                        _ => {}
                    }
                }
                let test = match (what, negated) {
                    (IsTest::Present, true) => IsTest::Absent,
                    (IsTest::Absent, true) => IsTest::Present,
                    (IsTest::Empty, true) => IsTest::NotEmpty,
                    (other, _) => other,
                };
                Expr { kind: ExprKind::Is(test, Box::new(lhs)), span }
            }
            _ => {
                let _within = inner.next();
                let window = self.expr_opt(inner.next());
                let _before = inner.next();
                let anchor = self.expr_opt(inner.next());
                Expr {
                    kind: ExprKind::Within {
                        subject: Box::new(lhs),
                        window: Box::new(window),
                        anchor: Box::new(anchor),
                    },
                    span,
                }
            }
        }
    }

    fn aggregate(&mut self, pair: Pair<'_, Rule>, span: ItemSpan) -> Expr {
        let mut inner = pair.into_inner();
        let func = match inner.next().and_then(|k| k.into_inner().next()).map(|k| k.as_rule()) {
            Some(Rule::kw_sum) => AggFn::Sum,
            Some(Rule::kw_min) => AggFn::Min,
            Some(Rule::kw_max) => AggFn::Max,
            Some(Rule::kw_avg) => AggFn::Avg,
            _ => AggFn::Count,
        };
        let Some(arg) = inner.next() else {
            return Expr { kind: ExprKind::Error, span };
        };
        if arg.as_rule() != Rule::agg_binding {
            let value = Some(Box::new(self.expr(arg)));
            return Expr { kind: ExprKind::Aggregate { func, binding: None, value }, span };
        }
        let mut parts = arg.into_inner();
        let var = self.ident_opt(parts.next());
        let _in = parts.next();
        let collection = Box::new(self.expr_opt(parts.next()));
        let mut filter = None;
        let mut value = None;
        for p in parts {
            match p.as_rule() {
                Rule::quant_where => filter = Some(Box::new(self.expr_opt(p.into_inner().next()))),
                _ => value = Some(Box::new(self.expr_opt(p.into_inner().next()))),
            }
        }
        Expr { kind: ExprKind::Aggregate { func, binding: Some(Binding { var, collection, filter }), value }, span }
    }
}

fn error_expr() -> Expr {
    Expr { kind: ExprKind::Error, span: ItemSpan::default() }
}

/// The character an escape stands for, if it is one of `\" \\ \n \t \{ \}`.
fn unescape(escape: &str) -> Option<char> {
    match escape.chars().nth(1)? {
        'n' => Some('\n'),
        't' => Some('\t'),
        c @ ('"' | '\\' | '{' | '}') => Some(c),
        _ => None,
    }
}

/// An expression tree of `op` over `operands`, balanced so that long chains stay shallow
/// (`and` and `or` are associative in Kleene logic, so the shape does not change the result).
fn balanced(op: BinOp, mut operands: Vec<Expr>) -> Expr {
    if operands.len() <= 1 {
        return operands.pop().unwrap_or_else(error_expr);
    }
    let right = operands.split_off(operands.len() / 2);
    let (left, right) = (balanced(op, operands), balanced(op, right));
    let span = left.span.to(right.span);
    Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), span }
}

/// Parses `YYYY-MM-DD` (exactly four, two and two digits) into a real calendar date.
pub fn parse_date(s: &str) -> Option<DateLit> {
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape {
        return None;
    }
    let mut parts = s.splitn(3, '-');
    let year: i16 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next()?.parse().ok()?;
    let day: i8 = parts.next()?.parse().ok()?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month).contains(&day).then_some(DateLit { year, month, day })
}

/// Moves every span of a path expression by `delta` bytes.
fn rebase(mut expr: Expr, delta: i64) -> Expr {
    fn shift(span: &mut ItemSpan, delta: i64) {
        let moved = |x: u32| u32::try_from((i64::from(x) + delta).max(0)).unwrap_or(u32::MAX);
        *span = ItemSpan::new(moved(span.start), moved(span.end));
    }
    fn walk(e: &mut Expr, delta: i64) {
        shift(&mut e.span, delta);
        match &mut e.kind {
            ExprKind::Name(id) => shift(&mut id.span, delta),
            ExprKind::Field(base, id) => {
                shift(&mut id.span, delta);
                walk(base, delta);
            }
            _ => {}
        }
    }
    walk(&mut expr, delta);
    expr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_written_as_in_prose() {
        assert_eq!(prose_date("2026/1/5", '/'), Some(Some("2026-01-05".to_string())));
        assert_eq!(prose_date("31/12/2025", '/'), Some(None));
        assert_eq!(prose_date("2026-1-05", '-'), Some(Some("2026-01-05".to_string())));
        assert_eq!(prose_date("31-12-2025", '-'), None);
        assert_eq!(prose_date("2026-01-05", '-'), None);
        assert_eq!(prose_date("2026-13-45", '-'), None);
        assert_eq!(prose_date("10/2/3", '/'), None);
        assert_eq!(prose_date("a/b/c", '/'), None);
    }

    #[test]
    fn bidi_controls_are_flagged_where_they_are() {
        let text = "package p\n// \u{202E} reversed\nconst A: string = \"\u{2066}x\u{2069}\"\n";
        let parsed = parse_file(text);
        let places: Vec<(String, usize)> =
            parsed.errors.iter().map(|d| (d.code.to_string(), d.span.start as usize)).collect();
        let expected: Vec<(String, usize)> = text
            .char_indices()
            .filter(|&(_, c)| is_bidi_control(c))
            .map(|(i, _)| ("tenet::W0007".to_string(), i))
            .collect();
        assert_eq!(places, expected);
        assert_eq!(places.len(), 3);
        assert!(parsed.errors.iter().all(|d| !d.is_error()));
        assert_eq!(parsed.items.len(), 2, "the warnings do not stop the package and the constant from parsing");
    }

    #[test]
    fn natural_mistakes_are_found_where_pest_stops() {
        let unit = natural_mistake("rule r on K = d within 1y before today", 23);
        assert!(matches!(unit, Some(SyntaxError::UnknownUnit { ref unit, amount: Some(1), .. }) if unit == "y"));
        let clause = natural_mistake("obligation o on K {\n  severty: high\n}", 22);
        assert!(matches!(clause, Some(SyntaxError::Misspelt { meant: "severity", what: Keyword::Clause, .. })));
        assert!(natural_mistake("rule r on K = a ==", 18).is_none());
    }
}
