// Cache entry files: the round trip, and every kind of damage (a flipped
// byte anywhere, truncation, trailing bytes, another key's entry, foreign
// bytes) is recognized instead of returning a blob.
#include <gtest/gtest.h>

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
  bad[8] = 2;
  EXPECT_EQ(reason(bad), "entry format version 2, expected 1");
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

}  // namespace
}  // namespace heron
