//! The server over stdio, as an editor drives it: lifecycle, encodings, incremental sync,
//! versioned diagnostics, completion, hover, code actions applied back, and bad input.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

const GOOD: &str = "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\ndescription = \"A demo\"\nrequires-python = \">=3.11\"\n";

#[test]
fn initialize_negotiates_utf16_by_default_and_utf8_when_offered() {
    let (c, result) = Client::start(Init::default());
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["serverInfo"]["name"], "pyproject-lsp");
    assert_eq!(
        result["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert!(c.shutdown().success());
    let (c, result) = Client::start(Init {
        utf8: true,
        ..Init::default()
    });
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert!(c.shutdown().success());
}

#[test]
fn request_before_initialize_is_refused_and_unknown_method_is_not_found() {
    let mut child = Command::new(binary())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let send = |stdin: &mut std::process::ChildStdin, v: Value| {
        let body = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write");
        stdin.flush().expect("flush");
    };
    let recv = |out: &mut BufReader<std::process::ChildStdout>| -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            out.read_line(&mut line).expect("read");
            if line.trim().is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                len = v.trim().parse().expect("len");
            }
        }
        let mut body = vec![0; len];
        out.read_exact(&mut body).expect("body");
        serde_json::from_slice(&body).expect("json")
    };
    send(
        &mut stdin,
        json!({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x/pyproject.toml"},"position":{"line":0,"character":0}}}),
    );
    let r = recv(&mut out);
    assert_eq!(r["error"]["code"], -32002, "{r}");
    send(
        &mut stdin,
        json!({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"capabilities":{}}}),
    );
    let r = recv(&mut out);
    assert!(r["result"]["capabilities"].is_object(), "{r}");
    send(
        &mut stdin,
        json!({"jsonrpc":"2.0","method":"initialized","params":{}}),
    );
    send(
        &mut stdin,
        json!({"jsonrpc":"2.0","id":3,"method":"pyproject/doesNotExist","params":{}}),
    );
    let r = recv(&mut out);
    assert_eq!(r["error"]["code"], -32601, "{r}");
    send(
        &mut stdin,
        json!({"jsonrpc":"2.0","id":4,"method":"shutdown"}),
    );
    let r = recv(&mut out);
    assert!(r.get("error").is_none(), "{r}");
    send(&mut stdin, json!({"jsonrpc":"2.0","method":"exit"}));
    let status = child.wait().expect("wait");
    assert!(status.success());
}

#[test]
fn diagnostics_are_versioned_and_follow_incremental_utf16_edits() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/lsp-emoji/pyproject.toml";
    let text = "[project]\nname = \"demo\"\ndescription = \"😀 fun\"\nversion = \"1.0.0.x\"\nrequires-python = \">=3.11\"\n";
    c.open(uri, text);
    let d = c.diagnostics(uri, 1);
    assert_eq!(codes(&d), vec!["PP140", "PP106"], "{d:?}");
    let bad = d.iter().find(|d| d["code"] == "PP106").expect("PP106");
    assert_eq!(bad["range"]["start"], json!({"line": 3, "character": 10}));
    // Replace `fun` (after a 2-unit emoji) with `joy`: character 18..21 in UTF-16.
    c.change(uri, 2, json!([{ "range": { "start": {"line": 2, "character": 18}, "end": {"line": 2, "character": 21} }, "text": "joy" }]));
    // Fix the version: `1.0.0.x` -> `1.0.0`.
    c.change(uri, 3, json!([{ "range": { "start": {"line": 3, "character": 16}, "end": {"line": 3, "character": 18} }, "text": "" }]));
    let d = c.diagnostics(uri, 3);
    assert_eq!(codes(&d), vec!["PP140"], "{d:?}");
    // The document really is what the client thinks: hover the description key still works and a
    // completion at the end of the description line sees the new text.
    let h = c.hover(uri, 2, 2);
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("description"),
        "{h}"
    );
    c.shutdown();
}

#[test]
fn utf8_positions_when_negotiated() {
    let (mut c, _) = Client::start(Init {
        utf8: true,
        ..Init::default()
    });
    let uri = "file:///tmp/lsp-utf8/pyproject.toml";
    let text = "[project]\ndescription = \"é\"\nname = \"x y\"\n";
    c.open(uri, text);
    let d = c.diagnostics(uri, 1);
    let name = d.iter().find(|d| d["code"] == "PP103").expect("PP103");
    assert_eq!(name["range"]["start"], json!({"line": 2, "character": 7}));
    // `é` is two bytes: in UTF-8 the closing quote is at character 17.
    c.change(uri, 2, json!([{ "range": { "start": {"line": 1, "character": 17}, "end": {"line": 1, "character": 17} }, "text": "!" }]));
    c.diagnostics(uri, 2);
    let h = c.hover(uri, 1, 3);
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("one-line summary"),
        "{h}"
    );
    c.shutdown();
}

#[test]
fn only_pyproject_toml_is_analysed() {
    let (mut c, _) = Client::start(Init::default());
    c.open(
        "file:///tmp/other/Cargo.toml",
        "[package]\nname = 1\n[project]\nversion = 1\n",
    );
    c.open(
        "file:///tmp/other2/pyproject.toml",
        "[project]\nversion = 1\n",
    );
    // The pyproject gets its diagnostics; nothing is ever published for Cargo.toml.
    c.diagnostics("file:///tmp/other2/pyproject.toml", 1);
    assert!(
        c.try_wait_notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == "file:///tmp/other/Cargo.toml",
            Duration::from_millis(300)
        )
        .is_none()
    );
    let r = c.request_full("textDocument/hover", json!({"textDocument":{"uri":"file:///tmp/other/Cargo.toml"},"position":{"line":0,"character":2}}));
    assert!(r.get("error").is_none() && r["result"].is_null(), "{r}");
    c.shutdown();
}

#[test]
fn key_completion_offers_missing_keys_with_snippets() {
    let (mut c, _) = Client::start(Init::default());
    let (text, line, col) = marker("[project]\nname = \"demo\"\n|\n");
    let uri = "file:///tmp/lsp-keys/pyproject.toml";
    c.open(uri, &text);
    let result = c.completion(uri, line, col);
    let items = result["items"].as_array().expect("items");
    let labels: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(
        labels.contains(&"version")
            && labels.contains(&"requires-python")
            && labels.contains(&"dependencies"),
        "{labels:?}"
    );
    assert!(!labels.contains(&"name"), "present keys are not offered");
    let rp = items
        .iter()
        .find(|i| i["label"] == "requires-python")
        .expect("requires-python");
    assert_eq!(rp["insertTextFormat"], 2);
    assert!(
        rp["textEdit"]["newText"]
            .as_str()
            .unwrap_or("")
            .starts_with("requires-python = \">=")
    );
    assert!(
        rp["documentation"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("packaging.python.org")
    );
    c.shutdown();
}

#[test]
fn completion_without_snippet_support_gets_plain_text() {
    let (mut c, _) = Client::start(Init {
        snippets: false,
        ..Init::default()
    });
    let (text, line, col) = marker("[project]\n|\n");
    let uri = "file:///tmp/lsp-plain/pyproject.toml";
    c.open(uri, &text);
    let result = c.completion(uri, line, col);
    let rp = result["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "requires-python")
        .cloned()
        .expect("item");
    assert_eq!(rp["insertTextFormat"], 1);
    assert!(
        !rp["textEdit"]["newText"]
            .as_str()
            .unwrap_or("$")
            .contains('$'),
        "{rp}"
    );
    c.shutdown();
}

#[test]
fn completion_in_half_typed_documents() {
    let (mut c, _) = Client::start(Init::default());
    let cases: &[(&str, &str)] = &[
        // after a table header with no closing bracket
        ("[build-sys|\n", "build-system"),
        // inside an unclosed string
        (
            "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatch|\n",
            "hatchling.build",
        ),
        // inside an unclosed array, on an empty line
        (
            "[project]\nname = \"x\"\ndynamic = [\n  \"version\",\n  |\n\n[tool.x]\n",
            "readme",
        ),
        // on an empty line after a syntax error elsewhere
        ("[project]\nname = \"x\"\nbroken =\n|\n", "version"),
    ];
    for (i, (text, want)) in cases.iter().enumerate() {
        let (text, line, col) = marker(text);
        let uri = format!("file:///tmp/lsp-half-{i}/pyproject.toml");
        c.open(&uri, &text);
        let labels = c.completion_labels(&uri, line, col);
        assert!(
            labels.iter().any(|l| l == want),
            "case {i}: {want} not in {labels:?}"
        );
    }
    c.shutdown();
}

#[test]
fn unclosed_string_completion_replaces_and_closes_the_string() {
    let (mut c, _) = Client::start(Init::default());
    let (text, line, col) =
        marker("[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatch|\n");
    let uri = "file:///tmp/lsp-close/pyproject.toml";
    c.open(uri, &text);
    let result = c.completion(uri, line, col);
    let item = result["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["label"] == "hatchling.build")
        .cloned()
        .expect("item");
    let applied = apply_edits(&text, &[item["textEdit"].clone()]);
    assert_eq!(
        applied,
        "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n"
    );
    c.shutdown();
}

#[test]
fn hover_on_keys_and_headers() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/lsp-hover/pyproject.toml";
    c.open(uri, GOOD);
    let h = c.hover(uri, 8, 3);
    let text = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        text.contains("requires-python") && text.contains("packaging.python.org"),
        "{h}"
    );
    let h = c.hover(uri, 0, 3);
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("build-system"),
        "{h}"
    );
    c.shutdown();
}

#[test]
fn code_action_fix_applied_back_clears_the_diagnostic() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/lsp-fix/pyproject.toml";
    let text = GOOD.replace("requires-python", "requires_python");
    c.open(uri, &text);
    let diags = c.diagnostics(uri, 1);
    let d = diags
        .iter()
        .find(|d| d["code"] == "PP102")
        .cloned()
        .expect("PP102");
    let actions = c.code_actions(uri, d["range"].clone(), json!([d]));
    let fix = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap_or("")
                .contains("requires-python")
        })
        .expect("rename fix");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let fixed = apply_edits(&text, &action_edits(fix, uri));
    assert_eq!(fixed, GOOD);
    c.change(uri, 2, json!([{ "text": fixed }]));
    assert!(c.diagnostics(uri, 2).is_empty());
    c.shutdown();
}

#[test]
fn settings_from_initialization_options_turn_rules_off() {
    let (mut c, _) = Client::start(Init {
        options: json!({ "rules": { "missing-build-system": "off", "PP106": "warning" } }),
        ..Init::default()
    });
    let uri = "file:///tmp/lsp-settings/pyproject.toml";
    c.open(
        uri,
        "[project]\nname = \"x\"\nversion = \"1.0.0.x\"\nrequires-python = \">=3.12\"\n",
    );
    let d = c.diagnostics(uri, 1);
    assert_eq!(codes(&d), vec!["PP106"]);
    assert_eq!(d[0]["severity"], 2);
    c.shutdown();
}

#[test]
fn workspace_configuration_is_pulled_on_change() {
    let (mut c, _) = Client::start(Init {
        configuration: true,
        ..Init::default()
    });
    let uri = "file:///tmp/lsp-config/pyproject.toml";
    c.open(
        uri,
        "[project]\nname = \"x\"\nversion = \"1\"\nrequires-python = \">=3.12\"\n",
    );
    assert_eq!(codes(&c.diagnostics(uri, 1)), vec!["PP140"]);
    c.settings = json!({ "rules": { "PP140": "off" } });
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let d = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });
    assert!(d["diagnostics"].as_array().is_some_and(Vec::is_empty));
    c.shutdown();
}

#[test]
fn ignore_comment_silences_a_rule_on_its_line() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/lsp-ignore/pyproject.toml";
    c.open(
        uri,
        &format!("{GOOD}keywords = 3 # pyproject-lsp: ignore[invalid-type]\nauthors = 3\n"),
    );
    let d = c.diagnostics(uri, 1);
    assert_eq!(codes(&d), vec!["PP101"]);
    assert_eq!(d[0]["range"]["start"]["line"], 10);
    c.shutdown();
}

#[test]
fn bad_input_never_breaks_the_server() {
    let (mut c, _) = Client::start(Init::default());
    // A change for a document never opened: logged, no answer needed, the server lives on.
    c.change(
        "file:///tmp/never/pyproject.toml",
        2,
        json!([{ "text": "x" }]),
    );
    let big_uri = "file:///tmp/bad-big/pyproject.toml";
    let mut big = String::from(GOOD);
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("# padding padding padding padding padding padding padding padding padding\n");
    }
    c.open(big_uri, &big);
    c.diagnostics(big_uri, 1);
    let long_uri = "file:///tmp/bad-long/pyproject.toml";
    c.open(
        long_uri,
        &format!("[project]\nname = \"{}\n", "x".repeat(2_000_000)),
    );
    c.diagnostics(long_uri, 1);
    let junk_uri = "file:///tmp/bad-junk/pyproject.toml";
    let junk: String = (0..20_000u32)
        .map(|i| char::from_u32((i * 7919) % 0x2FFF + 1).unwrap_or('?'))
        .collect();
    c.open(junk_uri, &junk);
    c.diagnostics(junk_uri, 1);
    let nested_uri = "file:///tmp/bad-nested/pyproject.toml";
    c.open(
        nested_uri,
        &format!(
            "[tool.x]\na = {}1{}\n",
            "{ b = ".repeat(5000),
            " }".repeat(5000)
        ),
    );
    c.diagnostics(nested_uri, 1);
    c.completion(nested_uri, 1, 30);
    // An edit range far past the end is clamped, not refused.
    c.change(junk_uri, 2, json!([{ "range": { "start": {"line": 99999, "character": 5}, "end": {"line": 100000, "character": 0} }, "text": "\n[project]\nname = \"ok\"\n" }]));
    c.diagnostics(junk_uri, 2);
    c.request(
        "textDocument/hover",
        json!({"textDocument":{"uri": junk_uri},"position":{"line": 99999,"character": 99999}}),
    );
    // Still answering normally.
    let uri = "file:///tmp/bad-after/pyproject.toml";
    c.open(uri, GOOD);
    assert!(c.diagnostics(uri, 1).is_empty());
    assert!(c.shutdown().success());
}

#[test]
fn close_clears_diagnostics() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/lsp-close-doc/pyproject.toml";
    c.open(uri, "[project]\nname = 1\n");
    assert!(!c.diagnostics(uri, 1).is_empty());
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["diagnostics"].as_array().is_some_and(Vec::is_empty)
    });
    assert!(p["diagnostics"].as_array().is_some_and(Vec::is_empty));
    c.shutdown();
}
