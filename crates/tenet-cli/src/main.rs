//! `tenet`: check policies and evaluate contracts and AI-system configs against them.
//!
//! Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or input errors,
//! 3 policy errors.

mod baseline;
mod check;
mod completions;
mod coverage;
mod decision_log;
mod doc;
mod eval;
mod eval_junit;
mod exit;
mod explain;
mod fmt;
mod github;
mod gitlab;
mod html;
mod options;
mod outputs;
mod pkg;
mod progress;
mod project;
mod render;
mod run_tests;
mod sarif;
mod schema;
mod select;

use clap::{Parser, Subcommand};
use exit::Exit;
use options::ColorChoice;
use std::process::ExitCode;

// Evaluation allocates and frees many small values; mimalloc does that faster than the
// system allocator, and its per-thread heaps keep parallel evaluation from contending.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Policy-as-code for the ethical obligations of outsourced, AI-driven work.
#[derive(Parser, Debug)]
#[command(name = "tenet", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// When to use colours: auto (when the output is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Type-check policy files and report every problem with its location.
    Check(check::CheckArgs),
    /// Evaluate documents (contracts, AI-system configs) against policies.
    Eval(eval::EvalArgs),
    /// Explain the whole decision of one obligation on a document, in plain language.
    Explain(explain::ExplainArgs),
    /// Check a decision log written by `tenet eval --log`.
    Log(decision_log::LogArgs),
    /// Run the `test` items of policy files and report failures (and coverage).
    Test(run_tests::TestArgs),
    /// Write a Markdown reference of obligations and parameters from their doc comments.
    Doc(doc::DocArgs),
    /// Write the JSON Schema of a document kind, for editors and CI validators.
    Schema(schema::SchemaArgs),
    /// Rewrite policy files in the canonical layout (`--check`, `--diff`, `-` for stdin).
    Fmt(fmt::FmtArgs),
    /// Create a new policy package.
    New(pkg::NewArgs),
    /// Add a dependency to `tenet.toml` (`NAME@REQ` with `--registry`, `--path` or `--git`).
    Add(pkg::AddArgs),
    /// Build a deterministic `.tar.gz` archive of a package.
    Package(pkg::PackageArgs),
    /// Generate an ed25519 key pair for signing packages.
    Keygen(pkg::KeygenArgs),
    /// Sign a package archive (writes `ARCHIVE.sig`).
    Sign(pkg::SignArgs),
    /// Verify a package archive's checksums and signature.
    Verify(pkg::VerifyArgs),
    /// Publish a package version to an OCI registry.
    Publish(pkg::PublishArgs),
    /// Resolve, download and verify dependencies; write `tenet.lock`.
    Fetch(pkg::FetchArgs),
    /// Check and store credentials for a registry (in Docker's `config.json` or its helper).
    Login(pkg::LoginArgs),
    /// Remove the stored credentials for a registry.
    Logout(pkg::LogoutArgs),
    /// Run the language server over standard input and output (for editors).
    Lsp,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the man page, or write one per command into a directory.
    Man(completions::ManArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout())
        }
    };
    let renderer = render::Renderer::new(color);
    let exit = match cli.command {
        Command::Check(args) => check::run(&args, &renderer),
        Command::Eval(args) => eval::run(&args, &renderer),
        Command::Explain(args) => explain::run(&args, &renderer),
        Command::Log(args) => decision_log::run(&args),
        Command::Test(args) => run_tests::run(&args, &renderer),
        Command::Doc(args) => doc::run(&args),
        Command::Schema(args) => schema::run(&args, &renderer),
        Command::Fmt(args) => fmt::run(&args, &renderer),
        Command::New(args) => pkg::new(&args, &renderer),
        Command::Add(args) => pkg::add(&args, &renderer),
        Command::Package(args) => pkg::package(&args, &renderer),
        Command::Keygen(args) => pkg::keygen(&args, &renderer),
        Command::Sign(args) => pkg::sign(&args, &renderer),
        Command::Verify(args) => pkg::verify(&args, &renderer),
        Command::Publish(args) => pkg::publish(&args, &renderer),
        Command::Fetch(args) => pkg::fetch(&args, &renderer),
        Command::Login(args) => pkg::login(&args, &renderer),
        Command::Logout(args) => pkg::logout(&args, &renderer),
        Command::Completions(args) => completions::completions(&args, <Cli as clap::CommandFactory>::command()),
        Command::Man(args) => completions::man(&args, <Cli as clap::CommandFactory>::command()),
        Command::Lsp => match tenet_lsp::run_stdio() {
            Ok(true) => Exit::Clean,
            // The protocol asks for status 1 when the client exits without shutting down.
            Ok(false) => Exit::Findings,
            Err(e) => {
                eprintln!("error: the language server could not start: {e}");
                Exit::Input
            }
        },
    };
    ExitCode::from(exit as u8)
}
