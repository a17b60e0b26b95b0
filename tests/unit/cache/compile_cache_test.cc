// The cache hooked into compilation: an engine with Config::cache compiles a
// module once and loads it from the cache afterwards (in the same engine and
// in a fresh one), with the same behaviour; a damaged entry is warned about,
// compiled again and replaced; settings that change code do not share
// entries; a module that does not validate is never cached; a large
// module's entry is stored uncompressed and mapped on a hit; module files
// are found again by their identity, without reading them, until they
// change.
#include <gtest/gtest.h>

#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "../runtime/api_test_support.h"
#include "cache/cache_entry.h"
#include "cache/cache_key.h"
#include "cache/code_cache.h"
#include "runtime/engine_impl.h"
#include "text/script.h"

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

  std::vector<fs::path> files_with(const std::string& extension) const {
    std::vector<fs::path> out;
    if (!fs::exists(dir_)) return out;
    for (const auto& e : fs::recursive_directory_iterator(dir_))
      if (e.is_regular_file() && e.path().extension() == extension)
        out.push_back(e.path());
    return out;
  }

  fs::path dir_;
  std::vector<std::string> warnings_;
};

// A module whose artifact is over a megabyte (kStoredBlobThreshold):
// `count` small functions, "f" calls the last, f(x) = x * (count * 7 - 6).
std::string many_functions_wat(int count) {
  std::string wat = "(module\n";
  for (int i = 0; i < count; i++) {
    wat += "(func $f" + std::to_string(i) +
           " (param i32) (result i32) (i32.mul (local.get 0) (i32.const " +
           std::to_string(i * 7 + 1) + ")))\n";
  }
  wat += "(func (export \"f\") (param i32) (result i32) (call $f" +
         std::to_string(count - 1) + " (local.get 0))))";
  return wat;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

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

// A large module is stored uncompressed: a fresh engine maps it from the
// entry; a damaged byte in its code is caught by the artifact's checksum
// at load, warned about, compiled again and replaced.
TEST_F(CompileCache, LargeModulesAreStoredAndMapped) {
  const std::string wat = many_functions_wat(10000);
  {
    api::Engine engine(config());
    api::Module m = compile_wat(engine, wat);
    EXPECT_EQ(call_f(engine, m, 2), 2 * (10000 * 7 - 6));
  }
  auto files = entries();
  ASSERT_EQ(files.size(), 1u);
  const auto size = fs::file_size(files[0]);
  ASSERT_GE(size, kStoredBlobOffset + kStoredBlobThreshold);
  std::vector<char> head(16);
  std::ifstream(files[0], std::ios::binary).read(head.data(), 16);
  EXPECT_EQ(head[12], char(EntryCompression::Stored));

  api::Engine fresh(config());
  api::Module hit = compile_wat(fresh, wat);
  EXPECT_EQ(fresh.impl().cache_hits, 1u);
  EXPECT_EQ(call_f(fresh, hit, 3), 3 * (10000 * 7 - 6));
  EXPECT_TRUE(warnings_.empty());

  {
    std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::streamoff(size - 5000));
    f.put(char(0xcc));
  }
  api::Engine damaged(config());
  api::Module again = compile_wat(damaged, wat);
  EXPECT_EQ(damaged.impl().cache_misses, 1u);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("checksum"), std::string::npos) << warnings_[0];
  EXPECT_EQ(call_f(damaged, again, 1), 10000 * 7 - 6);
  warnings_.clear();
  api::Engine next(config());
  compile_wat(next, wat);
  EXPECT_EQ(next.impl().cache_hits, 1u);
  EXPECT_TRUE(warnings_.empty());
}

// Module::from_file records a settled file's identity and later loads the
// module by it without reading the file: shown by pointing the record at
// another module, whose behaviour the file then gets. A change to the file
// (same size, modification time put back) changes its status-change time,
// hence its identity: the new content is compiled. Files not yet settled
// are not recorded.
TEST_F(CompileCache, ModuleFilesAreFoundByIdentityUntilTheyChange) {
  fs::create_directories(dir_);
  const fs::path file = dir_ / "module.wat";
  write_text(file, kWat);
  {
    api::Engine engine(config());
    ASSERT_TRUE(api::Module::from_file(engine, file).ok());
    EXPECT_EQ(engine.impl().cache_misses, 1u);
  }
  EXPECT_TRUE(files_with(".hf").empty()) << "a fresh file was recorded";

  std::this_thread::sleep_for(
      std::chrono::milliseconds((kSettledSeconds + 1) * 1000 + 100));
  {
    api::Engine engine(config());
    auto m = api::Module::from_file(engine, file);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(engine.impl().cache_hits, 1u);  // by content
    EXPECT_EQ(call_f(engine, *m, 7), 54);
  }
  ASSERT_EQ(files_with(".hf").size(), 1u);
  {
    api::Engine engine(config());
    auto m = api::Module::from_file(engine, file);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(engine.impl().cache_hits, 1u);  // by identity
    EXPECT_EQ(call_f(engine, *m, 7), 54);
  }

  // The record decides: point it at another module.
  const std::string other_wat = R"((module
    (func (export "f") (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1)))))";
  api::Config c = config();
  {
    api::Engine engine(c);
    compile_wat(engine, other_wat);
  }
  auto text = text::parse_wat_module(other_wat, c.features);
  ASSERT_TRUE(text.ok());
  const std::optional<FileIdentity> identity = file_identity(file.c_str());
  ASSERT_TRUE(identity.has_value());
  auto cache = CodeCache::open(cache_options_from_config(c));
  ASSERT_TRUE(cache.ok());
  ASSERT_TRUE(cache
                  ->remember_file(file_record_key(c, *identity),
                                  module_cache_key(c, *text))
                  .ok());
  {
    api::Engine engine(config());
    auto m = api::Module::from_file(engine, file);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(call_f(engine, *m, 7), 6);
  }

  // Same size, same modification time, new content.
  struct stat before {};
  ASSERT_EQ(stat(file.c_str(), &before), 0);
  std::string changed = kWat;
  changed.replace(changed.find("\\05"), 3, "\\09");
  ASSERT_EQ(changed.size(), std::string(kWat).size());
  write_text(file, changed);
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(utimensat(AT_FDCWD, file.c_str(), times, 0), 0);
  {
    api::Engine engine(config());
    auto m = api::Module::from_file(engine, file);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(engine.impl().cache_misses, 1u);
    EXPECT_EQ(call_f(engine, *m, 7), 58);
  }
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
