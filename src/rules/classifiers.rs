//! PP2xx, trove classifiers: unknown, deprecated and duplicate ones, `License ::` classifiers
//! against PEP 639's `license`, Python version classifiers against `requires-python`, and the
//! `Private ::` upload guard.

use std::collections::HashSet;
use std::ops::Range;

use pep440_rs::{Version, VersionSpecifiers};
use toml_edit::{Item, Value};

use super::{Context, DiagnosticExt, Rule};
use crate::diagnostic::{Diagnostic, Edit, Fix, Severity, Tag};
use crate::manifest::{edit, string_content_span};
use crate::spec::classifiers::{self as spec, PythonVersion};
use crate::spec::licenses::{self, SpdxMapping};
use crate::spec::python;

pub const UNKNOWN: Rule = Rule {
    code: "PP201",
    name: "unknown-classifier",
    severity: Severity::Error,
    summary: "A classifier that is not in trove-classifiers (`Licence :: OSI Approved :: MIT License`): PyPI rejects the upload, hatchling and uv_build refuse to build.",
};
pub const DEPRECATED: Rule = Rule {
    code: "PP202",
    name: "deprecated-classifier",
    severity: Severity::Warning,
    summary: "A deprecated classifier (`Natural Language :: Ukranian`); the fix uses its replacement, or removes it when there is none.",
};
pub const DUPLICATE: Rule = Rule {
    code: "PP203",
    name: "duplicate-classifier",
    severity: Severity::Warning,
    summary: "The same classifier listed twice.",
};
pub const LICENSE_WITH_EXPRESSION: Rule = Rule {
    code: "PP204",
    name: "license-classifier-with-expression",
    severity: Severity::Warning,
    summary: "`License ::` classifiers next to a PEP 639 `license` expression: ambiguous and deprecated; an error with setuptools (77 and later refuse to build), and package indexes may reject it.",
};
pub const LICENSE_WITHOUT_EXPRESSION: Rule = Rule {
    code: "PP205",
    name: "license-classifier-without-expression",
    severity: Severity::Information,
    summary: "`License ::` classifiers are deprecated by PEP 639: declare an SPDX `license` expression instead.",
};
pub const PYTHON_CONTRADICTS: Rule = Rule {
    code: "PP206",
    name: "python-classifier-contradicts-requires-python",
    severity: Severity::Warning,
    summary: "A `Programming Language :: Python :: 3.X` classifier for a version that `requires-python` excludes.",
};
pub const PYTHON_MISSING: Rule = Rule {
    code: "PP207",
    name: "python-classifier-missing",
    severity: Severity::Information,
    summary: "A Python version that `requires-python` allows (up to the newest release) has no classifier while others are listed.",
};
pub const PRIVATE: Rule = Rule {
    code: "PP208",
    name: "private-classifier",
    severity: Severity::Information,
    summary: "A `Private ::` classifier (`Private :: Do Not Upload`): PyPI refuses to upload the release.",
};

pub static RULES: &[&Rule] = &[
    &UNKNOWN,
    &DEPRECATED,
    &DUPLICATE,
    &LICENSE_WITH_EXPRESSION,
    &LICENSE_WITHOUT_EXPRESSION,
    &PYTHON_CONTRADICTS,
    &PYTHON_MISSING,
    &PRIVATE,
];

/// One classifier string of the array.
struct Entry {
    value: String,
    /// The whole string, quotes included.
    span: Range<usize>,
    /// Its index among all the array's items (for removal).
    index: usize,
}

/// The `classifiers` array: its span, every item's span, and the string items.
pub(crate) struct Classifiers {
    pub array: Range<usize>,
    pub spans: Vec<Range<usize>>,
    items: Vec<Entry>,
}

/// Reads `project.classifiers` when it is an array with spans.
pub(crate) fn read(manifest: &crate::manifest::Manifest) -> Option<Classifiers> {
    let item = manifest.get(&["project", "classifiers"])?;
    let array = item.as_array()?;
    let span = item.span()?;
    let mut spans = Vec::new();
    let mut items = Vec::new();
    for v in array.iter() {
        let s = v.span()?;
        if let Value::String(str_value) = v {
            items.push(Entry {
                value: str_value.value().clone(),
                span: s.clone(),
                index: spans.len(),
            });
        }
        spans.push(s);
    }
    Some(Classifiers {
        array: span,
        spans,
        items,
    })
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(cl) = read(cx.manifest) else { return };
    check_each(cx, &cl, out);
    check_license(cx, &cl, out);
    check_python(cx, &cl, out);
}

fn replace_content(cx: &Context, span: &Range<usize>, new: &str) -> Edit {
    Edit::replace(string_content_span(cx.text, span), new)
}

fn check_each(cx: &Context, cl: &Classifiers, out: &mut Vec<Diagnostic>) {
    let present: HashSet<&str> = cl.items.iter().map(|i| i.value.as_str()).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    for item in &cl.items {
        let c = item.value.as_str();
        if !seen.insert(c) {
            let removal = remove_items(cx.text, &cl.spans, &[item.index]);
            out.push(
                DUPLICATE
                    .diag(item.span.clone(), format!("`{c}` is listed twice."))
                    .with_fix(Fix::safe("Remove the duplicate classifier", removal))
                    .with_tag(Tag::Unnecessary),
            );
            continue;
        }
        if spec::is_private(c) {
            out.push(PRIVATE.diag(
                item.span.clone(),
                format!("`{c}`: PyPI refuses to upload a release with a `Private ::` classifier. Keep it only to prevent accidental uploads."),
            ));
            continue;
        }
        if spec::is_known(c) {
            continue;
        }
        if let Some(replacements) = spec::deprecated_replacement(c) {
            let removal = remove_items(cx.text, &cl.spans, &[item.index]);
            let (message, fix) = match replacements.first() {
                Some(new) if !present.contains(new) => (
                    format!("`{c}` is deprecated: use `{new}`."),
                    Fix::safe(
                        format!("Replace with `{new}`"),
                        vec![replace_content(cx, &item.span, new)],
                    ),
                ),
                Some(new) => (
                    format!("`{c}` is deprecated, and its replacement `{new}` is already listed."),
                    Fix::safe("Remove the deprecated classifier", removal),
                ),
                None => (
                    format!("`{c}` is deprecated and has no replacement: remove it."),
                    Fix::safe("Remove the deprecated classifier", removal),
                ),
            };
            out.push(
                DEPRECATED
                    .diag(item.span.clone(), message)
                    .with_fix(fix)
                    .with_tag(Tag::Deprecated),
            );
            continue;
        }
        let guesses = spec::did_you_mean(c);
        let mut message = format!(
            "`{c}` is not a trove classifier: PyPI rejects the upload and hatchling and uv_build refuse to build."
        );
        if let Some(first) = guesses.first() {
            message.push_str(&format!(" Did you mean `{first}`?"));
        }
        // A guess that differs only in case or spacing is certainly what was meant.
        let fixes = guesses.iter().map(|g| {
            let edits = vec![replace_content(cx, &item.span, g)];
            let title = format!("Replace with `{g}`");
            if guesses.len() == 1 && same_but_case_and_spacing(c, g) {
                Fix::safe(title, edits)
            } else {
                Fix::suggested(title, edits)
            }
        });
        out.push(
            UNKNOWN
                .diag(item.span.clone(), message)
                .with_fixes(fixes.collect::<Vec<_>>()),
        );
    }
}

fn same_but_case_and_spacing(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split("::")
            .map(|p| {
                p.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
            .collect::<Vec<_>>()
    };
    norm(a) == norm(b)
}

fn check_license(cx: &Context, cl: &Classifiers, out: &mut Vec<Diagnostic>) {
    let licence_items: Vec<&Entry> = cl
        .items
        .iter()
        .filter(|i| licenses::is_license_classifier(&i.value))
        .collect();
    let Some(first) = licence_items.first() else {
        return;
    };
    let licence = cx.manifest.get(&["project", "license"]);
    let remove_all = remove_items(
        cx.text,
        &cl.spans,
        &licence_items.iter().map(|i| i.index).collect::<Vec<_>>(),
    );
    match licence {
        Some(Item::Value(Value::String(expr))) => {
            let expr = expr.value();
            // Setuptools (also the default without `[build-system]`) refuses to build this;
            // hatchling, flit, maturin and others accept it.
            let backend = cx
                .manifest
                .get(&["build-system", "build-backend"])
                .and_then(Item::as_str);
            let setuptools = backend.is_none_or(|b| b.starts_with("setuptools"));
            let (severity, consequence) = if setuptools {
                (Severity::Error, "setuptools refuses to build this")
            } else {
                (
                    Severity::Warning,
                    "PEP 639 deprecates them, setuptools would refuse to build this",
                )
            };
            for item in &licence_items {
                let mut fixes = vec![Fix::safe(
                    "Remove this License classifier",
                    remove_items(cx.text, &cl.spans, &[item.index]),
                )];
                if licence_items.len() > 1 {
                    fixes.push(Fix::suggested(
                        "Remove all License classifiers",
                        remove_all.clone(),
                    ));
                }
                out.push(
                    LICENSE_WITH_EXPRESSION
                        .diag(
                            item.span.clone(),
                            format!(
                                "`{}` next to `license = \"{expr}\"`: the expression replaces License classifiers; {consequence}, and package indexes may reject it.",
                                item.value
                            ),
                        )
                        .with_severity(severity)
                        .with_fixes(fixes),
                );
            }
        }
        None => {
            if is_dynamic(cx, "license") {
                return;
            }
            let mapping =
                licenses::classifiers_spdx(licence_items.iter().map(|i| i.value.as_str()));
            let candidates: Vec<&str> = match mapping {
                SpdxMapping::Exact(id) => vec![id],
                SpdxMapping::Ambiguous(ids) => ids.to_vec(),
                SpdxMapping::None => Vec::new(),
            };
            let mut message = String::from(
                "License classifiers are deprecated (PEP 639): declare the licence as an SPDX expression in `license`",
            );
            match mapping {
                SpdxMapping::Exact(id) => {
                    message.push_str(&format!(", here `license = \"{id}\"`."))
                }
                SpdxMapping::Ambiguous(_) => message.push_str(&format!(
                    ": the classifier does not say which version or variant ({}?).",
                    candidates.join(", ")
                )),
                SpdxMapping::None => message.push('.'),
            }
            // PEP 639: converting needs the user's explicit choice, so none of these is safe.
            let fixes = candidates.iter().map(|id| {
                let mut edits = vec![edit::add_key(
                    cx.manifest,
                    cx.text,
                    &["project"],
                    "license",
                    &edit::quote(id),
                )];
                edits.extend(remove_all.iter().cloned());
                Fix::suggested(
                    format!("Use `license = \"{id}\"` instead of the License classifiers"),
                    edits,
                )
            });
            out.push(
                LICENSE_WITHOUT_EXPRESSION
                    .diag(first.span.clone(), message)
                    .with_fixes(fixes.collect::<Vec<_>>()),
            );
        }
        // A legacy `license` table: its own rule (PP150) asks for the conversion.
        Some(_) => {}
    }
}

fn is_dynamic(cx: &Context, key: &str) -> bool {
    cx.manifest
        .get(&["project", "dynamic"])
        .and_then(Item::as_array)
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(key)))
}

/// Whether the specifiers allow some release of Python `major.minor` (a major-only classifier:
/// some release of that major).
fn allows(specs: &VersionSpecifiers, v: PythonVersion) -> bool {
    const PATCHES: [u64; 10] = [0, 1, 2, 3, 5, 8, 10, 15, 20, 99];
    match v.minor {
        Some(minor) if v.major == 3 => python::allows_minor(specs, minor),
        Some(minor) => PATCHES
            .iter()
            .any(|p| specs.contains(&Version::new([v.major, minor, *p]))),
        None => (0..=30u64).any(|minor| {
            PATCHES
                .iter()
                .any(|p| specs.contains(&Version::new([v.major, minor, *p])))
        }),
    }
}

fn check_python(cx: &Context, cl: &Classifiers, out: &mut Vec<Diagnostic>) {
    let versions: Vec<(&Entry, PythonVersion)> = cl
        .items
        .iter()
        .filter_map(|i| spec::python_version(&i.value).map(|v| (i, v)))
        .collect();
    if versions.is_empty() {
        return;
    }
    let raw = cx
        .manifest
        .get(&["project", "requires-python"])
        .and_then(Item::as_str);
    let specs = raw.and_then(python::parse_specifiers);
    if let (Some(raw), Some(specs)) = (raw, &specs) {
        let contradicting: Vec<&(&Entry, PythonVersion)> = versions
            .iter()
            .filter(|(_, v)| !allows(specs, *v))
            .collect();
        let all_indices: Vec<usize> = contradicting.iter().map(|(i, _)| i.index).collect();
        for (item, _) in &contradicting {
            let mut fixes = vec![Fix::suggested(
                "Remove this classifier",
                remove_items(cx.text, &cl.spans, &[item.index]),
            )];
            if contradicting.len() > 1 {
                fixes.push(Fix::suggested(
                    "Remove every Python classifier that `requires-python` excludes",
                    remove_items(cx.text, &cl.spans, &all_indices),
                ));
            }
            out.push(
                PYTHON_CONTRADICTS
                    .diag(item.span.clone(), format!("`requires-python = \"{raw}\"` excludes the Python version `{}` claims.", item.value))
                    .with_fixes(fixes),
            );
        }
    }
    // Missing minor versions: only when the project lists 3.X classifiers at all.
    let listed: Vec<u64> = versions
        .iter()
        .filter(|(_, v)| v.major == 3)
        .filter_map(|(_, v)| v.minor)
        .collect();
    let Some(&lowest_listed) = listed.iter().min() else {
        return;
    };
    let lowest = match &specs {
        Some(specs) => python::lowest_minor(specs).unwrap_or(lowest_listed),
        None => lowest_listed,
    };
    let missing: Vec<u64> = (lowest..=python::LATEST_MINOR)
        .filter(|m| !listed.contains(m))
        .filter(|m| specs.as_ref().is_none_or(|s| python::allows_minor(s, *m)))
        .filter(|m| spec::is_known(&spec::python_classifier(3, *m)))
        .collect();
    if missing.is_empty() {
        return;
    }
    let Some((anchor, _)) = versions
        .iter()
        .filter(|(_, v)| v.major == 3 && v.minor.is_some())
        .max_by_key(|(_, v)| v.minor)
    else {
        return;
    };
    let names: Vec<String> = missing.iter().map(|m| format!("3.{m}")).collect();
    let why = if specs.is_some() {
        "`requires-python` allows"
    } else {
        "the project supports"
    };
    let message = format!(
        "{why} Python {} but no classifier lists {}; other Python versions are listed.",
        names.join(", "),
        if missing.len() == 1 { "it" } else { "them" }
    );
    let edits = insert_python_classifiers(cx.text, cl, &versions, &missing);
    let title = format!("Add classifiers for Python {}", names.join(", "));
    out.push(
        PYTHON_MISSING
            .diag(anchor.span.clone(), message)
            .with_fix(Fix::suggested(title, edits)),
    );
}

/// Edits inserting `Programming Language :: Python :: 3.M` for each missing minor version, each
/// after the listed Python 3 classifier just below it (or before the lowest), in the array's
/// layout.
fn insert_python_classifiers(
    text: &str,
    cl: &Classifiers,
    versions: &[(&Entry, PythonVersion)],
    missing: &[u64],
) -> Vec<Edit> {
    let minors: Vec<(u64, &Entry)> = versions
        .iter()
        .filter(|(_, v)| v.major == 3)
        .filter_map(|(i, v)| v.minor.map(|m| (m, *i)))
        .collect();
    // Group the missing versions by the item they go after (None: before the lowest listed).
    let mut groups: Vec<(usize, bool, Vec<String>)> = Vec::new();
    for &m in missing {
        let below = minors
            .iter()
            .filter(|(lm, _)| *lm < m)
            .max_by_key(|(lm, _)| *lm);
        let (index, after) = match below {
            Some((_, item)) => (item.index, true),
            None => match minors.iter().min_by_key(|(lm, _)| *lm) {
                Some((_, item)) => (item.index, false),
                None => continue,
            },
        };
        let value = edit::quote(&spec::python_classifier(3, m));
        match groups
            .iter_mut()
            .find(|(i, a, _)| *i == index && *a == after)
        {
            Some(g) => g.2.push(value),
            None => groups.push((index, after, vec![value])),
        }
    }
    groups
        .into_iter()
        .filter_map(|(index, after, values)| {
            insert_items(text, &cl.array, &cl.spans, index, after, &values)
        })
        .collect()
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

/// Whether the item is the only thing on its line, apart from its comma and a comment.
fn alone_on_line(text: &str, span: &Range<usize>) -> bool {
    let before = &text[line_start(text, span.start)..span.start];
    let after = text[span.end..line_end(text, span.end)].trim_start();
    let after = after.strip_prefix(',').unwrap_or(after).trim_start();
    before.trim().is_empty() && (after.is_empty() || after.starts_with('#'))
}

/// Inserts TOML `values` after (or before) item `index`, following the layout: one per line with
/// the item's indentation in a multi-line array, `, `-separated in an inline one.
pub(crate) fn insert_items(
    text: &str,
    array: &Range<usize>,
    spans: &[Range<usize>],
    index: usize,
    after: bool,
    values: &[String],
) -> Option<Edit> {
    let item = spans.get(index)?;
    let has_comma_after = text[item.end..].trim_start().starts_with(',');
    if alone_on_line(text, item) {
        let indent = edit::indentation(text, item.start);
        if after {
            if !has_comma_after {
                // The last item without a trailing comma: the array's own append handles the comma.
                let last = spans.len() - 1 == index;
                if last {
                    return edit::append_array_item(
                        text,
                        array,
                        spans,
                        &values.join(&format!(",\n{indent}")),
                    );
                }
            }
            let lines: String = values.iter().map(|v| format!("\n{indent}{v},")).collect();
            return Some(Edit::insert(line_end(text, item.end), lines));
        }
        let lines: String = values.iter().map(|v| format!("{indent}{v},\n")).collect();
        return Some(Edit::insert(line_start(text, item.start), lines));
    }
    let joined = values.join(", ");
    if after {
        Some(Edit::insert(item.end, format!(", {joined}")))
    } else {
        Some(Edit::insert(item.start, format!("{joined}, ")))
    }
}

/// Edits removing the items at `indices` (indices into `spans`, all the array's items): whole
/// lines where an item sits alone on its line, else the item with its separator, so that an
/// inline array stays well-formed (`["a", "b", "c"]` without `b` is `["a", "c"]`).
pub(crate) fn remove_items(text: &str, spans: &[Range<usize>], indices: &[usize]) -> Vec<Edit> {
    let mut sorted: Vec<usize> = indices
        .iter()
        .copied()
        .filter(|i| *i < spans.len())
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.iter().all(|i| alone_on_line(text, &spans[*i])) {
        return sorted
            .iter()
            .filter_map(|i| edit::remove_array_item(text, spans, *i))
            .collect();
    }
    // Runs of consecutive removed items, each removed with the separator that joins it to a kept
    // neighbour (the next one, or for a run at the end, the previous one).
    let mut edits = Vec::new();
    let mut k = 0;
    while k < sorted.len() {
        let first = sorted[k];
        let mut last = first;
        while k + 1 < sorted.len() && sorted[k + 1] == last + 1 {
            k += 1;
            last = sorted[k];
        }
        k += 1;
        let range = if last + 1 < spans.len() {
            spans[first].start..spans[last + 1].start
        } else if first > 0 {
            spans[first - 1].end..spans[last].end
        } else {
            // Every item goes: keep the brackets and what follows the last item's comma.
            let mut end = spans[last].end;
            let rest = &text[end..];
            let trimmed = rest.trim_start_matches([' ', '\t']);
            if let Some(after_comma) = trimmed.strip_prefix(',') {
                end = text.len() - after_comma.trim_start_matches([' ', '\t']).len();
            }
            spans[first].start..end
        };
        edits.push(Edit::delete(range));
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    fn spans(text: &str) -> (Range<usize>, Vec<Range<usize>>) {
        let m = Manifest::parse(text);
        let cl = read(&m).expect("classifiers");
        (cl.array, cl.spans)
    }

    #[test]
    fn remove_runs_inline() {
        let text = "[project]\nclassifiers = [\"a\", \"b\", \"c\"]\n";
        let (_, s) = spans(text);
        let apply = |idx: &[usize]| edit::apply(text, &remove_items(text, &s, idx));
        assert_eq!(apply(&[1]), "[project]\nclassifiers = [\"a\", \"c\"]\n");
        assert_eq!(apply(&[1, 2]), "[project]\nclassifiers = [\"a\"]\n");
        assert_eq!(apply(&[0, 2]), "[project]\nclassifiers = [\"b\"]\n");
        assert_eq!(apply(&[0, 1, 2]), "[project]\nclassifiers = []\n");
    }

    #[test]
    fn remove_lines() {
        let text = "[project]\nclassifiers = [\n  \"a\",\n  \"b\",  # why\n  \"c\"\n]\n";
        let (_, s) = spans(text);
        let out = edit::apply(text, &remove_items(text, &s, &[1, 2]));
        assert_eq!(out, "[project]\nclassifiers = [\n  \"a\",\n]\n");
    }

    #[test]
    fn insert_follows_layout() {
        let text = "[project]\nclassifiers = [\n    \"a\",\n    \"b\"\n]\n";
        let (a, s) = spans(text);
        let e = insert_items(text, &a, &s, 0, true, &["\"x\"".into()]).expect("edit");
        assert_eq!(
            edit::apply(text, &[e]),
            "[project]\nclassifiers = [\n    \"a\",\n    \"x\",\n    \"b\"\n]\n"
        );
        let e =
            insert_items(text, &a, &s, 1, true, &["\"x\"".into(), "\"y\"".into()]).expect("edit");
        assert_eq!(
            edit::apply(text, &[e]),
            "[project]\nclassifiers = [\n    \"a\",\n    \"b\",\n    \"x\",\n    \"y\"\n]\n"
        );
        let e = insert_items(text, &a, &s, 0, false, &["\"x\"".into()]).expect("edit");
        assert_eq!(
            edit::apply(text, &[e]),
            "[project]\nclassifiers = [\n    \"x\",\n    \"a\",\n    \"b\"\n]\n"
        );
        let text = "[project]\nclassifiers = [\"a\", \"b\"]\n";
        let (a, s) = spans(text);
        let e = insert_items(text, &a, &s, 0, true, &["\"x\"".into()]).expect("edit");
        assert_eq!(
            edit::apply(text, &[e]),
            "[project]\nclassifiers = [\"a\", \"x\", \"b\"]\n"
        );
    }
}
