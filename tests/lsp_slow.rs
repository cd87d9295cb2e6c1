//! The slow facts through the real server: the Python analysis of a project on disk (entry point
//! diagnostics, goto definition, document links, a watched `.py` change re-checking), and the
//! package index on 127.0.0.1 (version completion and an index-backed diagnostic), and a
//! `[tool.*]` schema that the settings name by URL (fetched once, cached on disk, faults reported).

mod common;
#[path = "support/http.rs"]
mod http;

use common::*;
use serde_json::{Value, json};

const HEADER: &str = "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\n";

/// Writes a project file, waits for the server to go quiet, and tells it the file changed
/// (`kind`: 1 created, 2 changed, 3 deleted; a deleted file is removed, `text` ignored).
fn touch(c: &mut Client, path: &std::path::Path, text: &str, kind: u8) {
    if kind == 3 {
        std::fs::remove_file(path).expect("remove");
    } else {
        std::fs::write(path, text).expect("write");
    }
    c.settle_diagnostics(std::time::Duration::from_millis(300));
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(path), "type": kind }] }),
    );
}

/// An index on 127.0.0.1 serving the recorded PEP 691 page of `requests`; also its JSON.
fn serve_requests() -> (http::Server, Value) {
    let server = http::Server::start();
    let body = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/index/simple/requests.json"),
    )
    .expect("fixture");
    let recorded: Value = serde_json::from_slice(&body).expect("json");
    server.route(
        "/simple/requests/",
        http::Reply::new(200, "application/vnd.pypi.simple.v1+json", body),
    );
    (server, recorded)
}

fn has_code(p: &Value, code: &str) -> bool {
    p["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["code"] == code))
}

#[test]
fn entry_points_are_checked_followed_and_rechecked_when_a_python_file_changes() {
    let pyproject = format!("{HEADER}\n[project.scripts]\ndemo = \"demo.cli:main\"\n");
    let (dir, uri) = project(
        "slow-ep",
        &pyproject,
        &[
            ("src/demo/__init__.py", ""),
            (
                "src/demo/cli.py",
                "import yaml\n\n\ndef run():\n    return 0\n",
            ),
        ],
    );
    let (mut c, _) = Client::start(Init {
        root: Some(dir.clone()),
        ..Init::default()
    });
    c.open(&uri, &pyproject);
    // The fast publish has no Python facts; the slow one reports the missing object.
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && has_code(p, "PP404")
    });
    let d = p["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .find(|d| d["code"] == "PP404")
        .cloned()
        .expect("PP404");
    assert_eq!(d["range"]["start"]["line"], 10, "{d}");
    // The import scan ran too: `yaml` is used but no dependency provides it (PyYAML).
    let undeclared = p["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .find(|d| d["code"] == "PP601")
        .cloned()
        .expect("PP601");
    assert!(
        undeclared["message"]
            .as_str()
            .unwrap_or("")
            .contains("PyYAML"),
        "{undeclared}"
    );
    let site = undeclared["relatedInformation"][0]["location"]["uri"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(site.ends_with("src/demo/cli.py"), "{undeclared}");
    // Goto definition on the `cli` segment opens the module file.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 10, "character": 14 } }),
    );
    assert!(
        def["uri"]
            .as_str()
            .unwrap_or("")
            .ends_with("src/demo/cli.py"),
        "{def}"
    );
    let links = c.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(
        links[0]["target"]
            .as_str()
            .unwrap_or("")
            .ends_with("src/demo/cli.py"),
        "{links}"
    );
    // The server asked to watch Python files.
    assert!(
        c.server_requests.iter().any(
            |r| r["method"] == "client/registerCapability" && r.to_string().contains("**/*.py")
        )
    );
    // Define `main`, tell the server, and the error goes away.
    let cli = dir.join("src/demo/cli.py");
    touch(
        &mut c,
        &cli,
        "def run():\n    return 0\n\n\ndef main():\n    return run()\n",
        2,
    );
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && !has_code(p, "PP404")
    });
    assert!(
        p["diagnostics"].as_array().is_some_and(|d| d.is_empty()),
        "{p}"
    );
    // Saved again with `main` made async and an undeclared import: both come back (only the
    // changed file is read again).
    touch(
        &mut c,
        &cli,
        "import yaml\n\n\nasync def main():\n    return 0\n",
        2,
    );
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && has_code(p, "PP406") && has_code(p, "PP601")
    });
    assert!(!has_code(&p, "PP404"), "{p}");
    // A new module is picked up (a created file runs the whole analysis): its import is seen.
    let net = dir.join("src/demo/net.py");
    touch(&mut c, &net, "import httpx\n", 1);
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p.to_string().contains("httpx")
    });
    assert!(has_code(&p, "PP406"), "{p}");
    // Deleted again: gone.
    touch(&mut c, &net, "", 3);
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && !p.to_string().contains("httpx")
    });
    assert!(has_code(&p, "PP601"), "{p}");
    c.shutdown();
}

#[test]
fn versions_come_from_the_configured_index() {
    let (server, recorded) = serve_requests();
    let options = json!({ "index": { "url": server.url("/simple/") } });
    let (mut c, _) = Client::start(Init {
        options,
        env: vec![("PYPROJECT_LSP_OFFLINE".into(), "0".into())],
        ..Init::default()
    });
    let (text, line, col) = marker(&format!("{HEADER}dependencies = [\"requests>=|\"]\n"));
    let uri = "file:///tmp/slow-index/pyproject.toml";
    c.open(uri, &text);
    let labels = c.completion_labels(uri, line, col);
    let known: Vec<&str> = recorded["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!labels.is_empty(), "no versions offered");
    assert!(
        labels.iter().all(|l| known.contains(&l.as_str())),
        "{labels:?}"
    );
    // Newest first, by PEP 440; the newest final release of the recording leads.
    let parsed: Vec<pep440_rs::Version> =
        labels.iter().map(|l| l.parse().expect("version")).collect();
    assert!(parsed.windows(2).all(|w| w[0] > w[1]), "{labels:?}");
    let newest_final = known
        .iter()
        .filter_map(|v| v.parse::<pep440_rs::Version>().ok())
        .filter(|v| !v.any_prerelease())
        .max()
        .expect("a final release");
    assert_eq!(parsed[0], newest_final);
    // Releases whose files are all yanked are left out.
    let files = recorded["files"].as_array().expect("files");
    let yanked: Vec<&str> = known
        .iter()
        .copied()
        .filter(|v| {
            let mine: Vec<&Value> = files
                .iter()
                .filter(|f| {
                    f["filename"].as_str().is_some_and(|n| {
                        n.contains(&format!("-{v}.")) || n.contains(&format!("-{v}-"))
                    })
                })
                .collect();
            !mine.is_empty()
                && mine
                    .iter()
                    .all(|f| f["yanked"].as_bool() == Some(true) || f["yanked"].is_string())
        })
        .collect();
    assert!(!yanked.is_empty(), "the recording has yanked releases");
    assert!(
        yanked.iter().all(|y| !labels.iter().any(|l| l == y)),
        "yanked offered: {yanked:?}"
    );
    assert!(server.hits("/simple/requests/") >= 1);
    // A specifier no release satisfies is reported once the index has answered.
    c.change(
        uri,
        2,
        json!([{ "text": format!("{HEADER}dependencies = [\"requests>=99\"]\n") }]),
    );
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && has_code(p, "PP302")
    });
    assert!(has_code(&p, "PP302"));
    c.shutdown();
}

const MYTOOL_SCHEMA: &str = r#"{"type":"object","additionalProperties":false,"properties":{"level":{"enum":["low","high"],"description":"How loud."}}}"#;

#[test]
fn a_tool_schema_named_by_url_is_fetched_once_and_kept_on_disk() {
    let server = http::Server::start();
    server.route("/schemas/mytool.json", http::Reply::json(MYTOOL_SCHEMA));
    let url = server.url("/schemas/mytool.json");
    let cache = tempdir("schema-url-cache");
    let options = json!({ "schemas": [{ "tool": "mytool", "url": url }] });
    let start = |offline: &str| {
        Client::start(Init {
            options: options.clone(),
            env: vec![
                ("PYPROJECT_LSP_OFFLINE".into(), offline.into()),
                (
                    "PYPROJECT_LSP_CACHE_DIR".into(),
                    cache.display().to_string(),
                ),
            ],
            ..Init::default()
        })
        .0
    };
    let uri = "file:///tmp/schema-url/pyproject.toml";
    let text = format!("{HEADER}\n[tool.mytool]\nlevel = \"loud\"\n");
    let mut c = start("0");
    c.open(uri, &text);
    // The bundled catalogue has no `mytool`: the PP704 comes from the fetched schema.
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && has_code(p, "PP704")
    });
    assert!(has_code(&p, "PP704"), "{p}");
    let hover = c.hover(uri, text.lines().count() as u32 - 1, 2);
    assert!(hover.to_string().contains("How loud."), "{hover}");
    c.change(uri, 2, json!([{ "text": text.replace("loud", "high") }]));
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == 2
    });
    assert!(!has_code(&p, "PP704"), "{p}");
    c.shutdown();
    assert_eq!(server.hits("/schemas/mytool.json"), 1, "fetched once");

    // A new server with the network off still has it, from the disk cache.
    let mut c = start("1");
    c.open(uri, &text);
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && has_code(p, "PP704")
    });
    assert!(has_code(&p, "PP704"), "{p}");
    c.shutdown();
    assert_eq!(
        server.hits("/schemas/mytool.json"),
        1,
        "served from the cache"
    );
}

#[test]
fn a_tool_schema_url_that_fails_is_reported_and_checks_nothing() {
    let server = http::Server::start();
    server.route("/schemas/500.json", http::Reply::status(500));
    server.route(
        "/schemas/garbage.json",
        http::Reply::json("{\"type\": \"object\", \"propert"),
    );
    server.route(
        "/schemas/cut.json",
        http::Reply::json(MYTOOL_SCHEMA).truncated(),
    );
    server.route(
        "/schemas/slow.json",
        http::Reply::json(MYTOOL_SCHEMA).delayed(std::time::Duration::from_secs(60)),
    );
    for (path, says) in [
        ("/schemas/500.json", "HTTP 500"),
        ("/schemas/garbage.json", "not valid JSON"),
        ("/schemas/cut.json", "cut short"),
    ] {
        let (dir, _) = project(
            "schema-url-fault",
            &format!(
                "{HEADER}\n[tool.mytool]\nlevel = \"loud\"\n\n[tool.pyproject-lsp]\nschemas = [{{ tool = \"mytool\", url = \"{}\" }}]\n",
                server.url(path)
            ),
            &[],
        );
        let out = std::process::Command::new(binary())
            .args(["check", "pyproject.toml"])
            .current_dir(&dir)
            .env("PYPROJECT_LSP_OFFLINE", "0")
            .env("PYPROJECT_LSP_CACHE_DIR", dir.join("cache"))
            .output()
            .expect("run check");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stdout.contains("PP704"), "{path}: {stdout}");
        assert!(
            stderr.contains("tool.mytool") && stderr.contains(says),
            "{path}: {stderr}"
        );
        assert!(
            !dir.join("cache").join("schemas-v1").exists() || {
                std::fs::read_dir(dir.join("cache").join("schemas-v1"))
                    .map(|d| d.count() == 0)
                    .unwrap_or(true)
            },
            "{path}: a failed fetch left a cache file"
        );
    }
    // A slow schema never holds up the editor: local diagnostics arrive at once.
    let options =
        json!({ "schemas": [{ "tool": "mytool", "url": server.url("/schemas/slow.json") }] });
    let (mut c, _) = Client::start(Init {
        options,
        env: vec![("PYPROJECT_LSP_OFFLINE".into(), "0".into())],
        ..Init::default()
    });
    let uri = "file:///tmp/schema-url-slow/pyproject.toml";
    let started = std::time::Instant::now();
    c.open(
        uri,
        &format!("{HEADER}\n[tool.mytool]\nlevel = \"loud\"\nversion = 1\n"),
    );
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "waited for the schema"
    );
    assert!(!has_code(&p, "PP704"), "{p}");
    c.shutdown();
}

#[test]
fn check_fetches_a_tool_schema_named_by_url() {
    let server = http::Server::start();
    server.route("/schemas/mytool.json", http::Reply::json(MYTOOL_SCHEMA));
    let (dir, _) = project(
        "schema-url-cli",
        &format!(
            "{HEADER}\n[tool.mytool]\nlevel = \"loud\"\n\n[tool.pyproject-lsp]\nschemas = [{{ tool = \"mytool\", url = \"{}\" }}]\n",
            server.url("/schemas/mytool.json")
        ),
        &[],
    );
    let run = |offline: &str| {
        let out = std::process::Command::new(binary())
            .args(["check", "pyproject.toml"])
            .current_dir(&dir)
            .env("PYPROJECT_LSP_OFFLINE", offline)
            .env("PYPROJECT_LSP_CACHE_DIR", dir.join("cache"))
            .output()
            .expect("run check");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let online = run("0");
    assert!(online.contains("PP704"), "{online}");
    let offline = run("1");
    assert!(offline.contains("PP704"), "from the cache: {offline}");
    assert_eq!(server.hits("/schemas/mytool.json"), 1);
}

#[test]
fn turning_offline_off_in_the_settings_takes_effect_without_a_restart() {
    let (server, _) = serve_requests();
    let index = json!({ "url": server.url("/simple/") });
    let (mut c, _) = Client::start(Init {
        options: json!({ "index": index, "offline": true }),
        online: true,
        ..Init::default()
    });
    let uri = "file:///tmp/slow-offline-toggle/pyproject.toml";
    let text = format!("{HEADER}dependencies = [\"requests>=99\"]\n");
    c.open(uri, &text);
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    assert!(!has_code(&p, "PP302"), "offline: nothing is known: {p}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(server.total_hits(), 0, "offline: no request");
    // The client pushes new settings (no workspace/configuration capability): online now.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "pyproject-lsp": { "index": index, "offline": false } } }),
    );
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && has_code(p, "PP302")
    });
    assert!(has_code(&p, "PP302"), "{p}");
    assert!(server.hits("/simple/requests/") >= 1);
    // And back offline: the next change asks nobody.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "pyproject-lsp": { "index": index, "offline": true } } }),
    );
    // (The names list and metadata fetches started while online may still land; the project
    // page is what a change asks for.)
    std::thread::sleep(std::time::Duration::from_millis(300));
    let before = server.hits("/simple/requests/");
    c.change(
        uri,
        2,
        json!([{ "text": text.replace("requests>=99", "httpx>=1") }]),
    );
    let _ = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["version"] == 2
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        server.hits("/simple/requests/"),
        before,
        "offline again: no request"
    );
    assert_eq!(
        server.hits("/simple/httpx/"),
        0,
        "offline again: no request"
    );
    c.shutdown();
}
