//! The `check` command: files in, diagnostics out (compiler-style text or JSON), safe fixes
//! applied on `--fix`. Exit code 1 when an error-level diagnostic remains, 2 for usage errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::{Analyzer, cli_facts};
use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::manifest::edit;
use crate::state::Snapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
}

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub fix: bool,
}

/// How many times `--fix` re-checks and fixes again (a fix can reveal another).
const FIX_ROUNDS: usize = 8;

/// Runs `check`; returns the process exit code.
pub fn check(options: &CheckOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let mut files = Vec::new();
    for path in &paths {
        let file = if path.is_dir() {
            path.join("pyproject.toml")
        } else {
            path.clone()
        };
        if !file.is_file() {
            let _ = writeln!(
                err,
                "pyproject-lsp: {} does not exist (give a pyproject.toml or a directory holding one)",
                file.display()
            );
            return 2;
        }
        files.push(file);
    }
    let mut any_error = false;
    let mut json = Vec::new();
    let analyzer = Analyzer::default();
    for file in files {
        let text = match std::fs::read(&file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    let _ = writeln!(
                        err,
                        "pyproject-lsp: {} is not UTF-8 text; TOML files must be UTF-8",
                        file.display()
                    );
                    any_error = true;
                    continue;
                }
            },
            Err(e) => {
                let _ = writeln!(err, "pyproject-lsp: cannot read {}: {e}", file.display());
                return 2;
            }
        };
        let (text, fixed) = if options.fix {
            fix_file(&file, text, &analyzer, err)
        } else {
            (text, 0)
        };
        let (snapshot, doc) = snapshot_for(&file, text);
        let (facts, problems) = cli_facts(&snapshot, &analyzer);
        for p in problems {
            let _ = writeln!(err, "pyproject-lsp: {}: {p}", file.display());
        }
        let diagnostics = crate::features::diagnostics(&snapshot, &facts);
        any_error |= diagnostics.iter().any(|d| d.severity == Severity::Error);
        match options.format {
            OutputFormat::Text => {
                for d in &diagnostics {
                    let (line, col) = line_col(&doc, d.range.start);
                    let _ = writeln!(
                        out,
                        "{}:{}:{}: {}[{}] {} ({})",
                        file.display(),
                        line,
                        col,
                        d.severity.as_str(),
                        d.code,
                        d.message,
                        d.name
                    );
                }
                if fixed > 0 {
                    let _ = writeln!(err, "{}: applied {fixed} fix(es)", file.display());
                }
            }
            OutputFormat::Json => json.extend(diagnostics.iter().map(|d| to_json(&file, &doc, d))),
        }
    }
    if options.format == OutputFormat::Json {
        let _ = writeln!(out, "{}", serde_json::Value::Array(json));
    }
    i32::from(any_error)
}

fn snapshot_for(file: &Path, text: String) -> (Snapshot, Arc<Document>) {
    let doc = Arc::new(Document::new(text, 0));
    let path = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let (snapshot, _) = Snapshot::new(Some(path), Arc::clone(&doc), None);
    (snapshot, doc)
}

/// Applies safe fixes (to the pyproject.toml only) until none is left; writes the file when changed.
fn fix_file(
    file: &Path,
    mut text: String,
    analyzer: &Analyzer,
    err: &mut dyn Write,
) -> (String, usize) {
    let original = text.clone();
    let mut applied = 0;
    for _ in 0..FIX_ROUNDS {
        let (snapshot, _) = snapshot_for(file, text.clone());
        let (facts, _) = cli_facts(&snapshot, analyzer);
        let diagnostics = crate::features::diagnostics(&snapshot, &facts);
        let mut edits = Vec::new();
        for d in &diagnostics {
            // One safe fix per diagnostic, touching only this file.
            if let Some(fix) = d
                .fixes
                .iter()
                .find(|f| f.safe && f.edits.iter().all(|e| e.path.is_none()))
            {
                edits.extend(fix.edits.iter().cloned());
                applied += 1;
            }
        }
        edits.extend(crate::features::classifiers::fix_edits(&snapshot));
        if edits.is_empty() {
            break;
        }
        let next = edit::apply(&text, &edits);
        if next == text {
            break;
        }
        text = next;
    }
    if text != original
        && let Err(e) = std::fs::write(file, &text)
    {
        let _ = writeln!(err, "pyproject-lsp: cannot write {}: {e}", file.display());
    }
    (text, applied)
}

/// One-based line and column (in characters) of a byte offset, as compilers print them.
fn line_col(doc: &Document, offset: usize) -> (usize, usize) {
    let offset = crate::manifest::outline::floor_char_boundary(&doc.text, offset);
    let before = &doc.text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn to_json(file: &Path, doc: &Document, d: &Diagnostic) -> serde_json::Value {
    let (line, column) = line_col(doc, d.range.start);
    let (end_line, end_column) = line_col(doc, d.range.end);
    serde_json::json!({
        "path": file.display().to_string(),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "severity": d.severity.as_str(),
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "fixes": d.fixes.iter().map(|f| serde_json::json!({"title": f.title, "safe": f.safe})).collect::<Vec<_>>(),
    })
}

/// Prints the rule list (`pyproject-lsp rules`).
pub fn rules(markdown: bool, out: &mut dyn Write) -> i32 {
    let rules = crate::rules::all();
    if markdown {
        let _ = writeln!(
            out,
            "| Code | Name | Default | What it catches |\n|---|---|---|---|"
        );
    }
    for r in rules {
        if markdown {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                r.code,
                r.name,
                r.severity.as_str(),
                r.summary.replace('|', "\\|")
            );
        } else {
            let _ = writeln!(
                out,
                "{} {} ({}): {}",
                r.code,
                r.name,
                r.severity.as_str(),
                r.summary
            );
        }
    }
    0
}
