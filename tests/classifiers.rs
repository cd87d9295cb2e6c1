//! Trove classifiers through the built binary: completion in each typing situation (unclosed
//! string, unclosed array, empty line, after the last item, inline), hover, every PP2xx
//! diagnostic with its fix applied back to the text, the "Sort classifiers" source action, the
//! `classifiers.sortOnFix` setting on `check --fix`, and the published-project corpus.

mod common;

use common::*;
use serde_json::{Value, json};

const HEAD: &str = "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\n";

fn items(result: &Value) -> Vec<Value> {
    result["items"].as_array().cloned().unwrap_or_default()
}

fn labels(result: &Value) -> Vec<String> {
    items(result)
        .iter()
        .filter_map(|i| i["label"].as_str().map(str::to_string))
        .collect()
}

/// Applies an item's textEdit and additionalTextEdits.
fn accept(text: &str, item: &Value) -> String {
    let mut edits = vec![item["textEdit"].clone()];
    edits.extend(
        item["additionalTextEdits"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    apply_edits(text, &edits)
}

fn item_labelled(result: &Value, label: &str) -> Value {
    items(result)
        .into_iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no item {label} in {:?}", labels(result)))
}

/// Completes at the `|` marker of `marked` and accepts the item `label`.
fn complete_and_accept(c: &mut Client, uri: &str, marked: &str, label: &str) -> (Value, String) {
    let (text, line, col) = marker(marked);
    c.open(uri, &text);
    let result = c.completion(uri, line, col);
    let item = item_labelled(&result, label);
    let applied = accept(&text, &item);
    (result, applied)
}

#[test]
fn completion_in_an_unclosed_string_replaces_it_and_adds_the_comma() {
    let (mut c, _) = Client::start(Init::default());
    let marked = format!("{HEAD}classifiers = [\n    \"Typing :: Typed\",\n    \"py 3.1|\n]\n");
    let (result, applied) = complete_and_accept(
        &mut c,
        "file:///tmp/cl-unclosed-string/pyproject.toml",
        &marked,
        "Programming Language :: Python :: 3.12",
    );
    let l = labels(&result);
    for v in 10..=14 {
        assert!(
            l.contains(&format!("Programming Language :: Python :: 3.{v}")),
            "{l:?}"
        );
    }
    assert_eq!(
        applied,
        format!(
            "{HEAD}classifiers = [\n    \"Typing :: Typed\",\n    \"Programming Language :: Python :: 3.12\",\n]\n"
        )
    );
    // The client is asked to come back as the user types, and every item shows its hierarchy.
    assert_eq!(result["isIncomplete"], true);
    let item = item_labelled(&result, "Programming Language :: Python :: 3.12");
    assert_eq!(item["detail"], "Programming Language › Python › 3.12");
    c.shutdown();
}

#[test]
fn completion_in_an_unclosed_array() {
    let (mut c, _) = Client::start(Init::default());
    let marked =
        format!("{HEAD}classifiers = [\n    \"Development Status :: 4 - Beta\",\n    \"mit|");
    let (result, applied) = complete_and_accept(
        &mut c,
        "file:///tmp/cl-unclosed-array/pyproject.toml",
        &marked,
        "License :: OSI Approved :: MIT License",
    );
    assert_eq!(labels(&result)[0], "License :: OSI Approved :: MIT License");
    assert_eq!(
        applied,
        format!(
            "{HEAD}classifiers = [\n    \"Development Status :: 4 - Beta\",\n    \"License :: OSI Approved :: MIT License\","
        )
    );
    c.shutdown();
}

#[test]
fn completion_on_an_empty_line_inserts_the_quoted_string_and_comma_and_leaves_out_present_ones() {
    let (mut c, _) = Client::start(Init::default());
    let marked = format!(
        "{HEAD}classifiers = [\n    \"Development Status :: 4 - Beta\",\n    |\n    \"Framework :: Django\",\n]\n"
    );
    let (result, applied) = complete_and_accept(
        &mut c,
        "file:///tmp/cl-empty-line/pyproject.toml",
        &marked,
        "Development Status :: 5 - Production/Stable",
    );
    assert_eq!(
        applied,
        format!(
            "{HEAD}classifiers = [\n    \"Development Status :: 4 - Beta\",\n    \"Development Status :: 5 - Production/Stable\",\n    \"Framework :: Django\",\n]\n"
        )
    );
    let l = labels(&result);
    assert!(!l.contains(&"Development Status :: 4 - Beta".to_string()));
    assert!(!l.contains(&"Framework :: Django".to_string()));
    c.shutdown();
}

#[test]
fn completion_after_a_last_item_without_comma_adds_the_missing_comma() {
    let (mut c, _) = Client::start(Init::default());
    let marked = format!("{HEAD}classifiers = [\n    \"Typing :: Typed\"\n    |\n]\n");
    let (_, applied) = complete_and_accept(
        &mut c,
        "file:///tmp/cl-after-last/pyproject.toml",
        &marked,
        "Development Status :: 5 - Production/Stable",
    );
    assert_eq!(
        applied,
        format!(
            "{HEAD}classifiers = [\n    \"Typing :: Typed\",\n    \"Development Status :: 5 - Production/Stable\"\n]\n"
        )
    );
    c.shutdown();
}

#[test]
fn completion_in_an_inline_array_segment_match() {
    let (mut c, _) = Client::start(Init::default());
    let marked = format!("{HEAD}classifiers = [\"Framework :: Django\", \":: Typ|\"]\n");
    let (result, applied) = complete_and_accept(
        &mut c,
        "file:///tmp/cl-inline/pyproject.toml",
        &marked,
        "Typing :: Typed",
    );
    assert_eq!(labels(&result)[0], "Typing :: Typed");
    assert_eq!(
        applied,
        format!("{HEAD}classifiers = [\"Framework :: Django\", \"Typing :: Typed\"]\n")
    );
    c.shutdown();
}

#[test]
fn completion_in_poetry_classifiers() {
    let (mut c, _) = Client::start(Init::default());
    let marked = "[tool.poetry]\nname = \"demo\"\nclassifiers = [\"typed|\"]\n";
    let (_, applied) = complete_and_accept(
        &mut c,
        "file:///tmp/cl-poetry/pyproject.toml",
        marked,
        "Typing :: Typed",
    );
    assert_eq!(
        applied,
        "[tool.poetry]\nname = \"demo\"\nclassifiers = [\"Typing :: Typed\"]\n"
    );
    c.shutdown();
}

#[test]
fn completion_sorts_versions_numerically_and_leaves_out_deprecated_ones() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/cl-order/pyproject.toml";
    let (text, line, col) = marker(&format!("{HEAD}classifiers = [\n    \"python :: 3|\"\n]\n"));
    c.open(uri, &text);
    let result = c.completion(uri, line, col);
    let mut by_sort: Vec<Value> = items(&result);
    by_sort.sort_by(|a, b| a["sortText"].as_str().cmp(&b["sortText"].as_str()));
    let order: Vec<&str> = by_sort.iter().filter_map(|i| i["label"].as_str()).collect();
    let pos = |v: &str| {
        order
            .iter()
            .position(|l| *l == format!("Programming Language :: Python :: {v}"))
            .unwrap_or(usize::MAX)
    };
    assert!(
        pos("3.9") < pos("3.10") && pos("3.10") < pos("3.11"),
        "{order:?}"
    );
    let (text, line, col) = marker(&format!("{HEAD}classifiers = [\n    \"ukr|\"\n]\n"));
    c.change(uri, 2, json!([{ "text": text }]));
    let l = labels(&c.completion(uri, line, col));
    assert!(
        l.contains(&"Natural Language :: Ukrainian".to_string()),
        "{l:?}"
    );
    assert!(
        !l.contains(&"Natural Language :: Ukranian".to_string()),
        "{l:?}"
    );
    c.shutdown();
}

#[test]
fn hover_shows_hierarchy_and_replacement() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/cl-hover/pyproject.toml";
    let text = format!(
        "{HEAD}classifiers = [\n    \"Programming Language :: Python :: 3.12\",\n    \"Natural Language :: Ukranian\",\n]\n"
    );
    c.open(uri, &text);
    let line = HEAD.lines().count() as u32 + 1;
    let h = c.hover(uri, line, 10);
    let md = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        md.contains("- Programming Language\n  - Python\n    - **3.12**"),
        "{md}"
    );
    let h = c.hover(uri, line + 1, 10);
    let md = h["contents"]["value"].as_str().unwrap_or("");
    assert!(
        md.contains("Deprecated") && md.contains("Natural Language :: Ukrainian"),
        "{md}"
    );
    c.shutdown();
}

/// Opens `text`, finds the diagnostic `code`, applies the code action whose title contains
/// `title`, checks that the diagnostic is gone from the fixed text, and returns that text and
/// the diagnostic.
fn fix(c: &mut Client, uri: &str, text: &str, code: &str, title: &str) -> (String, Value) {
    c.open(uri, text);
    let diags = c.diagnostics(uri, 1);
    let d = diags
        .iter()
        .find(|d| d["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {code} in {diags:?}"));
    let actions = c.code_actions(uri, d["range"].clone(), json!([d]));
    let action = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").contains(title))
        .unwrap_or_else(|| {
            panic!(
                "no action {title:?} in {:?}",
                actions
                    .iter()
                    .map(|a| a["title"].clone())
                    .collect::<Vec<_>>()
            )
        });
    let fixed = apply_edits(text, &action_edits(action, uri));
    c.change(uri, 2, json!([{ "text": fixed }]));
    let after = c.diagnostics(uri, 2);
    assert!(
        !codes(&after).contains(&code.to_string()),
        "{code} still there after the fix:\n{fixed}\n{after:?}"
    );
    (fixed, d)
}

fn with_classifiers(list: &str) -> String {
    format!("{HEAD}classifiers = [\n{list}]\n")
}

#[test]
fn unknown_classifier_gets_did_you_mean_fixes() {
    let (mut c, _) = Client::start(Init::default());
    let text = with_classifiers(
        "    \"Programming Language :: Python :: 3.1O\",\n    \"Typing :: Typed\",\n",
    );
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp201a/pyproject.toml",
        &text,
        "PP201",
        "3.10",
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(
        fixed,
        with_classifiers(
            "    \"Programming Language :: Python :: 3.10\",\n    \"Typing :: Typed\",\n"
        )
    );
    let text =
        "[project]\nname = \"demo\"\nclassifiers = [\"Licence :: OSI Approved :: MIT License\"]\n";
    let (fixed, _) = fix(
        &mut c,
        "file:///tmp/cl-pp201b/pyproject.toml",
        text,
        "PP201",
        "Replace with",
    );
    assert_eq!(
        fixed,
        "[project]\nname = \"demo\"\nclassifiers = [\"License :: OSI Approved :: MIT License\"]\n"
    );
    // At most three suggestions, and a Private one is never unknown.
    let uri = "file:///tmp/cl-pp201c/pyproject.toml";
    let text = with_classifiers(
        "    \"Programming Language :: Python :: 3.1O\",\n    \"Private :: Internal Only\",\n",
    );
    c.open(uri, &text);
    let diags = c.diagnostics(uri, 1);
    let unknown: Vec<&Value> = diags.iter().filter(|d| d["code"] == "PP201").collect();
    assert_eq!(unknown.len(), 1, "{diags:?}");
    let actions = c.code_actions(uri, unknown[0]["range"].clone(), json!([unknown[0]]));
    let replace = actions
        .iter()
        .filter(|a| {
            a["title"]
                .as_str()
                .unwrap_or("")
                .starts_with("Replace with")
        })
        .count();
    assert!((1..=3).contains(&replace), "{actions:?}");
    c.shutdown();
}

#[test]
fn deprecated_classifier_is_replaced_or_removed() {
    let (mut c, _) = Client::start(Init::default());
    let text =
        with_classifiers("    \"Natural Language :: Ukranian\",\n    \"Typing :: Typed\",\n");
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp202a/pyproject.toml",
        &text,
        "PP202",
        "Replace with",
    );
    assert_eq!(d["severity"], 2);
    assert_eq!(d["tags"], json!([2]), "rendered as deprecated");
    assert_eq!(
        fixed,
        with_classifiers("    \"Natural Language :: Ukrainian\",\n    \"Typing :: Typed\",\n")
    );
    let text = with_classifiers(
        "    \"Typing :: Typed\",\n    \"Topic :: Communications :: Chat :: AOL Instant Messenger\",  # old\n",
    );
    let (fixed, _) = fix(
        &mut c,
        "file:///tmp/cl-pp202b/pyproject.toml",
        &text,
        "PP202",
        "Remove",
    );
    assert_eq!(fixed, with_classifiers("    \"Typing :: Typed\",\n"));
    c.shutdown();
}

#[test]
fn duplicate_classifier_copy_is_removed() {
    let (mut c, _) = Client::start(Init::default());
    let text = format!(
        "{HEAD}classifiers = [\"Typing :: Typed\", \"Framework :: Django\", \"Typing :: Typed\"]\n"
    );
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp203/pyproject.toml",
        &text,
        "PP203",
        "Remove",
    );
    assert_eq!(d["severity"], 2);
    assert_eq!(
        fixed,
        format!("{HEAD}classifiers = [\"Typing :: Typed\", \"Framework :: Django\"]\n")
    );
    c.shutdown();
}

#[test]
fn license_classifier_next_to_an_expression_is_removed() {
    let (mut c, _) = Client::start(Init::default());
    // With setuptools it is an error (it refuses to build); with hatchling a warning.
    let text = "[build-system]\nrequires = [\"setuptools>=77\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"demo\"\nlicense = \"MIT\"\nclassifiers = [\n    \"License :: OSI Approved :: MIT License\",\n    \"Typing :: Typed\",\n]\n";
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp204a/pyproject.toml",
        text,
        "PP204",
        "Remove this",
    );
    assert_eq!(d["severity"], 1);
    assert_eq!(
        fixed,
        text.replace("    \"License :: OSI Approved :: MIT License\",\n", "")
    );
    let text = format!(
        "{HEAD}license = \"MIT\"\nclassifiers = [\"License :: OSI Approved :: MIT License\", \"Typing :: Typed\"]\n"
    );
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp204b/pyproject.toml",
        &text,
        "PP204",
        "Remove this",
    );
    assert_eq!(d["severity"], 2);
    assert_eq!(
        fixed,
        format!("{HEAD}license = \"MIT\"\nclassifiers = [\"Typing :: Typed\"]\n")
    );
    c.shutdown();
}

#[test]
fn license_classifier_without_expression_offers_the_spdx_license() {
    let (mut c, _) = Client::start(Init::default());
    let text = with_classifiers(
        "    \"License :: OSI Approved :: MIT License\",\n    \"Typing :: Typed\",\n",
    );
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp205/pyproject.toml",
        &text,
        "PP205",
        "license = \"MIT\"",
    );
    assert_eq!(d["severity"], 3);
    assert!(fixed.contains("license = \"MIT\"\n"), "{fixed}");
    assert!(!fixed.contains("License ::"), "{fixed}");
    let m: toml_edit::DocumentMut = fixed.parse().expect("valid TOML after the fix");
    assert_eq!(m["project"]["license"].as_str(), Some("MIT"));
    c.shutdown();
}

#[test]
fn python_classifier_excluded_by_requires_python_is_removed() {
    let (mut c, _) = Client::start(Init::default());
    let text = with_classifiers(
        "    \"Programming Language :: Python :: 3.9\",\n    \"Programming Language :: Python :: 3.11\",\n    \"Programming Language :: Python :: 3.12\",\n    \"Programming Language :: Python :: 3.13\",\n    \"Programming Language :: Python :: 3.14\",\n",
    );
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp206/pyproject.toml",
        &text,
        "PP206",
        "Remove",
    );
    assert_eq!(d["severity"], 2);
    assert_eq!(
        fixed,
        text.replace("    \"Programming Language :: Python :: 3.9\",\n", "")
    );
    c.shutdown();
}

#[test]
fn missing_python_classifiers_are_added_in_order() {
    let (mut c, _) = Client::start(Init::default());
    let text = with_classifiers(
        "    \"Programming Language :: Python :: 3.11\",\n    \"Programming Language :: Python :: 3.13\",\n    \"Typing :: Typed\",\n",
    );
    let (fixed, d) = fix(
        &mut c,
        "file:///tmp/cl-pp207/pyproject.toml",
        &text,
        "PP207",
        "Add classifiers",
    );
    assert_eq!(d["severity"], 3);
    assert_eq!(
        fixed,
        with_classifiers(
            "    \"Programming Language :: Python :: 3.11\",\n    \"Programming Language :: Python :: 3.12\",\n    \"Programming Language :: Python :: 3.13\",\n    \"Programming Language :: Python :: 3.14\",\n    \"Programming Language :: Python :: 3.15\",\n    \"Typing :: Typed\",\n"
        )
    );
    c.shutdown();
}

#[test]
fn private_classifier_is_information() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/cl-pp208/pyproject.toml";
    c.open(
        uri,
        &with_classifiers("    \"Private :: Do Not Upload\",\n"),
    );
    let diags = c.diagnostics(uri, 1);
    let d = diags.iter().find(|d| d["code"] == "PP208").expect("PP208");
    assert_eq!(d["severity"], 3);
    assert!(!codes(&diags).contains(&"PP201".to_string()));
    c.shutdown();
}

#[test]
fn sort_classifiers_source_action_keeps_comments() {
    let (mut c, _) = Client::start(Init::default());
    let uri = "file:///tmp/cl-sort/pyproject.toml";
    let text = with_classifiers(
        "    \"Typing :: Typed\",\n    # the versions we test\n    \"Programming Language :: Python :: 3.12\",\n    \"Programming Language :: Python :: 3.11\",  # oldest\n    \"Development Status :: 4 - Beta\",\n",
    );
    c.open(uri, &text);
    c.diagnostics(uri, 1);
    let actions = c.code_actions(
        uri,
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
        json!([]),
    );
    let sort = actions
        .iter()
        .find(|a| a["kind"] == "source.sortClassifiers")
        .expect("sort action");
    let sorted = apply_edits(&text, &action_edits(sort, uri));
    assert_eq!(
        sorted,
        with_classifiers(
            "    \"Development Status :: 4 - Beta\",\n    \"Programming Language :: Python :: 3.11\",  # oldest\n    # the versions we test\n    \"Programming Language :: Python :: 3.12\",\n    \"Typing :: Typed\",\n"
        )
    );
    c.change(uri, 2, json!([{ "text": sorted }]));
    c.diagnostics(uri, 2);
    let actions = c.code_actions(
        uri,
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }),
        json!([]),
    );
    assert!(
        !actions
            .iter()
            .any(|a| a["kind"] == "source.sortClassifiers"),
        "already sorted"
    );
    c.shutdown();
}

#[test]
fn check_fix_sorts_only_when_the_setting_asks() {
    let body = &format!(
        "{HEAD}classifiers = [\n    \"Typing :: Typed\",\n    \"Natural Language :: Ukranian\",\n]\n"
    );
    let (dir, _) = project("cl-fix-plain", body, &[]);
    let file = dir.join("pyproject.toml");
    let path = file.to_str().expect("utf-8 path");
    cli(&["check", "--fix", path]);
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert_eq!(
        fixed,
        body.replace("Ukranian", "Ukrainian"),
        "the safe fix only, no sorting"
    );

    let body = format!("{body}\n[tool.pyproject-lsp.classifiers]\nsort-on-fix = true\n");
    let (dir, _) = project("cl-fix-sort", &body, &[]);
    let file = dir.join("pyproject.toml");
    let path = file.to_str().expect("utf-8 path");
    cli(&["check", "--fix", path]);
    let fixed = std::fs::read_to_string(&file).expect("read");
    assert!(
        fixed.contains(
            "classifiers = [\n    \"Natural Language :: Ukrainian\",\n    \"Typing :: Typed\",\n]\n"
        ),
        "{fixed}"
    );
}

#[test]
fn corpus_has_no_classifier_error() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pyprojects");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        // The corpus lives outside the repository; say so instead of passing silently.
        panic!("corpus not found at {}", dir.display());
    };
    let files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(files.len() > 100, "{}", files.len());
    let mut args = vec!["check", "--output-format", "json"];
    args.extend(files.iter().map(String::as_str));
    let (_, out, err) = cli(&args);
    let found: Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let errors: Vec<&Value> = found
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| {
            d["code"].as_str().is_some_and(|c| c.starts_with("PP2"))
                && (d["severity"] == "error" || d["code"] == "PP201")
        })
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Every prefix of the classifier fixture (half-typed strings, arrays, comments, a non-string
/// item, multi-byte text) goes through diagnostics, completion and hover at its end, and the sort
/// action: nothing panics, and every edit lands on character boundaries of the text.
#[test]
fn every_prefix_of_the_fixture_is_handled() {
    use pyproject_lsp::document::Document;
    use pyproject_lsp::features;
    use pyproject_lsp::rules::Facts;
    use pyproject_lsp::state::Snapshot;
    use std::sync::Arc;

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/classifiers/pyproject.toml");
    let full = std::fs::read_to_string(path).expect("fixture");
    let facts = Facts::default();
    let mut completions_seen = 0;
    for (end, _) in full.char_indices().chain([(full.len(), ' ')]) {
        let text = &full[..end];
        let doc = Arc::new(Document::new(text.to_string(), 1));
        let (snapshot, _) = Snapshot::new(None, doc, None);
        let ok = |r: &std::ops::Range<usize>| {
            r.start <= r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        };
        for d in features::diagnostics(&snapshot, &facts) {
            for f in &d.fixes {
                assert!(f.edits.iter().all(|e| ok(&e.range)), "{d:?} at {end}");
            }
        }
        let c = features::completion::completions(&snapshot, end, &facts);
        for item in &c.items {
            assert!(
                item.edit
                    .iter()
                    .chain(&item.additional_edits)
                    .all(|e| ok(&e.range)),
                "{item:?} at {end}"
            );
        }
        completions_seen += usize::from(
            c.items
                .iter()
                .any(|i| i.label.starts_with("Programming Language ::")),
        );
        let _ = features::hover::hover(&snapshot, end.saturating_sub(1), &facts);
        for a in features::classifiers::source_actions(&snapshot, &facts) {
            assert!(a.edits.iter().all(|e| ok(&e.range)), "{a:?} at {end}");
        }
    }
    assert!(
        completions_seen > 100,
        "classifier completion was offered at {completions_seen} prefixes"
    );
}
