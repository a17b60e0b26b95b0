#!/usr/bin/env python3
"""Start-up time of `heron run`: a module compiled on load (.wasm, with
--no-cache) against the same module loaded from the compiled-code cache (a
hit, in a private cache directory) and compiled ahead of time (.cwasm,
`heron compile`). The cache hit is measured twice: for the module file
itself, which the cache has recorded by its identity (so heron neither
reads nor hashes it), and for a fresh copy of it before every run (a file
the cache has not seen: read, hashed, then found by content).

Compiles MODULE (default build/release/bench/big.wasm, the generated
6 MB benchmark program) to a .cwasm, then runs `heron run --timings` on
each form RUNS times, setting HERON_LAUNCH_NS (CLOCK_MONOTONIC, ns) just
before spawning heron, so that the figure includes exec, dynamic linking
and static initialization. heron prints the time from that moment to the
call of _start; the program's own run is not measured (its output is
discarded). Prints the median and the range per form, and the median of
each start-up phase heron reports.

usage: startup_bench.py [--heron PATH] [--module PATH] [--runs N]
                        [--wasm-runs N] [--keep DIR]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PHASE = re.compile(r"^timings: (.+?)\s+([0-9.]+) ms$")
TOTAL = re.compile(r"^timings: to (\S+) ([0-9.]+) ms \(from (.+)\)$")


def run_once(heron, module, extra):
    """Spawns heron the cheap way (posix_spawn: vfork + exec, no Python-side
    work between the timestamp and the exec) and parses its timings."""
    argv = [heron, "run", "--timings", *extra, module]
    env = dict(os.environ)
    err_r, err_w = os.pipe()
    with open(os.devnull, "wb") as null:
        actions = [(os.POSIX_SPAWN_DUP2, null.fileno(), 1),
                   (os.POSIX_SPAWN_DUP2, err_w, 2)]
        env["HERON_LAUNCH_NS"] = str(time.monotonic_ns())
        pid = os.posix_spawn(heron, argv, env, file_actions=actions)
    os.close(err_w)
    with os.fdopen(err_r) as err:
        stderr = err.read()
    _, status = os.waitpid(pid, 0)
    total, source, phases = None, None, {}
    for line in stderr.splitlines():
        m = TOTAL.match(line)
        if m:
            total, source = float(m.group(2)), m.group(3)
            continue
        m = PHASE.match(line)
        if m:
            phases[m.group(1)] = float(m.group(2))
    if total is None:
        sys.exit(f"heron run {module}: no timings (status {status}):\n"
                 f"{stderr}")
    if source != "HERON_LAUNCH_NS":
        sys.exit(f"heron ignored HERON_LAUNCH_NS ({source})")
    return total, phases


def measure(label, heron, module, runs, extra=(), prepare=None):
    totals, phases = [], {}
    for _ in range(runs):
        if prepare:
            prepare()
        total, p = run_once(heron, module, list(extra))
        totals.append(total)
        for name, ms in p.items():
            phases.setdefault(name, []).append(ms)
    print(f"{label}: median {statistics.median(totals):.2f} ms to _start "
          f"(min {min(totals):.2f}, max {max(totals):.2f}, {runs} runs)")
    for name, values in phases.items():
        print(f"    {name:<22} {statistics.median(values):8.3f} ms median"
              f" {min(values):8.3f} min  ({len(values)} runs)")
    return statistics.median(totals)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--heron", default=os.path.join(root, "build/release/heron"))
    ap.add_argument("--module",
                    default=os.path.join(root, "build/release/bench/big.wasm"))
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--wasm-runs", type=int, default=3,
                    help="runs of the .wasm (each compiles the module)")
    ap.add_argument("--keep", help="write the .cwasm into this directory")
    args = ap.parse_args()
    for path in (args.heron, args.module):
        if not os.path.exists(path):
            sys.exit(f"missing {path} (build the `heron` and `bench_module` "
                     "targets)")

    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.keep or tmp
        cwasm = os.path.join(out_dir, os.path.basename(args.module) + ".cwasm")
        start = time.monotonic()
        subprocess.run([args.heron, "compile", args.module, "-o", cwasm],
                       check=True)
        print(f"heron compile: {time.monotonic() - start:.2f} s, "
              f"{os.path.getsize(args.module) / 1e6:.1f} MB wasm -> "
              f"{os.path.getsize(cwasm) / 1e6:.1f} MB cwasm")
        cache = ["--cache-dir", os.path.join(tmp, "cache")]
        # The cache records a file only once it has not changed for two
        # seconds (src/cache/file_identity.h).
        settle = os.stat(args.module).st_ctime + 3 - time.time()
        if settle > 0:
            time.sleep(settle)
        # One unmeasured run each, so that all start from the page cache
        # (and the cache holds the module and its file record).
        run_once(args.heron, cwasm, [])
        run_once(args.heron, args.module, cache)
        copy = os.path.join(tmp, "copy.wasm")
        wasm = measure(".wasm (compiled)", args.heron, args.module,
                       args.wasm_runs, ["--no-cache"])
        hit = measure(".wasm (cache hit)", args.heron, args.module, args.runs,
                      cache)
        measure(".wasm (cache hit, new file)", args.heron, copy, args.runs,
                cache, prepare=lambda: shutil.copyfile(args.module, copy))
        aot = measure(".cwasm", args.heron, cwasm, args.runs)
        print(f"speed-up to _start: cache hit x{wasm / hit:.0f}, "
              f".cwasm x{wasm / aot:.0f}")


if __name__ == "__main__":
    main()
