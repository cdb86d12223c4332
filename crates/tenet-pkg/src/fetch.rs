//! `tenet fetch`: resolve, download, verify, and fill the cache; then write `tenet.lock`.
//!
//! Everything downloaded is checked (digest, signature, archive safety) and extracted into a
//! staging directory first. Only when the whole graph has been resolved and verified are the
//! packages moved into the cache and the lock file written, so a refusal changes neither.

use crate::archive::{self, Limits};
use crate::cache::Cache;
use crate::error::{PkgError, codes};
use crate::fsutil::TempDir;
use crate::lock::{LockedSource, Lockfile};
use crate::manifest::{GitPin, Manifest, RegistryRef, Trust};
use crate::registry::{Client, ClientOptions};
use crate::resolve::{Candidate, Index, resolve, to_lockfile};
use crate::sign::{self, Verdict};
use semver::Version;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Clone, Debug, Default)]
pub struct FetchOptions {
    /// Refuse to change `tenet.lock` (and require one when there are dependencies).
    pub locked: bool,
    /// How to reach registries (extra CA certificates, tag page size).
    pub client: ClientOptions,
}

/// What a fetch did.
#[derive(Clone, Debug)]
pub struct FetchReport {
    /// The lock now in force.
    pub lock: Lockfile,
    /// Whether `tenet.lock` was written.
    pub lock_changed: bool,
    /// Packages that were downloaded or checked out into the cache by this run.
    pub downloaded: Vec<String>,
    /// Packages signed by a key the project does not list (allowed, signatures not required).
    pub untrusted: Vec<String>,
    /// Packages without a signature (allowed, signatures not required).
    pub unsigned: Vec<String>,
}

/// Resolves and fetches the dependencies of the project in `project_dir` into `cache`.
pub fn fetch(project_dir: &Path, cache: &Cache, options: &FetchOptions) -> Result<FetchReport, PkgError> {
    let manifest = Manifest::load(project_dir)?;
    let old = Lockfile::load(project_dir)?;
    if options.locked && old.is_none() && !manifest.dependencies.is_empty() {
        return Err(PkgError::new(codes::LOCKED, "`--locked` was given but there is no `tenet.lock`")
            .with_help("run `tenet fetch` without `--locked` once and commit `tenet.lock`"));
    }
    if let Some(lock) = &old
        && up_to_date(&manifest, lock, project_dir, cache)
    {
        return Ok(FetchReport {
            lock: lock.clone(),
            lock_changed: false,
            downloaded: Vec::new(),
            untrusted: Vec::new(),
            unsigned: Vec::new(),
        });
    }
    // Only the root project says how to reach registries (like `[trust]`).
    let mut client = options.client.clone();
    client.ca_files.extend(manifest.registries.ca_files_in(project_dir));
    let mut fetcher = Fetcher::new(cache, &manifest.trust, old.as_ref(), &client)?;
    let resolution = resolve(&manifest, project_dir, old.as_ref(), &mut fetcher)?;
    let lock = to_lockfile(&resolution);
    let lock_changed = old.as_ref() != Some(&lock);
    if options.locked && lock_changed {
        let old = old.unwrap_or_default();
        return Err(PkgError::new(
            codes::LOCKED,
            format!("`--locked` was given but `tenet.lock` would change: {}", diff(&old, &lock)),
        )
        .with_help("run `tenet fetch` without `--locked` to update the lock file, and commit it"));
    }
    let report_lists = (fetcher.downloaded.clone(), fetcher.untrusted.clone(), fetcher.unsigned.clone());
    fetcher.commit()?;
    if lock_changed {
        lock.write(project_dir)?;
    }
    let (downloaded, untrusted, unsigned) = report_lists;
    Ok(FetchReport { lock, lock_changed, downloaded, untrusted, unsigned })
}

/// Whether the lock already satisfies the manifest, every locked package is in the cache, and
/// each registry package is signed by a trusted key where signatures are required: then nothing
/// needs the network.
fn up_to_date(manifest: &Manifest, lock: &Lockfile, project_dir: &Path, cache: &Cache) -> bool {
    if crate::project::load_with_cache(project_dir, cache).is_err() {
        return false;
    }
    let trusted: Vec<String> = manifest.trust.keys.iter().map(|k| sign::public_text(&k.bytes)).collect();
    let signed_ok = |p: &crate::lock::LockedPackage| {
        !manifest.trust.require_signatures
            || !matches!(p.source, LockedSource::Registry(_))
            || p.signed_by.as_ref().is_some_and(|k| trusted.contains(k))
    };
    let mut reachable = std::collections::BTreeSet::new();
    let mut queue: Vec<&str> = manifest.dependencies.iter().map(|d| d.name.as_str()).collect();
    while let Some(name) = queue.pop() {
        if reachable.insert(name.to_string())
            && let Some(p) = lock.get(name)
        {
            queue.extend(p.dependencies.iter().map(String::as_str));
        }
    }
    // Nothing stale in the lock, and every package reachable is locked; path packages are read
    // live, so their requirements may have changed: resolve again when there are any.
    reachable.len() == lock.packages.len()
        && lock.packages.iter().all(|p| {
            signed_ok(p)
                && !matches!(p.source, LockedSource::Path(_))
                && p.dependencies.iter().all(|d| lock.get(d).is_some())
        })
}

/// A short description of how `new` differs from `old`.
fn diff(old: &Lockfile, new: &Lockfile) -> String {
    let mut parts = Vec::new();
    for p in &new.packages {
        match old.get(&p.name) {
            None => parts.push(format!("`{}` {} would be added", p.name, p.version)),
            Some(o) if o.version != p.version => {
                parts.push(format!("`{}` would change from {} to {}", p.name, o.version, p.version))
            }
            Some(o) if o != p => parts.push(format!("`{}` {} would change source or digest", p.name, p.version)),
            Some(_) => {}
        }
    }
    for o in &old.packages {
        if new.get(&o.name).is_none() {
            parts.push(format!("`{}` would be removed", o.name));
        }
    }
    if parts.is_empty() { "its formatting would change".into() } else { parts.join("; ") }
}

/// Downloads into a staging directory and answers the resolver's questions.
struct Fetcher<'a> {
    client: Client,
    cache: &'a Cache,
    staging: TempDir,
    trust: &'a Trust,
    lock: Option<&'a Lockfile>,
    /// Archives extracted into the staging directory, by digest.
    staged: BTreeMap<String, PathBuf>,
    git_checkouts: usize,
    downloaded: Vec<String>,
    untrusted: Vec<String>,
    unsigned: Vec<String>,
}

impl<'a> Fetcher<'a> {
    fn new(
        cache: &'a Cache,
        trust: &'a Trust,
        lock: Option<&'a Lockfile>,
        client: &ClientOptions,
    ) -> Result<Fetcher<'a>, PkgError> {
        Ok(Fetcher {
            client: Client::new(client)?,
            cache,
            staging: TempDir::new_in(&cache.staging_root())?,
            trust,
            lock,
            staged: BTreeMap::new(),
            git_checkouts: 0,
            downloaded: Vec::new(),
            untrusted: Vec::new(),
            unsigned: Vec::new(),
        })
    }

    /// The directory for `digest`: in the cache already, staged, or extracted now from `bytes()`.
    fn stage(
        &mut self,
        digest: &str,
        what: &str,
        bytes: impl FnOnce(&Client) -> Result<Vec<u8>, PkgError>,
    ) -> Result<(PathBuf, Manifest), PkgError> {
        let cached = self.cache.package_dir(digest);
        let dir = if cached.is_dir() {
            cached
        } else if let Some(dir) = self.staged.get(digest) {
            dir.clone()
        } else {
            let bytes = bytes(&self.client)?;
            if archive::digest_of(&bytes) != digest {
                return Err(PkgError::new(
                    codes::DIGEST_MISMATCH,
                    format!("{what} does not match its digest `{digest}`"),
                )
                .with_help("nothing was installed; fetch again, and report a corrupted registry"));
            }
            let dir = self.staging.path().join(digest.replace(':', "-"));
            std::fs::create_dir_all(&dir).map_err(|e| PkgError::io(&dir, &e))?;
            archive::extract(&bytes, what, &dir, &Limits::default())?;
            self.staged.insert(digest.to_string(), dir.clone());
            self.downloaded.push(what.to_string());
            dir
        };
        let manifest = Manifest::load(&dir)?;
        Ok((dir, manifest))
    }

    /// Moves the staged packages into the cache.
    fn commit(self) -> Result<(), PkgError> {
        for (digest, dir) in &self.staged {
            let target = self.cache.package_dir(digest);
            if target.is_dir() {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| PkgError::io(parent, &e))?;
            }
            if let Err(e) = std::fs::rename(dir, &target) {
                // Another fetch may have put the same package there meanwhile.
                if !target.is_dir() {
                    return Err(PkgError::io(&target, &e));
                }
            }
        }
        Ok(())
    }

    fn locked(&self, name: &str) -> Option<&crate::lock::LockedPackage> {
        self.lock.and_then(|l| l.get(name))
    }
}

impl Index for Fetcher<'_> {
    fn versions(&mut self, _name: &str, registry: &RegistryRef) -> Result<Vec<Version>, PkgError> {
        let tags = self.client.tags(registry)?;
        Ok(tags.iter().filter_map(|t| Version::parse(t).ok()).collect())
    }

    fn registry(&mut self, name: &str, registry: &RegistryRef, version: &Version) -> Result<Candidate, PkgError> {
        let what = format!("`{name}` {version}");
        let Some(oci) = self.client.manifest(registry, &version.to_string())? else {
            return Err(PkgError::new(codes::NO_VERSION, format!("`{registry}` has no version {version} of `{name}`"))
                .with_help("the version was listed but is gone; fetch again"));
        };
        let layer =
            oci.archive().cloned().ok_or_else(|| PkgError::new(codes::REGISTRY, format!("{what} has no archive")))?;
        if !crate::lock::valid_digest(&layer.digest) {
            return Err(PkgError::new(
                codes::REGISTRY,
                format!("{what} has the unsupported digest `{}`", layer.digest),
            )
            .with_help("tenet packages use sha256 digests"));
        }
        let locked = self
            .locked(name)
            .filter(|l| l.version == *version && matches!(&l.source, LockedSource::Registry(r) if r == registry));
        if let Some(l) = locked
            && l.digest.as_deref() != Some(layer.digest.as_str())
        {
            return Err(PkgError::new(
                codes::DIGEST_MISMATCH,
                format!(
                    "`{registry}` now serves different bytes for {what}: `tenet.lock` has `{}`, the registry `{}`",
                    l.digest.as_deref().unwrap_or("nothing"),
                    layer.digest
                ),
            )
            .with_help("a published version must never change; if the change is expected, remove the package from `tenet.lock` and fetch again"));
        }
        let signature = self.client.signature(registry, &oci, &what)?;
        let verdict =
            sign::check(&layer.digest, signature.as_ref(), &self.trust.keys, self.trust.require_signatures, &what)?;
        let signed_by = match verdict {
            Verdict::Trusted(k) => Some(k),
            Verdict::SignedUntrusted(k) => {
                self.untrusted.push(format!("{what} (signed by `{k}`)"));
                None
            }
            Verdict::Unsigned => {
                self.unsigned.push(what.clone());
                None
            }
        };
        let limit = Limits::default().max_archive_bytes;
        let (dir, manifest) = self.stage(&layer.digest, &what, |client| client.blob(registry, &layer, limit, &what))?;
        if manifest.package.version != *version {
            return Err(PkgError::new(
                codes::MISMATCH,
                format!("the package tagged {version} in `{registry}` says it is version {}", manifest.package.version),
            )
            .with_help("the publisher must tag each archive with the version in its `tenet.toml`"));
        }
        Ok(Candidate {
            manifest,
            source: LockedSource::Registry(registry.clone()),
            digest: Some(layer.digest),
            signed_by,
            dir,
        })
    }

    fn git(&mut self, name: &str, url: &str, pin: &GitPin) -> Result<Candidate, PkgError> {
        self.git_checkouts += 1;
        let checkout = self.staging.path().join(format!("git-{}", self.git_checkouts));
        let commit = git_checkout(url, pin, &checkout)?;
        let what = format!("`{name}` from `{url}` ({pin})");
        let locked = self.locked(name).and_then(|l| match &l.source {
            LockedSource::Git { url: u, pin: p, commit: c } if u == url && p == pin => {
                Some((c.clone(), l.digest.clone()))
            }
            _ => None,
        });
        let built = archive::build(&checkout)?;
        if let Some((locked_commit, locked_digest)) = locked {
            if locked_commit != commit {
                return Err(PkgError::new(
                    codes::DIGEST_MISMATCH,
                    format!("{what} now points at commit `{commit}`, but `tenet.lock` has `{locked_commit}`"),
                )
                .with_help("a tag was moved; pin the dependency with `rev = \"<commit>\"`, or remove it from `tenet.lock` and fetch again if the change is expected"));
            }
            if locked_digest.as_deref() != Some(built.digest.as_str()) {
                return Err(PkgError::new(
                    codes::DIGEST_MISMATCH,
                    format!(
                        "{what} packages to `{}`, but `tenet.lock` has `{}`",
                        built.digest,
                        locked_digest.unwrap_or_default()
                    ),
                ));
            }
        }
        let digest = built.digest.clone();
        let (dir, manifest) = self.stage(&digest, &what, |_| Ok(built.bytes))?;
        let _ = std::fs::remove_dir_all(&checkout);
        Ok(Candidate {
            manifest,
            source: LockedSource::Git { url: url.to_string(), pin: pin.clone(), commit },
            digest: Some(digest),
            signed_by: None,
            dir,
        })
    }

    fn path(&mut self, _name: &str, dir: &Path, relative: &Path) -> Result<Candidate, PkgError> {
        let manifest = Manifest::load(dir)?;
        Ok(Candidate {
            manifest,
            source: LockedSource::Path(relative.to_path_buf()),
            digest: None,
            signed_by: None,
            dir: dir.to_path_buf(),
        })
    }
}

fn git(args: &[&str], dir: Option<&Path>) -> Result<String, PkgError> {
    let mut command = Command::new("git");
    if let Some(d) = dir {
        command.arg("-C").arg(d);
    }
    command.args(args).env("GIT_TERMINAL_PROMPT", "0").env("GIT_ASKPASS", "true");
    let output = command.output().map_err(|e| {
        PkgError::new(codes::GIT, format!("cannot run `git`: {}", crate::error::io_reason(&e)))
            .with_help("install git to use git dependencies")
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("failed").trim();
        let reason = reason.strip_prefix("fatal: ").unwrap_or(reason);
        return Err(PkgError::new(codes::GIT, format!("`git {}` failed: {reason}", args.join(" "))));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// Clones `url` into `dest` and checks out `pin`; returns the full commit id.
fn git_checkout(url: &str, pin: &GitPin, dest: &Path) -> Result<String, PkgError> {
    let dest_text = dest.to_string_lossy().into_owned();
    git(&["clone", "--quiet", "--no-checkout", "--", url, &dest_text], None)?;
    let target = match pin {
        GitPin::Tag(t) => format!("refs/tags/{t}^{{commit}}"),
        GitPin::Rev(r) => format!("{r}^{{commit}}"),
    };
    let commit = git(&["rev-parse", "--verify", "--quiet", &target], Some(dest)).map_err(|_| {
        PkgError::new(
            codes::GIT,
            format!(
                "`{url}` has no {}",
                match pin {
                    GitPin::Tag(t) => format!("tag `{t}`"),
                    GitPin::Rev(r) => format!("commit `{r}`"),
                }
            ),
        )
        .with_help("check the tag or commit in `tenet.toml`")
    })?;
    git(&["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", &commit], Some(dest))?;
    Ok(commit)
}
