//! Completion and hover inside `[tool.*]` tables, from the tools' JSON Schemas: table headers
//! (`[tool.ru|` → `tool.ruff`, `tool.ruff.lint`), keys not yet present (dotted keys and inline
//! tables too), enum and boolean values, and hover with description and default.

use super::completion::CompletionContext;
use super::hover::HoverContext;
use super::{CompletionItem, CompletionKind, Completions, Hover, string_value_edit};
use crate::diagnostic::Edit;
use crate::manifest::outline::{Cursor, Entry, Outline, Value as OValue, ValueKind};
use crate::rules::Facts;
use crate::schema::{self, Catalog, Overrides};

fn overrides(facts: &Facts) -> std::sync::Arc<Overrides> {
    facts.tool_schemas.clone().unwrap_or_default()
}

/// `["tool", "ruff", "lint"]` → `("ruff", ["lint"])`.
fn split_tool(path: &[String]) -> Option<(&str, Vec<&str>)> {
    match path {
        [first, tool, rest @ ..] if first == "tool" => {
            Some((tool.as_str(), rest.iter().map(String::as_str).collect()))
        }
        _ => None,
    }
}

pub fn complete(cx: &CompletionContext, out: &mut Completions) {
    let overrides = overrides(cx.facts);
    let cat = Catalog::new(&overrides);
    match &cx.cursor {
        Cursor::Header {
            typed,
            range,
            array,
        } => headers(&cat, typed, range, *array, out),
        Cursor::Key {
            table,
            range,
            existing,
            ..
        } => keys(cx, &cat, table, range, *existing, out),
        Cursor::Value { key, .. } => values(cx, &cat, key, out),
        Cursor::None => {}
    }
}

fn headers(
    cat: &Catalog,
    typed: &str,
    range: &std::ops::Range<usize>,
    array: bool,
    out: &mut Completions,
) {
    let Some(rest) = typed.strip_prefix("tool.") else {
        return;
    };
    let mut parts: Vec<&str> = rest.split('.').map(str::trim).collect();
    parts.pop(); // the part being typed; the client filters on it
    let push = |label: String, doc: Option<String>, out: &mut Completions| {
        let mut item = CompletionItem::new(&label, CompletionKind::Module)
            .edit(Edit::replace(range.clone(), label.clone()));
        item.documentation = doc;
        out.items.push(item);
    };
    let Some((tool, path)) = parts.split_first() else {
        let mut tools: Vec<&str> = schema::bundled_tools().collect();
        tools.sort_unstable();
        tools.dedup();
        for t in tools {
            push(format!("tool.{t}"), schema::hover(cat, t, &[]), out);
        }
        return;
    };
    for k in schema::key_candidates(cat, tool, path) {
        if (array && !k.is_array) || (!array && !k.is_table) || k.deprecated {
            continue;
        }
        let mut full = vec!["tool", tool];
        full.extend(path.iter().copied());
        let key = schema_key(&k.name);
        push(
            format!("{}.{key}", full.join(".")),
            k.documentation.clone(),
            out,
        );
    }
}

fn keys(
    cx: &CompletionContext,
    cat: &Catalog,
    table: &[String],
    range: &std::ops::Range<usize>,
    existing: bool,
    out: &mut Completions,
) {
    let Some((tool, path)) = split_tool(table) else {
        return;
    };
    let full: Vec<&str> = table.iter().map(String::as_str).collect();
    let mut present = cx.snapshot.document.manifest.outline.keys_in(&full);
    present.extend(inline_keys(&cx.snapshot.document.manifest.outline, &full));
    // The key under the cursor is "present" too: it may be offered (to complete or replace it).
    let current = if existing {
        cx.text()
            .get(range.clone())
            .unwrap_or("")
            .trim_matches(['"', '\''])
    } else {
        ""
    };
    for (i, k) in schema::key_candidates(cat, tool, &path)
        .into_iter()
        .enumerate()
    {
        if present.contains(&k.name) && k.name != current {
            continue;
        }
        let key = schema_key(&k.name);
        let mut item = CompletionItem::new(&k.name, CompletionKind::Property)
            .detail(k.detail.clone())
            .sort(format!("{}{i:04}", u8::from(k.deprecated)));
        item.documentation = k.documentation.clone();
        item.deprecated = k.deprecated;
        item = if existing {
            item.edit(Edit::replace(range.clone(), key))
        } else {
            item.snippet_edit(Edit::replace(
                range.clone(),
                format!("{key} = {}", snippet(&k.detail)),
            ))
        };
        out.items.push(item);
    }
}

/// Keys already written inside an inline table at `path` (`format = { quote-style = "x", | }`),
/// which the outline's `keys_in` (tables and dotted keys) does not see.
fn inline_keys(outline: &Outline, path: &[&str]) -> Vec<String> {
    fn walk(entries: &[Entry], prefix: &[&str], path: &[&str], out: &mut Vec<String>) {
        for e in entries {
            let full: Vec<&str> = prefix
                .iter()
                .copied()
                .chain(e.key.iter().map(|k| k.name.as_str()))
                .collect();
            if full.len() > path.len() || full[..] != path[..full.len()] {
                continue;
            }
            if let Some(OValue {
                kind: ValueKind::Table { entries, .. },
                ..
            }) = &e.value
            {
                if full.len() == path.len() {
                    out.extend(
                        entries
                            .iter()
                            .filter_map(|x| x.key.first())
                            .map(|k| k.name.clone()),
                    );
                } else {
                    walk(entries, &full, path, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for t in &outline.tables {
        let tpath: Vec<&str> = t.path.iter().map(|k| k.name.as_str()).collect();
        if tpath.len() <= path.len() && tpath[..] == path[..tpath.len()] {
            walk(&t.entries, &tpath, path, &mut out);
        }
    }
    out
}

/// The value placeholder for a key, from its first accepted type.
fn snippet(detail: &str) -> &'static str {
    match detail.split(" | ").next().unwrap_or("") {
        "string" => "\"$1\"",
        "array" => "[$1]",
        "boolean" => "${1|true,false|}",
        "table" => "{ $1 }",
        _ => "$1",
    }
}

fn values(cx: &CompletionContext, cat: &Catalog, key: &[String], out: &mut Completions) {
    let Cursor::Value {
        string,
        array,
        range,
        ..
    } = &cx.cursor
    else {
        return;
    };
    let Some((tool, path)) = split_tool(key) else {
        return;
    };
    // Items already in the array, read from the outline so that a half-typed array counts.
    let present: Vec<String> = array
        .as_ref()
        .map(|a| {
            a.items
                .iter()
                .filter_map(|r| cx.text().get(r.clone()))
                .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
                .collect()
        })
        .unwrap_or_default();
    let typed_here = string.as_ref().map(|s| s.typed.clone());
    for (i, v) in schema::value_candidates(cat, tool, &path)
        .into_iter()
        .enumerate()
    {
        let mut item = match (&v.text, string) {
            (Some(text), _) => {
                if present.iter().any(|p| p == text) && typed_here.as_deref() != Some(text.as_str())
                {
                    continue;
                }
                CompletionItem::new(text, CompletionKind::Value).edit(string_value_edit(
                    string.as_ref(),
                    cx.offset,
                    text,
                ))
            }
            // A boolean or number cannot go inside quotes being typed.
            (None, Some(_)) => continue,
            (None, None) => {
                let edit = match range {
                    Some(r) if r.start <= cx.offset && cx.offset <= r.end => {
                        Edit::replace(r.clone(), v.toml.clone())
                    }
                    _ => Edit::insert(cx.offset, v.toml.clone()),
                };
                CompletionItem::new(&v.toml, CompletionKind::Constant).edit(edit)
            }
        };
        item.documentation = v.documentation.clone();
        item.sort_text = Some(format!("{i:05}"));
        out.items.push(item);
    }
}

pub fn hover(cx: &HoverContext) -> Option<Hover> {
    let overrides = overrides(cx.facts);
    let cat = Catalog::new(&overrides);
    let text = &cx.snapshot.document.text;
    match &cx.cursor {
        Cursor::Key {
            table,
            range,
            existing: true,
            ..
        } => {
            let name = text.get(range.clone())?.trim_matches(['"', '\'']);
            let mut full = table.clone();
            full.push(name.to_string());
            let (tool, path) = split_tool(&full).or_else(|| {
                (full.len() == 2 && full[0] == "tool").then(|| (full[1].as_str(), Vec::new()))
            })?;
            let markdown = schema::hover(&cat, tool, &path)?;
            Some(Hover {
                markdown,
                range: Some(range.clone()),
            })
        }
        Cursor::Value {
            key,
            string: Some(st),
            ..
        } => {
            // A value from a closed set that documents itself (uv's `prerelease` modes).
            let (tool, path) = split_tool(key)?;
            let value = text.get(st.content.clone())?;
            let doc = schema::value_candidates(&cat, tool, &path)
                .into_iter()
                .find(|v| v.text.as_deref() == Some(value))?
                .documentation?;
            Some(Hover {
                markdown: format!("**`\"{value}\"`**\n\n{doc}"),
                range: Some(st.range.clone()),
            })
        }
        Cursor::Header { range, .. } => {
            let inner = text.get(range.clone())?.trim();
            let parts: Vec<String> = inner
                .split('.')
                .map(|p| p.trim().trim_matches(['"', '\'']).to_string())
                .collect();
            let (tool, path) = split_tool(&parts)?;
            let markdown = schema::hover(&cat, tool, &path)?;
            Some(Hover {
                markdown,
                range: Some(range.clone()),
            })
        }
        _ => None,
    }
}

fn schema_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        crate::manifest::edit::quote(k)
    }
}
