//! The shared client: memory cache over the disk cache, single-flight fetches in owned tasks,
//! stale-while-revalidate, the parallel-fetch cap, and the offline switch.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use tokio::sync::{Semaphore, watch};

use crate::index::metadata::{self, Metadata};
use crate::index::names::Names;
use crate::index::parse::{self, Format};
use crate::index::sources::{IndexUrl, Sources, fnv1a};
use crate::index::{Answer, IndexFacts, Options, Outcome, cache, http, normalize};

/// Metadata and when it was fetched; `None` remembers a failed fetch for a while.
type MetadataEntry = (SystemTime, Option<Arc<Metadata>>);

/// A schema's JSON text, or why it could not be had.
type SchemaResult = Result<Arc<str>, String>;

/// Largest schema accepted (the biggest bundled one, ruff's, is under 1 MiB).
const MAX_SCHEMA: usize = 16 << 20;

/// A fetch in progress: waiters watch for `Some`.
type Flight<T> = watch::Receiver<Option<T>>;

/// The package index client. Cheap to clone; all clones share one cache.
#[derive(Clone)]
pub struct Index {
    shared: Arc<Shared>,
}

struct Shared {
    options: Options,
    /// The HTTP client, built on the first fetch rather than at start-up: loading the system's
    /// certificates takes milliseconds that `initialize` should not wait for. `Err` says why
    /// there is none (HTTPS could not be set up). Never built when offline.
    http: std::sync::OnceLock<Result<reqwest::Client, String>>,
    /// `SSL_CERT_FILE` as the environment had it when the client was created.
    ssl_cert_file: Option<String>,
    /// Where fetch tasks run; `None` outside a Tokio runtime (then nothing is fetched).
    runtime: Option<tokio::runtime::Handle>,
    permits: Semaphore,
    /// Requests sent, for tests and logs.
    requests: AtomicUsize,
    projects: Mutex<HashMap<String, Arc<Answer>>>,
    project_flights: Mutex<HashMap<String, Flight<Arc<Answer>>>>,
    /// Recent failures per key: served as the answer until `retry_after` passes.
    failures: Mutex<HashMap<String, (Instant, Arc<Answer>)>>,
    metadata: Mutex<HashMap<String, MetadataEntry>>,
    metadata_flights: Mutex<HashMap<String, Flight<Option<Arc<Metadata>>>>>,
    names: Mutex<HashMap<String, Arc<Names>>>,
    names_flights: Mutex<HashMap<String, Flight<Result<usize, String>>>>,
    /// `[tool.*]` schemas named by URL in the settings, and when each result was had.
    schemas: Mutex<HashMap<String, (Instant, SchemaResult)>>,
    schema_flights: Mutex<HashMap<String, Flight<SchemaResult>>>,
    /// "Did you mean" results per unknown name, dropped when a names list changes.
    suggestions: Mutex<HashMap<String, Vec<String>>>,
}

impl Shared {
    /// The HTTP client, built now if this is the first fetch; `None` when offline or when HTTPS
    /// could not be set up ([`Shared::why_no_http`] says which).
    fn http(&self) -> Option<&reqwest::Client> {
        if self.options.offline {
            return None;
        }
        self.http
            .get_or_init(|| {
                let cert = self.ssl_cert_file.clone();
                let env = move |k: &str| cert.clone().filter(|_| k == "SSL_CERT_FILE");
                http::client(self.options.connect_timeout, self.options.timeout, &env)
            })
            .as_ref()
            .ok()
    }

    /// Whether fetches can run (without building the client).
    fn can_fetch(&self) -> bool {
        !self.options.offline && self.http.get().is_none_or(Result::is_ok)
    }

    fn why_no_http(&self) -> String {
        match self.http.get() {
            Some(Err(e)) => e.clone(),
            _ => "offline".to_string(),
        }
    }
}

/// Locks a mutex even if a panicking thread poisoned it: the maps stay usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The in-memory key of a project: the indexes asked, a fingerprint of their credentials (so
/// that fixing a password is not answered from a remembered 401; never written anywhere), and
/// the normalized name. Disk records are keyed by the indexes alone.
fn project_key(indexes: &[IndexUrl], name: &str) -> String {
    let mut creds = Vec::new();
    for i in indexes {
        if let Some(c) = &i.credentials {
            creds.extend_from_slice(c.username.as_bytes());
            creds.push(0);
            creds.extend_from_slice(c.password.as_deref().unwrap_or("").as_bytes());
        }
        creds.push(1);
    }
    format!("{}-{:x}/{}", Sources::key(indexes), fnv1a(&creds), name)
}

impl Index {
    /// Creates the client. `env` is read for TLS (`SSL_CERT_FILE`); call it inside a Tokio runtime
    /// so that fetches can be spawned.
    pub fn new(options: Options, env: &dyn Fn(&str) -> Option<String>) -> Index {
        let permits = Semaphore::new(options.max_parallel.max(1));
        Index {
            shared: Arc::new(Shared {
                options,
                http: std::sync::OnceLock::new(),
                ssl_cert_file: env("SSL_CERT_FILE"),
                runtime: tokio::runtime::Handle::try_current().ok(),
                permits,
                requests: AtomicUsize::new(0),
                projects: Mutex::default(),
                project_flights: Mutex::default(),
                failures: Mutex::default(),
                metadata: Mutex::default(),
                metadata_flights: Mutex::default(),
                names: Mutex::default(),
                names_flights: Mutex::default(),
                schemas: Mutex::default(),
                schema_flights: Mutex::default(),
                suggestions: Mutex::default(),
            }),
        }
    }

    pub fn options(&self) -> &Options {
        &self.shared.options
    }

    /// How many HTTP requests this client has sent.
    pub fn requests_sent(&self) -> usize {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// What is known about a project now, without waiting: memory, then the disk record. A
    /// missing or stale answer starts a shared background fetch; `None` means "not known yet".
    /// Offline, a missing answer is a `Failed("offline")` answer, so nobody waits.
    pub fn cached(&self, sources: &Sources, name: &str) -> Option<Arc<Answer>> {
        let name = normalize(name);
        let indexes = sources.for_project(&name);
        let key = project_key(&indexes, &name);
        let shared = &self.shared;
        let mut known = lock(&shared.projects).get(&key).cloned();
        if known.is_none()
            && let Some(dir) = &shared.options.cache_dir
            && let Some(answer) =
                cache::read_answer(&cache::project_path(dir, &Sources::key(&indexes), &name))
        {
            let answer = Arc::new(answer);
            lock(&shared.projects).insert(key.clone(), answer.clone());
            known = Some(answer);
        }
        if let Some(answer) = &known
            && self.is_fresh(answer)
        {
            return known;
        }
        if !shared.can_fetch() {
            // Offline (or no TLS): stale data is still the best answer there is.
            return known.or_else(|| Some(Arc::new(Answer::failed(shared.why_no_http()))));
        }
        if let Some((at, failure)) = lock(&shared.failures).get(&key).cloned()
            && at.elapsed() < shared.options.retry_after
        {
            return known.or(Some(failure));
        }
        self.project_flight(indexes, &name, key, known.clone());
        known
    }

    /// The answer for a project, waiting at most `wait` for the shared fetch. `None` when the
    /// index has not answered in time (completion then says `isIncomplete`); the fetch goes on
    /// and a later call gets its result.
    pub async fn project(
        &self,
        sources: &Sources,
        name: &str,
        wait: Duration,
    ) -> Option<Arc<Answer>> {
        if let Some(answer) = self.cached(sources, name) {
            return Some(answer);
        }
        let name = normalize(name);
        let indexes = sources.for_project(&name);
        let key = project_key(&indexes, &name);
        let flight = lock(&self.shared.project_flights).get(&key).cloned();
        let flight = match flight {
            Some(f) => f,
            None => return self.cached(sources, &name),
        };
        wait_flight(flight, wait)
            .await
            .or_else(|| self.cached_quiet(&key))
    }

    /// Starts fetches for every name (a document was opened) and returns at once.
    pub fn prefetch<'a>(&self, sources: &Sources, names: impl IntoIterator<Item = &'a str>) {
        for name in names {
            let _ = self.cached(sources, name);
        }
    }

    /// Waits until every name has an answer or `timeout` passes (for the CLI, which has no
    /// later request to deliver results to).
    pub async fn wait_all(&self, sources: &Sources, names: &[String], timeout: Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        for name in names {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let _ = self.project(sources, name, left).await;
        }
    }

    /// The answers known now for these names, for rules and features. Adds "did you mean"
    /// candidates for unknown projects when a names list is loaded (a scan: call it off the
    /// typing path, e.g. when diagnostics are computed).
    pub fn facts<'a>(
        &self,
        sources: &Sources,
        names: impl IntoIterator<Item = &'a str>,
    ) -> IndexFacts {
        let mut facts = IndexFacts {
            now: Some(SystemTime::now()),
            names: self.names(sources),
            ..IndexFacts::default()
        };
        for name in names {
            let name = normalize(name);
            let Some(answer) = self.cached(sources, &name) else {
                continue;
            };
            if matches!(answer.outcome, Outcome::NotFound) && !facts.names.is_empty() {
                // A full scan (~100 ms over the public index): once per name and names list.
                let known = lock(&self.shared.suggestions).get(&name).cloned();
                let similar = known.unwrap_or_else(|| {
                    let mut similar: Vec<String> = Vec::new();
                    for store in &facts.names {
                        for s in store.similar(&name, 3) {
                            if !similar.contains(&s) {
                                similar.push(s);
                            }
                        }
                    }
                    similar.truncate(3);
                    lock(&self.shared.suggestions).insert(name.clone(), similar.clone());
                    similar
                });
                facts.suggestions.insert(name.clone(), similar);
            }
            if let Some(m) = self.cached_metadata(sources, &name) {
                facts.metadata.insert(name.clone(), m);
            }
            facts.projects.insert(name, answer);
        }
        facts
    }

    /// The one call for completion: waits at most `wait` (100 ms in the server) for the project
    /// being completed (`focus`, see `features::dependencies::completion_target`) and, once it
    /// is known, for its metadata (extras), then returns the facts for all `names`. Whatever is
    /// not there in time is fetched on; the completion says `isIncomplete` and the next request
    /// gets it.
    pub async fn completion_facts(
        &self,
        sources: &Sources,
        names: &[String],
        focus: Option<&str>,
        wait: Duration,
    ) -> IndexFacts {
        if let Some(focus) = focus {
            let deadline = tokio::time::Instant::now() + wait;
            if self
                .project(sources, focus, wait)
                .await
                .is_some_and(|a| a.project().is_some())
            {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                let _ = self.metadata(sources, focus, left).await;
            }
        }
        let mut all: Vec<&str> = names.iter().map(String::as_str).collect();
        all.extend(focus);
        self.facts(sources, all)
    }

    /// Adds the metadata of pinned releases (`(name, version)` pairs, e.g. from
    /// `rules::dependencies::pinned_requirements`) that is known now, and starts fetching the rest.
    pub fn add_pins(&self, sources: &Sources, pins: &[(String, String)], facts: &mut IndexFacts) {
        for (name, version) in pins {
            let Some(v) = crate::index::versions::parse(version) else {
                continue;
            };
            if let Some(m) = self.cached_release_metadata(sources, name, version) {
                facts
                    .releases
                    .insert(format!("{}=={v}", normalize(name)), m);
            }
        }
    }

    fn cached_quiet(&self, key: &str) -> Option<Arc<Answer>> {
        lock(&self.shared.projects).get(key).cloned()
    }

    fn is_fresh(&self, answer: &Answer) -> bool {
        let o = &self.shared.options;
        let limit = match answer.outcome {
            Outcome::Found(_) => o.fresh_for,
            Outcome::NotFound => o.missing_for,
            Outcome::Failed(_) => Duration::ZERO,
        };
        answer.age(SystemTime::now()) < limit
    }

    /// Joins or starts the one fetch for this key.
    fn project_flight(
        &self,
        indexes: Vec<IndexUrl>,
        name: &str,
        key: String,
        previous: Option<Arc<Answer>>,
    ) {
        let this = self.clone();
        let name = name.to_string();
        let task_key = key.clone();
        start_flight(
            &self.shared,
            |s| &s.project_flights,
            key,
            move || async move {
                let answer = this
                    .fetch_project(&indexes, &name, previous.as_deref())
                    .await;
                this.settle(&indexes, &name, &task_key, answer, previous)
            },
        );
    }

    /// Records a fetch result and says what waiters get: a definite answer is stored (memory and
    /// disk); a failure is remembered briefly and stale data, if any, is served instead.
    fn settle(
        &self,
        indexes: &[IndexUrl],
        name: &str,
        key: &str,
        answer: Answer,
        previous: Option<Arc<Answer>>,
    ) -> Arc<Answer> {
        let shared = &self.shared;
        if !answer.is_definite() {
            let why = match &answer.outcome {
                Outcome::Failed(why) => why.clone(),
                _ => String::new(),
            };
            let failure = Arc::new(answer);
            lock(&shared.failures).insert(key.to_string(), (Instant::now(), failure.clone()));
            let Some(previous) = previous else {
                return failure;
            };
            // The older data stays the answer, marked so that hover can say why it is old.
            let marked = Arc::new(Answer {
                refresh_failed: Some(why),
                ..(*previous).clone()
            });
            lock(&shared.projects).insert(key.to_string(), marked.clone());
            return marked;
        }
        let answer = Arc::new(answer);
        lock(&shared.failures).remove(key);
        lock(&shared.projects).insert(key.to_string(), answer.clone());
        if let Some(dir) = &shared.options.cache_dir {
            cache::write_answer(
                &cache::project_path(dir, &Sources::key(indexes), name),
                &answer,
            );
        }
        answer
    }

    /// Asks each index in turn; stops at the first that knows the name, and at the first error
    /// (an index that failed might have known the name, so asking the next one could leak it).
    async fn fetch_project(
        &self,
        indexes: &[IndexUrl],
        name: &str,
        previous: Option<&Answer>,
    ) -> Answer {
        let shared = &self.shared;
        let Some(client) = shared.http() else {
            return Answer::failed(shared.why_no_http());
        };
        let Ok(_permit) = shared.permits.acquire().await else {
            return Answer::failed("shutting down");
        };
        for index in indexes {
            let Some(url) = index.project_url(name) else {
                continue;
            };
            let shown = index.shown();
            let mut request = client.get(url.clone()).header(ACCEPT, parse::ACCEPT);
            if let Some(c) = &index.credentials {
                request = request.basic_auth(&c.username, c.password.as_ref());
            }
            let revalidating = previous
                .filter(|p| p.index.as_deref() == Some(shown.as_str()) && p.project().is_some());
            if let Some(etag) = revalidating.and_then(|p| p.etag.as_deref()) {
                request = request.header(IF_NONE_MATCH, etag);
            }
            shared.requests.fetch_add(1, Ordering::Relaxed);
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => return Answer::failed(format!("{shown}: {}", http::describe(&e))),
            };
            let status = response.status();
            if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
                continue;
            }
            if status == StatusCode::NOT_MODIFIED
                && let Some(p) = revalidating
            {
                return Answer {
                    fetched: SystemTime::now(),
                    refresh_failed: None,
                    ..p.clone()
                };
            }
            if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                let why = if index.credentials.is_some() {
                    "refused the credentials"
                } else {
                    "needs credentials"
                };
                return Answer::failed(format!("{shown} {why} (HTTP {})", status.as_u16()));
            }
            if !status.is_success() {
                return Answer::failed(format!("{shown} answered HTTP {}", status.as_u16()));
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let etag = response
                .headers()
                .get(ETAG)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            // Relative file links resolve against the page after redirects.
            let page = response.url().clone();
            let Some(format) = parse::format_of(&content_type) else {
                return Answer::failed(format!(
                    "{shown} answered with unexpected content type {content_type:?}"
                ));
            };
            let body = match http::body(response, shared.options.max_body).await {
                Ok(b) => b,
                Err(e) => return Answer::failed(format!("{shown}: {e}")),
            };
            let parsed = match format {
                Format::Json => parse::json_project(name, &body, &page),
                Format::Html => parse::html_project(name, &body, &page),
            };
            return match parsed {
                Ok(project) => Answer {
                    outcome: Outcome::Found(Arc::new(project)),
                    index: Some(shown),
                    fetched: SystemTime::now(),
                    etag,
                    refresh_failed: None,
                },
                Err(e) => Answer::failed(format!("{shown}: {e}")),
            };
        }
        Answer {
            outcome: Outcome::NotFound,
            index: None,
            fetched: SystemTime::now(),
            etag: None,
            refresh_failed: None,
        }
    }

    // ----- metadata (hover, extras, vulnerabilities) -----

    /// Metadata of the latest release known now, without waiting; starts a fetch when the
    /// project is known and its metadata is not.
    pub fn cached_metadata(&self, sources: &Sources, name: &str) -> Option<Arc<Metadata>> {
        let name = normalize(name);
        let indexes = sources.for_project(&name);
        let answer = lock(&self.shared.projects)
            .get(&project_key(&indexes, &name))
            .cloned()?;
        let project = answer.project()?;
        let version = metadata_version(project, &answer, &indexes)?;
        let key = format!("{}/{}@{}", Sources::key(&indexes), name, version);
        let path = self
            .shared
            .options
            .cache_dir
            .as_ref()
            .map(|d| cache::metadata_path(d, &Sources::key(&indexes), &name, &version));
        self.metadata_lookup(key, path, move |this: Index| async move {
            this.fetch_metadata(&indexes, &answer).await
        })
    }

    /// Metadata of one release from the JSON API (`/pypi/<name>/<version>/json`), for the
    /// vulnerabilities of a pinned version; `None` until fetched, and always on indexes without
    /// the JSON API. Never waits; starts the fetch.
    pub fn cached_release_metadata(
        &self,
        sources: &Sources,
        name: &str,
        version: &str,
    ) -> Option<Arc<Metadata>> {
        let name = normalize(name);
        let version = crate::index::versions::parse(version)?.to_string();
        let indexes = sources.for_project(&name);
        let answer = lock(&self.shared.projects)
            .get(&project_key(&indexes, &name))
            .cloned()?;
        let index = indexes
            .iter()
            .find(|i| Some(i.shown()) == answer.index)?
            .clone();
        let mut url = index.json_api_url(&name)?;
        let path = url.path().trim_end_matches("json").to_string();
        url.set_path(&format!("{path}{version}/json"));
        let key = format!("{}/{}@{}#release", Sources::key(&indexes), name, version);
        let disk = self.shared.options.cache_dir.as_ref().map(|d| {
            cache::metadata_path(
                d,
                &Sources::key(&indexes),
                &name,
                &format!("{version}-release"),
            )
        });
        self.metadata_lookup(key, disk, move |this: Index| async move {
            let client = this.shared.http()?.clone();
            let _permit = this.shared.permits.acquire().await.ok()?;
            let body = this.get_small(&client, &index, url).await?;
            metadata::parse_json_api(&body).ok().map(Arc::new)
        })
    }

    /// Memory, then disk, then a shared background fetch, for one metadata record.
    fn metadata_lookup<F, Fut>(
        &self,
        key: String,
        path: Option<std::path::PathBuf>,
        fetch: F,
    ) -> Option<Arc<Metadata>>
    where
        F: FnOnce(Index) -> Fut + Send + 'static,
        Fut: Future<Output = Option<Arc<Metadata>>> + Send + 'static,
    {
        let shared = &self.shared;
        let known = lock(&shared.metadata).get(&key).cloned();
        let known = known.or_else(|| {
            let (m, at) = cache::read_metadata(path.as_ref()?)?;
            let entry = (at, Some(Arc::new(m)));
            lock(&shared.metadata).insert(key.clone(), entry.clone());
            Some(entry)
        });
        let stale = known.as_ref().is_none_or(|(at, _)| {
            SystemTime::now().duration_since(*at).unwrap_or_default()
                >= shared.options.fresh_for * 6
        });
        if stale && shared.can_fetch() {
            let this = self.clone();
            let task_key = key.clone();
            let _ = start_flight(
                shared,
                |s| &s.metadata_flights,
                key,
                move || async move {
                    let fetched = fetch(this.clone()).await;
                    let now = SystemTime::now();
                    if let (Some(m), Some(path)) = (&fetched, &path) {
                        cache::write_metadata(path, m, now);
                    }
                    let mut map = lock(&this.shared.metadata);
                    match &fetched {
                        Some(m) => {
                            map.insert(task_key, (now, Some(m.clone())));
                        }
                        // A failure is remembered as "nothing" only when there was nothing before,
                        // so that the next lookup after `fresh_for` tries again.
                        None => {
                            map.entry(task_key)
                                .or_insert((now - this.shared.options.fresh_for * 5, None));
                        }
                    }
                    fetched
                },
            );
        }
        known.and_then(|(_, m)| m)
    }

    /// Metadata of the latest release, waiting at most `wait` for the project and its metadata.
    pub async fn metadata(
        &self,
        sources: &Sources,
        name: &str,
        wait: Duration,
    ) -> Option<Arc<Metadata>> {
        let deadline = tokio::time::Instant::now() + wait;
        let answer = self.project(sources, name, wait).await?;
        answer.project()?;
        if let Some(m) = self.cached_metadata(sources, name) {
            return Some(m);
        }
        let name = normalize(name);
        let indexes = sources.for_project(&name);
        let version = metadata_version(answer.project()?, &answer, &indexes)?;
        let key = format!("{}/{}@{}", Sources::key(&indexes), name, version);
        let flight = lock(&self.shared.metadata_flights).get(&key).cloned();
        // No flight: it has already finished (or failed recently), so memory has the answer.
        let Some(flight) = flight else {
            return self.cached_metadata(sources, &name);
        };
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        wait_flight(flight, left).await.flatten()
    }

    /// PyPI-like indexes: the JSON API (it also carries vulnerabilities). Others: the PEP 658
    /// metadata file when the index offers one. Nothing else is tried: a private index's
    /// metadata is never asked of another host.
    async fn fetch_metadata(&self, indexes: &[IndexUrl], answer: &Answer) -> Option<Arc<Metadata>> {
        let shared = &self.shared;
        let client = shared.http()?;
        let project = answer.project()?;
        let index = indexes.iter().find(|i| Some(i.shown()) == answer.index)?;
        let _permit = shared.permits.acquire().await.ok()?;
        // PyPI-like indexes first (the JSON API also carries vulnerabilities); an index whose
        // root merely ends in `/simple/` (pypiserver, devpi) answers 404 there, and then the
        // PEP 658 file is tried.
        if let Some(url) = index.json_api_url(&project.name)
            && let Some(body) = self.get_small(client, index, url).await
            && let Ok(meta) = metadata::parse_json_api(&body)
        {
            return Some(Arc::new(meta));
        }
        let (_, url) = project.metadata.as_ref()?;
        let body = self
            .get_small(client, index, reqwest::Url::parse(url).ok()?)
            .await?;
        let meta = metadata::parse_core_metadata(&String::from_utf8_lossy(&body));
        // A metadata file that is not one (an error page served as 200) has no version.
        if meta.version.is_empty() {
            return None;
        }
        Some(Arc::new(meta))
    }

    /// A GET with the index's credentials (only to the index's own host: files may live on a
    /// CDN); the body of a 2xx answer, else `None`.
    async fn get_small(
        &self,
        client: &reqwest::Client,
        index: &IndexUrl,
        url: reqwest::Url,
    ) -> Option<Vec<u8>> {
        let mut request = client.get(url.clone());
        if let Some(c) = &index.credentials
            && url.host_str() == index.url.host_str()
        {
            request = request.basic_auth(&c.username, c.password.as_ref());
        }
        self.shared.requests.fetch_add(1, Ordering::Relaxed);
        let response = request.send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        http::body(response, self.shared.options.max_body)
            .await
            .ok()
    }

    // ----- project names -----

    /// The names stores loaded now (none until [`Index::update_names`] has run once).
    pub fn names(&self, sources: &Sources) -> Vec<Arc<Names>> {
        let map = lock(&self.shared.names);
        sources
            .indexes
            .iter()
            .filter_map(|i| map.get(i.url.as_str()).cloned())
            .collect()
    }

    /// Loads the names lists of the configured indexes from disk, then fetches the ones older
    /// than a day from the indexes' `/simple/` roots. Meant to run in a background task with
    /// progress reporting; returns how many names are loaded, or the first error. Shared like
    /// project fetches: concurrent calls wait for the same work.
    pub async fn update_names(&self, sources: &Sources) -> Result<usize, String> {
        let mut total = 0;
        let mut first_error = None;
        for index in sources.indexes.clone() {
            let key = index.url.to_string();
            let this = self.clone();
            let task_index = index.clone();
            let flight = start_flight(
                &self.shared,
                |s| &s.names_flights,
                key,
                move || async move { this.update_index_names(&task_index, true).await },
            );
            let Some(flight) = flight else { continue };
            match wait_flight(
                flight,
                self.shared.options.names_timeout + Duration::from_secs(5),
            )
            .await
            {
                Some(Ok(n)) => total += n,
                Some(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                None => {
                    first_error
                        .get_or_insert_with(|| format!("{}: names list timed out", index.shown()));
                }
            }
        }
        match first_error {
            Some(e) if total == 0 => Err(e),
            _ => Ok(total),
        }
    }

    /// Loads the names lists already stored on disk, never fetching (for the CLI: a check run
    /// should not download tens of megabytes). Returns how many names are loaded.
    pub async fn load_names(&self, sources: &Sources) -> usize {
        let mut total = 0;
        for index in &sources.indexes {
            total += self.update_index_names(index, false).await.unwrap_or(0);
        }
        total
    }

    async fn update_index_names(&self, index: &IndexUrl, fetch: bool) -> Result<usize, String> {
        let shared = &self.shared;
        let key = index.url.to_string();
        let path = shared
            .options
            .cache_dir
            .as_ref()
            .map(|d| cache::names_path(d, &format!("{:016x}", fnv1a(key.as_bytes()))));
        let mut age = None;
        if let Some(path) = &path {
            let loaded = lock(&shared.names).get(&key).cloned();
            if loaded.is_none()
                && let Ok(bytes) = std::fs::read(path)
            {
                match Names::from_bytes(bytes) {
                    Some(names) => {
                        lock(&shared.names).insert(key.clone(), Arc::new(names));
                        lock(&shared.suggestions).clear();
                    }
                    None => {
                        let _ = std::fs::remove_file(path);
                    }
                }
            }
            age = std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .map(|t| SystemTime::now().duration_since(t).unwrap_or_default());
        }
        let loaded = lock(&shared.names).get(&key).map(|n| n.len());
        if let Some(n) = loaded
            && (!fetch
                || age.is_some_and(|a| a < shared.options.names_fresh_for)
                || !shared.can_fetch())
        {
            return Ok(n);
        }
        if !fetch {
            return Err("no names list stored yet".into());
        }
        let Some(client) = shared.http() else {
            return Err(shared.why_no_http());
        };
        let _permit = shared
            .permits
            .acquire()
            .await
            .map_err(|_| "shutting down".to_string())?;
        let mut request = client
            .get(index.url.clone())
            .header(ACCEPT, parse::ACCEPT)
            .timeout(shared.options.names_timeout);
        if let Some(c) = &index.credentials {
            request = request.basic_auth(&c.username, c.password.as_ref());
        }
        shared.requests.fetch_add(1, Ordering::Relaxed);
        let shown = index.shown();
        let response = request
            .send()
            .await
            .map_err(|e| format!("{shown}: {}", http::describe(&e)))?;
        if !response.status().is_success() {
            return Err(format!(
                "{shown} answered HTTP {}",
                response.status().as_u16()
            ));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let format = parse::format_of(&content_type)
            .ok_or_else(|| format!("{shown}: unexpected content type {content_type:?}"))?;
        let body = http::body(response, 512 << 20)
            .await
            .map_err(|e| format!("{shown}: {e}"))?;
        // Parsing and building take a moment for 900,000 names: keep them off the async workers.
        let names =
            tokio::task::spawn_blocking(move || parse::root_names(format, &body).map(Names::build))
                .await
                .map_err(|_| "names list task failed".to_string())?
                .map_err(|e| format!("{shown}: {e}"))?;
        let count = names.len();
        if let Some(path) = &path {
            cache::write_atomic(path, names.bytes());
        }
        lock(&shared.names).insert(key, Arc::new(names));
        lock(&shared.suggestions).clear();
        Ok(count)
    }
}

impl Index {
    // ----- `[tool.*]` schemas named by URL in the settings -----

    /// The JSON text of a schema that the `schemas` setting names by URL, without waiting:
    /// `Ok(Some(text))` once fetched (from memory, else the disk cache, where it stays: fetched
    /// once), `Ok(None)` while the one shared fetch runs (started here), `Err` when it failed
    /// (asked again after `retry_after`) or cannot be fetched (offline and not cached). Messages
    /// show the URL without credentials.
    pub fn cached_schema(&self, url: &str) -> Result<Option<Arc<str>>, String> {
        let shared = &self.shared;
        if let Some((at, result)) = lock(&shared.schemas).get(url).cloned()
            && (result.is_ok() || at.elapsed() < shared.options.retry_after || !shared.can_fetch())
        {
            return result.map(Some);
        }
        let shown = crate::index::auth::redact(url);
        let path = shared
            .options
            .cache_dir
            .as_ref()
            .map(|d| cache::schema_path(d, url));
        if let Some(text) = path.as_ref().and_then(|p| std::fs::read_to_string(p).ok()) {
            if schema_problem(&text).is_none() {
                let text: Arc<str> = text.into();
                lock(&shared.schemas).insert(url.to_string(), (Instant::now(), Ok(text.clone())));
                return Ok(Some(text));
            }
            // A damaged cache file is dropped and fetched again.
            if let Some(p) = &path {
                let _ = std::fs::remove_file(p);
            }
        }
        let parsed = match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => u,
            _ => return Err(format!("{shown} is not an http(s) URL")),
        };
        if !shared.can_fetch() {
            let why = shared.why_no_http();
            return Err(format!(
                "{shown}: not in the cache, and not fetched ({why})"
            ));
        }
        let this = self.clone();
        let key = url.to_string();
        start_flight(
            shared,
            |s| &s.schema_flights,
            key.clone(),
            move || async move {
                let result = this
                    .fetch_schema(parsed)
                    .await
                    .map_err(|e| format!("{shown}: {e}"));
                if let (Ok(text), Some(path)) = (&result, &path) {
                    cache::write_atomic(path, text.as_bytes());
                }
                lock(&this.shared.schemas).insert(key, (Instant::now(), result.clone()));
                result
            },
        );
        Ok(None)
    }

    /// [`Index::cached_schema`], waiting at most `wait` for the fetch; `Ok(None)` when it has
    /// not finished in time (it goes on).
    pub async fn schema(&self, url: &str, wait: Duration) -> Result<Option<Arc<str>>, String> {
        match self.cached_schema(url) {
            Ok(None) => {}
            known => return known,
        }
        let flight = lock(&self.shared.schema_flights).get(url).cloned();
        let Some(flight) = flight else {
            return self.cached_schema(url);
        };
        match wait_flight(flight, wait).await {
            Some(result) => result.map(Some),
            None => Ok(None),
        }
    }

    async fn fetch_schema(&self, url: reqwest::Url) -> SchemaResult {
        let Some(client) = self.shared.http() else {
            return Err(self.shared.why_no_http());
        };
        let mut url = url;
        let creds = crate::index::auth::take_userinfo(&mut url);
        let _permit = self
            .shared
            .permits
            .acquire()
            .await
            .map_err(|_| "shutting down".to_string())?;
        let mut request = client.get(url).header(
            ACCEPT,
            "application/schema+json, application/json;q=0.9, */*;q=0.1",
        );
        if let Some(c) = &creds {
            request = request.basic_auth(&c.username, c.password.as_ref());
        }
        self.shared.requests.fetch_add(1, Ordering::Relaxed);
        let response = request.send().await.map_err(|e| http::describe(&e))?;
        if !response.status().is_success() {
            return Err(format!("answered HTTP {}", response.status().as_u16()));
        }
        let body = http::body(response, MAX_SCHEMA).await?;
        let text =
            String::from_utf8(body).map_err(|_| "the answer is not UTF-8 text".to_string())?;
        match schema_problem(&text) {
            Some(problem) => Err(problem),
            None => Ok(text.into()),
        }
    }
}

/// Why a text is not a JSON Schema document (JSON whose top is an object or a boolean).
fn schema_problem(text: &str) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v.is_object() || v.is_boolean() => None,
        Ok(_) => Some("not a JSON Schema (the top level is not an object)".to_string()),
        Err(e) => Some(format!("not valid JSON: {e}")),
    }
}

/// Which release's metadata hover wants: the JSON API always describes the latest release, the
/// PEP 658 file the release the project record points to.
fn metadata_version(
    project: &crate::index::Project,
    answer: &Answer,
    indexes: &[IndexUrl],
) -> Option<String> {
    let index = indexes.iter().find(|i| Some(i.shown()) == answer.index)?;
    if index.json_api_url(&project.name).is_some() {
        return crate::index::versions::latest(project, None).map(|r| r.version.clone());
    }
    project.metadata.as_ref().map(|(v, _)| v.clone())
}

/// Starts `make()` in a task unless a flight for `key` is already running. The task owns the
/// work: callers that stop waiting do not cancel it. The entry leaves the map when the task
/// ends (also if it panics), after its value was sent.
fn start_flight<T, F, Fut>(
    shared: &Arc<Shared>,
    select: Select<T>,
    key: String,
    make: F,
) -> Option<Flight<T>>
where
    T: Clone + Send + Sync + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    let runtime = shared.runtime.as_ref()?;
    let (tx, rx) = watch::channel(None);
    {
        let mut map = lock(select(shared));
        // A flight still running is joined; one that has sent its value (or whose task died)
        // is over even if its entry is not removed yet.
        if let Some(existing) = map.get(&key)
            && existing.borrow().is_none()
            && existing.has_changed().is_ok()
        {
            return Some(existing.clone());
        }
        map.insert(key.clone(), rx.clone());
    }
    let guard = EndFlight {
        shared: shared.clone(),
        select,
        key,
        own: rx.clone(),
    };
    runtime.spawn(async move {
        let guard = guard;
        let value = make().await;
        let _ = tx.send(Some(value));
        drop(guard);
    });
    Some(rx)
}

type Select<T> = fn(&Shared) -> &Mutex<HashMap<String, Flight<T>>>;

/// Removes a flight's map entry when its task ends, however it ends.
struct EndFlight<T: 'static> {
    shared: Arc<Shared>,
    select: Select<T>,
    key: String,
    own: Flight<T>,
}

impl<T> Drop for EndFlight<T> {
    fn drop(&mut self) {
        let mut map = lock((self.select)(&self.shared));
        // A newer flight may have replaced ours under the same key: leave it.
        if map
            .get(&self.key)
            .is_some_and(|f| f.same_channel(&self.own))
        {
            map.remove(&self.key);
        }
    }
}

/// Waits for a flight's value at most `wait`.
async fn wait_flight<T: Clone>(mut flight: Flight<T>, wait: Duration) -> Option<T> {
    match tokio::time::timeout(wait, flight.wait_for(Option::is_some)).await {
        Ok(Ok(value)) => value.clone(),
        _ => None,
    }
}
