// End-to-end through the public API: compile (translate, optimize, x64),
// link, instantiate, call; traps with backtraces, memory bounds at the last
// byte in both bounds-check strategies, cross-module calls.
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "api_test_support.h"
#include "runtime/compiled_module.h"

namespace heron {
namespace {

using testing::compile_wat;

api::Config config_with(bool explicit_bounds, api::OptLevel level) {
  api::Config c;
  c.explicit_bounds_checks = explicit_bounds;
  c.opt_level = level;
  return c;
}

// Four functions comparing two floats of type `t` with `op`: the value
// itself, and the comparison as the condition of if, select and br_if.
std::string fmt_cond(const std::string& t, const std::string& op) {
  const std::string cmp = "(" + t + "." + op + " (local.get 0) (local.get 1))";
  const std::string sig = "(param " + t + " " + t + ") (result i32)";
  const std::string n = t + "." + op + ".";
  return "(func (export \"" + n + "value\") " + sig + " " + cmp + ")\n" +
         "(func (export \"" + n + "if\") " + sig + " (if (result i32) " + cmp +
         " (then (i32.const 1)) (else (i32.const 0))))\n" + "(func (export \"" +
         n + "select\") " + sig + " (select (i32.const 1) (i32.const 0) " +
         cmp + "))\n" + "(func (export \"" + n + "br_if\") " + sig +
         " (block (br_if 0 " + cmp +
         ") (return (i32.const 0))) (i32.const 1))\n";
}

class EndToEnd
    : public ::testing::TestWithParam<std::tuple<bool, api::OptLevel>> {
 protected:
  api::Engine engine{
      config_with(std::get<0>(GetParam()), std::get<1>(GetParam()))};
  api::Store store{engine};
};

INSTANTIATE_TEST_SUITE_P(
    Configs, EndToEnd,
    ::testing::Combine(::testing::Bool(),
                       ::testing::Values(api::OptLevel::O0,
                                         api::OptLevel::O2)));

// Float comparisons used as conditions (fused into ucomis + jcc / cmov at
// -O2) agree with their values (setcc) for NaN, signed zeros and infinities.
TEST_P(EndToEnd, FloatComparisonsAsConditions) {
  std::string wat = "(module\n";
  const char* ops[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  for (const char* t : {"f32", "f64"}) {
    for (const char* op : ops) {
      wat += fmt_cond(t, op);
    }
  }
  wat += ")";
  auto module = compile_wat(engine, wat);
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const double values[] = {nan, -inf, -1.5, -0.0, 0.0, 2.0, inf};
  for (const char* t : {"f32", "f64"}) {
    for (const char* op : ops) {
      for (double x : values) {
        for (double y : values) {
          const bool want = std::string(op) == "eq"   ? x == y
                            : std::string(op) == "ne" ? x != y
                            : std::string(op) == "lt" ? x < y
                            : std::string(op) == "le" ? x <= y
                            : std::string(op) == "gt" ? x > y
                                                      : x >= y;
          const std::vector<api::Val> args =
              std::string(t) == "f32"
                  ? std::vector<api::Val>{api::Val::f32(float(x)),
                                          api::Val::f32(float(y))}
                  : std::vector<api::Val>{api::Val::f64(x), api::Val::f64(y)};
          for (const char* form : {"value", "if", "select", "br_if"}) {
            const std::string name = std::string(t) + "." + op + "." + form;
            auto r = inst->get_func(name).call(store, args);
            ASSERT_TRUE(r.ok()) << name;
            EXPECT_EQ(r.value()[0].as_i32(), want ? 1 : 0)
                << name << "(" << x << ", " << y << ")";
          }
        }
      }
    }
  }
}

TEST_P(EndToEnd, CallsAnExportedFunction) {
  auto module = compile_wat(engine, R"((module
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))
    (func (export "fac") (param i64) (result i64)
      (if (result i64) (i64.eqz (local.get 0))
        (then (i64.const 1))
        (else (i64.mul (local.get 0)
                       (call 1 (i64.sub (local.get 0) (i64.const 1)))))))
    (func (export "swap") (param f32 f64) (result f64 f32)
      (local.get 1) (local.get 0)))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto add = inst->get_func("add").call_as<int32_t>(store, 40, 2);
  ASSERT_TRUE(add.ok());
  EXPECT_EQ(add.value(), 42);
  auto fac = inst->get_func("fac").call_as<int64_t>(store, int64_t{20});
  ASSERT_TRUE(fac.ok());
  EXPECT_EQ(fac.value(), 2432902008176640000);
  auto swap = inst->get_func("swap").call_as<std::tuple<double, float>>(
      store, 1.5f, -2.25);
  ASSERT_TRUE(swap.ok());
  EXPECT_EQ(std::get<0>(swap.value()), -2.25);
  EXPECT_EQ(std::get<1>(swap.value()), 1.5f);

  auto wrong = inst->get_func("add").call(
      store, std::vector<api::Val>{api::Val::i32(1)});
  ASSERT_TRUE(wrong.failed());
  EXPECT_EQ(wrong.error().kind, ErrorKind::Usage);
}

TEST_P(EndToEnd, TrapFromDeepFramesHasABacktrace) {
  auto module = compile_wat(engine, R"((module $m
    (func $outer (export "run") (param i32) (result i32)
      (call $middle (local.get 0)))
    (func $middle (param i32) (result i32)
      (i32.add (i32.const 1) (call $inner (local.get 0))))
    (func $inner (param i32) (result i32)
      (i32.div_s (i32.const 7) (local.get 0))))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  api::Func run = inst->get_func("run");
  auto ok = run.call_as<int32_t>(store, 7);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 2);
  auto r = run.call_as<int32_t>(store, 0);
  ASSERT_TRUE(r.trapped());
  const api::Trap& t = r.trap();
  EXPECT_EQ(t.code, TrapCode::IntegerDivideByZero);
  EXPECT_EQ(t.message, "integer divide by zero");
  ASSERT_EQ(t.backtrace.size(), 3u) << t.to_string();
  EXPECT_EQ(t.backtrace[0].func_index, 2u);
  EXPECT_EQ(t.backtrace[0].func_name, "inner");
  EXPECT_EQ(t.backtrace[1].func_index, 1u);
  EXPECT_EQ(t.backtrace[1].func_name, "middle");
  EXPECT_EQ(t.backtrace[2].func_index, 0u);
  EXPECT_EQ(t.backtrace[2].func_name, "outer");
  EXPECT_EQ(t.backtrace[0].module_name, "m");
  // Offsets point into the right bodies, in order.
  const auto& bytes = module.impl().module;
  for (size_t k = 0; k < 3; k++) {
    const ByteRange body = bytes.bodies[2 - k].range;
    ASSERT_NE(t.backtrace[k].module_offset, api::FrameInfo::kNoOffset);
    EXPECT_GE(t.backtrace[k].module_offset, body.offset) << k;
    EXPECT_LT(t.backtrace[k].module_offset, body.end()) << k;
  }
  // The division is the opcode 0x6d at the innermost offset.
  EXPECT_EQ(bytes.bytes[t.backtrace[0].module_offset], 0x6d);
  // The store is still usable.
  auto again = run.call_as<int32_t>(store, 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), 8);
}

TEST_P(EndToEnd, MemoryBoundsAtTheLastByte) {
  auto module = compile_wat(engine, R"((module
    (memory (export "mem") 1)
    (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "store64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "load_off") (param i32) (result i32)
      (i32.load8_u offset=65535 (local.get 0))))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  api::Memory mem = *inst->get_memory("mem");
  mem.data()[65535] = 0x7f;
  auto load8 = inst->get_func("load8");
  auto load32 = inst->get_func("load32");
  auto store64 = inst->get_func("store64");
  EXPECT_EQ(load8.call_as<int32_t>(store, 65535).value(), 0x7f);
  auto oob = load8.call_as<int32_t>(store, 65536);
  ASSERT_TRUE(oob.trapped());
  EXPECT_EQ(oob.trap().code, TrapCode::MemoryOutOfBounds);
  EXPECT_EQ(load32.call_as<int32_t>(store, 65532).value(), 0x7f000000);
  EXPECT_TRUE(load32.call_as<int32_t>(store, 65533).trapped());
  EXPECT_TRUE(load32.call_as<int32_t>(store, -1).trapped());
  EXPECT_TRUE(store64.call_as<void>(store, 65528, int64_t{-1}).ok());
  EXPECT_TRUE(store64.call_as<void>(store, 65529, int64_t{1}).trapped());
  EXPECT_EQ(mem.data()[65528], 0xff);
  EXPECT_EQ(inst->get_func("load_off").call_as<int32_t>(store, 0).value(),
            0xff);
  EXPECT_TRUE(inst->get_func("load_off").call_as<int32_t>(store, 1).trapped());
  // After growing, the next page is accessible, the one after is not.
  EXPECT_EQ(inst->get_func("grow").call_as<int32_t>(store, 1).value(), 1);
  EXPECT_EQ(load8.call_as<int32_t>(store, 65536).value(), 0);
  EXPECT_EQ(load8.call_as<int32_t>(store, 131071).value(), 0);
  EXPECT_TRUE(load8.call_as<int32_t>(store, 131072).trapped());
}

TEST_P(EndToEnd, CallIndirectAcrossModulesUsesCanonicalTypes) {
  auto exporter = compile_wat(engine, R"((module
    (type $t (func (param i32) (result i32)))
    (table (export "tab") 3 funcref)
    (func $double (type $t) (i32.mul (local.get 0) (i32.const 2)))
    (func $other (param i64) (result i64) (local.get 0))
    (elem (i32.const 0) $double $other))
  )");
  auto a = api::Instance::create(store, exporter, {});
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto importer = compile_wat(engine, R"((module
    (type $u (func (param i32) (result i32)))
    (import "a" "tab" (table 3 funcref))
    (func (export "call") (param i32 i32) (result i32)
      (call_indirect (type $u) (local.get 1) (local.get 0))))
  )");
  api::Linker linker(engine);
  ASSERT_TRUE(linker.define_instance("a", *a).ok());
  auto b = linker.instantiate(store, importer);
  ASSERT_TRUE(b.ok()) << b.error().message;
  api::Func call = b->get_func("call");
  EXPECT_EQ(call.call_as<int32_t>(store, 0, 21).value(), 42);
  auto mismatch = call.call_as<int32_t>(store, 1, 0);
  ASSERT_TRUE(mismatch.trapped());
  EXPECT_EQ(mismatch.trap().code, TrapCode::IndirectCallTypeMismatch);
  auto null = call.call_as<int32_t>(store, 2, 0);
  ASSERT_TRUE(null.trapped());
  EXPECT_EQ(null.trap().code, TrapCode::UninitializedElement);
  auto undefined = call.call_as<int32_t>(store, 3, 0);
  ASSERT_TRUE(undefined.trapped());
  EXPECT_EQ(undefined.trap().code, TrapCode::UndefinedElement);
  // A funcref read from the host calls the same function.
  api::Table tab = *a->get_table("tab");
  api::Func doubled = tab.get(0)->as_funcref();
  ASSERT_FALSE(doubled.is_null());
  EXPECT_EQ(doubled.call_as<int32_t>(store, 5).value(), 10);
}

TEST_P(EndToEnd, StartFunctionAndItsTrap) {
  auto module = compile_wat(engine, R"((module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func $start (global.set $g (i32.const 5)))
    (start $start))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  EXPECT_EQ(inst->get_global("g")->get().as_i32(), 5);
  // (The trap sits in a branch: x64 rejects an entry block that ends in a
  // trap, "regalloc: entry block has preds", reported to the backend.)
  auto trapping = compile_wat(engine, R"((module
    (global $zero i32 (i32.const 0))
    (func (if (i32.eqz (global.get $zero)) (then unreachable)))
    (start 0)))");
  auto r = api::Instance::create(store, trapping, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
  EXPECT_EQ(r.error().message, "unreachable");
}

TEST_P(EndToEnd, BulkMemoryAndTablesThroughLibcalls) {
  auto module = compile_wat(engine, R"((module
    (memory (export "mem") 1)
    (data $d "abcdef")
    (table $t 4 funcref)
    (elem $e func $f $f)
    (func $f (result i32) (i32.const 9))
    (func (export "init") (param i32 i32 i32)
      (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
    (func (export "fill") (param i32 i32 i32)
      (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "tinit") (param i32)
      (table.init $t $e (local.get 0) (i32.const 0) (i32.const 2)))
    (func (export "call") (param i32) (result i32)
      (call_indirect (result i32) (local.get 0))))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  api::Memory mem = *inst->get_memory("mem");
  EXPECT_TRUE(inst->get_func("init").call_as<void>(store, 10, 2, 3).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem.data()) + 10, 3), "cde");
  auto oob = inst->get_func("init").call_as<void>(store, 65535, 0, 2);
  ASSERT_TRUE(oob.trapped());
  EXPECT_EQ(oob.trap().code, TrapCode::MemoryOutOfBounds);
  ASSERT_FALSE(oob.trap().backtrace.empty());
  EXPECT_EQ(oob.trap().backtrace[0].func_index, 1u);
  EXPECT_EQ(mem.data()[65535], 0);
  EXPECT_TRUE(inst->get_func("fill").call_as<void>(store, 0, 0x41, 2).ok());
  EXPECT_EQ(mem.data()[1], 0x41);
  EXPECT_TRUE(inst->get_func("tinit").call_as<void>(store, 2).ok());
  EXPECT_EQ(inst->get_func("call").call_as<int32_t>(store, 3).value(), 9);
  EXPECT_TRUE(inst->get_func("tinit").call_as<void>(store, 3).trapped());
}

}  // namespace
}  // namespace heron
