/* Shared helpers for the Heron benchmark programs (bench/programs/).
 *
 * Every program takes one optional argument selecting its problem size:
 *   (none) or "full"  the timed size (0.5-3 s natively with gcc -O2),
 *   "tiny"            a very small size for CI smoke runs,
 *   a positive integer  the program's own size parameter, explicitly.
 * Every program prints exactly one line "checksum: 0x%016x" (64-bit) and
 * exits 0.  Everything is deterministic and portable between x86-64 and
 * wasm32: only fixed-width integer types, no pointer values in results,
 * no libm besides sqrt (which IEEE 754 defines exactly). */
#ifndef HERON_BENCH_COMMON_H
#define HERON_BENCH_COMMON_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline uint32_t bench_size(int argc, char** argv, uint32_t full,
                                  uint32_t tiny) {
  if (argc < 2 || strcmp(argv[1], "full") == 0) return full;
  if (strcmp(argv[1], "tiny") == 0) return tiny;
  char* end = NULL;
  unsigned long v = strtoul(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || v == 0 || v > 0xffffffffUL) {
    fprintf(stderr, "usage: %s [full|tiny|N]\n", argv[0]);
    exit(2);
  }
  return (uint32_t)v;
}

/* Deterministic PRNG (xorshift64 with a multiplicative output step). */
typedef struct {
  uint64_t s;
} rng_t;
static inline void rng_seed(rng_t* r, uint64_t seed) {
  r->s = seed * 0x9E3779B97F4A7C15ull + 0x6A09E667F3BCC909ull;
  if (r->s == 0) r->s = 1;
}
static inline uint64_t rng_next(rng_t* r) {
  uint64_t x = r->s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  r->s = x;
  return x * 0x2545F4914F6CDD1Dull;
}
static inline uint32_t rng_u32(rng_t* r) {
  return (uint32_t)(rng_next(r) >> 32);
}
/* Uniform double in [0, 1) from 53 random bits. */
static inline double rng_f64(rng_t* r) {
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Order-dependent 64-bit checksum accumulator. */
static inline uint64_t ck_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h *= 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 29);
}
static inline uint64_t ck_f64(uint64_t h, double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return ck_mix(h, bits);
}
static inline uint64_t ck_f32(uint64_t h, float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return ck_mix(h, bits);
}

static inline void* xmalloc(size_t n) {
  void* p = malloc(n);
  if (!p) {
    fprintf(stderr, "out of memory (%zu bytes)\n", n);
    exit(3);
  }
  return p;
}

static inline void print_checksum(uint64_t h) {
  printf("checksum: 0x%016" PRIx64 "\n", h);
}

#endif
