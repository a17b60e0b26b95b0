// Execution tests of translated code: WAT -> translate -> x64
// compile_function -> run natively with a hand-made VMContext (limits
// pointer at +0, a defined memory where the layout says). They check the
// semantics the IR tests can only read: SSA values across loops and merges,
// branches with values, direct calls, and memory.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <vector>

#include "../isa/jit_test_support.h"
#include "isa/x64/compile.h"
#include "runtime/runtime_limits.h"
#include "runtime/vmcontext_layout.h"
#include "translate_test_util.h"

namespace heron::test {
namespace {

// A module compiled and loaded, with a zeroed VMContext whose limits allow
// any stack pointer and whose memory 0 (if defined) is a plain buffer.
class Compiled {
 public:
  explicit Compiled(std::string_view wat) { load(wat); }
  bool ok() const { return ok_; }
  void* vmctx() { return vmctx_.data(); }
  std::vector<uint8_t>& memory() { return memory_; }
  const VMContextLayout& layout() const { return *layout_; }
  const void* code(uint32_t func) const { return code_->address(func); }
  // The VMContext field at `offset`, as a T.
  template <class T>
  T* field(uint32_t offset) {
    return reinterpret_cast<T*>(reinterpret_cast<uint8_t*>(vmctx()) + offset);
  }
  template <class Fn>
  Fn entry(uint32_t func) const {
    return code_->entry<Fn>(func);
  }

 private:
  // Fails the test (and leaves ok() false) on any error.
  void load(std::string_view wat) {
    loaded_ = load_wat(wat);
    if (!loaded_) return;
    const Module& m = loaded_->module;
    auto env = ModuleEnv::create(m, {});
    ASSERT_TRUE(env);
    x64::CompileOptions options;
    options.emit.limits_ptr_offset = int32_t(VMContextLayout::kLimitsOffset);
    options.emit.stack_limit_offset = int32_t(RuntimeLimits::kStackLimitOffset);
    for (uint32_t fi = 0; fi < m.funcs.size(); ++fi) {
      ir::Function f = translate_ok(*env, fi);
      auto cf = x64::compile_function(f, options);
      ASSERT_TRUE(cf) << cf.error().message << "\n" << ir::print_function(f);
      funcs_.push_back(std::move(cf).value());
    }
    std::vector<const x64::CompiledFunction*> ptrs;
    for (const auto& cf : funcs_) ptrs.push_back(&cf);
    code_ = std::make_unique<x64::testing::LoadedCode>(
        ptrs, [](const x64::Relocation&) -> uint64_t { std::abort(); });
    layout_ = env->layout();
    vmctx_.assign(env->layout().size() / 8 + 1, 0);
    vmctx_[0] = uint64_t(&limits_);
    if (!m.memories.empty()) {
      memory_.assign(65536, 0);
      uint32_t at = env->layout().defined_memory(0) / 8;
      vmctx_[at] = uint64_t(memory_.data());
      vmctx_[at + 1] = memory_.size();
    }
    ok_ = true;
  }

  std::unique_ptr<LoadedModule> loaded_;
  std::optional<VMContextLayout> layout_;
  std::vector<x64::CompiledFunction> funcs_;
  std::unique_ptr<x64::testing::LoadedCode> code_;
  RuntimeLimits limits_;  // stack_limit 0: no stack pointer is below it
  std::vector<uint64_t> vmctx_;
  std::vector<uint8_t> memory_;
  bool ok_ = false;
};

TEST(TranslateExec, LoopCarriedLocals) {
  Compiled c(R"((module
    (func (param $n i32) (result i32) (local $acc i32)
      (local.set $acc (i32.const 1))
      (block $done
        (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i32.mul (local.get $acc) (local.get $n)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
      (local.get $acc))))");
  ASSERT_TRUE(c.ok());
  auto fac = c.entry<int32_t (*)(void*, int32_t)>(0);
  EXPECT_EQ(fac(c.vmctx(), 0), 1);
  EXPECT_EQ(fac(c.vmctx(), 5), 120);
  EXPECT_EQ(fac(c.vmctx(), 10), 3628800);
}

TEST(TranslateExec, BrTableWithValuesAndMerges) {
  Compiled c(R"((module
    (func (param $i i32) (result i32)
      (block $d (result i32)
        (block $b (result i32)
          (block $a (result i32)
            (br_table $a $b $d (i32.const 10) (local.get $i)))
          (i32.const 1) (i32.add) (br $d))
        (i32.const 3) (i32.mul)))))");
  ASSERT_TRUE(c.ok());
  auto f = c.entry<int32_t (*)(void*, int32_t)>(0);
  EXPECT_EQ(f(c.vmctx(), 0), 11);
  EXPECT_EQ(f(c.vmctx(), 1), 30);
  EXPECT_EQ(f(c.vmctx(), 2), 10);
  EXPECT_EQ(f(c.vmctx(), 99), 10);
}

TEST(TranslateExec, DirectRecursiveCalls) {
  Compiled c(R"((module
    (func $fib (param $n i64) (result i64)
      (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
        (then (local.get $n))
        (else (i64.add (call $fib (i64.sub (local.get $n) (i64.const 1)))
                       (call $fib (i64.sub (local.get $n) (i64.const 2)))))))))");
  ASSERT_TRUE(c.ok());
  auto fib = c.entry<int64_t (*)(void*, int64_t)>(0);
  EXPECT_EQ(fib(c.vmctx(), 20), 6765);
}

TEST(TranslateExec, MemoryLoadsAndStores) {
  Compiled c(R"((module
    (memory 1)
    (func (param $p i32) (result i64)
      (i32.store8 offset=1 (local.get $p) (i32.const 0x1ff))
      (i32.store16 offset=2 (local.get $p) (i32.const -2))
      (i64.add (i64.load8_u offset=1 (local.get $p))
               (i64.load16_s offset=2 (local.get $p))))))");
  ASSERT_TRUE(c.ok());
  auto f = c.entry<int64_t (*)(void*, int32_t)>(0);
  EXPECT_EQ(f(c.vmctx(), 100), 255 - 2);
  EXPECT_EQ(c.memory()[101], 0xff);
  EXPECT_EQ(c.memory()[102], 0xfe);
  EXPECT_EQ(c.memory()[103], 0xff);
}

TEST(TranslateExec, MultiValueAndGlobals) {
  Compiled c(R"((module
    (global $g (mut i64) (i64.const 40))
    (func $pair (param i32) (result i32 i64)
      (local.get 0)
      (if (param i32) (result i32) (local.get 0)
        (then (i32.const 100) (i32.add)))
      (global.get $g))
    (func (param i32) (result i64) (local $hi i64)
      (call $pair (local.get 0))
      (local.set $hi)
      (global.set $g (i64.add (global.get $g) (i64.const 2)))
      (i64.extend_i32_u)
      (local.get $hi)
      (i64.add))))");
  ASSERT_TRUE(c.ok());
  // Instantiation would evaluate the initializer.
  *c.field<int64_t>(c.layout().defined_global(0)) = 40;
  auto f = c.entry<int64_t (*)(void*, int32_t)>(1);
  EXPECT_EQ(f(c.vmctx(), 0), 40);
  EXPECT_EQ(f(c.vmctx(), 5), 42 + 105);
  EXPECT_EQ(*c.field<int64_t>(c.layout().defined_global(0)), 44);
}

TEST(TranslateExec, CallIndirectThroughATable) {
  Compiled c(R"((module
    (type $un (func (param i32) (result i32)))
    (table 2 funcref)
    (func $double (type $un) (i32.mul (local.get 0) (i32.const 2)))
    (func $square (type $un) (i32.mul (local.get 0) (local.get 0)))
    (func (param i32 i32) (result i32)
      (call_indirect (type $un) (local.get 1) (local.get 0)))))");
  ASSERT_TRUE(c.ok());
  // What instantiation would do: func refs, the table, signature ids.
  const VMContextLayout& layout = c.layout();
  uint32_t sig_ids[] = {7};
  *c.field<const uint32_t*>(VMContextLayout::kSignatureIdsOffset) = sig_ids;
  void* slots[2];
  for (uint32_t k = 0; k < 2; ++k) {
    auto* ref = c.field<VMFuncRef>(layout.func_ref(k));
    ref->code = c.code(k);
    ref->type_id = 7;
    ref->vmctx = static_cast<VMContext*>(c.vmctx());
    slots[k] = ref;
  }
  auto* table = c.field<VMTableDefinition>(layout.defined_table(0));
  table->base = slots;
  table->elements = 2;
  auto f = c.entry<int32_t (*)(void*, int32_t, int32_t)>(2);
  EXPECT_EQ(f(c.vmctx(), 0, 9), 18);
  EXPECT_EQ(f(c.vmctx(), 1, 9), 81);
}

}  // namespace
}  // namespace heron::test
