// Execution tests of the lowering of float operations and conversions:
// NaN propagation, ±0 ordering of fmin/fmax, unordered compares, rounding,
// unsigned conversions, and the exact trap boundaries of float -> int
// (run under the runtime's trap handler).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "lower_test_support.h"
#include "runtime/activation.h"

namespace heron::x64 {
namespace {

using testing::compile_ir;
using testing::FakeVmctx;
using testing::LoadedCode;
using testing::RegisteredCode;
using testing::wasm_options;

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
const double kVals[] = {0.0,    -0.0, 1.0,  -1.5,  2.5,
                        3.5,    -2.5, kInf, -kInf, kNaN,
                        1e-310, 7.25, -0.5, 1e300, 0.49999999999999994};

template <class F>
F ref_binop(const std::string& op, F a, F b) {
  if (op == "fadd") return a + b;
  if (op == "fsub") return a - b;
  if (op == "fmul") return a * b;
  if (op == "fdiv") return a / b;
  if (op == "fcopysign") return std::copysign(a, b);
  if (std::isnan(a) || std::isnan(b)) return F(kNaN);
  if (a == 0 && b == 0)
    return op == "fmin" ? (std::signbit(a) ? a : b) : (std::signbit(a) ? b : a);
  return op == "fmin" ? std::min(a, b) : std::max(a, b);
}

template <class F>
F ref_unop(const std::string& op, F a) {
  if (op == "fabs") return std::fabs(a);
  if (op == "fneg") return -a;
  if (op == "sqrt") return std::sqrt(a);
  if (op == "ceil") return std::ceil(a);
  if (op == "floor") return std::floor(a);
  if (op == "trunc") return std::trunc(a);
  return std::nearbyint(a);  // ties to even in the default rounding mode
}

template <class F>
void expect_same(F got, F want, const std::string& what) {
  using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what;
  } else {
    EXPECT_EQ(std::bit_cast<Bits>(got), std::bit_cast<Bits>(want))
        << what << ": got " << got << " want " << want;
  }
}

template <class F>
void check_float_ops(const char* t, const CpuFeatures& cpu) {
  FakeVmctx vm;
  CompileOptions o = wasm_options();
  o.cpu = cpu;
  for (const char* op :
       {"fadd", "fsub", "fmul", "fdiv", "fmin", "fmax", "fcopysign"}) {
    CompiledFunction cf =
        compile_ir(fmt::format("function %f(i64 vmctx, {0}, {0}) -> {0} {{\n"
                               "block0(v0: i64, v1: {0}, v2: {0}):\n"
                               "    v3 = {1}.{0} v1, v2\n    return v3\n}}\n",
                               t, op),
                   o);
    LoadedCode code({&cf});
    auto fn = code.entry<F (*)(void*, F, F)>();
    for (double a : kVals)
      for (double b : kVals)
        expect_same(fn(&vm, F(a), F(b)), ref_binop<F>(op, F(a), F(b)),
                    fmt::format("{}.{} {} {}", op, t, a, b));
  }
  for (const char* op :
       {"fabs", "fneg", "sqrt", "ceil", "floor", "trunc", "nearest"}) {
    CompiledFunction cf =
        compile_ir(fmt::format("function %f(i64 vmctx, {0}) -> {0} {{\n"
                               "block0(v0: i64, v1: {0}):\n"
                               "    v2 = {1}.{0} v1\n    return v2\n}}\n",
                               t, op),
                   o);
    // Without SSE4.1 rounding calls the runtime's libcalls; stand-ins here.
    LoadedCode code({&cf}, [](const Relocation& r) -> uint64_t {
      switch (ir::LibCall(r.target)) {
        case ir::LibCall::FloorF32:
          return uint64_t(+[](float x) { return std::floor(x); });
        case ir::LibCall::CeilF32:
          return uint64_t(+[](float x) { return std::ceil(x); });
        case ir::LibCall::TruncF32:
          return uint64_t(+[](float x) { return std::trunc(x); });
        case ir::LibCall::NearestF32:
          return uint64_t(+[](float x) { return std::nearbyint(x); });
        case ir::LibCall::FloorF64:
          return uint64_t(+[](double x) { return std::floor(x); });
        case ir::LibCall::CeilF64:
          return uint64_t(+[](double x) { return std::ceil(x); });
        case ir::LibCall::TruncF64:
          return uint64_t(+[](double x) { return std::trunc(x); });
        default:
          return uint64_t(+[](double x) { return std::nearbyint(x); });
      }
    });
    auto fn = code.entry<F (*)(void*, F)>();
    for (double a : kVals)
      expect_same(fn(&vm, F(a)), ref_unop<F>(op, F(a)),
                  fmt::format("{}.{} {}", op, t, a));
  }
  for (const char* cc : {"eq", "ne", "lt", "le", "gt", "ge"}) {
    CompiledFunction cf = compile_ir(
        fmt::format("function %f(i64 vmctx, {0}, {0}) -> i32 {{\n"
                    "block0(v0: i64, v1: {0}, v2: {0}):\n"
                    "    v3 = fcmp.{0} {1} v1, v2\n    return v3\n}}\n",
                    t, cc),
        o);
    LoadedCode code({&cf});
    auto fn = code.entry<uint32_t (*)(void*, F, F)>();
    const std::string c = cc;
    for (double a : kVals)
      for (double b : kVals) {
        const F x = F(a), y = F(b);
        const bool want = c == "eq"   ? x == y
                          : c == "ne" ? x != y
                          : c == "lt" ? x < y
                          : c == "le" ? x <= y
                          : c == "gt" ? x > y
                                      : x >= y;
        EXPECT_EQ(fn(&vm, x, y), want ? 1u : 0u)
            << "fcmp." << t << " " << cc << " " << a << " " << b;
      }
  }
}

TEST(X64LowerFloat, F32Ops) {
  check_float_ops<float>("f32", host_cpu_features());
}
TEST(X64LowerFloat, F64Ops) {
  check_float_ops<double>("f64", host_cpu_features());
}
TEST(X64LowerFloat, RoundingThroughLibcallsWithoutSse41) {
  CpuFeatures cpu = host_cpu_features();
  cpu.sse41 = false;
  check_float_ops<float>("f32", cpu);
  check_float_ops<double>("f64", cpu);
}

TEST(X64LowerFloat, SelectPromoteDemoteBitcast) {
  FakeVmctx vm;
  CompiledFunction cf = compile_ir(
      "function %f(i64 vmctx, i32, f64, f64) -> f64, f32, i64 {\n"
      "block0(v0: i64, v1: i32, v2: f64, v3: f64):\n"
      "    v4 = select.f64 v1, v2, v3\n"
      "    v5 = fdemote.f32 v4\n"
      "    v6 = fpromote.f64 v5\n"
      "    v7 = bitcast.i64 v6\n"
      "    v8 = bitcast.f64 v7\n"
      "    return v8, v5, v7\n}\n");
  LoadedCode code({&cf});
  auto fn = code.entry<double (*)(void*, uint32_t, double, double)>();
  EXPECT_EQ(fn(&vm, 1, 1.5, -2.0), 1.5);
  EXPECT_EQ(fn(&vm, 0, 1.5, -2.0), -2.0);
  EXPECT_EQ(fn(&vm, 0, 1.5, 1e300), kInf);  // demoted to f32 and back
  EXPECT_TRUE(std::isnan(fn(&vm, 7, kNaN, 0.0)));
}

// fcvt_from_sint/uint on edge values, against the C++ conversions.
TEST(X64LowerFloat, IntToFloat) {
  FakeVmctx vm;
  const uint64_t vals[] = {0,
                           1,
                           0x7fffffff,
                           0x80000000,
                           0xffffffff,
                           0x7fffffffffffffffull,
                           0x8000000000000000ull,
                           0x8000000000000001ull,
                           0xffffffffffffffffull,
                           0x20000000000001ull,  // 2^53 + 1: rounding
                           0xfffffffffffff7ffull,
                           0x8000008000000001ull};
  for (const char* op : {"fcvt_from_sint", "fcvt_from_uint"})
    for (const char* from : {"i32", "i64"}) {
      CompiledFunction cf = compile_ir(fmt::format(
          "function %f(i64 vmctx, {1}) -> f32, f64 {{\n"
          "block0(v0: i64, v1: {1}):\n"
          "    v2 = {0}.f32 v1\n    v3 = {0}.f64 v1\n    return v2, v3\n}}\n",
          op, from));
      LoadedCode code({&cf});
      struct R {
        float f;
        double d;
      };
      auto fn = code.entry<R (*)(void*, uint64_t)>();
      const bool is_u = std::string(op) == "fcvt_from_uint";
      const bool is32 = std::string(from) == "i32";
      for (uint64_t v : vals) {
        R r = fn(&vm, v);
        float wf;
        double wd;
        if (is32 && is_u) {
          wf = float(uint32_t(v)), wd = double(uint32_t(v));
        } else if (is32) {
          wf = float(int32_t(uint32_t(v))), wd = double(int32_t(uint32_t(v)));
        } else if (is_u) {
          wf = float(v), wd = double(v);
        } else {
          wf = float(int64_t(v)), wd = double(int64_t(v));
        }
        EXPECT_EQ(r.f, wf) << op << " " << from << " " << v;
        EXPECT_EQ(r.d, wd) << op << " " << from << " " << v;
      }
    }
}

// Reference float -> int: nullopt + code for traps; saturating otherwise.
struct Conv {
  std::optional<uint64_t> value;
  TrapCode trap = TrapCode::Unreachable;
};

Conv ref_to_int(double x, unsigned bits, bool is_signed, bool sat) {
  if (std::isnan(x)) {
    if (sat) return {0};
    return {std::nullopt, TrapCode::BadConversionToInteger};
  }
  const double t = std::trunc(x);
  const double lo = is_signed ? -std::ldexp(1.0, int(bits) - 1) : 0.0;
  const double hi =
      is_signed ? std::ldexp(1.0, int(bits) - 1) : std::ldexp(1.0, int(bits));
  const uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull;
  if (t < lo || t >= hi) {
    if (!sat) return {std::nullopt, TrapCode::IntegerOverflow};
    if (t < lo) return {is_signed ? uint64_t(int64_t(lo)) & mask : 0};
    return {is_signed ? (mask >> 1) : mask};
  }
  if (is_signed) return {uint64_t(int64_t(t)) & mask};
  return {uint64_t(t) & mask};
}

template <class F>
void check_to_int(const char* ft, const char* it, const char* op) {
  const std::string o = op;
  const bool is_signed = o.find("sint") != std::string::npos;
  const bool sat = o.find("sat") != std::string::npos;
  const unsigned bits = std::string(it) == "i32" ? 32 : 64;
  CompiledFunction cf =
      compile_ir(fmt::format("function %f(i64 vmctx, {0}) -> {1} {{\n"
                             "block0(v0: i64, v1: {0}):\n"
                             "    v2 = {2}.{1} v1\n    return v2\n}}\n",
                             ft, it, op));
  RegisteredCode code(cf);
  auto fn = code.entry<uint64_t (*)(void*, F)>();
  RuntimeLimits limits;
  struct {
    RuntimeLimits* limits;
  } vmctx{&limits};
  const double p31 = std::ldexp(1.0, 31), p32 = std::ldexp(1.0, 32),
               p63 = std::ldexp(1.0, 63), p64 = std::ldexp(1.0, 64);
  const double inputs[] = {
      0.0,      -0.0,        0.75,      -0.75,      -0.999999, -1.0, -1.5,
      1.5,      p31 - 1,     p31 - 0.5, p31,        p31 + 1,   -p31, -p31 - 0.5,
      -p31 - 1, -p31 + 1,    p32 - 1,   p32 - 0.5,  p32,       p63,  p63 - 1024,
      -p63,     -p63 - 4096, p64,       p64 - 4096, 123456.7,  kInf, -kInf,
      kNaN,     -kNaN,       1e30,      -1e30};
  for (double in : inputs) {
    const F x = F(in);
    const Conv want = ref_to_int(double(x), bits, is_signed, sat);
    auto r = call_wasm(limits, kDefaultMaxWasmStack, fn, (void*)&vmctx, x);
    const std::string what = fmt::format("{}.{} {}", op, it, double(x));
    if (!want.value) {
      ASSERT_FALSE(r.ok()) << what;
      EXPECT_EQ(r.trap().code, want.trap) << what;
      continue;
    }
    ASSERT_TRUE(r.ok()) << what << ": " << r.trap().message();
    uint64_t got = r.value();
    if (bits == 32) got &= 0xffffffff;
    EXPECT_EQ(got, *want.value) << what;
  }
}

TEST(X64LowerFloat, FloatToIntTrapsAndSaturates) {
  for (const char* op :
       {"fcvt_to_sint", "fcvt_to_uint", "fcvt_to_sint_sat", "fcvt_to_uint_sat"})
    for (const char* it : {"i32", "i64"}) {
      check_to_int<float>("f32", it, op);
      check_to_int<double>("f64", it, op);
    }
}

}  // namespace
}  // namespace heron::x64
