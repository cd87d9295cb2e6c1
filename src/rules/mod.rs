//! The rule registry and the context every check reads.
//!
//! Each family of rules lives in its own file and exposes `RULES` (its rules, for the registry,
//! the README and settings) and `check(cx, out)`. `diagnostics` runs every family, then applies
//! the user's rule levels and `# pyproject-lsp: ignore[...]` comments.

pub mod build_system;
pub mod classifiers;
pub mod dependencies;
pub mod dependencies_syntax;
pub mod entry_points;
pub mod files;
pub mod layout;
pub mod license;
pub mod project;
pub mod sources;
pub mod syntax;
pub mod tools;

use std::ops::Range;
use std::path::Path;

use crate::config::{RuleLevel, Settings};
use crate::diagnostic::{Diagnostic, Fix, Related, Severity, Tag};
use crate::manifest::Manifest;

/// A rule: a stable code, a kebab-case name, a default severity and a one-line summary.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

impl Rule {
    /// A diagnostic of this rule at its default severity.
    pub fn diag(&'static self, range: Range<usize>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: self.code,
            name: self.name,
            severity: self.severity,
            range,
            message: message.into(),
            fixes: Vec::new(),
            related: Vec::new(),
            tags: Vec::new(),
        }
    }
}

/// Builder-style additions to a diagnostic.
pub trait DiagnosticExt {
    fn with_fix(self, fix: Fix) -> Self;
    fn with_fixes(self, fixes: impl IntoIterator<Item = Fix>) -> Self;
    fn with_related(self, related: Related) -> Self;
    fn with_severity(self, severity: Severity) -> Self;
    fn with_tag(self, tag: Tag) -> Self;
}

impl DiagnosticExt for Diagnostic {
    fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }
    fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }
    fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }
    fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
    fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }
}

/// Read access to the files around the pyproject.toml, so rules stay free of I/O.
pub trait ProjectFiles: Sync {
    /// The project directory, when the document is a file on disk.
    fn dir(&self) -> Option<&Path>;
    /// Whether a path relative to the project directory is an existing file.
    fn is_file(&self, rel: &str) -> bool;
    /// Whether a path relative to the project directory is an existing directory.
    fn is_dir(&self, rel: &str) -> bool;
    /// Files (relative paths with `/`) matching a glob pattern relative to the project directory.
    fn glob(&self, pattern: &str) -> Vec<String>;
    /// Names of the entries of a directory relative to the project directory.
    fn list(&self, rel_dir: &str) -> Vec<String>;
}

/// Used when the document is not a file on disk: nothing can be checked against files.
pub struct NoFiles;

impl ProjectFiles for NoFiles {
    fn dir(&self) -> Option<&Path> {
        None
    }
    fn is_file(&self, _: &str) -> bool {
        false
    }
    fn is_dir(&self, _: &str) -> bool {
        false
    }
    fn glob(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
    fn list(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
}

/// Slow results handed in by the server or the CLI: each family reads its own field and checks
/// nothing that needs it when it is absent.
#[derive(Default, Clone)]
pub struct Facts {
    // FACTS: one field per leaf (index answers, Python analysis), added by their owners.
    /// Entry points resolved in the project's Python sources (`crate::python::analyze`).
    pub entry_points: Option<std::sync::Arc<crate::python::EntryPointFacts>>,
    /// `[tool.*]` schemas from the `schemas` setting (`crate::schema::load_overrides`); bundled ones need nothing.
    pub tool_schemas: Option<std::sync::Arc<crate::schema::Overrides>>,
    /// Package index answers for the document's requirements (`crate::index::Index::facts`).
    pub index: crate::index::IndexFacts,
    /// The project's Python sources (`crate::sources::scan_project`), computed in the background.
    pub sources: Option<std::sync::Arc<crate::sources::SourcesFacts>>,
}

pub struct Context<'a> {
    pub text: &'a str,
    pub manifest: &'a Manifest,
    pub settings: &'a Settings,
    pub files: &'a dyn ProjectFiles,
    pub facts: &'a Facts,
    /// Today's date as (year, month, day), for end-of-life checks.
    pub today: (i32, u32, u32),
}

impl Context<'_> {
    /// The text of a range, or "" when out of bounds.
    pub fn slice(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or("")
    }
}

/// Every rule, from every family.
pub fn all() -> Vec<&'static Rule> {
    let families: &[&[&'static Rule]] = &[
        syntax::RULES,
        project::RULES,
        dependencies_syntax::RULES,
        files::RULES,
        build_system::RULES,
        license::RULES,
        tools::RULES,
        dependencies::RULES,
        classifiers::RULES,
        sources::RULES,
        layout::RULES,
        entry_points::RULES,
        // FAMILIES (registry): add `family::RULES,` here
    ];
    families.iter().flat_map(|f| f.iter().copied()).collect()
}

/// Runs every check and applies the user's levels and ignore comments.
pub fn diagnostics(cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    syntax::check(cx, &mut out);
    project::check(cx, &mut out);
    dependencies_syntax::check(cx, &mut out);
    files::check(cx, &mut out);
    build_system::check(cx, &mut out);
    license::check(cx, &mut out);
    tools::check(cx, &mut out);
    dependencies::check(cx, &mut out);
    classifiers::check(cx, &mut out);
    sources::check(cx, &mut out);
    layout::check(cx, &mut out);
    entry_points::check(cx, &mut out);
    // FAMILIES (checks): add `family::check(cx, &mut out);` here
    finish(cx, out)
}

fn finish(cx: &Context, out: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let ignores = ignore_comments(cx.text);
    let mut kept: Vec<Diagnostic> = out
        .into_iter()
        .filter_map(|mut d| {
            match cx.settings.rule_level(d.code, d.name) {
                Some(RuleLevel::Off) => return None,
                Some(RuleLevel::Severity(s)) => d.severity = s,
                None => {}
            }
            let line = line_number(cx.text, d.range.start);
            let ignored = ignores.iter().any(|(l, rules)| {
                *l == line
                    && (rules.is_empty()
                        || rules
                            .iter()
                            .any(|r| r.eq_ignore_ascii_case(d.code) || r == d.name))
            });
            (!ignored).then_some(d)
        })
        .collect();
    kept.sort_by(|a, b| a.range.start.cmp(&b.range.start).then(a.code.cmp(b.code)));
    kept.dedup_by(|a, b| a.code == b.code && a.range == b.range && a.message == b.message);
    kept
}

fn line_number(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
}

/// `# pyproject-lsp: ignore[PP201, unknown-classifier]` (or a bare `ignore`) per line.
fn ignore_comments(text: &str) -> Vec<(usize, Vec<String>)> {
    const MARKER: &str = "pyproject-lsp: ignore";
    let mut out = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let Some(hash) = line.find('#') else { continue };
        let comment = &line[hash + 1..];
        let Some(at) = comment.find(MARKER) else {
            continue;
        };
        let rest = &comment[at + MARKER.len()..];
        let rules = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
            Some((list, _)) => list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            None => Vec::new(),
        };
        out.push((number, rules));
    }
    out
}

/// Levenshtein distance, for did-you-mean suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidates closest to `word` (normalized for case, `-` and `_`), best first, at most `limit`.
pub fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '.'], "-");
    let w = norm(word);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let n = norm(c);
            let d = edit_distance(&w, &n);
            let plural =
                n.strip_suffix('s') == Some(w.as_str()) || w.strip_suffix('s') == Some(n.as_str());
            let prefix = n.starts_with(&w) && w.len() >= 3;
            let max = (n.len().max(w.len()) / 3).max(1);
            (d <= max || plural || prefix).then_some((if plural || d == 0 { 0 } else { d }, c))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos() {
        let keys = ["requires-python", "dependencies", "version", "authors"];
        assert_eq!(closest("requires_python", keys, 1), vec!["requires-python"]);
        assert_eq!(closest("dependency", keys, 1), vec!["dependencies"]);
        assert_eq!(closest("author", keys, 1), vec!["authors"]);
        assert!(closest("zzzzzz", keys, 1).is_empty());
    }

    #[test]
    fn ignore_comment_parsing() {
        let c = ignore_comments(
            "a = 1 # pyproject-lsp: ignore[PP201, x]\nb = 2\nc = 3 # pyproject-lsp: ignore\n",
        );
        assert_eq!(
            c,
            vec![(0, vec!["PP201".to_string(), "x".to_string()]), (2, vec![])]
        );
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let rules = all();
        let mut codes: Vec<&str> = rules.iter().map(|r| r.code).collect();
        codes.sort();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len(), "duplicate rule codes");
        for r in rules {
            assert!(r.code.starts_with("PP") && r.code.len() == 5, "{}", r.code);
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{}",
                r.name
            );
        }
    }
}
