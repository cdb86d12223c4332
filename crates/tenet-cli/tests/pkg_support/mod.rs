//! What the registry tests share: a generated CA and certificate, Debian's `docker-registry`
//! started with TLS and authentication as asked, and a scratch world that runs the real `tenet`
//! and keeps every output for the secret scan.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "shared by the package test binaries, each using part of it; a test fails loudly on unexpected input"
)]

use crate::support::Run;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";
pub const USER: &str = "publisher";
pub const PASSWORD: &str = "pw-Zq8vR3kLm2";
pub const SERVICE: &str = "tenet-test-registry";
pub const ISSUER: &str = "tenet-test-token-service";

/// A CA and a server certificate for 127.0.0.1 and localhost that it signed, as PEM files.
pub struct Pki {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn make_pki(dir: &Path, name: &str) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, format!("{name} test CA"));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.subject_alt_names.push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
    params.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let pki = Pki {
        ca: dir.join(format!("{name}-ca.pem")),
        cert: dir.join(format!("{name}-cert.pem")),
        key: dir.join(format!("{name}-key.pem")),
    };
    std::fs::write(&pki.ca, ca_cert.pem()).unwrap();
    std::fs::write(&pki.cert, cert.pem()).unwrap();
    std::fs::write(&pki.key, key.serialize_pem()).unwrap();
    pki
}

/// How the registry authenticates.
pub enum Auth<'a> {
    None,
    Htpasswd(&'a Path),
    Token { realm: String, bundle: &'a Path },
}

/// A registry process, killed when dropped.
pub struct Registry {
    child: Child,
    pub port: u16,
    storage: PathBuf,
    dir: tempfile::TempDir,
}

impl Registry {
    pub fn start(tls: Option<&Pki>, auth: Auth<'_>) -> Registry {
        assert!(
            Path::new(REGISTRY_BIN).is_file(),
            "{REGISTRY_BIN} is missing: install Debian's `docker-registry` package (scripts/test does)"
        );
        let dir = tempfile::tempdir().unwrap();
        let storage = dir.path().join("storage");
        std::fs::create_dir_all(&storage).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            storage.display()
        );
        if let Some(pki) = tls {
            config += &format!("  tls:\n    certificate: {}\n    key: {}\n", pki.cert.display(), pki.key.display());
        }
        match auth {
            Auth::None => {}
            Auth::Htpasswd(path) => {
                config += &format!("auth:\n  htpasswd:\n    realm: tenet-test\n    path: {}\n", path.display());
            }
            Auth::Token { realm, bundle } => {
                config += &format!(
                    "auth:\n  token:\n    realm: {realm}\n    service: {SERVICE}\n    issuer: {ISSUER}\n    rootcertbundle: {}\n",
                    bundle.display()
                );
            }
        }
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(REGISTRY_BIN)
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut registry = Registry { child, port, storage, dir };
        registry.wait_ready();
        registry
    }

    /// Waits until the registry accepts connections (at most 20 seconds).
    pub fn wait_ready(&mut self) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let log = std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default();
                panic!("docker-registry exited with {status}:\n{log}");
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "docker-registry did not listen within 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `tenet/<name>` on this registry, as a plain-HTTP loopback reference.
    pub fn repo(&self, name: &str) -> String {
        format!("127.0.0.1:{}/tenet/{name}", self.port)
    }

    /// The registry's storage directory.
    pub fn storage(&self) -> &Path {
        &self.storage
    }

    /// The file the registry stores a blob in.
    pub fn blob_file(&self, digest: &str) -> PathBuf {
        let hex = digest.strip_prefix("sha256:").unwrap();
        self.storage.join(format!("docker/registry/v2/blobs/sha256/{}/{hex}/data", &hex[..2]))
    }

    pub fn https_repo(&self, name: &str) -> String {
        format!("https://127.0.0.1:{}/tenet/{name}", self.port)
    }

    /// The tags the registry stores for `tenet/<name>`, read from its storage directory.
    pub fn stored_tags(&self, name: &str) -> Vec<String> {
        let dir = self.storage.join(format!("docker/registry/v2/repositories/tenet/{name}/_manifests/tags"));
        let mut tags: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        tags.sort();
        tags
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, Some(0), "expected success\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn fails(self, code: &str, message: &str) -> Run {
        assert_eq!(self.code, Some(2), "expected exit 2\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        assert!(self.stderr.contains(code), "expected `{code}` in\n{}", self.stderr);
        assert!(unwrapped(&self.stderr).contains(message), "expected `{message}` in\n{}", self.stderr);
        self
    }
}

/// Rendered text with miette's line wrapping undone.
pub fn unwrapped(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(|l| l.trim().trim_start_matches(['│', '×']).trim()).collect();
    lines.join(" ")
}

/// A scratch area: `HOME` (and so Docker's `config.json`) and `TENET_CACHE` are inside it; every
/// output of every run is kept for the secret scan.
pub struct World {
    pub dir: tempfile::TempDir,
    outputs: Mutex<Vec<String>>,
}

impl World {
    pub fn new() -> World {
        World { dir: tempfile::tempdir().unwrap(), outputs: Mutex::new(Vec::new()) }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn docker_config(&self) -> PathBuf {
        self.path("home/.docker/config.json")
    }

    /// Runs `tenet` in `cwd` with `env` added and `stdin` as standard input.
    pub fn tenet_with(&self, cwd: &str, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
        let cwd = self.path(cwd);
        std::fs::create_dir_all(&cwd).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_tenet"));
        command
            .arg("--color")
            .arg("never")
            .args(args)
            .current_dir(&cwd)
            .env("TENET_CACHE", self.path("cache"))
            .env("HOME", self.path("home"))
            .env("PATH", format!("{}:{}", self.path("bin").display(), std::env::var("PATH").unwrap_or_default()))
            .env_remove("XDG_CACHE_HOME")
            .env_remove("DOCKER_CONFIG")
            .env_remove("SSL_CERT_FILE")
            .env_remove("TENET_REGISTRY_USERNAME")
            .env_remove("TENET_REGISTRY_PASSWORD")
            .env_remove("TENET_REGISTRY_HOST")
            .env_remove("TENET_REGISTRY_PAGE_SIZE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        self.outputs.lock().unwrap().push(format!("{}\n{}", run.stdout, run.stderr));
        run
    }

    pub fn tenet(&self, cwd: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.tenet_with(cwd, args, env, "")
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    /// The library `lib` at `version`.
    pub fn library(&self, dir: &str, version: &str) {
        self.write(&format!("{dir}/tenet.toml"), &format!("[package]\nname = \"lib\"\nversion = \"{version}\"\n"));
        self.write(&format!("{dir}/policies/lib.tenet"), LIB_POLICY);
    }

    /// A consumer project `dir` depending on `lib` from `repo`.
    pub fn consumer(&self, dir: &str, repo: &str) {
        self.write(
            &format!("{dir}/tenet.toml"),
            &format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nlib = {{ registry = \"{repo}\", version = \"^1\" }}\n"),
        );
    }

    /// Every file under the world's directory, and what it holds.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![self.dir.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        out
    }

    /// Asserts that no output of any run and no file in the world holds any of `secrets`.
    #[track_caller]
    pub fn assert_no_secrets(&self, secrets: &[String]) {
        assert!(!secrets.is_empty());
        let outputs = self.outputs.lock().unwrap();
        assert!(!outputs.is_empty());
        let files = self.files();
        for secret in secrets {
            for output in outputs.iter() {
                assert!(!output.contains(secret.as_str()), "a secret was printed:\n{output}");
            }
            for (path, bytes) in &files {
                let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
                assert!(!found, "a secret was written to `{}`", path.display());
            }
        }
    }
}

pub const LIB_POLICY: &str = r#"package lib

/// What a vendor contract says, as far as this library cares.
schema Contract {
  id: string?,
}

/// Every contract names its id.
obligation has_id on Contract {
  area: accountability
  severity: low
  cite: "Northwind procurement rule 4"
  must id is present
  because "Every contract names its id."
}
"#;
