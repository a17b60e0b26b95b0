// WAT module parser tests: encoded bytes of small modules (section by
// section), abbreviations that must encode like their long forms, implicit
// type uses, index spaces and names, and the error messages the spec
// testsuite expects.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "text/script.h"

namespace heron::text {
namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  char buf[4];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return out;
}

std::vector<uint8_t> encode(std::string_view src) {
  auto r = parse_wat_module(src);
  EXPECT_TRUE(r.ok()) << src << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::vector<uint8_t>{};
}

// The payload of the first section with this id, as hex; "-" when absent.
std::string section(std::string_view src, uint8_t id) {
  std::vector<uint8_t> b = encode(src);
  size_t i = 8;
  while (i < b.size()) {
    uint8_t sid = b[i++];
    uint32_t size = 0, shift = 0;
    while (true) {
      uint8_t x = b[i++];
      size |= uint32_t(x & 0x7F) << shift;
      shift += 7;
      if (x < 0x80) break;
    }
    if (sid == id) {
      return hex(std::vector<uint8_t>(b.begin() + long(i),
                                      b.begin() + long(i + size)));
    }
    i += size;
  }
  return "-";
}

// The code section's first body (without its size), as hex.
std::string body(std::string_view src) {
  std::string code = section(src, 10);
  // "01 <size> <body...>": drop the count and the one-byte size.
  return code.size() > 6 ? code.substr(6) : code;
}

std::string error_of(std::string_view src) {
  auto r = parse_wat_module(src);
  if (r.ok()) return "<ok>";
  return r.error().message;
}

TEST(WatParser, EmptyModule) {
  EXPECT_EQ(hex(encode("(module)")), "00 61 73 6d 01 00 00 00");
  EXPECT_EQ(hex(encode("")), "00 61 73 6d 01 00 00 00");
  EXPECT_EQ(hex(encode(";; nothing\n")), "00 61 73 6d 01 00 00 00");
}

TEST(WatParser, SimpleFunction) {
  const char* src =
      "(module (func (export \"f\") (result i32) (i32.const 42)))";
  EXPECT_EQ(section(src, 1), "01 60 00 01 7f");
  EXPECT_EQ(section(src, 3), "01 00");
  EXPECT_EQ(section(src, 7), "01 01 66 00 00");
  EXPECT_EQ(section(src, 10), "01 04 00 41 2a 0b");
}

TEST(WatParser, BareFieldsAndWrappedModuleAgree) {
  EXPECT_EQ(encode("(func (param i32) local.get 0 drop)"),
            encode("(module (func (param i32) local.get 0 drop))"));
}

TEST(WatParser, FoldedAndPlainAgree) {
  EXPECT_EQ(body("(func (result i32) (i32.add (i32.const 1) (i32.const 2)))"),
            body("(func (result i32) i32.const 1 i32.const 2 i32.add)"));
  EXPECT_EQ(body("(func (param i32) (result i32)"
                 " (if (result i32) (local.get 0) (then (i32.const 1))"
                 " (else (i32.const 2))))"),
            body("(func (param i32) (result i32)"
                 " local.get 0 if (result i32) i32.const 1 else i32.const 2"
                 " end)"));
  EXPECT_EQ(body("(func (param i32) (result i32)"
                 " local.get 0 if (result i32) i32.const 1 else i32.const 2"
                 " end)"),
            "00 20 00 04 7f 41 01 05 41 02 0b 0b");
}

TEST(WatParser, LabelsResolveInnermostFirst) {
  EXPECT_EQ(body("(func block $a block $b br $a br $b end end)"),
            "00 02 40 02 40 0c 01 0c 00 0b 0b 0b");
  // A shadowing label hides the outer one of the same name.
  EXPECT_EQ(body("(func block $l block $l br $l end end)"),
            "00 02 40 02 40 0c 00 0b 0b 0b");
  EXPECT_EQ(body("(func (block $l (br_table $l $l 0)))"),
            "00 02 40 0e 02 00 00 00 0b 0b");
  EXPECT_EQ(body("(func block $a end $a)"), "00 02 40 0b 0b");
}

TEST(WatParser, LocalsAndNames) {
  const char* src =
      "(func $f (param $x i32) (param i64) (local $y f32) (local f32 f64)"
      " local.get $x drop local.get $y drop)";
  EXPECT_EQ(body(src), "02 02 7d 01 7c 20 00 1a 20 02 1a 0b");
  // Name section: function 0 is "f"; locals 0 "x" and 2 "y".
  std::string names = section(src, 0);
  EXPECT_NE(names.find("01 04 01 00 01 66"), std::string::npos) << names;
  EXPECT_NE(names.find("02 09 01 00 02 00 01 78 02 01 79"), std::string::npos)
      << names;
}

TEST(WatParser, ImplicitTypeUses) {
  // $f adds (result f64) after the explicit types; $g reuses type 0; $h
  // reuses $f's implicit type.
  const char* src =
      "(func $f (result f64) (f64.const 0))"
      "(func $g (param i32))"
      "(func $h (result f64) (f64.const 1))"
      "(type $t (func (param i32)))";
  EXPECT_EQ(section(src, 1), "02 60 01 7f 00 60 00 01 7c");
  EXPECT_EQ(section(src, 3), "03 01 00 01");
}

TEST(WatParser, ImplicitTypesSkipRecAndSubTypes) {
  const char* src =
      "(rec (type (func)) (type (struct)))"
      "(type (sub (func)))"
      "(func)";
  // The function gets a new type 3 rather than 0 or 2.
  EXPECT_EQ(section(src, 3), "01 03");
  EXPECT_EQ(section(src, 1), "03 4e 02 60 00 00 5f 00 50 00 60 00 00 60 00 00");
}

TEST(WatParser, InlineTypeMustMatch) {
  EXPECT_EQ(section("(type $t (func (param i32)))"
                    "(func (type $t) (param $x i32) local.get $x drop)",
                    3),
            "01 00");
  EXPECT_EQ(error_of("(type $sig (func))"
                     "(func (type $sig) (result i32) (i32.const 0))")
                .rfind("inline function type", 0),
            0u);
  EXPECT_EQ(error_of("(func (type 2) (param i32))").rfind("unknown type", 0),
            0u);
}

TEST(WatParser, BlockTypes) {
  EXPECT_EQ(body("(func (block (result i32) (i32.const 0)) drop)"),
            "00 02 7f 41 00 0b 1a 0b");
  // Parameters need a type index: the implicit type [i32] -> [i32] is 1.
  std::string src =
      "(func (i32.const 0) (block (param i32) (result i32)) drop)";
  EXPECT_EQ(section(src, 1), "02 60 00 00 60 01 7f 01 7f");
  EXPECT_EQ(body(src), "00 41 00 02 01 0b 1a 0b");
}

TEST(WatParser, MemoryInstructions) {
  EXPECT_EQ(body("(memory 1) (func (drop (i32.load offset=8 (i32.const 0))))"),
            "00 41 00 28 02 08 1a 0b");
  EXPECT_EQ(
      body("(memory 1) (func (drop (i64.load8_u align=1 (i32.const 0))))"),
      "00 41 00 31 00 00 1a 0b");
  // A memory index other than 0 sets bit 6 of the alignment flags.
  EXPECT_EQ(body("(memory 1) (memory $m 1)"
                 " (func (drop (i32.load $m offset=4 align=2 (i32.const 0)))"
                 " (drop (memory.size $m)))"),
            "00 41 00 28 41 01 04 1a 3f 01 1a 0b");
  EXPECT_EQ(body("(memory 1) (func (result v128)"
                 " (v128.load8_lane 3 (i32.const 0) (v128.const i64x2 0 0)))"),
            "00 41 00 fd 0c 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
            " fd 54 00 00 03 0b");
  EXPECT_EQ(
      body("(memory 1) (memory 1) (data $d \"\")"
           " (func (memory.init 1 $d (i32.const 0) (i32.const 0)"
           " (i32.const 0)) (memory.copy 1 0 (i32.const 0) (i32.const 0)"
           " (i32.const 0)))"),
      "00 41 00 41 00 41 00 fc 08 00 01 41 00 41 00 41 00 fc 0a 01 00 0b");
}

TEST(WatParser, Constants) {
  EXPECT_EQ(body("(func (result i32) (i32.const 0xffff_ffff))"), "00 41 7f 0b");
  EXPECT_EQ(body("(func (result i64) (i64.const -0x8000_0000_0000_0000))"),
            "00 42 80 80 80 80 80 80 80 80 80 7f 0b");
  EXPECT_EQ(body("(func (result f32) (f32.const -0x1p-1))"),
            "00 43 00 00 00 bf 0b");
  EXPECT_EQ(body("(func (result v128) (v128.const i16x8 1 2 3 4 5 6 7 -1))"),
            "00 fd 0c 01 00 02 00 03 00 04 00 05 00 06 00 07 00 ff ff 0b");
  EXPECT_EQ(body("(func (result v128) (v128.const f32x4 1 1 1 1))"),
            "00 fd 0c 00 00 80 3f 00 00 80 3f 00 00 80 3f 00 00 80 3f 0b");
}

TEST(WatParser, ReferenceAndGcInstructions) {
  const char* src =
      "(type $s (struct (field $a i32) (field $b (mut i64))))"
      "(func (param (ref null $s)) (result i64)"
      " (ref.cast (ref null $s) (local.get 0))"
      " (struct.get $s $b))";
  EXPECT_EQ(section(src, 1), "02 5f 02 7f 00 7e 01 60 01 63 00 01 7e");
  EXPECT_EQ(body(src), "00 20 00 fb 17 00 fb 02 00 01 0b");
  EXPECT_EQ(body("(func (param anyref) (result i32)"
                 " (ref.test i31ref (local.get 0)))"),
            "00 20 00 fb 15 6c 0b");
  EXPECT_EQ(body("(func (param anyref) (result anyref)"
                 " (block $l (result anyref) (br_on_cast $l anyref (ref i31)"
                 " (local.get 0))))"),
            "00 02 6e 20 00 fb 18 01 00 6e 6c 0b 0b");
  EXPECT_EQ(body("(func (result i32) (select (result i32) (i32.const 1)"
                 " (i32.const 2) (i32.const 0)))"),
            "00 41 01 41 02 41 00 1c 01 7f 0b");
}

TEST(WatParser, ExceptionHandling) {
  EXPECT_EQ(body("(tag $e (param i32))"
                 "(func (result i32) (block $h (result i32)"
                 " (try_table (catch $e $h) (throw $e (i32.const 1))) "
                 "(i32.const 0)))"),
            "00 02 7f 1f 40 01 00 00 00 41 01 08 00 0b 41 00 0b 0b");
  // Legacy try: delegate's label counts from outside the try.
  EXPECT_EQ(body("(tag $e) (func try $t try delegate $t catch $e end)"),
            "00 06 40 06 40 18 00 07 00 0b 0b");
}

TEST(WatParser, TablesElemsAndData) {
  const char* src =
      "(table $t 2 funcref) (func $f)"
      "(elem (i32.const 0) $f $f)"
      "(elem declare func $f)"
      "(elem $p funcref (ref.func $f) (item ref.null func))";
  EXPECT_EQ(section(src, 9),
            "03 00 41 00 0b 02 00 00 03 00 01 00 05 70 02 d2 00 0b d0 70 0b");
  // Inline elements size the table and become an active segment.
  EXPECT_EQ(section("(func $f) (table funcref (elem $f $f))", 4),
            "01 70 01 02 02");
  // Inline data sizes the memory and is concatenated.
  const char* data = "(memory (data \"ab\" \"c\"))";
  EXPECT_EQ(section(data, 5), "01 01 01 01");
  EXPECT_EQ(section(data, 11), "01 00 41 00 0b 03 61 62 63");
  EXPECT_EQ(section(data, 12), "01");
  EXPECT_EQ(section("(memory i64 1) (data (i64.const 8) \"x\")", 11),
            "01 00 42 08 0b 01 78");
}

TEST(WatParser, ImportsComeFirst) {
  const char* src =
      "(import \"m\" \"f\" (func $imp (param i32)))"
      "(func $g (export \"g\") (call $imp (i32.const 0)))"
      "(global $x (import \"m\" \"x\") i32)"
      "(memory (import \"m\" \"mem\") i64 1 2)";
  EXPECT_EQ(error_of(src), "import after function");
  const char* ok =
      "(import \"m\" \"f\" (func $imp (param i32)))"
      "(global $x (import \"m\" \"x\") (mut i32))"
      "(memory (import \"m\" \"mem\") i64 1 2)"
      "(func $g (export \"g\") (call $imp (global.get $x)))";
  EXPECT_EQ(section(ok, 2),
            "03 01 6d 01 66 00 00 01 6d 01 78 03 7f 01"
            " 01 6d 03 6d 65 6d 02 05 01 02");
  EXPECT_EQ(body(ok), "00 23 00 10 00 0b");
}

TEST(WatParser, CustomPageSizeAndShared) {
  EXPECT_EQ(section("(memory 1 (pagesize 1))", 5), "01 08 01 00");
  EXPECT_EQ(section("(memory 1 2 shared)", 5), "01 03 01 02");
  EXPECT_EQ(error_of("(memory 0 (pagesize 3))"), "invalid custom page size");
}

TEST(WatParser, Errors) {
  auto starts = [](const std::string& msg, const char* prefix) {
    return msg.rfind(prefix, 0) == 0;
  };
  EXPECT_TRUE(
      starts(error_of("(func (get_local 0))"), "unknown operator get_local"));
  EXPECT_TRUE(starts(error_of("(func (i32.const 0x100000000) drop)"),
                     "constant out of range"));
  EXPECT_TRUE(
      starts(error_of("(func (i64.const 0x) drop)"), "unknown operator"));
  EXPECT_TRUE(starts(error_of("(func (i32.const nan:canonical) drop)"),
                     "unexpected token"));
  EXPECT_TRUE(starts(error_of("(func (result i32) (param i32) (i32.const 0))"),
                     "unexpected token"));
  EXPECT_TRUE(starts(error_of("(func br $nope)"), "unknown label"));
  EXPECT_TRUE(starts(error_of("(func block $a end $b)"), "mismatching label"));
  EXPECT_TRUE(starts(error_of("(func local.get $x)"), "unknown local"));
  EXPECT_TRUE(starts(error_of("(func call $g)"), "unknown function"));
  EXPECT_TRUE(starts(error_of("(func $f) (func $f)"), "duplicate func"));
  EXPECT_TRUE(starts(error_of("(func (param $a i32) (local $a i32))"),
                     "duplicate local"));
  EXPECT_TRUE(starts(error_of("(memory 0) (func (drop (i32.load align=3"
                              " (i32.const 0))))"),
                     "alignment"));
  EXPECT_TRUE(starts(error_of("(func (v128.const i32x4 1 2 3) drop)"),
                     "wrong number of lane literals"));
  EXPECT_TRUE(starts(error_of("(func (i8x16.extract_lane_s 256"
                              " (v128.const i64x2 0 0)) drop)"),
                     "i8 constant out of range"));
  EXPECT_TRUE(
      starts(error_of("(func (export \"\\ff\"))"), "malformed UTF-8 encoding"));
  EXPECT_TRUE(starts(error_of("(func $a) (func $b) (start $a) (start $b)"),
                     "multiple start sections"));
  EXPECT_TRUE(starts(error_of("(type (struct (field $x i32) (field $x i32)))"),
                     "duplicate field"));
}

TEST(WatParser, LegacySegmentForms) {
  // A bare table/memory index before the offset (pre-2.0 syntax).
  EXPECT_EQ(section("(table 1 funcref) (func $f) (elem 0 (i32.const 0) $f)", 9),
            "01 00 41 00 0b 01 00");
  EXPECT_EQ(section("(memory 1) (data 0 (i32.const 1) \"a\")", 11),
            "01 00 41 01 0b 01 61");
  EXPECT_EQ(error_of("(func (try (do) (catch_all) (delegate 0)))")
                .rfind("unexpected token", 0),
            0u);
}

TEST(WatParser, NestingLimit) {
  std::string deep = "(func ";
  for (int i = 0; i < 5000; ++i) deep += "(block ";
  deep += std::string(5000, ')') + ")";
  auto r = parse_wat_module(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Limit);
  std::string fine = "(func ";
  for (int i = 0; i < 500; ++i) fine += "block ";
  for (int i = 0; i < 500; ++i) fine += "end ";
  EXPECT_TRUE(parse_wat_module(fine + ")").ok());
}

TEST(WatParser, ErrorsCarryLineAndOffset) {
  auto r = parse_wat_module("(module\n  (func\n    (i32.add nope)))");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(r.error().line, 3u);
  EXPECT_EQ(r.error().offset, 29u);  // at "nope"
}

}  // namespace
}  // namespace heron::text
