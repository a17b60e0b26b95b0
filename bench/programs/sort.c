/* Sorting: quicksort (median of three, insertion sort for short ranges,
 * recursion on the smaller half) of PRNG uint32 data, and a bottom-up
 * merge sort of PRNG uint64 keys.  Size parameter: element count. */
#include "bench_common.h"

static void insertion_u32(uint32_t *a, int32_t lo, int32_t hi) {
  for (int32_t i = lo + 1; i <= hi; i++) {
    uint32_t v = a[i];
    int32_t j = i - 1;
    while (j >= lo && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

static inline void swap_u32(uint32_t *a, int32_t i, int32_t j) {
  uint32_t t = a[i]; a[i] = a[j]; a[j] = t;
}

static void quicksort_u32(uint32_t *a, int32_t lo, int32_t hi) {
  while (hi - lo > 16) {
    int32_t mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap_u32(a, mid, lo);
    if (a[hi] < a[lo]) swap_u32(a, hi, lo);
    if (a[hi] < a[mid]) swap_u32(a, hi, mid);
    uint32_t pivot = a[mid];
    int32_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { swap_u32(a, i, j); i++; j--; }
    }
    if (j - lo < hi - i) { quicksort_u32(a, lo, j); lo = i; }
    else { quicksort_u32(a, i, hi); hi = j; }
  }
  insertion_u32(a, lo, hi);
}

static void mergesort_u64(uint64_t *a, uint64_t *tmp, uint32_t n) {
  uint64_t *src = a, *dst = tmp;
  for (uint32_t width = 1; width < n; width *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * width) {
      uint32_t mid = lo + width < n ? lo + width : n;
      uint32_t hi = mid + width < n ? mid + width : n;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    uint64_t *t = src; src = dst; dst = t;
  }
  if (src != a) memcpy(a, src, (size_t)n * sizeof(uint64_t));
}

int main(int argc, char **argv) {
  uint32_t n = bench_size(argc, argv, 6000000, 1000);
  uint32_t *a = xmalloc((size_t)n * sizeof(uint32_t));
  uint64_t *b = xmalloc((size_t)n * sizeof(uint64_t));
  uint64_t *tmp = xmalloc((size_t)n * sizeof(uint64_t));
  rng_t r;
  rng_seed(&r, 5);
  for (uint32_t i = 0; i < n; i++) a[i] = rng_u32(&r);
  /* Keys with many duplicates in the high bits, distinct low bits. */
  for (uint32_t i = 0; i < n; i++) b[i] = ((rng_next(&r) % 1000) << 32) | i;

  quicksort_u32(a, 0, (int32_t)n - 1);
  mergesort_u64(b, tmp, n);

  uint64_t h = 0;
  for (uint32_t i = 0; i + 1 < n; i++)
    if (a[i] > a[i + 1] || b[i] > b[i + 1]) { printf("not sorted\n"); return 1; }
  for (uint32_t i = 0; i < n; i += 1 + (i & 15)) {
    h = ck_mix(h, a[i]);
    h = ck_mix(h, b[i]);
  }
  print_checksum(h);
  free(a); free(b); free(tmp);
  return 0;
}
