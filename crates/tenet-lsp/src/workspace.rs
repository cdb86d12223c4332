//! The server's state: the salsa database (the one writer), the files it holds by URI, and
//! what the package's `tenet.toml` names (sample documents for code lenses).

use salsa::Durability;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenet_db::{Database, SourceFile, Workspace};
use tenet_ide::documents::{DocumentFile, WaiverFile};
use tenet_input::Document;

/// Files larger than this are not loaded from disk.
const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// How many policy files a workspace scan loads at most.
const MAX_FILES: usize = 20_000;
/// How many directory entries a workspace scan visits at most: a workspace opened at `/` or a
/// home directory is searched this far, not to the end of the disk.
pub const MAX_SCANNED_ENTRIES: usize = 100_000;

/// One file the server knows.
#[derive(Clone, Copy, Debug)]
pub struct FileEntry {
    /// The database input.
    pub file: SourceFile,
    /// The editor's version while the file is open.
    pub version: Option<i32>,
    /// Whether this is an embedded standard-library file (not edited, not reported on).
    pub library: bool,
    /// Whether the editor has opened or changed it, so its text has `LOW` durability.
    pub in_editor: bool,
}

/// A document (YAML, JSON or TOML) open in the editor.
#[derive(Clone, Copy, Debug)]
pub struct DocumentEntry {
    /// The database input.
    pub file: DocumentFile,
    /// The editor's version.
    pub version: Option<i32>,
}

/// Everything behind the lock.
pub struct State {
    /// The database; only the holder of the lock writes to it.
    pub db: Database,
    /// The one workspace input.
    pub workspace: Workspace,
    /// Files by URI, in a stable order.
    pub files: BTreeMap<String, FileEntry>,
    /// URI of each file, for locations in responses.
    pub uris: Arc<HashMap<SourceFile, String>>,
    /// The workspace root.
    pub root: Option<PathBuf>,
    /// Sample documents named by `tenet.toml`.
    pub samples: Arc<Vec<Document>>,
    /// The date code lenses evaluate at and new waivers run from.
    pub today: jiff::civil::Date,
    /// Documents open in the editor, by URI.
    pub documents: BTreeMap<String, DocumentEntry>,
    /// The workspace root's `tenet.toml`, for its `[inputs]` and `[waivers]`.
    pub manifest: Option<Arc<tenet_pkg::Manifest>>,
    /// What the start-up scan left out, shown to the user once the client is initialized.
    pub start_warnings: Vec<String>,
}

impl State {
    /// An empty state.
    pub fn new(today: jiff::civil::Date) -> Self {
        Self::with_database(Database::default(), today)
    }

    /// An empty state over `db` (tests pass one that reports salsa events).
    pub fn with_database(db: Database, today: jiff::civil::Date) -> Self {
        let workspace = Workspace::new(&db, Vec::new());
        State {
            db,
            workspace,
            files: BTreeMap::new(),
            uris: Arc::new(HashMap::new()),
            root: None,
            samples: Arc::new(Vec::new()),
            today,
            documents: BTreeMap::new(),
            manifest: None,
            start_warnings: Vec::new(),
        }
    }

    /// Adds or replaces files without re-setting the workspace for each one.
    pub fn load_many(&mut self, files: Vec<(String, String)>) {
        for (uri, text) in files {
            match self.files.get(&uri) {
                Some(entry) => {
                    let file = entry.file;
                    set_text(&mut self.db, file, text, Durability::MEDIUM);
                }
                None => {
                    // Files read from disk rarely change; salsa then skips re-verifying what
                    // depends on them alone after an edit to an open file (which is `LOW`).
                    let file =
                        SourceFile::builder(display_path(&uri), text).durability(Durability::MEDIUM).new(&self.db);
                    self.files.insert(uri, FileEntry { file, version: None, library: false, in_editor: false });
                }
            }
        }
        self.sync_workspace();
    }

    /// Adds a file, or replaces its text.
    pub fn upsert(&mut self, uri: &str, text: String, version: Option<i32>) -> SourceFile {
        if let Some(entry) = self.files.get_mut(uri) {
            entry.version = version.or(entry.version);
            let file = entry.file;
            if entry.in_editor {
                set_text(&mut self.db, file, text, Durability::LOW);
            } else {
                // Opening a file read from disk lowers its durability once, even when the text is
                // the same, so that the keystrokes that follow re-check only what they change
                // (salsa does not backdate results whose durability went down).
                use salsa::Setter as _;
                entry.in_editor = true;
                file.set_text(&mut self.db).with_durability(Durability::LOW).to(text);
            }
            return file;
        }
        let file = SourceFile::new(&self.db, display_path(uri), text);
        self.files.insert(uri.to_string(), FileEntry { file, version, library: false, in_editor: true });
        self.sync_workspace();
        file
    }

    /// Adds the policy files of the dependencies locked in `root`'s `tenet.lock` (path
    /// dependencies live, the others from the package cache), as library files. A project
    /// whose dependencies are not fetched gets none; its `use`s then say what is missing.
    pub fn load_dependencies(&mut self, root: &Path) {
        let Ok(Some(project)) = tenet_pkg::project::load(root) else { return };
        // The same loader as the command line's: dependency sources as files, `[params]` as
        // the workspace's manifest parameters.
        let (dependencies, params) = tenet::load::project_files(&self.db, &project);
        let mut dependency_files = Vec::new();
        for (path, file) in dependencies {
            // `../shared/model.tenet` and the same file opened by the editor are one file.
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let uri = path_to_uri(&path);
            if self.files.contains_key(&uri) {
                continue;
            }
            dependency_files.push(file);
            self.files.insert(uri, FileEntry { file, version: None, library: true, in_editor: false });
        }
        // `[params]` apply in the editor as on the command line (hover shows the value in force,
        // code lenses evaluate with it); `tenet check` reports their problems in `tenet.toml`.
        {
            use salsa::Setter as _;
            self.workspace.set_manifest_params(&mut self.db).to(params);
            // As on the command line, a dependency's overrides and waivers are not applied.
            self.workspace.set_dependency_files(&mut self.db).to(dependency_files);
        }
        self.sync_workspace();
    }

    /// Adds the embedded standard library, unless the workspace declares its packages itself
    /// (a checkout of `policies/std`). Each file is written to `dir` so editors can open it
    /// when a definition leads there; if that fails it gets a `tenet-std:` URI instead.
    pub fn load_std(&mut self, dir: Option<&Path>) {
        let declared: Vec<Arc<str>> =
            self.files.values().filter_map(|e| tenet_db::file_outline(&self.db, e.file).package.clone()).collect();
        let written = dir.is_some_and(|d| std::fs::create_dir_all(d).is_ok());
        for (name, file) in tenet::load::std_files_except(&self.db, &declared) {
            let uri = match dir {
                Some(dir) if written => {
                    let path = dir.join(name);
                    let text = file.text(&self.db);
                    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                        let _ = std::fs::write(&path, text);
                    }
                    path_to_uri(&path)
                }
                _ => format!("tenet-std:///{name}"),
            };
            self.files.insert(uri, FileEntry { file, version: None, library: true, in_editor: false });
        }
        self.sync_workspace();
    }

    /// Opens a document, or sets its text, as the editor has it.
    pub fn upsert_document(&mut self, uri: &str, text: String, version: Option<i32>) -> DocumentFile {
        use salsa::Setter as _;
        if let Some(entry) = self.documents.get_mut(uri) {
            entry.version = version.or(entry.version);
            let file = entry.file;
            if *file.text(&self.db) != text {
                file.set_text(&mut self.db).with_durability(Durability::LOW).to(text);
            }
            return file;
        }
        let default_kind = uri_to_path(uri).and_then(|p| self.input_kind(&p));
        let file = DocumentFile::new(&self.db, display_path(uri), text, default_kind, self.today);
        self.documents.insert(uri.to_string(), DocumentEntry { file, version });
        file
    }

    /// The kind the root's `[inputs]` gives a document at `path`.
    fn input_kind(&self, path: &Path) -> Option<Arc<str>> {
        let manifest = self.manifest.as_ref()?;
        let relative = path.strip_prefix(manifest.dir()).ok()?;
        let relative = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        manifest.input_kind(&relative).map(Arc::from)
    }

    /// Reads the root's `tenet.toml` again, and gives open documents the kinds its `[inputs]`
    /// now say.
    pub fn load_manifest(&mut self) {
        use salsa::Setter as _;
        let manifest = self.root.as_ref().map(|root| root.join(tenet_pkg::manifest::MANIFEST_FILE));
        self.manifest = manifest.filter(|m| m.is_file()).and_then(|m| tenet_pkg::Manifest::load(&m).ok()).map(Arc::new);
        let documents: Vec<(String, DocumentFile)> = self.documents.iter().map(|(u, e)| (u.clone(), e.file)).collect();
        for (uri, file) in documents {
            let kind = uri_to_path(&uri).and_then(|p| self.input_kind(&p));
            if *file.default_kind(&self.db) != kind {
                file.set_default_kind(&mut self.db).to(kind);
            }
        }
    }

    /// Where new waivers go: the project's own policy file that already holds waivers, else a
    /// new `waivers.tenet` in the root, in a package beside the project's own.
    pub fn waiver_file(&self) -> Option<WaiverFile> {
        let root = self.root.as_ref()?;
        let own: Vec<SourceFile> = self
            .files
            .iter()
            .filter(|(uri, e)| !e.library && uri_to_path(uri).is_some_and(|p| p.starts_with(root)))
            .map(|(_, e)| e.file)
            .collect();
        let prefix = own
            .iter()
            .find_map(|f| tenet_db::file_outline(&self.db, *f).package.clone())
            .and_then(|p| p.split('.').next().map(str::to_string))
            .or_else(|| self.manifest.as_ref().map(|m| m.package.name.replace(['-', '.'], "_")))
            .unwrap_or_else(|| "project".to_string());
        let path = root.join("waivers.tenet").display().to_string();
        Some(WaiverFile::find(&self.db, &own, path, format!("{prefix}.waivers")))
    }

    /// Forgets a file.
    pub fn remove(&mut self, uri: &str) {
        if self.files.remove(uri).is_some() {
            self.sync_workspace();
        }
    }

    fn sync_workspace(&mut self) {
        use salsa::Setter as _;
        let files: Vec<SourceFile> = self.files.values().map(|e| e.file).collect();
        self.workspace.set_files(&mut self.db).to(files);
        self.uris = Arc::new(self.files.iter().map(|(uri, e)| (e.file, uri.clone())).collect());
    }
}

/// Sets a file's text unless it is unchanged (which would still start a new revision): `LOW`
/// durability for text from the editor, `MEDIUM` for text read from disk.
fn set_text(db: &mut Database, file: SourceFile, text: String, durability: Durability) {
    use salsa::Setter as _;
    if *file.text(db) != text {
        file.set_text(db).with_durability(durability).to(text);
    }
}

/// The path shown in messages for a URI.
fn display_path(uri: &str) -> String {
    uri_to_path(uri).map_or_else(|| uri.to_string(), |p| p.display().to_string())
}

/// The local path of a `file:` URI.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = rest.get(i + 1..i + 3)
            && let Ok(value) = u8::from_str_radix(hex, 16)
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// The `file:` URI of a local path.
pub fn path_to_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// Where the embedded standard library is written for editors to open:
/// `$XDG_CACHE_HOME/tenet/std-VERSION` (or `~/.cache/tenet/std-VERSION`).
pub fn std_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("tenet").join(format!("std-{}", tenet_std::VERSION)))
}

/// What a workspace scan found: the policy files as (URI, text) in path order, and what it
/// left out, said for the user.
#[derive(Debug, Default)]
pub struct Scan {
    pub files: Vec<(String, String)>,
    /// One sentence per kind of file left out (the search stopped, too many files, files
    /// too large or not UTF-8); empty when nothing was.
    pub warnings: Vec<String>,
}

/// Every `.tenet` file under `root`, found as the command line finds them
/// ([`tenet::load::policy_files_under`]), visiting at most `max_entries` directory entries.
pub fn scan(root: &Path, max_entries: usize) -> Scan {
    let (found, _, stopped) = tenet::load::policy_files_under_at_most(root, max_entries);
    let mut warnings = Vec::new();
    if stopped {
        warnings.push(format!(
            "Tenet stopped looking for policy files under `{}` after {max_entries} files and folders; \
             the policy files further on are not checked until opened (raise \
             `initializationOptions.maxScannedEntries`, or open the package's own folder)",
            root.display()
        ));
    }
    if found.len() > MAX_FILES {
        warnings.push(format!(
            "{} policy files under `{}`: Tenet loaded the first {MAX_FILES} (in path order)",
            found.len(),
            root.display()
        ));
    }
    let mut files = Vec::new();
    let mut unread = Vec::new();
    for path in found.into_iter().take(MAX_FILES) {
        match read_policy(&path) {
            Some(text) => files.push((path_to_uri(&path), text)),
            None => unread.push(path),
        }
    }
    if let Some(first) = unread.first() {
        warnings.push(format!(
            "{} policy file(s) not loaded: larger than {} MiB, not UTF-8 or unreadable (`{}`{})",
            unread.len(),
            MAX_FILE_BYTES >> 20,
            first.display(),
            if unread.len() > 1 { ", …" } else { "" }
        ));
    }
    Scan { files, warnings }
}

/// A policy file's text, if it is readable UTF-8 of a sensible size.
pub fn read_policy(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_FILE_BYTES {
        return None;
    }
    String::from_utf8(tenet::load::read_policy_bytes(path).ok()?).ok()
}

/// The sample documents `root/tenet.toml` names under `[samples] files`; documents that do
/// not load are left out (the lens counts what can be evaluated).
pub fn load_samples(root: &Path) -> Vec<Document> {
    let manifest_path = root.join(tenet_pkg::manifest::MANIFEST_FILE);
    if !manifest_path.is_file() {
        return Vec::new();
    }
    let Ok(manifest) = tenet_pkg::Manifest::load(&manifest_path) else { return Vec::new() };
    let limits = tenet_input::Limits::default();
    let mut docs = Vec::new();
    for path in manifest.sample_files() {
        let (inputs, _) = tenet_input::collect_inputs(&[path]);
        for input in inputs {
            let Ok(source) = tenet_input::read_input(&input, &limits) else { continue };
            let (loaded, _) = tenet_input::load_partial(Arc::new(source), &limits);
            docs.extend(loaded);
        }
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip_paths_with_spaces_and_non_ascii() {
        let path = Path::new("/tmp/a dir/políticas/x.tenet");
        let uri = path_to_uri(path);
        assert_eq!(uri, "file:///tmp/a%20dir/pol%C3%ADticas/x.tenet");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
        assert_eq!(uri_to_path("untitled:1"), None);
    }
}

#[cfg(test)]
mod cancellation {
    use super::*;
    use std::panic::AssertUnwindSafe;
    use std::sync::mpsc;

    /// A workspace big enough that checking it takes a while.
    fn files(count: usize) -> Vec<(String, String)> {
        let mut out = vec![(
            "file:///m.tenet".to_string(),
            "package m\nschema C {\n  a: int?,\n  b: list<int>?,\n}\n".to_string(),
        )];
        for i in 0..count {
            let mut text = format!("package p{i}\nuse m\n");
            for j in 0..10 {
                text.push_str(&format!(
                    "obligation o{j} on C {{\n  area: privacy\n  cite: \"x\"\n  must a > {j} and all x in b: x < a + {i}\n}}\n"
                ));
            }
            out.push((format!("file:///p{i}.tenet"), text));
        }
        out
    }

    #[test]
    fn an_edit_cancels_a_query_running_on_an_older_snapshot() {
        let mut state = State::new(jiff::civil::date(2026, 11, 28));
        state.load_many(files(40));
        let snapshot = state.db.clone();
        let workspace = state.workspace;
        let targets: Vec<SourceFile> = state.files.values().map(|e| e.file).collect();
        let (started, wait_started) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            salsa::Cancelled::catch(AssertUnwindSafe(|| {
                let _ = started.send(());
                // Loop so the queries are still running when the edit lands; without
                // cancellation the loop ends after a few seconds and the test fails.
                for _ in 0..1_000_000 {
                    for file in &targets {
                        let _ = tenet_db::file_diagnostics(&snapshot, workspace, *file);
                    }
                }
            }))
        });
        wait_started.recv().ok();
        // The writer sets a new text: salsa cancels the reader and waits for it to let go.
        let uri = "file:///p0.tenet";
        state.upsert(uri, "package p0\nuse m\nrule r on C = a > 1\n".to_string(), Some(2));
        let outcome = reader.join().map_err(|_| "the reader panicked with something else");
        assert!(matches!(outcome, Ok(Err(_))), "the reader was cancelled");
        let file = state.files.get(uri).map(|e| e.file).expect("file");
        assert!(tenet_db::file_diagnostics(&state.db, state.workspace, file).is_empty());
    }
}

#[cfg(test)]
mod incremental {
    use super::*;
    use std::sync::Mutex;

    /// A state whose database logs every query it executes.
    fn recording_state() -> (State, Arc<Mutex<Vec<String>>>) {
        let executed: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = executed.clone();
        let db = Database::with_event_callback(move |event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(format!("{database_key:?}"));
            }
        });
        (State::with_database(db, jiff::civil::date(2026, 11, 28)), executed)
    }

    #[test]
    fn an_edit_to_one_obligation_re_checks_that_obligation_only() {
        let (mut state, executed) = recording_state();
        let policy = |limit: u32| {
            format!(
                "package p\nuse m\nobligation quick on C {{\n  area: privacy\n  cite: \"x\"\n  must a <= {limit}\n}}\n\nobligation other on C {{\n  area: privacy\n  cite: \"y\"\n  must a > 0\n}}\n"
            )
        };
        let mut files = vec![("file:///m.tenet".to_string(), "package m\nschema C {\n  a: int?,\n}\n".to_string())];
        files.push(("file:///p.tenet".to_string(), policy(48)));
        for i in 0..10 {
            files.push((format!("file:///q{i}.tenet"), format!("package q{i}\nuse m\nrule r on C = a > {i}\n")));
        }
        state.load_many(files);
        let check_all = |state: &State| {
            for entry in state.files.values() {
                assert!(tenet_db::file_diagnostics(&state.db, state.workspace, entry.file).is_empty());
            }
        };
        // The editor opens the file (same text), then edits it.
        state.upsert("file:///p.tenet", policy(48), Some(1));
        check_all(&state);
        executed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
        state.upsert("file:///p.tenet", policy(72), Some(2));
        check_all(&state);
        let log = executed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let checks: Vec<&String> = log.iter().filter(|k| k.starts_with("check_item")).collect();
        assert_eq!(checks.len(), 1, "one item re-checked: {log:#?}");
        let diagnostics = log.iter().filter(|k| k.starts_with("file_diagnostics")).count();
        assert_eq!(diagnostics, 1, "one file's diagnostics recomputed: {log:#?}");
    }

    #[test]
    fn a_keystroke_in_a_document_re_analyses_that_document_only() {
        let (mut state, executed) = recording_state();
        let model = "package m\nschema C {\n  id: string?,\n  a: int?,\n}\n";
        let policy = "package p\nuse m\nobligation o on C {\n  area: privacy\n  cite: \"x\"\n  must a <= 48\n}\n";
        state.load_many(vec![
            ("file:///m.tenet".to_string(), model.to_string()),
            ("file:///p.tenet".to_string(), policy.to_string()),
        ]);
        let document = |a: u32| format!("kind: C\nid: d\na: {a}\n");
        let first = state.upsert_document("file:///one.yaml", document(72), Some(1));
        let second = state.upsert_document("file:///two.yaml", document(24), Some(1));
        let analyse = |state: &State| {
            for file in [first, second] {
                let _ = tenet_ide::documents::document_diagnostics(&state.db, state.workspace, file);
            }
        };
        analyse(&state);
        executed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
        state.upsert_document("file:///one.yaml", document(12), Some(2));
        analyse(&state);
        let log = executed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        assert_eq!(
            log.iter().filter(|k| k.starts_with("analyse_document")).count(),
            1,
            "the edited document only: {log:#?}"
        );
        assert!(log.iter().all(|k| k.starts_with("analyse_document")), "no policy is re-checked: {log:#?}");
        let violated = tenet_ide::documents::document_diagnostics(&state.db, state.workspace, first);
        assert!(violated.is_empty(), "12 <= 48: {violated:?}");
    }
}
