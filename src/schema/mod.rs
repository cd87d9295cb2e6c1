//! JSON Schemas for `[tool.*]` tables: the bundled SchemaStore files, loaded lazily, and our own
//! walk over them for validation (with byte spans), key/value completion and hover.
//!
//! Nothing here does I/O or knows LSP types: settings hand in extra schemas as JSON text
//! ([`Overrides::add_json`]), the rules turn [`Finding`]s into diagnostics, and the features
//! turn candidates into completion items and hovers. Paths are the keys below `tool.<name>`,
//! e.g. `["lint", "select"]` for `[tool.ruff.lint] select`.

mod bundled;
mod store;
mod validate;
mod value;
mod walk;

use serde_json::Value;

pub use store::{Catalog, Node, Overrides, SchemaSource, UrlText, bundled_tools, load_overrides};
pub use validate::{Finding, FindingKind, closest};

/// Version of the package the bundled schemas come from (for `--version` and the README).
pub const BUNDLED_SOURCE_VERSION: &str = bundled::SOURCE_VERSION;

/// The overrides named by the `schemas` setting, paths read relative to the project directory,
/// URLs as `fetched` has them: what the server and the CLI put in `rules::Facts::tool_schemas`.
/// The messages describe entries that could not be used (for the log or a settings warning).
pub fn overrides_from_settings(
    settings: &crate::config::Settings,
    project_dir: Option<&std::path::Path>,
    fetched: UrlText<'_>,
) -> (std::sync::Arc<Overrides>, Vec<String>) {
    let sources: Vec<SchemaSource<'_>> = settings
        .schemas
        .iter()
        .map(|s| SchemaSource {
            tool: &s.tool,
            path: s.path.as_deref(),
            url: s.url.as_deref(),
        })
        .collect();
    load_overrides(&sources, project_dir, fetched)
}

/// The URLs that the `schemas` setting names (entries with a path use the path).
pub fn urls_in_settings(settings: &crate::config::Settings) -> Vec<String> {
    settings
        .schemas
        .iter()
        .filter(|s| s.path.is_none())
        .filter_map(|s| s.url.clone())
        .collect()
}

/// Findings for one `[tool.X]` table.
#[derive(Clone, Debug)]
pub struct ToolFindings {
    pub tool: String,
    pub findings: Vec<Finding>,
}

/// Whether `[tool.<tool>]` has a schema (bundled or from settings).
pub fn has_schema(cat: &Catalog<'_>, tool: &str) -> bool {
    cat.tool(tool).is_some()
}

/// Validates the `[tool.<tool>]` item (as parsed with spans). Tools without a schema, and
/// items toml_edit could not give, yield nothing.
pub fn validate_tool(cat: &Catalog<'_>, tool: &str, item: &toml_edit::Item) -> Vec<Finding> {
    let Some(root) = cat.tool(tool) else {
        return Vec::new();
    };
    let Some(tv) = value::from_item(item, item.span().unwrap_or(0..0)) else {
        return Vec::new();
    };
    validate::validate(cat, root, &tv)
}

/// Validates every `[tool.X]` table of a document root that has a schema.
pub fn validate_document(cat: &Catalog<'_>, root: &toml_edit::Table) -> Vec<ToolFindings> {
    let Some(tools) = root.get("tool").and_then(toml_edit::Item::as_table_like) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, item) in tools.iter() {
        let findings = validate_tool(cat, name, item);
        if !findings.is_empty() {
            out.push(ToolFindings {
                tool: name.to_string(),
                findings,
            });
        }
    }
    out
}

/// A key that may be written at a path.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyCandidate {
    pub name: String,
    /// The accepted types, e.g. `integer` or `string | array`.
    pub detail: String,
    /// Markdown: description, default, link.
    pub documentation: Option<String>,
    pub deprecated: bool,
    /// The key's value is (or may be) a table: offer `[header]` / dotted forms.
    pub is_table: bool,
    /// The key's value is (or may be) an array of tables (`[[header]]`).
    pub is_array: bool,
}

/// Keys the schema declares at `path` below `[tool.<tool>]`, in schema order. Keys hidden by
/// `x-taplo` are left out; deprecated ones are kept and marked.
pub fn key_candidates(cat: &Catalog<'_>, tool: &str, path: &[&str]) -> Vec<KeyCandidate> {
    let Some(root) = cat.tool(tool) else {
        return Vec::new();
    };
    let nodes = walk::at_path(cat, root, path);
    let mut out: Vec<KeyCandidate> = Vec::new();
    let mut containers = Vec::new();
    for n in &nodes {
        for e in walk::expand(cat, *n) {
            containers.push(e);
            if let Some(items) = e.get("items").filter(|i| i.is_object()) {
                containers.extend(walk::expand(cat, e.at(items)));
            }
        }
    }
    for c in containers {
        let Some(props) = c.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (name, sub) in props {
            if out.iter().any(|k| &k.name == name) || sub == &Value::Bool(false) {
                continue;
            }
            let sub_nodes = walk::expand(cat, c.at(sub));
            if walk::is_hidden(&sub_nodes) {
                continue;
            }
            let types = walk::types_of(&sub_nodes);
            out.push(KeyCandidate {
                name: name.clone(),
                detail: types.join(" | "),
                documentation: documentation(&sub_nodes),
                deprecated: walk::is_deprecated(&sub_nodes[..sub_nodes.len().min(2)]),
                is_table: types.iter().any(|t| t == "table"),
                is_array: types.iter().any(|t| t == "array"),
            });
        }
    }
    out
}

/// A value that may be written at a path.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueCandidate {
    pub value: Value,
    /// The value written as TOML (strings quoted).
    pub toml: String,
    /// The string content, for insertion inside quotes already typed.
    pub text: Option<String>,
    pub documentation: Option<String>,
}

/// Enum/const values (and booleans) allowed at `path`, including inside an array there.
pub fn value_candidates(cat: &Catalog<'_>, tool: &str, path: &[&str]) -> Vec<ValueCandidate> {
    let Some(root) = cat.tool(tool) else {
        return Vec::new();
    };
    let mut nodes = Vec::new();
    for n in walk::at_path(cat, root, path) {
        for e in walk::expand(cat, n) {
            nodes.push(e);
            if let Some(items) = e.get("items").filter(|i| i.is_object()) {
                nodes.extend(walk::expand(cat, e.at(items)));
            }
        }
    }
    walk::allowed_values(&nodes)
        .into_iter()
        .map(|(value, doc)| ValueCandidate {
            toml: walk::to_toml(&value),
            text: value.as_str().map(str::to_string),
            documentation: doc.map(str::to_string),
            value,
        })
        .collect()
}

/// Hover markdown for the key at `path`: description, accepted types, default, allowed values.
pub fn hover(cat: &Catalog<'_>, tool: &str, path: &[&str]) -> Option<String> {
    let root = cat.tool(tool)?;
    let nodes: Vec<Node<'_>> = walk::at_path(cat, root, path)
        .into_iter()
        .flat_map(|n| walk::expand(cat, n))
        .collect();
    if nodes.is_empty() {
        return None;
    }
    let mut md = format!(
        "**`tool.{tool}{}{}`**",
        if path.is_empty() { "" } else { "." },
        path.join(".")
    );
    let types = walk::types_of(&nodes);
    if !types.is_empty() {
        md.push_str(&format!(": {}", types.join(" | ")));
    }
    if walk::is_deprecated(&nodes[..nodes.len().min(2)]) {
        md.push_str(" *(deprecated)*");
    }
    if let Some(doc) = documentation(&nodes) {
        md.push_str("\n\n");
        md.push_str(&doc);
    }
    let values = walk::allowed_values(&nodes);
    if !values.is_empty() && values.len() <= 12 && !types.iter().all(|t| t == "boolean") {
        let list: Vec<String> = values
            .iter()
            .map(|(v, _)| format!("`{}`", walk::to_toml(v)))
            .collect();
        md.push_str(&format!("\n\nAllowed values: {}", list.join(", ")));
    }
    Some(md)
}

/// Markdown for a set of nodes: description, default and documentation link.
fn documentation(nodes: &[Node<'_>]) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(d) = walk::description(nodes) {
        parts.push(d.trim().to_string());
    }
    if let Some(def) = walk::default_value(nodes).filter(|d| !d.is_null()) {
        parts.push(format!("Default: `{}`", walk::to_toml(def)));
    }
    if let Some(link) = walk::doc_link(nodes) {
        parts.push(format!("[Documentation]({link})"));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

#[cfg(test)]
mod tests;
