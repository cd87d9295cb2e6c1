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

thread_local! {
    /// Set by the panic hook when this thread panicked, even if the panic was caught.
    static PANICKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// libFuzzer aborts on any panic, also one that the code catches itself: so does this replay.
fn no_panic_at_all(run: impl FnOnce() + std::panic::UnwindSafe) -> bool {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.with(|p| p.set(true));
            previous(info);
        }));
    });
    PANICKED.with(|p| p.set(false));
    let outcome = std::panic::catch_unwind(run);
    outcome.is_ok() && !PANICKED.with(|p| p.get())
}

#[test]
fn analysis_regressions() {
    let inputs = inputs("analysis");
    assert!(!inputs.is_empty(), "no analysis regression inputs found");
    for (name, data) in inputs {
        assert!(
            no_panic_at_all(|| checks::analysis(&data)),
            "analysis panicked on tests/fixtures/fuzz/analysis/{name} (perhaps caught inside, \
             which the fuzzer reports all the same)"
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
