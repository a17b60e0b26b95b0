/* String search: counts occurrences of PRNG-chosen patterns in a text over
 * a small alphabet (many partial matches) with a naive scan, with
 * Boyer-Moore-Horspool (bad-character table) and with a rolling hash
 * (Rabin-Karp); all three must agree.  Size parameter: text length in KiB. */
#include "bench_common.h"

static uint32_t count_naive(const uint8_t *t, uint32_t n, const uint8_t *p, uint32_t m) {
  uint32_t c = 0;
  for (uint32_t i = 0; i + m <= n; i++) {
    uint32_t j = 0;
    while (j < m && t[i + j] == p[j]) j++;
    c += j == m;
  }
  return c;
}

static uint32_t count_horspool(const uint8_t *t, uint32_t n, const uint8_t *p, uint32_t m) {
  uint32_t shift[256];
  for (uint32_t i = 0; i < 256; i++) shift[i] = m;
  for (uint32_t i = 0; i + 1 < m; i++) shift[p[i]] = m - 1 - i;
  uint32_t c = 0, i = 0;
  while (i + m <= n) {
    uint8_t last = t[i + m - 1];
    if (last == p[m - 1] && memcmp(t + i, p, m - 1) == 0) c++;
    i += shift[last];
  }
  return c;
}

static uint32_t count_rk(const uint8_t *t, uint32_t n, const uint8_t *p, uint32_t m) {
  const uint32_t B = 257;
  uint32_t hp = 0, ht = 0, pw = 1;
  if (n < m) return 0;
  for (uint32_t i = 0; i < m; i++) {
    hp = hp * B + p[i];
    ht = ht * B + t[i];
    if (i) pw *= B;
  }
  uint32_t c = 0;
  for (uint32_t i = 0;; i++) {
    if (ht == hp && memcmp(t + i, p, m) == 0) c++;
    if (i + m >= n) break;
    ht = (ht - t[i] * pw) * B + t[i + m];
  }
  return c;
}

int main(int argc, char **argv) {
  uint32_t kib = bench_size(argc, argv, 8192, 16);
  uint32_t n = kib * 1024;
  uint8_t *text = xmalloc(n);
  rng_t r;
  rng_seed(&r, 12);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t v = rng_u32(&r);
    text[i] = (uint8_t)("acgt"[v & 3]);
    if ((v >> 8) % 97 == 0) text[i] = (uint8_t)('a' + (v >> 16) % 26);
  }
  uint64_t h = 0;
  uint8_t pat[64];
  for (uint32_t k = 0; k < 12; k++) {
    uint32_t m = 3 + k * 3;
    /* Half of the patterns are taken from the text, half are random. */
    if (k & 1) {
      for (uint32_t i = 0; i < m; i++) pat[i] = (uint8_t)("acgt"[rng_u32(&r) & 3]);
    } else {
      uint32_t at = rng_u32(&r) % (n - m);
      memcpy(pat, text + at, m);
    }
    uint32_t c1 = count_naive(text, n, pat, m);
    uint32_t c2 = count_horspool(text, n, pat, m);
    uint32_t c3 = count_rk(text, n, pat, m);
    if (c1 != c2 || c1 != c3) {
      printf("mismatch: %u %u %u\n", c1, c2, c3);
      return 1;
    }
    h = ck_mix(h, c1);
  }
  print_checksum(h);
  free(text);
  return 0;
}
