/* f32 stencil: 2D Jacobi relaxation (5-point) on an n x n grid with fixed
 * boundary values, ping-ponging between two buffers, then a 9-point
 * smoothing pass.  Size parameter: number of sweeps on a 768 x 768 grid. */
#include "bench_common.h"

#define N 768

static void sweep(const float *restrict src, float *restrict dst) {
  for (uint32_t y = 1; y < N - 1; y++) {
    const float *up = src + (size_t)(y - 1) * N;
    const float *row = src + (size_t)y * N;
    const float *down = src + (size_t)(y + 1) * N;
    float *out = dst + (size_t)y * N;
    for (uint32_t x = 1; x < N - 1; x++)
      out[x] = 0.25f * (up[x] + down[x] + row[x - 1] + row[x + 1]);
  }
}

int main(int argc, char **argv) {
  uint32_t sweeps = bench_size(argc, argv, 3000, 4);
  float *a = xmalloc((size_t)N * N * sizeof(float));
  float *b = xmalloc((size_t)N * N * sizeof(float));
  rng_t r;
  rng_seed(&r, 10);
  for (uint32_t i = 0; i < N * N; i++) a[i] = 0.0f;
  for (uint32_t x = 0; x < N; x++) {
    a[x] = 100.0f;                                    /* hot top edge */
    a[(size_t)(N - 1) * N + x] = (float)(x % 17);     /* ragged bottom */
  }
  for (uint32_t y = 0; y < N; y++) {
    a[(size_t)y * N] = (float)(rng_u32(&r) % 50);
    a[(size_t)y * N + N - 1] = -10.0f;
  }
  memcpy(b, a, (size_t)N * N * sizeof(float));
  for (uint32_t s = 0; s < sweeps; s++) {
    if (s & 1) sweep(b, a); else sweep(a, b);
  }
  float *cur = (sweeps & 1) ? b : a;
  /* 9-point smoothing into the other buffer's interior. */
  float *out = (cur == a) ? b : a;
  for (uint32_t y = 1; y < N - 1; y++)
    for (uint32_t x = 1; x < N - 1; x++) {
      const float *c = cur + (size_t)y * N + x;
      out[(size_t)y * N + x] =
          (4.0f * c[0] + 2.0f * (c[-1] + c[1] + c[-N] + c[N]) +
           (c[-N - 1] + c[-N + 1] + c[N - 1] + c[N + 1])) * (1.0f / 16.0f);
    }
  uint64_t h = 0;
  for (uint32_t y = 1; y < N - 1; y += 3)
    for (uint32_t x = 1; x < N - 1; x += 5) h = ck_f32(h, out[(size_t)y * N + x]);
  float sum = 0.0f;
  for (uint32_t i = 0; i < N * N; i++) sum += cur[i];
  h = ck_f32(h, sum);
  print_checksum(h);
  free(a); free(b);
  return 0;
}
