// The bytes of one cache entry file: a fixed header, then the compiled
// module's blob, either compressed (one zstd frame right after the header)
// or stored as it is, at the next page boundary. Every header field is
// checked on the way back in, so a truncated, corrupted or foreign file is
// recognized (with the reason) instead of being handed to the loader.
//
// Header (64 bytes, integers little-endian):
//   0  magic "\0heronC\n"       8 bytes
//   8  entry format version     u32 (kEntryFormatVersion)
//   12 compression              u32: 1 = zstd, with the frame's content
//                                    checksum (32 bits of XXH64), from
//                                    byte 64; 2 = stored, from byte
//                                    kStoredBlobOffset, the bytes between
//                                    zero
//   16 key echo                 32 bytes, the CacheKey the entry is for
//   48 blob size                u64, uncompressed
//   56 payload size             u64, the bytes that follow (the frame, or
//                                    the blob)
//
// Why two forms. Decompression costs about a millisecond per megabyte of
// blob, and start-up from the cache should take a few milliseconds
// whatever the module's size: a large blob is stored so that a hit maps it
// from the page cache (an artifact is laid out for exactly that) and reads
// nothing it does not use. Small blobs, most modules, are compressed (to
// about a third). A stored blob has no checksum of its own in the entry:
// it must carry one, as every artifact does (a CRC32C over all its bytes,
// which the loader checks before using any of them).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cache/cache_key.h"
#include "heron/error.h"

namespace heron {

inline constexpr uint32_t kEntryFormatVersion = 2;
inline constexpr size_t kEntryHeaderSize = 64;
// Blobs this large or larger are stored, the rest compressed.
inline constexpr uint64_t kStoredBlobThreshold = uint64_t(1) << 20;
// Where a stored blob starts: a page boundary, so the artifact's own
// page-aligned code stays page-aligned in the entry file.
inline constexpr uint64_t kStoredBlobOffset = 4096;

enum class EntryCompression : uint32_t { Zstd = 1, Stored = 2 };
// Larger blobs are refused by encode_entry (and a header claiming more is
// corrupt): no allocation is ever sized by an unchecked header field.
inline constexpr uint64_t kMaxBlobBytes = uint64_t(1) << 31;

// The whole entry of a compressed blob.
Result<std::vector<uint8_t>> encode_entry(const CacheKey& key,
                                          std::span<const uint8_t> blob);
// What precedes a stored blob of `blob_size` bytes in its entry: the
// header, zero-padded to kStoredBlobOffset bytes.
Result<std::vector<uint8_t>> encode_stored_entry_head(const CacheKey& key,
                                                      uint64_t blob_size);

// What a checked header says.
struct EntryHead {
  EntryCompression compression = EntryCompression::Zstd;
  uint64_t blob_size = 0;
  uint64_t payload_offset = 0;  // kEntryHeaderSize or kStoredBlobOffset
  uint64_t payload_size = 0;
};

// Checks the start of an entry file of `file_size` bytes: `head` holds its
// first min(file_size, kStoredBlobOffset) bytes. An error's message says
// what is wrong ("bad magic", "key mismatch", "truncated", ...).
Result<EntryHead> read_entry_head(const CacheKey& key,
                                  std::span<const uint8_t> head,
                                  uint64_t file_size);

// The blob of a whole entry, or an error as read_entry_head's, or one from
// decompression (a compressed blob is verified by its checksum; a stored
// one is returned as it is).
Result<std::vector<uint8_t>> decode_entry(const CacheKey& key,
                                          std::span<const uint8_t> entry);

// A module file's record (file_identity.h), DIR/v2/ab/<record key>.hf:
//   0  magic "\0heronF\n"       8 bytes
//   8  entry format version     u32 (kEntryFormatVersion)
//   12 zero                     u32
//   16 record key echo          32 bytes
//   48 the module's CacheKey    32 bytes
inline constexpr size_t kFileRecordSize = 80;
std::vector<uint8_t> encode_file_record(const CacheKey& record,
                                        const CacheKey& module);
// The module's key, or an error naming what is wrong.
Result<CacheKey> decode_file_record(const CacheKey& record,
                                    std::span<const uint8_t> bytes);

}  // namespace heron
