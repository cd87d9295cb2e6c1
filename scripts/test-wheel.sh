#!/usr/bin/env bash
# Builds the pyproject-lsp wheel with maturin (bindings = "bin"), installs it into a fresh virtual
# environment, and runs it with no Rust toolchain on PATH: what `pip install pyproject-lsp` gives a
# user on a clean machine.
#
# Needs: python3 (3.9+) with venv and pip, the Rust toolchain; maturin, pre-commit (to validate
# .pre-commit-hooks.yaml) and uv (for `uvx`) are installed into target/wheel/build-venv from the package registry.
# Env:   WHEEL_PROFILE=release (default) | debug   (debug reuses `cargo build`'s target/debug)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$ROOT/target/wheel
BUILD_VENV=$WORK/build-venv
TEST_VENV=$WORK/test-venv
DIST=$WORK/dist
FIXTURES=$ROOT/tests/fixtures/editors
PROFILE=${WHEEL_PROFILE:-release}
PYTHON=${PYTHON:-python3}

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
log() { printf '== %s\n' "$*" >&2; }

# The wheel's version comes from pyproject.toml; it must match the crate's.
cargo_version=$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -1)
py_version=$(sed -n '/^\[project\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$ROOT/pyproject.toml" | head -1)
[ -n "$cargo_version" ] && [ "$cargo_version" = "$py_version" ] ||
  fail "version mismatch: Cargo.toml '$cargo_version', pyproject.toml '$py_version'"

mkdir -p "$WORK"
if [ ! -x "$BUILD_VENV/bin/maturin" ] || [ ! -x "$BUILD_VENV/bin/pre-commit" ] || [ ! -x "$BUILD_VENV/bin/uvx" ]; then
  log "installing maturin, pre-commit and uv into $BUILD_VENV"
  "$PYTHON" -m venv "$BUILD_VENV"
  "$BUILD_VENV/bin/pip" install -q --disable-pip-version-check 'maturin>=1.7,<2' 'pre-commit>=3' uv
fi

# The pre-commit hook definition must be valid for pre-commit itself.
"$BUILD_VENV/bin/pre-commit" validate-manifest "$ROOT/.pre-commit-hooks.yaml" || fail ".pre-commit-hooks.yaml is invalid"

log "maturin build ($PROFILE)"
rm -rf "$DIST"
profile_args=(--release)
[ "$PROFILE" = debug ] && profile_args=()
(cd "$ROOT" && "$BUILD_VENV/bin/maturin" build "${profile_args[@]}" --out "$DIST" --interpreter "$BUILD_VENV/bin/python")
shopt -s nullglob
wheels=("$DIST"/pyproject_lsp-"$py_version"-*.whl)
[ ${#wheels[@]} -eq 1 ] || fail "expected one wheel in $DIST, found: $(ls "$DIST")"
wheel=${wheels[0]}
log "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB)"

# The wheel holds the binary under *.data/scripts and no Python module.
"$BUILD_VENV/bin/python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
scripts = [n for n in names if "/scripts/" in n]
assert any(n.endswith("/scripts/pyproject-lsp") or n.endswith("/scripts/pyproject-lsp.exe") for n in scripts), names
assert not any(n.endswith(".py") for n in names), names
PY

# A fresh environment and an empty process environment: no cargo, no rustc, no ~/.cargo/bin.
rm -rf "$TEST_VENV"
"$PYTHON" -m venv "$TEST_VENV"
clean_env=(env -i "PATH=$TEST_VENV/bin:/usr/bin:/bin" "HOME=$WORK/home" "PYPROJECT_LSP_OFFLINE=1"
  "PYPROJECT_LSP_CACHE_DIR=$WORK/cache")
mkdir -p "$WORK/home"
"${clean_env[@]}" pip install -q --disable-pip-version-check --no-index "$wheel"
"${clean_env[@]}" sh -c 'command -v cargo || command -v rustc' && fail "a Rust toolchain is visible in the clean environment"
bin=$("${clean_env[@]}" sh -c 'command -v pyproject-lsp') || fail "pyproject-lsp is not on PATH after pip install"
[ "$bin" = "$TEST_VENV/bin/pyproject-lsp" ] || fail "pyproject-lsp resolved to $bin, not the venv's"

version_out=$("${clean_env[@]}" pyproject-lsp --version)
log "pyproject-lsp --version: $version_out"
[[ $version_out == *"$py_version"* ]] || fail "--version does not print $py_version"

# `uvx pyproject-lsp` runs the same wheel from uv's cache, also without Rust (and offline).
py_real=$("$PYTHON" -c 'import sys; print(sys.executable)')
uvx_out=$("${clean_env[@]}" UV_CACHE_DIR="$WORK/uv-cache" "$BUILD_VENV/bin/uvx" --offline --no-config \
  --python "$py_real" --from "$wheel" pyproject-lsp --version 2>&1) || fail "uvx: $uvx_out"
[[ $uvx_out == *"pyproject-lsp $py_version"* ]] || fail "uvx pyproject-lsp --version printed: $uvx_out"
log "uvx --from <wheel> pyproject-lsp --version: ok"

# A valid project: no diagnostics, exit 0.
set +e
clean_out=$(cd "$FIXTURES/clean" && "${clean_env[@]}" pyproject-lsp check pyproject.toml 2>&1)
clean_rc=$?
bad_out=$(cd "$FIXTURES/project" && "${clean_env[@]}" pyproject-lsp check pyproject.toml 2>&1)
bad_rc=$?
set -e
printf '%s\n' "--- check clean/pyproject.toml (rc=$clean_rc)" "$clean_out" "--- check project/pyproject.toml (rc=$bad_rc)" "$bad_out"
[ "$clean_rc" -eq 0 ] || fail "check of a valid pyproject.toml exited $clean_rc"
# The broken fixture has two errors: an invalid version and the unknown key requires_python.
[ "$bad_rc" -eq 1 ] || fail "check of a broken pyproject.toml exited $bad_rc, expected 1"
grep -q '1\.0\.0\.x' <<<"$bad_out" || grep -qi 'version' <<<"$bad_out" || fail "no diagnostic about the invalid version"
grep -q 'requires_python' <<<"$bad_out" || fail "no diagnostic about requires_python"

# The repository's own pyproject.toml (this wheel's metadata) must be free of any diagnostic.
set +e
self_out=$(cd "$ROOT" && "${clean_env[@]}" pyproject-lsp check --output-format json pyproject.toml)
self_rc=$?
set -e
printf '%s\n' "--- check --output-format json pyproject.toml (rc=$self_rc)" "$self_out"
[ "$self_rc" -eq 0 ] || fail "check of the repository's pyproject.toml exited $self_rc"
count=$("$BUILD_VENV/bin/python" -c '
import json, sys
def walk(v):
    if isinstance(v, dict):
        return (1 if str(v.get("code", "")).startswith("PP") else 0) + sum(walk(x) for x in v.values())
    if isinstance(v, list):
        return sum(walk(x) for x in v)
    return 0
print(walk(json.loads(sys.stdin.read() or "[]")))' <<<"$self_out") || fail "check --output-format json did not print JSON"
[ "$count" -eq 0 ] || fail "the repository's pyproject.toml has $count diagnostics"

log "PASS: wheel installs and runs without Rust ($(basename "$wheel"))"
