#!/usr/bin/env bash
# Tests of executing commands as a user runs them: `heron run` (results,
# exit codes, trap messages and backtraces, --timeout, stack exhaustion, bad
# arguments), `heron explore` (its three sections) and `heron wast`
# execution (spectest imports, register, assertions, --require-execution).
# Usage: run_test.sh HERON WORKDIR
set -uo pipefail

heron=$1
work=$2
# shellcheck source=test_lib.sh
source "$(dirname "$0")/test_lib.sh"

cat >"$work/m.wat" <<'WAT'
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "neg64") (param i64) (result i64)
    (i64.sub (i64.const 0) (local.get 0)))
  (func (export "half") (param f64) (result f64)
    (f64.mul (local.get 0) (f64.const 0.5)))
  (func (export "nan") (result f32) (f32.const -nan:0x200000))
  (func (export "inf") (result f64) (f64.div (f64.const 1) (f64.const 0)))
  (func (export "two") (param i32) (result i32 i64)
    (local.get 0) (i64.extend_i32_s (local.get 0)))
  (func $divide (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $outer (export "outer") (result i32)
    (call $divide (i32.const 1) (i32.const 0)))
  (func (export "spin") (loop (br 0)))
  (func $down (export "down") (param i32) (result i32)
    (i32.add (call $down (local.get 0)) (i32.const 1)))
  (func (export "null") (result funcref) (ref.null func)))
WAT

# Results, one per line, in text-format syntax.
run 0 "$heron" run "$work/m.wat" --invoke add 40 2
[[ $out == "42" ]] || fail "add: '$out'"
# A module read from a pipe: none of its bytes may be lost to the check
# for an artifact's magic.
run 0 bash -c "cat \"\$2\" | \"\$1\" run /dev/stdin --invoke add 40 2" _ \
  "$heron" "$work/m.wat"
[[ $out == "42" ]] || fail "module from a pipe: '$out' '$err'"
run 1 bash -c "echo hi | \"\$1\" run /dev/stdin" _ "$heron"
[[ $err == "/dev/stdin:1: error: unknown operator hi" ]] ||
  fail "bad module from a pipe: '$err'"
for jobs in -j1 "-j 2" "--jobs 4"; do
  # shellcheck disable=SC2086
  run 0 "$heron" run $jobs "$work/m.wat" --invoke add 40 2
  [[ $out == "42" ]] || fail "add with $jobs: '$out'"
done
run 0 "$heron" run "$work/m.wat" --invoke add 0xffffffff 0
[[ $out == "-1" ]] || fail "add hex: '$out'"
run 0 "$heron" run "$work/m.wat" --invoke neg64 -- -9223372036854775807
[[ $out == "9223372036854775807" ]] || fail "neg64: '$out'"
run 0 "$heron" run "$work/m.wat" --invoke half 3
[[ $out == "1.5" ]] || fail "half: '$out'"
run 0 "$heron" run "$work/m.wat" --invoke half 0x1p-1
[[ $out == "0.25" ]] || fail "half of hex float: '$out'"
run 0 "$heron" run "$work/m.wat" --invoke nan
[[ $out == "-nan:0x200000" ]] || fail "nan payload: '$out'"
run 0 "$heron" run "$work/m.wat" --invoke inf
[[ $out == "inf" ]] || fail "inf: '$out'"
run 0 "$heron" run "$work/m.wat" --invoke two 7
[[ $out == $'7\n7' ]] || fail "two results: '$out'"
run 0 "$heron" run "$work/m.wat" --invoke null
[[ $out == "ref.null func" ]] || fail "null funcref: '$out'"
for level in -O0 -O2; do
  run 0 "$heron" run "$level" --explicit-bounds-checks "$work/m.wat" \
    --invoke add 1 2
  [[ $out == "3" ]] || fail "add at $level: '$out'"
done
# No --invoke and no _start: instantiation is the whole run.
run 0 "$heron" run "$work/m.wat"
[[ -z $out && -z $err ]] || fail "instantiate only printed '$out$err'"

# Traps: status 3, the message, then the backtrace innermost first.
run 3 "$heron" run "$work/m.wat" --invoke outer
[[ -z $out ]] || fail "trap printed on stdout: '$out'"
[[ $(head -n 1 <<<"$err") == "error: trap: integer divide by zero" ]] ||
  fail "trap message: '$err'"
[[ $(sed -n 2p <<<"$err") =~ ^\ \ 0:\ func\ 6\ \<divide\>\ @\ 0x[0-9a-f]+$ ]] ||
  fail "innermost frame: '$err'"
[[ $(sed -n 3p <<<"$err") =~ ^\ \ 1:\ func\ 7\ \<outer\>\ @\ 0x[0-9a-f]+$ ]] ||
  fail "caller frame: '$err'"

# --timeout stops an infinite loop with the interrupt trap, promptly.
start=$(date +%s%N)
run 3 "$heron" run "$work/m.wat" --invoke spin --timeout 100ms
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "spin --timeout 100ms: stopped after ${elapsed_ms} ms"
[[ $(head -n 1 <<<"$err") == "error: trap: interrupt" ]] ||
  fail "timeout: '$err'"
# 300 ms is the target; 1 s tolerates a loaded machine.
((elapsed_ms < 1000)) || fail "timeout took ${elapsed_ms} ms"

# Runaway recursion: the stack budget, not a crash.
run 3 "$heron" run "$work/m.wat" --invoke down 1
[[ $(head -n 1 <<<"$err") == "error: trap: call stack exhausted" ]] ||
  fail "recursion: '$err'"
[[ $err == *"frames)"* ]] || fail "repeated frames not folded: '$err'"
run 3 "$heron" run --max-wasm-stack 64k "$work/m.wat" --invoke down 1
[[ $(head -n 1 <<<"$err") == "error: trap: call stack exhausted" ]] ||
  fail "recursion with a small stack: '$err'"

# Bad flags and arguments: a message and status 2.
run 2 "$heron" run "$work/m.wat" --no-such-flag
[[ -n $err ]] || fail "unknown flag: no message"
run 2 "$heron" run -O1 "$work/m.wat"
[[ $err == *"-O"* ]] || fail "-O1: '$err'"
run 2 "$heron" run "$work/m.wat" --timeout soon --invoke add 1 2
[[ $err == *"invalid duration 'soon'"* ]] || fail "bad timeout: '$err'"
run 2 "$heron" run --max-wasm-stack lots "$work/m.wat"
[[ $err == *"invalid size 'lots'"* ]] || fail "bad stack size: '$err'"
for jobs in 0 -1 two 1.5 99999; do
  run 2 "$heron" run -j "$jobs" "$work/m.wat" --invoke add 1 2
  [[ $err == *"invalid thread count '$jobs'"* ]] || fail "-j $jobs: '$err'"
done
run 2 "$heron" wast -j 0 "$work/m.wat"
[[ $err == *"invalid thread count '0'"* ]] || fail "wast -j 0: '$err'"
run 2 "$heron" run "$work/m.wat" --invoke add 1
[[ $err == *"takes 2 arguments, got 1"* ]] || fail "arity: '$err'"
run 2 "$heron" run "$work/m.wat" --invoke add 1 x
[[ $err == *"invalid i32 argument 'x'"* ]] || fail "bad literal: '$err'"
run 2 "$heron" run "$work/m.wat" --invoke add 1 4294967296
[[ $err == *"invalid i32 argument"* ]] || fail "i32 out of range: '$err'"
run 2 "$heron" run "$work/m.wat" --invoke missing
[[ $err == *'no exported function "missing"'* ]] || fail "unknown export: '$err'"
run 2 "$heron" run "$work/m.wat" 1 2
[[ $err == *"no --invoke"* ]] || fail "args without export: '$err'"

# Modules that cannot run: status 1, one line.
printf '(module (func (result i32) (f64.const 1)))' >"$work/invalid.wat"
run 1 "$heron" run "$work/invalid.wat"
[[ $err == *"type mismatch"* ]] || fail "invalid module: '$err'"
printf '(module (import "env" "f" (func)))' >"$work/import.wat"
run 1 "$heron" run "$work/import.wat"
[[ $err == *'unknown import: "env" "f"'* ]] || fail "unlinkable: '$err'"
run 1 "$heron" run "$work/missing.wat"
[[ $err == *"cannot open"* ]] || fail "missing file: '$err'"

# _start runs by default; a trap in the start function is a trap.
printf '(module (func (export "_start") (result i32) (i32.const 5)))' \
  >"$work/start.wat"
run 0 "$heron" run "$work/start.wat"
[[ $out == "5" ]] || fail "_start: '$out'"
printf '(module (func $s (drop (i32.div_u (i32.const 1) (i32.const 0)))) (start $s))' \
  >"$work/start-trap.wat"
run 3 "$heron" run "$work/start-trap.wat"
[[ $err == "error: trap: integer divide by zero"* ]] ||
  fail "start function trap: '$err'"

# explore: the three sections, with wasm offsets beside the code.
run 0 "$heron" explore "$work/m.wat" --func 0
[[ $out == *";; IR after translation"* ]] || fail "explore: no IR section"
[[ $out == *";; IR after -O2"* ]] || fail "explore: no optimized IR"
[[ $out == *";; x86-64"* ]] || fail "explore: no disassembly"
# i32.add (at its byte offset in the module) becomes an add or a lea.
grep -Eq '^  @[0-9a-f]{6}  [0-9a-f]{4}: [0-9a-f]+ +(add|lea) ' <<<"$out" ||
  fail "explore: no add/lea with its wasm offset: '$out'"
run 0 "$heron" explore -O0 "$work/m.wat" --func 0
[[ $out == *";; IR after -O0"* ]] || fail "explore -O0: '$out'"
run 2 "$heron" explore "$work/m.wat" --func 99
[[ $err == *"not a defined function"* ]] || fail "explore bad --func: '$err'"

# wast: execution with the spectest module, register and assertions.
cat >"$work/exec.wast" <<'WAST'
(module $lib
  (import "spectest" "global_i32" (global $g i32))
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "memory" (memory 1))
  (func (export "g") (result i32) (call $print (global.get $g)) (global.get $g))
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  (func (export "nan") (result f64) (f64.div (f64.const 0) (f64.const 0)))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func $r (export "deep") (call $r)))
(register "lib" $lib)
(module
  (import "lib" "div" (func $div (param i32 i32) (result i32)))
  (func (export "quarter") (param i32) (result i32)
    (call $div (local.get 0) (i32.const 4))))
(assert_return (invoke "quarter" (i32.const 100)) (i32.const 25))
(assert_return (invoke $lib "g") (i32.const 666))
(assert_return (invoke $lib "nan") (f64.const nan:canonical))
(assert_return (invoke $lib "nan") (either (f64.const 1) (f64.const nan:arithmetic)))
(assert_return (invoke $lib "id" (ref.extern 1)) (ref.extern 1))
(assert_return (invoke $lib "id" (ref.null extern)) (ref.null extern))
(assert_trap (invoke $lib "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_exhaustion (invoke $lib "deep") "call stack exhausted")
(assert_unlinkable (module (import "lib" "nope" (func))) "unknown import")
(assert_trap (module (func $s (drop (i32.rem_s (i32.const 1) (i32.const 0))))
                     (start $s))
             "integer divide by zero")
WAST
run 0 "$heron" wast --verbose --require-execution "$work/exec.wast"
[[ $out == *"exec.wast: 13 passed, 0 failed, 0 skipped"* ]] ||
  fail "wast execution: '$out'"
run 0 "$heron" wast -O0 --explicit-bounds-checks "$work/exec.wast"
[[ $out == *"exec.wast: 13 passed, 0 failed, 0 skipped"* ]] ||
  fail "wast execution -O0: '$out'"

# A wrong expectation fails, with what was expected and what came.
cat >"$work/wrong.wast" <<'WAST'
(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 2))
(assert_trap (invoke "one") "unreachable")
WAST
run 1 "$heron" wast --verbose "$work/wrong.wast"
[[ $out == *"wrong.wast:2: assert_return: result 0: expected i32 2, got i32 1"* ]] ||
  fail "wast wrong result: '$out'"
[[ $out == *"wrong.wast:3: assert_trap: expected trap \"unreachable\", got success"* ]] ||
  fail "wast missing trap: '$out'"

# Skips pass, unless --require-execution.
cat >"$work/skip.wast" <<'WAST'
(module (func (export "f")))
(assert_exception (invoke "f"))
WAST
run 0 "$heron" wast "$work/skip.wast"
[[ $out == *"skip.wast: 1 passed, 0 failed, 1 skipped"* ]] || fail "skip: '$out'"
run 1 "$heron" wast --verbose --require-execution "$work/skip.wast"
[[ $out == *"skip.wast: 1 passed, 1 failed, 0 skipped"* ]] ||
  fail "--require-execution: '$out'"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all run/explore/wast execution checks passed"
