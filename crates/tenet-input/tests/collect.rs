//! Expanding command-line paths.

use std::path::{Path, PathBuf};

use miette::Diagnostic;
use tenet_input::{Format, InputPath, collect_inputs};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn touch(root: &Path, relative: &str) -> std::io::Result<PathBuf> {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&path, "a: 1\n")?;
    Ok(path)
}

#[test]
fn directories_are_searched_recursively_and_sorted() -> TestResult {
    let directory = tempfile::tempdir()?;
    let root = directory.path();
    for relative in [
        "tree/z.yaml",
        "tree/b/c.json",
        "tree/b/a.TOML",
        "tree/a.yml",
        "tree/notes.txt",
        "tree/.hidden/skip.yaml",
        "tree/.skip.yaml",
        "tree/b/deeper/d.yaml",
        "single.txt",
        "single.json",
    ] {
        touch(root, relative)?;
    }
    let paths = vec![
        root.join("single.json"),
        root.join("tree"),
        PathBuf::from("-"),
        root.join("single.txt"),
        root.join("missing.yaml"),
    ];
    let (inputs, errors) = collect_inputs(&paths);
    let file = |relative: &str, format| InputPath::File { path: root.join(relative), format };
    assert_eq!(
        inputs,
        vec![
            file("single.json", Format::Json),
            file("tree/a.yml", Format::Yaml),
            file("tree/b/a.TOML", Format::Toml),
            file("tree/b/c.json", Format::Json),
            file("tree/b/deeper/d.yaml", Format::Yaml),
            file("tree/z.yaml", Format::Yaml),
            InputPath::Stdin,
        ]
    );
    let codes: Vec<_> =
        errors.iter().map(|error| error.code().map(|code| code.to_string()).unwrap_or_default()).collect();
    assert_eq!(codes, ["tenet::input::format", "tenet::input::io"]);
    let first = errors.first().map(|error| error.to_string()).unwrap_or_default();
    assert_eq!(first, format!("cannot tell the format of `{}` from its extension", root.join("single.txt").display()));
    assert_eq!(
        errors.get(1).map(|error| error.file().to_owned()),
        Some(root.join("missing.yaml").display().to_string())
    );
    Ok(())
}
