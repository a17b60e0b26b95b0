// LEB128 writers, minimal form: the wasm binary format (text::ByteWriter),
// DWARF CFI (x64 unwind info) and the runtime's compact address maps all
// encode integers this way. Inline: they sit in encoders' inner loops.
#pragma once

#include <cstdint>
#include <vector>

namespace heron {

inline void append_uleb128(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? uint8_t(b | 0x80) : b);
  } while (v);
}

inline void append_sleb128(std::vector<uint8_t>& out, int64_t v) {
  for (bool more = true; more;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic shift: sign bits fill from the left
    more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
    out.push_back(more ? uint8_t(b | 0x80) : b);
  }
}

}  // namespace heron
