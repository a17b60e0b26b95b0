// A module file as the executing commands (`run`, `explore`) read it: the
// binary bytes (text is parsed and encoded first), and diagnostics worded
// like `heron validate`'s, so that one file gets the same message from every
// command.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "heron/error.h"

namespace heron::cli {

struct ModuleInput {
  std::vector<uint8_t> binary;
  bool from_text = false;  // offsets in errors are into the encoded binary
};

// Reads `file` and encodes it if it is text. On failure prints one line,
// "FILE[:LINE]: error: MESSAGE", on stderr and returns nullopt.
std::optional<ModuleInput> read_module_input(const std::string& file);

// Prints an error about the module of `file` (decode, validation,
// compilation, linking) in the same one-line format:
//   binary: FILE:OFFSET: error: MESSAGE
//   text:   FILE: error: MESSAGE (offset N in the encoded binary)
void print_module_error(const std::string& file, const ModuleInput& input,
                        const Error& error);

}  // namespace heron::cli
