/* f64 N-body simulation: O(n^2) pairwise gravity with a softening term,
 * sqrt, and leapfrog integration of a PRNG-generated cluster of 160
 * bodies; energy computed at the end.  Size parameter: time steps. */
#include "bench_common.h"
#include <math.h>

#define NB 160

typedef struct { double x, y, z, vx, vy, vz, m; } body_t;

static void step(body_t *b, double dt) {
  double ax[NB], ay[NB], az[NB];
  for (uint32_t i = 0; i < NB; i++) ax[i] = ay[i] = az[i] = 0.0;
  for (uint32_t i = 0; i < NB; i++)
    for (uint32_t j = i + 1; j < NB; j++) {
      double dx = b[j].x - b[i].x, dy = b[j].y - b[i].y, dz = b[j].z - b[i].z;
      double d2 = dx * dx + dy * dy + dz * dz + 1e-3;
      double inv = 1.0 / (d2 * sqrt(d2));
      double fi = b[j].m * inv, fj = b[i].m * inv;
      ax[i] += dx * fi; ay[i] += dy * fi; az[i] += dz * fi;
      ax[j] -= dx * fj; ay[j] -= dy * fj; az[j] -= dz * fj;
    }
  for (uint32_t i = 0; i < NB; i++) {
    b[i].vx += dt * ax[i]; b[i].vy += dt * ay[i]; b[i].vz += dt * az[i];
    b[i].x += dt * b[i].vx; b[i].y += dt * b[i].vy; b[i].z += dt * b[i].vz;
  }
}

static double energy(const body_t *b) {
  double e = 0.0;
  for (uint32_t i = 0; i < NB; i++) {
    e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (uint32_t j = i + 1; j < NB; j++) {
      double dx = b[j].x - b[i].x, dy = b[j].y - b[i].y, dz = b[j].z - b[i].z;
      e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz + 1e-3);
    }
  }
  return e;
}

int main(int argc, char **argv) {
  uint32_t steps = bench_size(argc, argv, 10000, 10);
  static body_t b[NB];
  rng_t r;
  rng_seed(&r, 11);
  for (uint32_t i = 0; i < NB; i++) {
    b[i].x = rng_f64(&r) * 2.0 - 1.0;
    b[i].y = rng_f64(&r) * 2.0 - 1.0;
    b[i].z = (rng_f64(&r) * 2.0 - 1.0) * 0.1;
    b[i].vx = -b[i].y * 0.3;
    b[i].vy = b[i].x * 0.3;
    b[i].vz = 0.0;
    b[i].m = 0.001 + rng_f64(&r) * 0.01;
  }
  uint64_t h = ck_f64(0, energy(b));
  for (uint32_t s = 0; s < steps; s++) step(b, 0.001);
  h = ck_f64(h, energy(b));
  for (uint32_t i = 0; i < NB; i++) {
    h = ck_f64(h, b[i].x);
    h = ck_f64(h, b[i].vz);
  }
  print_checksum(h);
  return 0;
}
