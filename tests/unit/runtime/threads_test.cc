// One Engine and one Module shared by several threads, each with its own
// Store: compiling, instantiating, calling (host functions and their
// trampolines are created lazily, under the engine's lock), trapping and
// being interrupted at the same time must not interfere.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "api_test_support.h"

namespace heron {
namespace {

using testing::compile_wat;

TEST(Threads, ModuleSharedAcrossThreadsWithAStoreEach) {
  api::Engine engine;
  api::Module module = compile_wat(engine, R"((module
    (import "env" "scale" (func $scale (param i32) (result i32)))
    (memory 1)
    (global $calls (mut i32) (i32.const 0))
    (func (export "sum") (param $n i32) (result i32) (local $acc i32)
      (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (i32.store (i32.const 0)
            (i32.add (i32.load (i32.const 0)) (local.get $n)))
          (local.set $acc (i32.add (local.get $acc)
                                   (call $scale (local.get $n))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      (local.get $acc))
    (func (export "calls") (result i32) (global.get $calls))
    (func (export "div") (param i32) (result i32)
      (i32.div_s (i32.const 1) (local.get 0))))
  )");
  constexpr int kThreads = 4;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      api::Store store(engine);
      api::Linker linker(engine);
      FuncType type;
      type.params = {ValType::i32()};
      type.results = {ValType::i32()};
      const int32_t factor = t + 1;
      if (!linker
               .func(
                   "env", "scale", type,
                   [factor](api::Caller&, std::span<const api::Val> a,
                            std::span<api::Val> r) -> std::optional<api::Trap> {
                     r[0] = api::Val::i32(a[0].as_i32() * factor);
                     return std::nullopt;
                   })
               .ok()) {
        ++failures;
        return;
      }
      for (int round = 0; round < 20; round++) {
        auto inst = linker.instantiate(store, module);
        if (!inst.ok()) {
          ++failures;
          return;
        }
        auto sum = inst->get_func("sum").call_as<int32_t>(store, 100);
        // sum of k * factor for k = 1..100; each instance its own state.
        if (!sum.ok() || sum.value() != 5050 * factor) ++failures;
        auto calls = inst->get_func("calls").call_as<int32_t>(store);
        if (!calls.ok() || calls.value() != 1) ++failures;
        auto trap = inst->get_func("div").call_as<int32_t>(store, 0);
        if (!trap.trapped() ||
            trap.trap().code != TrapCode::IntegerDivideByZero)
          ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Threads, CompilingOnSeveralThreadsAtOnce) {
  api::Engine engine;
  constexpr int kThreads = 4;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      // Structurally equal types from different modules get one canonical
      // id, whatever thread interns them first.
      const std::string wat =
          "(module (type (func (param i32) (result i32)))"
          " (table 1 funcref) (elem (i32.const 0) $f)"
          " (func $f (type 0) (i32.add (local.get 0) (i32.const " +
          std::to_string(t) +
          ")))"
          " (func (export \"run\") (param i32) (result i32)"
          "  (call_indirect (type 0) (local.get 0) (i32.const 0))))";
      for (int round = 0; round < 10; round++) {
        auto m = api::Module::from_text(engine, wat);
        if (!m.ok()) {
          ++failures;
          return;
        }
        api::Store store(engine);
        auto inst = api::Instance::create(store, *m, {});
        if (!inst.ok()) {
          ++failures;
          return;
        }
        auto r = inst->get_func("run").call_as<int32_t>(store, 10);
        if (!r.ok() || r.value() != 10 + t) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace heron
