//! Checks the Helix snippet in `editors/helix/languages.toml`: valid TOML, the keys Helix accepts,
//! and a `command` that is this crate's binary name.
//!
//! No Helix binary can be installed where CI runs, so this is what stands in for `hx --health`:
//! Helix refuses unknown keys (`deny_unknown_fields`), so the test checks keys against the sets
//! Helix accepts for `[language-server.*]` and `[[language]]` entries.

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table};

const SNIPPET: &str = "editors/helix/languages.toml";

/// Keys Helix 25.x accepts in a `[language-server.NAME]` table.
const SERVER_KEYS: &[&str] = &[
    "command",
    "args",
    "config",
    "environment",
    "timeout",
    "required-root-patterns",
];

/// Keys Helix 25.x accepts in a `[[language]]` entry (helix-core `LanguageConfiguration`).
const LANGUAGE_KEYS: &[&str] = &[
    "name",
    "language-id",
    "scope",
    "file-types",
    "shebangs",
    "roots",
    "comment-token",
    "comment-tokens",
    "block-comment-tokens",
    "text-width",
    "soft-wrap",
    "auto-format",
    "formatter",
    "diagnostic-severity",
    "grammar",
    "injection-regex",
    "language-servers",
    "indent",
    "debugger",
    "auto-pairs",
    "rulers",
    "workspace-lsp-roots",
    "persistent-diagnostic-sources",
    "path-completion",
    "word-completion",
];

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn parse(text: &str) -> DocumentMut {
    text.parse::<DocumentMut>()
        .unwrap_or_else(|e| panic!("not valid TOML: {e}\n{text}"))
}

/// The name of the `[[bin]]` target in Cargo.toml: what users type and what the snippet must run.
fn binary_name() -> String {
    let cargo = parse(&read("Cargo.toml"));
    let bins = cargo
        .get("bin")
        .and_then(Item::as_array_of_tables)
        .expect("Cargo.toml has a [[bin]] table");
    let names: Vec<&str> = bins
        .iter()
        .filter_map(|b| b.get("name").and_then(Item::as_str))
        .collect();
    assert_eq!(names.len(), 1, "one binary expected, found {names:?}");
    names[0].to_owned()
}

fn check_keys(table: &Table, allowed: &[&str], what: &str) {
    for (key, _) in table.iter() {
        assert!(
            allowed.contains(&key),
            "Helix rejects key `{key}` in {what}"
        );
    }
}

fn server_names(language: &Table) -> Vec<String> {
    language
        .get("language-servers")
        .and_then(Item::as_array)
        .expect("language-servers is an array")
        .iter()
        .map(|v| {
            v.as_str()
                .expect("language-servers holds server names")
                .to_owned()
        })
        .collect()
}

#[test]
fn server_command_is_the_binary() {
    let doc = parse(&read(SNIPPET));
    let bin = binary_name();
    assert_eq!(bin, env!("CARGO_PKG_NAME"));

    let servers = doc["language-server"]
        .as_table()
        .expect("[language-server] table");
    let server = servers
        .get(&bin)
        .and_then(Item::as_table)
        .unwrap_or_else(|| panic!("[language-server.{bin}] missing"));
    check_keys(server, SERVER_KEYS, "[language-server]");
    assert_eq!(server["command"].as_str(), Some(bin.as_str()));
    // The server speaks stdio by default: no arguments are needed.
    if let Some(args) = server.get("args") {
        let args = args.as_array().expect("args is an array of strings");
        assert!(args.iter().all(|a| a.as_str().is_some()));
    }
    if let Some(config) = server.get("config") {
        assert!(
            config.is_table_like(),
            "config is sent as initializationOptions and must be a table"
        );
    }
}

#[test]
fn pyproject_language_matches_only_pyproject_toml() {
    let doc = parse(&read(SNIPPET));
    let bin = binary_name();
    let languages = doc["language"]
        .as_array_of_tables()
        .expect("[[language]] entries");
    assert_eq!(
        languages.len(),
        1,
        "only the `pyproject` language is active; the alternative stays commented out"
    );
    let lang = languages.get(0).expect("one language");
    check_keys(lang, LANGUAGE_KEYS, "[[language]]");
    assert_eq!(lang["name"].as_str(), Some("pyproject"));
    assert_eq!(lang["grammar"].as_str(), Some("toml"));
    assert_eq!(lang["scope"].as_str(), Some("source.toml"));

    let file_types = lang["file-types"].as_array().expect("file-types array");
    assert_eq!(file_types.len(), 1, "{file_types}");
    let glob = file_types
        .get(0)
        .and_then(|v| v.as_inline_table())
        .and_then(|t| t.get("glob"))
        .and_then(|v| v.as_str());
    assert_eq!(glob, Some("pyproject.toml"));

    assert_eq!(server_names(lang), vec![bin]);
}

/// The commented-out alternative must also be valid once a user uncomments it.
#[test]
fn commented_alternative_is_valid() {
    let text = read(SNIPPET);
    let start = text
        .find("# [[language]]")
        .expect("the commented alternative is in the snippet");
    let uncommented: String = text[start..]
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .map(|l| format!("{l}\n"))
        .collect();
    let doc = parse(&uncommented);
    let languages = doc["language"].as_array_of_tables().expect("[[language]]");
    let lang = languages.get(0).expect("one language");
    check_keys(lang, LANGUAGE_KEYS, "[[language]]");
    assert_eq!(lang["name"].as_str(), Some("toml"));
    assert!(server_names(lang).contains(&binary_name()));
}

/// Each query file for the `pyproject` language only inherits Helix's TOML queries.
#[test]
fn queries_inherit_toml() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/helix/queries/pyproject");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("queries directory") {
        let path = entry.expect("dir entry").path();
        let text = std::fs::read_to_string(&path).expect("query file");
        assert_eq!(text.trim(), "; inherits: toml", "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 1);
}
