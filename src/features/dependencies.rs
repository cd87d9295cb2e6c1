//! Dependencies in the editor, from the package index answers in `Facts`: version completion
//! after an operator or a comma, project-name completion, extras inside `name[`, hover on a
//! requirement, inlay hints with the latest version, and the "Update all dependencies" source
//! action. Pure: the server fetches (`crate::index`) and hands the answers in.

use std::ops::Range;
use std::str::FromStr;
use std::time::SystemTime;

use pep440_rs::{Version, VersionSpecifiers};

use crate::diagnostic::Edit;
use crate::features::actions::{Action, ActionKind};
use crate::features::completion::CompletionContext;
use crate::features::hover::HoverContext;
use crate::features::{CompletionItem, CompletionKind, Completions, Hover};
use crate::index::parse::format_date;
use crate::index::{Answer, IndexFacts, Outcome, Project, normalize, versions};
use crate::manifest::outline::{Cursor, StringAt};
use crate::rules::Facts;
use crate::rules::dependencies::{
    Located, is_requirement_list, pinned, poetry_dependencies, project_floor, requirement_strings,
    split, update_edit,
};
use crate::state::Snapshot;

/// Most versions offered at once (boto3 has 2,000 releases; the newest matter).
const MAX_VERSIONS: usize = 200;
const MAX_NAMES: usize = 50;

/// The project whose versions or extras a completion at `offset` needs, so that the server can
/// wait for just that one (briefly) before computing completions.
pub fn completion_target(snapshot: &Snapshot, offset: usize) -> Option<String> {
    let text = &snapshot.document.text;
    let cursor =
        crate::manifest::outline::cursor_at(&snapshot.document.manifest.outline, text, offset);
    let Cursor::Value {
        key,
        string: Some(string),
        ..
    } = cursor
    else {
        return None;
    };
    if is_requirement_list(&key) {
        let parts = split(&string.typed);
        let name = parts.name_text(&string.typed)?;
        // Only once the name is complete: something follows it.
        return (parts.name.end < string.typed.len()).then(|| normalize(name));
    }
    poetry_name(&key)
}

/// `tool.poetry.[group.<g>.]dependencies.<name>[.version]` -> the name.
fn poetry_name(key: &[String]) -> Option<String> {
    let k: Vec<&str> = key.iter().map(String::as_str).collect();
    let name = match k.as_slice() {
        ["tool", "poetry", "dependencies" | "dev-dependencies", name]
        | [
            "tool",
            "poetry",
            "dependencies" | "dev-dependencies",
            name,
            "version",
        ]
        | ["tool", "poetry", "group", _, "dependencies", name]
        | [
            "tool",
            "poetry",
            "group",
            _,
            "dependencies",
            name,
            "version",
        ] => *name,
        _ => return None,
    };
    (name != "python").then(|| normalize(name))
}

pub fn complete(cx: &CompletionContext, out: &mut Completions) {
    let Cursor::Value {
        key,
        string: Some(string),
        ..
    } = &cx.cursor
    else {
        return;
    };
    let facts = &cx.facts.index;
    let floor = project_floor(&cx.snapshot.document.manifest);
    if is_requirement_list(key) {
        pep508(cx, string, facts, floor.as_ref(), out);
    } else if let Some(name) = poetry_name(key) {
        // Poetry writes `^1.2`, `~1.2`, `>=1.2,<2`: complete the version after the operators.
        let typed = &string.typed;
        let version_start = typed
            .rfind(|c: char| "^~=<>!, ".contains(c))
            .map_or(0, |i| i + 1);
        let partial = &typed[version_start..];
        let range =
            cx.offset - partial.len()..cx.offset + version_tail(cx.text(), cx.offset, string);
        versions_into(facts, &name, partial, "", range, floor.as_ref(), out);
    }
}

/// The length of version characters right after the cursor (replaced along with the typed part).
fn version_tail(text: &str, offset: usize, string: &StringAt) -> usize {
    let end = string.content.end.max(offset);
    text.get(offset..end).map_or(0, |rest| {
        rest.find(|c: char| !is_version_char(c))
            .unwrap_or(rest.len())
    })
}

fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_')
}

fn pep508(
    cx: &CompletionContext,
    string: &StringAt,
    facts: &IndexFacts,
    floor: Option<&Version>,
    out: &mut Completions,
) {
    let typed = string.typed.as_str();
    if typed.contains([';', '@']) {
        return;
    }
    let parts = split(typed);
    let Some(name) = parts.name_text(typed) else {
        return;
    };
    let name_n = normalize(name);
    let content_start = string.content.start;

    // Inside `name[...`: extras.
    if let Some(extras) = &parts.extras
        && !parts.extras_closed
    {
        let inside = &typed[extras.clone()];
        let partial = inside.rsplit(',').next().unwrap_or("").trim_start();
        let present: Vec<String> = inside.split(',').map(|e| normalize(e.trim())).collect();
        let Some(meta) = facts.metadata.get(&name_n) else {
            out.incomplete |= facts.projects.get(&name_n).is_none_or(|a| a.is_definite());
            return;
        };
        let range = cx.offset - partial.len()..cx.offset;
        for extra in &meta.extras {
            if present[..present.len().saturating_sub(1)].contains(&normalize(extra)) {
                continue;
            }
            out.items.push(
                CompletionItem::new(extra.clone(), CompletionKind::Value)
                    .detail(format!("extra of {name} {}", meta.version))
                    .edit(Edit::replace(range.clone(), extra.clone())),
            );
        }
        return;
    }

    // A name still being typed: project names.
    if parts.name.end == typed.len() && parts.extras.is_none() {
        names_into(
            cx,
            string,
            facts,
            &typed[parts.name.clone()],
            content_start + parts.name.start,
            out,
        );
        return;
    }

    // After a comma: a new clause, offered as a bound with its operator.
    let after_name = &typed[parts.name.end..];
    let last_piece = after_name.rsplit(',').next().unwrap_or("");
    if after_name.contains(',') && last_piece.trim().is_empty() {
        let op = match parts.clauses.last().map(|c| c.op.as_str()) {
            Some(">=" | ">" | "~=") => "<",
            _ => ">=",
        };
        versions_into(facts, &name_n, "", op, cx.offset..cx.offset, floor, out);
        return;
    }
    // After an operator: versions.
    let Some(clause) = parts.clauses.last() else {
        return;
    };
    if clause.version_range.end != typed.len() && !clause.version.is_empty() {
        return;
    }
    let partial = clause.version.as_str();
    let range = cx.offset - partial.len()..cx.offset + version_tail(cx.text(), cx.offset, string);
    versions_into(facts, &name_n, partial, "", range, floor, out);
}

/// Version items for `name`, newest first; `op` is put before the version in the inserted text.
fn versions_into(
    facts: &IndexFacts,
    name: &str,
    partial: &str,
    op: &str,
    range: Range<usize>,
    floor: Option<&Version>,
    out: &mut Completions,
) {
    let Some(answer) = facts.projects.get(name) else {
        // Not answered yet: a later request will have it.
        out.incomplete = true;
        return;
    };
    let Some(project) = answer.project() else {
        return;
    };
    let with_pre = partial.chars().any(|c| c.is_ascii_alphabetic());
    let partial_trim = partial.trim_end_matches('*');
    let mut count = 0;
    for (rank, c) in versions::candidates(project, floor, with_pre)
        .iter()
        .enumerate()
    {
        if !c.release.version.starts_with(partial_trim) {
            continue;
        }
        count += 1;
        if count > MAX_VERSIONS {
            break;
        }
        let mut detail = c
            .release
            .uploaded
            .map(|t| format!("released {}", format_date(t)))
            .unwrap_or_default();
        if c.pre {
            detail.push_str(if detail.is_empty() {
                "pre-release"
            } else {
                " · pre-release"
            });
        }
        if !c.suits_python {
            let needs = c.release.requires_python.join(" or ");
            detail = format!("⚠ needs Python {needs} · {detail}");
        }
        let label = format!("{op}{}", c.release.version);
        out.items.push(
            CompletionItem::new(label.clone(), CompletionKind::Constant)
                .detail(detail)
                .sort(format!("{rank:05}"))
                .filter(label.clone())
                .edit(Edit::replace(range.clone(), label)),
        );
    }
}

fn names_into(
    cx: &CompletionContext,
    string: &StringAt,
    facts: &IndexFacts,
    typed: &str,
    start: usize,
    out: &mut Completions,
) {
    let prefix = normalize(typed);
    if prefix.is_empty() {
        return;
    }
    // Replace the whole name, including what follows the cursor.
    let end = cx.offset + {
        let rest = cx
            .text()
            .get(cx.offset..string.content.end.max(cx.offset))
            .unwrap_or("");
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .unwrap_or(rest.len())
    };
    let mut found: Vec<String> = Vec::new();
    for store in &facts.names {
        found.extend(store.prefixed(&prefix, MAX_NAMES));
    }
    if found.len() < MAX_NAMES / 2 {
        for store in &facts.names {
            found.extend(store.fuzzy(typed, MAX_NAMES));
        }
    }
    if facts.names.is_empty() {
        // Until the names list arrives: the projects already known.
        found.extend(
            facts
                .projects
                .iter()
                .filter(|(n, a)| n.starts_with(&prefix) && a.project().is_some())
                .map(|(n, _)| n.clone()),
        );
        out.incomplete = true;
    }
    let mut seen = std::collections::HashSet::new();
    for (rank, name) in found
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .take(MAX_NAMES)
        .enumerate()
    {
        out.items.push(
            CompletionItem::new(name.clone(), CompletionKind::Module)
                .sort(format!("{rank:05}"))
                .filter(name.clone())
                .edit(Edit::replace(start..end, name)),
        );
    }
}

/// Hover on a requirement string (or a Poetry dependency value).
pub fn hover(cx: &HoverContext) -> Option<Hover> {
    let Cursor::Value {
        key,
        string: Some(string),
        ..
    } = &cx.cursor
    else {
        return None;
    };
    let text = &cx.snapshot.document.text;
    let content = text.get(string.content.clone())?;
    let (name, specifiers, pin) = if is_requirement_list(key) {
        let parts = split(content);
        let name = normalize(parts.name_text(content)?);
        let spec = parts
            .specifier
            .as_ref()
            .and_then(|r| VersionSpecifiers::from_str(&content[r.clone()]).ok());
        (name, spec, pinned(&parts).map(|c| c.version.clone()))
    } else {
        (poetry_name(key)?, None, None)
    };
    let answer = cx.facts.index.projects.get(&name)?;
    let floor = project_floor(&cx.snapshot.document.manifest);
    let markdown = describe(
        &name,
        answer,
        &cx.facts.index,
        floor.as_ref(),
        specifiers.as_ref(),
        pin.as_deref(),
    );
    Some(Hover {
        markdown,
        range: Some(string.range.clone()),
    })
}

/// The hover text for one project.
pub fn describe(
    name: &str,
    answer: &Answer,
    facts: &IndexFacts,
    floor: Option<&Version>,
    specifiers: Option<&VersionSpecifiers>,
    pin: Option<&str>,
) -> String {
    let mut md = format!("**{name}**");
    let project = match &answer.outcome {
        Outcome::Found(p) => p,
        Outcome::NotFound => {
            md.push_str("\n\nNo configured package index has this project.");
            return md;
        }
        Outcome::Failed(why) => {
            md.push_str(&format!("\n\nThe package index could not be read: {why}"));
            return md;
        }
    };
    let meta = facts.metadata.get(name);
    if let Some(summary) = meta.and_then(|m| m.summary.as_deref()) {
        md.push_str(&format!(" — {summary}"));
    }
    md.push_str("\n\n");
    let dated = |v: &crate::index::Release| match v.uploaded {
        Some(t) => format!("{} ({})", v.version, format_date(t)),
        None => v.version.clone(),
    };
    if let Some(latest) = versions::latest(project, None) {
        md.push_str(&format!("- Latest: {}\n", dated(latest)));
        if let Some(floor) = floor
            && let Some(compatible) = versions::latest(project, Some(floor))
            && compatible.version != latest.version
        {
            md.push_str(&format!(
                "- Latest for Python {floor}: {}\n",
                dated(compatible)
            ));
        }
    }
    if let Some(spec) = specifiers {
        match versions::newest_match(project, spec) {
            Some(m) => md.push_str(&format!("- Newest match of `{spec}`: {}\n", dated(m))),
            None => md.push_str(&format!("- No release satisfies `{spec}`\n")),
        }
    }
    if let Some(pin) = pin
        && let Some(release) = versions::find(project, pin)
        && let Some(reason) = &release.yanked
    {
        let why = if reason.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", reason.trim())
        };
        md.push_str(&format!("- **{} is yanked**{why}\n", release.version));
    }
    if let Some(meta) = meta {
        if let Some(license) = &meta.license {
            md.push_str(&format!("- License: {license}\n"));
        }
        if let Some(rp) = &meta.requires_python {
            md.push_str(&format!("- Requires Python {rp} ({})\n", meta.version));
        }
        if !meta.vulnerabilities.is_empty() {
            let ids: Vec<String> = meta
                .vulnerabilities
                .iter()
                .map(|v| match &v.link {
                    Some(link) => format!("[{}]({link})", v.id),
                    None => v.id.clone(),
                })
                .collect();
            md.push_str(&format!(
                "- Known vulnerabilities in {}: {}\n",
                meta.version,
                ids.join(", ")
            ));
        }
        if !meta.links.is_empty() {
            let links: Vec<String> = meta
                .links
                .iter()
                .take(6)
                .map(|(label, url)| format!("[{label}]({url})"))
                .collect();
            md.push_str(&format!("\n{}\n", links.join(" · ")));
        }
    }
    let installable = project
        .releases
        .iter()
        .filter(|r| versions::installable(r))
        .count();
    let mut footer = format!("\n{installable} installable releases");
    if let Some(index) = &answer.index {
        footer.push_str(&format!(" on {index}"));
    }
    footer.push_str(&format!(
        " · data {}",
        answer.age_text(facts.now.unwrap_or_else(SystemTime::now))
    ));
    if let Some(why) = &answer.refresh_failed {
        footer.push_str(&format!(" (the index could not be reached: {why})"));
    }
    md.push_str(&footer);
    md
}

/// An inlay hint: a label shown after a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    pub tooltip: Option<String>,
}

/// The latest version after each requirement whose project the index answered for (setting
/// `inlayHints.latestVersion`, on by default).
pub fn inlay_hints(snapshot: &Snapshot, facts: &Facts) -> Vec<InlayHint> {
    if !snapshot.settings.inlay_latest_version {
        return Vec::new();
    }
    let manifest = &snapshot.document.manifest;
    let text = &snapshot.document.text;
    let floor = project_floor(manifest);
    let mut located: Vec<(String, Range<usize>)> = requirement_strings(manifest, text)
        .into_iter()
        .filter_map(|l| {
            let parts = split(&l.text);
            if parts.url {
                return None;
            }
            Some((normalize(parts.name_text(&l.text)?), l.span))
        })
        .collect();
    located.extend(
        poetry_dependencies(manifest, text)
            .into_iter()
            .filter_map(|(n, l)| Some((n, l?.span))),
    );
    located
        .into_iter()
        .filter_map(|(name, span)| {
            let project = facts.index.projects.get(&name)?.project()?.clone();
            let latest = versions::latest(&project, floor.as_ref())
                .or_else(|| versions::latest(&project, None))?;
            let overall = versions::latest(&project, None)?;
            let tooltip = (overall.version != latest.version).then(|| {
                format!(
                    "{} is the latest release; {} is the latest for the project's Python",
                    overall.version, latest.version
                )
            });
            Some(InlayHint {
                offset: span.end,
                label: format!("latest {}", latest.version),
                tooltip,
            })
        })
        .collect()
}

/// "Update all dependencies": every requirement whose latest release (for the project's
/// Python) is outside its specifier gets the smallest edit that admits it; formatting, extras,
/// markers and comments stay as written.
pub fn source_actions(snapshot: &Snapshot, facts: &Facts) -> Vec<Action> {
    let edits = update_all(snapshot, facts);
    if edits.is_empty() {
        return Vec::new();
    }
    vec![Action {
        title: format!(
            "Update all dependencies ({} requirement{})",
            edits.len(),
            if edits.len() == 1 { "" } else { "s" }
        ),
        kind: ActionKind::Source("updateDependencies"),
        edits,
        diagnostic: None,
        preferred: false,
    }]
}

pub fn update_all(snapshot: &Snapshot, facts: &Facts) -> Vec<Edit> {
    let manifest = &snapshot.document.manifest;
    let floor = project_floor(manifest);
    requirement_strings(manifest, &snapshot.document.text)
        .iter()
        .filter_map(|l: &Located| {
            let parts = split(&l.text);
            let project: &Project = facts
                .index
                .projects
                .get(&normalize(parts.name_text(&l.text)?))?
                .project()?;
            let latest = versions::latest(project, floor.as_ref())?;
            update_edit(l, &versions::parse(&latest.version)?)
        })
        .collect()
}
