//! Tenet as a library: load and check policies once — from paths, a project's `tenet.toml`,
//! or the embedded standard library — then evaluate many documents against them, from text
//! or files, on many threads, with typed findings.
//!
//! The `tenet` command line, the language server and the bindings all read a workspace
//! through [`load`] and evaluate through an [`Engine`]; [`stream`] runs evaluation over
//! inputs of any size in bounded memory, in input order.
//!
//! See `examples/evaluate.rs` for a complete program.

mod engine;
mod input;
pub mod load;
mod sources;
pub mod stream;

pub use engine::{Engine, PolicyErrors, PolicyProblem, ProjectError};
pub use input::load_problem;
pub use load::Std;
pub use sources::{ManifestSource, ParamSource, PolicySource, PolicySources, load_sources};
pub use tenet_eval::json_schema::JsonSchemaOptions;
pub use tenet_eval::{
    DocumentReport, DocumentResult, Evaluation, Evidence, Explain, Finding, InputProblem, Outcome, Summary, Tally,
    WaiverNote,
};
pub use tenet_input::{Format, Limits, LoadError};
pub use tenet_syntax::Level;
