#!/usr/bin/env bash
# Real WASI programs under `heron run`. Each programs/NAME.c (C, built with
# clang-14 --target=wasm32-wasi against Debian's wasi-libc) or
# programs/NAME.cc (C++ with libc++, -fno-exceptions) is compiled once and
# run as one or more cases. How is declared in programs/NAME.run, a bash
# fragment this script sources; without one the program runs once with no
# arguments and its stdout must equal programs/NAME.expected.
#
# NAME.run sets any of the variables below and calls `run_case`, once per
# case; settings carry over to the next run_case of the same file (a file
# that never calls it gets one run_case at its end).
#   desc=TEXT             what the case is, for the log
#   args=(A ...)          program arguments (argv[1..]); for the native
#                         build, an argument that is a GUEST path of `dirs`
#                         (or starts with GUEST/) names the host directory
#   envs=(K=V ...)        its whole environment (one --env each)
#   dirs=(HOST::GUEST ...)  preopens (--dir); HOST is relative to the case's
#                         scratch directory, which starts empty; missing
#                         HOST directories are created before setup
#   stdin=FILE            stdin from FILE (relative to the scratch directory;
#                         also the reference of check=stdin)
#   stdin_text=TEXT       stdin is TEXT
#   stdin_cmd=CMD         stdin is a pipe fed by `bash -c CMD` (run in the
#                         scratch directory); none of the three: /dev/null
#   status=N              expected exit status (default 0)
#   check="HOW ..."       how stdout is checked (all that are listed):
#     expected              equal to programs/$expected
#     native                equal to the stdout of the same source built
#                           natively (gcc/g++ -O2), run with the same
#                           arguments, `env -i` plus envs, the same stdin, in
#                           a copy of the scratch directory as setup left it;
#                           its exit status must be `status` too
#     native_sha256         the same, comparing sha256 sums of stdout taken
#                           through a pipe (outputs too large to keep)
#     stdin                 byte-identical to the stdin file (cmp)
#     none                  only the status, stderr and verify
#   expected=FILE         the expected stdout in programs/ (NAME.expected)
#   stdout_is=TEXT        stdout equals TEXT (without its final newline)
#   stderr_is=TEXT        stderr equals TEXT (without its final newline)
#   stderr_has=TEXT       stderr contains TEXT
#   tty=1                 stdin, stdout and stderr are one terminal: the
#                         command runs under script(1) (skipped without it),
#                         and stdout is what the terminal showed (\r\n line
#                         ends, stderr included); its stdin is fed to the pty
#   limit=SECONDS         time limit of one run (default 30)
#   runner=(CMD ...)      the heron command line is handed to CMD as its
#                         arguments, CMD's stdout and status standing for
#                         heron's (a client driving a server program, say);
#                         not for check=native
#   flags_first=1         --dir/--env before FILE rather than after it
#   cflags=(...)          extra flags of both builds; wasm_cflags=(...) and
#                         native_cflags=(...) of one (all set before the
#                         first run_case: each build happens once, lazily)
#   setup()               a function run in the scratch directory before the
#                         program: inputs, preopen contents
#   verify()              a function run in the wasm case's scratch
#                         directory after the runs ($native_dir: the native
#                         one's, when there was a native run); it reports
#                         with `fail MESSAGE`
# Both hooks may use $src (this directory) and $label (the case's name).
#
# Before the programs: exit codes of WAT modules calling proc_exit directly,
# --dir of a missing directory and unusable --tcplisten/--listen-fd sockets
# as usage errors, a trap in a WASI module.
# Usage: wasi_test.sh HERON SOURCE_DIR WORKDIR
# Exit 77 (skip) when clang-14 or wasi-libc is missing; the C++ programs
# alone are skipped, with the reason printed, when libc++ for wasm32 is.
set -uo pipefail

# Absolute: the cases run in their own scratch directories.
heron=$(realpath "$1")
src=$(realpath "$2")
work=$(realpath -m "$3")
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
# Sockets that cannot be preopened are usage errors too; one that can be
# is harmless to a program that never accepts.
run 2 "$heron" run "$work/hello.wat" --tcplisten 127.0.0.1
[[ $err == *"expected HOST:PORT"* ]] || fail "--tcplisten without port: '$err'"
run 2 "$heron" run "$work/hello.wat" --listen-fd 0 </dev/null
[[ $err == *"fd 0: not a socket"* ]] || fail "--listen-fd 0: '$err'"
run 0 "$heron" run "$work/hello.wat" --tcplisten 127.0.0.1:0
[[ $out == "hello from wat" ]] || fail "hello.wat with a socket: '$out'"
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
have_libcxx=1
[[ -f /usr/lib/wasm32-wasi/libc++.a && -d /usr/include/wasm32-wasi/c++ ]] ||
  have_libcxx=0

now() { date +%s.%N; }

# build_wasm / build_native: the program's two builds, each made once (on
# the first case that needs it); false when it cannot be built.
build_wasm() {
  if [[ -z $wasm_built ]]; then
    wasm_built=no
    local -a cc=(clang-14 --target=wasm32-wasi)
    [[ $lang == cc ]] && cc=(clang++-14 --target=wasm32-wasi -std=c++20 -fno-exceptions)
    if "${cc[@]}" -O2 -Wall -Werror "${cflags[@]}" "${wasm_cflags[@]}" \
      "$source" -o "$wasm" 2>"$work/$name/wasm.cc_err"; then
      wasm_built=yes
    else
      fail "$name: does not compile for wasm32-wasi: $(head -c 2000 "$work/$name/wasm.cc_err")"
    fi
  fi
  [[ $wasm_built == yes ]]
}

build_native() {
  if [[ -z $native_built ]]; then
    native_built=no
    local -a cc=(gcc)
    [[ $lang == cc ]] && cc=(g++ -std=c++20 -fno-exceptions)
    if ! command -v "${cc[0]}" >/dev/null; then
      echo "SKIP ($name native comparison): ${cc[0]} missing"
      native_built=missing
    elif "${cc[@]}" -O2 -Wall -Werror "${cflags[@]}" "${native_cflags[@]}" \
      "$source" -o "$native" 2>"$work/$name/native.cc_err"; then
      native_built=yes
    else
      fail "$name: does not compile natively: $(head -c 2000 "$work/$name/native.cc_err")"
    fi
  fi
  [[ $native_built == yes ]]
}

# prepare DIR: a fresh scratch directory with the preopens and what setup
# puts there; sets $input (the stdin file).
prepare() {
  local d=$1 spec
  rm -rf "$d" "$d.stdin"
  mkdir -p "$d"
  for spec in "${dirs[@]}"; do mkdir -p "$d/${spec%%::*}"; done
  if declare -F setup >/dev/null; then
    (cd "$d" && setup) || fail "$label: setup failed in $d"
  fi
  input=/dev/null
  if [[ -n $stdin ]]; then
    input=$d/$stdin
  elif [[ -n ${stdin_text+set} ]]; then
    input=$d.stdin
    printf '%s' "$stdin_text" >"$input"
  fi
}

# launch DIR OUT ERR SHA CMD...: CMD in DIR with the case's stdin; stdout
# into OUT (or, SHA=1, its sha256 through a pipe), stderr into ERR; its
# status in $code.
launch() {
  local d=$1 o=$2 e=$3 sha=$4
  shift 4
  (
    cd "$d" || exit 99
    if [[ -n $stdin_cmd ]]; then
      exec < <(bash -c "$stdin_cmd")
    else
      exec <"$input"
    fi
    if ((tty)); then
      exec timeout -k 5 "$limit" script -qec "$(printf '%q ' "$@")" /dev/null \
        >"$o" 2>"$e"
    fi
    if ((sha)); then
      timeout -k 5 "$limit" "$@" 2>"$e" | sha256sum | cut -d' ' -f1 >"$o"
      exit "${PIPESTATUS[0]}"
    fi
    exec timeout -k 5 "$limit" "$@" >"$o" 2>"$e"
  )
  code=$?
}

# The native build's argument for `arg`: a guest path of a preopen becomes
# the host directory under $1.
native_arg() {
  local root=$1 arg=$2 spec host guest
  for spec in "${dirs[@]}"; do
    host=${spec%%::*}
    guest=${spec#*::}
    if [[ $arg == "$guest" || $arg == "$guest"/* ]]; then
      arg=$root/$host${arg#"$guest"}
      break
    fi
  done
  printf '%s' "$arg"
}

run_case() {
  ncase=$((ncase + 1))
  label="$name#$ncase${desc:+ ($desc)}"
  local dir="$work/$name/$ncase" sha=0 how start
  [[ " $check " == *" native_sha256 "* ]] && sha=1
  if ((tty)) && ! command -v script >/dev/null; then
    echo "SKIP ($label): script(1) (util-linux) missing, no terminal to run in"
    return
  fi
  build_wasm || return
  start=$(now)
  prepare "$dir"
  # The native run starts from a copy, so that both see the same inputs
  # even when setup draws random data.
  if [[ " $check " == *" native"* ]]; then
    rm -rf "$dir.native"
    cp -a "$dir" "$dir.native"
  fi
  local -a flags=()
  local spec
  for spec in "${dirs[@]}"; do flags+=(--dir "$spec"); done
  for spec in "${envs[@]}"; do flags+=(--env "$spec"); done
  local -a cmd=("$heron" run "$wasm" "${flags[@]}" -- "${args[@]}")
  ((flags_first)) && cmd=("$heron" run "${flags[@]}" "$wasm" -- "${args[@]}")
  ((${#runner[@]})) && cmd=("${runner[@]}" "${cmd[@]}")
  launch "$dir" "$dir.out" "$dir.err" "$sha" "${cmd[@]}"
  local failed_before=$failures
  if ((code != status)); then
    fail "$label: exit status $code, expected $status; stderr: $(head -c 1000 "$dir.err")"
  fi
  [[ -z ${stdout_is+set} || $(cat "$dir.out") == "$stdout_is" ]] ||
    fail "$label: stdout '$(head -c 1000 "$dir.out")', expected '$stdout_is'"
  [[ -z ${stderr_is+set} || $(cat "$dir.err") == "$stderr_is" ]] ||
    fail "$label: stderr '$(head -c 1000 "$dir.err")', expected '$stderr_is'"
  [[ -z $stderr_has || $(cat "$dir.err") == *"$stderr_has"* ]] ||
    fail "$label: stderr '$(head -c 1000 "$dir.err")' lacks '$stderr_has'"

  native_dir=
  for how in $check; do
    case $how in
      expected)
        diff -u "$src/programs/$expected" "$dir.out" | head -40
        ((PIPESTATUS[0] == 0)) || fail "$label: stdout differs from $expected"
        ;;
      native | native_sha256)
        if ! build_native; then
          [[ $native_built == missing ]] || fail "$label: no native build"
          continue
        fi
        native_dir=$dir.native
        local arg input=$input
        [[ -n $stdin ]] && input=$native_dir/$stdin
        local -a nargs=()
        if ((${#dirs[@]})); then
          for arg in "${args[@]}"; do nargs+=("$(native_arg "$native_dir" "$arg")"); done
        else
          nargs=("${args[@]}")
        fi
        launch "$native_dir" "$native_dir.out" "$native_dir.err" "$sha" \
          env -i "${envs[@]}" "$native" "${nargs[@]}"
        ((code == status)) ||
          fail "$label: the native build exited $code, expected $status: $(head -c 1000 "$native_dir.err")"
        if ((sha)); then
          cmp -s "$native_dir.out" "$dir.out" ||
            fail "$label: stdout sha256 $(cat "$dir.out"), native $(cat "$native_dir.out")"
        else
          diff -u "$native_dir.out" "$dir.out" | head -40
          ((PIPESTATUS[0] == 0)) || fail "$label: stdout differs from the native build's"
        fi
        ;;
      stdin)
        cmp "$input" "$dir.out" || fail "$label: stdout is not a copy of stdin"
        ;;
      none) ;;
      *) fail "$label: unknown check '$how'" ;;
    esac
  done
  if declare -F verify >/dev/null; then
    pushd "$dir" >/dev/null || return
    verify
    popd >/dev/null || return
  fi
  if ((failures == failed_before)); then
    awk -v l="$label" -v t0="$start" -v t1="$(now)" \
      'BEGIN { printf "ok   %-44s %6.2fs\n", l, t1 - t0 }'
  fi
}

# One program: its defaults, its NAME.run, its cases.
run_program() {
  local source=$1
  local name=${source##*/}
  local lang=${name##*.}
  name=${name%.*}
  if [[ $lang == cc ]] && ((!have_libcxx)); then
    echo "SKIP ($name): libc++ for wasm32-wasi (libc++-14-dev-wasm32) missing"
    return
  fi
  local wasm="$work/$name/$name.wasm" native="$work/$name/$name.native"
  local wasm_built='' native_built='' ncase=0 label='' input='' code=0
  local native_dir='' desc='' stdin='' stdin_cmd='' stderr_has=''
  local status=0 check=expected expected=$name.expected limit=30
  local flags_first=0 tty=0 stdin_text stdout_is stderr_is # unset: not given
  local failures_before=$failures
  local -a args=() envs=() dirs=() cflags=() wasm_cflags=() native_cflags=()
  local -a runner=()
  mkdir -p "$work/$name"
  unset -f setup verify
  if [[ -f $src/programs/$name.run ]]; then
    # shellcheck disable=SC1090
    source "$src/programs/$name.run"
  fi
  ((ncase > 0)) || run_case
  unset -f setup verify
  # What passed leaves nothing behind (some cases write tens of MiB); what
  # failed stays for a look.
  ((failures > failures_before)) || rm -rf "${work:?}/$name"
}

for program in "$src"/programs/*.c "$src"/programs/*.cc; do
  [[ -e $program ]] && run_program "$program"
done

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "all WASI tests passed"
