#!/usr/bin/env bash
# Runs each fuzzer of a `fuzz` build for SECONDS (default 30), starting from
# the seed corpus built by the `fuzz_corpus` target. New inputs go to a work
# directory, so the seeds stay as generated. A crash, leak or sanitizer
# report stops the fuzzer, leaves the reproducer in WORK and fails this
# script.
# Usage: run-fuzzers.sh BUILD_DIR [SECONDS]
set -euo pipefail

build=$1
seconds=${2:-30}
status=0
for name in fuzz_decode_validate fuzz_wat fuzz_compile; do
  case $name in
    fuzz_decode_validate) seeds=decode_validate max_len=4096 ;;
    fuzz_wat) seeds=wat max_len=8192 ;;
    fuzz_compile) seeds=decode_validate max_len=4096 ;;
  esac
  work="$build/fuzz/work/$name"
  mkdir -p "$work"
  echo "== $name: ${seconds}s"
  if ! "$build/fuzz/$name" -max_total_time="$seconds" -max_len="$max_len" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work" "$build/fuzz/corpus/$seeds"; then
    echo "== $name FAILED: reproducer in $work/"
    status=1
  fi
done
exit $status
