//! Document symbols (the outline), workspace symbols and folding ranges.

use crate::hover::qualified;
use tenet_db::ide_support::file_items;
use tenet_db::{Db, SourceFile, Workspace};
use tenet_syntax::ast::{FileSpan, Item, ItemNode, ItemSpan};
use tenet_syntax::split::split_items;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Package,
    /// `use`
    Import,
    Schema,
    Field,
    Enum,
    Variant,
    Constant,
    Parameter,
    Override,
    Rule,
    /// `obligation`, `prohibition`, `recommendation`
    Obligation,
    Waiver,
    Test,
}

/// An entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// As the outline shows it: a waiver is `waiver TARGET`, a test its string.
    pub name: String,
    pub kind: SymbolKind,
    /// A short description (type, document kind, area and severity).
    pub detail: Option<String>,
    /// The whole declaration.
    pub range: FileSpan,
    /// The declared name (the target, for a waiver or an override) inside `range`.
    pub selection: FileSpan,
    /// Fields or variants.
    pub children: Vec<Symbol>,
}

/// A symbol found in the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    /// The symbol (children left out).
    pub symbol: Symbol,
    pub file: SourceFile,
    /// The package it belongs to; `None` outside any package.
    pub container: Option<String>,
}

/// The end of each item: where its chunk ends, without trailing blank space.
fn item_ends(text: &str, items: &[ItemNode]) -> Vec<u32> {
    let chunks = split_items(text);
    items
        .iter()
        .map(|node| {
            let end = chunks.iter().find(|c| c.start == node.offset as usize).map_or(text.len(), |c| c.end);
            let trimmed = text.get(node.offset as usize..end).map_or(0, |t| t.trim_end().len());
            node.offset.saturating_add(u32::try_from(trimmed).unwrap_or(0))
        })
        .collect()
}

/// The outline of a file.
pub fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<Symbol> {
    let parsed = tenet_db::parse(db, file);
    let text = file.text(db);
    let ends = item_ends(text, &parsed.items);
    parsed.items.iter().zip(ends).filter_map(|(node, end)| symbol_of(node, end, text)).collect()
}

fn symbol_of(node: &ItemNode, end: u32, text: &str) -> Option<Symbol> {
    let at = |span: ItemSpan| span.in_file(node.offset);
    let range = FileSpan::new(node.offset, end.max(node.offset));
    let source = |span: ItemSpan| text.get(at(span).range()).unwrap_or("").to_string();
    let leaf = |name: String, kind, detail: Option<String>, selection: FileSpan| Symbol {
        name,
        kind,
        detail,
        range: selection,
        selection,
        children: Vec::new(),
    };
    let (name, kind, detail, selection, children) = match &node.item {
        Item::Package(q) => (q.text(), SymbolKind::Package, None, q.span, Vec::new()),
        Item::Use(q) => (q.text(), SymbolKind::Import, None, q.span, Vec::new()),
        Item::Schema(s) => {
            let children = s
                .fields
                .iter()
                .map(|f| {
                    let span = at(f.name.span).to(at(f.ty.span));
                    Symbol {
                        range: span,
                        ..leaf(f.name.name.clone(), SymbolKind::Field, Some(source(f.ty.span)), at(f.name.span))
                    }
                })
                .collect();
            (s.name.name.clone(), SymbolKind::Schema, None, s.name.span, children)
        }
        Item::Enum(e) => {
            let children =
                e.variants.iter().map(|(v, _)| leaf(v.name.clone(), SymbolKind::Variant, None, at(v.span))).collect();
            (e.name.name.clone(), SymbolKind::Enum, None, e.name.span, children)
        }
        Item::Const(c) => (c.name.name.clone(), SymbolKind::Constant, Some(source(c.ty.span)), c.name.span, Vec::new()),
        Item::Param(p) => {
            (p.name.name.clone(), SymbolKind::Parameter, Some(source(p.ty.span)), p.name.span, Vec::new())
        }
        Item::Override(o) => {
            (o.target.text(), SymbolKind::Override, Some(source(o.value.span)), o.target.span, Vec::new())
        }
        Item::Rule(r) => {
            let detail = r.on.as_ref().map(|on| format!("on {}", on.text()));
            (r.name.name.clone(), SymbolKind::Rule, detail, r.name.span, Vec::new())
        }
        Item::Deontic(d) => {
            let mut detail = format!("{} on {}", d.modality.keyword(), d.on.text());
            for clause in &d.clauses {
                if let tenet_syntax::ast::Clause::Area(a) | tenet_syntax::ast::Clause::Severity(a) = clause {
                    detail.push_str(" · ");
                    detail.push_str(&a.name);
                }
            }
            (d.name.name.clone(), SymbolKind::Obligation, Some(detail), d.name.span, Vec::new())
        }
        Item::Waiver(w) => (format!("waiver {}", w.target.text()), SymbolKind::Waiver, None, w.target.span, Vec::new()),
        Item::Test(t) => (t.name.value.clone(), SymbolKind::Test, None, t.name.span, Vec::new()),
    };
    Some(Symbol { name, kind, detail, range, selection: at(selection), children })
}

/// Items of the workspace whose name contains `query` (case-insensitively; every item for
/// an empty query), in workspace order.
pub fn workspace_symbols(db: &dyn Db, workspace: Workspace, query: &str) -> Vec<WorkspaceSymbol> {
    let query = query.to_ascii_lowercase();
    let mut out = Vec::new();
    for &file in workspace.files(db) {
        let package = tenet_db::file_outline(db, file).package.as_deref().map(str::to_string);
        let ids = file_items(db, workspace, file);
        for (symbol, id) in document_symbols(db, file).into_iter().zip(ids) {
            if matches!(symbol.kind, SymbolKind::Package | SymbolKind::Import | SymbolKind::Override) {
                continue;
            }
            if !query.is_empty() && !fuzzy(&symbol.name.to_ascii_lowercase(), &query) {
                continue;
            }
            let container = match symbol.kind {
                SymbolKind::Waiver | SymbolKind::Test => package.clone(),
                _ => qualified(db, id).rsplit_once('.').map(|(p, _)| p.to_string()),
            };
            out.push(WorkspaceSymbol { symbol: Symbol { children: Vec::new(), ..symbol }, file, container });
        }
    }
    out
}

/// Whether the letters of `query` appear in `name` in order.
fn fuzzy(name: &str, query: &str) -> bool {
    let mut rest = name.chars();
    query.chars().all(|q| rest.any(|c| c == q))
}

/// What a folding range folds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FoldKind {
    /// An item's body.
    Region,
    /// A run of comment lines.
    Comment,
    /// A run of `use` lines.
    Imports,
}

/// A foldable range of lines, 0-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
    pub kind: FoldKind,
}

/// Folding ranges: multi-line items, runs of comments, runs of imports.
pub fn folding_ranges(db: &dyn Db, file: SourceFile) -> Vec<Fold> {
    let text = file.text(db);
    let line_of = |offset: u32| {
        u32::try_from(text.get(..offset as usize).map_or(0, |t| t.bytes().filter(|b| *b == b'\n').count())).unwrap_or(0)
    };
    let parsed = tenet_db::parse(db, file);
    let mut folds = Vec::new();
    let ends = item_ends(text, &parsed.items);
    let mut imports: Option<(u32, u32)> = None;
    for (node, end) in parsed.items.iter().zip(ends) {
        let (start_line, end_line) = (line_of(node.offset), line_of(end));
        if matches!(node.item, Item::Use(_)) {
            imports = match imports {
                Some((first, last)) if start_line <= last + 1 => Some((first, end_line)),
                Some((first, last)) => {
                    if last > first {
                        folds.push(Fold { start_line: first, end_line: last, kind: FoldKind::Imports });
                    }
                    Some((start_line, end_line))
                }
                None => Some((start_line, end_line)),
            };
        } else if end_line > start_line {
            folds.push(Fold { start_line, end_line, kind: FoldKind::Region });
        }
    }
    if let Some((first, last)) = imports
        && last > first
    {
        folds.push(Fold { start_line: first, end_line: last, kind: FoldKind::Imports });
    }
    let mut run: Option<(u32, u32)> = None;
    for (index, line) in text.lines().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        if line.trim_start().starts_with("//") {
            run = Some(run.map_or((index, index), |(first, _)| (first, index)));
        } else {
            if let Some((first, last)) = run.take()
                && last > first
            {
                folds.push(Fold { start_line: first, end_line: last, kind: FoldKind::Comment });
            }
        }
    }
    if let Some((first, last)) = run
        && last > first
    {
        folds.push(Fold { start_line: first, end_line: last, kind: FoldKind::Comment });
    }
    folds.sort_by_key(|f| (f.start_line, f.end_line));
    folds
}
