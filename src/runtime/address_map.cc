// Compact address maps (see address_map.h).
#include "runtime/address_map.h"

#include "support/leb128.h"

namespace heron {

namespace {

int64_t loc_of(uint32_t srcloc) {
  return srcloc == x64::kNoSrcLoc ? 0 : int64_t(srcloc) + 1;
}

// Bounds-checked LEB128 readers: false at the end of the stream or on an
// over-long encoding.
bool get_uleb(std::span<const uint8_t> s, size_t& at, uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (at >= s.size()) return false;
    const uint8_t b = s[at++];
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

bool get_sleb(std::span<const uint8_t> s, size_t& at, int64_t& v) {
  uint64_t r = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (at >= s.size()) return false;
    const uint8_t b = s[at++];
    r |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      if (shift + 7 < 64 && (b & 0x40)) r |= ~uint64_t(0) << (shift + 7);
      v = int64_t(r);
      return true;
    }
  }
  return false;
}

}  // namespace

void encode_address_map(std::span<const x64::AddressMapEntry> entries,
                        uint32_t start_srcloc, std::vector<uint8_t>& out) {
  uint32_t prev_offset = 0;
  int64_t prev_loc = loc_of(start_srcloc);
  for (const x64::AddressMapEntry& e : entries) {
    append_uleb128(out, e.offset - prev_offset);
    append_sleb128(out, loc_of(e.srcloc) - prev_loc);
    prev_offset = e.offset;
    prev_loc = loc_of(e.srcloc);
  }
}

std::optional<uint32_t> lookup_address_map(std::span<const uint8_t> stream,
                                           uint32_t count,
                                           uint32_t start_srcloc,
                                           uint32_t offset) {
  size_t at = 0;
  uint64_t entry_offset = 0;
  int64_t loc = loc_of(start_srcloc);
  std::optional<int64_t> found;
  for (uint32_t k = 0; k < count; k++) {
    uint64_t d_offset;
    int64_t d_loc;
    if (!get_uleb(stream, at, d_offset) || !get_sleb(stream, at, d_loc))
      return std::nullopt;
    entry_offset += d_offset;
    loc = int64_t(uint64_t(loc) + uint64_t(d_loc));  // wraps, never UB
    if (entry_offset > offset) break;
    found = loc;
  }
  if (!found || *found <= 0 || *found > int64_t(UINT32_MAX))
    return std::nullopt;
  return uint32_t(*found - 1);
}

}  // namespace heron
