//! `tenet doc`: a Markdown reference of a package's obligations and parameters, generated from
//! the policies' own doc comments, so it cannot drift from them.

use crate::exit::Exit;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use tenet::load as policy;
use tenet_db::ir::{CompiledObligation, ConstValue, QualName};
use tenet_db::{Program, ProgramItem};

/// Arguments of `tenet doc`.
#[derive(clap::Args, Debug)]
pub struct DocArgs {
    /// Policy files or directories to document; default: the embedded standard library.
    pub paths: Vec<PathBuf>,
    /// Write the reference to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Do not write: exit with status 1 when `--output FILE` differs from what would be written.
    #[arg(long, requires = "output")]
    pub check: bool,
}

/// Runs `tenet doc`.
pub fn run(args: &DocArgs) -> Exit {
    let loaded = policy::load(&args.paths, policy::Std::Include);
    for e in &loaded.errors {
        eprintln!("error: {e}");
    }
    let documented: Vec<&str> = if args.paths.is_empty() {
        loaded.std_files.iter().map(|f| f.path(&loaded.db).as_str()).collect()
    } else {
        loaded.files.iter().map(|f| f.path(&loaded.db).as_str()).collect()
    };
    let errors: usize = loaded
        .files
        .iter()
        .chain(&loaded.std_files)
        .map(|&f| tenet_db::file_diagnostics(&loaded.db, loaded.workspace, f).iter().filter(|d| d.is_error()).count())
        .sum();
    if errors > 0 || !loaded.errors.is_empty() {
        eprintln!("error: the policies have errors; run `tenet check` first");
        return Exit::Policy;
    }
    let intros: BTreeMap<String, String> = loaded
        .files
        .iter()
        .chain(&loaded.std_files)
        .filter_map(|&f| {
            let package = tenet_db::file_outline(&loaded.db, f).package.clone()?;
            Some((package.to_string(), file_intro(f.text(&loaded.db))))
        })
        .collect();
    let program = tenet_db::compile_program(&loaded.db, loaded.workspace);
    let markdown = render(program, &documented, &intros, args.paths.is_empty());
    match (&args.output, args.check) {
        (Some(path), true) => {
            let current = std::fs::read_to_string(path).unwrap_or_default();
            if current == markdown {
                Exit::Clean
            } else {
                eprintln!(
                    "`{}` is out of date; regenerate it with `tenet doc{} --output {}`",
                    path.display(),
                    args.paths.iter().map(|p| format!(" {}", p.display())).collect::<String>(),
                    path.display()
                );
                Exit::Findings
            }
        }
        (Some(path), false) => match std::fs::write(path, &markdown) {
            Ok(()) => Exit::Clean,
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                Exit::Input
            }
        },
        (None, _) => {
            print!("{markdown}");
            Exit::Clean
        }
    }
}

/// The `//` comment lines at the top of a file, before its first item: the package's intro.
fn file_intro(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("//").filter(|_| !trimmed.starts_with("///")) {
            lines.push(rest.trim().to_string());
        } else if trimmed.is_empty() && lines.is_empty() {
            continue;
        } else {
            break;
        }
    }
    lines.join(" ").trim().to_string()
}

fn show(value: &ConstValue) -> String {
    tenet_eval::value_of_const(value).display()
}

fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

fn package_of(name: &str) -> &str {
    name.rsplit_once('.').map_or("", |(p, _)| p)
}

/// The text of a condition as written, whitespace collapsed.
fn quote<T>(item: &ProgramItem<T>, span: tenet_syntax::ast::ItemSpan) -> String {
    let start = (item.offset + span.start) as usize;
    let end = (item.offset + span.end) as usize;
    item.text.get(start..end).unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parameters an obligation reads, directly or through the rules it calls.
fn params_of(program: &Program, ob: &CompiledObligation) -> Vec<QualName> {
    let mut out: Vec<QualName> = Vec::new();
    let mut add = |names: Vec<QualName>| {
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    };
    if let Some(w) = &ob.when {
        add(w.params_read());
    }
    add(ob.requirement.params_read());
    let mut rules: Vec<QualName> = ob.calls.clone();
    let mut seen = Vec::new();
    while let Some(rule) = rules.pop() {
        if seen.contains(&rule) {
            continue;
        }
        if let Some(r) = program.rules.get(&rule) {
            add(r.item.body.params_read());
            rules.extend(r.item.calls.iter().cloned());
        }
        seen.push(rule);
    }
    out
}

fn render(program: &Program, paths: &[&str], intros: &BTreeMap<String, String>, is_std: bool) -> String {
    let mut out = String::new();
    let obligations: Vec<&ProgramItem<CompiledObligation>> =
        program.obligations.iter().filter(|o| paths.contains(&&*o.path)).collect();
    let params: Vec<_> = program.params.values().filter(|p| paths.contains(&&*p.path)).collect();
    if is_std {
        let _ = writeln!(out, "# The standard library\n");
        let _ = writeln!(
            out,
            "<!-- Generated by `tenet doc --output docs/standard-library.md` from the doc comments in `policies/std`. Do not edit by hand: edit the policies and regenerate. -->\n"
        );
        let _ = writeln!(
            out,
            "Tenet embeds this library: `tenet eval contract.yaml` applies it with no policy path, and `--no-std` leaves it out. Select parts of it with `--area AREA`, `--only PATTERN` and `--exclude PATTERN` (see docs/cli.md). Its {} obligations check two document kinds, `Contract` and `AiSystem`, whose fields are declared in `std.model`.\n",
            obligations.len()
        );
    } else {
        let _ = writeln!(out, "# Policy reference\n");
        let _ = writeln!(out, "<!-- Generated by `tenet doc` from the policies' doc comments. -->\n");
    }
    let _ = writeln!(out, "## Overview\n");
    let _ = writeln!(out, "| area | obligation | form | severity | applies to | source |");
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for ob in &obligations {
        let o = &ob.item;
        let _ = writeln!(
            out,
            "| {} | [`{}`](#{}) | {} | {} | `{}` | {} |",
            o.area,
            o.name,
            anchor(&o.name),
            o.modality.keyword(),
            o.severity.as_str(),
            short(&o.kind),
            o.cite.join("; ")
        );
    }
    if !params.is_empty() {
        let _ = writeln!(out, "\n## Parameters\n");
        let _ = writeln!(
            out,
            "A parameter is a value the library chose where the law gives none (or gives a maximum). A package of yours can change it with an `override` item, checked against the parameter's type; every run reports the overrides it used:\n"
        );
        if let Some(first) = params.first() {
            let _ = writeln!(
                out,
                "```tenet\npackage acme.policies\n\noverride {} = {}\n```\n",
                first.item.name,
                show(&first.item.default)
            );
        }
        let _ = writeln!(
            out,
            "A test can set a parameter for itself only, with `override NAME = VALUE` inside the test.\n"
        );
        let _ = writeln!(out, "| parameter | type | default | meaning |");
        let _ = writeln!(out, "|---|---|---|---|");
        for p in &params {
            let meaning = p.item.docs.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ =
                writeln!(out, "| `{}` | `{}` | `{}` | {} |", p.item.name, p.item.ty, show(&p.item.default), meaning);
        }
    }
    let mut by_package: BTreeMap<&str, Vec<&&ProgramItem<CompiledObligation>>> = BTreeMap::new();
    for ob in &obligations {
        by_package.entry(package_of(&ob.item.name)).or_default().push(ob);
    }
    // Packages in the order of the areas, then by name.
    let mut packages: Vec<&str> = by_package.keys().copied().collect();
    packages.sort_by_key(|p| {
        let area = by_package.get(p).and_then(|o| o.first()).map(|o| o.item.area);
        (area.and_then(|a| tenet_db::ir::Area::ALL.iter().position(|x| *x == a)).unwrap_or(usize::MAX), p.to_string())
    });
    for package in packages {
        let _ = writeln!(out, "\n## `{package}`\n");
        if let Some(intro) = intros.get(package).filter(|i| !i.is_empty()) {
            let _ = writeln!(out, "{intro}\n");
        }
        for ob in by_package.get(package).into_iter().flatten() {
            render_obligation(&mut out, program, ob);
        }
    }
    out
}

fn anchor(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect::<String>().to_lowercase()
}

fn render_obligation(out: &mut String, program: &Program, ob: &ProgramItem<CompiledObligation>) {
    let o = &ob.item;
    let _ = writeln!(out, "### `{}`\n", o.name);
    let _ = writeln!(
        out,
        "*{}* · area **{}** · severity **{}** · on `{}` documents · {}\n",
        o.modality.keyword(),
        o.area,
        o.severity.as_str(),
        short(&o.kind),
        o.cite.join("; ")
    );
    let mut docs = o.docs.lines();
    if let Some(summary) = docs.next() {
        let _ = writeln!(out, "**{}**\n", summary.trim());
    }
    let rest: Vec<&str> = docs.collect();
    let rest = rest.join("\n");
    if !rest.trim().is_empty() {
        let _ = writeln!(out, "{}\n", rest.trim());
    }
    match &o.when {
        Some(w) => {
            let _ = writeln!(out, "- Applies when: `{}`", quote(ob, w.span));
        }
        None => {
            let _ = writeln!(out, "- Applies to every `{}` document", short(&o.kind));
        }
    }
    let kw = match (o.modality, o.negated) {
        (tenet_syntax::ast::Modality::Recommendation, false) => "Should",
        (tenet_syntax::ast::Modality::Recommendation, true) => "Should not",
        (_, true) => "Must not",
        _ => "Must",
    };
    let _ = writeln!(out, "- {kw}: `{}`", quote(ob, o.requirement.span));
    let params = params_of(program, o);
    if !params.is_empty() {
        let shown: Vec<String> = params
            .iter()
            .map(|p| match program.params.get(p) {
                Some(def) => format!("`{p}` (default `{}`)", show(&def.item.default)),
                None => format!("`{p}`"),
            })
            .collect();
        let _ = writeln!(out, "- Parameters: {}", shown.join(", "));
    }
    if !o.exception_to.is_empty() {
        let names: Vec<String> = o.exception_to.iter().map(|n| format!("[`{n}`](#{})", anchor(n))).collect();
        let _ = writeln!(out, "- Exception to: {} (where this applies, that one is not applicable)", names.join(", "));
    }
    if let Some(by) = program.exceptions.get(&o.name) {
        let names: Vec<String> = by.iter().map(|n| format!("[`{n}`](#{})", anchor(n))).collect();
        let _ = writeln!(out, "- Displaced by: {}", names.join(", "));
    }
    let _ = writeln!(out);
}
