#!/usr/bin/env bash
# The `heron` executable starts with as few shared libraries as it can: its
# thread library (libheron_tbb.so, which brings oneTBB and libstdc++.so) is
# loaded only for a parallel compilation, libZydis only to disassemble, and
# (with STATIC_RUNTIME=1, the release build) no C++ shared library at all.
# Without its thread library it compiles on one thread after a single
# warning. Which libraries a process loads is read from the dynamic
# loader's own trace (LD_DEBUG=files).
#
# usage: startup_libs_test.sh HERON WORK_DIR STATIC_RUNTIME(0|1)
heron=$1
work=$2
static_runtime=$3
source "$(dirname "$0")/test_lib.sh"

# loaded CMD... : the file names of the libraries CMD loads, one per line.
loaded() {
  LD_DEBUG=files "$@" 2>&1 >/dev/null |
    sed -n 's/^[[:space:]]*[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' | xargs -rn1 basename
}

# A module big enough to be split among threads.
many_functions_wat "$work/many.wat"
echo '(module (func (export "_start")))' >"$work/tiny.wat"
run 0 "$heron" compile "$work/tiny.wat" -o "$work/tiny.cwasm"

# Start-up, running an artifact, a serial compilation: no TBB, no Zydis.
never_at_start='libtbb|libheron_tbb|libZydis'
((static_runtime)) && never_at_start+='|libstdc\+\+|libgcc_s|libfmt|libzstd'
for cmd in "--version" "run $work/tiny.cwasm" \
  "compile -j 1 $work/many.wat -o $work/serial.cwasm"; do
  libs=$(loaded "$heron" $cmd)
  [[ -n $libs ]] || fail "heron $cmd: no LD_DEBUG trace"
  if grep -E "$never_at_start" <<<"$libs" >/dev/null; then
    fail "heron $cmd loads $(grep -E "$never_at_start" <<<"$libs" | xargs)"
  fi
done

# Disassembling loads libZydis.
libs=$(loaded "$heron" explore "$work/tiny.wat" --func 0)
grep '^libZydis\.so' <<<"$libs" >/dev/null ||
  fail "explore did not load libZydis: $(xargs <<<"$libs")"
run 0 "$heron" explore "$work/tiny.wat" --func 0
[[ $out == *"ret"* ]] || fail "explore: no disassembly in '$out'"

# The executable's libstdc++ stays private: it exports no C++ symbol that
# the libstdc++.so coming with the thread library could bind to.
if ((static_runtime)); then
  exported=$(nm -D --defined-only "$heron" | awk '$3 ~ /^_Z/ {print $3}')
  [[ -z $exported ]] || fail "heron exports C++ symbols: $(head -5 <<<"$exported" | xargs)"
fi

# A parallel compilation loads the library from heron's directory, silently,
# and gives the serial compilation's bytes.
libs=$(loaded "$heron" compile -j 2 "$work/many.wat" -o "$work/parallel.cwasm")
grep -x 'libheron_tbb.so' <<<"$libs" >/dev/null ||
  fail "compile -j 2 did not load libheron_tbb.so: $(xargs <<<"$libs")"
grep '^libtbb\.so' <<<"$libs" >/dev/null ||
  fail "compile -j 2 did not load libtbb: $(xargs <<<"$libs")"
run 0 "$heron" compile -j 2 "$work/many.wat" -o "$work/parallel.cwasm"
[[ -z $err ]] || fail "compile -j 2 wrote to stderr: '$err'"
cmp -s "$work/serial.cwasm" "$work/parallel.cwasm" ||
  fail "compile -j 1 and -j 2 give different artifacts"

# Without the library (a copy of heron alone in a directory): one warning,
# the same artifact, exit status 0.
mkdir -p "$work/alone"
cp "$heron" "$work/alone/heron"
run 0 "$work/alone/heron" compile -j 2 "$work/many.wat" -o "$work/alone.cwasm"
[[ $err == "heron: warning: cannot load the thread library ("*"libheron_tbb.so"*"); compiling on one thread" ]] ||
  fail "compile -j 2 without libheron_tbb.so: stderr '$err'"
cmp -s "$work/serial.cwasm" "$work/alone.cwasm" ||
  fail "compile -j 2 without libheron_tbb.so: a different artifact"
run 0 "$work/alone/heron" run "$work/alone.cwasm" --invoke f599 2
[[ $out == 1198 ]] || fail "alone.cwasm f599(2) = '$out'"

# A library of that name without the entry point (another build's, say):
# the same, with a warning that names it.
libc=$(ldd "$heron" | awk '$1 ~ /^libc\.so/ {print $3}')
cp "$libc" "$work/alone/libheron_tbb.so"
run 0 "$work/alone/heron" compile -j 2 "$work/many.wat" -o "$work/alone.cwasm"
[[ $err == "heron: warning: $work/alone/libheron_tbb.so has no heron_tbb_run_on_threads_v1"*"; compiling on one thread" ]] ||
  fail "compile -j 2 with a foreign libheron_tbb.so: stderr '$err'"
cmp -s "$work/serial.cwasm" "$work/alone.cwasm" ||
  fail "compile -j 2 with a foreign libheron_tbb.so: a different artifact"

if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "all start-up library tests passed"
