// Config: the settings an Engine compiles and runs modules with. Every
// module compiled by an engine and every store created from it share them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "heron/features.h"

namespace heron::api {

enum class OptLevel : uint8_t { O0, O2 };

struct Config {
  OptLevel opt_level = OptLevel::O2;
  // Stack budget for wasm (and the host functions it calls) below the point
  // where the host entered wasm; exceeding it is a "call stack exhausted" trap.
  size_t max_wasm_stack = 512 * 1024;
  // Every memory uses explicit bounds checks instead of guard pages (small
  // address-space reservations; same observable behaviour).
  bool explicit_bounds_checks = false;
  // Compiled loops and function entries check the store's epoch deadline.
  bool epoch_interruption = false;
  // Validate and compile the functions of a module on several threads (a
  // oneTBB task arena of compile_threads threads, the calling thread among
  // them). The compiled code, and the error of a module that fails, are the
  // same whatever the thread count: the error is that of the lowest-indexed
  // failing function. Off: everything runs in the calling thread.
  bool parallel_compilation = true;
  // Threads for parallel compilation: 0 = every hardware thread the process
  // may run on, 1 = serially in the calling thread. Small modules compile
  // serially anyway.
  uint32_t compile_threads = 0;
  // Append the compiled functions' symbols to /tmp/perf-PID.map for `perf`.
  bool perf_map = false;
  // Tell gdb about compiled code (JIT interface) so it names wasm functions.
  bool debugger_support = false;
  // The feature set modules are decoded and validated against.
  Features features{};

  // The compiled-code cache: a module compiled once is loaded from disk the
  // next time (same Heron build, same settings, same CPU features, same
  // bytes) instead of compiled again. Off by default for embedders; on by
  // default for `heron run`.
  bool cache = false;
  // Empty: $XDG_CACHE_HOME/heron, else $HOME/.cache/heron.
  std::string cache_dir;
  // Least recently used entries are evicted beyond this total size.
  uint64_t cache_max_bytes = uint64_t(1) << 30;
  // Receives the cache's warnings (a corrupt entry found and removed, an
  // unusable directory); null drops them. The cache never fails a compile.
  std::function<void(std::string_view)> cache_warning;
};

}  // namespace heron::api
