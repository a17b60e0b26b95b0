// Interruption: an InterruptHandle stops an infinite loop that checks the
// stack limit at its header, from another thread, within milliseconds; the
// same store runs again afterwards. Plus pending interrupts and epochs.
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "heron/interrupt_handle.h"
#include "jit_snippet.h"
#include "runtime/activation.h"
#include "test_instance.h"

namespace heron {
namespace {

using namespace asmjit::x86;
using testing::LabeledTrap;
using testing::Snippet;
using testing::TestInstance;

// (loop (br 0)) with the loop-header check compiled code emits.
Snippet make_infinite_loop() {
  return Snippet([](Assembler& a, std::vector<LabeledTrap>& traps) {
    asmjit::Label overflow = a.newLabel(), header = a.newLabel();
    testing::emit_prologue_with_stack_check(a, rdi, traps, overflow);
    a.mov(rcx, qword_ptr(rdi, VMContextLayout::kLimitsOffset));
    a.bind(header);
    a.cmp(rsp, qword_ptr(rcx, RuntimeLimits::kStackLimitOffset));
    a.jb(overflow);
    a.jmp(header);
    testing::emit_trap_site(a, traps, overflow, TrapCode::StackOverflow);
  });
}

// uint32_t add_one(vmctx, x) with a prologue check.
Snippet make_add_one() {
  return Snippet([](Assembler& a, std::vector<LabeledTrap>& traps) {
    asmjit::Label overflow = a.newLabel();
    testing::emit_prologue_with_stack_check(a, rdi, traps, overflow);
    a.lea(eax, dword_ptr(rsi, 1));
    a.pop(rbp);
    a.ret();
    testing::emit_trap_site(a, traps, overflow, TrapCode::StackOverflow);
  });
}

TEST(Interrupt, StopsInfiniteLoopFromAnotherThread) {
  TestInstance inst;
  Snippet loop = make_infinite_loop();
  Snippet add_one = make_add_one();
  InterruptHandle handle(inst.limits);

  for (int round = 0; round < 3; round++) {
    std::chrono::steady_clock::time_point interrupted_at;
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      interrupted_at = std::chrono::steady_clock::now();
      handle.interrupt();
    });
    auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                       loop.entry<void (*)(VMContext*)>(), inst.vmctx.get());
    auto stopped_at = std::chrono::steady_clock::now();
    killer.join();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.trap().code, TrapCode::Interrupt);
    EXPECT_STREQ(r.trap().message(), "interrupt");
    EXPECT_LT(stopped_at - interrupted_at, std::chrono::milliseconds(200));
    // Consumed: the store runs normally again.
    EXPECT_EQ(inst.limits->stack_limit.load(), 0u);
    auto ok = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                        add_one.entry<uint32_t (*)(VMContext*, uint32_t)>(),
                        inst.vmctx.get(), 41u);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok.value(), 42u);
  }
}

// uint32_t tree(vmctx, n) { return n == 0 ? 0 : tree(n - 1) + tree(n - 1); }
// An exponential call tree without loops: only the prologue checks it.
Snippet make_call_tree() {
  return Snippet([](Assembler& a, std::vector<LabeledTrap>& traps) {
    asmjit::Label entry = a.newLabel(), overflow = a.newLabel(),
                  leaf = a.newLabel();
    a.bind(entry);
    testing::emit_prologue_with_stack_check(a, rdi, traps, overflow);
    a.test(esi, esi);
    a.jz(leaf);
    a.push(rbx);
    a.push(rsi);
    a.sub(esi, 1);
    a.call(entry);
    a.mov(ebx, eax);
    a.mov(rsi, qword_ptr(rsp));
    a.sub(esi, 1);
    a.call(entry);
    a.add(eax, ebx);
    a.pop(rsi);
    a.pop(rbx);
    a.pop(rbp);
    a.ret();
    a.bind(leaf);
    a.xor_(eax, eax);
    a.pop(rbp);
    a.ret();
    testing::emit_trap_site(a, traps, overflow, TrapCode::StackOverflow);
  });
}

TEST(Interrupt, StopsExponentialCallTreeInItsPrologues) {
  TestInstance inst;
  Snippet tree = make_call_tree();
  auto f = tree.entry<uint32_t (*)(VMContext*, uint32_t)>();
  auto small =
      call_wasm(*inst.limits, kDefaultMaxWasmStack, f, inst.vmctx.get(), 4u);
  ASSERT_TRUE(small.ok());
  InterruptHandle handle(inst.limits);
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    handle.interrupt();
  });
  auto r =
      call_wasm(*inst.limits, kDefaultMaxWasmStack, f, inst.vmctx.get(), 60u);
  killer.join();
  ASSERT_FALSE(r.ok());
  // The prologue's trap site says StackOverflow; the sentinel makes it an
  // interrupt.
  EXPECT_EQ(r.trap().code, TrapCode::Interrupt);
  EXPECT_EQ(inst.limits->stack_limit.load(), 0u);
  EXPECT_TRUE(
      call_wasm(*inst.limits, kDefaultMaxWasmStack, f, inst.vmctx.get(), 4u)
          .ok());
}

const InterruptHandle* g_signal_handle = nullptr;
void interrupt_from_signal(int) { g_signal_handle->interrupt(); }

TEST(Interrupt, WorksFromASignalHandlerOnTheWasmThread) {
  TestInstance inst;
  Snippet loop = make_infinite_loop();
  InterruptHandle handle(inst.limits);
  g_signal_handle = &handle;
  struct sigaction sa = {}, old;
  sa.sa_handler = interrupt_from_signal;
  sigemptyset(&sa.sa_mask);
  ASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
  pthread_t wasm_thread = pthread_self();
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    pthread_kill(wasm_thread, SIGUSR1);
  });
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                     loop.entry<void (*)(VMContext*)>(), inst.vmctx.get());
  timer.join();
  sigaction(SIGUSR1, &old, nullptr);
  g_signal_handle = nullptr;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::Interrupt);
}

TEST(Interrupt, PendingInterruptTrapsNextEntryOnce) {
  TestInstance inst;
  Snippet add_one = make_add_one();
  auto f = add_one.entry<uint32_t (*)(VMContext*, uint32_t)>();
  InterruptHandle(inst.limits).interrupt();
  auto r =
      call_wasm(*inst.limits, kDefaultMaxWasmStack, f, inst.vmctx.get(), 1u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::Interrupt);
  auto ok =
      call_wasm(*inst.limits, kDefaultMaxWasmStack, f, inst.vmctx.get(), 1u);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 2u);
}

TEST(Interrupt, HandleOutlivesStore) {
  std::unique_ptr<InterruptHandle> handle;
  {
    TestInstance inst;
    handle = std::make_unique<InterruptHandle>(inst.limits);
  }
  handle->interrupt();  // harmless
}

TEST(Interrupt, SentinelFailsEveryStackCheck) {
  // No user-space stack pointer reaches the kernel half, and a frame of up
  // to the slack can be added to the sentinel without wrapping.
  int local = 0;
  EXPECT_LT(uintptr_t(&local), kInterruptSentinel);
  EXPECT_GT(kInterruptSentinel + kInterruptSentinelSlack - 1,
            kInterruptSentinel);
}

TEST(Epoch, DeadlineAgainstEngineCounter) {
  EpochCounter engine;
  RuntimeLimits limits;
  EXPECT_FALSE(limits.epoch_deadline_reached());  // no counter attached
  limits.epoch_counter = &engine.value;
  limits.set_epoch_deadline(2);
  EXPECT_FALSE(limits.epoch_deadline_reached());
  engine.increment();
  EXPECT_FALSE(limits.epoch_deadline_reached());
  engine.increment();
  EXPECT_TRUE(limits.epoch_deadline_reached());
  limits.set_epoch_deadline(UINT64_MAX);  // saturates: never
  engine.increment();
  EXPECT_FALSE(limits.epoch_deadline_reached());
}

TEST(Fuel, RemainingFuelRoundTrips) {
  RuntimeLimits limits;
  limits.set_fuel(1000);
  EXPECT_EQ(limits.remaining_fuel(), 1000u);
  limits.fuel_consumed += 999;  // what compiled code does
  EXPECT_EQ(limits.remaining_fuel(), 1u);
  limits.fuel_consumed += 1;
  EXPECT_EQ(limits.remaining_fuel(), 0u);
  limits.set_fuel(UINT64_MAX);
  EXPECT_GT(limits.remaining_fuel(), uint64_t(INT64_MAX));
}

}  // namespace
}  // namespace heron
