// CRC32C, hardware and portable (see crc32c.h).
//
// Both paths update the "raw" CRC register (no pre/post inversion); the
// public functions invert around it. Polynomials are in the reflected
// representation: bit 31 holds the coefficient of x^0, bit 0 that of x^31.
//
// Three streams: the crc32 instruction has a latency of three cycles and a
// throughput of one, so one dependency chain uses a third of the unit. The
// hardware path splits each 3*kBlock chunk into blocks A, B, C, runs A from
// the current register and B, C from zero, and combines them by linearity:
//   crc(c, A B C) = shift(shift(crc(c, A)) ^ crc(0, B)) ^ crc(0, C)
// where shift(r) = crc(r, kBlock zero bytes) = r * x^(8*kBlock) mod P, a
// linear map applied through four byte-indexed tables.
#include "artifact/crc32c.h"

#include <array>
#include <cstddef>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace heron {

namespace {

constexpr uint32_t kPoly = 0x82F63B78;  // 0x1EDC6F41 reflected
constexpr size_t kBlock = 8192;

using Table = std::array<std::array<uint32_t, 256>, 8>;

// Slicing-by-8 tables: kTables[0] is the byte-at-a-time table, kTables[k]
// advances a byte through k more zero bytes.
constexpr Table make_tables() {
  Table t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  for (size_t k = 1; k < 8; k++)
    for (uint32_t i = 0; i < 256; i++)
      t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  return t;
}
constexpr Table kTables = make_tables();

// a * b mod P.
constexpr uint32_t mul_mod(uint32_t a, uint32_t b) {
  uint32_t p = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) p ^= b;
    b = (b & 1) ? (b >> 1) ^ kPoly : b >> 1;
  }
  return p;
}

// x^e mod P.
constexpr uint32_t x_pow_mod(uint64_t e) {
  uint32_t result = 1u << 31;  // x^0
  uint32_t base = 1u << 30;    // x^1
  while (e != 0) {
    if (e & 1) result = mul_mod(result, base);
    base = mul_mod(base, base);
    e >>= 1;
  }
  return result;
}

using ShiftTable = std::array<std::array<uint32_t, 256>, 4>;

// shift(r) = r * x^(8 * kBlock) mod P, by bytes of r.
constexpr ShiftTable make_shift_table() {
  const uint32_t factor = x_pow_mod(8 * uint64_t(kBlock));
  ShiftTable t{};
  for (size_t k = 0; k < 4; k++)
    for (uint32_t b = 0; b < 256; b++) t[k][b] = mul_mod(b << (8 * k), factor);
  return t;
}
constexpr ShiftTable kShift = make_shift_table();

inline uint32_t shift_block(uint32_t r) {
  return kShift[0][r & 0xff] ^ kShift[1][(r >> 8) & 0xff] ^
         kShift[2][(r >> 16) & 0xff] ^ kShift[3][r >> 24];
}

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

uint32_t raw_portable(uint32_t c, const uint8_t* p, size_t n) {
  while (n != 0 && (uintptr_t(p) & 7) != 0) {
    c = kTables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    n--;
  }
  while (n >= 8) {
    const uint64_t w = load64(p) ^ c;
    c = kTables[7][w & 0xff] ^ kTables[6][(w >> 8) & 0xff] ^
        kTables[5][(w >> 16) & 0xff] ^ kTables[4][(w >> 24) & 0xff] ^
        kTables[3][(w >> 32) & 0xff] ^ kTables[2][(w >> 40) & 0xff] ^
        kTables[1][(w >> 48) & 0xff] ^ kTables[0][w >> 56];
    p += 8;
    n -= 8;
  }
  while (n != 0) {
    c = kTables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    n--;
  }
  return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t raw_hardware(uint32_t c,
                                                        const uint8_t* p,
                                                        size_t n) {
  while (n != 0 && (uintptr_t(p) & 7) != 0) {
    c = _mm_crc32_u8(c, *p++);
    n--;
  }
  while (n >= 3 * kBlock) {
    uint64_t a = c, b = 0, d = 0;
    for (size_t i = 0; i < kBlock; i += 8) {
      a = _mm_crc32_u64(a, load64(p + i));
      b = _mm_crc32_u64(b, load64(p + kBlock + i));
      d = _mm_crc32_u64(d, load64(p + 2 * kBlock + i));
    }
    c = shift_block(shift_block(uint32_t(a)) ^ uint32_t(b)) ^ uint32_t(d);
    p += 3 * kBlock;
    n -= 3 * kBlock;
  }
  uint64_t w = c;
  while (n >= 8) {
    w = _mm_crc32_u64(w, load64(p));
    p += 8;
    n -= 8;
  }
  c = uint32_t(w);
  while (n != 0) {
    c = _mm_crc32_u8(c, *p++);
    n--;
  }
  return c;
}

bool has_sse42() {
  static const bool yes = __builtin_cpu_supports("sse4.2");
  return yes;
}
#endif

}  // namespace

uint32_t crc32c(uint32_t crc, std::span<const uint8_t> data) {
#if defined(__x86_64__)
  if (has_sse42()) return ~raw_hardware(~crc, data.data(), data.size());
#endif
  return ~raw_portable(~crc, data.data(), data.size());
}

uint32_t crc32c_portable(uint32_t crc, std::span<const uint8_t> data) {
  return ~raw_portable(~crc, data.data(), data.size());
}

}  // namespace heron
