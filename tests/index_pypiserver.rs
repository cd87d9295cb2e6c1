//! A real private index: pypiserver on 127.0.0.1 with basic auth, over a folder with two small
//! wheels the test writes, read through its PEP 503 HTML Simple API with credentials.
//!
//! Needs `PYPROJECT_LSP_PYPISERVER` = the `pypi-server` executable of a virtual environment that
//! also has passlib (`scripts/setup-pypiserver.sh` creates one and prints the path; `.ci/run`
//! sets it). Without it the test says so and passes without checking anything.

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pyproject_lsp::index::{Index, IndexUrl, Options, Outcome, Sources};

/// Stops the server we started, by its own handle.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn python_next_to(pypi_server: &Path) -> PathBuf {
    let dir = pypi_server.parent().expect("bin dir");
    ["python", "python3", "python.exe"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists())
        .expect("python in the venv")
}

fn run_python(python: &Path, code: &str, args: &[&str]) {
    let status = Command::new(python)
        .arg("-c")
        .arg(code)
        .args(args)
        .status()
        .expect("run python");
    assert!(status.success(), "python failed: {code}");
}

/// Writes a minimal valid wheel (METADATA, WHEEL, RECORD) with the standard library's zipfile.
const WHEEL: &str = r#"
import sys, zipfile
out, name, version = sys.argv[1], sys.argv[2], sys.argv[3]
dist = f"{name}-{version}.dist-info"
files = {
    f"{name}/__init__.py": "",
    f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: test wheel\n",
    f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = "".join(f"{p},,\n" for p in files) + f"{dist}/RECORD,,\n"
with zipfile.ZipFile(f"{out}/{name}-{version}-py3-none-any.whl", "w") as z:
    for p, text in files.items():
        z.writestr(p, text)
    z.writestr(f"{dist}/RECORD", record)
"#;

const HTPASSWD: &str = r#"
import sys
from passlib.apache import HtpasswdFile
h = HtpasswdFile(sys.argv[1], new=True)
h.set_password("alice", "s3cret")
h.save()
"#;

#[tokio::test(flavor = "multi_thread")]
#[allow(clippy::print_stderr)]
async fn versions_from_pypiserver_with_basic_auth() {
    let Some(server) = std::env::var_os("PYPROJECT_LSP_PYPISERVER") else {
        eprintln!(
            "skipped: PYPROJECT_LSP_PYPISERVER is not set (scripts/setup-pypiserver.sh prints the path)"
        );
        return;
    };
    let server = PathBuf::from(server);
    let python = python_next_to(&server);
    let dir = std::env::temp_dir().join(format!("pp-pypiserver-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let packages = dir.join("packages");
    std::fs::create_dir_all(&packages).expect("packages dir");
    for version in ["0.1.0", "0.2.0"] {
        run_python(
            &python,
            WHEEL,
            &[packages.to_str().expect("utf8"), "tiny_demo", version],
        );
    }
    let htpasswd = dir.join("htpasswd");
    run_python(&python, HTPASSWD, &[htpasswd.to_str().expect("utf8")]);

    let port = TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let child = Command::new(&server)
        .args(["run", "-i", "127.0.0.1", "-p", &port.to_string(), "-P"])
        .arg(&htpasswd)
        .args(["-a", "download,list,update"])
        .arg(&packages)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start pypi-server");
    let _running = Running(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "pypi-server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let index = Index::new(Options::new(false, None), &|_| None);
    let sources = |url: String| Sources {
        indexes: vec![IndexUrl::parse(&url, None, "test").expect("url")],
        pinned: Default::default(),
    };

    // Without credentials the index refuses, and that is not mistaken for "no such project".
    let anonymous = sources(format!("http://127.0.0.1:{port}/simple/"));
    let a = index
        .project(&anonymous, "tiny-demo", Duration::from_secs(10))
        .await
        .expect("answer");
    assert!(matches!(a.outcome, Outcome::Failed(_)), "{:?}", a.outcome);

    let with_auth = sources(format!("http://alice:s3cret@127.0.0.1:{port}/simple/"));
    let a = index
        .project(&with_auth, "Tiny_Demo", Duration::from_secs(10))
        .await
        .expect("answer");
    let Outcome::Found(project) = &a.outcome else {
        panic!("expected the project, got {:?}", a.outcome)
    };
    let versions: BTreeSet<&str> = project
        .releases
        .iter()
        .map(|r| r.version.as_str())
        .collect();
    assert_eq!(versions, BTreeSet::from(["0.1.0", "0.2.0"]));
    assert!(
        project
            .releases
            .iter()
            .all(|r| r.files == 1 && r.yanked.is_none())
    );
    assert!(!a.index.as_deref().unwrap_or("").contains("s3cret"));
    let _ = std::fs::remove_dir_all(&dir);
}
