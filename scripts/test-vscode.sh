#!/usr/bin/env bash
# VS Code extension: install its npm dependencies (from package-lock.json), type-check, run the
# unit tests (node --test: server discovery, settings mapping) and package it with vsce into
# target/vscode/pyproject-lsp-<version>.vsix. When a server binary is available (SERVER_BINARY, or
# target/release/pyproject-lsp), also packages a platform-specific .vsix with the binary inside.
#
# Needs: Node 20 with npm. Output: the .vsix path(s), one a line, on stdout.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EXT=$ROOT/editors/vscode
OUT=$ROOT/target/vscode
mkdir -p "$OUT"
cd "$EXT"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

log() { printf '== %s\n' "$*" >&2; }
# The names inside a .vsix (a zip), one a line. python3 rather than unzip: a clean machine has no unzip.
vsix_names() { python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$1"; }

log "npm ci"
npm ci --loglevel=error >&2
log "typecheck"
npm run --silent typecheck >&2
log "unit tests"
npm test --silent >&2

version=$(node -p 'require("./package.json").version')
rm -rf server
log "package (universal, server from the setting or PATH)"
npm run --silent package -- -o "$OUT/pyproject-lsp-$version.vsix" </dev/null >&2
# The package holds the bundle, the manifest, README, licences and icon: nothing from node_modules or src.
names=$(vsix_names "$OUT/pyproject-lsp-$version.vsix")
grep -qx 'extension/dist/extension.js' <<<"$names" || { echo "FAIL: bundle missing" >&2; exit 1; }
if grep -qE 'node_modules/|extension/src/|\.map$' <<<"$names"; then
  echo "FAIL: the .vsix contains sources or node_modules" >&2
  exit 1
fi
echo "$OUT/pyproject-lsp-$version.vsix"

SERVER_BINARY=${SERVER_BINARY:-$ROOT/target/release/pyproject-lsp}
if [ -x "$SERVER_BINARY" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target=linux-x64 ;;
    Linux-aarch64) target=linux-arm64 ;;
    Darwin-arm64) target=darwin-arm64 ;;
    Darwin-x86_64) target=darwin-x64 ;;
    *) target= ;;
  esac
  if [ -n "$target" ]; then
    log "package ($target, with $SERVER_BINARY inside)"
    mkdir -p server
    cp "$SERVER_BINARY" server/pyproject-lsp
    chmod 755 server/pyproject-lsp
    trap 'rm -rf "$EXT/server"' EXIT
    npm run --silent package -- --target "$target" -o "$OUT/pyproject-lsp-$target-$version.vsix" </dev/null >&2
    grep -qx 'extension/server/pyproject-lsp' <<<"$(vsix_names "$OUT/pyproject-lsp-$target-$version.vsix")" ||
      { echo "FAIL: server binary missing from the $target package" >&2; exit 1; }
    echo "$OUT/pyproject-lsp-$target-$version.vsix"
  fi
fi
log "PASS: vscode extension"
