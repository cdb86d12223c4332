//! Error codes of the syntax layer.

/// The text does not follow the grammar.
pub const SYNTAX: &str = "tenet::E0001";
/// A literal that parses but means nothing (a 13th month, an int too large).
pub const BAD_LITERAL: &str = "tenet::E0002";
/// Nesting deeper than the parser accepts.
pub const TOO_DEEP: &str = "tenet::E0004";
/// A clause or waiver field written twice, or in the wrong form.
pub const BAD_CLAUSE: &str = "tenet::E0005";
