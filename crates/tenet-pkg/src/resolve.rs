//! Dependency resolution: one version per package name, the highest that satisfies every
//! requirement on it (or the locked one while it still does), found by repeating selection
//! until it no longer changes. Conflicts name who wants what.

use crate::error::{PkgError, codes};
use crate::lock::{LockedPackage, LockedSource, Lockfile};
use crate::manifest::{DepSource, GitPin, Manifest, RegistryRef};
use semver::{Version, VersionReq};
use std::collections::{BTreeMap, VecDeque};
use std::path::{Component, Path, PathBuf};

/// Resolution stops (with an error) after this many rounds without settling.
const MAX_ROUNDS: usize = 64;
/// And after this many choices within one round.
const MAX_STEPS: usize = 100_000;

/// A package version chosen for the graph, with what the lock file records about it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub manifest: Manifest,
    pub source: LockedSource,
    /// `sha256:<hex>` of its archive (not for path packages).
    pub digest: Option<String>,
    /// The trusted key that signed it.
    pub signed_by: Option<String>,
    /// The directory holding its files.
    pub dir: PathBuf,
}

/// What resolution needs from the outside world: registries, git, the file system.
pub trait Index {
    /// The versions published for a registry package.
    fn versions(&mut self, name: &str, registry: &RegistryRef) -> Result<Vec<Version>, PkgError>;
    /// One registry package version.
    fn registry(&mut self, name: &str, registry: &RegistryRef, version: &Version) -> Result<Candidate, PkgError>;
    /// A git package at a tag or commit.
    fn git(&mut self, name: &str, url: &str, pin: &GitPin) -> Result<Candidate, PkgError>;
    /// A path package: `dir` on disk, `relative` to the project directory for the lock file.
    fn path(&mut self, name: &str, dir: &Path, relative: &Path) -> Result<Candidate, PkgError>;
}

/// One requirement on a package: who states it, where from, which versions.
#[derive(Clone, Debug)]
struct Want {
    /// The package stating it (`None` for the root manifest).
    from: Option<String>,
    by: String,
    source: Wanted,
    req: Option<VersionReq>,
}

/// A dependency source with path dependencies made relative to the project directory.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Wanted {
    Registry(RegistryRef),
    Git { url: String, pin: GitPin },
    Path { on_disk: PathBuf, relative: PathBuf },
}

impl std::fmt::Display for Wanted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wanted::Registry(r) => write!(f, "registry `{r}`"),
            Wanted::Git { url, pin } => write!(f, "git `{url}` ({pin})"),
            Wanted::Path { relative, .. } => write!(f, "path `{}`", relative.display()),
        }
    }
}

fn same_origin(wanted: &Wanted, locked: &LockedSource) -> bool {
    match (wanted, locked) {
        (Wanted::Registry(a), LockedSource::Registry(b)) => a == b,
        (Wanted::Git { url, pin }, LockedSource::Git { url: u, pin: p, .. }) => url == u && pin == p,
        (Wanted::Path { relative, .. }, LockedSource::Path(p)) => relative == p,
        _ => false,
    }
}

/// Joins `base` and `path` and removes `.` and `..` without touching the file system.
fn normalize(base: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let climbs = matches!(out.components().next_back(), None | Some(Component::ParentDir));
                if climbs {
                    out.push("..");
                } else {
                    out.pop();
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

/// The requirements a package's manifest states. `relative` is the package's directory relative
/// to the project (`None` for registry and git packages, which cannot use path dependencies).
fn wants_of(
    manifest: &Manifest,
    from: Option<&str>,
    by: &str,
    project_dir: &Path,
    relative: Option<&Path>,
    out: &mut BTreeMap<String, Vec<Want>>,
) -> Result<(), PkgError> {
    for dep in &manifest.dependencies {
        let source = match &dep.source {
            DepSource::Registry(r) => Wanted::Registry(r.clone()),
            DepSource::Git { url, pin } => Wanted::Git { url: url.clone(), pin: pin.clone() },
            DepSource::Path(p) => {
                let Some(base) = relative else {
                    return Err(PkgError::new(
                        codes::MISMATCH,
                        format!("{by} depends on `{}` by path, which only works inside its own repository", dep.name),
                    )
                    .with_help("published packages must depend on registry or git packages"));
                };
                let rel = if p.is_absolute() { p.clone() } else { normalize(base, p) };
                let on_disk = if rel.is_absolute() { rel.clone() } else { project_dir.join(&rel) };
                Wanted::Path { on_disk, relative: rel }
            }
        };
        out.entry(dep.name.clone()).or_default().push(Want {
            from: from.map(str::to_string),
            by: by.to_string(),
            source,
            req: dep.version.clone(),
        });
    }
    Ok(())
}

fn describe_wants(name: &str, wants: &[Want]) -> String {
    let parts: Vec<String> = wants
        .iter()
        .map(|w| match &w.req {
            Some(r) => format!("{} wants `{name} {r}`", w.by),
            None => format!("{} wants `{name}` from {}", w.by, w.source),
        })
        .collect();
    parts.join(", ")
}

/// Resolves the dependency graph of `root` (whose directory is `project_dir`). With a lock, the
/// locked versions are kept while they satisfy every requirement.
///
/// Each round walks the graph from the root, choosing for each name the best version given the
/// requirements known so far and re-choosing when new requirements arrive; the next round starts
/// again from the root (reusing what was loaded) to drop requirements of versions that were
/// replaced. Resolution ends when a round chooses exactly what the previous one did.
pub fn resolve(
    root: &Manifest,
    project_dir: &Path,
    lock: Option<&Lockfile>,
    index: &mut dyn Index,
) -> Result<Vec<Candidate>, PkgError> {
    let mut selected: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut versions: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    let not_settled = || {
        PkgError::new(codes::CONFLICT, format!("dependency resolution did not settle after {MAX_ROUNDS} rounds"))
            .with_help("pin the packages that keep changing with exact requirements (`=1.2.0`)")
    };
    for _ in 0..MAX_ROUNDS {
        let mut wants: BTreeMap<String, Vec<Want>> = BTreeMap::new();
        wants_of(root, None, "your manifest", project_dir, Some(Path::new(".")), &mut wants)?;
        let mut next: BTreeMap<String, Candidate> = BTreeMap::new();
        let mut queue: VecDeque<String> = wants.keys().cloned().collect();
        let mut steps = 0usize;
        while let Some(name) = queue.pop_front() {
            steps += 1;
            if steps > MAX_STEPS {
                return Err(not_settled());
            }
            let Some(list) = wants.get(&name).filter(|l| !l.is_empty()).cloned() else { continue };
            let previous = next.get(&name).or_else(|| selected.get(&name));
            let candidate = choose(&name, &list, previous, lock, &mut versions, index)?;
            let replaced = match next.get(&name) {
                Some(current) if same_choice(current, &candidate) => continue,
                Some(current) => current.manifest.dependencies.iter().map(|d| d.name.clone()).collect(),
                None => Vec::new(),
            };
            // The requirements of the version being replaced no longer hold.
            for list in wants.values_mut() {
                list.retain(|w| w.from.as_deref() != Some(name.as_str()));
            }
            let by = format!("`{}` {}", candidate.manifest.package.name, candidate.manifest.package.version);
            let relative = match &candidate.source {
                LockedSource::Path(p) => Some(p.as_path()),
                _ => None,
            };
            wants_of(&candidate.manifest, Some(&name), &by, project_dir, relative, &mut wants)?;
            if let Some(error) = cycle_to_root(&root.package.name, &wants) {
                return Err(error);
            }
            queue.extend(replaced);
            queue.extend(candidate.manifest.dependencies.iter().map(|d| d.name.clone()));
            next.insert(name, candidate);
        }
        let settled = next.len() == selected.len()
            && next.iter().zip(selected.iter()).all(|((a, ca), (b, cb))| a == b && same_choice(ca, cb));
        selected = next;
        if settled {
            return Ok(selected.into_values().collect());
        }
    }
    Err(not_settled())
}

/// The error for a dependency that wants the project itself (a path dependency pointing back
/// at it, directly or through others), naming the chain from the project back to it.
fn cycle_to_root(root: &str, wants: &BTreeMap<String, Vec<Want>>) -> Option<PkgError> {
    let back = wants.get(root)?.iter().find(|w| w.from.is_some())?;
    let mut chain = vec![root.to_string()];
    let mut at = back.from.clone();
    while let Some(name) = at {
        if chain.contains(&name) || chain.len() > wants.len() + 1 {
            break;
        }
        chain.push(name.clone());
        at = wants.get(&name).and_then(|list| list.first()).and_then(|w| w.from.clone());
    }
    chain.push(root.to_string());
    chain.reverse();
    let shown: Vec<String> = chain.iter().map(|n| format!("`{n}`")).collect();
    Some(
        PkgError::new(codes::CYCLE, format!("dependency cycle: {}", shown.join(" → ")))
            .with_help(format!("`{root}` is this project; remove the dependency on it from {}", back.by)),
    )
}

fn same_choice(a: &Candidate, b: &Candidate) -> bool {
    a.manifest.package.version == b.manifest.package.version && a.source == b.source
}

/// The candidate for `name` given every requirement on it.
fn choose(
    name: &str,
    list: &[Want],
    previous: Option<&Candidate>,
    lock: Option<&Lockfile>,
    versions: &mut BTreeMap<String, Vec<Version>>,
    index: &mut dyn Index,
) -> Result<Candidate, PkgError> {
    let Some(first) = list.first() else {
        return Err(PkgError::new(codes::CONFLICT, format!("nothing requires `{name}`")));
    };
    if let Some(other) = list.iter().find(|w| w.source != first.source) {
        return Err(PkgError::new(
            codes::CONFLICT,
            format!(
                "`{name}` is wanted from two places: {} wants it from {}, {} from {}",
                first.by, first.source, other.by, other.source
            ),
        )
        .with_help(format!("make every manifest take `{name}` from the same source")));
    }
    let reqs: Vec<&VersionReq> = list.iter().filter_map(|w| w.req.as_ref()).collect();
    let locked = lock.and_then(|l| l.get(name)).filter(|l| same_origin(&first.source, &l.source));
    let reusable = previous.filter(|p| same_origin(&first.source, &p.source));
    let candidate = match &first.source {
        Wanted::Registry(registry) => {
            if !versions.contains_key(name) {
                let mut found = index.versions(name, registry)?;
                found.sort();
                versions.insert(name.to_string(), found);
            }
            let published = versions.get(name).map(Vec::as_slice).unwrap_or_default();
            let fits = |v: &Version| reqs.iter().all(|r| r.matches(v));
            let pick = locked
                .map(|l| &l.version)
                .filter(|v| fits(v) && published.contains(v))
                .or_else(|| published.iter().rev().find(|v| fits(v)));
            let Some(version) = pick.cloned() else {
                return Err(no_version(name, registry, list, published));
            };
            match reusable {
                Some(p) if p.manifest.package.version == version => p.clone(),
                _ => index.registry(name, registry, &version)?,
            }
        }
        Wanted::Git { url, pin } => match reusable {
            Some(p) => p.clone(),
            None => index.git(name, url, pin)?,
        },
        Wanted::Path { on_disk, relative } => match reusable {
            Some(p) => p.clone(),
            None => index.path(name, on_disk, relative)?,
        },
    };
    let found = &candidate.manifest.package;
    if found.name != name {
        return Err(PkgError::new(
            codes::MISMATCH,
            format!("{} holds package `{}`, not `{name}`", first.source, found.name),
        )
        .with_help(format!("rename the dependency to `{}` or point it at the right package", found.name)));
    }
    if let Some(w) = list.iter().find(|w| w.req.as_ref().is_some_and(|r| !r.matches(&found.version))) {
        return Err(PkgError::new(
            codes::CONFLICT,
            format!(
                "{} has `{name}` {}, but {}",
                first.source,
                found.version,
                describe_wants(name, std::slice::from_ref(w))
            ),
        )
        .with_help("change the requirement, or point the dependency at a version that satisfies it"));
    }
    Ok(candidate)
}

fn no_version(name: &str, registry: &RegistryRef, wants: &[Want], published: &[Version]) -> PkgError {
    let shown: Vec<String> = published.iter().rev().take(10).map(|v| v.to_string()).collect();
    if published.is_empty() {
        return PkgError::new(codes::NO_VERSION, format!("no version of `{name}` is published at `{registry}`"))
            .with_help(format!(
                "publish one with `tenet publish --registry {registry}`, or check the repository name"
            ));
    }
    let each_satisfiable = wants.iter().filter_map(|w| w.req.as_ref()).all(|r| published.iter().any(|v| r.matches(v)));
    let with_reqs: Vec<Want> = wants.iter().filter(|w| w.req.is_some()).cloned().collect();
    if each_satisfiable && with_reqs.len() > 1 {
        return PkgError::new(
            codes::CONFLICT,
            format!("no version of `{name}` satisfies every requirement: {}", describe_wants(name, &with_reqs)),
        )
        .with_help(format!("published versions: {}; relax one of the requirements", shown.join(", ")));
    }
    PkgError::new(
        codes::NO_VERSION,
        format!("no published version of `{name}` matches: {}", describe_wants(name, &with_reqs)),
    )
    .with_help(format!("`{registry}` has {}", shown.join(", ")))
}

/// The lock file for a resolution.
pub fn to_lockfile(candidates: &[Candidate]) -> Lockfile {
    let mut packages: Vec<LockedPackage> = candidates
        .iter()
        .map(|c| {
            let mut dependencies: Vec<String> = c.manifest.dependencies.iter().map(|d| d.name.clone()).collect();
            dependencies.sort();
            LockedPackage {
                name: c.manifest.package.name.clone(),
                version: c.manifest.package.version.clone(),
                source: c.source.clone(),
                digest: c.digest.clone(),
                signed_by: c.signed_by.clone(),
                dependencies,
            }
        })
        .collect();
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Lockfile { packages }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An in-memory registry: (name, version) → dependencies text.
    struct Memory {
        packages: BTreeMap<(String, Version), String>,
        loads: usize,
    }

    impl Memory {
        fn new(list: &[(&str, &str, &str)]) -> Memory {
            let packages = list
                .iter()
                .map(|(n, v, deps)| ((n.to_string(), Version::parse(v).unwrap()), deps.to_string()))
                .collect();
            Memory { packages, loads: 0 }
        }
    }

    fn manifest(name: &str, version: &str, deps: &str) -> Manifest {
        let text = format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\n[dependencies]\n{deps}");
        Manifest::parse(Path::new("tenet.toml"), &text).unwrap()
    }

    fn dep(name: &str, req: &str) -> String {
        format!("{name} = {{ registry = \"127.0.0.1:5000/tenet/all\", version = \"{req}\" }}\n")
    }

    impl Index for Memory {
        fn versions(&mut self, name: &str, _: &RegistryRef) -> Result<Vec<Version>, PkgError> {
            Ok(self.packages.keys().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect())
        }
        fn registry(&mut self, name: &str, r: &RegistryRef, version: &Version) -> Result<Candidate, PkgError> {
            self.loads += 1;
            let deps = self.packages.get(&(name.to_string(), version.clone())).unwrap();
            Ok(Candidate {
                manifest: manifest(name, &version.to_string(), deps),
                source: LockedSource::Registry(r.clone()),
                digest: Some(format!("sha256:{}", "0".repeat(64))),
                signed_by: None,
                dir: PathBuf::new(),
            })
        }
        fn git(&mut self, _: &str, _: &str, _: &GitPin) -> Result<Candidate, PkgError> {
            unreachable!()
        }
        fn path(&mut self, name: &str, _: &Path, relative: &Path) -> Result<Candidate, PkgError> {
            Ok(Candidate {
                manifest: manifest(name, "0.1.0", ""),
                source: LockedSource::Path(relative.to_path_buf()),
                digest: None,
                signed_by: None,
                dir: PathBuf::new(),
            })
        }
    }

    fn chosen(c: &[Candidate]) -> Vec<String> {
        c.iter().map(|c| format!("{} {}", c.manifest.package.name, c.manifest.package.version)).collect()
    }

    #[test]
    fn picks_the_highest_matching_versions_transitively() {
        let mut index = Memory::new(&[
            ("lib", "1.0.0", ""),
            ("lib", "1.1.0", &dep("base", "^0.2")),
            ("lib", "2.0.0", ""),
            ("base", "0.2.0", ""),
            ("base", "0.2.5", ""),
            ("base", "0.3.0", ""),
        ]);
        let root = manifest("app", "0.1.0", &dep("lib", "^1.0"));
        let result = resolve(&root, Path::new("."), None, &mut index).unwrap();
        assert_eq!(chosen(&result), ["base 0.2.5", "lib 1.1.0"]);
        let lock = to_lockfile(&result);
        assert_eq!(lock.get("lib").unwrap().dependencies, ["base"]);
    }

    #[test]
    fn keeps_locked_versions_that_still_fit() {
        let mut index = Memory::new(&[("lib", "1.0.0", ""), ("lib", "1.1.0", "")]);
        let root = manifest("app", "0.1.0", &dep("lib", "^1.0"));
        let mut lock = to_lockfile(&resolve(&root, Path::new("."), None, &mut index).unwrap());
        lock.packages[0].version = Version::new(1, 0, 0);
        let again = resolve(&root, Path::new("."), Some(&lock), &mut index).unwrap();
        assert_eq!(chosen(&again), ["lib 1.0.0"]);
        let stricter = manifest("app", "0.1.0", &dep("lib", "^1.1"));
        assert_eq!(chosen(&resolve(&stricter, Path::new("."), Some(&lock), &mut index).unwrap()), ["lib 1.1.0"]);
    }

    #[test]
    fn conflicts_say_who_wants_what() {
        let mut index = Memory::new(&[
            ("a", "1.0.0", &dep("x", "^1.0")),
            ("b", "1.0.0", &dep("x", "^2.0")),
            ("x", "1.4.0", ""),
            ("x", "2.1.0", ""),
        ]);
        let root = manifest("app", "0.1.0", &(dep("a", "^1") + &dep("b", "^1")));
        let e = resolve(&root, Path::new("."), None, &mut index).unwrap_err();
        assert_eq!(e.code(), codes::CONFLICT);
        assert_eq!(
            e.message(),
            "no version of `x` satisfies every requirement: `a` 1.0.0 wants `x ^1.0`, `b` 1.0.0 wants `x ^2.0`"
        );
        assert_eq!(e.help_text(), Some("published versions: 2.1.0, 1.4.0; relax one of the requirements"));
    }

    #[test]
    fn missing_versions() {
        let mut index = Memory::new(&[("lib", "1.0.0", "")]);
        let root = manifest("app", "0.1.0", &dep("lib", "^3"));
        let e = resolve(&root, Path::new("."), None, &mut index).unwrap_err();
        assert_eq!(e.code(), codes::NO_VERSION);
        assert_eq!(e.message(), "no published version of `lib` matches: your manifest wants `lib ^3`");
        let root = manifest("app", "0.1.0", &dep("nothing", "^1"));
        let e = resolve(&root, Path::new("."), None, &mut index).unwrap_err();
        assert_eq!(e.message(), "no version of `nothing` is published at `127.0.0.1:5000/tenet/all`");
    }

    #[test]
    fn one_name_from_two_sources_is_a_conflict() {
        let mut index = Memory::new(&[("a", "1.0.0", "x = { path = \"../x\" }\n")]);
        let root = manifest("app", "0.1.0", &dep("a", "^1"));
        let e = resolve(&root, Path::new("."), None, &mut index).unwrap_err();
        assert!(e.message().contains("by path, which only works inside its own repository"), "{e}");
        let mut index = Memory::new(&[("x", "1.0.0", "")]);
        let root = manifest("app", "0.1.0", &(dep("x", "^1") + "y = { path = \"../y\" }\n"));
        let result = resolve(&root, Path::new("/proj"), None, &mut index).unwrap();
        assert_eq!(result[1].source, LockedSource::Path(PathBuf::from("../y")));
    }

    #[test]
    fn a_replaced_version_takes_its_requirements_with_it() {
        let mut index = Memory::new(&[
            ("a", "1.0.0", &dep("x", "^1")),
            ("a", "1.1.0", &dep("x", "^2")),
            ("b", "1.0.0", &dep("a", "=1.0.0")),
            ("x", "1.0.0", ""),
            ("x", "2.0.0", ""),
        ]);
        let root = manifest("app", "0.1.0", &(dep("a", "^1") + &dep("b", "^1")));
        let result = resolve(&root, Path::new("."), None, &mut index).unwrap();
        assert_eq!(chosen(&result), ["a 1.0.0", "b 1.0.0", "x 1.0.0"]);
    }

    #[test]
    fn deep_chains_resolve_in_few_rounds() {
        let list: Vec<(String, String)> = (0..300)
            .map(|i| (format!("p{i}"), if i < 299 { dep(&format!("p{}", i + 1), "^1") } else { String::new() }))
            .collect();
        let refs: Vec<(&str, &str, &str)> = list.iter().map(|(n, d)| (n.as_str(), "1.0.0", d.as_str())).collect();
        let mut index = Memory::new(&refs);
        let root = manifest("app", "0.1.0", &dep("p0", "^1"));
        assert_eq!(resolve(&root, Path::new("."), None, &mut index).unwrap().len(), 300);
        assert_eq!(index.loads, 300, "each package is loaded once");
    }

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(normalize(Path::new("."), Path::new("../shared")), PathBuf::from("../shared"));
        assert_eq!(normalize(Path::new("../shared"), Path::new("../base")), PathBuf::from("../base"));
        assert_eq!(normalize(Path::new("libs/a"), Path::new("./b")), PathBuf::from("libs/a/b"));
        assert_eq!(normalize(Path::new("../a"), Path::new("../../b")), PathBuf::from("../../b"));
    }

    #[test]
    fn a_dependency_on_the_project_itself_is_a_cycle() {
        let mut index =
            Memory::new(&[("b", "1.0.0", &dep("c", "^1")), ("c", "1.0.0", &dep("app", "^0.1")), ("app", "0.1.0", "")]);
        let root = manifest("app", "0.1.0", &dep("b", "^1"));
        let error = resolve(&root, Path::new("."), None, &mut index).unwrap_err();
        assert_eq!(error.code(), codes::CYCLE);
        assert_eq!(error.message(), "dependency cycle: `app` → `b` → `c` → `app`");
        assert!(error.help_text().unwrap().contains("from `c` 1.0.0"), "{error}");
    }
}
