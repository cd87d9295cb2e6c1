//! The disk side of the cache: where it lives, and one small JSON record per project (and per
//! release metadata, and per names list), written atomically, read defensively.
//!
//! A record that does not parse is deleted and treated as absent, so a corrupt file costs one
//! fetch and is then replaced.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::index::metadata::Metadata;
use crate::index::{Answer, Outcome, Project};

/// Bumped when the record format changes; old folders are simply ignored.
const PROJECTS: &str = "projects-v1";
const METADATA: &str = "metadata-v1";
const NAMES: &str = "names-v1";
const SCHEMAS: &str = "schemas-v1";

/// The cache directory: `PYPROJECT_LSP_CACHE_DIR`, else the `cache.dir` setting, else the
/// platform's user cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches`
/// on macOS, `%LOCALAPPDATA%` on Windows) + `pyproject-lsp`.
pub fn cache_dir(
    setting: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Option<PathBuf> {
    if let Some(dir) = env("PYPROJECT_LSP_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = setting.filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let base = if cfg!(windows) {
        env("LOCALAPPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library").join("Caches"))
    } else {
        env("XDG_CACHE_HOME")
            .filter(|d| Path::new(d).is_absolute())
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".cache")))
    };
    Some(base?.join("pyproject-lsp"))
}

/// The user's home directory from the environment.
pub fn home_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    env(var).filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// A `[tool.*]` schema fetched from a URL named in the settings, by a hash of the URL.
pub fn schema_path(dir: &Path, url: &str) -> PathBuf {
    dir.join(SCHEMAS).join(format!(
        "{:016x}.json",
        crate::index::sources::fnv1a(url.as_bytes())
    ))
}

pub fn project_path(dir: &Path, sources_key: &str, name: &str) -> PathBuf {
    dir.join(PROJECTS)
        .join(sources_key)
        .join(format!("{name}.json"))
}

pub fn metadata_path(dir: &Path, sources_key: &str, name: &str, version: &str) -> PathBuf {
    let version: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(METADATA)
        .join(sources_key)
        .join(format!("{name}@{version}.json"))
}

pub fn names_path(dir: &Path, index_key: &str) -> PathBuf {
    dir.join(NAMES).join(format!("{index_key}.names"))
}

#[derive(Serialize, Deserialize)]
struct ProjectRecord {
    /// Unix seconds when the index answered.
    fetched: u64,
    index: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    /// `None` means the index said 404.
    project: Option<Project>,
}

pub fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn time(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Reads a project record; a corrupt one is removed.
pub fn read_answer(path: &Path) -> Option<Answer> {
    let bytes = std::fs::read(path).ok()?;
    let Ok(record) = serde_json::from_slice::<ProjectRecord>(&bytes) else {
        let _ = std::fs::remove_file(path);
        return None;
    };
    Some(Answer {
        outcome: match record.project {
            Some(p) => Outcome::Found(std::sync::Arc::new(p)),
            None => Outcome::NotFound,
        },
        index: record.index,
        fetched: time(record.fetched),
        etag: record.etag,
        refresh_failed: None,
    })
}

/// Writes a definite answer; failures are never written.
pub fn write_answer(path: &Path, answer: &Answer) {
    let project = match &answer.outcome {
        Outcome::Found(p) => Some((**p).clone()),
        Outcome::NotFound => None,
        Outcome::Failed(_) => return,
    };
    let record = ProjectRecord {
        fetched: secs(answer.fetched),
        index: answer.index.clone(),
        etag: answer.etag.clone(),
        project,
    };
    if let Ok(bytes) = serde_json::to_vec(&record) {
        write_atomic(path, &bytes);
    }
}

#[derive(Serialize, Deserialize)]
struct MetadataRecord {
    fetched: u64,
    metadata: Metadata,
}

pub fn read_metadata(path: &Path) -> Option<(Metadata, SystemTime)> {
    let bytes = std::fs::read(path).ok()?;
    let Ok(record) = serde_json::from_slice::<MetadataRecord>(&bytes) else {
        let _ = std::fs::remove_file(path);
        return None;
    };
    Some((record.metadata, time(record.fetched)))
}

pub fn write_metadata(path: &Path, metadata: &Metadata, fetched: SystemTime) {
    let record = MetadataRecord {
        fetched: secs(fetched),
        metadata: metadata.clone(),
    };
    if let Ok(bytes) = serde_json::to_vec(&record) {
        write_atomic(path, &bytes);
    }
}

/// Writes through a temporary file and a rename, so a reader never sees half a record and two
/// servers writing the same record leave one whole one.
pub fn write_atomic(path: &Path, bytes: &[u8]) {
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let tmp = parent.join(format!(
        ".{}.{}.{:?}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("record"),
        std::process::id(),
        std::thread::current().id()
    ));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
