// Printer/parser round trips (parse(print(f)) prints identically) and
// parser error reporting with line numbers.
#include <gtest/gtest.h>

#include "ir/builder.h"
#include "ir_test_util.h"

namespace heron::ir {
namespace {

void expect_round_trip(const std::string& text) {
  auto f = parse_function(text);
  ASSERT_TRUE(f.ok()) << f.error().message;
  auto v = verify(*f);
  EXPECT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(print_function(*f), text);
}

TEST(IrText, RoundTripArithmeticAndBranches) {
  expect_round_trip(
      "function %f(i64 vmctx, i32, i32) -> i32 {\n"
      "block0(v0: i64, v1: i32, v2: i32):\n"
      "    @001a v3 = iadd.i32 v1, v2\n"
      "    v4 = icmp.i32 slt v3, v1\n"
      "    brif v4, block1(v3), block2\n"
      "block1(v5: i32):\n"
      "    return v5\n"
      "block2:\n"
      "    trap int_overflow\n"
      "}\n");
}

TEST(IrText, RoundTripEveryFormat) {
  expect_round_trip(
      "function %all(i64 vmctx, i32, i64, f32, f64) -> i64 {\n"
      "    sig0 = (i64 vmctx, i32) -> i32, f64\n"
      "    sig1 = (i64 vmctx, i64)\n"
      "block0(v0: i64, v1: i32, v2: i64, v3: f32, v4: f64):\n"
      "    v5 = iconst.i32 -7\n"
      "    v6 = iconst.i64 -9223372036854775808\n"
      "    v7 = f32const 0x3f800000\n"
      "    v8 = f64const 0x7ff8000000000001\n"
      "    v9 = clz.i32 v1\n"
      "    v10 = sextend.i64 v1\n"
      "    v11 = select.i64 v1, v2, v10\n"
      "    v12 = fcmp.f64 ne v4, v8\n"
      "    v13 = fadd.f32 v3, v7\n"
      "    v14 = load.i64 v0+16\n"
      "    v15 = load.i32 v0-8\n"
      "    store.i32 v15, v0\n"
      "    heap_bounds_check mem0 v1, v14, 8\n"
      "    v16 = heap_load.i64 u16 mem0 v14, v1+4\n"
      "    v17 = heap_load.f64 mem1 v14, v2\n"
      "    heap_store.i32 trunc8 mem0 v9, v14, v1+4294967295\n"
      "    trapz v12, int_divz\n"
      "    trapnz v1, interrupt\n"
      "    v18, v19 = call fn3 sig0(v0, v1)\n"
      "    call_indirect sig1 v14(v0, v2)\n"
      "    v20, v21 = libcall memory_grow sig0(v0, v18)\n"
      "    v22 = fcvt_to_sint_sat.i32 v17\n"
      "    v23 = bitcast.i64 v19\n"
      "    br_table v22, block1(v23), [block2, block1(v16)]\n"
      "block1(v24: i64):\n"
      "    jump block3(v24)\n"
      "block2:\n"
      "    jump block3(v11)\n"
      "block3(v25: i64):\n"
      "    return v25\n"
      "}\n");
}

TEST(IrText, RoundTripBuiltFunction) {
  Function f;
  f.name = "built";
  f.signature.params = {{Type::I64, ParamPurpose::VMContext},
                        {Type::I32, ParamPurpose::Normal}};
  f.signature.results = {Type::I32};
  FunctionBuilder b(f);
  b.create_entry_block();
  Value x = f.block_params(f.entry_block())[1];
  b.set_srcloc(0x30);
  Value one = b.iconst(Type::I32, 1);
  Value sum = b.binary(Opcode::Iadd, Type::I32, x, one);
  Value r[] = {sum};
  b.ret(r);
  ASSERT_TRUE(verify(f).ok());
  std::string text = print_function(f);
  EXPECT_EQ(text,
            "function %built(i64 vmctx, i32) -> i32 {\n"
            "block0(v0: i64, v1: i32):\n"
            "    @0030 v2 = iconst.i32 1\n"
            "    @0030 v3 = iadd.i32 v1, v2\n"
            "    @0030 return v3\n"
            "}\n");
  EXPECT_EQ(f.vmctx_value(), Value(0));
  expect_round_trip(text);
}

TEST(IrText, ParseErrorsCarryLines) {
  auto f = parse_function(
      "function %f() {\n"
      "block0:\n"
      "    v0 = frobnicate.i32 v1\n"
      "}\n");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().line, 3u);
  EXPECT_NE(f.error().message.find("unknown opcode"), std::string::npos);

  auto g = parse_function("function %f() {\nblock0:\n    return\n");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("expected `}`"), std::string::npos);

  auto h = parse_function(
      "function %f() {\nblock0:\n    v0 = iconst.i32 1\n"
      "    v0 = iconst.i32 2\n    return\n}\n");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().line, 4u);
  EXPECT_NE(h.error().message.find("defined twice"), std::string::npos);

  auto k = parse_function("function %f() {\nblock0:\n    v1 = iadd.i32 v0\n}");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().line, 4u);
}

// Every prefix and many one-character corruptions of a valid function must
// give a parse error or a function the verifier judges, never a crash (run
// under ASan/UBSan in CI).
TEST(IrText, DamagedInputNeverCrashes) {
  const std::string good =
      "function %f(i64 vmctx, i32) -> i32 {\n"
      "    sig0 = (i64 vmctx) -> i32\n"
      "block0(v0: i64, v1: i32):\n"
      "    v2 = call fn1 sig0(v0)\n"
      "    v3 = heap_load.i32 u8 mem0 v0, v1+4\n"
      "    br_table v3, block1(v2), [block2]\n"
      "block1(v4: i32):\n"
      "    return v4\n"
      "block2:\n"
      "    trap unreachable\n"
      "}\n";
  auto judge = [](const std::string& text) {
    auto f = parse_function(text);
    if (f) {
      (void)verify(*f);
      (void)print_function(*f);
    }
  };
  for (size_t n = 0; n < good.size(); ++n) judge(good.substr(0, n));
  const char replacements[] = {'9', 'v', ',', '(', ')', ' ', 'x', '-'};
  for (size_t n = 0; n < good.size(); ++n) {
    for (char c : replacements) {
      std::string bad = good;
      bad[n] = c;
      judge(bad);
    }
  }
}

TEST(IrText, CommentsAreIgnored) {
  auto f = parse_function(
      "; a function\nfunction %f() { ; body\nblock0: ; entry\n"
      "    return ; done\n}\n");
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(print_function(*f), "function %f() {\nblock0:\n    return\n}\n");
}

}  // namespace
}  // namespace heron::ir
