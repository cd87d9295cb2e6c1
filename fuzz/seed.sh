#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the pyproject.toml fixtures
# and the shared corpus of published files. The `edits` seeds are a mode byte, the initial text,
# 0xFF, then a few six-byte edits, so the fuzzer starts from real documents.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/analysis corpus/edits
shared=../../shared/corpus/pyprojects
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "corpus/analysis/seed-$n.toml"
  # Edit seeds from the first 60 bytes (the edits target keeps its initial text short).
  { printf '\x00'; head -c 60 "$f"; printf '\xff\x00\x02\x00\x05\x01\x00\x01\x00\x01\x30\x05\x01'; } > "corpus/edits/seed-$n"
done < <(find ../tests/fixtures "$shared" -name '*.toml' -print0 2>/dev/null)
# Hand-made edit seeds: emoji in CRLF text, out-of-range lines, a whole-text replacement.
printf '\x00a\xf0\x9f\x98\x80b\r\nc\xff\x00\x02\x00\x03\x05\x00\x05\x00\x0f\x00\x01\x01' > corpus/edits/hand-surrogate
printf '\x01x = 1\r\ny = 2\xff\x09\x00\x0c\x03\x03\x02\x00\xfa\x01\xfb\x01\x01' > corpus/edits/hand-bounds
printf '\x00abc\xff\x00\x00\x00\x00\xfe\x00' > corpus/edits/hand-full
echo "seeded $n files into fuzz/corpus/{analysis,edits}"
