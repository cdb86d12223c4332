//! The semantic layer of Tenet, on salsa: source files are inputs; tracked queries parse,
//! resolve names, type-check each item against the schema of its document kind, and compile
//! it to the IR in [`ir`]. Diagnostics are part of query results.
//!
//! Item granularity: each item is checked by its own query ([`check_item`]) whose inputs
//! are the item's span-relative syntax and the signatures it uses, so editing the body of one
//! obligation re-checks that obligation only.
//!
//! Modules, each using only those above it:
//!
//! - [`ir`]: the compiled form (no dependencies; diagnostic codes are `tenet_syntax::codes`);
//! - `inputs`: source files, the workspace, item identities, parsing and outlines;
//! - `scope`: which names a file sees (packages, imports);
//! - `signatures`: types, schemas, enums, rule signatures — what other items depend on;
//! - `analysis`: what each name refers to, as the checker records it;
//! - `errors`: the checker's type problems as data, worded in one place;
//! - `check`: type-checking expressions, and constants;
//! - `params`, `testing`: overrides and exceptions, tests;
//! - `items`: checking and compiling one item;
//! - `graph`, `conflicts`, `manifest`, `program`: workspace-wide results — cycles,
//!   contradictions, a project's `[params]` (checked against the parameters they set), the
//!   compiled program;
//! - `diagnostics`: every diagnostic of a file;
//! - [`ide_support`]: what the IDE layer reads.
//!
//! This crate never prints, reads files, or knows about documents being evaluated.

pub mod ir;

mod inputs;

mod scope;

mod signatures;

mod analysis;
mod errors;

mod check;

mod params;
mod testing;

mod items;

mod conflicts;
mod graph;
mod manifest;
mod program;

mod diagnostics;

pub mod ide_support;

pub use analysis::{Def, Occurrence};
pub use conflicts::{Conflict, conflicts as find_conflicts};
pub use diagnostics::file_diagnostics;
pub use inputs::{
    Database, Db, FileOutline, ItemId, ItemKey, ItemKind, ManifestParam, ManifestParams, SourceFile, Workspace,
    file_outline, item_keys, item_syntax, parse,
};
pub use items::{CheckedItem, Compiled, check_item, item_occurrences};
pub use manifest::{ManifestOverride, ManifestOverrides, manifest_diagnostics, manifest_overrides};
pub use program::program as compile_program;
pub use program::{NotApplied, Program, ProgramItem};
pub use scope::{ItemEntry, PackageIndex, package_index};
pub use signatures::FIELD_ATTRIBUTES;
