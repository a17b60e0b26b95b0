// The part of Heron's pipeline the CLI runs today, in one place: text is
// parsed and encoded to binary, binary is decoded, the module is validated.
// Every command goes through these functions so that `validate`, `wast` and
// `inspect` can never disagree about whether a module is accepted.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/features.h"
#include "format/module.h"
#include "heron/error.h"

namespace heron::cli {

// The stage where an input was rejected. Only messages depend on it: a
// text error has a source line, the others a byte offset in the binary.
enum class Stage : uint8_t { Text, Decode, Validate };

const char* stage_name(Stage stage);

// Decodes and validates a binary module, the bodies on `threads` threads
// (resolved: 1 = serially); on failure `failed_stage` (when given) says
// which of the two rejected it. The Module is not returned because it
// points into `bytes`.
Result<void> check_binary(std::span<const uint8_t> bytes,
                          Stage* failed_stage = nullptr,
                          const Features& features = Features{},
                          uint32_t threads = 1);

// Parses a module in text form and encodes it to binary.
Result<std::vector<uint8_t>> encode_text(std::string_view source,
                                         const Features& features = Features{});

}  // namespace heron::cli
