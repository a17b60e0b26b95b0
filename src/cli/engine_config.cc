// Config from flags, and the duration / size parsers (see engine_config.h).
#include "cli/engine_config.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace heron::cli {

api::Config make_config(const EngineOptions& options,
                        const Features& features) {
  api::Config config;
  config.opt_level = options.opt_level;
  config.explicit_bounds_checks = options.explicit_bounds_checks;
  config.perf_map = options.perf_map;
  config.debugger_support = options.debugger_support;
  if (options.max_wasm_stack) config.max_wasm_stack = *options.max_wasm_stack;
  config.cache = options.cache;
  config.cache_dir = options.cache_dir;
  config.cache_warning = [](std::string_view message) {
    fmt::print(stderr, "heron: warning: {}\n", message);
  };
  if (options.compile_threads)
    config.compile_threads = *options.compile_threads;
  config.features = features;
  return config;
}

namespace {

// Splits "12.5ms" into 12.5 and "ms"; nullopt-like failure as false.
bool split_number(std::string_view text, double* number,
                  std::string_view* unit) {
  size_t end = 0;
  while (end < text.size() &&
         ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) {
    ++end;
  }
  if (end == 0) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, *number);
  if (ec != std::errc() || ptr != text.data() + end) return false;
  *unit = text.substr(end);
  return true;
}

}  // namespace

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return Error(ErrorKind::Usage,
                 "invalid duration '" + std::string(text) +
                     "': expected a positive number with a unit (ns, us, "
                     "ms, s, m), e.g. 100ms");
  };
  double number = 0;
  std::string_view unit;
  if (!split_number(text, &number, &unit)) return bad();
  double scale = 0;
  if (unit == "ns") {
    scale = 1;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "s" || unit.empty()) {
    scale = 1e9;
  } else if (unit == "m") {
    scale = 60e9;
  } else {
    return bad();
  }
  double ns = number * scale;
  // About 292 years fit in int64 nanoseconds; refuse beyond a day's worth
  // of nonsense by the same bound.
  if (!(ns >= 1) || ns > 9.2e18) return bad();
  return std::chrono::nanoseconds(int64_t(std::llround(ns)));
}

Result<uint64_t> parse_byte_size(std::string_view text) {
  auto bad = [&] {
    return Error(ErrorKind::Usage,
                 "invalid size '" + std::string(text) +
                     "': expected a positive number of bytes, optionally "
                     "with k/KiB, m/MiB or g/GiB");
  };
  uint64_t number = 0;
  auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || ptr == text.data()) return bad();
  std::string_view unit = text.substr(size_t(ptr - text.data()));
  unsigned shift = 0;
  if (unit.empty()) {
    shift = 0;
  } else if (unit == "k" || unit == "K" || unit == "KiB") {
    shift = 10;
  } else if (unit == "m" || unit == "M" || unit == "MiB") {
    shift = 20;
  } else if (unit == "g" || unit == "G" || unit == "GiB") {
    shift = 30;
  } else {
    return bad();
  }
  if (number == 0 || number > (UINT64_MAX >> shift)) return bad();
  return number << shift;
}

Result<uint32_t> parse_compile_threads(std::string_view text) {
  auto bad = [&] {
    return Error(ErrorKind::Usage,
                 "invalid thread count '" + std::string(text) +
                     "': expected a whole number from 1 to " +
                     std::to_string(kMaxCompileThreads) +
                     " (without -j, every hardware thread is used)");
  };
  uint32_t number = 0;
  auto [ptr, ec] =
      std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || ptr != text.data() + text.size()) return bad();
  if (number == 0 || number > kMaxCompileThreads) return bad();
  return number;
}

}  // namespace heron::cli
