// Instantiation semantics that need no compiled code: constant expressions,
// globals, data and element segments and their out-of-bounds behaviour.
#include <gtest/gtest.h>

#include "api_test_support.h"
#include "runtime/store_impl.h"

namespace heron {
namespace {

using testing::compile_wat;

TEST(Instantiate, GlobalsEvaluateConstantExpressionsInOrder) {
  api::Engine engine;
  api::Store store(engine);
  auto imported = api::Global::create(store, GlobalType{ValType::i32(), false},
                                      api::Val::i32(40));
  ASSERT_TRUE(imported.ok());
  api::Linker linker(engine);
  ASSERT_TRUE(linker.define("env", "g", *imported).ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "g" (global $g i32))
    (global $a (export "a") i32 (i32.add (global.get $g) (i32.const 2)))
    (global $b (export "b") i64 (i64.mul (i64.const 3) (i64.const -5)))
    (global $c (export "c") (mut f64) (f64.const 2.5))
    (global $d (export "d") i32 (i32.sub (global.get $a) (i32.const 50)))
    (global $f (export "f") f32 (f32.const -0.0))
    (global $r (export "r") externref (ref.null extern)))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  EXPECT_EQ(inst->get_global("a")->get().as_i32(), 42);
  EXPECT_EQ(inst->get_global("b")->get().as_i64(), -15);
  EXPECT_EQ(inst->get_global("c")->get().as_f64(), 2.5);
  EXPECT_EQ(inst->get_global("d")->get().as_i32(), -8);
  EXPECT_EQ(inst->get_global("f")->get().as_f32_bits(), 0x80000000u);
  EXPECT_TRUE(inst->get_global("r")->get().is_null());
  EXPECT_TRUE(inst->get_global("r")->get().is_externref());

  api::Global c = *inst->get_global("c");
  ASSERT_TRUE(c.set(api::Val::f64(-1.0)).ok());
  EXPECT_EQ(c.get().as_f64(), -1.0);
  EXPECT_FALSE(c.set(api::Val::i32(1)).ok());
  EXPECT_FALSE(inst->get_global("a")->set(api::Val::i32(1)).ok());
}

TEST(Instantiate, DataSegmentsWriteMemory) {
  api::Engine engine;
  api::Store store(engine);
  auto module = compile_wat(engine, R"((module
    (memory (export "m") 1 2)
    (global $o i32 (i32.const 16))
    (data (i32.const 0) "abc")
    (data (global.get $o) "\01\02")
    (data (i32.sub (i32.const 65536) (i32.const 1)) "z"))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  api::Memory mem = *inst->get_memory("m");
  EXPECT_EQ(mem.size(), 1u);
  EXPECT_EQ(mem.data_size(), 65536u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem.data()), 3), "abc");
  EXPECT_EQ(mem.data()[16], 1);
  EXPECT_EQ(mem.data()[17], 2);
  EXPECT_EQ(mem.data()[65535], 'z');
  EXPECT_EQ(mem.grow(1), 1);
  EXPECT_EQ(mem.size(), 2u);
  EXPECT_EQ(mem.grow(1), -1);
}

TEST(Instantiate, OutOfBoundsDataSegmentFailsButKeepsEarlierWrites) {
  api::Engine engine;
  api::Store store(engine);
  MemoryType mt;
  mt.limits.min = 1;
  auto mem = api::Memory::create(store, mt);
  ASSERT_TRUE(mem.ok());
  api::Linker linker(engine);
  ASSERT_TRUE(linker.define("env", "mem", *mem).ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "mem" (memory 1))
    (data (i32.const 10) "hi")
    (data (i32.const 65535) "xy")
    (data (i32.const 20) "never"))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::Uninstantiable);
  EXPECT_EQ(inst.error().message, "out of bounds memory access");
  EXPECT_EQ(mem->data()[10], 'h');
  EXPECT_EQ(mem->data()[11], 'i');
  EXPECT_EQ(mem->data()[65535], 0);  // nothing of the failing segment
  EXPECT_EQ(mem->data()[20], 0);
}

TEST(Instantiate, ZeroLengthSegmentAtTheEndIsInBounds) {
  api::Engine engine;
  api::Store store(engine);
  auto ok =
      compile_wat(engine, R"((module (memory 1) (data (i32.const 65536) "")))");
  EXPECT_TRUE(api::Instance::create(store, ok, {}).ok());
  auto bad =
      compile_wat(engine, R"((module (memory 1) (data (i32.const 65537) "")))");
  auto r = api::Instance::create(store, bad, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "out of bounds memory access");
}

TEST(Instantiate, ElementSegmentsAndTheirBounds) {
  api::Engine engine;
  api::Store store(engine);
  static int marker;
  TableType tt;
  tt.elem = ValType::externref();
  tt.limits.min = 4;
  auto table = api::Table::create(store, tt, api::Val::externref(&marker));
  ASSERT_TRUE(table.ok());
  api::Linker linker(engine);
  ASSERT_TRUE(linker.define("env", "t", *table).ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "t" (table 4 externref))
    (elem (table 0) (i32.const 1) externref (ref.null extern))
    (elem (table 0) (i32.const 3) externref (ref.null extern) (ref.null extern))
    (elem (table 0) (i32.const 0) externref (ref.null extern)))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::Uninstantiable);
  EXPECT_EQ(inst.error().message, "out of bounds table access");
  EXPECT_EQ(table->get(0)->as_externref(), &marker);  // after the failure
  EXPECT_TRUE(table->get(1)->is_null());              // before it
  EXPECT_EQ(table->get(2)->as_externref(), &marker);
  EXPECT_EQ(table->get(3)->as_externref(), &marker);  // failing: no write
  EXPECT_FALSE(table->get(4).has_value());
}

TEST(Instantiate, TableWithInitializerAndGrowth) {
  api::Engine engine;
  api::Store store(engine);
  auto module = compile_wat(engine, R"((module
    (table (export "t") 2 5 externref))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  api::Table t = *inst->get_table("t");
  EXPECT_EQ(t.size(), 2u);
  static int x;
  EXPECT_EQ(t.grow(2, api::Val::externref(&x)), 2);
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.get(3)->as_externref(), &x);
  EXPECT_TRUE(t.get(1)->is_null());
  EXPECT_EQ(t.grow(2, api::Val::null_externref()), -1);
  EXPECT_TRUE(t.set(0, api::Val::externref(&x)).ok());
  EXPECT_EQ(t.get(0)->as_externref(), &x);
  EXPECT_FALSE(t.set(4, api::Val::null_externref()).ok());
  EXPECT_FALSE(t.set(0, api::Val::i32(0)).ok());
}

TEST(Instantiate, PassiveSegmentsStayUntilDropped) {
  api::Engine engine;
  api::Store store(engine);
  auto module = compile_wat(engine, R"((module
    (memory 1)
    (data "passive")
    (data (i32.const 0) "active")
    (elem externref (ref.null extern) (ref.null extern))
    (elem declare funcref (ref.null func)))
  )");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  InstanceImpl* impl = inst->impl();
  EXPECT_EQ(impl->data_segment(0).size(), 7u);
  EXPECT_EQ(impl->data_segment(1).size(), 0u);  // active: dropped
  EXPECT_EQ(impl->elems[0].size(), 2u);
  EXPECT_EQ(impl->elems[1].size(), 0u);  // declarative: dropped
}

// A defined function's Func is made on first use and is the same object
// however it is reached afterwards: an export asked for twice, a table
// element, a ref.func result; an imported function stays the host's.
TEST(Instantiate, FunctionsKeepOneIdentity) {
  api::Engine engine;
  api::Store store(engine);
  api::Linker linker(engine);
  ASSERT_TRUE(linker
                  .func("env", "h", FuncType{{}, {}},
                        [](api::Caller&, std::span<const api::Val>,
                           std::span<api::Val>) -> std::optional<api::Trap> {
                          return std::nullopt;
                        })
                  .ok());
  auto module = compile_wat(engine, R"((module
    (import "env" "h" (func $h))
    (table (export "t") 3 funcref)
    (elem (i32.const 0) $a $h $b)
    (func $a (export "a"))
    (func $b (export "b"))
    (func (export "ref_b") (result funcref) (ref.func $b))
    (export "h" (func $h)))
  )");
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  api::Table t = *inst->get_table("t");
  api::Func b_by_table = t.get(2)->as_funcref();
  api::Func b = inst->get_func("b");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b == b_by_table);
  EXPECT_TRUE(b == inst->get_func("b"));
  EXPECT_FALSE(b == inst->get_func("a"));
  EXPECT_TRUE(inst->get_func("a") == t.get(0)->as_funcref());
  EXPECT_TRUE(inst->get_func("h") == t.get(1)->as_funcref());
  EXPECT_TRUE(inst->get_func("h") ==
              std::get<api::Func>(*linker.get(store, "env", "h")));
  auto r = inst->get_func("ref_b").call(store, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value()[0].as_funcref() == b);
}

TEST(Instantiate, ModuleListsImportsAndExports) {
  api::Engine engine;
  auto module = compile_wat(engine, R"((module $mod
    (import "a" "m" (memory 1 3))
    (import "b" "g" (global (mut i64)))
    (global (export "x") f32 (f32.const 1))
    (memory (export "mem") 0))
  )");
  ASSERT_EQ(module.imports().size(), 2u);
  EXPECT_EQ(module.imports()[0].module, "a");
  EXPECT_EQ(module.imports()[0].type.kind, ExternKind::Memory);
  EXPECT_EQ(module.imports()[0].type.memory.limits.max, 3u);
  EXPECT_EQ(module.imports()[1].type.kind, ExternKind::Global);
  EXPECT_TRUE(module.imports()[1].type.global.mut);
  ASSERT_EQ(module.exports().size(), 2u);
  EXPECT_EQ(module.exports()[0].name, "x");
  EXPECT_EQ(module.exports()[0].type.global.type, ValType::f32());
  EXPECT_EQ(module.exports()[1].type.kind, ExternKind::Memory);
  EXPECT_EQ(module.name(), "mod");
}

TEST(Instantiate, ModuleErrorsKeepTheirKind) {
  api::Engine engine;
  auto bad_text = api::Module::from_text(engine, "(module (func (i32.add)))");
  ASSERT_FALSE(bad_text.ok());
  EXPECT_EQ(bad_text.error().kind, ErrorKind::Invalid);
  const uint8_t junk[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
  auto bad_bin = api::Module::from_bytes(engine, junk);
  ASSERT_FALSE(bad_bin.ok());
  EXPECT_EQ(bad_bin.error().kind, ErrorKind::Malformed);
  auto missing = api::Module::from_file(engine, "/nonexistent/x.wasm");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Io);
}

}  // namespace
}  // namespace heron
