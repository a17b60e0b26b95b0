#!/usr/bin/env bash
# Tests of `heron cache stats|clear` and of `heron run` through the cache:
# the default directory ($XDG_CACHE_HOME,
# else $HOME/.cache), --cache-dir, counting and removing only files named
# like entries, never creating the directory, and one-line errors with a
# non-zero status for directories that cannot be used. (The entries here
# are files named by the scheme; their content is checked when a compile
# reads them: the `heron run` section at the end, and tests/unit/cache/.)
# Usage: cache_test.sh HERON WORKDIR
set -uo pipefail

heron=$1
work=$2
# shellcheck source=test_lib.sh
source "$(dirname "$0")/test_lib.sh"

lines() { if [[ -z $1 ]]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }

hex64a=ab$(printf 'a%.0s' {1..62})
hex64c=cd$(printf 'c%.0s' {1..62})

# A cache directory holding two entries (100 + 50 bytes) and files that are
# not entries.
make_cache() {
  local dir=$1
  mkdir -p "$dir/v2/ab" "$dir/v2/cd" "$dir/v2/zz"
  head -c 100 /dev/zero >"$dir/v2/ab/$hex64a.hc"
  head -c 50 /dev/zero >"$dir/v2/cd/$hex64c.hc"
  echo keep >"$dir/notes.txt"
  echo keep >"$dir/v2/ab/notes.txt"
  echo keep >"$dir/v2/zz/$hex64a.hc"        # not a shard name
  echo keep >"$dir/v2/cd/$hex64a.hc"        # in the wrong shard
  echo keep >"$dir/v2/ab/$hex64a.hc.orig"
}

# help
run 0 "$heron" help cache
[[ $out == *stats* && $out == *clear* && $out == *--cache-dir* ]] ||
  fail "help cache lacks the actions or --cache-dir: $out"
run 0 "$heron" help
[[ $out == *cache* ]] || fail "help lacks the cache command"

# Usage errors.
run 2 "$heron" cache
run 2 "$heron" cache bogus
run 2 "$heron" cache stats --no-such-flag

# stats and clear with --cache-dir.
make_cache "$work/c1"
run 0 "$heron" cache stats --cache-dir "$work/c1"
expected="directory: $work/c1
entries: 2
size: 150 bytes
limit: 1073741824 bytes (1.0 GiB)"
[[ $out == "$expected" ]] || fail "stats printed '$out', expected '$expected'"
[[ -z $err ]] || fail "stats wrote to stderr: $err"
run 0 "$heron" cache clear --cache-dir "$work/c1"
[[ $out == "removed 2 entries (150 bytes) from $work/c1" ]] ||
  fail "clear printed '$out'"
for f in notes.txt v2/ab/notes.txt "v2/zz/$hex64a.hc" "v2/cd/$hex64a.hc" \
  "v2/ab/$hex64a.hc.orig"; do
  [[ -f $work/c1/$f ]] || fail "clear removed a file that is no entry: $f"
done
[[ ! -e $work/c1/v2/ab/$hex64a.hc ]] || fail "clear left an entry"
run 0 "$heron" cache stats --cache-dir "$work/c1"
[[ $out == *"entries: 0"* && $out == *"size: 0 bytes"* ]] ||
  fail "stats after clear: '$out'"
run 0 "$heron" cache clear --cache-dir "$work/c1"
[[ $out == "removed 0 entries (0 bytes) from $work/c1" ]] ||
  fail "second clear printed '$out'"

# The default directory: $XDG_CACHE_HOME/heron, else $HOME/.cache/heron
# (a relative XDG_CACHE_HOME is ignored, as the XDG spec says).
make_cache "$work/xdg/heron"
run 0 env XDG_CACHE_HOME="$work/xdg" HOME="$work/home" "$heron" cache stats
[[ $out == *"directory: $work/xdg/heron"$'\n'"entries: 2"* ]] ||
  fail "XDG_CACHE_HOME not used: '$out'"
make_cache "$work/home/.cache/heron"
head -c 10 /dev/zero >"$work/home/.cache/heron/v2/ab/ab$(printf 'b%.0s' {1..62}).hc"
run 0 env -u XDG_CACHE_HOME HOME="$work/home" "$heron" cache stats
[[ $out == *"directory: $work/home/.cache/heron"$'\n'"entries: 3"* ]] ||
  fail "HOME/.cache not used: '$out'"
run 0 env XDG_CACHE_HOME=relative HOME="$work/home" "$heron" cache stats
[[ $out == *"directory: $work/home/.cache/heron"* ]] ||
  fail "relative XDG_CACHE_HOME not ignored: '$out'"
run 0 env XDG_CACHE_HOME="$work/xdg" HOME="$work/home" "$heron" cache stats \
  --cache-dir "$work/c1"
[[ $out == *"directory: $work/c1"* ]] || fail "--cache-dir not preferred: '$out'"

# Looking never creates the directory.
run 0 "$heron" cache stats --cache-dir "$work/missing/cache"
[[ $out == *"directory: $work/missing/cache (not created yet)"*"entries: 0"* ]] ||
  fail "missing directory: '$out'"
run 0 "$heron" cache clear --cache-dir "$work/missing/cache"
[[ ! -e $work/missing ]] || fail "stats/clear created the directory"

# Unusable directories: one line, status 1.
echo file >"$work/a-file"
for action in stats clear; do
  run 1 "$heron" cache $action --cache-dir "$work/a-file"
  [[ -z $out && $(lines "$err") -eq 1 ]] || fail "$action on a file: '$out' '$err'"
  [[ $err == "heron: error: cache directory $work/a-file/v2: Not a directory" ]] ||
    fail "$action on a file: '$err'"
  run 1 env -u XDG_CACHE_HOME -u HOME "$heron" cache $action
  [[ $err == "heron: error: no cache directory: neither XDG_CACHE_HOME nor HOME is set" ]] ||
    fail "$action without HOME: '$err'"
done
if [[ $(id -u) -ne 0 ]]; then
  make_cache "$work/locked"
  chmod 000 "$work/locked/v2"
  run 1 "$heron" cache stats --cache-dir "$work/locked"
  [[ $err == "heron: error: cannot read cache directory $work/locked/v2: Permission denied" ]] ||
    fail "unreadable directory: '$err'"
  chmod 700 "$work/locked/v2"
else
  echo "note: running as root: the unreadable-directory case is not testable"
fi

# `heron run` uses the cache by default: the first run stores the module,
# the next loads it (same output), --no-cache neither reads nor writes, a
# damaged entry is one warning, then compiled again and replaced, and a
# settled file is found again by its identity.
cat >"$work/fac.wat" <<'WAT'
(module (func (export "fac") (param i64) (result i64)
  (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
    (else (i64.mul (local.get 0)
                   (call 0 (i64.sub (local.get 0) (i64.const 1))))))))
WAT
rundir=$work/runcache
rm -rf "$rundir"
run 0 "$heron" run --cache-dir "$rundir" "$work/fac.wat" --invoke fac 20
[[ $out == 2432902008176640000 && -z $err ]] || fail "first run: '$out' '$err'"
entry=$(find "$rundir/v2" -name '*.hc')
[[ $(lines "$entry") -eq 1 ]] || fail "run stored $(lines "$entry") entries"
run 0 "$heron" run --cache-dir "$rundir" "$work/fac.wat" --invoke fac 20
[[ $out == 2432902008176640000 && -z $err ]] || fail "cached run: '$out' '$err'"
run 0 "$heron" run --cache-dir "$rundir" -O0 "$work/fac.wat" --invoke fac 5
[[ $(find "$rundir/v2" -name '*.hc' | wc -l) -eq 2 ]] || fail "-O0 shares an entry"
rm -rf "$work/nocache"
run 0 "$heron" run --no-cache --cache-dir "$work/nocache" "$work/fac.wat" --invoke fac 3
[[ ! -e $work/nocache ]] || fail "--no-cache created the cache directory"
printf 'garbage' | dd of="$entry" bs=1 seek=100 conv=notrunc status=none
run 0 "$heron" run --cache-dir "$rundir" "$work/fac.wat" --invoke fac 20
[[ $out == 2432902008176640000 ]] || fail "run over a damaged entry: '$out'"
[[ $err == "heron: warning: "* && $(lines "$err") -eq 1 ]] ||
  fail "damaged entry: want one warning, got '$err'"
run 0 "$heron" run --cache-dir "$rundir" "$work/fac.wat" --invoke fac 20
[[ -z $err ]] || fail "entry not replaced: '$err'"

# Once the file has settled (no change for more than two seconds), a run
# records its identity and the next run loads the module by it, without
# reading the file; changing the file (same size) compiles it again.
sleep 3
run 0 "$heron" run --cache-dir "$rundir" --timings "$work/fac.wat" --invoke fac 20
[[ $err == *"timings: read "* ]] || fail "settled file not read: '$err'"
[[ $(find "$rundir/v2" -name '*.hf' | wc -l) -eq 1 ]] || fail "no file record"
run 0 "$heron" run --cache-dir "$rundir" --timings "$work/fac.wat" --invoke fac 20
[[ $out == 2432902008176640000 ]] || fail "run by file record: '$out'"
[[ $err == *"timings: load (cached) "* && $err != *"timings: read "* ]] ||
  fail "file record not used: '$err'"
sed -i 's/(then (i64.const 1))/(then (i64.const 2))/' "$work/fac.wat"
run 0 "$heron" run --cache-dir "$rundir" --timings "$work/fac.wat" --invoke fac 20
[[ $out == 4865804016353280000 ]] || fail "changed file: '$out'"
[[ $err == *"timings: read "* ]] || fail "changed file not read: '$err'"

if [[ $failures -ne 0 ]]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "cache CLI tests passed"
