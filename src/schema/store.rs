//! Where schemas come from: the bundled files (parsed lazily, once per file), schemas that
//! settings add or override per tool, and `$ref` resolution within and across files.

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::bundled;

/// One schema node together with the document (file) it lives in, so that a local
/// `#/definitions/...` reference inside it resolves against the right file.
#[derive(Clone, Copy, Debug)]
pub struct Node<'a> {
    pub doc: &'a Value,
    pub schema: &'a Value,
}

impl<'a> Node<'a> {
    pub fn root(doc: &'a Value) -> Node<'a> {
        Node { doc, schema: doc }
    }

    /// The same document, another node inside it.
    pub fn at(self, schema: &'a Value) -> Node<'a> {
        Node {
            doc: self.doc,
            schema,
        }
    }

    pub fn get(self, key: &str) -> Option<&'a Value> {
        self.schema.as_object().and_then(|o| o.get(key))
    }

    /// Identity of the schema node, to de-duplicate nodes reached by several routes.
    pub fn id(self) -> *const Value {
        self.schema as *const Value
    }
}

/// Schemas that settings add or put in place of a bundled one, keyed by `[tool.X]` name.
/// Parsing happens once, when the settings change; lookups borrow from here.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    tools: Vec<(String, Arc<Value>)>,
}

impl Overrides {
    /// Adds (or replaces) the schema for `tool` from JSON text. A text that is not JSON is
    /// described in the `Err`, and the bundled schema (if any) stays in use.
    pub fn add_json(&mut self, tool: &str, text: &str) -> Result<(), String> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| format!("schema for tool.{tool} is not valid JSON: {e}"))?;
        if !value.is_object() && !value.is_boolean() {
            return Err(format!(
                "schema for tool.{tool} is not a JSON Schema object"
            ));
        }
        self.tools.retain(|(t, _)| t != tool);
        self.tools.push((tool.to_string(), Arc::new(value)));
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    fn get(&self, tool: &str) -> Option<&Value> {
        self.tools
            .iter()
            .find(|(t, _)| t == tool)
            .map(|(_, v)| v.as_ref())
    }

    fn by_id(&self, id: &str) -> Option<&Value> {
        self.tools.iter().map(|(_, v)| v.as_ref()).find(|v| {
            v.get("$id")
                .and_then(Value::as_str)
                .is_some_and(|own| same_id(own, id))
        })
    }
}

/// One `schemas` setting entry: a tool and where its schema is.
#[derive(Clone, Copy, Debug)]
pub struct SchemaSource<'s> {
    pub tool: &'s str,
    pub path: Option<&'s str>,
    pub url: Option<&'s str>,
}

/// The JSON text of a schema named by URL, as the caller's fetcher knows it now: `Ok(Some)`
/// fetched, `Ok(None)` not yet (the bundled schema, if any, stays in use meanwhile), `Err` why
/// it cannot be had. This module never touches the network; `index` fetches.
pub type UrlText<'f> = &'f dyn Fn(&str) -> Result<Option<Arc<str>>, String>;

/// Reads the schemas named by the `schemas` setting: paths relative to `base` (the project
/// directory), URLs through `fetched`. Files are cached by path and modification time, URL
/// texts by identity, so calling this on every diagnostics run costs a `stat` per path entry
/// and parses each schema once. Returns what could be loaded and a message per entry that
/// could not (missing file, bad JSON, a failed fetch); the bundled schema then stays in use.
pub fn load_overrides(
    sources: &[SchemaSource<'_>],
    base: Option<&std::path::Path>,
    fetched: UrlText<'_>,
) -> (Arc<Overrides>, Vec<String>) {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::Mutex;
    use std::time::SystemTime;
    type Parsed = Result<Arc<Value>, String>;
    type FileCache = HashMap<PathBuf, (Option<SystemTime>, Parsed)>;
    type UrlCache = HashMap<String, (Arc<str>, Parsed)>;
    static FILES: OnceLock<Mutex<FileCache>> = OnceLock::new();
    static URLS: OnceLock<Mutex<UrlCache>> = OnceLock::new();
    if sources.is_empty() {
        return (Arc::new(Overrides::default()), Vec::new());
    }
    let parse = |text: &str, origin: &str| -> Parsed {
        serde_json::from_str::<Value>(text)
            .map(Arc::new)
            .map_err(|e| format!("{origin}: not valid JSON: {e}"))
    };
    let mut overrides = Overrides::default();
    let mut problems = Vec::new();
    for src in sources {
        let loaded = match (src.path, src.url) {
            (Some(path), _) => {
                let path = match base {
                    Some(dir) if std::path::Path::new(path).is_relative() => dir.join(path),
                    _ => PathBuf::from(path),
                };
                let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                let cache = FILES.get_or_init(|| Mutex::new(HashMap::new()));
                let Ok(mut map) = cache.lock() else { continue };
                let fresh = map
                    .get(&path)
                    .is_some_and(|(t, _)| *t == mtime && mtime.is_some());
                if !fresh {
                    let result = match std::fs::read_to_string(&path) {
                        Ok(text) => parse(&text, &path.display().to_string()),
                        Err(e) => Err(format!("{}: {e}", path.display())),
                    };
                    map.insert(path.clone(), (mtime, result));
                }
                map.get(&path).map(|(_, r)| r.clone())
            }
            (None, Some(url)) => match fetched(url) {
                Ok(Some(text)) => {
                    let cache = URLS.get_or_init(|| Mutex::new(HashMap::new()));
                    let Ok(mut map) = cache.lock() else { continue };
                    let fresh = map.get(url).is_some_and(|(t, _)| Arc::ptr_eq(t, &text));
                    if !fresh {
                        let result = parse(&text, &crate::index::auth::redact(url));
                        map.insert(url.to_string(), (text, result));
                    }
                    map.get(url).map(|(_, r)| r.clone())
                }
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            },
            (None, None) => None,
        };
        match loaded {
            Some(Ok(value)) => {
                overrides.tools.retain(|(t, _)| t != src.tool);
                overrides.tools.push((src.tool.to_string(), value));
            }
            Some(Err(e)) => problems.push(format!("schema for tool.{}: {e}", src.tool)),
            None => {}
        }
    }
    (Arc::new(overrides), problems)
}

/// The parsed bundled files, one slot per entry of `bundled::FILES`, each filled on first use.
fn parsed() -> &'static [OnceLock<Option<Value>>] {
    static SLOTS: OnceLock<Vec<OnceLock<Option<Value>>>> = OnceLock::new();
    SLOTS.get_or_init(|| bundled::FILES.iter().map(|_| OnceLock::new()).collect())
}

fn bundled_file(index: usize) -> Option<&'static Value> {
    let (_, _, text) = bundled::FILES.get(index)?;
    parsed()
        .get(index)?
        .get_or_init(|| serde_json::from_str(text).ok())
        .as_ref()
}

/// Tool names that have a bundled schema.
pub fn bundled_tools() -> impl Iterator<Item = &'static str> {
    bundled::TOOLS.iter().map(|(tool, _, _)| *tool)
}

/// The set of schemas in force: the bundled ones plus the overrides from settings.
#[derive(Clone, Copy, Debug)]
pub struct Catalog<'a> {
    pub overrides: &'a Overrides,
}

impl<'a> Catalog<'a> {
    pub fn new(overrides: &'a Overrides) -> Catalog<'a> {
        Catalog { overrides }
    }

    /// The bundled schemas only.
    pub fn bundled() -> Catalog<'static> {
        static NONE: OnceLock<Overrides> = OnceLock::new();
        Catalog {
            overrides: NONE.get_or_init(Overrides::default),
        }
    }

    /// The schema for `[tool.<tool>]`, if one is known. Loads (parses) its file on first use.
    pub fn tool(&self, tool: &str) -> Option<Node<'a>> {
        if let Some(doc) = self.overrides.get(tool) {
            return Some(Node::root(doc));
        }
        let (_, file, pointer) = bundled::TOOLS.iter().find(|(t, _, _)| *t == tool)?;
        let index = bundled::FILES
            .iter()
            .position(|(name, _, _)| name == file)?;
        let doc = bundled_file(index)?;
        let schema = if pointer.is_empty() {
            doc
        } else {
            doc.pointer(pointer)?
        };
        Some(Node { doc, schema })
    }

    fn doc_by_id(&self, id: &str) -> Option<&'a Value> {
        if let Some(doc) = self.overrides.by_id(id) {
            return Some(doc);
        }
        let index = bundled::FILES
            .iter()
            .position(|(_, own, _)| same_id(own, id))?;
        bundled_file(index)
    }

    /// Follows a `$ref` found in `from`. `None` when the target cannot be found: callers treat
    /// an unresolvable reference as "anything goes", never as an error.
    pub fn resolve(&self, from: Node<'a>, reference: &str) -> Option<Node<'a>> {
        let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if base.is_empty()
            || from
                .doc
                .get("$id")
                .and_then(Value::as_str)
                .is_some_and(|own| same_id(own, base))
        {
            from.doc
        } else {
            self.doc_by_id(base)?
        };
        let schema = if fragment.is_empty() {
            doc
        } else {
            doc.pointer(&decode_pointer(fragment))?
        };
        Some(Node { doc, schema })
    }
}

/// SchemaStore ids are written with and without `www.`, `http` or `https`, and a trailing `#`.
fn same_id(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> &str {
        let s = s.trim_end_matches('#');
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(s);
        let s = s.strip_prefix("www.").unwrap_or(s);
        s.strip_prefix("json.").unwrap_or(s)
    }
    norm(a) == norm(b)
}

/// A `$ref` fragment may be percent-encoded (`%24defs`); JSON pointers want it plain.
fn decode_pointer(fragment: &str) -> String {
    if !fragment.contains('%') {
        return fragment.to_string();
    }
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&fragment[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_parses_and_every_tool_resolves() {
        for (i, (name, _, _)) in bundled::FILES.iter().enumerate() {
            assert!(bundled_file(i).is_some(), "{name} does not parse");
        }
        let cat = Catalog::bundled();
        for tool in bundled_tools() {
            assert!(cat.tool(tool).is_some(), "no schema for {tool}");
        }
    }

    #[test]
    fn ids_match_across_spellings() {
        assert!(same_id(
            "https://json.schemastore.org/tox.json",
            "https://json.schemastore.org/tox.json#"
        ));
        assert!(same_id(
            "https://www.schemastore.org/tombi.json",
            "https://json.schemastore.org/tombi.json"
        ));
        assert!(!same_id(
            "https://json.schemastore.org/tox.json",
            "https://json.schemastore.org/uv.json"
        ));
    }

    #[test]
    fn cross_file_reference_resolves() {
        let cat = Catalog::bundled();
        let pdm = cat.tool("pdm").expect("pdm");
        let target = cat.resolve(
            pdm,
            "https://json.schemastore.org/partial-pdm-dockerize.json",
        );
        assert!(target.is_some_and(|n| n.schema.get("properties").is_some()));
    }
}
