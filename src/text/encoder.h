// ByteWriter: the primitive writer of the binary format, the mirror of
// format/binary_reader.h. The text parser builds every section with it;
// integers are always written in their minimal LEB128 form.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "support/leb128.h"

namespace heron::text {

class ByteWriter {
 public:
  std::vector<uint8_t>& bytes() { return out_; }
  const std::vector<uint8_t>& bytes() const { return out_; }
  size_t size() const { return out_.size(); }
  bool empty() const { return out_.empty(); }
  void clear() { out_.clear(); }

  void u8(uint8_t b) { out_.push_back(b); }
  void u32(uint32_t v) { u64(v); }
  void u64(uint64_t v) { append_uleb128(out_, v); }
  void s32(int32_t v) { s64(v); }
  void s33(int64_t v) { s64(v); }
  void s64(int64_t v) { append_sleb128(out_, v); }
  void fixed32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(uint8_t(v >> (8 * i)));
  }
  void fixed64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(uint8_t(v >> (8 * i)));
  }
  void raw(const uint8_t* data, size_t n) {
    out_.insert(out_.end(), data, data + n);
  }
  void raw(std::string_view s) { out_.insert(out_.end(), s.begin(), s.end()); }
  void append(const ByteWriter& other) {
    raw(other.out_.data(), other.out_.size());
  }
  // A length-prefixed byte string (names, data payloads).
  void name(std::string_view s) {
    u32(uint32_t(s.size()));
    raw(s);
  }
  // A length-prefixed copy of another writer's bytes (section payloads,
  // function bodies).
  void sized(const ByteWriter& payload) {
    u32(uint32_t(payload.size()));
    append(payload);
  }

 private:
  std::vector<uint8_t> out_;
};

}  // namespace heron::text
