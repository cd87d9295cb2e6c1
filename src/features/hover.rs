//! Hover: documentation of keys and tables, and of closed-set values. Families add their own
//! (classifiers, requirements, entry points, tool tables) at the dispatch point below.

use super::Hover;
use crate::manifest::outline::{Cursor, cursor_at};
use crate::rules::Facts;
use crate::spec::keys;
use crate::state::Snapshot;

/// Everything a hover function may read.
pub struct HoverContext<'a> {
    pub snapshot: &'a Snapshot,
    pub offset: usize,
    pub cursor: Cursor,
    pub facts: &'a Facts,
}

pub fn hover(snapshot: &Snapshot, offset: usize, facts: &Facts) -> Option<Hover> {
    let text = &snapshot.document.text;
    let offset = crate::manifest::outline::floor_char_boundary(text, offset);
    let cursor = cursor_at(&snapshot.document.manifest.outline, text, offset);
    let cx = HoverContext {
        snapshot,
        offset,
        cursor,
        facts,
    };
    if let Some(h) = crate::features::tools::hover(&cx) {
        return Some(h);
    }
    if let Some(h) = crate::features::dependencies::hover(&cx) {
        return Some(h);
    }
    if let Some(h) = crate::features::classifiers::hover(&cx) {
        return Some(h);
    }
    if let Some(h) = crate::features::entry_points::hover(&cx) {
        return Some(h);
    }
    // FAMILY HOVERS: add `if let Some(h) = crate::features::family::hover(&cx) { return Some(h); }` here
    builtin(&cx)
}

fn builtin(cx: &HoverContext) -> Option<Hover> {
    match &cx.cursor {
        Cursor::Key {
            table,
            range,
            existing: true,
            ..
        } => {
            let name = cx
                .snapshot
                .document
                .text
                .get(range.clone())?
                .trim_matches(['"', '\'']);
            let mut path: Vec<&str> = table.iter().map(String::as_str).collect();
            path.push(name);
            key_doc(&path).map(|markdown| Hover {
                markdown,
                range: Some(range.clone()),
            })
        }
        Cursor::Header {
            typed: _, range, ..
        } => {
            let inner = cx.snapshot.document.text.get(range.clone())?.trim();
            let doc = keys::TABLE_HEADERS
                .iter()
                .find(|(n, _)| *n == inner)
                .map(|(_, d)| *d)?;
            Some(Hover {
                markdown: format!("**[{inner}]**\n\n{doc}"),
                range: Some(range.clone()),
            })
        }
        Cursor::Value {
            key,
            string: Some(s),
            ..
        } if key.len() == 2 && key[0] == "project" && key[1] == "dynamic" => {
            let name = cx.snapshot.document.text.get(s.content.clone())?;
            let markdown = key_doc(&["project", name])?;
            Some(Hover {
                markdown: format!("Computed by the build backend.\n\n{markdown}"),
                range: Some(s.range.clone()),
            })
        }
        _ => None,
    }
}

fn key_doc(path: &[&str]) -> Option<String> {
    if path == ["dependency-groups"] {
        return Some(format!(
            "**dependency-groups**\n\n{}\n\n[Specification]({})",
            keys::DEPENDENCY_GROUPS_DOC,
            keys::DEPENDENCY_GROUPS_URL
        ));
    }
    let spec = keys::key_spec(path)?;
    Some(format!(
        "**{}**: {}\n\n{}\n\n[Specification]({})",
        path.join("."),
        spec.shape.describe(),
        spec.doc,
        spec.url
    ))
}
