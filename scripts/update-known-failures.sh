#!/usr/bin/env bash
# Rewrites tests/spec/known_failures.txt from the current build: runs
# `heron wast` on every testsuite script and lists those that fail. Review the
# diff before committing: a line that appears is a script that broke.
# Usage: scripts/update-known-failures.sh [BUILD_DIR] [TESTSUITE_DIR]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
testsuite=${2:-$root/../shared/testsuite}
heron=$build/heron
manifest=$root/tests/spec/known_failures.txt

[[ -x $heron ]] || { echo "no $heron: build first (make test)"; exit 1; }
[[ -d $testsuite ]] || { echo "no testsuite at $testsuite"; exit 1; }

header=$(grep '^#' "$manifest" || true)
failing=()
while IFS= read -r script; do
  if ! "$heron" wast --validate-only "$testsuite/$script" >/dev/null 2>&1; then
    failing+=("$script")
  fi
done < <(cd "$testsuite" && find . -name '*.wast' \
  -not -path './proposals/custom-descriptors/*' | sed 's|^\./||' | LC_ALL=C sort)

{
  printf '%s\n' "$header"
  printf '%s\n' "${failing[@]}"
} >"$manifest"
echo "$manifest: ${#failing[@]} known failures"
