// Cache entry encoding and verification (see cache_entry.h).
#include "cache/cache_entry.h"

#include <zstd.h>

#include <cstring>
#include <memory>
#include <string>

namespace heron {

namespace {

constexpr uint8_t kMagic[8] = {0, 'h', 'e', 'r', 'o', 'n', 'C', '\n'};
constexpr uint32_t kCompressionZstd = 1;
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

}  // namespace

Result<std::vector<uint8_t>> encode_entry(const CacheKey& key,
                                          std::span<const uint8_t> blob) {
  if (blob.size() > kMaxBlobBytes) {
    return Error(ErrorKind::Limit, "compiled module of " +
                                       std::to_string(blob.size()) +
                                       " bytes is too large to cache");
  }
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
  uint8_t* h = entry.data();
  std::memcpy(h, kMagic, 8);
  put_u32(h + 8, kEntryFormatVersion);
  put_u32(h + 12, kCompressionZstd);
  std::memcpy(h + 16, key.digest.data(), 32);
  put_u64(h + 48, blob.size());
  put_u64(h + 56, payload);
  return entry;
}

Result<std::vector<uint8_t>> decode_entry(const CacheKey& key,
                                          std::span<const uint8_t> entry) {
  if (entry.size() < kEntryHeaderSize) {
    return corrupt("truncated header (" + std::to_string(entry.size()) +
                   " bytes)");
  }
  const uint8_t* h = entry.data();
  if (std::memcmp(h, kMagic, 8) != 0) return corrupt("bad magic");
  if (uint32_t version = get_u32(h + 8); version != kEntryFormatVersion) {
    return corrupt("entry format version " + std::to_string(version) +
                   ", expected " + std::to_string(kEntryFormatVersion));
  }
  if (uint32_t compression = get_u32(h + 12); compression != kCompressionZstd) {
    return corrupt("unknown compression " + std::to_string(compression));
  }
  if (std::memcmp(h + 16, key.digest.data(), 32) != 0) {
    return corrupt("key mismatch");
  }
  const uint64_t blob_size = get_u64(h + 48);
  const uint64_t payload_size = get_u64(h + 56);
  if (blob_size > kMaxBlobBytes) {
    return corrupt("blob size " + std::to_string(blob_size) + " too large");
  }
  const uint64_t actual_payload = entry.size() - kEntryHeaderSize;
  if (payload_size != actual_payload) {
    return corrupt(
        (actual_payload < payload_size ? "truncated: " : "trailing bytes: ") +
        std::string("header says ") + std::to_string(payload_size) +
        " payload bytes, file has " + std::to_string(actual_payload));
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

}  // namespace heron
