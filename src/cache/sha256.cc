// SHA-256: message buffering and padding, and the portable block function
// (FIPS 180-4 sections 5.1.1, 6.2.2). The SHA-NI block function is in
// sha256_shani.cc.
#include "cache/sha256.h"

#include <algorithm>
#include <cstring>

#include "cache/sha256_blocks.h"
#include "heron/error.h"

namespace heron {

namespace sha256_detail {

namespace {

inline uint32_t rotr(uint32_t x, unsigned n) {
  return (x >> n) | (x << (32 - n));
}

inline uint32_t load_be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

}  // namespace

// One round, written so that the caller rotates the roles of the eight
// variables instead of moving them: only d and h change.
inline void round(uint32_t a, uint32_t b, uint32_t c, uint32_t& d, uint32_t e,
                  uint32_t f, uint32_t g, uint32_t& h, uint32_t k_plus_w) {
  const uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
                      ((e & f) ^ (~e & g)) + k_plus_w;
  const uint32_t t2 =
      (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
  d += t1;
  h = t1 + t2;
}

void blocks_portable(uint32_t state[8], const uint8_t* blocks, size_t count) {
  for (size_t block = 0; block < count; block++, blocks += 64) {
    uint32_t w[64];
    for (int t = 0; t < 16; t++) w[t] = load_be32(blocks + 4 * t);
    for (int t = 16; t < 64; t++) {
      const uint32_t w15 = w[t - 15], w2 = w[t - 2];
      const uint32_t s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
      const uint32_t s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    const uint32_t* k = kRoundConstants;
    for (int t = 0; t < 64; t += 8) {
      round(a, b, c, d, e, f, g, h, k[t] + w[t]);
      round(h, a, b, c, d, e, f, g, k[t + 1] + w[t + 1]);
      round(g, h, a, b, c, d, e, f, k[t + 2] + w[t + 2]);
      round(f, g, h, a, b, c, d, e, k[t + 3] + w[t + 3]);
      round(e, f, g, h, a, b, c, d, k[t + 4] + w[t + 4]);
      round(d, e, f, g, h, a, b, c, k[t + 5] + w[t + 5]);
      round(c, d, e, f, g, h, a, b, k[t + 6] + w[t + 6]);
      round(b, c, d, e, f, g, h, a, k[t + 7] + w[t + 7]);
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

}  // namespace sha256_detail

bool sha256_shani_supported() {
  static const bool supported = sha256_detail::cpu_has_shani();
  return supported;
}

Sha256::Sha256(Sha256Impl impl) {
  if (impl == Sha256Impl::Auto) {
    impl = sha256_shani_supported() ? Sha256Impl::ShaNi : Sha256Impl::Portable;
  }
  if (impl == Sha256Impl::ShaNi && !sha256_shani_supported()) {
    fatal_invariant("Sha256: SHA-NI requested on a CPU without it");
  }
  impl_ = impl;
  blocks_ = impl == Sha256Impl::ShaNi ? sha256_detail::blocks_shani
                                      : sha256_detail::blocks_portable;
  reset();
}

void Sha256::reset() {
  // The first 32 bits of the fractional parts of the square roots of the
  // first 8 primes (FIPS 180-4 section 5.3.3).
  static constexpr uint32_t kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                           0xa54ff53a, 0x510e527f, 0x9b05688c,
                                           0x1f83d9ab, 0x5be0cd19};
  std::memcpy(state_, kInitial, sizeof state_);
  buffered_ = 0;
  total_bytes_ = 0;
}

void Sha256::update(std::span<const uint8_t> bytes) {
  const uint8_t* p = bytes.data();
  size_t n = bytes.size();
  if (n == 0) return;  // p may be null, which memcpy must not see
  total_bytes_ += n;
  if (buffered_ > 0) {
    size_t take = std::min(n, sizeof buffer_ - buffered_);
    std::memcpy(buffer_ + buffered_, p, take);
    buffered_ += take;
    p += take;
    n -= take;
    if (buffered_ < sizeof buffer_) return;
    blocks_(state_, buffer_, 1);
    buffered_ = 0;
  }
  if (n >= 64) {
    blocks_(state_, p, n / 64);
    p += n / 64 * 64;
    n %= 64;
  }
  if (n > 0) {
    std::memcpy(buffer_, p, n);
    buffered_ = n;
  }
}

void Sha256::update(std::string_view text) {
  update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()),
                                  text.size()));
}

Sha256Digest Sha256::finish() {
  // Padding: 0x80, zeros up to 56 mod 64, then the length in bits as a
  // big-endian 64-bit number.
  const uint64_t bits = total_bytes_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > 56) {
    std::memset(buffer_ + buffered_, 0, sizeof buffer_ - buffered_);
    blocks_(state_, buffer_, 1);
    buffered_ = 0;
  }
  std::memset(buffer_ + buffered_, 0, 56 - buffered_);
  for (int i = 0; i < 8; i++) buffer_[56 + i] = uint8_t(bits >> (56 - 8 * i));
  blocks_(state_, buffer_, 1);

  Sha256Digest digest;
  for (int i = 0; i < 8; i++) {
    digest[4 * i] = uint8_t(state_[i] >> 24);
    digest[4 * i + 1] = uint8_t(state_[i] >> 16);
    digest[4 * i + 2] = uint8_t(state_[i] >> 8);
    digest[4 * i + 3] = uint8_t(state_[i]);
  }
  reset();
  return digest;
}

Sha256Digest Sha256::hash(std::span<const uint8_t> bytes, Sha256Impl impl) {
  Sha256 h(impl);
  h.update(bytes);
  return h.finish();
}

std::string to_hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    text.push_back(kDigits[b >> 4]);
    text.push_back(kDigits[b & 15]);
  }
  return text;
}

}  // namespace heron
