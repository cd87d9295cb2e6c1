//! Per-file cache of module summaries, keyed by path and validated by modification time, size
//! and a content hash: an unchanged file is never parsed twice, and a file that was touched but
//! not changed (same hash) keeps its summary.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::python::summary::{ModuleSummary, summarize};

#[derive(Clone, Debug)]
struct Entry {
    modified: Option<SystemTime>,
    len: u64,
    hash: u64,
    summary: Arc<ModuleSummary>,
}

/// Summaries of the Python files read so far. Cheap to keep for the server's lifetime.
#[derive(Clone, Debug, Default)]
pub struct ModuleCache {
    entries: HashMap<PathBuf, Entry>,
    /// How many files were parsed (not served from cache): for tests and the benchmark.
    pub parses: usize,
}

impl ModuleCache {
    pub fn new() -> ModuleCache {
        ModuleCache::default()
    }

    /// The summary of the file at `path`, parsing it only when it changed. `None` when the file
    /// cannot be read (it is then forgotten).
    pub fn summary(&mut self, path: &Path) -> Option<Arc<ModuleSummary>> {
        let Ok(meta) = std::fs::metadata(path) else {
            self.entries.remove(path);
            return None;
        };
        let modified = meta.modified().ok();
        if let Some(entry) = self.entries.get(path)
            && entry.modified == modified
            && entry.len == meta.len()
            && modified.is_some()
        {
            return Some(entry.summary.clone());
        }
        let bytes = std::fs::read(path).ok()?;
        let hash = content_hash(&bytes);
        if let Some(entry) = self.entries.get_mut(path)
            && entry.hash == hash
        {
            entry.modified = modified;
            entry.len = meta.len();
            return Some(entry.summary.clone());
        }
        let text = String::from_utf8_lossy(&bytes);
        let summary = Arc::new(summarize(&text));
        self.parses += 1;
        self.entries.insert(
            path.to_path_buf(),
            Entry {
                modified,
                len: meta.len(),
                hash,
                summary: summary.clone(),
            },
        );
        Some(summary)
    }

    /// Forgets one file (after a watched-file event), so the next use re-reads it.
    pub fn forget(&mut self, path: &Path) {
        self.entries.remove(path);
    }

    /// Number of files held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn content_hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}
