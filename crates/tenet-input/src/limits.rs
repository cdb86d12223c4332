//! How much input a document may take.

/// Resource limits applied while reading and loading documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes (default 16 MiB).
    pub max_bytes: usize,
    /// Deepest accepted nesting of lists and maps; the root collection is level 1 (default 128).
    ///
    /// Loading never recurses, but dropping, cloning or comparing a [`crate::Node`] does, so keep
    /// this in the hundreds. TOML is further capped by its parser at 80 levels and YAML flow
    /// collections (`[`, `{`) at 255.
    pub max_depth: usize,
    /// Most documents read from one YAML stream (default 100,000); NDJSON, the format for
    /// volume, has no such limit.
    pub max_documents: usize,
}

impl Limits {
    /// The default largest input: 16 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;
    /// The default deepest nesting: 128 levels.
    pub const DEFAULT_MAX_DEPTH: usize = 128;
    /// The default most documents in one YAML stream: 100,000.
    pub const DEFAULT_MAX_DOCUMENTS: usize = 100_000;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_documents: Self::DEFAULT_MAX_DOCUMENTS,
        }
    }
}
