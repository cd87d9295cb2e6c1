//! The slow facts of a snapshot, shared by the server (off the keystroke path) and the CLI: the
//! project's Python side (entry points resolved in the sources, the import scan) with per-project
//! file caches, and the `[tool.*]` schema overrides from the settings. The package index lives in
//! `index`; this module only reads the project's files and never runs them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::python::{self, EntryPointFacts, ModuleCache};
use crate::rules::Facts;
use crate::sources::{self, SourcesFacts};
use crate::state::Snapshot;

/// What reading the project's Python files produced for one pyproject.toml.
#[derive(Clone, Default)]
pub struct PythonFacts {
    pub entry_points: Option<Arc<EntryPointFacts>>,
    pub sources: Option<Arc<SourcesFacts>>,
}

#[derive(Default)]
struct Caches {
    modules: ModuleCache,
    sources: sources::Cache,
}

/// Per-project parse caches (by modification time and content hash), so a second analysis only
/// re-reads files that changed.
#[derive(Default)]
pub struct Analyzer {
    projects: Mutex<HashMap<PathBuf, Caches>>,
}

impl Analyzer {
    /// Analyses the project around a snapshot's pyproject.toml (blocking file I/O: call it from a
    /// blocking thread). Empty facts for a document that is not a pyproject.toml on disk.
    pub fn python(&self, snapshot: &Snapshot) -> PythonFacts {
        let Some(dir) = snapshot.files.dir().map(Path::to_path_buf) else {
            return PythonFacts::default();
        };
        let Some(root) = snapshot.document.manifest.root() else {
            return PythonFacts::default();
        };
        let Ok(mut projects) = self.projects.lock() else {
            return PythonFacts::default();
        };
        let caches = projects.entry(dir.clone()).or_default();
        let entry_points = python::analyze(&dir, root, &mut caches.modules);
        let settings = sources::Settings::from_config(&snapshot.settings);
        let scan = sources::scan_project(&dir, &settings, &mut caches.sources);
        PythonFacts {
            entry_points: Some(Arc::new(entry_points)),
            sources: Some(Arc::new(scan)),
        }
    }

    /// The facts after some of the project's files changed in place (a watched `.py` saved):
    /// only the entry points that read a changed file are resolved again, and only the changed
    /// files are scanned again for imports. `previous` must come from this snapshot's document
    /// and settings; files created or deleted can change module discovery itself, so call
    /// [`Analyzer::python`] for those. Blocking file I/O, like `python`.
    pub fn refresh(
        &self,
        snapshot: &Snapshot,
        previous: &PythonFacts,
        changed: &[PathBuf],
    ) -> PythonFacts {
        let Some(dir) = snapshot.files.dir().map(Path::to_path_buf) else {
            return PythonFacts::default();
        };
        let Ok(mut projects) = self.projects.lock() else {
            return previous.clone();
        };
        let caches = projects.entry(dir).or_default();
        let entry_points = previous.entry_points.as_ref().map(|facts| {
            let mut facts = facts.as_ref().clone();
            python::refresh(&mut facts, changed, &mut caches.modules);
            Arc::new(facts)
        });
        let settings = sources::Settings::from_config(&snapshot.settings);
        let scan = previous.sources.as_ref().map(|facts| {
            let mut facts = facts.as_ref().clone();
            for path in changed {
                facts = sources::rescan_file(&facts, path, &settings, &mut caches.sources);
            }
            Arc::new(facts)
        });
        PythonFacts {
            entry_points,
            sources: scan,
        }
    }

    /// Whether a project has been analysed before (its first scan may take a moment).
    pub fn knows(&self, dir: &Path) -> bool {
        self.projects.lock().is_ok_and(|p| p.contains_key(dir))
    }

    /// Forgets changed files (watched-file events), so the next analysis re-reads them.
    pub fn forget(&self, paths: &[PathBuf]) {
        let Ok(mut projects) = self.projects.lock() else {
            return;
        };
        for caches in projects.values_mut() {
            for path in paths {
                caches.modules.forget(path);
            }
        }
    }
}

/// Adds the Python facts and the schema overrides (URL schemas as `fetched` has them) to
/// `facts`; problems with schema settings are returned for the log.
pub fn complete_facts(
    snapshot: &Snapshot,
    python: &PythonFacts,
    fetched: crate::schema::UrlText<'_>,
    facts: &mut Facts,
) -> Vec<String> {
    facts.entry_points = python.entry_points.clone();
    facts.sources = python.sources.clone();
    if snapshot.settings.schemas.is_empty() {
        return Vec::new();
    }
    let (overrides, problems) =
        crate::schema::overrides_from_settings(&snapshot.settings, snapshot.project_dir(), fetched);
    facts.tool_schemas = Some(overrides);
    problems
}

/// Every fact for the CLI: the Python side, and the package index (bounded wait; offline uses
/// the cache only).
pub fn cli_facts(snapshot: &Snapshot, analyzer: &Analyzer) -> (Facts, Vec<String>) {
    let mut facts = Facts::default();
    let python = analyzer.python(snapshot);
    let env = |k: &str| std::env::var(k).ok();
    let settings = &snapshot.settings;
    let urls = crate::schema::urls_in_settings(settings);
    let schemas = crate::index::schemas_blocking(
        crate::index::options(settings.offline, settings.cache_dir.as_deref(), &env),
        &urls,
        std::time::Duration::from_secs(15),
    );
    let fetched = |url: &str| match schemas.get(url) {
        Some(result) => result.clone().map(Some),
        None => Err(format!(
            "{}: no answer in time",
            crate::index::auth::redact(url)
        )),
    };
    let problems = complete_facts(snapshot, &python, &fetched, &mut facts);
    let manifest = &snapshot.document.manifest;
    let text = &snapshot.document.text;
    let names = crate::rules::dependencies::requirement_names(manifest, text);
    if !names.is_empty() {
        let options = crate::index::options(settings.offline, settings.cache_dir.as_deref(), &env);
        let sources = crate::index::sources_for(
            settings.index_url.as_deref(),
            &settings.index_extra_urls,
            manifest.root(),
            &env,
        );
        let pins = crate::rules::dependencies::pinned_requirements(manifest, text);
        facts.index = crate::index::facts_blocking(
            options,
            &sources,
            &names,
            &pins,
            std::time::Duration::from_secs(15),
        );
    }
    (facts, problems)
}
