// `heron cache stats|clear [--cache-dir DIR]`: what the compiled-code cache
// holds, and emptying it. Neither creates the directory: looking at a cache
// that was never written reports it empty.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cache/code_cache.h"
#include "cli/commands.h"
#include "cli/file_util.h"

namespace heron::cli {

namespace {

// "12345 bytes (12.1 KiB)".
std::string size_text(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  std::string text = fmt::format("{} bytes", bytes);
  if (bytes < 1024) return text;
  double value = double(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    unit++;
  }
  return text + fmt::format(" ({:.1f} {})", value, kUnits[unit]);
}

int fail(const Error& error) {
  fmt::print(stderr, "heron: error: {}\n", one_line(error.message));
  return kExitFailure;
}

}  // namespace

int run_cache(const CacheCommandOptions& options) {
  CacheOptions cache_options;
  cache_options.directory = options.cache_dir;
  cache_options.create = false;
  auto cache = CodeCache::open(cache_options);
  if (!cache.ok()) return fail(cache.error());

  if (options.action == "stats") {
    auto stats = cache->stats();
    if (!stats.ok()) return fail(stats.error());
    fmt::print("directory: {}{}\n", stats->directory,
               stats->exists ? "" : " (not created yet)");
    fmt::print("entries: {}\n", stats->entries);
    fmt::print("size: {}\n", size_text(stats->bytes));
    fmt::print("limit: {}\n", size_text(stats->max_bytes));
    return kExitOk;
  }
  if (options.action == "clear") {
    auto cleared = cache->clear();
    if (!cleared.ok()) return fail(cleared.error());
    fmt::print("removed {} {} ({} bytes) from {}\n", cleared->entries,
               cleared->entries == 1 ? "entry" : "entries", cleared->bytes,
               cache->directory());
    return kExitOk;
  }
  fmt::print(stderr, "heron: error: unknown cache action '{}'\n",
             options.action);
  return kExitUsage;
}

}  // namespace heron::cli
