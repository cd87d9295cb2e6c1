//! The `check` command: files in, diagnostics out (compiler-style text or JSON), safe fixes
//! applied on `--fix`. Exit code 1 when an error-level diagnostic remains, 2 for usage errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::{Document, Encoding};
use crate::manifest::edit;
use crate::rules::Facts;
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
            fix_file(&file, text, err)
        } else {
            (text, 0)
        };
        let (snapshot, doc) = snapshot_for(&file, text);
        let diagnostics = crate::features::diagnostics(&snapshot, &Facts::default());
        any_error |= diagnostics.iter().any(|d| d.severity == Severity::Error);
        match options.format {
            OutputFormat::Text => {
                for d in &diagnostics {
                    let p = doc.pos(d.range.start, Encoding::Utf8);
                    let col = doc.text[..d.range.start.min(doc.text.len())]
                        .rsplit('\n')
                        .next()
                        .map_or(0, |l| l.chars().count());
                    let _ = p;
                    let line = doc.text[..d.range.start.min(doc.text.len())]
                        .matches('\n')
                        .count()
                        + 1;
                    let _ = writeln!(
                        out,
                        "{}:{}:{}: {}[{}] {} ({})",
                        file.display(),
                        line,
                        col + 1,
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
fn fix_file(file: &Path, mut text: String, err: &mut dyn Write) -> (String, usize) {
    let original = text.clone();
    let mut applied = 0;
    for _ in 0..FIX_ROUNDS {
        let (snapshot, _) = snapshot_for(file, text.clone());
        let diagnostics = crate::features::diagnostics(&snapshot, &Facts::default());
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
        // SOURCE FIXES: setting-driven whole-file fixes (e.g. sorting classifiers) go here.
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

fn to_json(file: &Path, doc: &Document, d: &Diagnostic) -> serde_json::Value {
    let start = doc.pos(d.range.start, Encoding::Utf8);
    let end = doc.pos(d.range.end, Encoding::Utf8);
    serde_json::json!({
        "path": file.display().to_string(),
        "line": start.line + 1,
        "column": doc.text[..d.range.start.min(doc.text.len())].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
        "end_line": end.line + 1,
        "end_column": doc.text[..d.range.end.min(doc.text.len())].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
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
