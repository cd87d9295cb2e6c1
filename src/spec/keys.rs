//! The keys of `[build-system]`, `[project]` and `[dependency-groups]`: their value shapes, the
//! snippet completion inserts, and the documentation shown in hover and completion.
//!
//! Written from the packaging specifications (pyproject.toml, PEP 517/518/621/639/735/794/808).

/// The shape a key's value must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    String,
    StringArray,
    /// A string, or a table (readme, license).
    StringOrTable,
    /// An array of `{ name, email }` tables.
    People,
    /// A table whose values are strings (urls, scripts).
    StringTable,
    /// A table of tables of strings (entry-points).
    TableOfStringTables,
    /// A table of string arrays (optional-dependencies).
    TableOfStringArrays,
}

impl Shape {
    pub fn describe(self) -> &'static str {
        match self {
            Shape::String => "a string",
            Shape::StringArray => "an array of strings",
            Shape::StringOrTable => "a string or a table",
            Shape::People => "an array of tables with `name` and/or `email`",
            Shape::StringTable => "a table of strings",
            Shape::TableOfStringTables => "a table of tables of strings",
            Shape::TableOfStringArrays => "a table of arrays of strings",
        }
    }
}

pub struct KeySpec {
    pub name: &'static str,
    pub shape: Shape,
    /// The text inserted after `name = ` by completion, as an LSP snippet.
    pub snippet: &'static str,
    pub doc: &'static str,
    pub url: &'static str,
}

const PT: &str = "https://packaging.python.org/en/latest/specifications/pyproject-toml/";
/// The dependency-groups specification.
pub const DEPENDENCY_GROUPS_URL: &str =
    "https://packaging.python.org/en/latest/specifications/dependency-groups/";

pub static BUILD_SYSTEM: &[KeySpec] = &[
    KeySpec {
        name: "requires",
        shape: Shape::StringArray,
        snippet: "[\"${1:hatchling}\"]",
        doc: "The packages needed to build the project (PEP 518), as dependency specifiers. Build frontends install them into an isolated environment before calling the backend. Required when `[build-system]` exists.",
        url: "https://packaging.python.org/en/latest/specifications/pyproject-toml/#declaring-build-system-dependencies-the-build-system-table",
    },
    KeySpec {
        name: "build-backend",
        shape: Shape::String,
        snippet: "\"${1:hatchling.build}\"",
        doc: "The Python object that builds the project (PEP 517), as `module` or `module:object`, for example `hatchling.build`. Without it, frontends fall back to the legacy setuptools backend.",
        url: "https://packaging.python.org/en/latest/specifications/pyproject-toml/#declaring-build-system-dependencies-the-build-system-table",
    },
    KeySpec {
        name: "backend-path",
        shape: Shape::StringArray,
        snippet: "[\"${1:.}\"]",
        doc: "Directories, relative to the project root, prepended to `sys.path` when loading the backend: for in-tree backends only.",
        url: "https://peps.python.org/pep-0517/#in-tree-build-backends",
    },
];

pub static PROJECT: &[KeySpec] = &[
    KeySpec {
        name: "name",
        shape: Shape::String,
        snippet: "\"$1\"",
        doc: "The distribution name of the project: ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit. Always static; it may never be listed in `dynamic`.",
        url: PT,
    },
    KeySpec {
        name: "version",
        shape: Shape::String,
        snippet: "\"${1:0.1.0}\"",
        doc: "The version of the project, a PEP 440 version such as `1.2.0`, `2.0rc1` or `1.0.post1`. Either set here or listed in `dynamic` for the backend to fill in.",
        url: PT,
    },
    KeySpec {
        name: "description",
        shape: Shape::String,
        snippet: "\"$1\"",
        doc: "A one-line summary of the project, shown on the package index. Some backends refuse more than one line.",
        url: PT,
    },
    KeySpec {
        name: "readme",
        shape: Shape::StringOrTable,
        snippet: "\"${1:README.md}\"",
        doc: "The long description: a path to a file relative to pyproject.toml (`.md` is Markdown, `.rst` is reStructuredText), or a table with `file` or `text` and a required `content-type`.",
        url: PT,
    },
    KeySpec {
        name: "requires-python",
        shape: Shape::String,
        snippet: "\">=${1:3.10}\"",
        doc: "The Python versions the project supports, as version specifiers (`>=3.10`). Installers skip releases whose requirement excludes the running Python. Avoid upper bounds: resolvers then pick old releases.",
        url: PT,
    },
    KeySpec {
        name: "license",
        shape: Shape::StringOrTable,
        snippet: "\"${1:MIT}\"",
        doc: "The licence as an SPDX license expression (PEP 639), for example `MIT` or `Apache-2.0 OR MIT`. The older table form (`{ file = ... }` or `{ text = ... }`) is deprecated.",
        url: PT,
    },
    KeySpec {
        name: "license-files",
        shape: Shape::StringArray,
        snippet: "[\"${1:LICEN[CS]E*}\"]",
        doc: "Glob patterns, relative to pyproject.toml, of the licence files to ship (PEP 639). Every pattern must match at least one file; `..` and absolute paths are not allowed.",
        url: PT,
    },
    KeySpec {
        name: "authors",
        shape: Shape::People,
        snippet: "[{ name = \"$1\", email = \"$2\" }]",
        doc: "The people or organisations who wrote the project: an array of tables with `name` and/or `email`.",
        url: PT,
    },
    KeySpec {
        name: "maintainers",
        shape: Shape::People,
        snippet: "[{ name = \"$1\", email = \"$2\" }]",
        doc: "The people or organisations who maintain the project: an array of tables with `name` and/or `email`.",
        url: PT,
    },
    KeySpec {
        name: "keywords",
        shape: Shape::StringArray,
        snippet: "[\"$1\"]",
        doc: "Keywords that help people find the project on the package index.",
        url: PT,
    },
    KeySpec {
        name: "classifiers",
        shape: Shape::StringArray,
        snippet: "[\n    \"$1\",\n]",
        doc: "Trove classifiers that describe the project, from the list the package index accepts. Unknown classifiers make the upload fail.",
        url: "https://pypi.org/classifiers/",
    },
    KeySpec {
        name: "urls",
        shape: Shape::StringTable,
        snippet: "{ ${1:Homepage} = \"$2\" }",
        doc: "Links shown on the package index, as label = URL. Well-known labels include `Homepage`, `Source`, `Documentation`, `Issues` and `Changelog`.",
        url: "https://packaging.python.org/en/latest/specifications/well-known-project-urls/",
    },
    KeySpec {
        name: "scripts",
        shape: Shape::StringTable,
        snippet: "{ ${1:name} = \"${2:package.module:function}\" }",
        doc: "Console commands the installer creates, as `command = \"module:function\"`. The function is called with no arguments; its return value becomes the exit code.",
        url: "https://packaging.python.org/en/latest/specifications/entry-points/",
    },
    KeySpec {
        name: "gui-scripts",
        shape: Shape::StringTable,
        snippet: "{ ${1:name} = \"${2:package.module:function}\" }",
        doc: "Like `scripts`, but on Windows the command runs without a console window.",
        url: "https://packaging.python.org/en/latest/specifications/entry-points/",
    },
    KeySpec {
        name: "entry-points",
        shape: Shape::TableOfStringTables,
        snippet: "{}",
        doc: "Plugin entry points, one table per group: `[project.entry-points.\"group.name\"]` with `name = \"module:object\"`. Use `scripts` and `gui-scripts` instead of the `console_scripts` and `gui_scripts` groups.",
        url: "https://packaging.python.org/en/latest/specifications/entry-points/",
    },
    KeySpec {
        name: "dependencies",
        shape: Shape::StringArray,
        snippet: "[\n    \"$1\",\n]",
        doc: "The packages the project needs at run time, as dependency specifiers (PEP 508), for example `httpx>=0.27` or `tomli>=1.1; python_version < \"3.11\"`.",
        url: "https://packaging.python.org/en/latest/specifications/dependency-specifiers/",
    },
    KeySpec {
        name: "optional-dependencies",
        shape: Shape::TableOfStringArrays,
        snippet: "{ ${1:extra} = [\"$2\"] }",
        doc: "Extras: named groups of optional dependencies that users request with `pip install project[extra]`. Extra names are normalized (lowercase, runs of `-_.` become `-`).",
        url: PT,
    },
    KeySpec {
        name: "dynamic",
        shape: Shape::StringArray,
        snippet: "[\"${1|version,description,readme,dependencies,optional-dependencies,classifiers,scripts,urls,license,authors|}\"]",
        doc: "Keys whose values the build backend computes instead of reading them here. `name` may never be dynamic; a key listed here must not also be set (except list and table keys whose backend supports extending them, PEP 808).",
        url: PT,
    },
    KeySpec {
        name: "import-names",
        shape: Shape::StringArray,
        snippet: "[\"$1\"]",
        doc: "The import names the project provides (PEP 794), for example `[\"my_package\"]`; append `; private` to mark one as not public. An empty array means the project has no importable names.",
        url: PT,
    },
    KeySpec {
        name: "import-namespaces",
        shape: Shape::StringArray,
        snippet: "[\"$1\"]",
        doc: "Namespace packages the project contributes to without owning them (PEP 794). It must not be empty when present, and a name may not appear in both `import-names` and `import-namespaces`.",
        url: PT,
    },
];

/// Keys that may be listed in `project.dynamic`.
pub static DYNAMIC_KEYS: &[&str] = &[
    "version",
    "description",
    "readme",
    "requires-python",
    "license",
    "license-files",
    "authors",
    "maintainers",
    "keywords",
    "classifiers",
    "urls",
    "scripts",
    "gui-scripts",
    "entry-points",
    "dependencies",
    "optional-dependencies",
    "import-names",
    "import-namespaces",
];

/// List and table keys that PEP 808 lets a backend extend when listed in `dynamic`.
pub static EXTENSIBLE_KEYS: &[&str] = &[
    "authors",
    "classifiers",
    "dependencies",
    "entry-points",
    "gui-scripts",
    "import-names",
    "import-namespaces",
    "keywords",
    "license-files",
    "maintainers",
    "optional-dependencies",
    "scripts",
    "urls",
];

pub static README_TABLE: &[KeySpec] = &[
    KeySpec {
        name: "file",
        shape: Shape::String,
        snippet: "\"${1:README.md}\"",
        doc: "Path of the readme file, relative to pyproject.toml. Not together with `text`.",
        url: PT,
    },
    KeySpec {
        name: "text",
        shape: Shape::String,
        snippet: "\"$1\"",
        doc: "The long description itself. Not together with `file`.",
        url: PT,
    },
    KeySpec {
        name: "content-type",
        shape: Shape::String,
        snippet: "\"${1|text/markdown,text/x-rst,text/plain|}\"",
        doc: "The media type of the readme: `text/markdown`, `text/x-rst` or `text/plain`. Required in the table form.",
        url: PT,
    },
    KeySpec {
        name: "charset",
        shape: Shape::String,
        snippet: "\"${1:UTF-8}\"",
        doc: "The file's encoding; UTF-8 when absent.",
        url: PT,
    },
];

pub static LICENSE_TABLE: &[KeySpec] = &[
    KeySpec {
        name: "file",
        shape: Shape::String,
        snippet: "\"${1:LICENSE}\"",
        doc: "Deprecated (PEP 639): use `license-files` and an SPDX `license` string.",
        url: PT,
    },
    KeySpec {
        name: "text",
        shape: Shape::String,
        snippet: "\"$1\"",
        doc: "Deprecated (PEP 639): use an SPDX `license` string.",
        url: PT,
    },
];

pub static PERSON_TABLE: &[KeySpec] = &[
    KeySpec {
        name: "name",
        shape: Shape::String,
        snippet: "\"$1\"",
        doc: "The person's or organisation's name (no commas).",
        url: PT,
    },
    KeySpec {
        name: "email",
        shape: Shape::String,
        snippet: "\"$1\"",
        doc: "An email address.",
        url: PT,
    },
];

pub static DEPENDENCY_GROUPS_DOC: &str = "Dependency groups (PEP 735): named lists of requirements for development tasks (tests, docs, lint) that are not published in the package metadata. Items are dependency specifiers or `{ include-group = \"other\" }`.";

/// Tables that completion offers after `[`.
pub static TABLE_HEADERS: &[(&str, &str)] = &[
    (
        "build-system",
        "How to build the project: `requires` and `build-backend` (PEP 517/518).",
    ),
    (
        "project",
        "The project's core metadata (name, version, dependencies, ...).",
    ),
    ("project.urls", "Links shown on the package index."),
    ("project.scripts", "Console commands the installer creates."),
    ("project.gui-scripts", "GUI commands the installer creates."),
    (
        "project.optional-dependencies",
        "Extras: optional groups of dependencies.",
    ),
    ("project.entry-points.", "Plugin entry points of one group."),
    ("dependency-groups", DEPENDENCY_GROUPS_DOC),
    (
        "tool.",
        "Configuration of a tool (ruff, pytest, mypy, uv, hatch, setuptools, ...).",
    ),
];

/// Common build backends and what they need in `requires`.
pub static BACKENDS: &[(&str, &str, &str)] = &[
    (
        "hatchling.build",
        "hatchling",
        "Hatchling, the backend of Hatch",
    ),
    ("setuptools.build_meta", "setuptools>=77", "setuptools"),
    ("flit_core.buildapi", "flit_core>=3.12,<4", "Flit's backend"),
    ("pdm.backend", "pdm-backend", "PDM's backend"),
    (
        "poetry.core.masonry.api",
        "poetry-core>=2.0",
        "Poetry's backend",
    ),
    ("maturin", "maturin>=1.7,<2", "maturin, for Rust extensions"),
    ("uv_build", "uv_build>=0.9,<0.10", "uv's backend"),
    (
        "scikit_build_core.build",
        "scikit-build-core",
        "scikit-build-core, for CMake extensions",
    ),
    ("mesonpy", "meson-python", "meson-python, for Meson builds"),
];

/// The keys of the table at `path`, when we know them.
pub fn keys_of(path: &[&str]) -> Option<&'static [KeySpec]> {
    match path {
        ["build-system"] => Some(BUILD_SYSTEM),
        ["project"] => Some(PROJECT),
        ["project", "readme"] => Some(README_TABLE),
        ["project", "license"] => Some(LICENSE_TABLE),
        ["project", "authors" | "maintainers"] => Some(PERSON_TABLE),
        _ => None,
    }
}

/// The spec of one key, by its full path.
pub fn key_spec(path: &[&str]) -> Option<&'static KeySpec> {
    let (last, parent) = path.split_last()?;
    keys_of(parent)?.iter().find(|k| k.name == *last)
}
