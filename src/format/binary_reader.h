// BinaryReader: the primitive reader of the binary format (bytes, LEB128
// integers, floats, names) over a window of a module's bytes.
//
// Errors are sticky, as in V8's decoder: the first failure is recorded with
// its byte offset, every later read returns 0 and leaves the position at the
// end, and callers check failed() at loop boundaries. This keeps the hot path
// (a single-byte LEB128) to one compare and makes it impossible to read past
// the window, whatever the caller forgets to check.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "heron/error.h"

namespace heron {

class BinaryReader {
 public:
  // `base` is the offset of data[0] in the module, so reported offsets are
  // module offsets.
  BinaryReader(std::span<const uint8_t> data, uint64_t base = 0)
      : data_(data.data()), pos_(0), end_(data.size()), base_(base) {}

  size_t pos() const { return pos_; }
  uint64_t offset() const { return base_ + pos_; }  // module offset
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool at_end() const { return pos_ >= end_; }
  const uint8_t* data() const { return data_; }
  uint64_t base() const { return base_; }

  // Restricts reads to [pos, pos+size); returns the previous end so that the
  // caller can restore it with pop_limit. Fails if the window does not fit.
  size_t push_limit(size_t size, const char* overflow_message);
  void pop_limit(size_t old_end) { end_ = old_end; }
  void seek(size_t pos) { pos_ = pos; }

  bool failed() const { return error_.has_value(); }
  const std::optional<Error>& error() const { return error_; }
  std::optional<Error> take_error() {
    std::optional<Error> e = std::move(error_);
    error_.reset();
    return e;
  }

  // Records the first error at `at` (a module offset); later errors are
  // ignored. Moves the position to the end so loops terminate.
  void fail(std::string message, uint64_t at);
  void fail(std::string message) { fail(std::move(message), offset()); }
  void set_kind(ErrorKind kind) {
    if (error_) error_->kind = kind;
  }

  // Message used when a read runs past the window.
  void set_eof_message(const char* msg) { eof_message_ = msg; }

  uint8_t u8() {
    if (pos_ < end_) return data_[pos_++];
    eof();
    return 0;
  }
  uint8_t peek_u8() const { return pos_ < end_ ? data_[pos_] : 0; }

  uint32_t u32() {
    if (pos_ < end_ && data_[pos_] < 0x80) return data_[pos_++];
    return uint32_t(leb_unsigned(32));
  }
  uint64_t u64() { return leb_unsigned(64); }
  int32_t s32() {
    if (pos_ < end_ && data_[pos_] < 0x40) return data_[pos_++];
    return int32_t(leb_signed(32));
  }
  int64_t s64() { return leb_signed(64); }
  int64_t s33() { return leb_signed(33); }
  uint32_t u32_fixed();  // little-endian 4 bytes
  uint64_t u64_fixed();  // little-endian 8 bytes
  float f32();
  double f64();

  // A u32 length or vector count that must not exceed the bytes left in the
  // window counted from the start of its own encoding ("length out of
  // bounds" otherwise; the reference decoder counts that way, which decides
  // between this message and "unexpected end" in the testsuite). So the
  // result may exceed remaining() by a few bytes: consume a byte length with
  // bytes(), which checks again. Callers may reserve `length()` elements of
  // a vector: a forged count cannot allocate more than the input justifies.
  uint32_t length();

  // Reads `n` raw bytes; returns a pointer into the data or nullptr on EOF.
  const uint8_t* bytes(size_t n);
  // A vector length followed by that many UTF-8 bytes; validated.
  std::string name();
  std::string_view name_view();

 private:
  void eof();
  uint64_t leb_unsigned(unsigned bits);
  int64_t leb_signed(unsigned bits);

  const uint8_t* data_;
  size_t pos_;
  size_t end_;
  uint64_t base_;
  const char* eof_message_ = "unexpected end";
  std::optional<Error> error_;
};

// True when bytes form valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

}  // namespace heron
