// Unconditional traps end their block: a `trap` in the entry block (a
// function whose body is just `unreachable`) must compile — the entry block
// may have no predecessors — and trap with its code when run.
#include <gtest/gtest.h>

#include <cstdint>

#include "lower_test_support.h"
#include "runtime/activation.h"

namespace heron::x64::testing {
namespace {

TEST(X64LowerTrap, TrapInEntryBlock) {
  CompiledFunction cf = compile_ir(
      "function %f(i64 vmctx) -> i32 {\n"
      "block0(v0: i64):\n"
      "    trap unreachable\n"
      "}\n");
  ASSERT_FALSE(cf.code.empty());
  ASSERT_EQ(cf.traps.size(), 1u);
  EXPECT_EQ(cf.traps[0].code, TrapCode::Unreachable);

  RegisteredCode code(cf);
  auto fn = code.entry<uint32_t (*)(void*)>();
  RuntimeLimits limits;
  struct {
    RuntimeLimits* limits;
  } vmctx{&limits};
  auto r = call_wasm(limits, kDefaultMaxWasmStack, fn, (void*)&vmctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::Unreachable);
}

TEST(X64LowerTrap, TrapOnOneArmOnly) {
  CompiledFunction cf = compile_ir(
      "function %f(i64 vmctx, i32) -> i32 {\n"
      "block0(v0: i64, v1: i32):\n"
      "    brif v1, block1, block2\n"
      "block1:\n"
      "    trap int_divz\n"
      "block2:\n"
      "    v2 = iconst.i32 7\n"
      "    return v2\n"
      "}\n");
  RegisteredCode code(cf);
  auto fn = code.entry<uint32_t (*)(void*, uint32_t)>();
  RuntimeLimits limits;
  struct {
    RuntimeLimits* limits;
  } vmctx{&limits};
  auto ok = call_wasm(limits, kDefaultMaxWasmStack, fn, (void*)&vmctx, 0u);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 7u);
  auto trapped = call_wasm(limits, kDefaultMaxWasmStack, fn, (void*)&vmctx, 1u);
  ASSERT_FALSE(trapped.ok());
  EXPECT_EQ(trapped.trap().code, TrapCode::IntegerDivideByZero);
}

}  // namespace
}  // namespace heron::x64::testing
