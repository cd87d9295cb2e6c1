//! The fault soak: a client types 1,000 edits into a 500-line pyproject.toml, with completion and
//! hover requests between them (some cancelled with `$/cancelRequest`), while the package index on
//! 127.0.0.1 answers slowly, with errors, with truncated or garbage bodies, or not at all. Every
//! request must be answered, local requests must stay fast (p99 under 50 ms, measured), the last
//! diagnostics must belong to the last version and match a fresh open of the same text, and the
//! server's memory must not grow with the number of edits.
//!
//! It takes about a minute, so it is ignored by default: `cargo test --release --test soak --
//! --ignored --nocapture` (the figures are printed).

mod common;
#[path = "support/http.rs"]
mod http;

use std::time::{Duration, Instant};

use common::{Client, Init};
use serde_json::{Value, json};

const EDITS: usize = 1_000;

/// The soak document: a full [project], ~240 dependencies (a few of them names the index knows
/// and misbehaves on), a placeholder line where the client types, and tool tables up to 500 lines.
fn document() -> (String, u32) {
    let mut s = String::from(
        "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n\
         [project]\nname = \"soak\"\nversion = \"1.0\"\ndescription = \"A soak test\"\n\
         requires-python = \">=3.10\"\nclassifiers = [\n    \"Programming Language :: Python :: 3\",\n]\n\
         dependencies = [\n    \"requests>=2\",\n    \"click>=8\",\n    \"httpx\",\n    \"tomli\",\n    \"pydantic-settings\",\n",
    );
    let typing_line = s.lines().count() as u32;
    s.push_str("    \n");
    let mut n = 0;
    while s.lines().count() < 250 {
        s.push_str(&format!("    \"package-{n}>=1.{n}\",\n"));
        n += 1;
    }
    s.push_str("]\n");
    let mut t = 0;
    while s.lines().count() < 500 {
        s.push_str(&format!(
            "\n[tool.generated{t}]\nkey = \"value\"\nnumber = {t}\nlist = [\"a\", \"b\"]\n"
        ));
        t += 1;
    }
    (s, typing_line)
}

/// Resident and peak memory of a process, in KiB, from /proc.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[i]
}

/// Waits until no publishDiagnostics for `uri` has arrived for `quiet`, and returns the last one.
fn settled_diagnostics(c: &mut Client, uri: &str, quiet: Duration) -> Value {
    let mut last = c.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    while let Some(p) = c.try_wait_notification(
        "textDocument/publishDiagnostics",
        |p| p["uri"] == uri,
        quiet,
    ) {
        last = p;
    }
    last
}

/// What identifies a diagnostic for comparing two publishes of the same text.
fn summary(params: &Value) -> Vec<String> {
    let mut v: Vec<String> = params["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|d| format!("{} {} {}", d["code"], d["range"], d["message"]))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
#[ignore = "a minute long: cargo test --release --test soak -- --ignored --nocapture"]
fn soak_typing_against_a_misbehaving_index() {
    let index = http::Server::start();
    let fixture = |name: &str| {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/index/simple")
                .join(name),
        )
        .expect("fixture")
    };
    // Slow, failing, truncated, garbage, and silent answers; every other name is a 404.
    index.route(
        "/simple/requests/",
        http::Reply::json(fixture("requests.json")).delayed(Duration::from_secs(2)),
    );
    index.route("/simple/click/", http::Reply::status(500));
    index.route(
        "/simple/httpx/",
        http::Reply::json(fixture("httpx.json")).truncated(),
    );
    index.route("/simple/tomli/", http::Reply::json("{ not json at all ]]"));
    index.route(
        "/simple/pydantic-settings/",
        http::Reply::json(fixture("pydantic-settings.json")).delayed(Duration::from_secs(600)),
    );

    let (mut c, _) = Client::start(Init {
        online: true,
        options: json!({ "index": { "url": index.url("/simple/") }, "offline": false }),
        ..Init::default()
    });
    let dir = common::tempdir("soak");
    let uri = common::file_uri(&dir.join("pyproject.toml"));
    let (mut text, typing_line) = document();
    c.open(&uri, &text);
    c.diagnostics(&uri, 1);

    // The line where we type a dependency, character by character, then start a new one.
    let line_of = |text: &str, needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i as u32)
    };
    let mut local: Vec<Duration> = Vec::new();
    let mut remote: Vec<Duration> = Vec::new();
    let (mut cancelled, mut answered_cancelled) = (0, 0);
    let mut rss_after_100 = 0;
    let mut line = typing_line;
    let mut column = 4u32;
    let mut typed = 0usize;
    let names = [
        "requests",
        "click",
        "httpx",
        "tomli",
        "pydantic-settings",
        "somepkg",
    ];
    let mut word = format!("\"{}>=1\",", names[0]);
    let started = Instant::now();
    for edit in 0..EDITS {
        let version = edit as i64 + 2;
        if typed == word.len() {
            // Finish the line and open a new one below it.
            let insert = "\n    ";
            c.change(
                &uri,
                version,
                json!([{ "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column } }, "text": insert }]),
            );
            apply(&mut text, line, column, insert);
            line += 1;
            column = 4;
            typed = 0;
            word = format!("\"{}>=1\",", names[(edit / 7) % names.len()]);
        } else {
            let ch = &word[typed..typed + 1];
            c.change(
                &uri,
                version,
                json!([{ "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column } }, "text": ch }]),
            );
            apply(&mut text, line, column, ch);
            column += 1;
            typed += 1;
        }

        // Requests between edits: local ones (key completion, classifier completion, hover) and
        // ones that may wait on the index (completion inside the requirement being typed).
        let kind = edit % 4;
        let (method, params, is_local) = match kind {
            0 => {
                let l = line_of(&text, "requires-python");
                ("textDocument/hover", position(&uri, l, 3), true)
            }
            1 => {
                let l = line_of(&text, "classifiers = [") + 1;
                ("textDocument/completion", position(&uri, l, 10), true)
            }
            2 => {
                let l = line_of(&text, "version = \"1.0\"");
                ("textDocument/completion", position(&uri, l, 0), true)
            }
            _ => (
                "textDocument/completion",
                position(&uri, line, column),
                false,
            ),
        };
        let t = Instant::now();
        let id = c.request_async(method, params);
        if edit % 10 == 9 {
            // Cancel at once: the server must still answer (a result or RequestCancelled).
            c.notify("$/cancelRequest", json!({ "id": id }));
            cancelled += 1;
            let response = c.response(id);
            assert!(
                response.get("result").is_some() || response.get("error").is_some(),
                "{response}"
            );
            answered_cancelled += 1;
        } else {
            let response = c.response(id);
            assert!(
                response.get("error").is_none(),
                "{method} failed at edit {edit}: {response}"
            );
            let elapsed = t.elapsed();
            if is_local {
                local.push(elapsed);
            } else {
                remote.push(elapsed);
            }
        }
        if edit == 99 {
            rss_after_100 = memory_kib(c.pid()).0;
        }
    }
    let typing = started.elapsed();
    let last_version = EDITS as i64 + 1;

    // The last diagnostics are those of the last version, and match a fresh open of the same text.
    let last = settled_diagnostics(&mut c, &uri, Duration::from_millis(3000));
    assert_eq!(last["version"], last_version, "last publish: {last}");
    let fresh_dir = common::tempdir("soak-fresh");
    let fresh_uri = common::file_uri(&fresh_dir.join("pyproject.toml"));
    c.open(&fresh_uri, &text);
    let fresh = settled_diagnostics(&mut c, &fresh_uri, Duration::from_millis(3000));
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": fresh_uri } }),
    );
    assert_eq!(
        summary(&last),
        summary(&fresh),
        "diagnostics after 1,000 edits differ from a fresh open of the same text"
    );

    let (rss_end, hwm) = memory_kib(c.pid());
    let local_p50 = percentile(&mut local, 0.5);
    let local_p99 = percentile(&mut local, 0.99);
    let remote_p50 = percentile(&mut remote, 0.5);
    let remote_p99 = percentile(&mut remote, 0.99);
    #[allow(clippy::print_stdout)]
    {
        println!(
            "soak: {EDITS} edits in {:.1} s; {} local requests p50 {:.2} ms p99 {:.2} ms; {} index-backed completions p50 {:.2} ms p99 {:.2} ms; {cancelled} cancelled, {answered_cancelled} answered",
            typing.as_secs_f64(),
            local.len(),
            local_p50.as_secs_f64() * 1e3,
            local_p99.as_secs_f64() * 1e3,
            remote.len(),
            remote_p50.as_secs_f64() * 1e3,
            remote_p99.as_secs_f64() * 1e3,
        );
        println!(
            "soak: RSS after 100 edits {rss_after_100} KiB, at the end {rss_end} KiB (peak {hwm} KiB); index hits: requests {}, click {}, httpx {}, tomli {}, pydantic-settings {}, total {}",
            index.hits("/simple/requests/"),
            index.hits("/simple/click/"),
            index.hits("/simple/httpx/"),
            index.hits("/simple/tomli/"),
            index.hits("/simple/pydantic-settings/"),
            index.total_hits(),
        );
    }
    assert!(
        local_p99 < Duration::from_millis(50),
        "p99 of local requests is {local_p99:?}"
    );
    assert!(
        rss_end <= rss_after_100 + rss_after_100 / 10,
        "memory grew from {rss_after_100} KiB after 100 edits to {rss_end} KiB after {EDITS}"
    );
    assert!(c.shutdown().success());
}

fn position(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// Inserts `s` at an ASCII line/column of `text` (the soak only types ASCII).
fn apply(text: &mut String, line: u32, column: u32, s: &str) {
    let start: usize = text
        .split_inclusive('\n')
        .take(line as usize)
        .map(str::len)
        .sum();
    text.insert_str(start + column as usize, s);
}
