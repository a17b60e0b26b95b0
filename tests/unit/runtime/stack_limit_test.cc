// The stack limit: runaway recursion becomes a "call stack exhausted" trap, a
// normal call works afterwards, nested host -> wasm -> host -> wasm entries
// keep the outer limit, and trap backtraces walk the wasm frames.
#include "jit_snippet.h"
#include "runtime/activation.h"
#include "test_instance.h"

namespace heron {
namespace {

using namespace asmjit::x86;
using testing::LabeledTrap;
using testing::Snippet;
using testing::TestInstance;

using RecurseFn = uint32_t (*)(VMContext*, uint32_t);

// uint32_t f(vmctx, n) { check stack; if (n == 0) return 0 or trap;
//                        return f(vmctx, n - 1) + 1; }
Snippet make_recursive(bool trap_at_bottom, asmjit::Label* bottom_site) {
  return Snippet([=](Assembler& a, std::vector<LabeledTrap>& traps) {
    asmjit::Label entry = a.newLabel(), overflow = a.newLabel(),
                  bottom = a.newLabel();
    a.bind(entry);
    testing::emit_prologue_with_stack_check(a, rdi, traps, overflow);
    a.test(esi, esi);
    a.jz(bottom);
    a.sub(esi, 1);
    a.call(entry);
    a.add(eax, 1);
    a.pop(rbp);
    a.ret();
    a.bind(bottom);
    if (trap_at_bottom) {
      *bottom_site = bottom;
      traps.push_back({bottom, TrapCode::Unreachable});
      a.ud2();
    } else {
      a.xor_(eax, eax);
      a.pop(rbp);
      a.ret();
    }
    testing::emit_trap_site(a, traps, overflow, TrapCode::StackOverflow);
  });
}

TEST(StackLimit, RunawayRecursionTrapsThenNormalCallWorks) {
  TestInstance inst;
  asmjit::Label unused;
  Snippet code = make_recursive(false, &unused);
  auto f = code.entry<RecurseFn>();

  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack, f, inst.vmctx.get(),
                     0xFFFFFFFFu);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::StackOverflow);
  EXPECT_STREQ(r.trap().message(), "call stack exhausted");
  // 16 bytes per frame: the budget allows about 32768 frames; the
  // backtrace keeps the innermost kMaxTrapFrames.
  EXPECT_EQ(r.trap().frames.size(), kMaxTrapFrames);
  EXPECT_TRUE(r.trap().frames_truncated);
  EXPECT_EQ(inst.limits->stack_limit.load(), 0u);

  auto ok =
      call_wasm(*inst.limits, kDefaultMaxWasmStack, f, inst.vmctx.get(), 1000u);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 1000u);
}

TEST(StackLimit, BudgetIsConfigurable) {
  TestInstance inst;
  asmjit::Label unused;
  Snippet code = make_recursive(false, &unused);
  auto f = code.entry<RecurseFn>();
  // 4000 frames of 16 bytes need ~64 KiB.
  EXPECT_TRUE(
      call_wasm(*inst.limits, 128 * 1024, f, inst.vmctx.get(), 4000u).ok());
  auto r = call_wasm(*inst.limits, 32 * 1024, f, inst.vmctx.get(), 4000u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::StackOverflow);
}

TEST(StackLimit, BacktraceListsEveryWasmFrame) {
  TestInstance inst;
  asmjit::Label site;
  Snippet code = make_recursive(true, &site);
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                     code.entry<RecurseFn>(), inst.vmctx.get(), 5u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::Unreachable);
  EXPECT_EQ(r.trap().pc, code.address_of(site));
  // The trapping frame plus the five frames that called it.
  ASSERT_EQ(r.trap().frames.size(), 6u);
  EXPECT_FALSE(r.trap().frames_truncated);
  for (size_t i = 1; i < 6; i++) {
    EXPECT_TRUE(code.memory().contains(r.trap().frames[i]));
    EXPECT_EQ(r.trap().frames[i], r.trap().frames[1]);  // same call site
  }
}

// Host -> wasm -> host -> wasm on one store.
struct Nesting {
  TestInstance* inst;
  RecurseFn inner;
  uint32_t inner_arg;
  uintptr_t outer_limit;
  uintptr_t limit_seen_inside;
  bool inner_ok;
  TrapCode inner_trap;
  int depth_inside;
};
Nesting* g_nesting = nullptr;

int activation_depth() {
  int n = 0;
  for (Activation* a = current_activation(); a; a = a->prev) n++;
  return n;
}

// The host function wasm calls: enters wasm again on the same store.
uint32_t host_callback(VMContext* vmctx) {
  Nesting& n = *g_nesting;
  n.outer_limit = n.inst->limits->stack_limit.load();
  auto r = call_wasm(*n.inst->limits, kDefaultMaxWasmStack, n.inner, vmctx,
                     n.inner_arg);
  n.limit_seen_inside = n.inst->limits->stack_limit.load();
  n.inner_ok = r.ok();
  if (!r.ok()) n.inner_trap = r.trap().code;
  return r.ok() ? r.value() : 9999;
}

// uint32_t outer(vmctx, callback) { check stack; return callback(vmctx) + 1; }
Snippet make_outer() {
  return Snippet([](Assembler& a, std::vector<LabeledTrap>& traps) {
    asmjit::Label overflow = a.newLabel();
    testing::emit_prologue_with_stack_check(a, rdi, traps, overflow);
    a.sub(rsp, 16);  // keep the stack 16-byte aligned at the call
    a.call(rsi);
    a.add(eax, 1);
    a.mov(rsp, rbp);
    a.pop(rbp);
    a.ret();
    testing::emit_trap_site(a, traps, overflow, TrapCode::StackOverflow);
  });
}

TEST(StackLimit, NestedEntryKeepsOuterLimit) {
  TestInstance inst;
  asmjit::Label unused;
  Snippet rec = make_recursive(false, &unused);
  Snippet outer = make_outer();
  Nesting n{&inst, rec.entry<RecurseFn>(), 10, 0, 0,
            false, TrapCode::Unreachable,  0};
  g_nesting = &n;
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                     outer.entry<uint32_t (*)(VMContext*, void*)>(),
                     inst.vmctx.get(), (void*)&host_callback);
  g_nesting = nullptr;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 11u);
  EXPECT_TRUE(n.inner_ok);
  EXPECT_NE(n.outer_limit, 0u);
  EXPECT_EQ(n.limit_seen_inside, n.outer_limit);
  EXPECT_EQ(inst.limits->stack_limit.load(), 0u);
  EXPECT_EQ(current_activation(), nullptr);
}

TEST(StackLimit, TrapInNestedEntryReturnsToInnerHost) {
  TestInstance inst;
  asmjit::Label unused;
  Snippet rec = make_recursive(false, &unused);
  Snippet outer = make_outer();
  // The inner call overflows the (outer) budget; the outer wasm then
  // continues normally with the callback's result.
  Nesting n{&inst,
            rec.entry<RecurseFn>(),
            0xFFFFFFFFu,
            0,
            0,
            true,
            TrapCode::Unreachable,
            0};
  g_nesting = &n;
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                     outer.entry<uint32_t (*)(VMContext*, void*)>(),
                     inst.vmctx.get(), (void*)&host_callback);
  g_nesting = nullptr;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 10000u);
  EXPECT_FALSE(n.inner_ok);
  EXPECT_EQ(n.inner_trap, TrapCode::StackOverflow);
  EXPECT_EQ(n.limit_seen_inside, n.outer_limit);
  EXPECT_EQ(inst.limits->stack_limit.load(), 0u);
}

TEST(StackLimit, OtherStoresGetTheirOwnLimit) {
  TestInstance a, b;
  asmjit::Label unused;
  Snippet rec = make_recursive(false, &unused);
  auto f = rec.entry<RecurseFn>();
  uintptr_t b_limit_inside = 0;
  struct Ctx {
    TestInstance* b;
    RecurseFn f;
    uintptr_t* seen;
  } ctx{&b, f, &b_limit_inside};
  auto body = [](void* p) {
    auto* c = static_cast<Ctx*>(p);
    auto r = call_wasm(*c->b->limits, 64 * 1024, c->f, c->b->vmctx.get(), 3u);
    EXPECT_TRUE(r.ok());
    *c->seen = 1;
    EXPECT_EQ(activation_depth(), 1);
  };
  auto r = enter_wasm(*a.limits, kDefaultMaxWasmStack, body, &ctx);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(b_limit_inside, 1u);
  EXPECT_EQ(a.limits->stack_limit.load(), 0u);
  EXPECT_EQ(b.limits->stack_limit.load(), 0u);
}

}  // namespace
}  // namespace heron
