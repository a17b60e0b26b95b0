// Dominator tree: straight lines, diamonds, loops, irreducible graphs and
// unreachable blocks.
#include "ir/dominator_tree.h"

#include <gtest/gtest.h>

#include "ir_test_util.h"

namespace heron::ir {
namespace {

using test::parse_valid;

TEST(DominatorTree, DiamondAndLoop) {
  // 0 -> 1 -> {2, 3} -> 4 -> 1 (loop back edge) | 5
  Function f = parse_valid(
      "function %f(i32) {\n"
      "block0(v0: i32):\n    jump block1\n"
      "block1:\n    brif v0, block2, block3\n"
      "block2:\n    jump block4\n"
      "block3:\n    jump block4\n"
      "block4:\n    brif v0, block1, block5\n"
      "block5:\n    return\n"
      "}\n");
  DominatorTree dt(f);
  EXPECT_FALSE(dt.idom(Block(0)).valid());
  EXPECT_EQ(dt.idom(Block(1)), Block(0));
  EXPECT_EQ(dt.idom(Block(2)), Block(1));
  EXPECT_EQ(dt.idom(Block(3)), Block(1));
  EXPECT_EQ(dt.idom(Block(4)), Block(1));
  EXPECT_EQ(dt.idom(Block(5)), Block(4));
  EXPECT_TRUE(dt.dominates(Block(1), Block(5)));
  EXPECT_TRUE(dt.dominates(Block(4), Block(4)));
  EXPECT_FALSE(dt.dominates(Block(2), Block(4)));
  EXPECT_FALSE(dt.dominates(Block(4), Block(1)));
  EXPECT_EQ(dt.rpo().front(), Block(0));
  EXPECT_EQ(dt.preds(Block(1)).size(), 2u);
}

TEST(DominatorTree, Irreducible) {
  // 0 -> {1, 2}; 1 <-> 2 (a loop with two entries); 2 -> 3.
  Function f = parse_valid(
      "function %f(i32) {\n"
      "block0(v0: i32):\n    brif v0, block1, block2\n"
      "block1:\n    jump block2\n"
      "block2:\n    brif v0, block1, block3\n"
      "block3:\n    return\n"
      "}\n");
  DominatorTree dt(f);
  EXPECT_EQ(dt.idom(Block(1)), Block(0));
  EXPECT_EQ(dt.idom(Block(2)), Block(0));
  EXPECT_EQ(dt.idom(Block(3)), Block(2));
  EXPECT_FALSE(dt.dominates(Block(1), Block(2)));
  EXPECT_FALSE(dt.dominates(Block(2), Block(1)));
}

TEST(DominatorTree, UnreachableBlocks) {
  Function f = parse_valid(
      "function %f() {\n"
      "block0:\n    return\n"
      "block1:\n    jump block2\n"
      "block2:\n    return\n"
      "}\n");
  DominatorTree dt(f);
  EXPECT_TRUE(dt.is_reachable(Block(0)));
  EXPECT_FALSE(dt.is_reachable(Block(1)));
  EXPECT_FALSE(dt.is_reachable(Block(2)));
  EXPECT_FALSE(dt.dominates(Block(1), Block(2)));
  EXPECT_EQ(dt.rpo().size(), 1u);
}

}  // namespace
}  // namespace heron::ir
