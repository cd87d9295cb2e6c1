//! What hover and extras completion need about one release: summary, licence, links, extras,
//! and known vulnerabilities, read from a PEP 658 `.metadata` file (core metadata, RFC 822
//! headers) or from the JSON API of PyPI-like indexes.

use serde::{Deserialize, Serialize};

/// Facts about one release of a project.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// An SPDX expression where the release gives one, else the free-text licence (first line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_python: Option<String>,
    /// `(label, url)` pairs: Project-URL entries and the home page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<String>,
    /// Known vulnerabilities of this release (JSON API only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vulnerabilities: Vec<Vulnerability>,
}

/// One advisory, aliases merged (the same CVE comes as PYSEC and GHSA entries).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    pub id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_in: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Parses a core metadata file (`METADATA` / PKG-INFO format). The body after the headers is
/// the long description and is skipped.
pub fn parse_core_metadata(text: &str) -> Metadata {
    let mut meta = Metadata::default();
    let mut license_expression = None;
    let mut license = None;
    let mut home_page = None;
    let mut last: Option<(String, String)> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            // A continuation line (folded header).
            if let Some((_, v)) = last.as_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some(h) = last.take() {
            headers.push(h);
        }
        if let Some((k, v)) = line.split_once(':') {
            last = Some((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    headers.extend(last);
    for (key, value) in headers {
        match key.as_str() {
            "version" => meta.version = value,
            "summary" => meta.summary = Some(value).filter(|s| !s.is_empty()),
            "license-expression" => license_expression = Some(value),
            "license" => {
                license = value
                    .lines()
                    .next()
                    .map(str::to_string)
                    .filter(|s| !s.is_empty() && s != "UNKNOWN")
            }
            "requires-python" => meta.requires_python = Some(value).filter(|s| !s.is_empty()),
            "home-page" => home_page = Some(value).filter(|s| !s.is_empty() && s != "UNKNOWN"),
            "project-url" => {
                if let Some((label, url)) = value.split_once(',') {
                    meta.links
                        .push((label.trim().to_string(), url.trim().to_string()));
                }
            }
            "provides-extra" if !meta.extras.contains(&value) => meta.extras.push(value),
            _ => {}
        }
    }
    meta.license = license_expression.or(license);
    if let Some(home) = home_page
        && !meta.links.iter().any(|(_, u)| u == &home)
    {
        meta.links.insert(0, ("Homepage".into(), home));
    }
    meta
}

#[derive(Deserialize)]
struct JsonApi {
    info: Info,
    #[serde(default)]
    vulnerabilities: Vec<JsonVuln>,
}

#[derive(Deserialize)]
struct Info {
    #[serde(default)]
    version: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    license_expression: Option<String>,
    #[serde(default)]
    requires_python: Option<String>,
    #[serde(default)]
    home_page: Option<String>,
    #[serde(default)]
    project_urls: Option<std::collections::BTreeMap<String, String>>,
    #[serde(default)]
    provides_extra: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct JsonVuln {
    #[serde(default)]
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    fixed_in: Vec<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    withdrawn: Option<serde_json::Value>,
}

/// Parses the JSON API document `/pypi/<name>/json` (the latest release's facts).
pub fn parse_json_api(body: &[u8]) -> Result<Metadata, String> {
    let doc: JsonApi =
        serde_json::from_slice(body).map_err(|e| format!("invalid JSON API document: {e}"))?;
    let info = doc.info;
    let nonempty = |s: Option<String>| {
        s.map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s != "UNKNOWN")
    };
    let mut links: Vec<(String, String)> =
        info.project_urls.unwrap_or_default().into_iter().collect();
    if let Some(home) = nonempty(info.home_page)
        && !links.iter().any(|(_, u)| u == &home)
    {
        links.insert(0, ("Homepage".into(), home));
    }
    let mut vulnerabilities: Vec<Vulnerability> = Vec::new();
    for v in doc.vulnerabilities {
        if v.withdrawn.as_ref().is_some_and(|w| !w.is_null()) {
            continue;
        }
        // Merge advisories that share an id or alias.
        let ids: Vec<&String> = std::iter::once(&v.id).chain(&v.aliases).collect();
        if let Some(existing) = vulnerabilities
            .iter_mut()
            .find(|e| ids.iter().any(|id| **id == e.id || e.aliases.contains(id)))
        {
            for id in ids {
                if *id != existing.id && !existing.aliases.contains(id) {
                    existing.aliases.push(id.clone());
                }
            }
            for f in v.fixed_in {
                if !existing.fixed_in.contains(&f) {
                    existing.fixed_in.push(f);
                }
            }
            continue;
        }
        let summary =
            nonempty(v.summary).or_else(|| nonempty(v.details).map(|d| first_sentence(&d)));
        vulnerabilities.push(Vulnerability {
            id: v.id,
            aliases: v.aliases,
            summary,
            fixed_in: v.fixed_in,
            link: v.link,
        });
    }
    Ok(Metadata {
        version: info.version,
        summary: nonempty(info.summary),
        license: nonempty(info.license_expression)
            .or_else(|| nonempty(info.license).and_then(|l| l.lines().next().map(str::to_string))),
        requires_python: nonempty(info.requires_python),
        links,
        extras: info.provides_extra.unwrap_or_default(),
        vulnerabilities,
    })
}

fn first_sentence(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let cut = line
        .find(". ")
        .map(|i| i + 1)
        .unwrap_or(line.len())
        .min(200);
    let mut end = cut;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_metadata() {
        let text = "Metadata-Version: 2.4\nName: demo\nVersion: 1.2\nSummary: A demo\nLicense-Expression: MIT\nProject-URL: Source, https://src.test\nProvides-Extra: socks\nProvides-Extra: http2\nDescription-Content-Type: text/markdown\n\n# Long: description\nProvides-Extra: not-a-header\n";
        let m = parse_core_metadata(text);
        assert_eq!(m.version, "1.2");
        assert_eq!(m.summary.as_deref(), Some("A demo"));
        assert_eq!(m.license.as_deref(), Some("MIT"));
        assert_eq!(m.extras, vec!["socks", "http2"]);
        assert_eq!(
            m.links,
            vec![("Source".to_string(), "https://src.test".to_string())]
        );
    }

    #[test]
    fn json_api_merges_aliases() {
        let body = r#"{"info":{"version":"2.6.1","summary":"x","license":"Public domain\nmore","provides_extra":[]},
          "vulnerabilities":[{"id":"PYSEC-1","aliases":["CVE-1"],"details":"Bad thing. More.","fixed_in":[]},
          {"id":"GHSA-1","aliases":["CVE-1"],"fixed_in":["2.7"]},{"id":"X","withdrawn":"2020"}]}"#;
        let m = parse_json_api(body.as_bytes()).expect("test data");
        assert_eq!(m.license.as_deref(), Some("Public domain"));
        assert_eq!(m.vulnerabilities.len(), 1);
        assert_eq!(m.vulnerabilities[0].fixed_in, vec!["2.7"]);
        assert_eq!(m.vulnerabilities[0].summary.as_deref(), Some("Bad thing."));
        assert!(parse_json_api(b"<html>").is_err());
    }
}
