/* Recursive calls: naive Fibonacci, Takeuchi's function, Ackermann(2, n)
 * and Ackermann(3, n), and an N-queens counter (tree recursion with
 * bitmasks).  Arguments vary per round so nothing is loop-invariant.
 * Size parameter: number of rounds. */
#include "bench_common.h"

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int32_t tak(int32_t x, int32_t y, int32_t z) {
  if (y >= x) return z;
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static uint32_t queens(uint32_t n, uint32_t cols, uint32_t d1, uint32_t d2) {
  uint32_t all = (1u << n) - 1;
  if (cols == all) return 1;
  uint32_t count = 0;
  uint32_t free_ = all & ~(cols | d1 | d2);
  while (free_) {
    uint32_t bit = free_ & (0u - free_);
    free_ ^= bit;
    count += queens(n, cols | bit, ((d1 | bit) << 1) & all, (d2 | bit) >> 1);
  }
  return count;
}

int main(int argc, char **argv) {
  uint32_t rounds = bench_size(argc, argv, 600, 1);
  uint64_t h = 0;
  for (uint32_t r = 0; r < rounds; r++) {
    h = ck_mix(h, fib(27 + (r % 4)));
    h = ck_mix(h, (uint32_t)tak(18 + (int32_t)(r % 3), 12, 6));
    h = ck_mix(h, ack(2, 500 + (r % 64)));
    h = ck_mix(h, ack(3, 5 + (r % 3)));
    h = ck_mix(h, queens(8 + (r % 3), 0, 0, 0));
  }
  print_checksum(h);
  return 0;
}
