// Test helper: builds binary modules byte by byte (LEB128 integers, names,
// sections) so decoder tests can state their input next to the expectation.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "format/decoder.h"

namespace heron::test {

struct Bytes {
  std::vector<uint8_t> v;

  Bytes() = default;
  Bytes(std::initializer_list<uint8_t> init) : v(init) {}

  Bytes& raw(std::initializer_list<uint8_t> b) {
    v.insert(v.end(), b);
    return *this;
  }
  Bytes& raw(const Bytes& b) {
    v.insert(v.end(), b.v.begin(), b.v.end());
    return *this;
  }
  Bytes& u8(uint8_t b) {
    v.push_back(b);
    return *this;
  }
  Bytes& u32(uint64_t x) {
    do {
      uint8_t b = x & 0x7F;
      x >>= 7;
      v.push_back(x ? (b | 0x80) : b);
    } while (x);
    return *this;
  }
  Bytes& s64(int64_t x) {
    for (;;) {
      uint8_t b = x & 0x7F;
      x >>= 7;
      bool done = (x == 0 && !(b & 0x40)) || (x == -1 && (b & 0x40));
      v.push_back(done ? b : (b | 0x80));
      if (done) return *this;
    }
  }
  Bytes& name(std::string_view s) {
    u32(s.size());
    v.insert(v.end(), s.begin(), s.end());
    return *this;
  }
  size_t size() const { return v.size(); }
};

inline Bytes header() {
  return Bytes{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
}

// Appends a section with the given id and content, sized correctly.
inline Bytes& section(Bytes& module, uint8_t id, const Bytes& content) {
  module.u8(id).u32(content.size()).raw(content);
  return module;
}

inline Result<Module> decode(const Bytes& b) { return decode_module(b.v); }

}  // namespace heron::test
