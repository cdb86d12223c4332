//! A small client for OCI registries (the OCI distribution spec): packages are OCI artifacts,
//! one per version, tagged with the version.
//!
//! Media types (also in docs/packages.md):
//! - manifest: `application/vnd.oci.image.manifest.v1+json`, `artifactType`
//!   `application/vnd.tenet.package.v1`, config the empty descriptor
//!   `application/vnd.oci.empty.v1+json` (`{}`);
//! - layer 1, the archive: `application/vnd.tenet.package.v1.tar+gzip`;
//! - layer 2 (optional), the signature: `application/vnd.tenet.package.signature.v1+json`.

pub mod auth;
pub mod credentials;
pub mod transport;

use crate::error::{PkgError, codes};
use crate::manifest::RegistryRef;
use crate::sign::Signature;
use auth::Access;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
pub use transport::ClientOptions;
use transport::{Call, Transport, lowercase, registry_error};
use ureq::http::Method;

/// The artifact type of a package.
pub const ARTIFACT_TYPE: &str = "application/vnd.tenet.package.v1";
/// The archive layer's media type.
pub const ARCHIVE_MEDIA_TYPE: &str = "application/vnd.tenet.package.v1.tar+gzip";
/// The signature layer's media type.
pub const SIGNATURE_MEDIA_TYPE: &str = "application/vnd.tenet.package.signature.v1+json";
/// The OCI image manifest media type.
pub const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// The empty config's media type.
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// The empty config blob.
const EMPTY_BLOB: &[u8] = b"{}";

/// The largest manifest or signature read from a registry.
const MAX_SMALL_BODY: u64 = 1 << 20;

/// An OCI content descriptor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    /// `sha256:<hex>`.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// An OCI image manifest describing one package version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OciManifest {
    /// Always 2.
    pub schema_version: u32,
    /// [`MANIFEST_MEDIA_TYPE`].
    #[serde(default)]
    pub media_type: Option<String>,
    /// [`ARTIFACT_TYPE`].
    #[serde(default)]
    pub artifact_type: Option<String>,
    /// The empty config.
    pub config: Descriptor,
    /// The archive, then optionally the signature.
    pub layers: Vec<Descriptor>,
    /// Annotations (`org.opencontainers.image.version`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

impl OciManifest {
    /// The layer of type [`ARCHIVE_MEDIA_TYPE`], if the manifest has one.
    pub fn archive(&self) -> Option<&Descriptor> {
        self.layers.iter().find(|l| l.media_type == ARCHIVE_MEDIA_TYPE)
    }

    /// The signature layer, if any.
    pub fn signature(&self) -> Option<&Descriptor> {
        self.layers.iter().find(|l| l.media_type == SIGNATURE_MEDIA_TYPE)
    }
}

/// A blocking registry client: HTTPS, authentication, retries (see [`transport`]).
pub struct Client {
    transport: Transport,
    page_size: Option<u32>,
}

/// The most tag-list pages read for one repository.
const MAX_PAGES: usize = 10_000;

impl Client {
    /// A client with the options' timeout per request (60 s by default); fails when a CA file
    /// cannot be read.
    pub fn new(options: &ClientOptions) -> Result<Client, PkgError> {
        Ok(Client { transport: Transport::new(options)?, page_size: options.page_size })
    }

    fn url(reference: &RegistryRef, tail: &str) -> String {
        format!("{}{}/{tail}", reference.api_base(), reference.repository)
    }

    fn fail(reference: &RegistryRef, what: &str, e: &ureq::Error) -> PkgError {
        if let ureq::Error::Timeout(_) = e {
            return transport::timeout_error(reference, what);
        }
        if let ureq::Error::BodyExceedsLimit(limit) = e {
            return registry_error(
                reference,
                format!("cannot {what} at `{}`: the answer is longer than the limit of {limit} bytes", reference.host),
            );
        }
        let text = e.to_string();
        let text = text.strip_prefix("io: ").unwrap_or(&text);
        let text = text.split(" (os error").next().unwrap_or(text);
        registry_error(reference, format!("cannot {what} at `{}`: {}", reference.host, lowercase(text)))
    }

    /// The response body, refused when longer than `limit` bytes.
    fn body(
        reference: &RegistryRef,
        what: &str,
        response: &mut ureq::http::Response<ureq::Body>,
        limit: u64,
    ) -> Result<Vec<u8>, PkgError> {
        response.body_mut().with_config().limit(limit).read_to_vec().map_err(|e| Self::fail(reference, what, &e))
    }

    /// The error for an answer the caller did not expect, saying what to do about it.
    fn status_error(
        &self,
        reference: &RegistryRef,
        what: &str,
        access: Access,
        response: &mut ureq::http::Response<ureq::Body>,
    ) -> PkgError {
        let status = response.status();
        let body = response.body_mut().with_config().limit(MAX_SMALL_BODY).read_to_string().unwrap_or_default();
        let detail = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.pointer("/errors/0/message").and_then(|m| m.as_str()).map(str::to_string))
            .map(|m| format!(" ({})", lowercase(&m)))
            .unwrap_or_default();
        let host = &reference.host;
        let repository = &reference.repository;
        let needed = if access == Access::Push { "push to" } else { "pull from" };
        let tries = transport::MAX_RETRIES + 1;
        match status.as_u16() {
            401 => match self.transport.credential_source(reference) {
                Some(source) => transport::refused(reference, what, &source),
                None => transport::needs_credentials(reference, what),
            },
            403 => PkgError::new(codes::AUTH, format!("cannot {what}: `{host}` denied access{detail}")).with_help(
                format!(
                    "the account whose credentials were sent needs permission to {needed} `{repository}`; \
                     ask the registry's administrator, or log in as another user with `tenet login {host}`"
                ),
            ),
            404 => PkgError::new(
                codes::REGISTRY,
                format!("cannot {what}: `{host}` has no such repository or object{detail}"),
            )
            .with_help(format!(
                "check the repository name `{repository}`; hosted registries also answer 404 for a repository you may not see"
            )),
            429 => PkgError::new(
                codes::REGISTRY,
                format!("cannot {what}: `{host}` is rate-limiting requests (429 Too Many Requests, still after {tries} tries)"),
            )
            .with_help("wait a few minutes and try again; registries usually allow more requests to logged-in users"),
            500..=599 => PkgError::new(
                codes::REGISTRY,
                format!("cannot {what}: `{host}` answered {status}{detail}, still after {tries} tries"),
            )
            .with_help("the registry has a problem of its own; try again later or tell its administrator"),
            400 if reference.plain_http && body.contains("HTTPS") => PkgError::new(
                codes::TLS,
                format!("cannot {what}: `{host}` speaks HTTPS, and plain HTTP was used"),
            )
            .with_help(format!("write the registry as `https://{host}/…` (loopback hosts use plain HTTP unless told)")),
            _ => registry_error(reference, format!("cannot {what}: `{host}` answered {status}{detail}")),
        }
    }

    fn get(
        &self,
        reference: &RegistryRef,
        url: String,
        what: &str,
    ) -> Result<ureq::http::Response<ureq::Body>, PkgError> {
        self.transport.send(reference, Call::new(Method::GET, url, Access::Pull), what)
    }

    /// Checks that the registry answers and accepts the configured credentials (`GET /v2/`).
    pub fn check_login(&self, reference: &RegistryRef) -> Result<(), PkgError> {
        let what = format!("log in to `{}`", reference.host);
        let call = Call::new(Method::GET, reference.api_base(), Access::Registry);
        let mut response = self.transport.send(reference, call, &what)?;
        match response.status().as_u16() {
            200 => Ok(()),
            _ => Err(self.status_error(reference, &what, Access::Registry, &mut response)),
        }
    }

    /// The repository's tags, every page of them (following `Link` headers); an unknown
    /// repository has none.
    pub fn tags(&self, reference: &RegistryRef) -> Result<Vec<String>, PkgError> {
        #[derive(Deserialize)]
        struct Tags {
            tags: Option<Vec<String>>,
        }
        let what = format!("list the versions of `{reference}`");
        let mut url = Self::url(reference, "tags/list");
        if let Some(n) = self.page_size {
            url = format!("{url}?n={n}");
        }
        let mut all = Vec::new();
        for page in 0..MAX_PAGES {
            let mut response = self.get(reference, url.clone(), &what)?;
            match response.status().as_u16() {
                200 => {}
                404 if page == 0 => return Ok(Vec::new()),
                _ => return Err(self.status_error(reference, &what, Access::Pull, &mut response)),
            }
            let next = transport::header(&response, "link").and_then(next_link).map(|l| transport::resolve(&url, &l));
            let body = Self::body(reference, &what, &mut response, MAX_SMALL_BODY)?;
            let tags: Tags = serde_json::from_slice(&body)
                .map_err(|e| registry_error(reference, format!("cannot {what}: the answer is not a tag list ({e})")))?;
            all.extend(tags.tags.unwrap_or_default());
            match next {
                Some(next) if next != url => url = next,
                _ => return Ok(all),
            }
        }
        Err(registry_error(reference, format!("cannot {what}: more than {MAX_PAGES} pages of tags")))
    }

    /// The manifest tagged `tag`, or `None` when there is no such tag.
    pub fn manifest(&self, reference: &RegistryRef, tag: &str) -> Result<Option<OciManifest>, PkgError> {
        self.manifest_for(reference, tag, Access::Pull)
    }

    fn manifest_for(
        &self,
        reference: &RegistryRef,
        tag: &str,
        access: Access,
    ) -> Result<Option<OciManifest>, PkgError> {
        let what = format!("read `{reference}:{tag}`");
        let call = Call::new(Method::GET, Self::url(reference, &format!("manifests/{tag}")), access)
            .header("Accept", MANIFEST_MEDIA_TYPE);
        let mut response = self.transport.send(reference, call, &what)?;
        match response.status().as_u16() {
            200 => {}
            404 => return Ok(None),
            _ => return Err(self.status_error(reference, &what, access, &mut response)),
        }
        let body = Self::body(reference, &what, &mut response, MAX_SMALL_BODY)?;
        let manifest: OciManifest = serde_json::from_slice(&body)
            .map_err(|e| registry_error(reference, format!("cannot {what}: not an OCI manifest ({e})")))?;
        if manifest.archive().is_none() {
            return Err(registry_error(
                reference,
                format!("`{reference}:{tag}` is not a tenet package (no `{ARCHIVE_MEDIA_TYPE}` layer)"),
            ));
        }
        Ok(Some(manifest))
    }

    /// Downloads the blob `descriptor` names, refusing more than `limit` bytes and checking
    /// that the bytes have the digest the manifest promised.
    pub fn blob(
        &self,
        reference: &RegistryRef,
        descriptor: &Descriptor,
        limit: u64,
        what: &str,
    ) -> Result<Vec<u8>, PkgError> {
        let action = format!("download {what}");
        if descriptor.size > limit {
            return Err(PkgError::new(
                codes::UNSAFE_ARCHIVE,
                format!("refusing {what}: it is {} bytes, more than the limit of {limit}", descriptor.size),
            ));
        }
        let mut response =
            self.get(reference, Self::url(reference, &format!("blobs/{}", descriptor.digest)), &action)?;
        if response.status().as_u16() != 200 {
            return Err(self.status_error(reference, &action, Access::Pull, &mut response));
        }
        let bytes = Self::body(reference, &action, &mut response, limit)?;
        let actual = crate::archive::digest_of(&bytes);
        if actual != descriptor.digest {
            return Err(PkgError::new(
                codes::DIGEST_MISMATCH,
                format!(
                    "{what} from `{reference}` does not match its digest: expected `{}`, got `{actual}`",
                    descriptor.digest
                ),
            )
            .with_help("the registry's copy is corrupted or was tampered with; nothing was installed"));
        }
        Ok(bytes)
    }

    /// Downloads and parses the signature layer, if the manifest has one.
    pub fn signature(
        &self,
        reference: &RegistryRef,
        manifest: &OciManifest,
        what: &str,
    ) -> Result<Option<Signature>, PkgError> {
        let Some(layer) = manifest.signature() else { return Ok(None) };
        let bytes = self.blob(reference, layer, MAX_SMALL_BODY, &format!("the signature of {what}"))?;
        Signature::from_json(&bytes, what).map(Some)
    }

    fn upload(&self, reference: &RegistryRef, bytes: &[u8], media_type: &str) -> Result<Descriptor, PkgError> {
        let digest = crate::archive::digest_of(bytes);
        let descriptor = Descriptor {
            media_type: media_type.to_string(),
            digest: digest.clone(),
            size: bytes.len() as u64,
            annotations: BTreeMap::new(),
        };
        let what = format!("upload a blob to `{reference}`");
        let head = Call::new(Method::HEAD, Self::url(reference, &format!("blobs/{digest}")), Access::Push);
        let exists = self.transport.send(reference, head, &what)?;
        if exists.status().as_u16() == 200 {
            return Ok(descriptor);
        }
        let start = Call::new(Method::POST, Self::url(reference, "blobs/uploads/"), Access::Push).body(&[]);
        let mut started = self.transport.send(reference, start, &what)?;
        if started.status().as_u16() != 202 {
            return Err(self.status_error(reference, &what, Access::Push, &mut started));
        }
        let Some(location) = started.headers().get("Location").and_then(|l| l.to_str().ok()) else {
            return Err(registry_error(reference, format!("cannot {what}: the registry gave no upload location")));
        };
        let location = if location.starts_with("http://") || location.starts_with("https://") {
            location.to_string()
        } else {
            let scheme = if reference.plain_http { "http" } else { "https" };
            format!("{scheme}://{}{location}", reference.host)
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let put = Call::new(Method::PUT, format!("{location}{separator}digest={digest}"), Access::Push)
            .header("Content-Type", "application/octet-stream")
            .body(bytes);
        let mut done = self.transport.send(reference, put, &what)?;
        if done.status().as_u16() != 201 {
            return Err(self.status_error(reference, &what, Access::Push, &mut done));
        }
        Ok(descriptor)
    }

    /// Publishes an archive (and its signature) as the manifest tagged `version`. Returns the
    /// manifest's digest.
    pub fn publish(
        &self,
        reference: &RegistryRef,
        version: &str,
        name: &str,
        archive: &[u8],
        signature: Option<&Signature>,
    ) -> Result<String, PkgError> {
        let config = self.upload(reference, EMPTY_BLOB, EMPTY_MEDIA_TYPE)?;
        let mut layer = self.upload(reference, archive, ARCHIVE_MEDIA_TYPE)?;
        layer.annotations.insert("org.opencontainers.image.title".into(), format!("{name}-{version}.tar.gz"));
        let mut layers = vec![layer];
        if let Some(sig) = signature {
            layers.push(self.upload(reference, sig.to_json().as_bytes(), SIGNATURE_MEDIA_TYPE)?);
        }
        let mut annotations = BTreeMap::new();
        annotations.insert("org.opencontainers.image.title".into(), name.to_string());
        annotations.insert("org.opencontainers.image.version".into(), version.to_string());
        let manifest = OciManifest {
            schema_version: 2,
            media_type: Some(MANIFEST_MEDIA_TYPE.into()),
            artifact_type: Some(ARTIFACT_TYPE.into()),
            config,
            layers,
            annotations,
        };
        let body = serde_json::to_vec(&manifest)
            .map_err(|e| PkgError::new(codes::REGISTRY, format!("cannot write the manifest: {e}")))?;
        let what = format!("publish `{reference}:{version}`");
        let put = Call::new(Method::PUT, Self::url(reference, &format!("manifests/{version}")), Access::Push)
            .header("Content-Type", MANIFEST_MEDIA_TYPE)
            .body(&body);
        let mut response = self.transport.send(reference, put, &what)?;
        if response.status().as_u16() != 201 {
            return Err(self.status_error(reference, &what, Access::Push, &mut response));
        }
        Ok(crate::archive::digest_of(&body))
    }
}

/// The `rel="next"` target of a `Link` header (`<url>; rel="next"`).
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::next_link;

    #[test]
    fn link_headers() {
        assert_eq!(
            next_link("</v2/tenet/lib/tags/list?last=1.1.0&n=2>; rel=\"next\"").as_deref(),
            Some("/v2/tenet/lib/tags/list?last=1.1.0&n=2")
        );
        assert_eq!(
            next_link("<https://r.io/a>; rel=\"prev\", <https://r.io/b>; rel=next").as_deref(),
            Some("https://r.io/b")
        );
        assert_eq!(next_link("<https://r.io/a>; rel=\"prev\""), None);
    }
}
