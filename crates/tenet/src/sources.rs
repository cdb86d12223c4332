//! Policies as text: what a loaded workspace was built from — every policy file's path and
//! text, and a project's `[params]` — so that the same engine can be rebuilt where the files
//! are not (a Python engine pickled to a Spark worker carries its sources, not paths).

use crate::engine::{Engine, PolicyErrors};
use crate::load::LoadedPolicies;
use std::sync::Arc;
use tenet_db::{Database, ManifestParam, ManifestParams, SourceFile, Workspace};
use tenet_syntax::ast::FileSpan;

/// Everything an engine was compiled from, as plain text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PolicySources {
    /// The workspace's files in workspace order: the user's, then the libraries (locked
    /// dependencies and the embedded standard library).
    pub files: Vec<PolicySource>,
    /// A project's `[params]`, with the manifest they were read from.
    pub manifest: Option<ManifestSource>,
}

/// One policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySource {
    /// The path as shown in reports (`<std>/…` for the embedded library).
    pub path: String,
    pub text: String,
    /// Whether it is a library file (the standard library or a dependency), which the
    /// database treats as rarely changing.
    pub library: bool,
}

/// A project's `tenet.toml` and the `[params]` entries read from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestSource {
    pub path: String,
    /// The manifest's text, into which the entries' byte ranges point.
    pub text: String,
    pub params: Vec<ParamSource>,
}

/// One `"package.parameter" = value` entry of `[params]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSource {
    /// The parameter's qualified name, as written.
    pub name: String,
    /// The value as Tenet literal text.
    pub literal: String,
    /// Byte range of the key in the manifest.
    pub name_span: (u32, u32),
    /// Byte range of the value in the manifest.
    pub value_span: (u32, u32),
}

impl LoadedPolicies {
    /// The texts this workspace holds, enough to rebuild it with [`load_sources`].
    pub fn sources(&self) -> PolicySources {
        let db = &self.db;
        let of = |file: &SourceFile, library: bool| PolicySource {
            path: file.path(db).to_string(),
            text: file.text(db).to_string(),
            library,
        };
        let mut files: Vec<PolicySource> = self.files.iter().map(|f| of(f, false)).collect();
        files.extend(self.std_files.iter().map(|f| of(f, true)));
        let manifest = self.workspace.manifest_params(db).as_ref().map(|m| ManifestSource {
            path: m.path.to_string(),
            text: m.text.to_string(),
            params: m
                .entries
                .iter()
                .map(|p| ParamSource {
                    name: p.name.to_string(),
                    literal: p.literal.to_string(),
                    name_span: (p.name_span.start, p.name_span.end),
                    value_span: (p.value_span.start, p.value_span.end),
                })
                .collect(),
        });
        PolicySources { files, manifest }
    }
}

/// A workspace holding exactly `sources`: no file is read and nothing is added.
pub fn load_sources(sources: &PolicySources) -> LoadedPolicies {
    let db = Database::default();
    let mut files = Vec::new();
    let mut std_files = Vec::new();
    for source in &sources.files {
        if source.library {
            std_files.push(SourceFile::library(&db, source.path.clone(), source.text.clone()));
        } else {
            files.push(SourceFile::new(&db, source.path.clone(), source.text.clone()));
        }
    }
    let manifest_params = sources.manifest.as_ref().map(|m| ManifestParams {
        path: Arc::from(m.path.as_str()),
        text: Arc::from(m.text.as_str()),
        entries: m
            .params
            .iter()
            .map(|p| ManifestParam {
                name: Arc::from(p.name.as_str()),
                literal: Arc::from(p.literal.as_str()),
                name_span: FileSpan::new(p.name_span.0, p.name_span.1),
                value_span: FileSpan::new(p.value_span.0, p.value_span.1),
            })
            .collect(),
    });
    let workspace =
        Workspace::builder(files.iter().chain(&std_files).copied().collect()).manifest_params(manifest_params).new(&db);
    LoadedPolicies { db, workspace, files, std_files, errors: Vec::new() }
}

impl Engine {
    /// The engine `sources` compile to; fails on policy errors as [`Engine::from_paths`] does.
    pub fn from_sources(sources: &PolicySources) -> Result<Engine, PolicyErrors> {
        Engine::checked(load_sources(sources))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{self, Std};

    #[test]
    fn sources_rebuild_the_same_program() {
        let loaded = load::load(&[], Std::Include);
        let sources = loaded.sources();
        assert!(sources.files.iter().all(|f| f.library && f.path.starts_with("<std>")), "{:?}", sources.files.len());
        let Ok(engine) = Engine::from_sources(&sources) else { unreachable!("the standard library has no errors") };
        let original = Engine::from_loaded(&loaded);
        assert_eq!(engine.program().obligations.len(), original.program().obligations.len());
        assert_eq!(load_sources(&sources).sources(), sources);
    }
}
