//! The checker tested directly, on an annotated corpus in the manner of ty's mdtest: each
//! `.tenet` file under `tests/annotated/` is a case, and the diagnostics the checker must give
//! are written as comments beside the code they are about (`// error[E0201]: unknown name`).
//! Every diagnostic must be annotated and every annotation matched; all mismatches of all cases
//! are reported together, each with its file and line. The conventions are described in
//! `tests/annotated/README.md`.
//!
//! `TENET_CASE=part-of-a-name cargo test -p tenet-db --test annotated` runs only the cases whose
//! file name contains that text.

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test harness reports failures by panicking"
)]

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tenet_db::{Database, SourceFile, Workspace, file_diagnostics};
use tenet_syntax::codes::{self, Section};
use tenet_syntax::lexer::{TokenKind, tokenize};
use tenet_syntax::{Diagnostic, Level};
use tenet_text::{LineCol, LineIndex};

/// Where the cases live, relative to this crate.
const CORPUS: &str = "tests/annotated";

/// The line that starts a new file of a case: `// file: NAME.tenet`.
const FILE_MARKER: &str = "// file: ";

/// One policy file of a case.
struct Part {
    /// The name after `// file:`, or the case's file name when it has a single file.
    name: String,
    /// The text the checker reads.
    text: String,
    /// The corpus file's line (1-based) that is this part's first line.
    first_line: usize,
}

/// What an annotation expects.
#[derive(Debug)]
struct Annotation {
    /// The part's line (1-based) where the diagnostic must start.
    line: usize,
    /// The part's line the annotation is written on.
    written_on: usize,
    /// The column (1-based, in characters) and length the carets mark, if any.
    carets: Option<(usize, usize)>,
    level: Level,
    /// `E0201`.
    code: String,
    /// Text the diagnostic's message must contain.
    message: Option<String>,
}

/// A diagnostic, located by line and column in its part.
struct Found {
    line: usize,
    column: usize,
    /// Characters of the span on its first line (an empty span is marked with one caret).
    length: usize,
    diagnostic: Diagnostic,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS)
}

/// Every case file, sorted by name.
fn case_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("the annotated corpus directory")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "tenet"))
        .collect();
    files.sort();
    files
}

/// The path shown in failures: relative to the crate, so it can be opened from the repository.
fn shown(path: &Path) -> String {
    format!("crates/tenet-db/{CORPUS}/{}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
}

/// Cuts a case into its files at `// file:` lines. Without such lines the whole text is one
/// file; with them, what precedes the first may only be comments and blank lines.
fn split_parts(case_name: &str, text: &str) -> Result<Vec<Part>, String> {
    let has_markers = text.lines().any(|line| line.starts_with(FILE_MARKER));
    if !has_markers {
        return Ok(vec![Part { name: case_name.to_string(), text: text.to_string(), first_line: 1 }]);
    }
    let mut parts: Vec<Part> = Vec::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        if let Some(name) = line.strip_prefix(FILE_MARKER) {
            let name = name.trim();
            if !name.ends_with(".tenet") {
                return Err(format!("{number}: a file of a case is named NAME.tenet, not `{name}`"));
            }
            if parts.iter().any(|p| p.name == name) {
                return Err(format!("{number}: the case has two files named `{name}`"));
            }
            parts.push(Part { name: name.to_string(), text: String::new(), first_line: number + 1 });
            continue;
        }
        match parts.last_mut() {
            Some(part) => part.text.push_str(line),
            None if line.trim().is_empty() || line.trim_start().starts_with("//") => {}
            None => return Err(format!("{number}: only comments may come before the first `{FILE_MARKER}` line")),
        }
    }
    Ok(parts)
}

/// The annotations of one part, and what is malformed about them (with the line).
fn annotations(text: &str) -> (Vec<Annotation>, Vec<(usize, String)>) {
    let index = LineIndex::new(text);
    let mut found = Vec::new();
    let mut problems = Vec::new();
    // Lines that hold only an annotation: an annotation written on its own line is about the
    // nearest line above that is not one of these.
    let mut annotation_lines = BTreeSet::new();
    let mut pending: Vec<(usize, bool, Annotation)> = Vec::new();
    for token in tokenize(text) {
        if token.kind != TokenKind::LineComment {
            continue;
        }
        let comment = &text[token.start..token.end];
        let LineCol { line, column } = index.line_col(text, token.start);
        let line_start = index.line_start(line - 1).unwrap_or(0);
        let own_line = text[line_start..token.start].trim().is_empty();
        let body = comment.trim_start_matches('/');
        let after_slashes = comment.len() - body.len();
        let trimmed = body.trim_start();
        let mut caret_column = column + after_slashes + (body.len() - trimmed.len());
        let carets = trimmed.chars().take_while(|&c| c == '^').count();
        let rest = trimmed[carets..].trim_start();
        let level = if rest.starts_with("error[") {
            Level::Error
        } else if rest.starts_with("warning[") {
            Level::Warning
        } else {
            if carets > 0 {
                problems.push((line, "carets must be followed by `error[CODE]` or `warning[CODE]`".into()));
            }
            continue;
        };
        let Some(open) = rest.find('[') else { continue };
        let Some(close) = rest.find(']') else {
            problems.push((line, "an annotation's code is written in brackets, `error[E0201]`".into()));
            continue;
        };
        let code = rest[open + 1..close].to_string();
        let after = rest[close + 1..].trim();
        let message = match after.strip_prefix(':') {
            Some(m) if !m.trim().is_empty() => Some(m.trim().to_string()),
            Some(_) | None if after.is_empty() || after == ":" => None,
            _ => {
                problems.push((line, format!("write `{}[{code}]: message`", level_word(level))));
                continue;
            }
        };
        if carets > 0 && !own_line {
            problems.push((line, "carets need a line of their own, under the code they mark".into()));
            continue;
        }
        if carets == 0 {
            caret_column = 0;
        }
        if own_line {
            annotation_lines.insert(line);
        }
        let annotation = Annotation {
            line,
            written_on: line,
            carets: (carets > 0).then_some((caret_column, carets)),
            level,
            code,
            message,
        };
        pending.push((line, own_line, annotation));
    }
    for (line, own_line, mut annotation) in pending {
        if own_line {
            let Some(target) = (1..line).rev().find(|l| !annotation_lines.contains(l)) else {
                problems.push((line, "an annotation on its own line needs a line of code above it".into()));
                continue;
            };
            annotation.line = target;
        }
        found.push(annotation);
    }
    (found, problems)
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// The annotation that would describe `d`, to paste into the case.
fn suggestion(d: &Diagnostic) -> String {
    format!("// {}[{}]: {}", level_word(d.level), d.code.number, d.message)
}

/// Whether `annotation` describes `found`.
fn matches(annotation: &Annotation, found: &Found) -> bool {
    let d = &found.diagnostic;
    annotation.line == found.line
        && annotation.level == d.level
        && annotation.code == d.code.number
        && annotation.carets.is_none_or(|(column, length)| column == found.column && length == found.length.max(1))
        && annotation.message.as_ref().is_none_or(|m| d.message.contains(m.as_str()))
}

/// Checks one case; returns its failures, one line each.
fn run_case(path: &Path, seen_codes: &mut BTreeSet<String>) -> Vec<String> {
    let shown_path = shown(path);
    let case_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let text = std::fs::read_to_string(path).expect("a readable case");
    let parts = match split_parts(&case_name, &text) {
        Ok(parts) => parts,
        Err(problem) => return vec![format!("{shown_path}:{problem}")],
    };
    let db = Database::default();
    let files: Vec<SourceFile> =
        parts.iter().map(|p| SourceFile::new(&db, format!("{case_name}/{}", p.name), p.text.clone())).collect();
    let workspace = Workspace::new(&db, files.clone());
    let mut failures = Vec::new();
    for (part, file) in parts.iter().zip(files) {
        let at = |line: usize| part.first_line + line - 1;
        let (expected, problems) = annotations(&part.text);
        failures.extend(
            problems
                .into_iter()
                .map(|(line, problem)| format!("{shown_path}:{}: malformed annotation: {problem}", at(line))),
        );
        for annotation in &expected {
            if codes::ALL.iter().any(|c| c.number == annotation.code) {
                seen_codes.insert(annotation.code.clone());
            } else {
                failures.push(format!(
                    "{shown_path}:{}: `{}` is not a code of the registry (tenet_syntax::codes)",
                    at(annotation.written_on),
                    annotation.code
                ));
            }
        }
        let index = LineIndex::new(&part.text);
        let mut actual: Vec<Option<Found>> = file_diagnostics(&db, workspace, file)
            .iter()
            .map(|d| {
                let start = d.span.start as usize;
                let LineCol { line, column } = index.line_col(&part.text, start);
                let line_end = index.line_start(line).map_or(part.text.len(), |next| next - 1);
                let end = (d.span.end as usize).clamp(start, line_end.max(start));
                let length = part.text.get(start..end).map_or(0, |t| t.chars().count());
                Some(Found { line, column, length, diagnostic: d.clone() })
            })
            .collect();
        // The most specific annotations choose first, so a loose one cannot take the
        // diagnostic a precise one on the same line describes.
        let mut order: Vec<&Annotation> = expected.iter().collect();
        order.sort_by_key(|a| (a.carets.is_none(), a.message.is_none()));
        for annotation in order {
            let slot = actual.iter_mut().find(|f| f.as_ref().is_some_and(|f| matches(annotation, f)));
            match slot {
                Some(slot) => *slot = None,
                None => {
                    let mut what = format!("{}[{}]", level_word(annotation.level), annotation.code);
                    if let Some((column, length)) = annotation.carets {
                        let _ = write!(what, " at column {column}, {length} characters long");
                    }
                    if let Some(message) = &annotation.message {
                        let _ = write!(what, " with a message containing `{message}`");
                    }
                    let on_line: Vec<String> = actual
                        .iter()
                        .flatten()
                        .filter(|f| f.line == annotation.line)
                        .map(|f| {
                            format!(
                                "{}[{}] at column {}, {} long: {}",
                                level_word(f.diagnostic.level),
                                f.diagnostic.code.number,
                                f.column,
                                f.length,
                                f.diagnostic.message
                            )
                        })
                        .collect();
                    let got = if on_line.is_empty() {
                        "none there".to_string()
                    } else {
                        format!("unmatched there: {}", on_line.join("; "))
                    };
                    failures.push(format!(
                        "{shown_path}:{}: expected {what} on line {} ({got})",
                        at(annotation.written_on),
                        at(annotation.line)
                    ));
                }
            }
        }
        for found in actual.into_iter().flatten() {
            failures.push(format!(
                "{shown_path}:{}:{}: unexpected diagnostic, annotate it with `{}`",
                at(found.line),
                found.column,
                suggestion(&found.diagnostic)
            ));
        }
    }
    failures
}

#[test]
fn every_case_gives_exactly_the_annotated_diagnostics() {
    let only = std::env::var("TENET_CASE").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for path in case_files() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        ran += 1;
        failures.extend(run_case(&path, &mut BTreeSet::new()));
    }
    assert!(ran > 0, "no case ran");
    assert!(failures.is_empty(), "{} mismatches in the annotated corpus:\n{}", failures.len(), failures.join("\n"));
}

/// A new code gets a case: every code of policies in the registry (documents' codes and a
/// project's rules come from evaluation, not the checker) is annotated somewhere in the corpus.
#[test]
fn every_code_of_the_checker_has_a_case() {
    let mut seen = BTreeSet::new();
    for path in case_files() {
        let _ = run_case(&path, &mut seen);
    }
    let missing: Vec<&str> = codes::ALL
        .iter()
        .filter(|code| {
            !matches!(code.section, Section::Documents | Section::ProjectRules) && !seen.contains(code.number)
        })
        .map(|code| code.number)
        .collect();
    assert!(missing.is_empty(), "no case of the annotated corpus expects {}", missing.join(", "));
}

/// The harness itself: annotations are found where the README says, and a mismatch is caught.
#[test]
fn the_harness_reads_annotations_as_documented() {
    let text =
        "rule r = x  // error[E0201]: unknown name\n  // ^ error[E0201]\n// warning[W0506]\n// a plain comment\n";
    let (found, problems) = annotations(text);
    assert!(problems.is_empty(), "{problems:?}");
    let read: Vec<String> = found.iter().map(|a| format!("{} {:?} {}", a.line, a.carets, a.code)).collect();
    assert_eq!(read, ["1 None E0201", "1 Some((6, 1)) E0201", "1 None W0506"]);
    assert_eq!(found[0].message.as_deref(), Some("unknown name"));

    let (_, problems) = annotations("rule r = x // ^^ error[E0201]\n// ^^ nothing\n");
    assert_eq!(problems.len(), 2, "{problems:?}");

    let parts = split_parts("c.tenet", "// two files\n// file: a.tenet\npackage a\n// file: b.tenet\npackage b\n")
        .expect("parts");
    let layout: Vec<(&str, usize)> = parts.iter().map(|p| (p.name.as_str(), p.first_line)).collect();
    assert_eq!(layout, [("a.tenet", 3), ("b.tenet", 5)]);
    assert!(split_parts("c.tenet", "package x\n// file: a.tenet\n").is_err());
}
