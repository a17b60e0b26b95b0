// Cache entry files: the round trip, and every kind of damage (a flipped
// byte anywhere, truncation, trailing bytes, another key's entry, foreign
// bytes) is recognized instead of returning a blob.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "cache/cache_entry.h"

namespace heron {
namespace {

CacheKey key_of(std::string_view seed) {
  Sha256 h;
  h.update(seed);
  return CacheKey{h.finish()};
}

std::vector<uint8_t> random_blob(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> blob(n);
  // Half random, half repetitive: both kinds of zstd blocks.
  for (size_t i = 0; i < n; i++) {
    blob[i] = i < n / 2 ? uint8_t(rng()) : uint8_t(i / 64);
  }
  return blob;
}

TEST(CacheEntry, RoundTrip) {
  const CacheKey key = key_of("k");
  for (size_t n : {0, 1, 100, 70000, 1 << 20}) {
    const std::vector<uint8_t> blob = random_blob(n, uint32_t(n));
    auto entry = encode_entry(key, blob);
    ASSERT_TRUE(entry.ok());
    EXPECT_GE(entry->size(), kEntryHeaderSize);
    auto back = decode_entry(key, *entry);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, blob);
  }
}

TEST(CacheEntry, CompressesRepetitiveBlobs) {
  std::vector<uint8_t> blob(1 << 20, 0x90);
  auto entry = encode_entry(key_of("k"), blob);
  ASSERT_TRUE(entry.ok());
  EXPECT_LT(entry->size(), blob.size() / 100);
}

TEST(CacheEntry, OtherKeyIsRejected) {
  auto entry = encode_entry(key_of("a"), random_blob(500, 1));
  ASSERT_TRUE(entry.ok());
  auto back = decode_entry(key_of("b"), *entry);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().message, "key mismatch");
}

// Flipping any bit of the header is detected. In the payload, a flip is
// either detected or harmless: zstd ignores a few bits (the frame header's
// unused bit, window sizes larger than needed), and the frame's content
// checksum covers the decompressed blob, so what decodes is the original.
TEST(CacheEntry, EveryCorruptionIsDetectedOrHarmless) {
  const CacheKey key = key_of("k");
  const std::vector<uint8_t> blob = random_blob(2000, 3);
  auto entry = encode_entry(key, blob);
  ASSERT_TRUE(entry.ok());
  for (size_t i = 0; i < kEntryHeaderSize; i++) {
    for (int bit = 0; bit < 8; bit++) {
      std::vector<uint8_t> bad = *entry;
      bad[i] ^= uint8_t(1 << bit);
      EXPECT_FALSE(decode_entry(key, bad).ok())
          << "header byte " << i << " bit " << bit;
    }
  }
  size_t detected = 0, flips = 0;
  for (size_t i = kEntryHeaderSize; i < entry->size(); i++) {
    for (int bit = 0; bit < 8; bit++) {
      std::vector<uint8_t> bad = *entry;
      bad[i] ^= uint8_t(1 << bit);
      auto back = decode_entry(key, bad);
      flips++;
      if (!back.ok()) {
        detected++;
      } else {
        EXPECT_EQ(*back, blob) << "payload byte " << i << " bit " << bit;
      }
    }
  }
  // Nearly all flips are detected; the harmless ones are a handful of
  // header bits of the frame.
  EXPECT_GE(detected + 16, flips);
}

TEST(CacheEntry, SpecificReasons) {
  const CacheKey key = key_of("k");
  auto entry = encode_entry(key, random_blob(5000, 4));
  ASSERT_TRUE(entry.ok());
  auto reason = [&](std::vector<uint8_t> bytes) {
    auto r = decode_entry(key, bytes);
    return r.ok() ? std::string("accepted") : r.error().message;
  };
  std::vector<uint8_t> bad = *entry;
  bad[0] = 'X';
  EXPECT_EQ(reason(bad), "bad magic");
  bad = *entry;
  bad[8] = 1;
  EXPECT_EQ(reason(bad), "entry format version 1, expected 2");
  bad = *entry;
  bad[12] = 3;
  EXPECT_EQ(reason(bad), "unknown compression 3");
  bad = *entry;
  bad[48] ^= 1;  // blob size
  EXPECT_EQ(reason(bad).rfind("size mismatch", 0), 0u) << reason(bad);
  bad = *entry;
  bad.resize(bad.size() - 1);
  EXPECT_EQ(reason(bad).rfind("truncated", 0), 0u) << reason(bad);
  bad = *entry;
  bad.push_back(0);
  EXPECT_EQ(reason(bad).rfind("trailing bytes", 0), 0u) << reason(bad);
  EXPECT_EQ(reason({}), "truncated header (0 bytes)");
  bad = *entry;
  bad[entry->size() / 2 + 32] ^= 0xff;
  EXPECT_NE(reason(bad), "accepted");
}

// Every prefix of an entry is rejected.
TEST(CacheEntry, EveryTruncationIsDetected) {
  const CacheKey key = key_of("k");
  auto entry = encode_entry(key, random_blob(3000, 5));
  ASSERT_TRUE(entry.ok());
  for (size_t n = 0; n < entry->size(); n++) {
    std::span<const uint8_t> prefix(entry->data(), n);
    EXPECT_FALSE(decode_entry(key, prefix).ok()) << "prefix " << n;
  }
}

// A payload that is a valid zstd frame of the right size but without a
// content checksum, or two frames, is not an entry Heron wrote.
TEST(CacheEntry, ForeignBytesAreRejected) {
  const CacheKey key = key_of("k");
  std::vector<uint8_t> junk = random_blob(4096, 6);
  EXPECT_FALSE(decode_entry(key, junk).ok());
  auto entry = encode_entry(key, random_blob(100, 7));
  ASSERT_TRUE(entry.ok());
  std::vector<uint8_t> no_checksum = *entry;
  no_checksum[kEntryHeaderSize + 4] &= uint8_t(~0x04);
  EXPECT_FALSE(decode_entry(key, no_checksum).ok());
}

// A stored entry: the header, zeros to the page boundary, the blob as it
// is. Every header byte and every padding byte is checked, and every
// length but the right one is refused.
TEST(CacheEntry, StoredRoundTripAndDamage) {
  const CacheKey key = key_of("k");
  const std::vector<uint8_t> blob = random_blob(3000, 8);
  auto head = encode_stored_entry_head(key, blob.size());
  ASSERT_TRUE(head.ok());
  ASSERT_EQ(head->size(), kStoredBlobOffset);
  std::vector<uint8_t> entry = *head;
  entry.insert(entry.end(), blob.begin(), blob.end());
  auto info = read_entry_head(key, *head, entry.size());
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->compression, EntryCompression::Stored);
  EXPECT_EQ(info->payload_offset, kStoredBlobOffset);
  EXPECT_EQ(info->payload_size, blob.size());
  auto back = decode_entry(key, entry);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, blob);

  for (size_t i = 0; i < kStoredBlobOffset; i++) {
    std::vector<uint8_t> bad = *head;
    bad[i] ^= 0x01;
    EXPECT_FALSE(read_entry_head(key, bad, entry.size()).ok()) << "byte " << i;
  }
  for (uint64_t size = 0; size < entry.size() + 10; size += 7) {
    if (size == entry.size()) continue;
    EXPECT_FALSE(read_entry_head(key,
                                 std::span(*head).first(
                                     std::min<size_t>(size, kStoredBlobOffset)),
                                 size)
                     .ok())
        << "size " << size;
  }
  EXPECT_FALSE(read_entry_head(key_of("other"), *head, entry.size()).ok());
}

TEST(CacheEntry, FileRecords) {
  const CacheKey record = key_of("r"), module = key_of("m");
  const std::vector<uint8_t> bytes = encode_file_record(record, module);
  ASSERT_EQ(bytes.size(), kFileRecordSize);
  auto back = decode_file_record(record, bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, module);
  EXPECT_EQ(decode_file_record(key_of("x"), bytes).error().message,
            "key mismatch");
  for (size_t i = 0; i < 48; i++) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= 0x80;
    EXPECT_FALSE(decode_file_record(record, bad).ok()) << "byte " << i;
  }
  for (size_t n = 0; n < kFileRecordSize; n++) {
    EXPECT_FALSE(decode_file_record(record, std::span(bytes).first(n)).ok());
  }
}

}  // namespace
}  // namespace heron
