//! Dependency features end to end with real index answers: the index client fetches recorded
//! PyPI pages from a server on 127.0.0.1, and completion, hover, inlay hints, the "Update all
//! dependencies" action and the PP30x diagnostics are computed from those answers. Expectations
//! are derived from the recorded data, not written down.

#[path = "support/http.rs"]
mod http;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use http::{Reply, Server};
use pep440_rs::Version;
use pyproject_lsp::document::Document;
use pyproject_lsp::features;
use pyproject_lsp::index::{Index, IndexUrl, Options, Sources};
use pyproject_lsp::rules::Facts;
use pyproject_lsp::state::Snapshot;

const PROJECTS: &[&str] = &[
    "requests",
    "httpx",
    "click",
    "tomli",
    "pycrypto",
    "pydantic-settings",
];

fn fixture(rel: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/index")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn serve() -> Server {
    let server = Server::start();
    for name in PROJECTS {
        server.route(
            &format!("/simple/{name}/"),
            Reply::json(fixture(&format!("simple/{name}.json"))),
        );
        server.route(
            &format!("/pypi/{name}/json"),
            Reply::new(
                200,
                "application/json",
                fixture(&format!("pypi/{name}.json")),
            ),
        );
    }
    let mut root = String::from("<html><body>");
    for name in PROJECTS
        .iter()
        .chain(&["requests-oauthlib", "requests-toolbelt", "clickhouse"])
    {
        root.push_str(&format!("<a href=\"/simple/{name}/\">{name}</a>\n"));
    }
    server.route("/simple/", Reply::html(root + "</body></html>"));
    for (name, version, body) in RELEASES {
        server.route(
            &format!("/pypi/{name}/{version}/json"),
            Reply::new(200, "application/json", *body),
        );
    }
    server
}

/// The document (cursor marker `|` removed), the cursor offset, and facts for every requirement
/// after the index has answered.
async fn setup(server: &Server, text_with_cursor: &str) -> (Snapshot, usize, Facts) {
    let offset = text_with_cursor.find('|').unwrap_or(text_with_cursor.len());
    let text = text_with_cursor.replacen('|', "", 1);
    let document = Arc::new(Document::new(text, 1));
    let (snapshot, _) = Snapshot::new(None, document, None);
    let index = Index::new(Options::new(false, None), &|_| None);
    let sources = Sources {
        indexes: vec![IndexUrl::parse(&server.url("/simple/"), None, "test").expect("url")],
        pinned: Default::default(),
    };
    index.update_names(&sources).await.expect("names");
    let names = pyproject_lsp::rules::dependencies::requirement_names(
        &snapshot.document.manifest,
        &snapshot.document.text,
    );
    let mut wanted: Vec<String> = names.clone();
    wanted.extend(PROJECTS.iter().map(|s| s.to_string()));
    for name in &wanted {
        let _ = index.metadata(&sources, name, Duration::from_secs(5)).await;
    }
    let mut index_facts = index.facts(&sources, wanted.iter().map(String::as_str));
    // Pinned releases' own metadata (vulnerabilities), where the server has it.
    let pins = pyproject_lsp::rules::dependencies::pinned_requirements(
        &snapshot.document.manifest,
        &snapshot.document.text,
    );
    for _ in 0..40 {
        index.add_pins(&sources, &pins, &mut index_facts);
        if server_has_all(server, &pins, &index_facts) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let facts = Facts {
        index: index_facts,
        ..Facts::default()
    };
    (snapshot, offset, facts)
}

/// True when every pin the server has a release document for is in the facts.
fn server_has_all(
    server: &Server,
    pins: &[(String, String)],
    facts: &pyproject_lsp::index::IndexFacts,
) -> bool {
    pins.iter().all(|(n, v)| {
        facts.release(n, v).is_some()
            || server.hits(&format!("/pypi/{n}/{v}/json")) > 0
                && !RELEASES.iter().any(|(rn, rv, _)| rn == n && rv == v)
    })
}

/// A release document for a pinned old version (synthetic, shaped as PyPI's
/// `/pypi/<name>/<version>/json`, which the recording environment could not reach).
const RELEASES: &[(&str, &str, &str)] = &[(
    "requests",
    "2.19.0",
    r#"{"info":{"version":"2.19.0","summary":"Python HTTP for Humans."},"vulnerabilities":[
      {"id":"PYSEC-2018-28","aliases":["CVE-2018-18074"],"details":"Credentials leak on redirect.","fixed_in":["2.20.0"],"link":"https://osv.dev/vulnerability/PYSEC-2018-28"},
      {"id":"GHSA-x84v-xcm2-53pg","aliases":["CVE-2018-18074"],"fixed_in":["2.20.0"]}]}"#,
)];

fn recorded_yanked(name: &str) -> Vec<Version> {
    let page: serde_json::Value =
        serde_json::from_slice(&fixture(&format!("simple/{name}.json"))).expect("json");
    let mut out = Vec::new();
    for f in page["files"].as_array().expect("files") {
        if f["yanked"].as_str().is_some() || f["yanked"] == serde_json::Value::Bool(true) {
            let filename = f["filename"].as_str().expect("filename");
            if let Some(v) = pyproject_lsp::index::parse::version_from_filename(name, filename) {
                out.push(Version::from_str(&v).expect("version"));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn versions_after_an_operator_newest_first_without_yanked_or_pre_releases() {
    let server = serve();
    let text = "[project]\nname = \"demo\"\nrequires-python = \">=3.9\"\ndependencies = [\"requests>=|\"]\n";
    let (snapshot, offset, facts) = setup(&server, text).await;
    let out = features::completion::completions(&snapshot, offset, &facts);
    assert!(!out.incomplete);
    let items: Vec<_> = out
        .items
        .iter()
        .filter(|i| i.detail.as_deref().is_some_and(|d| d.contains("released")))
        .collect();
    assert!(items.len() > 100, "{} items", items.len());
    let yanked = recorded_yanked("requests");
    assert!(!yanked.is_empty());
    let mut seen_incompatible = false;
    let mut previous: Option<Version> = None;
    for item in &items {
        let v = Version::from_str(&item.label).expect("a version");
        assert!(!yanked.contains(&v), "yanked {v} offered");
        assert!(!v.any_prerelease(), "pre-release {v} offered");
        let incompatible = item
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("needs Python"));
        // Releases the project's Python cannot install come after all others.
        assert!(
            incompatible || !seen_incompatible,
            "{v} after an incompatible one"
        );
        if incompatible != seen_incompatible {
            previous = None;
        }
        seen_incompatible |= incompatible;
        if let Some(p) = &previous {
            assert!(v < *p, "{v} not below {p}");
        }
        previous = Some(v);
    }
    assert!(
        seen_incompatible,
        "requests has releases for Python >=3.10 only"
    );
    // The edit replaces just the (empty) version after the operator.
    let edit = items[0].edit.as_ref().expect("edit");
    assert_eq!(edit.range, offset..offset);
}

#[tokio::test(flavor = "multi_thread")]
async fn pre_releases_when_typed_and_bounds_after_a_comma() {
    let server = serve();
    let (snapshot, offset, facts) = setup(
        &server,
        "[project]\ndependencies = [\"requests==2.34.0.d|\"]\n",
    )
    .await;
    let labels: Vec<String> = features::completion::completions(&snapshot, offset, &facts)
        .items
        .into_iter()
        .map(|i| i.label)
        .collect();
    assert!(
        labels
            .iter()
            .any(|l| Version::from_str(l).is_ok_and(|v| v.any_prerelease())),
        "{labels:?}"
    );

    let (snapshot, offset, facts) =
        setup(&server, "[project]\ndependencies = [\"click>=7.0, |\"]\n").await;
    let items = features::completion::completions(&snapshot, offset, &facts).items;
    assert!(
        !items.is_empty() && items.iter().all(|i| i.label.starts_with('<')),
        "{:?}",
        items.first()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_dependency_table_completes_and_unknown_answers_are_incomplete() {
    let server = serve();
    for text in [
        "[project.optional-dependencies]\nx = [\"tomli~=|\"]\n",
        "[dependency-groups]\ndev = [\"tomli<=|\"]\n",
        "[build-system]\nrequires = [\"tomli!=|\"]\n",
        "[tool.uv]\ndev-dependencies = [\"tomli>|\"]\n",
        "[tool.poetry.dependencies]\ntomli = \"^|\"\n",
        "[tool.poetry.group.dev.dependencies]\ntomli = { version = \">=|\" }\n",
    ] {
        let (snapshot, offset, facts) = setup(&server, text).await;
        let out = features::completion::completions(&snapshot, offset, &facts);
        assert!(
            out.items
                .iter()
                .any(|i| Version::from_str(&i.label).is_ok()),
            "no versions for {text}"
        );
    }
    // A project the index has not answered for yet: nothing now, "ask again".
    let (snapshot, offset, mut facts) =
        setup(&server, "[project]\ndependencies = [\"tomli===|\"]\n").await;
    facts.index.projects.clear();
    let out = features::completion::completions(&snapshot, offset, &facts);
    assert!(out.incomplete && out.items.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn names_and_extras() {
    let server = serve();
    let (snapshot, offset, facts) =
        setup(&server, "[project]\ndependencies = [\"reque|\"]\n").await;
    let labels: Vec<String> = features::completion::completions(&snapshot, offset, &facts)
        .items
        .into_iter()
        .map(|i| i.label)
        .collect();
    assert_eq!(
        labels.first().map(String::as_str),
        Some("requests"),
        "{labels:?}"
    );
    assert!(labels.contains(&"requests-toolbelt".to_string()));

    let (snapshot, offset, facts) =
        setup(&server, "[project]\ndependencies = [\"httpx[|\"]\n").await;
    let labels: Vec<String> = features::completion::completions(&snapshot, offset, &facts)
        .items
        .into_iter()
        .map(|i| i.label)
        .collect();
    let doc: serde_json::Value = serde_json::from_slice(&fixture("pypi/httpx.json")).expect("json");
    let extras: Vec<String> = doc["info"]["provides_extra"]
        .as_array()
        .expect("extras")
        .iter()
        .map(|e| e.as_str().expect("str").to_string())
        .collect();
    assert!(!extras.is_empty());
    for extra in &extras {
        assert!(labels.contains(extra), "{extra} missing from {labels:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hover_shows_latest_match_yanked_and_age() {
    let server = serve();
    let text = "[project]\nrequires-python = \">=3.9\"\ndependencies = [\"requests==2.3|2.0\"]\n";
    let (snapshot, offset, facts) = setup(&server, text).await;
    let hover = features::hover::hover(&snapshot, offset, &facts).expect("hover");
    let doc: serde_json::Value =
        serde_json::from_slice(&fixture("pypi/requests.json")).expect("json");
    let summary = doc["info"]["summary"].as_str().expect("summary");
    assert!(hover.markdown.contains(summary), "{}", hover.markdown);
    assert!(hover.markdown.contains("Latest:"), "{}", hover.markdown);
    assert!(
        hover.markdown.contains("2.32.0 is yanked"),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains("data fresh"), "{}", hover.markdown);
}

fn codes(snapshot: &Snapshot, facts: &Facts) -> Vec<(String, String)> {
    features::diagnostics(snapshot, facts)
        .into_iter()
        .filter(|d| d.code.starts_with("PP3"))
        .map(|d| {
            (
                d.code.to_string(),
                snapshot.document.text[d.range.clone()].to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn diagnostics_only_after_definite_answers() {
    let server = serve();
    let text = r#"[project]
name = "demo"
version = "1"
requires-python = ">=3.9"
dependencies = [
    "reqests>=2",
    "click>=99",
    "requests==2.32.0",
    "pycrypto==2.6.1",
    "tomli<1",
    "requests===2.19.0",
    "private-thing @ https://x.test/private_thing-1.0-py3-none-any.whl",
    "member",
    "httpx",
]
[tool.uv.sources]
member = { workspace = true }
"#;
    let (snapshot, _, facts) = setup(&server, text).await;
    let found = codes(&snapshot, &facts);
    assert!(
        found.contains(&("PP301".into(), "reqests".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("PP302".into(), ">=99".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("PP303".into(), "2.32.0".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("PP304".into(), "2.6.1".into())),
        "{found:?}"
    );
    assert!(found.contains(&("PP305".into(), "<1".into())), "{found:?}");
    // A pinned old release: its own advisories (merged by alias), fixed by the first fixed version.
    let all = features::diagnostics(&snapshot, &facts);
    let old = all
        .iter()
        .find(|d| d.code == "PP304" && d.message.contains("2.19.0"))
        .expect("PP304 for 2.19.0");
    assert!(
        old.message.contains("1 known vulnerability"),
        "{}",
        old.message
    );
    assert_eq!(old.fixes[0].title, "Update to 2.20.0");
    assert!(!found.iter().any(|(_, t)| t == "httpx"), "{found:?}");
    // Direct references and workspace members are never sent to an index, nor reported.
    let asked = pyproject_lsp::rules::dependencies::requirement_names(
        &snapshot.document.manifest,
        &snapshot.document.text,
    );
    assert!(
        !asked.iter().any(|n| n == "private-thing" || n == "member"),
        "{asked:?}"
    );
    assert_eq!(
        server.hits("/simple/private-thing/") + server.hits("/simple/member/"),
        0
    );
    assert!(
        !found
            .iter()
            .any(|(_, t)| t.contains("private") || t == "member"),
        "{found:?}"
    );
    let all = features::diagnostics(&snapshot, &facts);
    let unknown = all.iter().find(|d| d.code == "PP301").expect("PP301");
    assert!(
        unknown.message.contains("`requests`") && unknown.fixes[0].edits[0].new_text == "requests",
        "{unknown:?}"
    );
    let yanked = all.iter().find(|d| d.code == "PP303").expect("PP303");
    assert!(
        yanked.message.contains("CVE-2024-35195"),
        "{}",
        yanked.message
    );

    let fresh = all.iter().find(|d| d.code == "PP302").expect("PP302");
    assert_eq!(fresh.severity, pyproject_lsp::diagnostic::Severity::Error);
    // The same answers two hours old (offline, or the index unreachable since): a release newer
    // than the data may satisfy `>=99`, so it is a warning that says how old the data is.
    let mut old_facts = facts.clone();
    for answer in old_facts.index.projects.values_mut() {
        let mut aged = answer.as_ref().clone();
        aged.fetched -= std::time::Duration::from_secs(2 * 3600);
        *answer = Arc::new(aged);
    }
    let aged = features::diagnostics(&snapshot, &old_facts);
    let stale = aged
        .iter()
        .find(|d| d.code == "PP302")
        .expect("PP302 on old data");
    assert_eq!(stale.severity, pyproject_lsp::diagnostic::Severity::Warning);
    assert!(stale.message.contains("2 h old"), "{}", stale.message);

    // The same document when the index failed: no PP30x at all.
    let broken = Server::start();
    for name in PROJECTS.iter().chain(&["reqests"]) {
        broken.route(&format!("/simple/{name}/"), Reply::status(500));
    }
    let (snapshot, _, facts) = setup_failing(&broken, text).await;
    assert!(codes(&snapshot, &facts).is_empty());
}

async fn setup_failing(server: &Server, text: &str) -> (Snapshot, usize, Facts) {
    let document = Arc::new(Document::new(text.to_string(), 1));
    let (snapshot, _) = Snapshot::new(None, document, None);
    let index = Index::new(Options::new(false, None), &|_| None);
    let sources = Sources {
        indexes: vec![IndexUrl::parse(&server.url("/simple/"), None, "test").expect("url")],
        pinned: Default::default(),
    };
    let names = pyproject_lsp::rules::dependencies::requirement_names(
        &snapshot.document.manifest,
        &snapshot.document.text,
    );
    index
        .wait_all(&sources, &names, Duration::from_secs(10))
        .await;
    let facts = Facts {
        index: index.facts(&sources, names.iter().map(String::as_str)),
        ..Facts::default()
    };
    (snapshot, 0, facts)
}

#[tokio::test(flavor = "multi_thread")]
async fn inlay_hints_and_update_all_keep_formatting() {
    let server = serve();
    let text = "[project]\nrequires-python = \">=3.9\"\ndependencies = [\n  \"click >= 7.0, < 8  ; python_version >= '3.9'\",  # pinned low\n  'tomli==1.0.0',\n  \"httpx\",\n]\n";
    let (snapshot, _, facts) = setup(&server, text).await;
    let hints = features::dependencies::inlay_hints(&snapshot, &facts);
    assert_eq!(hints.len(), 3);
    assert!(hints.iter().all(|h| h.label.starts_with("latest ")));
    let actions = features::dependencies::source_actions(&snapshot, &facts);
    assert_eq!(actions.len(), 1);
    let updated = pyproject_lsp::manifest::edit::apply(text, &actions[0].edits);
    // Only version text changed: comments, spacing, quotes and markers are as written.
    assert!(
        updated.contains("# pinned low")
            && updated.contains("'tomli==")
            && updated.contains(" ; python_version >= '3.9'"),
        "{updated}"
    );
    let again = Arc::new(Document::new(updated.clone(), 2));
    let (snapshot2, _) = Snapshot::new(None, again, None);
    // After the update no requirement has a newer release outside its specifier.
    assert!(
        !codes(&snapshot2, &facts).iter().any(|(c, _)| c == "PP305"),
        "{updated}"
    );
    assert!(features::dependencies::source_actions(&snapshot2, &facts).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn every_prefix_and_offset_is_safe_with_real_facts() {
    let server = serve();
    let text = "[project]\nname = \"démo\"\nrequires-python = \">=3.9\"\ndependencies = [\n  \"requests[socks] (>=2.0,<3) ; python_version >= '3.9'\",\n  \"click==8.*\", 'tomli>=1,!=2.0.0', \"httpx @ https://x.test/h.whl\", \"pycrypto===2.6.1\", \"é>=1\",\n]\n[dependency-groups]\ndev = [\"tomli~=2.0\", { include-group = \"x\" }]\n[tool.poetry.dependencies]\nclick = { version = \"^8.1\" }\ntomli = \"~2\"\n";
    let (_, _, facts) = setup(&server, text).await;
    let mut cut = 0;
    while cut <= text.len() {
        if text.is_char_boundary(cut) {
            let document = Arc::new(Document::new(text[..cut].to_string(), 1));
            let (snapshot, _) = Snapshot::new(None, document, None);
            let _ = features::diagnostics(&snapshot, &facts);
            let _ = features::completion::completions(&snapshot, cut, &facts);
            let _ = features::hover::hover(&snapshot, cut.saturating_sub(1), &facts);
            let _ = features::dependencies::inlay_hints(&snapshot, &facts);
            let _ = features::dependencies::source_actions(&snapshot, &facts);
        }
        cut += 1;
    }
    let document = Arc::new(Document::new(text.to_string(), 1));
    let (snapshot, _) = Snapshot::new(None, document, None);
    for offset in 0..=text.len() {
        let _ = features::completion::completions(&snapshot, offset, &facts);
        let _ = features::hover::hover(&snapshot, offset, &facts);
    }
}
