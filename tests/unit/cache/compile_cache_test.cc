// The cache hooked into compilation: an engine with Config::cache compiles a
// module once and loads it from the cache afterwards (in the same engine and
// in a fresh one), with the same behaviour; a damaged entry is warned about,
// compiled again and replaced; settings that change code do not share
// entries; a module that does not validate is never cached.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../runtime/api_test_support.h"
#include "cache/code_cache.h"
#include "runtime/engine_impl.h"

namespace heron {
namespace {

namespace fs = std::filesystem;
using testing::compile_wat;

constexpr const char* kWat = R"((module
  (memory 1)
  (data (i32.const 8) "\05\00\00\00")
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "f") (param i32) (result i32)
    (i32.add (call $sq (local.get 0)) (i32.load (i32.const 8))))
  (func (export "trap") (result i32) (i32.div_u (i32.const 1) (i32.const 0))))
)";

class CompileCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("heron-compile-cache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  api::Config config() {
    api::Config c;
    c.cache = true;
    c.cache_dir = dir_.string();
    c.cache_warning = [this](std::string_view w) { warnings_.emplace_back(w); };
    return c;
  }
  std::vector<fs::path> entries() const {
    std::vector<fs::path> out;
    if (!fs::exists(dir_)) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir_))
      if (e.is_regular_file() && e.path().extension() == ".hc")
        out.push_back(e.path());
    return out;
  }
  static int32_t call_f(const api::Engine& engine, const api::Module& m,
                        int32_t x) {
    api::Store store(engine);
    auto inst = api::Instance::create(store, m, {});
    EXPECT_TRUE(inst.ok()) << inst.error().message;
    auto r = inst->get_func("f").call(store, std::vector{api::Val::i32(x)});
    EXPECT_FALSE(r.trapped());
    return r.value()[0].as_i32();
  }

  fs::path dir_;
  std::vector<std::string> warnings_;
};

TEST_F(CompileCache, SecondCompileIsAHitThatBehavesTheSame) {
  api::Engine engine(config());
  api::Module first = compile_wat(engine, kWat);
  EXPECT_EQ(engine.impl().cache_misses, 1u);
  EXPECT_EQ(engine.impl().cache_hits, 0u);
  ASSERT_EQ(entries().size(), 1u);
  api::Module second = compile_wat(engine, kWat);
  EXPECT_EQ(engine.impl().cache_hits, 1u);
  EXPECT_EQ(call_f(engine, first, 7), 54);
  EXPECT_EQ(call_f(engine, second, 7), 54);

  // A fresh engine (as a new process would) hits too, and its traps still
  // map to wasm offsets.
  api::Engine fresh(config());
  api::Module third = compile_wat(fresh, kWat);
  EXPECT_EQ(fresh.impl().cache_hits, 1u);
  EXPECT_EQ(fresh.impl().cache_misses, 0u);
  api::Store store(fresh);
  auto inst = api::Instance::create(store, third, {});
  ASSERT_TRUE(inst.ok());
  auto r = inst->get_func("trap").call(store, {});
  ASSERT_TRUE(r.trapped());
  EXPECT_EQ(r.trap().code, TrapCode::IntegerDivideByZero);
  ASSERT_FALSE(r.trap().backtrace.empty());
  EXPECT_NE(r.trap().backtrace[0].module_offset, api::FrameInfo::kNoOffset);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(CompileCache, DamagedEntryIsWarnedRecompiledAndReplaced) {
  {
    api::Engine engine(config());
    compile_wat(engine, kWat);
  }
  auto files = entries();
  ASSERT_EQ(files.size(), 1u);
  const auto size = fs::file_size(files[0]);
  {
    std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::streamoff(size / 2));
    char c = 0;
    f.read(&c, 1);
    f.seekp(std::streamoff(size / 2));
    c = char(c ^ 0x5a);
    f.write(&c, 1);
  }
  api::Engine engine(config());
  api::Module m = compile_wat(engine, kWat);
  EXPECT_EQ(engine.impl().cache_misses, 1u);
  EXPECT_EQ(warnings_.size(), 1u);
  EXPECT_EQ(call_f(engine, m, 3), 14);
  // Replaced: the next engine hits without a warning.
  warnings_.clear();
  api::Engine next(config());
  compile_wat(next, kWat);
  EXPECT_EQ(next.impl().cache_hits, 1u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(CompileCache, SettingsThatChangeCodeDoNotShareEntries) {
  api::Engine o2(config());
  compile_wat(o2, kWat);
  api::Config c = config();
  c.opt_level = api::OptLevel::O0;
  api::Engine o0(c);
  compile_wat(o0, kWat);
  EXPECT_EQ(o0.impl().cache_misses, 1u);
  c.opt_level = api::OptLevel::O2;
  c.explicit_bounds_checks = true;
  api::Engine explicit_checks(c);
  api::Module m = compile_wat(explicit_checks, kWat);
  EXPECT_EQ(explicit_checks.impl().cache_misses, 1u);
  EXPECT_EQ(entries().size(), 3u);
  EXPECT_EQ(call_f(explicit_checks, m, 2), 9);
}

TEST_F(CompileCache, InvalidModulesAreNotCached) {
  api::Engine engine(config());
  auto bad = api::Module::from_text(
      engine, "(module (func (result i32) (i64.const 1)))");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(entries().empty());
}

TEST_F(CompileCache, UnusableDirectoryTurnsTheCacheOffWithOneWarning) {
  // A regular file where the directory should be.
  fs::create_directories(dir_.parent_path());
  std::ofstream(dir_.string()) << "not a directory";
  api::Engine engine(config());
  api::Module a = compile_wat(engine, kWat);
  api::Module b = compile_wat(engine, kWat);
  EXPECT_EQ(call_f(engine, b, 1), 6);
  EXPECT_EQ(warnings_.size(), 1u);
  EXPECT_EQ(engine.impl().cache_hits + engine.impl().cache_misses, 0u);
  fs::remove(dir_);
}

}  // namespace
}  // namespace heron
