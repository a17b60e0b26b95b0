// CacheKey: the name of a compiled module in the code cache, a SHA-256 over
// everything that changes the compiler's output: the compiler itself
// (Heron's version and the build id of the binary holding it), the settings
// that change generated code, the CPU features the backend used, and the
// module's bytes. Two inputs that compile differently must never share a
// key; inputs that differ only in ways the output does not depend on may
// (and then share an entry).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cache/file_identity.h"
#include "cache/sha256.h"
#include "heron/config.h"

namespace heron {

struct CacheKey {
  Sha256Digest digest{};

  std::string hex() const { return to_hex(digest); }
  bool operator==(const CacheKey&) const = default;
};

// The key of one compilation. Each input is length-prefixed in the hash, so
// bytes cannot move from one field to its neighbour without changing it.
CacheKey cache_key(std::span<const uint8_t> compiler_identity,
                   std::span<const uint8_t> settings, uint64_t cpu_feature_bits,
                   std::span<const uint8_t> module_bytes);

// "heron VERSION build-id HEX" for the loaded object (executable or shared
// library) that contains Heron's code. The build id (ld --build-id, on by
// default on Debian) changes whenever the linked code does, so a rebuilt
// compiler never reads entries of an older one even if the version number
// did not move; without one, the identity is the version alone.
const std::vector<uint8_t>& compiler_identity();

// The api::Config fields that change generated code, encoded as text
// ("opt_level=2\n..."). Left out on purpose: max_wasm_stack (the limit is
// read from the VMContext at run time), perf_map and debugger_support (they
// register code after it is compiled; a cache hit must still register it),
// parallel_compilation (functions compile independently, the output is the
// same), and the cache fields themselves.
std::vector<uint8_t> encode_compile_settings(const api::Config& config);

// cache_key(compiler_identity(), encode_compile_settings(config),
//           host CPU feature bits, module_bytes): the key compile_module
// uses.
CacheKey module_cache_key(const api::Config& config,
                          std::span<const uint8_t> module_bytes);

// The name of a module file's record (file_identity.h): the same inputs as
// module_cache_key's, with the file's identity in place of its bytes (and
// a prefix no module's bytes have: every cached module starts "\0asm").
CacheKey file_record_key(const api::Config& config, const FileIdentity& file);

}  // namespace heron
