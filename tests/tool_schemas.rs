//! `[tool.*]` tables over LSP: completion of keys (plain, dotted, inline, array-of-tables),
//! enum and boolean values, headers, hover, PP7xx diagnostics with fixes, in ruff, pytest,
//! mypy, uv, hatch and tox tables, including half-typed text; and the corpus check: no
//! error-level PP7xx diagnostic on any published pyproject.toml.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::*;
use serde_json::{Value, json};

const URI: &str = "file:///tmp/pyproject-lsp-tool-schemas/pyproject.toml";

fn client() -> Client {
    Client::start(Init::default()).0
}

/// Completion labels at the `|` marker of a fresh document.
fn labels(text: &str) -> Vec<String> {
    let (text, line, col) = marker(text);
    let mut c = client();
    c.open(URI, &text);
    let l = c.completion_labels(URI, line, col);
    c.shutdown();
    l
}

fn completion_items(text: &str) -> (String, Vec<Value>) {
    let (text, line, col) = marker(text);
    let mut c = client();
    c.open(URI, &text);
    let r = c.completion(URI, line, col);
    c.shutdown();
    let items = r.get("items").cloned().unwrap_or(r);
    (text, items.as_array().cloned().unwrap_or_default())
}

fn hover_text(text: &str) -> String {
    let (text, line, col) = marker(text);
    let mut c = client();
    c.open(URI, &text);
    let h = c.hover(URI, line, col);
    c.shutdown();
    h["contents"]["value"].as_str().unwrap_or("").to_string()
}

fn diagnostics(text: &str) -> Vec<Value> {
    let mut c = client();
    c.open(URI, text);
    let d = c.diagnostics(URI, 1);
    c.shutdown();
    d.into_iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("PP7")))
        .collect()
}

/// `(code, covered text)` of each PP7xx diagnostic of a fresh document.
fn found(text: &str) -> Vec<(String, String)> {
    diagnostics(text)
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                covered(text, d).to_string(),
            )
        })
        .collect()
}

/// The text a diagnostic's range covers.
fn covered<'t>(text: &'t str, d: &Value) -> &'t str {
    let start = offset_utf16(text, &d["range"]["start"]);
    let end = offset_utf16(text, &d["range"]["end"]);
    &text[start..end]
}

fn has(labels: &[String], want: &str) -> bool {
    labels.iter().any(|l| l == want)
}

// --- pylint, bump-my-version, commitizen (our generated schemas) ----------------------------

#[test]
fn pylint_options_complete_in_any_section_with_their_help() {
    // pylint reads every option from every `[tool.pylint.*]` section, and from the top.
    for text in [
        "[tool.pylint.format]
max-line|
",
        "[tool.pylint.\"messages control\"]
max-line|
",
        "[tool.pylint]
max-line|
",
    ] {
        let l = labels(text);
        assert!(has(&l, "max-line-length"), "{text}: {l:?}");
    }
    let doc = hover_text(
        "[tool.pylint.format]
max-li|ne-length = 100
",
    );
    assert!(
        doc.contains("all-options.html#max-line-length"),
        "links to pylint's reference: {doc}"
    );
    assert!(doc.contains("100"), "the default is shown: {doc}");
    let l = labels(
        "[tool.pylint.basic]
argument-naming-style = \"|\"
",
    );
    assert!(has(&l, "snake_case") && has(&l, "camelCase"), "{l:?}");
}

#[test]
fn pylint_values_are_checked_leniently() {
    // pylint converts strings itself: "100" and "y" are fine, lists may be strings.
    let ok = diagnostics(
        "[tool.pylint.format]\nmax-line-length = \"100\"\n[tool.pylint.reports]\nreports = \"y\"\n[tool.pylint.messages_control]\ndisable = \"C0114,C0115\"\n[tool.pylint.my-plugin]\nunknown-plugin-option = 1\n",
    );
    assert!(ok.is_empty(), "{ok:?}");
    let text = "[tool.pylint.basic]\nargument-naming-style = \"kebab\"\n[tool.pylint.format]\nmax-line-length = [1]\n[tool.pylint.main]\nblack-list = [\"x\"]\n";
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        found(text),
        pairs(&[
            ("PP704", "\"kebab\""),
            ("PP701", "[1]"),
            ("PP703", "black-list")
        ])
    );
    let d = diagnostics(text);
    let deprecated = d.iter().find(|d| d["code"] == "PP703").expect("PP703");
    assert!(
        deprecated["message"]
            .as_str()
            .unwrap_or("")
            .contains("`ignore`"),
        "the replacement is named: {deprecated}"
    );
}

#[test]
fn bumpversion_and_commitizen_tables_complete_hover_and_check() {
    let l = labels(
        "[tool.bumpversion]
current_version = \"1.0.0\"
co|
",
    );
    assert!(has(&l, "commit") && has(&l, "commit_args"), "{l:?}");
    assert!(!has(&l, "current_version"), "{l:?}");
    let l = labels(
        "[[tool.bumpversion.files]]
filename = \"x.py\"
se|
",
    );
    assert!(has(&l, "search"), "{l:?}");
    let l = labels(
        "[tool.bumpversion.parts.release]
opt|
",
    );
    assert!(has(&l, "optional_value"), "{l:?}");
    let doc = hover_text(
        "[tool.commitizen]
version_pro|vider = \"pep621\"
",
    );
    assert!(doc.contains("Where the version is read"), "{doc}");
    let l = labels(
        "[tool.commitizen]
update_changelog|
",
    );
    assert!(has(&l, "update_changelog_on_bump"), "{l:?}");
    let text = "[tool.commitizen]\nmajor_version_zero = \"yes\"\n[tool.bumpversion]\ncommit = 1\n";
    let want: Vec<(String, String)> = [("PP701", "\"yes\""), ("PP701", "1")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(found(text), want);
}

// --- ruff ---------------------------------------------------------------------------------

#[test]
fn ruff_keys_skip_present_ones_and_carry_docs() {
    let (_, items) = completion_items("[tool.ruff]\nline-length = 100\nli|\n");
    let names: Vec<&str> = items.iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(names.contains(&"lint"), "{names:?}");
    assert!(
        !names.contains(&"line-length"),
        "present keys are not offered again"
    );
    let target = items
        .iter()
        .find(|i| i["label"] == "target-version")
        .expect("target-version offered");
    assert!(
        target["documentation"]["value"]
            .as_str()
            .is_some_and(|d| d.contains("Python version")),
        "{target}"
    );
}

#[test]
fn ruff_dotted_key_completes_in_the_sub_table() {
    let l = labels("[tool.ruff]\nlint.sel|\n");
    assert!(has(&l, "select") && has(&l, "per-file-ignores"), "{l:?}");
}

#[test]
fn ruff_rule_codes_complete_in_a_half_typed_array_string() {
    let (text, items) = completion_items("[tool.ruff.lint]\nselect = [\"E\", \"E5|\n");
    let item = items
        .iter()
        .find(|i| i["label"] == "E501")
        .expect("E501 offered");
    assert!(
        !items.iter().any(|i| i["label"] == "E"),
        "values already in the array are not offered again"
    );
    let edited = apply_edits(&text, &[item["textEdit"].clone()]);
    assert!(edited.contains("select = [\"E\", \"E501\""), "{edited}");
}

#[test]
fn ruff_inline_table_values_complete() {
    let l = labels("[tool.ruff]\nformat = { quote-style = \"|\" }\n");
    assert!(has(&l, "double") && has(&l, "single"), "{l:?}");
}

#[test]
fn ruff_hover_shows_the_description() {
    let h = hover_text("[tool.ruff]\nline-len|gth = 100\n");
    assert!(
        h.contains("tool.ruff.line-length") && h.contains("integer"),
        "{h}"
    );
}

#[test]
fn ruff_diagnostics_are_located_and_graded() {
    let text = "[tool.ruff]\nline-length = \"long\"\nline-lenght = 3\n[tool.ruff.lint]\nselect = [\"E\"]\n[tool.ruff.format]\nquote-style = \"singel\"\n";
    let d = diagnostics(text);
    let find = |code: &str| {
        d.iter()
            .find(|x| x["code"] == code)
            .unwrap_or_else(|| panic!("{code} missing in {d:?}"))
    };
    let wrong = find("PP701");
    assert_eq!(covered(text, wrong), "\"long\"");
    assert_eq!(
        wrong["severity"], 2,
        "a scalar of another scalar type is a warning"
    );
    let unknown = find("PP702");
    assert_eq!(covered(text, unknown), "line-lenght");
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|m| m.contains("line-length"))
    );
    let value = find("PP704");
    assert_eq!(covered(text, value), "\"singel\"");
}

#[test]
fn ruff_deprecated_top_level_select_names_lint_select() {
    let d = diagnostics("[tool.ruff]\nselect = [\"E\"]\n");
    let dep = d.iter().find(|x| x["code"] == "PP703").expect("deprecated");
    assert!(
        dep["message"]
            .as_str()
            .is_some_and(|m| m.contains("lint.select")),
        "{dep}"
    );
    assert_eq!(dep["tags"], json!([2]), "deprecated tag");
}

// --- pytest -------------------------------------------------------------------------------

#[test]
fn pytest_ini_options_keys_and_hover() {
    let l = labels("[tool.pytest.ini_options]\naddopts = \"-ra\"\ntest|\n");
    assert!(has(&l, "testpaths") && has(&l, "asyncio_mode"), "{l:?}");
    let h = hover_text("[tool.pytest.ini_options]\ncache_d|ir = \".cache\"\n");
    assert!(h.contains(".pytest_cache"), "default shown: {h}");
}

#[test]
fn pytest_header_completion_offers_ini_options() {
    let l = labels("[tool.pytest.|]\n");
    assert!(has(&l, "tool.pytest.ini_options"), "{l:?}");
}

#[test]
fn pytest_wrong_structure_is_an_error() {
    let text = "[tool.pytest.ini_options]\ntestpaths = { a = 1 }\n";
    let d = diagnostics(text);
    let e = d.iter().find(|x| x["code"] == "PP701").expect("PP701");
    assert_eq!(e["severity"], 1);
    assert_eq!(covered(text, e), "{ a = 1 }");
}

// --- mypy ---------------------------------------------------------------------------------

#[test]
fn mypy_boolean_values_complete_after_equals() {
    let l = labels("[tool.mypy]\nstrict = |\n");
    assert!(has(&l, "true") && has(&l, "false"), "{l:?}");
}

#[test]
fn mypy_keys_complete_while_typing() {
    let l = labels("[tool.mypy]\nwarn_unu|\n");
    assert!(has(&l, "warn_unused_ignores"), "{l:?}");
}

#[test]
fn mypy_float_version_is_only_a_warning() {
    // mypy itself accepts `python_version = 3.9`; the schema says string.
    let d = diagnostics("[tool.mypy]\npython_version = 3.9\n");
    assert!(d.iter().all(|x| x["severity"] != 1), "{d:?}");
    assert!(d.iter().any(|x| x["code"] == "PP701"), "{d:?}");
}

// --- uv -----------------------------------------------------------------------------------

#[test]
fn uv_array_of_tables_keys_complete() {
    let l = labels("[tool.uv]\n\n[[tool.uv.index]]\nname = \"mine\"\n|\n");
    assert!(
        has(&l, "url") && has(&l, "explicit") && !has(&l, "name"),
        "{l:?}"
    );
}

#[test]
fn uv_enum_value_fix_replaces_the_typo() {
    let text = "[tool.uv]\nprerelease = \"alow\"\n";
    let mut c = client();
    c.open(URI, text);
    let d = c.diagnostics(URI, 1);
    let diag = d
        .iter()
        .find(|x| x["code"] == "PP704")
        .cloned()
        .expect("PP704");
    assert_eq!(covered(text, &diag), "\"alow\"");
    let actions = c.code_actions(URI, diag["range"].clone(), json!([diag]));
    let action = actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains("allow")))
        .expect("fix offered");
    let fixed = apply_edits(text, &action_edits(action, URI));
    assert_eq!(fixed, "[tool.uv]\nprerelease = \"allow\"\n");
    c.shutdown();
}

#[test]
fn uv_string_values_complete_inside_quotes() {
    let l = labels("[tool.uv]\nresolution = \"lo|\n");
    assert!(has(&l, "lowest") && has(&l, "lowest-direct"), "{l:?}");
}

// --- hatch --------------------------------------------------------------------------------

#[test]
fn hatch_env_keys_complete_under_any_env_name() {
    let l = labels("[tool.hatch.envs.docs]\n|\n");
    assert!(has(&l, "dependencies") && has(&l, "scripts"), "{l:?}");
}

#[test]
fn hatch_headers_and_hover() {
    let l = labels("[tool.hatch.|]\n");
    assert!(
        has(&l, "tool.hatch.envs") && has(&l, "tool.hatch.build"),
        "{l:?}"
    );
    let h = hover_text("[tool.hatch.envs.default]\ndepen|dencies = []\n");
    assert!(h.contains("tool.hatch.envs.default.dependencies"), "{h}");
}

#[test]
fn hatch_wrong_type_is_reported_at_the_value() {
    let text = "[tool.hatch.envs.default]\ndependencies = \"pytest\"\n";
    let d = diagnostics(text);
    let e = d.iter().find(|x| x["code"] == "PP701").expect("PP701");
    assert_eq!(covered(text, e), "\"pytest\"");
}

// --- others -------------------------------------------------------------------------------

#[test]
fn tox_deprecated_key_is_renamed_by_its_fix() {
    let text = "[tool.tox]\nenvlist = [\"py3\"]\n";
    let mut c = client();
    c.open(URI, text);
    let d = c.diagnostics(URI, 1);
    let diag = d
        .iter()
        .find(|x| x["code"] == "PP703")
        .cloned()
        .expect("PP703");
    assert_eq!(diag["severity"], 3);
    let actions = c.code_actions(URI, diag["range"].clone(), json!([diag]));
    let action = actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.contains("env_list")))
        .expect("rename offered");
    assert_eq!(
        apply_edits(text, &action_edits(action, URI)),
        "[tool.tox]\nenv_list = [\"py3\"]\n"
    );
    c.shutdown();
}

#[test]
fn tool_names_complete_in_headers() {
    let l = labels("[tool.|]\n");
    for t in [
        "tool.ruff",
        "tool.mypy",
        "tool.uv",
        "tool.hatch",
        "tool.coverage",
    ] {
        assert!(has(&l, t), "{t} missing from {l:?}");
    }
}

#[test]
fn unknown_tool_tables_get_no_diagnostic_and_no_completion() {
    let d = diagnostics("[tool.nonesuch]\nanything = { goes = 1 }\n");
    assert!(d.is_empty(), "{d:?}");
    let l = labels("[tool.nonesuch]\n|\n");
    assert!(l.is_empty(), "{l:?}");
}

#[test]
fn every_prefix_of_a_tool_table_is_handled() {
    // Half-typed text at every byte: completion and hover answer without error.
    let full = "[tool.ruff]\nline-length = 88\nlint.select = [\"E\", \"F\"]\nformat = { quote-style = \"single\" }\n[[tool.uv.index]]\nname = \"x\"\n";
    let mut c = client();
    for (v, end) in (1..full.len()).step_by(7).enumerate() {
        let text = &full[..end];
        let uri = format!("file:///tmp/prefix-{v}/pyproject.toml");
        c.open(&uri, text);
        let line = text.matches('\n').count() as u32;
        let col = text
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .encode_utf16()
            .count() as u32;
        let r = c.completion(&uri, line, col);
        assert!(!r.is_string(), "{r}");
        let _ = c.hover(&uri, line, col.saturating_sub(1));
    }
    c.shutdown();
}

// --- the corpus ---------------------------------------------------------------------------

fn corpus_dir() -> PathBuf {
    let candidates = [
        std::env::var_os("PYPROJECT_CORPUS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pyprojects")),
        Some(PathBuf::from("/work/shared/corpus/pyprojects")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.is_dir())
        .expect("the corpus (../shared/corpus/pyprojects) is present")
}

#[test]
fn corpus_has_no_error_level_tool_diagnostic() {
    use pyproject_lsp::diagnostic::Severity;
    use pyproject_lsp::document::Document;
    use pyproject_lsp::rules::Facts;
    use pyproject_lsp::state::Snapshot;

    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("read corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() > 100, "corpus too small: {}", files.len());
    let mut errors = Vec::new();
    let mut tool_diags = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read");
        let (snapshot, _) = Snapshot::new(None, Arc::new(Document::new(text.clone(), 1)), None);
        for d in pyproject_lsp::features::diagnostics(&snapshot, &Facts::default()) {
            if !d.code.starts_with("PP7") {
                continue;
            }
            tool_diags += 1;
            if d.severity == Severity::Error {
                errors.push(format!(
                    "{}: {} {} at {:?}",
                    path.display(),
                    d.code,
                    d.message,
                    &text[d.range.clone()]
                ));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "error-level PP7xx on the corpus:\n{}",
        errors.join("\n")
    );
    // The walker did run: the corpus has known deprecated keys (mypy show_error_codes).
    assert!(
        tool_diags > 0,
        "no PP7xx at all: the schema layer did not run"
    );
}

#[test]
fn schemas_setting_adds_a_tool_schema() {
    use pyproject_lsp::document::Document;
    use pyproject_lsp::rules::Facts;
    use pyproject_lsp::state::Snapshot;

    let dir = tempdir("tool-schema-setting");
    std::fs::write(
        dir.join("mytool.schema.json"),
        r#"{"type":"object","additionalProperties":false,"properties":{"level":{"enum":["low","high"],"description":"How loud."}}}"#,
    )
    .expect("write schema");
    let text = "[tool.mytool]\nlevel = \"loud\"\nextra = 1\n\n[tool.pyproject-lsp]\nschemas = [{ tool = \"mytool\", path = \"mytool.schema.json\" }]\n";
    let (snapshot, problems) =
        Snapshot::new(None, Arc::new(Document::new(text.to_string(), 1)), None);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        snapshot.settings.schemas.len(),
        1,
        "the setting is read from the file"
    );
    let (overrides, problems) =
        pyproject_lsp::schema::overrides_from_settings(&snapshot.settings, Some(&dir), &|_| {
            Ok(None)
        });
    assert!(problems.is_empty(), "{problems:?}");
    // Other families add their own fields to `Facts`; the update keeps this test valid then.
    #[allow(clippy::needless_update)]
    let facts = Facts {
        tool_schemas: Some(overrides),
        ..Facts::default()
    };
    let diags = pyproject_lsp::features::diagnostics(&snapshot, &facts);
    let tool: Vec<(&str, &str)> = diags
        .iter()
        .filter(|d| d.code.starts_with("PP7"))
        .map(|d| (d.code, &text[d.range.clone()]))
        .collect();
    assert_eq!(tool, [("PP704", "\"loud\""), ("PP702", "extra")]);
    let offset = text.find("level").expect("level") + 2;
    let hover = pyproject_lsp::features::hover::hover(&snapshot, offset, &facts).expect("hover");
    assert!(hover.markdown.contains("How loud."), "{}", hover.markdown);
    // Without the facts (no setting loaded) the table is unknown: nothing.
    let none = pyproject_lsp::features::diagnostics(&snapshot, &Facts::default());
    assert!(none.iter().all(|d| !d.code.starts_with("PP7")), "{none:?}");
}

#[test]
fn inline_table_keys_complete() {
    let l = labels("[tool.ruff]\nformat = { quote-style = \"single\", | }\n");
    assert!(has(&l, "indent-style") && !has(&l, "quote-style"), "{l:?}");
}

#[test]
fn array_of_tables_headers_complete() {
    let l = labels("[[tool.uv.|]]\n");
    assert!(has(&l, "tool.uv.index"), "{l:?}");
    assert!(
        !has(&l, "tool.uv.pip"),
        "a plain table is not offered as [[...]]: {l:?}"
    );
}

#[test]
fn enum_values_with_docs_hover() {
    let h = hover_text("[tool.uv]\nprerelease = \"if-nec|essary\"\n");
    assert!(h.contains("if-necessary") && h.len() > 30, "{h}");
}

#[test]
fn a_half_typed_header_does_not_misplace_later_keys() {
    // `[tool.ruff.lint` is unclosed: until it is, `select` must not be reported as the
    // deprecated top-level `select`.
    let d = diagnostics("[tool.ruff]\nline-length = 100\n[tool.ruff.lint\nselect = [\"E\"]\n");
    assert!(d.is_empty(), "{d:?}");
}
