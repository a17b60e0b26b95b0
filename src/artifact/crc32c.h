// CRC32C (Castagnoli polynomial, reflected, as in iSCSI and ext4): the
// checksum of compiled-module artifacts. Chosen for speed, not security: the
// SSE4.2 `crc32` instruction runs three independent streams over blocks of
// the input, combined with a precomputed "append zeros" operator, which
// keeps a 13 MB code image within about a millisecond; a portable
// table-driven version is used where the CPU lacks SSE4.2 (and to test the
// fast one against).
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

}  // namespace heron
