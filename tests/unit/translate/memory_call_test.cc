// Translator tests for linear memory (bounds strategies, widths, bulk
// operators), globals, tables and calls: the IR must follow the VMContext
// layout and the contract with the backend and the runtime.
#include <gtest/gtest.h>

#include <string>

#include "runtime/vmcontext_layout.h"
#include "translate_test_util.h"

namespace heron::test {
namespace {

TEST(TranslateMemory, GuardPagesNeedNoCheck) {
  Translated t = translate_wat(R"((module
    (memory 1)
    (func (param i32) (result i32)
      (i32.store8 offset=3 (local.get 0) (i32.load16_s offset=100 (local.get 0)))
      (i32.load (local.get 0)))))");
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::HeapBoundsCheck), 0u) << t.text;
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::HeapLoad), 2u);
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::HeapStore), 1u);
  EXPECT_NE(t.text.find("heap_load.i32 s16 mem0"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("+100"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("heap_store.i32 trunc8 mem0"), std::string::npos)
      << t.text;
  // The base is loaded once, from the defined memory's slot.
  auto loaded = load_wat("(module (memory 1))");
  auto layout = VMContextLayout::compute(loaded->module);
  ASSERT_TRUE(layout);
  std::string base_load =
      "load.i64 v0+" + std::to_string(layout->defined_memory_base(0));
  EXPECT_EQ(count_text(t.text, base_load), 1u) << t.text;
}

TEST(TranslateMemory, ExplicitModeChecksEveryAccess) {
  TranslateOptions explicit_checks;
  explicit_checks.explicit_bounds_checks = true;
  Translated t = translate_wat(R"((module
    (memory 1)
    (func (param i32) (result i64)
      (i64.load32_u offset=8 (local.get 0)))))",
                               explicit_checks);
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::HeapBoundsCheck), 1u) << t.text;
  // index + offset + width <= length: size = 8 + 4.
  EXPECT_NE(t.text.find("heap_bounds_check mem0 v1, "), std::string::npos)
      << t.text;
  EXPECT_NE(t.text.find(", 12\n"), std::string::npos) << t.text;
}

TEST(TranslateMemory, OffsetsBeyondTheGuardAreChecked) {
  Translated t = translate_wat(R"((module
    (memory 1)
    (func (param i32) (result i32)
      (i32.load offset=0xfffffff0 (local.get 0)))))");
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::HeapBoundsCheck), 1u) << t.text;
}

TEST(TranslateMemory, Memory64UsesI64IndicesAndChecks) {
  Translated t = translate_wat(R"((module
    (memory i64 1)
    (func (param i64) (result i64)
      (i64.store offset=0x100000000 (local.get 0) (i64.const 1))
      (memory.grow (i64.const 2)))))");
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::HeapBoundsCheck), 1u) << t.text;
  EXPECT_NE(t.text.find("+4294967296"), std::string::npos) << t.text;
  // memory.grow's result stays i64; no narrowing.
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Ireduce), 0u) << t.text;
}

TEST(TranslateMemory, OffsetOverflowAlwaysTraps) {
  Translated t = translate_wat(R"((module
    (memory i64 1)
    (func (param i64) (result i64)
      (i64.load offset=0xfffffffffffffffc (local.get 0)))))");
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::HeapLoad), 0u) << t.text;
  EXPECT_NE(t.text.find("trap heap_oob"), std::string::npos) << t.text;
}

TEST(TranslateMemory, ExplicitBaseIsReloadedAfterCalls) {
  TranslateOptions explicit_checks;
  explicit_checks.explicit_bounds_checks = true;
  Translated t = translate_wat(R"((module
    (memory 1)
    (func (param i32) (result i32)
      (drop (i32.load (local.get 0)))
      (drop (i32.load (local.get 0)))
      (drop (memory.grow (i32.const 1)))
      (i32.load (local.get 0)))))",
                               explicit_checks);
  auto loaded = load_wat("(module (memory 1))");
  auto layout = VMContextLayout::compute(loaded->module);
  ASSERT_TRUE(layout);
  std::string base_load =
      "load.i64 v0+" + std::to_string(layout->defined_memory_base(0)) + "\n";
  EXPECT_EQ(count_text(t.text, base_load), 2u) << t.text;
}

TEST(TranslateMemory, SizeGrowAndBulkAreLibcallsOrLoads) {
  Translated t = translate_wat(R"((module
    (memory 1)
    (data "abc")
    (func (param i32) (result i32)
      (memory.fill (local.get 0) (i32.const 0) (i32.const 16))
      (memory.copy (local.get 0) (i32.const 0) (i32.const 3))
      (memory.init 0 (local.get 0) (i32.const 0) (i32.const 3))
      (data.drop 0)
      (i32.add (memory.size) (memory.grow (i32.const 1))))))");
  for (const char* name :
       {"libcall memory_fill", "libcall memory_copy", "libcall memory_init",
        "libcall data_drop", "libcall memory_grow"}) {
    EXPECT_EQ(count_text(t.text, name), 1u) << name << "\n" << t.text;
  }
  // memory.size: length >> 16, narrowed to i32.
  EXPECT_NE(t.text.find("ushr.i64"), std::string::npos) << t.text;
  EXPECT_GE(count_opcode(t.func, ir::Opcode::Ireduce), 2u) << t.text;
  // Each libcall signature is declared once.
  EXPECT_EQ(t.func.num_signatures(), 5u);
}

TEST(TranslateMemory, MultiMemoryIndices) {
  Translated t = translate_wat(R"((module
    (memory $a 1) (memory $b 1)
    (func (param i32)
      (i32.store $b (local.get 0) (i32.load $a (local.get 0))))))");
  EXPECT_NE(t.text.find("heap_load.i32 mem0"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("heap_store.i32 mem1"), std::string::npos) << t.text;
}

TEST(TranslateGlobals, DefinedInlineImportedThroughPointer) {
  Translated t = translate_wat(R"((module
    (import "m" "g" (global $g (mut i64)))
    (global $h (mut f32) (f32.const 0))
    (func
      (global.set $g (i64.add (global.get $g) (i64.const 1)))
      (global.set $h (global.get $h)))))");
  auto layout = VMContextLayout::compute(t.loaded->module);
  ASSERT_TRUE(layout);
  std::string import_ptr =
      "load.i64 v0+" + std::to_string(layout->imported_global(0));
  std::string defined = "v0+" + std::to_string(layout->defined_global(0));
  EXPECT_EQ(count_text(t.text, import_ptr), 1u) << t.text;
  EXPECT_NE(t.text.find("load.f32 " + defined), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("store.f32"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("store.i64"), std::string::npos) << t.text;
}

TEST(TranslateCalls, DefinedCallIsDirectImportedIsIndirect) {
  Translated t = translate_wat(R"((module
    (import "m" "f" (func $imp (param i32) (result i32)))
    (func $g (param i32) (result i32) (local.get 0))
    (func (param i32) (result i32)
      (call $g (call $imp (local.get 0))))))",
                               {}, 2);
  EXPECT_NE(t.text.find("call fn1 sig"), std::string::npos) << t.text;
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::CallIndirect), 1u) << t.text;
  // One signature serves both calls of the same type.
  EXPECT_EQ(t.func.num_signatures(), 1u);
  auto layout = VMContextLayout::compute(t.loaded->module);
  ASSERT_TRUE(layout);
  EXPECT_NE(
      t.text.find("v0+" + std::to_string(layout->imported_function_vmctx(0))),
      std::string::npos)
      << t.text;
}

TEST(TranslateCalls, CallIndirectChecksBoundsNullAndSignature) {
  Translated t = translate_wat(R"((module
    (type $t (func (param f64) (result f64)))
    (table 4 funcref)
    (func (param f64 i32) (result f64)
      (call_indirect (type $t) (local.get 0) (local.get 1)))))");
  EXPECT_NE(t.text.find("undef_elem"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("icall_null"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("bad_sig"), std::string::npos) << t.text;
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::CallIndirect), 1u);
  // The expected id is signature_ids[type index] (a u32 array).
  EXPECT_NE(t.text.find("load.i64 v0+8"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("load.i32"), std::string::npos) << t.text;
}

TEST(TranslateTables, GetSetSizeInlineOthersLibcalls) {
  Translated t = translate_wat(R"((module
    (table $t 2 externref)
    (table $u 2 funcref)
    (elem $e func 0)
    (func (param i32 externref) (result i32)
      (table.set $t (local.get 0) (table.get $t (local.get 0)))
      (table.fill $t (i32.const 0) (local.get 1) (i32.const 1))
      (table.copy $t $t (i32.const 0) (i32.const 1) (i32.const 1))
      (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 1))
      (elem.drop $e)
      (drop (table.grow $t (ref.null extern) (i32.const 1)))
      (drop (ref.is_null (ref.func 0)))
      (table.size $t))))");
  EXPECT_EQ(count_text(t.text, "table_oob"), 2u) << t.text;
  for (const char* name :
       {"libcall table_fill", "libcall table_copy", "libcall table_init",
        "libcall elem_drop", "libcall table_grow"}) {
    EXPECT_EQ(count_text(t.text, name), 1u) << name << "\n" << t.text;
  }
  EXPECT_EQ(count_text(t.text, "libcall table_get"), 0u);
  EXPECT_EQ(count_text(t.text, "libcall ref_func"), 0u);
}

}  // namespace
}  // namespace heron::test
