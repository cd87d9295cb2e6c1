//! Typed settings with their defaults, and where each comes from.
//!
//! Strongest first: the client (`initializationOptions` / `workspace/configuration`, section
//! `pyproject-lsp`), then `[tool.pyproject-lsp]` in the file, then environment variables, then the
//! defaults. Keys are matched without regard to case, `-` or `_`, so `extraUrls`, `extra-urls` and
//! `extra_urls` are the same key. A bad setting never stops anything: it is reported and skipped.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use serde_json::Value as Json;

use crate::diagnostic::Severity;

/// What a rule is set to by the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    Severity(Severity),
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SchemaSetting {
    pub tool: String,
    pub path: Option<String>,
    pub url: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Rule overrides, keyed by code (`PP201`) or name (`unknown-classifier`) as written.
    pub rules: BTreeMap<String, RuleLevel>,
    pub index_url: Option<String>,
    pub index_extra_urls: Vec<String>,
    pub offline: bool,
    pub cache_dir: Option<PathBuf>,
    pub inlay_latest_version: bool,
    pub suggest_updates: bool,
    pub report_unused: bool,
    pub sort_classifiers_on_fix: bool,
    pub python_interpreter: Option<PathBuf>,
    pub sources_include: Vec<String>,
    pub sources_exclude: Vec<String>,
    pub import_map: BTreeMap<String, String>,
    pub schemas: Vec<SchemaSetting>,
    pub log_level: LogLevel,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            rules: BTreeMap::new(),
            index_url: None,
            index_extra_urls: Vec::new(),
            offline: false,
            cache_dir: None,
            inlay_latest_version: true,
            suggest_updates: true,
            report_unused: false,
            sort_classifiers_on_fix: false,
            python_interpreter: None,
            sources_include: Vec::new(),
            sources_exclude: Vec::new(),
            import_map: BTreeMap::new(),
            schemas: Vec::new(),
            log_level: LogLevel::Warn,
        }
    }
}

/// A setting that could not be used, with where it was written (a byte range in the pyproject
/// when it came from `[tool.pyproject-lsp]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingProblem {
    pub message: String,
    pub range: Option<Range<usize>>,
}

/// Every settings key, in normalized form, with its documentation for the README and hover.
pub static KEYS: &[(&str, &str)] = &[
    (
        "rules",
        "Rule overrides: `{ \"PP201\": \"warning\", \"unknown-classifier\": \"off\" }` (error, warning, info, hint, off).",
    ),
    (
        "index.url",
        "The package index to ask instead of PyPI (a PEP 503/691 simple URL).",
    ),
    (
        "index.extraUrls",
        "More package indexes, asked after `index.url`.",
    ),
    ("offline", "Never use the network; answer from the cache."),
    (
        "cache.dir",
        "Where the package index cache lives (default: the user cache directory).",
    ),
    (
        "inlayHints.latestVersion",
        "Show the latest version after each requirement.",
    ),
    (
        "dependencies.suggestUpdates",
        "Hint when a newer release falls outside a requirement's specifier.",
    ),
    (
        "dependencies.reportUnused",
        "Hint on declared dependencies that nothing imports.",
    ),
    (
        "classifiers.sortOnFix",
        "Sort classifiers when `check --fix` runs.",
    ),
    (
        "python.interpreter",
        "The project's Python interpreter, to find its installed distributions.",
    ),
    (
        "sources.include",
        "Glob patterns of source files to scan for imports (default: the package).",
    ),
    (
        "sources.exclude",
        "Glob patterns of source files not to scan.",
    ),
    (
        "importMap",
        "Import name to distribution: `{ \"yaml\": \"PyYAML\" }`.",
    ),
    (
        "schemas",
        "Extra or replacement `[tool.*]` schemas: `[{ \"tool\": \"x\", \"path\": \"schema.json\" }]`, or `\"url\"` instead of `\"path\"` (fetched once and cached).",
    ),
    (
        "logLevel",
        "How much the server logs to stderr: error, warn, info, debug.",
    ),
];

fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Flattens a JSON object into normalized dotted keys, keeping map-valued settings whole.
fn flatten(prefix: &str, value: &Json, out: &mut Vec<(String, Json)>) {
    match value {
        Json::Object(map) if !matches!(normalize(prefix).as_str(), "rules" | "importmap") => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        _ => out.push((prefix.to_string(), value.clone())),
    }
}

impl Settings {
    /// Applies a JSON object of settings (client, or converted from the file). Unknown keys and bad
    /// values are returned as messages.
    pub fn apply_json(&mut self, value: &Json) -> Vec<String> {
        let mut flat = Vec::new();
        flatten("", value, &mut flat);
        flat.into_iter()
            .filter_map(|(k, v)| self.apply_one(&k, &v).err())
            .collect()
    }

    /// Applies one setting; `key` as written, `value` as JSON.
    pub fn apply_one(&mut self, key: &str, value: &Json) -> Result<(), String> {
        let norm: Vec<String> = key.split('.').map(normalize).collect();
        let norm: Vec<&str> = norm.iter().map(String::as_str).collect();
        let want_bool = |v: &Json| {
            v.as_bool()
                .ok_or_else(|| format!("setting `{key}` must be true or false"))
        };
        let want_string = |v: &Json| {
            v.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("setting `{key}` must be a string"))
        };
        let want_strings = |v: &Json| -> Result<Vec<String>, String> {
            match v {
                Json::String(s) => Ok(vec![s.clone()]),
                Json::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| format!("setting `{key}` must be a list of strings"))
                    })
                    .collect(),
                _ => Err(format!("setting `{key}` must be a list of strings")),
            }
        };
        match norm.as_slice() {
            ["rules"] => {
                let Json::Object(map) = value else {
                    return Err("setting `rules` must be a table of rule = level".into());
                };
                let mut bad = Vec::new();
                for (rule, level) in map {
                    match level.as_str().and_then(parse_level) {
                        Some(level) => {
                            self.rules.insert(rule.clone(), level);
                        }
                        None => bad.push(format!("`{rule}` = {level}")),
                    }
                }
                if !bad.is_empty() {
                    return Err(format!(
                        "rule levels must be error, warning, info, hint or off: {}",
                        bad.join(", ")
                    ));
                }
            }
            ["index", "url"] | ["indexurl"] => self.index_url = non_empty(want_string(value)?),
            ["index", "extraurls"] | ["extraindexurls"] | ["index", "extraurl"] => {
                self.index_extra_urls = want_strings(value)?
            }
            ["offline"] => self.offline = want_bool(value)?,
            ["cache", "dir"] | ["cachedir"] => {
                self.cache_dir = non_empty(want_string(value)?).map(PathBuf::from)
            }
            ["inlayhints", "latestversion"] => self.inlay_latest_version = want_bool(value)?,
            ["dependencies", "suggestupdates"] => self.suggest_updates = want_bool(value)?,
            ["dependencies", "reportunused"] => self.report_unused = want_bool(value)?,
            ["classifiers", "sortonfix"] => self.sort_classifiers_on_fix = want_bool(value)?,
            ["python", "interpreter"] => {
                self.python_interpreter = non_empty(want_string(value)?).map(PathBuf::from)
            }
            ["sources", "include"] => self.sources_include = want_strings(value)?,
            ["sources", "exclude"] => self.sources_exclude = want_strings(value)?,
            ["importmap"] => {
                let Json::Object(map) = value else {
                    return Err(
                        "setting `importMap` must be a table of import = distribution".into(),
                    );
                };
                for (import, dist) in map {
                    let Some(dist) = dist.as_str() else {
                        return Err(format!("`importMap.{import}` must be a string"));
                    };
                    self.import_map.insert(import.clone(), dist.to_string());
                }
            }
            ["schemas"] => {
                let Json::Array(items) = value else {
                    return Err("setting `schemas` must be a list of { tool, path | url }".into());
                };
                let mut schemas = Vec::new();
                for item in items {
                    let tool = item.get("tool").and_then(Json::as_str);
                    let path = item.get("path").and_then(Json::as_str).map(str::to_string);
                    let url = item.get("url").and_then(Json::as_str).map(str::to_string);
                    match tool {
                        Some(tool) if path.is_some() || url.is_some() => {
                            schemas.push(SchemaSetting {
                                tool: tool.to_string(),
                                path,
                                url,
                            })
                        }
                        _ => {
                            return Err(
                                "each entry of `schemas` needs `tool` and `path` or `url`".into()
                            );
                        }
                    }
                }
                self.schemas = schemas;
            }
            ["loglevel"] => {
                self.log_level = match want_string(value)?.to_ascii_lowercase().as_str() {
                    "error" => LogLevel::Error,
                    "warn" | "warning" => LogLevel::Warn,
                    "info" => LogLevel::Info,
                    "debug" | "trace" => LogLevel::Debug,
                    other => {
                        return Err(format!(
                            "`logLevel` must be error, warn, info or debug, not `{other}`"
                        ));
                    }
                }
            }
            // The VS Code extension's own keys; they are for the client, not the server.
            ["server", ..] | ["trace", ..] => {}
            _ => return Err(format!("unknown setting `{key}`")),
        }
        Ok(())
    }

    /// Applies the environment variables that have a meaning for the server.
    pub fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(dir) = env("PYPROJECT_LSP_CACHE_DIR").filter(|d| !d.is_empty()) {
            self.cache_dir = Some(PathBuf::from(dir));
        }
        if let Some(v) = env("PYPROJECT_LSP_OFFLINE") {
            match v.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => self.offline = true,
                "0" | "false" | "no" | "off" | "" => self.offline = false,
                other => problems.push(format!(
                    "PYPROJECT_LSP_OFFLINE must be 1 or 0, not `{other}`"
                )),
            }
        }
        if let Some(v) = env("PYPROJECT_LSP_LOG")
            && let Err(e) = self.apply_one("logLevel", &Json::String(v))
        {
            problems.push(e);
        }
        problems
    }

    /// Applies `[tool.pyproject-lsp]` from the document; problems carry the offending key's span.
    pub fn apply_table(&mut self, table: &dyn toml_edit::TableLike) -> Vec<SettingProblem> {
        let mut problems = Vec::new();
        self.apply_table_at("", table, &mut problems);
        problems
    }

    fn apply_table_at(
        &mut self,
        prefix: &str,
        table: &dyn toml_edit::TableLike,
        problems: &mut Vec<SettingProblem>,
    ) {
        for (key, item) in table.iter() {
            let full = if prefix.is_empty() {
                key.to_string()
            } else {
                format!("{prefix}.{key}")
            };
            let span = table.get_key_value(key).and_then(|(k, _)| k.span());
            let is_map = matches!(normalize(&full).as_str(), "rules" | "importmap");
            if let Some(sub) = item.as_table_like()
                && !is_map
            {
                self.apply_table_at(&full, sub, problems);
                continue;
            }
            let value = item_to_json(item);
            if let Err(message) = self.apply_one(&full, &value) {
                problems.push(SettingProblem {
                    message,
                    range: span,
                });
            }
        }
    }

    /// The level a user set for a rule, by code or by name.
    pub fn rule_level(&self, code: &str, name: &str) -> Option<RuleLevel> {
        self.rules
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(code) || normalize(k) == normalize(name))
            .map(|(_, v)| *v)
    }
}

fn non_empty(s: String) -> Option<String> {
    if s.trim().is_empty() { None } else { Some(s) }
}

fn parse_level(s: &str) -> Option<RuleLevel> {
    match s.trim().to_ascii_lowercase().as_str() {
        "off" | "none" | "ignore" | "false" => Some(RuleLevel::Off),
        other => Severity::parse(other).map(RuleLevel::Severity),
    }
}

/// Converts a TOML item to JSON (dates become strings).
pub fn item_to_json(item: &toml_edit::Item) -> Json {
    match item {
        toml_edit::Item::None => Json::Null,
        toml_edit::Item::Value(v) => value_to_json(v),
        toml_edit::Item::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), item_to_json(v)))
                .collect(),
        ),
        toml_edit::Item::ArrayOfTables(a) => Json::Array(
            a.iter()
                .map(|t| {
                    Json::Object(
                        t.iter()
                            .map(|(k, v)| (k.to_string(), item_to_json(v)))
                            .collect(),
                    )
                })
                .collect(),
        ),
    }
}

fn value_to_json(value: &toml_edit::Value) -> Json {
    use toml_edit::Value as V;
    match value {
        V::String(s) => Json::String(s.value().clone()),
        V::Integer(i) => Json::from(*i.value()),
        V::Float(f) => serde_json::Number::from_f64(*f.value()).map_or(Json::Null, Json::Number),
        V::Boolean(b) => Json::Bool(*b.value()),
        V::Datetime(d) => Json::String(d.value().to_string()),
        V::Array(a) => Json::Array(a.iter().map(value_to_json).collect()),
        V::InlineTable(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.to_string(), value_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_json_and_case_insensitive_keys() {
        let mut s = Settings::default();
        let problems = s.apply_json(&serde_json::json!({
            "index": { "extraUrls": ["https://a/simple"], "url": "https://b/simple" },
            "rules": { "PP201": "off", "deprecated-classifier": "hint" },
            "inlayHints": { "latestVersion": false },
            "bogus": 1
        }));
        assert_eq!(problems, vec!["unknown setting `bogus`".to_string()]);
        assert_eq!(s.index_url.as_deref(), Some("https://b/simple"));
        assert_eq!(s.index_extra_urls, vec!["https://a/simple".to_string()]);
        assert_eq!(s.rule_level("PP201", "x"), Some(RuleLevel::Off));
        assert_eq!(
            s.rule_level("PP999", "deprecated_classifier"),
            Some(RuleLevel::Severity(Severity::Hint))
        );
        assert!(!s.inlay_latest_version);
    }

    #[test]
    fn file_table_with_spans() {
        let doc: toml_edit::Document<String> = toml_edit::Document::parse(
            "[tool.pyproject-lsp]\noffline = \"yes\"\nrules = { PP101 = \"warning\" }\n"
                .to_string(),
        )
        .expect("valid");
        let table = doc
            .as_table()
            .get("tool")
            .and_then(|t| t.get("pyproject-lsp"))
            .and_then(|t| t.as_table_like())
            .expect("table");
        let mut s = Settings::default();
        let problems = s.apply_table(table);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].range, Some(21..28));
        assert_eq!(
            s.rule_level("pp101", ""),
            Some(RuleLevel::Severity(Severity::Warning))
        );
    }

    #[test]
    fn env() {
        let mut s = Settings::default();
        let problems = s.apply_env(&|k| match k {
            "PYPROJECT_LSP_OFFLINE" => Some("1".into()),
            "PYPROJECT_LSP_CACHE_DIR" => Some("/tmp/c".into()),
            _ => None,
        });
        assert!(problems.is_empty());
        assert!(s.offline);
        assert_eq!(s.cache_dir, Some(PathBuf::from("/tmp/c")));
    }
}
