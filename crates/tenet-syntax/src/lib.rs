//! The syntax layer of Tenet: the grammar (`grammar/tenet.pest`), a parser with item-level
//! error recovery, a syntax tree that knows nothing of pest, and the lexer that every scan of
//! raw Tenet text outside pest goes through. Spans inside
//! items are relative to the item, so editing one item leaves the others' trees equal.
//!
//! This crate knows nothing about name resolution, types, documents or evaluation.

pub mod ast;
pub mod codes;
pub mod diag;
mod errors;
pub mod lexer;
mod parser;
mod prescan;
pub mod split;

pub use diag::{Diagnostic, Level, Note, Supplied, Unresolved, did_you_mean};
pub use parser::{BrokenItem, MAX_CHAIN, ParsedFile, parse_date, parse_expression, parse_file, parse_item};
pub use prescan::{MAX_NESTING, MAX_QUANTIFIERS};
