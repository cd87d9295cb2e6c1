//! Classifier completion, hover, and the "Sort classifiers" source action (also run by
//! `check --fix` when `classifiers.sortOnFix` is set).

use std::ops::Range;

use super::actions::{Action, ActionKind};
use super::completion::CompletionContext;
use super::hover::HoverContext;
use super::{CompletionItem, CompletionKind, Completions, Hover};
use crate::diagnostic::Edit;
use crate::manifest::edit;
use crate::manifest::outline::{Cursor, decode_string};
use crate::rules::Facts;
use crate::spec::classifiers as spec;
use crate::state::Snapshot;

/// Enough items for any query; an empty query lists this many, the client asks again as the user
/// types (the list is marked incomplete).
const MAX_ITEMS: usize = 400;

/// `project.classifiers`, and Poetry's own `tool.poetry.classifiers` (same trove list), for
/// completion and hover; the rules check `[project]` only.
fn is_classifiers(key: &[String]) -> bool {
    let key: Vec<&str> = key.iter().map(String::as_str).collect();
    matches!(
        key.as_slice(),
        ["project", "classifiers"] | ["tool", "poetry", "classifiers"]
    )
}

/// Completion inside `classifiers = [...]`: in a string (closed or not), or on an empty spot of
/// the array (then the whole quoted string is inserted, with the commas the layout needs).
pub fn complete(cx: &CompletionContext, out: &mut Completions) {
    let Cursor::Value {
        key, string, array, ..
    } = &cx.cursor
    else {
        return;
    };
    if !is_classifiers(key) {
        return;
    }
    let Some(array) = array else { return };
    let text = cx.text();
    let offset = cx.offset;
    // The range the accepted item replaces: the whole string being typed, or nothing at the cursor.
    let (range, typed) = match string {
        Some(s) => (s.range.clone(), s.typed.clone()),
        None => (offset..offset, String::new()),
    };
    let present: Vec<String> = array
        .items
        .iter()
        .filter(|r| !(r.start <= range.start && range.start < r.end.max(r.start + 1)))
        .filter_map(|r| text.get(r.clone()))
        .map(decode_string)
        .collect();
    let present_refs: Vec<&str> = present.iter().map(String::as_str).collect();

    let before: Vec<&Range<usize>> = array
        .items
        .iter()
        .filter(|r| r.end <= range.start)
        .collect();
    let after: Vec<&Range<usize>> = array
        .items
        .iter()
        .filter(|r| r.start >= range.end.max(range.start + 1))
        .collect();
    let mut additional = Vec::new();
    // The item before has no comma after it (`"A"` then a new line): add one.
    if let Some(prev) = before.last()
        && !text[prev.end..range.start].contains(',')
    {
        additional.push(Edit::insert(prev.end, ","));
    }
    let multiline = text[array.range.start.min(range.start)..range.start].contains('\n');
    let rest_of_line = &text[range.end.min(text.len())..];
    let comma_follows = rest_of_line
        .trim_start_matches([' ', '\t'])
        .starts_with(',');
    let comma = if comma_follows {
        false
    } else if let Some(next) = after.first() {
        !text[range.end..next.start].contains(',')
    } else if multiline {
        // The new last item: follow the trailing-comma style of the item before it, if any.
        before
            .last()
            .is_none_or(|prev| text[prev.end..range.start].contains(','))
    } else {
        false
    };
    let filter = text
        .get(range.start..offset.max(range.start))
        .unwrap_or("")
        .to_string();
    let hits = spec::search(typed.trim(), &present_refs);
    out.incomplete = true;
    for (rank, hit) in hits.iter().take(MAX_ITEMS).enumerate() {
        let quote = string.as_ref().map_or('"', |s| s.quote);
        let quoted = if quote == '\'' {
            format!("'{}'", hit.classifier)
        } else {
            edit::quote(hit.classifier)
        };
        let new_text = if comma { format!("{quoted},") } else { quoted };
        let mut item = CompletionItem::new(hit.classifier, CompletionKind::Value)
            .detail(spec::hierarchy_detail(hit.classifier))
            .sort(format!("{rank:04}"))
            .edit(Edit::replace(range.clone(), new_text));
        // Every item matches what was typed (the server ranked them): the client must not drop
        // fuzzy or typo matches by its own filtering, so the filter text is the typed text itself.
        item = if filter.is_empty() {
            item.filter(hit.classifier)
        } else {
            item.filter(filter.clone())
        };
        item.additional_edits = additional.clone();
        item.preselect = rank == 0 && !typed.trim().is_empty();
        out.items.push(item);
    }
}

/// Hover on a classifier string: its hierarchy, and if deprecated what replaces it.
pub fn hover(cx: &HoverContext) -> Option<Hover> {
    let Cursor::Value {
        key,
        string: Some(s),
        ..
    } = &cx.cursor
    else {
        return None;
    };
    if !is_classifiers(key) {
        return None;
    }
    let raw = cx.snapshot.document.text.get(s.range.clone())?;
    let value = decode_string(raw);
    if value.trim().is_empty() {
        return None;
    }
    Some(Hover {
        markdown: spec::hover_markdown(value.trim()),
        range: Some(s.range.clone()),
    })
}

/// The "Sort classifiers" source action, when the array is not sorted yet.
pub fn source_actions(snapshot: &Snapshot, _facts: &Facts) -> Vec<Action> {
    sort_edit(&snapshot.document.text, &snapshot.document.manifest)
        .map(|e| Action {
            title: "Sort classifiers".into(),
            kind: ActionKind::Source("sortClassifiers"),
            edits: vec![e],
            diagnostic: None,
            preferred: false,
        })
        .into_iter()
        .collect()
}

/// For `check --fix`: the sorting edit when `classifiers.sortOnFix` is set.
pub fn fix_edits(snapshot: &Snapshot) -> Vec<Edit> {
    if !snapshot.settings.sort_classifiers_on_fix {
        return Vec::new();
    }
    sort_edit(&snapshot.document.text, &snapshot.document.manifest)
        .into_iter()
        .collect()
}

/// One edit that sorts the classifiers in trove order (versions numerically), keeping comments
/// with the item they precede or follow on its line; `None` when already sorted or when the
/// layout is too unusual to sort safely (items sharing lines with comments).
pub fn sort_edit(text: &str, manifest: &crate::manifest::Manifest) -> Option<Edit> {
    let item = manifest.get(&["project", "classifiers"])?;
    let array = item.as_array()?;
    let array_span = item.span()?;
    let mut items: Vec<(String, Range<usize>)> = Vec::new();
    for v in array.iter() {
        let span = v.span()?;
        let value = v.as_str().map_or_else(
            || text.get(span.clone()).unwrap_or("").to_string(),
            str::to_string,
        );
        items.push((value, span));
    }
    if items.len() < 2
        || items
            .windows(2)
            .all(|w| spec::natural_cmp(&w[0].0, &w[1].0).is_le())
    {
        return None;
    }
    let inner = array_span.start + 1..array_span.end.saturating_sub(1);
    let body = text.get(inner.clone())?;
    let first_line = |r: &Range<usize>| text[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let own_lines = items.iter().all(|(_, r)| {
        let before = &text[first_line(r)..r.start];
        let after = text[r.end..].split('\n').next().unwrap_or("").trim_start();
        let after = after.strip_prefix(',').unwrap_or(after).trim_start();
        before.trim().is_empty()
            && first_line(r) > array_span.start
            && (after.is_empty() || after.starts_with('#'))
    }) && {
        // No two items on one line.
        let mut starts: Vec<usize> = items.iter().map(|(_, r)| first_line(r)).collect();
        starts.dedup();
        starts.len() == items.len()
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|a, b| spec::natural_cmp(&items[*a].0, &items[*b].0));
    if !own_lines {
        // Inline: only when no comment sits inside the array.
        if body.contains('#') {
            return None;
        }
        let joined: Vec<&str> = order.iter().map(|i| &text[items[*i].1.clone()]).collect();
        return Some(Edit::replace(
            items[0].1.start..items.last()?.1.end,
            joined.join(", "),
        ));
    }
    // One item per line: each block is the item's line with the comment and blank lines above it.
    let line_end = |at: usize| text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    // The first block starts on the line after `[`, so a comment above the first item moves
    // with it like the comments above the others.
    let region_start = line_end(array_span.start).min(first_line(&items[0].1));
    let region_end = line_end(items.last()?.1.end);
    let mut blocks: Vec<String> = Vec::new();
    let mut start = region_start;
    let last_has_comma = text[items.last()?.1.end..].trim_start().starts_with(',');
    for (_, r) in &items {
        let end = line_end(r.end);
        let mut block = text[start..r.end].to_string();
        let tail = &text[r.end..end];
        let trimmed = tail.trim_start_matches([' ', '\t']);
        let after_comma = trimmed.strip_prefix(',').unwrap_or(trimmed);
        // Normalise: every block ends with its comma; the last one is fixed up below.
        block.push(',');
        block.push_str(after_comma);
        if !block.ends_with('\n') {
            block.push('\n');
        }
        blocks.push(block);
        start = end;
    }
    let mut out = String::new();
    for (n, i) in order.iter().enumerate() {
        let mut block = blocks[*i].clone();
        if n + 1 == order.len() && !last_has_comma {
            // Remove the comma we added right after the item.
            let item_end_in_block = items[*i].1.end
                - (if *i == 0 {
                    region_start
                } else {
                    line_end(items[*i - 1].1.end)
                });
            block.remove(item_end_in_block);
        }
        out.push_str(&block);
    }
    // Keep a missing final newline as it was (the region ends at the end of the text).
    if !text[..region_end].ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    Some(Edit::replace(region_start..region_end, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    fn sorted(text: &str) -> Option<String> {
        let m = Manifest::parse(text);
        sort_edit(text, &m).map(|e| edit::apply(text, &[e]))
    }

    #[test]
    fn sorts_lines_keeping_comments_and_trailing_comma_style() {
        // A comment line travels with the item below it; a comment after an item with that item.
        let text = "[project]\nclassifiers = [\n    # versions\n    \"Programming Language :: Python :: 3.10\",  # newest\n    \"Programming Language :: Python :: 3.9\",\n    # typing\n    \"Typing :: Typed\",\n    \"Development Status :: 4 - Beta\"\n]\n";
        let got = sorted(text).expect("unsorted");
        assert_eq!(
            got,
            "[project]\nclassifiers = [\n    \"Development Status :: 4 - Beta\",\n    \"Programming Language :: Python :: 3.9\",\n    # versions\n    \"Programming Language :: Python :: 3.10\",  # newest\n    # typing\n    \"Typing :: Typed\"\n]\n"
        );
        assert_eq!(sorted(&got), None, "sorting is idempotent");
    }

    #[test]
    fn sorts_inline() {
        let text = "[project]\nclassifiers = [\"Typing :: Typed\", \"Framework :: Django\"]\n";
        assert_eq!(
            sorted(text).expect("unsorted"),
            "[project]\nclassifiers = [\"Framework :: Django\", \"Typing :: Typed\"]\n"
        );
        assert_eq!(sorted("[project]\nclassifiers = [\"A\", \"B\"]\n"), None);
    }
}
