//! Which `.py` files are the package's sources, and which top-level names are the project's own.
//!
//! This is a minimal root finder (src layout or flat layout, tests/docs/examples left out) used
//! until `crate::python::layout` offers the per-backend discovery; `package_files` is the one
//! function to swap.

use std::fs;
use std::path::{Path, PathBuf};

/// Directories never scanned by default: docs, examples, build output, environments, test
/// data, and vendored copies of other projects (whose imports are not ours to declare).
const SKIPPED_DIRS: &[&str] = &[
    "docs",
    "doc",
    "examples",
    "example",
    "benchmarks",
    "benchmark",
    "bench",
    "scripts",
    "tools",
    "build",
    "dist",
    "venv",
    "env",
    "node_modules",
    "__pycache__",
    "_vendor",
    "vendor",
    "vendored",
    "_vendored",
    "third_party",
    "externals",
    "extern",
    "site-packages",
    "target",
    "samples",
    "fixtures",
    "testdata",
    "crates",
    "build_utils",
];

/// Test code (any directory or file with "test" in its name: `tests/`, `_tests/`, `testing.py`,
/// `conftest.py`, `pytest_plugin.py`) imports test tools that are rightly not dependencies.
fn is_test_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let stem = name.strip_suffix(".py").unwrap_or(&name);
    stem.split(['_', '-', '.']).any(|part| {
        part.starts_with("test")
            || part.ends_with("tests")
            || matches!(part, "conftest" | "pytest" | "pytester")
    })
}

/// Files never scanned by default: test modules and project tooling at the top level.
fn skipped_file(name: &str, top_level: bool) -> bool {
    is_test_name(name)
        || (top_level
            && matches!(
                name,
                "setup.py" | "noxfile.py" | "tasks.py" | "fabfile.py" | "manage.py"
            ))
}

fn skipped_dir(name: &str) -> bool {
    // `_examples`, `_tools`: private copies of the usual names.
    let name = if name.starts_with("__") {
        name
    } else {
        name.trim_start_matches('_')
    };
    name.starts_with('.')
        || is_test_name(name)
        || name.starts_with("vendored")
        || SKIPPED_DIRS.contains(&name)
}

/// The project name from pyproject.toml (`[project]` or `[tool.poetry]`), read line by line so
/// that a broken file still gives it.
fn project_name(project: &Path) -> Option<String> {
    let text = fs::read_to_string(project.join("pyproject.toml")).ok()?;
    let mut in_table = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_table = line == "[project]" || line == "[tool.poetry]";
            continue;
        }
        if !in_table {
            continue;
        }
        let Some(rest) = line.strip_prefix("name") else {
            continue;
        };
        let rest = rest.trim_start().strip_prefix('=')?.trim();
        let name = rest.trim_matches(|c| c == '"' || c == '\'');
        if !name.is_empty() {
            return Some(name.to_string());
        }
    }
    None
}

/// What the build backend ships (`crate::python::layout`, per backend): package directories
/// and module files; empty when it cannot tell (then the project name decides).
fn backend_modules(project: &Path) -> Vec<PathBuf> {
    use crate::python::layout::{self, ModuleKind};
    let Ok(text) = fs::read_to_string(project.join("pyproject.toml")) else {
        return Vec::new();
    };
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    let found = layout::discover(project, doc.as_table());
    // Beside a real package, loose top-level scripts (`generate_version.py`) are tooling that the
    // discovery fallback lists; only a module named after the project is the package then.
    let has_package = found
        .modules
        .iter()
        .any(|m| matches!(m.kind, ModuleKind::Package | ModuleKind::Namespace));
    let own_name = layout::project_name_module(&found);
    found
        .modules
        .into_iter()
        .filter(|module| {
            !has_package
                || module.kind != ModuleKind::Module
                || Some(&module.name) == own_name.as_ref()
        })
        .filter_map(|module| match module.kind {
            ModuleKind::Package => module.path.parent().map(Path::to_path_buf),
            ModuleKind::Module | ModuleKind::Namespace => Some(module.path),
            ModuleKind::Extension => None,
        })
        .filter(|path| path.starts_with(project))
        .collect()
}

/// The package the backend will ship by default: `<name>/` or `<name>.py` in `src/` or the
/// project directory, with the name normalized as an import name.
fn named_package(project: &Path, roots: &[PathBuf]) -> Option<PathBuf> {
    let name = project_name(project)?;
    let import: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    for root in roots {
        for candidate in [&import, &name] {
            let dir = root.join(candidate);
            if dir.join("__init__.py").is_file() || (dir.is_dir() && contains_python(&dir, 2)) {
                return Some(dir);
            }
            let module = root.join(format!("{candidate}.py"));
            if module.is_file() {
                return Some(module);
            }
        }
    }
    None
}

/// Settings that choose the files: globs relative to the project directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// When non-empty, exactly the `.py` files matching one of these (then `exclude` applies).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

/// The import roots: `src/` when it holds Python code, else the project directory.
pub fn import_roots(project: &Path) -> Vec<PathBuf> {
    let src = project.join("src");
    if src.is_dir() && has_python(&src) {
        vec![src, project.to_path_buf()]
    } else {
        vec![project.to_path_buf()]
    }
}

fn has_python(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        let path = e.path();
        path.extension().is_some_and(|x| x == "py")
            || path.join("__init__.py").is_file()
            || path.is_dir()
    })
}

/// Top-level module and package names found in the import roots: imports of these are the
/// project's own, whatever the backend ships.
pub fn own_modules(project: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for root in import_roots(project) {
        let Ok(entries) = fs::read_dir(&root) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(stem) = name.strip_suffix(".py") {
                names.push(stem.to_string());
            } else if path.is_dir()
                && !name.starts_with('.')
                && !matches!(
                    name,
                    "venv" | "env" | "node_modules" | "build" | "dist" | "target"
                )
                && contains_python(&path, 3)
            {
                names.push(name.to_string());
                vendored_names(&path, 3, &mut names);
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Names of the projects vendored inside a package (`pkg/_vendor/packaging/`): the package puts
/// that directory on `sys.path` and imports them by their own names.
fn vendored_names(dir: &Path, depth: usize, names: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if matches!(
            name.trim_start_matches('_'),
            "vendor" | "vendored" | "extern"
        ) {
            let Ok(vendored) = fs::read_dir(&path) else {
                continue;
            };
            for item in vendored.filter_map(Result::ok) {
                let item_name = item.file_name().to_string_lossy().into_owned();
                if item_name.ends_with(".dist-info") || item_name.starts_with('.') {
                    continue;
                }
                names.push(
                    item_name
                        .strip_suffix(".py")
                        .unwrap_or(&item_name)
                        .to_string(),
                );
            }
        } else if depth > 0 && !name.starts_with('.') && name != "__pycache__" {
            vendored_names(&path, depth - 1, names);
        }
    }
}

/// Whether a directory holds a `.py` file within `depth` levels (a package or namespace package).
fn contains_python(dir: &Path, depth: usize) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        let path = e.path();
        if path.is_dir() {
            depth > 0 && contains_python(&path, depth - 1)
        } else {
            path.extension().is_some_and(|x| x == "py")
        }
    })
}

/// The package's `.py` files, absolute, sorted.
pub fn package_files(project: &Path, selection: &Selection) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if selection.include.is_empty() {
        let roots = import_roots(project);
        // The package named after the project when there is one; otherwise every top-level
        // package (a directory with `__init__.py`, or any directory below `src/`).
        let shipped = backend_modules(project);
        if !shipped.is_empty() {
            for module in shipped {
                if module.is_dir() {
                    walk(&module, &mut files, true);
                } else {
                    files.push(module);
                }
            }
        } else if let Some(package) = named_package(project, &roots) {
            if package.is_dir() {
                walk(&package, &mut files, true);
            } else {
                files.push(package);
            }
        } else {
            let Some(root) = roots.first() else {
                return files;
            };
            let Ok(entries) = fs::read_dir(root) else {
                return files;
            };
            let flat = root == project;
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if path.is_dir() {
                    if !skipped_dir(name) && (!flat || path.join("__init__.py").is_file()) {
                        walk(&path, &mut files, true);
                    }
                } else if name.ends_with(".py") && !skipped_file(name, true) {
                    files.push(path);
                }
            }
        }
    } else {
        walk(project, &mut files, false);
        files.retain(|file| {
            let relative = relative(project, file);
            selection
                .include
                .iter()
                .any(|glob| glob_match(glob, &relative))
        });
    }
    files.retain(|file| {
        let relative = relative(project, file);
        !selection
            .exclude
            .iter()
            .any(|glob| glob_match(glob, &relative))
    });
    files.sort();
    files
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, default_skips: bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if name.starts_with('.')
                || name == "__pycache__"
                || (default_skips && skipped_dir(name))
            {
                continue;
            }
            walk(&path, files, default_skips);
        } else if name.ends_with(".py") && !(default_skips && skipped_file(name, false)) {
            files.push(path);
        }
    }
}

/// `/proj/src/a/b.py` relative to `/proj` with forward slashes: `src/a/b.py`.
pub fn relative(project: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(project).unwrap_or(file);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Glob matching on `/`-separated paths: `*` and `?` within a segment, `**` across segments.
/// A pattern without `/` matches a file name or directory at any depth (`tests` excludes
/// every `tests/` directory), like .gitignore.
pub fn glob_match(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    if !pattern.contains('/') {
        return parts
            .iter()
            .any(|part| segment_match(pattern.as_bytes(), part.as_bytes()));
    }
    let pattern: Vec<&str> = pattern.split('/').collect();
    // A pattern naming a directory also matches everything below it.
    path_match(&pattern, &parts) || (1..parts.len()).any(|n| path_match(&pattern, &parts[..n]))
}

fn path_match(pattern: &[&str], path: &[&str]) -> bool {
    match (pattern.first(), path.first()) {
        (None, None) => true,
        (Some(&"**"), _) => {
            path_match(&pattern[1..], path) || (!path.is_empty() && path_match(pattern, &path[1..]))
        }
        (Some(p), Some(s)) => {
            segment_match(p.as_bytes(), s.as_bytes()) && path_match(&pattern[1..], &path[1..])
        }
        _ => false,
    }
}

fn segment_match(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            segment_match(&pattern[1..], text)
                || (!text.is_empty() && segment_match(pattern, &text[1..]))
        }
        (Some(b'?'), Some(_)) => segment_match(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) if p == t => segment_match(&pattern[1..], &text[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("tests", "src/pkg/tests/a.py"));
        assert!(glob_match("src/**/*.py", "src/pkg/a.py"));
        assert!(glob_match("src/**/*.py", "src/a.py"));
        assert!(glob_match("tools/", "tools/x/y.py"));
        assert!(glob_match("*_pb2.py", "pkg/api_pb2.py"));
        assert!(!glob_match("src/*.py", "src/pkg/a.py"));
    }
}
