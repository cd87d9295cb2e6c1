//! PP14x, `[build-system]`: present, with `requires` and `build-backend`, and a backend that the
//! requirements actually provide.

use toml_edit::{Item, Value};

use super::project::normalize_name;
use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::manifest::edit;
use crate::spec::keys;

pub const MISSING_BUILD_SYSTEM: Rule = Rule {
    code: "PP140",
    name: "missing-build-system",
    severity: Severity::Warning,
    summary: "No `[build-system]`: pip falls back to legacy setuptools, and uv treats the project as no package (its scripts are not installed).",
};
pub const MISSING_BUILD_BACKEND: Rule = Rule {
    code: "PP141",
    name: "missing-build-backend",
    severity: Severity::Warning,
    summary: "`[build-system]` has no `build-backend`: frontends fall back to the legacy setuptools backend.",
};
pub const BACKEND_NOT_REQUIRED: Rule = Rule {
    code: "PP142",
    name: "backend-not-in-requires",
    severity: Severity::Error,
    summary: "The build backend is not provided by any package in `requires` (e.g. `poetry.masonry.api` with `poetry-core`).",
};
pub const MISSING_BUILD_REQUIRES: Rule = Rule {
    code: "PP143",
    name: "missing-build-requires",
    severity: Severity::Error,
    summary: "`[build-system]` has no `requires`; it is mandatory when the table exists.",
};

pub static RULES: &[&Rule] = &[
    &MISSING_BUILD_SYSTEM,
    &MISSING_BUILD_BACKEND,
    &BACKEND_NOT_REQUIRED,
    &MISSING_BUILD_REQUIRES,
];

/// Backend module prefixes and the distributions that provide them (normalized names).
const PROVIDERS: &[(&str, &[&str])] = &[
    ("hatchling.", &["hatchling"]),
    ("setuptools.", &["setuptools"]),
    ("flit_core.", &["flit-core"]),
    ("flit.", &["flit"]),
    ("pdm.backend", &["pdm-backend"]),
    ("pdm.pep517", &["pdm-pep517"]),
    ("poetry.core.", &["poetry-core"]),
    ("poetry.masonry", &["poetry"]),
    ("maturin", &["maturin"]),
    ("uv_build", &["uv-build"]),
    ("scikit_build_core.", &["scikit-build-core"]),
    ("mesonpy", &["meson-python"]),
    ("sipbuild.", &["sip"]),
    ("pbr.", &["pbr"]),
    ("whey", &["whey"]),
];

/// Backends that were renamed or removed, and what to use instead.
const RENAMED: &[(&str, &str)] = &[("poetry.masonry.api", "poetry.core.masonry.api")];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(bs) = cx.manifest.get(&["build-system"]) else {
        missing_table(cx, out);
        return;
    };
    let Some(table) = bs.as_table_like() else {
        return;
    };
    let header = cx.manifest.table_span(&["build-system"]).unwrap_or(0..0);
    for (key, item) in table.iter() {
        if let Some(spec) = keys::key_spec(&["build-system", key]) {
            super::project::check_shape(cx, &["build-system", key], spec, item, out);
        }
    }
    let requires: Vec<(String, std::ops::Range<usize>)> = table
        .get("requires")
        .map(crate::manifest::string_items)
        .unwrap_or_default();
    if !table.contains_key("requires") {
        out.push(MISSING_BUILD_REQUIRES.diag(
            header.clone(),
            "`[build-system]` must list the packages the build needs in `requires`.",
        ));
    }
    let required: Vec<String> = requires
        .iter()
        .filter_map(|(s, _)| crate::manifest::requirement::parse(s).ok())
        .map(|r| normalize_name(r.name.as_ref()))
        .collect();
    let Some(backend_item) = table.get("build-backend") else {
        let guess = keys::BACKENDS.iter().find(|(_, req, _)| {
            let req_name = normalize_name(
                req.split(['>', '<', '=', '~', '!', ' ', '['])
                    .next()
                    .unwrap_or(""),
            );
            required.contains(&req_name)
        });
        let fixes = guess.map(|(backend, _, _)| {
            Fix::safe(
                format!("Add `build-backend = \"{backend}\"`"),
                vec![edit::add_key(
                    cx.manifest,
                    cx.text,
                    &["build-system"],
                    "build-backend",
                    &edit::quote(backend),
                )],
            )
        });
        if table.contains_key("requires") {
            out.push(
                MISSING_BUILD_BACKEND
                    .diag(header, "`[build-system]` has no `build-backend`: frontends will use the legacy setuptools backend.")
                    .with_fixes(fixes),
            );
        }
        return;
    };
    let Some(backend) = backend_item.as_str() else {
        return;
    };
    if table.contains_key("backend-path") {
        return; // An in-tree backend: it is provided by the project itself.
    }
    let span = backend_item.span().unwrap_or(0..0);
    if let Some((_, new)) = RENAMED.iter().find(|(old, _)| *old == backend) {
        let fix = Fix::safe(
            format!("Change to \"{new}\""),
            vec![Edit::replace(span.clone(), edit::quote(new))],
        );
        out.push(
            BACKEND_NOT_REQUIRED
                .diag(span, format!("`{backend}` was removed (it belonged to Poetry 1); use `{new}` from poetry-core."))
                .with_fix(fix),
        );
        return;
    }
    let module = backend.split(':').next().unwrap_or(backend);
    let Some((_, providers)) = PROVIDERS
        .iter()
        .find(|(prefix, _)| module.starts_with(prefix) || module == prefix.trim_end_matches('.'))
    else {
        return; // A backend we do not know: nothing to say.
    };
    if required.iter().any(|r| providers.contains(&r.as_str())) {
        return;
    }
    let provider = providers.first().copied().unwrap_or_default();
    let mut fixes = Vec::new();
    if let Some(req_item) = table.get("requires")
        && let (Some(arr_span), Some(array)) = (req_item.span(), req_item.as_array())
    {
        let items: Vec<std::ops::Range<usize>> = array.iter().filter_map(Value::span).collect();
        if let Some(e) = edit::append_array_item(cx.text, &arr_span, &items, &edit::quote(provider))
        {
            fixes.push(Fix::safe(
                format!("Add \"{provider}\" to `requires`"),
                vec![e],
            ));
        }
    }
    let listed = if requires.is_empty() {
        "nothing".to_string()
    } else {
        requires
            .iter()
            .map(|(s, _)| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(
        BACKEND_NOT_REQUIRED
            .diag(span, format!("The backend `{backend}` comes from `{provider}`, but `requires` lists {listed}: the build will fail to import it."))
            .with_fixes(fixes),
    );
}

fn missing_table(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(project) = cx.manifest.get(&["project"]) else {
        return;
    };
    if !matches!(project, Item::Table(_)) && project.as_table_like().is_none() {
        return;
    }
    let span = cx.manifest.table_span(&["project"]).unwrap_or(0..0);
    let (backend, requires) = if cx.manifest.get(&["tool", "uv", "build-backend"]).is_some() {
        ("uv_build", "uv_build>=0.9,<0.10")
    } else if cx.manifest.get(&["tool", "setuptools"]).is_some() {
        ("setuptools.build_meta", "setuptools>=77")
    } else if cx.manifest.get(&["tool", "flit"]).is_some() {
        ("flit_core.buildapi", "flit_core>=3.12,<4")
    } else if cx.manifest.get(&["tool", "pdm"]).is_some() {
        ("pdm.backend", "pdm-backend")
    } else if cx.manifest.get(&["tool", "maturin"]).is_some() {
        ("maturin", "maturin>=1.7,<2")
    } else {
        ("hatchling.build", "hatchling")
    };
    let table =
        format!("[build-system]\nrequires = [\"{requires}\"]\nbuild-backend = \"{backend}\"\n");
    let fix = Fix::safe(
        format!("Add a [build-system] table using {backend}"),
        vec![edit::insert_table_at_start(&table)],
    );
    let scripts = cx.manifest.get(&["project", "scripts"]).is_some();
    let why = if scripts {
        "Without `[build-system]`, pip builds with legacy setuptools and uv does not install the project, so its `[project.scripts]` commands never appear."
    } else {
        "Without `[build-system]`, pip builds with legacy setuptools and uv does not install the project as a package."
    };
    out.push(MISSING_BUILD_SYSTEM.diag(span, why).with_fix(fix));
}
