//! Commands for package authors: `tenet new`, `package`, `keygen`, `sign`, `verify`, `publish`.

use super::{ConnectArgs, run, short};
use crate::exit::Exit;
use crate::render::Renderer;
use std::path::{Path, PathBuf};
use tenet_pkg::archive::{self, Limits};
use tenet_pkg::fsutil::{TempDir, write_atomic};
use tenet_pkg::manifest::{DepSource, MANIFEST_FILE, Manifest, RegistryRef, valid_package_name};
use tenet_pkg::registry::Client;
use tenet_pkg::sign::{self, SecretKey, Signature};
use tenet_pkg::{PkgError, codes};

/// Arguments of `tenet new`.
#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// The package name: lowercase letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// The directory to create (default: `./NAME`).
    #[arg(long, value_name = "DIR")]
    pub path: Option<PathBuf>,
}

/// Creates a new package directory with a manifest and a first policy.
pub fn new(args: &NewArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        if !valid_package_name(&args.name) {
            return Err(PkgError::new(codes::BAD_VALUE, format!("`{}` is not a valid package name", args.name))
                .with_help("use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit"));
        }
        let dir = args.path.clone().unwrap_or_else(|| PathBuf::from(&args.name));
        if dir.join(MANIFEST_FILE).exists() {
            return Err(PkgError::new(
                codes::BAD_VALUE,
                format!("`{}` already has a `{MANIFEST_FILE}`", dir.display()),
            )
            .with_help("choose another directory with `--path`"));
        }
        let tenet_package = tenet_package_name(&args.name);
        let files = [
            (
                MANIFEST_FILE.to_string(),
                format!(
                    "[package]\nname = \"{}\"\nversion = \"0.1.0\"\ndescription = \"\"\nlicense = \"Apache-2.0\"\nauthors = []\n\n\
                     [dependencies]\n\n[inputs]\n\"documents/**/*.yaml\" = \"Contract\"\n\n[samples]\nfiles = [\"documents/*.yaml\"]\n\n\
                     # When `tenet eval` fails: a field the schema does not declare (a misspelling) is an\n\
                     # error, and so is a violated finding of high or critical severity. Once your documents\n\
                     # say everything the obligations read, fail on what they leave undetermined too.\n\
                     [gate]\nstrict = true\nfail_on = \"high\"\n# fail_on_undetermined = \"high\"\n",
                    args.name
                ),
            ),
            (
                "policies/main.tenet".to_string(),
                format!(
                    "package {tenet_package}\n\n// Documents are the standard library's kinds (`Contract`, `AiSystem`); see `tenet doc`.\nuse std.model\n\n\
                     /// A processor reports breaches to us within 48 hours.\nobligation breach_notice on Contract {{\n  area: privacy\n  severity: high\n  cite: \"GDPR Art. 33(2)\"\n  must dpa.breach_notice_hours <= 48h\n  because \"Breaches must reach us within 48 hours.\"\n}}\n"
                ),
            ),
            (
                "documents/example.yaml".to_string(),
                "kind: Contract\nid: example-vendor\ndpa:\n  breach_notice_hours: 24\n".to_string(),
            ),
        ];
        for (relative, text) in &files {
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, &e))?;
            }
            if path.exists() {
                continue;
            }
            std::fs::write(&path, text).map_err(|e| PkgError::io(&path, &e))?;
        }
        println!("created package `{}` in `{}`", args.name, dir.display());
        println!(
            "  next: `tenet eval --policy {0}/policies {0}/documents`, then `tenet package` to build an archive",
            dir.display()
        );
        Ok(())
    })
}

/// The `package` name the first policy file declares: the package name's dot-separated
/// segments as Tenet names (`-` becomes `_`; a segment that starts with a digit or is a
/// reserved word gets a prefix or suffix).
fn tenet_package_name(name: &str) -> String {
    let segments: Vec<String> = name
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|segment| {
            let mut word: String = segment.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            if !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
                word.insert(0, 'p');
            }
            if tenet_syntax::split::is_reserved(&word) {
                word.push_str("_policies");
            }
            word
        })
        .collect();
    if segments.is_empty() { "policies".to_string() } else { segments.join(".") }
}

/// Arguments of `tenet package`.
#[derive(clap::Args, Debug)]
pub struct PackageArgs {
    /// The package directory (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Where to write the archive (default: `DIR/target/package/NAME-VERSION.tar.gz`).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Package even though some of the package's tests fail (policy errors always refuse).
    #[arg(long)]
    pub allow_failing_tests: bool,
}

/// Refuses a package with policy errors, or with failing tests unless they are allowed: a
/// published version cannot be changed, so it is checked before it is built.
fn check_ready(dir: &Path, allow_failing_tests: bool, renderer: &Renderer) -> Result<(), PkgError> {
    let ready = crate::run_tests::readiness(dir, renderer)?;
    if ready.errors > 0 {
        eprint!("{}", ready.rendered);
        return Err(PkgError::new(
            codes::NOT_READY,
            format!(
                "`{}` has {} policy error{}; refusing to package it",
                dir.display(),
                ready.errors,
                crate::check::plural(ready.errors)
            ),
        )
        .with_help("fix the errors above (`tenet check` lists them); a published version cannot be changed"));
    }
    if !ready.failing.is_empty() && !allow_failing_tests {
        return Err(PkgError::new(
            codes::NOT_READY,
            format!(
                "{} test{} of `{}` fail{}: {}; refusing to package it",
                ready.failing.len(),
                crate::check::plural(ready.failing.len()),
                dir.display(),
                if ready.failing.len() == 1 { "s" } else { "" },
                ready.failing.join(", ")
            ),
        )
        .with_help("run `tenet test` to see why, or pass `--allow-failing-tests` to package it anyway"));
    }
    Ok(())
}

/// Builds a deterministic archive of a package.
pub fn package(args: &PackageArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        check_ready(&dir, args.allow_failing_tests, renderer)?;
        let built = archive::build(&dir)?;
        let out = args.out.clone().unwrap_or_else(|| dir.join("target").join("package").join(built.file_name()));
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, &e))?;
        }
        write_atomic(&out, &built.bytes)?;
        println!(
            "packaged `{}` {} into `{}`: {} files, {} bytes, {}",
            built.manifest.package.name,
            built.manifest.package.version,
            out.display(),
            built.files.len(),
            built.bytes.len(),
            built.digest
        );
        Ok(())
    })
}

/// Arguments of `tenet keygen`.
#[derive(clap::Args, Debug)]
pub struct KeygenArgs {
    /// Writes the secret key to `PREFIX.key` and the public key to `PREFIX.pub`.
    #[arg(long, value_name = "PREFIX", default_value = "tenet-signing")]
    pub out: PathBuf,
}

/// Generates an ed25519 signing key.
pub fn keygen(args: &KeygenArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let secret_path = with_suffix(&args.out, "key");
        let public_path = with_suffix(&args.out, "pub");
        for path in [&secret_path, &public_path] {
            if path.exists() {
                return Err(PkgError::new(codes::KEY, format!("`{}` already exists", path.display()))
                    .with_help("keys are never overwritten; choose another `--out` prefix"));
            }
        }
        let key = SecretKey::generate()?;
        write_secret(&secret_path, key.to_text().as_bytes())?;
        std::fs::write(&public_path, format!("{}\n", key.public_text())).map_err(|e| PkgError::io(&public_path, &e))?;
        println!("secret key: `{}` (keep it private)", secret_path.display());
        println!("public key: {}", key.public_text());
        println!(
            "consumers trust it with `keys = [\"{}\"]` in the `[trust]` table of their tenet.toml",
            key.public_text()
        );
        Ok(())
    })
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = prefix.as_os_str().to_os_string();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), PkgError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| PkgError::io(path, &e))?;
    file.write_all(bytes).map_err(|e| PkgError::io(path, &e))
}

/// Arguments of `tenet sign`.
#[derive(clap::Args, Debug)]
pub struct SignArgs {
    /// The archive to sign (made by `tenet package`).
    #[arg(value_name = "ARCHIVE")]
    pub archive: PathBuf,
    /// The secret key file (made by `tenet keygen`).
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
}

/// Reads an archive and checks that it is a well-formed package.
fn read_archive(path: &Path) -> Result<(Vec<u8>, String, Manifest), PkgError> {
    let bytes = std::fs::read(path).map_err(|e| PkgError::io(path, &e))?;
    let digest = archive::digest_of(&bytes);
    // A fresh private directory: a fixed name in a shared temporary directory could be a link
    // another user placed there.
    let scratch = TempDir::private()?;
    let manifest = archive::extract(&bytes, &format!("`{}`", path.display()), scratch.path(), &Limits::default())?;
    Ok((bytes, digest, manifest))
}

/// Writes a detached signature `ARCHIVE.sig`.
pub fn sign(args: &SignArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let key = SecretKey::load(&args.key)?;
        let (_, digest, manifest) = read_archive(&args.archive)?;
        let signature = key.sign(&digest);
        let sig_path = with_suffix(&args.archive, "sig");
        write_atomic(&sig_path, signature.to_json().as_bytes())?;
        println!(
            "signed `{}` {} ({}) with {} into `{}`",
            manifest.package.name,
            manifest.package.version,
            short(&digest),
            key.public_text(),
            sig_path.display()
        );
        Ok(())
    })
}

/// Arguments of `tenet verify`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The archive to verify.
    #[arg(value_name = "ARCHIVE")]
    pub archive: PathBuf,
    /// The signature file (default: `ARCHIVE.sig` when it exists).
    #[arg(long, value_name = "FILE")]
    pub sig: Option<PathBuf>,
    /// A trusted public key, `ed25519:<base64>` (repeatable). Without any, the keys of the
    /// `[trust]` table of `./tenet.toml` are used, if there is one.
    #[arg(long = "trust", value_name = "KEY")]
    pub trust: Vec<String>,
}

/// Checks an archive's structure and checksums, and its signature against trusted keys.
pub fn verify(args: &VerifyArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let (_, digest, manifest) = read_archive(&args.archive)?;
        let sig_path = args.sig.clone().unwrap_or_else(|| with_suffix(&args.archive, "sig"));
        let signature = match std::fs::read(&sig_path) {
            Ok(bytes) => Some(Signature::from_json(&bytes, &format!("`{}`", args.archive.display()))?),
            Err(e) if args.sig.is_none() && e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(PkgError::io(&sig_path, &e)),
        };
        let mut keys = Vec::new();
        for text in &args.trust {
            let bytes = tenet_pkg::manifest::parse_public_key(text)
                .map_err(|why| PkgError::new(codes::KEY, format!("`{text}` is not a public key: {why}")))?;
            keys.push(tenet_pkg::TrustedKey { text: text.clone(), bytes, span: 0..0 });
        }
        if keys.is_empty() && Path::new(MANIFEST_FILE).is_file() {
            keys = Manifest::load(Path::new("."))?.trust.keys;
        }
        let what = format!("`{}` {}", manifest.package.name, manifest.package.version);
        let verdict = sign::check(&digest, signature.as_ref(), &keys, !keys.is_empty(), &what)?;
        let how = match verdict {
            sign::Verdict::Trusted(k) => format!("signed by trusted key {k}"),
            sign::Verdict::SignedUntrusted(k) => format!("validly signed by {k} (no trusted keys given)"),
            sign::Verdict::Unsigned => "not signed".to_string(),
        };
        println!("ok: {what}, {digest}, checksums match, {how}");
        Ok(())
    })
}

/// Arguments of `tenet publish`.
#[derive(clap::Args, Debug)]
pub struct PublishArgs {
    /// The archive to publish (default: package the current directory, or `--path`, now).
    #[arg(value_name = "ARCHIVE")]
    pub archive: Option<PathBuf>,
    /// The OCI repository: `HOST[:PORT]/REPOSITORY` (HTTPS; plain HTTP for loopback hosts or with `http://`).
    #[arg(long, value_name = "REGISTRY")]
    pub registry: String,
    /// Sign with this secret key (otherwise `ARCHIVE.sig` is published when it exists).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The package directory when no archive is given.
    #[arg(long, value_name = "DIR", conflicts_with = "archive")]
    pub path: Option<PathBuf>,
    /// Publish a package directory even though some of its tests fail (policy errors always
    /// refuse; an archive given is checked when `tenet package` builds it).
    #[arg(long, conflicts_with = "archive")]
    pub allow_failing_tests: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Publishes a package version (and its signature) to an OCI registry.
pub fn publish(args: &PublishArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let registry = RegistryRef::parse(&args.registry).map_err(|why| {
            PkgError::new(codes::BAD_VALUE, format!("`{}` is not a registry reference", args.registry)).with_help(why)
        })?;
        let mut options = args.connect.options()?;
        let (bytes, digest, manifest, sig_default) = match &args.archive {
            Some(path) => {
                let (bytes, digest, manifest) = read_archive(path)?;
                (bytes, digest, manifest, Some(with_suffix(path, "sig")))
            }
            None => {
                let dir = args.path.as_deref().unwrap_or(Path::new("."));
                check_ready(dir, args.allow_failing_tests, renderer)?;
                let built = archive::build(dir)?;
                // Published from its directory, the package's own `[registries]` apply.
                options.ca_files.extend(built.manifest.registries.ca_files_in(dir));
                (built.bytes, built.digest, built.manifest, None)
            }
        };
        if let Some(dep) = manifest.dependencies.iter().find(|d| matches!(d.source, DepSource::Path(_))) {
            return Err(PkgError::new(
                codes::BAD_VALUE,
                format!("`{}` depends on `{}` by path, which consumers cannot fetch", manifest.package.name, dep.name),
            )
            .with_help("publish the dependency too and depend on it through a registry or git"));
        }
        let package = &manifest.package;
        let what = format!("`{}` {}", package.name, package.version);
        let signature = match (&args.key, sig_default) {
            (Some(key), _) => Some(SecretKey::load(key)?.sign(&digest)),
            (None, Some(sig_path)) if sig_path.is_file() => {
                let bytes = std::fs::read(&sig_path).map_err(|e| PkgError::io(&sig_path, &e))?;
                let signature = Signature::from_json(&bytes, &what)?;
                signature.verify(&digest, &what)?;
                Some(signature)
            }
            _ => None,
        };
        let client = Client::new(&options)?;
        let version = package.version.to_string();
        if let Some(existing) = client.manifest(&registry, &version)? {
            if existing.archive().is_some_and(|l| l.digest == digest) {
                println!("{what} is already published at `{registry}` with the same content ({})", short(&digest));
                return Ok(());
            }
            return Err(PkgError::new(
                codes::REGISTRY,
                format!("{what} is already published at `{registry}` with other content"),
            )
            .with_help("a published version never changes; raise `version` in tenet.toml and publish again"));
        }
        client.publish(&registry, &version, &package.name, &bytes, signature.as_ref())?;
        let signed = signature.map(|s| format!(", signed by {}", s.key)).unwrap_or_else(|| ", unsigned".into());
        println!("published {what} to `{registry}:{version}` ({}{signed})", short(&digest));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::tenet_package_name;

    #[test]
    fn package_names_become_tenet_names() {
        assert_eq!(tenet_package_name("acme-policies"), "acme_policies");
        assert_eq!(tenet_package_name("acme.gdpr"), "acme.gdpr");
        assert_eq!(tenet_package_name("2fa.x"), "p2fa.x");
        assert_eq!(tenet_package_name("test"), "test_policies");
    }
}
