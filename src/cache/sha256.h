// SHA-256 (FIPS 180-4), the hash behind the compiled-code cache's keys: a
// collision-resistant name for "this module compiled by this compiler with
// these settings for this CPU". Incremental (update in any chunks, then
// finish), with two block functions: a portable one and one using the x86
// SHA extensions (SHA-NI), chosen at run time when the CPU has them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace heron {

using Sha256Digest = std::array<uint8_t, 32>;

enum class Sha256Impl : uint8_t {
  Auto,      // ShaNi when the CPU has it, else Portable
  Portable,  // plain C++
  ShaNi,     // SHA-NI instructions; only where sha256_shani_supported()
};

// Whether this CPU has the SHA extensions (and the SSSE3/SSE4.1 the
// accelerated block function also uses). Computed once.
bool sha256_shani_supported();

class Sha256 {
 public:
  // `ShaNi` on a CPU without it is a caller bug (aborts).
  explicit Sha256(Sha256Impl impl = Sha256Impl::Auto);

  void update(std::span<const uint8_t> bytes);
  void update(std::string_view text);
  // The digest of everything passed to update(); the object is then reset
  // to hash a new message with the same block function.
  Sha256Digest finish();

  // The implementation actually used (Auto resolved).
  Sha256Impl impl() const { return impl_; }

  static Sha256Digest hash(std::span<const uint8_t> bytes,
                           Sha256Impl impl = Sha256Impl::Auto);

  // Processes `count` consecutive 64-byte blocks into `state`.
  using BlockFn = void (*)(uint32_t state[8], const uint8_t* blocks,
                           size_t count);

 private:
  void reset();

  Sha256Impl impl_;
  BlockFn blocks_;
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Lowercase hexadecimal, two digits per byte.
std::string to_hex(std::span<const uint8_t> bytes);

}  // namespace heron
