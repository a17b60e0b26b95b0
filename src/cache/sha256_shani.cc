// The SHA-256 block function on the x86 SHA extensions (SHA-NI), used when
// cpuid reports them (sha256_shani_supported()). Compiled for the baseline
// ISA; only these functions carry the target attribute, so nothing else in
// Heron can pick up SHA or SSE4.1 instructions by accident.
//
// How the instructions hold the state: sha256rnds2 works on the eight
// working variables split as {A,B,E,F} and {C,D,G,H} (in that lane order
// from high to low), does two rounds with the two message-plus-constant
// words in the low half of its third operand, and returns the new {A,B,E,F};
// the old {A,B,E,F} is then the new {C,D,G,H}. So four rounds are two
// rnds2 with the registers' roles swapped. sha256msg1/sha256msg2 compute
// four words of the message schedule from the previous sixteen (W[t-16..t-13]
// + sigma0 terms, then + W[t-7..t-4] and the sigma1 terms).
#include <cpuid.h>
#include <immintrin.h>

#include "cache/sha256_blocks.h"

namespace heron::sha256_detail {

bool cpu_has_shani() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool ssse3 = ecx & (1u << 9);
  const bool sse41 = ecx & (1u << 19);
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  const bool sha = ebx & (1u << 29);
  return ssse3 && sse41 && sha;
}

__attribute__((target("sha,ssse3,sse4.1"))) void blocks_shani(
    uint32_t state[8], const uint8_t* blocks, size_t count) {
  // Big-endian message words into little-endian lanes.
  const __m128i byte_swap =
      _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

  // state[0..3] = a,b,c,d and state[4..7] = e,f,g,h (lane 0 first) into
  // abef = {a,b,e,f} and cdgh = {c,d,g,h}, highest lane first.
  __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  __m128i cdab = _mm_shuffle_epi32(abcd, 0xB1);
  __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, hgfe, 8);
  __m128i cdgh = _mm_blend_epi16(hgfe, cdab, 0xF0);

  for (size_t block = 0; block < count; block++, blocks += 64) {
    const __m128i abef_in = abef;
    const __m128i cdgh_in = cdgh;
    // w[i % 4] holds W[4i .. 4i+3] of the current group i and the three
    // before it.
    __m128i w[4];
    for (int group = 0; group < 16; group++) {
      __m128i words;
      if (group < 4) {
        words = _mm_shuffle_epi8(
            _mm_loadu_si128(
                reinterpret_cast<const __m128i*>(blocks + 16 * group)),
            byte_swap);
      } else {
        const __m128i w16 = w[group & 3];        // W[t-16 .. t-13]
        const __m128i w12 = w[(group + 1) & 3];  // W[t-12 .. t-9]
        const __m128i w8 = w[(group + 2) & 3];   // W[t-8 .. t-5]
        const __m128i w4 = w[(group + 3) & 3];   // W[t-4 .. t-1]
        words = _mm_sha256msg1_epu32(w16, w12);
        words = _mm_add_epi32(words, _mm_alignr_epi8(w4, w8, 4));
        words = _mm_sha256msg2_epu32(words, w4);
      }
      w[group & 3] = words;
      const __m128i k = _mm_loadu_si128(
          reinterpret_cast<const __m128i*>(kRoundConstants + 4 * group));
      const __m128i wk = _mm_add_epi32(words, k);
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }

  // Back to a,b,c,d / e,f,g,h order.
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  abcd = _mm_blend_epi16(feba, dchg, 0xF0);
  efgh = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), abcd);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), efgh);
}

}  // namespace heron::sha256_detail
