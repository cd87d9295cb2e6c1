//! PP4xx: entry points (`[project.scripts]`, `[project.gui-scripts]`, `[project.entry-points.*]`,
//! `[tool.poetry.scripts]`) checked against the project's Python sources.
//!
//! The syntax rules need only the document; everything else reads `Facts::entry_points`, the
//! slow analysis done by `crate::python::analyze` off the keystroke path. Without those facts
//! the source-dependent rules stay silent rather than guess.

use std::ops::Range;

use toml_edit::Item;

use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Location, Related, Severity};
use crate::python::entry_points::{EntryPoint, Group, read_entry_points};
use crate::python::reference::{RefError, Reference, parse_reference};
use crate::python::resolve::{Callability, DecoratorKind, Outcome, TargetKind};

pub const MISSING_CALLABLE: Rule = Rule {
    code: "PP401",
    name: "script-missing-callable",
    severity: Severity::Error,
    summary: "A console or GUI script names a module without `:callable`; pip and uv refuse to install it",
};
pub const INVALID_REFERENCE: Rule = Rule {
    code: "PP402",
    name: "entry-point-invalid-reference",
    severity: Severity::Error,
    summary: "An entry point is not `module.path:object.attr` made of Python identifiers",
};
pub const MODULE_NOT_FOUND: Rule = Rule {
    code: "PP403",
    name: "entry-point-module-not-found",
    severity: Severity::Error,
    summary: "The module of an entry point does not exist where the build backend looks",
};
pub const OBJECT_NOT_FOUND: Rule = Rule {
    code: "PP404",
    name: "entry-point-object-not-found",
    severity: Severity::Error,
    summary: "The object of an entry point is not defined (or re-exported) in its module",
};
pub const NEEDS_ARGUMENTS: Rule = Rule {
    code: "PP405",
    name: "script-needs-arguments",
    severity: Severity::Error,
    summary: "A script target needs arguments, but console scripts call it with none",
};
pub const ASYNC_TARGET: Rule = Rule {
    code: "PP406",
    name: "script-async-function",
    severity: Severity::Error,
    summary: "A script target is `async def`: calling it only creates a coroutine and the script exits 1",
};
pub const CLASS_TARGET: Rule = Rule {
    code: "PP407",
    name: "script-target-is-class",
    severity: Severity::Warning,
    summary: "A script target is a class: calling it builds an instance and `sys.exit(instance)` exits 1",
};
pub const NOT_CALLABLE: Rule = Rule {
    code: "PP408",
    name: "script-target-not-callable",
    severity: Severity::Error,
    summary: "A script target is not callable (a module, a string, a number...)",
};
pub const UNKNOWN_EXTRA: Rule = Rule {
    code: "PP409",
    name: "entry-point-unknown-extra",
    severity: Severity::Warning,
    summary: "An entry point's `[extras]` names no group of `[project.optional-dependencies]`",
};
pub const SCRIPTS_GROUP: Rule = Rule {
    code: "PP410",
    name: "scripts-in-entry-points",
    severity: Severity::Error,
    summary: "`[project.entry-points.console_scripts]` / `gui_scripts` are not allowed: use `[project.scripts]` / `[project.gui-scripts]`",
};

pub const UNVERIFIABLE: Rule = Rule {
    code: "PP411",
    name: "entry-point-unverifiable",
    severity: Severity::Hint,
    summary: "An entry point leads into a compiled extension or generated code that cannot be checked statically",
};

pub const RULES: &[&Rule] = &[
    &MISSING_CALLABLE,
    &INVALID_REFERENCE,
    &MODULE_NOT_FOUND,
    &OBJECT_NOT_FOUND,
    &NEEDS_ARGUMENTS,
    &ASYNC_TARGET,
    &CLASS_TARGET,
    &NOT_CALLABLE,
    &UNKNOWN_EXTRA,
    &SCRIPTS_GROUP,
    &UNVERIFIABLE,
];

/// Where an entry point's reference string is in the document.
pub struct Spot {
    pub group: Group,
    pub name: String,
    /// The whole string including quotes.
    pub string: Range<usize>,
    /// The content between the quotes.
    pub content: Range<usize>,
    /// Whether reference offsets map 1:1 onto the content (no escapes).
    pub exact: bool,
    pub value: String,
}

/// Every entry point string in the document with its spans.
pub fn spots(cx_text: &str, manifest: &crate::manifest::Manifest) -> Vec<Spot> {
    let Some(root) = manifest.root() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (group, name, value) in read_entry_points(root) {
        let path = group.table_path();
        let mut refs: Vec<&str> = path.iter().map(String::as_str).collect();
        refs.push(&name);
        let Some(item) = manifest.get(&refs) else {
            continue;
        };
        // Poetry's table form: `name = { reference = "...", type = "console" }`.
        let item: &Item = if item.as_str().is_some() {
            item
        } else {
            match item.get("reference").or_else(|| item.get("callable")) {
                Some(i) => i,
                None => continue,
            }
        };
        let Some(span) = item.span() else { continue };
        let content = crate::manifest::string_content_span(cx_text, &span);
        let exact = cx_text.get(content.clone()) == Some(value.as_str());
        out.push(Spot {
            group,
            name,
            string: span,
            content,
            exact,
            value,
        });
    }
    out
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    scripts_group(cx, out);
    let facts = cx.facts.entry_points.as_deref();
    let extras: Vec<String> = cx
        .manifest
        .get(&["project", "optional-dependencies"])
        .and_then(Item::as_table_like)
        .map(|t| t.iter().map(|(k, _)| normalize(k)).collect())
        .unwrap_or_default();
    for spot in spots(cx.text, cx.manifest) {
        let reference = parse_reference(&spot.value);
        let at = |r: &Range<usize>| {
            if spot.exact {
                spot.content.start + r.start..spot.content.start + r.end
            } else {
                spot.string.clone()
            }
        };
        let entry = facts
            .and_then(|f| f.get(&spot.group, &spot.name))
            .filter(|e| e.value == spot.value);
        if syntax(cx, &spot, &reference, entry, &at, out) {
            continue;
        }
        if let Some(range) = &reference.extras_range {
            let has_project_extras = cx.manifest.get(&["project"]).is_some();
            for extra in &reference.extras {
                if has_project_extras && !extras.contains(&normalize(&extra.name)) {
                    let mut d = UNKNOWN_EXTRA.diag(
                        at(&extra.range),
                        format!(
                            "extra `{}` is not a group of `[project.optional-dependencies]`",
                            extra.name
                        ),
                    );
                    if spot.exact {
                        d = d.with_fix(Fix::suggested(
                            "Remove the extras (they are deprecated in entry points)",
                            vec![Edit::delete(at(range))],
                        ));
                    }
                    out.push(d);
                }
            }
        }
        if let Some(entry) = entry {
            resolved(&spot, entry, &at, out);
        }
    }
}

/// Syntax problems; returns true when the reference is too broken to resolve.
fn syntax(
    _cx: &Context,
    spot: &Spot,
    reference: &Reference,
    entry: Option<&EntryPoint>,
    at: &dyn Fn(&Range<usize>) -> Range<usize>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let mut broken = false;
    for error in &reference.errors {
        broken = true;
        let (range, message) = match error {
            RefError::Empty => (
                spot.string.clone(),
                "the entry point is empty: write `module.path:function`".to_string(),
            ),
            RefError::NotIdentifier { range, text } if text.contains('-') => (
                at(range),
                format!("`{text}` is not a Python identifier: module names use `_`, not `-`"),
            ),
            RefError::NotIdentifier { range, text } => {
                (at(range), format!("`{text}` is not a Python identifier"))
            }
            RefError::EmptySegment { at: p } => (
                at(&(*p..*p)),
                "an empty name in the reference (`..`, or nothing around `:`)".to_string(),
            ),
            RefError::Trailing { range } => (
                at(range),
                "unexpected text after the reference; only `[extras]` may follow".to_string(),
            ),
            RefError::UnclosedExtras { range } => {
                (at(range), "`[` without a closing `]`".to_string())
            }
            RefError::ExtraColon { range } => {
                (at(range), "a reference has at most one `:`".to_string())
            }
        };
        let mut d = INVALID_REFERENCE.diag(range, message);
        if spot.exact
            && let Some(e) = entry
        {
            for c in e.candidates.iter().filter(|c| c.why == "underscore form") {
                d = d.with_fix(Fix::suggested(
                    format!("Use `{}`", c.reference),
                    vec![Edit::replace(spot.content.clone(), c.reference.clone())],
                ));
            }
        }
        out.push(d);
    }
    if !broken && spot.group.is_script() && !reference.has_colon {
        let mut d = MISSING_CALLABLE.diag(
            at(&(0..spot.value.len())),
            format!("`{}` names a module, but a script needs `module:function`; pip and uv refuse to install it", spot.value.trim()),
        );
        if let Some(e) = entry
            && spot.exact
        {
            d = d.with_fixes(e.candidates.iter().map(|c| {
                Fix::suggested(
                    format!("Use `{}`", c.reference),
                    vec![Edit::replace(spot.content.clone(), c.reference.clone())],
                )
            }));
        }
        out.push(d);
        broken = true;
    }
    broken
}

fn resolved(
    spot: &Spot,
    e: &EntryPoint,
    at: &dyn Fn(&Range<usize>) -> Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    let r = &e.reference;
    let replace = |c: &str| Edit::replace(spot.content.clone(), c.to_string());
    let candidate_fixes = || {
        e.candidates
            .iter()
            .map(|c| {
                Fix::suggested(
                    format!("Use `{}` ({})", c.reference, c.why),
                    vec![replace(&c.reference)],
                )
            })
            .collect::<Vec<_>>()
    };
    match &e.resolution.outcome {
        Outcome::ModuleNotFound { segment } => {
            let start = r.module.get(*segment).map(|s| s.range.start).unwrap_or(0);
            let end = r.module_range().map(|m| m.end).unwrap_or(start);
            let missing: Vec<&str> = r.module[..=(*segment).min(r.module.len().saturating_sub(1))]
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            let d = MODULE_NOT_FOUND
                .diag(
                    at(&(start..end)),
                    format!(
                        "module `{}` not found in this project (the {} layout)",
                        missing.join("."),
                        e.resolution
                            .module
                            .as_ref()
                            .map(|_| "")
                            .unwrap_or("build backend's")
                    ),
                )
                .with_fixes(candidate_fixes());
            out.push(d);
        }
        Outcome::ObjectNotFound { segment, container } => {
            let Some(seg) = r.attrs.get(*segment) else {
                return;
            };
            let mut d = OBJECT_NOT_FOUND
                .diag(
                    at(&seg.range),
                    format!("`{}` is not defined in {container}", seg.name),
                )
                .with_fixes(candidate_fixes());
            if let Some(m) = &e.resolution.module {
                d = d.with_related(Related {
                    location: Location {
                        path: m.path.clone(),
                        range: 0..0,
                    },
                    message: format!("module `{}`", m.name),
                });
            }
            out.push(d);
        }
        Outcome::Found(target) => {
            let Some(verdict) = &e.callability else {
                return;
            };
            let range = r
                .attr_range()
                .map(|a| at(&a))
                .unwrap_or_else(|| at(&(0..spot.value.len())));
            let related = target.location.clone().map(|l| Related {
                location: l,
                message: "defined here".into(),
            });
            let d = match verdict {
                Callability::NeedsArgs(params) => {
                    let typer = matches!(&target.kind, TargetKind::Function { decorators, .. } if decorators.iter().any(|d| matches!(d, DecoratorKind::Typer { .. })));
                    let list = params.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
                    let why = if typer { " (typer's `@app.command()` returns the plain function; point the script at the Typer app)" } else { "" };
                    let mut d = NEEDS_ARGUMENTS
                        .diag(range, format!("`{}` needs {list}, but a console script calls it with no arguments{why}", r.attr_path()))
                        .with_fixes(candidate_fixes());
                    if let Some(fix) = &e.python_fix {
                        d = d.with_fix(python_fix(fix, spot));
                    }
                    d
                }
                Callability::Async => {
                    let mut d = ASYNC_TARGET.diag(range, format!("`{}` is `async def`: the script would print a coroutine and exit 1; wrap it in `asyncio.run`", r.attr_path()));
                    if let Some(fix) = &e.python_fix {
                        d = d.with_fix(python_fix(fix, spot));
                    }
                    d.with_fixes(candidate_fixes())
                }
                Callability::Class => CLASS_TARGET
                    .diag(range, format!("`{}` is a class: the script would construct it and exit 1 with its repr", r.attr_path()))
                    .with_fixes(candidate_fixes()),
                Callability::NotCallable(what) => NOT_CALLABLE.diag(range, format!("`{}` is {what}, which a script cannot call", spot.value.trim())).with_fixes(candidate_fixes()),
                Callability::Ok(_) | Callability::Unverified(_) => return,
            };
            out.push(match related {
                Some(rel) => d.with_related(rel),
                None => d,
            });
        }
        // Say so rather than guess: a hint, never an error.
        Outcome::Opaque(why) => {
            let range = r
                .module_range()
                .map(|m| at(&m))
                .unwrap_or_else(|| spot.string.clone());
            out.push(UNVERIFIABLE.diag(range, format!("cannot be checked statically: {why}")));
        }
        Outcome::External(_) => {}
    }
}

fn python_fix(fix: &crate::python::entry_points::PythonFix, spot: &Spot) -> Fix {
    let mut edits: Vec<Edit> = fix
        .edits
        .iter()
        .map(|(range, text)| Edit {
            path: Some(fix.path.clone()),
            range: range.clone(),
            new_text: text.clone(),
        })
        .collect();
    if let Some(new) = &fix.new_reference {
        edits.push(Edit::replace(spot.content.clone(), new.clone()));
    }
    Fix::suggested(fix.title.clone(), edits)
}

/// `[project.entry-points.console_scripts]` and `gui_scripts` must be `[project.scripts]` and
/// `[project.gui-scripts]`. The fix renames the table header when the target table is absent.
fn scripts_group(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (group, proper) in [
        ("console_scripts", "scripts"),
        ("gui_scripts", "gui-scripts"),
    ] {
        let path = ["project", "entry-points", group];
        if cx.manifest.get(&path).is_none() {
            continue;
        }
        let Some(span) = cx
            .manifest
            .table_span(&path)
            .or_else(|| cx.manifest.key_span(&path))
        else {
            continue;
        };
        let mut d = SCRIPTS_GROUP.diag(span.clone(), format!("`[project.entry-points.{group}]` is not allowed (build tools must reject it): use `[project.{proper}]`"));
        let header = cx.slice(&span);
        if header.starts_with('[') && cx.manifest.get(&["project", proper]).is_none() {
            d = d.with_fix(Fix::safe(
                format!("Move to `[project.{proper}]`"),
                vec![Edit::replace(span, format!("[project.{proper}]"))],
            ));
        }
        out.push(d);
    }
}

fn normalize(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}
