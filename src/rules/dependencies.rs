//! PP30x, dependencies against the package index: unknown projects, specifiers no release
//! satisfies, pins to yanked or vulnerable releases, and newer releases outside the specifier.
//! Also where requirement strings live in a pyproject.toml and how they are written (the text
//! positions of name, extras and version clauses), shared with `features::dependencies`.
//!
//! Nothing here is said without a definite answer from the index: a name the index has not
//! answered for, or that failed to load, produces no diagnostic.

use std::collections::HashSet;
use std::ops::Range;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::VersionOrUrl;
use toml_edit::Item;

use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::index::{IndexFacts, Outcome, Project, normalize, versions};
use crate::manifest::Manifest;
use crate::rules::{Context, DiagnosticExt, Rule};

pub const UNKNOWN_PROJECT: Rule = Rule {
    code: "PP301",
    name: "unknown-project",
    severity: Severity::Error,
    summary: "No configured package index knows this project (every index answered 404).",
};
pub const NO_MATCHING_RELEASE: Rule = Rule {
    code: "PP302",
    name: "no-matching-release",
    severity: Severity::Error,
    summary: "No installable release of the project satisfies the version specifier (a warning when the index data is over 10 minutes old: a newer release may exist).",
};
pub const YANKED_VERSION: Rule = Rule {
    code: "PP303",
    name: "yanked-version",
    severity: Severity::Warning,
    summary: "The requirement pins a release that was yanked from the index (the reason is shown).",
};
pub const VULNERABLE_VERSION: Rule = Rule {
    code: "PP304",
    name: "vulnerable-version",
    severity: Severity::Warning,
    summary: "The requirement pins a release with known vulnerabilities; a fix updates to the first fixed version.",
};
pub const NEWER_RELEASE: Rule = Rule {
    code: "PP305",
    name: "newer-release-available",
    severity: Severity::Hint,
    summary: "A newer release exists outside the version specifier (setting `dependencies.suggestUpdates`).",
};

pub static RULES: &[&Rule] = &[
    &UNKNOWN_PROJECT,
    &NO_MATCHING_RELEASE,
    &YANKED_VERSION,
    &VULNERABLE_VERSION,
    &NEWER_RELEASE,
];

/// A requirement string in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The decoded string.
    pub text: String,
    /// The whole string, quotes included.
    pub span: Range<usize>,
    /// Between the quotes.
    pub content: Range<usize>,
    /// True when the document text between the quotes equals `text` (no escapes), so offsets
    /// inside `text` map to the document.
    pub verbatim: bool,
}

impl Located {
    /// A range inside `text` as a document range (the whole string when it has escapes).
    pub fn doc_range(&self, r: &Range<usize>) -> Range<usize> {
        if self.verbatim {
            self.content.start + r.start..self.content.start + r.end
        } else {
            self.span.clone()
        }
    }
}

/// True for a key path whose value is an array of PEP 508 requirement strings.
pub fn is_requirement_list(path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    matches!(
        p.as_slice(),
        ["project", "dependencies"]
            | ["project", "optional-dependencies", _]
            | ["dependency-groups", _]
            | ["build-system", "requires"]
            | [
                "tool",
                "uv",
                "dev-dependencies"
                    | "constraint-dependencies"
                    | "override-dependencies"
                    | "build-constraint-dependencies"
            ]
    )
}

/// Every requirement string of the PEP 508 lists, in document order.
pub fn requirement_strings(manifest: &Manifest, text: &str) -> Vec<Located> {
    let Some(root) = manifest.root() else {
        return Vec::new();
    };
    let mut lists: Vec<&Item> = Vec::new();
    let mut push = |path: &[&str]| {
        if let Some(item) = crate::manifest::get_in(root, path) {
            lists.push(item);
        }
    };
    push(&["project", "dependencies"]);
    push(&["build-system", "requires"]);
    for key in [
        "dev-dependencies",
        "constraint-dependencies",
        "override-dependencies",
        "build-constraint-dependencies",
    ] {
        push(&["tool", "uv", key]);
    }
    for table in [
        &["project", "optional-dependencies"][..],
        &["dependency-groups"][..],
    ] {
        if let Some(t) = crate::manifest::get_in(root, table).and_then(Item::as_table_like) {
            lists.extend(t.iter().map(|(_, item)| item));
        }
    }
    let mut out: Vec<Located> = lists
        .into_iter()
        .flat_map(crate::manifest::string_items)
        .map(|(s, span)| {
            let content = crate::manifest::string_content_span(text, &span);
            let verbatim = text.get(content.clone()) == Some(s.as_str());
            Located {
                text: s,
                span,
                content,
                verbatim,
            }
        })
        .collect();
    out.sort_by_key(|l| l.span.start);
    out
}

/// Poetry dependency tables: `[tool.poetry.dependencies]`, `dev-dependencies` and
/// `[tool.poetry.group.<g>.dependencies]`, as (normalized name, the version string if any).
pub fn poetry_dependencies(manifest: &Manifest, text: &str) -> Vec<(String, Option<Located>)> {
    let Some(poetry) = manifest
        .get(&["tool", "poetry"])
        .and_then(Item::as_table_like)
    else {
        return Vec::new();
    };
    let mut tables: Vec<&dyn toml_edit::TableLike> = Vec::new();
    for key in ["dependencies", "dev-dependencies"] {
        tables.extend(poetry.get(key).and_then(Item::as_table_like));
    }
    if let Some(groups) = poetry.get("group").and_then(Item::as_table_like) {
        for (_, g) in groups.iter() {
            tables.extend(
                g.as_table_like()
                    .and_then(|g| g.get("dependencies"))
                    .and_then(Item::as_table_like),
            );
        }
    }
    let mut out = Vec::new();
    for table in tables {
        for (name, item) in table.iter() {
            if name == "python" {
                continue;
            }
            // Path, git and URL dependencies do not come from an index.
            let local = |t: &dyn toml_edit::TableLike| {
                ["path", "git", "url"].iter().any(|k| t.contains_key(k))
            };
            if item.as_table_like().is_some_and(local) {
                continue;
            }
            let value = item.as_value().and_then(|v| match v {
                toml_edit::Value::String(_) => Some(v),
                toml_edit::Value::InlineTable(t) => t.get("version"),
                _ => None,
            });
            let value = value.or_else(|| {
                item.as_table_like()
                    .and_then(|t| t.get("version"))
                    .and_then(Item::as_value)
            });
            let located = value.and_then(|v| {
                let (s, span) = (v.as_str()?, v.span()?);
                let content = crate::manifest::string_content_span(text, &span);
                Some(Located {
                    text: s.to_string(),
                    verbatim: text.get(content.clone()) == Some(s),
                    span,
                    content,
                })
            });
            out.push((normalize(name), located));
        }
    }
    out
}

/// Every project name the document depends on, normalized and unique: what the server asks the
/// index about.
pub fn requirement_names(manifest: &Manifest, text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let names = requirement_strings(manifest, text)
        .into_iter()
        .filter_map(|l| {
            // A direct reference (`pkg @ https://...`) is not installed from an index: its name
            // is never sent to one.
            let parts = split(&l.text);
            if parts.url {
                return None;
            }
            Some(normalize(parts.name_text(&l.text)?))
        })
        .chain(
            poetry_dependencies(manifest, text)
                .into_iter()
                .map(|(n, _)| n),
        );
    // Nor are workspace members, path and git sources, or the project itself.
    let elsewhere = non_index_sources(manifest);
    let own = manifest
        .get(&["project", "name"])
        .and_then(Item::as_str)
        .map(normalize);
    for name in names {
        if elsewhere.contains(&name) || own.as_ref() == Some(&name) {
            continue;
        }
        if !name.is_empty() && seen.insert(name.clone()) {
            out.push(name);
        }
    }
    out
}

/// `(name, version)` of every requirement pinned with `==`/`===` (no wildcard): what the server
/// asks release metadata (vulnerabilities) for.
pub fn pinned_requirements(manifest: &Manifest, text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = requirement_strings(manifest, text)
        .iter()
        .filter_map(|l| {
            let parts = split(&l.text);
            let version = pinned(&parts)?.version.clone();
            Some((normalize(parts.name_text(&l.text)?), version))
        })
        .filter(|(_, v)| versions::parse(v).is_some())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The lowest Python the project supports, from `project.requires-python`.
pub fn project_floor(manifest: &Manifest) -> Option<Version> {
    versions::python_floor(manifest.get(&["project", "requires-python"])?.as_str()?)
}

/// One `op version` clause of a requirement, with positions inside the string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    pub op: String,
    pub op_range: Range<usize>,
    pub version: String,
    pub version_range: Range<usize>,
}

/// Where the parts of a requirement string are (byte offsets inside the string). Tolerant: a
/// half-typed requirement gives what could be read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parts {
    pub name: Range<usize>,
    /// Between the brackets (to the end when unclosed).
    pub extras: Option<Range<usize>>,
    pub extras_closed: bool,
    pub clauses: Vec<Clause>,
    /// All clauses, from the first operator to the last version character.
    pub specifier: Option<Range<usize>>,
    /// True when a `@ url` follows the name.
    pub url: bool,
}

impl Parts {
    pub fn name_text<'s>(&self, s: &'s str) -> Option<&'s str> {
        s.get(self.name.clone()).filter(|n| !n.is_empty())
    }
}

const OPERATORS: &[&str] = &["===", "==", "~=", "!=", "<=", ">=", "<", ">"];

/// Splits a requirement string into its parts.
pub fn split(s: &str) -> Parts {
    let b = s.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    let start = i;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'.' | b'_' | b'-')) {
        i += 1;
    }
    let mut parts = Parts {
        name: start..i,
        ..Parts::default()
    };
    skip_ws(&mut i);
    if i < b.len() && b[i] == b'[' {
        let open = i + 1;
        let close = s[open..].find(']').map(|c| open + c);
        parts.extras = Some(open..close.unwrap_or(s.len()));
        parts.extras_closed = close.is_some();
        i = close.map_or(s.len(), |c| c + 1);
        skip_ws(&mut i);
    }
    if i < b.len() && b[i] == b'@' {
        parts.url = true;
        return parts;
    }
    if i < b.len() && b[i] == b'(' {
        i += 1;
    }
    let end = s[i..].find([';', ')']).map_or(s.len(), |e| i + e);
    let mut at = i;
    for piece in s[i..end].split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let body = piece.trim();
        let op_start = at + lead;
        at += piece.len() + 1;
        let Some(op) = OPERATORS.iter().find(|op| body.starts_with(**op)) else {
            continue;
        };
        let rest = &body[op.len()..];
        let v_lead = rest.len() - rest.trim_start().len();
        let version = rest.trim();
        let v_start = op_start + op.len() + v_lead;
        parts.clauses.push(Clause {
            op: op.to_string(),
            op_range: op_start..op_start + op.len(),
            version: version.to_string(),
            version_range: v_start..v_start + version.len(),
        });
    }
    if let (Some(first), Some(last)) = (parts.clauses.first(), parts.clauses.last()) {
        parts.specifier = Some(first.op_range.start..last.version_range.end);
    }
    parts
}

/// The new text for a clause's version so that the requirement admits `latest`, keeping the
/// style: `==1.0` → `==2.1`, `~=1.2` → `~=2.1`, `<2` → `<3`, `<2.4` → `<2.6`, `<=2.0` → `<=2.1`.
/// `None` when no single clause is the obstacle (the user must decide).
pub fn update_edit(located: &Located, latest: &Version) -> Option<Edit> {
    let parts = split(&located.text);
    let specifiers =
        VersionSpecifiers::from_str(located.text.get(parts.specifier.clone()?)?).ok()?;
    if specifiers.contains(latest) {
        return None;
    }
    let blocking: Vec<&Clause> = parts
        .clauses
        .iter()
        .filter(|c| {
            VersionSpecifiers::from_str(&format!("{}{}", c.op, c.version))
                .is_ok_and(|s| !s.contains(latest))
        })
        .collect();
    let [clause] = blocking.as_slice() else {
        return None;
    };
    let old = versions::parse(clause.version.trim_end_matches(".*"))?;
    let release = latest.release();
    let new = match clause.op.as_str() {
        "==" | "===" if !clause.version.ends_with(".*") => latest.to_string(),
        "==" => format!(
            "{}.*",
            join(&release[..old.release().len().min(release.len())])
        ),
        "~=" => join(
            &release[..old
                .release()
                .len()
                .clamp(2, release.len().max(2))
                .min(release.len())],
        ),
        "<=" => latest.to_string(),
        "<" => {
            let n = old.release().len().clamp(1, release.len().max(1));
            let mut bumped: Vec<u64> = release
                .iter()
                .copied()
                .chain(std::iter::repeat(0))
                .take(n)
                .collect();
            bumped[n - 1] += 1;
            join(&bumped)
        }
        _ => return None,
    };
    let fixed = format!(
        "{}{}{}",
        &located.text[..clause.version_range.start],
        new,
        &located.text[clause.version_range.end..]
    );
    // Only a verbatim string can take an in-place edit; otherwise replace the whole string.
    Some(if located.verbatim {
        Edit::replace(located.doc_range(&clause.version_range), new)
    } else {
        Edit::replace(located.span.clone(), crate::manifest::edit::quote(&fixed))
    })
}

fn join(parts: &[u64]) -> String {
    parts
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Names that `[tool.uv.sources]` takes from somewhere other than an index (path, git, url,
/// workspace): the index is never asked about them.
pub fn non_index_sources(manifest: &Manifest) -> HashSet<String> {
    let Some(sources) = manifest
        .get(&["tool", "uv", "sources"])
        .and_then(Item::as_table_like)
    else {
        return HashSet::new();
    };
    sources
        .iter()
        .filter(|(_, spec)| {
            let has_index = |t: &dyn toml_edit::TableLike| t.contains_key("index");
            match spec.as_table_like() {
                Some(t) => !has_index(t),
                // An array of sources (split by markers): skip when any is not an index.
                None => spec.as_array().is_some_and(|a| {
                    a.iter().any(|v| {
                        v.as_inline_table()
                            .is_some_and(|t| !t.contains_key("index"))
                    })
                }),
            }
        })
        .map(|(name, _)| normalize(name))
        .collect()
}

/// The pinned version of a requirement (`==1.2.3` or `===1.2.3`, no wildcard).
pub fn pinned(parts: &Parts) -> Option<&Clause> {
    match parts.clauses.as_slice() {
        [c] if (c.op == "==" || c.op == "===") && !c.version.ends_with(".*") => Some(c),
        _ => None,
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let facts: &IndexFacts = &cx.facts.index;
    if facts.projects.is_empty() {
        return;
    }
    let own = cx
        .manifest
        .get(&["project", "name"])
        .and_then(Item::as_str)
        .map(normalize);
    let elsewhere = non_index_sources(cx.manifest);
    let floor = project_floor(cx.manifest);
    for located in requirement_strings(cx.manifest, cx.text) {
        let Ok(req) = crate::manifest::requirement::parse(&located.text) else {
            continue;
        };
        let name = normalize(req.name.as_ref());
        let direct = matches!(req.version_or_url, Some(VersionOrUrl::Url(_)));
        if direct || Some(&name) == own.as_ref() || elsewhere.contains(&name) {
            continue;
        }
        let Some(answer) = facts.projects.get(&name) else {
            continue;
        };
        let parts = split(&located.text);
        let name_range = located.doc_range(&parts.name);
        let project = match &answer.outcome {
            Outcome::Failed(_) => continue,
            Outcome::NotFound => {
                let suggestions = facts.suggestions.get(&name).cloned().unwrap_or_default();
                let mut message = format!(
                    "No configured package index has a project named `{}`.",
                    req.name
                );
                if let Some(first) = suggestions.first() {
                    message.push_str(&format!(" Did you mean `{first}`?"));
                }
                let fixes: Vec<Fix> = suggestions
                    .iter()
                    .map(|s| {
                        Fix::suggested(
                            format!("Replace with `{s}`"),
                            vec![Edit::replace(name_range.clone(), s.clone())],
                        )
                    })
                    .collect();
                out.push(UNKNOWN_PROJECT.diag(name_range, message).with_fixes(fixes));
                continue;
            }
            Outcome::Found(p) => p,
        };
        let Some(VersionOrUrl::VersionSpecifier(specifiers)) = &req.version_or_url else {
            continue;
        };
        let spec_range = parts
            .specifier
            .as_ref()
            .map(|r| located.doc_range(r))
            .unwrap_or_else(|| located.span.clone());
        let now = facts.now.unwrap_or_else(std::time::SystemTime::now);
        let stale = answer.is_stale(now).then(|| answer.age_text(now));
        check_versions(
            cx,
            &located,
            &parts,
            project,
            specifiers,
            spec_range,
            floor.as_ref(),
            stale,
            out,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn check_versions(
    cx: &Context,
    located: &Located,
    parts: &Parts,
    project: &Project,
    specifiers: &VersionSpecifiers,
    range: Range<usize>,
    floor: Option<&Version>,
    stale: Option<String>,
    out: &mut Vec<Diagnostic>,
) {
    let name = &project.name;
    let latest = versions::latest(project, floor).or_else(|| versions::latest(project, None));
    // A yanked release still satisfies an exact pin (PEP 592), so it counts as a match here.
    let any_match = project.releases.iter().any(|r| {
        r.files > 0 && versions::parse(&r.version).is_some_and(|v| specifiers.contains(&v))
    });
    if !any_match {
        let latest_text = latest
            .map(|r| format!(" The latest is {}.", r.version))
            .unwrap_or_default();
        let fix = latest
            .and_then(|r| versions::parse(&r.version))
            .and_then(|v| {
                update_edit(located, &v).map(|e| Fix::suggested(format!("Update to {v}"), vec![e]))
            });
        let mut diagnostic = NO_MATCHING_RELEASE
            .diag(
                range,
                format!(
                    "No installable release of `{name}` satisfies `{specifiers}`.{latest_text}"
                ),
            )
            .with_fixes(fix);
        // Old data (offline, or the index could not be asked again) may predate the release
        // the specifier wants: say so, and do not fail a build on it.
        if let Some(age) = stale {
            diagnostic.message.push_str(&format!(
                " (The index data is {age}: a newer release may satisfy it.)"
            ));
            diagnostic.severity = diagnostic.severity.max(Severity::Warning);
        }
        out.push(diagnostic);
        return;
    }
    if let Some(pin) = pinned(parts)
        && let Some(release) = versions::find(project, &pin.version)
    {
        let pin_range = located.doc_range(&pin.version_range);
        if let Some(reason) = &release.yanked {
            let why = if reason.trim().is_empty() {
                String::new()
            } else {
                format!(": {}", reason.trim())
            };
            let fix = latest.filter(|l| l.version != release.version).map(|l| {
                Fix::suggested(
                    format!("Pin {}", l.version),
                    vec![Edit::replace(pin_range.clone(), l.version.clone())],
                )
            });
            out.push(
                YANKED_VERSION
                    .diag(
                        pin_range.clone(),
                        format!("{name} {} was yanked from the index{why}.", release.version),
                    )
                    .with_fixes(fix),
            );
        }
        // The pinned release's own record when fetched, else the latest release's when it is
        // the pinned one.
        let meta = cx.facts.index.release(name, &release.version).or_else(|| {
            cx.facts
                .index
                .metadata
                .get(name)
                .filter(|m| versions::parse(&m.version) == versions::parse(&release.version))
        });
        if let Some(meta) = meta
            && !meta.vulnerabilities.is_empty()
        {
            let pinned_v = versions::parse(&release.version);
            // The first fixed version of each advisory, then the highest of those.
            let mut target: Option<Version> = None;
            let mut unfixed = 0;
            for v in &meta.vulnerabilities {
                let first = v
                    .fixed_in
                    .iter()
                    .filter_map(|f| versions::parse(f))
                    .filter(|f| Some(f) > pinned_v.as_ref())
                    .min();
                match first {
                    Some(f) => target = target.max(Some(f)),
                    None => unfixed += 1,
                }
            }
            let ids: Vec<&str> = meta.vulnerabilities.iter().map(|v| v.id.as_str()).collect();
            let mut message = format!(
                "{name} {} has {} known vulnerabilit{}: {}.",
                release.version,
                ids.len(),
                if ids.len() == 1 { "y" } else { "ies" },
                ids.join(", ")
            );
            if unfixed > 0 {
                message.push_str(&format!(
                    " {unfixed} of them ha{} no fixed release.",
                    if unfixed == 1 { "s" } else { "ve" }
                ));
            }
            let fix = target.map(|t| {
                Fix::suggested(
                    format!("Update to {t}"),
                    vec![Edit::replace(pin_range.clone(), t.to_string())],
                )
            });
            out.push(VULNERABLE_VERSION.diag(pin_range, message).with_fixes(fix));
        }
    }
    if !cx.settings.suggest_updates {
        return;
    }
    let (Some(latest), Some(matching)) = (latest, versions::newest_match(project, specifiers))
    else {
        return;
    };
    let (Some(latest_v), Some(matching_v)) = (
        versions::parse(&latest.version),
        versions::parse(&matching.version),
    ) else {
        return;
    };
    if latest_v > matching_v && !specifiers.contains(&latest_v) {
        let fix = update_edit(located, &latest_v)
            .map(|e| Fix::suggested(format!("Update to {latest_v}"), vec![e]));
        out.push(
            NEWER_RELEASE
                .diag(
                    range,
                    format!(
                        "{name} {latest_v} is available; `{specifiers}` allows up to {}.",
                        matching.version
                    ),
                )
                .with_fixes(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_requirements() {
        let s = "requests [socks, http2] (>= 2.0, <3) ; python_version >= '3.8'";
        let p = split(s);
        assert_eq!(p.name_text(s), Some("requests"));
        assert_eq!(&s[p.extras.clone().expect("extras")], "socks, http2");
        let ops: Vec<(&str, &str)> = p
            .clauses
            .iter()
            .map(|c| (&s[c.op_range.clone()], &s[c.version_range.clone()]))
            .collect();
        assert_eq!(ops, vec![(">=", "2.0"), ("<", "3")]);
        assert_eq!(&s[p.specifier.expect("spec")], ">= 2.0, <3");
        assert!(split("pkg @ https://x.test/p.whl").url);
        let half = split("httpx>=");
        assert_eq!(half.clauses[0].version, "");
    }

    fn located(s: &str) -> Located {
        Located {
            text: s.into(),
            span: 0..s.len() + 2,
            content: 1..s.len() + 1,
            verbatim: true,
        }
    }

    #[test]
    fn update_edits_keep_style() {
        let v = Version::from_str("2.5.1").expect("version");
        let text = |s: &str| {
            let l = located(s);
            update_edit(&l, &v).map(|e| {
                let doc = format!("\"{s}\"");
                crate::manifest::edit::apply(&doc, &[e])
            })
        };
        assert_eq!(text("x==1.0").as_deref(), Some("\"x==2.5.1\""));
        assert_eq!(text("x~=1.2").as_deref(), Some("\"x~=2.5\""));
        assert_eq!(text("x>=1.0,<2").as_deref(), Some("\"x>=1.0,<3\""));
        assert_eq!(text("x>=1.0,<2.4").as_deref(), Some("\"x>=1.0,<2.6\""));
        assert_eq!(text("x==1.*").as_deref(), Some("\"x==2.*\""));
        assert_eq!(text("x>=2"), None);
    }
}
