// The bytes of one cache entry file: a fixed header, then the compiled
// module's blob as one zstd frame. Every header field is checked on the way
// back in, and zstd verifies the frame's content checksum, so a truncated,
// corrupted or foreign file is recognized (with the reason) instead of
// being handed to the loader.
//
// Header (64 bytes, integers little-endian):
//   0  magic "\0heronC\n"       8 bytes
//   8  entry format version     u32 (kEntryFormatVersion)
//   12 compression              u32 (1 = zstd, with the frame's content
//                                    checksum: 32 bits of XXH64)
//   16 key echo                 32 bytes, the CacheKey the entry is for
//   48 blob size                u64, uncompressed
//   56 payload size             u64, the zstd frame that follows
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cache/cache_key.h"
#include "heron/error.h"

namespace heron {

inline constexpr uint32_t kEntryFormatVersion = 1;
inline constexpr size_t kEntryHeaderSize = 64;
// Larger blobs are refused by encode_entry (and a header claiming more is
// corrupt): no allocation is ever sized by an unchecked header field.
inline constexpr uint64_t kMaxBlobBytes = uint64_t(1) << 31;

Result<std::vector<uint8_t>> encode_entry(const CacheKey& key,
                                          std::span<const uint8_t> blob);

// The blob, or an error whose message says what is wrong ("bad magic",
// "key mismatch", "truncated", ...).
Result<std::vector<uint8_t>> decode_entry(const CacheKey& key,
                                          std::span<const uint8_t> entry);

}  // namespace heron
