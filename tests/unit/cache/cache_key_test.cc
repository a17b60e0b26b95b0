// The code cache key: every input changes it, field boundaries are
// unambiguous, and the settings encoding covers exactly the Config fields
// that change generated code.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cache/cache_key.h"
#include "isa/x64/cpu_features.h"

namespace heron {
namespace {

std::vector<uint8_t> bytes(std::string_view s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(CacheKey, DeterministicAndHex) {
  const auto id = bytes("heron 1.0"), settings = bytes("opt_level=2\n"),
             module = bytes(std::string_view("\0asm\1\0\0\0", 8));
  CacheKey a = cache_key(id, settings, 5, module);
  CacheKey b = cache_key(id, settings, 5, module);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hex().size(), 64u);
  EXPECT_EQ(a.hex(), to_hex(a.digest));
}

TEST(CacheKey, EveryInputChangesIt) {
  const auto id = bytes("heron 1.0"), settings = bytes("opt_level=2\n"),
             module = bytes("module bytes");
  const CacheKey base = cache_key(id, settings, 5, module);
  // A different Heron version: a different key, so its entries are never
  // read (a miss).
  EXPECT_NE(base, cache_key(bytes("heron 1.1"), settings, 5, module));
  EXPECT_NE(base, cache_key(id, bytes("opt_level=0\n"), 5, module));
  EXPECT_NE(base, cache_key(id, settings, 4, module));
  EXPECT_NE(base, cache_key(id, settings, uint64_t(5) | 1ull << 40, module));
  EXPECT_NE(base, cache_key(id, settings, 5, bytes("module bytez")));
  EXPECT_NE(base, cache_key(id, settings, 5, bytes("module bytes ")));
  EXPECT_NE(base, cache_key(id, settings, 5, bytes("")));
}

// Bytes moved from one field to its neighbour change the key (each field is
// length-prefixed).
TEST(CacheKey, FieldBoundariesMatter) {
  EXPECT_NE(cache_key(bytes("ab"), bytes("c"), 0, bytes("")),
            cache_key(bytes("a"), bytes("bc"), 0, bytes("")));
  EXPECT_NE(cache_key(bytes(""), bytes("xy"), 0, bytes("z")),
            cache_key(bytes(""), bytes("x"), 0, bytes("yz")));
}

TEST(CacheKey, CompilerIdentityNamesVersionAndBuild) {
  const std::vector<uint8_t>& id = compiler_identity();
  std::string text(id.begin(), id.end());
  EXPECT_EQ(text.rfind("heron ", 0), 0u) << text;
  // Debian's toolchain links with --build-id, so the test binary has one:
  // 20 bytes (SHA-1) by default.
  EXPECT_NE(text.find(" build-id "), std::string::npos) << text;
  EXPECT_EQ(text.size() - text.find(" build-id ") - 10, 40u) << text;
}

TEST(CacheKey, SettingsCoverOutputChangingFields) {
  const api::Config base;
  const std::vector<uint8_t> encoded = encode_compile_settings(base);
  auto differs = [&](auto change) {
    api::Config c;
    change(c);
    return encode_compile_settings(c) != encoded;
  };
  EXPECT_TRUE(differs([](api::Config& c) { c.opt_level = api::OptLevel::O0; }));
  EXPECT_TRUE(differs([](api::Config& c) { c.explicit_bounds_checks = true; }));
  EXPECT_TRUE(differs([](api::Config& c) { c.epoch_interruption = true; }));
  EXPECT_TRUE(differs([](api::Config& c) { c.features.multi_memory = false; }));
  EXPECT_TRUE(differs([](api::Config& c) { c.features.multi_table = false; }));
  EXPECT_TRUE(differs([](api::Config& c) { c.features.memory64 = false; }));
  // Fields that do not change the code share entries.
  EXPECT_FALSE(differs([](api::Config& c) { c.max_wasm_stack = 65536; }));
  EXPECT_FALSE(differs([](api::Config& c) { c.perf_map = true; }));
  EXPECT_FALSE(differs([](api::Config& c) { c.debugger_support = true; }));
  EXPECT_FALSE(differs([](api::Config& c) { c.parallel_compilation = true; }));
  EXPECT_FALSE(differs([](api::Config& c) {
    c.cache = true;
    c.cache_dir = "/elsewhere";
    c.cache_max_bytes = 1;
  }));
}

TEST(CacheKey, ModuleCacheKeyCombinesTheInputs) {
  api::Config config;
  const auto module = bytes(std::string_view("\0asm\1\0\0\0", 8));
  EXPECT_EQ(module_cache_key(config, module),
            cache_key(compiler_identity(), encode_compile_settings(config),
                      x64::host_cpu_features().feature_bits(), module));
  api::Config o0;
  o0.opt_level = api::OptLevel::O0;
  EXPECT_NE(module_cache_key(config, module), module_cache_key(o0, module));
}

}  // namespace
}  // namespace heron
