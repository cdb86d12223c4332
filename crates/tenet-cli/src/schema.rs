//! `tenet schema KIND`: a document kind as JSON Schema (draft 2020-12), for editors and CI
//! validators, from the policies in scope (the same selection as `tenet eval`).

use crate::exit::Exit;
use crate::render::Renderer;
use std::path::{Path, PathBuf};

/// Arguments of `tenet schema`.
#[derive(clap::Args, Debug)]
pub struct SchemaArgs {
    /// The document kind: a schema's name (`Contract`) or qualified name
    /// (`std.model.Contract`).
    #[arg(value_name = "KIND", required_unless_present = "all", conflicts_with = "all")]
    pub kind: Option<String>,
    /// Write one `KIND.schema.json` per document kind (every schema obligations apply to)
    /// into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub all: Option<PathBuf>,
    /// Write the schema to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Policy files or directories (repeatable), beside the embedded standard library.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Leave out the embedded standard library (then `--policy` is needed).
    #[arg(long)]
    pub no_std: bool,
    /// Refuse fields the schema does not declare (`additionalProperties: false`), as
    /// `tenet eval --strict` does; by default they are allowed, as `tenet eval` only warns.
    /// Default: the project's `[gate] strict`.
    #[arg(long)]
    pub strict: bool,
    /// The schema's `$id` (with `--all`, a prefix the file name is appended to); default:
    /// `urn:tenet:schema:` and the schema's qualified name.
    #[arg(long, value_name = "URI")]
    pub id: Option<String>,
}

/// Runs `tenet schema`.
pub fn run(args: &SchemaArgs, renderer: &Renderer) -> Exit {
    if args.no_std && args.policies.is_empty() {
        eprintln!(
            "error: no schemas to export: `--no-std` leaves out the standard library and no `--policy` was given\n\nhelp: pass your policies with `--policy PATH`, or drop `--no-std`"
        );
        return Exit::Input;
    }
    let (project, loaded) = match crate::project::load_policies(&args.policies, args.no_std, renderer) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    if !args.policies.is_empty() && loaded.files.is_empty() && loaded.errors.is_empty() {
        eprintln!(
            "error: no `.tenet` files found under {}",
            args.policies.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", ")
        );
        return Exit::Input;
    }
    // Schemas with errors are left out of the program, so a schema exported from broken
    // policies could be missing fields: refuse, as `tenet doc` does.
    let engine = match tenet::Engine::checked(loaded) {
        Ok(engine) => engine,
        Err(errors) => {
            for e in &errors.files {
                eprint!("{}", renderer.report(e));
            }
            for p in &errors.problems {
                eprint!("{}", renderer.diagnostic(&p.diagnostic, &p.at.path, &p.text));
            }
            eprintln!("error: the policies have errors; run `tenet check` first");
            return Exit::Policy;
        }
    };
    let strict = args.strict || project.as_ref().is_some_and(|p| p.manifest.gate.strict.unwrap_or(false));
    match (&args.kind, &args.all) {
        (Some(kind), _) => {
            let options = tenet::JsonSchemaOptions { strict, id: args.id.clone() };
            let schema = match engine.json_schema(kind, &options) {
                Ok(schema) => schema,
                Err(d) => {
                    eprint!("{}", crate::render::detached(&d));
                    return Exit::Input;
                }
            };
            let text = pretty(&schema);
            match &args.output {
                Some(path) => write(path, &text),
                None => {
                    print!("{text}");
                    Exit::Clean
                }
            }
        }
        (None, Some(dir)) => write_all(&engine, dir, strict, args.id.as_deref()),
        (None, None) => {
            eprintln!("error: name a document kind, or give `--all DIR`");
            Exit::Input
        }
    }
}

/// Writes one file per document kind into `dir`, named by the kind's short name unless two
/// kinds share it.
fn write_all(engine: &tenet::Engine, dir: &Path, strict: bool, id_prefix: Option<&str>) -> Exit {
    let kinds = engine.document_kinds();
    if kinds.is_empty() {
        eprintln!(
            "error: no document kinds: no obligation applies to any schema\n\nhelp: name a schema: `tenet schema KIND`"
        );
        return Exit::Input;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create `{}`: {e}", dir.display());
        return Exit::Input;
    }
    let short = |k: &str| k.rsplit('.').next().unwrap_or(k).to_string();
    for kind in &kinds {
        let name = short(kind);
        let file = if kinds.iter().filter(|k| short(k) == name).count() > 1 {
            format!("{kind}.schema.json")
        } else {
            format!("{name}.schema.json")
        };
        let options = tenet::JsonSchemaOptions { strict, id: id_prefix.map(|p| format!("{p}{file}")) };
        let schema = match engine.json_schema(kind, &options) {
            Ok(schema) => schema,
            Err(d) => {
                eprint!("{}", crate::render::detached(&d));
                return Exit::Input;
            }
        };
        let path = dir.join(&file);
        let exit = write(&path, &pretty(&schema));
        if exit != Exit::Clean {
            return exit;
        }
        println!("wrote `{}`", path.display());
    }
    Exit::Clean
}

/// The schema as indented JSON, its top-level keywords in the order people read them
/// (`$schema`, `$id`, `title`, … `$defs` last); inside, keys are sorted.
fn pretty(schema: &serde_json::Value) -> String {
    const ORDER: [&str; 9] =
        ["$schema", "$id", "title", "description", "type", "properties", "required", "additionalProperties", "$defs"];
    let Some(map) = schema.as_object() else {
        return format!("{}\n", serde_json::to_string_pretty(schema).unwrap_or_default());
    };
    let rank = |key: &str| ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len());
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|k| rank(k));
    let members: Vec<String> = keys
        .iter()
        .filter_map(|key| {
            let value = serde_json::to_string_pretty(map.get(key.as_str())?).ok()?;
            let key = serde_json::to_string(key).ok()?;
            Some(format!("  {key}: {}", value.replace('\n', "\n  ")))
        })
        .collect();
    format!("{{\n{}\n}}\n", members.join(",\n"))
}

fn write(path: &Path, text: &str) -> Exit {
    match std::fs::write(path, text) {
        Ok(()) => Exit::Clean,
        Err(e) => {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            Exit::Input
        }
    }
}
