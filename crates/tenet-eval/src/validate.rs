//! Validating a loaded document against its schema, producing typed values with origins.
//! A wrong-typed field is an error located in the input file; an unknown field is a warning.

use crate::errors::{DocumentError, Form, WrongTypeHint};
use crate::sensitive::{MASK, Sensitive};
use crate::value::{DateSpan, Duration, MAX_DURATION_DAYS, MAX_DURATION_HOURS, Node, Origin, Value, parse_duration};
use rust_decimal::Decimal;
use std::sync::Arc;
use tenet_db::Program;
use tenet_db::ir::{FieldDef, SchemaDef, Ty};
use tenet_input::NodeValue;
use tenet_syntax::ast::DurationUnit;
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Unresolved};
use tenet_text::DocSpan;

/// Converts loaded documents into typed values.
pub struct Validator<'a> {
    program: &'a Program,
    /// Whether an undeclared field is an error.
    strict: bool,
    /// The records being validated, outermost first, for the indentation hint.
    enclosing: Vec<&'a SchemaDef>,
    /// Problems found, with spans in the document's source: at most [`MAX_PROBLEMS`] errors
    /// and as many warnings (see [`Validator::finish`]).
    pub diagnostics: Vec<Diagnostic<DocSpan>>,
    /// Where the values of `@sensitive` fields are.
    pub sensitive: Sensitive,
    /// How many sensitive fields enclose the value being validated: inside one, problems
    /// show [`MASK`] for the value.
    masking: u32,
    /// Errors and warnings kept so far.
    kept: (usize, usize),
    /// Problems past the limit: how many, and where the first was.
    omitted: Option<(usize, DocSpan)>,
}

/// How many errors, and how many warnings, one document reports: a 16 MiB list of wrong values
/// or a mapping of 30,000 unknown keys gives these and a count of the rest, not millions of
/// diagnostics.
pub const MAX_PROBLEMS: usize = 100;

impl<'a> Validator<'a> {
    /// A validator against the schemas of `program`.
    pub fn new(program: &'a Program, strict: bool) -> Self {
        Validator {
            program,
            strict,
            enclosing: Vec::new(),
            diagnostics: Vec::new(),
            sensitive: Sensitive::default(),
            masking: 0,
            kept: (0, 0),
            omitted: None,
        }
    }

    /// Keeps `problem` unless [`MAX_PROBLEMS`] of its level are kept already.
    fn report(&mut self, problem: Diagnostic<DocSpan>) {
        let (error, span) = (problem.is_error(), problem.span);
        self.report_with(error, span, || problem);
    }

    /// Keeps the problem `make` words, of level error or not, at `span`, unless
    /// [`MAX_PROBLEMS`] of its level are kept already; then it is only counted, not worded
    /// (a 16 MiB list of wrong values costs a count per value, not a message).
    fn report_with(&mut self, error: bool, span: DocSpan, make: impl FnOnce() -> Diagnostic<DocSpan>) {
        let kept = if error { &mut self.kept.0 } else { &mut self.kept.1 };
        if *kept < MAX_PROBLEMS {
            *kept += 1;
            self.diagnostics.push(make());
        } else {
            let omitted = self.omitted.get_or_insert((0, span));
            omitted.0 += 1;
        }
    }

    /// The problems found, with a warning counting those past the limit.
    pub fn finish(mut self) -> Vec<Diagnostic<DocSpan>> {
        if let Some((count, span)) = self.omitted {
            let plural = if count == 1 { "" } else { "s" };
            self.diagnostics.push(
                Diagnostic::warning(
                    codes::TOO_MANY_PROBLEMS,
                    format!("{count} more problem{plural} in this document not shown"),
                    span,
                )
                .with_label("the first not shown")
                .with_help(format!(
                    "a document reports at most {MAX_PROBLEMS} errors and {MAX_PROBLEMS} warnings; fix these and run again"
                )),
            );
        }
        self.diagnostics
    }

    /// The origin of a record, list or map, which keeps its path.
    fn origin(&self, path: &str, span: DocSpan) -> Origin {
        Origin { path: Some(Arc::from(path)), span: Some(Origin::compact(span)) }
    }

    /// The origin of a scalar: its span alone.
    fn leaf_origin(&self, span: DocSpan) -> Origin {
        Origin { path: None, span: Some(Origin::compact(span)) }
    }

    fn wrong_type(&mut self, node: &tenet_input::Node, path: &str, expected: &Ty, hint: Option<WrongTypeHint>) -> Node {
        self.report_with(true, node.span, || {
            DocumentError::WrongType {
                path: path.to_string(),
                expected: describe(expected),
                found: node.value.kind(),
                hint,
                span: node.span,
            }
            .into()
        });
        Node::unknown()
    }

    /// Validates the document root against `schema`.
    pub fn root(&mut self, root: &tenet_input::Node, schema: &'a SchemaDef) -> Node {
        self.record(root, schema, "", true)
    }

    fn record(&mut self, node: &tenet_input::Node, schema: &'a SchemaDef, path: &str, is_root: bool) -> Node {
        let NodeValue::Map(entries) = &node.value else {
            let problem = DocumentError::NotAMapping {
                path: path.to_string(),
                record: short(&schema.name).to_string(),
                found: node.value.kind(),
                span: node.span,
            };
            self.report(problem.into());
            return Node::unknown();
        };
        let mut fields: Vec<Node> = vec![Node::unknown(); schema.fields.len()];
        self.enclosing.push(schema);
        // One buffer for the paths of all fields (they are needed only for records inside,
        // lists and messages), not a string per field.
        let mut child_path = String::with_capacity(path.len() + 24);
        for entry in entries {
            child_path.clear();
            if !path.is_empty() {
                child_path.push_str(path);
                child_path.push('.');
            }
            child_path.push_str(&entry.key);
            match schema.field(&entry.key) {
                Some((slot, def)) => {
                    let value = self.field(&entry.value, def, &child_path);
                    if let Some(f) = fields.get_mut(slot) {
                        *f = value;
                    }
                }
                None if is_root && entry.key == "kind" => {}
                None => {
                    let (code, label) = if self.strict {
                        (codes::STRICT_UNKNOWN_FIELD, "not in the schema")
                    } else {
                        (codes::UNKNOWN_DOCUMENT_FIELD, "not in the schema; ignored")
                    };
                    let hint = self.misplaced(schema, &entry.key);
                    self.report_with(self.strict, entry.key_span, || {
                        let mut d: Diagnostic<DocSpan> = Unresolved {
                            code,
                            message: format!("`{}` has no field `{}`", short(&schema.name), entry.key),
                            span: entry.key_span,
                            label,
                            name: &entry.key,
                            candidates: schema.fields.iter().map(|f| &*f.name).collect(),
                            otherwise: None,
                        }
                        .into();
                        if let Some(hint) = hint {
                            d.help = Some(hint);
                        }
                        d
                    });
                }
            }
        }
        self.enclosing.pop();
        for def in schema.fields.iter().filter(|f| !f.optional) {
            if !entries.iter().any(|e| *e.key == *def.name) {
                let problem = DocumentError::MissingField {
                    path: path.to_string(),
                    field: def.name.to_string(),
                    ty: def.ty.to_string(),
                    span: node.span,
                };
                self.report(problem.into());
            }
        }
        Node { value: Value::Record(fields.into()), origin: self.origin(path, node.span) }
    }

    /// Where a field written in a record of `schema` belongs when it is one level off: a
    /// record-typed field of `schema` that declares it (indented too little), or the record
    /// enclosing this one (indented too far).
    fn misplaced(&self, schema: &SchemaDef, key: &str) -> Option<String> {
        let inner = schema.fields.iter().find(|f| self.record_of(&f.ty).is_some_and(|r| r.field(key).is_some()));
        if let Some(field) = inner {
            return Some(format!("`{key}` is a field of `{}`: indent it under `{}:`", field.name, field.name));
        }
        let outer = self.enclosing.iter().rev().nth(1)?;
        outer.field(key)?;
        Some(format!("`{key}` is a field of the enclosing `{}`: it may be indented too far", short(&outer.name)))
    }

    /// The record schema a field of type `ty` holds, directly or as its elements.
    fn record_of(&self, ty: &Ty) -> Option<&'a SchemaDef> {
        match ty {
            Ty::Record(name) => self.program.schemas.get(name),
            Ty::List(inner) | Ty::Map(inner) => self.record_of(inner),
            _ => None,
        }
    }

    fn field(&mut self, node: &tenet_input::Node, def: &FieldDef, path: &str) -> Node {
        if !def.sensitive {
            return self.value(node, &def.ty, def.unit, path);
        }
        self.sensitive.add(node.span);
        self.masking += 1;
        let value = self.value(node, &def.ty, def.unit, path);
        self.masking -= 1;
        value
    }

    /// A document's text as a problem may quote it: [`MASK`] inside a sensitive field.
    fn shown(&self, text: &str) -> String {
        if self.masking > 0 { MASK.to_string() } else { text.to_string() }
    }

    fn value(&mut self, node: &tenet_input::Node, ty: &Ty, unit: Option<DurationUnit>, path: &str) -> Node {
        if matches!(node.value, NodeValue::Null) {
            return Node { value: Value::Unknown, origin: self.leaf_origin(node.span) };
        }
        let value = match (ty, &node.value) {
            (Ty::Bool, NodeValue::Bool(b)) => Value::Bool(*b),
            (Ty::Int, NodeValue::Number(n)) => match n.replace('_', "").parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                    ) =>
                {
                    let problem =
                        DocumentError::IntegerTooLarge { path: path.to_string(), text: self.shown(n), span: node.span };
                    self.report(problem.into());
                    return Node::unknown();
                }
                Err(_) => {
                    return self.wrong_type(node, path, ty, Some(WrongTypeHint::NotWhole { text: self.shown(n) }));
                }
            },
            (Ty::Decimal, NodeValue::Number(n)) => match parse_decimal(n) {
                Some(d) => Value::Decimal(d),
                None => {
                    return self.wrong_type(node, path, ty, Some(WrongTypeHint::OutOfRange { text: self.shown(n) }));
                }
            },
            (Ty::String, NodeValue::String(s) | NodeValue::Date(s)) => Value::String(Arc::from(s.as_str())),
            (Ty::Date, NodeValue::String(s) | NodeValue::Date(s)) => match DateSpan::parse(s) {
                Some(d) => Value::Date(d),
                None => return self.bad_format(node, path, Form::Date, s),
            },
            // A bare year, as YAML reads `date: 2023`.
            (Ty::Date, NodeValue::Number(n)) => match DateSpan::parse(n) {
                Some(year) => Value::Date(year),
                None => return self.wrong_type(node, path, ty, None),
            },
            (Ty::Duration, NodeValue::String(s)) => match parse_duration(s) {
                Some(d) => Value::Duration(d),
                None => return self.bad_format(node, path, Form::Duration, s),
            },
            (Ty::Duration, NodeValue::Number(n)) => match (unit, n.parse::<i64>()) {
                (Some(DurationUnit::Hours), Ok(h)) if (0..=MAX_DURATION_HOURS).contains(&h) => {
                    Value::Duration(Duration::Hours(h))
                }
                (Some(DurationUnit::Days), Ok(d)) if (0..=MAX_DURATION_DAYS).contains(&d) => {
                    Value::Duration(Duration::Days(d))
                }
                (None, _) => {
                    return self.wrong_type(
                        node,
                        path,
                        ty,
                        Some(WrongTypeHint::DurationNeedsUnit { text: self.shown(n) }),
                    );
                }
                _ => return self.wrong_type(node, path, ty, Some(WrongTypeHint::NotACount)),
            },
            (Ty::Percent, NodeValue::Number(n)) => match parse_decimal(n) {
                Some(d) if d >= Decimal::ZERO && d <= Decimal::ONE => Value::Percent(d),
                _ => return self.bad_format(node, path, Form::Share, n),
            },
            (Ty::Percent, NodeValue::String(s)) => {
                match percent_text(s) {
                    // A share of something: 0% to 100%, as a fraction is 0 to 1.
                    Some(d) if d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED => {
                        Value::Percent(d / Decimal::ONE_HUNDRED)
                    }
                    Some(_) => return self.bad_format(node, path, Form::PercentOutOfRange, s),
                    None => return self.bad_format(node, path, Form::Percent, s),
                }
            }
            (Ty::Enum(name), NodeValue::String(s)) => {
                let program = self.program;
                let variants: &[Arc<str>] = program.enums.get(name).map_or(&[], |e| &e.variants);
                // A string of the document's own, not a clone of the program's: threads that
                // evaluate documents side by side would otherwise all count references on the
                // same few variant names, and that contention cost more than the allocation
                // (one core's work grew by 40% on two cores).
                if let Some(variant) = variants.iter().find(|v| ***v == **s) {
                    Value::Enum(Arc::from(&**variant))
                } else {
                    let found = self.shown(s);
                    self.report_with(true, node.span, || {
                        let list: Vec<&str> = variants.iter().map(|v| &**v).collect();
                        let otherwise = format!("the values are {}", list.join(", "));
                        Unresolved {
                            code: codes::UNKNOWN_DOCUMENT_VARIANT,
                            message: format!("`{path}` must be one of the `{}` values, found `{found}`", short(name)),
                            span: node.span,
                            label: "not a known value",
                            name: &found,
                            candidates: list,
                            otherwise: Some(otherwise),
                        }
                        .into()
                    });
                    return Node::unknown();
                }
            }
            (Ty::Record(name), NodeValue::Map(_)) => {
                let Some(schema) = self.program.schemas.get(name) else { return Node::unknown() };
                return self.record(node, schema, path, false);
            }
            (Ty::List(elem) | Ty::Set(elem), NodeValue::List(items)) => {
                let mut out: Vec<Node> = Vec::with_capacity(items.len());
                let mut element_path = String::with_capacity(path.len() + 4);
                for (i, item) in items.iter().enumerate() {
                    element_path.clear();
                    {
                        use std::fmt::Write as _;
                        let _ = write!(element_path, "{path}[{i}]");
                    }
                    let v = self.value(item, elem, unit, &element_path);
                    if matches!(ty, Ty::Set(_)) && out.iter().any(|o| o.value.equals(&v.value) == Some(true)) {
                        continue;
                    }
                    out.push(v);
                }
                Value::List(out.into())
            }
            (Ty::Map(elem), NodeValue::Map(entries)) => {
                let out: Vec<(Arc<str>, Node)> = entries
                    .iter()
                    .map(|e| {
                        (Arc::from(e.key.as_str()), self.value(&e.value, elem, unit, &format!("{path}.{}", e.key)))
                    })
                    .collect();
                Value::Map(out.into())
            }
            (Ty::Error | Ty::EmptyCollection, _) => Value::Unknown,
            (Ty::String, NodeValue::Number(n)) => {
                return self.wrong_type(node, path, ty, Some(WrongTypeHint::QuoteIt { text: self.shown(n) }));
            }
            (Ty::Bool, NodeValue::String(s)) if matches!(s.as_str(), "yes" | "no" | "on" | "off") => {
                return self.wrong_type(node, path, ty, Some(WrongTypeHint::TrueOrFalse));
            }
            _ => return self.wrong_type(node, path, ty, None),
        };
        let origin = match value {
            Value::List(_) | Value::Map(_) => self.origin(path, node.span),
            _ => self.leaf_origin(node.span),
        };
        Node { value, origin }
    }

    fn bad_format(&mut self, node: &tenet_input::Node, path: &str, form: Form, text: &str) -> Node {
        let text = self.shown(text);
        self.report_with(true, node.span, || {
            DocumentError::BadFormat { form, text, path: path.to_string(), span: node.span }.into()
        });
        Node::unknown()
    }
}

/// The number of a percentage written as text (`"48%"`, `" 4.5 %"`), before its range is
/// checked; `None` when it is not a number followed by `%`.
pub(crate) fn percent_text(text: &str) -> Option<Decimal> {
    text.trim().strip_suffix('%').and_then(|p| parse_decimal(p.trim()))
}

/// The written forms of a percentage as text that [`percent_text`] reads, as a regular
/// expression (see `value::DURATION_PATTERN`): a non-negative decimal and `%`. What it cannot
/// say is the range (0% to 100%); Tenet also reads digits with `_` and exponents there, which
/// no one writes in a percentage and the pattern leaves out.
pub const PERCENT_PATTERN: &str = r"^\s*\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*%\s*$";

/// Exact decimal from a number's text, including exponents.
/// The number exactly as written, or `None` when it cannot be held exactly (more than 28
/// significant digits, or out of range): rounding it could turn a verdict.
fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.replace('_', "");
    Decimal::from_str_exact(&t).ok().or_else(|| {
        let d = Decimal::from_scientific(&t).ok()?;
        // Scientific notation is exact when the mantissa's digits all survived.
        let mantissa = t.split(['e', 'E']).next().unwrap_or("");
        let digits = mantissa.chars().filter(char::is_ascii_digit).collect::<String>();
        let significant = digits.trim_start_matches('0').trim_end_matches('0');
        (significant.len() <= 28).then_some(d)
    })
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// "a date", "a list of …" and so on.
fn describe(ty: &Ty) -> String {
    match ty {
        Ty::Bool => "`true` or `false`".into(),
        Ty::Int => "a whole number".into(),
        Ty::Decimal => "a number".into(),
        Ty::String => "text".into(),
        Ty::Date => "a date".into(),
        Ty::Duration => "a duration".into(),
        Ty::Percent => "a percentage".into(),
        Ty::Enum(n) => format!("one of the `{}` values", short(n)),
        Ty::Record(n) => format!("a `{}` mapping", short(n)),
        Ty::List(t) | Ty::Set(t) => format!("a list of {}", describe(t)),
        Ty::Map(t) => format!("a mapping to {}", describe(t)),
        Ty::EmptyCollection | Ty::Error => "a value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn numbers_that_cannot_be_held_exactly_are_refused_not_rounded() {
        assert_eq!(parse_decimal("0.5").map(|d| d.to_string()), Some("0.5".into()));
        assert_eq!(parse_decimal("1_000.25").map(|d| d.to_string()), Some("1000.25".into()));
        assert_eq!(parse_decimal("1.5e2").map(|d| d.to_string()), Some("150".into()));
        // 29 significant digits: rounding would make 0.79999… equal to 0.8.
        assert_eq!(parse_decimal("0.79999999999999999999999999999"), None);
        assert_eq!(parse_decimal("1e40"), None);
    }
}
