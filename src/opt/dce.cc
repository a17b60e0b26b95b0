// Dead-code elimination: use counts over the whole function, then a
// worklist that deletes pure instructions with no used result and releases
// their operands, so chains of dead computations disappear in one run.
#include <vector>

#include "opt/passes.h"

namespace heron::opt {

using namespace heron::ir;

bool eliminate_dead_code(Function& f) {
  std::vector<uint32_t> uses(f.num_values(), 0);
  std::vector<Inst> candidates;
  for (Block b = f.first_block(); b.valid(); b = f.next_block(b)) {
    for (Inst i = f.first_inst(b); i.valid(); i = f.next_inst(i)) {
      for (Value v : f.args(i)) ++uses[v.index];
      for (const BlockCall& c : f.calls(i)) {
        for (Value v : f.call_args(c)) ++uses[v.index];
      }
      if (is_pure(f.inst(i).opcode)) candidates.push_back(i);
    }
  }
  auto dead = [&](Inst i) {
    if (!f.is_inst_inserted(i) || !is_pure(f.inst(i).opcode)) return false;
    for (Value r : f.results(i)) {
      if (uses[r.index]) return false;
    }
    return true;
  };
  bool changed = false;
  while (!candidates.empty()) {
    Inst i = candidates.back();
    candidates.pop_back();
    if (!dead(i)) continue;
    for (Value v : f.args(i)) {
      if (--uses[v.index] == 0 && f.value(v).def == ValueDef::Result) {
        candidates.push_back(Inst(f.value(v).owner));
      }
    }
    f.remove_inst(i);
    changed = true;
  }
  return changed;
}

}  // namespace heron::opt
