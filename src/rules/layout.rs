//! PP5xx, build backend configuration against the files: every place that names a module or
//! a package path (hatchling, setuptools, flit, poetry, maturin, uv_build, PEP 794
//! `import-names`) is checked for hyphens, paths that do not exist, directories that are not
//! packages, and layouts the backend's default discovery will not find.

use std::ops::Range;

use toml_edit::Item;

use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::manifest::{self, edit};

pub const IMPORT_NAME_HYPHEN: Rule = Rule {
    code: "PP501",
    name: "import-name-hyphen",
    severity: Severity::Error,
    summary: "A module or package name contains a hyphen: Python cannot import it (`my-pkg` must be `my_pkg`).",
};
pub const PACKAGE_PATH_MISSING: Rule = Rule {
    code: "PP502",
    name: "package-path-missing",
    severity: Severity::Error,
    summary: "The build configuration names a package path or module that does not exist: the wheel ships without it.",
};
pub const NOT_A_PACKAGE: Rule = Rule {
    code: "PP503",
    name: "not-a-package",
    severity: Severity::Error,
    summary: "A directory the backend needs to be a package has no `__init__.py`.",
};
pub const PACKAGE_NOT_FOUND: Rule = Rule {
    code: "PP504",
    name: "package-not-found",
    severity: Severity::Error,
    summary: "The backend's default discovery will not find the package: the wheel would ship without code.",
};

pub static RULES: &[&Rule] = &[
    &IMPORT_NAME_HYPHEN,
    &PACKAGE_PATH_MISSING,
    &NOT_A_PACKAGE,
    &PACKAGE_NOT_FOUND,
];

/// A string value in the manifest with the span of its content.
struct Named {
    value: String,
    /// Span of the whole string, quotes included.
    span: Range<usize>,
}

fn strings(item: Option<&Item>) -> Vec<Named> {
    let Some(item) = item else { return Vec::new() };
    if let (Some(value), Some(span)) = (item.as_str(), item.span()) {
        return vec![Named {
            value: value.to_string(),
            span,
        }];
    }
    manifest::string_items(item)
        .into_iter()
        .map(|(value, span)| Named { value, span })
        .collect()
}

fn backend(cx: &Context) -> String {
    cx.manifest
        .get(&["build-system", "build-backend"])
        .and_then(Item::as_str)
        .unwrap_or_default()
        .to_string()
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let files = cx.files;
    let on_disk = files.dir().is_some();
    let backend = backend(cx);
    check_import_names(cx, out);
    hatch(cx, &backend, on_disk, out);
    setuptools(cx, on_disk, out);
    flit(cx, &backend, on_disk, out);
    poetry(cx, &backend, on_disk, out);
    maturin(cx, on_disk, out);
    uv_build(cx, &backend, on_disk, out);
}

/// A hyphen in a dotted import name: the fix replaces it with an underscore.
fn hyphen(named: &Named, name: &str, out: &mut Vec<Diagnostic>) -> bool {
    // PEP 561 stub-only packages are named `<pkg>-stubs` on purpose; type checkers find them so.
    let checked = name.strip_suffix("-stubs").unwrap_or(name);
    if !checked.contains('-') {
        return false;
    }
    let fixed = named.value.replace(name, &name.replace('-', "_"));
    out.push(
        IMPORT_NAME_HYPHEN
            .diag(named.span.clone(), format!("`{name}` is not an importable name: Python identifiers cannot contain `-`. Use `{}`.", name.replace('-', "_")))
            .with_fix(Fix::safe(format!("Change to `{fixed}`"), vec![Edit::replace(named.span.clone(), edit::quote(&fixed))])),
    );
    true
}

/// A path that does not exist; the fix proposes the underscore form when that exists.
fn missing_path(cx: &Context, named: &Named, path: &str, what: &str, out: &mut Vec<Diagnostic>) {
    let mut d = PACKAGE_PATH_MISSING.diag(
        named.span.clone(),
        format!("{what} `{path}` does not exist: the wheel would ship without it."),
    );
    let underscored = path.replace('-', "_");
    if underscored != path && (cx.files.is_dir(&underscored) || cx.files.is_file(&underscored)) {
        let fixed = named.value.replace(path, &underscored);
        d = d.with_fix(Fix::safe(
            format!("Change to `{fixed}`"),
            vec![Edit::replace(named.span.clone(), edit::quote(&fixed))],
        ));
    } else if let Some(existing) = only_package(cx, &["", "src"]) {
        d = d.with_fix(Fix::suggested(
            format!("Change to `{existing}`"),
            vec![Edit::replace(named.span.clone(), edit::quote(&existing))],
        ));
    }
    out.push(d);
}

fn exists(cx: &Context, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    path.is_empty() || path == "." || cx.files.is_dir(path) || cx.files.is_file(path)
}

fn join(root: &str, rest: &str) -> String {
    let root = root.trim_matches('/');
    if root.is_empty() || root == "." {
        rest.to_string()
    } else {
        format!("{root}/{rest}")
    }
}

/// The single package directory (with `__init__.py`) directly under one of `roots`, if exactly one.
fn only_package(cx: &Context, roots: &[&str]) -> Option<String> {
    let mut found = Vec::new();
    for root in roots {
        let dir = if root.is_empty() { "." } else { root };
        if !root.is_empty() && !cx.files.is_dir(root) {
            continue;
        }
        for name in cx.files.list(dir) {
            let path = join(root, &name);
            let skip = name.starts_with('.')
                || matches!(
                    name.as_str(),
                    "tests" | "test" | "docs" | "examples" | "scripts" | "build" | "dist"
                );
            if !skip && cx.files.is_file(&format!("{path}/__init__.py")) {
                found.push(path);
            }
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// PEP 794 `import-names` / `import-namespaces`: `name` or `name; private`.
fn check_import_names(cx: &Context, out: &mut Vec<Diagnostic>) {
    for key in ["import-names", "import-namespaces"] {
        for named in strings(cx.manifest.get(&["project", key])) {
            let name = named
                .value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            hyphen(&named, &name, out);
        }
    }
}

fn hatch(cx: &Context, backend: &str, on_disk: bool, out: &mut Vec<Diagnostic>) {
    let wheel = |key: &str| {
        cx.manifest
            .get(&["tool", "hatch", "build", "targets", "wheel", key])
            .or_else(|| cx.manifest.get(&["tool", "hatch", "build", key]))
    };
    let packages = strings(wheel("packages"));
    let only_include = strings(wheel("only-include"));
    for named in &packages {
        let path = named.value.trim_end_matches('/').to_string();
        let last = path.rsplit('/').next().unwrap_or(&path).to_string();
        if !has_glob(&path) && hyphen(named, &last, out) {
            continue;
        }
        if on_disk && !has_glob(&path) && !exists(cx, &path) {
            missing_path(cx, named, &path, "The package path", out);
        }
    }
    for named in &only_include {
        let path = named.value.trim_end_matches('/').to_string();
        if on_disk && !has_glob(&path) && !exists(cx, &path) {
            missing_path(cx, named, &path, "The path", out);
        }
    }
    if let Some(item) = wheel("sources") {
        let keys: Vec<Named> = match item.as_table_like() {
            Some(table) => table
                .iter()
                .filter_map(|(k, _)| {
                    let mut path = vec!["tool", "hatch", "build", "targets", "wheel", "sources"];
                    path.push(k);
                    let span = cx.manifest.key_span(&path).or_else(|| {
                        cx.manifest
                            .key_span(&["tool", "hatch", "build", "sources", k])
                    })?;
                    Some(Named {
                        value: k.to_string(),
                        span,
                    })
                })
                .collect(),
            None => strings(Some(item)),
        };
        for named in keys {
            if on_disk && !named.value.is_empty() && !exists(cx, &named.value) {
                missing_path(
                    cx,
                    &named,
                    &named.value.clone(),
                    "The source directory",
                    out,
                );
            }
        }
    }
    let explicit = !packages.is_empty()
        || !only_include.is_empty()
        || wheel("include").is_some()
        || wheel("force-include").is_some();
    if backend.starts_with("hatchling") && on_disk && !explicit {
        default_discovery(cx, "hatchling", &["", "src"], true, out);
    }
}

/// The project name as `pkg_name` (hatchling also tries the raw name).
fn project_module_names(cx: &Context) -> Vec<String> {
    let name = cx
        .manifest
        .get(&["project", "name"])
        .or_else(|| cx.manifest.get(&["tool", "poetry", "name"]))
        .and_then(Item::as_str);
    let Some(name) = name else { return Vec::new() };
    let normalized: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let raw = name.to_string();
    let mut names = vec![normalized];
    if !names.contains(&raw) {
        names.push(raw);
    }
    names
}

/// Reports when none of `<root>/<name>/__init__.py` (or `<name>.py`) exists for the project name.
fn default_discovery(
    cx: &Context,
    backend: &str,
    roots: &[&str],
    needs_init: bool,
    out: &mut Vec<Diagnostic>,
) {
    let names = project_module_names(cx);
    let Some(module) = names.first().cloned() else {
        return;
    };
    let found = names.iter().any(|name| {
        roots.iter().any(|root| {
            let dir = join(root, name);
            cx.files.is_file(&format!("{dir}/__init__.py"))
                || (!needs_init && cx.files.is_dir(&dir))
                || cx.files.is_file(&format!("{dir}.py"))
        })
    });
    if found {
        return;
    }
    // A project with no Python at all (a metapackage, a Rust extension) is not our business.
    let any_python = roots.iter().any(|root| {
        let dir = if root.is_empty() { "." } else { root };
        cx.files.list(dir).iter().any(|n| {
            n.ends_with(".py") && n != "setup.py" && n != "conftest.py" && n != "noxfile.py"
        })
    }) || only_package(cx, roots).is_some();
    if !any_python {
        return;
    }
    let Some(anchor) = cx
        .manifest
        .get(&["project", "name"])
        .and_then(Item::span)
        .or_else(|| {
            cx.manifest
                .get(&["build-system", "build-backend"])
                .and_then(Item::span)
        })
    else {
        return;
    };
    let mut d = PACKAGE_NOT_FOUND.diag(
        anchor,
        format!("{backend} looks for a package named `{module}` (in {}) and none exists: the wheel would ship without code. Name the package directory in the build configuration.", roots.iter().map(|r| if r.is_empty() { "./".to_string() } else { format!("{r}/") }).collect::<Vec<_>>().join(" or ")),
    );
    if backend == "hatchling"
        && let Some(existing) = only_package(cx, roots)
    {
        let table = "[tool.hatch.build.targets.wheel]";
        let sep = if cx.text.ends_with("\n\n") || cx.text.is_empty() {
            ""
        } else if cx.text.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        d = d.with_fix(Fix::suggested(
            format!("Ship `{existing}`"),
            vec![Edit::insert(
                cx.text.len(),
                format!("{sep}{table}\npackages = [{}]\n", edit::quote(&existing)),
            )],
        ));
    }
    out.push(d);
}

fn setuptools(cx: &Context, on_disk: bool, out: &mut Vec<Diagnostic>) {
    let base = ["tool", "setuptools"];
    let package_dir = cx
        .manifest
        .get(&["tool", "setuptools", "package-dir"])
        .and_then(Item::as_table_like);
    let root = package_dir
        .and_then(|t| t.get(""))
        .and_then(Item::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(table) = package_dir {
        for (key, item) in table.iter() {
            let (Some(dir), Some(span)) = (item.as_str(), item.span()) else {
                continue;
            };
            let named = Named {
                value: dir.to_string(),
                span,
            };
            if !key.is_empty() {
                hyphen(
                    &Named {
                        value: key.to_string(),
                        span: cx
                            .manifest
                            .key_span(&["tool", "setuptools", "package-dir", key])
                            .unwrap_or(named.span.clone()),
                    },
                    key,
                    out,
                );
            }
            if on_disk && !exists(cx, dir) {
                missing_path(cx, &named, dir, "The package directory", out);
            }
        }
    }
    let packages = cx.manifest.get(&[base[0], base[1], "packages"]);
    if packages.and_then(Item::as_array).is_some() {
        for named in strings(packages) {
            let name = named.value.clone();
            if hyphen(&named, &name, out) || !on_disk {
                continue;
            }
            let mapped = package_dir
                .and_then(|t| t.get(&name))
                .and_then(Item::as_str)
                .map(str::to_string);
            let path = mapped.unwrap_or_else(|| join(&root, &name.replace('.', "/")));
            if !exists(cx, &path) {
                missing_path(cx, &named, &path, "The package directory", out);
            }
        }
    }
    for named in strings(cx.manifest.get(&["tool", "setuptools", "py-modules"])) {
        let name = named.value.clone();
        if hyphen(&named, &name, out) || !on_disk {
            continue;
        }
        let path = join(&root, &format!("{}.py", name.replace('.', "/")));
        if !cx.files.is_file(&path) {
            missing_path(cx, &named, &path, "The module file", out);
        }
    }
}

fn flit(cx: &Context, backend: &str, on_disk: bool, out: &mut Vec<Diagnostic>) {
    let configured = strings(cx.manifest.get(&["tool", "flit", "module", "name"]));
    for named in &configured {
        let name = named.value.clone();
        if hyphen(named, &name, out) || !on_disk {
            continue;
        }
        let path = name.replace('.', "/");
        if !["", "src"].iter().any(|root| {
            exists(cx, &join(root, &path)) || cx.files.is_file(&join(root, &format!("{path}.py")))
        }) {
            missing_path(cx, named, &path, "The module", out);
        }
    }
    if backend.starts_with("flit_core") && configured.is_empty() && on_disk {
        default_discovery(cx, "flit", &["", "src"], false, out);
    }
}

fn poetry(cx: &Context, backend: &str, on_disk: bool, out: &mut Vec<Diagnostic>) {
    let Some(packages) = cx
        .manifest
        .get(&["tool", "poetry", "packages"])
        .and_then(Item::as_array)
    else {
        // Poetry 2 reads `[project]`; without `packages` it looks for the project name.
        if backend.starts_with("poetry")
            && on_disk
            && cx.manifest.get(&["tool", "poetry"]).is_some()
        {
            default_discovery(cx, "poetry-core", &["", "src"], false, out);
        }
        return;
    };
    for value in packages.iter() {
        let Some(table) = value.as_inline_table() else {
            continue;
        };
        let Some(include) = table.get("include") else {
            continue;
        };
        let (Some(path), Some(span)) = (include.as_str(), include.span()) else {
            continue;
        };
        let from = table.get("from").and_then(|v| v.as_str()).unwrap_or("");
        let named = Named {
            value: path.to_string(),
            span,
        };
        if has_glob(path) {
            continue;
        }
        let last = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .to_string();
        if hyphen(&named, &last, out) || !on_disk {
            continue;
        }
        let full = join(from, path);
        if !exists(cx, &full) && !cx.files.is_file(&format!("{full}.py")) {
            missing_path(cx, &named, path, "The package", out);
        }
    }
}

fn maturin(cx: &Context, on_disk: bool, out: &mut Vec<Diagnostic>) {
    for named in strings(cx.manifest.get(&["tool", "maturin", "module-name"])) {
        let name = named.value.clone();
        hyphen(&named, &name, out);
    }
    for named in strings(cx.manifest.get(&["tool", "maturin", "python-source"])) {
        let path = named.value.clone();
        if on_disk && !exists(cx, &path) {
            missing_path(cx, &named, &path, "The Python source directory", out);
        }
    }
}

fn uv_build(cx: &Context, backend: &str, on_disk: bool, out: &mut Vec<Diagnostic>) {
    let base = ["tool", "uv", "build-backend"];
    let get = |key: &str| cx.manifest.get(&[base[0], base[1], base[2], key]);
    let root_named = strings(get("module-root")).pop();
    let root = root_named
        .as_ref()
        .map_or("src".to_string(), |n| n.value.clone());
    if let Some(named) = &root_named
        && on_disk
        && !exists(cx, &named.value)
    {
        missing_path(cx, named, &named.value.clone(), "The module root", out);
        return;
    }
    let namespace = get("namespace").and_then(Item::as_bool).unwrap_or(false);
    let configured = strings(get("module-name"));
    for named in &configured {
        let name = named.value.clone();
        if hyphen(named, &name, out) || !on_disk {
            continue;
        }
        let dir = join(&root, &name.replace('.', "/"));
        let stubs = name.ends_with("-stubs");
        if !cx.files.is_dir(&dir) {
            missing_path(cx, named, &dir, "The module directory", out);
        } else if !namespace && !stubs && !cx.files.is_file(&format!("{dir}/__init__.py")) {
            out.push(NOT_A_PACKAGE.diag(
                named.span.clone(),
                format!("`{dir}` has no `__init__.py`: uv_build requires one (or set `namespace = true` for a namespace package)."),
            ));
        }
    }
    if backend == "uv_build" && configured.is_empty() && on_disk && !namespace {
        let roots: [&str; 1] = [root.as_str()];
        default_discovery(cx, "uv_build", &roots, true, out);
    }
}
