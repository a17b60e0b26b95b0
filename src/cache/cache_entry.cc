// Cache entry encoding and verification (see cache_entry.h).
#include "cache/cache_entry.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace heron {

namespace {

constexpr uint8_t kMagic[8] = {0, 'h', 'e', 'r', 'o', 'n', 'C', '\n'};
constexpr uint8_t kRecordMagic[8] = {0, 'h', 'e', 'r', 'o', 'n', 'F', '\n'};
// zstd's default level: compression costs a small fraction of compiling.
constexpr int kZstdLevel = 3;

void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (8 * i));
}
void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = uint8_t(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= uint32_t(p[i]) << (8 * i);
  return v;
}
uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= uint64_t(p[i]) << (8 * i);
  return v;
}

Error corrupt(std::string what) {
  return Error(ErrorKind::Malformed, std::move(what));
}

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

Error too_large(uint64_t blob_size) {
  return Error(ErrorKind::Limit, "compiled module of " +
                                     std::to_string(blob_size) +
                                     " bytes is too large to cache");
}

void write_header(uint8_t* h, const CacheKey& key, EntryCompression compression,
                  uint64_t blob_size, uint64_t payload_size) {
  std::memcpy(h, kMagic, 8);
  put_u32(h + 8, kEntryFormatVersion);
  put_u32(h + 12, uint32_t(compression));
  std::memcpy(h + 16, key.digest.data(), 32);
  put_u64(h + 48, blob_size);
  put_u64(h + 56, payload_size);
}

}  // namespace

Result<std::vector<uint8_t>> encode_entry(const CacheKey& key,
                                          std::span<const uint8_t> blob) {
  if (blob.size() > kMaxBlobBytes) return too_large(blob.size());
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) return Error(ErrorKind::Limit, "zstd: out of memory");
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_contentSizeFlag, 1);

  std::vector<uint8_t> entry(kEntryHeaderSize +
                             ZSTD_compressBound(blob.size()));
  size_t payload =
      ZSTD_compress2(cctx.get(), entry.data() + kEntryHeaderSize,
                     entry.size() - kEntryHeaderSize, blob.data(), blob.size());
  if (ZSTD_isError(payload)) {
    return Error(ErrorKind::Internal, std::string("zstd compression failed: ") +
                                          ZSTD_getErrorName(payload));
  }
  entry.resize(kEntryHeaderSize + payload);
  write_header(entry.data(), key, EntryCompression::Zstd, blob.size(), payload);
  return entry;
}

Result<std::vector<uint8_t>> encode_stored_entry_head(const CacheKey& key,
                                                      uint64_t blob_size) {
  if (blob_size > kMaxBlobBytes) return too_large(blob_size);
  std::vector<uint8_t> head(kStoredBlobOffset, 0);
  write_header(head.data(), key, EntryCompression::Stored, blob_size,
               blob_size);
  return head;
}

Result<EntryHead> read_entry_head(const CacheKey& key,
                                  std::span<const uint8_t> head,
                                  uint64_t file_size) {
  if (head.size() < kEntryHeaderSize) {
    return corrupt("truncated header (" + std::to_string(head.size()) +
                   " bytes)");
  }
  const uint8_t* h = head.data();
  if (std::memcmp(h, kMagic, 8) != 0) return corrupt("bad magic");
  if (uint32_t version = get_u32(h + 8); version != kEntryFormatVersion) {
    return corrupt("entry format version " + std::to_string(version) +
                   ", expected " + std::to_string(kEntryFormatVersion));
  }
  EntryHead info;
  const uint32_t compression = get_u32(h + 12);
  if (compression == uint32_t(EntryCompression::Zstd)) {
    info.compression = EntryCompression::Zstd;
    info.payload_offset = kEntryHeaderSize;
  } else if (compression == uint32_t(EntryCompression::Stored)) {
    info.compression = EntryCompression::Stored;
    info.payload_offset = kStoredBlobOffset;
  } else {
    return corrupt("unknown compression " + std::to_string(compression));
  }
  if (std::memcmp(h + 16, key.digest.data(), 32) != 0) {
    return corrupt("key mismatch");
  }
  info.blob_size = get_u64(h + 48);
  info.payload_size = get_u64(h + 56);
  if (info.blob_size > kMaxBlobBytes) {
    return corrupt("blob size " + std::to_string(info.blob_size) +
                   " too large");
  }
  if (info.compression == EntryCompression::Stored) {
    if (info.payload_size != info.blob_size) {
      return corrupt(
          "size mismatch: stored blob of " + std::to_string(info.blob_size) +
          " bytes in a payload of " + std::to_string(info.payload_size));
    }
    const size_t padding_end =
        size_t(std::min<uint64_t>(head.size(), kStoredBlobOffset));
    for (size_t i = kEntryHeaderSize; i < padding_end; i++) {
      if (h[i] != 0) return corrupt("padding byte " + std::to_string(i));
    }
  }
  const uint64_t actual_payload =
      file_size < info.payload_offset ? 0 : file_size - info.payload_offset;
  if (file_size < info.payload_offset || info.payload_size != actual_payload) {
    const bool shorter =
        file_size < info.payload_offset || actual_payload < info.payload_size;
    return corrupt(
        (shorter ? "truncated: " : "trailing bytes: ") +
        std::string("header says ") + std::to_string(info.payload_size) +
        " payload bytes, file has " + std::to_string(actual_payload));
  }
  return info;
}

Result<std::vector<uint8_t>> decode_entry(const CacheKey& key,
                                          std::span<const uint8_t> entry) {
  auto head = read_entry_head(
      key,
      entry.first(size_t(std::min<uint64_t>(entry.size(), kStoredBlobOffset))),
      entry.size());
  if (!head.ok()) return std::move(head).error();
  const uint64_t blob_size = head->blob_size;
  if (head->compression == EntryCompression::Stored) {
    std::span<const uint8_t> blob = entry.subspan(head->payload_offset);
    return std::vector<uint8_t>(blob.begin(), blob.end());
  }
  std::span<const uint8_t> payload = entry.subspan(kEntryHeaderSize);

  // The frame must be exactly the payload, declare the blob size and carry
  // a content checksum, which decompression then verifies. The checksum
  // flag is bit 2 of the frame header descriptor, the byte after the frame
  // magic (RFC 8878, 3.1.1.1.1); zstd's stable API does not expose it.
  constexpr uint32_t kZstdFrameMagic = 0xFD2FB528;
  if (payload.size() < 5 || get_u32(payload.data()) != kZstdFrameMagic) {
    return corrupt("payload is not a zstd frame");
  }
  if ((payload[4] & 0x04) == 0) {
    return corrupt("zstd frame without content checksum");
  }
  unsigned long long content_size =
      ZSTD_getFrameContentSize(payload.data(), payload.size());
  if (content_size == ZSTD_CONTENTSIZE_ERROR ||
      content_size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return corrupt("zstd frame without a valid content size");
  }
  if (content_size != blob_size) {
    return corrupt("size mismatch: header says " + std::to_string(blob_size) +
                   " bytes, frame says " + std::to_string(content_size));
  }
  size_t frame_size =
      ZSTD_findFrameCompressedSize(payload.data(), payload.size());
  if (ZSTD_isError(frame_size) || frame_size != payload.size()) {
    return corrupt("payload is not exactly one zstd frame");
  }

  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) return Error(ErrorKind::Limit, "zstd: out of memory");
  std::vector<uint8_t> blob(blob_size);
  size_t produced = ZSTD_decompressDCtx(dctx.get(), blob.data(), blob.size(),
                                        payload.data(), payload.size());
  if (ZSTD_isError(produced)) {
    return corrupt(std::string("decompression failed: ") +
                   ZSTD_getErrorName(produced));
  }
  if (produced != blob_size) {
    return corrupt("size mismatch: decompressed " + std::to_string(produced) +
                   " bytes, expected " + std::to_string(blob_size));
  }
  return blob;
}

std::vector<uint8_t> encode_file_record(const CacheKey& record,
                                        const CacheKey& module) {
  std::vector<uint8_t> bytes(kFileRecordSize, 0);
  std::memcpy(bytes.data(), kRecordMagic, 8);
  put_u32(bytes.data() + 8, kEntryFormatVersion);
  std::memcpy(bytes.data() + 16, record.digest.data(), 32);
  std::memcpy(bytes.data() + 48, module.digest.data(), 32);
  return bytes;
}

Result<CacheKey> decode_file_record(const CacheKey& record,
                                    std::span<const uint8_t> bytes) {
  if (bytes.size() != kFileRecordSize) {
    return corrupt("file record of " + std::to_string(bytes.size()) +
                   " bytes, expected " + std::to_string(kFileRecordSize));
  }
  const uint8_t* b = bytes.data();
  if (std::memcmp(b, kRecordMagic, 8) != 0) return corrupt("bad magic");
  if (uint32_t version = get_u32(b + 8); version != kEntryFormatVersion) {
    return corrupt("entry format version " + std::to_string(version) +
                   ", expected " + std::to_string(kEntryFormatVersion));
  }
  if (get_u32(b + 12) != 0) return corrupt("reserved field not zero");
  if (std::memcmp(b + 16, record.digest.data(), 32) != 0) {
    return corrupt("key mismatch");
  }
  CacheKey module;
  std::memcpy(module.digest.data(), b + 48, 32);
  return module;
}

}  // namespace heron
