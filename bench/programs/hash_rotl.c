/* Integer hashing with rotates: a 4-lane 64-bit multiply/rotate hash over a
 * buffer (seeded differently each pass) plus a 32-bit rotate/xor mixer
 * applied to a counter stream.  Size parameter: number of passes. */
#include "bench_common.h"

#define K1 0xC2B2AE3D27D4EB4Full
#define K2 0x9E3779B185EBCA87ull
#define K3 0x165667B19E3779F9ull

static inline uint64_t rotl64(uint64_t x, unsigned r) { return (x << r) | (x >> (64 - r)); }
static inline uint32_t rotl32(uint32_t x, unsigned r) { return (x << r) | (x >> (32 - r)); }
static inline uint32_t rotr32(uint32_t x, unsigned r) { return (x >> r) | (x << (32 - r)); }

static inline uint64_t lane(uint64_t acc, uint64_t w) {
  acc += w * K2;
  acc = rotl64(acc, 31);
  return acc * K1;
}

static uint64_t hash_words(const uint64_t *w, uint32_t nwords, uint64_t seed) {
  uint64_t a = seed + K1 + K2, b = seed + K2, c = seed, d = seed - K1;
  uint32_t i = 0;
  for (; i + 4 <= nwords; i += 4) {
    a = lane(a, w[i]);
    b = lane(b, w[i + 1]);
    c = lane(c, w[i + 2]);
    d = lane(d, w[i + 3]);
  }
  uint64_t h = rotl64(a, 1) + rotl64(b, 7) + rotl64(c, 12) + rotl64(d, 18);
  for (; i < nwords; i++) h = rotl64(h ^ lane(0, w[i]), 27) * K1 + K3;
  h ^= h >> 33;
  h *= K2;
  h ^= h >> 29;
  h *= K3;
  h ^= h >> 32;
  return h;
}

static inline uint32_t mix32(uint32_t x, uint32_t k) {
  x ^= rotl32(x, 7) ^ rotr32(x, 11);
  x = x * 0x85EBCA6Bu + k;
  x = rotl32(x, 13) ^ (x >> 16);
  x *= 0xC2B2AE35u;
  return x ^ rotr32(x, 17);
}

int main(int argc, char **argv) {
  uint32_t passes = bench_size(argc, argv, 36000, 8);
  const uint32_t nwords = 16384 + 3; /* 128 KiB, odd tail on purpose */
  uint64_t *buf = xmalloc(nwords * sizeof(uint64_t));
  rng_t r;
  rng_seed(&r, 3);
  for (uint32_t i = 0; i < nwords; i++) buf[i] = rng_next(&r);

  uint64_t h = 0;
  for (uint32_t p = 0; p < passes; p++) {
    uint64_t v = hash_words(buf, nwords, h + p);
    buf[p % nwords] ^= v; /* feed back so passes are not independent */
    h = ck_mix(h, v);
  }
  uint32_t x = 0x12345678u;
  for (uint32_t i = 0; i < passes * 2048u; i++) x = mix32(x + i, i >> 3);
  h = ck_mix(h, x);
  print_checksum(h);
  free(buf);
  return 0;
}
