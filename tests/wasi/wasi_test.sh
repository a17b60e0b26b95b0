#!/usr/bin/env bash
# Real WASI programs under `heron run`: each C program in programs/ is
# compiled with clang-14 --target=wasm32-wasi (Debian's wasi-libc) and run
# with arguments, --env, a --dir preopen and piped stdin; its stdout must
# equal programs/NAME.expected and its exit status the program's own.
# Also checks exit codes of WAT modules calling proc_exit directly, and that
# --dir of a missing directory is a usage error.
# Usage: wasi_test.sh HERON SOURCE_DIR WORKDIR   (exit 77: toolchain missing)
set -uo pipefail

heron=$1
src=$2
work=$3
# shellcheck source-path=SCRIPTDIR source=../cli/test_lib.sh
source "$src/../cli/test_lib.sh"

# proc_exit's status is heron's exit status; returning from _start is 0.
cat >"$work/exit.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 17))))
WAT
run 17 "$heron" run "$work/exit.wat"
cat >"$work/hello.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wat\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 15))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1)
                          (i32.const 8)))))
WAT
run 0 "$heron" run "$work/hello.wat"
[[ $out == "hello from wat" ]] || fail "hello.wat printed '$out'"
run 2 "$heron" run "$work/hello.wat" --dir "$work/missing"
[[ $err == *"cannot open preopened directory"* ]] || fail "missing dir: '$err'"
# A trap in a WASI program is still reported as a trap.
cat >"$work/trap.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") unreachable))
WAT
run 3 "$heron" run "$work/trap.wat"
[[ $err == *"error: trap: unreachable"* ]] || fail "trap.wat: '$err'"

if ! command -v clang-14 >/dev/null || [[ ! -d /usr/lib/wasm32-wasi ]]; then
  echo "SKIP (C programs): clang-14 or wasi-libc (/usr/lib/wasm32-wasi) missing"
  if ((failures)); then exit 1; fi
  exit 77
fi

for c in "$src"/programs/*.c; do
  name=$(basename "$c" .c)
  if ! clang-14 --target=wasm32-wasi -O2 -Wall -Werror "$c" \
      -o "$work/$name.wasm" 2>"$work/$name.cc_err"; then
    fail "$name: does not compile: $(cat "$work/$name.cc_err")"
    continue
  fi
  mkdir -p "$work/$name.data"
  echo secret >"$work/outside.txt"
  printf 'from stdin!\n' |
    "$heron" run "$work/$name.wasm" --dir "$work/$name.data::/data" \
      --env GREETING="hello wasi" -- one "two words" \
      >"$work/$name.out" 2>"$work/$name.err"
  status=$?
  [[ $status -eq 42 ]] || fail "$name: exit status $status, expected 42 ($(cat "$work/$name.err"))"
  if ! diff -u "$src/programs/$name.expected" "$work/$name.out"; then
    fail "$name: output differs"
  fi
  [[ $(cat "$work/$name.err") == "to stderr" ]] ||
    fail "$name: stderr '$(cat "$work/$name.err")'"
  # Flags before FILE, and program arguments right after a flag's value
  # (neither --dir nor --env takes more than one value).
  printf 'from stdin!\n' |
    "$heron" run --env GREETING="hello wasi" --dir "$work/$name.data::/data" \
      "$work/$name.wasm" one "two words" >"$work/$name.out2" 2>/dev/null
  status=$?
  [[ $status -eq 42 ]] || fail "$name (flags first): exit status $status"
  diff -q "$src/programs/$name.expected" "$work/$name.out2" >/dev/null ||
    fail "$name (flags first): output differs"
done

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "all WASI tests passed"
