//! Unit tests of the schema walker against the bundled schemas.

use super::*;

fn check(tool: &str, text: &str) -> (String, Vec<Finding>) {
    let doc = toml_edit::Document::parse(text.to_string()).expect("test TOML parses");
    let item = doc
        .as_table()
        .get("tool")
        .and_then(|t| t.get(tool))
        .expect("tool table");
    (
        text.to_string(),
        validate_tool(&Catalog::bundled(), tool, item),
    )
}

fn spans(text: &str, findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| text[f.range.clone()].to_string())
        .collect()
}

#[test]
fn valid_configs_have_no_findings() {
    let (_, f) = check(
        "ruff",
        "[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = [\"E\", \"F\"]\n",
    );
    assert!(f.is_empty(), "{f:?}");
    let (_, f) = check(
        "uv",
        "[tool.uv]\nprerelease = \"allow\"\n[[tool.uv.index]]\nname = \"x\"\nurl = \"https://example.org/simple\"\n",
    );
    assert!(f.is_empty(), "{f:?}");
    let (_, f) = check(
        "pytest",
        "[tool.pytest.ini_options]\naddopts = \"-ra\"\ntestpaths = [\"tests\"]\n",
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn wrong_type_points_at_the_value() {
    let (text, f) = check("ruff", "[tool.ruff]\nline-length = \"long\"\n");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].kind, FindingKind::WrongType);
    assert_eq!(spans(&text, &f), ["\"long\""]);
    assert!(f[0].message.contains("integer"), "{}", f[0].message);
    assert!(!f[0].structural);
    let (_, f) = check("mypy", "[tool.mypy]\nfiles = { a = 1 }\n");
    assert!(
        f.iter()
            .any(|f| f.kind == FindingKind::WrongType && f.structural),
        "{f:?}"
    );
}

#[test]
fn unknown_key_points_at_the_key_with_a_suggestion() {
    let (text, f) = check("ruff", "[tool.ruff]\nline-lenght = 100\n");
    assert_eq!(spans(&text, &f), ["line-lenght"]);
    assert_eq!(f[0].kind, FindingKind::UnknownKey);
    assert_eq!(f[0].suggestion.as_deref(), Some("line-length"));
}

#[test]
fn dotted_keys_and_inline_tables_are_walked() {
    let (text, f) = check(
        "ruff",
        "[tool.ruff]\nlint.selekt = [\"E\"]\nformat = { quote-style = \"singel\" }\n",
    );
    let s = spans(&text, &f);
    assert!(s.contains(&"selekt".to_string()), "{s:?}");
    assert!(s.contains(&"\"singel\"".to_string()), "{s:?}");
}

#[test]
fn deprecated_keys_name_their_replacement() {
    let (text, f) = check("tox", "[tool.tox]\nenvlist = [\"py3\"]\n");
    assert_eq!(spans(&text, &f), ["envlist"]);
    assert_eq!(
        f[0].kind,
        FindingKind::Deprecated {
            replacement: Some("env_list".into())
        }
    );
    let (_, f) = check("ruff", "[tool.ruff]\nselect = [\"E\"]\n");
    assert_eq!(
        f[0].kind,
        FindingKind::Deprecated {
            replacement: Some("lint.select".into())
        }
    );
}

#[test]
fn enum_violation_lists_allowed_values() {
    let (text, f) = check("uv", "[tool.uv]\nprerelease = \"alow\"\n");
    assert_eq!(spans(&text, &f), ["\"alow\""]);
    assert_eq!(f[0].kind, FindingKind::NotAllowed);
    assert!(f[0].message.contains("\"allow\""), "{}", f[0].message);
    assert_eq!(f[0].suggestion.as_deref(), Some("allow"));
}

#[test]
fn unknown_tool_tables_are_fine() {
    let doc =
        toml_edit::Document::parse("[tool.nonesuch]\nwhatever = 1\n".to_string()).expect("parses");
    assert!(validate_document(&Catalog::bundled(), doc.as_table()).is_empty());
    assert!(key_candidates(&Catalog::bundled(), "nonesuch", &[]).is_empty());
}

#[test]
fn key_candidates_follow_paths_and_carry_docs() {
    let cat = Catalog::bundled();
    let keys = key_candidates(&cat, "ruff", &["lint"]);
    let select = keys
        .iter()
        .find(|k| k.name == "select")
        .expect("lint.select offered");
    assert!(
        select
            .documentation
            .as_deref()
            .is_some_and(|d| d.contains("rule codes"))
    );
    assert!(!select.deprecated);
    let top = key_candidates(&cat, "ruff", &[]);
    assert!(top.iter().any(|k| k.name == "lint" && k.is_table));
    assert!(
        top.iter()
            .find(|k| k.name == "select")
            .is_some_and(|k| k.deprecated)
    );
    // Array of tables: keys of one `[[tool.uv.index]]` entry.
    let index = key_candidates(&cat, "uv", &["index"]);
    assert!(index.iter().any(|k| k.name == "url"), "{index:?}");
    // patternProperties / additionalProperties: any environment name under hatch envs.
    let env = key_candidates(&cat, "hatch", &["envs", "lint"]);
    assert!(env.iter().any(|k| k.name == "dependencies"), "{env:?}");
    let ini = key_candidates(&cat, "pytest", &["ini_options"]);
    assert!(ini.iter().any(|k| k.name == "testpaths"));
    assert!(
        ini.iter().any(|k| k.name == "asyncio_mode"),
        "allOf branches are merged"
    );
}

#[test]
fn value_candidates_come_from_enums_and_booleans() {
    let cat = Catalog::bundled();
    let values = value_candidates(&cat, "uv", &["prerelease"]);
    assert!(
        values
            .iter()
            .any(|v| v.text.as_deref() == Some("if-necessary-or-explicit")),
        "{values:?}"
    );
    let select = value_candidates(&cat, "ruff", &["lint", "select"]);
    assert!(select.iter().any(|v| v.text.as_deref() == Some("E501")));
    let strict = value_candidates(&cat, "mypy", &["strict"]);
    assert!(strict.iter().any(|v| v.toml == "true") && strict.iter().any(|v| v.toml == "false"));
}

#[test]
fn hover_has_description_and_default() {
    let cat = Catalog::bundled();
    let md = hover(&cat, "ruff", &["line-length"]).expect("hover");
    assert!(
        md.contains("tool.ruff.line-length") && md.contains("line length"),
        "{md}"
    );
    let md = hover(&cat, "pytest", &["ini_options", "cache_dir"]).expect("hover");
    assert!(md.contains("Default: `\".pytest_cache\"`"), "{md}");
    assert!(hover(&cat, "ruff", &["no-such-key"]).is_none());
}

#[test]
fn overrides_replace_or_add_schemas() {
    let mut o = Overrides::default();
    o.add_json("mytool", r#"{"type":"object","additionalProperties":false,"properties":{"level":{"enum":["a","b"],"description":"How much."}}}"#)
        .expect("valid schema");
    assert!(o.add_json("broken", "{").is_err());
    let cat = Catalog::new(&o);
    let doc = toml_edit::Document::parse("[tool.mytool]\nlevel = \"c\"\nother = 1\n".to_string())
        .expect("parses");
    let f = validate_document(&cat, doc.as_table());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].findings.len(), 2, "{:?}", f[0].findings);
    assert!(hover(&cat, "mytool", &["level"]).is_some_and(|h| h.contains("How much.")));
    // Bundled tools still there.
    assert!(has_schema(&cat, "ruff"));
}

#[test]
fn overrides_load_from_files_relative_to_the_project() {
    let dir = std::env::temp_dir().join(format!("pyproject-lsp-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("mine.json"),
        r#"{"type":"object","properties":{"x":{"type":"integer"}}}"#,
    )
    .expect("write");
    std::fs::write(dir.join("bad.json"), "not json").expect("write");
    let sources = [
        SchemaSource {
            tool: "mine",
            path: Some("mine.json"),
            url: None,
        },
        SchemaSource {
            tool: "bad",
            path: Some("bad.json"),
            url: None,
        },
        SchemaSource {
            tool: "missing",
            path: Some("nope.json"),
            url: None,
        },
        SchemaSource {
            tool: "remote",
            path: None,
            url: Some("https://example.invalid/s.json"),
        },
    ];
    let fetched = |url: &str| -> Result<Option<std::sync::Arc<str>>, String> {
        Err(format!("{url}: answered HTTP 500"))
    };
    let (o, problems) = load_overrides(&sources, Some(&dir), &fetched);
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[2].contains("HTTP 500"), "{problems:?}");
    let cat = Catalog::new(&o);
    assert!(has_schema(&cat, "mine") && !has_schema(&cat, "bad"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn capitalised_enums_accept_any_case_and_pytest_forms_are_told_apart() {
    // pytest upper-cases log levels itself; the `not` in the native form sends an
    // `ini_options` table to the INI-style branch, whose rules then apply.
    let (_, f) = check(
        "pytest",
        "[tool.pytest.ini_options]\nlog_cli_level = \"info\"\n",
    );
    assert!(f.is_empty(), "{f:?}");
    let (text, f) = check(
        "pytest",
        "[tool.pytest.ini_options]\nlog_cli_level = \"loud\"\n",
    );
    assert_eq!(spans(&text, &f), ["\"loud\""]);
}
