//! Every diagnostic code of policies and documents, in one place: its number, the section of
//! the reference it belongs to, and what it means. Codes are stable: never reuse or renumber
//! one. The table of codes in `docs/language.md` is generated from [`ALL`] (a test in this
//! crate fails when they drift; `TENET_UPDATE_DOCS=1 cargo test -p tenet-syntax --test
//! code_table` rewrites it).

use std::fmt;

/// The part of the language a code is about, as the reference groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// Reported by the parser.
    Syntax,
    /// Packages, imports and names.
    Names,
    /// Types and rules.
    Types,
    /// Obligations, prohibitions and recommendations.
    Obligations,
    Waivers,
    /// Parameters, exceptions and tests.
    ParamsAndTests,
    /// Found while validating a document against its schema.
    Documents,
    /// A project's own rules (`tenet.toml`), checked when a run starts on its date.
    ProjectRules,
}

impl Section {
    /// The heading of the section in the reference.
    pub fn heading(self) -> &'static str {
        match self {
            Section::Syntax => "**Syntax** (from the parser):",
            Section::Names => "**Packages and names:**",
            Section::Types => "**Types and rules:**",
            Section::Obligations => "**Obligations:**",
            Section::Waivers => "**Waivers:**",
            Section::ParamsAndTests => "**Parameters, exceptions and tests:**",
            Section::Documents => "**Documents** (found while validating a document against its schema):",
            Section::ProjectRules => {
                "**Project rules** (`tenet.toml`'s `[waivers]`, checked when `tenet eval` starts, on its date):"
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    /// `E0202`: `E` for errors, `W` for warnings, and a stable number.
    pub number: &'static str,
    /// Where the reference lists it.
    pub section: Section,
    /// What it means, as the reference says it.
    pub meaning: &'static str,
}

impl Code {
    /// The full code, as reports show it: `tenet::E0202`.
    pub fn id(self) -> String {
        format!("tenet::{}", self.number)
    }

    /// Whether the code is a warning (`W…`).
    pub fn is_warning(self) -> bool {
        self.number.starts_with('W')
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tenet::{}", self.number)
    }
}

/// Declares each code as a constant and lists them all in [`ALL`], so a code cannot be
/// declared without appearing in the reference.
macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $number:literal, $section:ident, $meaning:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $name: Code = Code { number: $number, section: Section::$section, meaning: $meaning };
        )*
        /// Every code, in the reference's order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    /// The text does not follow the grammar.
    SYNTAX = "E0001", Syntax, "the text does not follow the grammar; also an unclosed bracket (pointing at it), an unterminated string, a non-ASCII letter in a name, a non-path between braces in a message";
    /// A literal that parses but means nothing (a 13th month, an int too large).
    BAD_LITERAL = "E0002", Syntax, "a literal that parses but means nothing: a date that is not a calendar day, an integer too large, a decimal with more than 28 digits, a duration over 1,000,000 units, an unknown escape such as `\\q`";
    /// A keyword close to one the grammar expects there.
    MISSPELT_KEYWORD = "E0003", Syntax, "a misspelt keyword: an item keyword, clause, waiver field or test statement close to one the grammar expects there (with did-you-mean)";
    /// Nesting deeper than the parser accepts.
    TOO_DEEP = "E0004", Syntax, "an item too deep for the parser: brackets nested more than 64 levels, more than 64 quantifiers and aggregates, or a chain of more than 64 `not`s, `-` signs, `.field` steps or arithmetic operands (long `and`/`or` chains are fine)";
    /// A clause or waiver field written twice, or in the wrong form.
    BAD_CLAUSE = "E0005", Syntax, "a waiver field given twice, or with the wrong kind of value";
    /// A duration or date in a form policies do not write.
    BAD_UNIT = "E0006", Syntax, "a duration or date written in a form policies do not use: a unit Tenet does not have (`1y`, `6 months`) or a date written as in prose (`2026/01/01`, `2026-1-5`)";
    /// A character that reorders how text is displayed, hiding what the code says.
    BIDI_CONTROL = "W0007", Syntax, "a bidirectional control character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) in a policy file, which can make the text shown differ from the text checked (\"Trojan Source\"; warning)";

    /// A file has no `package` declaration.
    MISSING_PACKAGE = "E0101", Names, "the file does not declare its package before its first item";
    /// A file declares its package twice.
    SECOND_PACKAGE = "E0102", Names, "the file declares its package twice";
    /// `use` names a package or item that does not exist.
    UNKNOWN_IMPORT = "E0103", Names, "`use` names no package or item in the workspace";
    /// A name that is not a variable, field, rule, constant or variant in scope.
    UNKNOWN_NAME = "E0201", Names, "an unknown name: not a variable, field, rule, constant or variant in scope";
    /// A field that the schema does not have.
    UNKNOWN_FIELD = "E0202", Names, "the schema has no such field";
    /// A type name that is neither built in nor declared.
    UNKNOWN_TYPE = "E0203", Names, "an unknown type";
    /// Two items, fields, variants or parameters with the same name.
    DUPLICATE_NAME = "E0204", Names, "two items of a package, fields of a schema, variants of an enum or parameters of a rule with the same name";
    /// A variant that the enum does not have.
    UNKNOWN_VARIANT = "E0205", Names, "the enum has no such variant";
    /// A name that several imports provide.
    AMBIGUOUS_NAME = "E0206", Names, "a name that several imports provide";
    /// An attribute Tenet does not know, or one written twice on a field.
    UNKNOWN_ATTRIBUTE = "E0207", Names, "an attribute that Tenet does not know (a field takes `@sensitive`), or one written twice on the same field";

    /// Operand types that do not fit the operator or each other.
    TYPE_MISMATCH = "E0301", Types, "operand types that do not fit the operator or each other, a non-condition where a condition is expected, a rule used on the wrong document kind";
    /// A rule called with the wrong number of arguments.
    WRONG_ARITY = "E0302", Types, "a rule called with the wrong number of arguments, or a constant called like a rule";
    /// A constant whose value is not made of literals.
    CONST_NOT_LITERAL = "E0305", Types, "a constant whose value is not made of literals";
    /// Rules that call each other in a cycle.
    RULE_CYCLE = "E0401", Types, "rules that call each other in a cycle";
    /// A rule reads document fields but does not say `on KIND`.
    RULE_WITHOUT_KIND = "E0402", Types, "a rule that reads a document used from one that says no `on KIND`";

    /// An area that is not one of the five.
    UNKNOWN_AREA = "E0501", Obligations, "an area that is not one of the five";
    /// A severity that is not one of the five.
    UNKNOWN_SEVERITY = "E0502", Obligations, "a severity that is not one of the five";
    /// An obligation with no `must`/`should` clause.
    MISSING_REQUIREMENT = "E0503", Obligations, "no `must` / `must not` / `should` clause";
    /// `must` in a prohibition, `must not` in an obligation, and the like.
    MODALITY_MISMATCH = "E0504", Obligations, "a requirement keyword that does not fit the form (`must` in a prohibition, …)";
    /// A clause given twice.
    DUPLICATE_CLAUSE = "E0505", Obligations, "a clause given twice";
    /// An obligation without a citation.
    MISSING_CITE = "W0506", Obligations, "no `cite` (warning)";
    /// An obligation without an area.
    MISSING_AREA = "E0507", Obligations, "no `area`";
    /// `on X` where X is not a schema.
    UNKNOWN_KIND = "E0508", Obligations, "`on KIND` names no schema";
    /// `if OUTCOME "…"` for an outcome that has no message of its own.
    OUTCOME_MESSAGE = "E0509", Obligations, "`if OUTCOME` names no outcome with a message of its own (`if violated` is the `because`; `if waived` is not allowed)";

    /// A waiver whose target is not an obligation in scope.
    UNKNOWN_WAIVER_TARGET = "E0601", Waivers, "the target is not an obligation in scope";
    /// A waiver without its reason, approver or expiry.
    INCOMPLETE_WAIVER = "E0602", Waivers, "`reason`, `approved_by` or `until` is missing";
    /// A waiver without a `where` selector.
    WAIVER_WITHOUT_SELECTOR = "E0603", Waivers, "no `where` selector";
    /// A waiver whose selector reads nothing of the document, so covers every document.
    CONSTANT_WAIVER = "W0604", Waivers, "a `where` that reads nothing of the document waives every document";

    /// `override` names something that is not a parameter.
    UNKNOWN_PARAM = "E0801", ParamsAndTests, "`override` names no parameter (or a constant)";
    /// Two `override`s of the same parameter.
    DUPLICATE_OVERRIDE = "E0802", ParamsAndTests, "a parameter overridden twice in the workspace";
    /// `exception to` names something that is not an obligation in scope.
    UNKNOWN_EXCEPTION_TARGET = "E0811", ParamsAndTests, "`exception to` names no obligation in scope";
    /// `exception to` an obligation on another document kind.
    EXCEPTION_KIND_MISMATCH = "E0812", ParamsAndTests, "`exception to` an obligation on another document kind";
    /// Obligations that are exceptions to each other, or to themselves.
    EXCEPTION_CYCLE = "E0813", ParamsAndTests, "an item that is an exception to itself, or exceptions in a circle";
    /// Two items that require and forbid the same condition with no declared exception.
    CONTRADICTION = "E0814", ParamsAndTests, "one item requires what another forbids, with no declared exception";
    /// A test without exactly one `given` document.
    TEST_DOCUMENT = "E0821", ParamsAndTests, "a test without exactly one `given` document";
    /// `expect` with an outcome that does not exist.
    UNKNOWN_OUTCOME = "E0822", ParamsAndTests, "`expect` with an unknown outcome";
    /// `expect` naming something that is not an obligation in scope.
    UNKNOWN_EXPECT_TARGET = "E0823", ParamsAndTests, "`expect` names no obligation in scope";
    /// `expect` naming an obligation on another document kind than the test's document.
    EXPECT_KIND_MISMATCH = "E0824", ParamsAndTests, "`expect` names an obligation on another document kind";
    /// A test that expects nothing.
    TEST_WITHOUT_EXPECT = "W0825", ParamsAndTests, "a test that expects nothing (warning)";
    /// Two tests with the same name in one package.
    DUPLICATE_TEST = "E0826", ParamsAndTests, "two tests with the same name in a package";

    /// A document value of the wrong type.
    WRONG_TYPE = "E0701", Documents, "a value of the wrong type";
    /// A document string that is not a variant of the field's enum.
    UNKNOWN_DOCUMENT_VARIANT = "E0702", Documents, "a string that is not a variant of the field's enum";
    /// A required field missing from a document.
    MISSING_FIELD = "E0703", Documents, "a required field is missing";
    /// A document field the schema does not declare.
    UNKNOWN_DOCUMENT_FIELD = "W0704", Documents, "a field the schema does not declare (warning; ignored)";
    /// A document without a kind, or with a kind no schema declares.
    UNKNOWN_DOCUMENT_KIND = "E0705", Documents, "no `kind`, or a kind no schema declares";
    /// A date, duration or percentage in a form Tenet does not read.
    BAD_FORMAT = "E0706", Documents, "a date, duration or percentage written in a form Tenet does not read";
    /// A document field the schema does not declare, in a strict run.
    STRICT_UNKNOWN_FIELD = "E0707", Documents, "a field the schema does not declare, in a strict run (`--strict`)";
    /// A document kind that more than one schema answers to.
    AMBIGUOUS_DOCUMENT_KIND = "E0708", Documents, "a kind that more than one schema answers to";
    /// A document's own kind that disagrees with its project's `[inputs]`.
    KIND_DISAGREES = "E0709", Documents, "a document's `kind:` disagrees with the kind its project's `[inputs]` give its file";
    /// More problems in one document than are reported.
    TOO_MANY_PROBLEMS = "W0710", Documents, "more problems in one document than a report lists: the first 100 errors and 100 warnings are shown, and this warning counts the rest";
    /// A document with nothing in it.
    EMPTY_DOCUMENT = "E0711", Documents, "an empty document: a file with no document in it (only comments, or nothing), or an empty or `null` document in a YAML stream";

    /// A waiver lasting longer than the project's `[waivers] max_days`.
    WAIVER_TOO_LONG = "E0605", ProjectRules, "a waiver lasts longer than the project's `[waivers] max_days` allow";
    /// A waiver of a critical obligation where the project's `[waivers] allow_critical = false`.
    CRITICAL_WAIVER = "E0606", ProjectRules, "a waiver of a critical obligation where the project allows none";
}

/// The reference's table of codes, as Markdown: one table per section, in [`ALL`]'s order.
pub fn reference_table() -> String {
    let mut out = String::new();
    let mut section = None;
    for code in ALL {
        if section != Some(code.section) {
            if section.is_some() {
                out.push('\n');
            }
            section = Some(code.section);
            out.push_str(code.section.heading());
            out.push_str("\n\n| code | meaning |\n|---|---|\n");
        }
        out.push_str(&format!("| `{}` | {} |\n", code.number, code.meaning));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_grouped_by_section() {
        let mut seen = std::collections::HashSet::new();
        let mut last_section = Section::Syntax;
        for code in ALL {
            assert!(seen.insert(code.number), "{} is declared twice", code.number);
            let (kind, digits) = code.number.split_at(1);
            assert!(kind == "E" || kind == "W", "{}", code.number);
            assert!(digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()), "{}", code.number);
            assert!(code.section >= last_section, "{} is out of its section's order", code.number);
            last_section = code.section;
        }
        assert_eq!(MISSING_CITE.to_string(), "tenet::W0506");
        assert!(MISSING_CITE.is_warning() && !SYNTAX.is_warning());
    }
}
