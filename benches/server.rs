//! Speed of the foundation, printed as figures: parse-and-diagnose (the largest corpus file and a
//! generated 5,000-line file), the didChange-to-diagnostics cycle for a one-character edit (in
//! process, and over stdio through the real binary), key completion latency, and the server's
//! peak resident memory with 20 open documents.
//!
//! Run: `cargo bench --bench server`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pyproject_lsp::document::{Change, Document, Encoding, Pos};
use pyproject_lsp::features;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::state::Snapshot;
use serde_json::json;

/// Prints a line to stdout (the crate denies `println!`, which would corrupt an LSP stream).
macro_rules! out {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

fn corpus_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pyprojects")
}

fn corpus() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(corpus_dir())
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    Some((
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read_to_string(e.path()).ok()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A realistic file of about `lines` lines: a full [project] and many tool tables.
fn generated(lines: usize) -> String {
    let mut s = String::from(
        "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"big\"\nversion = \"1.0\"\nrequires-python = \">=3.11\"\ndependencies = [\n",
    );
    let mut n = 0;
    while s.lines().count() < lines / 2 {
        s.push_str(&format!("    \"package-{n}>=1.{n},<2\",\n"));
        n += 1;
    }
    s.push_str("]\n");
    let mut t = 0;
    while s.lines().count() < lines {
        s.push_str(&format!(
            "\n[tool.generated{t}]\nkey = \"value\"\nnumber = {t}\nlist = [\"a\", \"b\"]\n"
        ));
        t += 1;
    }
    s
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f());
        samples.push(t.elapsed());
    }
    samples.sort();
    (samples[runs / 2], samples[(runs * 9) / 10])
}

fn snapshot(text: &str) -> Snapshot {
    let (s, _) = Snapshot::new(None, Arc::new(Document::new(text.to_string(), 1)), None);
    s
}

fn row(name: &str, (median, p90): (Duration, Duration)) {
    out!(
        "{name:<58} median {:>9.3} ms   p90 {:>9.3} ms",
        median.as_secs_f64() * 1e3,
        p90.as_secs_f64() * 1e3
    );
}

fn main() {
    let corpus = corpus();
    let (largest_name, largest) = corpus
        .iter()
        .max_by_key(|(_, t)| t.len())
        .cloned()
        .unwrap_or_default();
    let facts = Facts::default();
    out!(
        "pyproject-lsp foundation benchmark ({} corpus files)\n",
        corpus.len()
    );

    let parse_diag = |text: &str| {
        let s = snapshot(text);
        features::diagnostics(&s, &facts).len()
    };
    row(
        &format!(
            "parse + diagnose {largest_name} ({} lines)",
            largest.lines().count()
        ),
        time(50, || parse_diag(&largest)),
    );
    let five_k = generated(5_000);
    row(
        &format!(
            "parse + diagnose generated ({} lines)",
            five_k.lines().count()
        ),
        time(20, || parse_diag(&five_k)),
    );

    for lines in [500, 5_000] {
        let text = generated(lines);
        let doc = Document::new(text.clone(), 1);
        let line = (lines / 4) as u32;
        let mut version = 1;
        let cycle = || {
            version += 1;
            let change = Change {
                range: Some((
                    Pos {
                        line,
                        character: 10,
                    },
                    Pos {
                        line,
                        character: 10,
                    },
                )),
                text: "1".into(),
            };
            let (next, _) = doc.apply(&[change], version, Encoding::Utf16);
            let (s, _) = Snapshot::new(None, Arc::new(next), None);
            features::diagnostics(&s, &facts).len()
        };
        row(
            &format!("keystroke: one-char didChange -> diagnostics, {lines} lines"),
            time(50, cycle),
        );
    }

    let s = snapshot(&largest);
    let project_offset = largest.find("[project]").map_or(0, |i| i + 10);
    row(
        "key completion inside [project] of the largest file",
        time(200, || {
            features::completion::completions(&s, project_offset, &facts)
                .items
                .len()
        }),
    );

    // End to end through the binary: didChange to publishDiagnostics over stdio.
    let (mut client, _) = common::Client::start(common::Init::default());
    for (lines, label) in [(500, "500"), (5_000, "5,000")] {
        let uri = format!("file:///bench/{lines}/pyproject.toml");
        let text = generated(lines);
        client.open(&uri, &text);
        client.diagnostics(&uri, 1);
        let mut version = 1i64;
        let line = (lines / 4) as u32;
        let samples = time(100, || {
            version += 1;
            client.change(&uri, version, json!([{ "range": { "start": {"line": line, "character": 10}, "end": {"line": line, "character": 10} }, "text": "1" }]));
            client.diagnostics(&uri, version).len()
        });
        row(
            &format!("stdio: didChange -> publishDiagnostics, {label} lines"),
            samples,
        );
    }
    drop(client);

    // Peak resident memory with 20 open documents (the 20 largest corpus files).
    let (mut client, _) = common::Client::start(common::Init::default());
    let mut biggest = corpus.clone();
    biggest.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
    for (i, (_, text)) in biggest.iter().take(20).enumerate() {
        let uri = format!("file:///bench/mem{i}/pyproject.toml");
        client.open(&uri, text);
        client.diagnostics(&uri, 1);
    }
    let pid = client.pid();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_string())
            .unwrap_or_else(|| "?".into())
    };
    out!(
        "\nserver with 20 open documents: VmHWM (peak RSS) {} kB, VmRSS {} kB",
        field("VmHWM:"),
        field("VmRSS:")
    );
}
