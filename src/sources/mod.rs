//! The project's Python sources as seen from its metadata: the imports of the package's files
//! (with their guards), version-dependent syntax, the standard library by version, and which
//! distribution provides an import. Reads files, never runs them; the server and CLI call
//! `scan_project` off the keystroke path and hand the `SourcesFacts` to the rules.

pub mod files;
pub mod import_map;
pub mod scan;
pub mod stdlib;
pub mod venv;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

pub use files::Selection;
pub use scan::{Guard, Import, Scanned, SyntaxUse};
pub use venv::Environment;

/// PEP 503 normalization: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
            continue;
        }
        if separator && !out.is_empty() {
            out.push('-');
        }
        separator = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The settings that shape a scan (`sources.include`/`sources.exclude`, `python.interpreter`,
/// `importMap`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub selection: Selection,
    pub interpreter: Option<PathBuf>,
    /// Import name (or dotted prefix) to distribution.
    pub import_map: BTreeMap<String, String>,
}

impl Settings {
    /// The scan's part of the server's settings.
    pub fn from_config(config: &crate::config::Settings) -> Settings {
        Settings {
            selection: Selection {
                include: config.sources_include.clone(),
                exclude: config.sources_exclude.clone(),
            },
            interpreter: config.python_interpreter.clone(),
            import_map: config.import_map.clone(),
        }
    }
}

/// One scanned file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileScan {
    pub path: PathBuf,
    /// Relative to the project directory, `/`-separated, for messages.
    pub relative: String,
    pub scanned: Scanned,
}

/// What the rules need to know about the sources: the slow part, computed in the background.
#[derive(Clone, Debug, Default)]
pub struct SourcesFacts {
    /// The directory holding pyproject.toml.
    pub project: PathBuf,
    pub files: Vec<Arc<FileScan>>,
    /// Top-level names that are the project's own (imports of them are never dependencies).
    pub own_modules: Vec<String>,
    /// The project's virtual environment, when one was found.
    pub env: Option<Arc<Environment>>,
    pub import_map: BTreeMap<String, String>,
}

impl SourcesFacts {
    /// Whether `module` (dotted) belongs to the project itself.
    pub fn is_own(&self, module: &str) -> bool {
        let top = module.split('.').next().unwrap_or(module);
        self.own_modules.iter().any(|own| own == top)
    }

    /// Every import with its file.
    pub fn imports(&self) -> impl Iterator<Item = (&FileScan, &Import)> {
        self.files
            .iter()
            .flat_map(|file| file.scanned.imports.iter().map(move |i| (&**file, i)))
    }

    /// The distributions that may provide `module`.
    pub fn candidates(&self, module: &str) -> import_map::Candidates {
        import_map::candidates(module, &self.import_map, self.env.as_deref())
    }
}

/// Per-file results keyed by path, checked by modification time and size, then content hash,
/// so that only changed files are parsed again. Also keeps the environment while its
/// `site-packages` directory is unchanged.
#[derive(Debug, Default)]
pub struct Cache {
    files: HashMap<PathBuf, CacheEntry>,
    env: Option<(PathBuf, Option<SystemTime>, Arc<Environment>)>,
}

#[derive(Debug)]
struct CacheEntry {
    modified: Option<SystemTime>,
    len: u64,
    hash: u64,
    scan: Arc<FileScan>,
}

fn content_hash(bytes: &[u8]) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Scans the whole project: lists the package's files, reuses every cached file that has not
/// changed, parses the rest (on several threads), and reads the environment.
pub fn scan_project(project: &Path, settings: &Settings, cache: &mut Cache) -> SourcesFacts {
    let paths = files::package_files(project, &settings.selection);
    let mut done: Vec<Option<Arc<FileScan>>> = Vec::with_capacity(paths.len());
    let mut todo: Vec<(usize, PathBuf, Option<SystemTime>, Vec<u8>)> = Vec::new();
    for path in &paths {
        match cached(cache, path) {
            Ok(scan) => done.push(Some(scan)),
            Err((modified, bytes)) => {
                todo.push((done.len(), path.clone(), modified, bytes));
                done.push(None);
            }
        }
    }
    let parsed = parse_all(project, &todo);
    for ((index, path, modified, bytes), scan) in todo.into_iter().zip(parsed) {
        let entry = CacheEntry {
            modified,
            len: bytes.len() as u64,
            hash: content_hash(&bytes),
            scan: scan.clone(),
        };
        cache.files.insert(path, entry);
        done[index] = Some(scan);
    }
    // Forget files that are gone so the cache does not grow without bound.
    cache
        .files
        .retain(|path, _| paths.binary_search(path).is_ok());
    SourcesFacts {
        project: project.to_path_buf(),
        files: done.into_iter().flatten().collect(),
        own_modules: files::own_modules(project),
        env: environment(project, settings, cache),
        import_map: settings.import_map.clone(),
    }
}

/// Re-scans one changed, created or deleted file and returns the facts with it replaced.
/// A file outside the package's selection is ignored (the facts come back unchanged).
pub fn rescan_file(
    facts: &SourcesFacts,
    path: &Path,
    settings: &Settings,
    cache: &mut Cache,
) -> SourcesFacts {
    let mut out = facts.clone();
    let position = out.files.iter().position(|f| f.path == path);
    if !path.is_file() {
        cache.files.remove(path);
        if let Some(position) = position {
            out.files.remove(position);
        }
        return out;
    }
    let relative = files::relative(&facts.project, path);
    let selected = position.is_some()
        || files::package_files(&facts.project, &settings.selection)
            .iter()
            .any(|p| p == path);
    if !selected {
        return out;
    }
    let scan = match cached(cache, path) {
        Ok(scan) => scan,
        Err((modified, bytes)) => {
            let text = String::from_utf8_lossy(&bytes);
            let scan = Arc::new(FileScan {
                path: path.to_path_buf(),
                relative,
                scanned: scan_guarded(&text),
            });
            let entry = CacheEntry {
                modified,
                len: bytes.len() as u64,
                hash: content_hash(&bytes),
                scan: scan.clone(),
            };
            cache.files.insert(path.to_path_buf(), entry);
            scan
        }
    };
    match position {
        Some(position) => out.files[position] = scan,
        None => {
            let at = out.files.partition_point(|f| f.path.as_path() < path);
            out.files.insert(at, scan);
        }
    }
    out
}

/// The cached scan when the file is unchanged, else its modification time and bytes.
fn cached(cache: &mut Cache, path: &Path) -> Result<Arc<FileScan>, (Option<SystemTime>, Vec<u8>)> {
    let metadata = fs::metadata(path).ok();
    let modified = metadata.as_ref().and_then(|m| m.modified().ok());
    let len = metadata.as_ref().map_or(0, |m| m.len());
    if let Some(entry) = cache.files.get(path)
        && entry.modified.is_some()
        && entry.modified == modified
        && entry.len == len
    {
        return Ok(entry.scan.clone());
    }
    let bytes = fs::read(path).unwrap_or_default();
    // Touched but not changed (a checkout, a formatter that changed nothing): keep the scan.
    if let Some(entry) = cache.files.get_mut(path)
        && entry.hash == content_hash(&bytes)
    {
        entry.modified = modified;
        entry.len = len;
        return Ok(entry.scan.clone());
    }
    Err((modified, bytes))
}

fn parse_all(
    project: &Path,
    todo: &[(usize, PathBuf, Option<SystemTime>, Vec<u8>)],
) -> Vec<Arc<FileScan>> {
    let parse = |(_, path, _, bytes): &(usize, PathBuf, Option<SystemTime>, Vec<u8>)| {
        let text = String::from_utf8_lossy(bytes);
        Arc::new(FileScan {
            path: path.clone(),
            relative: files::relative(project, path),
            scanned: scan_guarded(&text),
        })
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || todo.len() < 16 {
        return todo.iter().map(parse).collect();
    }
    let chunk = todo.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = todo
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(parse).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .zip(todo.chunks(chunk))
            .flat_map(|(handle, part)| {
                handle.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|(_, path, _, _)| {
                            Arc::new(FileScan {
                                path: path.clone(),
                                relative: files::relative(project, path),
                                scanned: Scanned::default(),
                            })
                        })
                        .collect()
                })
            })
            .collect()
    })
}

/// A parser bug on one strange file must not take the server down: that file yields nothing.
fn scan_guarded(text: &str) -> Scanned {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| scan::scan(text))).unwrap_or_default()
}

fn environment(project: &Path, settings: &Settings, cache: &mut Cache) -> Option<Arc<Environment>> {
    let site = venv::find_site_packages(project, settings.interpreter.as_deref())?;
    let modified = fs::metadata(&site).and_then(|m| m.modified()).ok();
    if let Some((cached_site, cached_modified, env)) = &cache.env
        && *cached_site == site
        && cached_modified.is_some()
        && *cached_modified == modified
    {
        return Some(env.clone());
    }
    let env = Arc::new(venv::read(&site));
    cache.env = Some((site, modified, env.clone()));
    Some(env)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("Foo__Bar.baz"), "foo-bar-baz");
        assert_eq!(normalize("PyYAML"), "pyyaml");
    }
}
