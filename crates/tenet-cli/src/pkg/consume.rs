//! Commands for package consumers: `tenet add` and `tenet fetch`.

use super::{ConnectArgs, run, short};
use crate::exit::Exit;
use crate::render::Renderer;
use std::path::PathBuf;
use tenet_pkg::fsutil::write_atomic;
use tenet_pkg::manifest::{MANIFEST_FILE, Manifest, RegistryRef, valid_package_name};
use tenet_pkg::registry::Client;
use tenet_pkg::{Cache, FetchOptions, LockedSource, PkgError, codes};

/// Arguments of `tenet add`.
#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// `NAME@REQUIREMENT` (such as `gdpr-pack@^1.0`), or `NAME` for the newest registry version
    /// or any version of a path or git package.
    #[arg(value_name = "NAME[@REQ]")]
    pub spec: String,
    /// Take the package from this OCI repository, `HOST[:PORT]/REPOSITORY`.
    #[arg(long, value_name = "REGISTRY", group = "source")]
    pub registry: Option<String>,
    /// Take the package from this directory.
    #[arg(long, value_name = "DIR", group = "source")]
    pub path: Option<String>,
    /// Take the package from this git repository (with `--tag` or `--rev`).
    #[arg(long, value_name = "URL", group = "source")]
    pub git: Option<String>,
    /// The git tag.
    #[arg(long, value_name = "TAG", requires = "git", conflicts_with = "rev")]
    pub tag: Option<String>,
    /// The git commit.
    #[arg(long, value_name = "SHA", requires = "git")]
    pub rev: Option<String>,
    /// The project directory (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub manifest_path: PathBuf,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Adds a dependency to `tenet.toml`, keeping the file's formatting and comments.
pub fn add(args: &AddArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let (name, req) = match args.spec.split_once('@') {
            Some((n, r)) => (n.to_string(), Some(r.to_string())),
            None => (args.spec.clone(), None),
        };
        if !valid_package_name(&name) {
            return Err(PkgError::new(codes::BAD_VALUE, format!("`{name}` is not a valid package name"))
                .with_help("write `NAME@REQUIREMENT`, such as `gdpr-pack@^1.0`"));
        }
        let mut entry = toml_edit::InlineTable::new();
        if let Some(registry) = &args.registry {
            let reference = RegistryRef::parse(registry).map_err(|why| {
                PkgError::new(codes::BAD_VALUE, format!("`{registry}` is not a registry reference")).with_help(why)
            })?;
            let req = match req.clone() {
                Some(r) => r,
                None => {
                    let mut options = args.connect.options()?;
                    let project = args.manifest_path.join(MANIFEST_FILE);
                    if project.is_file() {
                        let manifest = Manifest::load(&args.manifest_path)?;
                        options.ca_files.extend(manifest.registries.ca_files_in(&args.manifest_path));
                    }
                    let newest = Client::new(&options)?
                        .tags(&reference)?
                        .iter()
                        .filter_map(|t| semver::Version::parse(t).ok())
                        .filter(|v| v.pre.is_empty())
                        .max()
                        .ok_or_else(|| {
                            PkgError::new(
                                codes::NO_VERSION,
                                format!("no version of `{name}` is published at `{reference}`"),
                            )
                        })?;
                    format!("^{newest}")
                }
            };
            entry.insert("registry", registry.as_str().into());
            entry.insert("version", req.as_str().into());
        } else if let Some(path) = &args.path {
            entry.insert("path", path.as_str().into());
        } else if let Some(url) = &args.git {
            entry.insert("git", url.as_str().into());
            match (&args.tag, &args.rev) {
                (Some(tag), _) => entry.insert("tag", tag.as_str().into()),
                (None, Some(rev)) => entry.insert("rev", rev.as_str().into()),
                (None, None) => {
                    return Err(PkgError::new(codes::MISSING_KEY, "a git dependency needs `--tag` or `--rev`")
                        .with_help("pin it, as in `--git URL --tag v1.0.0`"));
                }
            };
        } else {
            return Err(PkgError::new(codes::MISSING_KEY, format!("where does `{name}` come from?"))
                .with_help("give `--registry HOST:PORT/REPOSITORY`, `--path DIR` or `--git URL --tag TAG`"));
        }
        if args.registry.is_none()
            && let Some(r) = &req
        {
            entry.insert("version", r.as_str().into());
        }
        let path = args.manifest_path.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| PkgError::io(&path, &e))?;
        Manifest::parse(&path, &text)?;
        let mut document: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            PkgError::new(codes::TOML, format!("cannot edit `{}`: {e}", path.display()))
        })?;
        let dependencies = document
            .entry("dependencies")
            .or_insert_with(toml_edit::table)
            .as_table_like_mut()
            .ok_or_else(|| PkgError::new(codes::BAD_VALUE, "`dependencies` is not a table"))?;
        let replaced = dependencies.insert(&name, toml_edit::value(entry)).is_some();
        let new_text = document.to_string();
        // Validate before writing: a bad requirement is reported at its place, the file untouched.
        Manifest::parse(&path, &new_text)?;
        write_atomic(&path, new_text.as_bytes())?;
        println!(
            "{} `{name}` in `{}`; run `tenet fetch` to lock and download it",
            if replaced { "updated" } else { "added" },
            path.display()
        );
        Ok(())
    })
}

/// Arguments of `tenet fetch`.
#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// The project directory (default: the current directory).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Fail instead of changing `tenet.lock` (for CI).
    #[arg(long)]
    pub locked: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Resolves, downloads and verifies dependencies into the cache, and writes `tenet.lock`.
pub fn fetch(args: &FetchArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let cache = Cache::from_env()?;
        let report = tenet_pkg::fetch(
            &args.dir,
            &cache,
            &FetchOptions { locked: args.locked, client: args.connect.options()? },
        )?;
        for p in &report.lock.packages {
            let digest = p.digest.as_deref().map(short).unwrap_or("-");
            let origin = match &p.source {
                LockedSource::Registry(r) => format!("registry {r}"),
                LockedSource::Git { url, pin, commit } => {
                    format!("git {url} {pin} ({})", commit.get(..12).unwrap_or(commit))
                }
                LockedSource::Path(path) => format!("path {}", path.display()),
            };
            let signed = p.signed_by.as_deref().map(|k| format!(", signed by {k}")).unwrap_or_default();
            println!("  {} {} from {origin} {digest}{signed}", p.name, p.version);
            let dir = match (&p.source, &p.digest) {
                (LockedSource::Path(path), _) => args.dir.join(path),
                (_, Some(d)) => cache.package_dir(d),
                (_, None) => continue,
            };
            println!("    in `{}`", dir.display());
        }
        for w in &report.unsigned {
            eprintln!("warning: {w} is not signed");
        }
        for w in &report.untrusted {
            eprintln!("warning: {w} is signed by a key not listed in `[trust]`");
        }
        let count = report.lock.packages.len();
        println!(
            "fetched {count} package{} ({} downloaded) into `{}`; `tenet.lock` {}",
            if count == 1 { "" } else { "s" },
            report.downloaded.len(),
            cache.root().display(),
            if report.lock_changed { "written" } else { "unchanged" }
        );
        Ok(())
    })
}
