//! The inputs of the database and the syntax of each file: source files, the workspace,
//! item identities, parsing and outlines. Everything else is computed from these.

use std::collections::BTreeMap;
use std::sync::Arc;
use tenet_syntax::ParsedFile;
use tenet_syntax::ast::{FileSpan, Item, ItemNode};

/// The database trait every Tenet query runs against.
#[salsa::db]
pub trait Db: salsa::Database {}

/// A policy file: its path (as shown to users) and its text.
#[salsa::input(debug)]
pub struct SourceFile {
    /// The path as given, used in messages.
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

impl SourceFile {
    /// A file of a library that rarely changes (the embedded standard library): salsa then
    /// skips re-validating queries that depend only on such files after an edit elsewhere.
    pub fn library(db: &dyn Db, path: String, text: String) -> SourceFile {
        SourceFile::builder(path, text).durability(salsa::Durability::HIGH).new(db)
    }
}

/// The set of policy files checked together, and a project's `[params]`.
#[salsa::input(debug)]
pub struct Workspace {
    /// Every file, in a stable order.
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    /// The `[params]` of the project's `tenet.toml`, if it has a manifest.
    #[default]
    #[returns(ref)]
    pub manifest_params: Option<ManifestParams>,
    /// Files of packages the project depends on (among `files`). Their declarations are used,
    /// but their `override`s and waivers are not applied: those hold for the package's own
    /// tests, and only the project decides what its own run waives and which values it uses.
    #[default]
    #[returns(ref)]
    pub dependency_files: Vec<SourceFile>,
}

impl Workspace {
    /// Whether `file` belongs to a package the project depends on.
    pub fn is_dependency(self, db: &dyn Db, file: SourceFile) -> bool {
        self.dependency_files(db).contains(&file)
    }
}

/// A project's `[params]`: new values for library parameters, written in its `tenet.toml`
/// rather than in a policy file. They apply after the overrides of every policy file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ManifestParams {
    /// The manifest's path, as shown to users.
    pub path: Arc<str>,
    /// The manifest's text, into which the entries' spans point.
    pub text: Arc<str>,
    /// The entries, in file order.
    pub entries: Vec<ManifestParam>,
}

/// One `"package.parameter" = value` entry of `[params]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ManifestParam {
    /// The parameter's qualified name, as written.
    pub name: Arc<str>,
    /// The value as Tenet literal text (`24h`, `2%`, `90`, `2027-03-31`).
    pub literal: Arc<str>,
    /// The key in the manifest.
    pub name_span: FileSpan,
    /// The value in the manifest (with a TOML string's quotes).
    pub value_span: FileSpan,
}

/// What kind of item a key names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    /// `package`
    Package,
    /// `use`
    Use,
    /// `schema`
    Schema,
    /// `enum`
    Enum,
    /// `const`
    Const,
    /// `rule`
    Rule,
    /// `obligation`, `prohibition`, `recommendation`
    Deontic,
    /// `waiver`
    Waiver,
    /// `param`
    Param,
    /// `override`
    Override,
    /// `test`
    Test,
}

/// A stable identity for an item within its file: kind, name, and the position among items
/// of the same kind and name (so duplicates and unnamed items stay distinct).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    pub kind: ItemKind,
    /// Its name (empty for unnamed items).
    pub name: Arc<str>,
    /// Position among same-kind, same-name items of the file.
    pub ordinal: u32,
}

/// An item of a workspace.
#[salsa::interned(unsafe(no_lifetime), revisions = usize::MAX, debug)]
pub struct ItemId {
    /// The workspace it belongs to.
    #[returns(copy)]
    pub workspace: Workspace,
    /// The file it is in.
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(ref)]
    pub key: ItemKey,
}

#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn Db, file: SourceFile) -> ParsedFile {
    tenet_syntax::parse_file(file.text(db))
}

/// The keys of a file's items, in file order, aligned with `parse(file).items`.
pub fn item_keys(items: &[ItemNode]) -> Vec<ItemKey> {
    let mut seen: std::collections::HashMap<(ItemKind, String), u32> = std::collections::HashMap::new();
    items
        .iter()
        .map(|node| {
            let kind = kind_of(&node.item);
            let name = node.item.name().map(|n| n.name.clone()).unwrap_or_default();
            let ordinal = seen.entry((kind, name.clone())).or_insert(0);
            let key = ItemKey { kind, name: name.into(), ordinal: *ordinal };
            *ordinal += 1;
            key
        })
        .collect()
}

fn kind_of(item: &Item) -> ItemKind {
    match item {
        Item::Package(_) => ItemKind::Package,
        Item::Use(_) => ItemKind::Use,
        Item::Schema(_) => ItemKind::Schema,
        Item::Enum(_) => ItemKind::Enum,
        Item::Const(_) => ItemKind::Const,
        Item::Rule(_) => ItemKind::Rule,
        Item::Deontic(_) => ItemKind::Deontic,
        Item::Waiver(_) => ItemKind::Waiver,
        Item::Param(_) => ItemKind::Param,
        Item::Override(_) => ItemKind::Override,
        Item::Test(_) => ItemKind::Test,
    }
}

/// What a file declares, without positions, so it changes only when declarations change.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileOutline {
    /// `package` name, if declared.
    pub package: Option<Arc<str>>,
    /// `use` paths in order.
    pub uses: Vec<Arc<str>>,
    /// Every item's key, in file order.
    pub items: Vec<ItemKey>,
    /// Names declared by items that failed to parse.
    pub broken_names: Vec<Arc<str>>,
    /// Whether a `package` declaration failed to parse.
    pub broken_package: bool,
}

/// The declarations of a file.
#[salsa::tracked(returns(ref))]
pub fn file_outline(db: &dyn Db, file: SourceFile) -> FileOutline {
    let parsed = parse(db, file);
    let package = parsed.items.iter().find_map(|n| match &n.item {
        Item::Package(q) => Some(Arc::from(q.text())),
        _ => None,
    });
    let uses = parsed
        .items
        .iter()
        .filter_map(|n| match &n.item {
            Item::Use(q) => Some(Arc::from(q.text())),
            _ => None,
        })
        .collect();
    let broken_package = parsed.broken.iter().any(|b| b.keyword == "package");
    let broken_names = parsed
        .broken
        .iter()
        .filter(|b| b.keyword != "package" && b.keyword != "use")
        .filter_map(|b| b.name.as_deref().map(Arc::from))
        .collect();
    FileOutline { package, uses, items: item_keys(&parsed.items), broken_names, broken_package }
}

/// Where each item of a file is among `parse(file).items`, by key: built once per file (from
/// its outline, so an edit inside an item leaves it unchanged), so that finding one item does
/// not walk a file of 100,000 items.
#[salsa::tracked(returns(ref))]
pub fn item_positions(db: &dyn Db, file: SourceFile) -> BTreeMap<ItemKey, usize> {
    file_outline(db, file).items.iter().enumerate().map(|(i, key)| (key.clone(), i)).collect()
}

/// The parsed item behind an id, with its absolute offset.
pub fn item_node(db: &dyn Db, id: ItemId) -> Option<&ItemNode> {
    let file = id.file(db);
    let at = *item_positions(db, file).get(id.key(db))?;
    parse(db, file).items.get(at)
}

/// The syntax of one item, with spans relative to its start. Unchanged (and so not
/// invalidating anything) when an edit elsewhere in the file only moves it.
#[salsa::tracked(returns(ref))]
pub fn item_syntax(db: &dyn Db, item: ItemId) -> Option<Item> {
    item_node(db, item).map(|node| node.item.clone())
}

/// The concrete database used by the CLI and tests. Optionally reports salsa events.
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
}

impl Database {
    /// A database that calls `on_event` for every salsa event (used to count re-executions).
    pub fn with_event_callback(on_event: impl Fn(salsa::Event) + Send + Sync + 'static) -> Self {
        Database { storage: salsa::Storage::new(Some(Box::new(on_event))) }
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {}
