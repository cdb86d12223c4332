//! Ed25519 signing keys and detached signatures over an archive's digest.
//!
//! The signed message is `tenet-package-signature-v1\n` followed by the archive's digest
//! (`sha256:<hex>`), so a signature cannot be replayed as a signature of anything else. A
//! signature file (`ARCHIVE.sig`, and the signature layer in a registry) is JSON:
//! `{"digest": "sha256:…", "key": "ed25519:<base64>", "signature": "<base64>"}`.

use crate::error::{PkgError, codes};
use crate::manifest::{TrustedKey, parse_public_key};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::path::Path;

const CONTEXT: &[u8] = b"tenet-package-signature-v1\n";
const SECRET_PREFIX: &str = "ed25519-secret:";

/// An ed25519 secret key.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A new random key.
    pub fn generate() -> Result<SecretKey, PkgError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| PkgError::new(codes::KEY, format!("cannot get random bytes for a key: {e}")))?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    /// The key file's text: `ed25519-secret:<base64 seed>`.
    pub fn to_text(&self) -> String {
        format!("{SECRET_PREFIX}{}\n", STANDARD.encode(self.0.to_bytes()))
    }

    /// Reads a key file written by `tenet keygen`.
    pub fn load(path: &Path) -> Result<SecretKey, PkgError> {
        let text = std::fs::read_to_string(path).map_err(|e| PkgError::io(path, &e))?;
        let bad = || {
            PkgError::new(codes::KEY, format!("`{}` is not a tenet signing key", path.display()))
                .with_help("make one with `tenet keygen`; the file holds `ed25519-secret:<base64>`")
        };
        let encoded = text.trim().strip_prefix(SECRET_PREFIX).ok_or_else(bad)?;
        let bytes = STANDARD.decode(encoded).map_err(|_| bad())?;
        let seed = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| bad())?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    /// The public key, `ed25519:<base64>`.
    pub fn public_text(&self) -> String {
        public_text(&self.0.verifying_key().to_bytes())
    }

    /// Signs an archive digest.
    pub fn sign(&self, digest: &str) -> Signature {
        let signature = self.0.sign(&message(digest));
        Signature {
            digest: digest.to_string(),
            key: self.public_text(),
            signature: STANDARD.encode(signature.to_bytes()),
        }
    }
}

/// `ed25519:<base64>` for key bytes.
pub fn public_text(bytes: &[u8; 32]) -> String {
    format!("ed25519:{}", STANDARD.encode(bytes))
}

fn message(digest: &str) -> Vec<u8> {
    [CONTEXT, digest.as_bytes()].concat()
}

/// A detached signature of an archive digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The signed archive digest, `sha256:<hex>`.
    pub digest: String,
    /// The signer's public key, `ed25519:<base64>`.
    pub key: String,
    /// The ed25519 signature, base64.
    pub signature: String,
}

impl Signature {
    /// Parses a signature file's JSON; `what` names it in errors.
    pub fn from_json(bytes: &[u8], what: &str) -> Result<Signature, PkgError> {
        serde_json::from_slice(bytes).map_err(|e| {
            PkgError::new(codes::BAD_SIGNATURE, format!("the signature of {what} is malformed: {e}"))
                .with_help("sign the archive again with `tenet sign`")
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Checks that this is a valid signature of `digest` by its own key.
    pub fn verify(&self, digest: &str, what: &str) -> Result<(), PkgError> {
        let bad = |why: &str| {
            PkgError::new(codes::BAD_SIGNATURE, format!("the signature of {what} does not verify: {why}"))
                .with_help("the package or its signature was changed after signing; do not use it")
        };
        if self.digest != digest {
            return Err(bad(&format!("it signs `{}`, the archive is `{digest}`", self.digest)));
        }
        let key = parse_public_key(&self.key).map_err(|why| bad(&why))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("the key is not a valid ed25519 point"))?;
        let raw = STANDARD.decode(&self.signature).map_err(|_| bad("the signature is not base64"))?;
        let raw = <[u8; 64]>::try_from(raw.as_slice()).map_err(|_| bad("the signature is not 64 bytes"))?;
        key.verify(&message(digest), &ed25519_dalek::Signature::from_bytes(&raw)).map_err(|_| bad("wrong signature"))
    }
}

/// What verification concluded about a package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Signed by this trusted key.
    Trusted(String),
    /// Not signed, and signatures are not required.
    Unsigned,
    /// Validly signed by a key nobody listed, and signatures are not required.
    SignedUntrusted(String),
}

/// Verifies `signature` (if any) of `digest` against the trusted `keys`. A signature that does
/// not verify is always refused; a missing or untrusted one only when `required`.
pub fn check(
    digest: &str,
    signature: Option<&Signature>,
    keys: &[TrustedKey],
    required: bool,
    what: &str,
) -> Result<Verdict, PkgError> {
    let Some(signature) = signature else {
        if required {
            return Err(PkgError::new(codes::UNSIGNED, format!("{what} is not signed, and this project requires signatures"))
                .with_help("ask the publisher to sign it (`tenet sign`, then `tenet publish`), or set `require_signatures = false` in `[trust]`"));
        }
        return Ok(Verdict::Unsigned);
    };
    signature.verify(digest, what)?;
    if keys.iter().any(|k| public_text(&k.bytes) == signature.key) {
        return Ok(Verdict::Trusted(signature.key.clone()));
    }
    if required {
        return Err(PkgError::new(
            codes::UNTRUSTED,
            format!("{what} is signed by `{}`, a key this project does not trust", signature.key),
        )
        .with_help("if you trust the publisher, add the key to `keys` in the `[trust]` table of `tenet.toml`"));
    }
    Ok(Verdict::SignedUntrusted(signature.key.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(key: &SecretKey) -> TrustedKey {
        let text = key.public_text();
        TrustedKey { bytes: parse_public_key(&text).unwrap(), text, span: 0..0 }
    }

    #[test]
    fn sign_and_verify() {
        let key = SecretKey::generate().unwrap();
        let digest = format!("sha256:{}", "a".repeat(64));
        let sig = key.sign(&digest);
        let back = Signature::from_json(sig.to_json().as_bytes(), "x").unwrap();
        assert_eq!(back, sig);
        assert_eq!(
            check(&digest, Some(&sig), &[trusted(&key)], true, "x").unwrap(),
            Verdict::Trusted(key.public_text())
        );
        let other = format!("sha256:{}", "b".repeat(64));
        assert_eq!(check(&other, Some(&sig), &[trusted(&key)], true, "x").unwrap_err().code(), codes::BAD_SIGNATURE);
        let mut forged = sig.clone();
        forged.digest = other.clone();
        assert_eq!(check(&other, Some(&forged), &[], false, "x").unwrap_err().code(), codes::BAD_SIGNATURE);
    }

    #[test]
    fn trust_rules() {
        let key = SecretKey::generate().unwrap();
        let stranger = SecretKey::generate().unwrap();
        let digest = format!("sha256:{}", "c".repeat(64));
        let sig = stranger.sign(&digest);
        let keys = [trusted(&key)];
        assert_eq!(check(&digest, Some(&sig), &keys, true, "x").unwrap_err().code(), codes::UNTRUSTED);
        assert_eq!(check(&digest, None, &keys, true, "x").unwrap_err().code(), codes::UNSIGNED);
        assert_eq!(check(&digest, None, &keys, false, "x").unwrap(), Verdict::Unsigned);
        assert_eq!(
            check(&digest, Some(&sig), &keys, false, "x").unwrap(),
            Verdict::SignedUntrusted(stranger.public_text())
        );
    }

    #[test]
    fn key_files_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate().unwrap();
        let path = dir.path().join("k.key");
        std::fs::write(&path, key.to_text()).unwrap();
        assert_eq!(SecretKey::load(&path).unwrap().public_text(), key.public_text());
        std::fs::write(&path, "nope").unwrap();
        assert_eq!(SecretKey::load(&path).err().unwrap().code(), codes::KEY);
    }
}
