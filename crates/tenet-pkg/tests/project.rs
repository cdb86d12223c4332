//! A project with a path dependency, loaded before and after `fetch`: an integration test,
//! since it crosses `project` and `fetch` (which loads the project to check it first).

#![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test fails loudly on unexpected input")]

use tenet_pkg::project::load_with_cache;
use tenet_pkg::{Cache, FetchOptions, codes};

#[test]
fn loads_own_and_path_dependency_sources() {
    let root = tempfile::tempdir().unwrap();
    let app = root.path().join("app");
    let shared = root.path().join("shared");
    std::fs::create_dir_all(app.join("tests")).unwrap();
    std::fs::create_dir_all(shared.join("policies")).unwrap();
    std::fs::write(
        app.join("tenet.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nshared = { path = \"../shared\" }\n[params]\n\"shared.limit\" = 3\n",
    )
    .unwrap();
    std::fs::write(app.join("main.tenet"), "package app\n").unwrap();
    std::fs::write(app.join("tests/t.tenet"), "package app\n").unwrap();
    std::fs::write(shared.join("tenet.toml"), "[package]\nname = \"shared\"\nversion = \"0.2.0\"\n").unwrap();
    std::fs::write(shared.join("policies/s.tenet"), "package shared\n").unwrap();
    let cache = Cache::at(root.path().join("cache"));
    let e = load_with_cache(&app, &cache).unwrap_err();
    assert_eq!(e.code(), codes::NOT_FETCHED);
    tenet_pkg::fetch(&app, &cache, &FetchOptions::default()).unwrap();
    let project = load_with_cache(&app, &cache).unwrap();
    assert_eq!(project.sources.len(), 1);
    assert_eq!(project.dependencies.len(), 1);
    assert_eq!(project.dependencies[0].sources[0].text, "package shared\n");
    assert_eq!(project.params[0].literal, "3");
}
