//! Completion: table headers, keys of the tables we know (with a snippet for the value's shape),
//! and values from closed sets. Families add their own (classifiers, versions, entry points,
//! tool tables) at the dispatch point below.

use super::{CompletionItem, CompletionKind, Completions, string_value_edit};
use crate::diagnostic::Edit;
use crate::manifest::outline::{Cursor, cursor_at};
use crate::rules::Facts;
use crate::spec::{keys, python};
use crate::state::Snapshot;

/// Everything a completion function may read.
pub struct CompletionContext<'a> {
    pub snapshot: &'a Snapshot,
    pub offset: usize,
    pub cursor: Cursor,
    pub facts: &'a Facts,
}

impl CompletionContext<'_> {
    pub fn text(&self) -> &str {
        &self.snapshot.document.text
    }
}

pub fn completions(snapshot: &Snapshot, offset: usize, facts: &Facts) -> Completions {
    let text = &snapshot.document.text;
    let offset = crate::manifest::outline::floor_char_boundary(text, offset);
    let cursor = cursor_at(&snapshot.document.manifest.outline, text, offset);
    let cx = CompletionContext {
        snapshot,
        offset,
        cursor,
        facts,
    };
    let mut out = Completions::default();
    match &cx.cursor {
        Cursor::Header {
            typed,
            range,
            array,
        } => headers(&cx, typed, range, *array, &mut out),
        Cursor::Key {
            table,
            prefix,
            range,
            existing,
        } => keys_in(&cx, table, prefix, range, *existing, &mut out),
        Cursor::Value { key, .. } => values(&cx, key, &mut out),
        Cursor::None => {}
    }
    crate::features::tools::complete(&cx, &mut out);
    crate::features::dependencies::complete(&cx, &mut out);
    crate::features::classifiers::complete(&cx, &mut out);
    crate::features::entry_points::complete(&cx, &mut out);
    // FAMILY COMPLETIONS: add `crate::features::family::complete(&cx, &mut out);` here
    out
}

fn headers(
    cx: &CompletionContext,
    typed: &str,
    range: &std::ops::Range<usize>,
    array: bool,
    out: &mut Completions,
) {
    if array {
        if "project.authors".starts_with(typed) || "project.maintainers".starts_with(typed) {
            for name in ["project.authors", "project.maintainers"] {
                out.items.push(
                    CompletionItem::new(name, CompletionKind::Property)
                        .edit(Edit::replace(range.clone(), name)),
                );
            }
        }
        return;
    }
    let present = cx.snapshot.document.manifest.outline.header_paths();
    for (name, doc) in keys::TABLE_HEADERS {
        let path: Vec<String> = name
            .trim_end_matches('.')
            .split('.')
            .map(str::to_string)
            .collect();
        if !name.ends_with('.') && present.contains(&path) {
            continue;
        }
        let mut item = CompletionItem::new(*name, CompletionKind::Property)
            .docs(*doc)
            .edit(Edit::replace(range.clone(), *name));
        if name.ends_with('.') {
            item.kind = CompletionKind::Module;
        }
        out.items.push(item);
    }
}

fn keys_in(
    cx: &CompletionContext,
    table: &[String],
    prefix: &str,
    range: &std::ops::Range<usize>,
    existing: bool,
    out: &mut Completions,
) {
    let path: Vec<&str> = table.iter().map(String::as_str).collect();
    let Some(specs) = keys::keys_of(&path) else {
        return;
    };
    let present = cx.snapshot.document.manifest.outline.keys_in(&path);
    // Inside an inline table (`readme = { | }`) keys are written without a newline after.
    for spec in specs {
        if present.iter().any(|p| p == spec.name) && !(existing && spec.name.starts_with(prefix)) {
            continue;
        }
        let mut item = CompletionItem::new(spec.name, CompletionKind::Property)
            .detail(spec.shape.describe())
            .docs(format!("{}\n\n[Specification]({})", spec.doc, spec.url));
        if existing {
            item = item.edit(Edit::replace(range.clone(), spec.name));
        } else {
            item = item.snippet_edit(Edit::replace(
                range.clone(),
                format!("{} = {}", spec.name, spec.snippet),
            ));
        }
        out.items.push(item);
    }
}

fn values(cx: &CompletionContext, key: &[String], out: &mut Completions) {
    let Cursor::Value { string, array, .. } = &cx.cursor else {
        return;
    };
    let path: Vec<&str> = key.iter().map(String::as_str).collect();
    let offset = cx.offset;
    let manifest = &cx.snapshot.document.manifest;
    let in_string_or_array = string.is_some() || array.is_some();
    match path.as_slice() {
        ["project", "dynamic"] if in_string_or_array => {
            let present: Vec<String> = manifest
                .get(&["project", "dynamic"])
                .map(crate::manifest::string_items)
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            for k in keys::DYNAMIC_KEYS {
                if present.iter().any(|p| p == k) {
                    continue;
                }
                let doc = keys::key_spec(&["project", k]).map(|s| s.doc).unwrap_or("");
                out.items.push(
                    CompletionItem::new(*k, CompletionKind::Value)
                        .docs(doc)
                        .edit(string_value_edit(string.as_ref(), offset, k)),
                );
            }
        }
        ["build-system", "build-backend"] => {
            let has_requires = manifest.get(&["build-system", "requires"]).is_some();
            for (backend, requires, what) in keys::BACKENDS {
                let mut item = CompletionItem::new(*backend, CompletionKind::Value)
                    .detail(format!("requires = [\"{requires}\"]"))
                    .docs(format!("{what}. Its build requirement: `{requires}`."))
                    .edit(string_value_edit(string.as_ref(), offset, backend));
                if !has_requires {
                    let line_start = cx.text()[..offset].rfind('\n').map_or(0, |i| i + 1);
                    item.additional_edits.push(Edit::insert(
                        line_start,
                        format!("requires = [\"{requires}\"]\n"),
                    ));
                }
                out.items.push(item);
            }
        }
        ["build-system", "requires"] if in_string_or_array => {
            for (backend, requires, what) in keys::BACKENDS {
                out.items.push(
                    CompletionItem::new(*requires, CompletionKind::Value)
                        .detail(format!("build-backend = \"{backend}\""))
                        .docs(what.to_string())
                        .edit(string_value_edit(string.as_ref(), offset, requires)),
                );
            }
        }
        ["project", "readme", "content-type"] => {
            for ct in ["text/markdown", "text/x-rst", "text/plain"] {
                out.items.push(
                    CompletionItem::new(ct, CompletionKind::Value).edit(string_value_edit(
                        string.as_ref(),
                        offset,
                        ct,
                    )),
                );
            }
        }
        ["project", "requires-python"] => {
            let oldest = python::oldest_supported_minor(cx.snapshot.today);
            for (i, minor) in (oldest..=python::LATEST_MINOR).enumerate() {
                let v = format!(">=3.{minor}");
                let mut item = CompletionItem::new(&v, CompletionKind::Value)
                    .detail(format!("Python 3.{minor} and later"))
                    .sort(format!("{i:02}"))
                    .edit(string_value_edit(string.as_ref(), offset, &v));
                item.preselect = i == 0;
                out.items.push(item);
            }
        }
        ["project", "license"] => {
            for id in COMMON_LICENSES {
                out.items.push(
                    CompletionItem::new(*id, CompletionKind::Value)
                        .detail("SPDX license expression")
                        .edit(string_value_edit(string.as_ref(), offset, id)),
                );
            }
        }
        _ => {}
    }
}

/// The most used SPDX identifiers on the package index, for `license` completion.
const COMMON_LICENSES: &[&str] = &[
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "BSD-2-Clause",
    "GPL-3.0-or-later",
    "GPL-3.0-only",
    "GPL-2.0-or-later",
    "LGPL-3.0-or-later",
    "LGPL-2.1-or-later",
    "MPL-2.0",
    "AGPL-3.0-or-later",
    "ISC",
    "Unlicense",
    "0BSD",
    "Apache-2.0 OR MIT",
    "MIT OR Apache-2.0",
    "PSF-2.0",
    "Zlib",
    "CC0-1.0",
];
