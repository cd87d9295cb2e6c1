//! Tests of the Python side over the fixture projects in `tests/fixtures/python/`.

use std::path::{Path, PathBuf};

use crate::python::entry_points::{EntryPointFacts, Group, analyze, refresh};
use crate::python::layout::{Backend, ModuleKind};
use crate::python::resolve::{Callability, Outcome, TargetKind};
use crate::python::{ModuleCache, layout};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/python")
        .join(name)
}

fn facts(name: &str) -> EntryPointFacts {
    let dir = fixture(name);
    let text = std::fs::read_to_string(dir.join("pyproject.toml")).expect("fixture");
    let doc: toml_edit::DocumentMut = text.parse().expect("toml");
    analyze(&dir, doc.as_table(), &mut ModuleCache::new())
}

fn script<'a>(f: &'a EntryPointFacts, name: &str) -> &'a crate::python::entry_points::EntryPoint {
    f.entries
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entry point {name}"))
}

fn verdict(f: &EntryPointFacts, name: &str) -> Callability {
    let e = script(f, name);
    e.callability
        .clone()
        .unwrap_or_else(|| panic!("{name}: not found: {:?}", e.resolution.outcome))
}

fn is_ok(c: &Callability) -> bool {
    matches!(c, Callability::Ok(_))
}

#[test]
fn resolves_functions_reexports_chains_aliases_and_members() {
    let f = facts("hatch-src");
    assert_eq!(f.layout.backend, Backend::Hatchling);
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
    ] {
        assert!(is_ok(&verdict(&f, name)), "{name}: {:?}", verdict(&f, name));
    }
    // The chain ends in c.py, three hops from the package.
    let chain = script(&f, "chain");
    let Outcome::Found(t) = &chain.resolution.outcome else {
        panic!()
    };
    assert!(
        t.location
            .as_ref()
            .is_some_and(|l| l.path.ends_with("demo_app/c.py"))
    );
    assert!(chain.resolution.deps.iter().any(|p| p.ends_with("b.py")));
    // Hover material: signature and docstring first line.
    let TargetKind::Function { function, .. } = &t.kind else {
        panic!()
    };
    assert_eq!(function.signature, "def run() -> int");
    assert_eq!(
        function.doc.as_deref(),
        Some("Run from the end of a chain.")
    );
}

#[test]
fn judges_what_a_console_script_cannot_call() {
    let f = facts("hatch-src");
    assert_eq!(
        verdict(&f, "needs-args"),
        Callability::NeedsArgs(vec!["config_path".into()])
    );
    assert_eq!(
        verdict(&f, "typer-cmd"),
        Callability::NeedsArgs(vec!["name".into()])
    );
    assert_eq!(verdict(&f, "async-main"), Callability::Async);
    assert_eq!(verdict(&f, "a-class"), Callability::Class);
    assert_eq!(
        verdict(&f, "plain-method"),
        Callability::NeedsArgs(vec!["self".into()])
    );
    assert!(matches!(
        verdict(&f, "a-constant"),
        Callability::NotCallable(_)
    ));
    assert!(matches!(
        verdict(&f, "a-module"),
        Callability::NotCallable(_)
    ));
}

#[test]
fn reports_missing_modules_and_objects_with_candidates() {
    let f = facts("hatch-src");
    let e = script(&f, "missing-object");
    assert!(matches!(
        e.resolution.outcome,
        Outcome::ObjectNotFound { segment: 0, .. }
    ));
    assert!(
        e.candidates.iter().any(|c| c.reference == "demo_app:main"),
        "{:?}",
        e.candidates
    );
    let e = script(&f, "elsewhere");
    assert!(
        e.candidates
            .iter()
            .any(|c| c.reference == "demo_app.tools.util:helper"),
        "{:?}",
        e.candidates
    );
    let e = script(&f, "missing-module");
    assert_eq!(e.resolution.outcome, Outcome::ModuleNotFound { segment: 1 });
    assert!(
        e.candidates
            .iter()
            .any(|c| c.reference == "demo_app.cli:main"),
        "{:?}",
        e.candidates
    );
    let e = script(&f, "hyphen");
    assert!(
        e.candidates
            .iter()
            .any(|c| c.reference == "demo_app.my_mod:main"),
        "{:?}",
        e.candidates
    );
    let e = script(&f, "no-colon");
    assert!(!e.reference.has_colon);
    assert_eq!(e.candidates[0].reference, "demo_app.cli:main");
    let e = script(&f, "cycle");
    assert!(
        matches!(e.resolution.outcome, Outcome::ObjectNotFound { .. }),
        "{:?}",
        e.resolution.outcome
    );
    assert!(
        matches!(script(&f, "external").resolution.outcome, Outcome::External(ref t) if t == "otherdist")
    );
    // Typer command: the fix points at the app; other zero-argument callables are offered.
    let e = script(&f, "typer-cmd");
    assert_eq!(e.candidates[0].reference, "demo_app.tcli:app");
    let e = script(&f, "needs-args");
    assert!(
        e.candidates
            .iter()
            .any(|c| c.reference == "demo_app.cli:zero")
    );
    let fix = e.python_fix.as_ref().expect("default fix");
    assert_eq!(fix.edits.len(), 1);
    let e = script(&f, "async-main");
    let fix = e.python_fix.as_ref().expect("wrapper fix");
    assert_eq!(fix.new_reference.as_deref(), Some("demo_app.server:run"));
    assert!(fix.edits[0].1.contains("asyncio.run(serve())"));
}

#[test]
fn plugin_groups_only_need_existence() {
    let f = facts("hatch-src");
    let g = Group::Plugin("demo.plugins".into());
    assert!(f.get(&g, "as-module").is_some_and(
        |e| e.callability.is_none() && matches!(e.resolution.outcome, Outcome::Found(_))
    ));
    assert!(
        f.get(&g, "as-constant")
            .is_some_and(|e| e.callability.is_none())
    );
    assert!(
        f.get(&g, "missing")
            .is_some_and(|e| matches!(e.resolution.outcome, Outcome::ModuleNotFound { .. }))
    );
    // `console_scripts` under entry-points is still called like a script.
    assert!(
        f.get(&Group::Plugin("console_scripts".into()), "legacy")
            .is_some_and(|e| e.callability.as_ref().is_some_and(is_ok))
    );
}

#[test]
fn each_backend_finds_its_modules() {
    let cases = [
        ("setuptools-flat", Backend::Setuptools, vec!["tool"]),
        ("setuptools-find", Backend::Setuptools, vec!["acme"]),
        (
            "setuptools-pkgdir",
            Backend::Setuptools,
            vec!["mapped", "single"],
        ),
        ("flit", Backend::Flit, vec!["fdemo"]),
        ("pdm", Backend::Pdm, vec!["pdm_demo"]),
        ("poetry", Backend::Poetry, vec!["pdemo"]),
        ("maturin", Backend::Maturin, vec!["rusty"]),
        ("uv-build", Backend::UvBuild, vec!["ns.pkg"]),
        ("hatch-sources", Backend::Hatchling, vec!["shipped"]),
        ("extension", Backend::Setuptools, vec!["fastext"]),
    ];
    for (name, backend, modules) in cases {
        let f = facts(name);
        assert_eq!(f.layout.backend, backend, "{name}");
        let found: Vec<&str> = f.layout.modules.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(found, modules, "{name}");
        for e in &f.entries {
            let fine = match &e.resolution.outcome {
                Outcome::Found(_) => e.callability.as_ref().is_some_and(is_ok),
                Outcome::Opaque(_) => true,
                _ => false,
            };
            assert_eq!(
                fine,
                e.name != "broken",
                "{name}/{}: {:?} {:?}",
                e.name,
                e.resolution.outcome,
                e.callability
            );
        }
    }
    let f = facts("setuptools-find");
    assert_eq!(f.layout.modules[0].kind, ModuleKind::Namespace);
    // Compiled targets are opaque, not errors.
    assert!(matches!(
        script(&facts("maturin"), "native").resolution.outcome,
        Outcome::Opaque(_)
    ));
    assert!(matches!(
        script(&facts("extension"), "fast").resolution.outcome,
        Outcome::Opaque(_)
    ));
    assert!(
        layout::list_modules(&facts("hatch-src").layout)
            .contains(&"demo_app.tools.util".to_string())
    );
}

#[test]
fn refresh_re_resolves_only_dependents() {
    let tmp = std::env::temp_dir().join(format!("pp-ep-refresh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    copy_dir(&fixture("async-fix"), &tmp);
    let text = std::fs::read_to_string(tmp.join("pyproject.toml")).expect("toml");
    let doc: toml_edit::DocumentMut = text.parse().expect("toml");
    let mut cache = ModuleCache::new();
    let mut f = analyze(&tmp, doc.as_table(), &mut cache);
    assert_eq!(f.entries[0].callability, Some(Callability::Async));
    let server = tmp.join("src/mcp_server/server.py");
    // Apply the wrapper fix, point the script at it, and check again.
    let fix = f.entries[0].python_fix.clone().expect("fix");
    let mut py = std::fs::read_to_string(&server).expect("py");
    for (range, new) in fix.edits.iter().rev() {
        py.replace_range(range.clone(), new);
    }
    std::fs::write(&server, &py).expect("write");
    assert_eq!(refresh(&mut f, &[tmp.join("unrelated.py")], &mut cache), 0);
    assert_eq!(
        refresh(&mut f, std::slice::from_ref(&server), &mut cache),
        1
    );
    let new_ref = fix.new_reference.expect("reference");
    let text = text.replace("mcp_server.server:main", &new_ref);
    let doc: toml_edit::DocumentMut = text.parse().expect("toml");
    let f = analyze(&tmp, doc.as_table(), &mut cache);
    assert!(
        is_ok(&f.entries[0].callability.clone().expect("found")),
        "{:?}\n{py}",
        f.entries[0]
    );
    let _ = std::fs::remove_dir_all(&tmp);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
