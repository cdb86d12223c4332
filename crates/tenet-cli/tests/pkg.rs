//! End-to-end tests of the package commands against real components: a real OCI registry
//! (Debian's `docker-registry`, started per test on a free loopback port with its storage in a
//! temporary directory), real git repositories made with the `git` CLI, and the real `tenet`
//! binary with `TENET_CACHE` pointing into a temporary directory.
//!
//! `scripts/test` installs `docker-registry` when it is missing; these tests fail (never skip)
//! with a clear message when it or `git` is not there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails loudly on unexpected input"
)]

mod pkg_support;
mod support;

use pkg_support::{Auth, Registry};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::Run;

const TODAY: &str = "2026-11-28";

/// A scratch area with a cache; every run gets `TENET_CACHE` and `HOME` inside it.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        World { dir: tempfile::tempdir().unwrap() }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    fn tenet(&self, cwd: &str, args: &[&str]) -> Run {
        let cwd = self.path(cwd);
        std::fs::create_dir_all(&cwd).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_tenet"))
            .arg("--color")
            .arg("never")
            .args(args)
            .current_dir(&cwd)
            .env("TENET_CACHE", self.cache())
            .env("HOME", self.path("home"))
            .env_remove("XDG_CACHE_HOME")
            .output()
            .unwrap();
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    /// The library `lib` at `version`, whose breach-notice limit is `limit`.
    fn library(&self, dir: &str, version: &str, limit: &str) {
        self.write(&format!("{dir}/tenet.toml"), &format!("[package]\nname = \"lib\"\nversion = \"{version}\"\n"));
        self.write(&format!("{dir}/policies/lib.tenet"), &LIB_POLICY.replace("LIMIT", limit));
        self.write(&format!("{dir}/tests/fixtures/late.yaml"), DOCUMENT);
    }

    /// A consumer project `app` depending on `lib` and evaluating one document.
    fn consumer(&self, dir: &str, trust: &str) {
        self.write(&format!("{dir}/tenet.toml"), &format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\n{trust}"));
        self.write(&format!("{dir}/policies/app.tenet"), APP_POLICY);
        self.write(&format!("{dir}/documents/vendor.yaml"), DOCUMENT);
    }

    /// Every file under the cache's `packages/` directory.
    fn cached_files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![self.cache().join("packages")];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else { continue };
            for e in entries {
                let p = e.unwrap().path();
                if p.is_dir() { stack.push(p) } else { out.push(p) }
            }
        }
        out.sort();
        out
    }
}

const LIB_POLICY: &str = r#"package lib

/// What a vendor contract says, as far as this library cares.
schema Contract {
  id: string?,
  dpa: Dpa?,
}

schema Dpa {
  breach_notice_hours: duration(hours)?,
}

/// Breaches reach us in time.
obligation breach_notice on Contract {
  area: privacy
  severity: high
  cite: "GDPR Art. 33(2)"
  must dpa.breach_notice_hours <= LIMIT
  because "Breaches must be reported within LIMIT."
}
"#;

const APP_POLICY: &str = r#"package app

use lib

/// Every contract names its id.
obligation has_id on Contract {
  area: accountability
  severity: low
  cite: "Northwind procurement rule 4"
  must id is present
  because "Every contract names its id."
}
"#;

// The library declares its own `Contract` beside the standard library's, so documents name it.
const DOCUMENT: &str = "kind: lib.Contract\nid: vendor-1\ndpa:\n  breach_notice_hours: 36\n";

/// The status of `obligation` in a `tenet eval --format json` report.
/// `tenet eval` in `app/` with the fetched library's sources and the app's own policies, as JSON.
fn eval_with(world: &World, library: &Path) -> Run {
    let library = library.to_str().unwrap();
    let args = ["eval", "--policy", library, "--policy", "policies", "--format", "json", "--today", TODAY];
    world.tenet("app", &[&args[..], &["--fail-on", "none", "documents"]].concat()).ok()
}

fn status(report: &str, obligation: &str) -> String {
    let json: Value = serde_json::from_str(report).unwrap_or_else(|e| panic!("not JSON ({e}):\n{report}"));
    json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["findings"].as_array().unwrap())
        .find(|f| f["obligation"] == obligation)
        .unwrap_or_else(|| panic!("no finding for `{obligation}` in\n{report}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The `digest` of `name` in a lock file's text.
fn locked_digest(lock: &str, name: &str) -> String {
    let table = lock.split("[[package]]").find(|t| t.contains(&format!("name = \"{name}\""))).unwrap();
    let line = table.lines().find(|l| l.starts_with("digest = ")).unwrap();
    line.trim_start_matches("digest = ").trim_matches('"').to_string()
}

fn public_key(world: &World, prefix: &str) -> String {
    world.tenet(".", &["keygen", "--out", prefix]).ok();
    world.read(&format!("{prefix}.pub")).trim().to_string()
}

#[test]
fn publish_two_versions_then_fetch_verify_and_evaluate_the_newest_match() {
    let registry = Registry::start(None, Auth::None);
    let world = World::new();
    let key = public_key(&world, "publisher");
    let repo = registry.repo("lib");

    // 1.0.0 published straight from its directory, signed on the way.
    world.library("lib-1.0", "1.0.0", "48h");
    let run = world.tenet("lib-1.0", &["publish", "--registry", &repo, "--key", "../publisher.key"]).ok();
    assert!(run.stdout.contains("published `lib` 1.0.0"), "{}", run.stdout);
    // 1.1.0 packaged, signed and verified as files first, then published from the archive.
    world.library("lib-1.1", "1.1.0", "24h");
    let run = world.tenet("lib-1.1", &["package", "--out", "../lib-1.1.0.tar.gz"]).ok();
    assert!(run.stdout.contains("packaged `lib` 1.1.0"), "{}", run.stdout);
    world.tenet(".", &["sign", "lib-1.1.0.tar.gz", "--key", "publisher.key"]).ok();
    let run = world.tenet(".", &["verify", "lib-1.1.0.tar.gz", "--trust", &key]).ok();
    assert!(run.stdout.contains("signed by trusted key"), "{}", run.stdout);
    world.tenet(".", &["publish", "lib-1.1.0.tar.gz", "--registry", &repo]).ok();
    // Publishing the same version again with other content is refused.
    world.write("lib-1.0/tenet.toml", "[package]\nname = \"lib\"\nversion = \"1.1.0\"\n");
    world.tenet("lib-1.0", &["publish", "--registry", &repo]).fails("tenet::pkg::registry", "is already published at");

    // The consumer asks for ^1.0 and trusts the publisher's key.
    world.consumer("app", &format!("\n[trust]\nrequire_signatures = true\nkeys = [\"{key}\"]\n"));
    world.tenet("app", &["add", "lib@^1.0", "--registry", &repo]).ok();
    assert!(world.read("app/tenet.toml").contains(&format!("lib = {{ registry = \"{repo}\", version = \"^1.0\" }}")));
    let run = world.tenet("app", &["fetch"]).ok();
    assert!(run.stdout.contains("lib 1.1.0"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("signed by {key}")), "{}", run.stdout);
    let lock = world.read("app/tenet.lock");
    assert!(lock.contains("version = \"1.1.0\""), "{lock}");
    assert!(lock.contains(&format!("signed-by = \"{key}\"")), "{lock}");
    let digest = locked_digest(&lock, "lib");
    let archive = std::fs::read(world.path("lib-1.1.0.tar.gz")).unwrap();
    assert_eq!(digest, tenet_pkg::archive::digest_of(&archive), "the lock records the published archive's digest");
    let package_dir = world.cache().join("packages").join(digest.replace(':', "-"));
    assert!(package_dir.join("policies/lib.tenet").is_file());
    assert!(package_dir.join("tests/fixtures/late.yaml").is_file(), "tests/ travels with the package");

    // Evaluate with the fetched library: 36h breaks 1.1.0's 24h limit (1.0.0 allowed 48h).
    let policy = package_dir.join("policies");
    let run = eval_with(&world, &policy);
    assert_eq!(status(&run.stdout, "lib.breach_notice"), "violated");
    assert_eq!(status(&run.stdout, "app.has_id"), "satisfied");

    // The project loader sees the same sources, from the cache only.
    let project =
        tenet_pkg::project::load_with_cache(&world.path("app"), &tenet_pkg::Cache::at(world.cache())).unwrap();
    assert_eq!(project.dependencies.len(), 1);
    assert_eq!(project.dependencies[0].version.to_string(), "1.1.0");
    assert!(project.dependencies[0].sources[0].text.contains("<= 24h"));

    // With the registry gone, a locked fetch still succeeds from the cache.
    drop(registry);
    let run = world.tenet("app", &["fetch", "--locked"]).ok();
    assert!(run.stdout.contains("`tenet.lock` unchanged"), "{}", run.stdout);
    assert_eq!(world.read("app/tenet.lock"), lock);
}

#[test]
fn a_tampered_blob_or_a_republished_version_is_refused_and_nothing_changes() {
    let registry = Registry::start(None, Auth::None);
    let world = World::new();
    let repo = registry.repo("lib");
    world.library("lib", "1.0.0", "48h");
    world.tenet("lib", &["package", "--out", "../lib.tar.gz"]).ok();
    world.tenet(".", &["publish", "lib.tar.gz", "--registry", &repo]).ok();
    let digest = tenet_pkg::archive::digest_of(&std::fs::read(world.path("lib.tar.gz")).unwrap());

    // Edit the stored blob in the registry's storage directory.
    let blob = registry.blob_file(&digest);
    let mut bytes = std::fs::read(&blob).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    std::fs::write(&blob, &bytes).unwrap();

    world.consumer("app", "");
    world.tenet("app", &["add", "lib@^1.0", "--registry", &repo]).ok();
    let manifest_before = world.read("app/tenet.toml");
    world.tenet("app", &["fetch"]).fails("tenet::pkg::digest_mismatch", "does not match its digest");
    assert!(!world.path("app/tenet.lock").exists(), "no lock file after a refusal");
    assert!(world.cached_files().is_empty(), "nothing cached after a refusal: {:?}", world.cached_files());
    assert!(!world.cache().join("tmp").exists(), "no staging left behind");
    assert_eq!(world.read("app/tenet.toml"), manifest_before);

    // Restore the blob: the fetch succeeds and locks the digest.
    bytes[last] ^= 0xff;
    std::fs::write(&blob, &bytes).unwrap();
    world.tenet("app", &["fetch"]).ok();
    let lock = world.read("app/tenet.lock");
    let cached = world.cached_files();

    // Someone pushes other bytes under the same tag: the lock catches it.
    world.write("lib/policies/lib.tenet", &LIB_POLICY.replace("LIMIT", "72h"));
    let other = tenet_pkg::archive::build(&world.path("lib")).unwrap();
    let reference = tenet_pkg::RegistryRef::parse(&repo).unwrap();
    tenet_pkg::registry::Client::new(&Default::default())
        .unwrap()
        .publish(&reference, "1.0.0", "lib", &other.bytes, None)
        .unwrap();
    std::fs::remove_dir_all(world.cache()).unwrap();
    world.tenet("app", &["fetch"]).fails("tenet::pkg::digest_mismatch", "now serves different bytes for `lib` 1.0.0");
    assert_eq!(world.read("app/tenet.lock"), lock, "the lock file is unchanged");
    assert!(world.cached_files().is_empty(), "nothing cached after a refusal");
    assert!(!cached.is_empty());
}

#[test]
fn untrusted_and_unsigned_packages_are_refused_when_signatures_are_required() {
    let registry = Registry::start(None, Auth::None);
    let world = World::new();
    let trusted = public_key(&world, "trusted");
    public_key(&world, "stranger");
    world.library("lib", "1.0.0", "48h");
    world.tenet("lib", &["publish", "--registry", &registry.repo("lib"), "--key", "../stranger.key"]).ok();
    world.library("plain", "1.0.0", "48h");
    world.write("plain/tenet.toml", "[package]\nname = \"plain\"\nversion = \"1.0.0\"\n");
    world.tenet("plain", &["publish", "--registry", &registry.repo("plain")]).ok();

    let trust = format!("\n[trust]\nrequire_signatures = true\nkeys = [\"{trusted}\"]\n");
    world.consumer("app", &trust);
    world.tenet("app", &["add", "lib@^1", "--registry", &registry.repo("lib")]).ok();
    let run = world.tenet("app", &["fetch"]).fails("tenet::pkg::untrusted", "a key this project does not trust");
    assert!(run.stderr.contains("add the key to `keys`"), "{}", run.stderr);
    assert!(!world.path("app/tenet.lock").exists());
    assert!(world.cached_files().is_empty());

    world.consumer("app2", &trust);
    world.tenet("app2", &["add", "plain@^1", "--registry", &registry.repo("plain")]).ok();
    world.tenet("app2", &["fetch"]).fails("tenet::pkg::unsigned", "`plain` 1.0.0 is not signed");
    assert!(!world.path("app2/tenet.lock").exists());
    assert!(world.cached_files().is_empty());

    // Without `require_signatures`, both are fetched, with warnings.
    world.consumer("app3", "");
    world.tenet("app3", &["add", "lib@^1", "--registry", &registry.repo("lib")]).ok();
    world.tenet("app3", &["add", "plain@^1", "--registry", &registry.repo("plain")]).ok();
    let run = world.tenet("app3", &["fetch"]).ok();
    assert!(run.stderr.contains("warning: `plain` 1.0.0 is not signed"), "{}", run.stderr);
    assert!(run.stderr.contains("signed by a key not listed in `[trust]`"), "{}", run.stderr);
}

#[test]
fn locked_refuses_to_change_the_lock_and_conflicts_name_who_wants_what() {
    let registry = Registry::start(None, Auth::None);
    let world = World::new();
    for (dir, version) in [("x1", "1.4.0"), ("x2", "2.1.0")] {
        world.write(&format!("{dir}/tenet.toml"), &format!("[package]\nname = \"x\"\nversion = \"{version}\"\n"));
        world.tenet(dir, &["publish", "--registry", &registry.repo("x")]).ok();
    }
    for (name, req) in [("a", "^1.0"), ("b", "^2.0")] {
        world.write(
            &format!("{name}/tenet.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"1.0.0\"\n[dependencies]\nx = {{ registry = \"{}\", version = \"{req}\" }}\n",
                registry.repo("x")
            ),
        );
        // A package is checked before it is published, so its dependencies are fetched first.
        world.tenet(name, &["fetch"]).ok();
        world.tenet(name, &["publish", "--registry", &registry.repo(name)]).ok();
    }
    world.consumer("app", "");
    world.tenet("app", &["add", "a@^1", "--registry", &registry.repo("a")]).ok();
    world.tenet("app", &["fetch", "--locked"]).fails("tenet::pkg::locked", "there is no `tenet.lock`");
    world.tenet("app", &["fetch"]).ok();
    let lock = world.read("app/tenet.lock");
    assert!(lock.contains("name = \"x\"\nversion = \"1.4.0\""), "{lock}");

    world.tenet("app", &["add", "b@^1", "--registry", &registry.repo("b")]).ok();
    world.tenet("app", &["fetch", "--locked"]).fails(
        "tenet::pkg::conflict",
        "no version of `x` satisfies every requirement: `a` 1.0.0 wants `x ^1.0`, `b` 1.0.0 wants `x ^2.0`",
    );
    assert_eq!(world.read("app/tenet.lock"), lock);
}

fn git(cwd: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=Tenet Tests", "-c", "user.email=tests@example.com", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(cwd)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", cwd)
        .output()
        .unwrap_or_else(|e| panic!("cannot run git (install it): {e}"));
    assert!(output.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn git_dependencies_by_tag_and_by_commit() {
    let world = World::new();
    let bare = world.path("lib.git");
    std::fs::create_dir_all(&bare).unwrap();
    git(&bare, &["init", "--quiet", "--bare"]);
    world.library("work", "1.0.0", "48h");
    let work = world.path("work");
    git(&work, &["init", "--quiet"]);
    git(&work, &["add", "."]);
    git(&work, &["commit", "--quiet", "-m", "lib 1.0.0"]);
    git(&work, &["tag", "v1.0.0"]);
    let first = git(&work, &["rev-parse", "HEAD"]);
    git(&work, &["push", "--quiet", bare.to_str().unwrap(), "main", "--tags"]);
    let url = format!("file://{}", bare.display());

    world.consumer("app", "");
    world.tenet("app", &["add", "lib", "--git", &url, "--tag", "v1.0.0"]).ok();
    let run = world.tenet("app", &["fetch"]).ok();
    assert!(run.stdout.contains("lib 1.0.0 from git"), "{}", run.stdout);
    let lock = world.read("app/tenet.lock");
    assert!(lock.contains(&format!("source = \"git+{url}?tag=v1.0.0#{first}\"")), "{lock}");
    let digest = locked_digest(&lock, "lib");
    let policy = world.cache().join("packages").join(digest.replace(':', "-")).join("policies");
    let run = eval_with(&world, &policy);
    assert_eq!(status(&run.stdout, "lib.breach_notice"), "satisfied", "36h is within 1.0.0's 48h");

    // The tag is moved to another commit: the locked fetch refuses it.
    world.library("work", "1.0.0", "24h");
    git(&work, &["commit", "--quiet", "-am", "tighter"]);
    git(&work, &["tag", "--force", "v1.0.0"]);
    let second = git(&work, &["rev-parse", "HEAD"]);
    git(&work, &["push", "--quiet", "--force", bare.to_str().unwrap(), "main", "--tags"]);
    std::fs::remove_dir_all(world.cache()).unwrap();
    world.tenet("app", &["fetch"]).fails("tenet::pkg::digest_mismatch", &format!("now points at commit `{second}`"));
    assert_eq!(world.read("app/tenet.lock"), lock);

    // Pinned by commit, the old content is still reachable.
    world.consumer("app2", "");
    world.tenet("app2", &["add", "lib", "--git", &url, "--rev", &first]).ok();
    world.tenet("app2", &["fetch"]).ok();
    assert_eq!(locked_digest(&world.read("app2/tenet.lock"), "lib"), digest, "same commit, same archive digest");

    // A tag that does not exist is a clear error.
    world.consumer("app3", "");
    world.tenet("app3", &["add", "lib", "--git", &url, "--tag", "v9"]).ok();
    world.tenet("app3", &["fetch"]).fails("tenet::pkg::git", "has no tag `v9`");
}

#[test]
fn package_is_deterministic_and_verify_catches_changes() {
    let world = World::new();
    world.library("one", "1.0.0", "48h");
    world.tenet("one", &["package", "--out", "../one.tar.gz"]).ok();
    std::thread::sleep(Duration::from_millis(1100));
    world.library("two", "1.0.0", "48h");
    world.tenet("two", &["package", "--out", "../two.tar.gz"]).ok();
    let one = std::fs::read(world.path("one.tar.gz")).unwrap();
    assert_eq!(one, std::fs::read(world.path("two.tar.gz")).unwrap(), "same sources, same bytes");

    let run = world.tenet(".", &["verify", "one.tar.gz"]).ok();
    assert!(run.stdout.contains("checksums match, not signed"), "{}", run.stdout);
    let key = public_key(&world, "k");
    world.tenet(".", &["sign", "one.tar.gz", "--key", "k.key"]).ok();
    world.tenet(".", &["verify", "one.tar.gz", "--trust", &key]).ok();
    // A signature moved to another archive does not verify.
    std::fs::copy(world.path("one.tar.gz.sig"), world.path("three.tar.gz.sig")).unwrap();
    world.library("three", "1.0.1", "48h");
    world.tenet("three", &["package", "--out", "../three.tar.gz"]).ok();
    world
        .tenet(".", &["verify", "three.tar.gz", "--trust", &key])
        .fails("tenet::pkg::bad_signature", "does not verify");
    // A corrupted archive is refused.
    let mut bad = one.clone();
    let middle = bad.len() / 2;
    bad[middle] ^= 0x55;
    std::fs::write(world.path("bad.tar.gz"), bad).unwrap();
    world.tenet(".", &["verify", "bad.tar.gz"]).fails("tenet::pkg::unsafe_archive", "refusing");
}

#[test]
fn verify_extracts_into_a_fresh_private_directory_and_leaves_nothing_behind() {
    let world = World::new();
    world.library("one", "1.0.0", "48h");
    world.tenet("one", &["package", "--out", "../one.tar.gz"]).ok();
    // What another user of a shared machine could have placed in the temporary directory:
    // the old fixed extraction path as a link to a directory of theirs, and as a file.
    let tmp = world.path("tmp");
    let victim = world.path("victim");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::create_dir_all(&victim).unwrap();
    std::os::unix::fs::symlink(&victim, tmp.join("tenet-verify")).unwrap();
    std::fs::write(tmp.join("tenet-verify-1"), "placed").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tenet"))
        .args(["--color", "never", "verify", "one.tar.gz"])
        .current_dir(world.path("."))
        .env("TMPDIR", &tmp)
        .env("TENET_CACHE", world.cache())
        .env("HOME", world.path("home"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("checksums match"), "{stdout}");
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0, "nothing written through the link");
    let mut left: Vec<String> =
        std::fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["tenet-verify", "tenet-verify-1"], "the extraction directory is removed");
}

#[test]
fn new_makes_a_package_that_evaluates_and_bad_manifests_point_at_the_problem() {
    let world = World::new();
    let run = world.tenet(".", &["new", "acme-policies"]).ok();
    assert!(run.stdout.contains("created package `acme-policies`"), "{}", run.stdout);
    let run = world
        .tenet(
            "acme-policies",
            &["eval", "--policy", "policies", "--format", "json", "--today", TODAY, "--fail-on", "none", "documents"],
        )
        .ok();
    assert_eq!(status(&run.stdout, "acme_policies.breach_notice"), "satisfied");
    world.tenet("acme-policies", &["package"]).ok();
    assert!(world.path("acme-policies/target/package/acme-policies-0.1.0.tar.gz").is_file());
    world.tenet(".", &["new", "acme-policies"]).fails("tenet::pkg::bad_value", "already has a `tenet.toml`");
    // A name that is a reserved word in the language still gives a policy that checks.
    world.tenet(".", &["new", "test", "--path", "reserved"]).ok();
    let run = world
        .tenet(
            "reserved",
            &["eval", "--policy", "policies", "--format", "json", "--today", TODAY, "--fail-on", "none", "documents"],
        )
        .ok();
    assert_eq!(status(&run.stdout, "test_policies.breach_notice"), "satisfied");

    world.write("broken/tenet.toml", "[package]\nname = \"broken\"\nversoin = \"1.0.0\"\n");
    let run =
        world.tenet("broken", &["fetch"]).fails("tenet::pkg::unknown_key", "unknown key `versoin` in `[package]`");
    assert!(run.stderr.contains("tenet.toml:3:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `version`?"), "{}", run.stderr);
    world.tenet("broken", &["add", "x@^1", "--path", "../x"]).fails("tenet::pkg::missing_key", "has no `version`");

    world.write("ok/tenet.toml", "# my project\n[package]\nname = \"ok\"\nversion = \"1.0.0\"\n");
    world
        .tenet("ok", &["add", "x@^one", "--registry", "127.0.0.1:1/x"])
        .fails("tenet::pkg::bad_value", "`^one` is not a version requirement");
    assert_eq!(world.read("ok/tenet.toml"), "# my project\n[package]\nname = \"ok\"\nversion = \"1.0.0\"\n");
}

#[test]
fn the_standard_library_is_a_package_that_can_be_published_and_fetched() {
    let std_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/std");
    let manifest = tenet_pkg::Manifest::load(&std_dir).unwrap();
    assert_eq!(manifest.package.name, "std");
    let registry = Registry::start(None, Auth::None);
    let world = World::new();
    let run = world.tenet(".", &["package", std_dir.to_str().unwrap(), "--out", "std.tar.gz"]).ok();
    assert!(run.stdout.contains(&format!("packaged `std` {}", manifest.package.version)), "{}", run.stdout);
    world.tenet(".", &["publish", "std.tar.gz", "--registry", &registry.repo("std")]).ok();
    world.consumer("app", "");
    world.tenet("app", &["add", "std", "--registry", &registry.repo("std")]).ok();
    world.tenet("app", &["fetch"]).ok();
    let project =
        tenet_pkg::project::load_with_cache(&world.path("app"), &tenet_pkg::Cache::at(world.cache())).unwrap();
    let fetched = &project.dependencies[0];
    assert_eq!((fetched.name.as_str(), &fetched.version), ("std", &manifest.package.version));
    let own = tenet_pkg::project::policy_sources(&std_dir).unwrap();
    let names = |s: &[tenet_pkg::SourceText]| -> Vec<(String, String)> {
        s.iter().map(|f| (f.path.file_name().unwrap().to_string_lossy().into_owned(), f.text.clone())).collect()
    };
    assert!(!own.is_empty());
    assert_eq!(names(&fetched.sources), names(&own), "the fetched sources are the library's, tests/ excluded");
}

const SHARED_POLICY: &str = r#"package shared

use std.privacy

/// The publisher accepts a month's notice from its own vendors.
override std.privacy.max_breach_notice = 30d

/// The publisher's own vendor, whose id the consumer happens to reuse.
waiver breach_notice_deadline where id == "vendor-1" {
  reason: "Negotiated by the publisher for its own contract."
  approved_by: "Publisher DPO"
  until: 2099-12-31
}
"#;

const SHARED_TEST: &str = r#"package shared

use std.model
use std.privacy

test "the publisher's own override holds in its own tests" {
  today 2026-11-28
  given Contract {
    id: "vendor-2",
    vendor: { name: "Acme", role: processor },
    dpa: { breach_notice_hours: 100 }
  }
  expect breach_notice_deadline: satisfied
}

test "the publisher's own waiver holds in its own tests" {
  today 2026-11-28
  given Contract {
    id: "vendor-1",
    vendor: { name: "Acme", role: processor },
    dpa: { breach_notice_hours: 1000 }
  }
  expect breach_notice_deadline: waived
}
"#;

const SLOW_VENDOR: &str =
    "kind: Contract\nid: vendor-1\nvendor:\n  name: Slow Ltd\n  role: processor\ndpa:\n  breach_notice_hours: 100\n";

/// The JSON report's `not_applied` entries as `item target`.
fn not_applied(report: &str) -> Vec<String> {
    let json: Value = serde_json::from_str(report).unwrap_or_else(|e| panic!("not JSON ({e}):\n{report}"));
    json["not_applied"]
        .as_array()
        .map(|a| {
            a.iter().map(|n| format!("{} {}", n["item"].as_str().unwrap(), n["target"].as_str().unwrap())).collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_dependencys_overrides_and_waivers_hold_in_its_own_tests_but_not_in_the_consumers_run() {
    let world = World::new();
    world.write("shared/tenet.toml", "[package]\nname = \"shared\"\nversion = \"1.0.0\"\n");
    world.write("shared/policies/shared.tenet", SHARED_POLICY);
    world.write("shared/tests/shared.tenet", SHARED_TEST);
    world.tenet("shared", &["test", "."]).ok();

    world.write("app/tenet.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n");
    world.write("app/documents/vendor.yaml", SLOW_VENDOR);
    world.tenet("app", &["add", "shared@^1", "--path", "../shared"]).ok();
    world.tenet("app", &["fetch"]).ok();
    let eval = ["eval", "--format", "json", "--today", TODAY, "--fail-on", "none", "documents"];
    let run = world.tenet("app", &eval).ok();
    // Neither the publisher's 30 days nor its waiver for its own `vendor-1` reach the consumer.
    assert_eq!(status(&run.stdout, "std.privacy.breach_notice_deadline"), "violated", "{}", run.stdout);
    assert_eq!(
        not_applied(&run.stdout),
        ["override std.privacy.max_breach_notice", "waiver std.privacy.breach_notice_deadline"]
    );
    let human = world.tenet("app", &["eval", "--today", TODAY, "--fail-on", "none", "documents"]).ok();
    assert!(
        human.stdout.contains("override of std.privacy.max_breach_notice from a dependency not applied"),
        "{}",
        human.stdout
    );

    // The consumer sets the parameter the dependency also sets: its value holds, no E0802.
    world.write(
        "app/tenet.toml",
        &format!("{}\n[params]\n\"std.privacy.max_breach_notice\" = \"120h\"\n", world.read("app/tenet.toml")),
    );
    let run = world.tenet("app", &eval).ok();
    assert!(!run.stdout.contains("E0802"), "{}", run.stdout);
    assert_eq!(status(&run.stdout, "std.privacy.breach_notice_deadline"), "satisfied", "{}", run.stdout);
    world.tenet("app", &["check"]).ok();
}

#[test]
fn a_package_with_policy_errors_or_failing_tests_is_not_packaged_or_published() {
    let registry = Registry::start(None, Auth::None);
    let world = World::new();
    let repo = registry.repo("broken");
    let stored = registry.storage().join("docker/registry/v2/repositories/tenet/broken");
    world.write("broken/tenet.toml", "[package]\nname = \"broken\"\nversion = \"1.0.0\"\n");
    world.write("broken/policies/p.tenet", "package broken\n\nobligation oops on Contract {\n  must id is\n}\n");
    let run =
        world.tenet("broken", &["publish", "--registry", &repo]).fails("tenet::pkg::not_ready", "has 1 policy error");
    assert!(run.stderr.contains("p.tenet:5:1"), "the error itself is shown\n{}", run.stderr);
    assert!(!stored.exists(), "nothing reached the registry");
    world.tenet("broken", &["package"]).fails("tenet::pkg::not_ready", "refusing to package it");
    assert!(!world.path("broken/target/package").exists());

    // A failing test refuses too, unless the publisher says otherwise.
    world.write("broken/policies/p.tenet", SHARED_POLICY.replace("package shared", "package broken").as_str());
    world.write(
        "broken/tests/t.tenet",
        &SHARED_TEST
            .replace("package shared", "package broken")
            .replace("expect breach_notice_deadline: satisfied", "expect breach_notice_deadline: violated"),
    );
    world
        .tenet("broken", &["publish", "--registry", &repo])
        .fails("tenet::pkg::not_ready", "1 test of `.` fails: the publisher's own override holds in its own tests");
    assert!(!stored.exists(), "nothing reached the registry");
    let run = world.tenet("broken", &["publish", "--registry", &repo, "--allow-failing-tests"]).ok();
    assert!(run.stdout.contains("published `broken` 1.0.0"), "{}", run.stdout);
}
