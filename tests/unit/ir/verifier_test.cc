// The verifier: one test per kind of error, each checking that the message
// names what is wrong.
#include "ir/verifier.h"

#include <gtest/gtest.h>

#include "ir/builder.h"
#include "ir/parser.h"

namespace heron::ir {
namespace {

// Parses (must succeed) and returns the verifier's message, "" if valid.
std::string verify_text(const std::string& text) {
  auto f = parse_function(text);
  if (!f) return "parse error: " + f.error().message;
  auto r = verify(*f);
  return r ? "" : r.error().message;
}

void expect_error(const std::string& text, const std::string& fragment) {
  std::string msg = verify_text(text);
  EXPECT_NE(msg.find(fragment), std::string::npos)
      << "message: `" << msg << "`, expected to contain `" << fragment << "`";
}

TEST(Verifier, AcceptsValid) {
  EXPECT_EQ(verify_text("function %f(i32) -> i32 {\nblock0(v0: i32):\n"
                        "    return v0\n}\n"),
            "");
}

TEST(Verifier, EntryParamsMustMatchSignature) {
  expect_error("function %f(i32) {\nblock0:\n    return\n}\n",
               "entry block has 0 params");
  expect_error("function %f(i64) {\nblock0(v0: i32):\n    return\n}\n",
               "entry param v0 has type i32");
}

TEST(Verifier, Terminators) {
  expect_error("function %f() {\nblock0:\n    v0 = iconst.i32 1\n}\n",
               "block0: inst0 `v0 = iconst.i32 1`: block does not end");
  expect_error("function %f() {\nblock0:\n    return\n    return\n}\n",
               "terminator before the block end");
  expect_error("function %f() {\nblock0:\n    jump block1\nblock1:\n}\n",
               "block1: empty block");
}

TEST(Verifier, OperandTypes) {
  expect_error(
      "function %f(i32, i64) {\nblock0(v0: i32, v1: i64):\n"
      "    v2 = iadd.i32 v0, v1\n    return\n}\n",
      "operand 1 (v1) has type i64, expected i32");
  expect_error(
      "function %f(f32) {\nblock0(v0: f32):\n"
      "    v1 = iadd.f32 v0, v0\n    return\n}\n",
      "invalid controlling type f32");
  expect_error(
      "function %f(i32) {\nblock0(v0: i32):\n"
      "    v1 = bitcast.f64 v0\n    return\n}\n",
      "bitcast between");
  expect_error(
      "function %f(i32) {\nblock0(v0: i32):\n"
      "    v1 = heap_load.i32 u32 mem0 v0, v0\n    return\n}\n",
      "bad access width");
  expect_error(
      "function %f(i64) -> i32 {\nblock0(v0: i64):\n    return v0\n}\n",
      "operand 0 (v0) has type i64, expected i32");
}

TEST(Verifier, CallsAgainstSignatures) {
  expect_error(
      "function %f(i64) {\n    sig0 = (i64, i32)\nblock0(v0: i64):\n"
      "    call fn0 sig0(v0)\n    return\n}\n",
      "passes 1 arguments, sig0 has 2");
  expect_error(
      "function %f(i64) {\nblock0(v0: i64):\n"
      "    call fn0 sig4(v0)\n    return\n}\n",
      "no signature sig4");
}

TEST(Verifier, BlockCallArguments) {
  expect_error(
      "function %f(i32) {\nblock0(v0: i32):\n    jump block1\n"
      "block1(v1: i32):\n    return\n}\n",
      "passes 0 arguments to block1, which has 1 params");
  expect_error(
      "function %f(i64) {\nblock0(v0: i64):\n    jump block1(v0)\n"
      "block1(v1: i32):\n    return\n}\n",
      "argument v0 of type i64 for block1 param v1 of type i32");
  expect_error("function %f() {\nblock0:\n    jump block0\n}\n",
               "branches to the entry block");
  expect_error("function %f() {\nblock0:\n    jump block1\n}\n",
               "branches to block1, not in the layout");
}

TEST(Verifier, Dominance) {
  expect_error(
      "function %f() {\nblock0:\n    v1 = iadd.i32 v0, v0\n"
      "    v0 = iconst.i32 1\n    return\n}\n",
      "uses v0 before its definition");
  expect_error(
      "function %f(i32) {\nblock0(v0: i32):\n    brif v0, block1, block2\n"
      "block1:\n    v1 = iconst.i32 1\n    jump block2\n"
      "block2:\n    v2 = iadd.i32 v1, v1\n    return\n}\n",
      "use of v1 is not dominated by its definition in block1");
  expect_error(
      "function %f() {\nblock0:\n    v1 = iadd.i32 v5, v5\n    return\n}\n",
      "uses undefined value v5");
}

TEST(Verifier, RemovedDefinitions) {
  Function f;
  f.name = "f";
  f.signature.results = {Type::I32};
  FunctionBuilder b(f);
  b.create_entry_block();
  Value c = b.iconst(Type::I32, 3);
  Value r[] = {c};
  b.ret(r);
  ASSERT_TRUE(verify(f).ok());
  f.remove_inst(Inst(0));
  auto v = verify(f);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("defined by removed inst0"),
            std::string::npos)
      << v.error().message;
}

}  // namespace
}  // namespace heron::ir
