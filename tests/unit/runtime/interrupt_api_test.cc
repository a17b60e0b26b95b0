// Bounding execution through the public API: interrupting an infinite loop
// and a loop-free exponential call tree from another thread, stack overflow
// followed by a normal call, epoch deadlines.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "api_test_support.h"

namespace heron {
namespace {

using testing::compile_wat;
using namespace std::chrono_literals;

// Calls `f` while another thread interrupts the store after 50 ms.
api::CallResult<void> call_with_interrupt(api::Store& store, api::Func f) {
  InterruptHandle handle = store.interrupt_handle();
  std::thread killer([handle] {
    std::this_thread::sleep_for(50ms);
    handle.interrupt();
  });
  auto r = f.call_as<void>(store);
  killer.join();
  return r;
}

TEST(InterruptApi, InfiniteLoopIsInterruptedFromAnotherThread) {
  api::Engine engine;
  api::Store store(engine);
  auto module = compile_wat(engine, R"((module
    (func (export "spin") (loop (br 0)))
    (func (export "one") (result i32) (i32.const 1)))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  const auto start = std::chrono::steady_clock::now();
  auto r = call_with_interrupt(store, inst->get_func("spin"));
  ASSERT_TRUE(r.trapped());
  EXPECT_EQ(r.trap().code, TrapCode::Interrupt);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_FALSE(r.trap().backtrace.empty());
  EXPECT_EQ(r.trap().backtrace[0].func_index, 0u);
  // Usable afterwards.
  EXPECT_EQ(inst->get_func("one").call_as<int32_t>(store).value(), 1);
}

TEST(InterruptApi, ExponentialCallTreeWithoutLoopsIsInterrupted) {
  api::Engine engine;
  api::Store store(engine);
  // 2^60 calls, no loop: only function prologues see the interrupt.
  auto module = compile_wat(engine, R"((module
    (func $tree (param i32)
      (if (local.get 0) (then
        (call $tree (i32.sub (local.get 0) (i32.const 1)))
        (call $tree (i32.sub (local.get 0) (i32.const 1))))))
    (func (export "run") (call $tree (i32.const 60))))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto r = call_with_interrupt(store, inst->get_func("run"));
  ASSERT_TRUE(r.trapped());
  EXPECT_EQ(r.trap().code, TrapCode::Interrupt);
}

TEST(InterruptApi, StackOverflowThenANormalCall) {
  api::Engine engine;
  api::Store store(engine);
  auto module = compile_wat(engine, R"((module
    (func $rec (export "rec") (param i64) (result i64)
      (i64.add (i64.const 1) (call $rec (local.get 0))))
    (func (export "one") (result i32) (i32.const 1)))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  for (int k = 0; k < 3; k++) {
    auto r = inst->get_func("rec").call_as<int64_t>(store, int64_t{0});
    ASSERT_TRUE(r.trapped());
    EXPECT_EQ(r.trap().code, TrapCode::StackOverflow);
    EXPECT_EQ(r.trap().message, "call stack exhausted");
    EXPECT_TRUE(r.trap().backtrace_truncated);
    EXPECT_EQ(inst->get_func("one").call_as<int32_t>(store).value(), 1);
  }
}

TEST(InterruptApi, EpochDeadline) {
  api::Config config;
  config.epoch_interruption = true;
  api::Engine engine(config);
  api::Store store(engine);
  auto module = compile_wat(engine, R"((module
    (func (export "spin") (loop (br 0)))
    (func (export "one") (result i32) (i32.const 1)))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  store.set_epoch_deadline(1);
  EXPECT_EQ(inst->get_func("one").call_as<int32_t>(store).value(), 1);
  std::thread ticker([engine] {
    std::this_thread::sleep_for(50ms);
    engine.increment_epoch();
  });
  auto r = inst->get_func("spin").call_as<void>(store);
  ticker.join();
  ASSERT_TRUE(r.trapped());
  EXPECT_EQ(r.trap().code, TrapCode::Interrupt);
  store.set_epoch_deadline(1);
  EXPECT_EQ(inst->get_func("one").call_as<int32_t>(store).value(), 1);
}

}  // namespace
}  // namespace heron
