//! cedar-policy running `benches/cedar/std.cedar`, the Cedar encoding of the standard library's
//! obligations, with its schema `benches/cedar/std.cedarschema`, loaded and validated once.
//! Shared by the benchmark and the agreement test.
//!
//! Cedar answers *allow or deny?*, so the encoding asks one question per obligation: is the
//! document in violation? A request for the obligation's action on the document is denied
//! exactly when Tenet reports the obligation `violated`. Cedar has no quantifiers; 37 of the 41
//! obligations are encoded, the others compare record fields with what cannot be listed
//! (numbers, country codes); `benches/cedar/README.md` says which and why.
//!
//! A document becomes one `Contract` or `AiSystem` entity holding the fields the policies read.
//! The conversion normalises representations and computes nothing: dates become `datetime`s,
//! durations `duration`s, percentages `decimal` fractions, lists sets, a list of records a set
//! of strings (`"modality:text marking:c2pa"`: the fields the policies read); a missing or
//! `null` field is a missing attribute. A few documents cannot be expressed (see
//! [`Document::NotRepresentable`]).

#![allow(dead_code, reason = "shared by several test and benchmark binaries, each using part of it")]

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityId, EntityTypeName, EntityUid, PolicySet, Request, Schema,
    ValidationMode, Validator,
};
use serde_json::{Map, Value, json};
use std::str::FromStr;

/// The schema file, relative to this crate.
pub const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/cedar/std.cedarschema");

/// The policy file, relative to this crate.
pub const POLICIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/cedar/std.cedar");

type Error = Box<dyn std::error::Error>;

/// The kinds of document the encoding knows; each is an entity type of the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Contract,
    AiSystem,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 2] = [Kind::Contract, Kind::AiSystem];

    /// The entity type's name in the schema.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Contract => "Contract",
            Kind::AiSystem => "AiSystem",
        }
    }

    /// The kind a document declares in its `kind` field (`Contract` or `std.Contract`).
    pub fn of(document: &Value) -> Option<Kind> {
        let kind = document.get("kind")?.as_str()?;
        Kind::ALL.into_iter().find(|k| kind.rsplit('.').next() == Some(k.type_name()))
    }

    /// The fields the policies read, as paths into the document, and how each becomes an attribute.
    fn fields(self) -> &'static [(&'static str, Ty)] {
        match self {
            Kind::Contract => CONTRACT,
            Kind::AiSystem => AI_SYSTEM,
        }
    }
}

/// How a document field becomes a Cedar attribute (the attribute's type in the schema).
#[derive(Clone, Copy, Debug)]
enum Ty {
    /// A string or an enum variant: `String`.
    Str,
    Bool,
    /// A whole number: `Long`.
    Long,
    /// A list of strings (enum variants): `Set<String>`.
    Set,
    /// A duration whose bare numbers are hours: `duration`. Business days are left out: the
    /// policies only compare the field, and Tenet compares business days with nothing.
    Hours,
    /// A duration whose bare numbers are days: `duration`, business days left out.
    Days,
    /// As `Hours`, for a field whose presence the policies also test: business days, present
    /// but comparable with nothing, cannot be represented (a missing attribute reads as absent).
    HoursTested,
    /// As `Days`, for a field whose presence the policies also test.
    DaysTested,
    /// `datetime`.
    Date,
    /// A percentage (`"79.5%"`) or a bare fraction (`0.795`): `decimal`, as a fraction.
    Percent,
    /// A list of records: a `Set<String>`, one string per record holding these fields (the ones
    /// the policies read; strings and bools) as `field:value`, in this order, separated by a
    /// space, missing ones left out (`"modality:text marking:c2pa"`, or `""`).
    Records(&'static [&'static str]),
}

const CONTRACT: &[(&str, Ty)] = &[
    ("vendor.name", Ty::Str),
    ("vendor.country", Ty::Str),
    ("vendor.role", Ty::Str),
    ("vendor.roles", Ty::Records(&["role"])),
    ("data.categories", Ty::Set),
    ("data.retention_days", Ty::Long),
    ("data.storage_required_by_law", Ty::Bool),
    ("data.storage_law", Ty::Str),
    ("data.categories_determined_by_customer", Ty::Bool),
    ("data.special_categories", Ty::Str),
    ("dpa.documented_instructions", Ty::Bool),
    ("dpa.staff_confidentiality", Ty::Bool),
    ("dpa.security_measures", Ty::Set),
    ("dpa.measure_scopes", Ty::Records(&["measure", "scope"])),
    ("dpa.subprocessors", Ty::Records(&["authorised", "flowdown"])),
    ("dpa.subprocessor_changes.advance_notice", Ty::Bool),
    ("dpa.subprocessor_changes.objection_right", Ty::Bool),
    ("dpa.breach_notice_hours", Ty::HoursTested),
    ("dpa.breach_notice_term", Ty::Str),
    ("dpa.audit_rights", Ty::Bool),
    ("dpa.audit_forms", Ty::Set),
    ("dpa.exit.return_or_delete", Ty::Bool),
    ("dpa.exit.deadline_days", Ty::DaysTested),
    ("dpa.exit.deadline_term", Ty::Str),
    ("dpa.exit.retention_exceptions", Ty::Set),
    ("marketing.direct_marketing", Ty::Bool),
    ("marketing.objection_honoured", Ty::Bool),
    ("marketing.suppression_sync_hours", Ty::Hours),
    ("ai.incident_report_days", Ty::Days),
    ("involves_ai", Ty::Bool),
    ("workforce.roles_affected", Ty::Long),
    ("workforce.retraining_offered", Ty::Bool),
    ("audit.last_security_test", Ty::Date),
    ("audit.test_interval", Ty::Days),
];

const AI_SYSTEM: &[(&str, Ty)] = &[
    ("purposes", Ty::Set),
    ("risk_class", Ty::Str),
    ("not_high_risk_assessment", Ty::Str),
    ("workplace", Ty::Bool),
    ("go_live", Ty::Date),
    ("features", Ty::Set),
    ("documentation.instructions_for_use", Ty::Bool),
    ("disclosure.chatbot_notice", Ty::Bool),
    ("disclosure.output_marking", Ty::Str),
    ("disclosure.output_markings", Ty::Records(&["modality", "marking"])),
    ("disclosure.deepfake_label", Ty::Bool),
    ("decisions.significant_effects", Ty::Bool),
    ("decisions.human_review", Ty::Bool),
    ("decisions.explanation", Ty::Bool),
    ("decisions.termination_by_human", Ty::Bool),
    ("bias_audit.date", Ty::Date),
    ("bias_audit.independent_auditor", Ty::Bool),
    ("bias_audit.categories", Ty::Records(&["dimension"])),
    ("bias_audit.data_source", Ty::Str),
    ("bias_audit.test_data_explanation", Ty::Str),
    ("training_data.bias_examined", Ty::Bool),
    ("training_data.mitigations", Ty::Set),
    ("dpia_done", Ty::Bool),
    ("logging.enabled", Ty::Bool),
    ("logging.retention_days", Ty::Long),
    ("oversight.assignees", Ty::Records(&["trained"])),
    ("monitoring.enabled", Ty::Bool),
    ("monitoring.suspend_procedure", Ty::Bool),
    ("workers.informed_on", Ty::Date),
    ("workers.ai_literacy_trained_pct", Ty::Percent),
    ("generation.assistive_editing_only", Ty::Bool),
    ("generation.assessment", Ty::Str),
    ("emotion_recognition_purpose", Ty::Str),
];

/// One encoded obligation: its request, less the resource.
struct Obligation {
    /// The qualified Tenet name, which is also the action's id (`std.privacy.audit_rights`).
    name: String,
    action: EntityUid,
    /// `{ today }`, checked against the action's context type.
    context: Context,
}

/// A document converted for Cedar.
pub enum Document {
    /// The document as an entity, ready for requests.
    Entity(Entity),
    /// The document says something the encoding cannot express, and why: a list with a `null`
    /// element (Tenet's `contains` on it can be unknown, a Cedar set cannot hold "unknown"), a
    /// percentage needing more than Cedar's four decimal places as a fraction, a partial date
    /// (a month, quarter, year or range, which Tenet compares by its possible days), business
    /// days in a duration whose presence the policies test, or a value of another type than
    /// the field's (the conversion does not coerce).
    NotRepresentable(String),
}

impl Document {
    /// The entity, if the document could be converted.
    pub fn entity(self) -> Option<Entity> {
        match self {
            Document::Entity(entity) => Some(entity),
            Document::NotRepresentable(_) => None,
        }
    }
}

/// A document as a Cedar entity, with the uid requests name it by.
pub struct Entity {
    kind: Kind,
    resource: EntityUid,
    entities: Entities,
}

impl Entity {
    pub fn kind(&self) -> Kind {
        self.kind
    }
}

/// What Cedar says of one document.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The obligations whose requests were denied, in the order of [`Cedar::obligations`]: those
    /// Tenet must report `violated`.
    Violated(Vec<&'a str>),
    /// See [`Document::NotRepresentable`].
    NotRepresentable(String),
}

/// cedar-policy with the schema and policies loaded and validated, and the requests of every
/// encoded obligation prepared but for the document.
pub struct Cedar {
    schema: Schema,
    policies: PolicySet,
    authorizer: Authorizer,
    /// `Checker::"tenet"`, the principal of every request.
    principal: EntityUid,
    contract: Vec<Obligation>,
    ai_system: Vec<Obligation>,
}

impl Cedar {
    /// Loads the schema and the policies, validates the policies against the schema in strict
    /// mode (an error if they do not pass), and prepares one request per obligation with
    /// `today` (`YYYY-MM-DD`) as the evaluation date.
    pub fn new(today: &str) -> Result<Cedar, Error> {
        let (schema, mut warnings) = Schema::from_cedarschema_str(&std::fs::read_to_string(SCHEMA)?)?;
        if let Some(warning) = warnings.next() {
            return Err(format!("the Cedar schema has warnings: {warning}").into());
        }
        let policies = PolicySet::from_str(&std::fs::read_to_string(POLICIES)?)?;
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if !validation.validation_passed() {
            let errors: Vec<String> = validation.validation_errors().map(ToString::to_string).collect();
            return Err(format!("the Cedar policies do not validate against the schema:\n{}", errors.join("\n")).into());
        }

        let (mut contract, mut ai_system) = (Vec::new(), Vec::new());
        for action in schema.actions() {
            let context = Context::from_json_value(json!({ "today": today }), Some((&schema, action)))?;
            for resource in schema.resources_for_action(action).into_iter().flatten() {
                let obligation = Obligation {
                    name: action.id().unescaped().to_owned(),
                    action: action.clone(),
                    context: context.clone(),
                };
                match resource.to_string().as_str() {
                    "Contract" => contract.push(obligation),
                    "AiSystem" => ai_system.push(obligation),
                    other => return Err(format!("{action} applies to an unknown entity type {other}").into()),
                }
            }
        }
        let principal = EntityUid::from_type_name_and_id(EntityTypeName::from_str("Checker")?, EntityId::new("tenet"));
        Ok(Cedar { schema, policies, authorizer: Authorizer::new(), principal, contract, ai_system })
    }

    fn obligations_of(&self, kind: Kind) -> &[Obligation] {
        match kind {
            Kind::Contract => &self.contract,
            Kind::AiSystem => &self.ai_system,
        }
    }

    /// The obligations encoded for a kind of document, by qualified name.
    pub fn obligations(&self, kind: Kind) -> impl Iterator<Item = &str> {
        self.obligations_of(kind).iter().map(|o| o.name.as_str())
    }

    /// Converts a document to its entity, checked against the schema. An error if the document
    /// has no known kind or Cedar rejects the entity.
    pub fn document(&self, document: &Value) -> Result<Document, Error> {
        let kind = Kind::of(document).ok_or("the document has no kind the Cedar encoding knows")?;
        let mut attrs = Map::new();
        for (path, ty) in kind.fields() {
            let Some(value) = lookup(document, path) else { continue };
            match attribute(value, *ty) {
                Ok(Some(attr)) => insert(&mut attrs, path, attr),
                Ok(None) => {}
                Err(why) => return Ok(Document::NotRepresentable(format!("{path}: {why}: {value}"))),
            }
        }
        let id = document.get("id").and_then(Value::as_str).unwrap_or("document");
        let resource = EntityUid::from_type_name_and_id(EntityTypeName::from_str(kind.type_name())?, EntityId::new(id));
        let entity = json!([{ "uid": { "type": kind.type_name(), "id": id }, "attrs": attrs, "parents": [] }]);
        let entities = Entities::from_json_value(entity, Some(&self.schema))?;
        Ok(Document::Entity(Entity { kind, resource, entities }))
    }

    /// Decides every obligation encoded for the entity's kind, one request each: the obligations
    /// denied. An error if Cedar could not evaluate a policy.
    pub fn violated(&self, entity: &Entity) -> Result<Vec<&str>, Error> {
        let mut denied = Vec::new();
        for obligation in self.obligations_of(entity.kind) {
            // The action applies to the entity's type and the context was checked against the
            // schema, so the request is valid by construction; not validated again per document.
            let request = Request::new(
                self.principal.clone(),
                obligation.action.clone(),
                entity.resource.clone(),
                obligation.context.clone(),
                None,
            )?;
            let response = self.authorizer.is_authorized(&request, &self.policies, &entity.entities);
            if let Some(error) = response.diagnostics().errors().next() {
                return Err(format!("Cedar could not decide {}: {error}", obligation.name).into());
            }
            if response.decision() == Decision::Deny {
                denied.push(obligation.name.as_str());
            }
        }
        Ok(denied)
    }

    /// Converts a document and decides it.
    pub fn evaluate(&self, document: &Value) -> Result<Outcome<'_>, Error> {
        Ok(match self.document(document)? {
            Document::Entity(entity) => Outcome::Violated(self.violated(&entity)?),
            Document::NotRepresentable(why) => Outcome::NotRepresentable(why),
        })
    }

    /// Parses one JSON document, converts it and decides it.
    pub fn evaluate_text(&self, document: &str) -> Result<Outcome<'_>, Error> {
        self.evaluate(&serde_json::from_str(document)?)
    }
}

/// The value at a dotted path of the document; `None` if it, or a record on the way, is missing
/// or `null`.
fn lookup<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(document, |value, key| value.get(key)).filter(|value| !value.is_null())
}

/// Puts an attribute at a dotted path, making the records on the way.
fn insert(attrs: &mut Map<String, Value>, path: &str, attr: Value) {
    match path.split_once('.') {
        None => {
            attrs.insert(path.to_owned(), attr);
        }
        Some((record, rest)) => {
            if let Value::Object(inner) = attrs.entry(record).or_insert_with(|| Value::Object(Map::new())) {
                insert(inner, rest, attr);
            }
        }
    }
}

/// A field's value as an attribute in Cedar's entity JSON (an extension value as its
/// constructor's argument, which parsing against the schema accepts). `Ok(None)` leaves the
/// attribute out; `Err` says why the value cannot be expressed.
fn attribute(value: &Value, ty: Ty) -> Result<Option<Value>, &'static str> {
    let attr = match (ty, value) {
        (Ty::Str, Value::String(_)) | (Ty::Bool, Value::Bool(_)) => value.clone(),
        (Ty::Long, Value::Number(n)) => json!(n.as_i64().ok_or("not a whole number")?),
        (Ty::Set, Value::Array(items)) => {
            if items.iter().any(Value::is_null) {
                return Err("a list with an absent element (membership can be unknown)");
            }
            if !items.iter().all(Value::is_string) {
                return Err("not a list of strings");
            }
            value.clone()
        }
        (Ty::Hours | Ty::Days | Ty::HoursTested | Ty::DaysTested, Value::Number(n)) => {
            let unit = if matches!(ty, Ty::Hours | Ty::HoursTested) { "h" } else { "d" };
            json!(format!("{}{unit}", n.as_u64().ok_or("not a whole number")?))
        }
        (Ty::Hours | Ty::Days, Value::String(text)) => match duration(text)? {
            Some(duration) => json!(duration),
            None => return Ok(None),
        },
        (Ty::HoursTested | Ty::DaysTested, Value::String(text)) => {
            json!(duration(text)?.ok_or("business days in a field whose presence is tested")?)
        }
        (Ty::Records(fields), Value::Array(items)) => {
            let mut records = Vec::with_capacity(items.len());
            for item in items {
                if item.is_null() {
                    return Err("a list with an absent element (its fields are unknown)");
                }
                if !item.is_object() {
                    return Err("not a list of records");
                }
                let mut record = Vec::new();
                for name in fields.iter() {
                    match item.get(*name) {
                        None | Some(Value::Null) => {}
                        Some(Value::String(text)) => record.push(format!("{name}:{text}")),
                        Some(Value::Bool(b)) => record.push(format!("{name}:{b}")),
                        Some(_) => return Err("not of the field's type"),
                    }
                }
                records.push(Value::String(record.join(" ")));
            }
            Value::Array(records)
        }
        (Ty::Date, Value::String(text)) => json!(date(text).ok_or("not a date")?),
        (Ty::Percent, Value::Number(n)) => json!(decimal(&n.to_string(), 0).ok_or("not a fraction Cedar can hold")?),
        (Ty::Percent, Value::String(text)) => {
            let percent = text.trim().strip_suffix('%').ok_or("not a percentage")?;
            json!(decimal(percent.trim(), 2).ok_or("more than four decimal places as a fraction")?)
        }
        _ => return Err("not of the field's type"),
    };
    Ok(Some(attr))
}

/// A duration in hours or days (`"48h"`, `"30d"`) as Cedar writes it. Business days (`"10bd"`)
/// give `Ok(None)`: Tenet compares them with neither hours nor days, so every comparison the
/// policies make on them is unknown, as it is on a missing attribute.
pub fn duration(text: &str) -> Result<Option<String>, &'static str> {
    let text = text.trim();
    if text.ends_with("bd") {
        return Ok(None);
    }
    let (amount, unit) = match text.strip_suffix('h') {
        Some(amount) => (amount, 'h'),
        None => (text.strip_suffix('d').ok_or("not a duration")?, 'd'),
    };
    let amount: u64 = amount.trim().parse().map_err(|_| "not a duration")?;
    Ok(Some(format!("{amount}{unit}")))
}

/// A date (`"2026-1-5"`) zero-padded as Cedar's `datetime` wants it (`"2026-01-05"`).
pub fn date(text: &str) -> Option<String> {
    let mut parts = text.split('-').map(|part| part.parse::<u32>().ok());
    let (Some(Some(year)), Some(Some(month)), Some(Some(day)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    (year <= 9999 && (1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// `text` (digits, with an optional fraction) divided by 10^`shift`, as a Cedar decimal
/// (`"0.795"`); `None` if it is not such a number or Cedar's decimals (four places) cannot hold it.
pub fn decimal(text: &str, shift: usize) -> Option<String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // All the digits, with at least one before the point once it moves `shift` places left.
    let places = fraction.len() + shift;
    let digits = format!("{whole}{fraction}");
    let digits = format!("{}{digits}", "0".repeat((places + 1).saturating_sub(digits.len())));
    let (whole, fraction) = digits.split_at(digits.len() - places);
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    (fraction.len() <= 4 && whole.len() <= 14).then(|| {
        let whole = if whole.is_empty() { "0" } else { whole };
        let fraction = if fraction.is_empty() { "0" } else { fraction };
        format!("{whole}.{fraction}")
    })
}
