// Execution tests of the x64 back end: hand-built VCode goes through
// register allocation and emission, then runs natively (SysV ABI, vmctx in
// rdi) and must compute the right results.
#include <gtest/gtest.h>

#include <asmjit/x86.h>

#include <cmath>
#include <cstdint>

#include "jit_test_support.h"

namespace heron::x64 {
namespace {

using testing::compile;
using testing::HostClobberer;
using testing::LoadedCode;
using testing::no_stack_check;

using Fn2 = int64_t (*)(void*, int64_t, int64_t);
using Fn1 = int64_t (*)(void*, int64_t);

struct Builder {
  VCode vc;
  uint32_t entry = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr);
  Reg gpr() { return vc.new_vreg(RegClass::Gpr); }
  Reg xmm() { return vc.new_vreg(RegClass::Xmm); }
  void emit(uint32_t b, MInst i) { vc.push(b, std::move(i)); }
};

TEST(X64Exec, Arithmetic) {
  Builder f;
  Reg a = f.gpr(), b = f.gpr();
  f.emit(f.entry, inst::args({f.vmctx, a, b}));
  // t = (a + b) * 3 - (a ^ b)
  Reg t = f.gpr(), u = f.gpr();
  f.emit(f.entry, inst::mov(t, a));
  f.emit(f.entry, inst::alu(AluOp::Add, t, b));
  f.emit(f.entry, inst::alu_imm(AluOp::Imul, t, 3));
  f.emit(f.entry, inst::mov(u, a));
  f.emit(f.entry, inst::alu(AluOp::Xor, u, b));
  f.emit(f.entry, inst::alu(AluOp::Sub, t, u));
  // q, r = t / b (signed); s = a << (b & 7) (count in cl)
  Reg hi = f.gpr(), q = f.gpr(), r = f.gpr(), cnt = f.gpr(), s = f.gpr();
  f.emit(f.entry, inst::cqo(hi, t));
  f.emit(f.entry, inst::div(true, q, r, t, hi, b));
  f.emit(f.entry, inst::mov(cnt, b));
  f.emit(f.entry, inst::alu_imm(AluOp::And, cnt, 7));
  f.emit(f.entry, inst::mov(s, a));
  f.emit(f.entry, inst::shift_cl(ShiftOp::Shl, s, cnt));
  // result = q * 1000 + r * 100 + s
  Reg res = f.gpr();
  f.emit(f.entry, inst::mov(res, q));
  f.emit(f.entry, inst::alu_imm(AluOp::Imul, res, 1000));
  f.emit(f.entry, inst::alu_imm(AluOp::Imul, r, 100));
  f.emit(f.entry, inst::alu(AluOp::Add, res, r));
  f.emit(f.entry, inst::alu(AluOp::Add, res, s));
  f.emit(f.entry, inst::ret({res}));

  RegAllocStats st;
  CompiledFunction cf = compile(f.vc, &st, no_stack_check());
  // The division's operands are pinned: find it and check.
  for (const MInst& in : f.vc.blocks[0].insts)
    if (in.op == Op::Div) {
      EXPECT_EQ(in.src1, Reg::gpr(RAX));
      EXPECT_EQ(in.src2, Reg::gpr(RDX));
      EXPECT_EQ(in.dst, Reg::gpr(RAX));
      EXPECT_EQ(in.dst2, Reg::gpr(RDX));
      EXPECT_NE(in.src3, Reg::gpr(RAX));
      EXPECT_NE(in.src3, Reg::gpr(RDX));
    } else if (in.op == Op::ShiftRCl) {
      EXPECT_EQ(in.src1, Reg::gpr(RCX));
    }
  ASSERT_EQ(cf.traps.size(), 1u);
  EXPECT_EQ(cf.traps[0].code, TrapCode::IntegerDivideByZero);
  LoadedCode code({&cf});
  auto fn = code.entry<Fn2>();
  auto ref = [](int64_t a, int64_t b) {
    int64_t t = (a + b) * 3 - (a ^ b);
    return (t / b) * 1000 + (t % b) * 100 + (a << (b & 7));
  };
  for (int64_t a : {0, 1, 17, -5, 1000003})
    for (int64_t b : {1, 3, -7, 12})
      EXPECT_EQ(fn(nullptr, a, b), ref(a, b)) << a << " " << b;
}

// sum(1..n) with a loop whose header takes (i, acc) as block params.
TEST(X64Exec, LoopSum) {
  Builder f;
  Reg n = f.gpr();
  const uint32_t header = f.vc.new_block(), body = f.vc.new_block(),
                 exit = f.vc.new_block();
  Reg i = f.vc.add_block_param(header, RegClass::Gpr);
  Reg acc = f.vc.add_block_param(header, RegClass::Gpr);
  Reg result = f.vc.add_block_param(exit, RegClass::Gpr);
  f.emit(f.entry, inst::args({f.vmctx, n}));
  Reg one = f.gpr(), zero = f.gpr();
  f.emit(f.entry, inst::mov_imm(one, 1));
  f.emit(f.entry, inst::mov_imm(zero, 0));
  f.emit(f.entry, inst::jmp(header));
  f.vc.set_edge_args(f.entry, 0, {one, zero});
  f.vc.blocks[header].loop_header = true;
  f.emit(header, inst::cmp_jcc(Cond::G, i, n, exit, body));
  f.vc.set_edge_args(header, 0, {acc});
  f.vc.set_edge_args(header, 1, {});
  Reg acc2 = f.gpr(), i2 = f.gpr();
  f.emit(body, inst::mov(acc2, acc));
  f.emit(body, inst::alu(AluOp::Add, acc2, i));
  f.emit(body, inst::mov(i2, i));
  f.emit(body, inst::alu_imm(AluOp::Add, i2, 1));
  f.emit(body, inst::jmp(header));
  f.vc.set_edge_args(body, 0, {i2, acc2});
  f.emit(exit, inst::ret({result}));

  CompiledFunction cf = compile(f.vc, nullptr, no_stack_check());
  LoadedCode code({&cf});
  auto fn = code.entry<Fn1>();
  EXPECT_EQ(fn(nullptr, 0), 0);
  EXPECT_EQ(fn(nullptr, 1), 1);
  EXPECT_EQ(fn(nullptr, 10), 55);
  EXPECT_EQ(fn(nullptr, 100000), 5000050000);
}

// fib via loop(k, a, b) -> loop(k - 1, b, a + b): the back edge permutes the
// block parameters, a parallel move with a cycle.
TEST(X64Exec, LoopWithSwappedParams) {
  Builder f;
  Reg n = f.gpr();
  const uint32_t header = f.vc.new_block(), body = f.vc.new_block(),
                 exit = f.vc.new_block();
  Reg k = f.vc.add_block_param(header, RegClass::Gpr);
  Reg a = f.vc.add_block_param(header, RegClass::Gpr);
  Reg b = f.vc.add_block_param(header, RegClass::Gpr);
  Reg r = f.vc.add_block_param(exit, RegClass::Gpr);
  f.emit(f.entry, inst::args({f.vmctx, n}));
  Reg zero = f.gpr(), one = f.gpr();
  f.emit(f.entry, inst::mov_imm(zero, 0));
  f.emit(f.entry, inst::mov_imm(one, 1));
  f.emit(f.entry, inst::jmp(header));
  f.vc.set_edge_args(f.entry, 0, {n, zero, one});
  f.emit(header, inst::cmp_imm_jcc(Cond::E, k, 0, exit, body));
  f.vc.set_edge_args(header, 0, {a});
  f.vc.set_edge_args(header, 1, {});
  Reg k2 = f.gpr(), sum = f.gpr();
  f.emit(body, inst::mov(k2, k));
  f.emit(body, inst::alu_imm(AluOp::Sub, k2, 1));
  f.emit(body, inst::mov(sum, a));
  f.emit(body, inst::alu(AluOp::Add, sum, b));
  f.emit(body, inst::jmp(header));
  f.vc.set_edge_args(body, 0, {k2, b, sum});
  f.emit(exit, inst::ret({r}));

  CompiledFunction cf = compile(f.vc, nullptr, no_stack_check());
  LoadedCode code({&cf});
  auto fn = code.entry<Fn1>();
  EXPECT_EQ(fn(nullptr, 0), 0);
  EXPECT_EQ(fn(nullptr, 1), 1);
  EXPECT_EQ(fn(nullptr, 10), 55);
  EXPECT_EQ(fn(nullptr, 90), 2880067194370816120);
}

// A pure rotation of three block parameters on a back edge.
TEST(X64Exec, ThreeCycleOfBlockParams) {
  Builder f;
  Reg n = f.gpr(), x = f.gpr(), y = f.gpr(), z = f.gpr();
  const uint32_t header = f.vc.new_block(), body = f.vc.new_block(),
                 exit = f.vc.new_block();
  Reg k = f.vc.add_block_param(header, RegClass::Gpr);
  Reg a = f.vc.add_block_param(header, RegClass::Gpr);
  Reg b = f.vc.add_block_param(header, RegClass::Gpr);
  Reg c = f.vc.add_block_param(header, RegClass::Gpr);
  f.emit(f.entry, inst::args({f.vmctx, n}));
  f.emit(f.entry, inst::mov_imm(x, 1));
  f.emit(f.entry, inst::mov_imm(y, 20));
  f.emit(f.entry, inst::mov_imm(z, 300));
  f.emit(f.entry, inst::jmp(header));
  f.vc.set_edge_args(f.entry, 0, {n, x, y, z});
  f.emit(header, inst::cmp_imm_jcc(Cond::E, k, 0, exit, body));
  f.vc.set_edge_args(header, 0, {});
  f.vc.set_edge_args(header, 1, {});
  Reg k2 = f.gpr();
  f.emit(body, inst::mov(k2, k));
  f.emit(body, inst::alu_imm(AluOp::Sub, k2, 1));
  f.emit(body, inst::jmp(header));
  f.vc.set_edge_args(body, 0, {k2, b, c, a});  // (a, b, c) <- (b, c, a)
  // Result encodes the order: a*10000 + b*100 + c (as digits of 1/20/300).
  Reg res = f.gpr(), t = f.gpr();
  f.emit(exit, inst::mov(res, a));
  f.emit(exit, inst::alu_imm(AluOp::Imul, res, 1000000));
  f.emit(exit, inst::mov(t, b));
  f.emit(exit, inst::alu_imm(AluOp::Imul, t, 1000));
  f.emit(exit, inst::alu(AluOp::Add, res, t));
  f.emit(exit, inst::alu(AluOp::Add, res, c));
  f.emit(exit, inst::ret({res}));

  CompiledFunction cf = compile(f.vc, nullptr, no_stack_check());
  LoadedCode code({&cf});
  auto fn = code.entry<Fn1>();
  EXPECT_EQ(fn(nullptr, 0), 1 * 1000000 + 20 * 1000 + 300);
  EXPECT_EQ(fn(nullptr, 1), 20 * 1000000 + 300 * 1000 + 1);
  EXPECT_EQ(fn(nullptr, 2), 300 * 1000000 + 1 * 1000 + 20);
  EXPECT_EQ(fn(nullptr, 3), 1 * 1000000 + 20 * 1000 + 300);
}

// if (x < y) r = y - x else r = x - y; return r * 2 + x — a diamond that
// joins through a block parameter.
TEST(X64Exec, DiamondWithBlockParams) {
  Builder f;
  Reg x = f.gpr(), y = f.gpr();
  const uint32_t then_b = f.vc.new_block(), else_b = f.vc.new_block(),
                 join = f.vc.new_block();
  Reg r = f.vc.add_block_param(join, RegClass::Gpr);
  f.emit(f.entry, inst::args({f.vmctx, x, y}));
  f.emit(f.entry, inst::cmp_jcc(Cond::L, x, y, then_b, else_b));
  f.vc.set_edge_args(f.entry, 0, {});
  f.vc.set_edge_args(f.entry, 1, {});
  Reg d1 = f.gpr(), d2 = f.gpr();
  f.emit(then_b, inst::mov(d1, y));
  f.emit(then_b, inst::alu(AluOp::Sub, d1, x));
  f.emit(then_b, inst::jmp(join));
  f.vc.set_edge_args(then_b, 0, {d1});
  f.emit(else_b, inst::mov(d2, x));
  f.emit(else_b, inst::alu(AluOp::Sub, d2, y));
  f.emit(else_b, inst::jmp(join));
  f.vc.set_edge_args(else_b, 0, {d2});
  Reg out = f.gpr();
  f.emit(join, inst::lea(out, Amode{x, r, 1, 0}));  // x + r*2
  f.emit(join, inst::ret({out}));

  CompiledFunction cf = compile(f.vc, nullptr, no_stack_check());
  LoadedCode code({&cf});
  auto fn = code.entry<Fn2>();
  EXPECT_EQ(fn(nullptr, 3, 10), 3 + 14);
  EXPECT_EQ(fn(nullptr, 10, 3), 10 + 14);
  EXPECT_EQ(fn(nullptr, -4, -4), -4);
}

// 20 values live at once (more than the 13 allocatable GPRs): spilling.
TEST(X64Exec, TwentyLiveValues) {
  Builder f;
  Reg x = f.gpr();
  f.emit(f.entry, inst::args({f.vmctx, x}));
  std::vector<Reg> v;
  for (int k = 0; k < 20; k++) {
    Reg t = f.gpr();
    f.emit(f.entry, inst::mov(t, x));
    f.emit(f.entry, inst::alu_imm(AluOp::Imul, t, k + 1));
    f.emit(f.entry, inst::alu_imm(AluOp::Add, t, k * k));
    v.push_back(t);
  }
  // Sum in reverse creation order so every value stays live until the end,
  // weighting each so a misplaced value changes the result.
  Reg sum = f.gpr();
  f.emit(f.entry, inst::mov_imm(sum, 0));
  for (int k = 19; k >= 0; k--) {
    f.emit(f.entry, inst::alu_imm(AluOp::Imul, sum, 3));
    f.emit(f.entry, inst::alu(AluOp::Add, sum, v[size_t(k)]));
  }
  f.emit(f.entry, inst::ret({sum}));

  RegAllocStats st;
  CompiledFunction cf = compile(f.vc, &st, no_stack_check());
  std::printf(
      "[ stats    ] 20 live GPR values: %u of %u vregs spilled, "
      "%u spill slots, %u intervals, %u moves inserted\n",
      st.num_spilled_vregs, st.num_vregs, st.num_spill_slots, st.num_intervals,
      st.num_moves);
  EXPECT_GT(st.num_spilled_vregs, 0u);
  EXPECT_LT(st.num_spilled_vregs, 20u);
  LoadedCode code({&cf});
  auto fn = code.entry<Fn1>();
  for (int64_t xv : {0, 1, 7, -123456}) {
    int64_t s = 0;
    for (int k = 19; k >= 0; k--) s = s * 3 + (xv * (k + 1) + k * k);
    EXPECT_EQ(fn(nullptr, xv), s);
  }
}

TEST(X64Exec, ValuesLiveAcrossCallsOfAHostFunction) {
  HostClobberer host;
  Builder f;
  Reg x = f.gpr();
  f.emit(f.entry, inst::args({f.vmctx, x}));
  std::vector<Reg> v;
  for (int k = 0; k < 8; k++) {  // 8 > 5 callee-saved: some are spilled
    Reg t = f.gpr();
    f.emit(f.entry, inst::mov(t, x));
    f.emit(f.entry, inst::alu_imm(AluOp::Add, t, 100 * k));
    v.push_back(t);
  }
  Reg one = f.gpr(), r1 = f.gpr(), r2 = f.gpr();
  f.emit(f.entry, inst::mov_imm(one, 1));
  f.emit(f.entry, inst::call_libcall(7, {x, one}, {r1}));
  f.emit(f.entry, inst::call_libcall(7, {r1, v[0]}, {r2}));
  Reg sum = f.gpr();
  f.emit(f.entry, inst::mov(sum, r2));
  for (int k = 0; k < 8; k++) {
    f.emit(f.entry, inst::alu_imm(AluOp::Imul, sum, 3));
    f.emit(f.entry, inst::alu(AluOp::Add, sum, v[size_t(k)]));
  }
  f.emit(f.entry, inst::ret({sum}));

  RegAllocStats st;
  CompiledFunction cf = compile(f.vc, &st);
  EXPECT_EQ(f.vc.frame.callee_saved_used, kCalleeSavedGprs);
  EXPECT_GT(st.num_spilled_vregs, 0u);
  ASSERT_EQ(cf.relocations.size(), 2u);
  EXPECT_EQ(cf.relocations[0].kind, RelocKind::Abs64ToLibcall);
  EXPECT_EQ(cf.relocations[0].target, 7u);
  LoadedCode code({&cf}, [&](const Relocation& r) {
    EXPECT_EQ(r.target, 7u);
    return uint64_t(reinterpret_cast<uintptr_t>(host.fn));
  });
  // The prologue's stack check reads [vmctx + 0]: a limit of 0 never trips.
  uint64_t vmctx[1] = {0};
  auto fn = code.entry<Fn1>();
  for (int64_t xv : {0, 5, -9}) {
    int64_t s = (xv + 1) + xv;
    for (int k = 0; k < 8; k++) s = s * 3 + (xv + 100 * k);
    EXPECT_EQ(fn(vmctx, xv), s);
  }
}

// Two wasm functions: f(x) = g(x, 10) * 2 through a rel32 call relocation.
TEST(X64Exec, DirectCallBetweenFunctions) {
  Builder g;
  Reg a = g.gpr(), b = g.gpr(), d = g.gpr();
  g.emit(g.entry, inst::args({g.vmctx, a, b}));
  g.emit(g.entry, inst::mov(d, a));
  g.emit(g.entry, inst::alu(AluOp::Sub, d, b));
  g.emit(g.entry, inst::ret({d}));
  Builder f;
  Reg x = f.gpr(), ten = f.gpr(), r = f.gpr();
  f.emit(f.entry, inst::args({f.vmctx, x}));
  f.emit(f.entry, inst::mov_imm(ten, 10));
  f.emit(f.entry, inst::call(1, {f.vmctx, x, ten}, {r}));
  f.emit(f.entry, inst::alu(AluOp::Add, r, r));
  f.emit(f.entry, inst::ret({r}));
  CompiledFunction cg = compile(g.vc, nullptr, no_stack_check());
  CompiledFunction cf = compile(f.vc);
  ASSERT_EQ(cf.relocations.size(), 1u);
  EXPECT_EQ(cf.relocations[0].kind, RelocKind::CallRel32ToFunc);
  LoadedCode code({&cf, &cg});
  uint64_t vmctx[1] = {0};
  EXPECT_EQ(code.entry<Fn1>(0)(vmctx, 25), 30);
}

TEST(X64Exec, FloatOps) {
  Builder f;
  Reg a = f.xmm(), b = f.xmm();
  f.emit(f.entry, inst::args({f.vmctx, a, b}));
  Reg t = f.xmm(), u = f.xmm(), s = f.xmm();
  MInst mv;
  mv.op = Op::XmmMovRR;
  mv.dst = t;
  mv.src1 = a;
  f.emit(f.entry, mv);
  f.emit(f.entry, inst::xmm_alu(XmmOp::Mul, t, a, 8));
  mv.dst = u;
  mv.src1 = b;
  f.emit(f.entry, mv);
  f.emit(f.entry, inst::xmm_alu(XmmOp::Mul, u, b, 8));
  f.emit(f.entry, inst::xmm_alu(XmmOp::Add, t, u, 8));
  f.emit(f.entry, inst::xmm_alu(XmmOp::Sqrt, s, t, 8));
  f.emit(f.entry, inst::ret({s}));
  CompiledFunction cf = compile(f.vc, nullptr, no_stack_check());
  LoadedCode code({&cf});
  auto fn = code.entry<double (*)(void*, double, double)>();
  EXPECT_DOUBLE_EQ(fn(nullptr, 3.0, 4.0), 5.0);
  EXPECT_DOUBLE_EQ(fn(nullptr, 5.0, 12.0), 13.0);
}

// switch (x) { 0: 10, 1: 20, 2: 30, default: -1 }
TEST(X64Exec, BrTable) {
  Builder f;
  Reg x = f.gpr();
  const uint32_t c0 = f.vc.new_block(), c1 = f.vc.new_block(),
                 c2 = f.vc.new_block(), dflt = f.vc.new_block(),
                 join = f.vc.new_block();
  Reg r = f.vc.add_block_param(join, RegClass::Gpr);
  f.emit(f.entry, inst::args({f.vmctx, x}));
  MInst bt;
  bt.op = Op::BrTable;
  bt.src1 = x;
  bt.dst = f.gpr();
  bt.targets = {dflt, c0, c1, c2};
  f.emit(f.entry, bt);
  for (size_t e = 0; e < 4; e++) f.vc.set_edge_args(f.entry, e, {});
  int64_t vals[] = {10, 20, 30, -1};
  uint32_t blocks[] = {c0, c1, c2, dflt};
  for (int k = 0; k < 4; k++) {
    Reg v = f.gpr();
    f.emit(blocks[k], inst::mov_imm(v, vals[k]));
    f.emit(blocks[k], inst::jmp(join));
    f.vc.set_edge_args(blocks[k], 0, {v});
  }
  f.emit(join, inst::ret({r}));
  CompiledFunction cf = compile(f.vc, nullptr, no_stack_check());
  LoadedCode code({&cf});
  auto fn = code.entry<Fn1>();
  EXPECT_EQ(fn(nullptr, 0), 10);
  EXPECT_EQ(fn(nullptr, 1), 20);
  EXPECT_EQ(fn(nullptr, 2), 30);
  EXPECT_EQ(fn(nullptr, 3), -1);
  EXPECT_EQ(fn(nullptr, 1LL << 32), 10);  // only the low 32 bits count
}

TEST(X64Exec, LoadsAndStores) {
  Builder f;
  Reg p = f.gpr(), i = f.gpr();
  f.emit(f.entry, inst::args({f.vmctx, p, i}));
  Reg a = f.gpr(), b = f.gpr(), c = f.gpr();
  f.emit(f.entry, inst::load(a, Amode{p, i, 3, 8}, 8));            // p[i+1]
  f.emit(f.entry, inst::load(b, Amode{p, Reg(), 0, 0}, 1, true));  // sext8
  f.emit(f.entry, inst::load(c, Amode{p, Reg(), 0, 0}, 2, false));
  f.emit(f.entry, inst::alu(AluOp::Add, a, b));
  f.emit(f.entry, inst::alu(AluOp::Add, a, c));
  f.emit(f.entry, inst::store(a, Amode{p, Reg(), 0, 16}, 4));
  f.emit(f.entry, inst::ret({a}));
  CompiledFunction cf = compile(f.vc, nullptr, no_stack_check());
  EXPECT_EQ(cf.traps.size(), 4u);
  LoadedCode code({&cf});
  int64_t mem[4] = {0x80ff, 1000, 2000, 0};
  // a = mem[2] + sext8(0xff) + zext16(0x80ff)
  auto fn = code.entry<int64_t (*)(void*, int64_t*, int64_t)>();
  EXPECT_EQ(fn(nullptr, mem, 1), 2000 - 1 + 0x80ff);
  EXPECT_EQ(uint32_t(mem[2]), uint32_t(2000 - 1 + 0x80ff));
}

}  // namespace
}  // namespace heron::x64

namespace heron::x64 {
namespace {

// A grab bag of the remaining instruction forms, each contributing a digit
// group to the result: setcc, cmov, rotates, popcnt/tzcnt, sign/zero
// extension, float compare + branch, conversions, and an indirect call.
TEST(X64Exec, MiscellaneousForms) {
  testing::HostClobberer host;
  VCode vc;
  const uint32_t entry = vc.new_block(), lt = vc.new_block(),
                 ge = vc.new_block(), join = vc.new_block();
  auto g = [&] { return vc.new_vreg(RegClass::Gpr); };
  auto x = [&] { return vc.new_vreg(RegClass::Xmm); };
  Reg vmctx = g(), a = g(), b = g();
  vc.push(entry, inst::args({vmctx, a, b}));
  // s = (a < b) ; m = max(a, b) via cmov
  Reg s = g(), m = g();
  vc.push(entry, inst::cmp(a, b));
  vc.push(entry, inst::setcc(Cond::L, s));
  vc.push(entry, inst::mov(m, a));
  vc.push(entry, inst::cmp(a, b));
  vc.push(entry, inst::cmov(Cond::L, m, b));
  // rot = rol32(a, 4); pc = popcnt(b); tz = tzcnt(b)
  Reg rot = g(), pc = g(), tz = g();
  vc.push(entry, inst::mov(rot, a, 4));
  vc.push(entry, inst::shift_imm(ShiftOp::Rol, rot, 4, 4));
  MInst bc;
  bc.op = Op::BitCount;
  bc.size = 8;
  bc.sub = uint8_t(BitOp::Popcnt);
  bc.dst = pc;
  bc.src1 = b;
  vc.push(entry, bc);
  bc.sub = uint8_t(BitOp::Tzcnt);
  bc.dst = tz;
  vc.push(entry, bc);
  // sx = sext8(a); zx = zext16(a)
  Reg sx = g(), zx = g();
  MInst ext;
  ext.op = Op::Movsx;
  ext.size = 8;
  ext.size2 = 1;
  ext.dst = sx;
  ext.src1 = a;
  vc.push(entry, ext);
  ext.op = Op::Movzx;
  ext.size2 = 2;
  ext.dst = zx;
  vc.push(entry, ext);
  // fa = (double)a; fb = (double)b; if (fa < fb) goto lt else ge
  Reg fa = x(), fb = x();
  MInst cvt;
  cvt.op = Op::CvtIntToF;
  cvt.size = 8;
  cvt.size2 = 8;
  cvt.dst = fa;
  cvt.src1 = a;
  vc.push(entry, cvt);
  cvt.dst = fb;
  cvt.src1 = b;
  vc.push(entry, cvt);
  MInst uc;
  uc.op = Op::Ucomis;
  uc.size = 8;
  uc.src1 = fb;
  uc.src2 = fa;
  vc.push(entry, uc);
  MInst jcc;
  jcc.op = Op::Jcc;
  jcc.cc = Cond::A;  // fb > fa, i.e. a < b (unordered is not taken)
  jcc.targets = {lt, ge};
  vc.push(entry, jcc);
  vc.set_edge_args(entry, 0, {});
  vc.set_edge_args(entry, 1, {});
  Reg one = g(), two = g();
  Reg flag = vc.add_block_param(join, RegClass::Gpr);
  vc.push(lt, inst::mov_imm(one, 1));
  vc.push(lt, inst::jmp(join));
  vc.set_edge_args(lt, 0, {one});
  vc.push(ge, inst::mov_imm(two, 2));
  vc.push(ge, inst::jmp(join));
  vc.set_edge_args(ge, 0, {two});
  // Indirect call: host(a, b) = a + b through a register.
  Reg callee = g(), sum = g();
  vc.push(join,
          inst::mov_imm(callee, int64_t(reinterpret_cast<uintptr_t>(host.fn))));
  vc.push(join, inst::call_indirect(callee, {a, b}, {sum}));
  // Pack everything: result = ((((((((s*10+flag)*1000+m)*1000 + rot) ...
  Reg r = g();
  vc.push(join, inst::mov(r, s));
  for (Reg part : {flag, m, rot, pc, tz, sx, zx, sum}) {
    vc.push(join, inst::alu_imm(AluOp::Imul, r, 1000));
    vc.push(join, inst::alu(AluOp::Add, r, part));
  }
  vc.push(join, inst::ret({r}));
  CompiledFunction cf = testing::compile(vc);
  testing::LoadedCode code({&cf});
  uint64_t vmctx_mem[1] = {0};
  auto fn = code.entry<int64_t (*)(void*, int64_t, int64_t)>();
  auto ref = [](int64_t a, int64_t b) {
    uint32_t a32 = uint32_t(a);
    int64_t parts[] = {a < b ? 1 : 2,
                       a < b ? b : a,
                       int64_t((a32 << 4) | (a32 >> 28)),
                       __builtin_popcountll(uint64_t(b)),
                       b == 0 ? 64 : __builtin_ctzll(uint64_t(b)),
                       int64_t(int8_t(a)),
                       int64_t(uint16_t(a)),
                       a + b};
    uint64_t r = a < b;
    for (int64_t p : parts) r = r * 1000 + uint64_t(p);
    return r;
  };
  for (auto [a, b] : {std::pair<int64_t, int64_t>{3, 40}, {40, 3}, {-2, 8}})
    EXPECT_EQ(uint64_t(fn(vmctx_mem, a, b)), ref(a, b)) << a << " " << b;
}

}  // namespace
}  // namespace heron::x64
