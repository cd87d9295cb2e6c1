//! PP13x, the files the metadata points at: `readme` (existence and content type),
//! `license.file` and `license-files` (glob syntax and matches), relative to pyproject.toml.

use std::ops::Range;

use toml_edit::Item;

use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::manifest::edit;

pub const README_NOT_FOUND: Rule = Rule {
    code: "PP130",
    name: "readme-not-found",
    severity: Severity::Error,
    summary: "`readme` names a file that does not exist next to pyproject.toml.",
};
pub const README_CONTENT_TYPE: Rule = Rule {
    code: "PP131",
    name: "readme-content-type",
    severity: Severity::Error,
    summary: "The readme's content type is unknown (an extension other than .md/.rst/.txt, or a table without `content-type`), or both `file` and `text` are given.",
};
pub const LICENSE_FILE_NOT_FOUND: Rule = Rule {
    code: "PP132",
    name: "license-file-not-found",
    severity: Severity::Error,
    summary: "`license.file` does not exist, or a `license-files` pattern matches no file.",
};
pub const INVALID_LICENSE_GLOB: Rule = Rule {
    code: "PP133",
    name: "invalid-license-files-glob",
    severity: Severity::Error,
    summary: "A `license-files` pattern is not a valid glob (no `..`, no leading `/`, no `\\`, only the characters the spec allows).",
};

pub static RULES: &[&Rule] = &[
    &README_NOT_FOUND,
    &README_CONTENT_TYPE,
    &LICENSE_FILE_NOT_FOUND,
    &INVALID_LICENSE_GLOB,
];

const CONTENT_TYPES: &[&str] = &["text/markdown", "text/x-rst", "text/plain"];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    check_readme(cx, out);
    check_license_file(cx, out);
    check_license_files(cx, out);
}

fn on_disk(cx: &Context) -> bool {
    cx.files.dir().is_some()
}

/// Existing files whose name starts with `prefix` (case-insensitive), for suggestions.
fn candidates(cx: &Context, prefixes: &[&str]) -> Vec<String> {
    let mut found: Vec<String> = cx
        .files
        .list("")
        .into_iter()
        .filter(|n| {
            prefixes
                .iter()
                .any(|p| n.to_ascii_lowercase().starts_with(p))
                && cx.files.is_file(n)
        })
        .collect();
    found.sort();
    found
}

fn check_readme(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(item) = cx.manifest.get(&["project", "readme"]) else {
        return;
    };
    if let Some(path) = item.as_str() {
        let span = item.span().unwrap_or(0..0);
        if content_type_for(path).is_none() {
            out.push(README_CONTENT_TYPE.diag(
                span.clone(),
                format!("Cannot tell the content type of `{path}` from its extension: use a .md, .rst or .txt file, or the table form with `content-type`."),
            ));
        }
        readme_exists(cx, path, span, out);
        return;
    }
    let Some(table) = item.as_table_like() else {
        return;
    };
    let file = table.get("file").and_then(Item::as_str);
    let has_text = table.contains_key("text");
    let span = cx.manifest.key_span(&["project", "readme"]).unwrap_or(0..0);
    if file.is_some() && has_text {
        out.push(README_CONTENT_TYPE.diag(
            span.clone(),
            "`readme` has both `file` and `text`: give one of them.",
        ));
    }
    match table.get("content-type") {
        None => {
            let guess = file.and_then(content_type_for).unwrap_or("text/markdown");
            let fix = readme_table_fix(cx, guess);
            out.push(
                README_CONTENT_TYPE
                    .diag(span.clone(), "The table form of `readme` needs `content-type` (`text/markdown`, `text/x-rst` or `text/plain`).")
                    .with_fixes(fix),
            );
        }
        Some(ct) => {
            if let Some(ct_str) = ct.as_str() {
                let base = ct_str
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                if !CONTENT_TYPES.contains(&base.as_str()) {
                    let cspan = ct.span().unwrap_or(span.clone());
                    out.push(README_CONTENT_TYPE.diag(cspan, format!("`{ct_str}` is not a readme content type the package index renders: use `text/markdown`, `text/x-rst` or `text/plain`.")));
                }
            }
        }
    }
    if let Some(path) = file {
        let fspan = table.get("file").and_then(Item::span).unwrap_or(span);
        readme_exists(cx, path, fspan, out);
    }
}

/// Inserting `content-type` into an inline readme table.
fn readme_table_fix(cx: &Context, content_type: &str) -> Option<Fix> {
    let item = cx.manifest.get(&["project", "readme"])?;
    let table = item.as_inline_table()?;
    let span = item.span()?;
    let raw = cx.slice(&span);
    let close = raw.rfind('}')?;
    let before = raw[..close].trim_end();
    let sep = if before.ends_with('{') { " " } else { ", " };
    let at = span.start + before.len();
    let _ = table;
    Some(Fix::safe(
        format!("Add content-type = \"{content_type}\""),
        vec![Edit::insert(
            at,
            format!("{sep}content-type = \"{content_type}\""),
        )],
    ))
}

pub fn content_type_for(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Some("text/markdown")
    } else if lower.ends_with(".rst") {
        Some("text/x-rst")
    } else if lower.ends_with(".txt")
        || !lower.rsplit('/').next().unwrap_or("").contains('.') && lower.ends_with("readme")
    {
        Some("text/plain")
    } else {
        None
    }
}

fn readme_exists(cx: &Context, path: &str, span: Range<usize>, out: &mut Vec<Diagnostic>) {
    if !on_disk(cx) || cx.files.is_file(path) {
        return;
    }
    let fixes: Vec<Fix> = candidates(cx, &["readme"])
        .into_iter()
        .filter(|c| content_type_for(c).is_some())
        .take(3)
        .map(|c| {
            Fix::suggested(
                format!("Use \"{c}\""),
                vec![Edit::replace(span.clone(), edit::quote(&c))],
            )
        })
        .collect();
    out.push(README_NOT_FOUND.diag(span, format!("The readme file `{path}` does not exist (paths are relative to pyproject.toml).")).with_fixes(fixes));
}

fn check_license_file(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(item) = cx.manifest.get(&["project", "license", "file"]) else {
        return;
    };
    let Some(path) = item.as_str() else { return };
    if !on_disk(cx) || cx.files.is_file(path) {
        return;
    }
    let span = item.span().unwrap_or(0..0);
    let fixes: Vec<Fix> = candidates(cx, &["licen", "copying"])
        .into_iter()
        .take(3)
        .map(|c| {
            Fix::suggested(
                format!("Use \"{c}\""),
                vec![Edit::replace(span.clone(), edit::quote(&c))],
            )
        })
        .collect();
    out.push(
        LICENSE_FILE_NOT_FOUND
            .diag(span, format!("The licence file `{path}` does not exist."))
            .with_fixes(fixes),
    );
}

fn check_license_files(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(item) = cx.manifest.get(&["project", "license-files"]) else {
        return;
    };
    for (pattern, span) in crate::manifest::string_items(item) {
        if let Err(why) = validate_glob(&pattern) {
            out.push(INVALID_LICENSE_GLOB.diag(
                span,
                format!("`{pattern}` is not a valid license-files pattern: {why}."),
            ));
            continue;
        }
        if on_disk(cx) && cx.files.glob(&pattern).is_empty() {
            let fixes: Vec<Fix> = candidates(cx, &["licen", "copying", "notice"])
                .into_iter()
                .take(3)
                .map(|c| {
                    Fix::suggested(
                        format!("Use \"{c}\""),
                        vec![Edit::replace(span.clone(), edit::quote(&c))],
                    )
                })
                .collect();
            out.push(LICENSE_FILE_NOT_FOUND.diag(span, format!("`{pattern}` matches no file; every license-files pattern must match at least one.")).with_fixes(fixes));
        }
    }
}

/// The glob syntax of the packaging specification: alphanumerics, space, `_ - . * ? [ ] /`,
/// `**` as a whole path segment, no leading `/`, no `..`, no `\`.
pub fn validate_glob(pattern: &str) -> Result<(), String> {
    if pattern.starts_with('/') {
        return Err("it must be relative, not start with `/`".into());
    }
    if pattern.contains('\\') {
        return Err("use `/` as the path separator, not `\\`".into());
    }
    if pattern.split('/').any(|seg| seg == "..") {
        return Err("`..` may not appear".into());
    }
    if let Some(c) = pattern
        .chars()
        .find(|c| !(c.is_alphanumeric() || " _-.*?[]/!^".contains(*c)))
    {
        return Err(format!("the character `{c}` is not allowed"));
    }
    let mut depth = 0i32;
    for c in pattern.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        if !(0..=1).contains(&depth) {
            return Err("brackets are unbalanced".into());
        }
    }
    if depth != 0 {
        return Err("a `[` is not closed".into());
    }
    Ok(())
}

/// Matches a relative path (with `/`) against a glob: `*` and `?` within a segment, `[...]`
/// classes, `**` for any number of segments.
pub fn glob_matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pat, &segs)
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| match_segments(rest, &segs[i..])),
        Some((p, rest)) => segs.split_first().is_some_and(|(s, srest)| {
            match_segment(p.as_bytes(), s.as_bytes()) && match_segments(rest, srest)
        }),
    }
}

fn match_segment(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| match_segment(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && match_segment(rest, &s[1..]),
        Some((b'[', rest)) => {
            let Some(close) = rest.iter().position(|b| *b == b']') else {
                return false;
            };
            let Some((c, srest)) = s.split_first() else {
                return false;
            };
            let class = &rest[..close];
            let (negate, class) = match class.split_first() {
                Some((b'!' | b'^', r)) => (true, r),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    hit |= class[i] <= *c && *c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == *c;
                    i += 1;
                }
            }
            hit != negate && match_segment(&rest[close + 1..], srest)
        }
        Some((b, rest)) => s.first() == Some(b) && match_segment(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_matches("LICEN[CS]E*", "LICENSE"));
        assert!(glob_matches("LICEN[CS]E*", "LICENCE.txt"));
        assert!(!glob_matches("LICEN[CS]E*", "src/LICENSE"));
        assert!(glob_matches("licenses/**", "licenses/a/b.txt"));
        assert!(glob_matches("**/LICENSE", "a/b/LICENSE"));
        assert!(glob_matches("**/LICENSE", "LICENSE"));
        assert!(validate_glob("../LICENSE").is_err());
        assert!(validate_glob("/LICENSE").is_err());
        assert!(validate_glob("LICEN[CS]E*").is_ok());
        assert!(validate_glob("LICENSE[").is_err());
    }
}
