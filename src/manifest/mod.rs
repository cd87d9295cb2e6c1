//! What a pyproject.toml says, never failing: the error-tolerant outline, the syntax errors, and
//! typed access to every value with its span.
//!
//! `Manifest::parse` always succeeds. For a syntactically broken file it blanks out the broken lines
//! (keeping every byte offset) and parses the rest, so that the semantic checks, completion and
//! hover keep working on the parts of a half-typed file that are fine.

pub mod edit;
pub mod outline;
pub mod requirement;

use std::ops::Range;

use toml_edit::{Item, Key, TableLike, Value};
use toml_parser::Source;
use toml_parser::parser::{RecursionGuard, parse_document};

pub use outline::{Cursor, Outline};

/// How many rounds of blanking out broken lines are tried before giving up on typed access.
const MAX_REPAIR_ROUNDS: usize = 16;
/// Nesting limit for the event parser's recursion guard (hostile input).
const MAX_NESTING: u32 = 128;

/// A TOML syntax error with the range it applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: Range<usize>,
    pub message: String,
}

pub struct Manifest {
    pub outline: Outline,
    /// Typed, spanned access; `None` only when the file could not be repaired at all.
    pub doc: Option<toml_edit::Document<String>>,
    pub syntax_errors: Vec<SyntaxError>,
    /// True when `doc` was parsed from a copy with broken lines blanked out.
    pub repaired: bool,
}

impl std::fmt::Debug for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manifest")
            .field("syntax_errors", &self.syntax_errors)
            .field("repaired", &self.repaired)
            .field("parsed", &self.doc.is_some())
            .finish()
    }
}

impl Manifest {
    pub fn parse(text: &str) -> Manifest {
        let outline = Outline::parse(text);
        let mut syntax_errors = grammar_errors(text);
        let (doc, repaired) = match toml_edit::Document::parse(text.to_string()) {
            Ok(doc) => (Some(doc), false),
            Err(err) => {
                if syntax_errors.is_empty() {
                    // Grammar is fine but the value layer is not: duplicate keys, bad numbers, escapes.
                    syntax_errors.push(toml_edit_error(text, &err));
                }
                (repair(text, &syntax_errors, &err), true)
            }
        };
        Manifest {
            outline,
            doc,
            syntax_errors,
            repaired,
        }
    }

    /// The root table of the typed document.
    pub fn root(&self) -> Option<&toml_edit::Table> {
        self.doc.as_ref().map(|d| d.as_table())
    }

    /// The item at a dotted path (`["project", "name"]`), through tables and inline tables.
    pub fn get(&self, path: &[&str]) -> Option<&Item> {
        let root = self.root()?;
        get_in(root, path)
    }

    /// The key and item at a path, for the key's span.
    pub fn get_key_value(&self, path: &[&str]) -> Option<(&Key, &Item)> {
        let (last, parents) = path.split_last()?;
        let table = if parents.is_empty() {
            self.root()? as &dyn TableLike
        } else {
            self.get(parents)?.as_table_like()?
        };
        table.get_key_value(last)
    }

    /// The span of the key at `path`, or failing that of its value.
    pub fn key_span(&self, path: &[&str]) -> Option<Range<usize>> {
        let (key, item) = self.get_key_value(path)?;
        key.span().or_else(|| item.span())
    }

    /// The span of the header of the table at `path` (`[project]`), or of the first key in it
    /// when the table is only implied by dotted keys.
    pub fn table_span(&self, path: &[&str]) -> Option<Range<usize>> {
        let refs: Vec<&str> = path.to_vec();
        if let Some(table) = self.outline.tables.iter().find(|t| {
            t.header.is_some()
                && t.path.len() == refs.len()
                && t.path.iter().zip(&refs).all(|(a, b)| a.name == *b)
        }) {
            return table.header.clone();
        }
        let item = self.get(path)?;
        item.span().or_else(|| self.key_span(path))
    }
}

/// The item at `path` below `table`.
pub fn get_in<'a>(table: &'a dyn TableLike, path: &[&str]) -> Option<&'a Item> {
    let (first, rest) = path.split_first()?;
    let item = table.get(first)?;
    if rest.is_empty() {
        return Some(item);
    }
    get_in(item.as_table_like()?, rest)
}

/// The strings of an array item with their spans (the span covers the quotes). Non-strings are skipped.
pub fn string_items(item: &Item) -> Vec<(String, Range<usize>)> {
    let Some(array) = item.as_array() else {
        return Vec::new();
    };
    array
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some((s.value().clone(), v.span()?)),
            _ => None,
        })
        .collect()
}

/// The span of a string value's content (inside the quotes), given its whole span and the text.
pub fn string_content_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let raw = text.get(span.clone()).unwrap_or("");
    let q = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else {
        1
    };
    if raw.len() < 2 * q {
        return span.clone();
    }
    span.start + q..span.end - q
}

/// A short name of a value's TOML type, for messages.
pub fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::InlineTable(_) => "an inline table",
        },
    }
}

fn grammar_errors(text: &str) -> Vec<SyntaxError> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut errors: Vec<toml_parser::ParseError> = Vec::new();
    let mut sink = ();
    let mut guard = RecursionGuard::new(&mut sink, MAX_NESTING);
    parse_document(&tokens, &mut guard, &mut errors);
    let mut out: Vec<SyntaxError> = errors
        .into_iter()
        .map(|e| {
            let span = e
                .unexpected()
                .or(e.context())
                .map_or(0..0, |s| s.start()..s.end());
            let mut message = e.description().to_string();
            if let Some(expected) = e.expected() {
                let list: Vec<String> = expected
                    .iter()
                    .map(|x| match x {
                        toml_parser::Expected::Literal(l) => format!("`{l}`"),
                        toml_parser::Expected::Description(d) => (*d).to_string(),
                        _ => String::new(),
                    })
                    .filter(|s| !s.is_empty())
                    .collect();
                if !list.is_empty() {
                    message = format!("{message}, expected {}", list.join(" or "));
                }
            }
            let range = widen_empty(text, span);
            SyntaxError {
                range,
                message: format!("TOML syntax error: {message}"),
            }
        })
        .collect();
    out.dedup_by(|a, b| a.range == b.range && a.message == b.message);
    out
}

/// An empty range at the end of a line would be invisible in an editor: widen it to one character
/// before, or keep it empty at the end of the text.
fn widen_empty(text: &str, range: Range<usize>) -> Range<usize> {
    let start = range.start.min(text.len());
    let end = range.end.min(text.len()).max(start);
    if start < end {
        return start..end;
    }
    match text[start..].chars().next() {
        Some(c) if c != '\n' && c != '\r' => start..start + c.len_utf8(),
        _ => match text[..start].chars().next_back() {
            Some(c) if c != '\n' && c != '\r' => start - c.len_utf8()..start,
            _ => start..start,
        },
    }
}

fn toml_edit_error(text: &str, err: &toml_edit::TomlError) -> SyntaxError {
    let span = err.span().unwrap_or(0..0);
    let message = err.message().trim().to_string();
    SyntaxError {
        range: widen_empty(text, span),
        message: format!("TOML error: {message}"),
    }
}

/// Blanks the lines holding errors (with spaces, so offsets stay), and reparses, a few rounds.
fn repair(
    text: &str,
    errors: &[SyntaxError],
    first: &toml_edit::TomlError,
) -> Option<toml_edit::Document<String>> {
    let mut bytes = text.as_bytes().to_vec();
    let mut spans: Vec<Range<usize>> = errors.iter().map(|e| e.range.clone()).collect();
    spans.push(first.span().unwrap_or(0..0));
    for _ in 0..MAX_REPAIR_ROUNDS {
        for span in spans.drain(..) {
            blank_lines(&mut bytes, span);
        }
        let Ok(candidate) = String::from_utf8(bytes.clone()) else {
            return None;
        };
        match toml_edit::Document::parse(candidate) {
            Ok(doc) => return Some(doc),
            Err(err) => {
                let span = err.span()?;
                // No progress possible when the error sits on an already blank line.
                let line = line_of(&bytes, span.start);
                if bytes[line.clone()].iter().all(|b| *b == b' ') && !line.is_empty() {
                    return None;
                }
                spans.push(span);
            }
        }
    }
    None
}

fn line_of(bytes: &[u8], at: usize) -> Range<usize> {
    let at = at.min(bytes.len());
    let start = bytes[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    start..end
}

fn blank_lines(bytes: &mut [u8], span: Range<usize>) {
    let first = line_of(bytes, span.start);
    let last = line_of(bytes, span.end.max(span.start));
    for b in &mut bytes[first.start..last.end.max(first.start)] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_document_has_spans() {
        let m = Manifest::parse("[project]\nname = \"demo\"\n");
        assert!(m.syntax_errors.is_empty());
        assert_eq!(
            m.get(&["project", "name"]).and_then(|i| i.as_str()),
            Some("demo")
        );
        assert_eq!(m.key_span(&["project", "name"]), Some(10..14));
        assert_eq!(m.table_span(&["project"]), Some(0..9));
    }

    #[test]
    fn broken_line_is_blanked_and_rest_parses() {
        let m = Manifest::parse("[project]\nname = \"demo\"\nbroken =\nversion = \"1\"\n");
        assert_eq!(m.syntax_errors.len(), 1, "{:?}", m.syntax_errors);
        assert_eq!(m.syntax_errors[0].range.start, 31);
        assert!(m.repaired);
        assert_eq!(
            m.get(&["project", "version"]).and_then(|i| i.as_str()),
            Some("1")
        );
    }

    #[test]
    fn duplicate_key_reported() {
        let m = Manifest::parse("[project]\nname = \"a\"\nname = \"b\"\n");
        assert_eq!(m.syntax_errors.len(), 1);
        assert!(
            m.syntax_errors[0].message.contains("duplicate"),
            "{:?}",
            m.syntax_errors
        );
    }

    #[test]
    fn unclosed_string_is_an_error_with_a_range() {
        let m = Manifest::parse("[project]\nname = \"demo\n");
        assert!(!m.syntax_errors.is_empty());
        assert!(m.syntax_errors.iter().all(|e| e.range.start >= 10));
    }
}
