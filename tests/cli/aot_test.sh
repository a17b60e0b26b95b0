#!/usr/bin/env bash
# Ahead-of-time compilation as a user runs it: `heron compile` writes a
# .cwasm, `heron run` recognizes it by its content and runs it without
# compiling (results, traps with the same backtrace, WASI programs,
# --invoke), refuses one compiled with other settings, corrupt or truncated
# with a one-line error and status 1; `--timings`; `heron wast
# --aot-roundtrip`.
# Usage: aot_test.sh HERON WORKDIR EXAMPLES_DIR
set -uo pipefail

heron=$1
work=$2
examples=$3
# shellcheck source=test_lib.sh
source "$(dirname "$0")/test_lib.sh"

cat >"$work/m.wat" <<'WAT'
(module $m
  (memory 1)
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "grow") (result i32) (memory.grow (i32.const 2)))
  (func $divide (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $outer (export "outer") (result i32)
    (call $divide (i32.const 1) (i32.const 0))))
WAT

# compile: silent, status 0, a file that starts with the artifact magic.
run 0 "$heron" compile "$work/m.wat" -o "$work/m.cwasm"
[[ -z $out && -z $err ]] || fail "compile printed '$out$err'"
[[ $(head -c 8 "$work/m.cwasm" | od -An -tx1 | tr -d ' \n') == \
  7f48524e414f540a ]] || fail "m.cwasm has no artifact magic"
# A .wasm input works the same, and the output may be named anything.
"$heron" compile "$work/m.wat" -o "$work/m.cwasm" 2>/dev/null
run 0 "$heron" run "$work/m.cwasm" --invoke add 40 2
[[ $out == "42" ]] || fail "add from .cwasm: '$out'"
cp "$work/m.cwasm" "$work/renamed.wasm"
run 0 "$heron" run "$work/renamed.wasm" --invoke add 1 2
[[ $out == "3" ]] || fail "a .cwasm named .wasm: '$out'"
run 0 "$heron" run "$work/m.cwasm" --invoke grow
[[ $out == "1" ]] || fail "memory.grow (a library call) from .cwasm: '$out'"

# Traps: the same message and backtrace (names, wasm offsets) as the source.
run 3 "$heron" run "$work/m.wat" --invoke outer
expected_trap=$err
run 3 "$heron" run "$work/m.cwasm" --invoke outer
[[ $err == "$expected_trap" ]] ||
  fail "trap from .cwasm: '$err', from .wat: '$expected_trap'"
[[ $(sed -n 2p <<<"$err") =~ ^\ \ 0:\ func\ 2\ \<divide\>\ @\ 0x[0-9a-f]+$ ]] ||
  fail "innermost frame from .cwasm: '$err'"

# Load-time choices are the engine's, not the artifact's: perf map symbols.
"$heron" run --perf-map "$work/m.cwasm" --invoke add 1 2 >/dev/null &
pid=$!
wait $pid
grep -q "wasm\[m\]::func\[2\] divide$" "/tmp/perf-$pid.map" ||
  fail "--perf-map of a .cwasm: $(cat "/tmp/perf-$pid.map" 2>&1)"
rm -f "/tmp/perf-$pid.map"

# Settings that change code must match; the message names the difference.
run 0 "$heron" compile -O0 "$work/m.wat" -o "$work/m0.cwasm"
run 1 "$heron" run "$work/m0.cwasm" --invoke add 1 2
[[ $err == "$work/m0.cwasm: error: incompatible compiled module: compiled at -O0, but the engine compiles at -O2" ]] ||
  fail "O0 artifact in an O2 engine: '$err'"
run 0 "$heron" run -O0 "$work/m0.cwasm" --invoke add 1 2
[[ $out == "3" ]] || fail "O0 artifact at -O0: '$out'"
run 1 "$heron" run --explicit-bounds-checks "$work/m.cwasm" --invoke add 1 2
[[ $err == *"compiled for guard pages, but the engine uses explicit bounds checks" ]] ||
  fail "guard-page artifact with explicit checks: '$err'"
run 0 "$heron" compile --explicit-bounds-checks "$work/m.wat" \
  -o "$work/mx.cwasm"
run 0 "$heron" run --explicit-bounds-checks "$work/mx.cwasm" --invoke add 2 2
[[ $out == "4" ]] || fail "explicit-bounds artifact: '$out'"

# Damaged files: one line, status 1, never a crash.
size=$(stat -c %s "$work/m.cwasm")
cp "$work/m.cwasm" "$work/flipped.cwasm"
printf '\xff' | dd of="$work/flipped.cwasm" bs=1 seek=$((size - 100)) \
  conv=notrunc status=none
run 1 "$heron" run "$work/flipped.cwasm" --invoke add 1 2
[[ $err == "$work/flipped.cwasm: error: compiled module is corrupt: checksum mismatch" ]] ||
  fail "corrupt artifact: '$err'"
head -c $((size / 2)) "$work/m.cwasm" >"$work/short.cwasm"
run 1 "$heron" run "$work/short.cwasm" --invoke add 1 2
[[ $err == "$work/short.cwasm: error: truncated compiled module: $((size / 2)) bytes, expected $size" ]] ||
  fail "truncated artifact: '$err'"
head -c 5 "$work/m.cwasm" >"$work/tiny.cwasm"
run 1 "$heron" run "$work/tiny.cwasm"
[[ $err == "$work/tiny.cwasm: error: truncated compiled module: 5 bytes,"* ]] ||
  fail "5-byte artifact: '$err'"

# compile's own errors.
run 1 "$heron" compile "$work/m.cwasm" -o "$work/again.cwasm"
[[ $err == "$work/m.cwasm: error: already a compiled module" ]] ||
  fail "compiling a .cwasm: '$err'"
printf '(module (func (result i32)))' >"$work/bad.wat"
run 1 "$heron" compile "$work/bad.wat" -o "$work/bad.cwasm"
[[ $err == "$work/bad.wat: error: type mismatch"* && ! -e $work/bad.cwasm ]] ||
  fail "compiling an invalid module: '$err'"
run 2 "$heron" compile "$work/m.wat"
run 1 "$heron" compile "$work/m.wat" -o "$work/no/such/dir/m.cwasm"
[[ $err == "$work/no/such/dir/m.cwasm: error: cannot create: "* ]] ||
  fail "unwritable output: '$err'"
run 0 "$heron" help compile
[[ $out == *"ahead of time"* ]] || fail "help compile: '$out'"

# --timings: phases and the time to the call on stderr, results unchanged.
run 0 "$heron" run --timings "$work/m.cwasm" --invoke add 40 2
[[ $out == "42" ]] || fail "--timings changed the output: '$out'"
[[ $err == *"timings: read/map"* && $err == *"timings: instantiate"* ]] ||
  fail "--timings phases: '$err'"
[[ $err =~ timings:\ to\ add\ [0-9.]+\ ms\ \(from\ heron\'s\ first\ constructor\) ]] ||
  fail "--timings total: '$err'"
launch=$(python3 -c 'import time; print(time.monotonic_ns())' 2>/dev/null ||
  echo "")
if [[ -n $launch ]]; then
  HERON_LAUNCH_NS=$launch run 0 "$heron" run --timings "$work/m.wat" \
    --invoke add 1 1
  [[ $err =~ timings:\ to\ add\ [0-9.]+\ ms\ \(from\ HERON_LAUNCH_NS\) ]] ||
    fail "--timings with HERON_LAUNCH_NS: '$err'"
fi
HERON_LAUNCH_NS=nonsense run 0 "$heron" run --timings "$work/m.cwasm" \
  --invoke add 1 1
[[ $err == *"(from heron's first constructor)"* ]] ||
  fail "a bad HERON_LAUNCH_NS must be ignored: '$err'"

# A WASI program from a .cwasm: its output and exit status.
cat >"$work/hello.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from a cwasm\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 19))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1)
                          (i32.const 8)))
    (call $exit (i32.const 7))))
WAT
run 0 "$heron" compile "$work/hello.wat" -o "$work/hello.cwasm"
run 7 "$heron" run "$work/hello.cwasm"
[[ $out == "hello from a cwasm" ]] || fail "WASI .cwasm output: '$out'"
run 7 "$heron" run --timings "$work/hello.cwasm"
[[ $err =~ timings:\ to\ _start\ [0-9.]+\ ms ]] ||
  fail "WASI --timings: '$err'"

# heron wast --aot-roundtrip runs scripts through artifacts.
run 0 "$heron" wast --aot-roundtrip --require-execution \
  "$examples/basics.wast"
[[ $out == *" 0 failed, 0 skipped" ]] || fail "wast --aot-roundtrip: '$out'"

# The artifact does not depend on the number of compiling threads: a module
# big enough to be split among threads gives the same bytes at -j 1 and -j 2.
many_functions_wat "$work/many.wat"
run 0 "$heron" compile -j 1 "$work/many.wat" -o "$work/many1.cwasm"
run 0 "$heron" compile -j 2 "$work/many.wat" -o "$work/many2.cwasm"
cmp -s "$work/many1.cwasm" "$work/many2.cwasm" ||
  fail "compile -j 1 and -j 2 give different artifacts"
run 0 "$heron" run "$work/many2.cwasm" --invoke f599 2
[[ $out == 1198 ]] || fail "many2.cwasm f599(2) = '$out'"
run 2 "$heron" compile -j 0 "$work/many.wat" -o "$work/many0.cwasm"
[[ $err == *"-j"* ]] || fail "compile -j 0: '$err'"

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "aot: all passed"
