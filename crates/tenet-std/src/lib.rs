//! Tenet's standard library, embedded: the policy files of `policies/std` (one package per
//! area plus `std.model`), so `tenet eval contract.yaml` works with no policy path.
//!
//! This crate only carries text; the CLI and the language server load it into their
//! databases like any other policy file, under the paths [`path_of`] gives.

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// The version of the standard library (the workspace version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The path shown in messages for an embedded file, such as `<std>/privacy.tenet`.
pub fn path_of(name: &str) -> String {
    format!("<std>/{name}")
}

/// Whether `path` names an embedded standard-library file.
pub fn is_std_path(path: &str) -> bool {
    path.starts_with("<std>/")
}

/// The text of an embedded file by the path [`path_of`] gives.
pub fn text_of(path: &str) -> Option<&'static str> {
    let name = path.strip_prefix("<std>/")?;
    FILES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_and_the_model_are_embedded() {
        let names: Vec<&str> = FILES.iter().map(|(n, _)| *n).collect();
        for expected in [
            "model.tenet",
            "privacy.tenet",
            "bias.tenet",
            "transparency.tenet",
            "workers.tenet",
            "accountability.tenet",
        ] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
        assert!(FILES.iter().all(|(_, text)| text.contains("package std.")));
    }

    #[test]
    fn paths_round_trip() {
        let path = path_of("privacy.tenet");
        assert!(is_std_path(&path));
        assert_eq!(
            text_of(&path).map(str::len),
            FILES.iter().find(|(n, _)| *n == "privacy.tenet").map(|(_, t)| t.len())
        );
    }
}
