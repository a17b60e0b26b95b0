# Shared by the shell tests of this folder (sourced, after `heron` and
# `work` are set): a fresh work directory, failure counting, and `run`.

rm -rf "$work"
mkdir -p "$work"
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# run EXPECTED_STATUS CMD... : runs CMD, captures stdout/stderr into
# $out/$err, checks the exit status.
run() {
  local expected=$1
  shift
  "$@" >"$work/stdout" 2>"$work/stderr"
  status=$?
  out=$(cat "$work/stdout")
  err=$(cat "$work/stderr")
  if [[ $status -ne $expected ]]; then
    fail "'$*' exited $status, expected $expected (stdout: $out; stderr: $err)"
  fi
}

# many_functions_wat FILE: a module of 600 exported functions, big enough to
# be split among compiling threads; f599(x) = 599 x + memory[x & 0xfffc].
many_functions_wat() {
  {
    echo "(module (memory 1)"
    for i in $(seq 0 599); do
      echo "(func (export \"f$i\") (param i32) (result i32)
        (i32.add (i32.mul (local.get 0) (i32.const $i))
                 (i32.load (i32.and (local.get 0) (i32.const 0xfffc)))))"
    done
    echo ")"
  } >"$1"
}
