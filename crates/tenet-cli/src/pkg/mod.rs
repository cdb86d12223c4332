//! The package commands: `tenet new`, `add`, `package`, `keygen`, `sign`, `verify`, `publish`
//! and `fetch`. The work is done by `tenet-pkg`; this module parses arguments, prints results
//! and renders errors.

mod author;
mod consume;

pub use author::{
    KeygenArgs, NewArgs, PackageArgs, PublishArgs, SignArgs, VerifyArgs, keygen, new, package, publish, sign, verify,
};
pub use consume::{AddArgs, FetchArgs, add, fetch};

use crate::exit::Exit;
use crate::render::Renderer;
use tenet_pkg::PkgError;

/// Prints a package error (with its related errors) to standard error; returns the exit status.
fn fail(renderer: &Renderer, error: &PkgError) -> Exit {
    for single in error.flatten() {
        eprint!("{}", renderer.report(&single));
    }
    Exit::Input
}

/// Runs a command body, turning an error into its rendering and exit status 2.
fn run(renderer: &Renderer, body: impl FnOnce() -> Result<(), PkgError>) -> Exit {
    match body() {
        Ok(()) => Exit::Clean,
        Err(e) => fail(renderer, &e),
    }
}

/// The first 12 hex digits of a digest, for messages.
fn short(digest: &str) -> &str {
    digest.get(..19).unwrap_or(digest)
}
