// Parallel-move sequentialization: emit every move whose destination no
// pending move still reads; when only cycles remain, save one destination's
// current value to the scratch register of that value's class and redirect
// its readers there, which opens the cycle into a chain.
#include "isa/x64/parallel_move.h"

#include <algorithm>
#include <cstddef>

#include "heron/error.h"

namespace heron::x64 {

MInst make_move(Loc dst, Loc src, RegClass cls) {
  MInst m;
  if (dst.is_reg() && src.is_reg()) {
    m = cls == RegClass::Gpr ? inst::mov(dst.as_reg(), src.as_reg(), 8)
                             : MInst{};
    if (cls == RegClass::Xmm) {
      m.op = Op::XmmMovRR;
      m.dst = dst.as_reg();
      m.src1 = src.as_reg();
      m.size = 8;
    }
  } else if (dst.is_slot() && src.is_reg()) {
    m.op = Op::SpillStore;
    m.src1 = src.as_reg();
    m.index = dst.index;
  } else if (dst.is_reg() && src.is_slot()) {
    m.op = Op::SpillLoad;
    m.dst = dst.as_reg();
    m.index = src.index;
  } else if (dst.is_slot() && src.is_slot()) {
    m.op = Op::SlotCopy;
    m.index = src.index;
    m.imm = dst.index;
  } else {
    fatal_invariant("make_move: move without a location");
  }
  return m;
}

std::vector<PMove> compose_parallel_moves(const std::vector<PMove>& first,
                                          const std::vector<PMove>& second) {
  std::vector<PMove> out;
  compose_parallel_moves_into(first, second, out);
  return out;
}

void compose_parallel_moves_into(const std::vector<PMove>& first,
                                 const std::vector<PMove>& second,
                                 std::vector<PMove>& out) {
  out.clear();
  out.reserve(first.size() + second.size());
  for (const PMove& m : second) {
    PMove c = m;
    for (const PMove& f : first)
      if (f.dst == m.src) {
        c.src = f.src;
        break;
      }
    out.push_back(c);
  }
  for (const PMove& f : first) {
    bool overwritten = false;
    for (const PMove& m : second) overwritten |= m.dst == f.dst;
    if (!overwritten) out.push_back(f);
  }
}

void sequentialize_parallel_moves(std::vector<PMove> moves,
                                  std::vector<MInst>& out) {
  sequentialize_parallel_moves_in_place(moves, out);
}

void sequentialize_parallel_moves_in_place(std::vector<PMove>& moves,
                                           std::vector<MInst>& out) {
  const Loc scratch_gpr = Loc::reg(kScratchGpr),
            scratch_xmm = Loc::reg(kScratchXmm);
  for (size_t i = 0; i < moves.size(); i++) {
    const PMove& m = moves[i];
    if (m.dst == scratch_gpr || m.dst == scratch_xmm || m.src == scratch_gpr ||
        m.src == scratch_xmm)
      fatal_invariant("parallel move: a move uses a scratch register");
    for (size_t j = i + 1; j < moves.size(); j++)
      if (m.dst == moves[j].dst)
        fatal_invariant("parallel move: two moves to one location");
  }
  moves.erase(std::remove_if(moves.begin(), moves.end(),
                             [](const PMove& m) { return m.dst == m.src; }),
              moves.end());
  auto is_read = [&](Loc l) {
    for (const PMove& m : moves)
      if (m.src == l) return true;
    return false;
  };
  while (!moves.empty()) {
    bool progress = false;
    for (size_t i = 0; i < moves.size();) {
      if (!is_read(moves[i].dst)) {
        out.push_back(make_move(moves[i].dst, moves[i].src, moves[i].cls));
        moves.erase(moves.begin() + std::ptrdiff_t(i));
        progress = true;
      } else {
        i++;
      }
    }
    if (progress || moves.empty()) continue;
    // Only cycles remain. Park the value currently in moves[0].dst (read by
    // some move of that value's class) in the scratch register.
    const Loc blocked = moves[0].dst;
    RegClass cls = moves[0].cls;
    for (const PMove& m : moves)
      if (m.src == blocked) cls = m.cls;
    const Loc scratch =
        Loc::reg(cls == RegClass::Gpr ? kScratchGpr : kScratchXmm);
    out.push_back(make_move(scratch, blocked, cls));
    for (PMove& m : moves)
      if (m.src == blocked) m.src = scratch;
  }
}

}  // namespace heron::x64
