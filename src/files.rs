//! The project's files on disk, as rules see them (`rules::ProjectFiles`): existence checks,
//! directory listings and bounded glob walks relative to the directory of pyproject.toml.

use std::path::{Component, Path, PathBuf};

use crate::rules::ProjectFiles;
use crate::rules::files::glob_matches;

/// Directories never walked for globs: version control and environments.
const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    "target",
];
/// A glob walk stops after this many entries, so a huge tree never stalls a check.
const MAX_WALK: usize = 20_000;

pub struct DiskFiles {
    dir: PathBuf,
}

impl DiskFiles {
    pub fn new(dir: impl Into<PathBuf>) -> DiskFiles {
        DiskFiles { dir: dir.into() }
    }

    /// The absolute path of a relative one, refusing paths that climb out of the project.
    fn resolve(&self, rel: &str) -> Option<PathBuf> {
        let rel = Path::new(rel);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        {
            return None;
        }
        Some(self.dir.join(rel))
    }
}

impl ProjectFiles for DiskFiles {
    fn dir(&self) -> Option<&Path> {
        Some(&self.dir)
    }

    fn is_file(&self, rel: &str) -> bool {
        self.resolve(rel).is_some_and(|p| p.is_file())
    }

    fn is_dir(&self, rel: &str) -> bool {
        self.resolve(rel).is_some_and(|p| p.is_dir())
    }

    fn glob(&self, pattern: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![(self.dir.clone(), String::new())];
        let mut seen = 0usize;
        let depth_limit = if pattern.contains("**") {
            32
        } else {
            pattern.split('/').count()
        };
        while let Some((dir, prefix)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                seen += 1;
                if seen > MAX_WALK {
                    return found;
                }
                let name = entry.file_name().to_string_lossy().into_owned();
                let rel = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}/{name}")
                };
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    if !SKIP_DIRS.contains(&name.as_str()) && rel.split('/').count() < depth_limit {
                        stack.push((entry.path(), rel));
                    }
                } else if glob_matches(pattern, &rel) {
                    found.push(rel);
                }
            }
        }
        found.sort();
        found
    }

    fn list(&self, rel_dir: &str) -> Vec<String> {
        let Some(dir) = self.resolve(rel_dir) else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}
