//! Object references (`module.path:obj.attr [extra1, extra2]`, the entry points specification),
//! split into segments with byte spans, and the syntax mistakes people make in them.
//!
//! Spans are byte offsets into the string given to [`parse_reference`] (the TOML string's
//! content). Parsing never fails: a reference with mistakes still yields every segment it can,
//! so that navigation keeps working while the user fixes it.

use std::ops::Range;

/// One dotted part (`mod`, `main`) with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    pub range: Range<usize>,
}

/// A parsed object reference.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    /// `pkg.sub` in `pkg.sub:main`.
    pub module: Vec<Segment>,
    /// `obj.attr` in `pkg:obj.attr`; empty when there is no `:` (or nothing after it).
    pub attrs: Vec<Segment>,
    /// Whether a `:` was written at all.
    pub has_colon: bool,
    /// Range of the `:` when present.
    pub colon: Option<Range<usize>>,
    /// The extras in `[a, b]`, if any.
    pub extras: Vec<Segment>,
    /// Range of the whole `[...]` including leading spaces, when present.
    pub extras_range: Option<Range<usize>>,
    /// Syntax mistakes found.
    pub errors: Vec<RefError>,
}

/// What is wrong with the way a reference is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    /// The reference is empty or only whitespace.
    Empty,
    /// A segment that is not a Python identifier, e.g. `my-pkg` (hyphen) or `2fa`.
    NotIdentifier { range: Range<usize>, text: String },
    /// An empty segment: `pkg..mod`, `pkg.`, `:main`, `pkg:`.
    EmptySegment { at: usize },
    /// Text after the reference that is not `[extras]`.
    Trailing { range: Range<usize> },
    /// `[` without a closing `]`.
    UnclosedExtras { range: Range<usize> },
    /// More than one `:`.
    ExtraColon { range: Range<usize> },
}

impl Reference {
    /// `pkg.sub` as written (segments joined by dots).
    pub fn module_path(&self) -> String {
        join(&self.module)
    }

    /// `obj.attr` as written.
    pub fn attr_path(&self) -> String {
        join(&self.attrs)
    }

    /// Range covering the module path.
    pub fn module_range(&self) -> Option<Range<usize>> {
        span(&self.module)
    }

    /// Range covering the attribute path.
    pub fn attr_range(&self) -> Option<Range<usize>> {
        span(&self.attrs)
    }

    /// Whether every segment is a valid identifier and the shape is right (colon aside).
    pub fn is_well_formed(&self) -> bool {
        self.errors.is_empty()
    }
}

fn join(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

fn span(segments: &[Segment]) -> Option<Range<usize>> {
    Some(segments.first()?.range.start..segments.last()?.range.end)
}

/// Whether `s` is a Python identifier (ASCII letters, digits, `_`, plus any non-ASCII letter,
/// which Python allows; keywords are not excluded because importlib does not care).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '_' || first.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Parses `text` (the TOML string's content) into a [`Reference`].
pub fn parse_reference(text: &str) -> Reference {
    let mut reference = Reference::default();
    if text.trim().is_empty() {
        reference.errors.push(RefError::Empty);
        return reference;
    }
    // Split off `[extras]` first: the spec allows spaces around `:` and `[]`.
    let (body_end, extras_start) = match text.find('[') {
        Some(i) => (i, Some(i)),
        None => (text.len(), None),
    };
    if let Some(open) = extras_start {
        let start = text[..open].trim_end().len();
        match text[open..].find(']') {
            Some(rel) => {
                let close = open + rel;
                reference.extras_range = Some(start..close + 1);
                reference.extras = dotted_or_listed(&text[open + 1..close], open + 1, ',');
                for e in &reference.extras {
                    check_segment(e, &mut reference.errors, true);
                }
                let rest = &text[close + 1..];
                if !rest.trim().is_empty() {
                    let lead = rest.len() - rest.trim_start().len();
                    reference.errors.push(RefError::Trailing {
                        range: close + 1 + lead..text.len(),
                    });
                }
            }
            None => {
                reference.extras_range = Some(start..text.len());
                reference.errors.push(RefError::UnclosedExtras {
                    range: open..text.len(),
                });
            }
        }
    }
    let body = &text[..body_end];
    let (module_text, module_at, attr_part) = match body.find(':') {
        Some(c) => {
            reference.has_colon = true;
            reference.colon = Some(c..c + 1);
            (&body[..c], 0, Some((&body[c + 1..], c + 1)))
        }
        None => (body, 0, None),
    };
    reference.module = dotted(module_text, module_at, &mut reference.errors);
    if let Some((attr_text, at)) = attr_part {
        if let Some(second) = attr_text.find(':') {
            reference.errors.push(RefError::ExtraColon {
                range: at + second..at + second + 1,
            });
        }
        let attr_text = attr_text.split(':').next().unwrap_or("");
        reference.attrs = dotted(attr_text, at, &mut reference.errors);
    }
    reference
}

/// Splits `text` (found at `offset`) on dots into trimmed segments, reporting empty and
/// non-identifier ones. A wholly blank text yields one empty-segment error and no segments.
fn dotted(text: &str, offset: usize, errors: &mut Vec<RefError>) -> Vec<Segment> {
    if text.trim().is_empty() {
        errors.push(RefError::EmptySegment {
            at: offset + text.len() - text.trim_start().len(),
        });
        return Vec::new();
    }
    let segments = dotted_or_listed(text, offset, '.');
    let mut out = Vec::new();
    for seg in segments {
        if seg.name.is_empty() {
            errors.push(RefError::EmptySegment {
                at: seg.range.start,
            });
            continue;
        }
        check_segment(&seg, errors, false);
        out.push(seg);
    }
    out
}

fn check_segment(seg: &Segment, errors: &mut Vec<RefError>, extra: bool) {
    // Extras are distribution-style names: hyphens and dots are fine there.
    let ok = if extra {
        !seg.name.is_empty()
            && seg
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.".contains(c))
    } else {
        is_identifier(&seg.name)
    };
    if !ok {
        errors.push(RefError::NotIdentifier {
            range: seg.range.clone(),
            text: seg.name.clone(),
        });
    }
}

/// Splits on `sep` and trims each piece, keeping byte ranges of the trimmed pieces.
fn dotted_or_listed(text: &str, offset: usize, sep: char) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split(sep) {
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        let s = offset + start + lead;
        out.push(Segment {
            name: trimmed.to_string(),
            range: s..s + trimmed.len(),
        });
        start += piece.len() + sep.len_utf8();
    }
    if sep == ',' {
        out.retain(|s| !s.name.is_empty());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_reference_with_spans() {
        let r = parse_reference("pkg.cli:App.run [fast, cli-extra]");
        assert_eq!(r.module_path(), "pkg.cli");
        assert_eq!(r.attr_path(), "App.run");
        assert_eq!(r.module[1].range, 4..7);
        assert_eq!(r.attrs[1].range, 12..15);
        assert_eq!(
            r.extras.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["fast", "cli-extra"]
        );
        assert_eq!(r.extras_range, Some(15..33));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }

    #[test]
    fn spaces_around_colon_are_accepted() {
        let r = parse_reference("pkg.cli : main");
        assert_eq!(r.module_path(), "pkg.cli");
        assert_eq!(r.attr_path(), "main");
        assert_eq!(r.attrs[0].range, 10..14);
        assert!(r.errors.is_empty());
    }

    #[test]
    fn missing_colon_and_hyphen() {
        let r = parse_reference("my-pkg.main");
        assert!(!r.has_colon);
        assert_eq!(
            r.errors,
            vec![RefError::NotIdentifier {
                range: 0..6,
                text: "my-pkg".into()
            }]
        );
    }

    #[test]
    fn empty_parts() {
        assert_eq!(parse_reference("").errors, vec![RefError::Empty]);
        let r = parse_reference("pkg..x:");
        assert!(r.errors.contains(&RefError::EmptySegment { at: 4 }));
        assert!(r.errors.contains(&RefError::EmptySegment { at: 7 }));
        let r = parse_reference("pkg:main[x");
        assert!(matches!(r.errors[0], RefError::UnclosedExtras { .. }));
        let r = parse_reference("pkg:main [x] y");
        assert!(matches!(r.errors[0], RefError::Trailing { .. }));
        let r = parse_reference("a:b:c");
        assert!(matches!(r.errors[0], RefError::ExtraColon { .. }));
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("_x1"));
        assert!(is_identifier("café"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("a-b"));
        assert!(!is_identifier(""));
    }
}
