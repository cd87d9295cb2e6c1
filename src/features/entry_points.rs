//! Entry point navigation: hover (signature, docstring, what was found), goto definition per
//! segment, document links on module paths, and completion inside reference strings (module
//! paths, then after `:` the module's callables, zero-argument ones first).
//!
//! Pure: everything comes from `Facts::entry_points`, computed by `crate::python::analyze`.

use std::ops::Range;
use std::path::PathBuf;

use super::completion::CompletionContext;
use super::hover::HoverContext;
use super::{CompletionItem, CompletionKind, Completions, Hover};
use crate::diagnostic::{Edit, Location};
use crate::manifest::outline::Cursor;
use crate::python::entry_points::{EntryPoint, EntryPointFacts, Group};
use crate::python::layout::ModuleKind;
use crate::python::reference::parse_reference;
use crate::python::resolve::{Callability, Outcome, TargetKind, callability};
use crate::rules::Facts;
use crate::rules::entry_points::{Spot, spots};
use crate::state::Snapshot;

/// A link from a range of the document to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub range: Range<usize>,
    pub target: PathBuf,
}

/// Which part of a reference the offset is on.
enum Part {
    Module(usize),
    Attr(usize),
}

/// The entry point string under `offset`, its analysis, and the segment under the cursor.
fn at<'a>(
    snapshot: &Snapshot,
    facts: &'a EntryPointFacts,
    offset: usize,
) -> Option<(Spot, &'a EntryPoint, Part, Range<usize>)> {
    let spot = spots(&snapshot.document.text, &snapshot.document.manifest)
        .into_iter()
        .find(|s| s.exact && s.content.start <= offset && offset <= s.content.end)?;
    let entry = facts
        .get(&spot.group, &spot.name)
        .filter(|e| e.value == spot.value)?;
    let rel = offset - spot.content.start;
    let abs = |r: &Range<usize>| spot.content.start + r.start..spot.content.start + r.end;
    let r = &entry.reference;
    if let Some(i) = r
        .module
        .iter()
        .position(|s| s.range.start <= rel && rel <= s.range.end)
    {
        let range = abs(&r.module[i].range);
        return Some((spot, entry, Part::Module(i), range));
    }
    if let Some(j) = r
        .attrs
        .iter()
        .position(|s| s.range.start <= rel && rel <= s.range.end)
    {
        let range = abs(&r.attrs[j].range);
        return Some((spot, entry, Part::Attr(j), range));
    }
    None
}

/// Goto definition: the module file for a module segment, the definition for an attribute.
pub fn definition(snapshot: &Snapshot, offset: usize, facts: &Facts) -> Option<Location> {
    let facts = facts.entry_points.as_deref()?;
    let (_, entry, part, _) = at(snapshot, facts, offset)?;
    match part {
        Part::Module(i) => {
            let path = entry.module_paths.get(i)?.clone()?;
            // Namespace directories and native modules have no file to open (and features do no I/O).
            if !path
                .extension()
                .is_some_and(|e| e == "py" || e == "pyi" || e == "pyx")
            {
                return None;
            }
            Some(Location { path, range: 0..0 })
        }
        Part::Attr(j) => entry.resolution.segments.get(j)?.clone(),
    }
}

/// Document links on the module path of every entry point whose module was found.
pub fn links(snapshot: &Snapshot, facts: &Facts) -> Vec<Link> {
    let Some(facts) = facts.entry_points.as_deref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for spot in spots(&snapshot.document.text, &snapshot.document.manifest) {
        let Some(entry) = facts
            .get(&spot.group, &spot.name)
            .filter(|e| e.value == spot.value && spot.exact)
        else {
            continue;
        };
        let Some(module) = &entry.resolution.module else {
            continue;
        };
        if matches!(module.kind, ModuleKind::Namespace | ModuleKind::Extension) {
            continue;
        }
        let Some(r) = entry.reference.module_range() else {
            continue;
        };
        out.push(Link {
            range: spot.content.start + r.start..spot.content.start + r.end,
            target: module.path.clone(),
        });
    }
    out
}

pub fn hover(cx: &HoverContext) -> Option<Hover> {
    let facts = cx.facts.entry_points.as_deref()?;
    let (_, entry, part, range) = at(cx.snapshot, facts, cx.offset)?;
    let markdown = match part {
        Part::Module(i) => {
            let name: Vec<&str> = entry.reference.module[..=i]
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            match entry.module_paths.get(i).cloned().flatten() {
                Some(path) => format!("module `{}`\n\n`{}`", name.join("."), path.display()),
                None => format!("module `{}`: not found in this project", name.join(".")),
            }
        }
        Part::Attr(j) if j + 1 < entry.reference.attrs.len() => {
            format!("`{}`", entry.reference.attrs[j].name)
        }
        Part::Attr(_) => describe(entry),
    };
    Some(Hover {
        markdown,
        range: Some(range),
    })
}

/// What the reference resolved to, for hover.
fn describe(entry: &EntryPoint) -> String {
    let target = match &entry.resolution.outcome {
        Outcome::Found(t) => t,
        Outcome::Opaque(why) => return format!("Cannot be checked: {why}."),
        Outcome::External(top) => {
            return format!("`{top}` is not part of this project; it must come from a dependency.");
        }
        Outcome::ModuleNotFound { .. } => return "The module was not found.".into(),
        Outcome::ObjectNotFound { container, .. } => return format!("Not defined in {container}."),
    };
    let mut md = match &target.kind {
        TargetKind::Function { function, .. } => {
            let decorators: String = function
                .decorators
                .iter()
                .map(|d| format!("@{}{}\n", d.path, if d.called { "(...)" } else { "" }))
                .collect();
            let doc = function
                .doc
                .as_deref()
                .map(|d| format!("\n\n{d}"))
                .unwrap_or_default();
            format!("```python\n{decorators}{}\n```{doc}", function.signature)
        }
        TargetKind::Class(c) => {
            let doc = c
                .doc
                .as_deref()
                .map(|d| format!("\n\n{d}"))
                .unwrap_or_default();
            format!("```python\n{}\n```{doc}", c.signature)
        }
        TargetKind::Instance { callee, .. } => format!("An instance: `{}(...)`", callee),
        TargetKind::Module(m) => format!("module `{}`", m.name),
        TargetKind::Literal(what) => what.to_string(),
        TargetKind::Unknown(what) => what.to_string(),
    };
    if let Some(module) = &target.defined_in {
        md.push_str(&format!("\n\nDefined in `{module}`."));
    }
    if entry.group.is_script() {
        let verdict = match callability(target) {
            Callability::Ok(what) => format!("Works as a script: {what}."),
            Callability::Unverified(what) => format!("Accepted, not verified: {what}."),
            Callability::NeedsArgs(p) => format!("Needs arguments: {}.", p.join(", ")),
            Callability::Async => "An `async def`: a script cannot await it.".into(),
            Callability::Class => "A class: a script would construct it.".into(),
            Callability::NotCallable(what) => format!("Not callable: {what}."),
        };
        md.push_str(&format!("\n\n{verdict}"));
    }
    md
}

/// Completion inside an entry point string: module paths, then after `:` the callables.
pub fn complete(cx: &CompletionContext, out: &mut Completions) {
    let Some(facts) = cx.facts.entry_points.as_deref() else {
        return;
    };
    let Cursor::Value {
        key,
        string: Some(s),
        ..
    } = &cx.cursor
    else {
        return;
    };
    let keys: Vec<&str> = key.iter().map(String::as_str).collect();
    let group = match keys.as_slice() {
        ["project", "scripts", _] => Group::Scripts,
        ["project", "gui-scripts", _] => Group::GuiScripts,
        ["project", "entry-points", g, _] => Group::Plugin((*g).to_string()),
        ["tool", "poetry", "scripts", ..] => Group::PoetryScripts,
        _ => return,
    };
    let typed = s.typed.as_str();
    let start = s.content.start;
    match typed.find(':') {
        None => {
            let range = start..cx.offset.max(start);
            for (i, m) in facts.modules.iter().enumerate() {
                if !m.starts_with(typed.trim()) {
                    continue;
                }
                out.items.push(
                    CompletionItem::new(m.clone(), CompletionKind::Module)
                        .edit(Edit::replace(range.clone(), m.clone()))
                        .sort(format!("{i:05}")),
                );
            }
        }
        Some(colon) => {
            let module = parse_reference(&typed[..colon]).module_path();
            let Some(entry) = facts
                .entries
                .iter()
                .find(|e| e.reference.module_path() == module && !e.callables.is_empty())
            else {
                return;
            };
            let range = start + colon + 1..cx.offset.max(start + colon + 1);
            for (name, zero) in &entry.callables {
                let mut item = CompletionItem::new(name.clone(), CompletionKind::Function)
                    .edit(Edit::replace(range.clone(), name.clone()))
                    .sort(format!("{}{name}", if *zero { 0 } else { 1 }));
                if group.is_script() {
                    item = item.detail(if *zero {
                        "callable with no arguments"
                    } else {
                        "needs arguments or is not a plain function"
                    });
                }
                out.items.push(item);
            }
        }
    }
}
