// Branches and conditional traps on constant conditions. Leaves the CFG with
// possibly unreachable blocks; remove_unreachable_blocks cleans up.
#include <optional>

#include "opt/passes.h"

namespace heron::opt {

using namespace heron::ir;

namespace {

std::optional<uint64_t> const_value(const Function& f, Value v) {
  const ValueData& d = f.value(v);
  if (d.def != ValueDef::Result) return std::nullopt;
  const InstData& i = f.inst(Inst(d.owner));
  if (i.opcode != Opcode::Iconst) return std::nullopt;
  return i.imm;
}

}  // namespace

bool simplify_branches(Function& f) {
  bool changed = false;
  for (Block b = f.first_block(); b.valid(); b = f.next_block(b)) {
    for (Inst i = f.first_inst(b); i.valid();) {
      Inst next = f.next_inst(i);
      const InstData& d = f.inst(i);
      switch (d.opcode) {
        case Opcode::Brif:
          if (auto c = const_value(f, f.args(i)[0])) {
            f.rewrite_as_jump(i, *c != 0 ? 0 : 1);
            changed = true;
          }
          break;
        case Opcode::BrTable:
          if (auto c = const_value(f, f.args(i)[0])) {
            uint32_t n = static_cast<uint32_t>(*c);
            uint32_t table = d.num_calls - 1;
            f.rewrite_as_jump(i, n < table ? n + 1 : 0);
            changed = true;
          }
          break;
        case Opcode::Trapz:
        case Opcode::Trapnz:
          if (auto c = const_value(f, f.args(i)[0])) {
            bool traps = (d.opcode == Opcode::Trapz) == (*c == 0);
            if (!traps) {
              f.remove_inst(i);
            } else {
              // Always traps: it becomes the block's terminator and the
              // rest of the block (and what only it reached) is dead.
              InstData& t = f.inst_mut(i);
              t.opcode = Opcode::Trap;
              t.num_args = 0;
              while (f.next_inst(i).valid()) f.remove_inst(f.next_inst(i));
              next = Inst();
            }
            changed = true;
          }
          break;
        default:
          break;
      }
      i = next;
    }
  }
  return changed;
}

}  // namespace heron::opt
