// Unit tests of BinaryReader: LEB128 limits and error wording, fixed-size
// reads, lengths and UTF-8 validation.
#include "format/binary_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace heron {
namespace {

std::string error_of(const BinaryReader& r) {
  return r.failed() ? r.error()->message : "";
}

TEST(Leb128, U32) {
  std::vector<uint8_t> zero = {0x00};
  BinaryReader z(zero);
  EXPECT_EQ(z.u32(), 0u);
  EXPECT_TRUE(z.at_end());
  std::vector<uint8_t> max = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  BinaryReader r(max);
  EXPECT_EQ(r.u32(), UINT32_MAX);
  EXPECT_FALSE(r.failed());

  // Over-long but in range: padding with zero payload is allowed up to 5 bytes.
  std::vector<uint8_t> padded = {0x83, 0x80, 0x80, 0x80, 0x00};
  BinaryReader p(padded);
  EXPECT_EQ(p.u32(), 3u);
  EXPECT_FALSE(p.failed());
}

TEST(Leb128, U32TooLongAndTooLarge) {
  std::vector<uint8_t> too_long = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  BinaryReader a(too_long);
  a.u32();
  EXPECT_EQ(error_of(a), "integer representation too long");

  // Bits above 32 set in the fifth byte.
  std::vector<uint8_t> too_large = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
  BinaryReader b(too_large);
  b.u32();
  EXPECT_EQ(error_of(b), "integer too large");

  // High payload bits and a continuation bit: the value check comes first,
  // as in the reference decoder.
  std::vector<uint8_t> both = {0x80, 0x80, 0x80, 0x80, 0x90, 0x00};
  BinaryReader c(both);
  c.u32();
  EXPECT_EQ(error_of(c), "integer too large");
}

TEST(Leb128, UnexpectedEnd) {
  std::vector<uint8_t> cut = {0x80, 0x80};
  BinaryReader r(cut);
  r.u32();
  EXPECT_EQ(error_of(r), "unexpected end");
  EXPECT_EQ(r.error()->offset, 2u);
  // Sticky: later reads return 0 and keep the first error.
  EXPECT_EQ(r.u8(), 0);
  EXPECT_EQ(error_of(r), "unexpected end");

  BinaryReader e({});
  e.set_eof_message("unexpected end of section or function");
  e.s64();
  EXPECT_EQ(error_of(e), "unexpected end of section or function");
}

TEST(Leb128, S32) {
  std::vector<uint8_t> minus_one = {0x7F};
  EXPECT_EQ(BinaryReader(minus_one).s32(), -1);
  std::vector<uint8_t> min = {0x80, 0x80, 0x80, 0x80, 0x78};
  EXPECT_EQ(BinaryReader(min).s32(), INT32_MIN);
  std::vector<uint8_t> max = {0xFF, 0xFF, 0xFF, 0xFF, 0x07};
  EXPECT_EQ(BinaryReader(max).s32(), INT32_MAX);
  std::vector<uint8_t> minus_64 = {0x40};
  EXPECT_EQ(BinaryReader(minus_64).s32(), -64);
  std::vector<uint8_t> plus_64 = {0xC0, 0x00};
  EXPECT_EQ(BinaryReader(plus_64).s32(), 64);
  // Padded negative: sign bits continue.
  std::vector<uint8_t> padded = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  BinaryReader p(padded);
  EXPECT_EQ(p.s32(), -1);
  EXPECT_FALSE(p.failed());
}

TEST(Leb128, S32UnusedBits) {
  // Unused bits of the last byte must all equal the sign bit.
  for (std::vector<uint8_t> bad :
       {std::vector<uint8_t>{0x80, 0x80, 0x80, 0x80, 0x70},
        std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0x0F},
        std::vector<uint8_t>{0x80, 0x80, 0x80, 0x80, 0x1F},
        std::vector<uint8_t>{0xFF, 0xFF, 0xFF, 0xFF, 0x4F}}) {
    BinaryReader r(bad);
    r.s32();
    EXPECT_EQ(error_of(r), "integer too large");
  }
  std::vector<uint8_t> too_long = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  BinaryReader r(too_long);
  r.s32();
  EXPECT_EQ(error_of(r), "integer representation too long");
}

TEST(Leb128, U64AndS64) {
  std::vector<uint8_t> umax = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                               0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  EXPECT_EQ(BinaryReader(umax).u64(), UINT64_MAX);
  std::vector<uint8_t> ularge = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
  BinaryReader a(ularge);
  a.u64();
  EXPECT_EQ(error_of(a), "integer too large");
  std::vector<uint8_t> ulong = {0x82, 0x80, 0x80, 0x80, 0x80, 0x80,
                                0x80, 0x80, 0x80, 0x80, 0x00};
  BinaryReader b(ulong);
  b.u64();
  EXPECT_EQ(error_of(b), "integer representation too long");

  std::vector<uint8_t> smin = {0x80, 0x80, 0x80, 0x80, 0x80,
                               0x80, 0x80, 0x80, 0x80, 0x7F};
  EXPECT_EQ(BinaryReader(smin).s64(), INT64_MIN);
  std::vector<uint8_t> smax = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                               0xFF, 0xFF, 0xFF, 0xFF, 0x00};
  EXPECT_EQ(BinaryReader(smax).s64(), INT64_MAX);
  std::vector<uint8_t> sbad = {0x80, 0x80, 0x80, 0x80, 0x80,
                               0x80, 0x80, 0x80, 0x80, 0x7E};
  BinaryReader c(sbad);
  c.s64();
  EXPECT_EQ(error_of(c), "integer too large");
}

TEST(Leb128, S33) {
  std::vector<uint8_t> max_index = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  EXPECT_EQ(BinaryReader(max_index).s33(), int64_t(UINT32_MAX));
  std::vector<uint8_t> min = {0x80, 0x80, 0x80, 0x80, 0x70};
  EXPECT_EQ(BinaryReader(min).s33(), -(int64_t(1) << 32));
  std::vector<uint8_t> bad = {0x80, 0x80, 0x80, 0x80, 0x20};
  BinaryReader r(bad);
  r.s33();
  EXPECT_EQ(error_of(r), "integer too large");
  std::vector<uint8_t> abstract = {0x70};  // funcref as s33 = -16
  EXPECT_EQ(BinaryReader(abstract).s33(), -16);
}

TEST(BinaryReader, FixedAndFloats) {
  std::vector<uint8_t> b = {0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x80, 0x3F};
  BinaryReader r(b);
  EXPECT_EQ(r.u32_fixed(), 0x12345678u);
  EXPECT_EQ(r.f32(), 1.0f);
  EXPECT_TRUE(r.at_end());
  r.u64_fixed();
  EXPECT_EQ(error_of(r), "unexpected end");
}

TEST(BinaryReader, LengthCountsItsOwnBytes) {
  // A length may exceed the bytes after it by its own encoding's size (as in
  // the reference decoder); beyond that it is out of bounds.
  std::vector<uint8_t> ok = {0x03, 0xAA, 0xBB};
  BinaryReader a(ok);
  EXPECT_EQ(a.length(), 3u);
  EXPECT_FALSE(a.failed());
  std::vector<uint8_t> bad = {0x04, 0xAA, 0xBB};
  BinaryReader b(bad);
  b.length();
  EXPECT_EQ(error_of(b), "length out of bounds");
  EXPECT_EQ(b.error()->offset, 0u);
  // A huge count with a few bytes left fails before anyone allocates.
  std::vector<uint8_t> huge = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00};
  BinaryReader c(huge);
  c.length();
  EXPECT_EQ(error_of(c), "length out of bounds");
}

TEST(BinaryReader, Names) {
  std::vector<uint8_t> b = {0x03, 'a', 'b', 'c', 0x00};
  BinaryReader r(b, 100);
  EXPECT_EQ(r.name(), "abc");
  EXPECT_EQ(r.name(), "");
  EXPECT_TRUE(r.at_end());

  std::vector<uint8_t> cut = {0x03, 'a', 'b'};
  BinaryReader c(cut);
  c.name();
  EXPECT_EQ(error_of(c), "unexpected end");

  std::vector<uint8_t> bad = {0x02, 0xC0, 0x80};
  BinaryReader u(bad, 100);
  u.name();
  EXPECT_EQ(error_of(u), "malformed UTF-8 encoding");
  EXPECT_EQ(u.error()->offset, 100u);
}

TEST(Utf8, Valid) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii \x7f"));
  EXPECT_TRUE(is_valid_utf8("\xC2\x80"));          // U+0080
  EXPECT_TRUE(is_valid_utf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(is_valid_utf8("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8(std::string_view("\0", 1)));
}

TEST(Utf8, Invalid) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // overlong NUL
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));  // lead byte > F4
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xC2"));          // truncated 2-byte
  EXPECT_FALSE(is_valid_utf8("\xE0\xA0"));      // truncated 3-byte
  EXPECT_FALSE(is_valid_utf8("\xF0\x90\x80"));  // truncated 4-byte
  EXPECT_FALSE(is_valid_utf8("\xC2\x41"));      // bad continuation
  EXPECT_FALSE(is_valid_utf8("a\xE0\xA0\xC0"));
}

}  // namespace
}  // namespace heron
