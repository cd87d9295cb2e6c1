//! `pyproject-lsp check` as a terminal, CI or pre-commit runs it: output formats, exit codes,
//! `--fix`, directories, missing paths, and the real-world corpus.

mod common;

use common::*;
use serde_json::Value;

const GOOD: &str = "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\n";

#[test]
fn clean_file_exits_zero_with_no_output() {
    let (dir, _) = project("cli-clean", GOOD, &[]);
    let (code, out, err) = cli(&["check", dir.join("pyproject.toml").to_str().expect("utf8")]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
}

#[test]
fn directory_argument_means_its_pyproject_and_errors_exit_one() {
    let text = GOOD.replace("0.1.0", "1.0.0.x");
    let (dir, _) = project("cli-dir", &text, &[]);
    let (code, out, _) = cli(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(code, 1);
    let want = format!(
        "{}:7:11: error[PP106]",
        dir.join("pyproject.toml").display()
    );
    assert!(out.starts_with(&want), "{out}");
    assert!(out.contains("(invalid-version)"), "{out}");
}

#[test]
fn warnings_alone_exit_zero() {
    let text = GOOD.replace(
        "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n",
        "",
    );
    let (dir, _) = project("cli-warn", &text, &[]);
    let (code, out, _) = cli(&["check", dir.to_str().expect("utf8")]);
    assert_eq!(code, 0);
    assert!(out.contains("warning[PP140]"), "{out}");
}

#[test]
fn missing_path_and_bad_arguments_exit_two() {
    let (code, _, err) = cli(&["check", "/nonexistent/dir/for/pyproject-lsp"]);
    assert_eq!(code, 2);
    assert!(err.contains("does not exist"), "{err}");
    let (code, _, err) = cli(&["check", "--output-format", "yaml", "."]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = cli(&["--no-such-flag"]);
    assert_eq!(code, 2);
}

#[test]
fn json_output() {
    // setuptools validates `[project]`, so an unknown key is an error there.
    let text = GOOD
        .replace("requires-python", "requires_python")
        .replace("[\"hatchling\"]", "[\"setuptools>=77\"]")
        .replace("hatchling.build", "setuptools.build_meta");
    let (dir, _) = project("cli-json", &text, &[]);
    let (code, out, _) = cli(&[
        "check",
        "--output-format",
        "json",
        dir.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("json");
    let d = v
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == "PP102")
        .expect("PP102");
    assert_eq!(d["code"], "PP102");
    assert_eq!(d["name"], "unknown-project-key");
    assert_eq!(d["line"], 8);
    assert_eq!(d["column"], 1);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["fixes"][0]["safe"], true);
}

#[test]
fn fix_applies_safe_fixes_and_keeps_formatting() {
    let text = "[build-system]\nrequires = [\"hatchling\"]\n\n[project]\nname = \"demo\"  # the name\nversion = 1.0\nrequires_python = \">=3.11\"\ndependencies = [\n    \"httpx>=0.27\",\n    \"httpx>=0.27\",\n]\n";
    let (dir, _) = project("cli-fix", text, &[]);
    let (code, out, err) = cli(&["check", "--fix", dir.to_str().expect("utf8")]);
    assert_eq!(code, 0, "{out}{err}");
    let fixed = std::fs::read_to_string(dir.join("pyproject.toml")).expect("read");
    assert_eq!(
        fixed,
        "[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[project]\nname = \"demo\"  # the name\nversion = \"1.0\"\nrequires-python = \">=3.11\"\ndependencies = [\n    \"httpx>=0.27\",\n]\n"
    );
    assert!(err.contains("applied"), "{err}");
}

#[test]
fn readme_and_license_files_are_checked_next_to_the_pyproject() {
    let text = format!(
        "{GOOD}readme = \"README.rst\"\nlicense = \"MIT\"\nlicense-files = [\"LICEN[CS]E*\", \"NOTICE\"]\n"
    );
    let (dir, _) = project(
        "cli-files",
        &text,
        &[("README.md", "# hi"), ("LICENSE.txt", "MIT")],
    );
    let (code, out, _) = cli(&[
        "check",
        "--output-format",
        "json",
        dir.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 1);
    let v: Vec<Value> = serde_json::from_str(&out).expect("json");
    let codes: Vec<&str> = v.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, vec!["PP130", "PP132"], "{out}");
    assert_eq!(v[0]["fixes"][0]["title"], "Use \"README.md\"");
}

/// Every real published pyproject.toml in the shared corpus: no error-level diagnostic.
#[test]
fn corpus_has_no_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pyprojects");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        panic!("the corpus is missing at {}", dir.display());
    };
    let mut files: Vec<String> = entries
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    assert!(files.len() > 100, "corpus too small: {}", files.len());
    let mut args = vec!["check", "--output-format", "json"];
    args.extend(files.iter().map(String::as_str));
    let (_, out, err) = cli(&args);
    let v: Vec<Value> = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let errors: Vec<String> = v
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| format!("{}:{} {} {}", d["path"], d["line"], d["code"], d["message"]))
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors on the corpus:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

fn readme() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md")
}

/// The rule codes (`PP` and three digits) written in a text.
fn rule_codes(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            w.len() == 5 && w.starts_with("PP") && w[2..].chars().all(|c| c.is_ascii_digit())
        })
}

/// The README's "Examples, rule by rule": each `toml` block is checked as a whole pyproject.toml
/// (in an empty directory, offline), and every rule code in a line's comment is reported on that
/// line; every rule has an example, in a block or in the table that follows.
#[test]
fn readme_examples_report_what_they_say() {
    let readme = readme();
    let start = readme
        .find("### Examples, rule by rule")
        .expect("the examples section");
    let section = &readme[start..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = 0;
    for block in section.split("```toml\n").skip(1) {
        let block = &block[..block.find("```").expect("a closed block")];
        blocks += 1;
        let dir = tempdir("readme-example");
        std::fs::write(dir.join("pyproject.toml"), block).expect("write");
        let out = std::process::Command::new(binary())
            .args(["check", "--output-format", "json", "pyproject.toml"])
            .current_dir(&dir)
            .env("PYPROJECT_LSP_OFFLINE", "1")
            .env("PYPROJECT_LSP_CACHE_DIR", dir.join("cache"))
            .output()
            .expect("run check");
        let diags: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("check printed JSON");
        let diags = diags.as_array().cloned().unwrap_or_default();
        for (i, line) in block.lines().enumerate() {
            let line_no = i as u64 + 1;
            let Some((_, comment)) = line.split_once('#') else {
                continue;
            };
            for code in rule_codes(comment) {
                let reported = diags.iter().any(|d| {
                    d["code"] == code
                        && d["line"].as_u64().is_some_and(|l| l <= line_no)
                        && d["end_line"].as_u64().is_some_and(|l| l >= line_no)
                });
                assert!(
                    reported,
                    "README example block {blocks}, line {line_no}: {code} is not reported\n{line}\n{diags:#?}"
                );
            }
        }
    }
    assert!(blocks >= 5, "{blocks} example blocks");
    let (_, rules, _) = cli(&["rules"]);
    for code in rule_codes(&rules) {
        assert!(
            section.contains(code),
            "README's examples have nothing for {code}"
        );
    }
}

/// The README's settings table has a row for every setting the server reads.
#[test]
fn readme_lists_every_setting() {
    let readme = readme();
    for (key, _) in pyproject_lsp::config::KEYS {
        assert!(
            readme.contains(&format!("| `{key}` |")),
            "README.md's settings table has no row for `{key}`"
        );
    }
}

/// The README's rule table lists every rule with its code and name (it comes from `rules --markdown`).
#[test]
fn readme_lists_every_rule() {
    let readme = readme();
    let (code, out, _) = cli(&["rules", "--markdown"]);
    assert_eq!(code, 0);
    for line in out.lines().skip(2) {
        assert!(
            readme.contains(line),
            "README.md is missing the rule row:\n{line}\n(regenerate with `pyproject-lsp rules --markdown`)"
        );
    }
}
