#!/usr/bin/env bash
# Truncation test: every module of the spec testsuite that Heron validates,
# cut at every length (or, for big ones, at an even sample of lengths plus
# the section edges), must be rejected with a one-line message — never
# accepted unless the cut falls exactly between two sections, never a crash,
# never a hang.
#
# 1. `heron wast --dump-modules` writes the testsuite's valid modules.
# 2. In-process: `heron validate --truncations` checks all the prefixes.
# 3. Subprocess: a sample of prefixes written to files and fed to
#    `heron validate`, checking exit status and the single diagnostic line.
# Usage: truncation_test.sh HERON TESTSUITE_DIR WORKDIR
set -uo pipefail

heron=$1
testsuite=$2
work=$3
rm -rf "$work"
mkdir -p "$work/modules" "$work/cuts"

mapfile -t scripts < <(find "$testsuite" -name '*.wast' \
  -not -path '*/proposals/custom-descriptors/*' | sort)
"$heron" wast --validate-only --dump-modules "$work/modules" "${scripts[@]}" >"$work/wast.log" 2>&1
status=$?
if [[ $status -ge 2 ]]; then
  echo "FAIL: heron wast exited $status while dumping modules"
  tail -n 20 "$work/wast.log"
  exit 1
fi
mapfile -t modules < <(find "$work/modules" -name '*.wasm' | sort)
echo "${#modules[@]} modules from ${#scripts[@]} scripts"
if [[ ${#modules[@]} -lt 1 ]]; then
  echo "FAIL: no module of the testsuite validated; nothing to truncate"
  exit 1
fi

# In-process, in batches to bound the command line; the budget per batch
# catches hangs.
failed=0
printf '%s\0' "${modules[@]}" |
  xargs -0 -n 500 timeout 300 "$heron" validate --truncations \
    --max-prefixes 200 >"$work/truncations.log" 2>&1
status=$?
cat "$work/truncations.log" | grep -v ' 0 problems$' | head -n 50
grep ' problems$' "$work/truncations.log" | awk '
  { files += $1; prefixes += $3; rejected += $5; edges += $7; problems += $12 }
  END { printf "in-process: %d files, %d prefixes, %d rejected, %d valid at section edges, %d problems\n",
        files, prefixes, rejected, edges, problems }'
if [[ $status -ne 0 ]]; then
  echo "FAIL: heron validate --truncations reported problems (status $status)"
  failed=1
fi

# Subprocess sample: every 20th module, five cut lengths each.
checked=0
for ((i = 0; i < ${#modules[@]}; i += 20)); do
  module=${modules[$i]}
  size=$(stat -c %s "$module")
  for cut in 0 4 8 $((size / 2)) $((size - 1)); do
    ((cut < 0 || cut >= size)) && continue
    cut_file="$work/cuts/cut.wasm"
    head -c "$cut" "$module" >"$cut_file"
    timeout 10 "$heron" validate "$cut_file" >"$work/out" 2>"$work/err"
    status=$?
    checked=$((checked + 1))
    nerr=$(wc -l <"$work/err")
    if [[ $status -eq 1 ]]; then
      if [[ $nerr -ne 1 || -s $work/out ]] ||
        ! grep -qE "^$cut_file(:[0-9]+)?: error: .+" "$work/err"; then
        echo "FAIL: $module cut at $cut: expected one diagnostic line, got:"
        cat "$work/out" "$work/err"
        failed=1
      fi
    elif [[ $status -eq 0 ]]; then
      # Only a cut between sections can be a valid module; the in-process
      # pass above checks exactly which. Here it must at least be silent.
      if [[ $nerr -ne 0 || -s $work/out ]]; then
        echo "FAIL: $module cut at $cut: valid but printed something"
        failed=1
      fi
    else
      echo "FAIL: $module cut at $cut: exit status $status" \
        "(124 = hang, >= 128 = crash)"
      cat "$work/err" | head -n 20
      failed=1
    fi
  done
done
echo "subprocess: $checked cuts checked"

if [[ $failed -ne 0 ]]; then
  exit 1
fi
echo "truncation test passed"
