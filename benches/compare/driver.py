#!/usr/bin/env python3
"""Side-by-side LSP benchmark: pyproject-lsp against tombi, over stdio, same scenarios, runs
alternating between the two servers so machine drift hits both. Prints medians, p90 and the ratio
ours/theirs per row. Standard library only.

Usage: driver.py --ours PATH --theirs PATH [--runs N] [--corpus DIR] [--work DIR]
"""

import argparse
import http.server
import json
import os
import queue
import statistics
import subprocess
import threading
import time
import tomllib
from pathlib import Path


class Lsp:
    """A JSON-RPC client over a child's stdio; a reader thread queues every message."""

    def __init__(self, cmd, env):
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        self.q = queue.Queue()
        self.pending = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.q.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.q.put(json.loads(body))

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request_async(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def _next(self, deadline):
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            msg = self.q.get(timeout=left)
            if msg is None:
                raise EOFError("server exited")
            if "method" in msg and "id" in msg:
                # A server request: answer configuration with nothing, everything else with null.
                result = None
                if msg["method"] == "workspace/configuration":
                    result = [None] * len(msg["params"].get("items", [1]))
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
                continue
            return msg

    def wait(self, pred, timeout=30):
        for i, m in enumerate(self.pending):
            if pred(m):
                return self.pending.pop(i)
        deadline = time.perf_counter() + timeout
        while True:
            m = self._next(deadline)
            if pred(m):
                return m
            self.pending.append(m)

    def request(self, method, params, timeout=30):
        rid = self.request_async(method, params)
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def drain(self):
        self.pending.clear()
        while True:
            try:
                m = self.q.get_nowait()
            except queue.Empty:
                return
            if m is not None and "method" in m and "id" in m:
                self.send({"jsonrpc": "2.0", "id": m["id"], "result": None})

    def peak_rss_kib(self):
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def close(self):
        try:
            self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait()


def is_diag(uri):
    return lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri


def session(cmd, env, path, text, marks, samples, repeat):
    """One server start: every scenario once (completion and hover `repeat` times)."""
    uri = path.as_uri()
    t = time.perf_counter()
    lsp = Lsp(cmd, env)
    lsp.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": path.parent.as_uri(),
            "capabilities": {
                "textDocument": {
                    "completion": {"completionItem": {"snippetSupport": True}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                    "publishDiagnostics": {"versionSupport": True},
                }
            },
            "workspaceFolders": [{"uri": path.parent.as_uri(), "name": "bench"}],
        },
    )
    samples["initialize"].append(time.perf_counter() - t)
    lsp.notify("initialized", {})

    t = time.perf_counter()
    lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}})
    first = lsp.wait(is_diag(uri))
    samples["open -> diagnostics"].append(time.perf_counter() - t)
    samples.setdefault("_diag_count", []).append(len(first["params"]["diagnostics"]))
    time.sleep(0.3)  # let slow (second) publishes of the open settle before the edit
    lsp.drain()

    # One-character edit: change the `9` of requires-python's ">=3.9"-like value to `8`.
    line, col = marks["edit"]
    t = time.perf_counter()
    lsp.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}}, "text": "8"}],
        },
    )
    lsp.wait(lambda m: is_diag(uri)(m) and m["params"].get("version") in (2, None))
    samples["edit -> diagnostics"].append(time.perf_counter() - t)
    time.sleep(0.2)
    lsp.drain()

    line, col = marks["complete"]
    labels = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
        samples["completion [project] keys"].append(time.perf_counter() - t)
        res = r.get("result") or []
        items = res.get("items", []) if isinstance(res, dict) else res
        labels = [i.get("label") for i in items]
    samples.setdefault("_completion_has_key", []).append(int(any("dependencies" == (l or "").strip('"') for l in labels)))

    line, col = marks["hover"]
    for _ in range(repeat):
        t = time.perf_counter()
        r = lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
        samples["hover requires-python"].append(time.perf_counter() - t)
    samples.setdefault("_hover_nonempty", []).append(int(bool(r.get("result"))))
    samples["peak RSS"].append(lsp.peak_rss_kib() * 1024)
    lsp.close()


def toml_value(v):
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    return json.dumps(str(v))


def emit_table(out, header, table):
    """Writes a table as TOML: scalars and arrays first, sub-tables as [header.key] after."""
    out.append(f"\n[{header}]")
    subs = []
    for k, v in table.items():
        if isinstance(v, dict) and v:
            subs.append((k, v))
        else:
            out.append(f"{json.dumps(k)} = {toml_value(v)}")
    for k, v in subs:
        emit_table(out, f"{header}.{json.dumps(k)}", v)


def big_file(base, corpus, lines):
    """The 76-line file plus [tool.*] tables taken from the corpus (renamed when a tool repeats)
    until it has `lines` lines."""
    out = base.rstrip("\n").split("\n")
    seen = set(tomllib.loads(base).get("tool", {}))
    for f in sorted(corpus.glob("*.toml")):
        try:
            tools = tomllib.loads(f.read_text()).get("tool", {})
        except Exception:
            continue
        for name, table in tools.items():
            if not isinstance(table, dict) or name == "pyproject-lsp":
                continue
            key = name if name not in seen else f"{name}-{f.stem}"
            chunk = []
            emit_table(chunk, f"tool.{json.dumps(key)}", table)
            count = lambda xs: sum(x.count("\n") + 1 for x in xs)
            if count(out) + count(chunk) > lines:
                continue
            seen.add(key)
            out.extend(chunk)
    while sum(x.count("\n") + 1 for x in out) < lines:
        out.append("# padding")
    return "\n".join(out) + "\n"


def marks_of(text):
    lines = text.split("\n")
    rp = next(i for i, l in enumerate(lines) if l.startswith("requires-python"))
    digit = lines[rp].rstrip().rstrip('"')
    return {
        "edit": (rp, len(digit) - 1),
        "hover": (rp, 3),
        # The blank line right after requires-python, inside [project].
        "complete": (rp + 1, 0),
    }


def fmt(row, v):
    if row == "peak RSS":
        return f"{v / 2**20:.1f} MiB"
    return f"{v * 1e3:.2f} ms"


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p * (len(xs) - 1)))))]


class IndexHandler(http.server.BaseHTTPRequestHandler):
    """Serves the recorded PEP 691 pages of tests/fixtures/index/simple on 127.0.0.1."""

    root = Path(__file__).resolve().parents[2] / "tests/fixtures/index/simple"

    def do_GET(self):
        name = self.path.strip("/").split("/")[-1]
        f = self.root / f"{name}.json"
        if not f.is_file():
            self.send_response(404)
            self.end_headers()
            return
        body = f.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def generate_entry_points(d, modules=1000, chain=10):
    """The project of benches/entry_points.rs: 1,000 modules in re-export chains of 10."""
    pkg = d / "src/bigpkg"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text('"""Generated."""\nfrom .m0000 import target as main\n')
    for i in range(modules):
        src = "import os\nimport sys\n\n"
        if (i + 1) % chain:
            src += f"from .m{i + 1:04} import target\n"
        else:
            src += 'def target(argv=None) -> int:\n    """The end of a chain."""\n    return 0\n'
        for f in range(5):
            src += f"\n\ndef helper_{f}(x, y=1, *args, **kwargs):\n    if x:\n        return [y for _ in range(3)]\n    return {{'a': x}}\n"
        src += "\n\nclass Thing:\n    def method(self):\n        return os.getcwd()\n"
        (pkg / f"m{i:04}.py").write_text(src)
    toml = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "bigpkg"\nversion = "1"\n\n[project.scripts]\nbig = "bigpkg:main"\n'
    for c in range(modules // chain):
        toml += f's{c} = "bigpkg.m{c * chain:04}:target"\n'
    (d / "pyproject.toml").write_text(toml)
    return toml, pkg / f"m{chain * 3 + 4:04}.py"


def start(ours, env, root, options=None):
    lsp = Lsp([ours], env)
    lsp.request("initialize", {
        "processId": os.getpid(), "rootUri": root.as_uri(), "initializationOptions": options,
        "capabilities": {"textDocument": {"completion": {"completionItem": {"snippetSupport": True}},
                                          "publishDiagnostics": {"versionSupport": True}},
                         "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}},
    })
    lsp.notify("initialized", {})
    return lsp


def timed_completions(lsp, uri, line, col, n):
    out, count = [], 0
    for _ in range(n):
        t = time.perf_counter()
        r = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}})
        out.append(time.perf_counter() - t)
        res = r.get("result") or []
        count = len(res.get("items", []) if isinstance(res, dict) else res)
    return out, count


def budget(ours, work, runs):
    """Our own latency budget, through the release binary over stdio."""
    rows = []
    env = dict(os.environ, PYPROJECT_LSP_OFFLINE="1", PYPROJECT_LSP_CACHE_DIR=str(work / "cache-budget"))

    d = work / "budget-classifiers"
    d.mkdir(parents=True, exist_ok=True)
    text = '[project]\nname = "x"\nversion = "1"\nclassifiers = [\n    "Programming Language :: P",\n]\n'
    (d / "pyproject.toml").write_text(text)
    lsp = start(ours, env, d)
    uri = (d / "pyproject.toml").as_uri()
    lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}})
    lsp.wait(is_diag(uri))
    samples, count = timed_completions(lsp, uri, 4, 29, runs * 10)
    rows.append((f"classifier completion ({count} items)", samples))
    lsp.close()

    # Version completion from a warm cache: a recorded index page served on 127.0.0.1; the first
    # request fetches it, the measured ones are answered from memory.
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), IndexHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/simple/"
    d = work / "budget-versions"
    d.mkdir(parents=True, exist_ok=True)
    text = '[project]\nname = "x"\nversion = "1"\ndependencies = [\n    "requests>=",\n]\n'
    (d / "pyproject.toml").write_text(text)
    online = {k: v for k, v in env.items() if k != "PYPROJECT_LSP_OFFLINE"}
    lsp = start(ours, online, d, {"index": {"url": url}, "offline": False})
    uri = (d / "pyproject.toml").as_uri()
    lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": text}})
    lsp.wait(is_diag(uri))
    count, deadline = 0, time.perf_counter() + 10
    while count == 0 and time.perf_counter() < deadline:
        _, count = timed_completions(lsp, uri, 4, 15, 1)
        time.sleep(0.05)
    samples, count = timed_completions(lsp, uri, 4, 15, runs * 10)
    rows.append((f"version completion, warm cache ({count} items)", samples))
    lsp.close()
    srv.shutdown()

    # Entry points of a generated 1,000-module project: open -> the second publish (the one after
    # the Python analysis), and a changed module (didChangeWatchedFiles) -> the next publish.
    d = work / "budget-entry-points"
    if not (d / "pyproject.toml").exists():
        generate_entry_points(d)
    toml = (d / "pyproject.toml").read_text()
    changed = d / "src/bigpkg/m0034.py"
    cold, change = [], []
    for run in range(runs):
        lsp = start(ours, env, d)
        uri = (d / "pyproject.toml").as_uri()
        t = time.perf_counter()
        lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "toml", "version": 1, "text": toml}})
        lsp.wait(is_diag(uri))
        lsp.wait(is_diag(uri))
        cold.append(time.perf_counter() - t)
        time.sleep(0.2)
        lsp.drain()
        changed.write_text(changed.read_text() + f"\n# edit {run}\n")
        t = time.perf_counter()
        lsp.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": changed.as_uri(), "type": 2}]})
        lsp.wait(is_diag(uri))
        change.append(time.perf_counter() - t)
        lsp.close()
    rows.append(("entry points, 1,000 modules: open -> resolved diagnostics", cold))
    rows.append(("entry points, 1,000 modules: one .py changed -> diagnostics", change))

    print("\n| our budget (over stdio) | median | p90 |")
    print("|---|---:|---:|")
    for name, xs in rows:
        print(f"| {name} | {statistics.median(xs) * 1e3:.2f} ms | {pct(xs, 0.9) * 1e3:.2f} ms |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--theirs", required=True)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[3] / "shared/corpus/pyprojects"))
    ap.add_argument("--work", default="target/compare/work")
    ap.add_argument("--budget-only", action="store_true")
    args = ap.parse_args()

    corpus = Path(args.corpus)
    base = (corpus / "pygments.toml").read_text()
    # 76 lines: a blank line inside [project] (where completion is asked) and one closing comment.
    blines = base.rstrip("\n").split("\n")
    rp = next(i for i, l in enumerate(blines) if l.startswith("requires-python"))
    blines.insert(rp + 1, "")
    while len(blines) < 76:
        blines.append("# end")
    small = "\n".join(blines) + "\n"
    large = big_file(small, corpus, 2000)

    work = Path(args.work).resolve()
    servers = {
        "ours": ([args.ours], {"PYPROJECT_LSP_OFFLINE": "1"}),
        "tombi": ([args.theirs, "lsp", "--offline"], {}),
    }
    if args.budget_only:
        budget(args.ours, work, args.runs)
        return
    results = {}
    for label, text in (("76 lines", small), (f"{len(large.splitlines())} lines", large)):
        for name in servers:
            d = work / name / label.replace(" ", "-")
            d.mkdir(parents=True, exist_ok=True)
            (d / "pyproject.toml").write_text(text)
        samples = {name: {k: [] for k in ("initialize", "open -> diagnostics", "edit -> diagnostics", "completion [project] keys", "hover requires-python", "peak RSS")} for name in servers}
        for run in range(args.runs):
            order = list(servers) if run % 2 == 0 else list(reversed(servers))
            for name in order:
                cmd, extra = servers[name]
                env = dict(os.environ, **extra)
                env.setdefault("PYPROJECT_LSP_CACHE_DIR", str(work / "cache"))
                path = work / name / label.replace(" ", "-") / "pyproject.toml"
                session(cmd, env, path, text, marks_of(text), samples[name], args.repeat)
        results[label] = samples

    print(f"pyproject-lsp vs tombi ({subprocess.run([args.theirs, '--version'], capture_output=True, text=True).stdout.strip()}), "
          f"{args.runs} alternating runs per file, completion/hover x{args.repeat} per run\n")
    print(f"| file | scenario | ours median | ours p90 | tombi median | tombi p90 | ratio (median) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, samples in results.items():
        for row in samples["ours"]:
            if row.startswith("_"):
                continue
            o, t = samples["ours"][row], samples["tombi"][row]
            om, tm = statistics.median(o), statistics.median(t)
            print(f"| {label} | {row} | {fmt(row, om)} | {fmt(row, pct(o, 0.9))} | {fmt(row, tm)} | {fmt(row, pct(t, 0.9))} | {om / tm if tm else float('nan'):.2f} |")
    print()
    for label, samples in results.items():
        for name in servers:
            s = samples[name]
            print(f"sanity {label} {name}: diagnostics on open {statistics.median(s['_diag_count'])}, "
                  f"completion lists dependencies {sum(s['_completion_has_key'])}/{len(s['_completion_has_key'])}, "
                  f"hover answered {sum(s['_hover_nonempty'])}/{len(s['_hover_nonempty'])}")
    budget(args.ours, work, args.runs)


if __name__ == "__main__":
    main()
