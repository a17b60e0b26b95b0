#!/usr/bin/env bash
# Builds the fuzzers' seed corpora:
#   OUT/decode_validate  the testsuite's valid modules of at most 4 KiB,
#                        written by `heron wast --dump-modules`
#   OUT/wat              the example .wat/.wast files and the testsuite's
#                        scripts of at most 16 KiB
# Usage: make-corpus.sh HERON TESTSUITE_DIR EXAMPLES_DIR OUT
set -euo pipefail

heron=$1
testsuite=$2
examples=$3
out=$4
rm -rf "$out"
mkdir -p "$out/all-modules" "$out/decode_validate" "$out/wat"

if [[ -d $testsuite ]]; then
  mapfile -t scripts < <(find "$testsuite" -name '*.wast' \
    -not -path '*/proposals/custom-descriptors/*' | sort)
  # Failures of the spec tests are not this script's business.
  "$heron" wast --validate-only --dump-modules "$out/all-modules" "${scripts[@]}" \
    >/dev/null 2>&1 || true
  find "$out/all-modules" -name '*.wasm' -size -4097c \
    -exec cp -t "$out/decode_validate" {} +
  find "$testsuite" -name '*.wast' -not -path '*/proposals/custom-descriptors/*' \
    -size -16385c -exec cp -t "$out/wat" {} + 2>/dev/null || true
fi
rm -rf "$out/all-modules"
cp "$examples"/*.wat "$examples"/*.wast "$out/wat/" 2>/dev/null || true
# Never an empty corpus: libFuzzer needs at least one input to start from.
printf '\0asm\1\0\0\0' >"$out/decode_validate/empty.wasm"
printf '(module)' >"$out/wat/empty.wat"
echo "seed corpora: $(ls "$out/decode_validate" | wc -l) modules," \
  "$(ls "$out/wat" | wc -l) texts"
touch "$out/stamp"
