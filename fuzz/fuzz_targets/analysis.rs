//! Fuzz target: arbitrary text through parsing, every diagnostic rule, and completion and hover at
//! every few offsets. Anything that panics here would take the server down on a half-typed file.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use pyproject_lsp::document::Document;
use pyproject_lsp::features;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::state::Snapshot;

fuzz_target!(|data: &[u8]| {
    // Invalid UTF-8 never reaches the analysis (the LSP transport is JSON text), but lossy text does.
    let text = String::from_utf8_lossy(data).into_owned();
    let (snapshot, _) = Snapshot::new(None, Arc::new(Document::new(text.clone(), 1)), None);
    let facts = Facts::default();
    let _ = features::diagnostics(&snapshot, &facts);
    // Every offset on short inputs, a few dozen spread over long ones (byte offsets that are not char
    // boundaries included: the server clamps, but the features must not rely on it).
    let step = (text.len() / 48).max(1);
    let mut offset = 0;
    while offset <= text.len() {
        let _ = features::completion::completions(&snapshot, offset, &facts);
        let _ = features::hover::hover(&snapshot, offset, &facts);
        offset += step;
    }
});
