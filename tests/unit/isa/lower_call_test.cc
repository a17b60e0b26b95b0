// Execution tests of control flow, memory, calls and the ABI: br_table,
// loops under register pressure (spills), multi-result calls between two
// compiled functions, stack arguments, calls clobbering caller-saved
// registers, the entry and host-call trampolines, and trap sites reported
// through the runtime's trap handler.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "lower_test_support.h"
#include "runtime/activation.h"

namespace heron::x64 {
namespace {

using testing::compile_ir;
using testing::FakeVmctx;
using testing::LoadedCode;
using testing::RegisteredCode;
using testing::wasm_options;

TEST(X64LowerControl, BrTableAndLoop) {
  FakeVmctx vm;
  // sum = 0; for (i = 0; i < n; i++) sum += table(i % 5)
  CompiledFunction cf = compile_ir(
      "function %f(i64 vmctx, i32) -> i32 {\n"
      "block0(v0: i64, v1: i32):\n"
      "    v2 = iconst.i32 0\n"
      "    jump block1(v2, v2)\n"
      "block1(v3: i32, v4: i32):\n"
      "    v5 = icmp.i32 ult v3, v1\n"
      "    brif v5, block2, block9(v4)\n"
      "block2:\n"
      "    v6 = iconst.i32 5\n"
      "    v7 = urem.i32 v3, v6\n"
      "    br_table v7, block5, [block3, block4, block3]\n"
      "block3:\n"
      "    v8 = iconst.i32 10\n"
      "    jump block6(v8)\n"
      "block4:\n"
      "    v9 = iconst.i32 100\n"
      "    jump block6(v9)\n"
      "block5:\n"
      "    v10 = iconst.i32 1000\n"
      "    jump block6(v10)\n"
      "block6(v11: i32):\n"
      "    v12 = iadd.i32 v4, v11\n"
      "    v13 = iconst.i32 1\n"
      "    v14 = iadd.i32 v3, v13\n"
      "    jump block1(v14, v12)\n"
      "block9(v15: i32):\n"
      "    return v15\n}\n");
  LoadedCode code({&cf});
  auto fn = code.entry<uint32_t (*)(void*, uint32_t)>();
  auto ref = [](uint32_t n) {
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++) {
      const uint32_t k = i % 5;
      s += k == 0 || k == 2 ? 10 : k == 1 ? 100 : 1000;
    }
    return s;
  };
  for (uint32_t n : {0u, 1u, 2u, 3u, 5u, 17u, 1000u})
    EXPECT_EQ(fn(&vm, n), ref(n));
}

// More than 16 values live around a loop: they cannot all stay in
// registers; the allocator's spill statistics are reported. (The split
// critical back edge both reloads values and copies block arguments in one
// jmp-only block: a regression test for composing those moves in order.)
TEST(X64LowerControl, RegisterPressureLoopSpills) {
  const int kLive = 24;
  std::string text =
      "function %f(i64 vmctx, i64) -> i64 {\nblock0(v0: i64, v1: i64):\n";
  std::string params, args0, args1;
  for (int k = 0; k < kLive; k++) {
    text += fmt::format("    v{} = iconst.i64 {}\n", 100 + k, k + 1);
    args0 += fmt::format("{}v{}", k ? ", " : "", 100 + k);
    params += fmt::format(", v{}: i64", 200 + k);
  }
  text += fmt::format("    v2 = iconst.i64 0\n    jump block1(v2{}{})\n",
                      kLive ? ", " : "", args0);
  text += fmt::format("block1(v3: i64{}):\n", params);
  // Each value becomes value * 3 + previous; all stay live to the next trip.
  for (int k = 0; k < kLive; k++) {
    const int prev = k ? 300 + k - 1 : 3;
    text += fmt::format("    v{0} = imul.i64 v{1}, v1\n", 400 + k, 200 + k);
    text +=
        fmt::format("    v{0} = iadd.i64 v{1}, v{2}\n", 300 + k, 400 + k, prev);
    args1 += fmt::format(", v{}", 300 + k);
  }
  text +=
      "    v4 = iconst.i64 1\n    v5 = iadd.i64 v3, v4\n"
      "    v6 = iconst.i64 10\n    v7 = icmp.i64 ult v5, v6\n";
  text += fmt::format("    brif v7, block1(v5{}), block2\n", args1);
  text += "block2:\n    v8 = iadd.i64 v3, v3\n";
  // Sum everything so all values are used.
  std::string last = "v8";
  for (int k = 0; k < kLive; k++) {
    text += fmt::format("    v{} = iadd.i64 {}, v{}\n", 500 + k, last, 300 + k);
    last = fmt::format("v{}", 500 + k);
  }
  text += fmt::format("    return {}\n}}\n", last);

  RegAllocStats stats;
  CompiledFunction cf = compile_ir(text, wasm_options(), &stats);
  LoadedCode code({&cf});
  auto fn = code.entry<uint64_t (*)(void*, uint64_t)>();
  auto ref = [&](uint64_t m) {
    uint64_t v[kLive], i = 0;
    for (int k = 0; k < kLive; k++) v[k] = k + 1;
    while (true) {
      uint64_t nv[kLive];
      for (int k = 0; k < kLive; k++) nv[k] = v[k] * m + (k ? nv[k - 1] : i);
      std::memcpy(v, nv, sizeof v);
      if (++i >= 10) break;
    }
    uint64_t s = (i - 1) * 2;
    for (int k = 0; k < kLive; k++) s += v[k];
    return s;
  };
  FakeVmctx vm;
  for (uint64_t m : {0ull, 1ull, 3ull, 0x123456789ull})
    EXPECT_EQ(fn(&vm, m), ref(m));
  EXPECT_GT(stats.num_spilled_vregs, 0u);
  EXPECT_LT(stats.num_spilled_vregs, stats.num_vregs / 2);
  std::printf(
      "[ spill stats ] %u of %u virtual registers spilled, %u slots, %u "
      "moves\n",
      stats.num_spilled_vregs, stats.num_vregs, stats.num_spill_slots,
      stats.num_moves);
}

struct ValRaw {
  uint64_t lo = 0, hi = 0;
};
using EntryFn = void (*)(const void*, void*, ValRaw*);

CompiledFunction entry_for(const std::string& ir_text) {
  ir::Function f = testing::parse_ir(ir_text);
  auto t = compile_entry_trampoline(f.signature);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(t).value() : CompiledFunction{};
}

const char kMemoryIr[] =
    "function %f(i64 vmctx, i32, i64, f64) -> i64, i32, i32, f64 {\n"
    "block0(v0: i64, v1: i32, v2: i64, v9: f64):\n"
    "    v3 = load.i64 v0+8\n"
    "    v4 = heap_load.i64 s8 mem0 v3, v1+1\n"
    "    v5 = heap_load.i32 u16 mem0 v3, v1+2\n"
    "    v6 = iconst.i32 100\n"
    "    heap_store.i64 trunc32 mem0 v2, v3, v6+4\n"
    "    v7 = heap_load.i32 mem0 v3, v6+4\n"
    "    v8 = iconst.i64 200\n"
    "    heap_bounds_check mem0 v1, v8, 24\n"
    "    heap_store.f64 mem0 v9, v3, v1+16\n"
    "    v10 = heap_load.f64 mem0 v3, v1+16\n"
    "    v11 = fadd.f64 v10, v10\n"
    "    return v4, v5, v7, v11\n}\n";

TEST(X64LowerMemory, HeapAccessesThroughEntryTrampoline) {
  alignas(16) static uint8_t heap[256];
  std::memset(heap, 0, sizeof heap);
  for (int k = 0; k < 16; k++) heap[k] = uint8_t(0xf0 + k);
  FakeVmctx vm;
  vm.pad[0] = uint64_t(uintptr_t(heap));  // vmctx+8: the heap base
  CompiledFunction cf = compile_ir(kMemoryIr);
  CompiledFunction tramp = entry_for(kMemoryIr);
  RegisteredCode code(cf);
  LoadedCode tcode({&tramp});
  auto entry = tcode.entry<EntryFn>();
  ValRaw v[4];
  v[0].lo = 0xffffffff00000003ull;  // i32 3 (garbage above must not matter)
  v[1].lo = 0x1122334455667788ull;
  double d = 2.25;
  std::memcpy(&v[2].lo, &d, 8);
  v[3].hi = 0xdead;  // results must clear the high halves
  RuntimeLimits limits;
  auto r = call_wasm(limits, kDefaultMaxWasmStack, entry,
                     (const void*)code.start(), (void*)&vm, &v[0]);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(v[0].lo, uint64_t(int64_t(int8_t(0xf4))));
  EXPECT_EQ(v[1].lo, 0xf6f5u);
  EXPECT_EQ(v[2].lo, 0x55667788u);
  double got;
  std::memcpy(&got, &v[3].lo, 8);
  EXPECT_EQ(got, 4.5);
  for (const ValRaw& x : v) EXPECT_EQ(x.hi, 0u);
  // index 177 + 24 > 200: the bounds check traps.
  v[0].lo = 177;
  auto oob = call_wasm(limits, kDefaultMaxWasmStack, entry,
                       (const void*)code.start(), (void*)&vm, &v[0]);
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.trap().code, TrapCode::MemoryOutOfBounds);
}

TEST(X64LowerTraps, TrapSitesHaveTheirCodeAndOffset) {
  void* guard =
      mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(guard, MAP_FAILED);
  FakeVmctx vm;
  vm.pad[0] = uint64_t(uintptr_t(guard));
  CompiledFunction cf = compile_ir(
      "function %f(i64 vmctx, i32, i64, i64) -> i64 {\n"
      "block0(v0: i64, v1: i32, v2: i64, v3: i64):\n"
      "    v4 = iconst.i32 1\n"
      "    v5 = icmp.i32 eq v1, v4\n"
      "    brif v5, block1, block2\n"
      "block1:\n"
      "    v6 = sdiv.i64 v2, v3\n"
      "    return v6\n"
      "block2:\n"
      "    v7 = iconst.i32 2\n"
      "    v8 = icmp.i32 eq v1, v7\n"
      "    brif v8, block3, block4\n"
      "block3:\n"
      "    v9 = load.i64 v0+8\n"
      "    @2a v10 = heap_load.i64 mem0 v9, v1+8\n"
      "    return v10\n"
      "block4:\n"
      "    v11 = icmp.i32 ugt v1, v4\n"
      "    trapnz v11, unreachable\n"
      "    v12 = iconst.i64 77\n"
      "    return v12\n}\n");
  RegisteredCode code(cf);
  auto fn = code.entry<int64_t (*)(void*, uint32_t, int64_t, int64_t)>();
  RuntimeLimits limits;
  auto run = [&](uint32_t sel, int64_t a, int64_t b) {
    return call_wasm(limits, kDefaultMaxWasmStack, fn, (void*)&vm, sel, a, b);
  };
  auto site_of = [&](uintptr_t pc) -> const x64::TrapSite* {
    for (const x64::TrapSite& t : cf.traps)
      if (code.start() + t.offset == pc) return &t;
    return nullptr;
  };
  ASSERT_TRUE(run(1, 42, 5).ok());
  EXPECT_EQ(run(1, 42, 5).value(), 8);
  struct Case {
    uint32_t sel;
    int64_t a, b;
    TrapCode code;
  };
  for (const Case& c : {Case{1, 42, 0, TrapCode::IntegerDivideByZero},
                        Case{1, INT64_MIN, -1, TrapCode::IntegerOverflow},
                        Case{2, 0, 0, TrapCode::MemoryOutOfBounds},
                        Case{5, 0, 0, TrapCode::Unreachable}}) {
    auto r = run(c.sel, c.a, c.b);
    ASSERT_FALSE(r.ok()) << int(c.code);
    EXPECT_EQ(r.trap().code, c.code);
    const x64::TrapSite* site = site_of(r.trap().pc);
    ASSERT_NE(site, nullptr) << "trap pc is not in the trap table";
    EXPECT_EQ(site->code, c.code);
    if (c.code == TrapCode::MemoryOutOfBounds) {
      EXPECT_EQ(site->srcloc, 0x2au);
    }
  }
  EXPECT_EQ(run(0, 0, 0).value(), 77);
  munmap(guard, 4096);
}

// Callee: 7 integer params (one on the stack), 9 float params (one on the
// stack), 7 results (three through the return area, whose pointer is itself
// a stack argument).
const char kCallee[] =
    "function %g(i64 vmctx, i64, i64, i64, i64, i64, i64, f64, f64, f64, f64, "
    "f64, f64, f64, f64, f64) -> i64, i64, i64, f64, f64, f64, i32 {\n"
    "block0(v0: i64, v1: i64, v2: i64, v3: i64, v4: i64, v5: i64, v6: i64, "
    "v11: f64, v12: f64, v13: f64, v14: f64, v15: f64, v16: f64, v17: f64, "
    "v18: f64, v19: f64):\n"
    "    v20 = iadd.i64 v1, v2\n    v21 = iadd.i64 v20, v3\n"
    "    v22 = iadd.i64 v21, v4\n    v23 = iadd.i64 v22, v5\n"
    "    v24 = iadd.i64 v23, v6\n"
    "    v25 = iconst.i64 2\n    v26 = imul.i64 v1, v25\n"
    "    v27 = iconst.i64 3\n    v28 = imul.i64 v6, v27\n"
    "    v30 = fadd.f64 v11, v12\n    v31 = fadd.f64 v30, v13\n"
    "    v32 = fadd.f64 v31, v14\n    v33 = fadd.f64 v32, v15\n"
    "    v34 = fadd.f64 v33, v16\n    v35 = fadd.f64 v34, v17\n"
    "    v36 = fadd.f64 v35, v18\n    v37 = fadd.f64 v36, v19\n"
    "    v38 = fadd.f64 v11, v11\n"
    "    v39 = iconst.i32 7\n"
    "    return v24, v26, v28, v37, v38, v19, v39\n}\n";

struct CalleeResults {
  int64_t a, b, c;
  double d, e, g;
  int32_t h;
};
CalleeResults callee_ref(const int64_t* i, const double* f) {
  CalleeResults r;
  r.a = i[0] + i[1] + i[2] + i[3] + i[4] + i[5];
  r.b = i[0] * 2;
  r.c = i[5] * 3;
  r.d = 0;
  for (int k = 0; k < 9; k++) r.d += f[k];
  r.e = f[0] * 2;
  r.g = f[8];
  r.h = 7;
  return r;
}

TEST(X64LowerCalls, MultiResultCallWithStackArguments) {
  // The caller keeps x live across the call and combines all results.
  std::string caller =
      "function %f(i64 vmctx, i64, f64) -> i64, f64 {\n"
      "    sig0 = (i64 vmctx, i64, i64, i64, i64, i64, i64, f64, f64, f64, "
      "f64, f64, f64, f64, f64, f64) -> i64, i64, i64, f64, f64, f64, i32\n"
      "block0(v0: i64, v1: i64, v2: f64):\n";
  std::string args = "v0";
  for (int k = 0; k < 6; k++) {
    caller +=
        fmt::format("    v{} = iconst.i64 {}\n    v{} = iadd.i64 v1, v{}\n",
                    10 + k, k * 10, 20 + k, 10 + k);
    args += fmt::format(", v{}", 20 + k);
  }
  for (int k = 0; k < 9; k++) {
    caller += fmt::format(
        "    v{} = fcvt_from_sint.f64 v{}\n    v{} = fadd.f64 v2, v{}\n",
        30 + k, 10 + (k % 6), 40 + k, 30 + k);
    args += fmt::format(", v{}", 40 + k);
  }
  caller += fmt::format(
      "    v50, v51, v52, v53, v54, v55, v56 = call fn1 sig0({})\n", args);
  caller +=
      "    v57 = iadd.i64 v50, v51\n    v58 = iadd.i64 v57, v52\n"
      "    v59 = sextend.i64 v56\n    v60 = iadd.i64 v58, v59\n"
      "    v61 = iadd.i64 v60, v1\n"
      "    v62 = fadd.f64 v53, v54\n    v63 = fadd.f64 v62, v55\n"
      "    v64 = fadd.f64 v63, v2\n"
      "    return v61, v64\n}\n";
  CompiledFunction cf_caller = compile_ir(caller);
  CompiledFunction cf_callee = compile_ir(kCallee);
  ASSERT_EQ(cf_caller.relocations.size(), 1u);
  EXPECT_EQ(cf_caller.relocations[0].kind, RelocKind::CallRel32ToFunc);
  EXPECT_EQ(cf_caller.relocations[0].target, 1u);
  LoadedCode code({&cf_caller, &cf_callee});
  struct R {
    int64_t i;
    double d;
  };
  auto fn = code.entry<R (*)(void*, int64_t, double)>();
  FakeVmctx vm;
  for (int64_t x : {int64_t(0), int64_t(5), int64_t(-1234567)})
    for (double y : {0.0, 1.5}) {
      int64_t ia[6];
      double fa[9];
      for (int k = 0; k < 6; k++) ia[k] = x + k * 10;
      for (int k = 0; k < 9; k++) fa[k] = y + double((k % 6) * 10);
      CalleeResults c = callee_ref(ia, fa);
      R r = fn(&vm, x, y);
      EXPECT_EQ(r.i, c.a + c.b + c.c + c.h + x);
      EXPECT_EQ(r.d, c.d + c.e + c.g + y);
    }

  // The same callee through its entry trampoline.
  CompiledFunction tramp = entry_for(kCallee);
  LoadedCode tcode({&tramp});
  ValRaw v[15];
  int64_t ia[6] = {1, -2, 3, 400, 5, 1 << 20};
  double fa[9] = {0.5, 1, 2, 3, 4, 5, 6, 7, -8.25};
  for (int k = 0; k < 6; k++) v[k].lo = uint64_t(ia[k]);
  for (int k = 0; k < 9; k++) std::memcpy(&v[6 + k].lo, &fa[k], 8);
  tcode.entry<EntryFn>()(code.address(1), &vm, v);
  CalleeResults c = callee_ref(ia, fa);
  EXPECT_EQ(int64_t(v[0].lo), c.a);
  EXPECT_EQ(int64_t(v[1].lo), c.b);
  EXPECT_EQ(int64_t(v[2].lo), c.c);
  double d[3];
  for (int k = 0; k < 3; k++) std::memcpy(&d[k], &v[3 + k].lo, 8);
  EXPECT_EQ(d[0], c.d);
  EXPECT_EQ(d[1], c.e);
  EXPECT_EQ(d[2], c.g);
  EXPECT_EQ(v[6].lo, 7u);
}

TEST(X64LowerCalls, IndirectCallClobberingCallerSavedRegisters) {
  testing::HostClobberer host;
  std::string text =
      "function %f(i64 vmctx, i64, i64, f64) -> i64, f64 {\n"
      "    sig0 = (i64 vmctx, i64) -> i64\n"
      "block0(v0: i64, v1: i64, v2: i64, v3: f64):\n";
  // Eight values live across the call, plus a float.
  for (int k = 0; k < 8; k++)
    text += fmt::format("    v{} = iconst.i64 {}\n    v{} = imul.i64 v2, v{}\n",
                        10 + k, k + 2, 20 + k, 10 + k);
  text += "    v4 = fadd.f64 v3, v3\n";
  text += "    v5 = call_indirect sig0 v1(v2, v2)\n";
  std::string last = "v5";
  for (int k = 0; k < 8; k++) {
    text += fmt::format("    v{} = iadd.i64 {}, v{}\n", 30 + k, last, 20 + k);
    last = fmt::format("v{}", 30 + k);
  }
  text += fmt::format("    return {}, v4\n}}\n", last);
  CompiledFunction cf = compile_ir(text);
  LoadedCode code({&cf});
  struct R {
    int64_t i;
    double d;
  };
  auto fn = code.entry<R (*)(void*, void*, int64_t, double)>();
  FakeVmctx vm;
  R r = fn(&vm, (void*)host.fn, 3, 1.25);
  int64_t want = 6;
  for (int k = 0; k < 8; k++) want += 3 * (k + 2);
  EXPECT_EQ(r.i, want);
  EXPECT_EQ(r.d, 2.5);
}

// A host function (i32, f64, i64, f32) -> (i64, f64, i32, i64, i64) behind
// the host-call trampoline, called through the entry trampoline.
struct HostCtx {
  RuntimeLimits* limits;
  void (*callback)(HostCtx*, ValRaw*);
  int calls = 0;
};

TEST(X64LowerTrampolines, HostCallThroughHostTrampoline) {
  const char* text =
      "function %h(i64 vmctx, i32, f64, i64, f32) -> i64, f64, i32, i64, i64 "
      "{\n"
      "block0(v0: i64, v1: i32, v2: f64, v3: i64, v4: f32):\n"
      "    trap unreachable\n}\n";
  ir::Function f = testing::parse_ir(text);
  auto host = compile_host_trampoline(f.signature);
  ASSERT_TRUE(host.ok()) << host.error().message;
  auto entry = compile_entry_trampoline(f.signature);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_FALSE(host->traps.empty());  // the stack-limit check
  LoadedCode code({&*host, &*entry});

  RuntimeLimits limits;
  HostCtx ctx{&limits, nullptr};
  ctx.callback = [](HostCtx* c, ValRaw* v) {
    c->calls++;
    const uint32_t a = uint32_t(v[0].lo);
    double b;
    std::memcpy(&b, &v[1].lo, 8);
    const int64_t cc = int64_t(v[2].lo);
    float d;
    std::memcpy(&d, &v[3].lo, 4);
    // Params arrive zero-extended in 16-byte slots.
    EXPECT_EQ(v[0].lo >> 32, 0u);
    EXPECT_EQ(v[3].lo >> 32, 0u);
    for (int k = 0; k < 4; k++) EXPECT_EQ(v[k].hi, 0u);
    v[0].lo = uint64_t(cc * 2);
    const double e = b + double(d);
    std::memcpy(&v[1].lo, &e, 8);
    v[2].lo = a + 1;
    v[3].lo = uint64_t(cc) + a;
    v[4].lo = 0xabcdef;
  };
  ValRaw v[5];
  v[0].lo = 41;
  const double b = 1.5;
  std::memcpy(&v[1].lo, &b, 8);
  v[2].lo = uint64_t(-100);
  const float d = 0.25f;
  std::memcpy(&v[3].lo, &d, 4);
  auto r = call_wasm(limits, kDefaultMaxWasmStack, code.entry<EntryFn>(1),
                     (const void*)code.address(0), (void*)&ctx, &v[0]);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ctx.calls, 1);
  EXPECT_EQ(int64_t(v[0].lo), -200);
  double e;
  std::memcpy(&e, &v[1].lo, 8);
  EXPECT_EQ(e, 1.75);
  EXPECT_EQ(v[2].lo, 42u);
  EXPECT_EQ(int64_t(v[3].lo), -59);
  EXPECT_EQ(v[4].lo, 0xabcdefu);
}

}  // namespace
}  // namespace heron::x64
