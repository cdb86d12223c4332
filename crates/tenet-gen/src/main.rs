//! `tenet-gen`: writes N generated documents as NDJSON (one JSON document per line) or as a
//! YAML stream of JSON flow documents, deterministic by seed.
//!
//! ```sh
//! cargo run --release -p tenet-gen -- --kind ai-system --count 20000 --seed 1 > systems.ndjson
//! ```

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: tenet-gen [--kind contract|ai-system|mixed] [--count N] [--seed S] [--yaml]

Writes N documents of the standard library's model to standard output, one JSON document per
line (NDJSON), or with --yaml as a YAML stream (`---` between JSON flow documents).
Defaults: --kind mixed --count 1000 --seed 1.";

fn main() -> ExitCode {
    let mut kind = tenet_gen::Kind::Mixed;
    let mut count: u64 = 1000;
    let mut seed: u64 = 1;
    let mut yaml = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("error: `{name}` needs a value"));
        let parsed: Result<(), String> = match arg.as_str() {
            "--kind" => value("--kind")
                .and_then(|v| tenet_gen::Kind::parse(&v).map(|k| kind = k).ok_or(format!("error: unknown kind `{v}`"))),
            "--count" => value("--count")
                .and_then(|v| v.parse().map(|n| count = n).map_err(|_| format!("error: `{v}` is not a count"))),
            "--seed" => value("--seed")
                .and_then(|v| v.parse().map(|n| seed = n).map_err(|_| format!("error: `{v}` is not a seed"))),
            "--yaml" => {
                yaml = true;
                Ok(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("error: unknown argument `{other}`")),
        };
        if let Err(message) = parsed {
            eprintln!("{message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (i, doc) in tenet_gen::documents(kind, seed).take(usize::try_from(count).unwrap_or(usize::MAX)).enumerate() {
        let written = if yaml {
            let sep = if i == 0 { "" } else { "---\n" };
            writeln!(out, "{sep}{doc}")
        } else {
            writeln!(out, "{doc}")
        };
        if written.is_err() {
            // The reader went away (`| head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}
