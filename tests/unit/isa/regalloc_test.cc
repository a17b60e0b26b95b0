// Register-allocator invariants on hand-built VCode, checked on the
// rewritten instructions and by running the result: critical edges with
// block arguments, callee-saved registers for values live across calls,
// spill-slot sharing, XMM pressure, and the metadata the emitter attaches
// (trap table, address map, unwind info usable by the system unwinder).
#include <gtest/gtest.h>
#include <setjmp.h>
#include <signal.h>
#include <unwind.h>

#include <cstring>

#include "jit_test_support.h"

extern "C" void __register_frame(void*);
extern "C" void __deregister_frame(void*);

namespace heron::x64 {
namespace {

using testing::compile;
using testing::HostClobberer;
using testing::LoadedCode;
using testing::no_stack_check;
using Fn1 = int64_t (*)(void*, int64_t);
using Fn2 = int64_t (*)(void*, int64_t, int64_t);

bool has_virtual_regs(VCode& vc) {
  bool any = false;
  for (VBlock& b : vc.blocks)
    for (MInst& in : b.insts)
      for_each_operand(
          in, [&](Reg r) { return vc.reg_class(r); },
          [&](Reg& r, OperandKind, Reg) { any |= r.is_virt(); });
  return any;
}

// min(x, y) through a critical edge: entry branches straight to the join
// (which has two predecessors) passing an argument.
TEST(X64RegAlloc, CriticalEdgeWithBlockArgs) {
  VCode vc;
  const uint32_t entry = vc.new_block(), mid = vc.new_block(),
                 join = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), x = vc.new_vreg(RegClass::Gpr),
      y = vc.new_vreg(RegClass::Gpr);
  Reg r = vc.add_block_param(join, RegClass::Gpr);
  vc.push(entry, inst::args({vmctx, x, y}));
  vc.push(entry, inst::cmp_jcc(Cond::L, x, y, join, mid));
  vc.set_edge_args(entry, 0, {x});
  vc.set_edge_args(entry, 1, {});
  vc.push(mid, inst::jmp(join));
  vc.set_edge_args(mid, 0, {y});
  Reg out = vc.new_vreg(RegClass::Gpr);
  vc.push(join, inst::mov(out, r));
  vc.push(join, inst::alu_imm(AluOp::Imul, out, 10));
  vc.push(join, inst::ret({out}));
  CompiledFunction cf = compile(vc, nullptr, no_stack_check());
  EXPECT_EQ(vc.blocks.size(), 4u);  // the critical edge got a block
  EXPECT_FALSE(has_virtual_regs(vc));
  LoadedCode code({&cf});
  EXPECT_EQ(code.entry<Fn2>()(nullptr, 3, 9), 30);
  EXPECT_EQ(code.entry<Fn2>()(nullptr, 9, 3), 30);
  EXPECT_EQ(code.entry<Fn2>()(nullptr, -5, -5), -50);
}

TEST(X64RegAlloc, OneValueAcrossACallTakesACalleeSavedRegister) {
  HostClobberer host;
  VCode vc;
  const uint32_t entry = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), x = vc.new_vreg(RegClass::Gpr);
  Reg v = vc.new_vreg(RegClass::Gpr), r = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::args({vmctx, x}));
  vc.push(entry, inst::mov(v, x));
  vc.push(entry, inst::alu_imm(AluOp::Imul, v, 7));
  vc.push(entry, inst::call_libcall(0, {x, x}, {r}));
  vc.push(entry, inst::alu(AluOp::Add, r, v));
  vc.push(entry, inst::ret({r}));
  RegAllocStats st;
  CompiledFunction cf = compile(vc, &st);
  EXPECT_EQ(st.num_spilled_vregs, 0u);
  EXPECT_EQ(__builtin_popcount(vc.frame.callee_saved_used), 1);
  EXPECT_EQ(vc.frame.callee_saved_used & ~kCalleeSavedGprs, 0u);
  LoadedCode code({&cf}, [&](const Relocation&) {
    return uint64_t(reinterpret_cast<uintptr_t>(host.fn));
  });
  uint64_t vmctx_mem[1] = {0};
  EXPECT_EQ(code.entry<Fn1>()(vmctx_mem, 6), 6 + 6 + 42);
}

// Two phases of 16 live values each; the spilled values of the first phase
// are dead before the second phase spills, so slots are shared.
TEST(X64RegAlloc, SpillSlotsAreReused) {
  VCode vc;
  const uint32_t entry = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), x = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::args({vmctx, x}));
  Reg total = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::mov_imm(total, 0));
  int64_t expect_mul[2] = {0, 0};
  for (int phase = 0; phase < 2; phase++) {
    std::vector<Reg> v;
    for (int k = 0; k < 16; k++) {
      Reg t = vc.new_vreg(RegClass::Gpr);
      vc.push(entry, inst::mov(t, x));
      vc.push(entry, inst::alu_imm(AluOp::Add, t, phase * 100 + k));
      v.push_back(t);
    }
    for (int k = 15; k >= 0; k--) {
      vc.push(entry, inst::alu_imm(AluOp::Imul, total, 3));
      vc.push(entry, inst::alu(AluOp::Add, total, v[size_t(k)]));
    }
    expect_mul[phase] = 1;
  }
  vc.push(entry, inst::ret({total}));
  RegAllocStats st;
  CompiledFunction cf = compile(vc, &st, no_stack_check());
  EXPECT_GT(st.num_spilled_vregs, 0u);
  EXPECT_LT(st.num_spill_slots, st.num_spilled_vregs);
  LoadedCode code({&cf});
  for (int64_t xv : {0, 4, -17}) {
    int64_t s = 0;
    for (int phase = 0; phase < 2; phase++)
      for (int k = 15; k >= 0; k--) s = s * 3 + (xv + phase * 100 + k);
    EXPECT_EQ(code.entry<Fn1>()(nullptr, xv), s);
  }
  (void)expect_mul;
}

// 20 live f64 values (more than the 15 allocatable XMMs).
TEST(X64RegAlloc, XmmPressure) {
  VCode vc;
  const uint32_t entry = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), a = vc.new_vreg(RegClass::Xmm);
  vc.push(entry, inst::args({vmctx, a}));
  std::vector<Reg> v;
  for (int k = 0; k < 20; k++) {
    Reg c = vc.new_vreg(RegClass::Gpr), f = vc.new_vreg(RegClass::Xmm);
    vc.push(entry, inst::mov_imm(c, k + 1));
    MInst cvt;
    cvt.op = Op::CvtIntToF;
    cvt.dst = f;
    cvt.src1 = c;
    cvt.size = 8;
    cvt.size2 = 8;
    vc.push(entry, cvt);
    vc.push(entry, inst::xmm_alu(XmmOp::Mul, f, a, 8));
    v.push_back(f);
  }
  Reg sum = v[19];
  for (int k = 18; k >= 0; k--) {
    vc.push(entry, inst::xmm_alu(XmmOp::Mul, sum, a, 8));
    vc.push(entry, inst::xmm_alu(XmmOp::Add, sum, v[size_t(k)], 8));
  }
  vc.push(entry, inst::ret({sum}));
  RegAllocStats st;
  CompiledFunction cf = compile(vc, &st, no_stack_check());
  EXPECT_GT(st.num_spilled_vregs, 0u);
  LoadedCode code({&cf});
  auto fn = code.entry<double (*)(void*, double)>();
  for (double av : {0.5, 2.0}) {
    double s = 20 * av;
    for (int k = 18; k >= 0; k--) s = s * av + (k + 1) * av;
    EXPECT_DOUBLE_EQ(fn(nullptr, av), s);
  }
}

// ---- traps: the prologue stack check and ud2, mapped via the trap table.
sigjmp_buf g_trap_jmp;
const uint8_t* g_trap_pc = nullptr;

void on_sigill(int, siginfo_t* info, void*) {
  g_trap_pc = static_cast<const uint8_t*>(info->si_addr);
  siglongjmp(g_trap_jmp, 1);
}

// Runs fn(vmctx, arg); returns the trap's code offset, or -1 if none.
int64_t run_catching_sigill(Fn1 fn, void* vmctx, int64_t arg,
                            const uint8_t* base, int64_t* result) {
  struct sigaction sa, old;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigill;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGILL, &sa, &old);
  int64_t off = -1;
  if (sigsetjmp(g_trap_jmp, 1) == 0) {
    *result = fn(vmctx, arg);
  } else {
    off = g_trap_pc - base;
  }
  sigaction(SIGILL, &old, nullptr);
  return off;
}

TEST(X64Emit, StackLimitCheckTrapsAndIsInTheTrapTable) {
  VCode vc;
  vc.func_start_srcloc = 100;
  vc.func_end_srcloc = 140;
  const uint32_t entry = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), x = vc.new_vreg(RegClass::Gpr);
  vc.set_srcloc(100);
  vc.push(entry, inst::args({vmctx, x}));
  vc.set_srcloc(110);
  Reg r = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::call(0, {vmctx, x}, {r}));  // non-leaf: checks stack
  vc.set_srcloc(120);
  vc.push(entry, inst::ret({r}));
  EmitOptions opt;
  opt.stack_limit_offset = 8;
  CompiledFunction cf = compile(vc, nullptr, opt);
  ASSERT_EQ(cf.traps.size(), 1u);
  EXPECT_EQ(cf.traps[0].code, TrapCode::StackOverflow);
  EXPECT_EQ(cf.func_start_srcloc, 100u);
  EXPECT_EQ(cf.func_end_srcloc, 140u);
  bool saw_110 = false, saw_120 = false;
  for (const AddressMapEntry& e : cf.address_map) {
    saw_110 |= e.srcloc == 110;
    saw_120 |= e.srcloc == 120;
  }
  EXPECT_TRUE(saw_110 && saw_120);
  // A function that calls itself: with a limit above every stack pointer
  // the first prologue traps.
  LoadedCode code({&cf});
  uint64_t limits[2] = {0, UINT64_MAX};
  int64_t result = 0;
  const int64_t off = run_catching_sigill(code.entry<Fn1>(), limits, 5,
                                          code.address(), &result);
  EXPECT_EQ(off, int64_t(cf.traps[0].offset));
}

TEST(X64Emit, RecursionDepthIsBoundedByTheStackLimit) {
  // f(x) = x == 0 ? 0 : f(x - 1) + 1, and a limit 64 KiB below the stack.
  VCode vc;
  const uint32_t entry = vc.new_block(), rec = vc.new_block(),
                 done = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), x = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::args({vmctx, x}));
  vc.push(entry, inst::cmp_imm_jcc(Cond::E, x, 0, done, rec));
  vc.set_edge_args(entry, 0, {});
  vc.set_edge_args(entry, 1, {});
  Reg x1 = vc.new_vreg(RegClass::Gpr), r = vc.new_vreg(RegClass::Gpr);
  vc.push(rec, inst::mov(x1, x));
  vc.push(rec, inst::alu_imm(AluOp::Sub, x1, 1));
  vc.push(rec, inst::call(0, {vmctx, x1}, {r}));
  vc.push(rec, inst::alu_imm(AluOp::Add, r, 1));
  vc.push(rec, inst::ret({r}));
  Reg z = vc.new_vreg(RegClass::Gpr);
  vc.push(done, inst::mov_imm(z, 0));
  vc.push(done, inst::ret({z}));
  EmitOptions opt;
  opt.stack_limit_offset = 0;
  CompiledFunction cf = compile(vc, nullptr, opt);
  LoadedCode code({&cf});
  uint8_t here;
  uint64_t limits[1] = {uint64_t(reinterpret_cast<uintptr_t>(&here)) - 65536};
  int64_t result = 0;
  EXPECT_EQ(run_catching_sigill(code.entry<Fn1>(), limits, 100, code.address(),
                                &result),
            -1);
  EXPECT_EQ(result, 100);
  const int64_t off = run_catching_sigill(code.entry<Fn1>(), limits, 1 << 20,
                                          code.address(), &result);
  ASSERT_GE(off, 0);
  bool found = false;
  for (const TrapSite& t : cf.traps)
    found |= t.offset == off && t.code == TrapCode::StackOverflow;
  EXPECT_TRUE(found);
}

// ---- unwind info registered with the system unwinder.
struct Backtrace {
  std::vector<uintptr_t> pcs;
};

_Unwind_Reason_Code collect(struct _Unwind_Context* ctx, void* arg) {
  static_cast<Backtrace*>(arg)->pcs.push_back(_Unwind_GetIP(ctx));
  return _URC_NO_REASON;
}

Backtrace g_trace;
int64_t probe(int64_t a, int64_t) {
  g_trace.pcs.clear();
  _Unwind_Backtrace(collect, &g_trace);
  return a;
}

TEST(X64Emit, RegisteredUnwindInfoLetsTheUnwinderWalkThroughJitFrames) {
  VCode vc;
  const uint32_t entry = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), x = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::args({vmctx, x}));
  std::vector<Reg> keep;  // force callee-saved pushes into the frame
  for (int k = 0; k < 3; k++) {
    Reg t = vc.new_vreg(RegClass::Gpr);
    vc.push(entry, inst::mov(t, x));
    vc.push(entry, inst::alu_imm(AluOp::Add, t, k));
    keep.push_back(t);
  }
  Reg r = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::call_libcall(0, {x, x}, {r}));
  for (Reg t : keep) vc.push(entry, inst::alu(AluOp::Add, r, t));
  vc.push(entry, inst::ret({r}));
  CompiledFunction cf = compile(vc);
  EXPECT_NE(vc.frame.callee_saved_used, 0u);
  LoadedCode code({&cf}, [](const Relocation&) {
    return uint64_t(reinterpret_cast<uintptr_t>(&probe));
  });
  std::vector<uint8_t> eh = cf.unwind.eh_frame;
  const uint64_t begin = uint64_t(reinterpret_cast<uintptr_t>(code.address()));
  std::memcpy(eh.data() + cf.unwind.pc_begin_offset, &begin, 8);
  __register_frame(eh.data());
  uint64_t vmctx_mem[1] = {0};
  const int64_t result = code.entry<Fn1>()(vmctx_mem, 10);
  __deregister_frame(eh.data());
  EXPECT_EQ(result, 10 + 10 + 11 + 12);
  // The backtrace reaches the JIT frame and continues past it.
  size_t jit_index = g_trace.pcs.size();
  for (size_t k = 0; k < g_trace.pcs.size(); k++)
    if (g_trace.pcs[k] >= begin && g_trace.pcs[k] < begin + cf.code.size())
      jit_index = k;
  ASSERT_LT(jit_index, g_trace.pcs.size());
  EXPECT_GE(g_trace.pcs.size() - jit_index, 3u);
}

}  // namespace
}  // namespace heron::x64

namespace heron::x64 {
namespace {

// 20 loop-invariant values read on every iteration: the spilled ones are
// stored once, after their definition, and only reloaded in the loop.
TEST(X64RegAlloc, SpillStoresStayOutOfLoops) {
  VCode vc;
  const uint32_t entry = vc.new_block(), header = vc.new_block(),
                 body = vc.new_block(), exit = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), n = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::args({vmctx, n}));
  std::vector<Reg> inv;
  for (int k = 0; k < 20; k++) {
    Reg t = vc.new_vreg(RegClass::Gpr);
    vc.push(entry, inst::mov(t, n));
    vc.push(entry, inst::alu_imm(AluOp::Add, t, k));
    inv.push_back(t);
  }
  Reg zero = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::mov_imm(zero, 0));
  vc.push(entry, inst::jmp(header));
  vc.set_edge_args(entry, 0, {n, zero});
  Reg i = vc.add_block_param(header, RegClass::Gpr);
  Reg acc = vc.add_block_param(header, RegClass::Gpr);
  Reg out = vc.add_block_param(exit, RegClass::Gpr);
  vc.push(header, inst::cmp_imm_jcc(Cond::E, i, 0, exit, body));
  vc.set_edge_args(header, 0, {acc});
  vc.set_edge_args(header, 1, {});
  Reg acc2 = vc.new_vreg(RegClass::Gpr), i2 = vc.new_vreg(RegClass::Gpr);
  vc.push(body, inst::mov(acc2, acc));
  for (Reg t : inv) {
    vc.push(body, inst::alu_imm(AluOp::Imul, acc2, 3));
    vc.push(body, inst::alu(AluOp::Add, acc2, t));
  }
  vc.push(body, inst::mov(i2, i));
  vc.push(body, inst::alu_imm(AluOp::Sub, i2, 1));
  vc.push(body, inst::jmp(header));
  vc.set_edge_args(body, 0, {i2, acc2});
  vc.push(exit, inst::ret({out}));
  RegAllocStats st;
  CompiledFunction cf = compile(vc, &st, no_stack_check());
  EXPECT_GT(st.num_spilled_vregs, 0u);
  int stores_in_entry = 0, stores_in_loop = 0, reloads_in_loop = 0;
  for (size_t b = 0; b < vc.blocks.size(); b++)
    for (const MInst& in : vc.blocks[b].insts) {
      if (in.op == Op::SpillStore)
        (b == entry ? stores_in_entry : stores_in_loop)++;
      if (in.op == Op::SpillLoad && b != entry) reloads_in_loop++;
    }
  EXPECT_GT(stores_in_entry, 0);
  EXPECT_EQ(stores_in_loop, 0);
  EXPECT_GT(reloads_in_loop, 0);
  LoadedCode code({&cf});
  for (int64_t nv : {0, 1, 5}) {
    uint64_t a = 0;
    for (int64_t it = nv; it > 0; it--)
      for (int k = 0; k < 20; k++) a = a * 3 + uint64_t(nv + k);
    EXPECT_EQ(uint64_t(code.entry<Fn1>()(nullptr, nv)), a);
  }
}

// 20 GPR and 18 XMM values carried around a loop, all live across a call
// that clobbers every caller-saved register, rotated (GPRs) and swapped in
// pairs (XMMs) on the back edge, which is critical (split into a lone
// jmp). The allocator's spill statistics are printed.
TEST(X64RegAlloc, ManyLiveValuesAcrossCallsOnACriticalBackEdge) {
  constexpr int kG = 20, kF = 18;
  HostClobberer host;
  VCode vc;
  const uint32_t entry = vc.new_block(), loop = vc.new_block(),
                 exit = vc.new_block();
  Reg vmctx = vc.new_vreg(RegClass::Gpr), x = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::args({vmctx, x}));
  std::vector<Reg> init;
  Reg n0 = vc.new_vreg(RegClass::Gpr);
  vc.push(entry, inst::mov_imm(n0, 4));
  init.push_back(n0);
  for (int k = 0; k < kG; k++) {
    Reg t = vc.new_vreg(RegClass::Gpr);
    vc.push(entry, inst::mov(t, x));
    vc.push(entry, inst::alu_imm(AluOp::Add, t, k));
    init.push_back(t);
  }
  for (int k = 0; k < kF; k++) {
    Reg t = vc.new_vreg(RegClass::Gpr), f = vc.new_vreg(RegClass::Xmm);
    vc.push(entry, inst::mov(t, x));
    vc.push(entry, inst::alu_imm(AluOp::Add, t, 100 + k));
    MInst cvt;
    cvt.op = Op::CvtIntToF;
    cvt.dst = f;
    cvt.src1 = t;
    cvt.size = 8;
    cvt.size2 = 8;
    vc.push(entry, cvt);
    init.push_back(f);
  }
  vc.push(entry, inst::jmp(loop));
  vc.set_edge_args(entry, 0, init);
  Reg n = vc.add_block_param(loop, RegClass::Gpr);
  std::vector<Reg> g, f, eg, ef;
  for (int k = 0; k < kG; k++)
    g.push_back(vc.add_block_param(loop, RegClass::Gpr));
  for (int k = 0; k < kF; k++)
    f.push_back(vc.add_block_param(loop, RegClass::Xmm));
  for (int k = 0; k < kG; k++)
    eg.push_back(vc.add_block_param(exit, RegClass::Gpr));
  for (int k = 0; k < kF; k++)
    ef.push_back(vc.add_block_param(exit, RegClass::Xmm));
  // r = host(g0, g1); s = f0 + f17; n2 = n - 1.
  Reg r = vc.new_vreg(RegClass::Gpr);
  vc.push(loop, inst::call_libcall(0, {g[0], g[1]}, {r}));
  Reg s = vc.new_vreg(RegClass::Xmm);
  MInst mv;
  mv.op = Op::XmmMovRR;
  mv.dst = s;
  mv.src1 = f[0];
  mv.size = 8;
  vc.push(loop, mv);
  vc.push(loop, inst::xmm_alu(XmmOp::Add, s, f[kF - 1], 8));
  Reg n2 = vc.new_vreg(RegClass::Gpr);
  vc.push(loop, inst::mov(n2, n));
  vc.push(loop, inst::alu_imm(AluOp::Sub, n2, 1));
  // Back edge: g' = (r, g2, ..., g19, g0)... rotated; f' = pairs swapped,
  // the last one replaced by s.
  std::vector<Reg> back = {n2};
  for (int k = 0; k < kG; k++) back.push_back(k == 0 ? r : g[(k + 1) % kG]);
  for (int k = 0; k < kF; k++)
    back.push_back(k == kF - 1 ? s : f[k % 2 ? k - 1 : k + 1]);
  vc.push(loop, inst::cmp_imm_jcc(Cond::G, n2, 0, loop, exit));
  vc.set_edge_args(loop, 0, back);
  std::vector<Reg> out(g);
  out.insert(out.end(), f.begin(), f.end());
  vc.set_edge_args(loop, 1, out);
  Reg res = vc.new_vreg(RegClass::Gpr);
  vc.push(exit, inst::mov_imm(res, 7));
  for (Reg p : eg) {
    vc.push(exit, inst::alu_imm(AluOp::Imul, res, 131));
    vc.push(exit, inst::alu(AluOp::Add, res, p));
  }
  for (Reg p : ef) {
    Reg bits = vc.new_vreg(RegClass::Gpr);
    MInst m;
    m.op = Op::MovXmmToGpr;
    m.dst = bits;
    m.src1 = p;
    m.size = 8;
    vc.push(exit, m);
    vc.push(exit, inst::alu_imm(AluOp::Imul, res, 131));
    vc.push(exit, inst::alu(AluOp::Add, res, bits));
  }
  vc.push(exit, inst::ret({res}));

  RegAllocStats st;
  CompiledFunction cf = compile(vc, &st);
  LoadedCode code({&cf}, [&](const Relocation&) {
    return uint64_t(reinterpret_cast<uintptr_t>(host.fn));
  });
  auto ref = [&](int64_t xv) {
    uint64_t gv[kG];
    double fv[kF];
    for (int k = 0; k < kG; k++) gv[k] = uint64_t(xv + k);
    for (int k = 0; k < kF; k++) fv[k] = double(xv + 100 + k);
    // The exit takes the values of the last trip's start (n2 == 0 exits).
    for (int64_t nv = 4;; nv--) {
      if (nv - 1 <= 0) break;
      uint64_t g2[kG];
      double f2[kF];
      for (int k = 0; k < kG; k++)
        g2[k] = k == 0 ? gv[0] + gv[1] : gv[(k + 1) % kG];
      for (int k = 0; k < kF; k++)
        f2[k] = k == kF - 1 ? fv[0] + fv[kF - 1] : fv[k % 2 ? k - 1 : k + 1];
      std::memcpy(gv, g2, sizeof gv);
      std::memcpy(fv, f2, sizeof fv);
    }
    uint64_t acc = 7;
    for (uint64_t v : gv) acc = acc * 131 + v;
    for (double d : fv) {
      uint64_t b;
      std::memcpy(&b, &d, 8);
      acc = acc * 131 + b;
    }
    return acc;
  };
  uint64_t vmctx_mem[1] = {0};
  for (int64_t xv : {0, 3, -1000, 1234567})
    EXPECT_EQ(uint64_t(code.entry<Fn1>()(vmctx_mem, xv)), ref(xv)) << xv;
  // Every XMM value is live across the call (no callee-saved XMMs) and only
  // 5 callee-saved GPRs exist: most carried values must be spilled.
  EXPECT_GE(st.num_spilled_vregs, uint32_t(kF + kG - 5));
  EXPECT_LT(st.num_spilled_vregs, st.num_vregs);
  std::printf(
      "[ spill stats ] %u of %u virtual registers spilled, %u intervals, "
      "%u slots, %u moves\n",
      st.num_spilled_vregs, st.num_vregs, st.num_intervals, st.num_spill_slots,
      st.num_moves);
  RecordProperty("num_vregs", int(st.num_vregs));
  RecordProperty("num_spilled_vregs", int(st.num_spilled_vregs));
}

}  // namespace
}  // namespace heron::x64
