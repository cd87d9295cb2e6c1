//! A small LSP client for black-box tests: starts the built `pyproject-lsp` binary, speaks
//! JSON-RPC over its stdio as an editor does, answers the server's own requests, and collects
//! notifications. Every wait has a timeout, and the server is killed when the client is dropped.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pyproject-lsp"))
}

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications and server requests received but not consumed yet.
    pending: VecDeque<Value>,
    /// What `workspace/configuration` answers.
    pub settings: Value,
    /// Every `window/workDoneProgress/create`, `client/registerCapability` etc. the server sent.
    pub server_requests: Vec<Value>,
}

/// Options for `initialize`.
pub struct Init {
    pub utf8: bool,
    pub options: Value,
    pub snippets: bool,
    pub configuration: bool,
    pub root: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    /// Leave `PYPROJECT_LSP_OFFLINE` unset (for tests that serve an index on 127.0.0.1).
    pub online: bool,
}

impl Default for Init {
    fn default() -> Self {
        Init {
            utf8: false,
            options: Value::Null,
            snippets: true,
            configuration: false,
            root: None,
            env: Vec::new(),
            online: false,
        }
    }
}

impl Client {
    pub fn start(init: Init) -> (Client, Value) {
        let cache = tempdir("cache");
        let mut cmd = Command::new(binary());
        cmd.arg("--stdio")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env("PYPROJECT_LSP_CACHE_DIR", &cache);
        if init.online {
            cmd.env_remove("PYPROJECT_LSP_OFFLINE");
        } else {
            cmd.env("PYPROJECT_LSP_OFFLINE", "1");
        }
        for (k, v) in &init.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start pyproject-lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            rx,
            next_id: 0,
            pending: VecDeque::new(),
            settings: Value::Null,
            server_requests: Vec::new(),
        };
        let mut general = json!({});
        if init.utf8 {
            general = json!({ "positionEncodings": ["utf-8", "utf-16"] });
        }
        let root_uri = init.root.as_ref().map(|r| file_uri(r));
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "initializationOptions": init.options,
                "capabilities": {
                    "general": general,
                    "workspace": {
                        "configuration": init.configuration,
                        "didChangeWatchedFiles": { "dynamicRegistration": true },
                        "workDoneProgress": true
                    },
                    "window": { "workDoneProgress": true },
                    "textDocument": {
                        "completion": { "completionItem": { "snippetSupport": init.snippets } },
                        "publishDiagnostics": { "relatedInformation": true, "versionSupport": true }
                    }
                }
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    pub fn send(&mut self, msg: &Value) {
        let body = msg.to_string();
        let _ = write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body);
        let _ = self.stdin.flush();
    }

    /// Sends raw bytes (for framing tests).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let _ = self.stdin.write_all(bytes);
        let _ = self.stdin.flush();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its id without waiting.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its result (panics on error or timeout).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_full(method, params);
        if let Some(err) = response.get("error") {
            panic!("{method} failed: {err}");
        }
        response.get("result").cloned().unwrap_or(Value::Null)
    }

    /// Sends a request and returns the whole response (result or error).
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no response to request {id} within {TIMEOUT:?}"));
            if msg.get("id").and_then(Value::as_i64) == Some(id) && msg.get("method").is_none() {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    /// Receives the next message, answering server requests on the way.
    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            let msg = match self.rx.recv_timeout(deadline - now) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return None;
                }
            };
            if msg.get("method").is_some() && msg.get("id").is_some() {
                self.answer(&msg);
                self.server_requests.push(msg);
                continue;
            }
            return Some(msg);
        }
    }

    fn answer(&mut self, msg: &Value) {
        let id = msg["id"].clone();
        let method = msg["method"].as_str().unwrap_or("");
        let result = match method {
            "workspace/configuration" => {
                let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                Value::Array(vec![self.settings.clone(); n])
            }
            _ => Value::Null,
        };
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
    }

    /// Waits for a notification matching `pred` (earlier unmatched ones stay pending).
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.try_wait_notification(method, pred, TIMEOUT)
            .unwrap_or_else(|| panic!("no {method} notification within {TIMEOUT:?}"))
    }

    pub fn try_wait_notification(
        &mut self,
        method: &str,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        if let Some(pos) = self
            .pending
            .iter()
            .position(|m| m["method"] == method && pred(&m["params"]))
        {
            return self.pending.remove(pos).map(|m| m["params"].clone());
        }
        let deadline = Instant::now() + timeout;
        loop {
            let msg = self.recv(deadline)?;
            if msg["method"] == method && pred(&msg["params"]) {
                return Some(msg["params"].clone());
            }
            self.pending.push_back(msg);
        }
    }

    /// Receives until the server has been quiet for `quiet`, then forgets every diagnostics
    /// notification received so far: the next wait sees only what the next action publishes.
    pub fn settle_diagnostics(&mut self, quiet: Duration) {
        while let Some(msg) = self.recv(Instant::now() + quiet) {
            self.pending.push_back(msg);
        }
        self.pending
            .retain(|m| m["method"] != "textDocument/publishDiagnostics");
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }));
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }));
    }

    pub fn completion(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request("textDocument/completion", json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }))
    }

    pub fn completion_labels(&mut self, uri: &str, line: u32, character: u32) -> Vec<String> {
        let result = self.completion(uri, line, character);
        let items = result.get("items").cloned().unwrap_or(result);
        items
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i["label"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }))
    }

    pub fn code_actions(&mut self, uri: &str, range: Value, diagnostics: Value) -> Vec<Value> {
        let result = self.request("textDocument/codeAction", json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": diagnostics } }));
        result.as_array().cloned().unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn shutdown(mut self) -> std::process::ExitStatus {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit after shutdown/exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Applies LSP text edits (UTF-16 positions) to a text, last first.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<&Value> = edits.iter().collect();
    let key = |e: &Value| {
        (
            e["range"]["start"]["line"].as_u64().unwrap_or(0),
            e["range"]["start"]["character"].as_u64().unwrap_or(0),
        )
    };
    edits.sort_by_key(|e| std::cmp::Reverse(key(e)));
    let mut out = text.to_string();
    for e in edits {
        let start = offset_utf16(&out, &e["range"]["start"]);
        let end = offset_utf16(&out, &e["range"]["end"]);
        out.replace_range(start..end, e["newText"].as_str().unwrap_or(""));
    }
    out
}

/// The edits a code action makes to `uri`.
pub fn action_edits(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["changes"][uri]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub fn offset_utf16(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let character = pos["character"].as_u64().unwrap_or(0) as usize;
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let mut units = 0;
            for (b, c) in l.char_indices() {
                if units >= character || c == '\n' {
                    return offset + b;
                }
                units += c.len_utf16();
            }
            return offset + l.len();
        }
        offset += l.len();
    }
    text.len()
}

/// Line and UTF-16 character of the first `|` marker; returns the text without it.
pub fn marker(text: &str) -> (String, u32, u32) {
    let at = text.find('|').expect("marker");
    let before = &text[..at];
    let line = before.matches('\n').count() as u32;
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .encode_utf16()
        .count() as u32;
    (text.replacen('|', "", 1), line, col)
}

pub fn tempdir(name: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "pyproject-lsp-test-{}-{}-{name}",
        std::process::id(),
        n
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Writes `pyproject.toml` (and other files) into a fresh temp project; returns its dir and the
/// pyproject's URI.
pub fn project(name: &str, pyproject: &str, files: &[(&str, &str)]) -> (PathBuf, String) {
    let dir = tempdir(name);
    std::fs::write(dir.join("pyproject.toml"), pyproject).expect("write");
    for (rel, content) in files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, content).expect("write");
    }
    let uri = file_uri(&dir.join("pyproject.toml"));
    (dir, uri)
}

/// Codes of a list of LSP diagnostics.
pub fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// Runs the CLI; returns (exit code, stdout, stderr).
pub fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary())
        .args(args)
        .env("PYPROJECT_LSP_OFFLINE", "1")
        .output()
        .expect("run cli");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
