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
