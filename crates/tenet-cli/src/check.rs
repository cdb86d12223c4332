//! `tenet check`: type-check policy files.

use crate::exit::Exit;
use crate::options::{Format, paths_or_cwd};
use crate::outputs::PolicyProblem;
use crate::render::Renderer;
use serde::Serialize;
use std::path::PathBuf;
use tenet::load as policy;

/// Arguments of `tenet check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Policy files or directories (searched recursively for `.tenet` files); default `.`.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Check without the embedded standard library (imports of `std.*` then fail).
    #[arg(long)]
    pub no_std: bool,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    code: String,
    severity: &'static str,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<String>,
}

/// Runs `tenet check`.
pub fn run(args: &CheckArgs, renderer: &Renderer) -> Exit {
    let std = if args.no_std { policy::Std::Exclude } else { policy::Std::Include };
    // With no path, a project in the current directory brings its dependencies and `[params]`.
    let project = match crate::project::current_project(!args.paths.is_empty(), renderer) {
        Ok(project) => project,
        Err(exit) => return exit,
    };
    let loaded = policy::load_with_project(&paths_or_cwd(&args.paths), std, project.as_ref());
    let mut out = String::new();
    let mut errors = loaded.errors.len();
    let mut warnings = 0;
    let mut json = Vec::new();
    for error in &loaded.errors {
        match args.format {
            // Without a file and line, the runner shows it on the job.
            Format::Github => out.push_str(&format!("::error::{}\n", crate::github::data(&error.to_string()))),
            Format::Human | Format::Json => out.push_str(&renderer.report(error)),
            // A file that cannot be read has no place in the policies to annotate.
            Format::Sarif | Format::Gitlab => eprint!("{}", renderer.report(error)),
        }
    }
    let mut problems: Vec<PolicyProblem> = Vec::new();
    // One line index per text, however many diagnostics it has.
    let mut indexes: std::collections::HashMap<&str, tenet_text::LineIndex> = std::collections::HashMap::new();
    for tenet::load::Located { path, text, diagnostic: d } in loaded.diagnostics() {
        if d.is_error() {
            errors += 1;
        } else {
            warnings += 1;
        }
        match args.format {
            Format::Human => out.push_str(&renderer.diagnostic(d, path, text)),
            Format::Github => {
                let index = indexes.entry(path).or_insert_with(|| tenet_text::LineIndex::new(text));
                let at = index.line_col(text, d.span.start as usize);
                let mut message = d.message.clone();
                if let Some(help) = crate::render::help_of(d) {
                    message.push_str("\nhelp: ");
                    message.push_str(&help);
                }
                out.push_str(&crate::github::diagnostic(
                    d.is_error(),
                    path,
                    at.line,
                    at.column,
                    &d.code.to_string(),
                    &message,
                ));
            }
            Format::Sarif | Format::Gitlab => {
                let index = indexes.entry(path).or_insert_with(|| tenet_text::LineIndex::new(text));
                let at = index.line_col(text, d.span.start as usize);
                let mut message = d.message.clone();
                if let Some(help) = crate::render::help_of(d) {
                    message.push_str(" (help: ");
                    message.push_str(&help);
                    message.push(')');
                }
                problems.push(PolicyProblem {
                    file: path.to_string(),
                    code: d.code.to_string(),
                    severity: if d.is_error() { "error" } else { "warning" },
                    message,
                    line: at.line,
                    column: at.column,
                });
            }
            Format::Json => {
                let index = indexes.entry(path).or_insert_with(|| tenet_text::LineIndex::new(text));
                let start = index.line_col(text, d.span.start as usize);
                let end = index.line_col(text, d.span.end as usize);
                let (line, column, end_line, end_column) = (start.line, start.column, end.line, end.column);
                json.push(JsonDiagnostic {
                    file: path,
                    code: d.code.to_string(),
                    severity: if d.is_error() { "error" } else { "warning" },
                    message: &d.message,
                    line,
                    column,
                    end_line,
                    end_column,
                    help: crate::render::help_of(d),
                });
            }
        }
    }
    match args.format {
        Format::Human => {
            let files = loaded.files.len();
            out.push_str(&format!(
                "checked {files} policy file{}: {errors} error{}, {warnings} warning{}\n",
                plural(files),
                plural(errors),
                plural(warnings)
            ));
            print!("{out}");
        }
        Format::Github => print!("{out}"),
        Format::Sarif => {
            let run = crate::sarif::Run { today: None, documents: &[], policy_problems: &problems };
            println!("{}", serde_json::to_string_pretty(&crate::sarif::log(&run)).unwrap_or_default());
        }
        Format::Gitlab => {
            let issues = crate::gitlab::policy_problems(&problems);
            if issues.is_empty() { println!("[]") } else { println!("[\n{issues}\n]") }
        }
        Format::Json => {
            let body = serde_json::json!({ "files": loaded.files.len(), "errors": errors, "warnings": warnings, "diagnostics": json });
            println!("{}", serde_json::to_string_pretty(&body).unwrap_or_default());
        }
    }
    if errors > 0 { Exit::Policy } else { Exit::Clean }
}

/// "s" unless there is exactly one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
