// Compact address maps: a function's (native offset -> wasm offset) entries
// as a byte stream, about 2.3 bytes per entry instead of 8. A module of 34k
// functions has over a million entries; they are read only to symbolize a
// trap or a backtrace frame, one function at a time, so a linear decode of
// that function's few dozen entries costs nothing, while the flat form
// would be most of a compiled-module artifact's size (and of its checksum
// time). Each entry is ULEB128(offset - previous offset) followed by
// SLEB128(loc - previous loc), where loc = srcloc + 1 (0 for kNoSrcLoc) and
// the first entry's "previous" is (0, start_srcloc + 1).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "isa/x64/compiled_function.h"

namespace heron {

// Appends `entries` (sorted by offset) to `out`.
void encode_address_map(std::span<const x64::AddressMapEntry> entries,
                        uint32_t start_srcloc, std::vector<uint8_t>& out);

// The srcloc of the last of the `count` entries in `stream` whose offset is
// <= `offset`; nullopt before the first entry, for kNoSrcLoc, or when the
// stream ends early (a damaged map never reads outside `stream`).
std::optional<uint32_t> lookup_address_map(std::span<const uint8_t> stream,
                                           uint32_t count,
                                           uint32_t start_srcloc,
                                           uint32_t offset);

}  // namespace heron
