#!/usr/bin/env python3
"""Refresh the bundled `[tool.*]` JSON Schemas under data/schemas/.

The schemas are SchemaStore's (Apache-2.0), taken from the PyPI package
validate-pyproject-schema-store, which vendors exactly the tool schemas that SchemaStore's
pyproject.json references. The package is fetched with the ordinary `pip download --no-deps`
(no other network access), the files are copied unchanged, and three derived files are rewritten:

- data/schemas/VERSIONS.md: the table of tool -> file -> SchemaStore id -> source version,
- data/schemas/LICENSE: the package's Apache-2.0 licence text,
- src/schema/bundled.rs: the static table the server compiles in (include_str! per file).

Usage: scripts/update-schemas.py [--version 2026.10.23] [--wheel path/to/file.whl]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "schemas"
BUNDLED_RS = ROOT / "src" / "schema" / "bundled.rs"
PACKAGE = "validate-pyproject-schema-store"
DEFAULT_VERSION = "2026.10.23"
RESOURCES = "validate_pyproject_schema_store/resources/"


def fetch_wheel(version: str, dest: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         "-d", str(dest), f"{PACKAGE}=={version}"],
        check=True,
    )
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        sys.exit("pip produced no wheel")
    return wheels[0]


def schema_name_from_url(url: str) -> str:
    return Path(urlparse(url.partition("#")[0]).path).name.removesuffix(".json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--wheel", type=Path, help="use this wheel instead of downloading")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(args.version, Path(tmp))
        with zipfile.ZipFile(wheel) as zf:
            files = {
                name.removeprefix(RESOURCES): zf.read(name)
                for name in zf.namelist()
                if name.startswith(RESOURCES)
            }
            licence = next(
                (zf.read(n) for n in zf.namelist() if n.endswith("licenses/LICENSE")), None
            )
        version = wheel.name.split("-")[1]

    tools: dict[str, str] = json.loads(files["tool.json"])
    extras: dict[str, str] = json.loads(files.get("extra.json", b"{}"))

    # The same resolution as the package's own schema.py: the URL-derived file name first,
    # then the tool-named one.
    def file_for(tool: str, url: str) -> str:
        by_url = f"{schema_name_from_url(url)}.schema.json"
        return by_url if by_url in files else f"{tool}.schema.json"

    # Only the vendored files are replaced; data/schemas/local/ (our own) is left alone.
    for old in OUT.glob("*.json"):
        old.unlink()
    OUT.mkdir(parents=True, exist_ok=True)

    rows = []  # (tool, file, id, fragment)
    written: dict[str, str] = {}  # resource file -> our file name
    for tool, url in sorted(tools.items()):
        src = file_for(tool, url)
        if src not in files:
            print(f"warning: no file for {tool} ({url})", file=sys.stderr)
            continue
        ours = written.setdefault(src, src.removesuffix(".schema.json") + ".json")
        rows.append((tool, ours, url.partition("#")[0], url.partition("#")[2]))
    # Files that tool schemas reference by id ($ref across files), e.g. partial-pdm-dockerize.
    for url in extras.values():
        src = f"{schema_name_from_url(url)}.schema.json"
        if src in files:
            written.setdefault(src, src.removesuffix(".schema.json") + ".json")
    for src, ours in written.items():
        (OUT / ours).write_bytes(files[src])
    if licence:
        (OUT / "LICENSE").write_bytes(licence)

    ids = {}
    for src, ours in sorted(written.items(), key=lambda kv: kv[1]):
        doc = json.loads(files[src])
        ids[ours] = doc.get("$id", "")

    lines = [
        "# Bundled `[tool.*]` schemas",
        "",
        f"Source: the PyPI package `{PACKAGE}` {version} (Apache-2.0, see LICENSE and NOTICE), which",
        "vendors the SchemaStore schemas that SchemaStore's `pyproject.json` references. Files are copied",
        "unchanged; refresh with `python3 scripts/update-schemas.py --version X`.",
        "",
        "| tool table | file | SchemaStore id | source version | sha256 (12) |",
        "|---|---|---|---|---|",
    ]
    for tool, ours, _url, frag in rows:
        digest = hashlib.sha256((OUT / ours).read_bytes()).hexdigest()[:12]
        suffix = f"#{frag}" if frag else ""
        lines.append(f"| `tool.{tool}` | `{ours}`{suffix} | {ids[ours]} | {version} | {digest} |")
    support = sorted(set(written.values()) - {r[1] for r in rows})
    if support:
        lines += ["", "Referenced by other schemas (no table of their own): "
                  + ", ".join(f"`{s}`" for s in support) + "."]
    (OUT / "VERSIONS.md").write_text("\n".join(lines) + "\n")

    # Our own schemas for tools SchemaStore has none for (data/schemas/local/<tool>.json).
    local = sorted((OUT / "local").glob("*.json"))
    if local:
        lines += ["", "Written for pyproject-lsp (no SchemaStore schema exists; permissive, unknown keys allowed):", "",
                  "| tool table | file | made from |", "|---|---|---|"]
        for p in local:
            comment = json.loads(p.read_text()).get("$comment", "")
            origin = ("the tool's option definitions (`scripts/generate-local-schemas.py`): "
                      + comment.split(" from ", 1)[1].split("'s option", 1)[0]
                      if comment.startswith("Generated by") else "the tool's documented options, by hand")
            lines.append(f"| `tool.{p.stem}` | `local/{p.name}` | {origin} |")
        (OUT / "VERSIONS.md").write_text("\n".join(lines) + "\n")

    rs = [
        "//! The bundled `[tool.*]` schemas: generated by scripts/update-schemas.py, do not edit.",
        "",
        f"/// Version of the `{PACKAGE}` package the files come from.",
        f'pub const SOURCE_VERSION: &str = "{version}";',
        "",
        "/// Every bundled file: (file name, `$id`, text).",
        "pub static FILES: &[(&str, &str, &str)] = &[",
    ]
    for ours in sorted(set(written.values())):
        rs.append(f'    ("{ours}", "{ids[ours]}", include_str!("../../data/schemas/{ours}")),')
    for p in local:
        doc_id = json.loads(p.read_text()).get("$id", "")
        rs.append(f'    ("local/{p.name}", "{doc_id}", include_str!("../../data/schemas/local/{p.name}")),')
    rs += ["];", "", "/// `[tool.X]` table name -> (file name, JSON pointer inside it).",
           "pub static TOOLS: &[(&str, &str, &str)] = &["]
    for tool, ours, _url, frag in rows:
        rs.append(f'    ("{tool}", "{ours}", "{frag}"),')
    for p in local:
        rs.append(f'    ("{p.stem}", "local/{p.name}", ""),')
    rs += ["];", ""]
    BUNDLED_RS.write_text("\n".join(rs))
    print(f"wrote {len(written)} schema files for {len(rows)} tools from {PACKAGE} {version}")


if __name__ == "__main__":
    main()
