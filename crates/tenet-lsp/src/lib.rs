//! The Tenet language server: a tower-lsp-server adapter over `tenet-ide` and the salsa
//! database. This crate is the only one that knows the protocol's types; it converts
//! `tenet-ide`'s results into them (`convert`, byte offsets to UTF-16 positions through
//! `tenet_text::LineIndex`), keeps the one writable database, and runs every request on a
//! cancellable snapshot of it.

mod convert;
mod server;
mod workspace;

pub use server::{Backend, uri_of};
pub use workspace::{path_to_uri, uri_to_path};

use tower_lsp_server::{LspService, Server};

/// Serves the protocol over standard input and output until the client exits.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async {
        let (service, socket) = LspService::new(Backend::new);
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
    Ok(())
}
