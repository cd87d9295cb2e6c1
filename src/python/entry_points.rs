//! The slow half of entry point checking: reads every entry point from the pyproject root table,
//! resolves it in the project's sources, and gathers what the rules and features need (fix
//! candidates, zero-argument callables, the module list) into [`EntryPointFacts`].
//!
//! The server runs [`analyze`] off the keystroke path and hands the facts to the pure rules.
//! After a `.py` change, [`refresh`] re-resolves only the entry points whose files changed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml_edit::{Item, Table};

use crate::diagnostic::Location;
use crate::python::cache::ModuleCache;
use crate::python::layout::{self, Layout, find_module, list_modules};
use crate::python::reference::{Reference, parse_reference};
use crate::python::resolve::{
    Callability, DecoratorKind, Outcome, Resolution, Target, TargetKind, callability, resolve,
};
use crate::python::summary::BindingKind;

/// Which table an entry point comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// `[project.scripts]`
    Scripts,
    /// `[project.gui-scripts]`
    GuiScripts,
    /// `[project.entry-points.<group>]`
    Plugin(String),
    /// `[tool.poetry.scripts]`
    PoetryScripts,
}

impl Group {
    /// Whether the target is called with no arguments (console and GUI scripts).
    pub fn is_script(&self) -> bool {
        match self {
            Group::Scripts | Group::GuiScripts | Group::PoetryScripts => true,
            Group::Plugin(name) => name == "console_scripts" || name == "gui_scripts",
        }
    }

    /// Key path of the table in the document.
    pub fn table_path(&self) -> Vec<String> {
        match self {
            Group::Scripts => vec!["project".into(), "scripts".into()],
            Group::GuiScripts => vec!["project".into(), "gui-scripts".into()],
            Group::Plugin(g) => vec!["project".into(), "entry-points".into(), g.clone()],
            Group::PoetryScripts => vec!["tool".into(), "poetry".into(), "scripts".into()],
        }
    }
}

/// One entry point and what it resolved to.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryPoint {
    pub group: Group,
    /// The key (script name).
    pub name: String,
    /// The reference text as written (for poetry's table form, the `reference`/`callable` value).
    pub value: String,
    pub reference: Reference,
    pub resolution: Resolution,
    /// For scripts: whether a no-argument call works.
    pub callability: Option<Callability>,
    /// Replacement references that would resolve (and, for scripts, be callable), best first.
    pub candidates: Vec<Candidate>,
    /// A Python-side fix (default of `None`, or an async wrapper), when one applies.
    pub python_fix: Option<PythonFix>,
    /// For each module segment, the file of the module named by the path up to it (goto, links).
    pub module_paths: Vec<Option<PathBuf>>,
    /// Top-level callables of the referenced module for completion after `:`: (name, works with
    /// no arguments), zero-argument ones first.
    pub callables: Vec<(String, bool)>,
}

/// A reference that would work instead, and why it is offered.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub reference: String,
    pub why: String,
    pub location: Option<Location>,
}

/// Edits in a Python file that make the entry point work, plus the reference to use afterwards.
#[derive(Clone, Debug, PartialEq)]
pub struct PythonFix {
    pub title: String,
    pub path: PathBuf,
    /// (byte range in that file, replacement)
    pub edits: Vec<(std::ops::Range<usize>, String)>,
    /// The reference to write in pyproject.toml after the edit (unchanged when `None`).
    pub new_reference: Option<String>,
}

/// Everything the rules and features need from the Python side.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryPointFacts {
    pub layout: Layout,
    pub entries: Vec<EntryPoint>,
    /// Every module of the project (dotted), for completion and did-you-mean.
    pub modules: Vec<String>,
}

impl EntryPointFacts {
    /// The entry point for `group` and `name`, if analysed.
    pub fn get(&self, group: &Group, name: &str) -> Option<&EntryPoint> {
        self.entries
            .iter()
            .find(|e| &e.group == group && e.name == name)
    }

    /// All files the analysis read: watch these.
    pub fn deps(&self) -> BTreeSet<PathBuf> {
        self.entries
            .iter()
            .flat_map(|e| e.resolution.deps.iter().cloned())
            .collect()
    }
}

/// Reads all entry points from the document root and resolves them in `project_dir`.
pub fn analyze(project_dir: &Path, root: &Table, cache: &mut ModuleCache) -> EntryPointFacts {
    let layout = layout::discover(project_dir, root);
    let modules = list_modules(&layout);
    let mut entries = Vec::new();
    for (group, name, value) in read_entry_points(root) {
        entries.push(analyze_one(&layout, &modules, cache, group, name, value));
    }
    EntryPointFacts {
        layout,
        entries,
        modules,
    }
}

/// Re-resolves the entry points that read one of `changed` (a `.py` file saved, created or
/// deleted). Returns how many were re-resolved. Creation or deletion of files can change module
/// discovery itself; call [`analyze`] again for those (cheap with a warm cache).
pub fn refresh(facts: &mut EntryPointFacts, changed: &[PathBuf], cache: &mut ModuleCache) -> usize {
    for path in changed {
        cache.forget(path);
    }
    let mut count = 0;
    for i in 0..facts.entries.len() {
        if !changed
            .iter()
            .any(|p| facts.entries[i].resolution.deps.contains(p))
        {
            continue;
        }
        let e = &facts.entries[i];
        let fresh = analyze_one(
            &facts.layout,
            &facts.modules,
            cache,
            e.group.clone(),
            e.name.clone(),
            e.value.clone(),
        );
        facts.entries[i] = fresh;
        count += 1;
    }
    count
}

/// `(group, name, reference text)` for every entry point in the document.
pub fn read_entry_points(root: &Table) -> Vec<(Group, String, String)> {
    let mut out = Vec::new();
    let mut table = |group: Group, item: Option<&Item>| {
        let Some(t) = item.and_then(Item::as_table_like) else {
            return;
        };
        for (k, v) in t.iter() {
            let text = v
                .as_str()
                .or_else(|| v.get("reference").and_then(Item::as_str))
                .or_else(|| v.get("callable").and_then(Item::as_str));
            if let Some(text) = text {
                out.push((group.clone(), k.to_string(), text.to_string()));
            }
        }
    };
    table(Group::Scripts, layout::get(root, &["project", "scripts"]));
    table(
        Group::GuiScripts,
        layout::get(root, &["project", "gui-scripts"]),
    );
    table(
        Group::PoetryScripts,
        layout::get(root, &["tool", "poetry", "scripts"]),
    );
    if let Some(groups) =
        layout::get(root, &["project", "entry-points"]).and_then(Item::as_table_like)
    {
        let names: Vec<String> = groups.iter().map(|(k, _)| k.to_string()).collect();
        for g in names {
            table(Group::Plugin(g.clone()), groups.get(&g));
        }
    }
    out
}

fn analyze_one(
    layout: &Layout,
    modules: &[String],
    cache: &mut ModuleCache,
    group: Group,
    name: String,
    value: String,
) -> EntryPoint {
    let reference = parse_reference(&value);
    let resolution = resolve(layout, cache, &reference);
    let script = group.is_script();
    let callability = match (&resolution.outcome, script) {
        (Outcome::Found(t), true) if !reference.attrs.is_empty() => Some(callability(t)),
        (Outcome::Found(_), true) => Some(Callability::NotCallable(
            "a module (the reference has no `:callable`)".into(),
        )),
        _ => None,
    };
    let module_paths = (0..reference.module.len())
        .map(|i| {
            let prefix: Vec<&str> = reference.module[..=i]
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            find_module(layout, &prefix.join(".")).map(|m| m.path)
        })
        .collect();
    let callables = if resolution.module.is_some() {
        callables_of(layout, cache, &reference.module_path())
    } else {
        Vec::new()
    };
    let mut entry = EntryPoint {
        group,
        name,
        value,
        reference,
        resolution,
        callability,
        candidates: Vec::new(),
        python_fix: None,
        module_paths,
        callables,
    };
    candidates_for(layout, modules, cache, &mut entry);
    entry
}

/// Fills `candidates` and `python_fix` for an entry point that does not work.
fn candidates_for(
    layout: &Layout,
    modules: &[String],
    cache: &mut ModuleCache,
    e: &mut EntryPoint,
) {
    let script = e.group.is_script();
    let module_path = e.reference.module_path();
    // No colon: each `module:attr` split that resolves (and is callable, for scripts).
    if !e.reference.has_colon && !e.reference.module.is_empty() {
        let names: Vec<&str> = e.reference.module.iter().map(|s| s.name.as_str()).collect();
        for cut in (1..names.len()).rev() {
            let text = format!("{}:{}", names[..cut].join("."), names[cut..].join("."));
            if works(layout, cache, &text, script) {
                e.candidates.push(Candidate {
                    reference: text,
                    why: "resolves".into(),
                    location: None,
                });
            }
        }
        if let Outcome::Found(Target {
            kind: TargetKind::Module(_),
            ..
        }) = &e.resolution.outcome
        {
            for attr in ["main", "cli", "run", "app"] {
                let text = format!("{module_path}:{attr}");
                if works(layout, cache, &text, script) {
                    e.candidates.push(Candidate {
                        reference: text,
                        why: format!("`{attr}` in `{module_path}`"),
                        location: None,
                    });
                }
            }
        }
        return;
    }
    match &e.resolution.outcome {
        Outcome::ModuleNotFound { .. } => {
            // Hyphens: the underscore form; otherwise similar module names.
            let underscored = module_path.replace('-', "_");
            let attr = e.reference.attr_path();
            let with_attr = |m: &str| {
                if attr.is_empty() {
                    m.to_string()
                } else {
                    format!("{m}:{attr}")
                }
            };
            if underscored != module_path && find_module(layout, &underscored).is_some() {
                e.candidates.push(Candidate {
                    reference: with_attr(&underscored),
                    why: "underscore form".into(),
                    location: None,
                });
            }
            let mut similar: Vec<(usize, &String)> = modules
                .iter()
                .map(|m| (distance(m, &module_path), m))
                .filter(|(d, m)| *d <= 2.max(module_path.len() / 4) && **m != module_path)
                .collect();
            similar.sort();
            for (_, m) in similar.into_iter().take(3) {
                let text = with_attr(m);
                if !e.candidates.iter().any(|c| c.reference == text) {
                    e.candidates.push(Candidate {
                        reference: text,
                        why: format!("module `{m}` exists"),
                        location: None,
                    });
                }
            }
        }
        Outcome::ObjectNotFound { segment, .. } => {
            let missing = e
                .reference
                .attrs
                .get(*segment)
                .map(|s| s.name.clone())
                .unwrap_or_default();
            if *segment == 0 {
                // The same name in another module of the project.
                for m in modules {
                    if *m == module_path {
                        continue;
                    }
                    let text = format!("{m}:{}", e.reference.attr_path());
                    if defines(layout, cache, m, &missing) && works(layout, cache, &text, script) {
                        e.candidates.push(Candidate {
                            reference: text,
                            why: format!("`{missing}` is defined in `{m}`"),
                            location: None,
                        });
                    }
                    if e.candidates.len() >= 5 {
                        break;
                    }
                }
                // Similar names in the module.
                if let Some(module) = &e.resolution.module
                    && let Some(summary) = cache.summary(&module.path)
                {
                    let mut similar: Vec<(usize, &String)> = summary
                        .order
                        .iter()
                        .map(|n| (distance(n, &missing), n))
                        .filter(|(d, _)| *d <= 2.max(missing.len() / 3))
                        .collect();
                    similar.sort();
                    for (_, n) in similar.into_iter().take(3) {
                        e.candidates.push(Candidate {
                            reference: format!("{module_path}:{n}"),
                            why: "similar name".into(),
                            location: None,
                        });
                    }
                }
            }
        }
        Outcome::Found(target) if script => {
            let verdict = e.callability.clone();
            match verdict {
                Some(Callability::NeedsArgs(_))
                | Some(Callability::Async)
                | Some(Callability::Class)
                | Some(Callability::NotCallable(_)) => {}
                _ => return,
            }
            // typer: point at the app.
            if let TargetKind::Function { decorators, .. } = &target.kind {
                for d in decorators {
                    if let DecoratorKind::Typer { app } = d
                        && let Some(defined) = &target.defined_in
                    {
                        e.candidates.push(Candidate {
                            reference: format!("{defined}:{app}"),
                            why: format!("the Typer app `{app}` runs the command"),
                            location: None,
                        });
                    }
                }
            }
            // Other zero-argument callables in the same module.
            if let Some(defined) = target.defined_in.clone() {
                for c in zero_arg_callables(layout, cache, &defined) {
                    let text = format!("{defined}:{c}");
                    if text != e.value.trim()
                        && e.candidates.len() < 5
                        && !e.candidates.iter().any(|x| x.reference == text)
                    {
                        e.candidates.push(Candidate {
                            reference: text,
                            why: "callable with no arguments".into(),
                            location: None,
                        });
                    }
                }
            }
            e.python_fix = python_fix(target, e.callability.as_ref(), cache, layout);
        }
        _ => {}
    }
}

/// Whether `module` binds `name` itself (a def, class or assignment, not an import).
fn defines(layout: &Layout, cache: &mut ModuleCache, module: &str, name: &str) -> bool {
    let Some(m) = find_module(layout, module) else {
        return false;
    };
    let Some(summary) = cache.summary(&m.path) else {
        return false;
    };
    summary.names.get(name).is_some_and(|bs| {
        bs.iter().any(|b| {
            !matches!(
                b.kind,
                BindingKind::ImportFrom { .. } | BindingKind::ImportModule { .. }
            )
        })
    })
}

/// Whether a reference text resolves (and, for scripts, is callable or at least not wrong).
fn works(layout: &Layout, cache: &mut ModuleCache, text: &str, script: bool) -> bool {
    let r = parse_reference(text);
    let res = resolve(layout, cache, &r);
    match res.outcome {
        Outcome::Found(t) => {
            !script
                || matches!(
                    callability(&t),
                    Callability::Ok(_) | Callability::Unverified(_)
                )
        }
        Outcome::Opaque(_) => true,
        _ => false,
    }
}

/// Top-level functions, classes and instances of `module` with whether each works as a script.
fn callables_of(layout: &Layout, cache: &mut ModuleCache, module: &str) -> Vec<(String, bool)> {
    let zero = zero_arg_callables(layout, cache, module);
    let Some(m) = find_module(layout, module) else {
        return Vec::new();
    };
    let Some(summary) = cache.summary(&m.path) else {
        return Vec::new();
    };
    let mut out: Vec<(String, bool)> = zero.iter().map(|n| (n.clone(), true)).collect();
    for name in &summary.order {
        if name.starts_with('_') || zero.contains(name) {
            continue;
        }
        let callable = summary.names[name]
            .iter()
            .any(|b| matches!(b.kind, BindingKind::Function(_) | BindingKind::Class(_)));
        if callable {
            out.push((name.clone(), false));
        }
    }
    out
}

/// Top-level names in `module` that a console script could call, zero-argument ones first
/// (all of them pass the check; unverified ones come after).
pub fn zero_arg_callables(layout: &Layout, cache: &mut ModuleCache, module: &str) -> Vec<String> {
    let Some(m) = find_module(layout, module) else {
        return Vec::new();
    };
    let Some(summary) = cache.summary(&m.path) else {
        return Vec::new();
    };
    let mut ok = Vec::new();
    let mut unverified = Vec::new();
    for name in &summary.order {
        if name.starts_with('_') {
            continue;
        }
        let r = parse_reference(&format!("{module}:{name}"));
        if let Outcome::Found(t) = resolve(layout, cache, &r).outcome {
            if matches!(t.kind, TargetKind::Module(_)) {
                continue;
            }
            match callability(&t) {
                Callability::Ok(_) => ok.push(name.clone()),
                Callability::Unverified(_)
                    if matches!(
                        t.kind,
                        TargetKind::Function { .. } | TargetKind::Instance { .. }
                    ) =>
                {
                    unverified.push(name.clone())
                }
                _ => {}
            }
        }
    }
    ok.extend(unverified);
    ok
}

/// A Python-side fix: default the required parameters to `None`, or wrap an async function.
fn python_fix(
    target: &Target,
    verdict: Option<&Callability>,
    cache: &mut ModuleCache,
    _layout: &Layout,
) -> Option<PythonFix> {
    let TargetKind::Function {
        function,
        skip,
        stmt_end,
        ..
    } = &target.kind
    else {
        return None;
    };
    let location = target.location.as_ref()?;
    let defined = target.defined_in.as_ref()?;
    match verdict? {
        Callability::NeedsArgs(_) => {
            let edits = function
                .params
                .required(*skip)
                .iter()
                .map(|p| (p.range.end..p.range.end, " = None".to_string()))
                .collect::<Vec<_>>();
            // `x: int = None` is a type error in strict checkers; spell `x=None` without annotation as PEP 8 does.
            let edits = edits
                .into_iter()
                .zip(function.params.required(*skip))
                .map(|((r, _), p)| {
                    let text = std::fs::read_to_string(&location.path).unwrap_or_default();
                    let annotated = text.get(p.range.clone()).is_some_and(|t| t.contains(':'));
                    (
                        r,
                        if annotated {
                            " = None".to_string()
                        } else {
                            "=None".to_string()
                        },
                    )
                })
                .collect();
            Some(PythonFix {
                title: format!(
                    "Give the parameters of `{}` a default of `None` (in the Python file)",
                    function.name
                ),
                path: location.path.clone(),
                edits,
                new_reference: None,
            })
        }
        Callability::Async => {
            let summary = cache.summary(&location.path)?;
            let wrapper = ["run", "main_sync", "cli", "entry_point"]
                .into_iter()
                .map(str::to_string)
                .chain(std::iter::once(format!("{}_sync", function.name)))
                .find(|n| !summary.names.contains_key(n))?;
            let text = std::fs::read_to_string(&location.path).ok()?;
            // Insert after the end of the line where the function's statement ends.
            // The file may have changed since it was summarised: never slice blindly.
            let at = text
                .get(*stmt_end..)?
                .find('\n')
                .map(|i| stmt_end + i + 1)
                .unwrap_or(text.len());
            let lead = if at == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            let code = format!(
                "{lead}\n\ndef {wrapper}() -> None:\n    \"\"\"Run `{name}` to completion: console scripts cannot await.\"\"\"\n    import asyncio\n\n    asyncio.run({name}())\n",
                name = function.name
            );
            Some(PythonFix {
                title: format!(
                    "Add a synchronous `{wrapper}()` that runs `{}` with asyncio, and point the script at it",
                    function.name
                ),
                path: location.path.clone(),
                edits: vec![(at..at, code)],
                new_reference: Some(format!("{defined}:{wrapper}")),
            })
        }
        _ => None,
    }
}

/// Levenshtein distance, for did-you-mean.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
