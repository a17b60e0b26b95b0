#!/usr/bin/env bash
# gdb sees JIT-compiled wasm functions by name (`heron run -g`, gdb's JIT
# interface): stopped in a runtime library function that wasm called, `bt`
# names the wasm callers; a breakpoint set by a wasm function's symbol (before
# the code exists) is hit; the program still runs to completion.
# Usage: gdb_test.sh HERON WORKDIR
# Exits 77 (ctest's SKIP_RETURN_CODE) when gdb is missing or cannot run
# programs here (no ptrace in some containers).
set -uo pipefail

heron=$1
work=$2
readonly skip=77

if ! command -v gdb >/dev/null 2>&1; then
  echo "SKIP: gdb is not installed"
  exit $skip
fi

# shellcheck source=test_lib.sh
source "$(dirname "$0")/test_lib.sh"

# LeakSanitizer refuses to run under ptrace and would fail a sanitized heron.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# Non-interactive whatever the host's gdb setup: no ~/.gdbinit, no debuginfod
# prompt or downloads, no pager, pending breakpoints without a question, no
# terminal to read from.
gdb_batch() {
  gdb -batch -nx -iex 'set debuginfod enabled off' \
    -ex 'set pagination off' -ex 'set confirm off' \
    -ex 'set breakpoint pending on' "$@" </dev/null 2>&1
}

probe=$(gdb_batch -ex run --args "$heron" --version)
if ! grep -q 'exited normally' <<<"$probe"; then
  echo "SKIP: gdb cannot run programs here (ptrace not permitted?):"
  echo "$probe" | tail -5
  exit $skip
fi

cat >"$work/grow.wat" <<'WAT'
(module
  (memory 1)
  (func $grow_it (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32)
    (i32.add (call $grow_it (local.get 0)) (i32.const 100))))
WAT

# Stopped in the library call memory.grow makes: both wasm frames, innermost
# first, then the entry trampoline, then the host; at both levels.
for level in -O0 -O2; do
  out=$(gdb_batch -ex 'break heron_memory_grow' -ex run -ex bt -ex continue \
    --args "$heron" run -g $level "$work/grow.wat" --invoke outer 1)
  echo "$out" >"$work/bt$level.txt"
  if ! grep -qE '^Breakpoint 1, (.* in )?heron_memory_grow ' <<<"$out"; then
    fail "$level: the breakpoint on heron_memory_grow was not hit"
  fi
  frames=$(grep -E '^#[0-9]+ ' <<<"$out")
  if ! grep -qE '^#1 .* in wasm_func_0_grow_it \(' <<<"$frames"; then
    fail "$level: frame #1 is not wasm_func_0_grow_it"
  fi
  if ! grep -qE '^#2 .* in wasm_func_1_outer \(' <<<"$frames"; then
    fail "$level: frame #2 is not wasm_func_1_outer"
  fi
  if ! grep -qE '^#3 .* in heron_trampoline_0 \(' <<<"$frames"; then
    fail "$level: frame #3 is not the entry trampoline"
  fi
  if ! grep -qE ' in main \(' <<<"$frames"; then
    fail "$level: the backtrace does not reach main (unwinding through wasm)"
  fi
  if ! grep -q '^101$' <<<"$out" || ! grep -q 'exited normally' <<<"$out"; then
    fail "$level: heron run did not complete under gdb"
  fi
done

# A breakpoint on a wasm function by its symbol, pending until the module is
# compiled and registered.
out2=$(gdb_batch -ex 'break wasm_func_0_grow_it' -ex run -ex bt \
  --args "$heron" run -g "$work/grow.wat" --invoke outer 1)
echo "$out2" >"$work/break.txt"
if ! grep -qE '^Breakpoint 1, .* in wasm_func_0_grow_it \(' <<<"$out2"; then
  fail "the breakpoint on wasm_func_0_grow_it was not hit"
fi
if ! grep -qE '^#1 .* in wasm_func_1_outer \(' <<<"$out2"; then
  fail "frame #1 is not wasm_func_1_outer when stopped in grow_it"
fi

# Without -g gdb knows nothing of the JIT code.
out3=$(gdb_batch -ex 'break heron_memory_grow' -ex run -ex bt \
  --args "$heron" run "$work/grow.wat" --invoke outer 1)
if grep -q 'wasm_func_' <<<"$out3"; then
  fail "wasm functions are named without -g"
fi

if [[ $failures -ne 0 ]]; then
  for level in -O0 -O2; do
    echo "--- gdb output (break heron_memory_grow, $level):"
    cat "$work/bt$level.txt"
  done
  echo "--- gdb output (break wasm_func_0_grow_it):"
  cat "$work/break.txt"
  echo "$failures failure(s)"
  exit 1
fi
echo "gdb: all checks passed"
