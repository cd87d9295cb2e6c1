//! The language server: one short method per LSP call. Decode, take a snapshot, call a pure
//! feature, convert, reply. The only async LSP surface and the only place that spawns background
//! work. State changes happen before the first `.await`; nothing holds a map guard across one.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::convert;
use crate::document::{Change, Document};
use crate::features;
use crate::log;
use crate::rules::Facts;
use crate::state::State;

/// What the client told us it can do, captured at `initialize`.
#[derive(Default, Clone, Copy)]
struct ClientCaps {
    snippets: bool,
    configuration: bool,
    watched_files_dynamic: bool,
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
    caps: RwLock<ClientCaps>,
    shutting_down: AtomicBool,
}

/// Serves LSP over stdin/stdout until the client exits.
pub async fn serve_stdio() {
    let stdin = tokio::io::stdin();
    let stdout = tokio::io::stdout();
    let (service, socket) = LspService::new(|client| Backend {
        client,
        state: Arc::new(State::default()),
        caps: RwLock::new(ClientCaps::default()),
        shutting_down: AtomicBool::new(false),
    });
    Server::new(stdin, stdout, socket).serve(service).await;
}

/// Only files named pyproject.toml are analysed; anything else is silently left alone.
fn is_pyproject(uri: &Uri) -> bool {
    let s = uri.as_str();
    let path = s.split(['?', '#']).next().unwrap_or(s);
    path.rsplit('/').next() == Some("pyproject.toml")
}

impl Backend {
    fn caps(&self) -> ClientCaps {
        self.caps.read().map(|c| *c).unwrap_or_default()
    }

    /// Computes and publishes the diagnostics of a document, unless a newer version arrived.
    async fn publish(&self, uri: Uri) {
        let key = convert::uri_key(&uri);
        let Some((snapshot, problems)) = self.state.snapshot(&key) else {
            return;
        };
        for p in problems {
            log::warn(&p);
        }
        let facts = Facts::default();
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
            .publish_diagnostics(uri, lsp_diags, Some(version))
            .await;
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
}

fn apply_log_level(value: &serde_json::Value) {
    let mut s = crate::config::Settings::default();
    let _ = s.apply_env(&|k| std::env::var(k).ok());
    let _ = s.apply_json(value);
    log::set_level(s.log_level);
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = convert::negotiate(&params);
        self.state.set_encoding(enc);
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
        if let Ok(mut caps) = self.caps.write() {
            *caps = ClientCaps {
                snippets,
                configuration,
                watched_files_dynamic,
            };
        }
        if let Some(options) = params.initialization_options.filter(|o| o.is_object()) {
            apply_log_level(&options);
            self.state.set_client_settings(Some(options));
        }
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
        let _ = self.caps().watched_files_dynamic;
        self.refresh_settings().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutting_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        if !is_pyproject(&doc.uri) {
            return;
        }
        let key = convert::uri_key(&doc.uri);
        let path = convert::uri_path(&doc.uri);
        self.state
            .open(&key, path, Document::new(doc.text, doc.version));
        self.publish(doc.uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        if !is_pyproject(&uri) {
            return;
        }
        let key = convert::uri_key(&uri);
        let Some(current) = self.state.document(&key) else {
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
            self.state.encoding(),
        );
        for note in notes {
            log::warn(&format!("{}: {}", uri.as_str(), note.0));
        }
        if self.state.replace(&key, next).is_none() {
            return;
        }
        self.publish(uri).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if is_pyproject(&params.text_document.uri) {
            self.publish(params.text_document.uri).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if !is_pyproject(&uri) {
            return;
        }
        self.state.close(&convert::uri_key(&uri));
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Clients that push settings send them here; others are asked.
        let pushed = params.settings.get("pyproject-lsp").cloned().or_else(|| {
            Some(params.settings.clone())
                .filter(|s| s.is_object() && !s.as_object().is_some_and(|o| o.is_empty()))
        });
        if self.caps().configuration {
            self.refresh_settings().await;
        } else if let Some(v) = pushed {
            apply_log_level(&v);
            self.state.set_client_settings(Some(v));
        }
        for key in self.state.uris() {
            if let Some(uri) = convert::parse_uri(&key) {
                self.publish(uri).await;
            }
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let uri = params.text_document_position.text_document.uri;
        let Some((snapshot, _)) = self.state.snapshot(&convert::uri_key(&uri)) else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        let doc = Arc::clone(&snapshot.document);
        let offset = convert::offset(&doc, params.text_document_position.position, enc);
        let facts = Facts::default();
        let completions = features::completion::completions(&snapshot, offset, &facts);
        Ok(Some(convert::completion_response(
            &doc,
            &completions,
            enc,
            self.caps().snippets,
        )))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let Some((snapshot, _)) = self.state.snapshot(&convert::uri_key(&uri)) else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        let offset = convert::offset(
            &snapshot.document,
            params.text_document_position_params.position,
            enc,
        );
        let facts = Facts::default();
        Ok(features::hover::hover(&snapshot, offset, &facts)
            .map(|h| convert::hover(&snapshot.document, &h, enc)))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some((snapshot, _)) = self.state.snapshot(&convert::uri_key(&uri)) else {
            return Ok(None);
        };
        let enc = self.state.encoding();
        let doc = &snapshot.document;
        let range = convert::offset(doc, params.range.start, enc)
            ..convert::offset(doc, params.range.end, enc);
        let facts = Facts::default();
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
}
