#!/usr/bin/env bash
# Runs each cargo-fuzz target briefly (FUZZ_SECONDS each, 30 by default) when the nightly toolchain
# and cargo-fuzz are present; otherwise says why it skips and exits 0. A crash fails the run and
# leaves the input under fuzz/artifacts/<target>/ (make it a case in tests/fuzz_regressions.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-30}
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: skipped (no nightly toolchain: rustup toolchain install nightly)"
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: skipped (cargo-fuzz not installed: cargo install cargo-fuzz)"
  exit 0
fi
fuzz/seed.sh
for target in analysis edits; do
  echo "fuzz: $target for ${seconds}s"
  log=$(mktemp)
  status=0
  cargo +nightly fuzz run "$target" -- -max_total_time="$seconds" -max_len=4096 >"$log" 2>&1 || status=$?
  grep -E '^(#[0-9]+ +DONE|Done|==|SUMMARY|thread)' "$log" || tail -n 20 "$log"
  rm -f "$log"
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $target crashed; inputs in fuzz/artifacts/$target/"
    exit 1
  fi
done
