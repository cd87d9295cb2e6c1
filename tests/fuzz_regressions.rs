//! Every input the fuzzers (fuzz/) ever crashed on, replayed through the same checks the fuzz
//! targets run: `tests/fixtures/fuzz/analysis/*` through parsing and every analysis, and
//! `tests/fixtures/fuzz/edits/*` through the edit model against its reference. A fixed crash that
//! comes back fails here, without the nightly toolchain.

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name() != "README.md")
                .filter_map(|e| {
                    Some((
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).ok()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn analysis_regressions() {
    let inputs = inputs("analysis");
    assert!(!inputs.is_empty(), "no analysis regression inputs found");
    for (name, data) in inputs {
        let outcome = std::panic::catch_unwind(|| checks::analysis(&data));
        assert!(
            outcome.is_ok(),
            "analysis panicked on tests/fixtures/fuzz/analysis/{name}"
        );
    }
}

#[test]
fn edits_regressions() {
    let inputs = inputs("edits");
    assert!(!inputs.is_empty(), "no edits regression inputs found");
    for (name, data) in inputs {
        let outcome = std::panic::catch_unwind(|| checks::edits(&data));
        assert!(
            outcome.is_ok(),
            "edits failed on tests/fixtures/fuzz/edits/{name}"
        );
    }
}
