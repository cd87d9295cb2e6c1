//! Our own diagnostic, fix and edit types: what rules produce and what `convert` and `cli` render.
//!
//! Ranges are byte offsets into the text they refer to: the pyproject.toml being analysed, or for
//! a `Location`/`Edit` with a `path`, that file on disk. Nothing here knows LSP types.

use std::ops::Range;
use std::path::PathBuf;

/// How bad a finding is. Ordered from most to least severe.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
            Severity::Hint => "hint",
        }
    }

    /// Parses a severity as users write it in settings (`error`, `warn`, `info`, `hint`, `off` is handled by the caller).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" | "err" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// A place in another file (a Python source, a README), for related information.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    /// Byte range in that file.
    pub range: Range<usize>,
}

/// Extra context attached to a diagnostic: "imported here", "defined here".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One text replacement. `path: None` means the document being analysed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub path: Option<PathBuf>,
    pub range: Range<usize>,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, new_text: impl Into<String>) -> Edit {
        Edit {
            path: None,
            range,
            new_text: new_text.into(),
        }
    }
    pub fn insert(at: usize, new_text: impl Into<String>) -> Edit {
        Edit {
            path: None,
            range: at..at,
            new_text: new_text.into(),
        }
    }
    pub fn delete(range: Range<usize>) -> Edit {
        Edit {
            path: None,
            range,
            new_text: String::new(),
        }
    }
}

/// A quick-fix: a titled set of edits applied together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Safe fixes are applied by `check --fix` and marked preferred in the editor.
    pub safe: bool,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
            safe: true,
        }
    }
    /// A fix the user must choose (one of several candidates, or one that changes meaning).
    pub fn suggested(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
            safe: false,
        }
    }
}

/// Marks that editors render specially.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    Deprecated,
    Unnecessary,
}

/// A finding about the document, produced by a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// Byte range in the analysed document.
    pub range: Range<usize>,
    pub message: String,
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
    pub tags: Vec<Tag>,
}
