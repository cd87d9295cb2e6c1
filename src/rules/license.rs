//! PP15x, licensing (PEP 639): the deprecated `license` table, SPDX expressions, and the
//! combination of a `license` table with `license-files`.

use toml_edit::Item;

use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity};
use crate::manifest::edit;

pub const LICENSE_TABLE: Rule = Rule {
    code: "PP150",
    name: "license-table-deprecated",
    severity: Severity::Warning,
    summary: "`license = { text = ... }` / `{ file = ... }` is deprecated by PEP 639: use an SPDX expression and `license-files`.",
};
pub const INVALID_LICENSE: Rule = Rule {
    code: "PP151",
    name: "invalid-license-expression",
    severity: Severity::Error,
    summary: "`license` is not a valid SPDX license expression (`MIT License`, `Apache 2.0`).",
};
pub const LICENSE_TABLE_WITH_FILES: Rule = Rule {
    code: "PP152",
    name: "license-table-with-license-files",
    severity: Severity::Error,
    summary: "`license-files` is set while `license` is a table; PEP 639 requires build tools to refuse this.",
};
pub const LICENSE_CASE: Rule = Rule {
    code: "PP153",
    name: "license-expression-case",
    severity: Severity::Information,
    summary: "The SPDX expression is valid but not in its canonical form (`mit` for `MIT`).",
};

pub static RULES: &[&Rule] = &[
    &LICENSE_TABLE,
    &INVALID_LICENSE,
    &LICENSE_TABLE_WITH_FILES,
    &LICENSE_CASE,
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(item) = cx.manifest.get(&["project", "license"]) else {
        return;
    };
    let span = item.span().unwrap_or(0..0);
    if let Some(expr) = item.as_str() {
        check_expression(expr, span, out);
        return;
    }
    let Some(table) = item.as_table_like() else {
        return;
    };
    let key_span = cx
        .manifest
        .key_span(&["project", "license"])
        .unwrap_or(span.clone());
    if cx.manifest.get(&["project", "license-files"]).is_some() {
        out.push(LICENSE_TABLE_WITH_FILES.diag(
            key_span.clone(),
            "`license` must be an SPDX expression string when `license-files` is set (PEP 639).",
        ));
    }
    let mut fixes = Vec::new();
    if let Some(text) = table.get("text").and_then(Item::as_str)
        && let Some(spdx) = recognise(text)
    {
        // PEP 639: converting legacy metadata needs the user's explicit action: a code action is that.
        fixes.push(Fix::suggested(
            format!("Replace with license = \"{spdx}\""),
            vec![Edit::replace(span.clone(), edit::quote(&spdx))],
        ));
    }
    if let Some(file) = table.get("file").and_then(Item::as_str)
        && cx.manifest.get(&["project", "license-files"]).is_none()
    {
        let mut edits = vec![Edit::replace(
            key_span.clone().start..span.end,
            format!("license-files = [{}]", edit::quote(file)),
        )];
        if let Some(spdx) = license_from_file(cx, file) {
            edits = vec![Edit::replace(
                key_span.start..span.end,
                format!(
                    "license = {}\nlicense-files = [{}]",
                    edit::quote(&spdx),
                    edit::quote(file)
                ),
            )];
        }
        fixes.push(Fix::suggested(
            format!("Use license-files = [\"{file}\"]"),
            edits,
        ));
    }
    out.push(
        LICENSE_TABLE
            .diag(key_span, "The table form of `license` is deprecated (PEP 639): write an SPDX expression such as `license = \"MIT\"`, and list licence files in `license-files`.")
            .with_fixes(fixes),
    );
}

/// Reads nothing from disk: a `license.file` value whose name says the licence (`LICENSE-MIT`).
fn license_from_file(_cx: &Context, file: &str) -> Option<String> {
    let name = file.rsplit('/').next()?;
    let tail = name.split_once(['-', '.']).map(|(_, t)| t)?;
    spdx::license_id(tail).map(|id| id.name.to_string())
}

/// An SPDX id for a free-text licence name (`MIT License`, `Apache 2.0`, `BSD`), when unambiguous.
pub fn recognise(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.len() > 100 || text.contains('\n') {
        return None;
    }
    if let Ok(expr) = spdx::Expression::parse(text) {
        return Some(expr.as_ref().to_string());
    }
    if let Ok(Some(canonical)) = spdx::Expression::canonicalize(text)
        && spdx::Expression::parse(&canonical).is_ok()
    {
        return Some(canonical);
    }
    let (id, _) = spdx::imprecise_license_id(text)?;
    Some(id.name.to_string())
}

fn check_expression(expr: &str, span: std::ops::Range<usize>, out: &mut Vec<Diagnostic>) {
    if spdx::Expression::parse(expr).is_ok() {
        return;
    }
    let lax = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    if spdx::Expression::parse_mode(expr, lax).is_ok() {
        // Valid but uses a deprecated identifier (e.g. `GPL-3.0`): PyPI accepts it; say what replaces it.
        let better = spdx::Expression::canonicalize(expr).ok().flatten();
        let fixes = better
            .iter()
            .filter(|b| spdx::Expression::parse(b).is_ok())
            .map(|b| {
                Fix::suggested(
                    format!("Change to \"{b}\""),
                    vec![Edit::replace(span.clone(), edit::quote(b))],
                )
            });
        out.push(
            LICENSE_CASE
                .diag(
                    span.clone(),
                    format!("`{expr}` uses a deprecated SPDX identifier."),
                )
                .with_severity(Severity::Warning)
                .with_fixes(fixes),
        );
        return;
    }
    match spdx::Expression::canonicalize(expr) {
        Ok(Some(canonical)) if spdx::Expression::parse(&canonical).is_ok() => {
            let fix = Fix::safe(
                format!("Change to \"{canonical}\""),
                vec![Edit::replace(span.clone(), edit::quote(&canonical))],
            );
            if canonical.eq_ignore_ascii_case(expr) {
                out.push(
                    LICENSE_CASE
                        .diag(
                            span,
                            format!("`{expr}` is valid, but its canonical form is `{canonical}`."),
                        )
                        .with_fix(fix),
                );
            } else {
                out.push(INVALID_LICENSE.diag(span, format!("`{expr}` is not a valid SPDX license expression. Did you mean `{canonical}`?")).with_fix(fix));
            }
        }
        _ => {
            let fixes = recognise(expr).map(|r| {
                Fix::suggested(
                    format!("Change to \"{r}\""),
                    vec![Edit::replace(span.clone(), edit::quote(&r))],
                )
            });
            out.push(
                INVALID_LICENSE
                    .diag(span, format!("`{expr}` is not a valid SPDX license expression (see https://spdx.org/licenses/; use `LicenseRef-...` for custom licences)."))
                    .with_fixes(fixes),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_names() {
        assert_eq!(recognise("MIT").as_deref(), Some("MIT"));
        assert_eq!(recognise("MIT License").as_deref(), Some("MIT"));
        assert_eq!(recognise("Apache 2.0").as_deref(), Some("Apache-2.0"));
    }

    #[test]
    fn expressions() {
        let mut out = Vec::new();
        check_expression("MIT OR Apache-2.0", 0..1, &mut out);
        assert!(out.is_empty());
        check_expression("mit", 0..1, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].code, "PP153");
        out.clear();
        check_expression("Use-it-after-midnight", 0..1, &mut out);
        assert_eq!(out[0].code, "PP151");
    }
}
