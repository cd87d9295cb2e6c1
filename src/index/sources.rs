//! Where to ask for a project: the server's settings, uv's settings in pyproject.toml and its
//! environment, pip's environment and pip.conf, then the public index. Also which credentials
//! go with each index.
//!
//! Every layer may name a default index ("primary") and extra ones. The strongest layer that
//! names a primary decides it (the public index when none does); the extras of that layer and of
//! every stronger layer come first, in the order written. Projects are asked of these indexes in
//! turn and the first index that knows a name is the only one asked: a name found on a private
//! index is never sent to another (uv's `first-index` strategy, which guards against dependency
//! confusion). `[tool.uv.sources]` pins a package to one named index, which is then the only one
//! asked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use reqwest::Url;
use toml_edit::{Item, Table};

use crate::index::auth::{self, Credentials, Redacted};
use crate::index::normalize;

/// The public index.
pub const PYPI: &str = "https://pypi.org/simple/";

/// One index to ask, its credentials already found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexUrl {
    /// The uv index name, when it has one.
    pub name: Option<String>,
    /// The Simple API root, without credentials, ending in `/`.
    pub url: Url,
    pub credentials: Option<Credentials>,
    /// Which setting named it, for hover and logs ("settings", "tool.uv.index", "PIP_INDEX_URL", ...).
    pub origin: &'static str,
}

impl IndexUrl {
    /// Parses a configured URL; credentials in it are split off. `None` for text that is no URL.
    pub fn parse(text: &str, name: Option<&str>, origin: &'static str) -> Option<IndexUrl> {
        let mut url = Url::parse(text.trim()).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_fragment(None);
        let credentials = auth::take_userinfo(&mut url);
        Some(IndexUrl {
            name: name.map(str::to_string),
            url,
            credentials,
            origin,
        })
    }

    /// The project page URL for a normalized name.
    pub fn project_url(&self, name: &str) -> Option<Url> {
        self.url.join(&format!("{name}/")).ok()
    }

    /// True for an index that also serves the JSON API at `/pypi/<name>/json` (PyPI and its
    /// mirrors, recognised by a Simple root ending in `/simple/`).
    pub fn json_api_url(&self, name: &str) -> Option<Url> {
        let path = self.url.path();
        let root = path.strip_suffix("simple/")?;
        let mut url = self.url.clone();
        url.set_path(&format!("{root}pypi/{name}/json"));
        Some(url)
    }

    /// The URL as it may be shown.
    pub fn shown(&self) -> String {
        Redacted(&self.url).to_string()
    }
}

/// The indexes to ask, resolved once per document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sources {
    /// Asked in this order; the first that knows a name answers for it.
    pub indexes: Vec<IndexUrl>,
    /// Normalized project name -> the one index it is pinned to.
    pub pinned: BTreeMap<String, IndexUrl>,
}

impl Default for Sources {
    fn default() -> Sources {
        Sources {
            indexes: IndexUrl::parse(PYPI, None, "default").into_iter().collect(),
            pinned: BTreeMap::new(),
        }
    }
}

impl Sources {
    /// The indexes to ask for one project, in order.
    pub fn for_project(&self, name: &str) -> Vec<IndexUrl> {
        match self.pinned.get(&normalize(name)) {
            Some(index) => vec![index.clone()],
            None => self.indexes.clone(),
        }
    }

    /// A stable key for a list of indexes, used for cache keys and cache folder names.
    pub fn key(indexes: &[IndexUrl]) -> String {
        let joined: Vec<&str> = indexes.iter().map(|i| i.url.as_str()).collect();
        format!("{:016x}", fnv1a(joined.join("\n").as_bytes()))
    }
}

/// A 64-bit FNV-1a hash: stable across runs and versions, unlike the std hasher.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Everything resolution reads, passed in so that tests are hermetic.
pub struct Inputs<'a> {
    /// `index.url` from the server's settings.
    pub url: Option<&'a str>,
    /// `index.extraUrls` from the server's settings.
    pub extra_urls: &'a [String],
    /// The pyproject.toml document root.
    pub pyproject: Option<&'a Table>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The user's home directory (for pip.conf and netrc).
    pub home: Option<&'a Path>,
    /// Whether to read system-wide pip configuration (`/etc/pip.conf`); tests turn it off.
    pub system_config: bool,
}

/// A layer's contribution.
#[derive(Default)]
struct Layer {
    primary: Option<IndexUrl>,
    extras: Vec<IndexUrl>,
}

/// Resolves where to ask. Never fails: unreadable settings are skipped.
pub fn resolve(inputs: &Inputs) -> Sources {
    let env = inputs.env;
    let uv_named = uv_indexes(inputs.pyproject, env);
    let layers = [
        settings_layer(inputs),
        uv_pyproject_layer(inputs.pyproject, &uv_named),
        uv_env_layer(env),
        pip_env_layer(env),
        pip_conf_layer(inputs),
    ];
    let mut indexes = Vec::new();
    let mut primary = None;
    for layer in layers {
        indexes.extend(layer.extras);
        if layer.primary.is_some() {
            primary = layer.primary;
            break;
        }
    }
    indexes.push(primary.unwrap_or_else(|| Sources::default().indexes.remove(0)));
    // The same URL twice would only be asked twice.
    let mut seen = Vec::new();
    indexes.retain(|i| {
        let fresh = !seen.contains(&i.url);
        seen.push(i.url.clone());
        fresh
    });

    let mut pinned = BTreeMap::new();
    if let Some(sources) = inputs
        .pyproject
        .and_then(|t| path(t, &["tool", "uv", "sources"]))
        .and_then(Item::as_table_like)
    {
        for (package, spec) in sources.iter() {
            let Some(index_name) = source_index(spec) else {
                continue;
            };
            if let Some((_, index)) = uv_named.iter().find(|(n, _)| n == &index_name) {
                pinned.insert(normalize(package), index.clone());
            }
        }
    }

    let netrc = auth::netrc_path(env, inputs.home).and_then(|p| std::fs::read_to_string(p).ok());
    let mut sources = Sources { indexes, pinned };
    for index in sources
        .indexes
        .iter_mut()
        .chain(sources.pinned.values_mut())
    {
        if index.credentials.is_none()
            && let Some(name) = &index.name
        {
            index.credentials = auth::uv_env_credentials(name, env);
        }
        if index.credentials.is_none()
            && let (Some(text), Some(host)) = (&netrc, index.url.host_str())
        {
            index.credentials = auth::netrc_lookup(text, host);
        }
    }
    sources
}

/// `{ index = "name" }`, or the first entry with an index in an array of such (uv allows
/// several, split by markers).
fn source_index(spec: &Item) -> Option<String> {
    if let Some(t) = spec.as_table_like() {
        return t.get("index").and_then(Item::as_str).map(str::to_string);
    }
    if let Some(v) = spec.as_value() {
        if let Some(t) = v.as_inline_table() {
            return t.get("index").and_then(|v| v.as_str()).map(str::to_string);
        }
        if let Some(a) = v.as_array() {
            return a.iter().find_map(|v| {
                v.as_inline_table()?
                    .get("index")?
                    .as_str()
                    .map(str::to_string)
            });
        }
    }
    if let Some(a) = spec.as_array_of_tables() {
        return a
            .iter()
            .find_map(|t| t.get("index")?.as_str().map(str::to_string));
    }
    None
}

fn path<'t>(table: &'t Table, keys: &[&str]) -> Option<&'t Item> {
    let (first, rest) = keys.split_first()?;
    let mut item = table.get(first)?;
    for key in rest {
        item = item.as_table_like()?.get(key)?;
    }
    Some(item)
}

fn settings_layer(inputs: &Inputs) -> Layer {
    Layer {
        primary: inputs
            .url
            .and_then(|u| IndexUrl::parse(u, None, "settings")),
        extras: inputs
            .extra_urls
            .iter()
            .filter_map(|u| IndexUrl::parse(u, None, "settings"))
            .collect(),
    }
}

/// A named uv index with its flags.
struct UvIndex {
    index: IndexUrl,
    default: bool,
    explicit: bool,
}

/// `[[tool.uv.index]]` entries, then `UV_INDEX` entries written `name=url`, by name; used for pins.
fn uv_indexes(
    pyproject: Option<&Table>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, IndexUrl)> {
    let mut named: Vec<(String, IndexUrl)> = uv_table_indexes(pyproject)
        .into_iter()
        .filter_map(|u| Some((u.index.name.clone()?, u.index)))
        .collect();
    for entry in env("UV_INDEX").unwrap_or_default().split_whitespace() {
        if let Some((name, url)) = entry.split_once('=')
            && !url.starts_with('/')
            && let Some(index) = IndexUrl::parse(url, Some(name), "UV_INDEX")
        {
            named.push((name.to_string(), index));
        }
    }
    named
}

fn uv_table_indexes(pyproject: Option<&Table>) -> Vec<UvIndex> {
    let Some(item) = pyproject.and_then(|t| path(t, &["tool", "uv", "index"])) else {
        return Vec::new();
    };
    let mut tables: Vec<&dyn toml_edit::TableLike> = Vec::new();
    if let Some(a) = item.as_array_of_tables() {
        tables.extend(a.iter().map(|t| t as &dyn toml_edit::TableLike));
    } else if let Some(a) = item.as_array() {
        tables.extend(
            a.iter()
                .filter_map(|v| v.as_inline_table())
                .map(|t| t as &dyn toml_edit::TableLike),
        );
    }
    tables
        .into_iter()
        .filter_map(|t| {
            let url = t.get("url")?.as_str()?;
            let name = t.get("name").and_then(Item::as_str);
            let flag = |k: &str| t.get(k).and_then(Item::as_bool).unwrap_or(false);
            // `format = "flat"` indexes are plain file listings, not the Simple API.
            if t.get("format").and_then(Item::as_str) == Some("flat") {
                return None;
            }
            Some(UvIndex {
                index: IndexUrl::parse(url, name, "tool.uv.index")?,
                default: flag("default"),
                explicit: flag("explicit"),
            })
        })
        .collect()
}

fn uv_pyproject_layer(pyproject: Option<&Table>, _named: &[(String, IndexUrl)]) -> Layer {
    let mut layer = Layer::default();
    for uv in uv_table_indexes(pyproject) {
        if uv.default {
            layer.primary.get_or_insert(uv.index);
        } else if !uv.explicit {
            layer.extras.push(uv.index);
        }
    }
    let Some(uv) = pyproject
        .and_then(|t| path(t, &["tool", "uv"]))
        .and_then(Item::as_table_like)
    else {
        return layer;
    };
    if layer.primary.is_none() {
        layer.primary = uv
            .get("index-url")
            .and_then(Item::as_str)
            .and_then(|u| IndexUrl::parse(u, None, "tool.uv.index-url"));
    }
    if let Some(extras) = uv.get("extra-index-url").and_then(Item::as_array) {
        layer.extras.extend(
            extras
                .iter()
                .filter_map(|v| IndexUrl::parse(v.as_str()?, None, "tool.uv.extra-index-url")),
        );
    }
    layer
}

fn uv_env_layer(env: &dyn Fn(&str) -> Option<String>) -> Layer {
    let mut layer = Layer {
        primary: env("UV_DEFAULT_INDEX")
            .and_then(|u| IndexUrl::parse(&u, None, "UV_DEFAULT_INDEX"))
            .or_else(|| {
                env("UV_INDEX_URL").and_then(|u| IndexUrl::parse(&u, None, "UV_INDEX_URL"))
            }),
        extras: Vec::new(),
    };
    for entry in env("UV_INDEX").unwrap_or_default().split_whitespace() {
        // `name=url` names the index (for credentials); a plain URL is anonymous.
        let (name, url) = match entry.split_once('=') {
            Some((n, u)) if !n.contains(':') => (Some(n), u),
            _ => (None, entry),
        };
        layer.extras.extend(IndexUrl::parse(url, name, "UV_INDEX"));
    }
    for url in env("UV_EXTRA_INDEX_URL")
        .unwrap_or_default()
        .split_whitespace()
    {
        layer
            .extras
            .extend(IndexUrl::parse(url, None, "UV_EXTRA_INDEX_URL"));
    }
    layer
}

fn pip_env_layer(env: &dyn Fn(&str) -> Option<String>) -> Layer {
    Layer {
        primary: env("PIP_INDEX_URL").and_then(|u| IndexUrl::parse(&u, None, "PIP_INDEX_URL")),
        extras: env("PIP_EXTRA_INDEX_URL")
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|u| IndexUrl::parse(u, None, "PIP_EXTRA_INDEX_URL"))
            .collect(),
    }
}

/// pip's configuration files, strongest first (pip reads them all and lets the later win; the
/// first one here that names an index decides).
pub fn pip_conf_paths(
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
    system: bool,
) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(p) = env("PIP_CONFIG_FILE") {
        if p == "/dev/null" || p.eq_ignore_ascii_case("nul") || p == "os.devnull" {
            return paths;
        }
        paths.push(PathBuf::from(p));
    }
    if let Some(venv) = env("VIRTUAL_ENV") {
        paths.push(Path::new(&venv).join(if cfg!(windows) { "pip.ini" } else { "pip.conf" }));
    }
    if cfg!(windows) {
        if let Some(appdata) = env("APPDATA") {
            paths.push(Path::new(&appdata).join("pip").join("pip.ini"));
        }
    } else if let Some(home) = home {
        let config = env("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".config"));
        paths.push(config.join("pip").join("pip.conf"));
        paths.push(home.join(".pip").join("pip.conf"));
        if cfg!(target_os = "macos") {
            paths.push(home.join("Library/Application Support/pip/pip.conf"));
        }
    }
    if system && !cfg!(windows) {
        paths.push(PathBuf::from("/etc/xdg/pip/pip.conf"));
        paths.push(PathBuf::from("/etc/pip.conf"));
    }
    paths
}

fn pip_conf_layer(inputs: &Inputs) -> Layer {
    for file in pip_conf_paths(inputs.env, inputs.home, inputs.system_config) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let values = ini_values(&text, &["global", "install"]);
        let get = |k: &str| {
            values
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        let layer = Layer {
            primary: get("index-url").and_then(|u| IndexUrl::parse(u, None, "pip.conf")),
            extras: get("extra-index-url")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|u| IndexUrl::parse(u, None, "pip.conf"))
                .collect(),
        };
        if layer.primary.is_some() || !layer.extras.is_empty() {
            return layer;
        }
    }
    Layer::default()
}

/// Keys and values of the named INI sections (first section wins per key); indented lines
/// continue the previous value, as in pip's configparser files.
fn ini_values(text: &str, sections: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    let mut section: Option<usize> = None;
    let mut last: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = sections
                .iter()
                .position(|s| s.eq_ignore_ascii_case(name.trim()));
            last = None;
            continue;
        }
        let Some(rank) = section else { continue };
        if line.starts_with([' ', '\t'])
            && let Some(i) = last
        {
            out[i].1.push(' ');
            out[i].1.push_str(trimmed);
            continue;
        }
        let Some((key, value)) = trimmed.split_once(['=', ':']) else {
            continue;
        };
        // pip accepts `index_url` and `index-url`.
        let key = key.trim().to_ascii_lowercase().replace('_', "-");
        out.push((key, value.trim().to_string(), rank));
        last = Some(out.len() - 1);
    }
    out.sort_by_key(|(_, _, rank)| *rank);
    out.into_iter().map(|(k, v, _)| (k, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_with(pyproject: &str, env: &[(&str, &str)], settings: Option<&str>) -> Sources {
        let doc: toml_edit::DocumentMut = pyproject.parse().expect("test data");
        let env_fn = |k: &str| {
            env.iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        };
        resolve(&Inputs {
            url: settings,
            extra_urls: &[],
            pyproject: Some(doc.as_table()),
            env: &env_fn,
            home: None,
            system_config: false,
        })
    }

    fn urls(s: &Sources) -> Vec<String> {
        s.indexes.iter().map(|i| i.url.to_string()).collect()
    }

    #[test]
    fn public_index_by_default() {
        assert_eq!(urls(&resolve_with("", &[], None)), vec![PYPI.to_string()]);
    }

    #[test]
    fn uv_extras_come_before_the_default_and_pins_apply() {
        let s = resolve_with(
            r#"
[[tool.uv.index]]
name = "corp"
url = "https://user:pw@corp.test/simple"
[[tool.uv.index]]
name = "torch"
url = "https://torch.test/whl"
explicit = true
[tool.uv.sources]
torch = { index = "torch" }
"#,
            &[("PIP_INDEX_URL", "https://pip.test/simple/")],
            None,
        );
        // The uv layer names no default, so pip's primary still applies, after uv's extras.
        assert_eq!(
            urls(&s),
            vec!["https://corp.test/simple/", "https://pip.test/simple/"]
        );
        assert_eq!(
            s.indexes[0]
                .credentials
                .as_ref()
                .expect("test data")
                .username,
            "user"
        );
        assert_eq!(
            s.for_project("Torch")[0].url.as_str(),
            "https://torch.test/whl/"
        );
    }

    #[test]
    fn settings_win_and_env_credentials_apply() {
        let s = resolve_with(
            "[tool.uv]\nindex-url = \"https://uv.test/simple\"\n",
            &[
                ("UV_INDEX", "corp=https://corp.test/simple"),
                ("UV_INDEX_CORP_PASSWORD", "pw"),
            ],
            Some("https://settings.test/simple"),
        );
        assert_eq!(urls(&s), vec!["https://settings.test/simple/"]);
        let s = resolve_with(
            "",
            &[
                ("UV_INDEX", "corp=https://corp.test/simple"),
                ("UV_INDEX_CORP_PASSWORD", "pw"),
            ],
            None,
        );
        assert_eq!(urls(&s), vec!["https://corp.test/simple/", PYPI]);
        assert_eq!(
            s.indexes[0]
                .credentials
                .as_ref()
                .expect("test data")
                .password
                .as_deref(),
            Some("pw")
        );
    }

    #[test]
    fn pip_conf_is_read() {
        let dir = std::env::temp_dir().join(format!("pp-pipconf-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".config/pip")).expect("test data");
        std::fs::write(
            dir.join(".config/pip/pip.conf"),
            "[global]\nindex_url = https://conf.test/simple\nextra-index-url =\n  https://a.test/simple\n  https://b.test/simple\n",
        )
        .expect("test data");
        let env = |_: &str| None;
        let s = resolve(&Inputs {
            url: None,
            extra_urls: &[],
            pyproject: None,
            env: &env,
            home: Some(&dir),
            system_config: false,
        });
        assert_eq!(
            urls(&s),
            vec![
                "https://a.test/simple/",
                "https://b.test/simple/",
                "https://conf.test/simple/"
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn json_api_url() {
        let i = IndexUrl::parse(PYPI, None, "x").expect("test data");
        assert_eq!(
            i.json_api_url("requests").expect("test data").as_str(),
            "https://pypi.org/pypi/requests/json"
        );
        let corp = IndexUrl::parse("https://corp.test/api/pypi/", None, "x").expect("test data");
        assert!(corp.json_api_url("x").is_none());
    }
}
