#!/usr/bin/env python3
"""Compile throughput of Heron against V8 on the same module, same machine,
same run: Heron's compile_bench (-O0 and -O2) and node's WebAssembly.Module
with TurboFan only (--no-liftoff) and Liftoff only (--liftoff-only), all
single-threaded, pinned to one CPU, eager (no lazy compilation). The runs
alternate between the four settings so that they see the same machine
load; medians and the ratios to Heron -O2 are printed.

V8 keeps compiled modules in a process-wide cache keyed by the bytes, so
each V8 measurement is a fresh node process compiling once.

Usage: compile_vs_v8.py COMPILE_BENCH MODULE.wasm [RUNS]
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

NODE_SCRIPT = r"""
const bytes = require('fs').readFileSync(process.argv[2]);
const t0 = process.hrtime.bigint();
new WebAssembly.Module(bytes);
console.log(Number(process.hrtime.bigint() - t0) / 1e6);
"""


def pinned(cmd):
    taskset = shutil.which("taskset")
    return ([taskset, "-c", "0"] if taskset else []) + cmd


def heron_run(bench, module):
    out = subprocess.run(pinned([bench, module, "1"]), check=True,
                         capture_output=True, text=True).stdout
    times = {}
    for level in ("-O0", "-O2"):
        m = re.search(r"compile %s, .*?: ([0-9.]+) ms" % level, out)
        if not m:
            sys.exit("compile_bench printed no %s time:\n%s" % (level, out))
        times[level] = float(m.group(1))
    body = re.search(r"([0-9.]+) MB of code", out)
    return times, float(body.group(1)) if body else None


def node_run(node, script, module, flag):
    out = subprocess.run(
        pinned([node, flag, "--single-threaded", "--no-wasm-lazy-compilation",
                script, module]),
        check=True, capture_output=True, text=True).stdout
    return float(out.strip())


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bench, module = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    node = shutil.which("node")
    samples = {"heron -O0": [], "heron -O2": [], "V8 TurboFan": [],
               "V8 Liftoff": []}
    mb = None
    with tempfile.NamedTemporaryFile("w", suffix=".js", delete=False) as f:
        f.write(NODE_SCRIPT)
        script = f.name
    try:
        for _ in range(runs):
            times, mb = heron_run(bench, module)
            samples["heron -O0"].append(times["-O0"])
            samples["heron -O2"].append(times["-O2"])
            if node:
                samples["V8 TurboFan"].append(
                    node_run(node, script, module, "--no-liftoff"))
                samples["V8 Liftoff"].append(
                    node_run(node, script, module, "--liftoff-only"))
    finally:
        os.unlink(script)
    print("compile throughput, one thread, median of %d alternating runs; "
          "module %s (%.2f MB of code)" % (runs, module, mb or 0))
    base = statistics.median(samples["heron -O2"])
    for name, times in samples.items():
        if not times:
            print("  %-12s  (node not found)" % name)
            continue
        t = statistics.median(times)
        rate = "%7.2f MB/s" % (mb / (t / 1e3)) if mb else ""
        print("  %-12s %8.0f ms %s   time / heron -O2: %.2f" %
              (name, t, rate, t / base))


if __name__ == "__main__":
    main()
