#!/usr/bin/env bash
# The side-by-side benchmark: pyproject-lsp against tombi (from PyPI, `tombi lsp --offline`) over
# stdio through the same scenarios, then our own latency budget (classifier completion, version
# completion from a warm cache, entry points on 1,000 generated modules).
#
# Usage: benches/compare/run.sh [--runs N]   (needs Python 3.11+ with venv, and pip access to PyPI)
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/compare/venv
if [ ! -x "$venv/bin/tombi" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet tombi
fi
cargo build --release --quiet --bin pyproject-lsp
# The comparison table, then our own budget (same binary, same run).
python3 benches/compare/driver.py --ours target/release/pyproject-lsp --theirs "$venv/bin/tombi" "$@"
