//! Every prefix of every fixture and corpus file goes through the whole analysis (parse,
//! diagnostics, completion and hover at the end of the prefix): nothing panics on half-typed input.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyproject_lsp::document::Document;
use pyproject_lsp::features;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::state::Snapshot;

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut stack = vec![
        root.join("tests/fixtures"),
        root.join("../shared/corpus/pyprojects"),
    ];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("node_modules") && !p.ends_with(".venv") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn analyse(text: &str) {
    let doc = Arc::new(Document::new(text.to_string(), 1));
    let (snapshot, _) = Snapshot::new(None, doc, None);
    let facts = Facts::default();
    let _ = features::diagnostics(&snapshot, &facts);
    let _ = features::completion::completions(&snapshot, text.len(), &facts);
    let _ = features::hover::hover(&snapshot, text.len().saturating_sub(1), &facts);
}

#[test]
fn every_prefix_of_every_file() {
    let files = inputs();
    assert!(
        files.len() > 100,
        "expected the corpus and fixtures, found {}",
        files.len()
    );
    // Two workers (the machines have two cores); each takes every other file.
    let files = std::sync::Arc::new(files);
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let files = std::sync::Arc::clone(&files);
            std::thread::spawn(move || {
                let mut prefixes = 0usize;
                for file in files.iter().skip(w).step_by(2) {
                    let Ok(text) = std::fs::read_to_string(file) else {
                        continue;
                    };
                    // Every character boundary for small files; a stride for large ones keeps the
                    // run short while still cutting inside every kind of token.
                    let stride = (text.len() / 300).max(1);
                    let mut at = 0;
                    while at <= text.len() {
                        if text.is_char_boundary(at) {
                            analyse(&text[..at]);
                            prefixes += 1;
                        }
                        at += stride;
                    }
                    analyse(&text);
                }
                prefixes
            })
        })
        .collect();
    let prefixes: usize = workers
        .into_iter()
        .map(|w| w.join().expect("no panic"))
        .sum();
    assert!(prefixes > 10_000, "only {prefixes} prefixes analysed");
}
