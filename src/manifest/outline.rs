//! An error-tolerant outline of a TOML document and the cursor context at an offset.
//!
//! The outline is built from `toml_parser`'s lexer tokens by a small recursive parser with our own
//! recovery rules, so that a half-typed document (an unclosed string, an unclosed array, a table
//! header with no closing bracket, a key with no value) still yields the structure that completion
//! and hover need. It never fails and never panics; it only records what it saw.

use std::ops::Range;

use toml_parser::Source;
use toml_parser::lexer::{Token, TokenKind};

/// Nesting deeper than this is recorded as an opaque value: it bounds recursion on hostile input.
const MAX_DEPTH: usize = 64;

/// One part of a (possibly dotted) key, decoded, with its span in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPart {
    pub name: String,
    pub span: Range<usize>,
}

/// A `[table]` or `[[array.of.tables]]` section, or the implicit root table (no header).
#[derive(Clone, Debug)]
pub struct Table {
    pub path: Vec<KeyPart>,
    /// Span of the header from `[` to `]` (or to the end of the line when unclosed).
    pub header: Option<Range<usize>>,
    pub array: bool,
    pub closed: bool,
    pub entries: Vec<Entry>,
    /// From the header's start to the start of the next header (or the end of the text).
    pub span: Range<usize>,
}

/// A `key = value` line, or a dangling key that has no `=` yet.
#[derive(Clone, Debug)]
pub struct Entry {
    pub key: Vec<KeyPart>,
    pub eq: Option<usize>,
    pub value: Option<Value>,
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Value {
    pub span: Range<usize>,
    pub kind: ValueKind,
}

#[derive(Clone, Debug)]
pub enum ValueKind {
    /// A string; `content` excludes the quotes. `text` is the decoded content.
    String {
        closed: bool,
        content: Range<usize>,
        text: String,
        multiline: bool,
    },
    /// Numbers, booleans, dates, or junk.
    Scalar,
    Array {
        items: Vec<Value>,
        closed: bool,
    },
    Table {
        entries: Vec<Entry>,
        closed: bool,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Outline {
    /// The implicit root table first, then each header in document order.
    pub tables: Vec<Table>,
}

impl Outline {
    pub fn parse(text: &str) -> Outline {
        let source = Source::new(text);
        let tokens: Vec<Token> = source.lex().into_vec();
        let mut parser = Parser {
            text,
            tokens: &tokens,
            pos: 0,
        };
        parser.document()
    }

    /// The table (section) the offset falls in.
    pub fn table_at(&self, offset: usize) -> Option<&Table> {
        self.tables.iter().rev().find(|t| t.span.start <= offset)
    }

    /// Every table path present (headers), as strings, for header completion.
    pub fn header_paths(&self) -> Vec<Vec<String>> {
        self.tables
            .iter()
            .filter(|t| t.header.is_some())
            .map(|t| t.path.iter().map(|k| k.name.clone()).collect())
            .collect()
    }

    /// Keys already present directly in the table at `path` (headers and dotted keys both count).
    pub fn keys_in(&self, path: &[&str]) -> Vec<String> {
        let mut keys = Vec::new();
        for table in &self.tables {
            let tpath: Vec<&str> = table.path.iter().map(|k| k.name.as_str()).collect();
            for entry in &table.entries {
                let full: Vec<&str> = tpath
                    .iter()
                    .copied()
                    .chain(entry.key.iter().map(|k| k.name.as_str()))
                    .collect();
                if full.len() > path.len() && full[..path.len()] == *path {
                    keys.push(full[path.len()].to_string());
                }
            }
            if tpath.len() > path.len() && tpath[..path.len()] == *path {
                keys.push(tpath[path.len()].to_string());
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }
}

/// A string under the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringAt {
    /// The whole string including quotes; for an unclosed string, up to the end of its line.
    pub range: Range<usize>,
    /// The content between the quotes.
    pub content: Range<usize>,
    /// The content typed before the cursor (raw text).
    pub typed: String,
    pub closed: bool,
    pub quote: char,
}

/// The array the cursor is in, with its items, so that an insertion can follow the layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArrayAt {
    pub range: Range<usize>,
    pub closed: bool,
    pub items: Vec<Range<usize>>,
    /// Number of items that end before the cursor.
    pub index: usize,
}

/// What is at a byte offset, for completion and hover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// Inside a table header: `typed` is the dotted path typed before the cursor, `range` the
    /// whole header content between the brackets (what a completion replaces).
    Header {
        typed: String,
        range: Range<usize>,
        array: bool,
    },
    /// Where a key is or can be written. `table` is the full path of the table the key goes in
    /// (including dotted parts typed before the current one); `prefix` the part typed so far.
    Key {
        table: Vec<String>,
        prefix: String,
        range: Range<usize>,
        existing: bool,
    },
    /// In a value position. `key` is the full dotted path from the root to the value.
    Value {
        key: Vec<String>,
        string: Option<StringAt>,
        array: Option<ArrayAt>,
        range: Option<Range<usize>>,
    },
    /// In a comment or somewhere nothing can be offered.
    None,
}

/// Computes the cursor context at `offset` (a byte offset; clamped to the text).
pub fn cursor_at(outline: &Outline, text: &str, offset: usize) -> Cursor {
    let offset = floor_char_boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if in_comment(before) {
        return Cursor::None;
    }
    let Some(table) = outline.table_at(offset) else {
        return key_cursor(Vec::new(), text, offset);
    };
    let table_path: Vec<String> = table.path.iter().map(|k| k.name.clone()).collect();
    if let Some(header) = &table.header {
        let header_line_end = text[header.start..]
            .find('\n')
            .map_or(text.len(), |i| header.start + i);
        if offset >= header.start
            && offset <= header_line_end.max(header.end)
            && !(table.closed && offset >= header.end)
        {
            let open = if table.array { 2 } else { 1 };
            let inner_start = (header.start + open).min(text.len());
            let inner_end = if table.closed {
                header.end.saturating_sub(open).max(inner_start)
            } else {
                header_line_end.max(inner_start)
            };
            let typed = text
                .get(inner_start..offset.max(inner_start))
                .unwrap_or("")
                .trim()
                .to_string();
            return Cursor::Header {
                typed,
                range: inner_start..inner_end,
                array: table.array,
            };
        }
    }
    for entry in &table.entries {
        if let Some(cursor) = entry_cursor(entry, &table_path, text, offset, 0) {
            return cursor;
        }
    }
    key_cursor(table_path, text, offset)
}

/// The largest char boundary at or before `offset` (clamped to the text).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn in_comment(before: &str) -> bool {
    // A `#` outside a string on this line: count quotes before it (good enough for a single line).
    let mut in_str: Option<char> = None;
    for c in before.chars() {
        match (in_str, c) {
            (None, '#') => return true,
            (None, '"' | '\'') => in_str = Some(c),
            (Some(q), c) if c == q => in_str = None,
            _ => {}
        }
    }
    false
}

/// A key position on an otherwise empty (or key-only) line.
fn key_cursor(table: Vec<String>, text: &str, offset: usize) -> Cursor {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    // Step over the whole character that ends the key: it may be several bytes long (fuzzing).
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or(line_start, |(i, c)| line_start + i + c.len_utf8());
    let end = text[offset..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or(text.len(), |i| offset + i);
    // Only whitespace may precede the key on its line; anything else is not a key position.
    if !text[line_start..start].trim().is_empty() {
        return Cursor::None;
    }
    Cursor::Key {
        table,
        prefix: text[start..offset].to_string(),
        range: start..end,
        existing: false,
    }
}

fn entry_cursor(
    entry: &Entry,
    table: &[String],
    text: &str,
    offset: usize,
    depth: usize,
) -> Option<Cursor> {
    if depth > MAX_DEPTH || offset < entry.span.start {
        return None;
    }
    let key_end = entry.key.last().map_or(entry.span.start, |k| k.span.end);
    // On the key itself (or right after it when no `=` was typed yet).
    let on_key = offset <= key_end || (entry.eq.is_none() && offset <= line_end(text, key_end));
    if on_key {
        let mut path = table.to_vec();
        for part in &entry.key {
            if offset <= part.span.end && offset >= part.span.start {
                let start = part.span.start;
                let typed = text.get(start..offset).unwrap_or("").to_string();
                return Some(Cursor::Key {
                    table: path,
                    prefix: typed,
                    range: part.span.clone(),
                    existing: true,
                });
            }
            path.push(part.name.clone());
        }
        if entry.eq.is_none() {
            // After a dotted key's trailing `.` or whitespace: a new key part.
            return Some(Cursor::Key {
                table: path,
                prefix: String::new(),
                range: offset..offset,
                existing: false,
            });
        }
        return None;
    }
    let eq = entry.eq?;
    if offset <= eq {
        return None;
    }
    let mut key: Vec<String> = table.to_vec();
    key.extend(entry.key.iter().map(|k| k.name.clone()));
    let Some(value) = &entry.value else {
        // `key = |` with nothing yet, on the same line.
        if offset <= line_end(text, eq) {
            return Some(Cursor::Value {
                key,
                string: None,
                array: None,
                range: None,
            });
        }
        return None;
    };
    if offset > value.span.end {
        // After the value on the same line (e.g. `name = "x" |`): nothing to offer.
        return if offset <= line_end(text, value.span.end) && value_open(value) {
            Some(Cursor::Value {
                key,
                string: None,
                array: None,
                range: None,
            })
        } else {
            None
        };
    }
    if offset < value.span.start {
        return Some(Cursor::Value {
            key,
            string: None,
            array: None,
            range: None,
        });
    }
    Some(value_cursor(value, key, text, offset, depth + 1))
}

fn value_open(value: &Value) -> bool {
    match &value.kind {
        ValueKind::String { closed, .. } => !closed,
        ValueKind::Array { closed, .. } | ValueKind::Table { closed, .. } => !closed,
        ValueKind::Scalar => true,
    }
}

fn line_end(text: &str, from: usize) -> usize {
    let from = from.min(text.len());
    text[from..].find('\n').map_or(text.len(), |i| from + i)
}

fn value_cursor(
    value: &Value,
    key: Vec<String>,
    text: &str,
    offset: usize,
    depth: usize,
) -> Cursor {
    match &value.kind {
        ValueKind::String {
            closed, content, ..
        } => {
            let string = string_at(value, *closed, content, text, offset);
            Cursor::Value {
                key,
                string,
                array: None,
                range: Some(value.span.clone()),
            }
        }
        ValueKind::Scalar => Cursor::Value {
            key,
            string: None,
            array: None,
            range: Some(value.span.clone()),
        },
        ValueKind::Array { items, closed } => {
            if offset == value.span.start || (*closed && offset >= value.span.end) {
                return Cursor::Value {
                    key,
                    string: None,
                    array: None,
                    range: Some(value.span.clone()),
                };
            }
            let index = items
                .iter()
                .filter(|i| i.span.end <= offset && !(i.span.start < offset && offset < i.span.end))
                .count();
            let array = ArrayAt {
                range: value.span.clone(),
                closed: *closed,
                items: items.iter().map(|i| i.span.clone()).collect(),
                index,
            };
            for item in items {
                let inside_open_string =
                    matches!(item.kind, ValueKind::String { closed: false, .. })
                        && offset >= item.span.start
                        && offset <= item.span.end;
                if (item.span.start < offset && offset < item.span.end) || inside_open_string {
                    if depth > MAX_DEPTH {
                        break;
                    }
                    let inner = value_cursor(item, key.clone(), text, offset, depth + 1);
                    return match inner {
                        Cursor::Value {
                            key,
                            string,
                            array: inner_array,
                            range,
                        } => Cursor::Value {
                            key,
                            string,
                            array: inner_array.or(Some(array)),
                            range,
                        },
                        other => other,
                    };
                }
            }
            Cursor::Value {
                key,
                string: None,
                array: Some(array),
                range: None,
            }
        }
        ValueKind::Table { entries, .. } => {
            for entry in entries {
                if let Some(cursor) = entry_cursor(entry, &key, text, offset, depth + 1) {
                    return cursor;
                }
            }
            // Inside `{ ... }` but not on an entry: a key position in the inline table.
            let before = &text[value.span.start..offset];
            let start = before
                .char_indices()
                .rev()
                .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .map_or(value.span.start, |(i, c)| {
                    value.span.start + i + c.len_utf8()
                });
            Cursor::Key {
                table: key,
                prefix: text[start..offset].to_string(),
                range: start..offset,
                existing: false,
            }
        }
    }
}

fn string_at(
    value: &Value,
    closed: bool,
    content: &Range<usize>,
    text: &str,
    offset: usize,
) -> Option<StringAt> {
    if offset < content.start || (closed && offset > content.end) {
        return None;
    }
    let quote = text[value.span.start..].chars().next().unwrap_or('"');
    let typed_end = offset.min(content.end.max(content.start));
    Some(StringAt {
        range: value.span.clone(),
        content: content.clone(),
        typed: text
            .get(content.start..typed_end.max(content.start))
            .unwrap_or("")
            .to_string(),
        closed,
        quote,
    })
}

struct Parser<'t> {
    text: &'t str,
    tokens: &'t [Token],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens
            .get(self.pos)
            .filter(|t| t.kind() != TokenKind::Eof)
    }

    fn peek_kind(&self) -> Option<TokenKind> {
        self.peek().map(|t| t.kind())
    }

    fn span(&self, token: &Token) -> Range<usize> {
        let span = token.span();
        span.start()..span.end()
    }

    fn slice(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        while self.peek_kind() == Some(TokenKind::Whitespace) {
            self.pos += 1;
        }
    }

    /// Skips whitespace, newlines and comments.
    fn skip_trivia(&mut self) {
        while matches!(
            self.peek_kind(),
            Some(TokenKind::Whitespace | TokenKind::Newline | TokenKind::Comment)
        ) {
            self.pos += 1;
        }
    }

    fn skip_to_line_end(&mut self) {
        while let Some(kind) = self.peek_kind() {
            if kind == TokenKind::Newline {
                break;
            }
            self.pos += 1;
        }
    }

    /// True when the next tokens look like a table header at the start of a line: used to stop an
    /// unclosed array or inline table from swallowing the rest of the document.
    fn at_header_line(&self) -> bool {
        let Some(token) = self.peek() else {
            return false;
        };
        if token.kind() != TokenKind::LeftSquareBracket {
            return false;
        }
        let start = self.span(token).start;
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        if !self.text[line_start..start].trim().is_empty() {
            return false;
        }
        let rest = &self.text[start..line_end(self.text, start)];
        let rest = rest.trim_start_matches('[');
        let Some(close) = rest.find(']') else {
            // `[tool.x` on its own line, without a closing bracket, is still a header being typed
            // when it starts with a key character.
            return rest.starts_with(|c: char| c.is_ascii_alphabetic());
        };
        let inner = rest[..close].trim();
        !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.\"' ".contains(c))
            && !inner.starts_with(['"', '\''])
    }

    fn document(&mut self) -> Outline {
        let mut tables = vec![Table {
            path: Vec::new(),
            header: None,
            array: false,
            closed: true,
            entries: Vec::new(),
            span: 0..0,
        }];
        loop {
            self.skip_trivia();
            let Some(token) = self.peek() else { break };
            if token.kind() == TokenKind::LeftSquareBracket {
                let table = self.header();
                tables.push(table);
                continue;
            }
            let entry = self.entry(0);
            let Some(table) = tables.last_mut() else {
                break;
            };
            match entry {
                Some(entry) => table.entries.push(entry),
                None => {
                    // A token that cannot start anything: skip the line.
                    self.pos += 1;
                    self.skip_to_line_end();
                }
            }
        }
        let len = self.text.len();
        let starts: Vec<usize> = tables
            .iter()
            .skip(1)
            .filter_map(|t| t.header.as_ref().map(|h| h.start))
            .collect();
        for (i, table) in tables.iter_mut().enumerate() {
            let start = if i == 0 {
                0
            } else {
                table.header.as_ref().map_or(0, |h| h.start)
            };
            let end = starts.get(i).copied().unwrap_or(len);
            table.span = start..end.max(start);
        }
        Outline { tables }
    }

    fn header(&mut self) -> Table {
        let Some(open) = self.peek().map(|t| self.span(t)) else {
            return Table {
                path: Vec::new(),
                header: None,
                array: false,
                closed: false,
                entries: Vec::new(),
                span: 0..0,
            };
        };
        self.pos += 1;
        let mut array = false;
        if let Some(next) = self.peek()
            && next.kind() == TokenKind::LeftSquareBracket
            && self.span(next).start == open.end
        {
            array = true;
            self.pos += 1;
        }
        self.skip_ws();
        let path = self.key_parts();
        self.skip_ws();
        let mut closed = false;
        let mut end = path
            .last()
            .map_or(open.end + usize::from(array), |k| k.span.end);
        if self.peek_kind() == Some(TokenKind::RightSquareBracket) {
            let close = self.peek().map(|t| self.span(t)).unwrap_or(end..end);
            self.pos += 1;
            end = close.end;
            closed = true;
            if array {
                if let Some(next) = self.peek()
                    && next.kind() == TokenKind::RightSquareBracket
                    && self.span(next).start == close.end
                {
                    end = self.span(next).end;
                    self.pos += 1;
                } else {
                    closed = false;
                }
            }
        }
        self.skip_to_line_end();
        Table {
            path,
            header: Some(open.start..end),
            array,
            closed,
            entries: Vec::new(),
            span: open.start..open.start,
        }
    }

    /// Reads `a.b."c"` key parts, stopping at `=`, `]`, newline or anything else.
    fn key_parts(&mut self) -> Vec<KeyPart> {
        let mut parts = Vec::new();
        loop {
            self.skip_ws();
            let Some(token) = self.peek() else { break };
            let span = self.span(token);
            match token.kind() {
                TokenKind::Atom => {
                    // An atom may contain dots (`a.b` lexes as one atom when it looks like a float).
                    let raw = self.slice(&span).to_string();
                    let mut at = span.start;
                    for piece in raw.split('.') {
                        parts.push(KeyPart {
                            name: piece.to_string(),
                            span: at..at + piece.len(),
                        });
                        at += piece.len() + 1;
                    }
                    self.pos += 1;
                }
                TokenKind::BasicString | TokenKind::LiteralString => {
                    let raw = self.slice(&span);
                    parts.push(KeyPart {
                        name: decode_string(raw),
                        span,
                    });
                    self.pos += 1;
                }
                _ => break,
            }
            self.skip_ws();
            if self.peek_kind() == Some(TokenKind::Dot) {
                self.pos += 1;
                continue;
            }
            break;
        }
        parts
    }

    fn entry(&mut self, depth: usize) -> Option<Entry> {
        let start = self.peek().map(|t| self.span(t).start)?;
        let key = self.key_parts();
        if key.is_empty() {
            return None;
        }
        self.skip_ws();
        let mut end = key.last().map_or(start, |k| k.span.end);
        if self.peek_kind() != Some(TokenKind::Equals) {
            // A dangling key (half-typed line), possibly ending in a `.`.
            if self.peek_kind() == Some(TokenKind::Dot) {
                if let Some(t) = self.peek() {
                    end = self.span(t).end;
                }
                self.pos += 1;
            }
            if depth == 0 {
                self.skip_to_line_end();
            }
            return Some(Entry {
                key,
                eq: None,
                value: None,
                span: start..end,
            });
        }
        let eq = self.peek().map(|t| self.span(t).start).unwrap_or(end);
        self.pos += 1;
        self.skip_ws();
        let value = match self.peek_kind() {
            None | Some(TokenKind::Newline | TokenKind::Comment) => None,
            _ => Some(self.value(depth + 1)),
        };
        end = value.as_ref().map_or(eq + 1, |v| v.span.end);
        if depth == 0 && !self.at_line_start() {
            self.skip_to_line_end();
        }
        Some(Entry {
            key,
            eq: Some(eq),
            value,
            span: start..end,
        })
    }

    fn value(&mut self, depth: usize) -> Value {
        let Some(token) = self.peek() else {
            let end = self.text.len();
            return Value {
                span: end..end,
                kind: ValueKind::Scalar,
            };
        };
        let span = self.span(token);
        let kind = token.kind();
        if depth > MAX_DEPTH {
            self.skip_to_line_end();
            return Value {
                span,
                kind: ValueKind::Scalar,
            };
        }
        match kind {
            TokenKind::BasicString
            | TokenKind::LiteralString
            | TokenKind::MlBasicString
            | TokenKind::MlLiteralString => {
                self.pos += 1;
                let raw = self.slice(&span);
                let quote_len =
                    if matches!(kind, TokenKind::MlBasicString | TokenKind::MlLiteralString) {
                        3
                    } else {
                        1
                    };
                let quote = &raw[..quote_len.min(raw.len())];
                let closed = raw.len() >= 2 * quote_len && raw.ends_with(quote);
                let content_start = (span.start + quote_len).min(span.end);
                let content_end = if closed {
                    span.end - quote_len
                } else {
                    span.end
                };
                let text = if closed {
                    decode_string(raw)
                } else {
                    self.slice(&(content_start..content_end)).to_string()
                };
                Value {
                    span,
                    kind: ValueKind::String {
                        closed,
                        content: content_start..content_end.max(content_start),
                        text,
                        multiline: quote_len == 3,
                    },
                }
            }
            TokenKind::LeftSquareBracket => self.array(span.start, depth),
            TokenKind::LeftCurlyBracket => self.inline_table(span.start, depth),
            _ => {
                // Scalars: atoms, possibly with dots, `+`/`:`/spaces in dates; consume up to a delimiter.
                let mut end = span.end;
                self.pos += 1;
                while let Some(t) = self.peek() {
                    match t.kind() {
                        TokenKind::Atom | TokenKind::Dot => {
                            end = self.span(t).end;
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                Value {
                    span: span.start..end,
                    kind: ValueKind::Scalar,
                }
            }
        }
    }

    /// Skips whitespace, newlines, comments and commas between items, moving `end` past them.
    fn skip_separators(&mut self, end: &mut usize) {
        while matches!(
            self.peek_kind(),
            Some(
                TokenKind::Whitespace | TokenKind::Newline | TokenKind::Comment | TokenKind::Comma
            )
        ) {
            if let Some(t) = self.peek() {
                *end = self.span(t).end;
            }
            self.pos += 1;
        }
    }

    fn array(&mut self, start: usize, depth: usize) -> Value {
        self.pos += 1;
        let mut items = Vec::new();
        let mut end = start + 1;
        loop {
            self.skip_separators(&mut end);
            let Some(token) = self.peek() else {
                return Value {
                    span: start..self.text.len(),
                    kind: ValueKind::Array {
                        items,
                        closed: false,
                    },
                };
            };
            match token.kind() {
                TokenKind::RightSquareBracket => {
                    let close = self.span(token);
                    self.pos += 1;
                    return Value {
                        span: start..close.end,
                        kind: ValueKind::Array {
                            items,
                            closed: true,
                        },
                    };
                }
                TokenKind::LeftSquareBracket if self.at_header_line() => {
                    // The array was never closed; the next table begins here.
                    return Value {
                        span: start..end,
                        kind: ValueKind::Array {
                            items,
                            closed: false,
                        },
                    };
                }
                TokenKind::Equals | TokenKind::RightCurlyBracket | TokenKind::Dot => {
                    self.pos += 1;
                }
                _ => {
                    // An unquoted word at the start of a line followed by `=` means the array was not
                    // closed and a new key begins.
                    if token.kind() == TokenKind::Atom && self.atom_starts_entry() {
                        return Value {
                            span: start..end,
                            kind: ValueKind::Array {
                                items,
                                closed: false,
                            },
                        };
                    }
                    let item = self.value(depth + 1);
                    end = item.span.end;
                    items.push(item);
                }
            }
        }
    }

    /// True when the next token is the first thing on its line (an unclosed value stopped there).
    fn at_line_start(&self) -> bool {
        let Some(token) = self.peek() else {
            return false;
        };
        let start = self.span(token).start;
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        token.kind() != TokenKind::Newline && self.text[line_start..start].trim().is_empty()
    }

    /// An atom at the start of its line followed by `=` (a key), not an array item.
    fn atom_starts_entry(&self) -> bool {
        let Some(token) = self.peek() else {
            return false;
        };
        let start = self.span(token).start;
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        if !self.text[line_start..start].trim().is_empty() {
            return false;
        }
        let rest = &self.text[start..line_end(self.text, start)];
        rest.split_once('=').is_some_and(|(k, _)| {
            let k = k.trim();
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_. \"'".contains(c))
        })
    }

    fn inline_table(&mut self, start: usize, depth: usize) -> Value {
        self.pos += 1;
        let mut entries = Vec::new();
        let mut end = start + 1;
        loop {
            self.skip_separators(&mut end);
            let Some(token) = self.peek() else {
                return Value {
                    span: start..self.text.len(),
                    kind: ValueKind::Table {
                        entries,
                        closed: false,
                    },
                };
            };
            match token.kind() {
                TokenKind::RightCurlyBracket => {
                    let close = self.span(token);
                    self.pos += 1;
                    return Value {
                        span: start..close.end,
                        kind: ValueKind::Table {
                            entries,
                            closed: true,
                        },
                    };
                }
                TokenKind::LeftSquareBracket if self.at_header_line() => {
                    return Value {
                        span: start..end,
                        kind: ValueKind::Table {
                            entries,
                            closed: false,
                        },
                    };
                }
                TokenKind::Atom | TokenKind::BasicString | TokenKind::LiteralString => {
                    let before = self.pos;
                    match self.entry(depth + 1) {
                        Some(entry) => {
                            end = entry.span.end;
                            entries.push(entry);
                        }
                        None => self.pos = before + 1,
                    }
                }
                _ => {
                    self.pos += 1;
                }
            }
        }
    }
}

/// Decodes a TOML string token (basic or literal, single or multi-line) to its value. Invalid
/// escapes are kept as written: the syntax diagnostics report them.
pub fn decode_string(raw: &str) -> String {
    let (quote_len, basic) = if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with("'''") {
        (3, false)
    } else if raw.starts_with('"') {
        (1, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else {
        return raw.to_string();
    };
    let end = if raw.len() >= 2 * quote_len && raw.ends_with(&raw[..quote_len]) {
        raw.len() - quote_len
    } else {
        raw.len()
    };
    let inner = raw.get(quote_len..end.max(quote_len)).unwrap_or("");
    let inner = if quote_len == 3 {
        inner
            .strip_prefix('\n')
            .or_else(|| inner.strip_prefix("\r\n"))
            .unwrap_or(inner)
    } else {
        inner
    };
    if !basic {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('e') => out.push('\u{1b}'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(u @ ('u' | 'U' | 'x')) => {
                let n = match u {
                    'u' => 4,
                    'U' => 8,
                    _ => 2,
                };
                let hex: String = chars.by_ref().take(n).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(u);
                        out.push_str(&hex);
                    }
                }
            }
            Some('\n' | '\r' | ' ' | '\t') => {
                // Line-ending backslash in multi-line strings trims following whitespace.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(text_with_marker: &str) -> Cursor {
        let offset = text_with_marker.find('|').expect("marker");
        let text = text_with_marker.replacen('|', "", 1);
        let outline = Outline::parse(&text);
        cursor_at(&outline, &text, offset)
    }

    #[test]
    fn key_on_empty_line() {
        let c = cursor("[project]\nname = \"x\"\n|\n");
        assert_eq!(
            c,
            Cursor::Key {
                table: vec!["project".into()],
                prefix: String::new(),
                range: 21..21,
                existing: false
            }
        );
    }

    #[test]
    fn partial_key() {
        let c = cursor("[project]\nreq|\n");
        assert!(
            matches!(c, Cursor::Key { ref table, ref prefix, .. } if table == &["project"] && prefix == "req")
        );
    }

    #[test]
    fn header_unclosed() {
        let c = cursor("[proj|\n");
        assert!(matches!(c, Cursor::Header { ref typed, .. } if typed == "proj"));
    }

    #[test]
    fn header_dotted() {
        let c = cursor("[tool.|]\n");
        assert!(matches!(c, Cursor::Header { ref typed, .. } if typed == "tool."));
    }

    #[test]
    fn value_in_unclosed_string_in_unclosed_array() {
        let c = cursor("[project]\nclassifiers = [\n  \"Prog|\n\n[tool.x]\n");
        let Cursor::Value {
            key,
            string: Some(s),
            array: Some(_),
            ..
        } = c
        else {
            panic!("{c:?}")
        };
        assert_eq!(key, vec!["project", "classifiers"]);
        assert_eq!(s.typed, "Prog");
        assert!(!s.closed);
    }

    #[test]
    fn empty_line_in_array() {
        let c = cursor("[project]\nclassifiers = [\n  \"A\",\n  |\n]\n");
        let Cursor::Value {
            key,
            string: None,
            array: Some(a),
            ..
        } = c
        else {
            panic!("{c:?}")
        };
        assert_eq!(key, vec!["project", "classifiers"]);
        assert_eq!(a.index, 1);
    }

    #[test]
    fn unclosed_array_stops_at_next_key() {
        let text = "[project]\ndependencies = [\n  \"a\",\nname = \"x\"\n";
        let outline = Outline::parse(text);
        let names: Vec<_> = outline.tables[1]
            .entries
            .iter()
            .map(|e| e.key[0].name.clone())
            .collect();
        assert_eq!(names, vec!["dependencies", "name"]);
    }

    #[test]
    fn inline_table_key() {
        let c = cursor("[project]\nreadme = { fi| }\n");
        assert!(
            matches!(c, Cursor::Key { ref table, ref prefix, .. } if table == &["project", "readme"] && prefix == "fi")
        );
    }

    #[test]
    fn value_after_eq() {
        let c = cursor("[build-system]\nbuild-backend = |\n");
        assert!(
            matches!(c, Cursor::Value { ref key, string: None, .. } if key == &["build-system", "build-backend"])
        );
    }

    #[test]
    fn comment_gives_none() {
        assert_eq!(cursor("[project]\n# na|\n"), Cursor::None);
    }

    #[test]
    fn decode() {
        assert_eq!(decode_string(r#""a\"b\u00e9""#), "a\"bé");
        assert_eq!(decode_string("'a\\b'"), "a\\b");
    }
}
