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
//
// Carry-less folding (AVX-512 with VPCLMULQDQ): the crc32 instruction runs
// at 8 bytes a cycle at best, well below what memory delivers, so where the
// CPU multiplies carry-lessly on 512-bit vectors the bulk of the input is
// folded instead. Sixteen 128-bit lanes (four vectors) each hold a
// polynomial congruent, modulo P, to everything read so far at its
// position; a lane X is moved D bits further along the message and added to
// the 128 bits found there:
//   X * x^D = lo * x^(D+64) + hi * x^D,
// where lo (the lane's first 8 bytes, the high-order coefficients) and hi
// are 64-bit halves, each multiplied by a 32-bit constant x^k mod P. In the
// reflected representation a carry-less product carries one extra factor x,
// hence the constants x^(D+63) and x^(D-1). The lanes are folded into one
// at the end, and those 16 bytes, congruent to the whole prefix, go through
// the crc32 instruction like any other message bytes. The starting register
// is added into the first four bytes (crc(c, M) = crc(0, M ^ c)).
#include "artifact/crc32c.h"

#include <array>
#include <cstddef>
#include <cstring>

#include "heron/error.h"

#if defined(__x86_64__)
#include <immintrin.h>
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

// A folding constant: x^e mod P as the 64-bit reflected operand of a
// carry-less multiply (coefficient of x^0 in bit 63).
constexpr uint64_t fold_constant(uint64_t e) {
  return uint64_t(x_pow_mod(e)) << 32;
}

// The pair of constants that moves a 128-bit lane `bytes` further along:
// the first multiplies the lane's low 64 bits, the second its high ones.
struct FoldBy {
  uint64_t lo, hi;
};
constexpr FoldBy fold_by(uint64_t bytes) {
  return {fold_constant(8 * bytes + 63), fold_constant(8 * bytes - 1)};
}

constexpr size_t kFoldStride = 256;  // four 64-byte vectors
constexpr FoldBy kFoldStrideK = fold_by(kFoldStride);
constexpr FoldBy kFold64K = fold_by(64);
constexpr FoldBy kFold16K = fold_by(16);
// Below this the fixed cost of folding (the final reduction, the vector
// set-up) outweighs its speed.
constexpr size_t kFoldMin = 1024;

#define HERON_VPCLMUL_TARGET \
  __attribute__((target("avx512f,avx512vl,vpclmulqdq,pclmul,sse4.2")))

HERON_VPCLMUL_TARGET inline __m512i fold512(__m512i x, __m512i k, __m512i y) {
  return _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(x, k, 0x00),
                                   _mm512_clmulepi64_epi128(x, k, 0x11), y,
                                   0x96);  // a ^ b ^ c
}

HERON_VPCLMUL_TARGET inline __m128i fold128(__m128i x, __m128i k, __m128i y) {
  return _mm_ternarylogic_epi64(_mm_clmulepi64_si128(x, k, 0x00),
                                _mm_clmulepi64_si128(x, k, 0x11), y, 0x96);
}

HERON_VPCLMUL_TARGET inline __m512i broadcast(FoldBy k) {
  const auto lo = int64_t(k.lo), hi = int64_t(k.hi);
  return _mm512_set_epi64(hi, lo, hi, lo, hi, lo, hi, lo);
}

// Needs n >= kFoldStride.
HERON_VPCLMUL_TARGET uint32_t raw_vpclmul(uint32_t c, const uint8_t* p,
                                          size_t n) {
  __m512i a0 = _mm512_loadu_si512(p);
  __m512i a1 = _mm512_loadu_si512(p + 64);
  __m512i a2 = _mm512_loadu_si512(p + 128);
  __m512i a3 = _mm512_loadu_si512(p + 192);
  a0 = _mm512_xor_si512(a0, _mm512_castsi128_si512(_mm_cvtsi32_si128(int(c))));
  p += kFoldStride;
  n -= kFoldStride;
  const __m512i k_stride = broadcast(kFoldStrideK);
  while (n >= kFoldStride) {
    a0 = fold512(a0, k_stride, _mm512_loadu_si512(p));
    a1 = fold512(a1, k_stride, _mm512_loadu_si512(p + 64));
    a2 = fold512(a2, k_stride, _mm512_loadu_si512(p + 128));
    a3 = fold512(a3, k_stride, _mm512_loadu_si512(p + 192));
    p += kFoldStride;
    n -= kFoldStride;
  }
  const __m512i k64 = broadcast(kFold64K);
  a1 = fold512(a0, k64, a1);
  a2 = fold512(a1, k64, a2);
  a3 = fold512(a2, k64, a3);
  const __m128i k16 =
      _mm_set_epi64x(int64_t(kFold16K.hi), int64_t(kFold16K.lo));
  // Through memory: gcc 12 warns about the lane-extract intrinsics.
  alignas(64) __m128i lanes[4];
  _mm512_store_si512(lanes, a3);
  __m128i x = lanes[0];
  x = fold128(x, k16, lanes[1]);
  x = fold128(x, k16, lanes[2]);
  x = fold128(x, k16, lanes[3]);
  uint64_t w = _mm_crc32_u64(0, uint64_t(_mm_cvtsi128_si64(x)));
  w = _mm_crc32_u64(w, uint64_t(_mm_extract_epi64(x, 1)));
  return raw_hardware(uint32_t(w), p, n);
}

bool has_sse42() {
  static const bool yes = __builtin_cpu_supports("sse4.2");
  return yes;
}

bool has_vpclmul() {
  static const bool yes =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("vpclmulqdq") && __builtin_cpu_supports("sse4.2");
  return yes;
}
#endif

}  // namespace

uint32_t crc32c(uint32_t crc, std::span<const uint8_t> data) {
#if defined(__x86_64__)
  if (data.size() >= kFoldMin && has_vpclmul())
    return ~raw_vpclmul(~crc, data.data(), data.size());
  if (has_sse42()) return ~raw_hardware(~crc, data.data(), data.size());
#endif
  return ~raw_portable(~crc, data.data(), data.size());
}

bool crc32c_has(Crc32cPath path) {
  switch (path) {
    case Crc32cPath::Portable:
      return true;
#if defined(__x86_64__)
    case Crc32cPath::Sse42:
      return has_sse42();
    case Crc32cPath::Vpclmul:
      return has_vpclmul();
#else
    case Crc32cPath::Sse42:
    case Crc32cPath::Vpclmul:
      return false;
#endif
  }
  return false;
}

uint32_t crc32c_by(Crc32cPath path, uint32_t crc,
                   std::span<const uint8_t> data) {
  if (!crc32c_has(path)) fatal_invariant("crc32c_by: path not available");
  switch (path) {
    case Crc32cPath::Portable:
      break;
#if defined(__x86_64__)
    case Crc32cPath::Sse42:
      return ~raw_hardware(~crc, data.data(), data.size());
    case Crc32cPath::Vpclmul:
      if (data.size() < kFoldStride)
        return ~raw_hardware(~crc, data.data(), data.size());
      return ~raw_vpclmul(~crc, data.data(), data.size());
#else
    default:
      break;
#endif
  }
  return ~raw_portable(~crc, data.data(), data.size());
}

uint32_t crc32c_portable(uint32_t crc, std::span<const uint8_t> data) {
  return ~raw_portable(~crc, data.data(), data.size());
}

}  // namespace heron
