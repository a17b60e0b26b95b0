#!/usr/bin/env bash
# Tests of the `heron` command line: exit codes, the one-line diagnostics of
# `heron validate`, the summary lines of `heron wast`, and that bad input
# never crashes it. Inputs are written here (binary modules with printf) so
# that the test depends on no text parser.
# Usage: cli_test.sh HERON WORKDIR
set -uo pipefail

heron=$1
work=$2
# shellcheck source=test_lib.sh
source "$(dirname "$0")/test_lib.sh"

lines() { if [[ -z $1 ]]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }

# --version, help
run 0 "$heron" --version
[[ $out =~ ^heron\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '$out'"
run 0 "$heron" help
[[ $out == *validate* && $out == *wast* ]] || fail "help lacks the commands"
run 0 "$heron" help wast
[[ $out == *prefix* ]] || fail "help wast does not state the matching rule"
run 0 "$heron" validate --help
[[ $out == *FILE:OFFSET* ]] || fail "validate --help does not state the format"

# Bad usage: CLI11's message, non-zero status, no crash.
"$heron" --no-such-flag >/dev/null 2>&1
status=$?
[[ $status -ne 0 && $status -lt 128 ]] || fail "bad flag exited $status"
"$heron" validate >/dev/null 2>&1
status=$?
[[ $status -ne 0 && $status -lt 128 ]] || fail "missing FILE exited $status"
"$heron" >/dev/null 2>&1
[[ $? -eq 1 ]] || fail "no command should exit 1"

# validate: a valid module prints nothing.
printf '\0asm\1\0\0\0' >"$work/empty.wasm"
run 0 "$heron" validate "$work/empty.wasm"
[[ -z $out && -z $err ]] || fail "valid module printed '$out$err'"

# validate -j: bodies on several threads, the same verdict and message
# (the lowest-indexed invalid body) at any count; a bad count is a usage
# error.
{
  echo '(module'
  for i in $(seq 1 300); do
    if [[ $i == 150 || $i == 250 ]]; then
      echo "(func (result i32) (i64.const $i))"
    else
      echo "(func (param i32) (result i32) (i32.add (local.get 0) (i32.const $i)))"
    fi
  done
  echo ')'
} >"$work/many.wat"
run 1 "$heron" validate -j 1 "$work/many.wat"
serial=$err
[[ $serial == *"type mismatch"* ]] || fail "many.wat -j 1: '$serial'"
for jobs in "-j 2" "--jobs 4" ""; do
  # shellcheck disable=SC2086
  run 1 "$heron" validate $jobs "$work/many.wat"
  [[ $err == "$serial" ]] || fail "validate $jobs: '$err', -j 1 said '$serial'"
done
run 2 "$heron" validate -j 0x "$work/empty.wasm"
[[ $err == "-j: invalid thread count '0x'"* ]] || fail "validate -j 0x: '$err'"

# validate: the magic decides, not the name.
cp "$work/empty.wasm" "$work/empty-named.wat"
run 0 "$heron" validate "$work/empty-named.wat"

# validate: invalid binaries print exactly FILE:OFFSET: error: MESSAGE.
printf '\0asm\1\0\0' >"$work/cut.wasm"
printf '\0asm\2\0\0\0' >"$work/version.wasm"
printf 'not wasm at all' >"$work/garbage.wasm"
printf '\0asm\1\0\0\0\1\5\1\140\0' >"$work/cut-section.wasm"
for f in cut version garbage cut-section; do
  run 1 "$heron" validate "$work/$f.wasm"
  [[ -z $out ]] || fail "$f: stdout should be empty, got '$out'"
  [[ $(lines "$err") -eq 1 ]] || fail "$f: expected one line, got '$err'"
  [[ $err =~ ^"$work/$f.wasm":[0-9]+:\ error:\ .+$ ]] ||
    fail "$f: not FILE:OFFSET: error: MESSAGE: '$err'"
done
run 1 "$heron" validate "$work/cut.wasm"
[[ $err == *"unexpected end"* ]] || fail "cut header: '$err'"
run 1 "$heron" validate "$work/version.wasm"
[[ $err == *"unknown binary version"* ]] || fail "bad version: '$err'"
run 1 "$heron" validate "$work/garbage.wasm"
[[ $err == *"magic header not detected"* ]] || fail "bad magic: '$err'"

# validate: several files, one line per invalid one.
run 1 "$heron" validate "$work/empty.wasm" "$work/cut.wasm" "$work/version.wasm"
[[ $(lines "$err") -eq 2 ]] || fail "two invalid files should give 2 lines"

# validate: unreadable inputs give one clear line and status 1.
run 1 "$heron" validate "$work/missing.wasm"
[[ $err == "$work/missing.wasm: error: cannot open: No such file or directory" ]] ||
  fail "missing file: '$err'"
run 1 "$heron" validate "$work"
[[ $(lines "$err") -eq 1 && $err == *"Is a directory"* ]] ||
  fail "directory: '$err'"

# validate: text that does not parse reports FILE:LINE.
printf '\n\n(module (func $f (i32.add ))' >"$work/broken.wat"
run 1 "$heron" validate "$work/broken.wat"
[[ $(lines "$err") -eq 1 ]] || fail "broken text: expected one line: '$err'"
[[ $err =~ ^"$work/broken.wat":[0-9]+:\ error:\ .+$ ]] ||
  fail "broken text: not FILE:LINE: error: MESSAGE: '$err'"

# Random bytes, binary or text, never crash.
head -c 4096 /dev/urandom >"$work/random.bin"
for input in random.bin; do
  "$heron" validate "$work/$input" >/dev/null 2>&1
  status=$?
  [[ $status -eq 0 || $status -eq 1 ]] || fail "$input: exit status $status"
done

# wast: summary lines and status.
run 1 "$heron" wast "$work/missing.wast"
[[ $out == *"$work/missing.wast: 0 passed, 1 failed, 0 skipped"* ]] ||
  fail "wast missing file: '$out'"
[[ $(tail -n 1 <<<"$out") == "0 passed, 1 failed, 0 skipped" ]] ||
  fail "wast totals: '$out'"
printf '(module\n  (func\n' >"$work/unclosed.wast"
run 1 "$heron" wast "$work/unclosed.wast"
[[ $out =~ "$work/unclosed.wast":[0-9]+:\ error:\  ]] ||
  fail "wast parse error not reported as FILE:LINE: '$out'"
cat >"$work/binary.wast" <<'WAST'
(module binary "\00asm\01\00\00\00")
(assert_malformed (module binary "\00asm\01\00") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00") "unexpected end")
(assert_invalid (module binary "\00asm") "wrong message")
(assert_return (invoke "f") (i32.const 1))
WAST
run 1 "$heron" wast --verbose --validate-only "$work/binary.wast"
expected_summary="$work/binary.wast: 2 passed, 2 failed, 1 skipped"
[[ $out == *"$expected_summary"* ]] || fail "wast counts: '$out'"
[[ $out == *"$work/binary.wast:3: assert_malformed: expected \"unexpected end\", got success"* ]] ||
  fail "wast verbose (accepted): '$out'"
[[ $out == *"$work/binary.wast:4: assert_invalid: expected \"wrong message\", got \"unexpected end"* ]] ||
  fail "wast verbose (wrong message): '$out'"
[[ $(tail -n 1 <<<"$out") == "2 passed, 2 failed, 1 skipped" ]] ||
  fail "wast totals line: '$(tail -n 1 <<<"$out")'"

# wast --dump-modules writes the modules that validate.
run 1 "$heron" wast --validate-only --dump-modules "$work/dump" "$work/binary.wast"
n=$(find "$work/dump" -name '*.wasm' | wc -l)
[[ $n -eq 1 ]] || fail "--dump-modules wrote $n modules, expected 1"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all CLI checks passed"
