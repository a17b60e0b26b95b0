// Implementation of the primitive reader; see binary_reader.h.
#include "format/binary_reader.h"

#include <bit>

namespace heron {

void BinaryReader::fail(std::string message, uint64_t at) {
  if (!error_) error_.emplace(ErrorKind::Malformed, std::move(message), at);
  pos_ = end_;
}

void BinaryReader::eof() { fail(eof_message_, base_ + end_); }

size_t BinaryReader::push_limit(size_t size, const char* overflow_message) {
  size_t old = end_;
  if (size > end_ - pos_) {
    fail(overflow_message);
    return old;
  }
  end_ = pos_ + size;
  return old;
}

uint64_t BinaryReader::leb_unsigned(unsigned bits) {
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  uint64_t start = offset();
  for (unsigned i = 0; i < max_bytes; ++i) {
    if (pos_ >= end_) {
      eof();
      return 0;
    }
    uint8_t b = data_[pos_++];
    unsigned shift = 7 * i;
    if (i == max_bytes - 1) {
      // Last permitted byte. The payload bits above `bits` must be zero,
      // then a continuation bit means the encoding is too long; checked in
      // this order because the spec's reference decoder does, and the
      // testsuite's messages follow it.
      unsigned used = bits - shift;
      if (used < 7 && ((b & 0x7F) >> used) != 0) {
        fail("integer too large", start);
        return 0;
      }
      if (b & 0x80) {
        fail("integer representation too long", start);
        return 0;
      }
    }
    result |= uint64_t(b & 0x7F) << shift;
    if (!(b & 0x80)) return result;
  }
  return result;
}

int64_t BinaryReader::leb_signed(unsigned bits) {
  const unsigned max_bytes = (bits + 6) / 7;
  int64_t result = 0;
  uint64_t start = offset();
  for (unsigned i = 0; i < max_bytes; ++i) {
    if (pos_ >= end_) {
      eof();
      return 0;
    }
    uint8_t b = data_[pos_++];
    unsigned shift = 7 * i;
    if (i == max_bytes - 1) {
      // The unused high payload bits of the last byte must all equal the
      // sign bit; then a continuation bit means too long (same order as
      // leb_unsigned).
      unsigned used = bits - shift;  // 1..7 meaningful bits
      if (used < 7) {
        int8_t sext = int8_t(uint8_t(b << 1)) >> 1;  // sign-extend 7 bits
        int8_t expect = int8_t(uint8_t(sext << (8 - used))) >> (8 - used);
        if (sext != expect) {
          fail("integer too large", start);
          return 0;
        }
      }
      if (b & 0x80) {
        fail("integer representation too long", start);
        return 0;
      }
    }
    result |= int64_t(uint64_t(b & 0x7F) << shift);
    if (!(b & 0x80)) {
      unsigned total = shift + 7;
      if (total < 64 && (b & 0x40)) result |= int64_t(~uint64_t(0) << total);
      return result;
    }
  }
  return result;
}

uint32_t BinaryReader::u32_fixed() {
  const uint8_t* p = bytes(4);
  if (!p) return 0;
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint64_t BinaryReader::u64_fixed() {
  const uint8_t* p = bytes(8);
  if (!p) return 0;
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

float BinaryReader::f32() { return std::bit_cast<float>(u32_fixed()); }
double BinaryReader::f64() { return std::bit_cast<double>(u64_fixed()); }

const uint8_t* BinaryReader::bytes(size_t n) {
  if (n > end_ - pos_) {
    eof();
    return nullptr;
  }
  const uint8_t* p = data_ + pos_;
  pos_ += n;
  return p;
}

uint32_t BinaryReader::length() {
  // Bounded by the bytes left *including* the length's own encoding, as in
  // the reference decoder (this decides between "length out of bounds" and
  // "unexpected end" in the testsuite).
  size_t start = pos_;
  uint64_t at = offset();
  uint32_t len = u32();
  if (failed()) return 0;
  if (len > end_ - start) {
    fail("length out of bounds", at);
    return 0;
  }
  return len;
}

std::string_view BinaryReader::name_view() {
  uint64_t at = offset();
  uint32_t len = length();
  const uint8_t* p = bytes(len);  // length() allows its own bytes; recheck
  if (!p) return {};
  std::string_view s(reinterpret_cast<const char*>(p), len);
  if (!is_valid_utf8(s)) {
    fail("malformed UTF-8 encoding", at);
    return {};
  }
  return s;
}

std::string BinaryReader::name() { return std::string(name_view()); }

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp;
    size_t len;
    if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace heron
