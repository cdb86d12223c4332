//! What a pickled engine carries: its policy sources as plain Python values (a version, the
//! files, a project's `[params]`), never file paths to read again; and their digest.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use sha2::{Digest, Sha256};
use tenet::{ManifestSource, ParamSource, PolicySource, PolicySources};

/// The version of the state's layout; a different one is refused.
const VERSION: u32 = 1;

/// A `[params]` entry: name, literal, and the byte ranges of key and value.
type Param = (String, String, (u32, u32), (u32, u32));

/// (version, files as (path, text, library), manifest as (path, text, params)).
pub type State = (u32, Vec<(String, String, bool)>, Option<(String, String, Vec<Param>)>);

pub fn state(sources: &PolicySources) -> State {
    let files = sources.files.iter().map(|f| (f.path.clone(), f.text.clone(), f.library)).collect();
    let manifest = sources.manifest.as_ref().map(|m| {
        let params = m.params.iter().map(|p| (p.name.clone(), p.literal.clone(), p.name_span, p.value_span)).collect();
        (m.path.clone(), m.text.clone(), params)
    });
    (VERSION, files, manifest)
}

pub fn sources(state: State) -> PyResult<PolicySources> {
    let (version, files, manifest) = state;
    if version != VERSION {
        return Err(PyValueError::new_err(format!(
            "the engine was pickled by another version of tenet (state {version}, this one reads {VERSION})"
        )));
    }
    Ok(PolicySources {
        files: files.into_iter().map(|(path, text, library)| PolicySource { path, text, library }).collect(),
        manifest: manifest.map(|(path, text, params)| ManifestSource {
            path,
            text,
            params: params
                .into_iter()
                .map(|(name, literal, name_span, value_span)| ParamSource { name, literal, name_span, value_span })
                .collect(),
        }),
    })
}

/// SHA-256 over every path, text and parameter, each length-prefixed, in hex.
pub fn digest(sources: &PolicySources) -> String {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    for f in &sources.files {
        field(f.path.as_bytes());
        field(f.text.as_bytes());
        field(&[u8::from(f.library)]);
    }
    if let Some(m) = &sources.manifest {
        field(m.path.as_bytes());
        field(m.text.as_bytes());
        for p in &m.params {
            field(p.name.as_bytes());
            field(p.literal.as_bytes());
            for n in [p.name_span.0, p.name_span.1, p.value_span.0, p.value_span.1] {
                field(&n.to_le_bytes());
            }
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
