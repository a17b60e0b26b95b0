// Unit tests of the mid-end passes beyond the golden files: what must never
// be removed or folded, and -O0 leaving the function untouched.
#include "opt/passes.h"

#include <gtest/gtest.h>

#include "../ir/ir_test_util.h"

namespace heron::opt {
namespace {

using ir::test::parse_valid;

const char kEffects[] =
    "function %effects(i64 vmctx, i32) {\n"
    "    sig0 = (i64 vmctx)\n"
    "block0(v0: i64, v1: i32):\n"
    "    v2 = heap_load.i32 mem0 v0, v1\n"
    "    v3 = load.i64 v0+8\n"
    "    v4 = iconst.i32 0\n"
    "    v5 = sdiv.i32 v1, v4\n"
    "    call fn1 sig0(v0)\n"
    "    store.i64 v3, v0+16\n"
    "    v6 = iadd.i32 v1, v1\n"
    "    return\n"
    "}\n";

TEST(Passes, DceKeepsEffectsAndTraps) {
  ir::Function f = parse_valid(kEffects);
  EXPECT_TRUE(eliminate_dead_code(f));
  ASSERT_TRUE(ir::verify(f).ok());
  // Only the unused pure iadd goes: the heap load (may fault), the load
  // feeding the store, sdiv (traps), the call and the store stay.
  EXPECT_EQ(ir::print_function(f),
            "function %effects(i64 vmctx, i32) {\n"
            "    sig0 = (i64 vmctx)\n"
            "block0(v0: i64, v1: i32):\n"
            "    v2 = heap_load.i32 mem0 v0, v1\n"
            "    v3 = load.i64 v0+8\n"
            "    v4 = iconst.i32 0\n"
            "    v5 = sdiv.i32 v1, v4\n"
            "    call fn1 sig0(v0)\n"
            "    store.i64 v3, v0+16\n"
            "    return\n"
            "}\n");
  EXPECT_FALSE(eliminate_dead_code(f));
}

TEST(Passes, O0ChangesNothing) {
  ir::Function f = parse_valid(kEffects);
  optimize(f, OptLevel::O0);
  EXPECT_EQ(ir::print_function(f), kEffects);
}

TEST(Passes, FoldsInLoopsAcrossBlocks) {
  ir::Function f = parse_valid(
      "function %loop(i32) -> i32 {\n"
      "block0(v0: i32):\n"
      "    v1 = iconst.i32 10\n"
      "    jump block1(v0)\n"
      "block1(v2: i32):\n"
      "    v3 = iconst.i32 2\n"
      "    v4 = imul.i32 v1, v3\n"
      "    v5 = iadd.i32 v2, v4\n"
      "    v6 = icmp.i32 ult v5, v1\n"
      "    brif v6, block1(v5), block2\n"
      "block2:\n"
      "    return v5\n"
      "}\n");
  optimize(f, OptLevel::O2);
  ASSERT_TRUE(ir::verify(f).ok());
  EXPECT_EQ(ir::print_function(f),
            "function %loop(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    v1 = iconst.i32 10\n"
            "    jump block1(v0)\n"
            "block1(v2: i32):\n"
            "    v4 = iconst.i32 20\n"
            "    v5 = iadd.i32 v2, v4\n"
            "    v6 = icmp.i32 ult v5, v1\n"
            "    brif v6, block1(v5), block2\n"
            "block2:\n"
            "    return v5\n"
            "}\n");
}

}  // namespace
}  // namespace heron::opt
