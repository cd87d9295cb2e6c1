//! Unit tests of the schema walker against the bundled schemas.

use super::*;

fn check(tool: &str, text: &str) -> Vec<Finding> {
    let doc = toml_edit::Document::parse(text.to_string()).expect("test TOML parses");
    let item = doc.as_table().get("tool").and_then(|t| t.get(tool)).expect("tool table");
    validate_tool(&Catalog::bundled(), tool, item)
}

#[test]
fn valid_ruff_config_has_no_findings() {
    let f = check("ruff", "[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = [\"E\", \"F\"]\n");
    assert!(f.is_empty(), "{f:?}");
}
