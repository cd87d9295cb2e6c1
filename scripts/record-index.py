#!/usr/bin/env python3
"""Record real package index answers once, for the index client's tests (tests/fixtures/index/).

The recordings are committed data: tests serve them from a server on 127.0.0.1 and never need
the internet. Run again only to refresh them:

    python3 scripts/record-index.py [--index https://pypi.org] [--out tests/fixtures/index]

What is recorded, per project:
  simple/<name>.json   the PEP 691 JSON project page (file `hashes` dropped to keep it small;
                       the client does not read them)
  simple/<name>.html   the PEP 503 HTML project page, unchanged
  pypi/<name>.json     the JSON API document without the deprecated `releases` and `urls` keys
  metadata/<file>.metadata  the PEP 658 metadata of the newest wheel that offers one
File URLs inside the pages are kept as the index wrote them; the tests rewrite the host.
"""

import argparse
import json
import pathlib
import urllib.request

PROJECTS = ["requests", "httpx", "pydantic-settings", "tomli", "click", "pycrypto"]
UA = "pyproject-lsp test recorder (scripts/record-index.py)"


def get(url, accept):
    req = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": UA})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.read(), resp.headers.get("Content-Type", "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", default="https://pypi.org")
    ap.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/index"))
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    for sub in ("simple", "pypi", "metadata"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    for name in PROJECTS:
        body, ctype = get(f"{args.index}/simple/{name}/", "application/vnd.pypi.simple.v1+json")
        assert "json" in ctype, ctype
        page = json.loads(body)
        for f in page["files"]:
            f.pop("hashes", None)
        (out / "simple" / f"{name}.json").write_text(json.dumps(page, separators=(",", ":")) + "\n")

        body, ctype = get(f"{args.index}/simple/{name}/", "text/html")
        (out / "simple" / f"{name}.html").write_bytes(body)

        body, _ = get(f"{args.index}/pypi/{name}/json", "application/json")
        doc = json.loads(body)
        doc.pop("releases", None)
        doc.pop("urls", None)
        doc["info"].pop("description", None)
        (out / "pypi" / f"{name}.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")

        wheels = [f for f in page["files"] if f["filename"].endswith(".whl") and f.get("core-metadata")]
        if wheels:
            newest = wheels[-1]
            body, _ = get(newest["url"] + ".metadata", "*/*")
            # The long description is the bulk of the file and is not read.
            head, _, _ = body.decode("utf-8", "replace").partition("\n\n")
            (out / "metadata" / (newest["filename"] + ".metadata")).write_text(head + "\n\n")
        print(name, len(page["files"]), "files")


if __name__ == "__main__":
    main()
