//! Walking a schema without a value: which sub-schemas apply at a dotted path, and what they
//! say (keys, types, enum values, descriptions, defaults). Completion and hover use this.

use serde_json::Value;

use super::store::{Catalog, Node};

/// References nest; a schema that refers to itself must not loop.
pub const MAX_DEPTH: usize = 24;

/// The node plus everything that applies to the same value through `$ref`, `allOf`, `anyOf`,
/// `oneOf` and `if/then/else`, flattened, each node once, the node itself first.
pub fn expand<'a>(cat: &Catalog<'a>, node: Node<'a>) -> Vec<Node<'a>> {
    let mut out = Vec::new();
    expand_into(cat, node, &mut out, 0);
    out
}

fn expand_into<'a>(cat: &Catalog<'a>, node: Node<'a>, out: &mut Vec<Node<'a>>, depth: usize) {
    if depth > MAX_DEPTH || out.iter().any(|n| n.id() == node.id()) {
        return;
    }
    out.push(node);
    if let Some(r) = node.get("$ref").and_then(Value::as_str)
        && let Some(target) = cat.resolve(node, r)
    {
        expand_into(cat, target, out, depth + 1);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            for branch in list {
                expand_into(cat, node.at(branch), out, depth + 1);
            }
        }
    }
    for key in ["then", "else"] {
        if let Some(s) = node.get(key) {
            expand_into(cat, node.at(s), out, depth + 1);
        }
    }
}

/// The schemas that apply to the value of key `key` inside a value described by `nodes`
/// (tables through `properties`, `patternProperties`, `additionalProperties`; arrays of tables
/// through `items`).
pub fn child<'a>(cat: &Catalog<'a>, nodes: &[Node<'a>], key: &str) -> Vec<Node<'a>> {
    let mut out: Vec<Node<'a>> = Vec::new();
    let push = |n: Node<'a>, out: &mut Vec<Node<'a>>| {
        if !out.iter().any(|o| o.id() == n.id()) {
            out.push(n);
        }
    };
    let mut containers: Vec<Node<'a>> = Vec::new();
    for n in nodes {
        for e in expand(cat, *n) {
            containers.push(e);
            if let Some(items) = e.get("items").filter(|i| i.is_object()) {
                containers.extend(expand(cat, e.at(items)));
            }
        }
    }
    for c in containers {
        let mut matched = false;
        if let Some(p) = c.get("properties").and_then(|p| p.get(key)) {
            matched = true;
            push(c.at(p), &mut out);
        }
        if let Some(pats) = c.get("patternProperties").and_then(Value::as_object) {
            for (pat, s) in pats {
                if pattern_matches(pat, key) {
                    matched = true;
                    push(c.at(s), &mut out);
                }
            }
        }
        if !matched && let Some(add) = c.get("additionalProperties").filter(|a| a.is_object()) {
            push(c.at(add), &mut out);
        }
    }
    out
}

/// The schemas at a dotted path below the tool's root.
pub fn at_path<'a>(cat: &Catalog<'a>, root: Node<'a>, path: &[&str]) -> Vec<Node<'a>> {
    let mut nodes = vec![root];
    for seg in path {
        nodes = child(cat, &nodes, seg);
        if nodes.is_empty() {
            break;
        }
    }
    nodes
}

/// `patternProperties` keys are ECMA regexes; the ones in these schemas are simple enough for
/// regex-lite. A pattern that does not compile matches nothing.
pub fn pattern_matches(pattern: &str, key: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex_lite::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let Ok(mut map) = cache.lock() else {
        return false;
    };
    let re = map
        .entry(pattern.to_string())
        .or_insert_with(|| regex_lite::Regex::new(pattern).ok());
    re.as_ref().is_some_and(|r| r.is_match(key))
}

/// The declared JSON types of a node (own `type` only).
pub fn own_types(node: Node<'_>) -> Vec<&str> {
    match node.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The TOML words for JSON types, for messages and details.
pub fn toml_type_name(json_type: &str) -> &str {
    match json_type {
        "object" => "table",
        "number" => "number",
        other => other,
    }
}

/// Description (markdown preferred) of the first node that has one.
pub fn description<'a>(nodes: &[Node<'a>]) -> Option<&'a str> {
    for n in nodes {
        for key in ["markdownDescription", "description"] {
            if let Some(s) = n
                .get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
            {
                return Some(s);
            }
        }
    }
    None
}

pub fn default_value<'a>(nodes: &[Node<'a>]) -> Option<&'a Value> {
    nodes.iter().find_map(|n| n.get("default"))
}

pub fn is_deprecated(nodes: &[Node<'_>]) -> bool {
    nodes.iter().any(|n| match n.get("deprecated") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(_)) => true,
        _ => false,
    })
}

/// `x-taplo: { hidden: true }` asks editors not to offer the key.
pub fn is_hidden(nodes: &[Node<'_>]) -> bool {
    nodes.iter().any(|n| {
        n.get("x-taplo")
            .and_then(|x| x.get("hidden"))
            .and_then(Value::as_bool)
            == Some(true)
    })
}

/// A documentation link from `x-taplo.links.key`.
pub fn doc_link<'a>(nodes: &[Node<'a>]) -> Option<&'a str> {
    nodes
        .iter()
        .find_map(|n| n.get("x-taplo")?.get("links")?.get("key")?.as_str())
}

/// Every type the expanded nodes accept, TOML words, de-duplicated, in schema order.
pub fn types_of(nodes: &[Node<'_>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in nodes {
        for t in own_types(*n) {
            if t == "null" {
                continue;
            }
            let t = toml_type_name(t).to_string();
            if !out.contains(&t) {
                out.push(t);
            }
        }
        if n.get("type").is_none()
            && n.get("properties").is_some()
            && !out.iter().any(|t| t == "table")
        {
            out.push("table".to_string());
        }
    }
    out
}

/// Values allowed by `enum`/`const` in the expanded nodes, plus `true`/`false` for booleans.
pub fn allowed_values<'a>(nodes: &[Node<'a>]) -> Vec<(Value, Option<&'a str>)> {
    let mut out: Vec<(Value, Option<&'a str>)> = Vec::new();
    // Ruff's rule selectors are an enum of ~2400 strings: de-duplicate by hash, not by scan.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut push = |v: &Value, doc: Option<&'a str>, out: &mut Vec<(Value, Option<&'a str>)>| {
        let key = match v {
            Value::String(s) => format!("s{s}"),
            other => format!("j{other}"),
        };
        if !v.is_null() && seen.insert(key) {
            out.push((v.clone(), doc));
        }
    };
    for n in nodes {
        let doc = n.get("description").and_then(Value::as_str);
        if let Some(list) = n.get("enum").and_then(Value::as_array) {
            for v in list {
                push(v, None, &mut out);
            }
        }
        if let Some(v) = n.get("const") {
            push(v, doc, &mut out);
        }
    }
    if types_of(nodes).iter().any(|t| t == "boolean") {
        push(&Value::Bool(true), None, &mut out);
        push(&Value::Bool(false), None, &mut out);
    }
    out
}

/// A JSON value written as TOML (for defaults and enum values).
pub fn to_toml(v: &Value) -> String {
    match v {
        Value::String(s) => toml_string(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(to_toml).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{ {} }}",
            map.iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), to_toml(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

/// A basic string literal, escaped.
pub fn toml_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// A key as TOML needs it: bare when it can be, quoted otherwise.
pub fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        toml_string(k)
    }
}
