// From command-line settings to the engine's Config, and the parsers of the
// quantities the executing commands take (durations, byte sizes, thread
// counts). Shared so
// that `run`, `wast` and `explore` compile a module the same way for the
// same flags.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "cli/commands.h"
#include "heron/config.h"
#include "heron/error.h"

namespace heron::cli {

api::Config make_config(const EngineOptions& options,
                        const Features& features = Features{});

// "250ms", "2s", "1.5s", "1m", "100us" (a bare number is seconds). Usage
// error for anything else, or a non-positive duration.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);

// "65536", "512k"/"512KiB", "8m"/"8MiB" (binary multiples). Usage error for
// anything else, or zero.
Result<uint64_t> parse_byte_size(std::string_view text);

// The compile thread count of `-j N` (every command that compiles modules
// takes it): a whole number from 1 to kMaxCompileThreads. Usage error for
// anything else, 0 included (leaving -j out means every hardware thread).
inline constexpr uint32_t kMaxCompileThreads = 4096;
Result<uint32_t> parse_compile_threads(std::string_view text);

}  // namespace heron::cli
