//! Speed of the sources scan on a generated 1,000-module project: the first full scan, a
//! re-scan with nothing changed, and a one-file re-scan. Prints figures; asserts nothing.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pyproject_lsp::sources::{self, Cache, Settings};

const MODULES: usize = 1_000;

/// A plausible module: imports of every kind, guards, classes, functions, modern syntax.
fn module_text(i: usize) -> String {
    let mut text = String::from("from __future__ import annotations\n\nimport os\nimport sys\n");
    text.push_str("from typing import TYPE_CHECKING\n\nimport requests\nimport yaml\n");
    text.push_str(&format!(
        "from proj.sub{} import helper\nfrom . import sibling\n",
        i % 10
    ));
    text.push_str("if TYPE_CHECKING:\n    from collections.abc import Iterator\n");
    text.push_str(
        "try:\n    import tomllib\nexcept ModuleNotFoundError:\n    import tomli as tomllib\n\n",
    );
    text.push_str("if sys.version_info >= (3, 11):\n    from typing import Self\n\n");
    for f in 0..12 {
        text.push_str(&format!(
            "class Thing{f}:\n    \"\"\"Docstring {f}.\"\"\"\n\n    def method(self, value: int, /, *, key: str = 'k') -> dict[str, int]:\n        if (n := len(key)) > {f}:\n            return {{key: value * n}}\n        return {{f\"{{key}}-{{value}}\": {f}}}\n\n\ndef function_{f}(items: list[int]) -> int:\n    total = 0\n    for item in items:\n        total += item * {f}\n    return total\n\n\n"
        ));
    }
    text
}

fn generate(root: &Path) -> Vec<PathBuf> {
    let _ = fs::remove_dir_all(root);
    let mut files = Vec::new();
    for package in 0..10 {
        let dir = root.join("src").join("proj").join(format!("sub{package}"));
        fs::create_dir_all(&dir).expect("create package");
        fs::write(dir.join("__init__.py"), "").expect("write __init__");
        for module in 0..(MODULES / 10 - 1) {
            let path = dir.join(format!("mod{module}.py"));
            fs::write(&path, module_text(package * 100 + module)).expect("write module");
            files.push(path);
        }
    }
    fs::write(root.join("src/proj/__init__.py"), "").expect("write __init__");
    fs::write(root.join("pyproject.toml"), "[project]\nname = \"proj\"\n")
        .expect("write pyproject");
    files
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let root = std::env::temp_dir().join(format!(
        "pyproject-lsp-bench-sources-{}",
        std::process::id()
    ));
    let files = generate(&root);
    let settings = Settings::default();
    let mut out = std::io::stdout().lock();

    let mut cache = Cache::default();
    let start = Instant::now();
    let facts = sources::scan_project(&root, &settings, &mut cache);
    let first = start.elapsed();
    let imports = facts.imports().count();
    let bytes: u64 = files
        .iter()
        .filter_map(|f| fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();

    let start = Instant::now();
    let again = sources::scan_project(&root, &settings, &mut cache);
    let unchanged = start.elapsed();

    let target = &files[files.len() / 2];
    fs::write(target, module_text(7) + "import numpy\n").expect("rewrite module");
    let start = Instant::now();
    let updated = sources::rescan_file(&again, target, &settings, &mut cache);
    let one = start.elapsed();

    fs::write(target, module_text(8) + "import pandas\n").expect("rewrite module");
    let start = Instant::now();
    let _ = sources::scan_project(&root, &settings, &mut cache);
    let one_full = start.elapsed();

    let _ = writeln!(
        out,
        "sources bench: {} files, {:.1} MiB, {imports} imports",
        facts.files.len(),
        bytes as f64 / 1_048_576.0
    );
    let _ = writeln!(
        out,
        "  first full scan (cold cache):        {}  (aim < 500 ms)",
        ms(first)
    );
    let _ = writeln!(
        out,
        "  full re-scan, nothing changed:       {}",
        ms(unchanged)
    );
    let _ = writeln!(
        out,
        "  one-file re-scan (rescan_file):      {}  (aim < 10 ms)",
        ms(one)
    );
    let _ = writeln!(
        out,
        "  full scan after one file changed:    {}",
        ms(one_full)
    );
    let _ = writeln!(
        out,
        "  changed file now imports numpy:      {}",
        updated.imports().any(|(_, i)| i.module == "numpy")
    );
    let _ = fs::remove_dir_all(&root);
}
