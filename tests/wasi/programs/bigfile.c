// A 40 MiB file in the preopened directory argv[1]: written with write()
// in chunks of varied sizes, then read back whole with read() in other
// chunk sizes, sampled with pread at random offsets, measured with lseek
// and fstat, appended to through stdio, and finally checked by checksum.
// Prints what it found; the script also compares the file itself with the
// native build's.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define SIZE (40ll << 20)

// The byte at `offset`: a function of the offset alone, so that any
// sample can be checked.
static unsigned char byte_at(long long offset) {
  uint64_t x = (uint64_t)offset * 0x9E3779B97F4A7C15ull;
  return (unsigned char)(x >> 56 ^ x >> 23);
}

static char path[512], detail[256];
static unsigned char buf[1 << 20];

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  snprintf(path, sizeof path, "%s/big.bin", argv[1]);
  int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
  check(fd >= 0, "create", result_of(fd));
  if (fd < 0) return done();
  long long at = 0;
  while (at < SIZE) {
    long long n = 1 + rng_below(sizeof buf);
    if (n > SIZE - at) n = SIZE - at;
    for (long long k = 0; k < n; ++k) buf[k] = byte_at(at + k);
    const ssize_t w = write(fd, buf, (size_t)n);
    if (w <= 0) break;
    at += w;
  }
  check(at == SIZE, "written", NULL);
  check(fsync(fd) == 0, "fsync", NULL);
  check(close(fd) == 0, "close", NULL);

  fd = open(path, O_RDONLY);
  struct stat st;
  check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == SIZE, "fstat size",
        NULL);
  check(lseek(fd, 0, SEEK_END) == SIZE, "lseek end", NULL);
  check(lseek(fd, 0, SEEK_SET) == 0, "lseek start", NULL);
  long long bad = -1, total = 0;
  uint64_t sum = FNV_INIT;
  for (;;) {
    const ssize_t n = read(fd, buf, 1 + rng_below(sizeof buf));
    if (n <= 0) break;
    for (ssize_t k = 0; k < n && bad < 0; ++k)
      if (buf[k] != byte_at(total + k)) bad = total + k;
    sum = fnv(sum, buf, (size_t)n);
    total += n;
  }
  snprintf(detail, sizeof detail, "read %lld bytes, first wrong at %lld", total,
           bad);
  check(total == SIZE && bad < 0, "read back", detail);
  printf("checksum %016llx\n", (unsigned long long)sum);
  int samples_ok = 1;
  for (int i = 0; i < 2000; ++i) {
    const long long off = (long long)(rng() % (uint64_t)SIZE);
    const size_t n = 1 + rng_below(4096);
    const ssize_t got = pread(fd, buf, n, off);
    const long long want =
        off + (long long)n > SIZE ? SIZE - off : (long long)n;
    if (got != want) samples_ok = 0;
    for (ssize_t k = 0; k < got; ++k)
      if (buf[k] != byte_at(off + k)) samples_ok = 0;
  }
  check(samples_ok, "2000 preads at random offsets", NULL);
  check(pread(fd, buf, 16, SIZE) == 0, "pread at the end reads nothing", NULL);
  close(fd);

  FILE* f = fopen(path, "a");
  check(f != NULL, "fopen append", NULL);
  if (f) {
    for (int i = 0; i < 1000; ++i) fprintf(f, "tail line %d\n", i);
    check(fclose(f) == 0, "fclose", NULL);
  }
  check(stat(path, &st) == 0 && st.st_size > SIZE, "appended", NULL);
  printf("final size %lld\n", (long long)st.st_size);
  return done();
}
