//! PP0xx: TOML syntax, the top-level tables, and pyproject-lsp's own settings table.

use super::{Context, Rule};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};

pub const TOML_SYNTAX: Rule = Rule {
    code: "PP001",
    name: "toml-syntax",
    severity: Severity::Error,
    summary: "The file is not valid TOML: no tool can read it.",
};
pub const INVALID_SETTING: Rule = Rule {
    code: "PP002",
    name: "invalid-setting",
    severity: Severity::Warning,
    summary: "A setting in `[tool.pyproject-lsp]` is unknown or has the wrong type; it is ignored.",
};
pub const UNKNOWN_TOP_LEVEL_TABLE: Rule = Rule {
    code: "PP003",
    name: "unknown-top-level-table",
    severity: Severity::Error,
    summary: "Only `build-system`, `project`, `dependency-groups` and `tool` may appear at the top level.",
};

pub static RULES: &[&Rule] = &[&TOML_SYNTAX, &INVALID_SETTING, &UNKNOWN_TOP_LEVEL_TABLE];

const TOP_LEVEL: &[&str] = &["build-system", "project", "dependency-groups", "tool"];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for error in &cx.manifest.syntax_errors {
        out.push(TOML_SYNTAX.diag(error.range.clone(), error.message.clone()));
    }
    if let Some(table) = cx
        .manifest
        .get(&["tool", "pyproject-lsp"])
        .and_then(|i| i.as_table_like())
    {
        let mut scratch = Settings::default();
        let fallback = cx
            .manifest
            .key_span(&["tool", "pyproject-lsp"])
            .unwrap_or(0..0);
        for problem in scratch.apply_table(table) {
            out.push(INVALID_SETTING.diag(
                problem.range.unwrap_or_else(|| fallback.clone()),
                problem.message,
            ));
        }
    }
    let Some(root) = cx.manifest.root() else {
        return;
    };
    for (key, _) in root.iter() {
        if TOP_LEVEL.contains(&key) {
            continue;
        }
        let Some(span) = cx.manifest.key_span(&[key]) else {
            continue;
        };
        let suggestion = super::closest(key, TOP_LEVEL.iter().copied(), 1);
        let hint = match suggestion.first() {
            Some(s) => format!(" Did you mean `{s}`?"),
            None => " Put tool settings under `[tool.<name>]`.".to_string(),
        };
        out.push(UNKNOWN_TOP_LEVEL_TABLE.diag(
            span,
            format!("`{key}` is not a top-level table of pyproject.toml.{hint}"),
        ));
    }
}
