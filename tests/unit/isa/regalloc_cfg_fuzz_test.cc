// Randomized check of register allocation on random control-flow graphs:
// several loop blocks that jump to each other in any order (so most edges
// are critical and get split, and some blocks are a lone jmp), each
// carrying many GPR and XMM values as block parameters (more than the
// allocatable registers of either class), permuted on every edge (swaps
// and longer cycles), values live into blocks without being parameters,
// and calls to a host function that clobbers every caller-saved register.
// Every function is interpreted on virtual registers and also compiled and
// run; the results must agree. Fixed seeds keep it deterministic;
// HERON_X64_FUZZ_SEEDS=n runs more programs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

#include "jit_test_support.h"
#include "vcode_interpreter.h"

namespace heron::x64 {
namespace {

struct CfgGen {
  std::mt19937 rng;
  VCode vc;
  uint32_t ngpr = 0, nxmm = 0;  // values carried by every loop block
  std::vector<uint32_t> loops;
  uint32_t exit = 0;
  Reg lhs, rhs;  // function arguments, for constants that vary by input

  explicit CfgGen(uint32_t seed) : rng(seed) {}
  // Random choices are drawn in separate statements: argument evaluation
  // order differs between compilers, and the programs must not.
  uint32_t pick(uint32_t n) { return uint32_t(rng() % n); }
  Reg any(const std::vector<Reg>& pool) {
    return pool[pick(uint32_t(pool.size()))];
  }

  Reg gpr_op(uint32_t blk, const std::vector<Reg>& pool) {
    Reg d = vc.new_vreg(RegClass::Gpr);
    vc.push(blk, inst::mov(d, any(pool)));
    const uint32_t form = pick(5);
    if (form == 0) {
      static const AluOp ops[] = {AluOp::Add, AluOp::Sub, AluOp::Xor,
                                  AluOp::Imul};
      const AluOp op = ops[pick(4)];
      vc.push(blk, inst::alu(op, d, any(pool)));
    } else if (form == 1) {
      vc.push(blk, inst::alu_imm(AluOp::Add, d, int32_t(pick(2000)) - 1000));
    } else if (form == 2) {
      vc.push(blk, inst::shift_imm(ShiftOp::Rol, d, uint8_t(1 + pick(63))));
    } else {
      vc.push(blk, inst::alu(AluOp::Xor, d, any(pool)));
    }
    return d;
  }
  Reg xmm_op(uint32_t blk, const std::vector<Reg>& gp,
             const std::vector<Reg>& xp) {
    Reg d = vc.new_vreg(RegClass::Xmm);
    if (xp.empty() || pick(4) == 0) {
      MInst cvt;
      cvt.op = Op::CvtIntToF;
      cvt.dst = d;
      cvt.src1 = any(gp);
      cvt.size = 8;
      cvt.size2 = 8;
      vc.push(blk, cvt);
      return d;
    }
    MInst mv;
    mv.op = Op::XmmMovRR;
    mv.dst = d;
    mv.src1 = any(xp);
    mv.size = 8;
    vc.push(blk, mv);
    static const XmmOp ops[] = {XmmOp::Add, XmmOp::Sub, XmmOp::Min, XmmOp::Max};
    const XmmOp op = ops[pick(4)];
    vc.push(blk, inst::xmm_alu(op, d, any(xp), 8));
    return d;
  }
  Reg xmm_bits(uint32_t blk, Reg x) {
    Reg d = vc.new_vreg(RegClass::Gpr);
    MInst m;
    m.op = Op::MovXmmToGpr;
    m.dst = d;
    m.src1 = x;
    m.size = 8;
    vc.push(blk, m);
    return d;
  }

  // Arguments for `n` parameters: often a permutation of `carried` (swaps
  // and cycles among block parameters) with a few values replaced.
  std::vector<Reg> permuted(const std::vector<Reg>& carried,
                            const std::vector<Reg>& pool, uint32_t n) {
    std::vector<Reg> out;
    if (carried.size() == n && pick(3) != 0) {
      out = carried;
      if (pick(2)) {
        std::rotate(out.begin(), out.begin() + 1, out.end());  // one cycle
      } else {
        std::shuffle(out.begin(), out.end(), rng);
      }
      for (Reg& r : out)
        if (pick(5) == 0) r = any(pool);
    } else {
      for (uint32_t k = 0; k < n; k++) out.push_back(any(pool));
    }
    return out;
  }
  // Edge arguments to loop block `target`: fuel, GPRs, XMMs.
  std::vector<Reg> loop_args(Reg fuel, const std::vector<Reg>& cg,
                             const std::vector<Reg>& cx,
                             const std::vector<Reg>& gp,
                             const std::vector<Reg>& xp) {
    std::vector<Reg> args = {fuel};
    for (Reg r : permuted(cg, gp, ngpr)) args.push_back(r);
    for (Reg r : permuted(cx, xp, nxmm)) args.push_back(r);
    return args;
  }

  void build() {
    ngpr = 6 + pick(17);  // up to 22 carried GPRs (13 allocatable)
    nxmm = 4 + pick(19);  // up to 22 carried XMMs (15 allocatable)
    const uint32_t nloops = 2 + pick(4);
    const uint32_t entry = vc.new_block();
    for (uint32_t k = 0; k < nloops; k++) loops.push_back(vc.new_block());
    exit = vc.new_block();
    for (uint32_t blk : loops) {
      vc.add_block_param(blk, RegClass::Gpr);  // fuel
      for (uint32_t k = 0; k < ngpr; k++)
        vc.add_block_param(blk, RegClass::Gpr);
      for (uint32_t k = 0; k < nxmm; k++)
        vc.add_block_param(blk, RegClass::Xmm);
    }
    std::vector<Reg> exit_g, exit_x;
    for (uint32_t k = 0; k < ngpr; k++)
      exit_g.push_back(vc.add_block_param(exit, RegClass::Gpr));
    for (uint32_t k = 0; k < nxmm; k++)
      exit_x.push_back(vc.add_block_param(exit, RegClass::Xmm));

    // Entry: the initial values.
    Reg vmctx = vc.new_vreg(RegClass::Gpr);
    lhs = vc.new_vreg(RegClass::Gpr);
    rhs = vc.new_vreg(RegClass::Gpr);
    vc.push(entry, inst::args({vmctx, lhs, rhs}));
    std::vector<Reg> gp = {lhs, rhs}, xp;
    while (gp.size() < ngpr + 2) gp.push_back(gpr_op(entry, gp));
    while (xp.size() < nxmm) xp.push_back(xmm_op(entry, gp, xp));
    Reg fuel0 = vc.new_vreg(RegClass::Gpr);
    vc.push(entry, inst::mov_imm(fuel0, 4 + pick(30)));
    vc.push(entry, inst::jmp(loops[0]));
    vc.set_edge_args(entry, 0, loop_args(fuel0, {}, {}, gp, xp));

    for (uint32_t blk : loops) {
      const auto& ps = vc.blocks[blk].params;
      const Reg fuel = ps[0];
      const std::vector<Reg> cg(ps.begin() + 1, ps.begin() + 1 + ngpr);
      const std::vector<Reg> cx(ps.begin() + 1 + ngpr, ps.end());
      gp = cg;
      xp = cx;
      // Values defined here and used only in the continuation block are
      // live into it without being block parameters.
      const uint32_t ng = pick(8), nx = pick(8);
      for (uint32_t k = 0; k < ng; k++) gp.push_back(gpr_op(blk, gp));
      for (uint32_t k = 0; k < nx; k++) xp.push_back(xmm_op(blk, gp, xp));
      if (pick(2)) {
        Reg r = vc.new_vreg(RegClass::Gpr);
        Reg a = any(gp);
        Reg c = any(gp);
        vc.push(blk, inst::call_libcall(0, {a, c}, {r}));
        gp.push_back(r);
      }
      if (pick(3) == 0) gp.push_back(xmm_bits(blk, any(xp)));
      Reg fuel2 = vc.new_vreg(RegClass::Gpr);
      vc.push(blk, inst::mov(fuel2, fuel));
      vc.push(blk, inst::alu_imm(AluOp::Sub, fuel2, 1));
      // Out of fuel: to the exit (a critical edge with arguments).
      const uint32_t cont = vc.new_block();
      vc.push(blk, inst::cmp_imm_jcc(Cond::L, fuel2, 1, exit, cont));
      std::vector<Reg> to_exit = permuted(cg, gp, ngpr);
      for (Reg r : permuted(cx, xp, nxmm)) to_exit.push_back(r);
      vc.set_edge_args(blk, 0, to_exit);
      vc.set_edge_args(blk, 1, {});
      // The continuation: often a lone jmp (entered from a block with two
      // successors, leaving to a block with several predecessors).
      if (pick(3) == 0) {
        gp.push_back(gpr_op(cont, gp));
        xp.push_back(xmm_op(cont, gp, xp));
        if (pick(2)) {
          Reg r = vc.new_vreg(RegClass::Gpr);
          Reg a = any(gp);
          Reg c = any(gp);
          vc.push(cont, inst::call_libcall(0, {a, c}, {r}));
          gp.push_back(r);
        }
      }
      const uint32_t t1 = loops[pick(nloops)];
      if (pick(2)) {
        vc.push(cont, inst::jmp(t1));
        vc.set_edge_args(cont, 0, loop_args(fuel2, cg, cx, gp, xp));
      } else {
        const uint32_t t2 = loops[pick(nloops)];
        Reg a = any(gp);
        Reg c = any(gp);
        const Cond cc = pick(2) ? Cond::L : Cond::G;
        vc.push(cont, inst::cmp_jcc(cc, a, c, t1, t2));
        vc.set_edge_args(cont, 0, loop_args(fuel2, cg, cx, gp, xp));
        vc.set_edge_args(cont, 1, loop_args(fuel2, cg, cx, gp, xp));
      }
    }

    // Exit: fold everything into one result.
    Reg res = vc.new_vreg(RegClass::Gpr);
    vc.push(exit, inst::mov_imm(res, 7));
    for (Reg p : exit_g) {
      vc.push(exit, inst::alu_imm(AluOp::Imul, res, 131));
      vc.push(exit, inst::alu(AluOp::Add, res, p));
    }
    for (Reg p : exit_x) {
      Reg b = xmm_bits(exit, p);
      vc.push(exit, inst::alu_imm(AluOp::Imul, res, 131));
      vc.push(exit, inst::alu(AluOp::Add, res, b));
    }
    vc.push(exit, inst::ret({res}));
  }
};

TEST(X64RegAllocCfgFuzz, RandomCfgsAgreeWithTheInterpreter) {
  testing::HostClobberer host;
  uint32_t total_vregs = 0, total_spilled = 0, programs = 0;
  const char* env = std::getenv("HERON_X64_FUZZ_SEEDS");
  const uint32_t seeds = env ? uint32_t(std::strtoul(env, nullptr, 10)) : 80;
  for (uint32_t seed = 1; seed <= seeds; seed++) {
    CfgGen g(seed);
    g.build();
    ASSERT_TRUE(g.vc.verify().ok()) << seed;
    const VCode original = g.vc;
    RegAllocStats st;
    CompiledFunction cf = testing::compile(g.vc, &st);
    ASSERT_FALSE(cf.code.empty()) << "seed " << seed;
    EXPECT_GE(st.num_vregs, st.num_spilled_vregs);
    total_vregs += st.num_vregs;
    total_spilled += st.num_spilled_vregs;
    programs++;
    testing::LoadedCode code({&cf}, [&](const Relocation&) {
      return uint64_t(reinterpret_cast<uintptr_t>(host.fn));
    });
    auto fn = code.entry<uint64_t (*)(void*, uint64_t, uint64_t)>();
    uint64_t vmctx[1] = {0};
    for (auto [x, y] : {std::pair<uint64_t, uint64_t>{1, 2},
                        {0x123456789abcdef, 77},
                        {uint64_t(-5), 1000},
                        {0xfedcba9876543210, uint64_t(-1000)}}) {
      uint64_t expect = 0;
      ASSERT_TRUE(testing::interpret_vcode(original, x, y, &expect, 100000))
          << "seed " << seed;
      ASSERT_EQ(fn(vmctx, x, y), expect)
          << "seed " << seed << " x=" << x << " y=" << y;
    }
  }
  std::printf("[ stats    ] random CFGs: %u programs, %u of %u vregs spilled\n",
              programs, total_spilled, total_vregs);
}

}  // namespace
}  // namespace heron::x64
