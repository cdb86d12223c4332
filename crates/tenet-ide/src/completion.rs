//! Completion: keywords, names in scope, field paths from the schema after `.`, enum
//! variants where an enum is expected, areas, severities and outcomes.
//!
//! The context is read from the text (see [`crate::context`]), so completion works in the
//! half-typed items an editor sends, which rarely parse.

use crate::context::CursorContext;
use crate::hover::{area_meaning, attribute_meaning, outcome_meaning};
use tenet_db::ide_support::{enum_of, lookup_item, qualified_name, schema_of, visible_items};
use tenet_db::ir::{Area, Outcome, Ty};
use tenet_db::{Db, ItemId, ItemKind, SourceFile, Workspace, package_index};
use tenet_syntax::ast::FileSpan;
use tenet_syntax::split::ITEM_KEYWORDS;

/// What a completion inserts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Keyword,
    Field,
    Variant,
    Rule,
    /// A constant or parameter.
    Constant,
    Schema,
    Enum,
    /// An obligation, prohibition or recommendation.
    Obligation,
    Package,
    /// A variable bound by a quantifier, or a rule parameter.
    Variable,
    /// A built-in type.
    Type,
    /// An area, severity or outcome.
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What is shown and inserted.
    pub label: String,
    pub kind: CompletionKind,
    /// A short description (a type, a document kind).
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The span the completion replaces: the partial word before the cursor.
    pub replace: FileSpan,
}

const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];
const BUILTIN_TYPES: [&str; 10] =
    ["bool", "int", "decimal", "string", "date", "duration", "percent", "list", "set", "map"];
const EXPRESSION_WORDS: [&str; 22] = [
    "and", "or", "not", "in", "contains", "is", "present", "absent", "empty", "within", "before", "today", "all",
    "any", "where", "count", "sum", "min", "max", "avg", "true", "false",
];
const DEONTIC_CLAUSES: [&str; 13] = [
    "area",
    "severity",
    "cite",
    "when",
    "must",
    "must not",
    "should",
    "should not",
    "because",
    "if undetermined",
    "if satisfied",
    "if not_applicable",
    "exception to",
];
const WAIVER_FIELDS: [&str; 3] = ["reason", "approved_by", "until"];
const TEST_STATEMENTS: [&str; 4] = ["today", "override", "given", "expect"];

struct Builder {
    out: Vec<Completion>,
    replace: FileSpan,
}

impl Builder {
    fn add(&mut self, label: impl Into<String>, kind: CompletionKind, detail: Option<String>, docs: Option<String>) {
        let label = label.into();
        if self.out.iter().any(|c| c.label == label && c.kind == kind) {
            return;
        }
        let documentation = docs.filter(|d| !d.trim().is_empty());
        self.out.push(Completion { label, kind, detail, documentation, replace: self.replace });
    }

    fn words(&mut self, words: &[&str], kind: CompletionKind) {
        for w in words {
            self.add(*w, kind, None, None);
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Completions at `offset` in `file`.
pub fn completions(db: &dyn Db, workspace: Workspace, file: SourceFile, offset: u32) -> Vec<Completion> {
    let text = file.text(db);
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = text.as_bytes();
    let mut word_start = offset;
    while word_start > 0 && bytes.get(word_start - 1).copied().is_some_and(is_word) {
        word_start -= 1;
    }
    let replace = FileSpan::new(u32::try_from(word_start).unwrap_or(0), u32::try_from(offset).unwrap_or(0));
    let mut b = Builder { out: Vec::new(), replace };
    let line_start = text.get(..word_start).and_then(|t| t.rfind('\n')).map_or(0, |n| n + 1);
    let line_before = text.get(line_start..word_start).unwrap_or("");
    let trimmed = line_before.trim_start();
    let ctx = CursorContext::new(db, workspace, file, text, word_start);

    if line_before.ends_with('.') {
        let path_end = word_start - 1;
        let mut path_start = path_end;
        while path_start > 0 && bytes.get(path_start - 1).copied().is_some_and(|c| is_word(c) || c == b'.') {
            path_start -= 1;
        }
        let path = text.get(path_start..path_end).unwrap_or("");
        after_dot(db, workspace, file, &ctx, path, trimmed, &mut b);
        return b.out;
    }

    if line_before.ends_with('@') {
        if ctx.keyword == "schema" {
            for attribute in tenet_db::FIELD_ATTRIBUTES {
                let meaning = attribute_meaning(attribute).map(str::to_string);
                b.add(*attribute, CompletionKind::Keyword, Some("field attribute".into()), meaning);
            }
        }
        return b.out;
    }
    let after = |label: &str| trimmed.strip_prefix(label).is_some_and(|rest| rest.trim().is_empty());
    if after("area:") {
        for area in Area::names() {
            b.add(area, CompletionKind::Value, Some("area".into()), area_meaning(area).map(str::to_string));
        }
        return b.out;
    }
    if after("severity:") {
        b.words(&SEVERITIES, CompletionKind::Value);
        return b.out;
    }
    if trimmed.starts_with("expect ") && trimmed.trim_end().ends_with(':') {
        for outcome in Outcome::names() {
            b.add(outcome, CompletionKind::Value, Some("outcome".into()), outcome_meaning(outcome).map(str::to_string));
        }
        return b.out;
    }
    let waiver_target = after("waiver") && !line_before.starts_with(char::is_whitespace);
    if after("expect") || after("exception to") || waiver_target {
        items_of(db, workspace, file, &[ItemKind::Deontic], &mut b);
        return b.out;
    }
    if after("given") || trimmed.trim_end().ends_with(" on") && trimmed.trim_end() != "on" {
        items_of(db, workspace, file, &[ItemKind::Schema], &mut b);
        return b.out;
    }
    if after("use") {
        for package in package_index(db, workspace).packages.keys() {
            b.add(&**package, CompletionKind::Package, None, None);
        }
        return b.out;
    }
    if let Some(enumeration) = expected_enum(db, workspace, file, &ctx, line_before) {
        variants(db, enumeration, &mut b);
        return b.out;
    }
    if line_before.is_empty() {
        b.words(ITEM_KEYWORDS, CompletionKind::Keyword);
        return b.out;
    }
    let type_position = matches!(ctx.keyword, "schema" | "const" | "param" | "rule")
        && (trimmed.trim_end().ends_with(':') || trimmed.trim_end().ends_with('<'))
        && !ctx.before.contains('=');
    if type_position {
        b.words(&BUILTIN_TYPES, CompletionKind::Type);
        items_of(db, workspace, file, &[ItemKind::Schema, ItemKind::Enum], &mut b);
        return b.out;
    }
    if trimmed.is_empty() {
        match ctx.keyword {
            "obligation" | "prohibition" | "recommendation" => b.words(&DEONTIC_CLAUSES, CompletionKind::Keyword),
            "waiver" => b.words(&WAIVER_FIELDS, CompletionKind::Keyword),
            "test" => b.words(&TEST_STATEMENTS, CompletionKind::Keyword),
            _ => {}
        }
        if matches!(ctx.keyword, "waiver" | "test" | "schema" | "enum") {
            return b.out;
        }
    }
    expression(db, workspace, file, &ctx, &mut b);
    b.out
}

/// Names a condition may use.
fn expression(db: &dyn Db, workspace: Workspace, file: SourceFile, ctx: &CursorContext<'_>, b: &mut Builder) {
    for (name, ty) in ctx.locals.iter().rev() {
        b.add(name, CompletionKind::Variable, Some(ty.to_string()), None);
    }
    if let Some(root) = ctx.root {
        fields(db, root, b);
    }
    items_of(db, workspace, file, &[ItemKind::Rule, ItemKind::Const, ItemKind::Param, ItemKind::Enum], b);
    b.words(&EXPRESSION_WORDS, CompletionKind::Keyword);
}

/// After `path.`: fields of a record, variants of an enum, items and sub-packages of a package.
fn after_dot(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    ctx: &CursorContext<'_>,
    path: &str,
    line: &str,
    b: &mut Builder,
) {
    let in_use = line.starts_with("use ");
    if !in_use {
        match ctx.path_type(db, workspace, file, path) {
            Some(Ty::Record(schema)) => {
                if let Some(entry) = lookup_item(db, workspace, file, &schema, &[ItemKind::Schema]) {
                    fields(db, entry.id, b);
                }
                return;
            }
            Some(_) => return,
            None => {}
        }
        if let Some(entry) = lookup_item(db, workspace, file, path, &[ItemKind::Enum]) {
            variants(db, entry.id, b);
            return;
        }
    }
    let index = package_index(db, workspace);
    let prefix = format!("{path}.");
    for (package, entries) in &index.packages {
        if let Some(rest) = package.strip_prefix(&prefix) {
            let next = rest.split('.').next().unwrap_or(rest);
            b.add(next, CompletionKind::Package, None, None);
        }
        if **package == *path {
            for entry in entries {
                let kind = completion_kind(entry.kind);
                b.add(&*entry.name, kind, Some(qualified_name(db, entry).to_string()), None);
            }
        }
    }
}

fn completion_kind(kind: ItemKind) -> CompletionKind {
    match kind {
        ItemKind::Schema => CompletionKind::Schema,
        ItemKind::Enum => CompletionKind::Enum,
        ItemKind::Rule => CompletionKind::Rule,
        ItemKind::Deontic => CompletionKind::Obligation,
        _ => CompletionKind::Constant,
    }
}

fn fields(db: &dyn Db, schema: ItemId, b: &mut Builder) {
    for field in &schema_of(db, schema).fields {
        let ty = format!("{}{}", field.ty, if field.optional { "?" } else { "" });
        b.add(&*field.name, CompletionKind::Field, Some(ty), Some(field.docs.clone()));
    }
}

fn variants(db: &dyn Db, enumeration: ItemId, b: &mut Builder) {
    let def = enum_of(db, enumeration);
    let docs: Vec<(String, String)> = match tenet_db::ide_support::item_node(db, enumeration).map(|n| &n.item) {
        Some(tenet_syntax::ast::Item::Enum(e)) => e.variants.iter().map(|(v, d)| (v.name.clone(), d.clone())).collect(),
        _ => Vec::new(),
    };
    let short = def.name.rsplit('.').next().unwrap_or(&def.name).to_string();
    for variant in &def.variants {
        let doc = docs.iter().find(|(n, _)| **n == **variant).map(|(_, d)| d.clone());
        b.add(&**variant, CompletionKind::Variant, Some(short.clone()), doc);
    }
}

fn items_of(db: &dyn Db, workspace: Workspace, file: SourceFile, kinds: &[ItemKind], b: &mut Builder) {
    let mut items = visible_items(db, workspace, file);
    items.sort_by(|a, b| a.name.cmp(&b.name));
    for entry in items.iter().filter(|e| kinds.contains(&e.kind)) {
        let docs = tenet_db::ide_support::item_node(db, entry.id).and_then(|n| n.item.docs()).map(str::to_string);
        let detail = Some(qualified_name(db, entry).to_string());
        b.add(&*entry.name, completion_kind(entry.kind), detail, docs);
    }
}

/// The enum expected at the end of `line` (after `path ==`, `path in {`, `path contains`).
fn expected_enum(
    db: &dyn Db,
    workspace: Workspace,
    file: SourceFile,
    ctx: &CursorContext<'_>,
    line: &str,
) -> Option<ItemId> {
    let mut s = line.trim_end();
    // Inside a set or list literal being written: look before its opening bracket.
    let mut depth = 0i32;
    for (i, c) in s.char_indices().rev() {
        match c {
            '}' | ']' | ')' => depth += 1,
            '{' | '[' | '(' => {
                depth -= 1;
                if depth < 0 {
                    s = s.get(..i).unwrap_or("").trim_end();
                    break;
                }
            }
            _ => {}
        }
    }
    const OPS: [(&str, bool); 7] = [
        ("==", false),
        ("!=", false),
        (" not in", false),
        (" in", false),
        (" contains any of", true),
        (" contains all of", true),
        (" contains", true),
    ];
    let (lhs, element) =
        OPS.iter().find_map(|(op, element)| s.strip_suffix(op).map(|lhs| (lhs.trim_end(), *element)))?;
    let path_start = lhs.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).map_or(0, |i| i + 1);
    let path = lhs.get(path_start..)?;
    let ty = ctx.path_type(db, workspace, file, path)?;
    let ty = if element { ty.element()?.clone() } else { ty };
    let Ty::Enum(name) = ty else { return None };
    lookup_item(db, workspace, file, &name, &[ItemKind::Enum]).map(|e| e.id)
}
