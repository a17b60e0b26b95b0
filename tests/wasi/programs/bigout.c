// 64 MiB to stdout: formatted lines (integers, hex, padded strings,
// floating point in %f/%e/%g, which both libcs print exactly) and then raw
// blocks of pseudo-random bytes with fwrite and write. The output is
// compared by sha256 with the native build's.
#include <stdio.h>
#include <unistd.h>

#include "common.h"

int main(void) {
  static const char* const words[] = {"alpha", "beta", "gamma", "delta",
                                      "epsilon"};
  // ~24 MiB of formatted text.
  long long written = 0;
  for (int i = 0; written < 24ll << 20; ++i) {
    const uint64_t r = rng();
    const double x = (double)(int64_t)r / 9007199254740992.0;
    const int n = printf("%8d %016llx %-8s|%12.6f %.9e %g %5.1f%%\n", i,
                         (unsigned long long)r, words[r % 5], x, x * 1e-7,
                         x * 1e12, (double)(r % 1000) / 10.0);
    if (n < 0) return 1;
    written += n;
  }
  // 24 MiB in fwrite blocks of varied sizes.
  static uint64_t block[8192];
  for (long long left = 24ll << 20; left > 0;) {
    size_t n = 1 + rng_below(sizeof block);
    if ((long long)n > left) n = (size_t)left;
    for (size_t k = 0; k < (n + 7) / 8; ++k) block[k] = rng();
    if (fwrite(block, 1, n, stdout) != n) return 1;
    left -= (long long)n;
  }
  if (fflush(stdout) != 0) return 1;
  // 16 MiB with write() directly, 64 KiB at a time.
  for (int i = 0; i < 256; ++i) {
    for (size_t k = 0; k < 8192; ++k) block[k] = rng();
    for (size_t done = 0; done < sizeof block;) {
      const ssize_t w =
          write(1, (const char*)block + done, sizeof block - done);
      if (w <= 0) return 1;
      done += (size_t)w;
    }
  }
  return 0;
}
