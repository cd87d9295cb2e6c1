//! Speed of the `[tool.*]` schema layer: first-use load of each bundled schema, key and value
//! completion at a path, and full-document validation of the largest corpus file. Prints figures.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use std::sync::Arc;

use pyproject_lsp::document::Document;
use pyproject_lsp::features;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::schema::{self, Catalog};
use pyproject_lsp::state::Snapshot;

fn corpus_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PYPROJECT_CORPUS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pyprojects")),
        Some(PathBuf::from("/work/shared/corpus/pyprojects")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

fn time<F: FnMut()>(runs: u32, mut f: F) -> (Duration, Duration) {
    let mut all: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    all.sort();
    (all[all.len() / 2], all[all.len() * 99 / 100])
}

fn main() {
    let cat = Catalog::bundled();

    // 1. First use: each bundled schema is parsed the first time its tool is asked for.
    println!("first-use schema load (parse once, then cached):");
    let mut total = Duration::ZERO;
    for tool in [
        "ruff",
        "uv",
        "ty",
        "pyright",
        "mypy",
        "pytest",
        "hatch",
        "setuptools",
        "poetry",
        "cibuildwheel",
    ] {
        let t = Instant::now();
        assert!(cat.tool(tool).is_some());
        let first = t.elapsed();
        let t = Instant::now();
        assert!(cat.tool(tool).is_some());
        let again = t.elapsed();
        total += first;
        println!(
            "  {tool:<14} first {:>8.3} ms   again {:>8.4} ms",
            ms(first),
            ms(again)
        );
    }
    println!("  total for these 10: {:.3} ms", ms(total));

    // 2. Completion at a path (warm).
    let cases: [(&str, &[&str]); 5] = [
        ("ruff", &["lint"]),
        ("ruff", &["lint", "isort"]),
        ("uv", &["index"]),
        ("hatch", &["envs", "default"]),
        ("pytest", &["ini_options"]),
    ];
    println!("completion (median / p99 of 200 runs):");
    for (tool, path) in cases {
        let (med, p99) = time(200, || {
            std::hint::black_box(schema::key_candidates(&cat, tool, path));
        });
        let label = format!("tool.{tool}.{}", path.join("."));
        println!(
            "  keys   {label:<30} {:>8.3} ms / {:>8.3} ms",
            ms(med),
            ms(p99)
        );
    }
    let (med, p99) = time(200, || {
        std::hint::black_box(schema::value_candidates(&cat, "ruff", &["lint", "select"]));
    });
    println!(
        "  values tool.ruff.lint.select (2400 codes) {:>8.3} ms / {:>8.3} ms",
        ms(med),
        ms(p99)
    );
    let (med, p99) = time(200, || {
        std::hint::black_box(schema::hover(&cat, "ruff", &["lint", "per-file-ignores"]));
    });
    println!(
        "  hover  tool.ruff.lint.per-file-ignores  {:>8.3} ms / {:>8.3} ms",
        ms(med),
        ms(p99)
    );

    // 3. Full-document validation of the largest corpus file (parse + every tool table).
    let Some(dir) = corpus_dir() else {
        println!("corpus not found; skipping document validation");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
    let largest = &files[0];
    let text = std::fs::read_to_string(largest).unwrap();
    let doc = toml_edit::Document::parse(text.clone()).unwrap();
    let tools: Vec<String> = doc
        .get("tool")
        .and_then(|t| t.as_table_like())
        .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default();
    let (med, p99) = time(100, || {
        std::hint::black_box(schema::validate_document(&cat, doc.as_table()));
    });
    println!(
        "validation of {} ({} bytes, tools {}): {:.3} ms median / {:.3} ms p99 (100 runs, parsed document)",
        largest.file_name().unwrap().to_string_lossy(),
        text.len(),
        tools.join(","),
        ms(med),
        ms(p99)
    );
    let (med, p99) = time(50, || {
        let doc = toml_edit::Document::parse(text.clone()).unwrap();
        std::hint::black_box(schema::validate_document(&cat, doc.as_table()));
    });
    println!(
        "  including the TOML parse: {:.3} ms median / {:.3} ms p99",
        ms(med),
        ms(p99)
    );

    // 4. End to end through the features, as the server calls them: completion at a key
    //    position inside `[tool.ruff]` of the largest file, and all diagnostics of that file.
    let doc = Arc::new(Document::new(text.clone(), 1));
    let (snapshot, _) = Snapshot::new(None, doc, None);
    let facts = Facts::default();
    if let Some(at) = text.find("[tool.ruff]").map(|i| i + "[tool.ruff]\n".len()) {
        let (med, p99) = time(200, || {
            std::hint::black_box(features::completion::completions(&snapshot, at, &facts));
        });
        let n = features::completion::completions(&snapshot, at, &facts)
            .items
            .len();
        println!(
            "feature completion at a key in [tool.ruff] ({n} items): {:.3} ms median / {:.3} ms p99",
            ms(med),
            ms(p99)
        );
    }
    if let Some(at) = text.find("select = [").map(|i| i + "select = [\"".len()) {
        let (med, p99) = time(100, || {
            std::hint::black_box(features::completion::completions(&snapshot, at, &facts));
        });
        let n = features::completion::completions(&snapshot, at, &facts)
            .items
            .len();
        println!(
            "feature completion of a rule code in select ({n} items): {:.3} ms median / {:.3} ms p99",
            ms(med),
            ms(p99)
        );
    }
    let (med, p99) = time(50, || {
        std::hint::black_box(features::diagnostics(&snapshot, &facts));
    });
    println!(
        "all diagnostics (every rule family) of the largest file: {:.3} ms median / {:.3} ms p99",
        ms(med),
        ms(p99)
    );

    let t = Instant::now();
    let mut findings = 0;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let Ok(doc) = toml_edit::Document::parse(text) else {
            continue;
        };
        findings += schema::validate_document(&cat, doc.as_table())
            .iter()
            .map(|t| t.findings.len())
            .sum::<usize>();
    }
    println!(
        "whole corpus ({} files): {:.1} ms, {findings} findings",
        files.len(),
        ms(t.elapsed())
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
