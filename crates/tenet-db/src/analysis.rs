//! What every name in an item refers to, and its type, as the checker resolved it. The
//! checker records an [`Occurrence`] each time it resolves a name; editor features (hover,
//! go to definition, references, rename, semantic tokens) read these and never resolve
//! names themselves, so they cannot disagree with the checker.

use crate::inputs::{Db, ItemId, ItemKind, SourceFile, Workspace};
use crate::ir::Ty;
use crate::scope::{Lookup, lookup, package_index};
use std::sync::Arc;
use tenet_syntax::ast::{FileSpan, ItemSpan, QName};

/// What a name refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Def {
    /// A schema, enum, constant, parameter, rule or obligation.
    Item(ItemId),
    /// A field of a schema.
    Field { schema: ItemId, name: Arc<str> },
    /// A variant of an enum.
    Variant { enumeration: ItemId, name: Arc<str> },
    /// A rule parameter or a variable bound by a quantifier or aggregate.
    Local {
        /// The item it is declared in.
        item: ItemId,
        /// Where it is declared, relative to the item.
        decl: ItemSpan,
        name: Arc<str>,
    },
    /// A package, by name.
    Package(Arc<str>),
    /// One of the five areas, as written.
    Area(Arc<str>),
    /// One of the five severities, as written.
    Severity(Arc<str>),
    /// An outcome named in a test's `expect`, as written.
    Outcome(Arc<str>),
}

impl Def {
    /// Whether renaming what this names is supported.
    pub fn is_renamable(&self) -> bool {
        matches!(self, Def::Item(_) | Def::Field { .. } | Def::Variant { .. } | Def::Local { .. })
    }
}

/// One name in an item and what it refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Occurrence<S = ItemSpan> {
    /// Where the name is written: in its item as the checker records it, in the file once
    /// [`Occurrence::in_file`] places it.
    pub span: S,
    /// What it refers to.
    pub def: Def,
    /// Whether this is where it is declared.
    pub is_decl: bool,
    /// The type of the value it names, where known.
    pub ty: Option<Ty>,
}

impl Occurrence {
    /// The same occurrence placed in its file, for an item that starts at byte `item_start`.
    pub fn in_file(&self, item_start: u32) -> Occurrence<FileSpan> {
        Occurrence {
            span: self.span.in_file(item_start),
            def: self.def.clone(),
            is_decl: self.is_decl,
            ty: self.ty.clone(),
        }
    }
}

/// Collects the occurrences of one item while it is checked.
#[derive(Default)]
pub(crate) struct Occurrences(pub Vec<Occurrence>);

impl Occurrences {
    pub fn push(&mut self, span: ItemSpan, def: Def, is_decl: bool, ty: Option<Ty>) {
        self.0.push(Occurrence { span, def, is_decl, ty });
    }

    /// Records a possibly qualified reference to an item that `lookup` resolves among
    /// `kinds`: the package part, then the item. Returns the item.
    pub fn reference(
        &mut self,
        db: &dyn Db,
        workspace: Workspace,
        file: SourceFile,
        q: &QName,
        kinds: &[ItemKind],
    ) -> Option<ItemId> {
        // An ambiguous name refers to nothing (the checker reports it).
        let Lookup::Found(entry) = lookup(db, workspace, file, &q.text(), kinds) else { return None };
        let id = entry.id;
        let last = q.last()?;
        if let (Some(first), Some(before_last)) = (q.parts.first(), q.parts.iter().rev().nth(1)) {
            let package: Vec<&str> = q.parts.iter().rev().skip(1).rev().map(|p| p.name.as_str()).collect();
            self.push(first.span.to(before_last.span), Def::Package(Arc::from(package.join("."))), false, None);
        }
        self.push(last.span, Def::Item(id), false, None);
        Some(id)
    }

    /// Records `use a.b`: a package, or an item of a package.
    pub fn use_path(&mut self, db: &dyn Db, workspace: Workspace, file: SourceFile, q: &QName) {
        let path = q.text();
        if package_index(db, workspace).packages.contains_key(path.as_str()) {
            self.push(q.span, Def::Package(Arc::from(path)), false, None);
            return;
        }
        self.reference(db, workspace, file, q, &NAMED_KINDS);
    }

    /// The occurrences in source order.
    pub fn finish(mut self) -> Vec<Occurrence> {
        self.0.sort_by_key(|o| (o.span.start, o.span.end));
        self.0.dedup();
        self.0
    }
}

/// Item kinds a `use` or a qualified name may name.
const NAMED_KINDS: [ItemKind; 6] =
    [ItemKind::Schema, ItemKind::Enum, ItemKind::Const, ItemKind::Param, ItemKind::Rule, ItemKind::Deontic];
