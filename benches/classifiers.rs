//! Classifier completion latency in a 2,000-line pyproject.toml: the whole completion request
//! (cursor context, present classifiers, ranked search, items and edits) as the server runs it on
//! an already parsed document, and the ranked search alone. Prints figures; asserts nothing
//! about time.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pyproject_lsp::document::Document;
use pyproject_lsp::features::completion::completions;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::spec::classifiers;
use pyproject_lsp::state::Snapshot;

const CURSOR: &str = "<|>";

/// A 2,000-line pyproject.toml whose `classifiers` array holds `present` and then `typing` (with
/// the cursor marker), followed by filler tables.
fn document(present: &[&str], typing: &str) -> String {
    let mut text = String::from(
        "[project]\nname = \"big\"\nversion = \"1.0\"\nrequires-python = \">=3.10\"\nclassifiers = [\n",
    );
    for c in present {
        text.push_str(&format!("    \"{c}\",\n"));
    }
    text.push_str(&format!("    {typing}{CURSOR}\n]\n"));
    let mut i = 0;
    while text.lines().count() < 2_000 {
        text.push_str(&format!(
            "\n[tool.filler{i}]\nkey = \"value {i}\"\nlist = [\"a\", \"b\"]\n"
        ));
        i += 1;
    }
    text
}

fn measure(label: &str, iterations: u32, mut f: impl FnMut() -> usize) {
    let mut samples: Vec<Duration> = Vec::with_capacity(iterations as usize);
    let mut items = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        items = f();
        samples.push(t.elapsed());
    }
    samples.sort();
    let total: Duration = samples.iter().sum();
    let mean = total / iterations;
    let p50 = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    #[allow(clippy::print_stdout)]
    {
        println!(
            "{label:<58} {items:>4} items  mean {mean:>10.3?}  p50 {p50:>10.3?}  p99 {p99:>10.3?}"
        );
    }
}

fn main() {
    // The first call parses the embedded data; report it separately.
    let t = Instant::now();
    black_box(classifiers::search("", &[]));
    let first = t.elapsed();
    #[allow(clippy::print_stdout)]
    {
        println!(
            "trove-classifiers {}: first use (parse data + search) {first:.3?}",
            classifiers::version()
        );
    }
    // About twenty classifiers already listed, as in a typical project.
    let present: Vec<&str> = classifiers::all()
        .filter(|c| {
            c.starts_with("Topic :: Software Development")
                || c.ends_with("Python :: 3.10")
                || c.ends_with("Python :: 3.11")
        })
        .collect();
    let facts = Facts::default();
    for typing in [
        "\"",
        "\"py 3.1",
        "\"mit",
        "\":: Typed",
        "\"Programming Language :: Python :: 3.1",
        "\"pyhton",
        "\"Licence :: OSI",
        "",
    ] {
        let marked = document(&present, typing);
        let offset = marked.find(CURSOR).unwrap_or(0);
        let text = marked.replacen(CURSOR, "", 1);
        assert!(text.lines().count() >= 2_000);
        let doc = Arc::new(Document::new(text.clone(), 1));
        let (snapshot, _) = Snapshot::new(None, Arc::clone(&doc), None);
        let label = format!("completion at {typing:?} (2,000 lines)");
        measure(&label, 1_000, || {
            black_box(completions(black_box(&snapshot), offset, &facts))
                .items
                .len()
        });
        let query = typing.trim_start_matches('"');
        let label = format!("  search {query:?} alone");
        measure(&label, 1_000, || {
            black_box(classifiers::search(black_box(query), &present)).len()
        });
    }
    // The worst a query can be before it is refused: 240 characters of words no classifier has
    // (each word is scored against every classifier word, with typos); and one just past it.
    let garbage: String = (0..40)
        .map(|i| format!("qx{}zv", i * 7919 % 1000))
        .collect::<Vec<_>>()
        .join(" ");
    for query in [&garbage[..garbage.len().min(240)], garbage.as_str()] {
        let label = format!("search of {} chars of unknown words", query.chars().count());
        measure(&label, 50, || {
            black_box(classifiers::search(black_box(query), &present)).len()
        });
    }
    let marked = document(&present, "\"py 3.1");
    let text = marked.replacen(CURSOR, "", 1);
    measure("reparse of the 2,000-line document (for scale)", 50, || {
        Document::new(black_box(text.clone()), 2).text.len()
    });
    for typo in [
        "Programming Language :: Python :: 3.1O",
        "Licence :: OSI Approved :: MIT License",
        "Made Up :: Thing",
    ] {
        let label = format!("did_you_mean {typo:?}");
        measure(&label, 500, || {
            classifiers::did_you_mean(black_box(typo)).len()
        });
    }
}
