/* Dense f64 kernel: C = A * B for n x n matrices (i-k-j loop order), then
 * E = C * A' with a blocked loop, so both a streaming and a tiled access
 * pattern are measured.  Size parameter: n. */
#include "bench_common.h"

static void matmul_ikj(uint32_t n, const double *a, const double *b, double *c) {
  for (uint32_t i = 0; i < n * n; i++) c[i] = 0.0;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t k = 0; k < n; k++) {
      double aik = a[i * n + k];
      const double *brow = b + (size_t)k * n;
      double *crow = c + (size_t)i * n;
      for (uint32_t j = 0; j < n; j++) crow[j] += aik * brow[j];
    }
}

/* C = A * transpose(B), tiled. */
static void matmul_abt_blocked(uint32_t n, const double *a, const double *b, double *c) {
  const uint32_t bs = 32;
  for (uint32_t i = 0; i < n * n; i++) c[i] = 0.0;
  for (uint32_t ii = 0; ii < n; ii += bs)
    for (uint32_t jj = 0; jj < n; jj += bs)
      for (uint32_t kk = 0; kk < n; kk += bs) {
        uint32_t ie = ii + bs < n ? ii + bs : n;
        uint32_t je = jj + bs < n ? jj + bs : n;
        uint32_t ke = kk + bs < n ? kk + bs : n;
        for (uint32_t i = ii; i < ie; i++)
          for (uint32_t j = jj; j < je; j++) {
            double s = c[(size_t)i * n + j];
            for (uint32_t k = kk; k < ke; k++)
              s += a[(size_t)i * n + k] * b[(size_t)j * n + k];
            c[(size_t)i * n + j] = s;
          }
      }
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 850, 24);
  size_t nn = (size_t)n * n;
  double *a = xmalloc(nn * sizeof(double));
  double *b = xmalloc(nn * sizeof(double));
  double *c = xmalloc(nn * sizeof(double));
  double *e = xmalloc(nn * sizeof(double));
  rng_t r;
  rng_seed(&r, 1);
  for (size_t i = 0; i < nn; i++) a[i] = rng_f64(&r) - 0.5;
  for (size_t i = 0; i < nn; i++) b[i] = rng_f64(&r) * 2.0 - 1.0;

  matmul_ikj(n, a, b, c);
  matmul_abt_blocked(n, c, a, e);

  uint64_t h = 0;
  for (size_t i = 0; i < nn; i++) h = ck_f64(h, e[i]);
  double trace = 0.0;
  for (uint32_t i = 0; i < n; i++) trace += c[(size_t)i * n + i];
  h = ck_f64(h, trace);
  print_checksum(h);
  free(a); free(b); free(c); free(e);
  return 0;
}
