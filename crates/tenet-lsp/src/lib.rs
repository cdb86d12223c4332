//! The Tenet language server: a tower-lsp-server adapter over `tenet-ide` and the salsa
//! database. This crate is the only one that knows the protocol's types; it converts
//! `tenet-ide`'s results into them (`convert`, byte offsets to UTF-16 positions through
//! `tenet_text::LineIndex`), keeps the one writable database, and runs every request on a
//! cancellable snapshot of it.

mod convert;
mod documents;
mod server;
pub mod transport;
mod workspace;

pub use server::{Backend, uri_of};
pub use workspace::{path_to_uri, uri_to_path};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower_lsp_server::{LspService, Server};

/// Serves the protocol over standard input and output until the client exits. Every message
/// passes through [`transport`], so a bad one gets an error response instead of ending the
/// session. Returns whether the client asked to shut down before it exited (the protocol
/// wants exit status 1 when it did not).
pub fn run_stdio() -> std::io::Result<bool> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shut_down);
    let served: std::io::Result<()> = runtime.block_on(async move {
        let (service, socket) = LspService::new(move |client| Backend::new(client).with_shutdown_flag(flag));
        let (to_server, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, from_server) = tokio::io::duplex(1 << 16);
        let output = Arc::new(tokio::sync::Mutex::new(tokio::io::stdout()));
        let stdin = tokio::io::BufReader::new(tokio::io::stdin());
        let screen = tokio::spawn(transport::screen(stdin, to_server, Arc::clone(&output)));
        let relay = tokio::spawn(transport::relay(tokio::io::BufReader::new(from_server), output));
        Server::new(server_in, server_out, socket).serve(service).await;
        screen.abort();
        // The server's last messages (the answer to `shutdown`) still reach the client.
        relay.await.map_err(std::io::Error::other)?
    });
    // Reading standard input blocks a thread that nothing will wake: do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    served?;
    Ok(shut_down.load(Ordering::SeqCst))
}
