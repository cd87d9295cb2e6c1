//! PP6xx, the package's Python sources against its metadata: imports that no dependency
//! provides, optional and dev-only imports, unused dependencies, standard-library modules
//! declared as dependencies, and code that needs a newer (or older) Python than
//! `requires-python` allows. Reads `Facts::sources` (computed off the keystroke path by
//! `crate::sources::scan_project`); does nothing when it is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::PathBuf;

use toml_edit::Item;

use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Location, Related, Severity, Tag};
use crate::manifest::{self, edit};
use crate::sources::import_map::{self, Certainty};
use crate::sources::{Import, SourcesFacts, normalize, stdlib};
use crate::spec::python;

pub const UNDECLARED_IMPORT: Rule = Rule {
    code: "PP601",
    name: "undeclared-import",
    severity: Severity::Error,
    summary: "The package imports a module that no entry of `dependencies` provides: it installs, then fails on import.",
};
pub const OPTIONAL_IMPORT_UNDECLARED: Rule = Rule {
    code: "PP602",
    name: "optional-import-undeclared",
    severity: Severity::Hint,
    summary: "An optional (try/except ImportError) or lazy import is in no optional-dependency extra.",
};
pub const DEV_DEPENDENCY_IMPORTED: Rule = Rule {
    code: "PP603",
    name: "dev-dependency-imported",
    severity: Severity::Warning,
    summary: "A distribution declared only in a dependency group or an extra is imported unconditionally by the package.",
};
pub const UNUSED_DEPENDENCY: Rule = Rule {
    code: "PP604",
    name: "unused-dependency",
    severity: Severity::Hint,
    summary: "A dependency nothing in the package imports (only with `dependencies.reportUnused`, and only when the mapping is certain).",
};
pub const STDLIB_DEPENDENCY: Rule = Rule {
    code: "PP605",
    name: "stdlib-dependency",
    severity: Severity::Warning,
    summary: "A standard-library module is declared as a dependency without a `python_version` marker.",
};
pub const NEEDS_NEWER_PYTHON: Rule = Rule {
    code: "PP606",
    name: "needs-newer-python",
    severity: Severity::Error,
    summary: "The sources use a module or syntax that the lowest Python `requires-python` allows does not have.",
};
pub const REMOVED_STDLIB_MODULE: Rule = Rule {
    code: "PP607",
    name: "removed-stdlib-module",
    severity: Severity::Error,
    summary: "The sources import a standard-library module removed in a Python that `requires-python` allows.",
};

pub static RULES: &[&Rule] = &[
    &UNDECLARED_IMPORT,
    &OPTIONAL_IMPORT_UNDECLARED,
    &DEV_DEPENDENCY_IMPORTED,
    &UNUSED_DEPENDENCY,
    &STDLIB_DEPENDENCY,
    &NEEDS_NEWER_PYTHON,
    &REMOVED_STDLIB_MODULE,
];

/// Where a requirement is declared.
#[derive(Clone, Debug, PartialEq, Eq)]
enum List {
    Main,
    Extra(String),
    Group(String),
}

#[derive(Clone, Debug)]
struct Declared {
    /// As written (`PyYAML`).
    name: String,
    range: Range<usize>,
    has_marker: bool,
    list: List,
}

/// The requirement name at the start of a PEP 508 string.
fn requirement_name(req: &str) -> &str {
    let req = req.trim_start();
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    &req[..end]
}

/// A table of requirement lists, and what each of its keys names (an extra, a group).
type ListTable = (&'static [&'static str], fn(String) -> List);

fn declared(cx: &Context) -> Vec<Declared> {
    let mut out = Vec::new();
    let push = |item: Option<&Item>, list: List, out: &mut Vec<Declared>| {
        let Some(item) = item else { return };
        for (value, range) in manifest::string_items(item) {
            let name = requirement_name(&value).to_string();
            if !name.is_empty() {
                out.push(Declared {
                    name,
                    range,
                    has_marker: value.contains(';'),
                    list: list.clone(),
                });
            }
        }
    };
    push(
        cx.manifest.get(&["project", "dependencies"]),
        List::Main,
        &mut out,
    );
    let tables: [ListTable; 4] = [
        (&["project", "optional-dependencies"], List::Extra),
        (&["dependency-groups"], List::Group),
        (&["tool", "uv"], List::Group),
        (&["tool", "pdm", "dev-dependencies"], List::Group),
    ];
    for (path, kind) in tables {
        let Some(table) = cx.manifest.get(path).and_then(Item::as_table_like) else {
            continue;
        };
        for (key, item) in table.iter() {
            // `[tool.uv] dev-dependencies` is the one array of that table that lists requirements.
            if path == ["tool", "uv"] && key != "dev-dependencies" {
                continue;
            }
            push(Some(item), kind(key.to_string()), &mut out);
        }
    }
    // Poetry keeps dependencies as table keys: `[tool.poetry.dependencies] requests = "^2"`.
    let poetry: [(&[&str], List); 2] = [
        (&["tool", "poetry", "dependencies"], List::Main),
        (
            &["tool", "poetry", "dev-dependencies"],
            List::Group("dev".into()),
        ),
    ];
    for (path, list) in poetry {
        push_table_keys(cx, path, list, &mut out);
    }
    if let Some(groups) = cx
        .manifest
        .get(&["tool", "poetry", "group"])
        .and_then(Item::as_table_like)
    {
        for (group, _) in groups.iter() {
            push_table_keys(
                cx,
                &["tool", "poetry", "group", group, "dependencies"],
                List::Group(group.to_string()),
                &mut out,
            );
        }
    }
    out
}

fn push_table_keys(cx: &Context, path: &[&str], list: List, out: &mut Vec<Declared>) {
    let Some(table) = cx.manifest.get(path).and_then(Item::as_table_like) else {
        return;
    };
    for (key, _) in table.iter() {
        if key == "python" {
            continue;
        }
        let mut full: Vec<&str> = path.to_vec();
        full.push(key);
        let range = cx.manifest.key_span(&full).unwrap_or(0..0);
        out.push(Declared {
            name: key.to_string(),
            range,
            has_marker: false,
            list: list.clone(),
        });
    }
}

/// Python 3 minor versions `requires-python` allows, clipped to released ones; None when absent.
fn allowed_minors(cx: &Context) -> Option<(u8, u8)> {
    let raw = cx.manifest.get(&["project", "requires-python"])?.as_str()?;
    let specs = python::parse_specifiers(raw)?;
    let allowed = python::allowed_minors(&specs);
    let lowest = u8::try_from(*allowed.first()?).ok()?;
    // Without an upper bound the newest release is the highest that matters.
    let highest = allowed
        .iter()
        .copied()
        .filter(|m| *m <= python::LATEST_MINOR)
        .max()
        .unwrap_or(python::LATEST_MINOR);
    Some((lowest, u8::try_from(highest).ok()?))
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(facts) = cx.facts.sources.as_deref() else {
        return;
    };
    let declared = declared(cx);
    let dynamic_deps = cx
        .manifest
        .get(&["project", "dynamic"])
        .map(manifest::string_items)
        .is_some_and(|items| items.iter().any(|(v, _)| v == "dependencies"));
    let versions = allowed_minors(cx);
    // Dependencies declared outside pyproject.toml (setup.py, setup.cfg): nothing to compare with.
    let declares_dependencies =
        cx.manifest.get(&["project"]).is_some() || cx.manifest.get(&["tool", "poetry"]).is_some();
    if declares_dependencies {
        check_imports(cx, facts, &declared, dynamic_deps, versions, out);
    }
    check_stdlib_declared(cx, &declared, versions, out);
    if let Some(versions) = versions {
        check_versions(cx, facts, &declared, versions, out);
    }
}

/// One import site, for related information.
fn site(file: &crate::sources::FileScan, import: &Import, message: String) -> Related {
    Related {
        location: Location {
            path: file.path.clone(),
            range: import.range.clone(),
        },
        message,
    }
}

/// Whether an import never runs on any allowed Python (`if sys.version_info < (3, 8)` with
/// `requires-python >= 3.9`), or is the fallback of a `try` whose imports always succeed.
fn dead(import: &Import, versions: Option<(u8, u8)>) -> bool {
    if import.guard.python2 {
        return true;
    }
    if let Some((lowest, highest)) = versions {
        if import.guard.max_minor.is_some_and(|max| max < lowest)
            || import.guard.min_minor.is_some_and(|min| min > highest)
        {
            return true;
        }
        let lowest = lowest.max(import.guard.min_minor.unwrap_or(0));
        let highest = highest.min(import.guard.max_minor.unwrap_or(u8::MAX));
        if !import.guard.fallback_for.is_empty()
            && import.guard.fallback_for.iter().all(|tried| {
                stdlib::lifetime(tried).is_some_and(|l| l.exists_in(lowest) && l.exists_in(highest))
            })
        {
            return true;
        }
    }
    false
}

fn provides(
    decl: &Declared,
    module: &str,
    candidates: &import_map::Candidates,
    facts: &SourcesFacts,
) -> bool {
    if candidates.contains(&decl.name) || import_map::loosely_matches(&decl.name, module) {
        return true;
    }
    // `from google.cloud import storage` with `google-cloud-storage` declared, and
    // `azure.servicebus.management` with `azure-servicebus` declared.
    let top = module.split('.').next().unwrap_or(module);
    if import_map::is_namespace_root(top) {
        let (declared, imported) = (normalize(&decl.name), normalize(module));
        if declared.starts_with(&format!("{imported}-"))
            || imported.starts_with(&format!("{declared}-"))
        {
            return true;
        }
    }
    let (imports, _) = import_map::provided(&decl.name, &facts.import_map, facts.env.as_deref());
    imports.iter().any(|p| {
        module == p || module.starts_with(&format!("{p}.")) || p.starts_with(&format!("{module}."))
    })
}

fn check_imports(
    cx: &Context,
    facts: &SourcesFacts,
    declared: &[Declared],
    dynamic_deps: bool,
    versions: Option<(u8, u8)>,
    out: &mut Vec<Diagnostic>,
) {
    let project_name = cx
        .manifest
        .get(&["project", "name"])
        .and_then(Item::as_str)
        .map(normalize);
    // Undeclared imports grouped by the distribution to add.
    let mut missing: BTreeMap<String, (Vec<Related>, Vec<String>, Certainty)> = BTreeMap::new();
    let mut optional: BTreeMap<String, (Vec<Related>, Vec<String>)> = BTreeMap::new();
    let mut dev_only: BTreeMap<usize, Vec<Related>> = BTreeMap::new();
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let paths: std::collections::HashSet<&std::path::Path> =
        facts.files.iter().map(|f| f.path.as_path()).collect();
    for (file, import, module) in facts.imports().flat_map(|(file, import)| {
        // `from google.cloud import storage` names the distribution by the full dotted name.
        let top = import.module.split('.').next().unwrap_or_default();
        let modules: Vec<String> = if import_map::is_namespace_root(top)
            && import.module == top
            && !import.names.is_empty()
        {
            import
                .names
                .iter()
                .map(|n| format!("{}.{n}", import.module))
                .collect()
        } else {
            vec![import.module.clone()]
        };
        modules.into_iter().map(move |m| (file, import, m))
    }) {
        let module = module.as_str();
        if facts.is_own(module) || stdlib::is_stdlib(module) || dead(import, versions) {
            continue;
        }
        // A script next to its helper (`import _registry` beside `_registry.py`) imports a sibling.
        let top_name = module.split('.').next().unwrap_or(module);
        if let Some(dir) = file.path.parent()
            && (paths.contains(dir.join(format!("{top_name}.py")).as_path())
                || paths.contains(dir.join(top_name).join("__init__.py").as_path()))
        {
            continue;
        }
        let candidates = facts.candidates(module);
        if project_name
            .as_deref()
            .is_some_and(|name| candidates.contains(name))
        {
            continue;
        }
        let providers: Vec<usize> = declared
            .iter()
            .enumerate()
            .filter(|(_, d)| provides(d, module, &candidates, facts))
            .map(|(i, _)| i)
            .collect();
        used.extend(providers.iter().copied());
        if import.guard.type_checking {
            continue;
        }
        let in_main = providers.iter().any(|i| declared[*i].list == List::Main);
        let first = module.split('.').next().unwrap_or(module);
        let top = if import_map::is_namespace_root(first) {
            module.to_string()
        } else {
            first.to_string()
        };
        let Some(dist) = candidates.dists.first().cloned() else {
            continue;
        };
        // A fallback for a standard-library import (`except ImportError: from typing_extensions
        // import Literal`) only runs on old Pythons: like an optional import.
        let stdlib_fallback = !import.guard.fallback_for.is_empty()
            && import
                .guard
                .fallback_for
                .iter()
                .all(|m| stdlib::is_stdlib(m));
        let conditional = import.guard.optional
            || import.guard.lazy
            || stdlib_fallback
            || (!in_main_list(&providers, declared)
                && integration_module(&file.relative, &[top_name]));
        if in_main {
            continue;
        }
        if !providers.is_empty() {
            let extras: Vec<&str> = providers
                .iter()
                .filter_map(|i| match &declared[*i].list {
                    List::Extra(extra) => Some(extra.as_str()),
                    _ => None,
                })
                .collect();
            let integration = !extras.is_empty()
                && extras
                    .iter()
                    .any(|extra| integration_module(&file.relative, &[extra, top_name]));
            // `if sys.version_info < (3, 11): import tomli` runs only on some Pythons: an extra
            // with a marker is the intended home.
            let version_guarded =
                import.guard.min_minor.is_some() || import.guard.max_minor.is_some();
            if !conditional && !integration && !version_guarded {
                for i in &providers {
                    dev_only.entry(*i).or_default().push(site(
                        file,
                        import,
                        format!("`{module}` imported here"),
                    ));
                }
            }
            continue;
        }
        if conditional {
            let entry = optional.entry(dist).or_default();
            entry
                .0
                .push(site(file, import, format!("`{module}` imported here")));
            if !entry.1.contains(&top) {
                entry.1.push(top);
            }
        } else if !dynamic_deps {
            let entry = missing
                .entry(dist)
                .or_insert_with(|| (Vec::new(), Vec::new(), candidates.certainty));
            entry
                .0
                .push(site(file, import, format!("`{module}` imported here")));
            if !entry.1.contains(&top) {
                entry.1.push(top);
            }
        }
    }
    let anchor = cx
        .manifest
        .key_span(&["project", "dependencies"])
        .or_else(|| cx.manifest.table_span(&["project"]))
        .or_else(|| cx.manifest.key_span(&["tool", "poetry", "dependencies"]))
        .unwrap_or(0..0);
    let poetry_only =
        cx.manifest.get(&["project"]).is_none() && cx.manifest.get(&["tool", "poetry"]).is_some();
    for (dist, (related, modules, certainty)) in missing {
        let names = modules
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let requirement = with_lower_bound(cx, facts, &dist);
        let hint = if certainty == Certainty::Certain {
            String::new()
        } else {
            format!(
                " (if another distribution provides {names}, map it with the `importMap` setting)"
            )
        };
        let message = format!(
            "The package imports {names}, but no dependency provides it: add `{dist}` to `dependencies`{hint}."
        );
        let mut d = UNDECLARED_IMPORT.diag(anchor.clone(), message);
        if !poetry_only && let Some(edit) = add_dependency(cx, &requirement) {
            let title = format!("Add \"{requirement}\" to dependencies");
            d = d.with_fix(if certainty == Certainty::Certain {
                Fix::safe(title, vec![edit])
            } else {
                Fix::suggested(title, vec![edit])
            });
        }
        for r in related {
            d = d.with_related(r);
        }
        out.push(d);
    }
    let optional_anchor = cx
        .manifest
        .key_span(&["project", "optional-dependencies"])
        .unwrap_or_else(|| anchor.clone());
    for (dist, (related, modules)) in optional {
        let names = modules
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = OPTIONAL_IMPORT_UNDECLARED.diag(
            optional_anchor.clone(),
            format!("The package imports {names} optionally (guarded or inside a function), but no extra declares `{dist}`: users cannot ask for it with `pip install pkg[extra]`."),
        );
        for r in related {
            d = d.with_related(r);
        }
        out.push(d);
    }
    // One warning per distribution: on its extra when it has one (the intended home of an
    // optional dependency), else on its first dependency group.
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut order: Vec<(usize, Vec<Related>)> = dev_only.into_iter().collect();
    order.sort_by_key(|(i, _)| (!matches!(declared[*i].list, List::Extra(_)), *i));
    for (index, related) in order {
        let decl = &declared[index];
        if !reported.insert(normalize(&decl.name)) {
            continue;
        }
        let where_ = match &decl.list {
            List::Extra(extra) => format!("only in the extra `{extra}`"),
            List::Group(group) => format!("only in the dependency group `{group}`"),
            List::Main => continue,
        };
        let mut d = DEV_DEPENDENCY_IMPORTED.diag(
            decl.range.clone(),
            format!("`{}` is declared {where_}, but the package imports it unconditionally: installing the package alone breaks on import. Move it to `dependencies`, or guard the import.", decl.name),
        );
        for r in related {
            d = d.with_related(r);
        }
        out.push(d);
    }
    if cx.settings.report_unused {
        check_unused(cx, facts, declared, &used, out);
    }
}

fn in_main_list(providers: &[usize], declared: &[Declared]) -> bool {
    providers.iter().any(|i| declared[*i].list == List::Main)
}

/// Whether a file is an optional integration module, loaded only by users who want it: under a
/// conventional directory (`contrib/`, `integrations/`, `extra/`, `backends/`, `plugins/`), or
/// named after the extra or the module it integrates (`brokers/redis.py`, `_async/http2.py`).
fn integration_module(relative: &str, words: &[&str]) -> bool {
    let parts: Vec<&str> = relative.trim_end_matches(".py").split('/').collect();
    let dirs = &parts[..parts.len().saturating_sub(1)];
    if dirs.iter().any(|d| {
        matches!(
            d.trim_start_matches('_'),
            "contrib"
                | "integrations"
                | "integration"
                | "extra"
                | "extras"
                | "ext"
                | "backends"
                | "plugins"
                | "optional"
        )
    }) {
        return true;
    }
    let words: Vec<String> = words
        .iter()
        .map(|w| w.to_ascii_lowercase().replace('-', "_"))
        .collect();
    parts.iter().any(|part| {
        let part = part.to_ascii_lowercase();
        words
            .iter()
            // `redis.py`, `socks_proxy.py`, `_greenlets.py`, `sphinxext.py`
            .any(|w| {
                !w.is_empty()
                    && part
                        .split('_')
                        .any(|p| p == w.as_str() || (w.len() >= 4 && p.starts_with(w.as_str())))
            })
    })
}

/// Distributions that are used without being imported: servers, plugins, stubs, build tools.
fn never_imported(key: &str) -> bool {
    key.starts_with("pytest-")
        || key.starts_with("types-")
        || key.ends_with("-stubs")
        || key.starts_with("flake8-")
        || matches!(
            key,
            "uvicorn" | "gunicorn" | "setuptools" | "wheel" | "pip" | "hypercorn" | "daphne"
        )
}

fn check_unused(
    cx: &Context,
    facts: &SourcesFacts,
    declared: &[Declared],
    used: &BTreeSet<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let items: Vec<Range<usize>> = cx
        .manifest
        .get(&["project", "dependencies"])
        .map(manifest::string_items)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    for (index, decl) in declared.iter().enumerate() {
        if decl.list != List::Main
            || used.contains(&index)
            || never_imported(&normalize(&decl.name))
        {
            continue;
        }
        let (imports, certainty) =
            import_map::provided(&decl.name, &facts.import_map, facts.env.as_deref());
        if certainty != Certainty::Certain || imports.is_empty() {
            continue;
        }
        let names = imports
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut d = UNUSED_DEPENDENCY
            .diag(
                decl.range.clone(),
                format!(
                    "`{}` provides {names}, which nothing in the package imports.",
                    decl.name
                ),
            )
            .with_tag(Tag::Unnecessary);
        if let Some(at) = items.iter().position(|r| *r == decl.range)
            && let Some(edit) = edit::remove_array_item(cx.text, &items, at)
        {
            d = d.with_fix(Fix::suggested(
                format!("Remove `{}`", decl.name),
                vec![edit],
            ));
        }
        out.push(d);
    }
}

/// `pydantic-settings>=2.6` when the environment or the index knows a version, else the name.
fn with_lower_bound(cx: &Context, facts: &SourcesFacts, dist: &str) -> String {
    let installed = facts
        .env
        .as_ref()
        .and_then(|env| env.dists.get(&normalize(dist)))
        .map(|d| d.version.clone());
    let latest = || {
        let answer = cx.facts.index.project(dist)?;
        let project = answer.project()?;
        crate::index::versions::latest(project, None).map(|r| r.version.clone())
    };
    let Some(version) = installed.or_else(latest) else {
        return dist.to_string();
    };
    let parts: Vec<&str> = version
        .split('.')
        .take_while(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
        .collect();
    match parts.as_slice() {
        [] => dist.to_string(),
        [major] => format!("{dist}>={major}"),
        [major, minor, ..] => format!("{dist}>={major}.{minor}"),
    }
}

/// Adds a requirement to `[project] dependencies`, keeping a sorted list sorted and following
/// the list's layout (one per line or inline, indentation, trailing comma).
fn add_dependency(cx: &Context, requirement: &str) -> Option<Edit> {
    let value = edit::quote(requirement);
    let Some(item) = cx.manifest.get(&["project", "dependencies"]) else {
        cx.manifest.get(&["project"])?;
        return Some(edit::add_key(
            cx.manifest,
            cx.text,
            &["project"],
            "dependencies",
            &format!("[{value}]"),
        ));
    };
    let array = item.span()?;
    let items = manifest::string_items(item);
    let keys: Vec<String> = items
        .iter()
        .map(|(v, _)| normalize(requirement_name(v)))
        .collect();
    let sorted = keys.len() > 1 && keys.windows(2).all(|w| w[0] <= w[1]);
    let new_key = normalize(requirement_name(requirement));
    if sorted && let Some(before) = keys.iter().position(|k| *k > new_key) {
        let at = items[before].1.start;
        let multiline = cx
            .text
            .get(array.clone())
            .is_some_and(|raw| raw.contains('\n'));
        let line_start = cx.text[..at].rfind('\n').map_or(0, |i| i + 1);
        if multiline && cx.text[line_start..at].trim().is_empty() {
            let indent = edit::indentation(cx.text, at);
            return Some(Edit::insert(at, format!("{value},\n{indent}")));
        }
        return Some(Edit::insert(at, format!("{value}, ")));
    }
    let spans: Vec<Range<usize>> = items.into_iter().map(|(_, r)| r).collect();
    edit::append_array_item(cx.text, &array, &spans, &value)
}

fn check_stdlib_declared(
    cx: &Context,
    declared: &[Declared],
    versions: Option<(u8, u8)>,
    out: &mut Vec<Diagnostic>,
) {
    let items: Vec<Range<usize>> = cx
        .manifest
        .get(&["project", "dependencies"])
        .map(manifest::string_items)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    for decl in declared
        .iter()
        .filter(|d| d.list == List::Main && !d.has_marker)
    {
        let module = normalize(&decl.name).replace('-', "_");
        let Some(lifetime) = stdlib::lifetime(&module) else {
            continue;
        };
        if module.contains('.') || lifetime.last.is_some() {
            continue;
        }
        let lowest = versions.map_or(0, |(lowest, _)| lowest);
        let mut d = STDLIB_DEPENDENCY.diag(
            decl.range.clone(),
            format!("`{}` is the standard library's `{module}` module (Python 3.{}+); the dependency installs an old backport or nothing useful.", decl.name, lifetime.added),
        );
        let Some(at) = items.iter().position(|r| *r == decl.range) else {
            out.push(d);
            continue;
        };
        if lifetime.added > lowest {
            let content = manifest::string_content_span(cx.text, &decl.range);
            let marker = format!("; python_version < \"3.{}\"", lifetime.added);
            let raw = cx.slice(&decl.range);
            let quote_char = raw.chars().next().unwrap_or('"');
            let marker = if quote_char == '"' {
                marker.replace('"', "'")
            } else {
                marker
            };
            d = d.with_fix(Fix::safe(
                format!("Only on Python < 3.{}", lifetime.added),
                vec![Edit::insert(content.end, marker)],
            ));
        }
        if let Some(edit) = edit::remove_array_item(cx.text, &items, at) {
            let remove = Fix::suggested(format!("Remove `{}`", decl.name), vec![edit]);
            d = if lifetime.added > lowest {
                d.with_fix(remove)
            } else {
                d.with_fix(Fix {
                    safe: true,
                    ..remove
                })
            };
        }
        out.push(d);
    }
}

/// A use that needs Python 3.`needed` or newer.
struct Need {
    what: String,
    path: PathBuf,
    range: Range<usize>,
    import: Option<Import>,
}

fn check_versions(
    cx: &Context,
    facts: &SourcesFacts,
    declared: &[Declared],
    (lowest, highest): (u8, u8),
    out: &mut Vec<Diagnostic>,
) {
    let mut needs: BTreeMap<u8, Vec<Need>> = BTreeMap::new();
    let mut removed: BTreeMap<String, (u8, Vec<Related>)> = BTreeMap::new();
    // setuptools keeps `import distutils` working (its `_distutils_hack`): declared, needed to
    // build, or the project itself.
    let build_requires = cx
        .manifest
        .get(&["build-system", "requires"])
        .map(manifest::string_items)
        .unwrap_or_default();
    let project_name = cx
        .manifest
        .get(&["project", "name"])
        .and_then(Item::as_str)
        .map(normalize);
    let has_setuptools = declared
        .iter()
        .any(|d| normalize(&d.name) == "setuptools" && d.list == List::Main)
        || build_requires
            .iter()
            .any(|(r, _)| normalize(requirement_name(r)) == "setuptools")
        || project_name.as_deref() == Some("setuptools");
    for file in &facts.files {
        for use_ in &file.scanned.syntax {
            if use_.min_minor > lowest {
                needs.entry(use_.min_minor).or_default().push(Need {
                    what: use_.what.clone(),
                    path: file.path.clone(),
                    range: use_.range.clone(),
                    import: None,
                });
            }
        }
        for import in &file.scanned.imports {
            let guard = &import.guard;
            if guard.type_checking || guard.optional || dead(import, Some((lowest, highest))) {
                continue;
            }
            let Some(lifetime) = stdlib::lifetime(&import.module) else {
                continue;
            };
            let mut added = lifetime.added;
            let mut what = import.module.clone();
            for name in &import.names {
                if let Some(sub) = stdlib::listed(&format!("{}.{name}", import.module))
                    && sub.added > added
                {
                    added = sub.added;
                    what = format!("{}.{name}", import.module);
                }
            }
            let effective_lowest = lowest.max(guard.min_minor.unwrap_or(0));
            if added > effective_lowest {
                needs.entry(added).or_default().push(Need {
                    what: format!("`{what}`"),
                    path: file.path.clone(),
                    range: import.range.clone(),
                    import: Some(import.clone()),
                });
            }
            let effective_highest = highest.min(guard.max_minor.unwrap_or(u8::MAX));
            // A fallback after a failed modern import (`except ImportError: from distutils ...`)
            // is the old path on purpose.
            if let Some(last) = lifetime.last
                && last < effective_highest
                && guard.fallback_for.is_empty()
            {
                // setuptools keeps `import distutils` working through its shim.
                let top = import.module.split('.').next().unwrap_or_default();
                if top == "distutils" && has_setuptools {
                    continue;
                }
                let entry = removed
                    .entry(top.to_string())
                    .or_insert_with(|| (last, Vec::new()));
                entry.1.push(site(
                    file,
                    import,
                    format!("`{}` imported here", import.module),
                ));
            }
        }
    }
    let Some(span) = cx
        .manifest
        .get(&["project", "requires-python"])
        .and_then(Item::span)
    else {
        return;
    };
    let raw = cx
        .manifest
        .get(&["project", "requires-python"])
        .and_then(Item::as_str)
        .unwrap_or_default()
        .to_string();
    for (needed, uses) in needs {
        let mut whats: Vec<&str> = uses.iter().map(|u| u.what.as_str()).collect();
        whats.sort();
        whats.dedup();
        let list = whats.iter().take(4).copied().collect::<Vec<_>>().join(", ");
        let more = if whats.len() > 4 {
            format!(" and {} more", whats.len() - 4)
        } else {
            String::new()
        };
        let mut d = NEEDS_NEWER_PYTHON.diag(
            span.clone(),
            format!("The sources need Python 3.{needed} ({list}{more}), but `requires-python` allows 3.{lowest}. Raise it, or guard the uses with `sys.version_info` or `try/except ImportError`."),
        );
        for u in &uses {
            d = d.with_related(Related {
                location: Location {
                    path: u.path.clone(),
                    range: u.range.clone(),
                },
                message: format!("{} needs Python 3.{needed}", u.what),
            });
        }
        d = d.with_fix(Fix::suggested(
            format!("Raise requires-python to >=3.{needed}"),
            vec![Edit::replace(
                span.clone(),
                edit::quote(&raise_lower_bound(&raw, needed)),
            )],
        ));
        // `tomllib` has a backport: declare it for old Pythons and import it as a fallback.
        let tomllib: Vec<&Import> = uses
            .iter()
            .filter_map(|u| u.import.as_ref())
            .filter(|i| i.module == "tomllib")
            .collect();
        if needed == 11 && !tomllib.is_empty() && whats.len() == 1 {
            let declared_tomli = declared
                .iter()
                .any(|d| normalize(&d.name) == "tomli" && d.list == List::Main);
            let mut edits = Vec::new();
            if !declared_tomli
                && let Some(edit) = add_dependency(cx, "tomli>=1.1; python_version < '3.11'")
            {
                edits.push(edit);
            }
            for (use_, import) in uses
                .iter()
                .zip(uses.iter().filter_map(|u| u.import.as_ref()))
            {
                if let Some(edit) = guarded_tomllib(&use_.path, import) {
                    edits.push(edit);
                }
            }
            d = d.with_fix(Fix::suggested(
                "Add tomli for Python < 3.11 and import it when tomllib is missing",
                edits,
            ));
        }
        out.push(d);
    }
    for (module, (last, related)) in removed {
        let mut d = REMOVED_STDLIB_MODULE.diag(
            span.clone(),
            format!("The sources import `{module}`, which was removed from the standard library after Python 3.{last}, but `requires-python` allows 3.{highest}."),
        );
        if module == "distutils"
            && let Some(edit) = add_dependency(cx, "setuptools")
        {
            d = d.with_fix(Fix::suggested(
                "Add setuptools (it provides `distutils` on Python 3.12+)",
                vec![edit],
            ));
        }
        for r in related {
            d = d.with_related(r);
        }
        out.push(d);
    }
}

/// `>=3.8` becomes `>=3.11`; anything without a `>=` gets `>=3.N, ` in front.
fn raise_lower_bound(raw: &str, needed: u8) -> String {
    let parts: Vec<String> = raw
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter(|p| !(p.starts_with(">=") || p.starts_with('>') || p.starts_with("~=")))
        .map(str::to_string)
        .collect();
    let mut out = vec![format!(">=3.{needed}")];
    out.extend(parts);
    out.join(", ")
}

/// Rewrites `import tomllib` / `from tomllib import x` as a try/except falling back to tomli.
fn guarded_tomllib(path: &std::path::Path, import: &Import) -> Option<Edit> {
    let statement = import.statement_text.trim();
    let fallback = if let Some(rest) = statement.strip_prefix("import tomllib") {
        let alias = rest.trim().strip_prefix("as ").map_or("tomllib", str::trim);
        format!("import tomli as {alias}")
    } else if statement.starts_with("from tomllib import") {
        statement.replacen("from tomllib", "from tomli", 1)
    } else {
        return None;
    };
    if statement.contains('\n') || statement.contains(';') {
        return None;
    }
    let indent = &import.indent;
    // The statement starts at its own indentation, so the first line needs none.
    let text = format!(
        "try:\n{indent}    {statement}\n{indent}except ModuleNotFoundError:  # Python < 3.11\n{indent}    {fallback}"
    );
    Some(Edit {
        path: Some(path.to_path_buf()),
        range: import.statement.clone(),
        new_text: text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_bounds() {
        assert_eq!(raise_lower_bound(">=3.8", 11), ">=3.11");
        assert_eq!(raise_lower_bound(">=3.8, <4", 11), ">=3.11, <4");
        assert_eq!(raise_lower_bound("!=3.9.*", 11), ">=3.11, !=3.9.*");
    }

    #[test]
    fn names() {
        assert_eq!(requirement_name("PyYAML>=6; python_version<'3'"), "PyYAML");
        assert_eq!(requirement_name("zope.interface [x]"), "zope.interface");
    }
}
