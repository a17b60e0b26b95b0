// Host functions called from wasm: arguments and results, host traps with
// their own message and a wasm backtrace, host -> wasm -> host -> wasm
// nesting, and host functions in tables.
#include <gtest/gtest.h>
#include <unwind.h>

#include "api_test_support.h"
#include "runtime/loaded_code.h"

namespace heron {
namespace {

using testing::compile_wat;

FuncType func_type(std::vector<ValType> params, std::vector<ValType> results) {
  FuncType t;
  t.params = std::move(params);
  t.results = std::move(results);
  return t;
}

TEST(HostFunc, CalledFromWasmWithArgumentsAndResults) {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  std::vector<std::string> seen;
  ASSERT_TRUE(linker
                  .func("env", "mix",
                        func_type({ValType::i32(), ValType::i64(),
                                   ValType::f32(), ValType::f64()},
                                  {ValType::f64(), ValType::i32()}),
                        [&](api::Caller&, std::span<const api::Val> a,
                            std::span<api::Val> r) -> std::optional<api::Trap> {
                          for (const api::Val& v : a)
                            seen.push_back(v.to_string());
                          r[0] = api::Val::f64(
                              double(a[0].as_i32()) + double(a[1].as_i64()) +
                              double(a[2].as_f32()) + a[3].as_f64());
                          r[1] = api::Val::i32(7);
                          return std::nullopt;
                        })
                  .ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "mix" (func $mix (param i32 i64 f32 f64) (result f64 i32)))
    (func (export "run") (result f64)
      (call $mix (i32.const -1) (i64.const 10) (f32.const 0.5) (f64.const 0.25))
      (f64.convert_i32_s)
      (f64.add)))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto r = inst->get_func("run").call_as<double>(store);
  ASSERT_TRUE(r.ok()) << (r.trapped() ? r.trap().to_string() : "");
  EXPECT_EQ(r.value(), -1 + 10 + 0.5 + 0.25 + 7);
  EXPECT_EQ(seen, (std::vector<std::string>{"i32:-1", "i64:10", "f32:0.5",
                                            "f64:0.25"}));
}

TEST(HostFunc, HostTrapCarriesItsMessageAndAWasmBacktrace) {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  ASSERT_TRUE(linker
                  .func("env", "fail", func_type({ValType::i32()}, {}),
                        [](api::Caller&, std::span<const api::Val> a,
                           std::span<api::Val>) -> std::optional<api::Trap> {
                          // A C++ object alive during the call: its
                          // destructor must run before the trap unwinds.
                          std::string big(1000, 'x');
                          if (a[0].as_i32() == 0) return std::nullopt;
                          return api::Trap(TrapCode::Unreachable,
                                           "host says no " + big.substr(0, 1));
                        })
                  .ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "fail" (func $fail (param i32)))
    (func $a (export "a") (param i32) (call $b (local.get 0)))
    (func $b (param i32) (call $fail (local.get 0))))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  api::Func a = inst->get_func("a");
  EXPECT_TRUE(a.call_as<void>(store, 0).ok());
  auto r = a.call_as<void>(store, 1);
  ASSERT_TRUE(r.trapped());
  EXPECT_EQ(r.trap().message, "host says no x");
  ASSERT_EQ(r.trap().backtrace.size(), 2u) << r.trap().to_string();
  EXPECT_EQ(r.trap().backtrace[0].func_name, "b");
  EXPECT_EQ(r.trap().backtrace[1].func_name, "a");
  EXPECT_TRUE(a.call_as<void>(store, 0).ok());
}

TEST(HostFunc, HostCallsBackIntoWasm) {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  api::Func wasm_fib;  // set after instantiation
  ASSERT_TRUE(linker
                  .func("env", "host_fib",
                        func_type({ValType::i32()}, {ValType::i32()}),
                        [&](api::Caller& caller, std::span<const api::Val> a,
                            std::span<api::Val> r) -> std::optional<api::Trap> {
                          const int32_t n = a[0].as_i32();
                          if (n < 2) {
                            r[0] = api::Val::i32(n);
                            return std::nullopt;
                          }
                          auto x =
                              wasm_fib.call_as<int32_t>(caller.store(), n - 1);
                          if (!x.ok())
                            return x.trapped() ? x.trap() : api::Trap();
                          auto y =
                              wasm_fib.call_as<int32_t>(caller.store(), n - 2);
                          if (!y.ok())
                            return y.trapped() ? y.trap() : api::Trap();
                          r[0] = api::Val::i32(x.value() + y.value());
                          return std::nullopt;
                        })
                  .ok());
  // wasm fib(n) = host_fib(n) for n >= 2 through mutual recursion.
  auto module = compile_wat(engine, R"((module
    (import "env" "host_fib" (func $host (param i32) (result i32)))
    (func (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (call $host (local.get 0)))))
    (func (export "div") (param i32) (result i32)
      (i32.div_u (i32.const 1) (local.get 0))))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  wasm_fib = inst->get_func("fib");
  auto r = wasm_fib.call_as<int32_t>(store, 15);
  ASSERT_TRUE(r.ok()) << (r.trapped() ? r.trap().to_string()
                                      : r.error().message);
  EXPECT_EQ(r.value(), 610);
  // A trap in the inner wasm comes back to the host function that called it,
  // and the outer call goes on.
  api::Func div = inst->get_func("div");
  EXPECT_TRUE(div.call_as<int32_t>(store, 0).trapped());
  EXPECT_EQ(div.call_as<int32_t>(store, 1).value(), 1);
}

TEST(HostFunc, ConcreteReferenceTypesAreAUsageError) {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  const FuncType type =
      func_type({ValType::ref(HeapType::concrete(0), true)}, {});
  auto fn = [](api::Caller&, std::span<const api::Val>,
               std::span<api::Val>) -> std::optional<api::Trap> {
    return std::nullopt;
  };
  auto created = api::Func::create(store, type, fn);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().kind, ErrorKind::Usage);
  auto defined = linker.func("env", "f", type, fn);
  ASSERT_FALSE(defined.ok());
  EXPECT_EQ(defined.error().kind, ErrorKind::Usage);
  // Abstract reference types are fine.
  EXPECT_TRUE(
      api::Func::create(store, func_type({ValType::funcref()}, {}), fn).ok());
}

TEST(HostFunc, HostFunctionInATableIsCallableIndirectly) {
  api::Engine engine;
  api::Store store(engine);
  api::Func host =
      *api::Func::create(store, func_type({ValType::i32()}, {ValType::i32()}),
                         [](api::Caller&, std::span<const api::Val> a,
                            std::span<api::Val> r) -> std::optional<api::Trap> {
                           r[0] = api::Val::i32(a[0].as_i32() * 3);
                           return std::nullopt;
                         });
  TableType tt;
  tt.limits.min = 1;
  auto table = api::Table::create(store, tt, api::Val::funcref(host));
  ASSERT_TRUE(table.ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "t" (table 1 funcref))
    (func (export "call") (param i32) (result i32)
      (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0))))
  )");
  api::Extern imports[] = {*table};
  auto inst = api::Instance::create(store, module, imports);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  EXPECT_EQ(inst->get_func("call").call_as<int32_t>(store, 14).value(), 42);
  // Called directly from the host too.
  EXPECT_EQ(host.call_as<int32_t>(store, 2).value(), 6);
  EXPECT_EQ(table->get(0)->as_funcref(), host);
}

// The DWARF CFI registered with the module lets the system unwinder (C++
// exceptions, perf, gdb) walk from a host function through the wasm frames
// that called it and out to the host code that entered wasm.
TEST(HostFunc, UnwinderWalksThroughWasmFrames) {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  std::vector<uintptr_t> pcs;
  ASSERT_TRUE(
      linker
          .func("env", "probe", func_type({}, {}),
                [&](api::Caller&, std::span<const api::Val>,
                    std::span<api::Val>) -> std::optional<api::Trap> {
                  _Unwind_Backtrace(
                      [](_Unwind_Context* ctx, void* arg) {
                        static_cast<std::vector<uintptr_t>*>(arg)->push_back(
                            _Unwind_GetIP(ctx));
                        return _URC_NO_REASON;
                      },
                      &pcs);
                  return std::nullopt;
                })
          .ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "probe" (func $probe))
    (func $inner (call $probe))
    (func (export "outer") (call $inner)))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto r = inst->get_func("outer").call_as<void>(store);
  ASSERT_TRUE(r.ok());
  // Innermost first: the probe's own frames, the host-call trampoline (T1),
  // $inner (1), $outer (2), the entry trampoline (T0), the host caller.
  std::vector<std::string> frames;
  size_t host_frames_after = 0;
  for (uintptr_t pc : pcs) {
    const LoadedCode* code = LoadedCode::containing(pc - 1);
    if (!code) {
      if (!frames.empty()) ++host_frames_after;
      continue;
    }
    host_frames_after = 0;
    const LoadedCode::Function* f = code->function_at(pc - 1);
    ASSERT_NE(f, nullptr);
    frames.push_back((code->module() ? "" : "T") +
                     std::to_string(f->func_index));
  }
  EXPECT_EQ(frames, (std::vector<std::string>{"T1", "1", "2", "T0"}))
      << pcs.size() << " frames";
  EXPECT_GT(host_frames_after, 2u) << "the walk stopped in or near wasm code";
}

}  // namespace
}  // namespace heron
