// SHA-256 against the FIPS 180-2 / NIST example vectors (one block, two
// blocks, the 896-bit message, a million 'a'), the padding edges, chunked
// updates, and the portable and SHA-NI block functions against each other.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "cache/sha256.h"

namespace heron {
namespace {

std::vector<Sha256Impl> impls() {
  std::vector<Sha256Impl> result = {Sha256Impl::Portable};
  if (sha256_shani_supported()) result.push_back(Sha256Impl::ShaNi);
  return result;
}

std::string hex_of(std::string_view text, Sha256Impl impl) {
  Sha256 h(impl);
  h.update(text);
  return to_hex(h.finish());
}

std::string hex_of(const std::vector<uint8_t>& bytes, Sha256Impl impl) {
  return to_hex(Sha256::hash(bytes, impl));
}

// (i * 7 + 3) mod 256: the pattern the padding-edge digests were computed
// over (independently, with Python's hashlib).
std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> bytes(n);
  for (size_t i = 0; i < n; i++) bytes[i] = uint8_t(i * 7 + 3);
  return bytes;
}

class Sha256Test : public testing::TestWithParam<Sha256Impl> {};

TEST_P(Sha256Test, NistVectors) {
  const Sha256Impl impl = GetParam();
  EXPECT_EQ(hex_of("", impl),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_of("abc", impl),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // 448 bits: the padding needs a second block.
  EXPECT_EQ(
      hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", impl),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // 896 bits: two message blocks.
  EXPECT_EQ(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                   "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                   impl),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_P(Sha256Test, MillionA) {
  const std::string a(1000000, 'a');
  const char* expected =
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  EXPECT_EQ(hex_of(a, GetParam()), expected);
  // The same message fed one byte, then 1000 bytes at a time.
  Sha256 bytewise(GetParam());
  for (int i = 0; i < 1000000; i++) bytewise.update(std::string_view("a"));
  EXPECT_EQ(to_hex(bytewise.finish()), expected);
  Sha256 chunks(GetParam());
  for (int i = 0; i < 1000; i++) {
    chunks.update(std::string_view(a).substr(0, 1000));
  }
  EXPECT_EQ(to_hex(chunks.finish()), expected);
}

TEST_P(Sha256Test, PaddingEdges) {
  const Sha256Impl impl = GetParam();
  const std::pair<size_t, const char*> cases[] = {
      {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
      {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
      {57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"},
      {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
      {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
      {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
      {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
      {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
      {127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"},
      {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
      {129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4"},
      {1000,
       "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"},
  };
  for (const auto& [length, expected] : cases) {
    EXPECT_EQ(hex_of(pattern(length), impl), expected) << "length " << length;
  }
}

// Any split of a message into update() calls gives the one-shot digest.
TEST_P(Sha256Test, ChunkedUpdatesMatchOneShot) {
  std::mt19937 rng(42);
  for (size_t length : {0, 1, 63, 64, 65, 200, 4096, 10007}) {
    std::vector<uint8_t> message(length);
    for (uint8_t& b : message) b = uint8_t(rng());
    const Sha256Digest one_shot = Sha256::hash(message, GetParam());
    for (int trial = 0; trial < 20; trial++) {
      Sha256 h(GetParam());
      size_t at = 0;
      while (at < length) {
        size_t n = std::min<size_t>(length - at, rng() % 150);
        h.update(std::span<const uint8_t>(message).subspan(at, n));
        at += n;
      }
      EXPECT_EQ(h.finish(), one_shot) << "length " << length;
    }
  }
}

// finish() resets: the object hashes the next message from scratch.
TEST_P(Sha256Test, FinishResets) {
  Sha256 h(GetParam());
  h.update(std::string_view("something else first"));
  (void)h.finish();
  h.update(std::string_view("abc"));
  EXPECT_EQ(to_hex(h.finish()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

INSTANTIATE_TEST_SUITE_P(Impls, Sha256Test, testing::ValuesIn(impls()),
                         [](const testing::TestParamInfo<Sha256Impl>& info) {
                           return info.param == Sha256Impl::ShaNi
                                      ? std::string("ShaNi")
                                      : std::string("Portable");
                         });

// Both block functions agree on every length around the block boundaries
// and on multi-block inputs.
TEST(Sha256, PortableAndShaNiAgree) {
  if (!sha256_shani_supported()) {
    GTEST_SKIP() << "this CPU has no SHA extensions (sha_ni)";
  }
  std::mt19937 rng(7);
  std::vector<uint8_t> message(3000);
  for (uint8_t& b : message) b = uint8_t(rng());
  for (size_t length = 0; length <= message.size(); length += 1 + length / 8) {
    std::span<const uint8_t> m(message.data(), length);
    EXPECT_EQ(Sha256::hash(m, Sha256Impl::Portable),
              Sha256::hash(m, Sha256Impl::ShaNi))
        << "length " << length;
  }
}

TEST(Sha256, AutoPicksShaNiWhenSupported) {
  Sha256 h;
  EXPECT_EQ(h.impl(), sha256_shani_supported() ? Sha256Impl::ShaNi
                                               : Sha256Impl::Portable);
}

}  // namespace
}  // namespace heron
