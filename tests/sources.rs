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
    // What the backend ships (setuptools' flat-layout modules), never setup.py.
    assert!(files.contains(&"flatmod.py"), "{files:?}");
    assert!(!files.contains(&"setup.py"), "{files:?}");
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
    fs::write(
        project.join("pyproject.toml"),
        "[project]\nname = \"other\"\n",
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

// ---- The PP6xx and PP5xx rules over these facts, fixes applied back and checked again. ----

use pyproject_lsp::diagnostic::{Diagnostic, Edit};
use pyproject_lsp::document::Document;
use pyproject_lsp::manifest::edit;
use pyproject_lsp::rules::Facts;
use pyproject_lsp::state::Snapshot;

/// Runs every rule on the project's pyproject.toml with freshly scanned sources.
fn diagnostics(project: &Path) -> Vec<Diagnostic> {
    let path = project.join("pyproject.toml");
    let text = fs::read_to_string(&path).expect("read pyproject");
    let (snapshot, _) = Snapshot::new(
        Some(path),
        std::sync::Arc::new(Document::new(text, 0)),
        None,
    );
    let settings = Settings::from_config(&snapshot.settings);
    let scanned = sources::scan_project(project, &settings, &mut Cache::default());
    let facts = Facts {
        sources: Some(std::sync::Arc::new(scanned)),
        ..Facts::default()
    };
    pyproject_lsp::features::diagnostics(&snapshot, &facts)
}

fn with_code<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.code == code).collect()
}

/// Applies a fix: edits without a path go to pyproject.toml, the others to their file.
fn apply(project: &Path, edits: &[Edit]) {
    let pyproject = project.join("pyproject.toml");
    let mut by_file: Vec<(PathBuf, Vec<Edit>)> = Vec::new();
    for e in edits {
        let file = e.path.clone().unwrap_or_else(|| pyproject.clone());
        let local = Edit {
            path: None,
            ..e.clone()
        };
        match by_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, list)) => list.push(local),
            None => by_file.push((file, vec![local])),
        }
    }
    for (file, list) in by_file {
        let text = fs::read_to_string(&file).expect("read");
        fs::write(&file, edit::apply(&text, &list)).expect("write");
    }
}

#[test]
fn undeclared_imports_are_errors_with_sites_and_a_fix() {
    let project = copy_fixture("undeclared");
    let diags = diagnostics(&project);
    let undeclared = with_code(&diags, "PP601");
    let messages: Vec<&str> = undeclared.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(undeclared.len(), 3, "{messages:#?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`pydantic_settings`") && m.contains("`pydantic-settings`"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`sklearn`") && m.contains("`scikit-learn`"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`bs4`") && m.contains("`beautifulsoup4`"))
    );
    // Declared (requests, PyYAML via the bundled map), own, stdlib, TYPE_CHECKING and
    // optional-in-an-extra (ujson) imports are not reported.
    for quiet in [
        "requests",
        "yaml",
        "acme",
        "os",
        "mypy_boto3_s3",
        "ujson",
        "pytest",
    ] {
        assert!(
            !messages.iter().any(|m| m.contains(&format!("`{quiet}`"))),
            "{quiet}: {messages:#?}"
        );
    }
    let text = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    let pydantic = undeclared
        .iter()
        .find(|d| d.message.contains("pydantic"))
        .expect("pydantic");
    assert_eq!(&text[pydantic.range.clone()], "dependencies");
    let site = &pydantic.related[0];
    assert!(site.location.path.ends_with("src/acme/__init__.py"));
    // The lazy `import rich` inside a function is optional: a hint, not an error.
    let optional = with_code(&diags, "PP602");
    assert!(
        optional.iter().any(|d| d.message.contains("`rich`")),
        "{diags:#?}"
    );

    apply(&project, &pydantic.fixes[0].edits);
    let fixed = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert!(
        fixed.contains(
            "dependencies = [\n    \"requests>=2\",\n    \"PyYAML\",\n    \"pydantic-settings\",\n]"
        ),
        "{fixed}"
    );
    let again = diagnostics(&project);
    assert_eq!(with_code(&again, "PP601").len(), 2);
    assert!(
        !with_code(&again, "PP601")
            .iter()
            .any(|d| d.message.contains("pydantic"))
    );
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn undeclared_import_fix_uses_the_installed_version_and_keeps_sorted_lists_sorted() {
    let project = copy_fixture("undeclared");
    let text = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    fs::write(
        project.join("pyproject.toml"),
        text.replace(
            "\"requests>=2\",\n    \"PyYAML\",\n",
            "\"PyYAML\",\n    \"requests>=2\",\n",
        ),
    )
    .expect("write");
    let site = project.join(".venv/lib/python3.12/site-packages/pydantic_settings-2.6.1.dist-info");
    fs::create_dir_all(&site).expect("mkdir");
    fs::write(
        site.join("METADATA"),
        "Metadata-Version: 2.3\nName: pydantic-settings\nVersion: 2.6.1\n\n",
    )
    .expect("w");
    fs::write(site.join("RECORD"), "pydantic_settings/__init__.py,,\n").expect("w");
    let diags = diagnostics(&project);
    let pydantic = with_code(&diags, "PP601")
        .into_iter()
        .find(|d| d.message.contains("pydantic"))
        .expect("reported");
    assert!(pydantic.fixes[0].safe, "the environment proves the mapping");
    apply(&project, &pydantic.fixes[0].edits);
    let fixed = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert!(
        fixed.contains("dependencies = [\n    \"pydantic-settings>=2.6\",\n    \"PyYAML\",\n    \"requests>=2\",\n]"),
        "{fixed}"
    );
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn import_map_setting_maps_an_import() {
    let project = copy_fixture("undeclared");
    let text = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    fs::write(
        project.join("pyproject.toml"),
        format!("{text}\n[tool.pyproject-lsp]\nimport-map = {{ bs4 = \"requests\" }}\n"),
    )
    .expect("write");
    let diags = diagnostics(&project);
    assert!(
        !with_code(&diags, "PP601")
            .iter()
            .any(|d| d.message.contains("bs4")),
        "{diags:#?}"
    );
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn newer_python_needed_with_raise_and_tomli_fixes() {
    let project = copy_fixture("tomllib");
    let diags = diagnostics(&project);
    let needs = with_code(&diags, "PP606");
    let needed: Vec<String> = needs.iter().map(|d| d.message.clone()).collect();
    // 3.10 for `match`, 3.11 for tomllib; walrus (3.8) and importlib.metadata (3.8) are fine on
    // >=3.8; zoneinfo is guarded by sys.version_info.
    assert_eq!(needs.len(), 2, "{needed:#?}");
    assert!(
        needed[0].contains("Python 3.10") && needed[0].contains("match"),
        "{needed:#?}"
    );
    assert!(
        needed[1].contains("Python 3.11") && needed[1].contains("`tomllib`"),
        "{needed:#?}"
    );
    assert!(!needed.iter().any(|m| m.contains("zoneinfo")));
    let text = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert_eq!(&text[needs[1].range.clone()], "\">=3.8\"");
    // distutils is gone after 3.11 while `>=3.8` allows newer Pythons.
    assert!(
        with_code(&diags, "PP607")
            .iter()
            .any(|d| d.message.contains("distutils"))
    );

    let tomli = needs[1]
        .fixes
        .iter()
        .find(|f| f.title.contains("tomli"))
        .expect("tomli fix");
    assert!(
        tomli.edits.iter().any(|e| e.path.is_some()),
        "rewrites the import in the source"
    );
    apply(&project, &tomli.edits);
    let source = fs::read_to_string(project.join("mypkg/__init__.py")).expect("read");
    assert!(source.starts_with("try:\n    import tomllib\nexcept ModuleNotFoundError:  # Python < 3.11\n    import tomli as tomllib\n"), "{source}");
    let fixed = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert!(
        fixed.contains("dependencies = [\"tomli>=1.1; python_version < '3.11'\"]"),
        "{fixed}"
    );
    let again = diagnostics(&project);
    assert_eq!(
        with_code(&again, "PP606").len(),
        1,
        "only `match` is left: {again:#?}"
    );
    // tomli is declared now; the `backports.zoneinfo` fallback for Python < 3.9 is not.
    let undeclared: Vec<&str> = with_code(&again, "PP601")
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(undeclared.len(), 1, "{undeclared:#?}");
    assert!(
        undeclared[0].contains("`backports.zoneinfo`"),
        "{undeclared:#?}"
    );

    let raise = with_code(&again, "PP606")[0].fixes[0].clone();
    apply(&project, &raise.edits);
    let fixed = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert!(fixed.contains("requires-python = \">=3.10\""), "{fixed}");
    assert!(with_code(&diagnostics(&project), "PP606").is_empty());
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn dev_only_and_stdlib_dependencies() {
    let project = copy_fixture("devgroup");
    let diags = diagnostics(&project);
    let text = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    let dev = with_code(&diags, "PP603");
    assert_eq!(dev.len(), 1, "{diags:#?}");
    assert_eq!(&text[dev[0].range.clone()], "\"rich\"");
    assert!(with_code(&diags, "PP601").is_empty(), "{diags:#?}");
    let stdlib = with_code(&diags, "PP605");
    assert_eq!(stdlib.len(), 1, "asyncio has a marker: {diags:#?}");
    assert_eq!(&text[stdlib[0].range.clone()], "\"dataclasses\"");
    // Python 3.10 has dataclasses: the fix removes the backport.
    apply(&project, &stdlib[0].fixes[0].edits);
    let fixed = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert!(
        fixed.contains("dependencies = [\"attrs\", \"asyncio; python_version < '3.4'\"]"),
        "{fixed}"
    );
    assert!(with_code(&diagnostics(&project), "PP605").is_empty());
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn unused_dependencies_only_when_enabled_and_certain() {
    let project = copy_fixture("devgroup");
    write_venv(&project);
    let text = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    let text = text.replace("[\"attrs\",", "[\"attrs\", \"protobuf\",");
    fs::write(project.join("pyproject.toml"), &text).expect("write");
    assert!(
        with_code(&diagnostics(&project), "PP604").is_empty(),
        "off by default"
    );
    fs::write(
        project.join("pyproject.toml"),
        format!("{text}\n[tool.pyproject-lsp]\ndependencies.report-unused = true\n"),
    )
    .expect("write");
    let diags = diagnostics(&project);
    let unused = with_code(&diags, "PP604");
    // protobuf is installed and provides google.protobuf, which nothing imports; attrs is
    // imported; nothing is known for certain about the others.
    assert_eq!(unused.len(), 1, "{diags:#?}");
    assert!(unused[0].message.contains("protobuf"));
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn hyphenated_package_path_is_fixed_to_the_existing_directory() {
    let project = copy_fixture("layout-hyphen");
    let diags = diagnostics(&project);
    let hyphen = with_code(&diags, "PP501");
    assert_eq!(hyphen.len(), 1, "{diags:#?}");
    apply(&project, &hyphen[0].fixes[0].edits);
    let fixed = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert!(
        fixed.contains("packages = [\"src/my_mcp_server\"]"),
        "{fixed}"
    );
    let again = diagnostics(&project);
    assert!(
        again.iter().all(|d| !d.code.starts_with("PP5")),
        "{again:#?}"
    );
    let _ = fs::remove_dir_all(&project);
}

#[test]
fn layout_paths_and_default_discovery() {
    let project = copy_fixture("layout-hyphen");
    let text = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    // A path that does not exist at all.
    fs::write(
        project.join("pyproject.toml"),
        text.replace("src/my-mcp-server", "src/server"),
    )
    .expect("write");
    let diags = diagnostics(&project);
    let missing = with_code(&diags, "PP502");
    assert_eq!(missing.len(), 1, "{diags:#?}");
    assert_eq!(missing[0].fixes[0].title, "Change to `src/my_mcp_server`");
    // No configuration and a package hatchling will not find by the project name.
    let bare = text
        .replace(
            "[tool.hatch.build.targets.wheel]\npackages = [\"src/my-mcp-server\"]\n",
            "",
        )
        .replace("my-mcp-server", "mcp-thing");
    fs::write(project.join("pyproject.toml"), &bare).expect("write");
    let diags = diagnostics(&project);
    let not_found = with_code(&diags, "PP504");
    assert_eq!(not_found.len(), 1, "{diags:#?}");
    apply(&project, &not_found[0].fixes[0].edits);
    assert!(with_code(&diagnostics(&project), "PP504").is_empty());
    // uv_build needs `__init__.py` in the module directory.
    let uv = "[build-system]\nrequires = [\"uv_build\"]\nbuild-backend = \"uv_build\"\n\n[project]\nname = \"my-mcp-server\"\nversion = \"1\"\n\n[tool.uv.build-backend]\nmodule-name = \"my_mcp_server\"\n";
    fs::write(project.join("pyproject.toml"), uv).expect("write");
    fs::remove_file(project.join("src/my_mcp_server/__init__.py")).expect("rm");
    fs::write(project.join("src/my_mcp_server/main.py"), "").expect("w");
    assert_eq!(with_code(&diagnostics(&project), "PP503").len(), 1);
    let _ = fs::remove_dir_all(&project);
}

/// The CLI, as a terminal runs it: the layout rules need no background facts, so `check` reports
/// the hyphenated package path and `--fix` applies the underscore form.
#[test]
fn cli_reports_and_fixes_a_hyphenated_package_path() {
    let project = copy_fixture("layout-hyphen");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pyproject-lsp"))
            .args(args)
            .output()
            .expect("run the binary")
    };
    let dir = project.to_str().expect("utf-8 path");
    let out = run(&["check", "--output-format", "json", dir]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"PP501\""), "{text}");
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["check", "--fix", dir]);
    let fixed = fs::read_to_string(project.join("pyproject.toml")).expect("read");
    assert!(
        fixed.contains("packages = [\"src/my_mcp_server\"]"),
        "{fixed}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("PP501"));
    let _ = fs::remove_dir_all(&project);
}
