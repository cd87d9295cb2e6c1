//! Entry point resolution speed on a generated project of 1,000 modules with re-export chains:
//! cold (empty cache: every file on the chains parsed) and after a one-file change (only the
//! entry points whose files changed are re-resolved). Prints figures; asserts nothing about time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pyproject_lsp::manifest::Manifest;
use pyproject_lsp::python::{ModuleCache, analyze, refresh};

const MODULES: usize = 1_000;
const CHAIN: usize = 10;

fn generate(dir: &Path) -> (String, Vec<PathBuf>) {
    let pkg = dir.join("src/bigpkg");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(
        pkg.join("__init__.py"),
        "\"\"\"Generated.\"\"\"\nfrom .m0000 import target as main\n",
    )
    .expect("write");
    let mut files = Vec::new();
    for i in 0..MODULES {
        // Module i re-exports `target` from module i+1 within a chain of CHAIN modules; the last
        // module of each chain defines it. Every module also has some unrelated code.
        let mut src = String::from("import os\nimport sys\n\n");
        if (i + 1) % CHAIN != 0 {
            src.push_str(&format!("from .m{:04} import target\n", i + 1));
        } else {
            src.push_str("def target(argv=None) -> int:\n    \"\"\"The end of a chain.\"\"\"\n    return 0\n");
        }
        for f in 0..5 {
            src.push_str(&format!("\n\ndef helper_{f}(x, y=1, *args, **kwargs):\n    if x:\n        return [y for _ in range(3)]\n    return {{'a': x}}\n"));
        }
        src.push_str("\n\nclass Thing:\n    def method(self):\n        return os.getcwd()\n");
        let path = pkg.join(format!("m{i:04}.py"));
        std::fs::write(&path, src).expect("write");
        files.push(path);
    }
    let mut toml = String::from(
        "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"bigpkg\"\nversion = \"1\"\n\n[project.scripts]\nbig = \"bigpkg:main\"\n",
    );
    for chain in 0..MODULES / CHAIN {
        toml.push_str(&format!(
            "s{chain} = \"bigpkg.m{:04}:target\"\n",
            chain * CHAIN
        ));
    }
    std::fs::write(dir.join("pyproject.toml"), &toml).expect("write");
    (toml, files)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("pp-ep-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (toml, files) = generate(&dir);
    let manifest = Manifest::parse(&toml);
    let Some(root) = manifest.root() else { return };

    let mut cold = Vec::new();
    let mut last = None;
    for _ in 0..7 {
        let mut cache = ModuleCache::new();
        let t = Instant::now();
        let facts = analyze(&dir, root, &mut cache);
        cold.push(t.elapsed());
        last = Some((facts, cache));
    }
    let Some((mut facts, mut cache)) = last else {
        return;
    };
    let entries = facts.entries.len();
    let parsed = cache.parses;
    let broken = facts
        .entries
        .iter()
        .filter(|e| {
            !matches!(
                e.callability,
                Some(pyproject_lsp::python::resolve::Callability::Ok(_))
            )
        })
        .count();

    // Warm, nothing changed: a full re-analysis with the cache (stat per file, no parsing).
    let mut warm = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let _ = analyze(&dir, root, &mut cache);
        warm.push(t.elapsed());
    }

    // One file changed: the middle of one chain.
    let mut changed = Vec::new();
    let mut rechecked = 0;
    for round in 0..7 {
        let path = &files[CHAIN * 3 + 4];
        let mut src = std::fs::read_to_string(path).expect("read");
        src.push_str(&format!("\n# edit {round}\n"));
        std::fs::write(path, src).expect("write");
        let t = Instant::now();
        rechecked = refresh(&mut facts, std::slice::from_ref(path), &mut cache);
        changed.push(t.elapsed());
    }
    #[allow(clippy::print_stdout)]
    {
        println!(
            "entry_points bench: {MODULES} modules, chains of {CHAIN}, {entries} entry points ({broken} not Ok)"
        );
        println!(
            "  cold analyze (parse {parsed} files, resolve all): median {:?}",
            median(cold)
        );
        println!(
            "  warm analyze, nothing changed:                    median {:?}",
            median(warm)
        );
        println!(
            "  one file changed, refresh ({rechecked} re-resolved):     median {:?}",
            median(changed)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
