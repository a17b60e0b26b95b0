// ModuleEnv tests: per-memory bounds strategies, the guard-region rule and
// call signatures per type index.
#include <gtest/gtest.h>

#include "translate_test_util.h"

namespace heron::test {
namespace {

TEST(ModuleEnv, StrategiesFollowTheRuntimeRule) {
  auto loaded = load_wat(R"((module
    (memory 1) (memory i64 1) (memory 1 2 shared)))");
  ASSERT_TRUE(loaded);
  auto env = ModuleEnv::create(loaded->module, {});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->bounds_strategy(0), BoundsStrategy::GuardPages);
  EXPECT_EQ(env->bounds_strategy(1), BoundsStrategy::ExplicitChecks);
  EXPECT_EQ(env->bounds_strategy(2), BoundsStrategy::ExplicitChecks);

  TranslateOptions explicit_checks;
  explicit_checks.explicit_bounds_checks = true;
  auto env2 = ModuleEnv::create(loaded->module, explicit_checks);
  ASSERT_TRUE(env2);
  EXPECT_EQ(env2->bounds_strategy(0), BoundsStrategy::ExplicitChecks);
}

TEST(ModuleEnv, GuardCoversOffsetPlusWidthUpToItsSize) {
  LinearMemoryConfig config;
  config.guard_bytes = 1 << 20;
  auto guard = BoundsStrategy::GuardPages;
  EXPECT_FALSE(needs_explicit_bounds_check(guard, config, 0, 8));
  EXPECT_FALSE(needs_explicit_bounds_check(guard, config, (1 << 20) - 8, 8));
  EXPECT_TRUE(needs_explicit_bounds_check(guard, config, (1 << 20) - 7, 8));
  EXPECT_TRUE(needs_explicit_bounds_check(guard, config, UINT64_MAX, 1));
  EXPECT_TRUE(needs_explicit_bounds_check(BoundsStrategy::ExplicitChecks,
                                          config, 0, 1));
}

TEST(ModuleEnv, CallSignaturesPerFunctionType) {
  auto loaded = load_wat(R"((module
    (type (func (param f32 funcref) (result i64 f64)))
    (type (struct))
    (func (type 0) (i64.const 0) (f64.const 0))))");
  ASSERT_TRUE(loaded);
  auto env = ModuleEnv::create(loaded->module, {});
  ASSERT_TRUE(env);
  const ir::Signature& sig = env->signature(0);
  ASSERT_EQ(sig.params.size(), 3u);
  EXPECT_EQ(sig.params[0].purpose, ir::ParamPurpose::VMContext);
  EXPECT_EQ(sig.params[1].type, ir::Type::F32);
  EXPECT_EQ(sig.params[2].type, ir::Type::I64);
  EXPECT_EQ(sig.results, (std::vector<ir::Type>{ir::Type::I64, ir::Type::F64}));
  EXPECT_TRUE(env->signature(1).params.empty());  // not a function type
  EXPECT_EQ(sig, wasm_call_signature(loaded->module.func_type(0)));
}

}  // namespace
}  // namespace heron::test
