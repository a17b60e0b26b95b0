// The allocator under load (dlmalloc over memory.grow in wasi-libc): many
// allocations of varied sizes, from a few bytes to megabytes, each filled
// with a pattern that is checked before it is freed or resized; realloc
// growing and shrinking (the kept prefix must survive the move); calloc
// returning zeroes even for reused memory; frees in random order; and a
// phase holding 72 MiB at once, so that wasm memory grows to tens of
// megabytes. Prints a checksum of everything read back and counts, the
// same natively.
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define SLOTS 4096

struct Slot {
  unsigned char* p;
  size_t size;
  uint32_t seed;
};
static struct Slot slots[SLOTS];
static uint64_t checksum = FNV_INIT;
static long long corrupt = 0, allocations = 0, reallocs = 0, frees = 0;

static unsigned char pattern(uint32_t seed, size_t i) {
  return (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

static size_t random_size(void) {
  const uint32_t r = rng_below(1000);
  if (r < 700) return 1 + rng_below(128);
  if (r < 950) return 129 + rng_below(8192);
  if (r < 999) return 8192 + rng_below(64 << 10);
  return (1 << 20) + rng_below(1 << 20);
}

static void fill(struct Slot* s, size_t from) {
  for (size_t i = from; i < s->size; ++i) s->p[i] = pattern(s->seed, i);
}

static void verify(const struct Slot* s, size_t upto) {
  for (size_t i = 0; i < upto; ++i)
    if (s->p[i] != pattern(s->seed, i)) ++corrupt;
  checksum = fnv(checksum, s->p, upto < 64 ? upto : 64);
}

static void release(struct Slot* s) {
  verify(s, s->size);
  free(s->p);
  s->p = NULL;
  ++frees;
}

int main(void) {
  // Random churn.
  for (int op = 0; op < 150000; ++op) {
    struct Slot* s = &slots[rng_below(SLOTS)];
    if (s->p == NULL) {
      s->size = random_size();
      s->seed = (uint32_t)rng();
      if (rng_below(8) == 0) {
        s->p = calloc(s->size, 1);
        for (size_t i = 0; s->p && i < s->size; ++i)
          if (s->p[i] != 0) ++corrupt;
      } else {
        s->p = malloc(s->size);
      }
      if (s->p == NULL) {
        printf("allocation of %zu failed\n", s->size);
        return 1;
      }
      fill(s, 0);
      ++allocations;
    } else if (rng_below(3) == 0) {
      const size_t old = s->size;
      // Growing (up to 2 MiB) or shrinking.
      const size_t size = rng_below(2) && old < (1 << 20)
                              ? old * 2 + rng_below(4096)
                              : 1 + old / (1 + rng_below(4));
      unsigned char* p = realloc(s->p, size);
      if (p == NULL) {
        printf("realloc to %zu failed\n", size);
        return 1;
      }
      s->p = p;
      s->size = size;
      verify(s, old < size ? old : size);
      if (size > old) fill(s, old);
      ++reallocs;
    } else {
      release(s);
    }
  }
  // Free what is left in random order.
  for (int n = SLOTS; n > 0; --n) {
    struct Slot* s = &slots[rng_below(SLOTS)];
    if (s->p) release(s);
  }
  for (int i = 0; i < SLOTS; ++i)
    if (slots[i].p) release(&slots[i]);

  // 72 MiB live at once, in blocks of 1.5 MiB, freed in random order, then
  // allocated again (the memory is reused, not grown further).
  enum { BIG = 48 };
  unsigned char* big[BIG];
  const size_t big_size = 3 << 19;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < BIG; ++i) {
      big[i] = malloc(big_size);
      if (big[i] == NULL) {
        printf("big allocation %d failed\n", i);
        return 1;
      }
      memset(big[i], i + round, big_size);
    }
    int order[BIG];
    for (int i = 0; i < BIG; ++i) order[i] = i;
    for (int i = BIG - 1; i > 0; --i) {
      const int j = (int)rng_below((uint32_t)i + 1);
      const int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int k = 0; k < BIG; ++k) {
      const int i = order[k];
      for (size_t b = 0; b < big_size; b += 4096)
        if (big[i][b] != (unsigned char)(i + round)) ++corrupt;
      free(big[i]);
    }
  }
#ifdef __wasm__
  const unsigned long long memory = __builtin_wasm_memory_size(0) * 65536ull;
  check(memory >= 72ull << 20 && memory < 512ull << 20,
        "wasm memory grew to tens of MiB", NULL);
#else
  check(1, "wasm memory grew to tens of MiB", NULL);
#endif
  printf("allocations=%lld reallocs=%lld frees=%lld\n", allocations, reallocs,
         frees);
  printf("checksum=%016llx\n", (unsigned long long)checksum);
  check(corrupt == 0, "no corrupted byte", NULL);
  return done();
}
