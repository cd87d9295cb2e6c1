//! The language server: one short method per LSP call. Decode, take a snapshot, gather the facts
//! known now, call a pure feature, convert, reply. The only async LSP surface and the only place
//! that spawns background work: the Python analysis (on a blocking thread) and the package index
//! waits run after the fast diagnostics are out, and publish again if the version has not moved.
//! State changes happen before the first `.await`; nothing holds a map guard across one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use dashmap::DashMap;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::analysis::{self, Analyzer, PythonFacts};
use crate::convert;
use crate::document::{Change, Document};
use crate::features;
use crate::index::{self, Index, Sources};
use crate::log;
use crate::rules::Facts;
use crate::state::{Snapshot, State};

/// Typing pauses shorter than this do not start the slow analysis.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// How long the background waits for the package index before giving up on this version.
const INDEX_WAIT: Duration = Duration::from_secs(15);
/// How long a completion waits for a package's versions before answering with what it has.
const COMPLETION_WAIT: Duration = Duration::from_millis(100);

/// What the client told us it can do, captured at `initialize`.
#[derive(Default, Clone, Copy)]
struct ClientCaps {
    snippets: bool,
    configuration: bool,
    watched_files_dynamic: bool,
    progress: bool,
}

struct Inner {
    client: Client,
    state: State,
    caps: RwLock<ClientCaps>,
    shutting_down: AtomicBool,
    analyzer: Arc<Analyzer>,
    /// Created at `initialize`, inside the runtime; replaced when `offline` or the cache
    /// directory changes (see [`Inner::update_index`]).
    index: RwLock<Option<Index>>,
    /// The last Python analysis of each open document, with the document version it read.
    python: DashMap<String, (i32, PythonFacts)>,
    /// Where to ask the index, per document and version (resolving reads pip.conf and netrc).
    sources: DashMap<String, (i32, Arc<Sources>)>,
}

pub struct Backend(Arc<Inner>);

/// Serves LSP over stdin/stdout until the client exits.
pub async fn serve_stdio() {
    let stdin = tokio::io::stdin();
    let stdout = tokio::io::stdout();
    let (service, socket) = LspService::new(|client| {
        Backend(Arc::new(Inner {
            client,
            state: State::default(),
            caps: RwLock::new(ClientCaps::default()),
            shutting_down: AtomicBool::new(false),
            analyzer: Arc::new(Analyzer::default()),
            index: RwLock::new(None),
            python: DashMap::new(),
            sources: DashMap::new(),
        }))
    });
    Server::new(stdin, stdout, socket).serve(service).await;
}

/// Only files named pyproject.toml are analysed; anything else is silently left alone.
fn is_pyproject(uri: &Uri) -> bool {
    let s = uri.as_str();
    let path = s.split(['?', '#']).next().unwrap_or(s);
    path.rsplit('/').next() == Some("pyproject.toml")
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

impl Inner {
    /// The package index client (a cheap clone sharing its caches).
    fn index(&self) -> Option<Index> {
        self.index.read().ok().and_then(|i| i.clone())
    }

    /// Creates the index client, or a new one when the settings changed `offline` or the cache
    /// directory; the old one's memory cache goes with it (its disk cache stays).
    /// Returns whether a client was replaced.
    fn update_index(&self) -> bool {
        let settings = self.effective_settings();
        let options = index::options(settings.offline, settings.cache_dir.as_deref(), &env);
        let Ok(mut slot) = self.index.write() else {
            return false;
        };
        if slot.as_ref().is_some_and(|i| {
            i.options().offline == options.offline && i.options().cache_dir == options.cache_dir
        }) {
            return false;
        }
        let replaced = slot.is_some();
        if replaced {
            log::info(&format!(
                "package index client restarted (offline: {}, cache: {})",
                options.offline,
                options
                    .cache_dir
                    .as_deref()
                    .map_or("none".to_string(), |d| d.display().to_string())
            ));
        }
        *slot = Some(Index::new(options, &env));
        replaced
    }

    fn caps(&self) -> ClientCaps {
        self.caps.read().map(|c| *c).unwrap_or_default()
    }

    fn index_sources(&self, key: &str, snapshot: &Snapshot) -> Arc<Sources> {
        let version = snapshot.document.version;
        if let Some(entry) = self.sources.get(key)
            && entry.0 == version
        {
            return Arc::clone(&entry.1);
        }
        let s = &snapshot.settings;
        let sources = Arc::new(index::sources_for(
            s.index_url.as_deref(),
            &s.index_extra_urls,
            snapshot.document.manifest.root(),
            &env,
        ));
        self.sources
            .insert(key.to_string(), (version, Arc::clone(&sources)));
        sources
    }

    /// The facts known now, without waiting: the last Python analysis, cached index answers
    /// (starting fetches for the missing ones), schema overrides.
    fn facts_now(&self, key: &str, snapshot: &Snapshot) -> Facts {
        let mut facts = Facts::default();
        let python = self
            .python
            .get(key)
            .map(|p| p.value().1.clone())
            .unwrap_or_default();
        let fetched = |url: &str| match self.index() {
            Some(index) => index.cached_schema(url),
            None => Err("the package index client is not set up".to_string()),
        };
        for problem in analysis::complete_facts(snapshot, &python, &fetched, &mut facts) {
            log::warn(&problem);
        }
        if let Some(index) = self.index() {
            let manifest = &snapshot.document.manifest;
            let text = &snapshot.document.text;
            let names = crate::rules::dependencies::requirement_names(manifest, text);
            if !names.is_empty() {
                let sources = self.index_sources(key, snapshot);
                facts.index = index.facts(&sources, names.iter().map(String::as_str));
                let pins = crate::rules::dependencies::pinned_requirements(manifest, text);
                index.add_pins(&sources, &pins, &mut facts.index);
            }
        }
        facts
    }

    /// The snapshot, offset, facts and encoding for a request at a position.
    fn at(
        &self,
        params: &TextDocumentPositionParams,
    ) -> Option<(Snapshot, usize, Facts, crate::document::Encoding)> {
        let key = convert::uri_key(&params.text_document.uri);
        let (snapshot, _) = self.state.snapshot(&key)?;
        let enc = self.state.encoding();
        let offset = convert::offset(&snapshot.document, params.position, enc);
        let facts = self.facts_now(&key, &snapshot);
        Some((snapshot, offset, facts, enc))
    }

    /// Publishes the diagnostics from the facts known now, unless a newer version arrived.
    async fn publish_now(&self, uri: &Uri) {
        let key = convert::uri_key(uri);
        let Some((snapshot, problems)) = self.state.snapshot(&key) else {
            return;
        };
        for p in problems {
            log::warn(&p);
        }
        let facts = self.facts_now(&key, &snapshot);
        let diagnostics = features::diagnostics(&snapshot, &facts);
        let enc = self.state.encoding();
        let doc = &snapshot.document;
        let version = doc.version;
        let lsp_diags: Vec<Diagnostic> = diagnostics
            .iter()
            .map(|d| convert::diagnostic(doc, d, enc))
            .collect();
        // Drop results computed from a version that is no longer current.
        if self.state.document(&key).map(|d| d.version) != Some(version) {
            return;
        }
        self.client
            .publish_diagnostics(uri.clone(), lsp_diags, Some(version))
            .await;
    }

    /// Fast diagnostics now; the slow facts in the background, then diagnostics again.
    async fn publish(self: &Arc<Self>, uri: Uri, debounce: bool) {
        self.publish_now(&uri).await;
        let Some(version) = self
            .state
            .document(&convert::uri_key(&uri))
            .map(|d| d.version)
        else {
            return;
        };
        let inner = Arc::clone(self);
        tokio::spawn(async move { inner.slow(uri, version, debounce).await });
    }

    fn current(&self, key: &str, version: i32) -> bool {
        self.state
            .document(key)
            .is_some_and(|d| d.version == version)
    }

    async fn slow(self: Arc<Self>, uri: Uri, version: i32, debounce: bool) {
        let key = convert::uri_key(&uri);
        if debounce {
            tokio::time::sleep(DEBOUNCE).await;
        }
        if !self.current(&key, version) || self.shutting_down.load(Ordering::SeqCst) {
            return;
        }
        let Some((snapshot, _)) = self.state.snapshot(&key) else {
            return;
        };
        let snapshot = Arc::new(snapshot);
        if let Some(dir) = snapshot.files.dir().map(std::path::Path::to_path_buf) {
            let progress = if !self.analyzer.knows(&dir) && self.caps().progress {
                self.begin_progress("pyproject-lsp: reading the project's Python sources")
                    .await
            } else {
                None
            };
            let analyzer = Arc::clone(&self.analyzer);
            let snap = Arc::clone(&snapshot);
            let result = tokio::task::spawn_blocking(move || analyzer.python(&snap)).await;
            if let Some(p) = progress {
                p.finish().await;
            }
            match result {
                Ok(python) => {
                    self.python.insert(key.clone(), (version, python));
                }
                Err(e) => log::warn(&format!("the Python analysis of {key} failed: {e}")),
            }
            if self.current(&key, version) {
                self.publish_now(&uri).await;
            }
        }
        let Some(index) = self.index() else {
            return;
        };
        // `[tool.*]` schemas named by URL: fetched once, then the tool tables are checked again.
        let urls = crate::schema::urls_in_settings(&snapshot.settings);
        if urls
            .iter()
            .any(|u| matches!(index.cached_schema(u), Ok(None)))
        {
            for url in &urls {
                let _ = index.schema(url, INDEX_WAIT).await;
            }
            if self.current(&key, version) {
                self.publish_now(&uri).await;
            }
        }
        let names = crate::rules::dependencies::requirement_names(
            &snapshot.document.manifest,
            &snapshot.document.text,
        );
        if names.is_empty() {
            return;
        }
        let sources = self.index_sources(&key, &snapshot);
        let missing = names
            .iter()
            .any(|n| index.cached(&sources, n).is_none_or(|a| !a.is_definite()));
        index.wait_all(&sources, &names, INDEX_WAIT).await;
        if missing && self.current(&key, version) {
            self.publish_now(&uri).await;
        }
    }

    /// After watched `.py` files changed in place: re-checks only what read them, when the last
    /// analysis is of the current version; otherwise (or for files created or deleted, which
    /// can change module discovery) the whole analysis runs again.
    async fn recheck(self: Arc<Self>, uri: Uri, version: i32, changed: Vec<PathBuf>, moved: bool) {
        let key = convert::uri_key(&uri);
        let previous = self
            .python
            .get(&key)
            .filter(|p| p.0 == version)
            .map(|p| p.1.clone());
        let (Some(previous), false) = (previous, moved) else {
            return self.slow(uri, version, false).await;
        };
        let Some((snapshot, _)) = self.state.snapshot(&key) else {
            return;
        };
        let analyzer = Arc::clone(&self.analyzer);
        let result =
            tokio::task::spawn_blocking(move || analyzer.refresh(&snapshot, &previous, &changed))
                .await;
        match result {
            Ok(python) if self.current(&key, version) => {
                self.python.insert(key, (version, python));
                self.publish_now(&uri).await;
            }
            Ok(_) => {}
            Err(e) => log::warn(&format!("the Python re-check of {key} failed: {e}")),
        }
    }

    async fn begin_progress(
        &self,
        title: &str,
    ) -> Option<
        tower_lsp_server::OngoingProgress<
            tower_lsp_server::Unbounded,
            tower_lsp_server::NotCancellable,
        >,
    > {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let token = NumberOrString::String(format!(
            "pyproject-lsp/{}",
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        self.client
            .create_work_done_progress(token.clone())
            .await
            .ok()?;
        Some(self.client.progress(token, title.to_string()).begin().await)
    }

    async fn refresh_settings(&self) {
        if !self.caps().configuration {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("pyproject-lsp".to_string()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                let value = values.into_iter().next().filter(|v| !v.is_null());
                if let Some(v) = &value {
                    apply_log_level(v);
                }
                self.state.set_client_settings(value);
            }
            Err(e) => log::warn(&format!("workspace/configuration failed: {e}")),
        }
    }

    async fn after_initialized(self: Arc<Self>) {
        if self.caps().configuration {
            self.refresh_settings().await;
            let _ = self.update_index();
            for key in self.state.uris() {
                if let Some(uri) = convert::parse_uri(&key) {
                    self.publish_now(&uri).await;
                }
            }
        }
        if self.caps().watched_files_dynamic {
            let options = DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String("**/*.py".to_string()),
                    kind: None,
                }],
            };
            let registration = Registration {
                id: "pyproject-lsp-python-files".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                log::warn(&format!("could not watch *.py files: {e}"));
            }
        }
        self.update_names().await;
    }

    /// Fetches the index's list of project names (at most daily) in the background.
    async fn update_names(self: Arc<Self>) {
        let Some(index) = self.index() else {
            return;
        };
        let settings = self.effective_settings();
        if settings.offline {
            let _ = index
                .load_names(&index::sources_for(
                    settings.index_url.as_deref(),
                    &settings.index_extra_urls,
                    None,
                    &env,
                ))
                .await;
            return;
        }
        let sources = index::sources_for(
            settings.index_url.as_deref(),
            &settings.index_extra_urls,
            None,
            &env,
        );
        let loaded = index.load_names(&sources).await;
        let progress = if self.caps().progress {
            self.begin_progress("pyproject-lsp: package names").await
        } else {
            None
        };
        match index.update_names(&sources).await {
            Ok(n) => log::info(&format!(
                "package names: {n} known ({loaded} loaded from disk)"
            )),
            Err(e) => log::info(&format!("package names not refreshed: {e}")),
        }
        if let Some(p) = progress {
            p.finish().await;
        }
    }

    /// The settings from the client and the environment (no document).
    fn effective_settings(&self) -> crate::config::Settings {
        let mut s = crate::config::Settings::default();
        let _ = s.apply_env(&env);
        if let Some(c) = self.state.client_settings() {
            let _ = s.apply_json(&c);
        }
        s
    }
}

fn apply_log_level(value: &serde_json::Value) {
    let mut s = crate::config::Settings::default();
    let _ = s.apply_env(&env);
    let _ = s.apply_json(value);
    log::set_level(s.log_level);
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let this = &self.0;
        let enc = convert::negotiate(&params);
        this.state.set_encoding(enc);
        let text_doc = params.capabilities.text_document.as_ref();
        let snippets = text_doc
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        let workspace = params.capabilities.workspace.as_ref();
        let configuration = workspace.and_then(|w| w.configuration).unwrap_or(false);
        let watched_files_dynamic = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        if let Ok(mut caps) = this.caps.write() {
            *caps = ClientCaps {
                snippets,
                configuration,
                watched_files_dynamic,
                progress,
            };
        }
        if let Some(options) = params.initialization_options.filter(|o| o.is_object()) {
            apply_log_level(&options);
            this.state.set_client_settings(Some(options));
        }
        let _ = this.update_index();
        let triggers = ["\"", "'", "[", ".", "=", ">", "<", "~", "!", ",", " ", ":"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(enc)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        will_save: None,
                        will_save_wait_until: None,
                        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                            include_text: Some(false),
                        })),
                    },
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(triggers),
                    resolve_provider: Some(false),
                    ..Default::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::SOURCE,
                        ]),
                        resolve_provider: Some(false),
                        work_done_progress_options: Default::default(),
                    },
                )),
                inlay_hint_provider: Some(OneOf::Left(true)),
                definition_provider: Some(OneOf::Left(true)),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "pyproject-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        log::info("initialized");
        // Bundled data parsed on first use: parse it now, beside the client's first didOpen
        // rather than in its way.
        tokio::task::spawn_blocking(crate::spec::classifiers::load_now);
        // Requests to the client run in a task: a handler waiting on the client must never hold
        // up shutdown when the client stops answering.
        tokio::spawn(Arc::clone(&self.0).after_initialized());
    }

    async fn shutdown(&self) -> Result<()> {
        self.0.shutting_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        if !is_pyproject(&doc.uri) {
            return;
        }
        let key = convert::uri_key(&doc.uri);
        let path = convert::uri_path(&doc.uri);
        self.0
            .state
            .open(&key, path, Document::new(doc.text, doc.version));
        self.0.publish(doc.uri, false).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let this = &self.0;
        let uri = params.text_document.uri;
        if !is_pyproject(&uri) {
            return;
        }
        let key = convert::uri_key(&uri);
        let Some(current) = this.state.document(&key) else {
            log::warn(&format!(
                "didChange for a document that is not open: {}",
                uri.as_str()
            ));
            return;
        };
        let changes: Vec<Change> = params
            .content_changes
            .into_iter()
            .map(|c| Change {
                range: c
                    .range
                    .map(|r| (convert::pos(r.start), convert::pos(r.end))),
                text: c.text,
            })
            .collect();
        let (next, notes) = current.apply(
            &changes,
            params.text_document.version,
            this.state.encoding(),
        );
        for note in notes {
            log::warn(&format!("{}: {}", uri.as_str(), note.0));
        }
        if this.state.replace(&key, next).is_none() {
            return;
        }
        this.publish(uri, true).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if is_pyproject(&params.text_document.uri) {
            self.0.publish(params.text_document.uri, false).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if !is_pyproject(&uri) {
            return;
        }
        let key = convert::uri_key(&uri);
        self.0.state.close(&key);
        self.0.python.remove(&key);
        self.0.sources.remove(&key);
        self.0
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let this = &self.0;
        // Clients that push settings send them here; others are asked.
        let pushed = params.settings.get("pyproject-lsp").cloned().or_else(|| {
            Some(params.settings.clone()).filter(|s| s.as_object().is_some_and(|o| !o.is_empty()))
        });
        if this.caps().configuration {
            this.refresh_settings().await;
        } else if let Some(v) = pushed {
            apply_log_level(&v);
            this.state.set_client_settings(Some(v));
        }
        if this.update_index() {
            tokio::spawn(Arc::clone(this).update_names());
        }
        this.sources.clear();
        for key in this.state.uris() {
            if let Some(uri) = convert::parse_uri(&key) {
                this.publish(uri, false).await;
            }
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let this = &self.0;
        let paths: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|c| convert::uri_path(&c.uri))
            .collect();
        let moved = params
            .changes
            .iter()
            .any(|c| c.typ != FileChangeType::CHANGED);
        this.analyzer.forget(&paths);
        // Re-check every open pyproject.toml whose project holds a changed file.
        for key in this.state.uris() {
            let Some(uri) = convert::parse_uri(&key) else {
                continue;
            };
            let Some(dir) =
                convert::uri_path(&uri).and_then(|p| p.parent().map(std::path::Path::to_path_buf))
            else {
                continue;
            };
            let mine: Vec<PathBuf> = paths
                .iter()
                .filter(|p| p.starts_with(&dir))
                .cloned()
                .collect();
            if !mine.is_empty() {
                let Some(version) = this.state.document(&key).map(|d| d.version) else {
                    continue;
                };
                let inner = Arc::clone(this);
                tokio::spawn(async move { inner.recheck(uri, version, mine, moved).await });
            }
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let this = &self.0;
        let uri = params.text_document_position.text_document.uri;
        let key = convert::uri_key(&uri);
        let Some((snapshot, _)) = this.state.snapshot(&key) else {
            return Ok(None);
        };
        let enc = this.state.encoding();
        let doc = Arc::clone(&snapshot.document);
        let offset = convert::offset(&doc, params.text_document_position.position, enc);
        let mut facts = this.facts_now(&key, &snapshot);
        if let Some(index) = this.index() {
            let names = crate::rules::dependencies::requirement_names(&doc.manifest, &doc.text);
            let focus = features::dependencies::completion_target(&snapshot, offset);
            if focus.is_some() {
                let sources = this.index_sources(&key, &snapshot);
                facts.index = index
                    .completion_facts(&sources, &names, focus.as_deref(), COMPLETION_WAIT)
                    .await;
            }
        }
        let completions = features::completion::completions(&snapshot, offset, &facts);
        Ok(Some(convert::completion_response(
            &doc,
            &completions,
            enc,
            this.caps().snippets,
        )))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let Some((snapshot, offset, facts, enc)) = self.0.at(&params.text_document_position_params)
        else {
            return Ok(None);
        };
        Ok(features::hover::hover(&snapshot, offset, &facts)
            .map(|h| convert::hover(&snapshot.document, &h, enc)))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let this = &self.0;
        let uri = params.text_document.uri;
        let key = convert::uri_key(&uri);
        let Some((snapshot, _)) = this.state.snapshot(&key) else {
            return Ok(None);
        };
        let enc = this.state.encoding();
        let doc = &snapshot.document;
        let range = convert::offset(doc, params.range.start, enc)
            ..convert::offset(doc, params.range.end, enc);
        let facts = this.facts_now(&key, &snapshot);
        let diagnostics = features::diagnostics(&snapshot, &facts);
        let mut actions = features::actions::actions(&snapshot, range, &diagnostics, &facts);
        if let Some(only) = &params.context.only {
            actions.retain(|a| {
                let kind = match &a.kind {
                    features::actions::ActionKind::QuickFix => "quickfix".to_string(),
                    features::actions::ActionKind::Source(s) => format!("source.{s}"),
                };
                only.iter()
                    .any(|o| kind == o.as_str() || kind.starts_with(&format!("{}.", o.as_str())))
            });
        }
        Ok(Some(
            actions
                .iter()
                .map(|a| convert::code_action(doc, &uri, a, enc))
                .collect(),
        ))
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let Some((snapshot, offset, facts, enc)) = self.0.at(&params.text_document_position_params)
        else {
            return Ok(None);
        };
        let Some(target) = features::entry_points::definition(&snapshot, offset, &facts) else {
            return Ok(None);
        };
        Ok(convert::location(&target, enc).map(GotoDefinitionResponse::Scalar))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        let this = &self.0;
        let key = convert::uri_key(&params.text_document.uri);
        let Some((snapshot, _)) = this.state.snapshot(&key) else {
            return Ok(None);
        };
        let enc = this.state.encoding();
        let facts = this.facts_now(&key, &snapshot);
        let links = features::entry_points::links(&snapshot, &facts);
        Ok(Some(
            links
                .iter()
                .filter_map(|l| {
                    Some(DocumentLink {
                        range: convert::range(&snapshot.document, &l.range, enc),
                        target: Some(convert::path_uri(&l.target)?),
                        tooltip: Some(format!("Open {}", l.target.display())),
                        data: None,
                    })
                })
                .collect(),
        ))
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let this = &self.0;
        let key = convert::uri_key(&params.text_document.uri);
        let Some((snapshot, _)) = this.state.snapshot(&key) else {
            return Ok(None);
        };
        let enc = this.state.encoding();
        let doc = &snapshot.document;
        let range = convert::offset(doc, params.range.start, enc)
            ..convert::offset(doc, params.range.end, enc);
        let facts = this.facts_now(&key, &snapshot);
        let hints = features::dependencies::inlay_hints(&snapshot, &facts);
        let mut by_offset: HashMap<usize, ()> = HashMap::new();
        Ok(Some(
            hints
                .into_iter()
                .filter(|h| range.contains(&h.offset) || h.offset == range.end)
                .filter(|h| by_offset.insert(h.offset, ()).is_none())
                .map(|h| convert::inlay_hint(doc, &h, enc))
                .collect(),
        ))
    }
}
