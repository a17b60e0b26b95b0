// Parallel-move sequentialization: the emitted sequence, run on a model of
// registers and slots, must give every destination its source's old value
// (cycles, fan-out, slots, both register classes) and touch nothing else
// except the scratch registers; composing two parallel moves must equal
// running them in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

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

TEST(X64ParallelMove, SlotSwapGoesThroughTheScratchRegister) {
  // Stack-to-stack cycles of both classes: a slot's value is parked in r11
  // or xmm15, never in an allocatable register.
  check({{S(0), S(1), G}, {S(1), S(0), G}}, 3);
  check({{S(2), S(3), F}, {S(3), S(4), F}, {S(4), S(2), F}}, 4);
}

TEST(X64ParallelMove, MixedCycleWithReloadsAndSpills) {
  // rax -> slot0, slot0 -> rbx, rbx -> slot1, slot1 -> rax (a four-cycle
  // through memory), plus fan-out of slot0 to rcx and an xmm swap via slots.
  check({{S(0), R(RAX), G},
         {R(RBX), S(0), G},
         {S(1), R(RBX), G},
         {R(RAX), S(1), G},
         {R(RCX), S(0), G},
         {X(4), S(5), F},
         {S(5), X(4), F}},
        9);
}

// The bug shape of a split critical back edge: entering the one-jmp block
// reloads a value into rax, leaving it copies rax to a block parameter's
// register and the parameter that was in rax to a slot. Run one after the
// other and composed into one parallel move, the results must agree.
TEST(X64ParallelMove, ComposeEqualsRunningInOrder) {
  const std::vector<PMove> enter = {{R(RAX), S(3), G}, {R(RDX), R(RCX), G}};
  const std::vector<PMove> leave = {
      {R(RSI), R(RAX), G}, {S(3), R(RSI), G}, {R(RCX), R(RDX), G}};
  std::map<int, int> before;
  for (int r = 0; r < 32; r++) before[r] = 100 + r;
  for (int k = 0; k < 8; k++) before[1000 + k] = 500 + k;
  std::vector<MInst> a, b;
  sequentialize_parallel_moves(enter, a);
  sequentialize_parallel_moves(leave, a);
  sequentialize_parallel_moves(compose_parallel_moves(enter, leave), b);
  std::map<int, int> sa = run(a, before), sb = run(b, before);
  for (auto& [loc, val] : sa) {
    if (loc == int(kScratchGpr.bits) || loc == int(kScratchXmm.bits)) continue;
    EXPECT_EQ(sb[loc], val) << "location " << loc;
  }
  EXPECT_EQ(sb[int(Reg::gpr(RSI).bits)], 500 + 3);  // the reloaded value
  EXPECT_EQ(sb[1003], 100 + int(Reg::gpr(RSI).bits));
  EXPECT_LE(b.size(), a.size());
  // Concatenating instead of composing gives rax two writers: refused.
  std::vector<PMove> both = enter;
  both.insert(both.end(), leave.begin(), leave.end());
  both.push_back({R(RAX), R(RDI), G});
  std::vector<MInst> c;
  EXPECT_DEATH(sequentialize_parallel_moves(both, c), "two moves");
}

// Random parallel moves (permutations with cycles and fan-out) over
// registers and slots of both classes, composed pairwise as well.
TEST(X64ParallelMove, RandomPermutationsOfRegistersAndSlots) {
  std::mt19937 rng(12345);
  const std::vector<Loc> gl = {R(RAX), R(RBX), R(RCX), R(RDX), R(RSI),
                               R(R8),  R(R15), S(0),   S(1),   S(2)};
  const std::vector<Loc> xl = {X(0), X(1), X(2), X(14), S(3), S(4), S(5)};
  auto random_moves = [&] {
    std::vector<PMove> moves;
    for (const auto* locs : {&gl, &xl}) {
      const RegClass cls = locs == &gl ? G : F;
      std::vector<Loc> perm = *locs;
      std::shuffle(perm.begin(), perm.end(), rng);
      for (size_t k = 0; k < locs->size(); k++) {
        if (rng() % 4 == 0) continue;  // location not written
        // Mostly a permutation; sometimes a copy of another source.
        const Loc src =
            rng() % 5 == 0 ? (*locs)[rng() % locs->size()] : perm[k];
        moves.push_back({(*locs)[k], src, cls});
      }
    }
    return moves;
  };
  for (int iter = 0; iter < 300; iter++) {
    std::vector<PMove> a = random_moves();
    check(a, 64);
    std::vector<PMove> b = random_moves();
    std::map<int, int> before;
    for (int r = 0; r < 32; r++) before[r] = 100 + r;
    for (int k = 0; k < 8; k++) before[1000 + k] = 500 + k;
    std::vector<MInst> seq2, seq1;
    sequentialize_parallel_moves(a, seq2);
    sequentialize_parallel_moves(b, seq2);
    sequentialize_parallel_moves(compose_parallel_moves(a, b), seq1);
    std::map<int, int> s2 = run(seq2, before), s1 = run(seq1, before);
    for (auto& [loc, val] : s2) {
      if (loc == int(kScratchGpr.bits) || loc == int(kScratchXmm.bits))
        continue;
      ASSERT_EQ(s1[loc], val) << "iteration " << iter << " location " << loc;
    }
  }
}

}  // namespace
}  // namespace heron::x64
