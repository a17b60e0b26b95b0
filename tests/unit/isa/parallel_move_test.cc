// Parallel-move sequentialization: the emitted sequence, run on a model of
// registers and slots, must give every destination its source's old value
// (cycles, fan-out, slots, both register classes) and touch nothing else
// except the scratch registers.
#include <gtest/gtest.h>

#include <map>

#include "isa/x64/parallel_move.h"

namespace heron::x64 {
namespace {

// Locations as integers: registers are Reg::bits, slots 1000 + index.
int key(Loc l) { return l.is_reg() ? int(l.index) : 1000 + int(l.index); }

std::map<int, int> run(const std::vector<MInst>& seq, std::map<int, int> s) {
  for (const MInst& m : seq) {
    switch (m.op) {
      case Op::MovRR:
      case Op::XmmMovRR:
        s[int(m.dst.bits)] = s[int(m.src1.bits)];
        break;
      case Op::SpillStore:
        s[1000 + int(m.index)] = s[int(m.src1.bits)];
        break;
      case Op::SpillLoad:
        s[int(m.dst.bits)] = s[1000 + int(m.index)];
        break;
      case Op::SlotCopy:
        s[1000 + int(m.imm)] = s[1000 + int(m.index)];
        break;
      default:
        ADD_FAILURE() << "unexpected op";
    }
  }
  return s;
}

void check(const std::vector<PMove>& moves, size_t max_len) {
  std::map<int, int> before;
  for (int r = 0; r < 32; r++) before[r] = 100 + r;
  for (int k = 0; k < 8; k++) before[1000 + k] = 500 + k;
  std::vector<MInst> seq;
  sequentialize_parallel_moves(moves, seq);
  EXPECT_LE(seq.size(), max_len);
  std::map<int, int> after = run(seq, before);
  std::map<int, int> expect = before;
  for (const PMove& m : moves) expect[key(m.dst)] = before[key(m.src)];
  for (auto& [loc, val] : expect) {
    if (loc == int(kScratchGpr.bits) || loc == int(kScratchXmm.bits)) continue;
    EXPECT_EQ(after[loc], val) << "location " << loc;
  }
}

Loc R(Gpr g) { return Loc::reg(Reg::gpr(g)); }
Loc X(unsigned x) { return Loc::reg(Reg::xmm(x)); }
Loc S(uint32_t s) { return Loc::slot(s); }
constexpr RegClass G = RegClass::Gpr, F = RegClass::Xmm;

TEST(X64ParallelMove, Swap) {
  check({{R(RAX), R(RBX), G}, {R(RBX), R(RAX), G}}, 3);
}

TEST(X64ParallelMove, ThreeCycle) {
  check({{R(RAX), R(RBX), G}, {R(RBX), R(RCX), G}, {R(RCX), R(RAX), G}}, 4);
}

TEST(X64ParallelMove, CycleWithFanOut) {
  // a<->b swap, and a also copied to c and d.
  check({{R(RAX), R(RBX), G},
         {R(RBX), R(RAX), G},
         {R(RCX), R(RAX), G},
         {R(RDX), R(RAX), G}},
        5);
}

TEST(X64ParallelMove, ChainNeedsOrder) {
  check({{R(RAX), R(RBX), G}, {R(RBX), R(RCX), G}, {R(RCX), R(RDX), G}}, 3);
}

TEST(X64ParallelMove, IdentityDropped) {
  std::vector<MInst> seq;
  sequentialize_parallel_moves({{R(RAX), R(RAX), G}, {S(2), S(2), G}}, seq);
  EXPECT_TRUE(seq.empty());
}

TEST(X64ParallelMove, SlotsAndRegistersInACycle) {
  // rax -> slot0 -> slot1 -> rax, plus a slot-to-slot copy elsewhere.
  check(
      {{S(0), R(RAX), G}, {S(1), S(0), G}, {R(RAX), S(1), G}, {S(3), S(2), G}},
      5);
}

TEST(X64ParallelMove, XmmCycleAndGprCycleTogether) {
  check({{X(1), X(2), F},
         {X(2), X(1), F},
         {R(RSI), R(RDI), G},
         {R(RDI), R(RSI), G},
         {X(3), X(1), F}},
        7);
}

TEST(X64ParallelMove, TwoDisjointCycles) {
  check({{R(RAX), R(RBX), G},
         {R(RBX), R(RAX), G},
         {R(R8), R(R9), G},
         {R(R9), R(R10), G},
         {R(R10), R(R8), G}},
        7);
}

}  // namespace
}  // namespace heron::x64
