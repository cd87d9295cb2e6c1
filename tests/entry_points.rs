//! Entry points end to end through the library pipeline the server and CLI use: a fixture
//! project's pyproject.toml, the Python analysis (`python::analyze`) as `Facts`, every rule, and
//! fixes applied back (to the pyproject and to the Python files) and checked again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyproject_lsp::diagnostic::Diagnostic;
use pyproject_lsp::document::Document;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::state::Snapshot;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/python")
        .join(name)
}

/// Copies a fixture to a fresh temp dir (fixes write into Python files).
fn scratch(name: &str) -> PathBuf {
    // A plain name (no characters a file URI would percent-encode), unique per call.
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("pp-ep-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy(&fixture(name), &dir);
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &t)
        } else {
            std::fs::copy(e.path(), t).expect("copy");
        }
    }
}

/// Diagnostics of `dir/pyproject.toml` with `text` as its content, with the Python facts.
fn check(dir: &Path, text: &str) -> Vec<Diagnostic> {
    let doc = Arc::new(Document::new(text.to_string(), 1));
    let (snapshot, _) = Snapshot::new(Some(dir.join("pyproject.toml")), doc.clone(), None);
    let root = doc.manifest.root().expect("toml parses");
    let mut cache = pyproject_lsp::python::ModuleCache::new();
    let facts = Facts {
        entry_points: Some(Arc::new(pyproject_lsp::python::analyze(
            dir, root, &mut cache,
        ))),
        ..Facts::default()
    };
    pyproject_lsp::features::diagnostics(&snapshot, &facts)
        .into_iter()
        .filter(|d| d.code.starts_with("PP4"))
        .collect()
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("pyproject.toml")).expect("pyproject")
}

/// The diagnostic on the line of entry `name` (its key starts the line).
fn on<'a>(text: &str, diags: &'a [Diagnostic], name: &str) -> Vec<&'a Diagnostic> {
    let line = text
        .lines()
        .position(|l| l.starts_with(&format!("{name} =")))
        .unwrap_or_else(|| panic!("no line {name}"));
    diags
        .iter()
        .filter(|d| text[..d.range.start].matches('\n').count() == line)
        .collect()
}

fn codes(ds: &[&Diagnostic]) -> Vec<&'static str> {
    ds.iter().map(|d| d.code).collect()
}

/// Applies a fix: pyproject edits to `text`, Python edits to their files on disk.
fn apply(text: &str, fix: &pyproject_lsp::diagnostic::Fix) -> String {
    let mut by_file: std::collections::BTreeMap<PathBuf, Vec<pyproject_lsp::diagnostic::Edit>> =
        Default::default();
    for e in &fix.edits {
        if let Some(p) = &e.path {
            by_file
                .entry(p.clone())
                .or_default()
                .push(pyproject_lsp::diagnostic::Edit {
                    path: None,
                    ..e.clone()
                });
        }
    }
    for (path, edits) in by_file {
        let py = std::fs::read_to_string(&path).expect("py");
        std::fs::write(&path, pyproject_lsp::manifest::edit::apply(&py, &edits)).expect("write");
    }
    pyproject_lsp::manifest::edit::apply(text, &fix.edits)
}

#[test]
fn working_entry_points_are_silent() {
    let dir = fixture("hatch-src");
    let text = read(&dir);
    let diags = check(&dir, &text);
    for name in [
        "ok",
        "reexport",
        "chain",
        "alias",
        "static",
        "instance",
        "typer-app",
        "click-cmd",
        "branches",
        "dunder-main",
        "extras",
        "external",
        "as-module",
        "as-constant",
    ] {
        assert!(
            on(&text, &diags, name).is_empty(),
            "{name}: {:?}",
            on(&text, &diags, name)
        );
    }
}

#[test]
fn each_mistake_has_its_code() {
    let dir = fixture("hatch-src");
    let text = read(&dir);
    let diags = check(&dir, &text);
    let cases = [
        ("needs-args", "PP405"),
        ("typer-cmd", "PP405"),
        ("plain-method", "PP405"),
        ("async-main", "PP406"),
        ("a-class", "PP407"),
        ("a-constant", "PP408"),
        ("a-module", "PP408"),
        ("missing-object", "PP404"),
        ("elsewhere", "PP404"),
        ("cycle", "PP404"),
        ("missing-module", "PP403"),
        ("missing", "PP403"),
        ("no-colon", "PP401"),
        ("hyphen", "PP402"),
        ("bad-extras", "PP409"),
    ];
    for (name, code) in cases {
        assert_eq!(codes(&on(&text, &diags, name)), [code], "{name}");
    }
    assert!(diags.iter().any(|d| d.code == "PP410"));
    // Spans: the object segment only.
    let d = on(&text, &diags, "missing-object")[0];
    assert_eq!(&text[d.range.clone()], "mian");
    let d = on(&text, &diags, "missing-module")[0];
    assert_eq!(&text[d.range.clone()], "clii");
    // typer's message explains why.
    assert!(on(&text, &diags, "typer-cmd")[0].message.contains("typer"));
}

#[test]
fn pyproject_fixes_make_the_entry_point_work() {
    let dir = fixture("hatch-src");
    let text = read(&dir);
    let diags = check(&dir, &text);
    for (name, title_part) in [
        ("no-colon", "demo_app.cli:main"),
        ("missing-object", "demo_app:main"),
        ("elsewhere", "demo_app.tools.util:helper"),
        ("missing-module", "demo_app.cli:main"),
        ("hyphen", "demo_app.my_mod:main"),
        ("typer-cmd", "demo_app.tcli:app"),
        ("needs-args", "demo_app.cli:zero"),
    ] {
        let d = on(&text, &diags, name)[0];
        let fix = d
            .fixes
            .iter()
            .find(|f| f.title.contains(title_part))
            .unwrap_or_else(|| panic!("{name}: {:?}", d.fixes));
        let fixed = apply(&text, fix);
        let after = check(&dir, &fixed);
        assert!(
            on(&fixed, &after, name).is_empty(),
            "{name} after fix: {:?}",
            on(&fixed, &after, name)
        );
    }
    // Moving `[project.entry-points.console_scripts]` to `[project.scripts]` is not possible here
    // (the table exists), so only the diagnostic is offered; in a file without it, the header moves.
    let small = "[project]\nname = \"demo-app\"\nversion = \"1\"\n\n[project.entry-points.console_scripts]\nlegacy = \"demo_app.cli:main\"\n";
    let d = check(&dir, small)
        .into_iter()
        .find(|d| d.code == "PP410")
        .expect("PP410");
    let fixed = pyproject_lsp::manifest::edit::apply(small, &d.fixes[0].edits);
    assert!(fixed.contains("[project.scripts]\nlegacy"));
    assert!(check(&dir, &fixed).is_empty(), "{:?}", check(&dir, &fixed));
}

#[test]
fn python_side_fixes_are_applied_and_rechecked() {
    // async def: a synchronous wrapper and the script pointed at it.
    let dir = scratch("async-fix");
    let text = read(&dir);
    let diags = check(&dir, &text);
    let d = on(&text, &diags, "mcp-server")[0];
    assert_eq!(d.code, "PP406");
    let fix = &d.fixes[0];
    assert!(fix.edits.iter().any(|e| e.path.is_some()));
    let fixed = apply(&text, fix);
    assert!(check(&dir, &fixed).is_empty(), "{:?}", check(&dir, &fixed));
    let py = std::fs::read_to_string(dir.join("src/mcp_server/server.py")).expect("py");
    assert!(py.contains("asyncio.run(main())"));
    let _ = std::fs::remove_dir_all(&dir);

    // Required parameter: default of None in the .py file.
    let dir = scratch("hatch-src");
    let text = read(&dir);
    let diags = check(&dir, &text);
    let d = on(&text, &diags, "needs-args")[0];
    let fix = d
        .fixes
        .iter()
        .find(|f| f.edits.iter().any(|e| e.path.is_some()))
        .expect("python fix");
    let fixed = apply(&text, fix);
    let after = check(&dir, &fixed);
    assert!(on(&fixed, &after, "needs-args").is_empty());
    let py = std::fs::read_to_string(dir.join("src/demo_app/cli.py")).expect("py");
    assert!(
        py.contains("def needs(config_path: str = None, verbose=False)"),
        "{py}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn poetry_scripts_are_checked_and_backends_resolve() {
    for name in [
        "setuptools-flat",
        "setuptools-find",
        "setuptools-pkgdir",
        "flit",
        "pdm",
        "maturin",
        "uv-build",
        "hatch-sources",
        "extension",
    ] {
        let dir = fixture(name);
        // Compiled targets get a hint (tested below); nothing stronger anywhere.
        assert!(
            check(&dir, &read(&dir))
                .iter()
                .all(|d| d.severity == pyproject_lsp::diagnostic::Severity::Hint),
            "{name}: {:?}",
            check(&dir, &read(&dir))
        );
    }
    let dir = fixture("poetry");
    let text = read(&dir);
    let diags = check(&dir, &text);
    assert_eq!(codes(&on(&text, &diags, "broken")), ["PP404"]);
    assert!(on(&text, &diags, "pdemo").is_empty());
}

#[test]
fn without_facts_only_syntax_is_checked() {
    let text = "[project]\nname = \"x\"\nversion = \"1\"\n\n[project.scripts]\na = \"pkg.main\"\nb = \"pkg:nothing\"\n";
    let doc = Arc::new(Document::new(text.to_string(), 1));
    let (snapshot, _) = Snapshot::new(None, doc, None);
    let diags: Vec<_> = pyproject_lsp::features::diagnostics(&snapshot, &Facts::default())
        .into_iter()
        .filter(|d| d.code.starts_with("PP4"))
        .collect();
    assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["PP401"]);
}

fn snapshot_and_facts(dir: &Path, text: &str) -> (Snapshot, Facts) {
    let doc = Arc::new(Document::new(text.to_string(), 1));
    let (snapshot, _) = Snapshot::new(Some(dir.join("pyproject.toml")), doc.clone(), None);
    let root = doc.manifest.root().expect("toml parses");
    let mut cache = pyproject_lsp::python::ModuleCache::new();
    let facts = Facts {
        entry_points: Some(Arc::new(pyproject_lsp::python::analyze(
            dir, root, &mut cache,
        ))),
        ..Facts::default()
    };
    (snapshot, facts)
}

#[test]
fn hover_goto_and_links() {
    let dir = fixture("hatch-src");
    let text = read(&dir);
    let (snapshot, facts) = snapshot_and_facts(&dir, &text);
    // Hover on `run` of `chain = "demo_app:run"`: the signature and docstring from c.py.
    let at = text.find("chain = \"demo_app:run\"").expect("line") + "chain = \"demo_app:r".len();
    let h = pyproject_lsp::features::hover::hover(&snapshot, at, &facts).expect("hover");
    assert!(h.markdown.contains("def run() -> int"), "{}", h.markdown);
    assert!(
        h.markdown.contains("Run from the end of a chain."),
        "{}",
        h.markdown
    );
    assert_eq!(&text[h.range.expect("range")], "run");
    // Hover on a click command says what was found.
    let at = text.find("demo_app.ccli:cli").expect("line") + "demo_app.ccli:c".len();
    let h = pyproject_lsp::features::hover::hover(&snapshot, at, &facts).expect("hover");
    assert!(h.markdown.contains("click command"), "{}", h.markdown);
    // Goto: the attribute goes to the definition, a module segment to the module file.
    let loc = pyproject_lsp::features::entry_points::definition(
        &snapshot,
        text.find("chain = \"demo_app:run\"").expect("l") + 18,
        &facts,
    )
    .expect("def");
    assert!(loc.path.ends_with("demo_app/c.py"));
    let c = std::fs::read_to_string(&loc.path).expect("c.py");
    assert_eq!(&c[loc.range.clone()], "run");
    let loc = pyproject_lsp::features::entry_points::definition(
        &snapshot,
        text.find("\"demo_app.cli:main\"").expect("l") + 11,
        &facts,
    )
    .expect("def");
    assert!(loc.path.ends_with("demo_app/cli.py"));
    // Links on module paths of found modules only.
    let links = pyproject_lsp::features::entry_points::links(&snapshot, &facts);
    assert!(links.iter().any(|l| &text[l.range.clone()] == "demo_app.server" && l.target.ends_with("server.py")));
    assert!(
        !links
            .iter()
            .any(|l| &text[l.range.clone()] == "demo_app.clii")
    );
}

#[test]
fn completion_offers_modules_then_callables_zero_argument_first() {
    let dir = fixture("hatch-src");
    let text = read(&dir).replace("ok = \"demo_app.cli:main\"", "ok = \"demo_app.cli:\"");
    let (snapshot, facts) = snapshot_and_facts(&dir, &text);
    let at = text.find("demo_app.cli:\"").expect("line") + "demo_app.cli:".len();
    let mut items = pyproject_lsp::features::completion::completions(&snapshot, at, &facts).items;
    items.retain(|i| i.kind == pyproject_lsp::features::CompletionKind::Function);
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    let pos = |n: &str| {
        labels
            .iter()
            .position(|l| *l == n)
            .unwrap_or_else(|| panic!("{n} in {labels:?}"))
    };
    assert!(
        pos("main") < pos("needs") && pos("zero") < pos("needs") && pos("zero") < pos("App"),
        "{labels:?}"
    );
    // `program = App()` has no `__call__`: not offered as a callable.
    assert!(!labels.contains(&"program"));
    let text = read(&dir).replace("ok = \"demo_app.cli:main\"", "ok = \"demo_app.to\"");
    let (snapshot, facts) = snapshot_and_facts(&dir, &text);
    let at = text.find("demo_app.to\"").expect("line") + "demo_app.to".len();
    let items = pyproject_lsp::features::completion::completions(&snapshot, at, &facts).items;
    assert!(
        items.iter().any(|i| i.label == "demo_app.tools.util"),
        "{:?}",
        items.iter().map(|i| &i.label).collect::<Vec<_>>()
    );
}

/// Precision on real projects: `PYPROJECT_LSP_CORPUS_SRC=DIR cargo test --test entry_points --
/// --ignored corpus`, with DIR made by `python3 ../shared/corpus/fetch.py sources DIR`. Every
/// entry point of a published project works after `pip install`, so any PP4xx error is ours.
#[test]
#[ignore = "needs the unpacked corpus (network to fetch)"]
fn corpus_has_no_false_errors() {
    let Ok(dir) = std::env::var("PYPROJECT_LSP_CORPUS_SRC") else {
        return;
    };
    let mut checked = 0;
    let mut errors = Vec::new();
    for project in std::fs::read_dir(dir).expect("corpus dir").flatten() {
        let Some(inner) = std::fs::read_dir(project.path())
            .ok()
            .and_then(|mut r| r.next())
            .and_then(Result::ok)
        else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(inner.path().join("pyproject.toml")) else {
            continue;
        };
        let (snapshot, facts) = snapshot_and_facts(&inner.path(), &text);
        checked += facts.entry_points.as_ref().map_or(0, |f| f.entries.len());
        for d in pyproject_lsp::features::diagnostics(&snapshot, &facts) {
            if d.code.starts_with("PP4") && d.severity == pyproject_lsp::diagnostic::Severity::Error
            {
                errors.push(format!(
                    "{}: {} {}",
                    project.file_name().to_string_lossy(),
                    d.code,
                    d.message
                ));
            }
        }
    }
    assert!(checked > 0);
    assert!(
        errors.is_empty(),
        "{} false errors in {checked} entry points:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

// ---------------------------------------------------------------- through the binary

mod common;

fn offset_of(text: &str, pos: &serde_json::Value) -> usize {
    // The fixtures are ASCII, so UTF-16 columns are byte columns.
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let character = pos["character"].as_u64().unwrap_or(0) as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    start + character
}

/// Applies an LSP `WorkspaceEdit` (`changes` form) to files on disk; returns the edited texts.
fn apply_workspace_edit(edit: &serde_json::Value) {
    let Some(changes) = edit["changes"].as_object() else {
        panic!("no changes: {edit}")
    };
    for (uri, edits) in changes {
        let path = PathBuf::from(uri.trim_start_matches("file://"));
        let mut text = std::fs::read_to_string(&path).expect("file");
        let mut edits: Vec<(usize, usize, String)> = edits
            .as_array()
            .expect("edits")
            .iter()
            .map(|e| {
                (
                    offset_of(&text, &e["range"]["start"]),
                    offset_of(&text, &e["range"]["end"]),
                    e["newText"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (s, e, new) in edits {
            text.replace_range(s..e, &new);
        }
        std::fs::write(&path, text).expect("write");
    }
}

#[test]
fn cli_reports_entry_points_and_fixes_the_scripts_table() {
    let dir = scratch("hatch-src");
    let (code, out, err) = common::cli(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(code, 1, "{err}");
    for code in [
        "PP401", "PP402", "PP403", "PP404", "PP405", "PP406", "PP407", "PP408", "PP409", "PP410",
    ] {
        assert!(out.contains(&format!("[{code}]")), "{code} missing:\n{out}");
    }
    let _ = std::fs::remove_dir_all(&dir);

    let text = "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"demo-app\"\nversion = \"1\"\n\n[project.entry-points.console_scripts]\nlegacy = \"demo_app.cli:main\"\n";
    let (dir, _) = common::project(
        "ep-fix",
        text,
        &[
            ("src/demo_app/__init__.py", ""),
            ("src/demo_app/cli.py", "def main():\n    return 0\n"),
        ],
    );
    let (code, _, _) = common::cli(&["check", "--fix", dir.to_str().expect("utf8")]);
    let fixed = std::fs::read_to_string(dir.join("pyproject.toml")).expect("read");
    assert!(
        fixed.contains("[project.scripts]\nlegacy = \"demo_app.cli:main\""),
        "{fixed}"
    );
    let (code_after, out, _) = common::cli(&["check", dir.to_str().expect("utf8")]);
    assert!(!out.contains("PP4"), "{out}");
    assert_eq!((code, code_after), (0, 0), "{out}");
}

#[test]
fn lsp_async_fix_edits_the_python_file_and_the_recheck_is_clean() {
    use common::{Client, Init, file_uri};
    use serde_json::json;
    let dir = scratch("async-fix");
    let pyproject = read(&dir);
    let uri = file_uri(&dir.join("pyproject.toml"));
    let (mut c, _) = Client::start(Init {
        root: Some(dir.clone()),
        ..Init::default()
    });
    c.open(&uri, &pyproject);
    let has = |p: &serde_json::Value, code: &str| {
        p["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == code))
    };
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && has(p, "PP406")
    });
    let d = p["diagnostics"]
        .as_array()
        .expect("diags")
        .iter()
        .find(|d| d["code"] == "PP406")
        .cloned()
        .expect("PP406");
    let actions = c.code_actions(&uri, d["range"].clone(), json!([d]));
    let action = actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains("asyncio")))
        .unwrap_or_else(|| panic!("{actions:?}"));
    apply_workspace_edit(&action["edit"]);
    let py = std::fs::read_to_string(dir.join("src/mcp_server/server.py")).expect("py");
    assert!(py.contains("asyncio.run(main())"), "{py}");
    let fixed = read(&dir);
    assert!(fixed.contains("mcp_server.server:run"), "{fixed}");
    c.change(&uri, 2, json!([{ "text": fixed }]));
    c.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": file_uri(&dir.join("src/mcp_server/server.py")), "type": 2 }] }));
    let p = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["version"] == 2 && !has(p, "PP406") && !has(p, "PP404")
    });
    assert!(
        !p["diagnostics"].as_array().is_some_and(|d| d
            .iter()
            .any(|d| d["code"].as_str().is_some_and(|c| c.starts_with("PP4")))),
        "{p}"
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compiled_targets_get_a_hint_not_an_error() {
    for (name, script) in [("maturin", "native"), ("extension", "fast")] {
        let dir = fixture(name);
        let text = read(&dir);
        let (snapshot, facts) = snapshot_and_facts(&dir, &text);
        let diags: Vec<_> = pyproject_lsp::features::diagnostics(&snapshot, &facts)
            .into_iter()
            .filter(|d| d.code.starts_with("PP4"))
            .collect();
        let here = on(&text, &diags, script);
        assert_eq!(codes(&here), ["PP411"], "{name}");
        assert_eq!(here[0].severity, pyproject_lsp::diagnostic::Severity::Hint);
        assert!(
            here[0].message.contains("compiled extension"),
            "{}",
            here[0].message
        );
    }
}

#[test]
fn every_prefix_with_stale_facts_never_panics() {
    // Facts computed from the full file, handed to every half-typed prefix (as the server does
    // while the slow analysis catches up): rules and features must cope.
    let dir = fixture("hatch-src");
    let full = read(&dir);
    let (_, facts) = snapshot_and_facts(&dir, &full);
    for end in (0..=full.len()).filter(|i| full.is_char_boundary(*i)) {
        let text = &full[..end];
        let doc = Arc::new(Document::new(text.to_string(), 1));
        let (snapshot, _) = Snapshot::new(Some(dir.join("pyproject.toml")), doc, None);
        let _ = pyproject_lsp::features::diagnostics(&snapshot, &facts);
        let _ = pyproject_lsp::features::hover::hover(&snapshot, end, &facts);
        let _ = pyproject_lsp::features::completion::completions(&snapshot, end, &facts);
        let _ = pyproject_lsp::features::entry_points::definition(
            &snapshot,
            end.saturating_sub(3),
            &facts,
        );
        let _ = pyproject_lsp::features::entry_points::links(&snapshot, &facts);
    }
}
