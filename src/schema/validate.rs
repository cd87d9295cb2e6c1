//! Checking a TOML value against a schema: wrong types, unknown keys where the schema forbids
//! them, deprecated keys and values outside an enum, each with the byte span to underline.
//!
//! The checks lean permissive on purpose: a schema that lags behind its tool must not turn a
//! working configuration red. `oneOf` is read as `anyOf`; `pattern`, bounds and formats are
//! not checked; a missing `required` key or a value matching `not` only steers which branch a
//! message comes from; and an unresolvable `$ref` accepts anything.

use std::ops::Range;

use serde_json::Value;

use super::store::{Catalog, Node};
use super::value::{Kind, Tv};
use super::walk::{self, MAX_DEPTH};

/// What kind of problem a finding is; the rules map each to a PP7xx code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// The value has a type the schema does not accept.
    WrongType,
    /// A key the schema does not know, where it forbids unknown keys.
    UnknownKey,
    /// A key the schema marks deprecated; `replacement` when the schema names one.
    Deprecated { replacement: Option<String> },
    /// A value outside the schema's `enum`/`const` set.
    NotAllowed,
    /// A `required` key is missing, or the value matches a `not` schema. Never reported (a tool
    /// fills defaults, and a config may be split over files); used only to pick the branch of a
    /// `oneOf` that the user meant.
    Missing,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: FindingKind,
    /// Byte range in the document: the offending value, or the key for key findings.
    pub range: Range<usize>,
    /// The dotted path below the tool table, e.g. `lint.select`.
    pub path: String,
    pub message: String,
    /// A likely intended key or value (closest spelling), for a quick-fix.
    pub suggestion: Option<String>,
    /// For `WrongType`: a table or array where a scalar belongs, or the reverse. A scalar of
    /// another scalar type (`3.9` for a version string) is often coerced by the tool itself,
    /// so the rules grade that one lower.
    pub structural: bool,
}

impl Finding {
    fn hard(&self) -> bool {
        !matches!(self.kind, FindingKind::Deprecated { .. })
    }
}

struct Cx<'c, 'a> {
    cat: &'c Catalog<'a>,
    path: Vec<String>,
    /// Keys that an `allOf` sibling declares for a given table value (by address): a key one
    /// branch knows is not "unknown" to another branch that forbids extra keys.
    siblings: Vec<(usize, Vec<&'a str>)>,
}

impl Cx<'_, '_> {
    fn path_str(&self) -> String {
        self.path.join(".")
    }
}

/// Validates `value` against `root`. Findings come in document order, without `Missing` ones.
pub fn validate(cat: &Catalog<'_>, root: Node<'_>, value: &Tv<'_>) -> Vec<Finding> {
    let mut cx = Cx {
        cat,
        path: Vec::new(),
        siblings: Vec::new(),
    };
    let mut out = Vec::new();
    check(&mut cx, root, value, &mut out, 0);
    out.retain(|f| f.kind != FindingKind::Missing);
    out.sort_by_key(|f| (f.range.start, f.range.end));
    out.dedup_by(|a, b| a.range == b.range && a.kind == b.kind);
    out
}

fn check<'a>(
    cx: &mut Cx<'_, 'a>,
    node: Node<'a>,
    v: &Tv<'_>,
    out: &mut Vec<Finding>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(obj) = node.schema.as_object() else {
        // `false` accepts nothing; `true` (and anything odd) accepts everything.
        if node.schema == &Value::Bool(false) {
            out.push(Finding {
                kind: FindingKind::UnknownKey,
                range: v.span.clone(),
                path: cx.path_str(),
                message: format!(
                    "`{}` is not allowed here",
                    cx.path.last().map_or("value", String::as_str)
                ),
                suggestion: None,
                structural: false,
            });
        }
        return;
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str)
        && let Some(target) = cx.cat.resolve(node, r)
    {
        check(cx, target, v, out, depth + 1);
    }
    let types = walk::own_types(node);
    if !types.is_empty() && !types.iter().any(|t| type_accepts(t, v)) {
        out.push(wrong_type(cx, v, &types));
        return;
    }
    if let Some(list) = obj.get("enum").and_then(Value::as_array)
        && !list.iter().any(|e| json_eq(e, v))
        && !upper_case_match(list, v)
    {
        out.push(not_allowed(cx, v, list.iter().collect()));
    }
    if let Some(c) = obj.get("const")
        && !json_eq(c, v)
    {
        out.push(not_allowed(cx, v, vec![c]));
    }
    if let Some(list) = obj.get("allOf").and_then(Value::as_array) {
        let pushed = matches!(v.kind, Kind::Table(_));
        if pushed {
            let mut keys: Vec<&'a str> = Vec::new();
            for n in walk::expand(cx.cat, node) {
                if let Some(props) = n.get("properties").and_then(Value::as_object) {
                    keys.extend(props.keys().map(String::as_str));
                }
            }
            cx.siblings.push((v as *const Tv<'_> as usize, keys));
        }
        for branch in list {
            check(cx, node.at(branch), v, out, depth + 1);
        }
        if pushed {
            cx.siblings.pop();
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = obj.get(key).and_then(Value::as_array) {
            any_of(cx, node, list, v, out, depth);
        }
    }
    // `not` is only used to tell `oneOf` branches apart (pytest's `ini_options` form against its
    // native form): a value matching it fails silently, steering the branch choice, never
    // reported on its own.
    if let Some(excluded) = obj.get("not") {
        let mut tmp = Vec::new();
        check(cx, node.at(excluded), v, &mut tmp, depth + 1);
        if !tmp.iter().any(Finding::hard) {
            out.push(Finding {
                kind: FindingKind::Missing,
                range: v.span.clone(),
                path: cx.path_str(),
                message: "matches a form the schema excludes".to_string(),
                suggestion: None,
                structural: false,
            });
        }
    }
    if let Some(cond) = obj.get("if") {
        let mut tmp = Vec::new();
        check(cx, node.at(cond), v, &mut tmp, depth + 1);
        let branch = if tmp.iter().any(Finding::hard) {
            obj.get("else")
        } else {
            obj.get("then")
        };
        if let Some(b) = branch {
            check(cx, node.at(b), v, out, depth + 1);
        }
    }
    match &v.kind {
        Kind::Table(entries) => check_table(cx, node, entries, v, out, depth),
        Kind::Array(items) => match obj.get("items") {
            Some(Value::Array(tuple)) => {
                for (item, s) in items.iter().zip(tuple) {
                    check(cx, node.at(s), item, out, depth + 1);
                }
            }
            Some(s) => {
                for item in items {
                    check(cx, node.at(s), item, out, depth + 1);
                }
            }
            None => {}
        },
        _ => {}
    }
}

fn check_table<'a>(
    cx: &mut Cx<'_, 'a>,
    node: Node<'a>,
    entries: &[super::value::Entry<'_>],
    v: &Tv<'_>,
    out: &mut Vec<Finding>,
    depth: usize,
) {
    let props = node.get("properties").and_then(Value::as_object);
    if let Some(required) = node.get("required").and_then(Value::as_array) {
        for r in required.iter().filter_map(Value::as_str) {
            if !entries.iter().any(|e| e.key == r) {
                out.push(Finding {
                    kind: FindingKind::Missing,
                    range: v.span.clone(),
                    path: cx.path_str(),
                    message: format!("missing `{r}`"),
                    suggestion: None,
                    structural: false,
                });
            }
        }
    }
    let patterns = node.get("patternProperties").and_then(Value::as_object);
    let additional = node.get("additionalProperties");
    for entry in entries {
        cx.path.push(entry.key.to_string());
        let mut matched = false;
        if let Some(p) = props.and_then(|p| p.get(entry.key)) {
            matched = true;
            let pn = node.at(p);
            if let Some(f) = deprecation(cx, node, pn, entry) {
                out.push(f);
            }
            check(cx, pn, &entry.value, out, depth + 1);
        }
        if let Some(pats) = patterns {
            for (pat, s) in pats {
                if walk::pattern_matches(pat, entry.key) {
                    matched = true;
                    check(cx, node.at(s), &entry.value, out, depth + 1);
                }
            }
        }
        if !matched {
            match additional {
                Some(Value::Bool(false)) if !known_to_sibling(cx, v, entry.key) => {
                    out.push(unknown_key(cx, node, entry))
                }
                Some(s @ Value::Object(_)) => check(cx, node.at(s), &entry.value, out, depth + 1),
                _ => {}
            }
        }
        cx.path.pop();
    }
}

/// `anyOf` (and `oneOf`, read the same way): passes when one branch passes. Otherwise the
/// message comes from the branch the user most likely meant: one whose type fits, with the
/// fewest problems; when no branch's type fits, one "wrong type" listing them all.
fn any_of<'a>(
    cx: &mut Cx<'_, 'a>,
    node: Node<'a>,
    branches: &'a [Value],
    v: &Tv<'_>,
    out: &mut Vec<Finding>,
    depth: usize,
) {
    let mut fitting: Vec<(Node<'a>, Vec<Finding>)> = Vec::new();
    let mut types: Vec<String> = Vec::new();
    for b in branches {
        let bn = node.at(b);
        let mut tmp = Vec::new();
        check(cx, bn, v, &mut tmp, depth + 1);
        if !tmp.iter().any(Finding::hard) {
            out.extend(tmp);
            return;
        }
        let own_miss = tmp.iter().any(|f| {
            f.kind == FindingKind::WrongType && f.range == v.span && f.path == cx.path_str()
        });
        if own_miss {
            for t in walk::types_of(&walk::expand(cx.cat, bn)) {
                if !types.contains(&t) {
                    types.push(t);
                }
            }
        } else {
            fitting.push((bn, tmp));
        }
    }
    if fitting.is_empty() {
        let names: Vec<&str> = types.iter().map(String::as_str).collect();
        out.push(wrong_type_names(cx, v, &names));
        return;
    }
    // Branches that differ only by the allowed value (`oneOf: [{const: a}, {const: b}]`):
    // one message listing every allowed value.
    let value_only = |fs: &Vec<Finding>| {
        fs.iter()
            .filter(|f| f.hard() && f.kind != FindingKind::Missing)
            .all(|f| f.kind == FindingKind::NotAllowed && f.range == v.span)
    };
    if fitting.iter().all(|(_, fs)| value_only(fs))
        && fitting
            .iter()
            .any(|(_, fs)| fs.iter().any(|f| f.kind == FindingKind::NotAllowed))
    {
        let mut allowed: Vec<Value> = Vec::new();
        for (bn, _) in &fitting {
            for (val, _) in walk::allowed_values(&walk::expand(cx.cat, *bn)) {
                if !allowed.contains(&val) {
                    allowed.push(val);
                }
            }
        }
        out.push(not_allowed(cx, v, allowed.iter().collect()));
        return;
    }
    // A branch that gets inside the value (its problems are deeper down) is more likely the
    // one meant than a branch that rejects the value as a whole.
    let score = |fs: &Vec<Finding>| {
        let missing = fs.iter().filter(|f| f.kind == FindingKind::Missing).count();
        let whole = fs
            .iter()
            .filter(|f| f.hard() && f.kind != FindingKind::Missing && f.range == v.span)
            .count();
        let hard = fs.iter().filter(|f| f.hard()).count();
        (missing, whole, hard)
    };
    if let Some((_, best)) = fitting.into_iter().min_by_key(|(_, fs)| score(fs)) {
        out.extend(best);
    }
}

fn known_to_sibling(cx: &Cx<'_, '_>, v: &Tv<'_>, key: &str) -> bool {
    let addr = v as *const Tv<'_> as usize;
    cx.siblings
        .iter()
        .any(|(a, keys)| *a == addr && keys.contains(&key))
}

fn type_accepts(t: &str, v: &Tv<'_>) -> bool {
    match (t, &v.kind) {
        ("object", Kind::Table(_)) | ("array", Kind::Array(_)) | ("boolean", Kind::Bool(_)) => true,
        ("string", Kind::Str(_) | Kind::Datetime) => true,
        ("integer", Kind::Int(_)) => true,
        ("integer", Kind::Float(f)) => f.fract() == 0.0,
        ("number", Kind::Int(_) | Kind::Float(_)) => true,
        _ => false,
    }
}

/// An enum written all in capitals (`DEBUG`, `INFO`: pytest's log levels) names constants that
/// tools look up with `.upper()`, so `"info"` is accepted as `"INFO"`.
fn upper_case_match(list: &[Value], v: &Tv<'_>) -> bool {
    let Kind::Str(s) = v.kind else { return false };
    let mut strings = list.iter().filter_map(Value::as_str).peekable();
    strings.peek().is_some()
        && list
            .iter()
            .filter_map(Value::as_str)
            .all(|e| !e.chars().any(|c| c.is_ascii_lowercase()))
        && strings.any(|e| e.eq_ignore_ascii_case(s))
}

fn json_eq(expected: &Value, v: &Tv<'_>) -> bool {
    match (expected, &v.kind) {
        (Value::Number(n), Kind::Int(i)) => n.as_f64() == Some(*i as f64),
        (Value::Number(n), Kind::Float(f)) => n.as_f64() == Some(*f),
        (Value::String(_), Kind::Datetime) => true,
        (Value::String(e), Kind::Str(s)) => e == s,
        (Value::Bool(e), Kind::Bool(b)) => e == b,
        (_, Kind::Str(_) | Kind::Bool(_) | Kind::Int(_) | Kind::Float(_)) => false,
        (e, _) => *e == v.to_json(),
    }
}

fn wrong_type(cx: &Cx<'_, '_>, v: &Tv<'_>, types: &[&str]) -> Finding {
    let names: Vec<&str> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| walk::toml_type_name(t))
        .collect();
    wrong_type_names(cx, v, &names)
}

fn wrong_type_names(cx: &Cx<'_, '_>, v: &Tv<'_>, names: &[&str]) -> Finding {
    let expected = match names {
        [] => "another type".to_string(),
        [one] => with_article(one),
        many => {
            let (last, rest) = many.split_last().map_or((&"", &[][..]), |(l, r)| (l, r));
            format!(
                "{} or {}",
                rest.iter()
                    .map(|t| with_article(t))
                    .collect::<Vec<_>>()
                    .join(", "),
                with_article(last)
            )
        }
    };
    let what = cx
        .path
        .last()
        .map_or("the table".to_string(), |k| format!("`{k}`"));
    Finding {
        kind: FindingKind::WrongType,
        range: v.span.clone(),
        path: cx.path_str(),
        message: format!("{what} should be {expected}, not {}", v.type_name()),
        suggestion: None,
        structural: matches!(v.kind, Kind::Table(_) | Kind::Array(_))
            || names.iter().any(|n| *n == "table" || *n == "array"),
    }
}

fn with_article(t: &str) -> String {
    match t {
        "array" | "integer" => format!("an {t}"),
        other => format!("a {other}"),
    }
}

fn not_allowed(cx: &Cx<'_, '_>, v: &Tv<'_>, allowed: Vec<&Value>) -> Finding {
    const SHOWN: usize = 8;
    let shown: Vec<String> = allowed
        .iter()
        .take(SHOWN)
        .map(|a| walk::to_toml(a))
        .collect();
    let more = allowed.len().saturating_sub(SHOWN);
    let list = if more > 0 {
        format!("{}, … ({more} more)", shown.join(", "))
    } else {
        shown.join(", ")
    };
    // In a long list of codes (ruff's rule selectors) a near spelling is another code, not
    // the one meant: suggest only a difference of case there.
    let suggestion = match &v.kind {
        Kind::Str(s) if allowed.len() > 100 => allowed
            .iter()
            .filter_map(|a| a.as_str())
            .find(|a| a.eq_ignore_ascii_case(s))
            .map(str::to_string),
        Kind::Str(s) => closest(s, allowed.iter().filter_map(|a| a.as_str())),
        _ => None,
    };
    let hint = suggestion
        .as_ref()
        .map_or(String::new(), |s| format!("; did you mean \"{s}\"?"));
    let what = cx
        .path
        .last()
        .map_or("the value".to_string(), |k| format!("`{k}`"));
    let message = if allowed.len() == 1 {
        format!(
            "{} is not allowed for {what}: expected {list}{hint}",
            v.short()
        )
    } else {
        format!(
            "{} is not an allowed value for {what}; expected one of {list}{hint}",
            v.short()
        )
    };
    Finding {
        kind: FindingKind::NotAllowed,
        range: v.span.clone(),
        path: cx.path_str(),
        message,
        suggestion,
        structural: false,
    }
}

fn unknown_key(cx: &Cx<'_, '_>, node: Node<'_>, entry: &super::value::Entry<'_>) -> Finding {
    let known = node.get("properties").and_then(Value::as_object);
    let suggestion = known.and_then(|k| closest(entry.key, k.keys().map(String::as_str)));
    let parent = cx.path[..cx.path.len().saturating_sub(1)].join(".");
    let place = if parent.is_empty() {
        "this table".to_string()
    } else {
        format!("`{parent}`")
    };
    let hint = suggestion
        .as_ref()
        .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
    Finding {
        kind: FindingKind::UnknownKey,
        range: entry.key_span.clone(),
        path: cx.path_str(),
        message: format!("unknown key `{}` in {place}{hint}", entry.key),
        suggestion,
        structural: false,
    }
}

fn deprecation(
    cx: &Cx<'_, '_>,
    parent: Node<'_>,
    prop: Node<'_>,
    entry: &super::value::Entry<'_>,
) -> Option<Finding> {
    let nodes = walk::expand(cx.cat, prop);
    // Only the property's own node and its `$ref` target speak for the key; a deprecated
    // branch of an `anyOf` (one alias among several values) is about values, not the key.
    let own: Vec<Node<'_>> = nodes
        .iter()
        .copied()
        .take_while(|n| n.id() == prop.id() || prop.get("$ref").is_some())
        .take(2)
        .collect();
    if !walk::is_deprecated(&own) {
        return None;
    }
    let desc = walk::description(&own).unwrap_or("");
    let replacement = replacement_in(desc).or_else(|| moved_under(cx, parent, entry.key));
    let why = deprecation_sentence(desc);
    let message = match &replacement {
        Some(r) => format!("`{}` is deprecated; use `{r}` instead", entry.key),
        None if !why.is_empty() => format!("`{}` is deprecated: {why}", entry.key),
        None => format!("`{}` is deprecated", entry.key),
    };
    Some(Finding {
        kind: FindingKind::Deprecated {
            replacement: replacement.clone(),
        },
        range: entry.key_span.clone(),
        path: cx.path_str(),
        message,
        suggestion: replacement,
        structural: false,
    })
}

/// "use `X` instead", "renamed to `X`", "in favor of `X`", "use 'X' instead".
fn replacement_in(desc: &str) -> Option<String> {
    let lower = desc.to_ascii_lowercase();
    for marker in [
        "renamed to ",
        "in favor of use ",
        "in favor of ",
        "in favour of ",
        "use ",
    ] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(marker) {
            let start = from + pos + marker.len();
            let rest = &desc[start..];
            let quoted = rest
                .strip_prefix('`')
                .and_then(|r| r.split_once('`'))
                .or_else(|| rest.strip_prefix('\'').and_then(|r| r.split_once('\'')));
            if let Some((name, after)) = quoted
                && !name.is_empty()
                && !name.contains(' ')
                && (marker != "use "
                    || after
                        .trim_start()
                        .to_ascii_lowercase()
                        .starts_with("instead"))
            {
                return Some(name.to_string());
            }
            from = start;
        }
    }
    // "DEPRECATED. Alias for strict_xfail." names the new key without quotes.
    if let Some(pos) = lower.find("alias for ") {
        let name: String = desc[pos + 10..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '`'))
            .collect();
        let name = name.trim_matches(['`', '.']).to_string();
        if !name.is_empty() {
            return Some(name);
        }
    }
    None
}

/// Ruff-style moves: a deprecated top-level `select` whose live twin is `lint.select`.
fn moved_under(cx: &Cx<'_, '_>, parent: Node<'_>, key: &str) -> Option<String> {
    let props = parent.get("properties")?.as_object()?;
    for (name, sub) in props {
        if name == key {
            continue;
        }
        let sub_nodes = walk::expand(cx.cat, parent.at(sub));
        let twin = walk::child(cx.cat, &sub_nodes, key);
        if !twin.is_empty()
            && !walk::is_deprecated(&twin)
            && sub_nodes.iter().any(|n| n.get("properties").is_some())
        {
            return Some(format!("{name}.{key}"));
        }
    }
    None
}

/// The sentence of a description that speaks of the deprecation, else its first sentence.
fn deprecation_sentence(desc: &str) -> String {
    let flat = desc.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentences: Vec<&str> = flat
        .split_inclusive(". ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let useful = |s: &&str| {
        !s.trim_end_matches(['.', ':'])
            .eq_ignore_ascii_case("deprecated")
    };
    let s = sentences
        .iter()
        .find(|s| s.to_ascii_lowercase().contains("deprecat") && useful(s))
        .or_else(|| sentences.iter().find(|s| useful(s)))
        .copied()
        .unwrap_or("");
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s.to_string()
    }
}

/// The candidate closest in spelling, when it is close enough to be a likely typo.
pub fn closest<'s>(word: &str, candidates: impl Iterator<Item = &'s str>) -> Option<String> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(&word.to_ascii_lowercase(), &c.to_ascii_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (word.chars().count() / 3).clamp(1, 3);
    (d <= limit && d > 0 || (d == 0 && c != word)).then(|| c.to_string())
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacement_is_read_from_descriptions() {
        assert_eq!(
            replacement_in("Deprecated: use 'tox_root' instead").as_deref(),
            Some("tox_root")
        );
        assert_eq!(
            replacement_in("DEPRECATED: This option has been renamed to `allowed-modules`. Use `allowed-modules` instead.").as_deref(),
            Some("allowed-modules")
        );
        assert_eq!(
            replacement_in(
                "Create a version file; deprecated in favor of use `version_file` instead."
            )
            .as_deref(),
            Some("version_file")
        );
        assert_eq!(replacement_in("Whether to use `foo` for bar."), None);
    }

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["line-length", "target-version", "select"];
        assert_eq!(
            closest("line-lenght", keys.iter().copied()).as_deref(),
            Some("line-length")
        );
        assert_eq!(closest("completely-different", keys.iter().copied()), None);
    }
}
