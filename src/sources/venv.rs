//! The project's virtual environment, read (never run): which import names each installed
//! distribution provides, from its `.dist-info/RECORD` and `top_level.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::normalize;

/// What the installed distributions provide.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    pub site_packages: PathBuf,
    /// Import name (dotted for namespace packages: `google.protobuf`) to normalized distributions.
    pub provides: BTreeMap<String, BTreeSet<String>>,
    /// Normalized distribution name to (its name as published, version, import names).
    pub dists: BTreeMap<String, InstalledDist>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InstalledDist {
    pub name: String,
    pub version: String,
    pub imports: BTreeSet<String>,
}

/// Finds the environment: the configured interpreter first, then `.venv` and `venv` in the
/// project directory. Returns its `site-packages` directory.
pub fn find_site_packages(project: &Path, interpreter: Option<&Path>) -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(interpreter) = interpreter {
        let interpreter = if interpreter.is_absolute() {
            interpreter.to_path_buf()
        } else {
            project.join(interpreter)
        };
        // `<env>/bin/python` or `<env>\Scripts\python.exe`; also accept the env directory itself.
        if interpreter.is_dir() {
            candidates.push(interpreter.clone());
        }
        if let Some(env) = interpreter.parent().and_then(Path::parent) {
            candidates.push(env.to_path_buf());
        }
    }
    candidates.push(project.join(".venv"));
    candidates.push(project.join("venv"));
    candidates.iter().find_map(|env| site_packages_in(env))
}

fn site_packages_in(env: &Path) -> Option<PathBuf> {
    let windows = env.join("Lib").join("site-packages");
    if windows.is_dir() {
        return Some(windows);
    }
    let lib = env.join("lib");
    let mut found: Vec<PathBuf> = fs::read_dir(&lib)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("site-packages"))
        .filter(|path| path.is_dir())
        .collect();
    // Several `python3.X` directories are rare (an upgraded env); take the newest.
    found.sort();
    found.pop()
}

/// Reads every `*.dist-info` in `site_packages`. Unreadable parts are skipped, never fatal.
pub fn read(site_packages: &Path) -> Environment {
    let mut env = Environment {
        site_packages: site_packages.to_path_buf(),
        ..Environment::default()
    };
    let Ok(entries) = fs::read_dir(site_packages) else {
        return env;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Some(dir_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = dir_name.strip_suffix(".dist-info") else {
            continue;
        };
        let (name, version) = name_and_version(&path, stem);
        let mut imports = imports_from_record(&path);
        if imports.is_empty() {
            imports = top_level(&path);
        }
        let key = normalize(&name);
        for import in &imports {
            env.provides
                .entry(import.clone())
                .or_default()
                .insert(key.clone());
        }
        env.dists.insert(
            key,
            InstalledDist {
                name,
                version,
                imports,
            },
        );
    }
    env
}

fn name_and_version(dist_info: &Path, stem: &str) -> (String, String) {
    let (mut name, mut version) = match stem.split_once('-') {
        Some((name, version)) => (name.to_string(), version.to_string()),
        None => (stem.to_string(), String::new()),
    };
    if let Ok(metadata) = fs::read_to_string(dist_info.join("METADATA")) {
        for line in metadata.lines().take_while(|line| !line.is_empty()) {
            if let Some(value) = line.strip_prefix("Name:") {
                name = value.trim().to_string();
            } else if let Some(value) = line.strip_prefix("Version:") {
                version = value.trim().to_string();
            }
        }
    }
    (name, version)
}

fn top_level(dist_info: &Path) -> BTreeSet<String> {
    let Ok(text) = fs::read_to_string(dist_info.join("top_level.txt")) else {
        return BTreeSet::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.replace('/', "."))
        .collect()
}

/// The import names in a RECORD: for each installed `.py`/extension file, the shortest dotted
/// prefix that is a regular package (has `__init__.py`), so that namespace packages such as
/// `google/protobuf/` give `google.protobuf` rather than `google`.
fn imports_from_record(dist_info: &Path) -> BTreeSet<String> {
    let Ok(record) = fs::read_to_string(dist_info.join("RECORD")) else {
        return BTreeSet::new();
    };
    let files: Vec<&str> = record
        .lines()
        .filter_map(|line| line.split(',').next())
        .filter(|path| !path.starts_with("..") && !path.starts_with('/'))
        .filter(|path| {
            let top = path.split('/').next().unwrap_or_default();
            !(top.ends_with(".dist-info") || top.ends_with(".data") || top == "__pycache__")
        })
        .collect();
    let packages: BTreeSet<&str> = files
        .iter()
        .filter_map(|path| path.strip_suffix("/__init__.py"))
        .collect();
    let mut imports = BTreeSet::new();
    for path in &files {
        let Some(module) = module_path(path) else {
            continue;
        };
        let parts: Vec<&str> = module.split('/').collect();
        // The shortest prefix that is a package; a top-level module file is itself.
        let mut chosen = None;
        for end in 1..parts.len() {
            let prefix = parts[..end].join("/");
            if packages.contains(prefix.as_str()) {
                chosen = Some(prefix);
                break;
            }
        }
        let chosen = chosen.unwrap_or_else(|| {
            // A namespace package with no `__init__.py` anywhere: its directory path names it.
            if parts.len() > 1 {
                parts[..parts.len() - 1].join("/")
            } else {
                module.clone()
            }
        });
        if chosen.split('/').all(is_identifier) {
            imports.insert(chosen.replace('/', "."));
        }
    }
    imports
}

/// `a/b/c.py` or `a/_x.cpython-312-x86_64-linux-gnu.so` to `a/b/c` / `a/_x`; None for data files.
fn module_path(path: &str) -> Option<String> {
    let (dir, file) = path.rsplit_once('/').map_or(("", path), |(d, f)| (d, f));
    let stem = if let Some(stem) = file.strip_suffix(".py") {
        stem
    } else if file.ends_with(".so") || file.ends_with(".pyd") {
        file.split('.').next()?
    } else {
        return None;
    };
    Some(if dir.is_empty() {
        stem.to_string()
    } else {
        format!("{dir}/{stem}")
    })
}

fn is_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}
