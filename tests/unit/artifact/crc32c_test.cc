// CRC32C: published check values, and each fast path (three crc32
// streams; carry-less folding) against the portable one on lengths around
// their block boundaries.
#include "artifact/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string_view>
#include <vector>

namespace heron {
namespace {

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Crc32c, CheckValues) {
  // The "check" value of the CRC catalogue and RFC 3720 (iSCSI), B.4.
  EXPECT_EQ(crc32c(0, bytes_of("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c_portable(0, bytes_of("123456789")), 0xE3069283u);
  std::vector<uint8_t> v(32, 0);
  EXPECT_EQ(crc32c(0, v), 0x8A9136AAu);
  std::fill(v.begin(), v.end(), 0xff);
  EXPECT_EQ(crc32c(0, v), 0x62A8AB43u);
  for (int i = 0; i < 32; i++) v[i] = uint8_t(i);
  EXPECT_EQ(crc32c(0, v), 0x46DD794Eu);
  for (int i = 0; i < 32; i++) v[i] = uint8_t(31 - i);
  EXPECT_EQ(crc32c(0, v), 0x113FDB5Cu);
  EXPECT_EQ(crc32c(0, {}), 0u);
}

TEST(Crc32c, FastPathAgreesWithPortableAtEveryShape) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(3 * 3 * 8192 + 100);
  for (uint8_t& b : data) b = uint8_t(rng());
  const size_t lengths[] = {0,
                            1,
                            7,
                            8,
                            9,
                            63,
                            4096,
                            3 * 8192 - 1,
                            3 * 8192,
                            3 * 8192 + 1,
                            6 * 8192 + 13,
                            9 * 8192,
                            9 * 8192 + 99};
  for (size_t start = 0; start < 9; start++) {
    for (size_t n : lengths) {
      if (start + n > data.size()) continue;
      std::span<const uint8_t> s(data.data() + start, n);
      EXPECT_EQ(crc32c(0, s), crc32c_portable(0, s))
          << "start " << start << " length " << n;
    }
  }
}

// Every implementation this CPU has, on every length from 0 to 1100 (the
// folding path's 256-byte stride, its 1024-byte threshold and the tail
// after it), at each alignment, continued from a non-zero register.
TEST(Crc32c, EachPathAgreesWithPortable) {
  std::mt19937 rng(3);
  std::vector<uint8_t> data(1100 + 64 + 3 * 8192 * 2);
  for (uint8_t& b : data) b = uint8_t(rng());
  int paths = 0;
  for (Crc32cPath path : {Crc32cPath::Sse42, Crc32cPath::Vpclmul}) {
    if (!crc32c_has(path)) continue;
    paths++;
    for (size_t start = 0; start < 64; start += 9)
      for (size_t n = 0; n <= 1100; n++) {
        std::span<const uint8_t> s(data.data() + start, n);
        ASSERT_EQ(crc32c_by(path, 0x9e3779b9u, s),
                  crc32c_portable(0x9e3779b9u, s))
            << "path " << int(path) << " start " << start << " length " << n;
      }
    for (size_t n : {size_t(6 * 8192 + 255), size_t(6 * 8192 + 256),
                     data.size() - 1, data.size()}) {
      std::span<const uint8_t> s(data.data() + data.size() - n, n);
      EXPECT_EQ(crc32c_by(path, 0, s), crc32c_portable(0, s))
          << "path " << int(path) << " length " << n;
    }
  }
  if (paths == 0) GTEST_SKIP() << "no SSE4.2 on this CPU";
}

TEST(Crc32c, Continues) {
  std::mt19937 rng(11);
  std::vector<uint8_t> data(100000);
  for (uint8_t& b : data) b = uint8_t(rng());
  const uint32_t whole = crc32c(0, data);
  for (size_t cut : {size_t(0), size_t(1), size_t(4), size_t(24576),
                     size_t(50001), data.size()}) {
    std::span<const uint8_t> all(data);
    EXPECT_EQ(crc32c(crc32c(0, all.first(cut)), all.subspan(cut)), whole)
        << cut;
    EXPECT_EQ(
        crc32c_portable(crc32c_portable(0, all.first(cut)), all.subspan(cut)),
        whole)
        << cut;
  }
}

TEST(Crc32c, DetectsEverySingleBitFlip) {
  std::vector<uint8_t> data(3 * 8192 + 40, 0x5a);
  const uint32_t good = crc32c(0, data);
  for (size_t at = 0; at < data.size(); at += 97) {
    for (int bit = 0; bit < 8; bit++) {
      data[at] ^= uint8_t(1 << bit);
      EXPECT_NE(crc32c(0, data), good) << at << ":" << bit;
      data[at] ^= uint8_t(1 << bit);
    }
  }
}

}  // namespace
}  // namespace heron
