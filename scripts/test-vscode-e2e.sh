#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code workbench: code-server 4.100.3
# (VS Code 1.100.3, from npm) served on 127.0.0.1 only, driven by Debian's headless chromium
# through playwright-core. Opens tests/fixtures/editors/project/pyproject.toml, waits for the
# server, an error squiggle with its message and a classifier completion list, and saves
# screenshots and logs under target/vscode-e2e/.
#
# Self-installing and idempotent: apt packages (as root), then code-server and playwright-core
# into target/vscode-e2e/tools (kept between runs; delete it to reinstall).
#
# Usage: scripts/test-vscode-e2e.sh [--install-only]
# Env:   SERVER_PATH  server binary (default: target/debug/pyproject-lsp, built if missing)
#        VSIX         extension package (default: built by scripts/test-vscode.sh)
#        E2E_SERVER_FROM=setting (default): the server is named by `pyproject-lsp.server.path`;
#                        bundled: a platform-specific .vsix with SERVER_PATH inside, no setting
#        PORT         code-server port on 127.0.0.1 (default: a free one)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/target/vscode-e2e
TOOLS=${E2E_TOOLS:-$OUT/tools}
CS_VERSION=4.100.3      # newest code-server whose engines.node accepts Node 20
PLAYWRIGHT_VERSION=1.65.1
STAMP=$TOOLS/.installed-$CS_VERSION-$PLAYWRIGHT_VERSION

log() { printf '== %s\n' "$*" >&2; }

install_apt() {
  local need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v rg >/dev/null || need+=(ripgrep)
  command -v curl >/dev/null || need+=(curl)
  command -v ps >/dev/null || need+=(procps)
  command -v make >/dev/null && command -v g++ >/dev/null || need+=(build-essential)
  command -v pkg-config >/dev/null || need+=(pkg-config)
  for dev in libx11-dev libxkbfile-dev libsecret-1-dev libkrb5-dev; do
    dpkg -s "$dev" >/dev/null 2>&1 || need+=("$dev")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "apt-get install ${need[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "need root to apt-get install: ${need[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" python3 >/dev/null
}

# code-server's own postinstall downloads ripgrep and node headers from outside the registries;
# this does the same steps from npm and apt only (see the reference notes on clients).
install_code_server() {
  [ -f "$STAMP" ] && return 0
  log "installing code-server $CS_VERSION and playwright-core into $TOOLS (one-off, ~1-2 min)"
  rm -rf "$TOOLS"
  mkdir -p "$TOOLS"
  (
    cd "$TOOLS"
    export npm_config_nodedir=/usr   # node headers from the nodejs package: node-gyp must not download them
    export npm_config_yes=true       # node-pty's install script runs `npx node-gyp`
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
    echo '{"private":true}' > package.json
    npm install --ignore-scripts "code-server@$CS_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
    npm rebuild argon2 >/dev/null
    cd node_modules/code-server/lib/vscode
    npm install --omit=dev --ignore-scripts >/dev/null
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg  # its postinstall skips the download when bin/ exists
    npm rebuild >/dev/null 2>&1    # kerberos, node-pty, spdlog, watchdog, ...
    ln -sfn node_modules node_modules.asar
    (cd bin/remote-cli && ln -sfn code-linux.sh code-server)
    (cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
    (cd extensions && npm install --omit=dev >/dev/null)
  )
  # XDG_CONFIG_HOME: code-server writes a config.yaml with a generated password on every start.
  XDG_CONFIG_HOME=$OUT/xdg-config "$TOOLS/node_modules/.bin/code-server" --version 2>/dev/null | head -1 >&2
  touch "$STAMP"
}

install_apt
install_code_server
[ "${1:-}" = --install-only ] && exit 0

# The server binary and the extension package.
SERVER_PATH=${SERVER_PATH:-$ROOT/target/debug/pyproject-lsp}
if [ ! -x "$SERVER_PATH" ]; then
  log "building $SERVER_PATH"
  (cd "$ROOT" && cargo build --quiet --bin pyproject-lsp)
fi
FROM=${E2E_SERVER_FROM:-setting}
if [ -z "${VSIX:-}" ]; then
  log "building the extension (scripts/test-vscode.sh)"
  if [ "$FROM" = bundled ]; then
    VSIX=$(SERVER_BINARY=$SERVER_PATH "$ROOT/scripts/test-vscode.sh" | sed -n 2p)
  else
    VSIX=$(SERVER_BINARY=/nonexistent "$ROOT/scripts/test-vscode.sh" | head -1)
  fi
fi
[ -f "$VSIX" ] || { echo "no .vsix at '$VSIX'" >&2; exit 2; }

# A fresh profile, project copy and code-server for each run: a disconnected extension host (and
# its server) would otherwise linger for reconnection.
RUN=$OUT/run
rm -rf "$RUN" "$OUT"/*.png
mkdir -p "$RUN/user/User" "$RUN/ext"
cp -r "$ROOT/tests/fixtures/editors/project" "$RUN/project"
export XDG_CONFIG_HOME=$RUN/xdg-config XDG_DATA_HOME=$RUN/xdg-data XDG_CACHE_HOME=$RUN/xdg-cache
export PYPROJECT_LSP_OFFLINE=1 PYPROJECT_LSP_CACHE_DIR=$RUN/server-cache
setting_path=$SERVER_PATH
expect_proc=$SERVER_PATH
if [ "$FROM" = bundled ]; then
  setting_path=""
  expect_proc=/server/pyproject-lsp
fi
cat > "$RUN/user/User/settings.json" <<JSON
{
  "pyproject-lsp.server.path": "$setting_path",
  "pyproject-lsp.offline": true,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "workbench.enableExperiments": false
}
JSON
CS=$TOOLS/node_modules/.bin/code-server
PORT=${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
D=(--user-data-dir "$RUN/user" --extensions-dir "$RUN/ext")
"$CS" "${D[@]}" --install-extension "$VSIX" >"$RUN/install.log" 2>&1 || { cat "$RUN/install.log" >&2; exit 1; }
"$CS" "${D[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust "$RUN/project" >"$RUN/code-server.log" 2>&1 &
CS_PID=$!
cleanup() {
  # SIGTERM to the launcher stops the entry process, the extension hosts and the language server.
  kill "$CS_PID" 2>/dev/null || true
  wait "$CS_PID" 2>/dev/null || true
}
trap cleanup EXIT
up=0
for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then up=1; break; fi
  sleep 0.2
done
[ $up = 1 ] || { cat "$RUN/code-server.log" >&2; echo "FAIL: code-server did not come up" >&2; exit 1; }

set +e
CS_URL="http://127.0.0.1:$PORT/?folder=$RUN/project" OUT_DIR=$OUT TOOLS=$TOOLS node "${E2E_DRIVER:-$ROOT/scripts/vscode-e2e.mjs}"
rc=$?
# The server process the extension started, with the --stdio argument the client adds.
server_procs=$(ps -eo args | grep -F -- "$expect_proc --stdio" | grep -v grep)
set -e
channel_log=$(find "$RUN/user/logs" -path '*pyproject-lsp*' -name '*.log' 2>/dev/null | head -1)
echo "--- server processes: ${server_procs:-none}"
echo "--- extension output channel ($channel_log) ---"
[ -n "$channel_log" ] && head -20 "$channel_log"
if [ -z "$server_procs" ]; then echo "FAIL: no '$expect_proc --stdio' process" >&2; rc=1; fi
if [ -z "$channel_log" ] || ! grep -q "(found by $FROM)" "$channel_log" ||
  ! grep -q 'server started: pyproject-lsp' "$channel_log"; then
  echo "FAIL: the output channel does not say the server started" >&2
  rc=1
fi
echo "screenshots: $(ls "$OUT"/*.png 2>/dev/null | tr '\n' ' ')"
[ $rc -eq 0 ] && echo "PASS: vscode e2e" >&2 || echo "FAIL: vscode e2e (logs in $RUN)" >&2
exit $rc
