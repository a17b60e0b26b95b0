/* 64-bit division and modulo: Miller-Rabin primality (deterministic for
 * 32-bit inputs) with modular exponentiation by % on 64-bit products,
 * Euclid's gcd on 64-bit values, signed division/modulo, and radix
 * conversion with run-time (non-constant) divisors.
 * Size parameter: number of candidates tested. */
#include "bench_common.h"

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
  uint64_t r = 1 % m;
  b %= m;
  while (e) {
    if (e & 1) r = r * b % m;
    b = b * b % m;
    e >>= 1;
  }
  return r;
}

static int is_prime_u32(uint64_t n) {
  static const uint64_t small[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  if (n < 2) return 0;
  for (uint32_t i = 0; i < 12; i++) {
    if (n == small[i]) return 1;
    if (n % small[i] == 0) return 0;
  }
  uint64_t d = n - 1;
  uint32_t s = 0;
  while ((d & 1) == 0) { d >>= 1; s++; }
  static const uint64_t bases[] = {2, 7, 61};
  for (uint32_t i = 0; i < 3; i++) {
    uint64_t x = powmod(bases[i], d, n);
    if (x == 1 || x == n - 1) continue;
    uint32_t k = 1;
    for (; k < s; k++) {
      x = x * x % n;
      if (x == n - 1) break;
    }
    if (k == s) return 0;
  }
  return 1;
}

static uint64_t gcd64(uint64_t a, uint64_t b) {
  while (b) { uint64_t t = a % b; a = b; b = t; }
  return a;
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 3000000, 2000);
  rng_t r;
  rng_seed(&r, 9);
  uint64_t h = 0;
  uint32_t primes = 0;
  /* Radixes come from the PRNG, so the compiler cannot strength-reduce. */
  uint64_t radix[8];
  for (uint32_t i = 0; i < 8; i++) radix[i] = 3 + rng_u32(&r) % 60;

  for (uint32_t i = 0; i < n; i++) {
    uint64_t cand = (rng_next(&r) >> 32) | 1;
    if (is_prime_u32(cand)) { primes++; h = ck_mix(h, cand); }

    uint64_t a = rng_next(&r), b = rng_next(&r) >> (i % 40);
    h += gcd64(a, b | 1);

    int64_t sa = (int64_t)(rng_next(&r) >> 1) - (int64_t)0x4000000000000000ll;
    int64_t sb = (int64_t)(rng_next(&r) >> (20 + i % 30)) - 12345;
    if (sb == 0) sb = 7;
    h ^= (uint64_t)(sa / sb) + ((uint64_t)(sa % sb) << 1);

    uint64_t v = rng_next(&r), base = radix[i & 7], digits = 0;
    while (v) { digits = digits * 131 + v % base; v /= base; }
    h = ck_mix(h, digits);
  }
  h = ck_mix(h, primes);
  print_checksum(h);
  return 0;
}
