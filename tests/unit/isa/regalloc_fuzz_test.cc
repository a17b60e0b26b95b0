// Randomized check of register allocation: random functions (a loop whose
// header carries many values, high register pressure, diamonds joining
// through block parameters, calls to a host function that clobbers every
// caller-saved register, permuted back-edge arguments) are interpreted on
// virtual registers and also compiled and run; both must agree. Fixed
// seeds keep it deterministic.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "jit_test_support.h"
#include "vcode_interpreter.h"

namespace heron::x64 {
namespace {

struct Gen {
  std::mt19937 rng;
  VCode vc;
  explicit Gen(uint32_t seed) : rng(seed) {}
  uint32_t pick(uint32_t n) { return uint32_t(rng() % n); }
  Reg gpr() { return vc.new_vreg(RegClass::Gpr); }

  // dst = op(a, b or imm), appended to block `blk`. (Random choices are
  // drawn in separate statements: argument evaluation order differs
  // between compilers, and the programs must not.)
  Reg any(const std::vector<Reg>& pool) {
    return pool[pick(uint32_t(pool.size()))];
  }
  Reg compute(uint32_t blk, const std::vector<Reg>& pool) {
    Reg d = gpr();
    vc.push(blk, inst::mov(d, any(pool)));
    const uint32_t form = pick(4);
    if (form == 0) {
      const AluOp op = AluOp(pick(6));
      vc.push(blk, inst::alu(op, d, any(pool)));
    } else if (form == 1) {
      const AluOp op = AluOp(pick(6));
      vc.push(blk, inst::alu_imm(op, d, int32_t(pick(2000)) - 1000));
    } else if (form == 2) {
      const ShiftOp op = ShiftOp(pick(5));
      vc.push(blk, inst::shift_imm(op, d, uint8_t(pick(64))));
    } else {
      vc.push(blk, inst::alu(AluOp::Add, d, any(pool)));
    }
    return d;
  }

  void build() {
    const uint32_t entry = vc.new_block(), header = vc.new_block(),
                   body = vc.new_block(), exit = vc.new_block();
    const uint32_t ncarried = 2 + pick(14);  // values carried by the loop
    Reg vmctx = gpr(), x = gpr(), y = gpr();
    vc.push(entry, inst::args({vmctx, x, y}));
    std::vector<Reg> pool = {x, y};
    for (uint32_t k = 0; k < ncarried; k++)
      pool.push_back(compute(entry, pool));
    Reg count = gpr();
    vc.push(entry, inst::mov_imm(count, 1 + pick(5)));
    std::vector<Reg> init(pool.end() - ncarried, pool.end());
    init.insert(init.begin(), count);
    vc.push(entry, inst::jmp(header));
    vc.set_edge_args(entry, 0, init);

    Reg cnt = vc.add_block_param(header, RegClass::Gpr);
    std::vector<Reg> carried, exit_params;
    for (uint32_t k = 0; k < ncarried; k++)
      carried.push_back(vc.add_block_param(header, RegClass::Gpr));
    for (uint32_t k = 0; k < ncarried; k++)
      exit_params.push_back(vc.add_block_param(exit, RegClass::Gpr));
    vc.push(header, inst::cmp_imm_jcc(Cond::E, cnt, 0, exit, body));
    vc.set_edge_args(header, 0, carried);
    vc.set_edge_args(header, 1, {});

    // Body: pressure, then maybe a diamond, maybe a call.
    uint32_t cur = body;
    pool = carried;
    const uint32_t ntemps = 4 + pick(24);
    for (uint32_t k = 0; k < ntemps; k++) pool.push_back(compute(cur, pool));
    if (pick(2)) {
      const uint32_t t = vc.new_block(), e = vc.new_block(), j = vc.new_block();
      Reg a = any(pool);
      Reg c = any(pool);
      const Cond cc = pick(2) ? Cond::L : Cond::G;
      vc.push(cur, inst::cmp_jcc(cc, a, c, t, e));
      vc.set_edge_args(cur, 0, {});
      vc.set_edge_args(cur, 1, {});
      Reg jp = vc.add_block_param(j, RegClass::Gpr);
      Reg tv = compute(t, pool);
      Reg ev = compute(e, pool);
      vc.push(t, inst::jmp(j));
      vc.set_edge_args(t, 0, {tv});
      vc.push(e, inst::jmp(j));
      vc.set_edge_args(e, 0, {ev});
      cur = j;
      pool.push_back(jp);
    }
    if (pick(2)) {
      Reg r = gpr();
      Reg a = any(pool);
      Reg c = any(pool);
      vc.push(cur, inst::call_libcall(0, {a, c}, {r}));
      pool.push_back(r);
    }
    // Back edge: new carried values are a permutation of the pool's tail
    // mixed with old carried values (cycles among block parameters).
    Reg cnt2 = gpr();
    vc.push(cur, inst::mov(cnt2, cnt));
    vc.push(cur, inst::alu_imm(AluOp::Sub, cnt2, 1));
    std::vector<Reg> next;
    for (uint32_t k = 0; k < ncarried; k++)
      next.push_back(pick(3) == 0 ? carried[(k + 1) % ncarried] : any(pool));
    // Keep every temporary alive until here: fold them into one value.
    Reg fold = gpr();
    vc.push(cur, inst::mov_imm(fold, 0));
    for (Reg p : pool) {
      vc.push(cur, inst::alu_imm(AluOp::Imul, fold, 31));
      vc.push(cur, inst::alu(AluOp::Add, fold, p));
    }
    next[0] = fold;
    next.insert(next.begin(), cnt2);
    vc.push(cur, inst::jmp(header));
    vc.set_edge_args(cur, 0, next);

    Reg res = gpr();
    vc.push(exit, inst::mov_imm(res, 7));
    for (Reg p : exit_params) {
      vc.push(exit, inst::alu_imm(AluOp::Imul, res, 131));
      vc.push(exit, inst::alu(AluOp::Add, res, p));
    }
    vc.push(exit, inst::ret({res}));
  }
};

TEST(X64RegAllocFuzz, RandomLoopsAgreeWithTheInterpreter) {
  testing::HostClobberer host;
  uint32_t total_vregs = 0, total_spilled = 0;
  // HERON_X64_FUZZ_SEEDS=n runs more programs than the quick default.
  const char* env = std::getenv("HERON_X64_FUZZ_SEEDS");
  const uint32_t seeds = env ? uint32_t(std::strtoul(env, nullptr, 10)) : 60;
  for (uint32_t seed = 1; seed <= seeds; seed++) {
    Gen g(seed);
    g.build();
    ASSERT_TRUE(g.vc.verify().ok()) << seed;
    const VCode original = g.vc;
    RegAllocStats st;
    CompiledFunction cf = testing::compile(g.vc, &st);
    ASSERT_FALSE(cf.code.empty()) << "seed " << seed;
    total_vregs += st.num_vregs;
    total_spilled += st.num_spilled_vregs;
    testing::LoadedCode code({&cf}, [&](const Relocation&) {
      return uint64_t(reinterpret_cast<uintptr_t>(host.fn));
    });
    auto fn = code.entry<uint64_t (*)(void*, uint64_t, uint64_t)>();
    uint64_t vmctx[1] = {0};
    for (auto [x, y] : {std::pair<uint64_t, uint64_t>{1, 2},
                        {0x123456789abcdef, 77},
                        {uint64_t(-5), 1000}}) {
      uint64_t expect = 0;
      ASSERT_TRUE(testing::interpret_vcode(original, x, y, &expect))
          << "seed " << seed << ": the interpreter ran too long";
      ASSERT_EQ(fn(vmctx, x, y), expect)
          << "seed " << seed << " x=" << x << " y=" << y;
    }
  }
  std::printf("[ stats    ] random loops: %u of %u vregs spilled\n",
              total_spilled, total_vregs);
}

}  // namespace
}  // namespace heron::x64
