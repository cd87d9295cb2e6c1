//! Package index speed: version completion from a warm cache (lookup + ranking), the first
//! versions in a new process from the disk cache, name-prefix and fuzzy search over 900,000
//! generated names, and the names store's size and load time. Prints figures; asserts nothing
//! about time. No network: records are written to a temporary cache first.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use pyproject_lsp::index::{
    Answer, Index, Names, Options, Outcome, Project, Release, Sources, cache, versions,
};

/// A project shaped like boto3: 2,000 releases, a few yanked, several requires-python values.
fn big_project() -> Project {
    let mut releases = Vec::new();
    for major in 1..=2 {
        for minor in 0..40 {
            for patch in 0..25 {
                let n = releases.len() as i64;
                releases.push(Release {
                    version: format!("{major}.{minor}.{patch}"),
                    uploaded: Some(1_400_000_000 + n * 86_400),
                    yanked: (patch == 13).then(|| "broken".to_string()),
                    requires_python: vec![format!(">= 3.{}", 6 + minor / 8)],
                    files: if patch == 7 { 0 } else { 2 },
                });
            }
        }
    }
    Project {
        name: "bigproject".into(),
        releases,
        metadata: None,
    }
}

fn stats(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    let p50 = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    #[allow(clippy::print_stdout)]
    {
        println!("{label:<58} mean {mean:>10.3?}  p50 {p50:>10.3?}  p99 {p99:>10.3?}");
    }
}

/// Lookup plus what completion does with the answer: rank, keep 100, format the details.
fn complete(index: &Index, sources: &Sources, floor: Option<&pep440_rs::Version>) -> usize {
    let Some(answer) = index.cached(sources, "bigproject") else {
        return 0;
    };
    let Some(project) = answer.project() else {
        return 0;
    };
    versions::candidates(project, floor, false)
        .iter()
        .take(100)
        .map(|c| format!("{} {}", c.release.version, c.release.uploaded.unwrap_or(0)).len())
        .sum()
}

/// 900,000 distinct project-like names from a fixed pseudo-random generator.
fn generated_names() -> Vec<String> {
    const SYL: &[&str] = &[
        "py", "req", "uests", "http", "x", "django", "flask", "rest", "api", "data", "sci", "kit",
        "learn", "torch", "vision", "num", "pandas", "test", "mock", "async", "io", "web",
        "client", "server", "tool", "util", "lib", "core", "plugin", "ext", "auth", "json", "yaml",
        "toml", "cli", "log", "db", "sql", "orm", "cache",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(900_000);
    let mut i = 0u64;
    while out.len() < 900_000 {
        let r = next();
        let parts = 1 + (r % 3) as usize;
        let mut name = String::new();
        for p in 0..parts {
            if p > 0 && (r >> (8 + p)) & 1 == 1 {
                name.push('-');
            }
            name.push_str(SYL[((r >> (16 + 6 * p)) % SYL.len() as u64) as usize]);
        }
        if (r >> 40) % 4 != 0 {
            name.push_str(&format!("{}", i % 997));
        }
        i += 1;
        out.push(name);
    }
    out.sort_unstable();
    out.dedup();
    let mut k = 0;
    while out.len() < 900_000 {
        out.push(format!("zz-filler-{k}"));
        k += 1;
    }
    out
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let _guard = runtime.enter();
    let dir: PathBuf = std::env::temp_dir().join(format!("pp-index-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sources = Sources::default();
    let key = Sources::key(&sources.indexes);
    let record = cache::project_path(&dir, &key, "bigproject");
    let answer = Answer {
        outcome: Outcome::Found(Arc::new(big_project())),
        index: Some("https://pypi.org/simple/".into()),
        fetched: SystemTime::now(),
        etag: None,
        refresh_failed: None,
    };
    cache::write_answer(&record, &answer);
    let record_size = std::fs::metadata(&record).map(|m| m.len()).unwrap_or(0);
    let floor = versions::python_floor(">=3.9");

    // A new process: a new client (TLS set-up included), then the first lookup from disk.
    let mut first = Vec::new();
    let mut setup = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let index = Index::new(Options::new(false, Some(dir.clone())), &|k| {
            std::env::var(k).ok()
        });
        setup.push(t.elapsed());
        let t = Instant::now();
        black_box(complete(&index, &sources, floor.as_ref()));
        first.push(t.elapsed());
    }
    stats(
        "client set-up (TLS roots, proxies), once per process",
        setup,
    );
    stats(
        &format!(
            "first versions from disk ({} releases, {record_size} B record)",
            big_project().releases.len()
        ),
        first,
    );

    let index = Index::new(Options::new(false, Some(dir.clone())), &|k| {
        std::env::var(k).ok()
    });
    black_box(complete(&index, &sources, floor.as_ref()));
    let warm: Vec<Duration> = (0..2_000)
        .map(|_| {
            let t = Instant::now();
            black_box(complete(&index, &sources, floor.as_ref()));
            t.elapsed()
        })
        .collect();
    stats(
        "warm-cache version completion (lookup + rank + 100 items)",
        warm,
    );

    let names = generated_names();
    let plain: usize = names.iter().map(|n| n.len() + 1).sum();
    let t = Instant::now();
    let store = Names::build(names);
    let built = t.elapsed();
    let path = cache::names_path(&dir, "bench");
    cache::write_atomic(&path, store.bytes());
    let on_disk = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let t = Instant::now();
    let loaded = Names::from_bytes(std::fs::read(&path).expect("read names")).expect("valid names");
    let load = t.elapsed();
    #[allow(clippy::print_stdout)]
    {
        println!(
            "names store: {} names, {on_disk} B on disk ({:.1} MB; plain lines {:.1} MB); build {built:.1?}, load+verify {load:.1?}",
            loaded.len(),
            on_disk as f64 / 1e6,
            plain as f64 / 1e6
        );
    }
    for prefix in ["r", "req", "django-rest", "pyt", "zzz"] {
        let samples: Vec<Duration> = (0..500)
            .map(|_| {
                let t = Instant::now();
                black_box(loaded.prefixed(prefix, 100));
                t.elapsed()
            })
            .collect();
        stats(
            &format!("name prefix search {prefix:?} (100 results)"),
            samples,
        );
    }
    for query in ["reqsts", "djrest", "tchvision"] {
        let samples: Vec<Duration> = (0..50)
            .map(|_| {
                let t = Instant::now();
                black_box(loaded.fuzzy(query, 50));
                t.elapsed()
            })
            .collect();
        stats(
            &format!("name fuzzy search {query:?} (same first letter)"),
            samples,
        );
    }
    let samples: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            black_box(loaded.similar("reqeusts", 3));
            t.elapsed()
        })
        .collect();
    stats("did-you-mean over all names (edit distance <= 2)", samples);
    let _ = std::fs::remove_dir_all(&dir);
}
