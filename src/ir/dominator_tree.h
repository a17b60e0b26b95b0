// The dominator tree of a function's control-flow graph, over the blocks
// reachable from the entry. The verifier uses it to check that every use of
// a value is dominated by its definition; later passes (GVN, LICM) reuse it.
// Built with Cooper, Harvey and Kennedy's iterative algorithm ("A Simple,
// Fast Dominance Algorithm", 2001), which also handles irreducible graphs.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/function.h"

namespace heron::ir {

class DominatorTree {
 public:
  explicit DominatorTree(const Function& f);

  bool is_reachable(Block b) const {
    return b.index < rpo_number_.size() && rpo_number_[b.index] != kNone;
  }
  // Immediate dominator; invalid for the entry block and unreachable blocks.
  Block idom(Block b) const { return idom_[b.index]; }
  // Reflexive: a block dominates itself. False if either is unreachable.
  bool dominates(Block a, Block b) const;
  // Reachable blocks in reverse post-order (entry first): every block comes
  // after its dominators.
  const std::vector<Block>& rpo() const { return rpo_; }
  // Predecessors in the CFG, counting only reachable blocks.
  const std::vector<Block>& preds(Block b) const { return preds_[b.index]; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;

  std::vector<Block> rpo_;
  std::vector<uint32_t> rpo_number_;
  std::vector<Block> idom_;
  std::vector<std::vector<Block>> preds_;
  // Pre/post numbers of a DFS over the tree: a dominates b iff a's interval
  // encloses b's.
  std::vector<uint32_t> pre_, post_;
};

}  // namespace heron::ir
