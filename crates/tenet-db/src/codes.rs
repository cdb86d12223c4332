//! Stable diagnostic codes of the semantic layer. Never reuse or renumber a code.

/// A file has no `package` declaration.
pub const MISSING_PACKAGE: &str = "tenet::E0101";
/// A file declares its package twice.
pub const SECOND_PACKAGE: &str = "tenet::E0102";
/// `use` names a package or item that does not exist.
pub const UNKNOWN_IMPORT: &str = "tenet::E0103";
/// A name that is not a variable, field, rule, constant or variant in scope.
pub const UNKNOWN_NAME: &str = "tenet::E0201";
/// A field that the schema does not have.
pub const UNKNOWN_FIELD: &str = "tenet::E0202";
/// A type name that is neither built in nor declared.
pub const UNKNOWN_TYPE: &str = "tenet::E0203";
/// Two items, fields, variants or parameters with the same name.
pub const DUPLICATE_NAME: &str = "tenet::E0204";
/// A variant that the enum does not have.
pub const UNKNOWN_VARIANT: &str = "tenet::E0205";
/// A name that several imports provide.
pub const AMBIGUOUS_NAME: &str = "tenet::E0206";
/// Operand types that do not fit the operator or each other.
pub const TYPE_MISMATCH: &str = "tenet::E0301";
/// A rule called with the wrong number of arguments.
pub const WRONG_ARITY: &str = "tenet::E0302";
/// A constant whose value is not made of literals.
pub const CONST_NOT_LITERAL: &str = "tenet::E0305";
/// Rules that call each other in a cycle.
pub const RULE_CYCLE: &str = "tenet::E0401";
/// A rule reads document fields but does not say `on KIND`.
pub const RULE_WITHOUT_KIND: &str = "tenet::E0402";
/// An area that is not one of the five.
pub const UNKNOWN_AREA: &str = "tenet::E0501";
/// A severity that is not one of the five.
pub const UNKNOWN_SEVERITY: &str = "tenet::E0502";
/// An obligation with no `must`/`should` clause.
pub const MISSING_REQUIREMENT: &str = "tenet::E0503";
/// `must` in a prohibition, `must not` in an obligation, and the like.
pub const MODALITY_MISMATCH: &str = "tenet::E0504";
/// A clause given twice.
pub const DUPLICATE_CLAUSE: &str = "tenet::E0505";
/// An obligation without a citation.
pub const MISSING_CITE: &str = "tenet::W0506";
/// An obligation without an area.
pub const MISSING_AREA: &str = "tenet::E0507";
/// `on X` where X is not a schema.
pub const UNKNOWN_KIND: &str = "tenet::E0508";
/// A waiver whose target is not an obligation in scope.
pub const UNKNOWN_WAIVER_TARGET: &str = "tenet::E0601";
/// A waiver without its reason, approver or expiry.
pub const INCOMPLETE_WAIVER: &str = "tenet::E0602";
/// A waiver without a `where` selector.
pub const WAIVER_WITHOUT_SELECTOR: &str = "tenet::E0603";
/// `override` names something that is not a parameter.
pub const UNKNOWN_PARAM: &str = "tenet::E0801";
/// Two `override`s of the same parameter.
pub const DUPLICATE_OVERRIDE: &str = "tenet::E0802";
/// `exception to` names something that is not an obligation in scope.
pub const UNKNOWN_EXCEPTION_TARGET: &str = "tenet::E0811";
/// `exception to` an obligation on another document kind.
pub const EXCEPTION_KIND_MISMATCH: &str = "tenet::E0812";
/// Obligations that are exceptions to each other, or to themselves.
pub const EXCEPTION_CYCLE: &str = "tenet::E0813";
/// Two items that require and forbid the same condition with no declared exception.
pub const CONTRADICTION: &str = "tenet::E0814";
/// A test without exactly one `given` document.
pub const TEST_DOCUMENT: &str = "tenet::E0821";
/// `expect` with an outcome that does not exist.
pub const UNKNOWN_OUTCOME: &str = "tenet::E0822";
/// `expect` naming something that is not an obligation in scope.
pub const UNKNOWN_EXPECT_TARGET: &str = "tenet::E0823";
/// `expect` naming an obligation on another document kind than the test's document.
pub const EXPECT_KIND_MISMATCH: &str = "tenet::E0824";
/// A test that expects nothing.
pub const TEST_WITHOUT_EXPECT: &str = "tenet::W0825";
/// Two tests with the same name in one package.
pub const DUPLICATE_TEST: &str = "tenet::E0826";
