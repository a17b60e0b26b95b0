// Execution tests of the lowering of integer operations: every integer
// opcode on edge values, with the second operand both in a register and as
// a folded immediate, against a reference written from the wasm spec; and
// the fallbacks used when the CPU lacks lzcnt/tzcnt/popcnt.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <functional>
#include <string>

#include "lower_test_support.h"

namespace heron::x64 {
namespace {

using testing::compile_ir;
using testing::FakeVmctx;
using testing::LoadedCode;
using testing::wasm_options;

const uint64_t kI32[] = {0,          1,          2,          5,
                         31,         32,         33,         0x7fffffff,
                         0x80000000, 0xffffffff, 0xfffffff9, 12345678};
const uint64_t kI64[] = {0,
                         1,
                         2,
                         7,
                         63,
                         64,
                         65,
                         0x7fffffffffffffffull,
                         0x8000000000000000ull,
                         0xffffffffffffffffull,
                         0xfffffffffffffff9ull,
                         0x123456789abcdefull,
                         0xffffffffull};

// Wasm semantics on `bits`-wide values held in uint64_t; nullopt = trap.
std::optional<uint64_t> ref_binop(const std::string& op, unsigned bits,
                                  uint64_t a, uint64_t b) {
  const uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;
  a &= mask;
  b &= mask;
  auto sx = [&](uint64_t v) -> int64_t {
    return bits == 64 ? int64_t(v) : int64_t(int32_t(uint32_t(v)));
  };
  const int64_t min = bits == 64 ? INT64_MIN : INT32_MIN;
  const unsigned k = unsigned(b & (bits - 1));
  uint64_t r;
  if (op == "iadd")
    r = a + b;
  else if (op == "isub")
    r = a - b;
  else if (op == "imul")
    r = a * b;
  else if (op == "band")
    r = a & b;
  else if (op == "bor")
    r = a | b;
  else if (op == "bxor")
    r = a ^ b;
  else if (op == "ishl")
    r = a << k;
  else if (op == "ushr")
    r = a >> k;
  else if (op == "sshr")
    r = uint64_t(sx(a) >> k);
  else if (op == "rotl")
    r = k ? (a << k) | (a >> (bits - k)) : a;
  else if (op == "rotr")
    r = k ? (a >> k) | (a << (bits - k)) : a;
  else if (op == "udiv") {
    if (!b) return std::nullopt;
    r = a / b;
  } else if (op == "urem") {
    if (!b) return std::nullopt;
    r = a % b;
  } else if (op == "sdiv") {
    if (!b || (sx(a) == min && sx(b) == -1)) return std::nullopt;
    r = uint64_t(sx(a) / sx(b));
  } else if (op == "srem") {
    if (!b) return std::nullopt;
    r = sx(b) == -1 ? 0 : uint64_t(sx(a) % sx(b));
  } else {
    ADD_FAILURE() << op;
    return 0;
  }
  return r & mask;
}

std::string binop_ir(const std::string& op, const char* t, bool imm,
                     uint64_t c) {
  const std::string rhs =
      imm ? fmt::format("    v9 = iconst.{} {}\n", t,
                        std::string(t) == "i32" ? int64_t(int32_t(uint32_t(c)))
                                                : int64_t(c))
          : "";
  return fmt::format(
      "function %f(i64 vmctx, {0}, {0}) -> {0} {{\n"
      "block0(v0: i64, v1: {0}, v2: {0}):\n{1}"
      "    v3 = {2}.{0} v1, {3}\n"
      "    return v3\n}}\n",
      t, rhs, op, imm ? "v9" : "v2");
}

TEST(X64LowerInt, BinaryOpsMatchWasmSemantics) {
  const char* ops[] = {"iadd", "isub", "imul", "band", "bor",
                       "bxor", "ishl", "ushr", "sshr", "rotl",
                       "rotr", "udiv", "urem", "sdiv", "srem"};
  FakeVmctx vm;
  size_t checked = 0;
  for (const char* op : ops) {
    for (unsigned bits : {32u, 64u}) {
      const char* t = bits == 32 ? "i32" : "i64";
      const auto& vals =
          bits == 32 ? std::vector<uint64_t>(std::begin(kI32), std::end(kI32))
                     : std::vector<uint64_t>(std::begin(kI64), std::end(kI64));
      // Register operands.
      CompiledFunction cf = compile_ir(binop_ir(op, t, false, 0));
      LoadedCode code({&cf});
      auto fn = code.entry<uint64_t (*)(void*, uint64_t, uint64_t)>();
      for (uint64_t a : vals)
        for (uint64_t b : vals) {
          auto want = ref_binop(op, bits, a, b);
          if (!want) continue;  // traps: see lower_trap_test.cc
          uint64_t got = fn(&vm, a, b);
          if (bits == 32) got &= 0xffffffff;
          EXPECT_EQ(got, *want) << op << "." << t << " " << a << ", " << b;
          checked++;
        }
      // The second operand as a constant (immediates, constant shifts and
      // divisors).
      for (uint64_t b : vals) {
        CompiledFunction ci = compile_ir(binop_ir(op, t, true, b));
        LoadedCode ccode({&ci});
        auto fi = ccode.entry<uint64_t (*)(void*, uint64_t, uint64_t)>();
        for (uint64_t a : vals) {
          auto want = ref_binop(op, bits, a, b);
          if (!want) continue;
          uint64_t got = fi(&vm, a, 0xdead);
          if (bits == 32) got &= 0xffffffff;
          EXPECT_EQ(got, *want)
              << op << "." << t << " " << a << ", const " << b;
          checked++;
        }
      }
    }
  }
  EXPECT_GT(checked, 4000u);
}

uint64_t ref_unop(const std::string& op, unsigned bits, uint64_t a) {
  const uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;
  a &= mask;
  if (op == "clz")
    return bits == 64 ? std::countl_zero(a) : std::countl_zero(uint32_t(a));
  if (op == "ctz")
    return bits == 64 ? std::countr_zero(a) : std::countr_zero(uint32_t(a));
  if (op == "popcnt") return std::popcount(a);
  if (op == "sext8") return uint64_t(int64_t(int8_t(a))) & mask;
  if (op == "sext16") return uint64_t(int64_t(int16_t(a))) & mask;
  if (op == "sext32") return uint64_t(int64_t(int32_t(a))) & mask;
  ADD_FAILURE() << op;
  return 0;
}

void check_unops(const CpuFeatures& cpu) {
  FakeVmctx vm;
  CompileOptions o = wasm_options();
  o.cpu = cpu;
  for (const char* op : {"clz", "ctz", "popcnt", "sext8", "sext16", "sext32"})
    for (unsigned bits : {32u, 64u}) {
      if (std::string(op) == "sext32" && bits == 32) continue;
      const char* t = bits == 32 ? "i32" : "i64";
      CompiledFunction cf =
          compile_ir(fmt::format("function %f(i64 vmctx, {0}) -> {0} {{\n"
                                 "block0(v0: i64, v1: {0}):\n"
                                 "    v2 = {1}.{0} v1\n    return v2\n}}\n",
                                 t, op),
                     o);
      LoadedCode code({&cf});
      auto fn = code.entry<uint64_t (*)(void*, uint64_t)>();
      for (uint64_t a : kI64) {
        uint64_t got = fn(&vm, a);
        if (bits == 32) got &= 0xffffffff;
        EXPECT_EQ(got, ref_unop(op, bits, a)) << op << "." << t << " " << a;
      }
    }
}

TEST(X64LowerInt, UnaryOpsWithHostFeatures) {
  check_unops(host_cpu_features());
}

TEST(X64LowerInt, UnaryOpsWithoutLzcntTzcntPopcnt) {
  CpuFeatures plain;  // all extensions off: bsr/bsf/SWAR fallbacks
  plain.sse41 = host_cpu_features().sse41;
  check_unops(plain);
}

TEST(X64LowerInt, ExtensionsAndCompares) {
  FakeVmctx vm;
  // uextend/sextend/ireduce; the caller's garbage in the upper half of an
  // i32 argument must not leak into the zero extension.
  CompiledFunction cf = compile_ir(
      "function %f(i64 vmctx, i32) -> i64, i64 {\n"
      "block0(v0: i64, v1: i32):\n"
      "    v2 = uextend.i64 v1\n"
      "    v3 = sextend.i64 v1\n"
      "    return v2, v3\n}\n");
  LoadedCode code({&cf});
  struct Pair {
    uint64_t a, b;
  };
  auto fn = code.entry<Pair (*)(void*, uint64_t)>();
  Pair p = fn(&vm, 0xabcdef0080000001ull);
  EXPECT_EQ(p.a, 0x80000001ull);
  EXPECT_EQ(p.b, 0xffffffff80000001ull);

  const char* ccs[] = {"eq",  "ne",  "slt", "sle", "sgt",
                       "sge", "ult", "ule", "ugt", "uge"};
  for (const char* cc : ccs)
    for (bool imm : {false, true}) {
      // icmp materialized (setcc) and fused into select (cmp + cmov).
      CompiledFunction c2 = compile_ir(
          fmt::format("function %f(i64 vmctx, i64, i64) -> i32, i64 {{\n"
                      "block0(v0: i64, v1: i64, v2: i64):\n"
                      "    v9 = iconst.i64 -5\n"
                      "    v3 = icmp.i64 {0} v1, {1}\n"
                      "    v4 = icmp.i64 {0} v1, {1}\n"
                      "    v5 = iconst.i64 111\n"
                      "    v6 = iconst.i64 222\n"
                      "    v7 = select.i64 v4, v5, v6\n"
                      "    return v3, v7\n}}\n",
                      cc, imm ? "v9" : "v2"));
      LoadedCode c2code({&c2});
      auto f2 = c2code.entry<Pair (*)(void*, int64_t, int64_t)>();
      for (int64_t a : {int64_t(-6), int64_t(-5), int64_t(0), int64_t(4),
                        INT64_MIN, INT64_MAX})
        for (int64_t b : {int64_t(-5), int64_t(0), int64_t(4), INT64_MIN}) {
          if (imm) b = -5;
          const uint64_t ua = uint64_t(a), ub = uint64_t(b);
          const std::string c = cc;
          const bool want = c == "eq"    ? a == b
                            : c == "ne"  ? a != b
                            : c == "slt" ? a < b
                            : c == "sle" ? a <= b
                            : c == "sgt" ? a > b
                            : c == "sge" ? a >= b
                            : c == "ult" ? ua < ub
                            : c == "ule" ? ua <= ub
                            : c == "ugt" ? ua > ub
                                         : ua >= ub;
          Pair r = f2(&vm, a, b);
          EXPECT_EQ(r.a & 0xffffffff, want ? 1u : 0u)
              << cc << " " << a << " " << b;
          EXPECT_EQ(r.b, want ? 111u : 222u) << cc << " " << a << " " << b;
        }
    }
}

}  // namespace
}  // namespace heron::x64
