//! PP12x, dependency lists as written: every requirement a valid PEP 508 string (the error at the
//! bad part), no direct URL references in published metadata, no duplicates, dependency groups
//! whose `include-group`s exist and do not form cycles, self-references to extras that exist.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use pep508_rs::{Requirement, VersionOrUrl};
use toml_edit::{Item, Value};

use super::project::normalize_name;
use super::{Context, DiagnosticExt, Rule, closest};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::manifest::edit;

pub const INVALID_REQUIREMENT: Rule = Rule {
    code: "PP120",
    name: "invalid-requirement",
    severity: Severity::Error,
    summary: "A dependency is not a valid PEP 508 requirement (`requests >= = 2`, Poetry's `^1.2`, a missing comma).",
};
pub const DIRECT_REFERENCE: Rule = Rule {
    code: "PP121",
    name: "direct-reference",
    severity: Severity::Warning,
    summary: "A published dependency is a direct URL reference (`pkg @ https://...`); the package index rejects the upload.",
};
pub const DUPLICATE_REQUIREMENT: Rule = Rule {
    code: "PP122",
    name: "duplicate-requirement",
    severity: Severity::Warning,
    summary: "The same project (by normalized name, with the same markers) is listed twice in one list.",
};
pub const UNKNOWN_INCLUDE_GROUP: Rule = Rule {
    code: "PP123",
    name: "unknown-include-group",
    severity: Severity::Error,
    summary: "`{ include-group = \"x\" }` names a dependency group that does not exist, or is malformed.",
};
pub const GROUP_CYCLE: Rule = Rule {
    code: "PP124",
    name: "dependency-group-cycle",
    severity: Severity::Error,
    summary: "Dependency groups include each other in a cycle.",
};
pub const DUPLICATE_GROUP: Rule = Rule {
    code: "PP125",
    name: "duplicate-group",
    severity: Severity::Error,
    summary: "Two dependency groups (or extras) have the same normalized name.",
};
pub const UNKNOWN_SELF_EXTRA: Rule = Rule {
    code: "PP126",
    name: "unknown-self-extra",
    severity: Severity::Error,
    summary: "A self-reference `project[extra]` names an extra the project does not define.",
};

pub static RULES: &[&Rule] = &[
    &INVALID_REQUIREMENT,
    &DIRECT_REFERENCE,
    &DUPLICATE_REQUIREMENT,
    &UNKNOWN_INCLUDE_GROUP,
    &GROUP_CYCLE,
    &DUPLICATE_GROUP,
    &UNKNOWN_SELF_EXTRA,
];

/// Where a list of requirements lives, which decides what is allowed in it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ListKind {
    /// Published in the package metadata: direct references are refused by the index.
    Published,
    /// Build requirements and dependency groups: never published.
    Local,
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let project_name = cx
        .manifest
        .get(&["project", "name"])
        .and_then(Item::as_str)
        .map(normalize_name);
    let extras: Vec<String> = cx
        .manifest
        .get(&["project", "optional-dependencies"])
        .and_then(Item::as_table_like)
        .map(|t| t.iter().map(|(k, _)| normalize_name(k)).collect())
        .unwrap_or_default();
    // Extras computed by the backend cannot be checked here.
    let extras_dynamic = cx
        .manifest
        .get(&["project", "dynamic"])
        .map(crate::manifest::string_items)
        .is_some_and(|d| d.iter().any(|(k, _)| k == "optional-dependencies"));
    let self_ref = SelfRef {
        name: if extras_dynamic {
            None
        } else {
            project_name.as_deref()
        },
        extras: &extras,
    };

    if let Some(item) = cx.manifest.get(&["project", "dependencies"]) {
        check_list(cx, item, ListKind::Published, &self_ref, out);
    }
    if let Some(table) = cx
        .manifest
        .get(&["project", "optional-dependencies"])
        .and_then(Item::as_table_like)
    {
        duplicate_names(
            cx,
            &["project", "optional-dependencies"],
            table,
            "extra",
            out,
        );
        for (_, item) in table.iter() {
            check_list(cx, item, ListKind::Published, &self_ref, out);
        }
    }
    if let Some(item) = cx.manifest.get(&["build-system", "requires"]) {
        check_list(cx, item, ListKind::Local, &self_ref, out);
    }
    check_groups(cx, &self_ref, out);
}

struct SelfRef<'a> {
    name: Option<&'a str>,
    extras: &'a [String],
}

/// Checks one array of requirement strings (non-strings are reported by the type rules).
fn check_list(
    cx: &Context,
    item: &Item,
    kind: ListKind,
    self_ref: &SelfRef,
    out: &mut Vec<Diagnostic>,
) {
    let Some(array) = item.as_array() else { return };
    let spans: Vec<Range<usize>> = array.iter().filter_map(Value::span).collect();
    let mut seen: HashMap<(String, String), Range<usize>> = HashMap::new();
    for (index, value) in array.iter().enumerate() {
        let (Some(s), Some(span)) = (value.as_str(), value.span()) else {
            continue;
        };
        let Some(req) = check_requirement(cx, s, &span, kind, out) else {
            continue;
        };
        let name = normalize_name(req.name.as_ref());
        if Some(name.as_str()) == self_ref.name {
            for extra in &req.extras {
                let e = normalize_name(extra.as_ref());
                if !self_ref.extras.contains(&e) {
                    out.push(UNKNOWN_SELF_EXTRA.diag(span.clone(), format!("`{s}` refers to this project's extra `{extra}`, which `[project.optional-dependencies]` does not define.")));
                }
            }
        }
        let marker = req.marker.try_to_string().unwrap_or_default();
        let mut extras: Vec<String> = req
            .extras
            .iter()
            .map(|e| normalize_name(e.as_ref()))
            .collect();
        extras.sort();
        let key = (name.clone(), format!("{}|{marker}", extras.join(",")));
        if let Some(first) = seen.get(&key) {
            let first_text = cx.slice(first).to_string();
            let fix = spans
                .iter()
                .position(|sp| *sp == span)
                .and_then(|i| edit::remove_array_item(cx.text, &spans, i))
                .map(|e| Fix::safe("Remove this duplicate", vec![e]));
            let _ = index;
            out.push(
                DUPLICATE_REQUIREMENT
                    .diag(
                        span.clone(),
                        format!("`{name}` is already listed here as {first_text}."),
                    )
                    .with_fixes(fix),
            );
        } else {
            seen.insert(key, span.clone());
        }
    }
}

/// Parses one requirement string; reports syntax errors at the bad part and direct references.
fn check_requirement(
    cx: &Context,
    s: &str,
    span: &Range<usize>,
    kind: ListKind,
    out: &mut Vec<Diagnostic>,
) -> Option<Requirement> {
    let content = crate::manifest::string_content_span(cx.text, span);
    // Offsets inside the string map to the document only when the string has no escapes.
    let verbatim = cx.slice(&content) == s;
    match crate::manifest::requirement::parse(s) {
        Ok(req) => {
            if kind == ListKind::Published
                && matches!(req.version_or_url, Some(VersionOrUrl::Url(_)))
            {
                out.push(DIRECT_REFERENCE.diag(
                    span.clone(),
                    format!("`{}` is a direct URL reference: the package index rejects uploads with them. Depend on a released version, or move it to a dependency group or `[tool.uv.sources]`.", req.name),
                ));
            }
            Some(req)
        }
        Err(err) => {
            let range = if verbatim {
                let start = (content.start + err.start).min(content.end);
                let end = (start + err.len.max(1)).min(content.end).max(start);
                if start == end {
                    span.clone()
                } else {
                    start..end
                }
            } else {
                span.clone()
            };
            let range = clamp_to_chars(cx.text, range);
            let message = err.message.to_string();
            let mut fixes = Vec::new();
            if let Some(fixed) = poetry_to_pep440(s) {
                fixes.push(Fix::safe(
                    format!("Rewrite as \"{fixed}\""),
                    vec![Edit::replace(span.clone(), edit::quote(&fixed))],
                ));
            } else if let Some(fixed) = missing_comma(s) {
                fixes.push(Fix::safe(
                    format!("Add the missing comma: \"{fixed}\""),
                    vec![Edit::replace(span.clone(), edit::quote(&fixed))],
                ));
            }
            let hint = if s.contains('^') || s.contains(" ~") || s.contains("~1") {
                " (`^` and `~` are Poetry's syntax, not PEP 508)"
            } else {
                ""
            };
            out.push(
                INVALID_REQUIREMENT
                    .diag(
                        range,
                        format!("Invalid requirement `{s}`: {message}{hint}."),
                    )
                    .with_fixes(fixes),
            );
            None
        }
    }
}

fn clamp_to_chars(text: &str, range: Range<usize>) -> Range<usize> {
    let mut start = range.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.min(text.len()).max(start);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// `name ^1.2.3` / `name~1.2` (Poetry) to PEP 440 ranges.
fn poetry_to_pep440(s: &str) -> Option<String> {
    let (op, at) = s.find('^').map(|i| ('^', i)).or_else(|| {
        let i = s.find('~')?;
        (!s[i..].starts_with("~=")).then_some(('~', i))
    })?;
    let name = s[..at].trim();
    let rest = &s[at + 1..];
    let (version, tail) = rest
        .split_once(';')
        .map_or((rest.trim(), ""), |(v, t)| (v.trim(), t));
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u64>>>()?;
    if parts.is_empty() || name.is_empty() {
        return None;
    }
    let upper = match op {
        '^' => {
            let idx = parts
                .iter()
                .position(|p| *p != 0)
                .unwrap_or(parts.len() - 1);
            let mut up: Vec<u64> = parts[..=idx].to_vec();
            up[idx] += 1;
            up
        }
        _ => {
            let mut up: Vec<u64> = if parts.len() >= 2 {
                parts[..2].to_vec()
            } else {
                parts[..1].to_vec()
            };
            let last = up.len() - 1;
            up[last] += 1;
            up
        }
    };
    let upper: Vec<String> = upper.iter().map(u64::to_string).collect();
    let marker = if tail.is_empty() {
        String::new()
    } else {
        format!(";{tail}")
    };
    Some(format!("{name}>={version},<{}{marker}", upper.join(".")))
}

/// `tinycss2>=1.1.0<1.2` → `tinycss2>=1.1.0,<1.2`.
fn missing_comma(s: &str) -> Option<String> {
    let (head, marker) = s.split_once(';').map_or((s, None), |(h, m)| (h, Some(m)));
    let bytes = head.as_bytes();
    let first_op = head.find(['<', '>', '=', '!', '~'])?;
    let mut out = String::with_capacity(s.len() + 2);
    let mut changed = false;
    for (i, c) in head.char_indices() {
        if i > first_op && matches!(c, '<' | '>' | '!' | '~' | '=') {
            let prev = bytes[i - 1];
            if prev.is_ascii_alphanumeric() || prev == b'*' {
                out.push(',');
                changed = true;
            }
        }
        out.push(c);
    }
    if let Some(m) = marker {
        out.push(';');
        out.push_str(m);
    }
    (changed && crate::manifest::requirement::parse(&out).is_ok()).then_some(out)
}

/// Reports names that collide after normalization in a table (extras, groups).
fn duplicate_names(
    cx: &Context,
    path: &[&str],
    table: &dyn toml_edit::TableLike,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (key, _) in table.iter() {
        let norm = normalize_name(key);
        if let Some(first) = seen.get(&norm) {
            let mut p = path.to_vec();
            p.push(key);
            let span = cx.manifest.key_span(&p).unwrap_or(0..0);
            out.push(DUPLICATE_GROUP.diag(
                span,
                format!("The {what} `{key}` is the same as `{first}` once names are normalized."),
            ));
        } else {
            seen.insert(norm, key.to_string());
        }
    }
}

fn check_groups(cx: &Context, self_ref: &SelfRef, out: &mut Vec<Diagnostic>) {
    let Some(groups) = cx
        .manifest
        .get(&["dependency-groups"])
        .and_then(Item::as_table_like)
    else {
        return;
    };
    duplicate_names(cx, &["dependency-groups"], groups, "dependency group", out);
    let names: Vec<String> = groups.iter().map(|(k, _)| normalize_name(k)).collect();
    let mut includes: HashMap<String, Vec<String>> = HashMap::new();
    for (group, item) in groups.iter() {
        let Some(array) = item.as_array() else {
            let span = item
                .span()
                .or_else(|| cx.manifest.key_span(&["dependency-groups", group]))
                .unwrap_or(0..0);
            out.push(super::project::INVALID_TYPE.diag(span, format!("Dependency group `{group}` must be an array of requirements and `{{ include-group = \"...\" }}` tables.")));
            continue;
        };
        check_list(cx, item, ListKind::Local, self_ref, out);
        for value in array.iter() {
            let span = value.span().unwrap_or(0..0);
            match value {
                Value::String(_) => {}
                Value::InlineTable(t) => {
                    let target = t.get("include-group").and_then(Value::as_str);
                    if t.len() != 1 || target.is_none() {
                        out.push(UNKNOWN_INCLUDE_GROUP.diag(span, "An include table must have exactly one key, `include-group`, naming another group."));
                        continue;
                    }
                    let target = target.unwrap_or_default();
                    let norm = normalize_name(target);
                    if !names.contains(&norm) {
                        let tspan = t.get("include-group").and_then(Value::span).unwrap_or(span);
                        let candidates: Vec<&str> = groups.iter().map(|(k, _)| k).filter(|k| normalize_name(k) != normalize_name(group)).collect();
                        let fixes: Vec<Fix> = closest(target, candidates.iter().copied(), 3)
                            .into_iter()
                            .map(|c| Fix::suggested(format!("Change to \"{c}\""), vec![Edit::replace(tspan.clone(), edit::quote(c))]))
                            .collect();
                        out.push(UNKNOWN_INCLUDE_GROUP.diag(tspan, format!("There is no dependency group `{target}` to include.")).with_fixes(fixes));
                        continue;
                    }
                    includes.entry(normalize_name(group)).or_default().push(norm);
                }
                _ => out.push(super::project::INVALID_TYPE.diag(span, format!("Items of dependency group `{group}` must be requirement strings or `{{ include-group = \"...\" }}`."))),
            }
        }
    }
    // Cycles: depth-first search from every group, reported once per group on the cycle.
    let mut reported: HashSet<String> = HashSet::new();
    for (group, _) in groups.iter() {
        let start = normalize_name(group);
        if let Some(cycle) = find_cycle(&start, &includes)
            && !reported.contains(&start)
        {
            reported.extend(cycle.iter().cloned());
            let span = cx
                .manifest
                .key_span(&["dependency-groups", group])
                .unwrap_or(0..0);
            out.push(GROUP_CYCLE.diag(
                span,
                format!(
                    "Dependency groups include each other in a cycle: {}.",
                    cycle.join(" → ")
                ),
            ));
        }
    }
}

fn find_cycle(start: &str, includes: &HashMap<String, Vec<String>>) -> Option<Vec<String>> {
    fn walk(
        node: &str,
        start: &str,
        includes: &HashMap<String, Vec<String>>,
        path: &mut Vec<String>,
        seen: &mut HashSet<String>,
    ) -> bool {
        for next in includes.get(node).map(Vec::as_slice).unwrap_or(&[]) {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(next, start, includes, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    let mut seen = HashSet::new();
    walk(start, start, includes, &mut path, &mut seen).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_operators() {
        assert_eq!(
            poetry_to_pep440("requests ^2.31.0").as_deref(),
            Some("requests>=2.31.0,<3")
        );
        assert_eq!(
            poetry_to_pep440("x^0.2.1").as_deref(),
            Some("x>=0.2.1,<0.3")
        );
        assert_eq!(
            poetry_to_pep440("x ~1.2.3").as_deref(),
            Some("x>=1.2.3,<1.3")
        );
        assert_eq!(poetry_to_pep440("x~=1.2"), None);
    }

    #[test]
    fn comma() {
        assert_eq!(
            missing_comma("tinycss2>=1.1.0<1.2").as_deref(),
            Some("tinycss2>=1.1.0,<1.2")
        );
        assert_eq!(missing_comma("a>=1,<2"), None);
    }

    #[test]
    fn cycles() {
        let mut inc = HashMap::new();
        inc.insert("a".to_string(), vec!["b".to_string()]);
        inc.insert("b".to_string(), vec!["a".to_string()]);
        assert_eq!(
            find_cycle("a", &inc),
            Some(vec!["a".into(), "b".into(), "a".into()])
        );
        inc.insert("b".to_string(), vec![]);
        assert_eq!(find_cycle("a", &inc), None);
    }
}
