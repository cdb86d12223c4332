//! What other items may depend on: resolved types, schemas, enums, rule signatures and
//! the document kind of obligations. None of these read an expression's body, so editing a
//! body never invalidates them.

use crate::errors::ItemError;
use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace, file_outline, item_syntax};
use crate::ir::*;
use crate::scope::{Lookup, ambiguous, is_broken, lookup, missing_import, qualified, visible_names};
use std::collections::HashSet;
use std::sync::Arc;
use tenet_syntax::ast::ItemSpan;
use tenet_syntax::ast::*;
use tenet_syntax::codes;
use tenet_syntax::{Diagnostic, Unresolved};

pub(crate) const BUILTIN_TYPES: [&str; 7] = ["bool", "int", "decimal", "string", "date", "duration", "percent"];

/// The qualified name of an item.
pub(crate) fn item_name(db: &dyn Db, id: ItemId) -> QualName {
    crate::scope::qualify(file_outline(db, id.file(db)).package.as_deref(), &id.key(db).name)
}

/// A diagnostic for each name declared a second time, pointing back at the first.
pub(crate) fn duplicate_names<'a>(
    what: &'static str,
    names: impl Iterator<Item = &'a Ident>,
) -> Vec<Diagnostic<ItemSpan>> {
    let mut first: Vec<&Ident> = Vec::new();
    let mut out = Vec::new();
    for name in names {
        match first.iter().find(|f| f.name == name.name) {
            Some(earlier) => out.push(
                ItemError::DuplicateName { what, name: name.name.clone(), span: name.span, first: earlier.span }.into(),
            ),
            None => first.push(name),
        }
    }
    out
}

/// Resolves a written type.
pub(crate) fn resolve_type(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    ty: &TypeExpr,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
) -> Ty {
    match &ty.kind {
        TypeKind::List(t) => Ty::List(Box::new(resolve_type(db, workspace, file, t, diagnostics))),
        TypeKind::Set(t) => Ty::Set(Box::new(resolve_type(db, workspace, file, t, diagnostics))),
        TypeKind::Map(t) => Ty::Map(Box::new(resolve_type(db, workspace, file, t, diagnostics))),
        TypeKind::Duration(_) => Ty::Duration,
        TypeKind::Named(q) => {
            let name = q.text();
            match name.as_str() {
                "bool" => return Ty::Bool,
                "int" => return Ty::Int,
                "decimal" => return Ty::Decimal,
                "string" => return Ty::String,
                "date" => return Ty::Date,
                "duration" => return Ty::Duration,
                "percent" => return Ty::Percent,
                "" => return Ty::Error,
                _ => {}
            }
            match lookup(db, workspace, file, &name, &[ItemKind::Schema, ItemKind::Enum]) {
                Lookup::Found(entry) if entry.kind == ItemKind::Enum => Ty::Enum(qualified(db, &entry)),
                Lookup::Found(entry) => Ty::Record(qualified(db, &entry)),
                Lookup::Ambiguous(entries) => {
                    diagnostics.push(ambiguous(db, &name, q.span, &entries));
                    Ty::Error
                }
                Lookup::None if is_broken(db, workspace, file, &name) => Ty::Error,
                Lookup::None => {
                    let declared = visible_names(db, workspace, file, &[ItemKind::Schema, ItemKind::Enum]);
                    let d = Unresolved {
                        code: codes::UNKNOWN_TYPE,
                        message: format!("unknown type `{name}`"),
                        span: q.span,
                        label: "not a type",
                        name: &name,
                        candidates: BUILTIN_TYPES.iter().copied().chain(declared.iter().map(|d| &**d)).collect(),
                        otherwise: Some("built-in types are bool, int, decimal, string, date, duration, percent; or declare a `schema` or `enum`".into()),
                    }
                    .into();
                    diagnostics.push(
                        match missing_import(db, workspace, file, &name, &[ItemKind::Schema, ItemKind::Enum]) {
                            Some(import) => import.help(d),
                            None => d,
                        },
                    );
                    Ty::Error
                }
            }
        }
    }
}

/// A schema with the problems found while resolving it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SchemaLowered {
    pub def: SchemaDef,
    /// Unknown types, duplicate fields.
    pub diagnostics: Vec<Diagnostic<ItemSpan>>,
}

/// Resolves a schema's field types.
#[salsa::tracked(returns(ref))]
pub fn schema_def(db: &dyn Db, id: ItemId) -> SchemaLowered {
    let name = item_name(db, id);
    let mut out = SchemaLowered { def: SchemaDef { name, fields: Vec::new() }, diagnostics: Vec::new() };
    let Some(Item::Schema(schema)) = item_syntax(db, id) else { return out };
    out.diagnostics.extend(duplicate_names("field", schema.fields.iter().map(|f| &f.name)));
    let mut seen = HashSet::new();
    for field in &schema.fields {
        if !seen.insert(field.name.name.as_str()) {
            continue;
        }
        let ty = resolve_type(db, id.workspace(db), id.file(db), &field.ty, &mut out.diagnostics);
        let unit = match field.ty.kind {
            TypeKind::Duration(u) => Some(u),
            _ => None,
        };
        let sensitive = field_attributes(&field.attributes, &mut out.diagnostics);
        out.def.fields.push(FieldDef {
            name: Arc::from(field.name.name.as_str()),
            ty,
            optional: field.ty.optional,
            unit,
            docs: field.docs.clone(),
            sensitive,
            span: field.name.span,
        });
    }
    out
}

/// The attributes a field may carry.
pub const FIELD_ATTRIBUTES: &[&str] = &["sensitive"];

/// Whether a field's attributes mark it `@sensitive`; an unknown or repeated attribute is an
/// error (E0207).
fn field_attributes(attributes: &[Attribute], diagnostics: &mut Vec<Diagnostic<ItemSpan>>) -> bool {
    let mut sensitive = false;
    for (i, attribute) in attributes.iter().enumerate() {
        let name = attribute.name.name.as_str();
        if let Some(first) = attributes.iter().take(i).find(|a| a.name.name == name) {
            diagnostics.push(
                ItemError::RepeatedAttribute { name: name.to_string(), span: attribute.span, first: first.span }.into(),
            );
        } else if name == "sensitive" {
            sensitive = true;
        } else {
            diagnostics.push(
                Unresolved {
                    code: codes::UNKNOWN_ATTRIBUTE,
                    message: format!("unknown attribute `@{name}`"),
                    span: attribute.span,
                    label: "not an attribute",
                    name,
                    candidates: FIELD_ATTRIBUTES.to_vec(),
                    otherwise: Some("a field takes `@sensitive` (its values are masked in reports)".to_string()),
                }
                .into(),
            );
        }
    }
    sensitive
}

#[salsa::tracked(returns(ref))]
pub fn enum_def(db: &dyn Db, id: ItemId) -> EnumDef {
    let name = item_name(db, id);
    let variants = match item_syntax(db, id) {
        Some(Item::Enum(e)) => e.variants.iter().map(|(v, _)| Arc::from(v.name.as_str())).collect(),
        _ => Vec::new(),
    };
    EnumDef { name, variants }
}

/// What callers of a rule need: parameter types and the document kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleSig {
    /// Parameters in order.
    pub params: Vec<(Arc<str>, Ty)>,
    /// The document kind the rule reads, if any.
    pub on: Option<QualName>,
    /// Problems in the signature.
    pub diagnostics: Vec<Diagnostic<ItemSpan>>,
}

/// Resolves a rule's signature (not its body).
#[salsa::tracked(returns(ref))]
pub fn rule_signature(db: &dyn Db, id: ItemId) -> RuleSig {
    let mut sig = RuleSig { params: Vec::new(), on: None, diagnostics: Vec::new() };
    let Some(Item::Rule(rule)) = item_syntax(db, id) else { return sig };
    let (workspace, file) = (id.workspace(db), id.file(db));
    sig.diagnostics.extend(duplicate_names("parameter", rule.params.iter().map(|p| &p.name)));
    for p in &rule.params {
        let ty = resolve_type(db, workspace, file, &p.ty, &mut sig.diagnostics);
        sig.params.push((Arc::from(p.name.name.as_str()), ty));
    }
    if let Some(on) = &rule.on {
        sig.on = resolve_kind(db, workspace, file, on, &mut sig.diagnostics);
    }
    sig
}

/// Resolves `on KIND` to a schema.
pub(crate) fn resolve_kind(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    on: &QName,
    diagnostics: &mut Vec<Diagnostic<ItemSpan>>,
) -> Option<QualName> {
    let name = on.text();
    match lookup(db, workspace, file, &name, &[ItemKind::Schema]) {
        Lookup::Found(entry) => Some(qualified(db, &entry)),
        Lookup::Ambiguous(entries) => {
            diagnostics.push(ambiguous(db, &name, on.span, &entries));
            None
        }
        Lookup::None if is_broken(db, workspace, file, &name) => None,
        Lookup::None => {
            let schemas = visible_names(db, workspace, file, &[ItemKind::Schema]);
            let d = Unresolved {
                code: codes::UNKNOWN_KIND,
                message: format!("no schema named `{name}` for the document kind"),
                span: on.span,
                label: "unknown document kind",
                name: &name,
                candidates: schemas.iter().map(|s| &**s).collect(),
                otherwise: Some("declare it with `schema NAME { … }` or import the package that does".into()),
            }
            .into();
            diagnostics.push(match missing_import(db, workspace, file, &name, &[ItemKind::Schema]) {
                Some(import) => import.help(d),
                None => d,
            });
            None
        }
    }
}

/// The document kind an obligation applies to (for waivers).
#[salsa::tracked]
pub fn deontic_kind(db: &dyn Db, id: ItemId) -> Option<QualName> {
    let Some(Item::Deontic(d)) = item_syntax(db, id) else { return None };
    resolve_kind(db, id.workspace(db), id.file(db), &d.on, &mut Vec::new())
}

/// The qualified name of an item, for other modules.
pub(crate) fn qualified_item_name(db: &dyn Db, id: ItemId) -> QualName {
    item_name(db, id)
}

/// The rules a rule's body names, found syntactically (used when the body has errors, so
/// cycles are still reported).
pub(crate) fn rule_calls(db: &dyn Db, id: ItemId) -> Vec<QualName> {
    let Some(Item::Rule(rule)) = item_syntax(db, id) else { return Vec::new() };
    let mut names = Vec::new();
    collect_names(&rule.body, &mut names);
    names
        .into_iter()
        .filter_map(|n| lookup(db, id.workspace(db), id.file(db), &n, &[ItemKind::Rule]).first())
        .map(|e| qualified(db, &e))
        .collect()
}

fn collect_names(expr: &Expr, out: &mut Vec<String>) {
    match &expr.kind {
        ExprKind::Name(id) => out.push(id.name.clone()),
        ExprKind::Call(id, args) => {
            out.push(id.name.clone());
            args.iter().for_each(|a| collect_names(a, out));
        }
        ExprKind::Field(base, _)
        | ExprKind::Not(base)
        | ExprKind::Neg(base)
        | ExprKind::Is(_, base)
        | ExprKind::Paren(base) => collect_names(base, out),
        ExprKind::List(items) | ExprKind::Set(items) => items.iter().for_each(|a| collect_names(a, out)),
        ExprKind::Binary(_, a, b) => {
            collect_names(a, out);
            collect_names(b, out);
        }
        ExprKind::Within { subject, window, anchor } => {
            [subject, window, anchor].into_iter().for_each(|a| collect_names(a, out))
        }
        ExprKind::Quantified(_, binding, body) => {
            collect_names(&binding.collection, out);
            binding.filter.iter().for_each(|f| collect_names(f, out));
            collect_names(body, out);
        }
        ExprKind::Aggregate { binding, value, .. } => {
            if let Some(b) = binding {
                collect_names(&b.collection, out);
                b.filter.iter().for_each(|f| collect_names(f, out));
            }
            value.iter().for_each(|v| collect_names(v, out));
        }
        ExprKind::Literal(_) | ExprKind::Today | ExprKind::Error => {}
    }
}
