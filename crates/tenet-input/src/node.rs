//! The format-independent document tree.

use std::sync::Arc;

use crate::Source;
use tenet_text::DocSpan;

/// One value in a loaded document, with the span it was written at.
///
/// Equality compares values only and ignores spans.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the value is written: for collections, from the opening to the closing delimiter
    /// (or the last entry of a YAML block collection).
    pub span: DocSpan,
    pub value: NodeValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null` in JSON, `null`/`~`/empty in YAML (TOML has no null).
    Null,
    Bool(bool),
    /// A number's literal text exactly as written (`0.48`, `24`, `-3`, `1e3`, `0x1F`, `1_000`);
    /// parse exact decimals from it, never via `f64`.
    Number(String),
    /// A string, with escapes decoded.
    String(String),
    /// A TOML local date (`YYYY-MM-DD`); YAML and JSON dates arrive as [`NodeValue::String`].
    Date(String),
    /// A list, in document order.
    List(Vec<Node>),
    /// A map, in document order, without duplicate keys.
    Map(Vec<Entry>),
}

/// One key/value pair of a [`NodeValue::Map`].
#[derive(Debug, Clone)]
pub struct Entry {
    /// The key text, with escapes decoded.
    pub key: String,
    /// Where the key is written.
    pub key_span: DocSpan,
    pub value: Node,
}

/// One document of a source: a YAML stream holds several, JSON and TOML one each.
#[derive(Debug, Clone)]
pub struct Document {
    /// The source it was loaded from; every span in the tree points into its text.
    pub source: Arc<Source>,
    /// The position in a multi-document YAML stream; 0 otherwise.
    pub index: usize,
    pub root: Node,
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.value == other.value
    }
}

impl Node {
    /// The value under `key` if this is a map that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|entry| entry.key == key).map(|entry| &entry.value),
            _ => None,
        }
    }

    /// The string if this is a [`NodeValue::String`].
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(text) => Some(text),
            _ => None,
        }
    }
}

impl NodeValue {
    /// A short user-facing name of the kind of value (`map`, `list`, `string`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "bool",
            Self::Number(_) => "number",
            Self::String(_) => "string",
            Self::Date(_) => "date",
            Self::List(_) => "list",
            Self::Map(_) => "map",
        }
    }
}
