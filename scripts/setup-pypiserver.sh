#!/bin/sh
# Creates a virtual environment with pypiserver (and passlib, for basic auth) under target/ and
# prints the path of its `pypi-server` executable. The private-index test reads that path from
# PYPROJECT_LSP_PYPISERVER:
#
#   export PYPROJECT_LSP_PYPISERVER="$(scripts/setup-pypiserver.sh)"
#   cargo test --test index_pypiserver
#
# Re-running reuses the environment. Progress goes to stderr; stdout is only the path.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${PYPISERVER_VENV:-$root/target/pypiserver-venv}"
if [ ! -x "$venv/bin/pypi-server" ]; then
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'pypiserver[passlib]>=2.4,<3' >&2
fi
echo "$venv/bin/pypi-server"
