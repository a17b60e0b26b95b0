// Stripping a module to what is decoded at load (see wasm_skeleton.h).
#include "artifact/wasm_skeleton.h"

#include <string>

namespace heron::artifact {

namespace {

constexpr uint8_t kCustomSection = 0;
constexpr uint8_t kFunctionSection = 3;
constexpr uint8_t kExportSection = 7;
constexpr uint8_t kCodeSection = 10;

bool read_uleb32(std::span<const uint8_t> s, size_t& at, uint32_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 35; shift += 7) {
    if (at >= s.size()) return false;
    const uint8_t b = s[at++];
    v |= uint32_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<uint8_t>> wasm_skeleton(std::span<const uint8_t> wasm) {
  if (wasm.size() < 8)
    return Error(ErrorKind::Malformed, "cannot strip module: no header", 0);
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  size_t at = 8;
  while (at < wasm.size()) {
    const size_t start = at;
    const uint8_t id = wasm[at++];
    uint32_t size;
    if (!read_uleb32(wasm, at, size) || size > wasm.size() - at)
      return Error(ErrorKind::Malformed, "cannot strip module: section size",
                   start);
    at += size;
    if (id == kCustomSection || id == kFunctionSection ||
        id == kExportSection || id == kCodeSection)
      continue;
    out.insert(out.end(), wasm.begin() + ptrdiff_t(start),
               wasm.begin() + ptrdiff_t(at));
  }
  return out;
}

}  // namespace heron::artifact
