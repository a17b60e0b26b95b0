/* Table-driven byte processing: CRC-32 (reflected, poly 0xEDB88320, one
 * table lookup per byte) and base64 encode + decode with lookup tables over
 * a PRNG buffer.  Size parameter: number of passes over a 256 KiB buffer. */
#include "bench_common.h"

static uint32_t crc_table[256];
static const char b64_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static uint8_t b64_rev[256];

static void init_tables(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    crc_table[i] = c;
  }
  memset(b64_rev, 0xFF, sizeof b64_rev);
  for (uint32_t i = 0; i < 64; i++) b64_rev[(uint8_t)b64_alpha[i]] = (uint8_t)i;
}

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, uint32_t n) {
  crc = ~crc;
  for (uint32_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

/* Returns the encoded length; out must hold 4*ceil(n/3) bytes. */
static uint32_t b64_encode(const uint8_t *in, uint32_t n, char *out) {
  uint32_t o = 0, i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
    out[o++] = b64_alpha[v >> 18];
    out[o++] = b64_alpha[(v >> 12) & 63];
    out[o++] = b64_alpha[(v >> 6) & 63];
    out[o++] = b64_alpha[v & 63];
  }
  if (i < n) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    out[o++] = b64_alpha[v >> 18];
    out[o++] = b64_alpha[(v >> 12) & 63];
    out[o++] = i + 1 < n ? b64_alpha[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
  return o;
}

/* Returns decoded length, or UINT32_MAX on invalid input. */
static uint32_t b64_decode(const char *in, uint32_t n, uint8_t *out) {
  uint32_t o = 0;
  if (n % 4) return UINT32_MAX;
  for (uint32_t i = 0; i < n; i += 4) {
    uint32_t a = b64_rev[(uint8_t)in[i]], b = b64_rev[(uint8_t)in[i + 1]];
    uint32_t pad = (in[i + 3] == '=') + (in[i + 2] == '=');
    uint32_t c = pad >= 2 ? 0 : b64_rev[(uint8_t)in[i + 2]];
    uint32_t d = pad >= 1 ? 0 : b64_rev[(uint8_t)in[i + 3]];
    if ((a | b | c | d) > 63) return UINT32_MAX;
    uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = (uint8_t)(v >> 16);
    if (pad < 2) out[o++] = (uint8_t)(v >> 8);
    if (pad < 1) out[o++] = (uint8_t)v;
  }
  return o;
}

int main(int argc, char **argv) {
  uint32_t passes = bench_size(argc, argv, 400, 2);
  const uint32_t n = 256 * 1024 + 1;
  uint8_t *buf = xmalloc(n);
  uint8_t *dec = xmalloc(n + 3);
  char *enc = xmalloc((n + 2) / 3 * 4);
  init_tables();
  rng_t r;
  rng_seed(&r, 4);
  for (uint32_t i = 0; i < n; i++) buf[i] = (uint8_t)(rng_next(&r) >> 56);

  uint64_t h = 0;
  uint32_t crc = 0;
  for (uint32_t p = 0; p < passes; p++) {
    uint32_t len = n - (p % 3); /* exercise all three padding cases */
    crc = crc32_update(crc, buf, len);
    uint32_t elen = b64_encode(buf, len, enc);
    uint32_t dlen = b64_decode(enc, elen, dec);
    if (dlen != len || memcmp(dec, buf, len) != 0) {
      printf("base64 round trip failed\n");
      return 1;
    }
    h = ck_mix(h, crc);
    h = ck_mix(h, crc32_update(0, (const uint8_t *)enc, elen));
    buf[p % n] ^= (uint8_t)crc;
  }
  print_checksum(h);
  free(buf); free(dec); free(enc);
  return 0;
}
