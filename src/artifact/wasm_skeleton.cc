// Stripping a module to what instantiation needs (see wasm_skeleton.h).
#include "artifact/wasm_skeleton.h"

#include <cstring>
#include <string>

namespace heron::artifact {

namespace {

constexpr uint8_t kCustomSection = 0;
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

void put_uleb32(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

Error bad(const std::string& what, size_t at) {
  return Error(ErrorKind::Malformed, "cannot strip module: " + what, at);
}

}  // namespace

Result<std::vector<uint8_t>> wasm_skeleton(std::span<const uint8_t> wasm) {
  if (wasm.size() < 8) return bad("no header", 0);
  std::vector<uint8_t> out(wasm.begin(), wasm.begin() + 8);
  size_t at = 8;
  while (at < wasm.size()) {
    const size_t start = at;
    const uint8_t id = wasm[at++];
    uint32_t size;
    if (!read_uleb32(wasm, at, size) || size > wasm.size() - at)
      return bad("section size", start);
    const std::span<const uint8_t> payload = wasm.subspan(at, size);
    at += size;
    if (id == kCustomSection) continue;
    if (id != kCodeSection) {
      out.insert(out.end(), wasm.begin() + ptrdiff_t(start),
                 wasm.begin() + ptrdiff_t(at));
      continue;
    }
    size_t p = 0;
    uint32_t count;
    if (!read_uleb32(payload, p, count) || count > payload.size())
      return bad("code count", start);
    std::vector<uint8_t> code;
    put_uleb32(code, count);
    // Body: size 2, no local declarations, `end`.
    static constexpr uint8_t kEmptyBody[3] = {0x02, 0x00, 0x0b};
    code.reserve(code.size() + size_t(count) * sizeof kEmptyBody);
    for (uint32_t k = 0; k < count; k++)
      code.insert(code.end(), kEmptyBody, kEmptyBody + sizeof kEmptyBody);
    out.push_back(kCodeSection);
    put_uleb32(out, uint32_t(code.size()));
    out.insert(out.end(), code.begin(), code.end());
  }
  return out;
}

}  // namespace heron::artifact
