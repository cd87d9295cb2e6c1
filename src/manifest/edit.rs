//! Format-preserving edits to a pyproject.toml: remove or add an array item, add a key to a table,
//! add a table. Every function returns our `Edit`s (byte ranges) computed from the text as it is,
//! following the layout it finds (one item per line or inline, indentation, trailing comma).

use std::ops::Range;

use super::Manifest;
use crate::diagnostic::Edit;

fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// Skips spaces/tabs forward from `at`.
fn skip_blanks(text: &str, at: usize) -> usize {
    at + text[at..]
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count()
}

/// Removes item `index` of an array given the spans of all its items, with its separator; when the
/// item sits alone on its line (with its comma and an optional comment), the whole line goes.
pub fn remove_array_item(text: &str, items: &[Range<usize>], index: usize) -> Option<Edit> {
    let item = items.get(index)?;
    let ls = line_start(text, item.start);
    let le = line_end(text, item.end);
    let before = &text[ls..item.start];
    // What follows the item on its line: optional spaces, a comma, spaces, a comment.
    let mut after = skip_blanks(text, item.end);
    if text[after..].starts_with(',') {
        after = skip_blanks(text, after + 1);
    }
    let rest = &text[after..le];
    let alone = before.trim().is_empty() && (rest.is_empty() || rest.starts_with('#'));
    if alone {
        let end = if le < text.len() { le + 1 } else { le };
        return Some(Edit::delete(ls..end));
    }
    // Inline: remove the item with the following `, ` or, for the last item, the preceding `, `.
    let mut end = skip_blanks(text, item.end);
    if text[end..].starts_with(',') {
        end = skip_blanks(text, end + 1);
        return Some(Edit::delete(item.start..end));
    }
    if index > 0 {
        let prev = &items[index - 1];
        let between = &text[prev.end..item.start];
        if let Some(comma) = between.find(',') {
            return Some(Edit::delete(prev.end + comma..item.end));
        }
    }
    Some(Edit::delete(item.start..item.end))
}

/// Appends `value` (already TOML-formatted, e.g. `"httpx>=0.27"`) to an array, following its layout.
/// `array` is the span of the whole array (`[` to `]`), `items` the spans of its items.
pub fn append_array_item(
    text: &str,
    array: &Range<usize>,
    items: &[Range<usize>],
    value: &str,
) -> Option<Edit> {
    let raw = text.get(array.clone())?;
    if !raw.starts_with('[') {
        return None;
    }
    let close = if raw.ends_with(']') {
        array.end - 1
    } else {
        array.end
    };
    let Some(last) = items.last() else {
        // Empty array: `[]` becomes `["x"]`; a multi-line empty array gets an indented line.
        let inner = &text[array.start + 1..close];
        if inner.contains('\n') {
            let indent = indentation(text, array.start) + "    ";
            return Some(Edit::replace(
                array.start + 1..close,
                format!("\n{indent}{value},\n{}", indentation(text, array.start)),
            ));
        }
        return Some(Edit::replace(array.start + 1..close, value.to_string()));
    };
    let multiline = text[array.start..close].contains('\n');
    let after_last = skip_blanks(text, last.end);
    let has_trailing_comma = text[after_last..close].trim_start().starts_with(',');
    if multiline && line_start(text, last.start) != line_start(text, array.start) {
        let indent = indentation(text, last.start);
        // Insert after the last item's line (after its comma and comment, if any).
        let le = line_end(text, last.end);
        let comma = if has_trailing_comma { "" } else { "," };
        let insert_comma_at = last.end;
        let mut edits_text = String::new();
        edits_text.push_str(&format!("\n{indent}{value}"));
        if has_trailing_comma {
            edits_text.push(',');
        }
        if comma.is_empty() {
            return Some(Edit::insert(le, edits_text));
        }
        // No trailing comma: add one after the last item and none after the new one, keeping the style.
        let between = &text[last.end..le];
        return Some(Edit::replace(
            insert_comma_at..le,
            format!(",{between}{edits_text}"),
        ));
    }
    let sep = if has_trailing_comma { " " } else { ", " };
    let at = if has_trailing_comma {
        text[..close].rfind(',').map_or(last.end, |c| c + 1)
    } else {
        last.end
    };
    Some(Edit::insert(at, format!("{sep}{value}").replace("  ", " ")))
}

/// The leading whitespace of the line holding `at`.
pub fn indentation(text: &str, at: usize) -> String {
    let ls = line_start(text, at);
    text[ls..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}

/// Adds `key = value` to the table at `path`: after its last key line when the table has a
/// header, as a new `[table]` at the end otherwise. `value` is TOML text.
pub fn add_key(manifest: &Manifest, text: &str, path: &[&str], key: &str, value: &str) -> Edit {
    if let Some(table) = manifest.outline.tables.iter().find(|t| {
        t.header.is_some()
            && t.path.len() == path.len()
            && t.path.iter().zip(path).all(|(a, b)| a.name == *b)
    }) {
        let after = table
            .entries
            .last()
            .map(|e| line_end(text, e.span.end))
            .or_else(|| table.header.as_ref().map(|h| line_end(text, h.end)))
            .unwrap_or(text.len());
        return Edit::insert(after, format!("\n{key} = {value}"));
    }
    let header = path.join(".");
    let sep = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Edit::insert(text.len(), format!("{sep}[{header}]\n{key} = {value}\n"))
}

/// Inserts a whole table (header and body, TOML text ending in a newline) at the start of the file.
pub fn insert_table_at_start(table_text: &str) -> Edit {
    Edit::insert(0, format!("{table_text}\n"))
}

/// Formats a string as a TOML basic string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Applies edits (of the document itself) to a text, last first. Overlapping edits are skipped.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().filter(|e| e.path.is_none()).collect();
    sorted.sort_by(|a, b| {
        b.range
            .start
            .cmp(&a.range.start)
            .then(b.range.end.cmp(&a.range.end))
    });
    let mut out = text.to_string();
    let mut limit = usize::MAX;
    for edit in sorted {
        let (start, end) = (
            edit.range.start.min(out.len()),
            edit.range.end.min(out.len()),
        );
        if end > limit || start > end || !out.is_char_boundary(start) || !out.is_char_boundary(end)
        {
            continue;
        }
        out.replace_range(start..end, &edit.new_text);
        limit = start;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> (Range<usize>, Vec<Range<usize>>) {
        let m = Manifest::parse(text);
        let item = m.get(&["a"]).expect("a");
        let arr = item.as_array().expect("array");
        (
            item.span().expect("span"),
            arr.iter().map(|v| v.span().expect("span")).collect(),
        )
    }

    #[test]
    fn remove_multiline_item() {
        let text = "a = [\n    \"x\",\n    \"y\",  # c\n    \"z\",\n]\n";
        let (_, it) = items(text);
        let e = remove_array_item(text, &it, 1).expect("edit");
        assert_eq!(apply(text, &[e]), "a = [\n    \"x\",\n    \"z\",\n]\n");
    }

    #[test]
    fn remove_inline_items() {
        let text = "a = [\"x\", \"y\", \"z\"]\n";
        let (_, it) = items(text);
        assert_eq!(
            apply(text, &[remove_array_item(text, &it, 0).expect("e")]),
            "a = [\"y\", \"z\"]\n"
        );
        assert_eq!(
            apply(text, &[remove_array_item(text, &it, 2).expect("e")]),
            "a = [\"x\", \"y\"]\n"
        );
    }

    #[test]
    fn append_follows_layout() {
        let text = "a = [\n    \"x\",\n    \"y\",\n]\n";
        let (arr, it) = items(text);
        let e = append_array_item(text, &arr, &it, "\"z\"").expect("edit");
        assert_eq!(
            apply(text, &[e]),
            "a = [\n    \"x\",\n    \"y\",\n    \"z\",\n]\n"
        );
        let text = "a = [\n  \"x\",\n  \"y\"\n]\n";
        let (arr, it) = items(text);
        let e = append_array_item(text, &arr, &it, "\"z\"").expect("edit");
        assert_eq!(apply(text, &[e]), "a = [\n  \"x\",\n  \"y\",\n  \"z\"\n]\n");
        let text = "a = [\"x\"]\n";
        let (arr, it) = items(text);
        assert_eq!(
            apply(
                text,
                &[append_array_item(text, &arr, &it, "\"z\"").expect("e")]
            ),
            "a = [\"x\", \"z\"]\n"
        );
        let text = "a = []\n";
        let (arr, it) = items(text);
        assert_eq!(
            apply(
                text,
                &[append_array_item(text, &arr, &it, "\"z\"").expect("e")]
            ),
            "a = [\"z\"]\n"
        );
    }

    #[test]
    fn add_key_to_table() {
        let text = "[project]\nname = \"x\"\n\n[tool.x]\n";
        let m = Manifest::parse(text);
        let e = add_key(&m, text, &["project"], "version", "\"0.1.0\"");
        assert_eq!(
            apply(text, &[e]),
            "[project]\nname = \"x\"\nversion = \"0.1.0\"\n\n[tool.x]\n"
        );
    }
}
