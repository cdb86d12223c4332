//! Hover: what the name under the cursor is, its type, doc comment, citations and value.

use crate::semantics::{Def, Occurrence, occurrence_at};
use std::fmt::Write as _;
use tenet_db::ide_support::{item_node, qualified_name, schema_of};
use tenet_db::ir::Ty;
use tenet_db::{Db, ItemEntry, ItemId, SourceFile, Workspace};
use tenet_syntax::ast::{Clause, FileSpan, Item, ItemSpan};

/// What to show for the name under the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// The name hovered.
    pub span: FileSpan,
    /// A `tenet` code block of the declaration, then prose and its doc comment.
    pub markdown: String,
}

/// The hover for the name at `offset` in `file`.
pub fn hover(db: &dyn Db, workspace: Workspace, file: SourceFile, offset: u32) -> Option<HoverResult> {
    let (_, occ) = occurrence_at(db, workspace, file, offset)?;
    let markdown = describe(db, workspace, &occ)?;
    Some(HoverResult { span: occ.span, markdown })
}

/// The text of `span` (relative to the item) in the item's file.
pub(crate) fn item_text(db: &dyn Db, id: ItemId, span: ItemSpan) -> String {
    let Some(node) = item_node(db, id) else { return String::new() };
    let text = id.file(db).text(db);
    text.get(span.in_file(node.offset).range()).unwrap_or("").trim().to_string()
}

/// The qualified name of an item.
pub(crate) fn qualified(db: &dyn Db, id: ItemId) -> String {
    let key = id.key(db);
    let entry = ItemEntry { id, kind: key.kind, name: key.name.clone() };
    qualified_name(db, &entry).to_string()
}

fn fence(code: &str) -> String {
    format!("```tenet\n{code}\n```")
}

fn with_docs(mut out: String, docs: &str) -> String {
    if !docs.trim().is_empty() {
        out.push_str("\n\n");
        out.push_str(docs.trim());
    }
    out
}

fn describe(db: &dyn Db, workspace: Workspace, occ: &Occurrence<FileSpan>) -> Option<String> {
    Some(match &occ.def {
        Def::Item(id) => describe_item(db, workspace, *id)?,
        Def::Field { schema, name } => {
            let def = schema_of(db, *schema);
            let (_, field) = def.field(name)?;
            let written = match item_node(db, *schema).map(|n| &n.item) {
                Some(Item::Schema(s)) => s
                    .fields
                    .iter()
                    .find(|f| f.name.name == **name)
                    .map(|f| item_text(db, *schema, f.ty.span))
                    .unwrap_or_else(|| field.ty.to_string()),
                _ => field.ty.to_string(),
            };
            let head = fence(&format!("{name}: {written}"));
            let absent =
                if field.optional { "\n\nOptional: an absent value makes conditions on it unknown." } else { "" };
            with_docs(format!("{head}\nfield of `{}`{absent}", def.name), &field.docs)
        }
        Def::Variant { enumeration, name } => {
            let enum_name = qualified(db, *enumeration);
            let short = enum_name.rsplit('.').next().unwrap_or(&enum_name).to_string();
            let docs = match item_node(db, *enumeration).map(|n| &n.item) {
                Some(Item::Enum(e)) => {
                    e.variants.iter().find(|(v, _)| v.name == **name).map(|(_, d)| d.clone()).unwrap_or_default()
                }
                _ => String::new(),
            };
            with_docs(format!("{}\nvariant of enum `{enum_name}`", fence(&format!("{short}.{name}"))), &docs)
        }
        Def::Local { item, name, .. } => {
            let ty = occ.ty.as_ref().map_or_else(|| "unknown type".to_string(), Ty::to_string);
            let what = match item_node(db, *item).map(|n| &n.item) {
                Some(Item::Rule(r)) if r.params.iter().any(|p| p.name.name == **name) => {
                    format!("parameter of rule `{}`", r.name.name)
                }
                _ => "element variable of a quantifier or aggregate".to_string(),
            };
            format!("{}\n{what}", fence(&format!("{name}: {ty}")))
        }
        Def::Package(package) => {
            let files = workspace
                .files(db)
                .iter()
                .filter(|f| tenet_db::file_outline(db, **f).package.as_deref() == Some(&**package))
                .count();
            let plural = if files == 1 { "" } else { "s" };
            format!("{}\n{files} file{plural} in this workspace", fence(&format!("package {package}")))
        }
        Def::Area(area) => format!("{}\n{}", fence(&format!("area: {area}")), area_meaning(area)?),
        Def::Severity(severity) => {
            let scale: Vec<String> = ["info", "low", "medium", "high", "critical"]
                .iter()
                .map(|s| if *s == &**severity { format!("**{s}**") } else { (*s).to_string() })
                .collect();
            if !scale.iter().any(|s| s.starts_with("**")) {
                return None;
            }
            format!("{}\nseverity scale: {}", fence(&format!("severity: {severity}")), scale.join(" < "))
        }
        Def::Outcome(outcome) => format!("{}\n{}", fence(&format!("outcome {outcome}")), outcome_meaning(outcome)?),
    })
}

fn describe_item(db: &dyn Db, workspace: Workspace, id: ItemId) -> Option<String> {
    let node = item_node(db, id)?;
    let qualified = qualified(db, id);
    let text = |span: ItemSpan| item_text(db, id, span);
    Some(match &node.item {
        Item::Schema(s) => {
            let mut code = format!("schema {} {{\n", s.name.name);
            for field in &s.fields {
                let _ = writeln!(code, "  {}: {}", field.name.name, text(field.ty.span));
            }
            code.push('}');
            with_docs(format!("{}\n`{qualified}`", fence(&code)), &s.docs)
        }
        Item::Enum(e) => {
            let variants: Vec<&str> = e.variants.iter().map(|(v, _)| v.name.as_str()).collect();
            let code = format!("enum {} {{ {} }}", e.name.name, variants.join(", "));
            with_docs(format!("{}\n`{qualified}`", fence(&code)), &e.docs)
        }
        Item::Const(c) => {
            let code = format!("const {}: {} = {}", c.name.name, text(c.ty.span), text(c.value.span));
            with_docs(format!("{}\n`{qualified}`", fence(&code)), &c.docs)
        }
        Item::Param(p) => {
            let code = format!("param {}: {} = {}", p.name.name, text(p.ty.span), text(p.value.span));
            let mut out = format!("{}\n`{qualified}` (library parameter; a package may override it)", fence(&code));
            for (package, value) in overrides_of(db, workspace, id, &qualified) {
                let _ = write!(out, "\n\noverridden to `{value}` in package `{package}`");
            }
            for o in tenet_db::manifest_overrides(db, workspace).overrides.iter() {
                if *o.compiled.param == *qualified {
                    let _ = write!(out, "\n\noverridden to `{}` by `[params]` in `tenet.toml`", o.entry.literal);
                }
            }
            with_docs(out, &p.docs)
        }
        Item::Rule(r) => {
            let params: Vec<String> =
                r.params.iter().map(|p| format!("{}: {}", p.name.name, text(p.ty.span))).collect();
            let mut code = format!("rule {}", r.name.name);
            if !params.is_empty() {
                let _ = write!(code, "({})", params.join(", "));
            }
            if let Some(on) = &r.on {
                let _ = write!(code, " on {}", on.text());
            }
            with_docs(format!("{}\n`{qualified}`", fence(&code)), &r.docs)
        }
        Item::Deontic(d) => {
            let code = format!("{} {} on {}", d.modality.keyword(), d.name.name, d.on.text());
            let mut out = format!("{}\n`{qualified}`", fence(&code));
            let mut facts = Vec::new();
            let mut cites = Vec::new();
            let mut severity = "medium (default)".to_string();
            for clause in &d.clauses {
                match clause {
                    Clause::Area(a) => facts.push(format!("area `{}`", a.name)),
                    Clause::Severity(s) => severity = s.name.clone(),
                    Clause::Cite(list) => cites.extend(list.iter().map(|c| c.value.clone())),
                    Clause::Exception(q) => facts.push(format!("exception to `{}`", q.text())),
                    _ => {}
                }
            }
            facts.insert(facts.len().min(1), format!("severity `{severity}`"));
            let _ = write!(out, "\n\n{}", facts.join(" · "));
            if !cites.is_empty() {
                let quoted: Vec<String> = cites.iter().map(|c| format!("“{c}”")).collect();
                let _ = write!(out, "\n\ncites {}", quoted.join(", "));
            }
            with_docs(out, &d.docs)
        }
        _ => return None,
    })
}

/// `override` items in the workspace that target the parameter `id`: (package, value).
fn overrides_of(db: &dyn Db, workspace: Workspace, id: ItemId, qualified: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for &file in workspace.files(db) {
        let parsed = tenet_db::parse(db, file);
        for node in &parsed.items {
            let Item::Override(o) = &node.item else { continue };
            let target = o.target.text();
            let short = qualified.rsplit('.').next().unwrap_or(qualified);
            if target != qualified && target != short {
                continue;
            }
            let resolved =
                tenet_db::ide_support::lookup_item(db, workspace, file, &target, &[tenet_db::ItemKind::Param]);
            if resolved.is_some_and(|e| e.id != id) {
                continue;
            }
            let value = file.text(db).get(o.value.span.in_file(node.offset).range()).unwrap_or("").to_string();
            let package = tenet_db::file_outline(db, file)
                .package
                .as_deref()
                .map_or_else(|| file.path(db).clone(), str::to_string);
            out.push((package, value));
        }
    }
    out
}

/// What each area covers.
pub(crate) fn area_meaning(area: &str) -> Option<&'static str> {
    Some(match area {
        "privacy" => "protecting personal data: encryption, processor terms, sub-processors, transfers, breach notice",
        "bias" => "bias audits, disparate impact (four-fifths rule), training-data examination",
        "transparency" => "telling people they face an AI, marking synthetic content, explaining automated decisions",
        "workers" => "informing and retraining people affected by automation, banned workplace uses",
        "accountability" => "logging, human oversight, monitoring, incident reporting, regular audits",
        _ => return None,
    })
}

/// What each field attribute does.
pub(crate) fn attribute_meaning(attribute: &str) -> Option<&'static str> {
    Some(match attribute {
        "sensitive" => {
            "the field's values are masked (`‹sensitive›`) in every report format, explanation and decision log"
        }
        _ => return None,
    })
}

/// What each outcome means.
pub(crate) fn outcome_meaning(outcome: &str) -> Option<&'static str> {
    Some(match outcome {
        "satisfied" => "the requirement holds",
        "violated" => "the requirement does not hold",
        "not_applicable" => "the `when` condition is false",
        "undetermined" => "the document lacks data needed to decide",
        "waived" => "violated or undetermined, but covered by an active waiver",
        _ => return None,
    })
}
