//! A document kind as JSON Schema (draft 2020-12), so that other tools — an editor's YAML
//! and JSON support, a CI validator — check documents the way [`crate::validate`] does.
//!
//! The mapping follows validation, not the policy language's types alone:
//! - every value may be `null`, which validation reads as absent (so a required field must be
//!   present, but may be `null`);
//! - a field the schema does not declare is allowed (validation warns, `W0704`, and ignores
//!   it), or refused with `strict` (as `tenet eval --strict` does, `E0707`);
//! - dates, durations and percentages take every form validation reads, as the patterns
//!   beside their parsers ([`DATE_PATTERN`], [`DURATION_PATTERN`], [`PERCENT_PATTERN`]);
//! - `kind` is one of the names that select this schema, and is not required: a project's
//!   `[inputs]` or `--kind` can give a document its kind.
//!
//! A pattern carries `patternErrorMessage`, the message VS Code's JSON support and
//! yaml-language-server show instead of the regular expression (other validators ignore it).
//!
//! What a pattern cannot say — whether a day exists in its month, whether a range ends after
//! it starts, the limits of a duration written as text, that a percentage as text is at most
//! 100% — validation still reports.

use crate::validate::PERCENT_PATTERN;
use crate::value::{BARE_YEARS, DATE_PATTERN, DURATION_PATTERN, MAX_DURATION_DAYS, MAX_DURATION_HOURS};
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;
use tenet_db::Program;
use tenet_db::ir::{FieldDef, QualName, SchemaDef, Ty};
use tenet_syntax::Diagnostic;
use tenet_syntax::ast::DurationUnit;
use tenet_text::DocSpan;

/// The dialect every exported schema declares.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// How to export a kind.
#[derive(Clone, Debug, Default)]
pub struct JsonSchemaOptions {
    /// Refuse fields the schemas do not declare (`additionalProperties: false`), as a strict
    /// run does; otherwise they are allowed, as a default run only warns about them.
    pub strict: bool,
    /// The schema's `$id`; default: `urn:tenet:schema:` and the schema's qualified name.
    pub id: Option<String>,
}

/// The JSON Schema of documents of `kind` (a schema's qualified or short name, resolved as
/// evaluation resolves a document's `kind:`: an unknown kind is `E0705` with "did you mean",
/// an ambiguous one `E0708`). The diagnostic has no span.
pub fn json_schema(
    program: &Program,
    kind: &str,
    options: &JsonSchemaOptions,
) -> Result<Json, Box<Diagnostic<DocSpan>>> {
    let schema = crate::schema_of_kind(program, kind)?;
    let mut exporter = Exporter { program, strict: options.strict, defs: BTreeMap::new(), pending: Vec::new() };
    let mut root = exporter.record(schema);
    if schema.field("kind").is_none() {
        let names = crate::kind_names_of(program, schema);
        let mut kind_schema = Map::new();
        kind_schema.insert(
            "description".into(),
            Json::String(
                "The document's kind. Optional here: a project's `[inputs]` or `tenet eval --kind` can give it instead."
                    .into(),
            ),
        );
        kind_schema.insert("enum".into(), Json::Array(names.into_iter().map(Json::String).collect()));
        if let Some(Json::Object(properties)) = root.get_mut("properties") {
            let mut with_kind = Map::new();
            with_kind.insert("kind".into(), Json::Object(kind_schema));
            with_kind.append(properties);
            *properties = with_kind;
        }
    }
    exporter.drain();
    let id = options.id.clone().unwrap_or_else(|| format!("urn:tenet:schema:{}", schema.name));
    let mut out = Map::new();
    out.insert("$schema".into(), Json::String(DRAFT_2020_12.into()));
    out.insert("$id".into(), Json::String(id));
    out.insert("title".into(), Json::String(short(&schema.name).into()));
    let unknown = if options.strict {
        "Fields the schema does not declare are refused, as `tenet eval --strict` refuses them (E0707)."
    } else {
        "Fields the schema does not declare are allowed: `tenet eval` warns about them (W0704) and ignores them."
    };
    out.insert(
        "description".into(),
        Json::String(format!(
            "Documents of kind `{}` (`{}`), as Tenet validates them. `null` stands for an absent value. {unknown}",
            short(&schema.name),
            schema.name
        )),
    );
    out.append(&mut root);
    let defs: Map<String, Json> = exporter.defs.into_iter().collect();
    out.insert("$defs".into(), Json::Object(defs));
    Ok(Json::Object(out))
}

/// Builds the schema of one kind, putting the records, enums and value forms it uses in
/// `$defs` (a record that contains itself is a reference, not an endless expansion).
struct Exporter<'p> {
    program: &'p Program,
    strict: bool,
    /// The definitions made so far, by name: qualified names for records and enums,
    /// `date`, `duration` and `percent` (type names, which no schema can have) for the forms.
    defs: BTreeMap<String, Json>,
    /// Records and enums referred to and not yet defined.
    pending: Vec<QualName>,
}

impl Exporter<'_> {
    /// Defines everything referred to, until nothing is pending.
    fn drain(&mut self) {
        while let Some(name) = self.pending.pop() {
            if self.defs.contains_key(&*name) {
                continue;
            }
            let def = if let Some(schema) = self.program.schemas.get(&name) {
                let mut def = self.record(schema);
                def.insert("title".into(), Json::String(short(&name).into()));
                Json::Object(def)
            } else if let Some(e) = self.program.enums.get(&name) {
                json!({
                    "title": short(&name),
                    "description": format!("One of the `{}` values.", short(&name)),
                    "enum": e.variants.iter().map(|v| Json::String(v.to_string())).collect::<Vec<_>>(),
                })
            } else {
                // A name the checker resolved but the program left out (an item with errors):
                // anything goes, as validation then accepts anything there.
                json!({})
            };
            self.defs.insert(name.to_string(), def);
        }
    }

    /// A record: its fields, the required ones, and what happens to others.
    fn record(&mut self, schema: &SchemaDef) -> Map<String, Json> {
        let mut properties = Map::new();
        for field in &schema.fields {
            properties.insert(field.name.to_string(), self.field(field));
        }
        let required: Vec<Json> =
            schema.fields.iter().filter(|f| !f.optional).map(|f| Json::String(f.name.to_string())).collect();
        let mut out = Map::new();
        out.insert("type".into(), Json::String("object".into()));
        out.insert("properties".into(), Json::Object(properties));
        if !required.is_empty() {
            out.insert("required".into(), Json::Array(required));
        }
        out.insert("additionalProperties".into(), Json::Bool(!self.strict));
        out
    }

    fn field(&mut self, field: &FieldDef) -> Json {
        let mut schema = self.value(&field.ty, field.unit);
        let docs = description(&field.docs);
        if let Json::Object(map) = &mut schema
            && !docs.is_empty()
        {
            let mut with_docs = Map::new();
            with_docs.insert("description".into(), Json::String(docs));
            with_docs.append(map);
            *map = with_docs;
        }
        schema
    }

    /// A value of type `ty` (`unit`: the unit of bare numbers in a duration), or `null`.
    fn value(&mut self, ty: &Ty, unit: Option<DurationUnit>) -> Json {
        nullable(self.non_null(ty, unit))
    }

    fn non_null(&mut self, ty: &Ty, unit: Option<DurationUnit>) -> Json {
        match ty {
            Ty::Bool => json!({ "type": "boolean" }),
            Ty::Int => json!({ "type": "integer", "minimum": i64::MIN, "maximum": i64::MAX }),
            Ty::Decimal => json!({ "type": "number" }),
            Ty::String => json!({ "type": "string" }),
            Ty::Date => self.form("date", || {
                json!({
                    "description": "A date: `2024-04-15`; when less is known, a month (`2024-04` or `04/2024`), a quarter (`2024-Q2`), a year (`2024`, also as a bare number), or a range of two of these joined by `/` (`2023-11/2024-02`).",
                    "anyOf": [
                        {
                            "type": "string",
                            "pattern": DATE_PATTERN,
                            "patternErrorMessage": "not a date Tenet reads: write 2024-04-15, a month (2024-04 or 04/2024), a quarter (2024-Q2), a year (2024), or a range such as 2023-11/2024-02",
                        },
                        { "type": "integer", "minimum": BARE_YEARS.start(), "maximum": BARE_YEARS.end() },
                    ],
                })
            }),
            Ty::Duration => {
                let text = self.form("duration", || {
                    json!({
                        "description": format!("A duration with a unit: `48h`, `30d` or `10bd` (business days); at most {MAX_DURATION_DAYS} days, however it is written."),
                        "type": "string",
                        "pattern": DURATION_PATTERN,
                        "patternErrorMessage": "not a duration Tenet reads: write a whole number with a unit, such as 48h, 30d or 10bd (business days)",
                    })
                });
                match unit {
                    None => text,
                    Some(unit) => {
                        let (max, what) = match unit {
                            DurationUnit::Hours => (MAX_DURATION_HOURS, "hours"),
                            DurationUnit::Days => (MAX_DURATION_DAYS, "days"),
                        };
                        json!({
                            "anyOf": [
                                text,
                                { "description": format!("A number of {what}."), "type": "integer", "minimum": 0, "maximum": max },
                            ],
                        })
                    }
                }
            }
            Ty::Percent => self.form("percent", || {
                json!({
                    "description": "A share: a fraction from 0 to 1 (`0.48`), or a percentage from \"0%\" to \"100%\" as text (\"48%\").",
                    "anyOf": [
                        { "type": "number", "minimum": 0, "maximum": 1 },
                        {
                            "type": "string",
                            "pattern": PERCENT_PATTERN,
                            "patternErrorMessage": "not a percentage Tenet reads: write text such as \"48%\", or a fraction such as 0.48",
                        },
                    ],
                })
            }),
            Ty::Enum(name) | Ty::Record(name) => {
                self.pending.push(name.clone());
                json!({ "$ref": reference(name) })
            }
            // Validation drops repeated elements of a set rather than refusing them, so a set
            // is a list here too (no `uniqueItems`).
            Ty::List(element) | Ty::Set(element) => json!({ "type": "array", "items": self.value(element, unit) }),
            Ty::Map(element) => json!({ "type": "object", "additionalProperties": self.value(element, unit) }),
            Ty::EmptyCollection | Ty::Error => json!({}),
        }
    }

    /// A reference to the definition of a value form, made on first use.
    fn form(&mut self, name: &str, make: impl FnOnce() -> Json) -> Json {
        if !self.defs.contains_key(name) {
            let def = make();
            self.defs.insert(name.to_string(), def);
        }
        json!({ "$ref": reference(name) })
    }
}

/// `schema`, or `null`: a `type` gains `"null"`, an `enum` gains `null`, anything else
/// becomes one of two.
fn nullable(schema: Json) -> Json {
    let Json::Object(mut map) = schema else { return schema };
    if map.is_empty() {
        return Json::Object(map);
    }
    if let Some(Json::String(ty)) = map.get("type") {
        let both = json!([ty, "null"]);
        map.insert("type".into(), both);
        return Json::Object(map);
    }
    if let Some(Json::Array(values)) = map.get_mut("enum") {
        values.push(Json::Null);
        return Json::Object(map);
    }
    if map.len() == 1
        && let Some(Json::Array(choices)) = map.get_mut("anyOf")
    {
        choices.push(json!({ "type": "null" }));
        return Json::Object(map);
    }
    json!({ "anyOf": [Json::Object(map), { "type": "null" }] })
}

fn reference(name: &str) -> String {
    // `~` and `/` are escaped in a JSON pointer; names have neither, but a pointer stays one.
    format!("#/$defs/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// A doc comment as a description: the lines of a paragraph joined, paragraphs kept apart.
fn description(docs: &str) -> String {
    docs.split("\n\n")
        .map(|paragraph| paragraph.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    //! The patterns against the parsers they describe, on the written forms and on every
    //! string one or two edits away from them: the schema must accept every value validation
    //! accepts, and refuse every other one except for the reasons the module names.

    use super::*;
    use crate::value::{DateSpan, parse_duration};

    fn pattern(p: &str) -> jsonschema::Validator {
        jsonschema::validator_for(&json!({ "type": "string", "pattern": p })).unwrap()
    }

    /// `seeds`, and every string one edit (delete, replace or insert a character of
    /// `alphabet`) from them, and `twice` of them one edit further.
    fn around(seeds: &[&str], alphabet: &str, twice: usize) -> Vec<String> {
        fn edits(s: &str, alphabet: &str, out: &mut Vec<String>) {
            let chars: Vec<char> = s.chars().collect();
            for i in 0..=chars.len() {
                if i < chars.len() {
                    out.push(chars.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, c)| c).collect());
                }
                for a in alphabet.chars() {
                    let mut inserted = chars.clone();
                    inserted.insert(i, a);
                    out.push(inserted.into_iter().collect());
                    if i < chars.len() {
                        let mut replaced = chars.clone();
                        replaced[i] = a;
                        out.push(replaced.into_iter().collect());
                    }
                }
            }
        }
        let mut out: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
        for seed in seeds {
            let mut once = Vec::new();
            edits(seed, alphabet, &mut once);
            for s in once.iter().step_by(once.len().div_ceil(twice.max(1)).max(1)) {
                edits(s, alphabet, &mut out);
            }
            out.extend(once);
        }
        out.sort();
        out.dedup();
        out
    }

    /// Checks `accepts` (validation) against `pattern` on `strings`: every accepted string
    /// matches, and a string that matches but is refused is one of `excused`.
    fn agree(
        name: &str,
        pattern_text: &str,
        strings: &[String],
        accepts: impl Fn(&str) -> bool,
        excused: impl Fn(&str) -> bool,
    ) {
        let p = pattern(pattern_text);
        let (mut accepted, mut refused) = (0, 0);
        for s in strings {
            let matches = p.is_valid(&json!(s));
            if accepts(s) {
                accepted += 1;
                assert!(matches, "validation reads {name} {s:?}, the pattern refuses it");
            } else {
                refused += 1;
                assert!(!matches || excused(s), "the pattern allows {name} {s:?}, validation refuses it");
            }
        }
        assert!(accepted > 50 && refused > 50, "{name}: {accepted} accepted, {refused} refused");
    }

    #[test]
    fn the_duration_pattern_is_what_validation_reads() {
        let seeds = ["48h", "30d", "10bd", " 7 d ", "+5h", "-0d", "24000000h", "1000000bd"];
        let strings = around(&seeds, "0159+-hdb x.", 60);
        // The pattern does not count: an amount over a million days is refused by validation.
        let too_long = |s: &str| {
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            let limit = if s.trim_end().ends_with('h') { MAX_DURATION_HOURS } else { MAX_DURATION_DAYS };
            digits.parse::<i64>().map_or(true, |n| n > limit)
        };
        agree("duration", DURATION_PATTERN, &strings, |s| parse_duration(s).is_some(), too_long);
    }

    #[test]
    fn the_date_pattern_is_what_validation_reads() {
        let seeds = [
            "2024-04-15",
            "2024-04",
            "04/2024",
            "2024-Q2",
            "2024",
            "2023-11/2024-02",
            "2024-01-15 / 03/2024",
            "2024-02-29",
            " 2024-Q1/2024 ",
        ];
        let strings = around(&seeds, "01239-/Q ", 40);
        // A pattern cannot know the length of a month or compare the two ends of a range.
        let excused = |s: &str| {
            let t = s.trim();
            let parts: Vec<&str> = match t.split_once('/') {
                Some((a, b)) if a.trim().len() != 2 => vec![a.trim(), b.trim()],
                _ => vec![t],
            };
            let no_such_day = parts.iter().any(|p| p.len() == 10 && tenet_syntax::parse_date(p).is_none());
            let reversed = match parts.as_slice() {
                [a, b] => {
                    matches!((DateSpan::parse(a), DateSpan::parse(b)), (Some(a), Some(b)) if b.last() < a.first())
                }
                _ => false,
            };
            no_such_day || reversed
        };
        agree("date", DATE_PATTERN, &strings, |s| DateSpan::parse(s).is_some(), excused);
    }

    #[test]
    fn the_percent_pattern_is_what_validation_reads() {
        let seeds = ["48%", "0%", "100%", " 4.5 % ", "0.25%", ".5%", "7.%", "+3%"];
        // `_`, exponents and `-0` are read by validation and left out of the pattern (see
        // `PERCENT_PATTERN`), so the edits do not write them.
        let strings = around(&seeds, "0159.% x+", 60);
        let in_range = |s: &str| {
            crate::validate::percent_text(s).is_some_and(|d| d >= rust_decimal::Decimal::ZERO && d <= 100.into())
        };
        let over_100 = |s: &str| crate::validate::percent_text(s).is_some_and(|d| d > 100.into());
        agree("percentage", PERCENT_PATTERN, &strings, in_range, over_100);
    }
}
