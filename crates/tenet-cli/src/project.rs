//! The project in the current directory, for commands given no policy path.

use std::path::Path;

/// The project whose `tenet.toml` is in the current directory (dependencies from the cache; no
/// network), when the command was given no policy path. A broken manifest or a missing
/// dependency is rendered, and the caller exits with the returned status.
pub fn current_project(
    paths_given: bool,
    renderer: &crate::render::Renderer,
) -> Result<Option<tenet_pkg::Project>, crate::exit::Exit> {
    if paths_given {
        return Ok(None);
    }
    tenet_pkg::project::load(Path::new(".")).map_err(|e| {
        eprint!("{}", renderer.report(&e));
        crate::exit::Exit::Input
    })
}
