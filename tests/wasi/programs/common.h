// Shared by the test programs: errno names (the numbers differ between
// wasi-libc and glibc, and strerror's texts too, so outputs print names),
// a deterministic PRNG (the same stream natively and in wasm), and a
// self-check that counts failures.
#pragma once

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef ENOTCAPABLE
#define ENOTCAPABLE (-1000)  // WASI only
#endif

static inline const char* errname(int e) {
  switch (e) {
    case 0:
      return "OK";
    case EACCES:
      return "EACCES";
    case EAGAIN:
      return "EAGAIN";
    case ECONNRESET:
      return "ECONNRESET";
    case ENOTCONN:
      return "ENOTCONN";
    case ENOTSOCK:
      return "ENOTSOCK";
    case EPIPE:
      return "EPIPE";
    case EBADF:
      return "EBADF";
    case EEXIST:
      return "EEXIST";
    case EINVAL:
      return "EINVAL";
    case EISDIR:
      return "EISDIR";
    case ELOOP:
      return "ELOOP";
    case ENOENT:
      return "ENOENT";
    case ENOTDIR:
      return "ENOTDIR";
    case ENOTEMPTY:
      return "ENOTEMPTY";
    case ENOTSUP:
      return "ENOTSUP";
    case ENOSYS:
      return "ENOSYS";
    case EPERM:
      return "EPERM";
    case ESPIPE:
      return "ESPIPE";
    case EXDEV:
      return "EXDEV";
    case ENOTCAPABLE:
      return "ENOTCAPABLE";
    case EROFS:
      return "EROFS";
    case EFAULT:
      return "EFAULT";
    case ENAMETOOLONG:
      return "ENAMETOOLONG";
    default: {
      static char buf[32];
      snprintf(buf, sizeof buf, "errno%d", e);
      return buf;
    }
  }
}

// xorshift64*: the same numbers on every platform.
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static inline uint64_t rng(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}
static inline uint32_t rng_below(uint32_t n) { return (uint32_t)(rng() % n); }

// FNV-1a over bytes, to print content checksums.
static inline uint64_t fnv(uint64_t h, const void* data, size_t len) {
  const unsigned char* p = (const unsigned char*)data;
  for (size_t i = 0; i < len; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return h;
}
#define FNV_INIT 0xCBF29CE484222325ull

static int failures = 0;

// One line per check: "ok WHAT" or "FAIL WHAT: DETAIL"; a failure makes the
// program exit non-zero (see done()).
static inline void check(int ok, const char* what, const char* detail) {
  if (ok) {
    printf("ok %s\n", what);
  } else {
    printf("FAIL %s: %s\n", what, detail ? detail : "");
    ++failures;
  }
}

// The result of a call returning -1 with errno: its errno name, "OK" on
// success.
static inline const char* result_of(int r) {
  return r < 0 ? errname(errno) : "OK";
}

static inline int done(void) {
  printf("failures=%d\n", failures);
  fflush(stdout);
  return failures == 0 ? 0 : 1;
}
