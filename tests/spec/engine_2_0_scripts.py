#!/usr/bin/env python3
"""Lists the top-level spec-testsuite scripts that use only WebAssembly 2.0
features without SIMD: the execution manifest tests/spec/engine_2_0.txt.

The testsuite is the 3.0 one, so many 2.0-era scripts gained 3.0 features.
A script is excluded when a top-level form that is executed or instantiated
(anything but assert_invalid / assert_malformed, whose modules never reach
the engine) matches one of the feature patterns below. The patterns are
textual on purpose: the decision must not depend on what the engine
supports today. Binary modules (`module binary "..."`) are not inspected;
the scripts that rely on them are named for their feature (binary-gc...).

With --beyond, lists instead the scripts that need some of the 3.0
features the engine already runs (BEYOND_2_0 below) and nothing else: the
second manifest, tests/spec/engine_beyond_2_0.txt.

Usage: engine_2_0_scripts.py TESTSUITE_DIR          the manifest, to stdout
       engine_2_0_scripts.py TESTSUITE_DIR --beyond the second manifest
       engine_2_0_scripts.py TESTSUITE_DIR --why    every excluded script
                                                    with its features
"""
import pathlib
import re
import sys

FEATURES = {
    "simd": r"\bv128\b|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2",
    "relaxed-simd": r"relaxed",
    "tail calls": r"return_call",
    "exception handling": r"try_table|\bthrow\b|throw_ref|\(tag\b|exnref|"
                          r"assert_exception|rethrow|delegate",
    "gc": r"\bstruct\b|\barray\b|\bi31|anyref|eqref|structref|arrayref|"
          r"nullref|nullfuncref|nullexternref|ref\.cast|ref\.test|br_on_cast|"
          r"ref\.eq\b|\(rec\b|\(sub\b|any\.convert_extern|"
          r"extern\.convert_any|\bfinal\b|"
          r"ref\.null (any|none|eq|struct|array|i31|nofunc|noextern|exn)",
    "typed function references": r"\(ref (null )?(\$|func|extern|[0-9])|"
                                 r"call_ref|ref\.as_non_null|br_on_null|"
                                 r"br_on_non_null",
    "memory64": r"\((memory|table)( \$[^ )]+)? i64\b|memory64|table64",
    "multi-memory": r"(load|store)[0-9_a-z]* (\$|[0-9]+\b(?!=))|"
                    r"memory\.(size|grow|fill|copy) (\$|[0-9])|"
                    r"memory\.init (\$\S+|[0-9]+) (\$|[0-9])|"
                    r"\(data \(memory|\(memory \$[^\s()]+\)\s*\(memory|"
                    r"\(memory [0-9][^()]*\)\s*\(memory",
    "extended constant expressions":
        r"\((global|data|elem|offset)\s[^\n]*\((i32|i64)\.(add|sub|mul)\b",
    "wide arithmetic": r"i64\.(add128|sub128|mul_wide)",
    "custom page sizes": r"pagesize",
}

# 3.0 features the engine runs; --beyond lists the scripts needing only these.
BEYOND_2_0 = {"memory64", "multi-memory", "extended constant expressions"}


def top_forms(src):
    """The top-level S-expressions of a script, comments and strings aware."""
    forms, depth, start, i, n = [], 0, 0, 0, len(src)
    while i < n:
        if src.startswith(";;", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if src.startswith("(;", i):
            d, i = 1, i + 2
            while i < n and d:
                if src.startswith("(;", i):
                    d, i = d + 1, i + 2
                elif src.startswith(";)", i):
                    d, i = d - 1, i + 2
                else:
                    i += 1
            continue
        c = src[i]
        if c == '"':
            i += 1
            while i < n and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
            continue
        if c == "(":
            if depth == 0:
                start = i
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                forms.append(src[start:i + 1])
        i += 1
    return forms


def features_of(path):
    src = path.read_text(encoding="utf-8", errors="replace")
    # A script that is one inline module (fields at top level) is a module.
    executed = [f for f in top_forms(src)
                if not re.match(r"\(\s*assert_(invalid|malformed)", f)]
    text = "\n".join(executed)
    return [name for name, pattern in FEATURES.items()
            if re.search(pattern, text)]


def main():
    root = pathlib.Path(sys.argv[1])
    why = "--why" in sys.argv[2:]
    beyond = "--beyond" in sys.argv[2:]
    for path in sorted(root.glob("*.wast")):
        if path.name.startswith("simd_"):
            if why:
                print(f"{path.name}: simd")
            continue
        features = features_of(path)
        if why and features:
            print(f"{path.name}: {', '.join(features)}")
        elif beyond and features and set(features) <= BEYOND_2_0:
            print(path.name)
        elif not why and not beyond and not features:
            print(path.name)


if __name__ == "__main__":
    main()
