/* malloc/free-heavy binary trees: many short-lived complete trees of
 * varying depth are built top-down, walked and freed, while a long-lived
 * tree and a pool of long-lived random-size blocks stay allocated.
 * Size parameter: maximum tree depth. */
#include "bench_common.h"

typedef struct node {
  struct node *left, *right;
  uint32_t value;
} node_t;

static node_t *build(uint32_t depth, uint32_t value) {
  node_t *n = xmalloc(sizeof(node_t));
  n->value = value;
  if (depth == 0) {
    n->left = n->right = NULL;
  } else {
    n->left = build(depth - 1, value * 2 + 1);
    n->right = build(depth - 1, value * 2 + 2);
  }
  return n;
}

/* Returns a checksum mixing node count and values (in-order). */
static uint32_t walk(const node_t *n) {
  if (!n->left) return n->value * 0x9E3779B1u + 1;
  uint32_t l = walk(n->left);
  uint32_t r = walk(n->right);
  return (l ^ (n->value * 0x85EBCA6Bu)) + (r << 1) + (r >> 31);
}

static void destroy(node_t *n) {
  if (n->left) { destroy(n->left); destroy(n->right); }
  free(n);
}

int main(int argc, char **argv) {
  uint32_t max_depth = bench_size(argc, argv, 17, 8);
  const uint32_t min_depth = 4;
  if (max_depth < min_depth + 2) max_depth = min_depth + 2;
  uint64_t h = 0;
  rng_t r;
  rng_seed(&r, 7);

  node_t *long_lived = build(max_depth, 0);
  enum { POOL = 256 };
  uint8_t *pool[POOL];
  uint32_t pool_len[POOL];
  for (uint32_t i = 0; i < POOL; i++) {
    pool_len[i] = 16 + rng_u32(&r) % 4000;
    pool[i] = xmalloc(pool_len[i]);
    memset(pool[i], (int)(i & 0xFF), pool_len[i]);
  }

  for (uint32_t d = min_depth; d <= max_depth; d += 2) {
    uint32_t iterations = 1u << (max_depth - d + min_depth);
    uint32_t acc = 0;
    for (uint32_t i = 0; i < iterations; i++) {
      node_t *t = build(d, i);
      acc += walk(t);
      destroy(t);
      /* Churn the pool: replace one block with a new random-size block. */
      uint32_t k = rng_u32(&r) % POOL;
      acc += pool[k][pool_len[k] - 1];
      free(pool[k]);
      pool_len[k] = 16 + rng_u32(&r) % 4000;
      pool[k] = xmalloc(pool_len[k]);
      memset(pool[k], (int)(i & 0xFF), pool_len[k]);
    }
    h = ck_mix(h, d);
    h = ck_mix(h, acc);
  }
  h = ck_mix(h, walk(long_lived));
  destroy(long_lived);
  for (uint32_t i = 0; i < POOL; i++) free(pool[i]);
  print_checksum(h);
  return 0;
}
