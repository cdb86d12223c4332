//! Editor features tested at a cursor: each case is a policy text with markers, and asserts
//! what hover, go to definition, find references, rename and completion give there.
//!
//! - `$0` is the cursor (exactly one per case);
//! - `$[` … `]$` marks a range the answer must give: the definition, every reference, every
//!   place a rename edits;
//! - `// file: NAME.tenet` lines cut a case into several files (a case without them is one
//!   file, `policy.tenet`).
//!
//! The markers are removed before the text is analysed. These tests state what the features
//! answer, so that a change in how names are resolved shows up here.

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports failures by panicking"
)]

use tenet_db::{Database, SourceFile, Workspace};
use tenet_ide::{CompletionKind, FileRange, RenameError, completions, definition, hover, references, rename};
use tenet_syntax::ast::FileSpan;

/// A model most cases import: nested records, lists, sets, maps and enums.
const MODEL: &str = "// file: model.tenet
package m

/// A vendor agreement.
schema Contract {
  id: string?,
  vendor: Vendor?,
  dpa: Dpa?,
  transfers: list<Transfer>?,
  categories: set<Category>?,
  labels: map<string>?,
}

schema Vendor {
  name: string?,
  /// The vendor's role under the GDPR.
  role: Role?,
}

schema Dpa {
  breach_notice_hours: duration?,
  exit: Exit?,
}

schema Exit {
  /// Days to return or delete the data.
  deadline_days: int?,
}

schema Transfer {
  to: string?,
  mechanism: Mechanism?,
}

/// A party's role.
enum Role {
  /// Processes data for us.
  processor,
  controller,
}

enum Mechanism { adequacy, scc_2021_914, bcr }

enum Category { health, biometric, contact }

schema AiSystem {
  logs: bool?,
}
";

/// A workspace built from a marked text.
struct Fixture {
    db: Database,
    workspace: Workspace,
    /// Each file with its name and its text without markers.
    files: Vec<(String, SourceFile, String)>,
    /// The file and offset of `$0`.
    cursor: (SourceFile, u32),
    /// The `$[ … ]$` ranges, in the order written.
    marked: Vec<FileRange>,
}

impl Fixture {
    fn new(text: &str) -> Fixture {
        let db = Database::default();
        let mut files = Vec::new();
        let mut cursor = None;
        let mut marked = Vec::new();
        for (name, marked_text) in split_files(text) {
            let (plain, cursor_at, ranges) = strip_markers(&marked_text);
            let file = SourceFile::new(&db, name.clone(), plain.clone());
            if let Some(offset) = cursor_at {
                assert!(cursor.is_none(), "a case has one cursor `$0`");
                cursor = Some((file, offset));
            }
            marked.extend(ranges.into_iter().map(|span| FileRange { file, span }));
            files.push((name, file, plain));
        }
        let workspace = Workspace::new(&db, files.iter().map(|(_, f, _)| *f).collect());
        let cursor = cursor.expect("a case has a cursor `$0`");
        Fixture { db, workspace, files, cursor, marked }
    }

    /// A range as people read it: `policy.tenet:3:7 `role``.
    fn show(&self, range: &FileRange) -> String {
        let (name, _, text) = self.files.iter().find(|(_, f, _)| *f == range.file).expect("a file of the case");
        let start = range.span.start as usize;
        let line = text[..start].matches('\n').count() + 1;
        let column = text[..start].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!("{name}:{line}:{column} `{}`", &text[range.span.range()])
    }

    fn shown(&self, ranges: &[FileRange]) -> Vec<String> {
        ranges.iter().map(|r| self.show(r)).collect()
    }

    fn hover(&self) -> Option<String> {
        hover(&self.db, self.workspace, self.cursor.0, self.cursor.1).map(|h| h.markdown)
    }

    /// The text the hover is about, as the feature reports its span.
    fn hovered(&self) -> Option<String> {
        let result = hover(&self.db, self.workspace, self.cursor.0, self.cursor.1)?;
        Some(self.show(&FileRange { file: self.cursor.0, span: result.span }))
    }

    fn definition(&self) -> Vec<String> {
        self.shown(&definition(&self.db, self.workspace, self.cursor.0, self.cursor.1))
    }

    fn references(&self, include_declaration: bool) -> Vec<String> {
        self.shown(&references(&self.db, self.workspace, self.cursor.0, self.cursor.1, include_declaration))
    }

    /// Every place a rename to `new_name` edits, in workspace order.
    fn rename(&self, new_name: &str) -> Result<Vec<String>, RenameError> {
        let change = rename(&self.db, self.workspace, self.cursor.0, self.cursor.1, new_name)?;
        let mut out = Vec::new();
        for (file, edits) in change.edits {
            for edit in edits {
                assert_eq!(edit.new_text, new_name);
                out.push(self.show(&FileRange { file, span: edit.span }));
            }
        }
        Ok(out)
    }

    fn completion_labels(&self) -> Vec<String> {
        completions(&self.db, self.workspace, self.cursor.0, self.cursor.1).into_iter().map(|c| c.label).collect()
    }

    fn completions_of_kind(&self, kind: CompletionKind) -> Vec<String> {
        completions(&self.db, self.workspace, self.cursor.0, self.cursor.1)
            .into_iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.label)
            .collect()
    }

    /// The marked ranges as [`Fixture::show`] writes them.
    fn expected(&self) -> Vec<String> {
        self.shown(&self.marked)
    }
}

/// Cuts a case at `// file: NAME` lines; without them it is one file, `policy.tenet`.
fn split_files(text: &str) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("// file: ") {
            files.push((name.trim().to_string(), String::new()));
            continue;
        }
        match files.last_mut() {
            Some((_, body)) => body.push_str(line),
            None if line.trim().is_empty() => {}
            None => files.push(("policy.tenet".to_string(), line.to_string())),
        }
    }
    files
}

/// Removes `$0`, `$[` and `]$`: the text, the cursor's offset, the marked spans.
fn strip_markers(text: &str) -> (String, Option<u32>, Vec<FileSpan>) {
    let mut plain = String::with_capacity(text.len());
    let mut cursor = None;
    let mut open = None;
    let mut spans = Vec::new();
    let mut rest = text;
    let offset = |s: &String| u32::try_from(s.len()).expect("a small case");
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("$0") {
            assert!(cursor.is_none(), "one `$0` per file");
            cursor = Some(offset(&plain));
            rest = after;
        } else if let Some(after) = rest.strip_prefix("$[") {
            assert!(open.is_none(), "`$[` ranges do not nest");
            open = Some(offset(&plain));
            rest = after;
        } else if let Some(after) = rest.strip_prefix("]$") {
            let start = open.take().expect("`]$` closes a `$[`");
            spans.push(FileSpan::new(start, offset(&plain)));
            rest = after;
        } else {
            let c = rest.chars().next().expect("not empty");
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    assert!(open.is_none(), "a `$[` is not closed");
    (plain, cursor, spans)
}

/// The model and a policy that imports it.
fn with_model(policy: &str) -> Fixture {
    Fixture::new(&format!("{MODEL}// file: policy.tenet\npackage p\n\nuse m\n\n{policy}"))
}

/// A case's text without its `$[ … ]$` ranges.
fn unmarked(text: &str) -> String {
    text.replace("$[", "").replace("]$", "")
}

/// Asserts that go to definition at `$0` gives exactly the marked ranges.
fn check_definition(fixture: &Fixture) {
    assert_eq!(fixture.definition(), fixture.expected(), "definition");
}

/// Asserts that find references at `$0` (with the declaration) gives exactly the marked ranges.
fn check_references(fixture: &Fixture) {
    assert_eq!(fixture.references(true), fixture.expected(), "references");
}

/// Asserts that renaming at `$0` edits exactly the marked ranges.
fn check_rename(fixture: &Fixture, new_name: &str) {
    assert_eq!(fixture.rename(new_name), Ok(fixture.expected()), "rename to `{new_name}`");
}

// Schema fields, read through paths.

#[test]
fn a_field_deep_in_a_path_goes_to_its_declaration() {
    let fixture = Fixture::new(
        &(MODEL.replace("  deadline_days: int?", "  $[deadline_days]$: int?")
            + "// file: policy.tenet\npackage p\nuse m\nrule quick on Contract = dpa.exit.$0deadline_days <= 30\n"),
    );
    check_definition(&fixture);
}

#[test]
fn hover_on_a_field_shows_its_type_schema_and_docs() {
    let fixture = with_model("rule quick on Contract = dpa.exit.dead$0line_days <= 30\n");
    assert_eq!(fixture.hovered().as_deref(), Some("policy.tenet:5:35 `deadline_days`"));
    assert_eq!(
        fixture.hover().as_deref(),
        Some(
            "```tenet\ndeadline_days: int?\n```\nfield of `m.Exit`\n\nOptional: an absent value makes conditions on it unknown.\n\nDays to return or delete the data."
        )
    );
}

#[test]
fn a_field_is_found_as_a_root_name_a_path_step_and_a_message_hole() {
    let fixture = Fixture::new(
        &(MODEL.replace("  exit: Exit?,", "  $[exit]$: Exit?,")
            + "// file: policy.tenet\npackage p\nuse m\n\
               obligation quick_exit on Contract {\n  area: privacy\n  cite: \"x\"\n  \
               must dpa.$[ex$0it]$.deadline_days <= 30\n  \
               because \"{dpa.$[exit]$.deadline_days} days\"\n}\n"),
    );
    check_references(&fixture);
    check_rename(&fixture, "termination");
}

#[test]
fn a_top_level_field_is_a_name_of_the_document() {
    let fixture = Fixture::new(
        &(MODEL.replace("  dpa: Dpa?,", "  $[dpa]$: Dpa?,")
            + "// file: policy.tenet\npackage p\nuse m\nrule has_dpa on Contract = $[d$0pa]$ is present and $[dpa]$.exit is present\n"),
    );
    check_references(&fixture);
}

// Enum variants.

#[test]
fn a_bare_variant_resolves_from_the_other_operand() {
    let fixture = Fixture::new(
        &(MODEL.replace("  processor,", "  $[processor]$,")
            + "// file: policy.tenet\npackage p\nuse m\nrule r on Contract = vendor.role == proc$0essor\n"),
    );
    check_definition(&fixture);
    assert_eq!(
        fixture.hover().as_deref(),
        Some("```tenet\nRole.processor\n```\nvariant of enum `m.Role`\n\nProcesses data for us.")
    );
}

#[test]
fn variants_in_a_set_and_qualified_variants_are_references() {
    let fixture = Fixture::new(
        &(MODEL.replace(
            "enum Mechanism { adequacy, scc_2021_914, bcr }",
            "enum Mechanism { adequacy, scc_2021_914, $[bcr]$ }",
        ) + "// file: policy.tenet\npackage p\nuse m\n\
               rule lawful(t: Transfer) = t.mechanism in {scc_2021_914, $[b$0cr]$} or t.mechanism == Mechanism.$[bcr]$\n"),
    );
    check_references(&fixture);
    check_rename(&fixture, "binding_rules");
}

#[test]
fn a_variant_resolves_from_a_collections_element_type_and_a_constants_type() {
    let fixture = Fixture::new(
        &(MODEL.replace(
            "enum Category { health, biometric, contact }",
            "enum Category { $[health]$, biometric, contact }",
        ) + "// file: policy.tenet\npackage p\nuse m\n\
               const SPECIAL: set<Category> = {$[health]$, biometric}\n\
               rule sensitive on Contract = categories contains $[hea$0lth]$ or categories contains any of {$[health]$}\n"),
    );
    check_references(&fixture);
}

#[test]
fn a_variant_resolves_from_a_rule_parameters_type() {
    let fixture = Fixture::new(
        &(MODEL.replace("  controller,", "  $[controller]$,")
            + "// file: policy.tenet\npackage p\nuse m\n\
               rule has_role(r: Role) = r == $[controller]$\n\
               rule ours on Contract = has_role($[contr$0oller]$)\n"),
    );
    check_references(&fixture);
}

#[test]
fn the_enum_of_a_qualified_variant_goes_to_the_enum() {
    let fixture = Fixture::new(
        &(MODEL.replace("enum Mechanism {", "enum $[Mechanism]$ {")
            + "// file: policy.tenet\npackage p\nuse m\nrule r(t: Transfer) = t.mechanism == Mecha$0nism.bcr\n"),
    );
    check_definition(&fixture);
}

// Rules and their parameters.

#[test]
fn a_rule_with_parameters_is_found_where_it_is_called() {
    let fixture = with_model(
        "/// A transfer the GDPR allows.\nrule $[lawful]$(t: Transfer) = t.mechanism == adequacy\n\
         rule all_lawful on Contract = all t in transfers: $[law$0ful]$(t)\n\
         obligation lawful_transfers on Contract {\n  area: privacy\n  cite: \"x\"\n  must all t in transfers: $[lawful]$(t)\n}\n",
    );
    check_references(&fixture);
    check_rename(&fixture, "permitted");
    assert_eq!(
        fixture.hover().as_deref(),
        Some("```tenet\nrule lawful(t: Transfer)\n```\n`p.lawful`\n\nA transfer the GDPR allows.")
    );
}

#[test]
fn a_rule_parameter_is_a_local_of_its_rule() {
    let fixture = with_model(
        "rule lawful($[t]$: Transfer) = $[t]$.mechanism == adequacy or $[$0t]$.to == \"DE\"\n\
         rule other(t: Transfer) = t.to == \"FR\"\n",
    );
    check_references(&fixture);
    check_rename(&fixture, "transfer");
    assert_eq!(fixture.hover().as_deref(), Some("```tenet\nt: Transfer\n```\nparameter of rule `lawful`"));
}

#[test]
fn a_rule_parameter_goes_to_its_declaration() {
    let fixture = with_model("rule over($[limit]$: int) on Contract = dpa.exit.deadline_days > lim$0it\n");
    check_definition(&fixture);
}

// Constants and parameters.

#[test]
fn a_constant_shows_its_value() {
    let fixture = with_model(
        "/// The European Economic Area.\nconst $[EEA]$: set<string> = {\"AT\", \"DE\"}\n\
         rule inside(t: Transfer) = t.to in E$0EA\n",
    );
    check_definition(&fixture);
    assert_eq!(
        fixture.hover().as_deref(),
        Some("```tenet\nconst EEA: set<string> = {\"AT\", \"DE\"}\n```\n`p.EEA`\n\nThe European Economic Area.")
    );
}

#[test]
fn a_parameter_is_found_in_conditions_messages_overrides_and_tests() {
    let fixture = Fixture::new(
        &("// file: library.tenet
package lib
use m
/// Longest breach notice.
param $[max_notice]$: duration = 48h
obligation notice on Contract {
  area: privacy
  cite: \"GDPR Art. 33(2)\"
  must dpa.breach_notice_hours <= $[max_no$0tice]$
  because \"at most {$[max_notice]$}\"
}
// file: user.tenet
package user
use lib
override $[max_notice]$ = 24h
override lib.$[max_notice]$ = 12h
test \"stricter\" {
  override $[max_notice]$ = 6h
  given Contract { dpa: { breach_notice_hours: \"8h\" } }
  expect notice: violated
}
"
        .to_string()
            + MODEL),
    );
    check_references(&fixture);
    check_rename(&fixture, "max_breach_notice");
}

#[test]
fn hover_on_a_parameter_lists_its_overrides() {
    let fixture = Fixture::new(
        "// file: library.tenet
package lib
/// Longest breach notice.
param max_notice: duration = 48h
rule quick = 1h <= max_no$0tice
// file: user.tenet
package user
override lib.max_notice = 24h
",
    );
    assert_eq!(
        fixture.hover().as_deref(),
        Some(
            "```tenet\nparam max_notice: duration = 48h\n```\n`lib.max_notice` (library parameter; a package may override it)\n\noverridden to `24h` in package `user`\n\nLongest breach notice."
        )
    );
}

// Quantifier and aggregate variables.

#[test]
fn a_quantifier_variable_is_local_to_its_quantifier() {
    let fixture = with_model(
        "rule r on Contract = (all $[t]$ in transfers where $[t]$.to != \"DE\": $[$0t]$.mechanism == bcr)\n  \
         and (any t in transfers: t.to == \"FR\")\n",
    );
    check_references(&fixture);
    check_rename(&fixture, "transfer");
    assert_eq!(
        fixture.hover().as_deref(),
        Some("```tenet\nt: Transfer\n```\nelement variable of a quantifier or aggregate")
    );
}

#[test]
fn an_aggregate_variable_goes_to_its_binding() {
    let fixture = with_model("rule few on Contract = count($[t]$ in transfers where $0t.to == \"US\") <= 2\n");
    check_definition(&fixture);
}

#[test]
fn a_variable_over_a_set_of_variants_has_the_enum_type() {
    let fixture = with_model("rule r on Contract = any c in categories: $0c == biometric\n");
    assert_eq!(
        fixture.hover().as_deref(),
        Some("```tenet\nc: Category\n```\nelement variable of a quantifier or aggregate")
    );
}

// Items across files, imports and qualified names.

#[test]
fn an_imported_schema_goes_to_the_other_file() {
    let fixture = Fixture::new(
        &(MODEL.replace("schema Contract {", "schema $[Contract]$ {")
            + "// file: policy.tenet\npackage p\nuse m.Contract\nrule r on Contr$0act = id is present\n"),
    );
    check_definition(&fixture);
}

#[test]
fn a_qualified_kind_names_its_package_and_its_schema() {
    let source = MODEL.replace("schema Contract {", "schema $[Contract]$ {")
        + "// file: policy.tenet\npackage p\nrule r on m.Cont$0ract = id is present\n";
    let fixture = Fixture::new(&source);
    check_definition(&fixture);

    let fixture = Fixture::new(
        &(MODEL.replace("package m", "package $[m]$")
            + "// file: policy.tenet\npackage p\nrule r on $0m.Contract = id is present\n"),
    );
    check_definition(&fixture);
}

#[test]
fn a_use_names_a_package_or_an_item() {
    let fixture =
        Fixture::new(&(MODEL.replace("package m", "package $[m]$") + "// file: policy.tenet\npackage p\nuse $0m\n"));
    check_definition(&fixture);
    assert_eq!(fixture.hover().as_deref(), Some("```tenet\npackage m\n```\n1 file in this workspace"));

    let fixture = Fixture::new(
        &(MODEL.replace("enum Role {", "enum $[Role]$ {") + "// file: policy.tenet\npackage p\nuse m.Ro$0le\n"),
    );
    check_definition(&fixture);
}

#[test]
fn a_schema_is_renamed_in_types_kinds_uses_and_tests() {
    let fixture = Fixture::new(
        &(MODEL.replace("schema AiSystem {", "schema $[AiSystem]$ {")
            + "// file: policy.tenet\npackage p\nuse m.$[AiSystem]$\n\
               schema Deployment {\n  system: $[AiSystem]$?,\n  fleet: list<m.$[AiSystem]$>?,\n}\n\
               rule logged on $[Ai$0System]$ = logs\n\
               obligation logging on m.$[AiSystem]$ {\n  area: accountability\n  cite: \"x\"\n  must logs\n}\n\
               test \"logs\" {\n  given $[AiSystem]$ { logs: true }\n  expect logging: satisfied\n}\n"),
    );
    check_references(&fixture);
    check_rename(&fixture, "System");
}

#[test]
fn a_type_in_a_schema_field_goes_to_its_declaration() {
    let fixture = Fixture::new(
        &(MODEL.replace("schema Transfer {", "schema $[Transfer]$ {")
            + "// file: policy.tenet\npackage p\nuse m\nschema Register {\n  entries: list<Tran$0sfer>?,\n}\n"),
    );
    check_definition(&fixture);
}

#[test]
fn hover_on_a_schema_shows_its_fields() {
    let fixture = with_model("schema Register {\n  entries: list<Tr$0ansfer>?,\n}\n");
    assert_eq!(
        fixture.hover().as_deref(),
        Some("```tenet\nschema Transfer {\n  to: string?\n  mechanism: Mechanism?\n}\n```\n`m.Transfer`")
    );
}

#[test]
fn the_own_package_wins_over_an_import() {
    let fixture = with_model("schema $[Contract]$ {\n  local: bool?,\n}\nrule r on Contr$0act = local\n");
    check_definition(&fixture);
}

// Obligations named by exceptions, waivers and tests.

const OBLIGATIONS: &str = "// file: library.tenet
package lib
use m
/// Data goes back at the end.
obligation $[deletion]$ on Contract {
  area: privacy
  severity: high
  cite: \"GDPR Art. 28(3)(g)\"
  must dpa.exit.deadline_days <= 30
}
// file: user.tenet
package user
use m
use lib
obligation legal_hold on Contract {
  area: privacy
  cite: \"GDPR Art. 28(3)(g)\"
  exception to $[deletion]$
  when id == \"held\"
  must dpa is present
}
waiver $[deletion]$ where id == \"c-1\" {
  reason: \"renewal\"
  approved_by: \"DPO\"
  until: 2027-01-31
}
waiver lib.$[deletion]$ where id == \"c-2\" {
  reason: \"renewal\"
  approved_by: \"DPO\"
  until: 2027-01-31
}
test \"late exit\" {
  given Contract { dpa: { exit: { deadline_days: 90 } } }
  expect $[deletion]$: violated
  expect legal_hold: not_applicable
}
";

#[test]
fn an_obligation_is_found_from_exception_to() {
    let fixture =
        Fixture::new(&(OBLIGATIONS.replace("exception to $[deletion]$", "exception to $[dele$0tion]$") + MODEL));
    check_references(&fixture);
    check_rename(&fixture, "return_or_delete");
}

#[test]
fn an_obligation_is_found_from_a_waiver_and_an_expect() {
    let from_waiver = Fixture::new(&(OBLIGATIONS.replace("waiver $[deletion]$", "waiver $[dele$0tion]$") + MODEL));
    check_references(&from_waiver);
    let from_expect = Fixture::new(&(OBLIGATIONS.replace("expect $[deletion]$", "expect $[del$0etion]$") + MODEL));
    check_references(&from_expect);
}

#[test]
fn hover_on_an_obligation_shows_its_area_severity_and_citations() {
    let fixture = Fixture::new(&(OBLIGATIONS.replace("expect $[deletion]$", "expect del$0etion") + MODEL));
    assert_eq!(
        fixture.hover().as_deref(),
        Some(
            "```tenet\nobligation deletion on Contract\n```\n`lib.deletion`\n\narea `privacy` · severity `high`\n\ncites “GDPR Art. 28(3)(g)”\n\nData goes back at the end."
        )
    );
}

#[test]
fn a_waiver_selector_reads_the_target_obligations_document() {
    let fixture = Fixture::new(
        &(unmarked(OBLIGATIONS).replace("where id == \"c-1\"", "where i$0d == \"c-1\"")
            + &MODEL.replace("  id: string?,\n  vendor", "  $[id]$: string?,\n  vendor")),
    );
    check_definition(&fixture);
}

#[test]
fn areas_severities_and_outcomes_are_described_but_not_renamed() {
    let fixture =
        Fixture::new(&(OBLIGATIONS.replace("area: privacy\n  severity", "area: pri$0vacy\n  severity") + MODEL));
    assert_eq!(
        fixture.hover().as_deref(),
        Some(
            "```tenet\narea: privacy\n```\nprotecting personal data: encryption, processor terms, sub-processors, transfers, breach notice"
        )
    );
    assert_eq!(fixture.rename("secrecy"), Err(RenameError::NothingToRename));
    assert!(fixture.definition().is_empty());

    let fixture = Fixture::new(&(OBLIGATIONS.replace("severity: high", "severity: hi$0gh") + MODEL));
    assert_eq!(
        fixture.hover().as_deref(),
        Some("```tenet\nseverity: high\n```\nseverity scale: info < low < medium < **high** < critical")
    );

    let fixture = Fixture::new(&(OBLIGATIONS.replace(": violated", ": viol$0ated") + MODEL));
    assert_eq!(fixture.hover().as_deref(), Some("```tenet\noutcome violated\n```\nthe requirement does not hold"));
}

// Where the editor's own name walk used to differ from the checker (it now reads the
// checker's record, so it cannot).

#[test]
fn an_ambiguous_name_has_no_single_definition() {
    let fixture = Fixture::new(
        "// file: eu.tenet
package eu
const LIMIT: int = 365
// file: uk.tenet
package uk
const LIMIT: int = 180
// file: policy.tenet
package p
use eu
use uk
rule short = 30 <= LI$0MIT
",
    );
    assert_eq!(fixture.definition(), Vec::<String>::new());
    assert_eq!(fixture.hover(), None);
}

#[test]
fn a_variant_in_a_set_resolves_from_the_sets_first_element_as_the_checker_does() {
    let fixture = with_model("rule r on Contract = vendor.role in {Mechanism.bcr, proc$0essor}\n");
    assert_eq!(fixture.definition(), Vec::<String>::new());
}

// Completion.

#[test]
fn completion_after_a_dot_offers_the_fields_of_the_path() {
    let fixture = with_model("rule r on Contract = dpa.exit.$0\n");
    assert_eq!(fixture.completion_labels(), ["deadline_days"]);
    let fixture = with_model("rule r on Contract = dpa.$0\n");
    assert_eq!(fixture.completion_labels(), ["breach_notice_hours", "exit"]);
}

#[test]
fn completion_after_a_quantifier_variable_and_a_parameter_offers_their_fields() {
    let fixture = with_model("rule r on Contract = all t in transfers: t.$0\n");
    assert_eq!(fixture.completion_labels(), ["to", "mechanism"]);
    let fixture = with_model("rule r(v: Vendor) = v.$0\n");
    assert_eq!(fixture.completion_labels(), ["name", "role"]);
}

#[test]
fn completion_offers_variants_where_an_enum_is_expected() {
    let fixture = with_model("rule r on Contract = vendor.role == $0\n");
    assert_eq!(fixture.completion_labels(), ["processor", "controller"]);
    let fixture = with_model("rule r on Contract = categories contains any of {health, $0\n");
    assert_eq!(fixture.completion_labels(), ["health", "biometric", "contact"]);
    let fixture = with_model("rule r on Contract = x == Mechanism.$0\n");
    assert_eq!(fixture.completion_labels(), ["adequacy", "scc_2021_914", "bcr"]);
}

#[test]
fn completion_in_a_condition_offers_locals_fields_and_items_in_scope() {
    // The rule being written does not parse, so it is not offered; the others are.
    let fixture =
        with_model("const LIMIT: int = 3\nrule other on Contract = true\nrule over(n: int) on Contract = n > $0\n");
    assert_eq!(fixture.completions_of_kind(CompletionKind::Variable), ["n"]);
    assert_eq!(
        fixture.completions_of_kind(CompletionKind::Field),
        ["id", "vendor", "dpa", "transfers", "categories", "labels"]
    );
    assert_eq!(fixture.completions_of_kind(CompletionKind::Constant), ["LIMIT"]);
    assert_eq!(fixture.completions_of_kind(CompletionKind::Rule), ["other"]);
    assert_eq!(fixture.completions_of_kind(CompletionKind::Enum), ["Category", "Mechanism", "Role"]);
}

#[test]
fn completion_names_kinds_types_obligations_and_packages() {
    let fixture = with_model("rule r on $0");
    assert_eq!(fixture.completion_labels(), ["AiSystem", "Contract", "Dpa", "Exit", "Transfer", "Vendor"]);
    let fixture = with_model("schema Register {\n  entries: $0\n}\n");
    let types = fixture.completions_of_kind(CompletionKind::Type);
    assert_eq!(types, ["bool", "int", "decimal", "string", "date", "duration", "percent", "list", "set", "map"]);
    assert_eq!(fixture.completions_of_kind(CompletionKind::Enum), ["Category", "Mechanism", "Role"]);
    let fixture = Fixture::new(&(OBLIGATIONS.replace("expect legal_hold", "expect $0") + MODEL));
    assert_eq!(fixture.completion_labels(), ["deletion", "legal_hold"]);
    let fixture =
        Fixture::new(&(OBLIGATIONS.replace("expect legal_hold: not_applicable", "expect legal_hold: $0") + MODEL));
    assert_eq!(fixture.completion_labels(), ["satisfied", "violated", "not_applicable", "undetermined", "waived"]);
    let fixture = with_model("use $0");
    assert_eq!(fixture.completion_labels(), ["m", "p"]);
}
