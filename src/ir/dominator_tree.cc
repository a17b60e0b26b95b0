// Dominator tree construction: reverse post-order by an iterative DFS, then
// Cooper-Harvey-Kennedy's fixpoint ("A Simple, Fast Dominance Algorithm"),
// then DFS interval numbering of the tree for O(1) dominance queries.
#include "ir/dominator_tree.h"

#include <utility>

namespace heron::ir {

DominatorTree::DominatorTree(const Function& f) {
  const size_t n = f.num_blocks();
  rpo_number_.assign(n, kNone);
  idom_.assign(n, Block());
  preds_.assign(n, {});
  pre_.assign(n, 0);
  post_.assign(n, 0);
  Block entry = f.entry_block();
  if (!entry.valid()) return;

  // Post-order DFS without recursion: a stack of (block, next successor).
  std::vector<Block> postorder;
  std::vector<uint8_t> visited(n, 0);
  std::vector<std::pair<Block, std::vector<Block>>> stack;
  std::vector<size_t> next;
  visited[entry.index] = 1;
  stack.push_back({entry, f.successors(entry)});
  next.push_back(0);
  while (!stack.empty()) {
    auto& [b, succs] = stack.back();
    size_t& k = next.back();
    if (k < succs.size()) {
      Block s = succs[k++];
      if (!visited[s.index] && f.is_block_inserted(s)) {
        visited[s.index] = 1;
        auto ss = f.successors(s);
        stack.push_back({s, std::move(ss)});
        next.push_back(0);
      }
      continue;
    }
    postorder.push_back(b);
    stack.pop_back();
    next.pop_back();
  }
  rpo_.assign(postorder.rbegin(), postorder.rend());
  for (uint32_t i = 0; i < rpo_.size(); ++i) rpo_number_[rpo_[i].index] = i;
  for (Block b : rpo_) {
    for (Block s : f.successors(b)) {
      if (is_reachable(s)) preds_[s.index].push_back(b);
    }
  }

  // Fixpoint over RPO. idom is kept as RPO numbers during the iteration; the
  // entry is its own idom there.
  std::vector<uint32_t> doms(rpo_.size(), kNone);
  doms[0] = 0;
  auto intersect = [&](uint32_t a, uint32_t b) {
    while (a != b) {
      while (a > b) a = doms[a];
      while (b > a) b = doms[b];
    }
    return a;
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (uint32_t i = 1; i < rpo_.size(); ++i) {
      uint32_t new_idom = kNone;
      for (Block p : preds_[rpo_[i].index]) {
        uint32_t pn = rpo_number_[p.index];
        if (doms[pn] == kNone) continue;
        new_idom = new_idom == kNone ? pn : intersect(pn, new_idom);
      }
      if (doms[i] != new_idom) {
        doms[i] = new_idom;
        changed = true;
      }
    }
  }
  std::vector<std::vector<Block>> children(n);
  for (uint32_t i = 1; i < rpo_.size(); ++i) {
    Block d = rpo_[doms[i]];
    idom_[rpo_[i].index] = d;
    children[d.index].push_back(rpo_[i]);
  }

  // Interval numbering of the tree.
  uint32_t counter = 0;
  std::vector<std::pair<Block, size_t>> walk = {{entry, 0}};
  pre_[entry.index] = counter++;
  while (!walk.empty()) {
    auto& [b, k] = walk.back();
    if (k < children[b.index].size()) {
      Block c = children[b.index][k++];
      pre_[c.index] = counter++;
      walk.push_back({c, 0});
      continue;
    }
    post_[b.index] = counter++;
    walk.pop_back();
  }
}

bool DominatorTree::dominates(Block a, Block b) const {
  if (!is_reachable(a) || !is_reachable(b)) return false;
  return pre_[a.index] <= pre_[b.index] && post_[b.index] <= post_[a.index];
}

}  // namespace heron::ir
