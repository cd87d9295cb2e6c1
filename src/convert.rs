//! LSP types to ours and back: positions in the negotiated encoding, diagnostics, completions,
//! hovers, code actions and workspace edits. The only module besides `server` that knows LSP types.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use tower_lsp_server::ls_types as lsp;

use crate::diagnostic::{Diagnostic, Edit, Severity, Tag};
use crate::document::{Document, Encoding, Pos, position_in};
use crate::features::actions::{Action, ActionKind};
use crate::features::{CompletionItem, CompletionKind, Completions, Hover};

pub fn pos(p: lsp::Position) -> Pos {
    Pos {
        line: p.line,
        character: p.character,
    }
}

pub fn position(doc: &Document, offset: usize, enc: Encoding) -> lsp::Position {
    let p = doc.pos(offset, enc);
    lsp::Position {
        line: p.line,
        character: p.character,
    }
}

pub fn range(doc: &Document, r: &std::ops::Range<usize>, enc: Encoding) -> lsp::Range {
    lsp::Range {
        start: position(doc, r.start, enc),
        end: position(doc, r.end.max(r.start), enc),
    }
}

pub fn offset(doc: &Document, p: lsp::Position, enc: Encoding) -> usize {
    doc.offset(pos(p), enc)
}

pub fn uri_key(uri: &lsp::Uri) -> String {
    uri.as_str().to_string()
}

pub fn uri_path(uri: &lsp::Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}

pub fn path_uri(path: &Path) -> Option<lsp::Uri> {
    lsp::Uri::from_file_path(path)
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// A range in another file (read from disk) for related information and edits into Python files.
fn external_range(path: &Path, r: &std::ops::Range<usize>, enc: Encoding) -> lsp::Range {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let rope = ropey::Rope::from_str(&text);
    let a = position_in(&rope, r.start, enc);
    let b = position_in(&rope, r.end.max(r.start), enc);
    lsp::Range {
        start: lsp::Position {
            line: a.line,
            character: a.character,
        },
        end: lsp::Position {
            line: b.line,
            character: b.character,
        },
    }
}

/// A location in another file (read from disk to convert the byte range).
pub fn location(loc: &crate::diagnostic::Location, enc: Encoding) -> Option<lsp::Location> {
    Some(lsp::Location {
        uri: path_uri(&loc.path)?,
        range: external_range(&loc.path, &loc.range, enc),
    })
}

pub fn diagnostic(doc: &Document, d: &Diagnostic, enc: Encoding) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let uri = path_uri(&r.location.path)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri,
                    range: external_range(&r.location.path, &r.location.range, enc),
                },
                message: r.message.clone(),
            })
        })
        .collect();
    let tags: Vec<lsp::DiagnosticTag> = d
        .tags
        .iter()
        .map(|t| match t {
            Tag::Deprecated => lsp::DiagnosticTag::DEPRECATED,
            Tag::Unnecessary => lsp::DiagnosticTag::UNNECESSARY,
        })
        .collect();
    lsp::Diagnostic {
        range: range(doc, &d.range, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("pyproject-lsp".to_string()),
        message: format!("{} ({})", d.message, d.name),
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: None,
    }
}

/// Edits of this document and of other files, as a workspace edit.
pub fn workspace_edit(
    doc: &Document,
    doc_uri: &lsp::Uri,
    edits: &[Edit],
    enc: Encoding,
) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for e in edits {
        match &e.path {
            None => changes
                .entry(doc_uri.clone())
                .or_default()
                .push(lsp::TextEdit {
                    range: range(doc, &e.range, enc),
                    new_text: e.new_text.clone(),
                }),
            Some(path) => {
                let Some(uri) = path_uri(path) else { continue };
                changes.entry(uri).or_default().push(lsp::TextEdit {
                    range: external_range(path, &e.range, enc),
                    new_text: e.new_text.clone(),
                });
            }
        }
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        document_changes: None,
        change_annotations: None,
    }
}

pub fn text_edit(doc: &Document, e: &Edit, enc: Encoding) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(doc, &e.range, enc),
        new_text: e.new_text.clone(),
    }
}

fn completion_kind(k: CompletionKind) -> lsp::CompletionItemKind {
    match k {
        CompletionKind::Property => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        CompletionKind::Module => lsp::CompletionItemKind::MODULE,
        CompletionKind::Function => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Constant => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Reference => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
    }
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

pub fn completion_item(
    doc: &Document,
    item: &CompletionItem,
    enc: Encoding,
    snippets: bool,
) -> lsp::CompletionItem {
    let mut new_text_is_snippet = item.snippet;
    let main_edit = item.edit.as_ref().map(|e| {
        let mut new_text = e.new_text.clone();
        if item.snippet && !snippets {
            new_text = strip_snippet(&new_text);
            new_text_is_snippet = false;
        }
        lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(doc, &e.range, enc),
            new_text,
        })
    });
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(completion_kind(item.kind)),
        detail: item.detail.clone(),
        documentation: item
            .documentation
            .clone()
            .map(|d| lsp::Documentation::MarkupContent(markdown(d))),
        deprecated: item.deprecated.then_some(true),
        tags: item
            .deprecated
            .then(|| vec![lsp::CompletionItemTag::DEPRECATED]),
        preselect: item.preselect.then_some(true),
        sort_text: item.sort_text.clone(),
        filter_text: item.filter_text.clone(),
        insert_text_format: Some(if new_text_is_snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: main_edit,
        additional_text_edits: (!item.additional_edits.is_empty()).then(|| {
            item.additional_edits
                .iter()
                .map(|e| text_edit(doc, e, enc))
                .collect()
        }),
        ..Default::default()
    }
}

/// Turns `${1:default}` / `$1` / `${1|a,b|}` snippet syntax into plain text for clients without snippets.
pub fn strip_snippet(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '$' => match chars.peek() {
                Some('{') => {
                    chars.next();
                    let inner: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    let body = inner.trim_start_matches(|c: char| c.is_ascii_digit());
                    if let Some(default) = body.strip_prefix(':') {
                        out.push_str(default);
                    } else if let Some(choices) = body.strip_prefix('|') {
                        out.push_str(
                            choices
                                .trim_end_matches('|')
                                .split(',')
                                .next()
                                .unwrap_or(""),
                        );
                    }
                }
                Some(d) if d.is_ascii_digit() => {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                }
                _ => out.push('$'),
            },
            c => out.push(c),
        }
    }
    out
}

pub fn completion_response(
    doc: &Document,
    completions: &Completions,
    enc: Encoding,
    snippets: bool,
) -> lsp::CompletionResponse {
    lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: completions.incomplete,
        items: completions
            .items
            .iter()
            .map(|i| completion_item(doc, i, enc, snippets))
            .collect(),
    })
}

pub fn hover(doc: &Document, h: &Hover, enc: Encoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(h.markdown.clone())),
        range: h.range.as_ref().map(|r| range(doc, r, enc)),
    }
}

pub fn code_action(
    doc: &Document,
    uri: &lsp::Uri,
    a: &Action,
    enc: Encoding,
) -> lsp::CodeActionOrCommand {
    let kind = match &a.kind {
        ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
        ActionKind::Source(suffix) => lsp::CodeActionKind::from(format!("source.{suffix}")),
    };
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: a.title.clone(),
        kind: Some(kind),
        diagnostics: a.diagnostic.as_ref().map(|d| vec![diagnostic(doc, d, enc)]),
        edit: Some(workspace_edit(doc, uri, &a.edits, enc)),
        command: None,
        is_preferred: a.preferred.then_some(true),
        disabled: None,
        data: None,
    })
}

pub fn inlay_hint(
    doc: &Document,
    h: &crate::features::dependencies::InlayHint,
    enc: Encoding,
) -> lsp::InlayHint {
    lsp::InlayHint {
        position: position(doc, h.offset, enc),
        label: lsp::InlayHintLabel::String(h.label.clone()),
        kind: None,
        text_edits: None,
        tooltip: h.tooltip.clone().map(lsp::InlayHintTooltip::String),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// The encoding to use, from the client's offer: UTF-8 when offered, else UTF-16.
pub fn negotiate(params: &lsp::InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

pub fn encoding_kind(enc: Encoding) -> lsp::PositionEncodingKind {
    match enc {
        Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
    }
}

/// A URI parsed from a string, for tests and the CLI.
pub fn parse_uri(s: &str) -> Option<lsp::Uri> {
    lsp::Uri::from_str(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_stripped() {
        assert_eq!(strip_snippet("name = \"${1:x}\"$0"), "name = \"x\"");
        assert_eq!(strip_snippet("[\"${1|a,b|}\"]"), "[\"a\"]");
    }
}
