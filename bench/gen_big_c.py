#!/usr/bin/env python3
"""Writes a large, varied C program for the decode+validate benchmark.

The program is compiled to wasm32-wasi by clang; what matters is that its code
section is big (several MB) and looks like real compiled code: loops, switches
(br_table), integer and float arithmetic of every width, memory accesses,
direct and indirect calls. Every function is exported so that none is removed
as dead code, and each gets its own constants so none are merged. Output is
deterministic (fixed seed) so that the figure is comparable between runs.

Usage: gen_big_c.py OUT_DIR [--functions N] [--files K]
"""
import argparse
import os
import random

TYPES_INT = ["int", "unsigned", "long long", "unsigned long long", "short",
             "unsigned char"]


def k(rng, lo=1, hi=1 << 20):
    return rng.randint(lo, hi)


def fn_int_loop(rng, name, prev):
    t = rng.choice(["int", "long long", "unsigned"])
    ops = []
    for _ in range(rng.randint(3, 8)):
        op = rng.choice(["+", "-", "*", "^", "|", "&"])
        ops.append(f"acc = (acc {op} (a[(i + {k(rng, 0, 64)}) & 1023] * {k(rng)})) "
                   f"+ (acc >> {rng.randint(1, 13)});")
    body = "\n    ".join(ops)
    return f"""
{t} {name}(const {t} *a, int n) {{
  {t} acc = {k(rng)};
  for (int i = 0; i < n; ++i) {{
    {body}
    if (acc % {k(rng, 2, 97)} == {k(rng, 0, 1)}) acc += {prev}(n - 1);
  }}
  return acc;
}}"""


def fn_switch(rng, name, prev):
    cases = []
    value = 0
    for c in range(rng.randint(6, 24)):
        value += rng.randint(1, 3)
        expr = rng.choice([
            f"x * {k(rng)} + {k(rng)}",
            f"(x << {rng.randint(1, 20)}) ^ {k(rng)}",
            f"{prev}(x - {c + 1})",
            f"x / {k(rng, 2, 1000)} - x % {k(rng, 2, 1000)}",
            f"(long long)(x * {rng.uniform(0.5, 3.0):.6f})",
        ])
        cases.append(f"    case {value}: r = {expr}; break;")
    body = "\n".join(cases)
    return f"""
long long {name}(long long x) {{
  long long r = {k(rng)};
  switch ((int)(x & 63)) {{
{body}
    default: r = x ^ {k(rng)};
  }}
  return r;
}}"""


def fn_float(rng, name, prev):
    ft = rng.choice(["float", "double"])
    stmts = []
    for _ in range(rng.randint(3, 8)):
        stmts.append(rng.choice([
            f"s = s * {rng.uniform(0.1, 2.0):.5f}{'f' if ft == 'float' else ''} + v[i];",
            f"s += __builtin_sqrt{'f' if ft == 'float' else ''}(v[i] * v[i] + {rng.uniform(1, 9):.3f});",
            f"if (v[i] > s) s = v[i] - {rng.uniform(0, 5):.4f}; else s -= {rng.uniform(0, 1):.4f};",
            f"s = s / ({rng.uniform(1, 3):.4f} + (s < 0 ? -s : s));",
            f"v[(i + {rng.randint(1, 7)}) % n] = s * {rng.uniform(0, 1):.3f};",
        ]))
    body = "\n    ".join(stmts)
    return f"""
{ft} {name}({ft} *v, int n) {{
  {ft} s = {rng.uniform(-1, 1):.4f};
  for (int i = 0; i < n; ++i) {{
    {body}
  }}
  return s + ({ft}){prev}((long long)s);
}}"""


def fn_memory(rng, name, prev):
    fields = rng.sample(TYPES_INT + ["float", "double"], rng.randint(3, 6))
    decl = " ".join(f"{t} f{j};" for j, t in enumerate(fields))
    stmts = []
    for j, t in enumerate(fields):
        stmts.append(f"p[i].f{j} = ({t})(p[i].f{j} + p[(i + {k(rng, 1, 9)}) % n].f{(j + 1) % len(fields)} * {k(rng, 1, 9)});")
    body = "\n    ".join(stmts)
    return f"""
struct S_{name} {{ {decl} }};
long long {name}(struct S_{name} *p, int n) {{
  long long h = {k(rng)};
  for (int i = 0; i < n; ++i) {{
    {body}
    h = h * 31 + (long long)p[i].f0;
  }}
  return h ^ {prev}(h);
}}"""


def fn_indirect(rng, name, prev, table):
    picks = ", ".join(rng.sample(table, min(len(table), rng.randint(2, 6))))
    return f"""
long long {name}(long long x, int depth) {{
  static long long (*const fns[])(long long) = {{ {picks} }};
  long long r = x;
  int count = sizeof(fns) / sizeof(fns[0]);
  for (int i = 0; i < depth; ++i) {{
    r = fns[(r ^ i) % count](r + {k(rng)}) + (r >> {rng.randint(1, 9)});
    while (r > {k(rng, 1 << 20, 1 << 30)}) r = (r >> 3) - {k(rng)};
  }}
  return r;
}}"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--functions", type=int, default=17000)
    ap.add_argument("--files", type=int, default=8)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    rng = random.Random(20240601)

    # Single-argument functions of type long long(long long) can be called
    # from anywhere; they are declared in a shared header.
    unary = []
    decls = []
    per_file = [[] for _ in range(args.files)]
    for i in range(args.functions):
        name = f"fn{i}"
        kind = rng.choice(["int_loop", "switch", "switch", "float", "memory",
                           "indirect"])
        prev = rng.choice(unary) if unary else "seed"
        export = f'__attribute__((export_name("{name}")))'
        if kind == "int_loop":
            src = fn_int_loop(rng, name, prev)
        elif kind == "switch":
            src = fn_switch(rng, name, prev)
        elif kind == "float":
            src = fn_float(rng, name, prev)
        elif kind == "memory":
            src = fn_memory(rng, name, prev)
        else:
            src = fn_indirect(rng, name, prev, unary or ["seed"])
        header, _, rest = src.strip().partition("\n")
        if kind == "memory":
            # The struct line comes first; the export goes on the function.
            fn_line, _, rest2 = rest.partition("\n")
            src = f"{header}\n{export} {fn_line}\n{rest2}"
        else:
            src = f"{export} {header}\n{rest}"
        per_file[i % args.files].append(src)
        if kind == "switch":
            unary.append(name)
            decls.append(f"long long {name}(long long x);")

    with open(os.path.join(args.out_dir, "big.h"), "w") as h:
        h.write("/* Generated by gen_big_c.py: the shared declarations. */\n")
        h.write("long long seed(long long x);\n")
        h.write("\n".join(decls) + "\n")
    for f, funcs in enumerate(per_file):
        with open(os.path.join(args.out_dir, f"big{f}.c"), "w") as out:
            out.write("/* Generated by gen_big_c.py. */\n#include \"big.h\"\n")
            out.write("\n".join(funcs) + "\n")
    with open(os.path.join(args.out_dir, "main.c"), "w") as out:
        out.write("""/* Generated by gen_big_c.py: the entry point. */
#include <stdio.h>
#include "big.h"
long long seed(long long x) { return x * 2654435761u + 1; }
int main(int argc, char **argv) {
  (void)argv;
  printf("%lld\\n", seed(argc));
  return 0;
}
""")


if __name__ == "__main__":
    main()
