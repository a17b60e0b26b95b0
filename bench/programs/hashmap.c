/* Hash map with open addressing: linear probing, power-of-two capacity,
 * backward-shift deletion, 64-bit keys and values, growth by rehashing.
 * Inserts, hits, misses, updates and deletes in a PRNG-driven mix.
 * Size parameter: number of distinct keys. */
#include "bench_common.h"

typedef struct {
  uint64_t *keys; /* 0 means empty; keys are made non-zero */
  uint64_t *vals;
  uint32_t cap, count;
} map_t;

static inline uint32_t slot_of(uint64_t key, uint32_t mask) {
  uint64_t x = key * 0x9E3779B97F4A7C15ull;
  return (uint32_t)(x >> 32) & mask;
}

static void map_init(map_t *m, uint32_t cap) {
  m->cap = cap;
  m->count = 0;
  m->keys = xmalloc((size_t)cap * sizeof(uint64_t));
  m->vals = xmalloc((size_t)cap * sizeof(uint64_t));
  memset(m->keys, 0, (size_t)cap * sizeof(uint64_t));
}

static void map_put(map_t *m, uint64_t key, uint64_t val);

static void map_grow(map_t *m) {
  map_t n;
  map_init(&n, m->cap * 2);
  for (uint32_t i = 0; i < m->cap; i++)
    if (m->keys[i]) map_put(&n, m->keys[i], m->vals[i]);
  free(m->keys);
  free(m->vals);
  *m = n;
}

static void map_put(map_t *m, uint64_t key, uint64_t val) {
  if ((m->count + 1) * 4 > m->cap * 3) map_grow(m);
  uint32_t mask = m->cap - 1, i = slot_of(key, mask);
  while (m->keys[i] && m->keys[i] != key) i = (i + 1) & mask;
  if (!m->keys[i]) { m->keys[i] = key; m->count++; }
  m->vals[i] = val;
}

static int map_get(const map_t *m, uint64_t key, uint64_t *val) {
  uint32_t mask = m->cap - 1, i = slot_of(key, mask);
  while (m->keys[i]) {
    if (m->keys[i] == key) { *val = m->vals[i]; return 1; }
    i = (i + 1) & mask;
  }
  return 0;
}

static int map_del(map_t *m, uint64_t key) {
  uint32_t mask = m->cap - 1, i = slot_of(key, mask);
  while (m->keys[i] != key) {
    if (!m->keys[i]) return 0;
    i = (i + 1) & mask;
  }
  /* Backward-shift: move later entries of the cluster into the hole. */
  uint32_t hole = i, j = i;
  for (;;) {
    j = (j + 1) & mask;
    if (!m->keys[j]) break;
    uint32_t home = slot_of(m->keys[j], mask);
    /* Entry at j may move to hole if home is not cyclically in (hole, j]. */
    if (((j - home) & mask) >= ((j - hole) & mask)) {
      m->keys[hole] = m->keys[j];
      m->vals[hole] = m->vals[j];
      hole = j;
    }
  }
  m->keys[hole] = 0;
  m->count--;
  return 1;
}

static inline uint64_t key_of(uint32_t i) {
  /* Distinct non-zero keys with structure (multiples of a stride). */
  return ((uint64_t)i * 0x100000001B3ull) ^ 0x5555000000000000ull;
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 1500000, 2000);
  map_t m;
  map_init(&m, 16);
  rng_t r;
  rng_seed(&r, 8);
  uint64_t h = 0, v = 0;
  uint32_t hits = 0, misses = 0, dels = 0;
  for (uint32_t i = 0; i < n; i++) map_put(&m, key_of(i), i);
  for (uint32_t round = 0; round < 4; round++) {
    for (uint32_t i = 0; i < n; i++) {
      uint32_t k = rng_u32(&r) % (n + n / 2); /* a third are misses */
      uint32_t op = rng_u32(&r) & 7;
      if (op < 5) {
        if (map_get(&m, key_of(k), &v)) { hits++; h += v; } else misses++;
      } else if (op < 7) {
        map_put(&m, key_of(k), (uint64_t)k * 3 + round);
      } else {
        dels += (uint32_t)map_del(&m, key_of(k));
      }
    }
    h = ck_mix(h, m.count);
  }
  uint64_t total = 0;
  for (uint32_t i = 0; i < n + n / 2; i++)
    if (map_get(&m, key_of(i), &v)) total = total * 31 + v;
  h = ck_mix(h, total);
  h = ck_mix(h, hits);
  h = ck_mix(h, misses);
  h = ck_mix(h, dels);
  print_checksum(h);
  free(m.keys);
  free(m.vals);
  return 0;
}
