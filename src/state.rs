//! The server's state: open documents, the negotiated encoding, the client's settings, and the
//! snapshot a request works on. Every accessor clones out of the maps: no guard ever escapes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use dashmap::DashMap;

use crate::config::Settings;
use crate::document::{Document, Encoding};
use crate::files::DiskFiles;
use crate::rules::{NoFiles, ProjectFiles};

/// Everything one request needs, cloned out of the state at its start.
pub struct Snapshot {
    /// The pyproject.toml's path when the document is a file.
    pub path: Option<PathBuf>,
    pub document: Arc<Document>,
    /// The effective settings (client over file over environment over defaults).
    pub settings: Arc<Settings>,
    pub files: Arc<dyn ProjectFiles + Send + Sync>,
    pub today: (i32, u32, u32),
}

impl Snapshot {
    /// A snapshot of a document outside the server (CLI, tests, benchmarks).
    pub fn new(
        path: Option<PathBuf>,
        document: Arc<Document>,
        client: Option<&serde_json::Value>,
    ) -> (Snapshot, Vec<String>) {
        let (settings, problems) =
            effective_settings(client, &document, &|k| std::env::var(k).ok());
        // Files are only checked next to a real pyproject.toml: another file name means a copy
        // outside its project, whose neighbours say nothing about it.
        let is_pyproject = path
            .as_deref()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "pyproject.toml");
        let files: Arc<dyn ProjectFiles + Send + Sync> =
            match path.as_deref().and_then(Path::parent) {
                Some(dir) if is_pyproject => Arc::new(DiskFiles::new(dir)),
                _ => Arc::new(NoFiles),
            };
        (
            Snapshot {
                path,
                document,
                settings: Arc::new(settings),
                files,
                today: today(),
            },
            problems,
        )
    }

    /// The project directory (the pyproject's parent), when on disk.
    pub fn project_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// Settings from defaults, environment, the file's `[tool.pyproject-lsp]` and the client, in that
/// order (later wins). Problems with client or environment settings are returned for the log;
/// problems in the file are diagnostics (PP002).
pub fn effective_settings(
    client: Option<&serde_json::Value>,
    document: &Document,
    env: &dyn Fn(&str) -> Option<String>,
) -> (Settings, Vec<String>) {
    let mut settings = Settings::default();
    let mut problems = settings.apply_env(env);
    if let Some(table) = document
        .manifest
        .get(&["tool", "pyproject-lsp"])
        .and_then(|i| i.as_table_like())
    {
        let _ = settings.apply_table(table);
    }
    if let Some(client) = client.filter(|c| c.is_object()) {
        problems.extend(
            settings
                .apply_json(client)
                .into_iter()
                .map(|p| format!("client settings: {p}")),
        );
    }
    (settings, problems)
}

/// Today's date (UTC) from the system clock, for end-of-life checks.
pub fn today() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// The state shared by all handlers.
#[derive(Default)]
pub struct State {
    documents: DashMap<String, Arc<Document>>,
    paths: DashMap<String, PathBuf>,
    encoding: RwLock<Encoding>,
    client_settings: RwLock<Option<serde_json::Value>>,
}

impl State {
    pub fn encoding(&self) -> Encoding {
        self.encoding.read().map(|e| *e).unwrap_or_default()
    }

    pub fn set_encoding(&self, encoding: Encoding) {
        if let Ok(mut e) = self.encoding.write() {
            *e = encoding;
        }
    }

    pub fn client_settings(&self) -> Option<serde_json::Value> {
        self.client_settings.read().ok().and_then(|s| s.clone())
    }

    pub fn set_client_settings(&self, value: Option<serde_json::Value>) {
        if let Ok(mut s) = self.client_settings.write() {
            *s = value;
        }
    }

    pub fn document(&self, uri: &str) -> Option<Arc<Document>> {
        self.documents.get(uri).map(|d| Arc::clone(d.value()))
    }

    pub fn open(&self, uri: &str, path: Option<PathBuf>, document: Document) -> Arc<Document> {
        let doc = Arc::new(document);
        self.documents.insert(uri.to_string(), Arc::clone(&doc));
        if let Some(path) = path {
            self.paths.insert(uri.to_string(), path);
        }
        doc
    }

    /// Replaces a document with a newer version; returns false when the document is not open.
    pub fn replace(&self, uri: &str, document: Document) -> Option<Arc<Document>> {
        let doc = Arc::new(document);
        let mut entry = self.documents.get_mut(uri)?;
        *entry.value_mut() = Arc::clone(&doc);
        Some(doc)
    }

    pub fn close(&self, uri: &str) {
        self.documents.remove(uri);
        self.paths.remove(uri);
    }

    pub fn uris(&self) -> Vec<String> {
        self.documents.iter().map(|e| e.key().clone()).collect()
    }

    pub fn snapshot(&self, uri: &str) -> Option<(Snapshot, Vec<String>)> {
        let document = self.document(uri)?;
        let path = self.paths.get(uri).map(|p| p.value().clone());
        let client = self.client_settings();
        Some(Snapshot::new(path, document, client.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_417), (2025, 11, 25));
    }
}
