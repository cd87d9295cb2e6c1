//! A TOML value as the schema walker sees it: JSON-like kinds, with the byte span of every
//! value and key, built from a `toml_edit` item parsed with spans.

use std::ops::Range;

use toml_edit::{Item, TableLike, Value as TomlValue};

#[derive(Debug)]
pub struct Tv<'t> {
    pub kind: Kind<'t>,
    /// Where the value is written (for a table: its header, or its key when it has none).
    pub span: Range<usize>,
}

#[derive(Debug)]
pub enum Kind<'t> {
    Table(Vec<Entry<'t>>),
    Array(Vec<Tv<'t>>),
    Str(&'t str),
    Int(i64),
    Float(f64),
    Bool(bool),
    Datetime,
}

#[derive(Debug)]
pub struct Entry<'t> {
    pub key: &'t str,
    pub key_span: Range<usize>,
    pub value: Tv<'t>,
}

impl Tv<'_> {
    /// The TOML word for the kind, as messages use it.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Table(_) => "a table",
            Kind::Array(_) => "an array",
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Datetime => "a date-time",
        }
    }

    /// JSON form for `enum`/`const` comparison and for messages.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            Kind::Table(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.to_string(), e.value.to_json()))
                    .collect(),
            ),
            Kind::Array(items) => J::Array(items.iter().map(Tv::to_json).collect()),
            Kind::Str(s) => J::String((*s).to_string()),
            Kind::Int(i) => J::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Kind::Bool(b) => J::Bool(*b),
            Kind::Datetime => J::Null,
        }
    }

    /// Short rendering for messages: the string itself, or the TOML-ish literal.
    pub fn short(&self) -> String {
        match &self.kind {
            Kind::Str(s) => format!("\"{s}\""),
            Kind::Int(i) => i.to_string(),
            Kind::Float(f) => f.to_string(),
            Kind::Bool(b) => b.to_string(),
            _ => self.type_name().to_string(),
        }
    }
}

/// Builds the view of `item`. `fallback` is used where toml_edit has no span (values it made up).
pub fn from_item<'t>(item: &'t Item, fallback: Range<usize>) -> Option<Tv<'t>> {
    let span = item.span().unwrap_or(fallback);
    match item {
        Item::None => None,
        Item::Value(v) => Some(from_value(v, span)),
        Item::Table(t) => Some(Tv {
            kind: Kind::Table(entries(t, &span)),
            span,
        }),
        Item::ArrayOfTables(a) => {
            let items = a
                .iter()
                .map(|t| {
                    let s = t.span().unwrap_or_else(|| span.clone());
                    Tv {
                        kind: Kind::Table(entries(t, &s)),
                        span: s,
                    }
                })
                .collect();
            Some(Tv {
                kind: Kind::Array(items),
                span,
            })
        }
    }
}

fn from_value(v: &TomlValue, span: Range<usize>) -> Tv<'_> {
    let kind = match v {
        TomlValue::String(s) => Kind::Str(s.value().as_str()),
        TomlValue::Integer(i) => Kind::Int(*i.value()),
        TomlValue::Float(f) => Kind::Float(*f.value()),
        TomlValue::Boolean(b) => Kind::Bool(*b.value()),
        TomlValue::Datetime(_) => Kind::Datetime,
        TomlValue::Array(a) => Kind::Array(
            a.iter()
                .map(|item| {
                    let s = item.span().unwrap_or_else(|| span.clone());
                    from_value(item, s)
                })
                .collect(),
        ),
        TomlValue::InlineTable(t) => Kind::Table(entries(t, &span)),
    };
    Tv { kind, span }
}

fn entries<'t>(table: &'t dyn TableLike, parent: &Range<usize>) -> Vec<Entry<'t>> {
    let mut out = Vec::new();
    for (name, item) in table.iter() {
        let Some((key, _)) = table.get_key_value(name) else {
            continue;
        };
        let key_span = key.span().unwrap_or_else(|| parent.clone());
        // A dotted or implicit table has no span of its own: point at its key.
        let Some(value) = from_item(item, key_span.clone()) else {
            continue;
        };
        out.push(Entry {
            key: key.get(),
            key_span,
            value,
        });
    }
    out
}
