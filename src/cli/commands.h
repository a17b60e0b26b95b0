// The subcommands of `heron`: their options and entry points. main.cc only
// declares the command line (CLI11) and dispatches here; each command lives
// in its own file and returns the process exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "heron/config.h"

namespace heron::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // invalid input, failed test, I/O
inline constexpr int kExitInternal = 2;  // Heron's own bug (an exception)
inline constexpr int kExitUsage = 2;     // bad flags or arguments
// `heron run`: the wasm code trapped (during the call or in the start
// function). Deliberately below 128: shells and ctest read 128+N as "killed
// by signal N", and a trap is an outcome of the program, not a crash of
// Heron.
inline constexpr int kExitTrap = 3;

// The engine settings the executing commands share (run, wast, explore).
struct EngineOptions {
  api::OptLevel opt_level = api::OptLevel::O2;
  bool explicit_bounds_checks = false;
  bool perf_map = false;
  bool debugger_support = false;
  std::optional<uint64_t> max_wasm_stack;  // bytes
  // The compiled-code cache (api::Config::cache); cache_dir empty: default.
  bool cache = false;
  std::string cache_dir;
  // Threads compiling a module (-j); unset: every hardware thread.
  std::optional<uint32_t> compile_threads;
};

struct ValidateOptions {
  std::vector<std::string> files;
  // Hidden testing mode: instead of the module, check every prefix of it
  // (or an even sample of `max_prefixes` of them plus the section edges).
  bool truncations = false;
  uint32_t max_prefixes = 256;
  // Threads validating function bodies (0 = every hardware thread); the
  // verdict and the message do not depend on it.
  uint32_t threads = 0;
};
int run_validate(const ValidateOptions& options);

struct WastOptions {
  std::vector<std::string> files;
  bool verbose = false;
  // Stop at validation: execution directives are skipped, as before the
  // engine existed (the whole-testsuite validation run uses it).
  bool validate_only = false;
  // Every skipped directive counts as a failure, so that an execution
  // manifest entry cannot pass by skipping.
  bool require_execution = false;
  EngineOptions engine;
  // Hidden: write the binary of every module that validates into this
  // directory (the truncation test and the fuzzers' seed corpus use it).
  std::string dump_dir;
  // Every compiled module goes through a compiled-module artifact (serialized,
  // loaded back from memory and from a file) before it is used.
  bool aot_roundtrip = false;
};
int run_wast(const WastOptions& options);

struct InspectOptions {
  std::string file;
};
int run_inspect(const InspectOptions& options);

struct RunOptions {
  std::string file;
  std::string invoke;  // empty: `_start` if exported, else instantiate only
  std::vector<std::string> args;
  std::string timeout;  // "100ms", "2s", "1m"; empty = none
  EngineOptions engine;
  // For modules importing wasi_snapshot_preview1: preopened directories
  // ("HOST" or "HOST::GUEST") and the guest's environment ("K=V").
  std::vector<std::string> dirs;
  std::vector<std::string> env;
  // ... and its listening sockets: addresses to listen on ("HOST:PORT")
  // and inherited host fds, numbered in this order after the dirs.
  std::vector<std::string> tcp_listen;
  std::vector<int> listen_fds;
  // Print the start-up phases and the time to the first call on stderr.
  bool timings = false;
};
int run_run(const RunOptions& options);

struct CompileOptions {
  std::string file;
  std::string output;
  EngineOptions engine;
};
int run_compile(const CompileOptions& options);

struct ExploreOptions {
  std::string file;
  uint32_t func = 0;  // function index (imports first)
  EngineOptions engine;
};
int run_explore(const ExploreOptions& options);

struct CacheCommandOptions {
  std::string action;     // "stats" or "clear"
  std::string cache_dir;  // empty: the default directory
};
int run_cache(const CacheCommandOptions& options);

}  // namespace heron::cli
