// File helpers of the `heron` command: reading inputs without exceptions,
// telling binary modules from text ones, writing dumps, and turning offsets
// into line numbers for messages. Kept apart so every command reports I/O
// problems the same way.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "heron/error.h"

namespace heron::cli {

// The whole content of `path`. Failures are ErrorKind::Io with a message that
// names the file and the reason (missing, a directory, unreadable).
Result<std::vector<uint8_t>> read_file(const std::string& path);

// Writes `bytes` to `path`, replacing it.
Result<void> write_file(const std::string& path,
                        std::span<const uint8_t> bytes);

// Creates `dir` and its parents if missing.
Result<void> make_directories(const std::string& dir);

// True when the bytes start with the binary module magic "\0asm".
bool has_wasm_magic(std::span<const uint8_t> bytes);

// Whether an input is to be read as a binary module: the magic decides, and a
// `.wasm` name without the magic still goes to the decoder, whose "magic
// header not detected" is the right message for it.
bool is_binary_input(const std::string& path, std::span<const uint8_t> bytes);

// 1-based line of byte `offset` in `text` (clamped to the end).
uint32_t line_of_offset(std::string_view text, uint64_t offset);

// Replaces line breaks by spaces so that a message prints as one line.
std::string one_line(std::string_view message);

}  // namespace heron::cli
