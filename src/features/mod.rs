//! Editor features as pure functions over a document snapshot: completion, hover, code actions,
//! document links, goto definition, inlay hints. No I/O, no LSP types; `convert` does the LSP side.

pub mod actions;
pub mod classifiers;
pub mod completion;
pub mod dependencies;
pub mod entry_points;
pub mod hover;
pub mod tools;

use std::ops::Range;

use crate::diagnostic::Edit;
use crate::manifest::outline::StringAt;

/// The kind of a completion item, mapped to the LSP kind by `convert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Property,
    Value,
    Module,
    Function,
    Constant,
    Reference,
    Snippet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// The main edit; its text is a snippet when `snippet` is true.
    pub edit: Option<Edit>,
    pub snippet: bool,
    /// Edits elsewhere in the document applied together with the item.
    pub additional_edits: Vec<Edit>,
    pub sort_text: Option<String>,
    pub filter_text: Option<String>,
    pub deprecated: bool,
    pub preselect: bool,
}

impl CompletionItem {
    pub fn new(label: impl Into<String>, kind: CompletionKind) -> CompletionItem {
        CompletionItem {
            label: label.into(),
            kind,
            detail: None,
            documentation: None,
            edit: None,
            snippet: false,
            additional_edits: Vec::new(),
            sort_text: None,
            filter_text: None,
            deprecated: false,
            preselect: false,
        }
    }
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
    pub fn docs(mut self, markdown: impl Into<String>) -> Self {
        self.documentation = Some(markdown.into());
        self
    }
    pub fn edit(mut self, edit: Edit) -> Self {
        self.edit = Some(edit);
        self
    }
    pub fn snippet_edit(mut self, edit: Edit) -> Self {
        self.edit = Some(edit);
        self.snippet = true;
        self
    }
    pub fn sort(mut self, key: impl Into<String>) -> Self {
        self.sort_text = Some(key.into());
        self
    }
    pub fn filter(mut self, text: impl Into<String>) -> Self {
        self.filter_text = Some(text.into());
        self
    }
}

/// A completion answer; `incomplete` asks the client to ask again as the user types.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    pub items: Vec<CompletionItem>,
    pub incomplete: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    pub range: Option<Range<usize>>,
}

/// The edit that puts `value` (unquoted) as the string at the cursor: replacing the whole string
/// being typed (adding the closing quote when it is missing), or inserting a quoted string.
pub fn string_value_edit(string: Option<&StringAt>, offset: usize, value: &str) -> Edit {
    let quoted = crate::manifest::edit::quote(value);
    match string {
        Some(s) => {
            let inner = &quoted[1..quoted.len() - 1];
            if s.closed {
                Edit::replace(s.content.clone(), inner)
            } else {
                Edit::replace(
                    s.content.start..s.content.end.max(offset),
                    format!("{inner}{}", s.quote),
                )
            }
        }
        None => Edit::insert(offset, quoted),
    }
}

/// The diagnostics of a snapshot: every rule, with the user's levels and ignore comments applied.
pub fn diagnostics(
    snapshot: &crate::state::Snapshot,
    facts: &crate::rules::Facts,
) -> Vec<crate::diagnostic::Diagnostic> {
    let cx = crate::rules::Context {
        text: &snapshot.document.text,
        manifest: &snapshot.document.manifest,
        settings: &snapshot.settings,
        files: snapshot.files.as_ref(),
        facts,
        today: snapshot.today,
    };
    crate::rules::diagnostics(&cx)
}
