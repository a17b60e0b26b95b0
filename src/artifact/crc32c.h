// CRC32C (Castagnoli polynomial, reflected, as in iSCSI and ext4): the
// checksum of compiled-module artifacts. Chosen for speed, not security:
// where the CPU has AVX-512 and VPCLMULQDQ, the bulk of the input is folded
// with 512-bit carry-less multiplies (about 0.5 ms for a 22 MB artifact,
// close to memory speed); otherwise the SSE4.2 `crc32` instruction runs
// three independent streams over blocks of the input, combined with a
// precomputed "append zeros" operator (about 1.4 ms for the same); a
// portable table-driven version is used where the CPU lacks SSE4.2 (and to
// test the fast ones against).
#pragma once

#include <cstdint>
#include <span>

namespace heron {

// The CRC32C of `data` continued from `crc` (the value returned for the
// bytes before; 0 for the first call): crc32c(crc32c(0, a), b) equals
// crc32c(0, a followed by b).
uint32_t crc32c(uint32_t crc, std::span<const uint8_t> data);

// The same, always through the portable tables.
uint32_t crc32c_portable(uint32_t crc, std::span<const uint8_t> data);

// The implementations `crc32c` chooses between, for tests and benchmarks.
enum class Crc32cPath { Portable, Sse42, Vpclmul };
bool crc32c_has(Crc32cPath path);
// The same as `crc32c`, through `path` (which must be available).
uint32_t crc32c_by(Crc32cPath path, uint32_t crc,
                   std::span<const uint8_t> data);

}  // namespace heron
