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

/// The policies a command works on: the files under `policies`, or (given none) the current
/// project's sources, its locked dependencies and `[params]`, with the embedded standard
/// library unless `no_std`. Also returns the project, for its other settings.
pub fn load_policies(
    policies: &[std::path::PathBuf],
    no_std: bool,
    renderer: &crate::render::Renderer,
) -> Result<(Option<tenet_pkg::Project>, tenet::load::LoadedPolicies), crate::exit::Exit> {
    let std = if no_std { tenet::load::Std::Exclude } else { tenet::load::Std::Include };
    let project = current_project(!policies.is_empty(), renderer)?;
    let paths: Vec<std::path::PathBuf> = match &project {
        Some(p) => p.sources.iter().map(|s| s.path.clone()).collect(),
        None => policies.to_vec(),
    };
    let loaded = tenet::load::load_with_project(&paths, std, project.as_ref());
    Ok((project, loaded))
}
