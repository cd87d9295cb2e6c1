//! Where the project's importable modules are, found the way its build backend finds them:
//! hatchling, setuptools, flit, pdm-backend, poetry-core, maturin, uv_build (and a generic guess
//! for other backends), src and flat layouts, namespace packages, single-file modules, compiled
//! extensions.
//!
//! [`discover`] reads `pyproject.toml`'s root table and a few directory listings; it never fails.
//! [`find_module`] maps a dotted module name to a file. It first looks where the backend looks,
//! then in the usual places (`src/`, the project root) so that a discovery rule we model
//! imperfectly never turns into a false "module not found"; `ModuleFile::shipped` says which.
//! The import scanner reuses [`Layout::modules`] as "the project's own top-level modules".

use std::path::{Path, PathBuf};

use toml_edit::{Item, Table};

/// The build backend named by `[build-system] build-backend`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    Hatchling,
    /// Also used when there is no `[build-system]` (pip's legacy default).
    Setuptools,
    Flit,
    Pdm,
    Poetry,
    Maturin,
    UvBuild,
    /// Another backend (scikit-build-core, meson-python...): we guess src or flat layout.
    Other(String),
}

impl Backend {
    pub fn from_build_backend(name: Option<&str>) -> Backend {
        let Some(name) = name else {
            return Backend::Setuptools;
        };
        match name.trim() {
            n if n.starts_with("hatchling") => Backend::Hatchling,
            n if n.starts_with("setuptools") => Backend::Setuptools,
            n if n.starts_with("flit_core") || n.starts_with("flit.") => Backend::Flit,
            n if n.starts_with("pdm") => Backend::Pdm,
            n if n.starts_with("poetry") => Backend::Poetry,
            n if n.starts_with("maturin") => Backend::Maturin,
            n if n.starts_with("uv_build") => Backend::UvBuild,
            n => Backend::Other(n.to_string()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Backend::Hatchling => "hatchling",
            Backend::Setuptools => "setuptools",
            Backend::Flit => "flit",
            Backend::Pdm => "pdm-backend",
            Backend::Poetry => "poetry-core",
            Backend::Maturin => "maturin",
            Backend::UvBuild => "uv_build",
            Backend::Other(name) => name,
        }
    }
}

/// What kind of thing a module name maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleKind {
    /// A directory with `__init__.py`; `path` is the `__init__.py`.
    Package,
    /// A single `.py` file.
    Module,
    /// A directory without `__init__.py` (PEP 420); `path` is the directory.
    Namespace,
    /// A compiled extension (`.so`, `.pyd`, Cython `.pyx`, maturin's Rust module): opaque to us.
    Extension,
}

/// A top-level module or package that the backend ships (or, for dotted names such as flit's
/// `a.b` or uv_build's `module-name = "a.b"`, a module inside a namespace package).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopModule {
    /// Import name, e.g. `my_pkg` (may be dotted for namespace packages).
    pub name: String,
    /// The `__init__.py`, `.py` file, directory (namespace) or extension file.
    pub path: PathBuf,
    pub kind: ModuleKind,
}

/// The project's Python layout as its backend sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub project_dir: PathBuf,
    pub backend: Backend,
    /// Directories that hold top-level modules (import roots), most specific first.
    pub roots: Vec<PathBuf>,
    /// What the backend ships, as far as we can tell.
    pub modules: Vec<TopModule>,
    /// Dotted names of compiled modules declared in configuration (maturin's `module-name`).
    pub extension_modules: Vec<String>,
    /// Observations worth showing (e.g. "packages entry src/x does not exist").
    pub notes: Vec<String>,
    /// `[project] name` (or poetry's), as written.
    pub project_name: Option<String>,
}

/// A module found on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFile {
    /// The dotted name that was looked up.
    pub name: String,
    pub path: PathBuf,
    pub kind: ModuleKind,
    /// Whether its top-level package is one the backend ships (false: found only by our fallback).
    pub shipped: bool,
}

impl Layout {
    /// Top-level import names (first dotted segment) of what the backend ships, deduplicated.
    pub fn top_level_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for m in &self.modules {
            let first = m.name.split('.').next().unwrap_or("").to_string();
            if !first.is_empty() && !names.contains(&first) {
                names.push(first);
            }
        }
        for e in &self.extension_modules {
            let first = e.split('.').next().unwrap_or("").to_string();
            if !first.is_empty() && !names.contains(&first) {
                names.push(first);
            }
        }
        names
    }

    /// Import roots to search: the backend's, then `src/` and the project root as fallbacks.
    pub fn search_roots(&self) -> Vec<PathBuf> {
        let mut roots = self.roots.clone();
        for extra in [self.project_dir.join("src"), self.project_dir.clone()] {
            if !roots.contains(&extra) {
                roots.push(extra);
            }
        }
        roots
    }
}

/// The import name derived from the project name (`My-Pkg` -> `my_pkg`), when the project
/// directory's pyproject named one (recorded at discovery).
pub fn project_name_module(layout: &Layout) -> Option<String> {
    layout.project_name.as_deref().map(module_name_from_project)
}

/// Project name as written (`project.name`, else `tool.poetry.name`).
pub fn project_name(root: &Table) -> Option<String> {
    let name =
        get(root, &["project", "name"]).or_else(|| get(root, &["tool", "poetry", "name"]))?;
    name.as_str().map(str::to_string)
}

/// `My-Project.x` -> `my_project_x`: the import name most backends derive from the project name.
pub fn module_name_from_project(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Finds the project's modules the way its build backend will. Never fails.
pub fn discover(project_dir: &Path, root: &Table) -> Layout {
    let backend = Backend::from_build_backend(
        get(root, &["build-system", "build-backend"]).and_then(Item::as_str),
    );
    let mut layout = Layout {
        project_dir: project_dir.to_path_buf(),
        backend: backend.clone(),
        roots: Vec::new(),
        modules: Vec::new(),
        extension_modules: Vec::new(),
        notes: Vec::new(),
        project_name: project_name(root),
    };
    let name = layout.project_name.clone();
    match backend {
        Backend::Hatchling => hatchling(&mut layout, root, name.as_deref()),
        Backend::Setuptools => setuptools(&mut layout, root),
        Backend::Flit => flit(&mut layout, root, name.as_deref()),
        Backend::Pdm => pdm(&mut layout, root),
        Backend::Poetry => poetry(&mut layout, root, name.as_deref()),
        Backend::Maturin => maturin(&mut layout, root, name.as_deref()),
        Backend::UvBuild => uv_build(&mut layout, root, name.as_deref()),
        Backend::Other(_) => generic(&mut layout),
    }
    // Compiled extensions sitting next to the sources are modules too.
    let mut dedup: Vec<TopModule> = Vec::new();
    for m in std::mem::take(&mut layout.modules) {
        if !dedup.iter().any(|d| d.name == m.name) {
            dedup.push(m);
        }
    }
    layout.modules = dedup;
    let mut roots: Vec<PathBuf> = Vec::new();
    for r in std::mem::take(&mut layout.roots) {
        if !roots.contains(&r) {
            roots.push(r);
        }
    }
    layout.roots = roots;
    layout
}

// ---------------------------------------------------------------- backends

fn hatchling(layout: &mut Layout, root: &Table, name: Option<&str>) {
    let dir = layout.project_dir.clone();
    // Wheel target options fall back to the global build options, key by key.
    let option = |key: &str| {
        get(root, &["tool", "hatch", "build", "targets", "wheel", key])
            .or_else(|| get(root, &["tool", "hatch", "build", key]))
    };
    let packages = option("packages").map(strings).unwrap_or_default();
    let only_include = option("only-include").map(strings).unwrap_or_default();
    let include = option("include").map(strings).unwrap_or_default();
    let sources = option("sources");
    // `packages = ["src/foo"]` is `only-include = ["src/foo"]` plus `sources = ["src"]`: the last
    // component is kept.
    for p in &packages {
        let rel = p.trim_matches('/');
        let path = dir.join(rel);
        let Some(last) = Path::new(rel).file_name().and_then(|s| s.to_str()) else {
            continue;
        };
        let parent = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.clone());
        layout.roots.push(parent.clone());
        match classify(&parent, last) {
            Some(m) => layout.modules.push(m),
            None => layout.notes.push(format!(
                "hatchling `packages` entry `{p}` does not exist; it is skipped silently"
            )),
        }
    }
    let explicit: Vec<String> = only_include
        .iter()
        .chain(include.iter())
        .map(|s| literal_prefix(s))
        .filter(|s| !s.is_empty())
        .collect();
    for rel in &explicit {
        let installed = rewrite_sources(rel, sources);
        let Some(first) = installed.split('/').find(|s| !s.is_empty()) else {
            continue;
        };
        // The directory that plays the import root: the on-disk path minus the installed path.
        let on_disk = dir.join(rel);
        let depth = installed.split('/').filter(|s| !s.is_empty()).count();
        let mut import_root = on_disk.clone();
        for _ in 0..depth {
            import_root = import_root
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| dir.clone());
        }
        let first = first.trim_end_matches(".py");
        if let Some(m) = classify(&import_root, first) {
            layout.roots.push(import_root);
            layout.modules.push(m);
        }
    }
    if !packages.is_empty() || !explicit.is_empty() {
        return;
    }
    // Default file selection: the project name, raw and normalized.
    let Some(name) = name else {
        generic(layout);
        return;
    };
    let normalized: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut candidates = vec![
        name.to_string(),
        normalized.clone(),
        normalized.to_lowercase(),
    ];
    candidates.dedup();
    for cand in &candidates {
        for base in [dir.clone(), dir.join("src")] {
            if base.join(cand).join("__init__.py").is_file() {
                layout.roots.push(base.clone());
                layout.modules.extend(classify(&base, cand));
                return;
            }
        }
        if dir.join(format!("{cand}.py")).is_file() {
            layout.roots.push(dir.clone());
            layout.modules.extend(classify(&dir, cand));
            return;
        }
    }
    // A single `*/<NAME>/__init__.py` (a namespace package one level down).
    for cand in &candidates {
        let hits: Vec<PathBuf> = subdirs(&dir)
            .into_iter()
            .filter(|d| d.join(cand).join("__init__.py").is_file())
            .collect();
        if let [one] = hits.as_slice() {
            let ns = one
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            layout.roots.push(dir.clone());
            layout.modules.push(TopModule {
                name: format!("{ns}.{cand}"),
                path: one.join(cand).join("__init__.py"),
                kind: ModuleKind::Package,
            });
            return;
        }
    }
    layout.notes.push(
        "hatchling cannot determine which files to ship (no package named after the project)"
            .into(),
    );
    generic(layout);
}

/// Applies hatch's `sources` rewriting to a relative path (array: strip prefix; table: replace).
fn rewrite_sources(rel: &str, sources: Option<&Item>) -> String {
    let rel = rel.trim_start_matches("./").trim_matches('/');
    let Some(sources) = sources else {
        return rel.to_string();
    };
    if let Some(arr) = sources.as_array() {
        for prefix in arr.iter().filter_map(|v| v.as_str()) {
            let prefix = prefix.trim_matches('/');
            if let Some(rest) = rel.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
                return rest.to_string();
            }
        }
        return rel.to_string();
    }
    if let Some(table) = sources.as_table_like() {
        for (from, to) in table.iter() {
            let from = from.trim_matches('/');
            let Some(to) = to.as_str() else { continue };
            let rest = if from.is_empty() {
                Some(rel)
            } else {
                rel.strip_prefix(from).map(|r| r.trim_start_matches('/'))
            };
            if let Some(rest) = rest {
                let to = to.trim_matches('/');
                return if to.is_empty() {
                    rest.to_string()
                } else {
                    format!("{to}/{rest}")
                };
            }
        }
    }
    rel.to_string()
}

/// The part of a glob pattern before its first wildcard, as a relative path: `src/pkg/**/*.py` -> `src/pkg`.
fn literal_prefix(pattern: &str) -> String {
    let pattern = pattern.trim().trim_start_matches('/');
    let mut parts = Vec::new();
    for part in pattern.split('/') {
        if part.contains(['*', '?', '[']) || part.is_empty() {
            break;
        }
        parts.push(part);
    }
    parts.join("/")
}

fn setuptools(layout: &mut Layout, root: &Table) {
    let dir = layout.project_dir.clone();
    let st = |key: &str| get(root, &["tool", "setuptools", key]);
    // package-dir: {"" = "src", "pkg" = "lib"}.
    let mut package_dir: Vec<(String, String)> = Vec::new();
    if let Some(t) = st("package-dir").and_then(Item::as_table_like) {
        for (k, v) in t.iter() {
            if let Some(v) = v.as_str() {
                package_dir.push((k.to_string(), v.to_string()));
            }
        }
    }
    // Many setuptools projects still configure packages in setup.cfg: its `package_dir` and
    // `[options.packages.find] where` name the import roots.
    if package_dir.is_empty()
        && let Ok(cfg) = std::fs::read_to_string(dir.join("setup.cfg"))
    {
        for (k, v) in setup_cfg_package_dir(&cfg) {
            package_dir.push((k, v));
        }
    }
    let base_of = |package_dir: &[(String, String)]| {
        package_dir
            .iter()
            .find(|(k, _)| k.is_empty())
            .map(|(_, v)| dir.join(v))
            .unwrap_or_else(|| dir.clone())
    };
    let packages = st("packages");
    let py_modules = st("py-modules").map(strings).unwrap_or_default();
    if let Some(list) = packages.filter(|p| p.is_array()) {
        let base = base_of(&package_dir);
        layout.roots.push(base.clone());
        for pkg in strings(list) {
            let first = pkg.split('.').next().unwrap_or("").to_string();
            // A package mapped explicitly lives where package-dir says.
            if let Some((_, d)) = package_dir.iter().find(|(k, _)| *k == first) {
                let p = dir.join(d);
                let kind = if p.join("__init__.py").is_file() {
                    ModuleKind::Package
                } else {
                    ModuleKind::Namespace
                };
                let path = if kind == ModuleKind::Package {
                    p.join("__init__.py")
                } else {
                    p
                };
                layout.modules.push(TopModule {
                    name: first,
                    path,
                    kind,
                });
                continue;
            }
            if let Some(m) = classify(&base, &first) {
                layout.modules.push(m);
            }
        }
    } else if let Some(find) = packages.and_then(|p| p.get("find")) {
        let mut wheres = find.get("where").map(strings).unwrap_or_default();
        if wheres.is_empty() {
            wheres.push(".".into());
        }
        if wheres.len() == 1 && wheres[0] != "." && !package_dir.iter().any(|(k, _)| k.is_empty()) {
            package_dir.push((String::new(), wheres[0].clone()));
        }
        let include = find.get("include").map(strings).unwrap_or_default();
        let exclude = find.get("exclude").map(strings).unwrap_or_default();
        let namespaces = find
            .get("namespaces")
            .and_then(Item::as_bool)
            .unwrap_or(true);
        for w in &wheres {
            let base = dir.join(w);
            layout.roots.push(base.clone());
            for sub in subdirs(&base) {
                let Some(n) = sub.file_name().and_then(|s| s.to_str()) else {
                    continue;
                };
                if !crate::python::reference::is_identifier(n) {
                    continue;
                }
                let has_init = sub.join("__init__.py").is_file();
                if !has_init && (!namespaces || !contains_python(&sub)) {
                    continue;
                }
                let matches = |pats: &[String]| {
                    pats.iter()
                        .any(|p| glob_match(p, n) || glob_match(p, &format!("{n}.x")))
                };
                if (!include.is_empty() && !matches(&include)) || matches(&exclude) {
                    continue;
                }
                layout.modules.extend(classify(&base, n));
            }
        }
    }
    if !py_modules.is_empty() {
        let base = base_of(&package_dir);
        layout.roots.push(base.clone());
        for m in &py_modules {
            layout.modules.extend(classify(&base, m));
        }
    }
    if packages.is_some() || !py_modules.is_empty() {
        return;
    }
    // Auto-discovery: explicit package-dir, then src-layout, then flat layout.
    let src = package_dir
        .iter()
        .find(|(k, _)| k.is_empty())
        .map(|(_, v)| dir.join(v))
        .unwrap_or_else(|| dir.join("src"));
    if src.is_dir() && src != dir {
        layout.roots.push(src.clone());
        layout.modules.extend(scan_top_level(&src, true));
        return;
    }
    layout.roots.push(dir.clone());
    layout.modules.extend(
        scan_top_level(&dir, true)
            .into_iter()
            .filter(|m| !flat_excluded(&m.name)),
    );
}

/// `package_dir` entries from setup.cfg's `[options]` (`=src`, `pkg = lib`), and `where` of
/// `[options.packages.find]` as the root mapping when `package_dir` has none.
fn setup_cfg_package_dir(cfg: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut key = String::new();
    let mut find_where = None;
    for line in cfg.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if trimmed.starts_with('[') {
            section = trimmed.trim_matches(['[', ']']).trim().to_string();
            key.clear();
            continue;
        }
        let continuation = line.starts_with([' ', '\t']);
        let value = if continuation {
            trimmed.to_string()
        } else {
            let Some((k, v)) = trimmed.split_once(['=', ':']) else {
                continue;
            };
            key = k.trim().to_string();
            v.trim().to_string()
        };
        if value.is_empty() {
            continue;
        }
        if section == "options" && key == "package_dir" {
            // `=src` or `pkg = lib` (the first `=` separates name and directory).
            let (name, path) = value.split_once('=').unwrap_or(("", value.as_str()));
            out.push((name.trim().to_string(), path.trim().to_string()));
        } else if section == "options.packages.find" && key == "where" {
            find_where = Some(value);
        }
    }
    if !out.iter().any(|(k, _)| k.is_empty())
        && let Some(w) = find_where
    {
        out.push((String::new(), w));
    }
    out
}

/// Names setuptools' flat-layout discovery leaves out.
fn flat_excluded(name: &str) -> bool {
    const EXCLUDED: &[&str] = &[
        "ci",
        "bin",
        "debian",
        "doc",
        "docs",
        "documentation",
        "manpages",
        "news",
        "newsfragments",
        "changelog",
        "test",
        "tests",
        "unit_test",
        "unit_tests",
        "example",
        "examples",
        "scripts",
        "tools",
        "util",
        "utils",
        "python",
        "build",
        "dist",
        "venv",
        "env",
        "requirements",
        "tasks",
        "fabfile",
        "site_scons",
        "benchmark",
        "benchmarks",
        "exercise",
        "exercises",
        "htmlcov",
        "setup",
        "conftest",
        "noxfile",
        "pavement",
        "dodo",
        "_build",
        "node_modules",
    ];
    EXCLUDED.contains(&name)
        || name.starts_with('.')
        || name.starts_with('_') && name != "__main__" && name.ends_with('_')
}

fn flit(layout: &mut Layout, root: &Table, name: Option<&str>) {
    let dir = layout.project_dir.clone();
    let module = get(root, &["tool", "flit", "module", "name"])
        .and_then(Item::as_str)
        .map(str::to_string)
        .or_else(|| name.map(|n| n.replace('-', "_")));
    let Some(module) = module else {
        generic(layout);
        return;
    };
    let rel: PathBuf = module.split('.').collect();
    for base in [dir.clone(), dir.join("src")] {
        let path = base.join(&rel);
        let file = path.with_extension("py");
        if path.is_dir() || file.is_file() {
            layout.roots.push(base.clone());
            let kind = if path.join("__init__.py").is_file() {
                ModuleKind::Package
            } else if path.is_dir() {
                ModuleKind::Namespace
            } else {
                ModuleKind::Module
            };
            let p = match kind {
                ModuleKind::Package => path.join("__init__.py"),
                ModuleKind::Module => file,
                _ => path,
            };
            layout.modules.push(TopModule {
                name: module.clone(),
                path: p,
                kind,
            });
            return;
        }
    }
    layout.notes.push(format!(
        "flit looks for `{module}` (or `src/{module}`), which does not exist"
    ));
    generic(layout);
}

fn pdm(layout: &mut Layout, root: &Table) {
    let dir = layout.project_dir.clone();
    let package_dir = get(root, &["tool", "pdm", "build", "package-dir"])
        .and_then(Item::as_str)
        .map(|p| dir.join(p));
    let base = package_dir.unwrap_or_else(|| {
        if dir.join("src").is_dir() {
            dir.join("src")
        } else {
            dir.clone()
        }
    });
    layout.roots.push(base.clone());
    let includes = get(root, &["tool", "pdm", "build", "includes"])
        .map(strings)
        .unwrap_or_default();
    if !includes.is_empty() {
        for inc in includes {
            let rel = literal_prefix(&inc);
            let full = dir.join(&rel);
            // Includes are relative to the project root; the import name is relative to package-dir.
            let Ok(inside) = full.strip_prefix(&base) else {
                continue;
            };
            let Some(first) = inside
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
            else {
                continue;
            };
            layout
                .modules
                .extend(classify(&base, first.trim_end_matches(".py")));
        }
        return;
    }
    let packages: Vec<TopModule> = scan_top_level(&base, false)
        .into_iter()
        .filter(|m| m.kind == ModuleKind::Package)
        .collect();
    if packages.is_empty() {
        layout.modules.extend(
            scan_top_level(&base, false)
                .into_iter()
                .filter(|m| m.kind == ModuleKind::Module),
        );
    } else {
        layout.modules.extend(packages);
    }
}

fn poetry(layout: &mut Layout, root: &Table, name: Option<&str>) {
    let dir = layout.project_dir.clone();
    let entries = tables(get(root, &["tool", "poetry", "packages"]));
    for entry in &entries {
        let Some(include) = entry.get("include").and_then(Item::as_str) else {
            continue;
        };
        let from = entry.get("from").and_then(Item::as_str).unwrap_or("");
        let base = dir.join(from);
        layout.roots.push(base.clone());
        let first = literal_prefix(include);
        let first = first
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".py")
            .to_string();
        match classify(&base, &first) {
            Some(m) => layout.modules.push(m),
            None => layout.notes.push(format!(
                "poetry `packages` entry `{include}` not found under `{}`",
                base.display()
            )),
        }
    }
    if !entries.is_empty() {
        return;
    }
    let Some(name) = name else {
        generic(layout);
        return;
    };
    let module = module_name_from_project(name);
    for base in [dir.clone(), dir.join("src")] {
        if let Some(m) = classify(&base, &module) {
            layout.roots.push(base);
            layout.modules.push(m);
            return;
        }
    }
    layout.notes.push(format!(
        "poetry-core finds no file or folder for package `{module}`"
    ));
    generic(layout);
}

fn maturin(layout: &mut Layout, root: &Table, name: Option<&str>) {
    let dir = layout.project_dir.clone();
    let module_name = get(root, &["tool", "maturin", "module-name"])
        .and_then(Item::as_str)
        .map(str::to_string)
        .or_else(|| name.map(module_name_from_project));
    let python_source = get(root, &["tool", "maturin", "python-source"])
        .and_then(Item::as_str)
        .map(|p| dir.join(p));
    let Some(module_name) = module_name else {
        generic(layout);
        return;
    };
    let top = module_name.split('.').next().unwrap_or("").to_string();
    let base = python_source.unwrap_or_else(|| {
        // Mixed layout auto-detection: `<root>/<top>/` or `src/<top>/`... maturin checks the root;
        // the guide's `python/` layout always sets python-source explicitly.
        if dir.join(&top).is_dir() || !dir.join("src").join(&top).is_dir() {
            dir.clone()
        } else {
            dir.join("src")
        }
    });
    layout.roots.push(base.clone());
    layout.extension_modules.push(module_name.clone());
    match classify(&base, &top) {
        Some(m) => layout.modules.push(m),
        // A pure-Rust project: the whole module is native; maturin writes the `__init__.py`.
        None => layout.modules.push(TopModule {
            name: top,
            path: dir.join("Cargo.toml"),
            kind: ModuleKind::Extension,
        }),
    }
}

fn uv_build(layout: &mut Layout, root: &Table, name: Option<&str>) {
    let dir = layout.project_dir.clone();
    let module_root = get(root, &["tool", "uv", "build-backend", "module-root"])
        .and_then(Item::as_str)
        .unwrap_or("src");
    let base = if module_root.is_empty() {
        dir.clone()
    } else {
        dir.join(module_root)
    };
    layout.roots.push(base.clone());
    let mut names = get(root, &["tool", "uv", "build-backend", "module-name"])
        .map(strings)
        .unwrap_or_default();
    if names.is_empty()
        && let Some(n) = name
    {
        names.push(module_name_from_project(n));
    }
    for module in names {
        let rel: PathBuf = module.split('.').collect();
        let path = base.join(&rel);
        let (kind, p) = if path.join("__init__.py").is_file() {
            (ModuleKind::Package, path.join("__init__.py"))
        } else if path.join("__init__.pyi").is_file() {
            (ModuleKind::Package, path.join("__init__.pyi"))
        } else if path.is_dir() {
            (ModuleKind::Namespace, path)
        } else {
            layout.notes.push(format!(
                "uv_build expects `{}` with an `__init__.py`",
                path.display()
            ));
            continue;
        };
        layout.modules.push(TopModule {
            name: module,
            path: p,
            kind,
        });
    }
}

fn generic(layout: &mut Layout) {
    let dir = layout.project_dir.clone();
    let src = dir.join("src");
    let base = if src.is_dir() { src } else { dir };
    layout.roots.push(base.clone());
    layout.modules.extend(
        scan_top_level(&base, false)
            .into_iter()
            .filter(|m| !flat_excluded(&m.name)),
    );
}

// ---------------------------------------------------------------- lookup

/// Looks up dotted module `name` in the layout. Returns `None` when no such file or directory
/// exists in any search root.
pub fn find_module(layout: &Layout, name: &str) -> Option<ModuleFile> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let shipped = is_shipped(layout, name);
    // maturin's native module: the declared name or anything under it.
    for ext in &layout.extension_modules {
        if name == ext || name.starts_with(&format!("{ext}.")) {
            let path = layout
                .modules
                .iter()
                .find(|m| m.name == parts[0])
                .map(|m| m.path.clone())
                .unwrap_or_else(|| layout.project_dir.join("Cargo.toml"));
            return Some(ModuleFile {
                name: name.to_string(),
                path,
                kind: ModuleKind::Extension,
                shipped: true,
            });
        }
    }
    // Modules declared with their full path (dotted flit / uv names, hatch `packages` whose
    // directory name differs) are found directly.
    for m in &layout.modules {
        if m.name == name {
            return Some(ModuleFile {
                name: name.to_string(),
                path: m.path.clone(),
                kind: m.kind,
                shipped: true,
            });
        }
        if let Some(rest) = name.strip_prefix(&format!("{}.", m.name))
            && matches!(m.kind, ModuleKind::Package | ModuleKind::Namespace)
        {
            let pkg_dir = if m.kind == ModuleKind::Package {
                m.path.parent().map(Path::to_path_buf)
            } else {
                Some(m.path.clone())
            };
            if let Some(pkg_dir) = pkg_dir {
                let rest_parts: Vec<&str> = rest.split('.').collect();
                if let Some((path, kind)) = locate(&pkg_dir, &rest_parts) {
                    return Some(ModuleFile {
                        name: name.to_string(),
                        path,
                        kind,
                        shipped: true,
                    });
                }
            }
        }
    }
    for root in layout.search_roots() {
        if let Some((path, kind)) = locate(&root, &parts) {
            // A bare directory named like the module at the project root is rarely meant to be a
            // namespace package (e.g. `docs`); only accept namespaces that hold Python files.
            if kind == ModuleKind::Namespace && !contains_python(&path) {
                continue;
            }
            return Some(ModuleFile {
                name: name.to_string(),
                path,
                kind,
                shipped,
            });
        }
    }
    None
}

fn is_shipped(layout: &Layout, name: &str) -> bool {
    layout.modules.iter().any(|m| {
        name == m.name
            || name.starts_with(&format!("{}.", m.name))
            || m.name.starts_with(&format!("{name}."))
    })
}

/// `root/a/b.py`, `root/a/b/__init__.py`, an extension `root/a/b.*.so`, or the namespace dir `root/a/b/`.
fn locate(root: &Path, parts: &[&str]) -> Option<(PathBuf, ModuleKind)> {
    let (last, parents) = parts.split_last()?;
    let mut dir = root.to_path_buf();
    for p in parents {
        dir.push(p);
    }
    if !dir.is_dir() {
        return None;
    }
    let m = classify(&dir, last)?;
    Some((m.path, m.kind))
}

/// What `name` is inside `dir`: a package, a module, an extension or a namespace directory.
fn classify(dir: &Path, name: &str) -> Option<TopModule> {
    let pkg = dir.join(name);
    let init = pkg.join("__init__.py");
    if init.is_file() {
        return Some(TopModule {
            name: name.to_string(),
            path: init,
            kind: ModuleKind::Package,
        });
    }
    let file = dir.join(format!("{name}.py"));
    if file.is_file() {
        return Some(TopModule {
            name: name.to_string(),
            path: file,
            kind: ModuleKind::Module,
        });
    }
    if let Some(ext) = extension_file(dir, name) {
        return Some(TopModule {
            name: name.to_string(),
            path: ext,
            kind: ModuleKind::Extension,
        });
    }
    if pkg.is_dir() {
        // A package with only a stub or compiled `__init__` is still opaque rather than missing.
        if pkg.join("__init__.pyi").is_file() {
            return Some(TopModule {
                name: name.to_string(),
                path: pkg.join("__init__.pyi"),
                kind: ModuleKind::Package,
            });
        }
        return Some(TopModule {
            name: name.to_string(),
            path: pkg,
            kind: ModuleKind::Namespace,
        });
    }
    None
}

/// `name.cpython-312-x86_64-linux-gnu.so`, `name.pyd`, `name.pyx` (Cython sources), `name.c`
/// from Cython... we only accept the first three.
fn extension_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for ext in ["pyx", "so", "pyd"] {
        let p = dir.join(format!("{name}.{ext}"));
        if p.is_file() {
            return Some(p);
        }
    }
    let entries = std::fs::read_dir(dir).ok()?;
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(f) = file.to_str() else { continue };
        if f.starts_with(&format!("{name}.")) && (f.ends_with(".so") || f.ends_with(".pyd")) {
            return Some(entry.path());
        }
    }
    None
}

/// Top-level packages (with `__init__.py`, or any directory holding Python files when
/// `namespaces`) and `.py` modules in `dir`.
fn scan_top_level(dir: &Path, namespaces: bool) -> Vec<TopModule> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            if !crate::python::reference::is_identifier(&name) {
                continue;
            }
            if path.join("__init__.py").is_file() {
                out.push(TopModule {
                    name,
                    path: path.join("__init__.py"),
                    kind: ModuleKind::Package,
                });
            } else if namespaces && contains_python(&path) {
                out.push(TopModule {
                    name,
                    path,
                    kind: ModuleKind::Namespace,
                });
            }
        } else if let Some(stem) = name.strip_suffix(".py")
            && crate::python::reference::is_identifier(stem)
            && stem != "setup"
            && stem != "conftest"
        {
            out.push(TopModule {
                name: stem.to_string(),
                path,
                kind: ModuleKind::Module,
            });
        }
    }
    out
}

/// Whether a directory holds `.py` files (directly or one level down): tells a namespace
/// package from a data or docs directory.
fn contains_python(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "py") {
            return true;
        }
        if path.is_dir()
            && let Ok(inner) = std::fs::read_dir(&path)
            && inner
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "py"))
        {
            return true;
        }
    }
    false
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// Lists every module of a shipped top-level package (dotted names), for completion and
/// did-you-mean. Bounded so a huge tree cannot stall the caller.
pub fn list_modules(layout: &Layout) -> Vec<String> {
    const LIMIT: usize = 20_000;
    let mut out = Vec::new();
    for m in &layout.modules {
        match m.kind {
            ModuleKind::Module | ModuleKind::Extension => out.push(m.name.clone()),
            ModuleKind::Package | ModuleKind::Namespace => {
                out.push(m.name.clone());
                let dir = if m.kind == ModuleKind::Package {
                    m.path.parent().map(Path::to_path_buf)
                } else {
                    Some(m.path.clone())
                };
                if let Some(dir) = dir {
                    walk(&dir, &m.name, &mut out, LIMIT);
                }
            }
        }
    }
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>, limit: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if out.len() >= limit {
            return;
        }
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if path.is_dir() {
            if crate::python::reference::is_identifier(&name)
                && name != "__pycache__"
                && (path.join("__init__.py").is_file() || contains_python(&path))
            {
                let dotted = format!("{prefix}.{name}");
                out.push(dotted.clone());
                walk(&path, &dotted, out, limit);
            }
        } else if let Some(stem) = name.strip_suffix(".py")
            && stem != "__init__"
            && crate::python::reference::is_identifier(stem)
        {
            out.push(format!("{prefix}.{stem}"));
        }
    }
}

// ---------------------------------------------------------------- toml helpers

/// Follows `path` from the document root through tables and inline tables.
pub fn get<'a>(root: &'a Table, path: &[&str]) -> Option<&'a Item> {
    let (first, rest) = path.split_first()?;
    let mut item = root.get(first)?;
    for key in rest {
        item = item.get(key)?;
    }
    Some(item)
}

/// A string or an array of strings, as a list.
fn strings(item: &Item) -> Vec<String> {
    if let Some(s) = item.as_str() {
        return vec![s.to_string()];
    }
    item.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// An array of inline tables or an array of tables, as table-like items.
fn tables(item: Option<&Item>) -> Vec<Item> {
    let Some(item) = item else {
        return Vec::new();
    };
    if let Some(arr) = item.as_array() {
        return arr
            .iter()
            .filter_map(|v| {
                v.as_inline_table()
                    .map(|t| Item::Value(toml_edit::Value::InlineTable(t.clone())))
            })
            .collect();
    }
    if let Some(aot) = item.as_array_of_tables() {
        return aot.iter().map(|t| Item::Table(t.clone())).collect();
    }
    Vec::new()
}

/// fnmatch-style matching with `*` and `?` (what setuptools' include/exclude use).
fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_prefixes() {
        assert!(glob_match("pkg*", "pkg.sub"));
        assert!(!glob_match("pkg", "pkgx"));
        assert_eq!(literal_prefix("/src/pkg/**/*.py"), "src/pkg");
        assert_eq!(module_name_from_project("My-Pkg.x"), "my_pkg_x");
    }

    #[test]
    fn setup_cfg_roots() {
        let cfg = "[metadata]\nname = x\n\n[options]\npackage_dir =\n    =lib\n    extra = other/extra\npackages = find:\n";
        assert_eq!(
            setup_cfg_package_dir(cfg),
            vec![
                (String::new(), "lib".into()),
                ("extra".into(), "other/extra".into())
            ]
        );
        let cfg = "[options]\npackages = find:\n[options.packages.find]\nwhere = source\n";
        assert_eq!(
            setup_cfg_package_dir(cfg),
            vec![(String::new(), "source".into())]
        );
    }

    #[test]
    fn sources_rewrite() {
        let doc: toml_edit::DocumentMut = "a = [\"src\"]\nb = { \"src/foo\" = \"bar\" }"
            .parse()
            .unwrap_or_default();
        assert_eq!(rewrite_sources("src/foo", doc.get("a")), "foo");
        assert_eq!(rewrite_sources("src/foo/x.py", doc.get("b")), "bar/x.py");
        assert_eq!(rewrite_sources("lib/foo", doc.get("a")), "lib/foo");
    }
}
