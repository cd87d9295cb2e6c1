//! PP1xx, `[project]` metadata: value types, unknown keys, name, version, `dynamic`,
//! `requires-python`, description, urls and people.

use std::ops::Range;
use std::str::FromStr;

use toml_edit::{Item, Value};

use super::{Context, DiagnosticExt, Rule, closest};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::manifest::{edit, type_name};
use crate::spec::keys::{self, DYNAMIC_KEYS, EXTENSIBLE_KEYS, KeySpec, Shape};
use crate::spec::python;

pub const INVALID_TYPE: Rule = Rule {
    code: "PP101",
    name: "invalid-type",
    severity: Severity::Error,
    summary: "A key of `[project]` or `[build-system]` has a value of the wrong type (`version = 1.0`, `authors = \"me\"`).",
};
pub const UNKNOWN_PROJECT_KEY: Rule = Rule {
    code: "PP102",
    name: "unknown-project-key",
    severity: Severity::Error,
    summary: "`[project]` has a key the specification does not define (`requires_python`, `dependency`): an error with backends that validate `[project]` (setuptools, flit, pdm, uv_build), a warning with the others.",
};
pub const INVALID_NAME: Rule = Rule {
    code: "PP103",
    name: "invalid-project-name",
    severity: Severity::Error,
    summary: "`name` is not a valid project name (letters, digits, `.`, `_`, `-`; starting and ending with a letter or digit).",
};
pub const DYNAMIC_NAME: Rule = Rule {
    code: "PP104",
    name: "dynamic-name",
    severity: Severity::Error,
    summary: "`name` is listed in `dynamic`; it must always be static.",
};
pub const MISSING_NAME: Rule = Rule {
    code: "PP105",
    name: "missing-name",
    severity: Severity::Error,
    summary: "`[project]` has no `name`.",
};
pub const INVALID_VERSION: Rule = Rule {
    code: "PP106",
    name: "invalid-version",
    severity: Severity::Error,
    summary: "`version` is not a valid PEP 440 version (`1.0.0.x`).",
};
pub const MISSING_VERSION: Rule = Rule {
    code: "PP107",
    name: "missing-version",
    severity: Severity::Error,
    summary: "`version` is neither set nor listed in `dynamic`.",
};
pub const STATIC_AND_DYNAMIC: Rule = Rule {
    code: "PP108",
    name: "static-and-dynamic",
    severity: Severity::Error,
    summary: "A key is both set and listed in `dynamic` (PEP 808 allows it for list and table keys only where the backend supports it).",
};
pub const UNKNOWN_DYNAMIC: Rule = Rule {
    code: "PP109",
    name: "unknown-dynamic-key",
    severity: Severity::Error,
    summary: "`dynamic` lists something that is not a `[project]` key.",
};
pub const DYNAMIC_UNSUPPORTED: Rule = Rule {
    code: "PP110",
    name: "dynamic-unsupported",
    severity: Severity::Error,
    summary: "The build backend does not support `dynamic` metadata (uv_build).",
};
pub const INVALID_REQUIRES_PYTHON: Rule = Rule {
    code: "PP111",
    name: "invalid-requires-python",
    severity: Severity::Error,
    summary: "`requires-python` is not a valid version specifier (`>=3.11,,`).",
};
pub const MISSING_REQUIRES_PYTHON: Rule = Rule {
    code: "PP112",
    name: "missing-requires-python",
    severity: Severity::Warning,
    summary: "`requires-python` is missing or has no lower bound: installers cannot skip this release on Pythons it does not support.",
};
pub const REQUIRES_PYTHON_EXACT: Rule = Rule {
    code: "PP113",
    name: "requires-python-exact",
    severity: Severity::Warning,
    summary: "`requires-python = \"==3.11\"` means 3.11.0 only; you probably meant `>=3.11` or `==3.11.*`.",
};
pub const REQUIRES_PYTHON_EOL: Rule = Rule {
    code: "PP114",
    name: "requires-python-end-of-life",
    severity: Severity::Information,
    summary: "The lowest Python `requires-python` allows is past its end of life.",
};
pub const MULTILINE_DESCRIPTION: Rule = Rule {
    code: "PP115",
    name: "multiline-description",
    severity: Severity::Warning,
    summary: "`description` spans several lines; it is a one-line summary and some backends refuse it.",
};
pub const INVALID_URL: Rule = Rule {
    code: "PP116",
    name: "invalid-url",
    severity: Severity::Warning,
    summary: "A `[project.urls]` value is not an http(s) URL, or its label is longer than 32 characters.",
};
pub const PERSON_NAME_COMMA: Rule = Rule {
    code: "PP117",
    name: "person-name-comma",
    severity: Severity::Warning,
    summary: "A name in `authors`/`maintainers` contains a comma; the core metadata joins names with commas, so it reads as two people.",
};

pub static RULES: &[&Rule] = &[
    &INVALID_TYPE,
    &UNKNOWN_PROJECT_KEY,
    &INVALID_NAME,
    &DYNAMIC_NAME,
    &MISSING_NAME,
    &INVALID_VERSION,
    &MISSING_VERSION,
    &STATIC_AND_DYNAMIC,
    &UNKNOWN_DYNAMIC,
    &DYNAMIC_UNSUPPORTED,
    &INVALID_REQUIRES_PYTHON,
    &MISSING_REQUIRES_PYTHON,
    &REQUIRES_PYTHON_EXACT,
    &REQUIRES_PYTHON_EOL,
    &MULTILINE_DESCRIPTION,
    &INVALID_URL,
    &PERSON_NAME_COMMA,
];

/// Keys people write in `[project]` by mistake, and what they meant.
const ALIASES: &[(&str, &str)] = &[
    ("author", "authors"),
    ("maintainer", "maintainers"),
    ("python_requires", "requires-python"),
    ("python-requires", "requires-python"),
    ("requires", "dependencies"),
    ("install_requires", "dependencies"),
    ("install-requires", "dependencies"),
    ("extras_require", "optional-dependencies"),
    ("extras-require", "optional-dependencies"),
    ("homepage", "urls"),
    ("home-page", "urls"),
    ("url", "urls"),
    ("summary", "description"),
    ("long_description", "readme"),
    ("console_scripts", "scripts"),
    ("console-scripts", "scripts"),
    ("licence", "license"),
    ("license_files", "license-files"),
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(project_item) = cx.manifest.get(&["project"]) else {
        return;
    };
    let Some(project) = project_item.as_table_like() else {
        let span = cx.manifest.key_span(&["project"]).unwrap_or(0..0);
        out.push(INVALID_TYPE.diag(
            span,
            format!(
                "`project` must be a table, not {}.",
                type_name(project_item)
            ),
        ));
        return;
    };
    let header = cx.manifest.table_span(&["project"]).unwrap_or(0..0);
    let dynamic = dynamic_entries(cx);
    let backend = build_backend(cx);

    for (key, item) in project.iter() {
        match keys::key_spec(&["project", key]) {
            Some(spec) => check_shape(cx, &["project", key], spec, item, out),
            None => unknown_key(cx, key, out),
        }
    }

    check_name(cx, &header, &dynamic, out);
    check_version(cx, &header, &dynamic, out);
    check_dynamic(cx, project, &dynamic, backend.as_deref(), out);
    check_requires_python(cx, &header, &dynamic, out);
    check_description(cx, out);
    check_urls(cx, out);
}

/// The build backend named in `[build-system]`, if any.
pub fn build_backend(cx: &Context) -> Option<String> {
    cx.manifest
        .get(&["build-system", "build-backend"])
        .and_then(Item::as_str)
        .map(str::to_string)
}

/// The entries of `project.dynamic` with their spans.
fn dynamic_entries(cx: &Context) -> Vec<(String, Range<usize>)> {
    cx.manifest
        .get(&["project", "dynamic"])
        .map(crate::manifest::string_items)
        .unwrap_or_default()
}

fn span_of(cx: &Context, path: &[&str]) -> Range<usize> {
    cx.manifest
        .get(path)
        .and_then(Item::span)
        .or_else(|| cx.manifest.key_span(path))
        .unwrap_or(0..0)
}

fn unknown_key(cx: &Context, key: &str, out: &mut Vec<Diagnostic>) {
    let Some(span) = cx.manifest.key_span(&["project", key]) else {
        return;
    };
    let present = cx.manifest.get(&["project"]).and_then(Item::as_table_like);
    let alias = ALIASES
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(key))
        .map(|(_, to)| *to);
    let names = keys::PROJECT.iter().map(|k| k.name);
    let suggestion = alias.or_else(|| closest(key, names, 1).first().copied());
    let mut message = format!("`{key}` is not a key of `[project]`.");
    let mut fixes = Vec::new();
    if let Some(to) = suggestion {
        message.push_str(&format!(" Did you mean `{to}`?"));
        let taken = present.is_some_and(|t| t.contains_key(to));
        let same_shape = keys::key_spec(&["project", to])
            .is_some_and(|s| !matches!(s.shape, Shape::StringTable) || to != "urls");
        if !taken && same_shape {
            fixes.push(Fix::safe(
                format!("Rename to `{to}`"),
                vec![Edit::replace(span.clone(), to)],
            ));
        }
    }
    let mut d = UNKNOWN_PROJECT_KEY.diag(span, message).with_fixes(fixes);
    // Backends that validate `[project]` refuse unknown keys; others (maturin, hatchling) ignore them.
    let strict = build_backend(cx).is_some_and(|b| {
        ["setuptools", "flit_core", "uv_build", "pdm"]
            .iter()
            .any(|p| b.starts_with(p))
    });
    if !strict {
        d = d.with_severity(Severity::Warning);
        d.message
            .push_str(" (This backend ignores it; others refuse it.)");
    }
    out.push(d);
}

/// Checks a value against the shape its key requires.
pub fn check_shape(
    cx: &Context,
    path: &[&str],
    spec: &KeySpec,
    item: &Item,
    out: &mut Vec<Diagnostic>,
) {
    let span = span_of(cx, path);
    let dotted = path.join(".");
    let wrong = |what: &str| format!("`{dotted}` must be {}, not {what}.", spec.shape.describe());
    match spec.shape {
        Shape::String => {
            if item.as_str().is_none() {
                let mut d = INVALID_TYPE.diag(span.clone(), wrong(type_name(item)));
                // `version = 1.0`: quoting the written value is the obvious fix.
                if matches!(item, Item::Value(Value::Float(_) | Value::Integer(_))) {
                    let raw = cx.slice(&span).trim().to_string();
                    d = d.with_fix(Fix::safe(
                        format!("Quote it: \"{raw}\""),
                        vec![Edit::replace(span, edit::quote(&raw))],
                    ));
                }
                out.push(d);
            }
        }
        Shape::StringArray => string_array(cx, &dotted, item, span, out),
        Shape::StringOrTable => {
            if item.as_str().is_none() && item.as_table_like().is_none() {
                out.push(INVALID_TYPE.diag(span, wrong(type_name(item))));
            } else if let Some(table) = item.as_table_like() {
                let sub = keys::keys_of(path).unwrap_or(&[]);
                for (k, v) in table.iter() {
                    let mut p: Vec<&str> = path.to_vec();
                    p.push(k);
                    match sub.iter().find(|s| s.name == k) {
                        Some(s) => check_shape(cx, &p, s, v, out),
                        None => {
                            let kspan = cx.manifest.key_span(&p).unwrap_or(span.clone());
                            let allowed: Vec<String> =
                                sub.iter().map(|s| format!("`{}`", s.name)).collect();
                            out.push(INVALID_TYPE.diag(
                                kspan,
                                format!(
                                    "`{dotted}` has no key `{k}`; allowed: {}.",
                                    allowed.join(", ")
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Shape::People => people(cx, &dotted, item, span, out),
        Shape::StringTable => {
            let Some(table) = item.as_table_like() else {
                out.push(INVALID_TYPE.diag(span, wrong(type_name(item))));
                return;
            };
            for (k, v) in table.iter() {
                if v.as_str().is_none() {
                    let vspan = v.span().unwrap_or(span.clone());
                    out.push(INVALID_TYPE.diag(
                        vspan,
                        format!("`{dotted}.{k}` must be a string, not {}.", type_name(v)),
                    ));
                }
            }
        }
        Shape::TableOfStringTables => {
            let Some(table) = item.as_table_like() else {
                out.push(INVALID_TYPE.diag(span, wrong(type_name(item))));
                return;
            };
            for (group, entries) in table.iter() {
                let Some(entries) = entries.as_table_like() else {
                    let gspan = entries.span().unwrap_or(span.clone());
                    out.push(INVALID_TYPE.diag(
                        gspan,
                        format!(
                            "`{dotted}.{group}` must be a table of strings, not {}.",
                            type_name(entries)
                        ),
                    ));
                    continue;
                };
                for (k, v) in entries.iter() {
                    if v.as_str().is_none() {
                        let vspan = v.span().unwrap_or(span.clone());
                        out.push(INVALID_TYPE.diag(
                            vspan,
                            format!(
                                "`{dotted}.{group}.{k}` must be a string, not {}.",
                                type_name(v)
                            ),
                        ));
                    }
                }
            }
        }
        Shape::TableOfStringArrays => {
            let Some(table) = item.as_table_like() else {
                out.push(INVALID_TYPE.diag(span, wrong(type_name(item))));
                return;
            };
            for (k, v) in table.iter() {
                let vspan = v.span().unwrap_or(span.clone());
                string_array(cx, &format!("{dotted}.{k}"), v, vspan, out);
            }
        }
    }
}

fn string_array(
    _cx: &Context,
    dotted: &str,
    item: &Item,
    span: Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(array) = item.as_array() else {
        let mut d = INVALID_TYPE.diag(
            span.clone(),
            format!(
                "`{dotted}` must be an array of strings, not {}.",
                type_name(item)
            ),
        );
        if let Some(s) = item.as_str() {
            d = d.with_fix(Fix::safe(
                "Wrap it in an array",
                vec![Edit::replace(span, format!("[{}]", edit::quote(s)))],
            ));
        }
        out.push(d);
        return;
    };
    for value in array.iter() {
        if !value.is_str() {
            let vspan = value.span().unwrap_or(span.clone());
            let what = type_name(&Item::Value(value.clone()));
            out.push(INVALID_TYPE.diag(
                vspan,
                format!("Each item of `{dotted}` must be a string, not {what}."),
            ));
        }
    }
}

/// `authors`/`maintainers`: an array of tables with `name` and/or `email`.
fn people(cx: &Context, dotted: &str, item: &Item, span: Range<usize>, out: &mut Vec<Diagnostic>) {
    let tables: Vec<(Option<Range<usize>>, &dyn toml_edit::TableLike)> = match item {
        Item::ArrayOfTables(a) => a
            .iter()
            .map(|t| (t.span(), t as &dyn toml_edit::TableLike))
            .collect(),
        Item::Value(Value::Array(a)) => {
            let mut tables = Vec::new();
            for v in a.iter() {
                let vspan = v.span().unwrap_or(span.clone());
                match v {
                    Value::InlineTable(t) => {
                        tables.push((Some(vspan), t as &dyn toml_edit::TableLike))
                    }
                    Value::String(s) => {
                        let fix = Fix::safe(
                            "Convert to a { name, email } table",
                            vec![Edit::replace(vspan.clone(), person_table(s.value()))],
                        );
                        out.push(
                            INVALID_TYPE
                                .diag(vspan, format!("Each item of `{dotted}` must be a table like `{{ name = \"...\", email = \"...\" }}`, not a string (that is Poetry's format)."))
                                .with_fix(fix),
                        );
                    }
                    other => {
                        let what = type_name(&Item::Value(other.clone()));
                        out.push(INVALID_TYPE.diag(vspan, format!("Each item of `{dotted}` must be a table with `name` and/or `email`, not {what}.")));
                    }
                }
            }
            tables
        }
        Item::Value(Value::String(s)) => {
            let fix = Fix::safe(
                "Convert to an array of { name, email } tables",
                vec![Edit::replace(
                    span.clone(),
                    format!("[{}]", person_table(s.value())),
                )],
            );
            out.push(INVALID_TYPE.diag(span, format!("`{dotted}` must be an array of tables with `name` and/or `email`, not a string.")).with_fix(fix));
            return;
        }
        other => {
            out.push(INVALID_TYPE.diag(
                span,
                format!(
                    "`{dotted}` must be an array of tables with `name` and/or `email`, not {}.",
                    type_name(other)
                ),
            ));
            return;
        }
    };
    for (tspan, table) in tables {
        let tspan = tspan.unwrap_or(span.clone());
        if table.is_empty() {
            out.push(INVALID_TYPE.diag(
                tspan.clone(),
                format!("Each item of `{dotted}` needs `name` or `email`."),
            ));
        }
        for (k, v) in table.iter() {
            let vspan = v.span().unwrap_or(tspan.clone());
            if k != "name" && k != "email" {
                out.push(INVALID_TYPE.diag(
                    vspan,
                    format!("Items of `{dotted}` may only have `name` and `email`, not `{k}`."),
                ));
            } else if v.as_str().is_none() {
                out.push(INVALID_TYPE.diag(
                    vspan,
                    format!(
                        "`{k}` in `{dotted}` must be a string, not {}.",
                        type_name(v)
                    ),
                ));
            } else if k == "name" && v.as_str().is_some_and(|n| n.contains(',')) {
                out.push(PERSON_NAME_COMMA.diag(vspan, format!("A name in `{dotted}` contains a comma: the core metadata joins several names with commas, so it will read as two people.")));
            }
        }
    }
    let _ = cx;
}

/// `"Jane Doe <jane@example.org>"` as an inline table `{ name = "Jane Doe", email = "..." }`.
fn person_table(s: &str) -> String {
    let (name, email) = split_person(s);
    let mut fields = Vec::new();
    if let Some(n) = &name {
        fields.push(format!("name = {}", edit::quote(n)));
    }
    if let Some(e) = &email {
        fields.push(format!("email = {}", edit::quote(e)));
    }
    format!("{{ {} }}", fields.join(", "))
}

/// `"Jane Doe <jane@example.org>"` → (Some("Jane Doe"), Some("jane@example.org")).
fn split_person(s: &str) -> (Option<String>, Option<String>) {
    if let Some((name, rest)) = s.split_once('<')
        && let Some((email, _)) = rest.split_once('>')
    {
        let name = name.trim();
        return (
            (!name.is_empty()).then(|| name.to_string()),
            Some(email.trim().to_string()),
        );
    }
    if s.contains('@') && !s.contains(' ') {
        return (None, Some(s.trim().to_string()));
    }
    (Some(s.trim().to_string()), None)
}

/// PEP 508 / core metadata name rule.
pub fn is_valid_project_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let ok = |b: &u8| b.is_ascii_alphanumeric();
    !bytes.is_empty()
        && bytes.first().is_some_and(ok)
        && bytes.last().is_some_and(ok)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// PEP 503 normalization: lowercase, runs of `-_.` become `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

fn check_name(
    cx: &Context,
    header: &Range<usize>,
    dynamic: &[(String, Range<usize>)],
    out: &mut Vec<Diagnostic>,
) {
    if let Some((_, span)) = dynamic.iter().find(|(k, _)| k == "name") {
        let items: Vec<Range<usize>> = dynamic.iter().map(|(_, s)| s.clone()).collect();
        let index = dynamic.iter().position(|(k, _)| k == "name").unwrap_or(0);
        let fix = edit::remove_array_item(cx.text, &items, index)
            .map(|e| Fix::safe("Remove `name` from `dynamic`", vec![e]));
        out.push(
            DYNAMIC_NAME
                .diag(
                    span.clone(),
                    "`name` cannot be dynamic: it must be set in `[project]`.",
                )
                .with_fixes(fix),
        );
    }
    match cx.manifest.get(&["project", "name"]) {
        None => out.push(MISSING_NAME.diag(
            header.clone(),
            "`[project]` has no `name`: every project needs a static name.",
        )),
        Some(item) => {
            let Some(name) = item.as_str() else { return };
            if !is_valid_project_name(name) {
                let span = span_of(cx, &["project", "name"]);
                let cleaned: String = name
                    .trim()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect::<String>()
                    .trim_matches(|c: char| !c.is_ascii_alphanumeric())
                    .to_string();
                let fix = (!cleaned.is_empty() && is_valid_project_name(&cleaned)).then(|| {
                    Fix::suggested(
                        format!("Change to \"{cleaned}\""),
                        vec![Edit::replace(span.clone(), edit::quote(&cleaned))],
                    )
                });
                out.push(
                    INVALID_NAME
                        .diag(span, format!("`{name}` is not a valid project name: use ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit."))
                        .with_fixes(fix),
                );
            }
        }
    }
}

fn check_version(
    cx: &Context,
    header: &Range<usize>,
    dynamic: &[(String, Range<usize>)],
    out: &mut Vec<Diagnostic>,
) {
    let in_dynamic = dynamic.iter().any(|(k, _)| k == "version");
    match cx.manifest.get(&["project", "version"]) {
        None if !in_dynamic => {
            let mut fixes = vec![Fix::safe(
                "Add `version = \"0.1.0\"`",
                vec![edit::add_key(
                    cx.manifest,
                    cx.text,
                    &["project"],
                    "version",
                    "\"0.1.0\"",
                )],
            )];
            if let Some(item) = cx.manifest.get(&["project", "dynamic"])
                && let (Some(span), Some(array)) = (item.span(), item.as_array())
            {
                let items: Vec<Range<usize>> = array.iter().filter_map(Value::span).collect();
                if let Some(e) = edit::append_array_item(cx.text, &span, &items, "\"version\"") {
                    fixes.push(Fix::suggested("Add \"version\" to `dynamic`", vec![e]));
                }
            }
            out.push(
                MISSING_VERSION
                    .diag(
                        header.clone(),
                        "`version` is neither set nor listed in `dynamic`.",
                    )
                    .with_fixes(fixes),
            );
        }
        None => {}
        Some(item) => {
            let Some(version) = item.as_str() else { return };
            if let Err(err) = pep440_rs::Version::from_str(version) {
                let span = span_of(cx, &["project", "version"]);
                out.push(INVALID_VERSION.diag(
                    span,
                    format!("`{version}` is not a valid PEP 440 version: {err}."),
                ));
            }
        }
    }
}

fn check_dynamic(
    cx: &Context,
    project: &dyn toml_edit::TableLike,
    dynamic: &[(String, Range<usize>)],
    backend: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let items: Vec<Range<usize>> = dynamic.iter().map(|(_, s)| s.clone()).collect();
    if backend == Some("uv_build") && !dynamic.is_empty() {
        let span = cx
            .manifest
            .key_span(&["project", "dynamic"])
            .unwrap_or(0..0);
        out.push(DYNAMIC_UNSUPPORTED.diag(
            span,
            "uv_build does not support dynamic metadata: set these keys in `[project]`.",
        ));
    }
    for (index, (key, span)) in dynamic.iter().enumerate() {
        if key == "name" {
            continue;
        }
        let remove = || edit::remove_array_item(cx.text, &items, index);
        if !DYNAMIC_KEYS.contains(&key.as_str()) {
            let suggestion = closest(key, DYNAMIC_KEYS.iter().copied(), 1);
            let mut fixes = Vec::new();
            let message = match suggestion.first() {
                Some(s) => {
                    fixes.push(Fix::safe(
                        format!("Change to \"{s}\""),
                        vec![Edit::replace(span.clone(), edit::quote(s))],
                    ));
                    format!(
                        "`{key}` is not a `[project]` key that can be dynamic. Did you mean `{s}`?"
                    )
                }
                None => format!("`{key}` is not a `[project]` key that can be dynamic."),
            };
            out.push(
                UNKNOWN_DYNAMIC
                    .diag(span.clone(), message)
                    .with_fixes(fixes),
            );
            continue;
        }
        if !project.contains_key(key) {
            continue;
        }
        let extensible = EXTENSIBLE_KEYS.contains(&key.as_str());
        let known_backend = backend.is_some_and(|b| {
            [
                "hatchling",
                "setuptools",
                "flit_core",
                "pdm",
                "poetry",
                "maturin",
                "uv_build",
                "scikit_build_core",
                "mesonpy",
            ]
            .iter()
            .any(|p| b.starts_with(p))
        });
        let fix = remove().map(|e| Fix::safe(format!("Remove \"{key}\" from `dynamic`"), vec![e]));
        let mut d = if extensible {
            STATIC_AND_DYNAMIC.diag(
                span.clone(),
                format!("`{key}` is set in `[project]` and also listed in `dynamic`. PEP 808 allows a backend to extend list and table keys, but {} does not support it yet.", backend.unwrap_or("the build backend")),
            )
        } else {
            STATIC_AND_DYNAMIC.diag(span.clone(), format!("`{key}` is set in `[project]` and also listed in `dynamic`: a key is either static or dynamic."))
        };
        if extensible && !known_backend {
            d = d.with_severity(Severity::Warning);
        }
        out.push(d.with_fixes(fix));
    }
}

fn check_requires_python(
    cx: &Context,
    header: &Range<usize>,
    dynamic: &[(String, Range<usize>)],
    out: &mut Vec<Diagnostic>,
) {
    let oldest = python::oldest_supported_minor(cx.today);
    let Some(item) = cx.manifest.get(&["project", "requires-python"]) else {
        if dynamic.iter().any(|(k, _)| k == "requires-python") {
            return;
        }
        let fix = Fix::suggested(
            format!("Add `requires-python = \">=3.{oldest}\"`"),
            vec![edit::add_key(
                cx.manifest,
                cx.text,
                &["project"],
                "requires-python",
                &format!("\">=3.{oldest}\""),
            )],
        );
        out.push(
            MISSING_REQUIRES_PYTHON
                .diag(header.clone(), "`requires-python` is missing: installers cannot tell which Pythons this release supports.")
                .with_fix(fix),
        );
        return;
    };
    let Some(raw) = item.as_str() else { return };
    let span = span_of(cx, &["project", "requires-python"]);
    let specs = match pep440_rs::VersionSpecifiers::from_str(raw) {
        Ok(specs) => specs,
        Err(err) => {
            out.push(INVALID_REQUIRES_PYTHON.diag(
                span,
                format!("`{raw}` is not a valid version specifier: {err}"),
            ));
            return;
        }
    };
    for spec in specs.iter() {
        let release = spec.version().release();
        if *spec.operator() == pep440_rs::Operator::Equal && release.len() == 2 {
            let v = format!("{}.{}", release[0], release[1]);
            let fixes = vec![
                Fix::safe(
                    format!("Change to \">={v}\""),
                    vec![Edit::replace(
                        span.clone(),
                        edit::quote(&raw.replace(&format!("=={v}"), &format!(">={v}"))),
                    )],
                ),
                Fix::suggested(
                    format!("Change to \"=={v}.*\""),
                    vec![Edit::replace(
                        span.clone(),
                        edit::quote(&raw.replace(&format!("=={v}"), &format!("=={v}.*"))),
                    )],
                ),
            ];
            out.push(
                REQUIRES_PYTHON_EXACT
                    .diag(span.clone(), format!("`=={v}` means Python {v}.0 only, no later patch release. Use `>={v}` (or `=={v}.*` for the whole {v} series)."))
                    .with_fixes(fixes),
            );
            return;
        }
    }
    if !python::has_lower_bound(&specs) {
        let fix = Fix::suggested(
            format!(
                "Add a lower bound: \">=3.{oldest}{}\"",
                if raw.trim().is_empty() {
                    String::new()
                } else {
                    format!(", {raw}")
                }
            ),
            vec![Edit::replace(
                span.clone(),
                edit::quote(&if raw.trim().is_empty() {
                    format!(">=3.{oldest}")
                } else {
                    format!(">=3.{oldest}, {raw}")
                }),
            )],
        );
        out.push(
            MISSING_REQUIRES_PYTHON
                .diag(
                    span.clone(),
                    format!("`{raw}` has no lower bound: it claims support for every old Python."),
                )
                .with_fix(fix),
        );
        return;
    }
    if let Some(lowest) = python::lowest_minor(&specs)
        && python::is_end_of_life(lowest, cx.today)
    {
        out.push(REQUIRES_PYTHON_EOL.diag(
            span,
            format!("Python 3.{lowest}, the lowest version `requires-python` allows, is past its end of life; the oldest supported Python is 3.{oldest}."),
        ));
    }
}

fn check_description(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(desc) = cx
        .manifest
        .get(&["project", "description"])
        .and_then(Item::as_str)
    else {
        return;
    };
    if desc.trim().contains('\n') {
        let span = span_of(cx, &["project", "description"]);
        out.push(MULTILINE_DESCRIPTION.diag(span, "`description` spans several lines: it is a one-line summary (uv_build refuses more). Put the long text in `readme`."));
    }
}

fn check_urls(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(urls) = cx
        .manifest
        .get(&["project", "urls"])
        .and_then(Item::as_table_like)
    else {
        return;
    };
    for (label, value) in urls.iter() {
        if label.chars().count() > 32 {
            let span = cx
                .manifest
                .key_span(&["project", "urls", label])
                .unwrap_or(0..0);
            out.push(INVALID_URL.diag(span, format!("The label `{label}` is longer than 32 characters; the package index rejects it.")));
        }
        let Some(url) = value.as_str() else { continue };
        if !looks_like_url(url) {
            let span = value.span().unwrap_or(0..0);
            out.push(INVALID_URL.diag(span, format!("`{url}` is not an http(s) URL.")));
        }
    }
}

fn looks_like_url(url: &str) -> bool {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !url.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_valid_project_name("my-mcp_server.x2"));
        assert!(!is_valid_project_name("-x"));
        assert!(!is_valid_project_name("my project"));
        assert_eq!(normalize_name("Foo__Bar.baz"), "foo-bar-baz");
    }

    #[test]
    fn people() {
        assert_eq!(
            split_person("Jane Doe <j@x.org>"),
            (Some("Jane Doe".into()), Some("j@x.org".into()))
        );
        assert_eq!(split_person("j@x.org"), (None, Some("j@x.org".into())));
    }

    #[test]
    fn urls() {
        assert!(looks_like_url("https://example.org/x"));
        assert!(!looks_like_url("example.org"));
        assert!(!looks_like_url("https://"));
    }
}
