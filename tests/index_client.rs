//! The index client against a real HTTP server on 127.0.0.1: recorded PEP 691 JSON and PEP 503
//! HTML pages, every fault (slow, 500, 404, truncated, garbage, wrong content type), single
//! flight, private-index isolation, credentials, the disk cache and its corruption, offline,
//! stale-while-revalidate, names lists and metadata. No test needs the internet.

#[path = "support/http.rs"]
mod http;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{Reply, Server};
use pep440_rs::Version;
use pyproject_lsp::index::{Answer, Index, IndexUrl, Options, Outcome, Project, Sources, cache};

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/index")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn temp_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "pp-index-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn options(cache_dir: Option<PathBuf>) -> Options {
    Options {
        connect_timeout: Duration::from_secs(1),
        timeout: Duration::from_secs(2),
        names_timeout: Duration::from_secs(5),
        ..Options::new(false, cache_dir)
    }
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn sources(urls: &[String]) -> Sources {
    Sources {
        indexes: urls
            .iter()
            .map(|u| IndexUrl::parse(u, None, "test").expect("url"))
            .collect(),
        pinned: Default::default(),
    }
}

/// Waits for a definite or failed answer (not for the first miss).
async fn answer(index: &Index, sources: &Sources, name: &str) -> Arc<Answer> {
    index
        .project(sources, name, Duration::from_secs(10))
        .await
        .expect("an answer within 10 s")
}

fn found(answer: &Answer) -> &Project {
    match &answer.outcome {
        Outcome::Found(p) => p,
        other => panic!("expected a project, got {other:?}"),
    }
}

/// Versions compared as PEP 440 versions: the index lists `0.12.01` and `0.12.1` for requests,
/// which are one version.
fn versions(project: &Project) -> BTreeSet<Version> {
    project
        .releases
        .iter()
        .map(|r| pep440(&r.version))
        .collect()
}

fn pep440(v: &str) -> Version {
    Version::from_str(v).unwrap_or_else(|e| panic!("{v}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn recorded_json_pages_give_every_listed_version() {
    let server = Server::start();
    for name in ["requests", "httpx", "pydantic-settings", "tomli", "click"] {
        server.route(
            &format!("/simple/{name}/"),
            Reply::json(fixture(&format!("simple/{name}.json"))),
        );
    }
    let index = Index::new(options(None), &no_env);
    let src = sources(&[server.url("/simple/")]);
    for name in ["requests", "httpx", "pydantic-settings", "tomli", "click"] {
        let a = answer(&index, &src, name).await;
        let p = found(&a);
        let page: serde_json::Value =
            serde_json::from_slice(&fixture(&format!("simple/{name}.json"))).expect("json");
        let listed: BTreeSet<Version> = page["versions"]
            .as_array()
            .expect("versions")
            .iter()
            .map(|v| pep440(v.as_str().expect("str")))
            .collect();
        assert_eq!(versions(p), listed, "{name}");
        // Upload times come through for every release that has files.
        assert!(
            p.releases
                .iter()
                .filter(|r| r.files > 0)
                .all(|r| r.uploaded.is_some()),
            "{name}"
        );
    }
    // requests has yanked releases; the reasons are the recorded ones.
    let a = answer(&index, &src, "requests").await;
    let page: serde_json::Value =
        serde_json::from_slice(&fixture("simple/requests.json")).expect("json");
    let reasons: HashSet<String> = page["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["yanked"].as_str().map(str::to_string))
        .collect();
    let ours: HashSet<String> = found(&a)
        .releases
        .iter()
        .filter_map(|r| r.yanked.clone())
        .collect();
    assert!(!reasons.is_empty());
    assert_eq!(ours, reasons);
}

#[tokio::test(flavor = "multi_thread")]
async fn html_pages_agree_with_json_pages() {
    let server = Server::start();
    for name in ["requests", "tomli", "click"] {
        server.route(
            &format!("/json/{name}/"),
            Reply::json(fixture(&format!("simple/{name}.json"))),
        );
        server.route(
            &format!("/html/{name}/"),
            Reply::html(fixture(&format!("simple/{name}.html"))),
        );
    }
    let index = Index::new(options(None), &no_env);
    for name in ["requests", "tomli", "click"] {
        let from_json = answer(&index, &sources(&[server.url("/json/")]), name).await;
        let from_html = answer(&index, &sources(&[server.url("/html/")]), name).await;
        // HTML has no zero-file releases and no upload times; everything else must match.
        let strip = |p: &Project| -> Vec<(Version, Option<String>, Vec<String>, u32)> {
            p.releases
                .iter()
                .filter(|r| r.files > 0)
                .map(|r| {
                    (
                        pep440(&r.version),
                        r.yanked.clone(),
                        r.requires_python.clone(),
                        r.files,
                    )
                })
                .collect()
        };
        assert_eq!(strip(found(&from_json)), strip(found(&from_html)), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn redirects_are_followed_and_relative_links_resolve_for_pep658_metadata() {
    let server = Server::start();
    server.route("/private/demo/", Reply::redirect("/moved/simple/demo/"));
    server.route(
        "/moved/simple/demo/",
        Reply::html(
            r#"<!DOCTYPE html><html><body>
            <a href="../../files/demo-1.0-py3-none-any.whl#sha256=00" data-core-metadata="sha256=11">demo-1.0-py3-none-any.whl</a>
            <a href="../../files/demo-1.1.tar.gz" data-requires-python="&gt;=3.9">demo-1.1.tar.gz</a>
            </body></html>"#,
        ),
    );
    server.route(
        "/moved/files/demo-1.0-py3-none-any.whl.metadata",
        Reply::new(200, "application/octet-stream", "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nSummary: Demo things\nProvides-Extra: fast\n\nbody"),
    );
    let index = Index::new(options(None), &no_env);
    let src = sources(&[server.url("/private/")]);
    let a = answer(&index, &src, "Demo").await;
    let p = found(&a);
    assert_eq!(
        versions(p),
        ["1.0", "1.1"].iter().map(|s| pep440(s)).collect()
    );
    assert_eq!(p.releases[1].requires_python, vec![">=3.9".to_string()]);
    assert_eq!(
        p.metadata.as_ref().map(|(_, u)| u.clone()),
        Some(server.url("/moved/files/demo-1.0-py3-none-any.whl.metadata"))
    );
    let meta = index
        .metadata(&src, "demo", Duration::from_secs(5))
        .await
        .expect("metadata");
    assert_eq!(meta.summary.as_deref(), Some("Demo things"));
    assert_eq!(meta.extras, vec!["fast"]);
    assert_eq!(
        server.hits("/moved/files/demo-1.0-py3-none-any.whl.metadata"),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_fault_answers_in_time_and_caches_nothing() {
    let server = Server::start();
    let good = fixture("simple/click.json");
    let faults: Vec<(&str, Reply)> = vec![
        (
            "slow",
            Reply::json(good.clone()).delayed(Duration::from_secs(5)),
        ),
        ("error", Reply::status(500)),
        ("truncated", Reply::json(good.clone()).truncated()),
        ("garbage", Reply::json("{\"files\": [ {\"filename\": ")),
        ("plain", Reply::new(200, "text/plain", good.clone())),
        (
            "octet",
            Reply::new(200, "application/octet-stream", "\0\0\0"),
        ),
    ];
    for (name, reply) in &faults {
        server.route(&format!("/simple/{name}/"), reply.clone());
    }
    server.route("/simple/click/", Reply::json(good.clone()));
    let dir = temp_dir("faults");
    let index = Index::new(options(Some(dir.clone())), &no_env);
    let src = sources(&[server.url("/simple/")]);

    // Start all faults at once, then check a healthy project still answers quickly meanwhile.
    for (name, _) in &faults {
        assert!(index.cached(&src, name).is_none());
    }
    let t = Instant::now();
    let click = answer(&index, &src, "click").await;
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "healthy answer took {:?}",
        t.elapsed()
    );
    found(&click);

    // The completion path never waits longer than asked.
    let t = Instant::now();
    assert!(
        index
            .project(&src, "slow", Duration::from_millis(100))
            .await
            .is_none()
    );
    assert!(
        t.elapsed() < Duration::from_millis(600),
        "waited {:?}",
        t.elapsed()
    );

    for (name, _) in &faults {
        let t = Instant::now();
        let a = answer(&index, &src, name).await;
        // The slow one ends by the client's 2 s timeout, not the server's 5 s.
        assert!(
            t.elapsed() < Duration::from_secs(4),
            "{name} took {:?}",
            t.elapsed()
        );
        assert!(
            matches!(a.outcome, Outcome::Failed(_)),
            "{name}: {:?}",
            a.outcome
        );
        assert!(!a.is_definite());
        let key = Sources::key(&src.indexes);
        assert!(
            !cache::project_path(&dir, &key, name).exists(),
            "{name} was written to disk"
        );
    }
    // A failure is remembered briefly: no new request while retry_after runs.
    let before = server.hits("/simple/error/");
    let again = index.cached(&src, "error").expect("failure served");
    assert!(!again.is_definite());
    assert_eq!(server.hits("/simple/error/"), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn not_found_is_definite_and_cached_briefly() {
    let server = Server::start();
    let dir = temp_dir("404");
    let index = Index::new(options(Some(dir.clone())), &no_env);
    let src = sources(&[server.url("/simple/")]);
    let a = answer(&index, &src, "no-such-project").await;
    assert_eq!(a.outcome, Outcome::NotFound);
    assert!(a.is_definite());
    assert!(cache::project_path(&dir, &Sources::key(&src.indexes), "no-such-project").exists());
    let _ = answer(&index, &src, "no-such-project").await;
    assert_eq!(server.hits("/simple/no-such-project/"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_fetch_per_project_shared_by_all_waiters() {
    let server = Server::start();
    server.route(
        "/simple/tomli/",
        Reply::json(fixture("simple/tomli.json")).delayed(Duration::from_millis(400)),
    );
    let index = Index::new(options(None), &no_env);
    let src = sources(&[server.url("/simple/")]);
    // A waiter that gives up early does not cancel the fetch.
    assert!(
        index
            .project(&src, "tomli", Duration::from_millis(10))
            .await
            .is_none()
    );
    let mut tasks = Vec::new();
    for i in 0..20 {
        let index = index.clone();
        let src = src.clone();
        // Different spellings of one project share the fetch too.
        let name = if i % 2 == 0 { "tomli" } else { "Tomli" };
        tasks.push(tokio::spawn(async move {
            index.project(&src, name, Duration::from_secs(5)).await
        }));
    }
    for t in tasks {
        let a = t.await.expect("task").expect("answer");
        found(&a);
    }
    assert_eq!(server.hits("/simple/tomli/"), 1);
    assert_eq!(index.requests_sent(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_found_on_a_private_index_is_never_sent_to_another() {
    let private = Server::start();
    let public = Server::start();
    private.route("/simple/click/", Reply::html(fixture("simple/click.html")));
    private.route("/simple/flaky/", Reply::status(503));
    public.route("/simple/click/", Reply::json(fixture("simple/click.json")));
    public.route("/simple/tomli/", Reply::json(fixture("simple/tomli.json")));
    public.route("/simple/flaky/", Reply::json(fixture("simple/tomli.json")));
    let index = Index::new(options(None), &no_env);
    let src = sources(&[private.url("/simple/"), public.url("/simple/")]);

    let a = answer(&index, &src, "click").await;
    assert_eq!(a.index.as_deref(), Some(private.url("/simple/").as_str()));
    assert_eq!(public.hits("/simple/click/"), 0);
    // Unknown to the private index: the next one is asked.
    let a = answer(&index, &src, "tomli").await;
    found(&a);
    assert_eq!(private.hits("/simple/tomli/"), 1);
    // The private index failed: it might know the name, so nobody else is asked.
    let a = answer(&index, &src, "flaky").await;
    assert!(!a.is_definite());
    assert_eq!(public.hits("/simple/flaky/"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_sent_and_never_shown() {
    let server = Server::start();
    server.route(
        "/simple/click/",
        Reply::html(fixture("simple/click.html")).with_basic_auth("alice", "s3cret"),
    );
    let index = Index::new(options(None), &no_env);

    let without = sources(&[server.url("/simple/")]);
    let a = answer(&index, &without, "click").await;
    let Outcome::Failed(message) = &a.outcome else {
        panic!("expected a failure, got {:?}", a.outcome)
    };
    assert!(message.contains("needs credentials"), "{message}");

    let with = sources(&[format!("http://alice:s3cret@{}/simple/", server.addr)]);
    assert!(!format!("{with:?}").contains("s3cret"));
    let a = answer(&index, &with, "click").await;
    found(&a);
    assert!(!a.index.as_deref().unwrap_or("").contains("s3cret"));
    assert_eq!(
        server
            .last_header("/simple/click/", "authorization")
            .as_deref(),
        Some("Basic YWxpY2U6czNjcmV0")
    );
    let ua = server
        .last_header("/simple/click/", "user-agent")
        .unwrap_or_default();
    assert!(ua.starts_with("pyproject-lsp/"), "{ua}");

    let wrong = sources(&[format!("http://alice:nope@{}/simple/", server.addr)]);
    let a = answer(&index, &wrong, "click").await;
    let Outcome::Failed(message) = &a.outcome else {
        panic!("expected a failure")
    };
    assert!(
        message.contains("refused") && !message.contains("nope"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn disk_cache_round_trip_offline_and_corruption() {
    let server = Server::start();
    server.route("/simple/httpx/", Reply::json(fixture("simple/httpx.json")));
    let dir = temp_dir("disk");
    let src = sources(&[server.url("/simple/")]);
    let first = {
        let index = Index::new(options(Some(dir.clone())), &no_env);
        answer(&index, &src, "httpx").await
    };
    // A new client (a new process) offline: the record comes from disk, with its age.
    let offline = Index::new(Options::new(true, Some(dir.clone())), &no_env);
    let again = offline.cached(&src, "httpx").expect("from disk");
    assert_eq!(found(&again), found(&first));
    assert_eq!(
        again.fetched,
        std::time::UNIX_EPOCH + Duration::from_secs(cache::secs(first.fetched))
    );
    assert_eq!(offline.requests_sent(), 0);
    // Offline and unknown: an immediate non-definite answer, no waiting.
    let unknown = offline.cached(&src, "tomli").expect("answer");
    assert!(!unknown.is_definite());

    // A corrupt record is ignored, fetched again and replaced.
    let path = cache::project_path(&dir, &Sources::key(&src.indexes), "httpx");
    std::fs::write(&path, b"{\"fetched\": 1, \"project\": [garbage").expect("write");
    let index = Index::new(options(Some(dir.clone())), &no_env);
    assert!(index.cached(&src, "httpx").is_none());
    let fresh = answer(&index, &src, "httpx").await;
    assert_eq!(found(&fresh), found(&first));
    assert!(cache::read_answer(&path).is_some());
    assert_eq!(server.hits("/simple/httpx/"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn stale_data_is_served_at_once_and_revalidated_or_kept_on_error() {
    let server = Server::start();
    server.route(
        "/simple/click/",
        Reply::json(fixture("simple/click.json")).header("ETag", "\"v1\""),
    );
    let dir = temp_dir("stale");
    let src = sources(&[server.url("/simple/")]);
    let stale_options = Options {
        fresh_for: Duration::ZERO,
        retry_after: Duration::ZERO,
        ..options(Some(dir.clone()))
    };
    let index = Index::new(stale_options, &no_env);
    let first = answer(&index, &src, "click").await;

    // Stale: served at once, and a background revalidation (conditional) starts.
    server.route("/simple/click/", Reply::status(304));
    let served = index.cached(&src, "click").expect("stale answer served");
    assert_eq!(found(&served), found(&first));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.hits("/simple/click/"), 2);
    assert_eq!(
        server
            .last_header("/simple/click/", "if-none-match")
            .as_deref(),
        Some("\"v1\"")
    );

    // The index breaks: the stale data is still what everyone gets.
    server.route("/simple/click/", Reply::status(500));
    let served = index.cached(&src, "click").expect("stale answer served");
    found(&served);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.hits("/simple/click/"), 3);
    let served = index
        .project(&src, "click", Duration::from_secs(2))
        .await
        .expect("answer");
    assert_eq!(found(&served), found(&first));
    assert!(
        served
            .refresh_failed
            .as_deref()
            .is_some_and(|w| w.contains("500")),
        "{:?}",
        served.refresh_failed
    );
    // And the disk record is still the good one.
    assert!(
        cache::read_answer(&cache::project_path(
            &dir,
            &Sources::key(&src.indexes),
            "click"
        ))
        .is_some()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn names_list_is_fetched_stored_and_searched() {
    let server = Server::start();
    let mut html = String::from("<!DOCTYPE html><html><body>\n");
    for name in [
        "requests",
        "Requests_OAuthlib",
        "httpx",
        "click",
        "typing.extensions",
        "flask",
    ] {
        html.push_str(&format!("<a href=\"/simple/{name}/\">{name}</a>\n"));
    }
    html.push_str("</body></html>");
    server.route("/simple/", Reply::html(html));
    let dir = temp_dir("names");
    let src = sources(&[server.url("/simple/")]);
    let index = Index::new(options(Some(dir.clone())), &no_env);
    assert!(index.names(&src).is_empty());
    assert_eq!(index.update_names(&src).await, Ok(6));
    let names = index.names(&src);
    assert_eq!(
        names[0].prefixed("req", 10),
        vec!["requests", "requests-oauthlib"]
    );
    assert_eq!(names[0].fuzzy("typingext", 5), vec!["typing-extensions"]);

    // Another client loads the stored list without asking the index (it is less than a day old).
    let other = Index::new(options(Some(dir.clone())), &no_env);
    assert_eq!(other.update_names(&src).await, Ok(6));
    assert_eq!(server.hits("/simple/"), 1);

    // A corrupt stored list is dropped and fetched again.
    let stored = std::fs::read_dir(dir.join("names-v1"))
        .expect("names dir")
        .next()
        .expect("file")
        .expect("entry")
        .path();
    std::fs::write(&stored, b"PPNAMES1\x05\0\0\0").expect("write");
    let third = Index::new(options(Some(dir.clone())), &no_env);
    assert_eq!(third.update_names(&src).await, Ok(6));
    assert_eq!(server.hits("/simple/"), 2);

    // Did-you-mean for an unknown project comes with the facts.
    index.prefetch(&src, ["reqests"]);
    let _ = answer(&index, &src, "reqests").await;
    let facts = index.facts(&src, ["reqests"]);
    assert_eq!(
        facts.suggestions.get("reqests").map(|v| v[0].as_str()),
        Some("requests")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn json_api_metadata_with_vulnerabilities_on_pypi_like_indexes() {
    let server = Server::start();
    server.route(
        "/simple/pycrypto/",
        Reply::json(fixture("simple/pycrypto.json")),
    );
    server.route(
        "/pypi/pycrypto/json",
        Reply::new(200, "application/json", fixture("pypi/pycrypto.json")),
    );
    let index = Index::new(options(None), &no_env);
    let src = sources(&[server.url("/simple/")]);
    let meta = index
        .metadata(&src, "pycrypto", Duration::from_secs(5))
        .await
        .expect("metadata");
    let doc: serde_json::Value =
        serde_json::from_slice(&fixture("pypi/pycrypto.json")).expect("json");
    assert_eq!(Some(meta.version.as_str()), doc["info"]["version"].as_str());
    assert_eq!(meta.summary.as_deref(), doc["info"]["summary"].as_str());
    // Advisories sharing an alias are merged, none is lost.
    let ids: HashSet<&str> = doc["vulnerabilities"]
        .as_array()
        .expect("vulns")
        .iter()
        .filter_map(|v| v["id"].as_str())
        .collect();
    assert!(!meta.vulnerabilities.is_empty() && meta.vulnerabilities.len() <= ids.len());
    for id in ids {
        assert!(
            meta.vulnerabilities
                .iter()
                .any(|v| v.id == id || v.aliases.iter().any(|a| a == id)),
            "{id}"
        );
    }
    // Cached: a second lookup sends nothing.
    let before = server.total_hits();
    assert!(index.cached_metadata(&src, "pycrypto").is_some());
    assert_eq!(server.total_hits(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn completion_facts_wait_at_most_the_given_time_and_a_later_call_gets_the_rest() {
    let server = Server::start();
    server.route(
        "/simple/click/",
        Reply::json(fixture("simple/click.json")).delayed(Duration::from_millis(600)),
    );
    let index = Index::new(options(None), &no_env);
    let src = sources(&[server.url("/simple/")]);
    let names = vec!["click".to_string()];
    let t = Instant::now();
    let facts = index
        .completion_facts(&src, &names, Some("click"), Duration::from_millis(100))
        .await;
    assert!(
        t.elapsed() < Duration::from_millis(400),
        "waited {:?}",
        t.elapsed()
    );
    assert!(facts.project("click").is_none());
    tokio::time::sleep(Duration::from_millis(900)).await;
    let facts = index
        .completion_facts(&src, &names, Some("click"), Duration::from_millis(100))
        .await;
    found(facts.project("click").expect("answered by now"));
    assert_eq!(server.hits("/simple/click/"), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn metadata_falls_back_to_pep658_when_the_json_api_is_missing() {
    let server = Server::start();
    // A private index whose root also ends in /simple/ (pypiserver, devpi): no JSON API there.
    server.route(
        "/simple/demo/",
        Reply::html(
            r#"<a href="/files/demo-2.0-py3-none-any.whl" data-core-metadata="true">demo-2.0-py3-none-any.whl</a>"#,
        ),
    );
    server.route(
        "/files/demo-2.0-py3-none-any.whl.metadata",
        Reply::new(
            200,
            "binary/octet-stream",
            "Metadata-Version: 2.1\nName: demo\nVersion: 2.0\nProvides-Extra: cli\n",
        ),
    );
    let index = Index::new(options(None), &no_env);
    let src = sources(&[server.url("/simple/")]);
    let meta = index
        .metadata(&src, "demo", Duration::from_secs(5))
        .await
        .expect("metadata");
    assert_eq!(meta.extras, vec!["cli"]);
    assert_eq!(server.hits("/pypi/demo/json"), 1);
    assert_eq!(server.hits("/files/demo-2.0-py3-none-any.whl.metadata"), 1);
}

#[test]
fn blocking_facts_for_the_cli() {
    let server = Server::start();
    server.route("/simple/click/", Reply::json(fixture("simple/click.json")));
    let src = sources(&[server.url("/simple/")]);
    let names = vec!["click".to_string(), "nope".to_string()];
    let facts = pyproject_lsp::index::facts_blocking(
        options(None),
        &src,
        &names,
        &[],
        Duration::from_secs(5),
    );
    found(facts.project("click").expect("click"));
    assert_eq!(
        facts.project("nope").map(|a| a.outcome.clone()),
        Some(Outcome::NotFound)
    );
}
