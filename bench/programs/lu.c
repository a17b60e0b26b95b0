/* Dense f64 kernel: LU decomposition with partial pivoting (Doolittle,
 * row-oriented), then forward/back substitution for several right-hand
 * sides.  Size parameter: n. */
#include "bench_common.h"

static int lu_factor(uint32_t n, double *m, uint32_t *perm) {
  for (uint32_t i = 0; i < n; i++) perm[i] = i;
  for (uint32_t k = 0; k < n; k++) {
    uint32_t p = k;
    double best = m[(size_t)k * n + k];
    if (best < 0) best = -best;
    for (uint32_t i = k + 1; i < n; i++) {
      double v = m[(size_t)i * n + k];
      if (v < 0) v = -v;
      if (v > best) { best = v; p = i; }
    }
    if (best == 0.0) return -1;
    if (p != k) {
      double *rk = m + (size_t)k * n, *rp = m + (size_t)p * n;
      for (uint32_t j = 0; j < n; j++) { double t = rk[j]; rk[j] = rp[j]; rp[j] = t; }
      uint32_t t = perm[k]; perm[k] = perm[p]; perm[p] = t;
    }
    const double *rk = m + (size_t)k * n;
    double inv = 1.0 / rk[k];
    for (uint32_t i = k + 1; i < n; i++) {
      double *ri = m + (size_t)i * n;
      double f = ri[k] * inv;
      ri[k] = f;
      for (uint32_t j = k + 1; j < n; j++) ri[j] -= f * rk[j];
    }
  }
  return 0;
}

static void lu_solve(uint32_t n, const double *m, const uint32_t *perm,
                     const double *b, double *x) {
  for (uint32_t i = 0; i < n; i++) {
    double s = b[perm[i]];
    const double *ri = m + (size_t)i * n;
    for (uint32_t j = 0; j < i; j++) s -= ri[j] * x[j];
    x[i] = s;
  }
  for (uint32_t i = n; i-- > 0;) {
    double s = x[i];
    const double *ri = m + (size_t)i * n;
    for (uint32_t j = i + 1; j < n; j++) s -= ri[j] * x[j];
    x[i] = s / ri[i];
  }
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 1300, 20);
  size_t nn = (size_t)n * n;
  double *m = xmalloc(nn * sizeof(double));
  double *b = xmalloc(n * sizeof(double));
  double *x = xmalloc(n * sizeof(double));
  uint32_t *perm = xmalloc(n * sizeof(uint32_t));
  rng_t r;
  rng_seed(&r, 2);
  for (size_t i = 0; i < nn; i++) m[i] = rng_f64(&r) * 2.0 - 1.0;
  for (uint32_t i = 0; i < n; i++) m[(size_t)i * n + i] += 0.25; /* not singular in practice */

  uint64_t h = 0;
  if (lu_factor(n, m, perm) != 0) {
    printf("singular\n");
    return 1;
  }
  for (uint32_t rhs = 0; rhs < 8; rhs++) {
    for (uint32_t i = 0; i < n; i++) b[i] = rng_f64(&r) - 0.5;
    lu_solve(n, m, perm, b, x);
    for (uint32_t i = 0; i < n; i++) h = ck_f64(h, x[i]);
  }
  for (uint32_t i = 0; i < n; i++) h = ck_mix(h, perm[i]);
  for (size_t i = 0; i < nn; i += 7) h = ck_f64(h, m[i]);
  print_checksum(h);
  free(m); free(b); free(x); free(perm);
  return 0;
}
