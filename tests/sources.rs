//! The sources scan on real fixture projects in `tests/fixtures/sources/`: which files are
//! scanned, which imports come out with which guards, the environment mapping and the cache.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use pyproject_lsp::sources::{self, Cache, Settings, import_map::Certainty, stdlib};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sources")
        .join(name)
}

/// A fresh copy of a fixture in a temporary directory, for tests that change files.
fn copy_fixture(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dest =
        std::env::temp_dir().join(format!("pyproject-lsp-sources-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dest);
    copy_dir(&fixture(name), &dest);
    dest
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn modules(facts: &sources::SourcesFacts) -> Vec<String> {
    facts
        .imports()
        .map(|(_, import)| import.module.clone())
        .collect()
}

#[test]
fn scans_package_sources_only() {
    let facts = sources::scan_project(
        &fixture("undeclared"),
        &Settings::default(),
        &mut Cache::default(),
    );
    let files: Vec<&str> = facts.files.iter().map(|f| f.relative.as_str()).collect();
    assert_eq!(files, ["src/acme/__init__.py", "src/acme/cli/__init__.py"]);
    let found = modules(&facts);
    assert!(found.contains(&"pydantic_settings".to_string()));
    assert!(
        !found
            .iter()
            .any(|m| m == "pytest" || m == "sphinx_rtd_theme"),
        "{found:?}"
    );
    assert!(!found.iter().any(|m| m == "__future__"));
    assert!(facts.is_own("acme.cli"));
    assert!(!facts.is_own("requests"));
}

#[test]
fn guards_are_reported() {
    let facts = sources::scan_project(
        &fixture("undeclared"),
        &Settings::default(),
        &mut Cache::default(),
    );
    let guard = |name: &str| {
        facts
            .imports()
            .find(|(_, i)| i.module == name)
            .map(|(_, i)| i.guard.clone())
            .expect(name)
    };
    assert!(guard("mypy_boto3_s3").type_checking);
    assert!(guard("ujson").optional);
    assert_eq!(guard("json").fallback_for, ["ujson"]);
    assert!(guard("rich").lazy);
    assert!(!guard("requests").optional && !guard("requests").lazy);
    let (file, import) = facts
        .imports()
        .find(|(_, i)| i.module == "pydantic_settings")
        .expect("import");
    let text = fs::read_to_string(&file.path).expect("read");
    assert_eq!(&text[import.range.clone()], "pydantic_settings");
    assert_eq!(import.line, 6);
}

#[test]
fn include_and_exclude_settings() {
    let settings = Settings {
        selection: sources::Selection {
            include: vec!["docs/**".into(), "src/**".into()],
            exclude: vec!["cli".into()],
        },
        ..Settings::default()
    };
    let facts = sources::scan_project(&fixture("undeclared"), &settings, &mut Cache::default());
    let files: Vec<&str> = facts.files.iter().map(|f| f.relative.as_str()).collect();
    assert_eq!(files, ["docs/conf.py", "src/acme/__init__.py"]);
}

#[test]
fn flat_layout_and_own_modules() {
    let facts = sources::scan_project(
        &fixture("flat"),
        &Settings::default(),
        &mut Cache::default(),
    );
    let files: Vec<&str> = facts.files.iter().map(|f| f.relative.as_str()).collect();
    assert_eq!(files, ["flatmod.py", "helper.py"]);
    assert!(facts.is_own("helper"));
    assert!(!facts.is_own("attr"));
}

#[test]
fn version_facts() {
    let facts = sources::scan_project(
        &fixture("tomllib"),
        &Settings::default(),
        &mut Cache::default(),
    );
    let file = &facts.files[0];
    let kinds: Vec<(u8, &str)> = file
        .scanned
        .syntax
        .iter()
        .map(|s| (s.min_minor, s.what.as_str()))
        .collect();
    assert!(
        kinds.iter().any(|(m, w)| *m == 10 && w.contains("match")),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|(m, _)| *m == 8), "{kinds:?}");
    assert_eq!(stdlib::lifetime("tomllib").map(|l| l.added), Some(11));
    assert_eq!(
        stdlib::lifetime("distutils.core").and_then(|l| l.last),
        Some(11)
    );
    assert_eq!(
        stdlib::listed("importlib.metadata").map(|l| l.added),
        Some(8)
    );
    let zoneinfo = facts
        .imports()
        .find(|(_, i)| i.module == "zoneinfo")
        .expect("zoneinfo")
        .1;
    assert_eq!(zoneinfo.guard.min_minor, Some(9));
    let backports = facts
        .imports()
        .find(|(_, i)| i.module == "backports")
        .expect("backports")
        .1;
    assert_eq!(backports.guard.max_minor, Some(8));
}

/// Writes a `.venv` with two installed distributions, one of them a namespace package.
fn write_venv(project: &Path) {
    let site = project.join(".venv/lib/python3.12/site-packages");
    let protobuf = site.join("protobuf-5.29.0.dist-info");
    fs::create_dir_all(&protobuf).expect("mkdir");
    fs::write(
        protobuf.join("METADATA"),
        "Metadata-Version: 2.1\nName: protobuf\nVersion: 5.29.0\n\n",
    )
    .expect("w");
    fs::write(
        protobuf.join("RECORD"),
        "google/protobuf/__init__.py,sha256=x,1\ngoogle/protobuf/internal/wire.py,,\n\
         google/_upb/_message.abi3.so,,\nprotobuf-5.29.0.dist-info/RECORD,,\n",
    )
    .expect("w");
    let yaml = site.join("PyYAML-6.0.2.dist-info");
    fs::create_dir_all(&yaml).expect("mkdir");
    fs::write(
        yaml.join("METADATA"),
        "Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.2\n\n",
    )
    .expect("w");
    fs::write(
        yaml.join("RECORD"),
        "yaml/__init__.py,,\nyaml/loader.py,,\n_yaml/__init__.py,,\n../../../bin/x,,\n",
    )
    .expect("w");
}

#[test]
fn environment_maps_imports() {
    let project = copy_fixture("undeclared");
    write_venv(&project);
    let facts = sources::scan_project(&project, &Settings::default(), &mut Cache::default());
    let env = facts.env.as_deref().expect("environment found");
    assert_eq!(env.dists["protobuf"].version, "5.29.0");
    assert!(
        env.provides.contains_key("google.protobuf"),
        "{:?}",
        env.provides.keys()
    );
    assert!(!env.provides.contains_key("google"));
    let protobuf = facts.candidates("google.protobuf.message");
    assert_eq!(protobuf.dists[0], "protobuf");
    assert_eq!(protobuf.certainty, Certainty::Certain);
    let yaml = facts.candidates("yaml.loader");
    assert_eq!(yaml.dists[0], "PyYAML");
    // Not installed: the bundled table, then the name itself.
    let bs4 = facts.candidates("bs4");
    assert_eq!(
        (bs4.dists[0].as_str(), bs4.certainty),
        ("beautifulsoup4", Certainty::Guess)
    );
    let (imports, certainty) =
        sources::import_map::provided("pyyaml", &facts.import_map, facts.env.as_deref());
    assert_eq!(certainty, Certainty::Certain);
    assert!(imports.contains("yaml") && imports.contains("_yaml"));
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn interpreter_setting_finds_environment_elsewhere() {
    let project = copy_fixture("flat");
    let env_dir = project.join("envs/py");
    write_venv(&project.join("envs/tmp"));
    fs::rename(project.join("envs/tmp/.venv"), &env_dir).expect("move env");
    let settings = Settings {
        interpreter: Some(PathBuf::from("envs/py/bin/python")),
        ..Settings::default()
    };
    let facts = sources::scan_project(&project, &settings, &mut Cache::default());
    assert!(facts.env.is_some());
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn one_changed_file_is_rescanned_alone() {
    let project = copy_fixture("undeclared");
    let settings = Settings::default();
    let mut cache = Cache::default();
    let first = sources::scan_project(&project, &settings, &mut cache);
    let cli = project.join("src/acme/cli/__init__.py");
    fs::write(&cli, "import numpy\n").expect("write");
    let updated = sources::rescan_file(&first, &cli, &settings, &mut cache);
    assert!(modules(&updated).contains(&"numpy".to_string()));
    assert!(!modules(&updated).contains(&"sklearn.linear_model".to_string()));
    // The other file's scan is the very same shared value: it was not parsed again.
    assert!(std::sync::Arc::ptr_eq(&first.files[0], &updated.files[0]));
    // A full scan agrees and reuses both.
    let full = sources::scan_project(&project, &settings, &mut cache);
    assert!(std::sync::Arc::ptr_eq(&full.files[1], &updated.files[1]));
    // A new file is added, a deleted one removed.
    let new = project.join("src/acme/extra.py");
    fs::write(&new, "import httpx\n").expect("write");
    let added = sources::rescan_file(&full, &new, &settings, &mut cache);
    assert!(modules(&added).contains(&"httpx".to_string()));
    fs::remove_file(&new).expect("rm");
    let removed = sources::rescan_file(&added, &new, &settings, &mut cache);
    assert!(!modules(&removed).contains(&"httpx".to_string()));
    // A file outside the package (tests/) does not enter the facts.
    let test = project.join("tests/test_acme.py");
    let same = sources::rescan_file(&removed, &test, &settings, &mut cache);
    assert_eq!(same.files.len(), removed.files.len());
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn half_written_and_binary_files_do_not_break_the_scan() {
    let project = copy_fixture("flat");
    fs::write(
        project.join("broken.py"),
        "import ok\ndef f(:\n  from x import (\n",
    )
    .expect("w");
    fs::write(project.join("binary.py"), [0xff, 0xfe, 0x00, 0x01, b'\n']).expect("w");
    let facts = sources::scan_project(&project, &Settings::default(), &mut Cache::default());
    let broken = facts
        .files
        .iter()
        .find(|f| f.relative == "broken.py")
        .expect("scanned");
    assert!(broken.scanned.parse_errors > 0);
    assert!(broken.scanned.imports.iter().any(|i| i.module == "ok"));
    let _ = fs::remove_dir_all(&project);
}
