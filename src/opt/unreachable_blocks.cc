// Removal of blocks the entry cannot reach. Their values cannot be used by
// reachable code (SSA dominance), so unlinking them is enough.
#include <vector>

#include "opt/passes.h"

namespace heron::opt {

using namespace heron::ir;

bool remove_unreachable_blocks(Function& f) {
  Block entry = f.entry_block();
  if (!entry.valid()) return false;
  std::vector<uint8_t> seen(f.num_blocks(), 0);
  std::vector<Block> stack = {entry};
  seen[entry.index] = 1;
  while (!stack.empty()) {
    Block b = stack.back();
    stack.pop_back();
    // The terminator's targets, as successors() lists them, without
    // building that list for every block.
    const Inst t = f.terminator(b);
    if (!t.valid()) continue;
    for (const BlockCall& c : f.calls(t)) {
      if (!seen[c.block.index]) {
        seen[c.block.index] = 1;
        stack.push_back(c.block);
      }
    }
  }
  bool changed = false;
  for (Block b : f.layout_blocks()) {
    if (!seen[b.index]) {
      f.remove_block(b);
      changed = true;
    }
  }
  return changed;
}

}  // namespace heron::opt
