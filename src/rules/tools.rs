//! PP7xx: `[tool.*]` tables checked against their tools' JSON Schemas (bundled SchemaStore
//! schemas, ours for a few tools SchemaStore lacks, and any from the `schemas` setting).
//!
//! Severities are chosen against false alarms: a bundled schema can lag behind its tool, so
//! only a table/array where a scalar belongs (or the reverse) is an error; unknown keys and
//! values outside an enum are warnings, a scalar of the wrong scalar type (which tools often
//! coerce) is a warning, and deprecated keys are information with the deprecated tag.
//! A `[tool.X]` table with no schema gets no diagnostic.

use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity, Tag};
use crate::schema::{self, Catalog, Finding, FindingKind};

pub const TOOL_WRONG_TYPE: Rule = Rule {
    code: "PP701",
    name: "tool-wrong-type",
    severity: Severity::Error,
    summary: "A `[tool.*]` value has a type its tool's schema does not accept.",
};

pub const TOOL_UNKNOWN_KEY: Rule = Rule {
    code: "PP702",
    name: "tool-unknown-key",
    severity: Severity::Warning,
    summary: "A key the tool's schema does not know, in a table where the schema forbids unknown keys.",
};

pub const TOOL_DEPRECATED_KEY: Rule = Rule {
    code: "PP703",
    name: "tool-deprecated-key",
    severity: Severity::Information,
    summary: "A `[tool.*]` key the tool's schema marks deprecated (with its replacement when named).",
};

pub const TOOL_VALUE_NOT_ALLOWED: Rule = Rule {
    code: "PP704",
    name: "tool-value-not-allowed",
    severity: Severity::Warning,
    summary: "A `[tool.*]` value outside the set of values the tool's schema allows.",
};

pub const RULES: &[&Rule] = &[
    &TOOL_WRONG_TYPE,
    &TOOL_UNKNOWN_KEY,
    &TOOL_DEPRECATED_KEY,
    &TOOL_VALUE_NOT_ALLOWED,
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(root) = cx.manifest.root() else {
        return;
    };
    let overrides = cx.facts.tool_schemas.clone().unwrap_or_default();
    let cat = Catalog::new(&overrides);
    // In a file with a syntax error the typed view was parsed with the broken lines blanked
    // out, so what follows may sit in the wrong table until the user finishes typing: report
    // only what comes before the first error.
    let cutoff = if cx.manifest.repaired {
        cx.manifest
            .syntax_errors
            .iter()
            .map(|e| e.range.start)
            .min()
    } else {
        None
    };
    for tf in schema::validate_document(&cat, root) {
        out.extend(
            tf.findings
                .into_iter()
                .filter(|f| cutoff.is_none_or(|c| f.range.start < c))
                .filter_map(|f| diagnostic(cx, &tf.tool, f)),
        );
    }
}

fn diagnostic(cx: &Context, tool: &str, f: Finding) -> Option<Diagnostic> {
    let at = if f.path.is_empty() {
        format!("tool.{tool}")
    } else {
        format!("tool.{tool}.{}", f.path)
    };
    let d = match &f.kind {
        FindingKind::WrongType => {
            let d = TOOL_WRONG_TYPE.diag(
                f.range.clone(),
                format!("{} (in `{at}`, per the {tool} schema)", f.message),
            );
            if f.structural {
                d
            } else {
                d.with_severity(Severity::Warning)
            }
        }
        FindingKind::UnknownKey => {
            let d = TOOL_UNKNOWN_KEY.diag(
                f.range.clone(),
                format!(
                    "{} (per the {tool} schema, which may predate newer options)",
                    f.message
                ),
            );
            match &f.suggestion {
                Some(s) => d.with_fix(Fix::suggested(
                    format!("Rename to `{s}`"),
                    vec![Edit::replace(f.range.clone(), schema_key(s))],
                )),
                None => d,
            }
        }
        FindingKind::Deprecated { replacement } => {
            let d = TOOL_DEPRECATED_KEY
                .diag(f.range.clone(), format!("{} (in `tool.{tool}`)", f.message))
                .with_tag(Tag::Deprecated);
            // A plain key is renamed in place; a dotted replacement (`lint.select`) could clash
            // with an existing `[tool.ruff.lint]` table, so it is only named in the message.
            match replacement {
                Some(r) if !r.contains('.') && cx.slice(&f.range) != r => {
                    d.with_fix(Fix::suggested(
                        format!("Rename to `{r}`"),
                        vec![Edit::replace(f.range.clone(), schema_key(r))],
                    ))
                }
                _ => d,
            }
        }
        FindingKind::NotAllowed => {
            let d = TOOL_VALUE_NOT_ALLOWED.diag(
                f.range.clone(),
                format!(
                    "{} (in `{at}`, per the {tool} schema, which may predate newer values)",
                    f.message
                ),
            );
            match &f.suggestion {
                Some(s) if cx.slice(&f.range).starts_with(['"', '\'']) => {
                    d.with_fix(Fix::suggested(
                        format!("Change to \"{s}\""),
                        vec![Edit::replace(
                            f.range.clone(),
                            crate::manifest::edit::quote(s),
                        )],
                    ))
                }
                _ => d,
            }
        }
        // Missing `required` keys only steer the walker; they are never reported.
        FindingKind::Missing => return None,
    };
    Some(d)
}

/// A key as written in TOML: bare when it can be, quoted otherwise.
fn schema_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        crate::manifest::edit::quote(k)
    }
}
