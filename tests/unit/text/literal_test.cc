// Literal parsing tests: integer ranges and underscores, float rounding
// (decimal and hex, nearest-even, subnormals, overflow), NaN payloads. The
// last tests replay const.wast's literal/expected pairs when the spec
// testsuite is next to the source tree.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "text/lexer.h"

namespace heron::text {
namespace {

TEST(Literals, Unsigned) {
  EXPECT_EQ(parse_u32("0"), 0u);
  EXPECT_EQ(parse_u32("4294967295"), 4294967295u);
  EXPECT_EQ(parse_u32("0xffff_ffff"), 4294967295u);
  EXPECT_EQ(parse_u32("4294967296"), std::nullopt);
  EXPECT_EQ(parse_u32("-1"), std::nullopt);
  EXPECT_EQ(parse_u32("+1"), std::nullopt);
  EXPECT_EQ(parse_u32("1.0"), std::nullopt);
  EXPECT_EQ(parse_u32("0x"), std::nullopt);
  EXPECT_EQ(parse_u64("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_u64("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_u64("0x1_0000_0000_0000_0000"), std::nullopt);
  EXPECT_EQ(parse_u64("0_123_456_789"), 123456789u);
}

TEST(Literals, SignedIntegers) {
  EXPECT_EQ(parse_i32("0xffffffff"), 0xffffffffu);
  EXPECT_EQ(parse_i32("-0x80000000"), 0x80000000u);
  EXPECT_EQ(parse_i32("0x100000000"), std::nullopt);
  EXPECT_EQ(parse_i32("-0x80000001"), std::nullopt);
  EXPECT_EQ(parse_i32("4294967295"), 0xffffffffu);
  EXPECT_EQ(parse_i32("-2147483648"), 0x80000000u);
  EXPECT_EQ(parse_i32("4294967296"), std::nullopt);
  EXPECT_EQ(parse_i32("-2147483649"), std::nullopt);
  EXPECT_EQ(parse_i32("+42"), 42u);
  EXPECT_EQ(parse_i32("-1"), 0xffffffffu);
  EXPECT_EQ(parse_i32("-0"), 0u);
  EXPECT_EQ(parse_i32("0x0_9acf_fBDF"), 0x09acffbdu * 16 + 0xf);
  EXPECT_EQ(parse_i64("0xffffffffffffffff"), UINT64_MAX);
  EXPECT_EQ(parse_i64("-0x8000000000000000"), 0x8000000000000000u);
  EXPECT_EQ(parse_i64("0x10000000000000000"), std::nullopt);
  EXPECT_EQ(parse_i64("-0x8000000000000001"), std::nullopt);
  EXPECT_EQ(parse_i64("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_i64("-9223372036854775808"), 0x8000000000000000u);
  EXPECT_EQ(parse_i64("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_i64("-9223372036854775809"), std::nullopt);
  for (const char* bad :
       {"_100", "+_100", "-_100", "99_", "1__000", "0x", "1x", "0xg", "", "-",
        "+", "0x_1", "1.0", "nan", "inf", "i32"}) {
    EXPECT_EQ(parse_i32(bad), std::nullopt) << bad;
    EXPECT_EQ(parse_i64(bad), std::nullopt) << bad;
  }
}

TEST(Literals, LaneIntegers) {
  EXPECT_EQ(parse_int_bits("255", 8), 255u);
  EXPECT_EQ(parse_int_bits("-128", 8), 0x80u);
  EXPECT_EQ(parse_int_bits("-129", 8), std::nullopt);
  EXPECT_EQ(parse_int_bits("256", 8), std::nullopt);
  EXPECT_EQ(parse_int_bits("-1", 16), 0xffffu);
  EXPECT_EQ(parse_int_bits("0xffff", 16), 0xffffu);
  EXPECT_EQ(parse_int_bits("0x1_0000", 16), std::nullopt);
}

TEST(Literals, NumberClassification) {
  using K = TokenKind;
  EXPECT_EQ(classify_number("12"), K::Nat);
  EXPECT_EQ(classify_number("0xAB"), K::Nat);
  EXPECT_EQ(classify_number("-12"), K::Int);
  EXPECT_EQ(classify_number("+0x1"), K::Int);
  for (const char* f :
       {"1.", "1.5", "1e5", "1E+5", "1.e-5", "0x1.", "0x1p3", "0x1.8P-3", "inf",
        "-inf", "+nan", "nan:0x1", "-nan:0xf_f", "1_0.0_1e1_0"}) {
    EXPECT_EQ(classify_number(f), K::Float) << f;
  }
  for (const char* r :
       {".5", "1e", "1e+", "0x1p", "1.2.3", "0x1e+1", "nan:1", "nan:0x",
        "-0x.8p1", "infinity", "1.0_", "1_.0", "0x1.0p_1"}) {
    EXPECT_EQ(classify_number(r), std::nullopt) << r;
  }
}

uint32_t f32(const char* s) {
  auto v = parse_f32_bits(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(0xdeadbeef);
}
uint64_t f64(const char* s) {
  auto v = parse_f64_bits(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(0xdeadbeef);
}

TEST(Literals, FloatSpecials) {
  EXPECT_EQ(f32("inf"), 0x7f800000u);
  EXPECT_EQ(f32("-inf"), 0xff800000u);
  EXPECT_EQ(f32("nan"), 0x7fc00000u);
  EXPECT_EQ(f32("-nan"), 0xffc00000u);
  EXPECT_EQ(f32("+nan:0x1"), 0x7f800001u);
  EXPECT_EQ(f32("nan:0x7fffff"), 0x7fffffffu);
  EXPECT_EQ(f32("-nan:0x7f_ffff"), 0xffffffffu);
  EXPECT_EQ(parse_f32_bits("nan:0x80_0000"), std::nullopt);
  EXPECT_EQ(parse_f32_bits("nan:0x0"), std::nullopt);
  EXPECT_EQ(f64("nan"), 0x7ff8000000000000u);
  EXPECT_EQ(f64("-nan:0xf_ffff_ffff_ffff"), 0xffffffffffffffffu);
  EXPECT_EQ(parse_f64_bits("nan:0x10_0000_0000_0000"), std::nullopt);
  EXPECT_EQ(parse_f64_bits("nan:0x0"), std::nullopt);
  EXPECT_EQ(f64("-inf"), 0xfff0000000000000u);
  EXPECT_EQ(f32("0"), 0u);
  EXPECT_EQ(f32("-0"), 0x80000000u);
  EXPECT_EQ(f32("-0.0"), 0x80000000u);
  EXPECT_EQ(f64("-0x0p+0"), 0x8000000000000000u);
  EXPECT_EQ(f32("0x0.000p99999999999999999999"), 0u);
}

TEST(Literals, FloatBasics) {
  EXPECT_EQ(f32("1"), 0x3f800000u);
  EXPECT_EQ(f32("0x10"), 0x41800000u);
  EXPECT_EQ(f32("-1.5"), 0xbfc00000u);
  EXPECT_EQ(f32("0x1.8p3"), 0x41400000u);
  EXPECT_EQ(f32("-0x1p-1"), 0xbf000000u);
  EXPECT_EQ(f32("1e1_0"), 0x501502f9u);
  EXPECT_EQ(f32("0x1_0.0_8p1"), 0x42004000u);  // 16.03125 * 2
  EXPECT_EQ(f64("0.1"), 0x3fb999999999999au);
  EXPECT_EQ(f64("0x1.921fb54442d18p+1"), 0x400921fb54442d18u);
  EXPECT_EQ(f64("1e308"), 0x7fe1ccf385ebc8a0u);
  EXPECT_EQ(f64("0x1.fffffffffffffp1023"), 0x7fefffffffffffffu);
  EXPECT_EQ(f32("0x1.fffffep127"), 0x7f7fffffu);
}

TEST(Literals, FloatRounding) {
  // Hex: ties to even, sticky bits far to the right.
  EXPECT_EQ(f32("0x1.000001p0"), 0x3f800000u);  // tie, even down
  EXPECT_EQ(f32("0x1.000003p0"), 0x3f800002u);  // tie, even up
  EXPECT_EQ(f32("0x1.00000100000000001p0"), 0x3f800001u);
  EXPECT_EQ(f32("0x1.000000fffffffffffffffffffffp0"), 0x3f800000u);
  EXPECT_EQ(f64("0x1.00000000000008p0"), 0x3ff0000000000000u);
  EXPECT_EQ(f64("0x1.00000000000018p0"), 0x3ff0000000000002u);
  EXPECT_EQ(f64("0x1.000000000000080000000000001p0"), 0x3ff0000000000001u);
  EXPECT_EQ(f64("0x1.0000000000000fffffffffffffffffffp0"), 0x3ff0000000000001u);
  // Many leading hex digits: the first ones fill the significand.
  EXPECT_EQ(f32("0x1000001p0"), 0x4b800000u);
  EXPECT_EQ(f32("0x1000001000000000000000000001p-108"), 0x3f800001u);
  // f32 decimal rounds directly, not through double: this literal is just
  // above the midpoint 1 + 2^-24, though its nearest double is the midpoint.
  EXPECT_EQ(f32("1.00000005960464477550"), 0x3f800001u);
  EXPECT_EQ(f32("1.000000059604644775390625"), 0x3f800000u);  // exact tie
  // Decimal f64 ties.
  EXPECT_EQ(f64("9007199254740993"), 0x4340000000000000u);
  EXPECT_EQ(f64("9007199254740995"), 0x4340000000000002u);
}

TEST(Literals, FloatSubnormals) {
  EXPECT_EQ(f32("0x1p-149"), 0x00000001u);
  EXPECT_EQ(f32("0x1p-150"), 0x00000000u);  // tie to even: zero
  EXPECT_EQ(f32("0x1.000001p-150"), 0x00000001u);
  EXPECT_EQ(f32("0x1.8p-149"), 0x00000002u);  // tie to even: 2
  EXPECT_EQ(f32("0x1p-151"), 0x00000000u);
  EXPECT_EQ(f32("0x0.fffffep-126"), 0x007fffffu);
  EXPECT_EQ(f32("0x0.ffffffp-126"), 0x00800000u);  // rounds up to normal
  EXPECT_EQ(f32("-0x1p-149"), 0x80000001u);
  EXPECT_EQ(f32("1e-45"), 0x00000001u);
  EXPECT_EQ(f32("1.4e-45"), 0x00000001u);
  EXPECT_EQ(f32("7e-46"), 0x00000000u);
  // Cases glibc's strtof rounds wrongly (an ulp low); exact values by hand.
  EXPECT_EQ(f32("0x80080.88p-149"), 0x00080081u);  // 524416.53125 units
  EXPECT_EQ(f32("5.92281321819697956460329407330534438287413039944825055924155"
                "90505868372948883315842749652802012860774993896484375e-39"),
            0x00407e65u);  // 4226660.75 units
  EXPECT_EQ(f64("0x1p-1074"), 0x1u);
  EXPECT_EQ(f64("0x1p-1075"), 0x0u);
  EXPECT_EQ(f64("0x1.0000000000001p-1075"), 0x1u);
  EXPECT_EQ(f64("0x0.fffffffffffff8p-1022"), 0x0010000000000000u);
  EXPECT_EQ(f64("4.9406564584124654e-324"), 0x1u);
  EXPECT_EQ(f64("2.2250738585072011e-308"), 0x000fffffffffffffu);
}

TEST(Literals, FloatOverflow) {
  EXPECT_EQ(f32("0x1.fffffefffffffffffp127"), 0x7f7fffffu);
  EXPECT_EQ(parse_f32_bits("0x1.ffffffp127"), std::nullopt);  // tie -> 2^128
  EXPECT_EQ(parse_f32_bits("0x1p128"), std::nullopt);
  EXPECT_EQ(parse_f32_bits("1e39"), std::nullopt);
  EXPECT_EQ(parse_f32_bits("-1e39"), std::nullopt);
  EXPECT_EQ(f32("3.4028235e38"), 0x7f7fffffu);
  EXPECT_EQ(f32("340282356779733661637539395458142568447"), 0x7f7fffffu);
  EXPECT_EQ(parse_f32_bits("340282356779733661637539395458142568448"),
            std::nullopt);
  EXPECT_EQ(f64("0x1.fffffffffffff7ffffffp1023"), 0x7fefffffffffffffu);
  EXPECT_EQ(parse_f64_bits("0x1.fffffffffffff8p1023"), std::nullopt);
  EXPECT_EQ(parse_f64_bits("1e309"), std::nullopt);
  EXPECT_EQ(parse_f64_bits("0x1p99999999999999999999999"), std::nullopt);
  EXPECT_EQ(f64("1e-99999999999999999999999"), 0u);
}

TEST(Literals, FloatMalformed) {
  for (const char* bad : {"_100",
                          "+_100",
                          "99_",
                          "1__000",
                          "_1.0",
                          "1.0_",
                          "1_.0",
                          "1._0",
                          "_1e1",
                          "1e1_",
                          "1_e1",
                          "1e_1",
                          "1.0e+_1",
                          "1.0e_+1",
                          "_0x100",
                          "0_x100",
                          "0x_100",
                          "0x00_",
                          "0xff__ffff",
                          "0x_1.0",
                          "0x1.0_",
                          "0x1_.0",
                          "0x1._0",
                          "0x_1p1",
                          "0x1p1_",
                          "0x1_p1",
                          "0x1p_1",
                          "0x1.0p+_1",
                          "0x1.0p_+1",
                          "0x",
                          "1x",
                          ".5",
                          "e5",
                          "infinity",
                          "nan:canonical",
                          "nan:arithmetic",
                          "nan:0x",
                          "0x1e+1"}) {
    EXPECT_EQ(parse_f32_bits(bad), std::nullopt) << bad;
    EXPECT_EQ(parse_f64_bits(bad), std::nullopt) << bad;
  }
}

// Replays every `(module (func ... (T.const LIT))) (assert_return (invoke
// "f") (T.const EXPECTED))` pair of const.wast: LIT and EXPECTED must give the
// same bits.
TEST(Literals, ConstWastPairs) {
  const std::string path = std::string(HERON_TESTSUITE_DIR) + "/const.wast";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "testsuite not found at " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string src = ss.str();
  std::regex pair(
      R"(\(result (f32|f64)\) \(\1\.const ([^)\s]+)\)\)\)\s*\(assert_return \(invoke "f"\) \(\1\.const ([^)\s]+)\)\))");
  int count = 0;
  for (auto it = std::sregex_iterator(src.begin(), src.end(), pair);
       it != std::sregex_iterator(); ++it) {
    std::string type = (*it)[1], lit = (*it)[2], expected = (*it)[3];
    if (type == "f32") {
      auto a = parse_f32_bits(lit), b = parse_f32_bits(expected);
      ASSERT_TRUE(a && b) << lit << " / " << expected;
      EXPECT_EQ(*a, *b) << lit << " should be " << expected;
    } else {
      auto a = parse_f64_bits(lit), b = parse_f64_bits(expected);
      ASSERT_TRUE(a && b) << lit << " / " << expected;
      EXPECT_EQ(*a, *b) << lit << " should be " << expected;
    }
    ++count;
  }
  EXPECT_GT(count, 200);
}

}  // namespace
}  // namespace heron::text
