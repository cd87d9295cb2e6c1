#!/usr/bin/env python3
"""Regenerate data/classifiers/ from a trove-classifiers release.

Usage: scripts/update-classifiers.py [VERSION]

Without VERSION, the newest release is taken. The wheel is fetched with
`pip download --no-deps`, and its `trove_classifiers/__init__.py` is read with
`ast` (never imported or executed). Writes, under data/classifiers/:

- classifiers.txt   one valid classifier per line, in the package's order
- deprecated.txt    one deprecated classifier per line, followed by its
                    replacements, tab-separated (none when it has no replacement)
- VERSION           the trove-classifiers version the files came from
- LICENSE           the package's licence text (Apache-2.0)

The language server embeds these files with `include_str!`, so it never needs
the network for classifiers. Rebuild after running this script.
"""

import ast
import pathlib
import subprocess
import sys
import tempfile
import zipfile

OUT = pathlib.Path(__file__).resolve().parent.parent / "data" / "classifiers"


def literal(tree: ast.Module, name: str):
    """The value of a module-level `name = <literal>` (annotated or not)."""
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name and node.value is not None:
                return ast.literal_eval(node.value)
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return ast.literal_eval(node.value)
    sys.exit(f"update-classifiers: `{name}` not found in trove_classifiers/__init__.py")


def main() -> None:
    if len(sys.argv) > 2 or (len(sys.argv) == 2 and sys.argv[1].startswith("-")):
        sys.exit(__doc__)
    spec = "trove-classifiers" + (f"=={sys.argv[1]}" if len(sys.argv) == 2 else "")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--dest", tmp, spec],
            check=True,
        )
        wheels = sorted(pathlib.Path(tmp).glob("trove_classifiers-*.whl"))
        if len(wheels) != 1:
            sys.exit(f"update-classifiers: expected one wheel, found {wheels}")
        wheel = wheels[0]
        version = wheel.name.split("-")[1]
        with zipfile.ZipFile(wheel) as zf:
            source = zf.read("trove_classifiers/__init__.py").decode("utf-8")
            licence = [n for n in zf.namelist() if n.endswith("LICENSE") and ".dist-info/" in n]
            licence_text = zf.read(licence[0]).decode("utf-8") if licence else None

    tree = ast.parse(source)
    classifiers = literal(tree, "sorted_classifiers")
    deprecated = literal(tree, "deprecated_classifiers")
    for name in list(classifiers) + list(deprecated):
        if "\t" in name or "\n" in name:
            sys.exit(f"update-classifiers: unexpected whitespace in {name!r}")

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "classifiers.txt").write_text("".join(c + "\n" for c in classifiers), encoding="utf-8")
    (OUT / "deprecated.txt").write_text(
        "".join("\t".join([old, *new]) + "\n" for old, new in sorted(deprecated.items())),
        encoding="utf-8",
    )
    (OUT / "VERSION").write_text(version + "\n", encoding="utf-8")
    if licence_text is not None:
        (OUT / "LICENSE").write_text(licence_text, encoding="utf-8")
    print(f"trove-classifiers {version}: {len(classifiers)} classifiers, "
          f"{len(deprecated)} deprecated, written to {OUT}")


if __name__ == "__main__":
    main()
