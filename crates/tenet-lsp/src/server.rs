//! The `LanguageServer` implementation.
//!
//! Concurrency: one writer, many readers. A notification that edits a file takes the state
//! lock and sets the new text in the salsa database before its handler first yields, so
//! requests that arrive later always see it; salsa cancels every query still running on an
//! older snapshot. A request clones the database (a cheap snapshot) under the lock, releases
//! it, and runs on a blocking thread; if an edit cancels it, it is retried on a fresh
//! snapshot. Diagnostics are computed the same way after each edit and published only while
//! the document still has the version they were computed for.

use crate::convert::{self, Doc};
use crate::documents;
use crate::workspace::{self, DocumentEntry, FileEntry, State, path_to_uri, uri_to_path};
use serde::Deserialize;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use tenet_db::{Database, SourceFile, Workspace};
use tenet_ide::documents::{DocumentFile, WaiverFile};
use tenet_syntax::ast::FileSpan;
use tenet_text::LineIndex;
use tower_lsp_server::gen_lsp_types::*;
use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::{Client, LanguageServer};

/// How often a request cancelled by an edit is retried before giving up.
const RETRIES: usize = 3;

/// The language server: the client it reports to and the workspace state it answers from.
pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    /// Diagnostics last published per URI, so unchanged ones are not sent again; the async
    /// lock also keeps "check the version, then publish" in one step.
    published: Arc<tokio::sync::Mutex<HashMap<String, Vec<Diagnostic>>>>,
    /// Set when the client asks to shut down, so `exit` can tell a clean ending.
    shut_down: Arc<std::sync::atomic::AtomicBool>,
}

/// What a read needs: a database snapshot and the file asked about.
struct Snapshot {
    db: Database,
    workspace: Workspace,
    file: SourceFile,
    uris: Arc<HashMap<SourceFile, String>>,
    samples: Arc<Vec<tenet_input::Document>>,
    today: jiff::civil::Date,
}

/// What a read on an open document needs.
struct DocumentSnapshot {
    db: Database,
    workspace: Workspace,
    file: DocumentFile,
    today: jiff::civil::Date,
    /// Where a new waiver goes; `None` without a workspace root.
    waivers: Option<WaiverFile>,
    /// The project's `[waivers] max_days`.
    max_days: Option<u32>,
    /// The URI and text of the waiver file, when it exists.
    files: HashMap<SourceFile, (String, String)>,
}

/// A snapshot's text, which positions in a request refer to.
trait Text {
    fn text(&self) -> &str;
}

impl Text for Snapshot {
    fn text(&self) -> &str {
        self.file.text(&self.db)
    }
}

impl Text for DocumentSnapshot {
    fn text(&self) -> &str {
        self.file.text(&self.db)
    }
}

impl Backend {
    /// A server that talks to `client`.
    pub fn new(client: Client) -> Self {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::new(jiff::ZonedDateTime::now().date()))),
            published: Arc::new(tokio::sync::Mutex::new(HashMap::new())),
            shut_down: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        }
    }

    /// Reports a `shutdown` request in `flag`.
    pub fn with_shutdown_flag(mut self, flag: Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.shut_down = flag;
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn snapshot(&self, uri: &str) -> Option<Snapshot> {
        let state = self.lock();
        let file = state.files.get(uri)?.file;
        Some(Snapshot {
            db: state.db.clone(),
            workspace: state.workspace,
            file,
            uris: state.uris.clone(),
            samples: state.samples.clone(),
            today: state.today,
        })
    }

    /// Runs `f` on a snapshot of the policy file `uri` on a blocking thread, retrying when an
    /// edit cancels it. `None` when the server does not know the file.
    async fn read<T, F>(&self, uri: &Uri, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: Fn(&Snapshot, &Doc<'_>) -> T + Send + Sync + 'static,
    {
        self.run(|| self.snapshot(uri.as_ref()), f).await
    }

    /// As [`Backend::read`], for an open document.
    async fn read_document<T, F>(&self, uri: &Uri, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: Fn(&DocumentSnapshot, &Doc<'_>) -> T + Send + Sync + 'static,
    {
        self.run(|| self.document_snapshot(uri.as_ref()), f).await
    }

    fn document_snapshot(&self, uri: &str) -> Option<DocumentSnapshot> {
        let state = self.lock();
        let file = state.documents.get(uri)?.file;
        let waivers = state.waiver_file();
        let max_days = state.manifest.as_ref().and_then(|m| m.waivers.max_days);
        let files: HashMap<SourceFile, (String, String)> = match &waivers {
            Some(WaiverFile::Existing(policy)) => state
                .uris
                .get(policy)
                .map(|u| (*policy, (u.clone(), policy.text(&state.db).clone())))
                .into_iter()
                .collect(),
            _ => HashMap::new(),
        };
        Some(DocumentSnapshot {
            db: state.db.clone(),
            workspace: state.workspace,
            file,
            today: state.today,
            waivers,
            max_days,
            files,
        })
    }

    /// Runs `f` on a snapshot `take` makes, on a blocking thread, retrying on a fresh snapshot
    /// when an edit cancels it.
    async fn run<S, T, F>(&self, take: impl Fn() -> Option<S>, f: F) -> Result<Option<T>>
    where
        S: Text + Send + 'static,
        T: Send + 'static,
        F: Fn(&S, &Doc<'_>) -> T + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        for _ in 0..RETRIES {
            let Some(snapshot) = take() else { return Ok(None) };
            let f = f.clone();
            let outcome = tokio::task::spawn_blocking(move || {
                salsa::Cancelled::catch(AssertUnwindSafe(|| {
                    let text = snapshot.text();
                    let index = LineIndex::new(text);
                    f(&snapshot, &Doc { text, index: &index })
                }))
            })
            .await;
            match outcome {
                Ok(Ok(value)) => return Ok(Some(value)),
                Ok(Err(_cancelled)) => continue,
                Err(join) => {
                    let mut error = jsonrpc::Error::internal_error();
                    error.message = format!("the request failed: {join}").into();
                    return Err(error);
                }
            }
        }
        Err(jsonrpc::Error { message: "content modified".into(), ..jsonrpc::Error::content_modified() })
    }

    /// Computes and publishes diagnostics after `edited` changed. An edit to a policy file (or
    /// none, at start-up) may change every file's diagnostics and every open document's
    /// findings: the edited file goes first, then the other policy files whose diagnostics
    /// changed, then the open documents. An edit to a document changes that document only.
    fn schedule_diagnostics(&self, edited: Edited) {
        let client = self.client.clone();
        let state = self.state.clone();
        let published = self.published.clone();
        let (db, workspace, policies, documents, uris) = {
            let state = lock(&state);
            // The standard library is checked as a dependency of the files that use it, but
            // its own diagnostics are not reported.
            let mut policies: Vec<(String, FileEntry)> = match &edited {
                Edited::Document(_) => Vec::new(),
                _ => state.files.iter().filter(|(_, e)| !e.library).map(|(u, e)| (u.clone(), *e)).collect(),
            };
            if let Edited::Policy(uri) = &edited {
                policies.sort_by_key(|(u, _)| u != uri);
            }
            let documents: Vec<(String, DocumentEntry)> = match &edited {
                Edited::Document(uri) => {
                    state.documents.get_key_value(uri).map(|(u, e)| (u.clone(), *e)).into_iter().collect()
                }
                _ => state.documents.iter().map(|(u, e)| (u.clone(), *e)).collect(),
            };
            let uris: documents::PolicyUris = if documents.is_empty() {
                HashMap::new()
            } else {
                state.files.iter().map(|(u, e)| (e.file.path(&state.db).clone(), u.clone())).collect()
            };
            (state.db.clone(), state.workspace, policies, documents, uris)
        };
        let first = match &edited {
            Edited::Policy(uri) | Edited::Document(uri) => Some(uri.clone()),
            Edited::Nothing => None,
        };
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        // The snapshot lives on one blocking thread; results stream out one file at a time,
        // so the edited file's diagnostics go out before the others are computed.
        tokio::task::spawn_blocking(move || {
            let _ = salsa::Cancelled::catch(AssertUnwindSafe(|| {
                for (uri, entry) in policies {
                    let diagnostics = tenet_db::file_diagnostics(&db, workspace, entry.file);
                    let text = entry.file.text(&db);
                    let index = LineIndex::new(text);
                    let doc = Doc { text, index: &index };
                    let lsp_uri = Uri::from(uri.clone());
                    let values: Vec<Diagnostic> =
                        diagnostics.iter().map(|d| convert::diagnostic(&doc, &lsp_uri, d)).collect();
                    if sender.send((uri, Input::Policy(entry.file, entry.version), values)).is_err() {
                        return;
                    }
                }
                for (uri, entry) in documents {
                    let diagnostics = tenet_ide::documents::document_diagnostics(&db, workspace, entry.file);
                    let text = entry.file.text(&db);
                    let index = LineIndex::new(text);
                    let doc = Doc { text, index: &index };
                    let values = diagnostics.iter().map(|d| documents::diagnostic(&doc, d, &uris)).collect();
                    if sender.send((uri, Input::Document(entry.file, entry.version), values)).is_err() {
                        return;
                    }
                }
            }));
        });
        tokio::spawn(async move {
            while let Some((uri, input, diagnostics)) = receiver.recv().await {
                let mut published = published.lock().await;
                let is_first = first.as_deref() == Some(uri.as_str());
                let unchanged = match published.get(&uri) {
                    Some(before) => *before == diagnostics,
                    None => diagnostics.is_empty(),
                };
                if !is_first && unchanged {
                    continue;
                }
                let current = {
                    let state = lock(&state);
                    match input {
                        Input::Policy(file, version) => state
                            .files
                            .get(&uri)
                            .is_some_and(|e| e.file == file && e.version == version)
                            .then_some(version),
                        Input::Document(file, version) => state
                            .documents
                            .get(&uri)
                            .is_some_and(|e| e.file == file && e.version == version)
                            .then_some(version),
                    }
                };
                // A newer edit is on its way with its own diagnostics.
                let Some(version) = current else { continue };
                client.publish_diagnostics(Uri::from(uri.clone()), diagnostics.clone(), version).await;
                published.insert(uri, diagnostics);
            }
        });
    }

    /// Clears what was published for a file the server no longer has.
    fn clear_diagnostics(&self, uri: String) {
        let client = self.client.clone();
        let published = self.published.clone();
        tokio::spawn(async move {
            let mut published = published.lock().await;
            if published.remove(&uri).is_some() {
                client.publish_diagnostics(Uri::from(uri), Vec::new(), None).await;
            }
        });
    }
}

/// `text` after the editor's changes, applied in order.
fn apply_changes(mut text: String, changes: Vec<TextDocumentContentChangeEvent>) -> String {
    for change in changes {
        match change {
            TextDocumentContentChangeEvent::TextDocumentContentChangeWholeDocument(whole) => text = whole.text,
            TextDocumentContentChangeEvent::TextDocumentContentChangePartial(part) => {
                let index = LineIndex::new(&text);
                let doc = Doc { text: &text, index: &index };
                let span = doc.span(part.range);
                if let (Some(before), Some(after)) = (text.get(..span.start as usize), text.get(span.end as usize..)) {
                    text = format!("{before}{}{after}", part.text);
                }
            }
        }
    }
    text
}

/// What an edit changed, for [`Backend::schedule_diagnostics`].
enum Edited {
    /// Nothing in particular (start-up, files changed on disk): everything is checked.
    Nothing,
    /// A policy file, by URI.
    Policy(String),
    /// A document, by URI.
    Document(String),
}

/// The input a set of diagnostics was computed from, and its version then.
enum Input {
    Policy(SourceFile, Option<i32>),
    Document(DocumentFile, Option<i32>),
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The server's capabilities.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSync::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::Incremental),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProvider::Bool(true)),
        definition_provider: Some(DefinitionProvider::Bool(true)),
        references_provider: Some(ReferencesProvider::Bool(true)),
        rename_provider: Some(RenameProvider::RenameOptions(RenameOptions {
            prepare_provider: Some(true),
            ..RenameOptions::default()
        })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string(), ":".to_string()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(DocumentSymbolProvider::Bool(true)),
        workspace_symbol_provider: Some(WorkspaceSymbolProvider::Bool(true)),
        semantic_tokens_provider: Some(SemanticTokensProvider::SemanticTokensOptions(SemanticTokensOptions {
            legend: convert::semantic_tokens_legend(),
            full: Some(Full::Bool(true)),
            ..SemanticTokensOptions::default()
        })),
        folding_range_provider: Some(FoldingRangeProvider::Bool(true)),
        code_action_provider: Some(CodeActionProvider::CodeActionOptions(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QuickFix, CodeActionKind::Refactor]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false), ..CodeLensOptions::default() }),
        document_formatting_provider: Some(DocumentFormattingProvider::Bool(true)),
        ..ServerCapabilities::default()
    }
}

/// What a client may pass in `initializationOptions`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InitializationOptions {
    /// The date code lenses evaluate at, instead of the clock's (`YYYY-MM-DD`); tests pin it.
    today: Option<String>,
    /// How many files and folders the start-up search for policy files visits
    /// ([`workspace::MAX_SCANNED_ENTRIES`] by default).
    max_scanned_entries: Option<usize>,
}

/// The workspace root the client names: its first workspace folder, else its root URI.
fn workspace_root(params: &InitializeParams) -> Option<std::path::PathBuf> {
    let folder = match &params.workspace_folders_initialize_params.workspace_folders {
        Some(WorkspaceFolders::WorkspaceFolderList(folders)) => folders.first().map(|f| &f.uri),
        Some(WorkspaceFolders::Null) | None => None,
    };
    #[expect(deprecated, reason = "clients without workspace folders still send `rootUri`")]
    let root_uri = params.root_uri.as_ref();
    folder.or(root_uri).and_then(|uri| uri_to_path(uri.as_ref()))
}

/// Where a file range is, as a protocol location.
fn location(snapshot: &Snapshot, range: &tenet_ide::FileRange) -> Option<Location> {
    let uri = Uri::from(snapshot.uris.get(&range.file)?.clone());
    let text = range.file.text(&snapshot.db);
    let index = LineIndex::new(text);
    Some(Doc { text, index: &index }.location(&uri, range.span))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let root = workspace_root(&params);
        // Options that are not what the server understands are ignored, like absent ones.
        let options: InitializationOptions =
            params.initialization_options.and_then(|options| serde_json::from_value(options).ok()).unwrap_or_default();
        let today = options.today.and_then(|t| t.parse::<jiff::civil::Date>().ok());
        let max_entries = options.max_scanned_entries.unwrap_or(workspace::MAX_SCANNED_ENTRIES);
        let scan = root.as_deref().map(|root| workspace::scan(root, max_entries)).unwrap_or_default();
        let samples = root.as_deref().map(workspace::load_samples).unwrap_or_default();
        {
            let mut state = self.lock();
            if let Some(today) = today {
                state.today = today;
            }
            state.root = root;
            state.load_manifest();
            state.samples = Arc::new(samples);
            state.load_many(scan.files);
            state.start_warnings = scan.warnings;
            if let Some(root) = state.root.clone() {
                state.load_dependencies(&root);
            }
            state.load_std(workspace::std_cache_dir().as_deref());
        }
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "tenet".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let warnings = std::mem::take(&mut self.lock().start_warnings);
        for warning in warnings {
            self.client.show_message(MessageType::Warning, warning).await;
        }
        self.schedule_diagnostics(Edited::Nothing);
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.to_string();
        if documents::is_document(&uri) {
            self.lock().upsert_document(&uri, doc.text, Some(doc.version));
            self.schedule_diagnostics(Edited::Document(uri));
            return;
        }
        self.lock().upsert(&uri, doc.text, Some(doc.version));
        self.schedule_diagnostics(Edited::Policy(uri));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let version = params.text_document.version;
        let uri = params.text_document.text_document_identifier.uri.to_string();
        if documents::is_document(&uri) {
            {
                let mut state = self.lock();
                let Some(entry) = state.documents.get(&uri).copied() else { return };
                if entry.version.is_some_and(|v| v >= version) {
                    return;
                }
                let text = apply_changes(entry.file.text(&state.db).clone(), params.content_changes);
                state.upsert_document(&uri, text, Some(version));
            }
            self.schedule_diagnostics(Edited::Document(uri));
            return;
        }
        {
            let mut state = self.lock();
            let Some(entry) = state.files.get(&uri) else { return };
            // The embedded standard library is read-only; a dependency's file may be edited
            // like any other (path dependencies are read live).
            let read_only = entry.library && tenet_std::is_std_path(entry.file.path(&state.db));
            if read_only || entry.version.is_some_and(|v| v >= version) {
                // A stale or repeated edit: the document is already newer.
                return;
            }
            let text = apply_changes(entry.file.text(&state.db).clone(), params.content_changes);
            state.upsert(&uri, text, Some(version));
        }
        self.schedule_diagnostics(Edited::Policy(uri));
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri.to_string();
        if documents::is_document(&uri) {
            // A closed document is no longer analysed; its problems leave with it.
            self.lock().documents.remove(&uri);
            self.clear_diagnostics(uri);
            return;
        }
        let on_disk = uri_to_path(&uri).and_then(|p| workspace::read_policy(&p));
        {
            let mut state = self.lock();
            match on_disk {
                Some(text) => {
                    state.upsert(&uri, text, None);
                    if let Some(entry) = state.files.get_mut(&uri) {
                        entry.version = None;
                    }
                }
                None => {
                    state.remove(&uri);
                    drop(state);
                    self.clear_diagnostics(uri);
                    self.schedule_diagnostics(Edited::Nothing);
                    return;
                }
            }
        }
        self.schedule_diagnostics(Edited::Policy(uri));
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut reload_samples = false;
        let mut reload_manifest = false;
        let mut removed = Vec::new();
        {
            let mut state = self.lock();
            for change in params.changes {
                let uri = change.uri.to_string();
                if uri.ends_with(".toml") || uri.ends_with(".yaml") || uri.ends_with(".yml") || uri.ends_with(".json") {
                    reload_samples = true;
                    reload_manifest |= uri.ends_with(tenet_pkg::manifest::MANIFEST_FILE);
                    continue;
                }
                if !uri.ends_with(".tenet") || state.files.get(&uri).is_some_and(|e| e.version.is_some()) {
                    continue;
                }
                match uri_to_path(&uri).and_then(|p| workspace::read_policy(&p)) {
                    Some(text) => {
                        state.upsert(&uri, text, None);
                    }
                    None => {
                        state.remove(&uri);
                        removed.push(uri);
                    }
                }
            }
            if reload_manifest {
                state.load_manifest();
            }
            if reload_samples && let Some(root) = state.root.clone() {
                state.samples = Arc::new(workspace::load_samples(&root));
            }
        }
        for uri in removed {
            self.clear_diagnostics(uri);
        }
        self.schedule_diagnostics(Edited::Nothing);
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let position = at.position;
        if documents::is_document(at.text_document.uri.as_ref()) {
            let found = self
                .read_document(&at.text_document.uri, move |s, doc| {
                    let offset = doc.offset(position) as usize;
                    tenet_ide::documents::document_hover(&s.db, s.workspace, s.file, offset)
                        .map(|h| documents::hover(doc, &h))
                })
                .await?;
            return Ok(found.flatten());
        }
        let found = self
            .read(&at.text_document.uri, move |s, doc| {
                let offset = doc.offset(position);
                tenet_ide::hover(&s.db, s.workspace, s.file, offset).map(|h| convert::hover(doc, &h))
            })
            .await?;
        Ok(found.flatten())
    }

    async fn goto_definition(&self, params: DefinitionParams) -> Result<Option<DefinitionResponse>> {
        let at = params.text_document_position_params;
        let position = at.position;
        let found = self
            .read(&at.text_document.uri, move |s, doc| {
                let offset = doc.offset(position);
                tenet_ide::definition(&s.db, s.workspace, s.file, offset)
                    .iter()
                    .filter_map(|r| location(s, r))
                    .collect::<Vec<Location>>()
            })
            .await?;
        match found {
            Some(targets) if !targets.is_empty() => {
                Ok(Some(DefinitionResponse::Definition(Definition::LocationList(targets))))
            }
            _ => Ok(None),
        }
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position_params;
        let position = at.position;
        let include = params.context.include_declaration;
        let found = self
            .read(&at.text_document.uri, move |s, doc| {
                let offset = doc.offset(position);
                tenet_ide::references(&s.db, s.workspace, s.file, offset, include)
                    .iter()
                    .filter_map(|r| location(s, r))
                    .collect::<Vec<Location>>()
            })
            .await?;
        Ok(found)
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResult>> {
        let position = params.position;
        let found = self
            .read(&params.text_document.uri, move |s, doc| {
                let offset = doc.offset(position);
                tenet_ide::prepare_rename(&s.db, s.workspace, s.file, offset).map(|span| doc.range(span))
            })
            .await?;
        match found {
            Some(Ok(range)) => Ok(Some(PrepareRenameResult::Range(range))),
            Some(Err(e)) => Err(jsonrpc::Error::invalid_params(e.to_string())),
            None => Ok(None),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position_params;
        let position = at.position;
        let new_name = params.new_name;
        let found = self
            .read(&at.text_document.uri, move |s, doc| {
                let offset = doc.offset(position);
                tenet_ide::rename(&s.db, s.workspace, s.file, offset, &new_name).map(|change| {
                    let mut changes = HashMap::new();
                    for (file, edits) in &change.edits {
                        let Some(uri) = s.uris.get(file) else { continue };
                        let text = file.text(&s.db);
                        let index = LineIndex::new(text);
                        let doc = Doc { text, index: &index };
                        changes.insert(Uri::from(uri.clone()), edits.iter().map(|e| doc.edit(e)).collect());
                    }
                    WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }
                })
            })
            .await?;
        match found {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(e)) => Err(jsonrpc::Error::invalid_params(e.to_string())),
            None => Ok(None),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position_params;
        let position = at.position;
        if documents::is_document(at.text_document.uri.as_ref()) {
            let found = self
                .read_document(&at.text_document.uri, move |s, doc| {
                    let offset = doc.offset(position) as usize;
                    tenet_ide::documents::document_completions(&s.db, s.workspace, s.file, offset)
                        .iter()
                        .enumerate()
                        .map(|(rank, c)| documents::completion(doc, c, rank))
                        .collect::<Vec<CompletionItem>>()
                })
                .await?;
            return Ok(found.map(CompletionResponse::CompletionItemList));
        }
        let found = self
            .read(&at.text_document.uri, move |s, doc| {
                let offset = doc.offset(position);
                tenet_ide::completions(&s.db, s.workspace, s.file, offset)
                    .iter()
                    .enumerate()
                    .map(|(rank, c)| convert::completion(doc, c, rank))
                    .collect::<Vec<CompletionItem>>()
            })
            .await?;
        Ok(found.map(CompletionResponse::CompletionItemList))
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let found = self
            .read(&params.text_document.uri, |s, doc| {
                tenet_ide::document_symbols(&s.db, s.file)
                    .iter()
                    .map(|sym| convert::document_symbol(doc, sym))
                    .collect::<Vec<DocumentSymbol>>()
            })
            .await?;
        Ok(found.map(DocumentSymbolResponse::DocumentSymbolList))
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        // Any known file gives a snapshot of the whole workspace.
        let Some(any) = self.lock().files.keys().next().cloned() else { return Ok(None) };
        let query = params.query;
        let found = self
            .read(&Uri::from(any), move |s, _| {
                let mut out = Vec::new();
                for ws in tenet_ide::workspace_symbols(&s.db, s.workspace, &query) {
                    // The standard library is not part of the user's workspace.
                    if tenet_std::is_std_path(ws.file.path(&s.db)) {
                        continue;
                    }
                    let Some(uri) = s.uris.get(&ws.file) else { continue };
                    let text = ws.file.text(&s.db);
                    let index = LineIndex::new(text);
                    let doc = Doc { text, index: &index };
                    let uri = Uri::from(uri.clone());
                    out.push(convert::workspace_symbol(&doc, &uri, &ws.symbol, ws.container.as_deref()));
                }
                out
            })
            .await?;
        Ok(found.map(WorkspaceSymbolResponse::SymbolInformationList))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokens>> {
        let found = self
            .read(&params.text_document.uri, |s, doc| {
                convert::semantic_tokens(doc, &tenet_ide::semantic_tokens(&s.db, s.workspace, s.file))
            })
            .await?;
        Ok(found)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let found = self
            .read(&params.text_document.uri, |s, _| {
                tenet_ide::folding_ranges(&s.db, s.file).iter().map(convert::fold).collect::<Vec<FoldingRange>>()
            })
            .await?;
        Ok(found)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<Vec<CodeActionResponse>>> {
        let uri = params.text_document.uri.clone();
        let range = params.range;
        if documents::is_document(uri.as_ref()) {
            let found = self
                .read_document(&params.text_document.uri, move |s, doc| {
                    let Some(waivers) = &s.waivers else { return Vec::new() };
                    let span = doc.span(range);
                    let span = tenet_text::DocSpan::new(span.start as usize, span.end as usize);
                    // A new waiver runs 90 days, or as long as the project allows.
                    let days = s.max_days.map_or(90, |max| max.min(90));
                    let until = s.today.checked_add(jiff::Span::new().days(i64::from(days))).unwrap_or(s.today);
                    tenet_ide::documents::document_actions(&s.db, s.workspace, s.file, span, waivers, until)
                        .iter()
                        .filter_map(|a| documents::action(doc, &uri, a, |file| s.files.get(&file).cloned()))
                        .map(CodeActionResponse::CodeAction)
                        .collect::<Vec<CodeActionResponse>>()
                })
                .await?;
            return Ok(found);
        }
        let found = self
            .read(&params.text_document.uri, move |s, doc| {
                let span = FileSpan::new(doc.offset(range.start), doc.offset(range.end));
                let until = s.today.checked_add(jiff::Span::new().days(90)).unwrap_or(s.today);
                tenet_ide::code_actions(&s.db, s.workspace, s.file, span, until)
                    .iter()
                    .map(|a| CodeActionResponse::CodeAction(convert::code_action(doc, &uri, a)))
                    .collect::<Vec<CodeActionResponse>>()
            })
            .await?;
        Ok(found)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        if documents::is_document(params.text_document.uri.as_ref()) {
            let found = self
                .read_document(&params.text_document.uri, |s, doc| {
                    tenet_ide::documents::document_summaries(&s.db, s.workspace, s.file)
                        .iter()
                        .map(|summary| documents::lens(doc, summary))
                        .collect::<Vec<CodeLens>>()
                })
                .await?;
            return Ok(found);
        }
        let found = self
            .read(&params.text_document.uri, |s, doc| {
                tenet_ide::code_lenses(&s.db, s.workspace, s.file, &s.samples, s.today)
                    .iter()
                    .map(|lens| convert::code_lens(doc, lens))
                    .collect::<Vec<CodeLens>>()
            })
            .await?;
        Ok(found)
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let found = self
            .read(&params.text_document.uri, |_, doc| {
                let formatted = tenet_fmt::format_source(doc.text).ok()?;
                if formatted == doc.text {
                    return Some(Vec::new());
                }
                let whole = FileSpan::new(0, u32::try_from(doc.text.len()).unwrap_or(u32::MAX));
                Some(vec![doc.edit(&tenet_ide::TextEdit { span: whole, new_text: formatted })])
            })
            .await?;
        // A file with syntax errors is not formatted (the diagnostics say why).
        Ok(found.flatten())
    }
}

/// The URI of a path, for tests and the CLI.
pub fn uri_of(path: &std::path::Path) -> String {
    path_to_uri(path)
}
