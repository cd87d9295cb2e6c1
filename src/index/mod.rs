//! The package index client: which releases a project has, its metadata, and every project
//! name, from PyPI or private indexes, cached in memory and on disk. The only module that
//! touches the network.
//!
//! How the rest of the program uses it:
//! - [`sources::resolve`] once per document: which indexes to ask, with credentials.
//! - [`Index::cached`] never waits: what is known now, possibly stale (its age is in the
//!   answer); a missing or stale answer starts one shared background fetch.
//! - [`Index::project`] waits at most a given time for that shared fetch (completion: 100 ms,
//!   then `isIncomplete`); [`Index::facts`] hands the answers to the pure rules and features.
//! - [`Index::metadata`] and [`Index::update_names`] likewise for hover/extras and names.
//!
//! Fetches run in tasks owned by this module, one per project at a time, shared by all waiters,
//! so a cancelled request never wastes or repeats a fetch; a semaphore caps how many run at once.

pub mod auth;
pub mod cache;
mod client;
pub mod http;
pub mod metadata;
pub mod names;
pub mod parse;
pub mod sources;
pub mod versions;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

pub use client::Index;
pub use metadata::{Metadata, Vulnerability};
pub use names::Names;
pub use sources::{IndexUrl, Sources};

/// PEP 503 normalization: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// How long an answer is fresh: the client asks again after this (`Options::fresh_for`), and
/// rules treat older data as possibly missing new releases.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// What an index says about one project: its releases, oldest first by PEP 440 order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Project {
    /// Normalized name.
    pub name: String,
    pub releases: Vec<Release>,
    /// `(version, url)` of the PEP 658 metadata file of the newest installable release that has
    /// one (finals preferred), when the index offers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<(String, String)>,
}

/// One release, summarised from its files. Short field names keep the disk record small.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Release {
    #[serde(rename = "v")]
    pub version: String,
    /// Unix seconds of the earliest file upload (JSON pages only).
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub uploaded: Option<i64>,
    /// `Some(reason)` (possibly empty) when every file of the release is yanked.
    #[serde(rename = "y", default, skip_serializing_if = "Option::is_none")]
    pub yanked: Option<String>,
    /// The distinct `requires-python` of its files; empty when some file has none (any Python).
    #[serde(rename = "p", default, skip_serializing_if = "Vec::is_empty")]
    pub requires_python: Vec<String>,
    /// How many files; a release without files cannot be installed.
    #[serde(rename = "f")]
    pub files: u32,
}

/// The result of asking the configured indexes about a project.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Found(Arc<Project>),
    /// Every index asked answered 404: a definite "no such project".
    NotFound,
    /// The network or the index failed; nothing is known. Never a reason for a diagnostic.
    Failed(String),
}

/// An answer with its provenance and age.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub outcome: Outcome,
    /// The index that answered, credentials removed (for hover).
    pub index: Option<String>,
    /// When the index answered; stale answers are served with this age.
    pub fetched: SystemTime,
    /// The validator for the next conditional request.
    pub etag: Option<String>,
    /// Set when this is older data served because the last refresh failed (why it failed).
    pub refresh_failed: Option<String>,
}

impl Answer {
    pub fn failed(message: impl Into<String>) -> Answer {
        Answer {
            outcome: Outcome::Failed(message.into()),
            index: None,
            fetched: SystemTime::now(),
            etag: None,
            refresh_failed: None,
        }
    }

    pub fn project(&self) -> Option<&Project> {
        match &self.outcome {
            Outcome::Found(p) => Some(p),
            _ => None,
        }
    }

    /// True for a real answer from an index (found or not found), false for a failure.
    pub fn is_definite(&self) -> bool {
        !matches!(self.outcome, Outcome::Failed(_))
    }

    /// How old the data is.
    pub fn age(&self, now: SystemTime) -> Duration {
        now.duration_since(self.fetched).unwrap_or_default()
    }

    /// The age in words, for hover and messages: "fresh", "12 min old", "3 h old", "5 days old".
    pub fn age_text(&self, now: SystemTime) -> String {
        let secs = self.age(now).as_secs();
        match secs {
            0..=59 => "fresh".to_string(),
            60..=3599 => format!("{} min old", secs / 60),
            3600..=172_799 => format!("{} h old", secs / 3600),
            _ => format!("{} days old", secs / 86_400),
        }
    }

    /// Older than a fresh answer can be (served because the index could not be asked again, or
    /// while it is being asked): a release newer than the data may exist.
    pub fn is_stale(&self, now: SystemTime) -> bool {
        self.refresh_failed.is_some() || self.age(now) >= STALE_AFTER
    }
}

/// Index answers handed to the pure rules and features (part of the framework's `Facts`).
/// Keys are normalized project names. A name with no entry has not been asked or answered yet:
/// rules say nothing about it.
#[derive(Clone, Debug, Default)]
pub struct IndexFacts {
    pub projects: HashMap<String, Arc<Answer>>,
    /// Metadata of the latest release, where fetched.
    pub metadata: HashMap<String, Arc<Metadata>>,
    /// Metadata of pinned releases (from the JSON API), keyed `name==version` (normalized), for
    /// the vulnerabilities of exactly that release.
    pub releases: HashMap<String, Arc<Metadata>>,
    /// "Did you mean" candidates for names every index said 404 to.
    pub suggestions: HashMap<String, Vec<String>>,
    /// The names stores of the indexes (for name completion), newest first.
    pub names: Vec<Arc<Names>>,
    /// When the facts were gathered, for ages ("data 3 h old").
    pub now: Option<SystemTime>,
}

impl IndexFacts {
    pub fn project(&self, name: &str) -> Option<&Arc<Answer>> {
        self.projects.get(&normalize(name))
    }

    /// Metadata of one pinned release, when fetched.
    pub fn release(&self, name: &str, version: &str) -> Option<&Arc<Metadata>> {
        let version = versions::parse(version)?;
        self.releases
            .get(&format!("{}=={version}", normalize(name)))
    }
}

/// How the client behaves. `Options::new` has the defaults the server uses.
#[derive(Clone, Debug)]
pub struct Options {
    /// No network at all: only cached data is served (stale or not).
    pub offline: bool,
    /// Where records are kept; `None` keeps everything in memory.
    pub cache_dir: Option<PathBuf>,
    pub connect_timeout: Duration,
    /// Total time for one project page or metadata request.
    pub timeout: Duration,
    /// Total time for a names list (tens of megabytes from the public index).
    pub names_timeout: Duration,
    /// An answer younger than this is served without asking again.
    pub fresh_for: Duration,
    /// A 404 is believed this long.
    pub missing_for: Duration,
    /// After a failure, wait this long before asking the same index again.
    pub retry_after: Duration,
    /// A names list younger than this is not fetched again.
    pub names_fresh_for: Duration,
    /// Fetches running at once.
    pub max_parallel: usize,
    /// Largest body accepted for a project page or metadata.
    pub max_body: usize,
}

impl Options {
    pub fn new(offline: bool, cache_dir: Option<PathBuf>) -> Options {
        Options {
            offline,
            cache_dir,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(20),
            names_timeout: Duration::from_secs(180),
            fresh_for: STALE_AFTER,
            missing_for: Duration::from_secs(5 * 60),
            retry_after: Duration::from_secs(30),
            names_fresh_for: Duration::from_secs(24 * 3600),
            max_parallel: 4,
            max_body: 64 << 20,
        }
    }
}

/// Client options from the server's settings and the environment: `PYPROJECT_LSP_OFFLINE=1`
/// turns the network off as the `offline` setting does; the cache directory is
/// `PYPROJECT_LSP_CACHE_DIR`, else the `cache.dir` setting, else the user cache folder.
pub fn options(
    offline: bool,
    cache_dir_setting: Option<&std::path::Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Options {
    let offline = offline
        || env("PYPROJECT_LSP_OFFLINE").is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes"));
    let home = cache::home_dir(env);
    let setting = cache_dir_setting.and_then(|p| p.to_str());
    Options::new(offline, cache::cache_dir(setting, env, home.as_deref()))
}

/// Where to ask for one document's requirements: settings (`index.url`, `index.extraUrls`), the
/// document's `[tool.uv]`, the environment, pip.conf, netrc (see [`sources`]).
pub fn sources_for(
    url: Option<&str>,
    extra_urls: &[String],
    pyproject: Option<&toml_edit::Table>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Sources {
    let home = cache::home_dir(env);
    sources::resolve(&sources::Inputs {
        url,
        extra_urls,
        pyproject,
        env,
        home: home.as_deref(),
        system_config: true,
    })
}

/// For the CLI, which has no runtime of its own: asks the indexes about `names` and the pinned
/// releases `pins` (waiting at most `timeout` in all), loads the stored names lists for "did you mean" (never downloading them),
/// and returns the facts. Without network, cached answers are used and the rest is absent.
pub fn facts_blocking(
    options: Options,
    sources: &Sources,
    names: &[String],
    pins: &[(String, String)],
    timeout: Duration,
) -> IndexFacts {
    // Offline, nothing new can arrive: answer from the cache without waiting.
    let wait = if options.offline {
        Duration::ZERO
    } else {
        Duration::from_secs(3).min(timeout)
    };
    blocking(async {
        let index = Index::new(options, &|k| std::env::var(k).ok());
        let _ = index.load_names(sources).await;
        index.wait_all(sources, names, timeout).await;
        // Metadata for the vulnerability check: all started at once, then a short shared wait.
        for name in names {
            let _ = index.cached_metadata(sources, name);
        }
        let deadline = tokio::time::Instant::now() + wait;
        for name in names {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let _ = index.metadata(sources, name, left).await;
        }
        // Pinned releases: started together, polled until all are in or the time is up.
        let mut facts = IndexFacts::default();
        index.add_pins(sources, pins, &mut facts);
        while facts.releases.len() < pins.len() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            index.add_pins(sources, pins, &mut facts);
        }
        let mut all = index.facts(sources, names.iter().map(String::as_str));
        all.releases = facts.releases;
        all
    })
    .unwrap_or_default()
}

/// Runs `work` on a runtime of its own, for the CLI, which has none. `None` inside a runtime (a
/// nested one cannot block: use `Index` directly there) or when no runtime can be built.
fn blocking<T>(work: impl std::future::Future<Output = T>) -> Option<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return None;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .ok()?;
    Some(runtime.block_on(work))
}

/// For the CLI: the `[tool.*]` schemas that the settings name by URL, from the cache or fetched
/// (waiting at most `timeout` in all). A URL missing from the map had no answer in time.
pub fn schemas_blocking(
    options: Options,
    urls: &[String],
    timeout: Duration,
) -> HashMap<String, Result<Arc<str>, String>> {
    if urls.is_empty() {
        return HashMap::new();
    }
    blocking(async {
        let index = Index::new(options, &|k| std::env::var(k).ok());
        let deadline = tokio::time::Instant::now() + timeout;
        let mut out = HashMap::new();
        for url in urls {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            // `Ok(None)`: no answer in time, so no entry.
            if let Some(result) = index.schema(url, left).await.transpose() {
                out.insert(url.clone(), result);
            }
        }
        out
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("Typing_Extensions"), "typing-extensions");
        assert_eq!(normalize("zope..interface"), "zope-interface");
        assert_eq!(normalize(" Django "), "django");
        assert_eq!(normalize("_x_"), "x");
    }
}
