//! The package commands: `tenet new`, `add`, `package`, `keygen`, `sign`, `verify`, `publish`
//! and `fetch`. The work is done by `tenet-pkg`; this module parses arguments, prints results
//! and renders errors.

mod author;
mod consume;
mod login;

pub use author::{
    KeygenArgs, NewArgs, PackageArgs, PublishArgs, SignArgs, VerifyArgs, keygen, new, package, publish, sign, verify,
};
pub use consume::{AddArgs, FetchArgs, add, fetch};
pub use login::{LoginArgs, LogoutArgs, login, logout};

use crate::exit::Exit;
use crate::render::Renderer;
use std::path::PathBuf;
use tenet_pkg::registry::ClientOptions;
use tenet_pkg::{PkgError, codes};

/// The environment variable that asks registries for tag lists in pages of this many tags.
const ENV_PAGE_SIZE: &str = "TENET_REGISTRY_PAGE_SIZE";

/// How to reach registries, shared by the commands that do.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConnectArgs {
    /// Trust the CA certificates in this PEM file for registries, besides the default roots
    /// (repeatable; `SSL_CERT_FILE` replaces the default roots).
    #[arg(long = "ca-file", value_name = "FILE")]
    pub ca_files: Vec<PathBuf>,
    /// The longest one request to a registry may take, from connecting to the last byte of its
    /// answer, in seconds [default: 60]; raise it for large packages over slow links.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub timeout: Option<u64>,
}

impl ConnectArgs {
    /// The client options: these CA files, this timeout and `TENET_REGISTRY_PAGE_SIZE`.
    fn options(&self) -> Result<ClientOptions, PkgError> {
        let page_size = match std::env::var(ENV_PAGE_SIZE) {
            Ok(text) if !text.is_empty() => Some(text.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
                PkgError::new(codes::BAD_VALUE, format!("`{ENV_PAGE_SIZE}` is `{text}`, not a positive number"))
                    .with_help(format!("unset `{ENV_PAGE_SIZE}` to let the registry choose its page size"))
            })?),
            _ => None,
        };
        Ok(ClientOptions {
            ca_files: self.ca_files.clone(),
            page_size,
            timeout: self.timeout.map(std::time::Duration::from_secs),
            ..ClientOptions::default()
        })
    }
}

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
