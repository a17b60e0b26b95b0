// The subcommands of `heron`: their options and entry points. main.cc only
// declares the command line (CLI11) and dispatches here; each command lives
// in its own file and returns the process exit code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heron::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // invalid input, failed test, I/O
inline constexpr int kExitInternal = 2;  // Heron's own bug (an exception)

struct ValidateOptions {
  std::vector<std::string> files;
  // Hidden testing mode: instead of the module, check every prefix of it
  // (or an even sample of `max_prefixes` of them plus the section edges).
  bool truncations = false;
  uint32_t max_prefixes = 256;
};
int run_validate(const ValidateOptions& options);

struct WastOptions {
  std::vector<std::string> files;
  bool verbose = false;
  // Hidden: write the binary of every module that validates into this
  // directory (the truncation test and the fuzzers' seed corpus use it).
  std::string dump_dir;
};
int run_wast(const WastOptions& options);

struct InspectOptions {
  std::string file;
};
int run_inspect(const InspectOptions& options);

}  // namespace heron::cli
