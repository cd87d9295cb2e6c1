//! Turns index answers into compact records: PEP 691 JSON and PEP 503 HTML project pages,
//! the `/simple/` root, and the time stamps and file names inside them.
//!
//! Parsing never fails on odd data: files whose names carry no readable version are skipped,
//! unknown keys are ignored. It fails only when the body is not the format it claims to be,
//! so that a broken answer is never cached as an empty project.

use std::collections::BTreeMap;

use pep440_rs::Version;
use reqwest::Url;
use serde::Deserialize;

use crate::index::{Project, Release, normalize};

/// The `Accept` header for project pages: JSON first, HTML as the fallback private indexes speak.
pub const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/// Which format a response body claims to be, from its `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
}

/// Reads the content type. Anything else (text/plain, octet-stream) is refused: a misconfigured
/// proxy page must not become an empty project.
pub fn format_of(content_type: &str) -> Option<Format> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/vnd.pypi.simple.v1+json"
        | "application/vnd.pypi.simple.latest+json"
        | "application/json" => Some(Format::Json),
        "application/vnd.pypi.simple.v1+html"
        | "application/vnd.pypi.simple.latest+html"
        | "text/html" => Some(Format::Html),
        _ => None,
    }
}

/// One distribution file as both formats describe it.
#[derive(Debug, Default)]
struct FileInfo {
    filename: String,
    url: String,
    requires_python: Option<String>,
    /// `Some(reason)` when yanked; the reason may be empty.
    yanked: Option<String>,
    upload_time: Option<i64>,
    has_metadata: bool,
}

#[derive(Deserialize)]
struct JsonPage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    files: Vec<JsonFile>,
}

#[derive(Deserialize)]
struct JsonFile {
    filename: String,
    #[serde(default)]
    url: String,
    #[serde(default, rename = "requires-python")]
    requires_python: Option<String>,
    #[serde(default)]
    yanked: Option<serde_json::Value>,
    #[serde(default, rename = "upload-time")]
    upload_time: Option<String>,
    #[serde(default, rename = "core-metadata")]
    core_metadata: Option<serde_json::Value>,
    #[serde(default, rename = "data-dist-info-metadata")]
    dist_info_metadata: Option<serde_json::Value>,
}

/// Parses a PEP 691 JSON project page. `base` is the final URL of the page (after redirects).
pub fn json_project(name: &str, body: &[u8], base: &Url) -> Result<Project, String> {
    let page: JsonPage =
        serde_json::from_slice(body).map_err(|e| format!("invalid JSON project page: {e}"))?;
    let files = page
        .files
        .into_iter()
        .map(|f| FileInfo {
            url: resolve(base, &f.url),
            requires_python: f.requires_python.filter(|s| !s.trim().is_empty()),
            yanked: match f.yanked {
                Some(serde_json::Value::Bool(true)) => Some(String::new()),
                Some(serde_json::Value::String(reason)) => Some(reason),
                _ => None,
            },
            upload_time: f.upload_time.as_deref().and_then(parse_rfc3339),
            has_metadata: truthy(&f.core_metadata) || truthy(&f.dist_info_metadata),
            filename: f.filename,
        })
        .collect();
    let name = page
        .name
        .map(|n| normalize(&n))
        .unwrap_or_else(|| normalize(name));
    Ok(build(&name, files, page.versions.unwrap_or_default()))
}

fn truthy(value: &Option<serde_json::Value>) -> bool {
    match value {
        None | Some(serde_json::Value::Null) | Some(serde_json::Value::Bool(false)) => false,
        Some(_) => true,
    }
}

/// Parses a PEP 503 HTML project page: every anchor is a file, relative links resolve against `base`.
pub fn html_project(name: &str, body: &[u8], base: &Url) -> Result<Project, String> {
    let text = String::from_utf8_lossy(body);
    if !text.contains('<') {
        return Err("the HTML project page has no markup".into());
    }
    let mut files = Vec::new();
    for anchor in anchors(&text) {
        let Some(href) = anchor.attr("href") else {
            continue;
        };
        let filename = decode_entities(anchor.text.trim());
        let filename = if filename.is_empty() {
            // Some servers leave the text empty; the last path segment is the file name.
            href.split(['#', '?'])
                .next()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        } else {
            filename
        };
        files.push(FileInfo {
            url: resolve(base, &href),
            requires_python: anchor
                .attr("data-requires-python")
                .filter(|s| !s.trim().is_empty()),
            yanked: anchor.attr("data-yanked"),
            upload_time: None,
            has_metadata: anchor
                .attr("data-core-metadata")
                .or_else(|| anchor.attr("data-dist-info-metadata"))
                .is_some_and(|v| v != "false"),
            filename,
        });
    }
    Ok(build(&normalize(name), files, Vec::new()))
}

/// Groups files into releases, keyed and ordered by PEP 440 version.
fn build(name: &str, files: Vec<FileInfo>, listed: Vec<String>) -> Project {
    struct Acc {
        raw: String,
        files: u32,
        yanked_files: u32,
        reason: Option<String>,
        uploaded: Option<i64>,
        requires_python: Vec<String>,
        metadata_url: Option<(bool, String)>,
    }
    let mut by_version: BTreeMap<Version, Acc> = BTreeMap::new();
    let empty = |raw: &str| Acc {
        raw: raw.to_string(),
        files: 0,
        yanked_files: 0,
        reason: None,
        uploaded: None,
        requires_python: Vec::new(),
        metadata_url: None,
    };
    // PEP 700 lists releases that have no files; they are kept (and never offered) so that the
    // record says the same as the index.
    for raw in listed {
        if let Ok(v) = raw.parse::<Version>() {
            by_version.entry(v).or_insert_with(|| empty(&raw));
        }
    }
    for file in files {
        let Some(raw) = version_from_filename(name, &file.filename) else {
            continue;
        };
        let Ok(version) = raw.parse::<Version>() else {
            continue;
        };
        let acc = by_version.entry(version).or_insert_with(|| empty(&raw));
        acc.files += 1;
        if let Some(reason) = file.yanked {
            acc.yanked_files += 1;
            if acc.reason.as_deref().is_none_or(str::is_empty) {
                acc.reason = Some(reason);
            }
        }
        acc.uploaded = match (acc.uploaded, file.upload_time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        // An empty string stands for "a file with no restriction", which makes the release
        // installable on any Python.
        let rp = file
            .requires_python
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if !acc.requires_python.contains(&rp) {
            acc.requires_python.push(rp);
        }
        if file.has_metadata {
            let wheel = file.filename.ends_with(".whl");
            if acc
                .metadata_url
                .as_ref()
                .is_none_or(|(was_wheel, _)| wheel && !was_wheel)
            {
                acc.metadata_url = Some((
                    wheel,
                    format!("{}.metadata", file.url.split('#').next().unwrap_or("")),
                ));
            }
        }
    }
    let mut releases = Vec::with_capacity(by_version.len());
    let mut metadata = None;
    for (version, mut acc) in by_version {
        acc.requires_python.sort();
        let yanked = (acc.files > 0 && acc.yanked_files == acc.files)
            .then(|| acc.reason.unwrap_or_default());
        // The newest release that is not yanked and offers metadata; finals win over pre-releases.
        if let Some((_, url)) = acc.metadata_url
            && yanked.is_none()
        {
            let final_release = !version.any_prerelease();
            let better =
                metadata
                    .as_ref()
                    .is_none_or(|(was_final, _, _): &(bool, String, String)| {
                        final_release || !was_final
                    });
            if better {
                metadata = Some((final_release, acc.raw.clone(), url));
            }
        }
        releases.push(Release {
            version: acc.raw,
            uploaded: acc.uploaded,
            yanked,
            requires_python: if acc.requires_python.iter().any(String::is_empty) {
                Vec::new()
            } else {
                acc.requires_python
            },
            files: acc.files,
        });
    }
    Project {
        name: name.to_string(),
        releases,
        metadata: metadata.map(|(_, version, url)| (version, url)),
    }
}

/// The version part of a distribution file name, or `None` for names we cannot read.
pub fn version_from_filename(project: &str, filename: &str) -> Option<String> {
    let filename = filename.trim();
    if let Some(stem) = filename
        .strip_suffix(".whl")
        .or_else(|| filename.strip_suffix(".egg"))
    {
        // Wheels and eggs escape `-` inside the name, so the version is the second field.
        return stem.split('-').nth(1).map(str::to_string);
    }
    const SDIST: &[&str] = &[
        ".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".tar.Z", ".tbz",
    ];
    let stem = SDIST.iter().find_map(|ext| filename.strip_suffix(ext))?;
    // Old sdists may carry dashes in the name (`python-dateutil-2.8.2`): split where the left part
    // normalizes to the project name, else at the last dash.
    let normalized = normalize(project);
    for (i, _) in stem.match_indices('-') {
        if normalize(&stem[..i]) == normalized {
            return Some(stem[i + 1..].to_string());
        }
    }
    stem.rsplit_once('-').map(|(_, v)| v.to_string())
}

/// Resolves a link against the page URL; a link we cannot resolve is kept as written.
fn resolve(base: &Url, href: &str) -> String {
    match base.join(href) {
        Ok(mut url) => {
            // Credentials never travel inside stored URLs; they are added per request.
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => href.to_string(),
    }
}

/// Names listed on a `/simple/` root page, in either format, normalized, sorted and deduplicated.
pub fn root_names(format: Format, body: &[u8]) -> Result<Vec<String>, String> {
    let mut names = match format {
        Format::Json => {
            #[derive(Deserialize)]
            struct Root {
                projects: Vec<Entry>,
            }
            #[derive(Deserialize)]
            struct Entry {
                name: String,
            }
            let root: Root =
                serde_json::from_slice(body).map_err(|e| format!("invalid JSON root page: {e}"))?;
            root.projects
                .into_iter()
                .map(|e| normalize(&e.name))
                .collect::<Vec<_>>()
        }
        Format::Html => {
            let text = String::from_utf8_lossy(body);
            if !text.contains('<') {
                return Err("the HTML root page has no markup".into());
            }
            anchors(&text)
                .map(|a| normalize(&decode_entities(a.text.trim())))
                .collect()
        }
    };
    names.retain(|n| !n.is_empty());
    names.sort_unstable();
    names.dedup();
    Ok(names)
}

/// An `<a ...>text</a>` element, borrowed from the page.
struct Anchor<'a> {
    attrs: &'a str,
    text: &'a str,
}

impl Anchor<'_> {
    /// The value of an attribute, entity-decoded. Attribute names are matched case-insensitively.
    fn attr(&self, name: &str) -> Option<String> {
        let mut rest = self.attrs;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                return None;
            }
            let key_end = rest
                .find(|c: char| c == '=' || c.is_whitespace())
                .unwrap_or(rest.len());
            let key = &rest[..key_end];
            rest = rest[key_end..].trim_start();
            let value = if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (value, tail) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let inner = &after[1..];
                        let end = inner.find(q).unwrap_or(inner.len());
                        (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                rest = tail;
                Some(value)
            } else {
                // A bare attribute (`data-yanked` with no value) means "present, empty".
                Some("")
            };
            if key.eq_ignore_ascii_case(name) {
                return value.map(decode_entities);
            }
        }
    }
}

/// Every anchor in a page. Tolerant: unclosed tags end the scan instead of failing.
fn anchors(text: &str) -> impl Iterator<Item = Anchor<'_>> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        loop {
            let start = pos + find_ci(&text[pos..], "<a")?;
            let after = start + 2;
            // `<abbr>` and friends are not anchors.
            if !text[after..].starts_with(|c: char| c.is_whitespace() || c == '>') {
                pos = after;
                continue;
            }
            let tag_end = after + text[after..].find('>')?;
            let close = tag_end + 1 + find_ci(&text[tag_end + 1..], "</a")?;
            pos = close + 3;
            return Some(Anchor {
                attrs: text[after..tag_end].trim_end_matches('/'),
                text: &text[tag_end + 1..close],
            });
        }
    })
}

fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// Decodes the entities that appear in index pages (`&gt;=3.8`), including numeric ones.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses an RFC 3339 time stamp (`2024-05-29T15:37:47.123456Z`) to Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |a: usize, b: usize| s.get(a..b).and_then(|x| x.parse::<i64>().ok());
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (
        num(11, 13).unwrap_or(0),
        num(14, 16).unwrap_or(0),
        num(17, 19).unwrap_or(0),
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Offsets other than Z shift the time; fractions of a second are ignored.
    let mut offset = 0;
    if let Some(tail) = s.get(19..) {
        let tail = tail.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
        if let Some(sign) = tail.chars().next().filter(|c| *c == '+' || *c == '-') {
            let h = tail
                .get(1..3)
                .and_then(|x| x.parse::<i64>().ok())
                .unwrap_or(0);
            let m = tail
                .get(4..6)
                .and_then(|x| x.parse::<i64>().ok())
                .unwrap_or(0);
            offset = (h * 3600 + m * 60) * if sign == '+' { 1 } else { -1 };
        }
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats Unix seconds as a calendar date, `2024-05-29`.
pub fn format_date(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.test/simple/demo/").expect("test data")
    }

    #[test]
    fn filenames() {
        assert_eq!(
            version_from_filename("requests", "requests-2.32.3-py3-none-any.whl").as_deref(),
            Some("2.32.3")
        );
        assert_eq!(
            version_from_filename("python-dateutil", "python-dateutil-2.8.2.tar.gz").as_deref(),
            Some("2.8.2")
        );
        assert_eq!(
            version_from_filename("zope.interface", "zope.interface-5.0.zip").as_deref(),
            Some("5.0")
        );
        assert_eq!(version_from_filename("x", "x-1.0.exe"), None);
    }

    #[test]
    fn html_page_resolves_relative_links_and_entities() {
        let html = r#"<html><body><a href="../../packages/demo-1.0.tar.gz#sha256=ab" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a>
            <A HREF='/files/demo-2.0-py3-none-any.whl' data-yanked="broken" data-core-metadata="sha256=cd">demo-2.0-py3-none-any.whl</A>
            <abbr>x</abbr><a href="demo-2.0.tar.gz" data-yanked>demo-2.0.tar.gz</a></body></html>"#;
        let p = html_project("Demo", html.as_bytes(), &base()).expect("test data");
        assert_eq!(p.name, "demo");
        assert_eq!(p.releases.len(), 2);
        assert_eq!(p.releases[0].requires_python, vec![">=3.8".to_string()]);
        assert_eq!(p.releases[1].yanked.as_deref(), Some("broken"));
        assert_eq!(p.releases[1].files, 2);
        // A yanked release offers no metadata for hover.
        assert_eq!(p.metadata, None);
    }

    #[test]
    fn json_page_keeps_zero_file_releases_and_metadata() {
        let json = r#"{"meta":{"api-version":"1.1"},"name":"Demo","versions":["0.9","1.0","1.1rc1"],
            "files":[{"filename":"demo-1.0-py3-none-any.whl","url":"../../f/demo-1.0-py3-none-any.whl","hashes":{},
            "requires-python":">=3.9","yanked":false,"upload-time":"2024-05-29T15:37:47.123Z","core-metadata":{"sha256":"x"}},
            {"filename":"demo-1.1rc1.tar.gz","url":"https://files.test/demo-1.1rc1.tar.gz","hashes":{},"yanked":true}]}"#;
        let p = json_project("demo", json.as_bytes(), &base()).expect("test data");
        let versions: Vec<_> = p
            .releases
            .iter()
            .map(|r| (r.version.as_str(), r.files))
            .collect();
        assert_eq!(versions, vec![("0.9", 0), ("1.0", 1), ("1.1rc1", 1)]);
        assert_eq!(p.releases[2].yanked.as_deref(), Some(""));
        assert_eq!(p.releases[1].uploaded, Some(1_716_997_067));
        assert_eq!(
            p.metadata,
            Some((
                "1.0".into(),
                "https://example.test/f/demo-1.0-py3-none-any.whl.metadata".into()
            ))
        );
    }

    #[test]
    fn bad_bodies_are_errors() {
        assert!(json_project("demo", b"{\"files\": [", &base()).is_err());
        assert!(html_project("demo", b"just text", &base()).is_err());
        assert_eq!(format_of("text/plain"), None);
        assert_eq!(format_of("text/html; charset=utf-8"), Some(Format::Html));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2024-05-29T17:37:47+02:00"),
            Some(1_716_997_067)
        );
        assert_eq!(format_date(1_716_997_067), "2024-05-29");
        assert_eq!(parse_rfc3339("garbage"), None);
    }
}

#[cfg(test)]
mod root_tests {
    use super::*;

    #[test]
    fn root_page_names() {
        let html = "<!DOCTYPE html><html><body>\n<a href=\"/simple/requests/\">requests</a>\n<a href=\"/simple/Requests_OAuthlib/\">Requests_OAuthlib</a>\n</body></html>";
        assert_eq!(
            root_names(Format::Html, html.as_bytes()).expect("names"),
            vec!["requests", "requests-oauthlib"]
        );
        let json = r#"{"meta":{"api-version":"1.1"},"projects":[{"name":"B_x"},{"name":"a"}]}"#;
        assert_eq!(
            root_names(Format::Json, json.as_bytes()).expect("names"),
            vec!["a", "b-x"]
        );
    }
}
