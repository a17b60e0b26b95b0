// Annotation tests: the lexer's record of `(@id ...)`, and the three
// annotations the WAT parser gives a meaning (custom/*.wast in the spec
// testsuite): @custom sections and their placement, @name names in the name
// section, @metadata.code.branch_hint entries. Modules are read back with
// the binary decoder, so the sections are checked as a consumer sees them.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "format/decoder.h"
#include "text/lexer.h"
#include "text/script.h"

namespace heron::text {
namespace {

// The sections of an encoded module in order: "type", "code", ... for
// standard ones, the section's own name for custom sections.
struct Section {
  uint8_t id;
  std::string name;     // custom sections
  std::string payload;  // after the name, for custom sections
};

uint32_t read_leb(const std::vector<uint8_t>& b, size_t& i) {
  uint32_t v = 0, shift = 0;
  while (i < b.size()) {
    uint8_t x = b[i++];
    v |= uint32_t(x & 0x7F) << shift;
    shift += 7;
    if (x < 0x80) break;
  }
  return v;
}

std::vector<Section> sections(const std::vector<uint8_t>& b) {
  std::vector<Section> out;
  size_t i = 8;
  while (i < b.size()) {
    Section s;
    s.id = b[i++];
    uint32_t size = read_leb(b, i);
    size_t end = i + size;
    if (s.id == 0) {
      uint32_t n = read_leb(b, i);
      s.name.assign(b.begin() + long(i), b.begin() + long(i + n));
      i += n;
      s.payload.assign(b.begin() + long(i), b.begin() + long(end));
    }
    out.push_back(std::move(s));
    i = end;
  }
  return out;
}

// One word per section: the custom section's name (with its payload after
// '=' when `payloads`), or the standard section's id.
std::string layout(std::string_view src, bool payloads = false) {
  auto r = parse_wat_module(src);
  EXPECT_TRUE(r.ok()) << src << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return "<error>";
  std::string out;
  for (const Section& s : sections(*r)) {
    if (!out.empty()) out += ' ';
    if (s.id != 0) {
      out += std::to_string(s.id);
    } else {
      out += '"' + s.name + '"';
      if (payloads) out += '=' + s.payload;
    }
  }
  return out;
}

std::string error_of(std::string_view src) {
  auto r = parse_wat_module(src);
  return r.ok() ? "<ok>" : r.error().message;
}

std::string hex(std::string_view bytes) {
  std::string out;
  char buf[4];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return out;
}

// The payload of the metadata.code.branch_hint section, as hex.
std::string branch_hints(std::string_view src) {
  auto r = parse_wat_module(src);
  EXPECT_TRUE(r.ok()) << src << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return "<error>";
  for (const Section& s : sections(*r))
    if (s.id == 0 && s.name == "metadata.code.branch_hint")
      return hex(s.payload);
  return "-";
}

// ---------------------------------------------------------------------------
// Lexer

TEST(AnnotationLexer, RecordsTopLevelAnnotations) {
  std::vector<Annotation> annots;
  auto toks = tokenize("(module (@a x \"s\" (y (@b z))) $m (@\"q\\41\")) (@c)",
                       &annots);
  ASSERT_TRUE(toks.ok()) << toks.error().message;
  ASSERT_EQ(toks->size(), 4u);  // ( module $m )
  ASSERT_EQ(annots.size(), 3u);

  EXPECT_EQ(annots[0].id, "a");
  EXPECT_EQ(annots[0].open.kind, TokenKind::Annotation);
  EXPECT_EQ(annots[0].open.text, "(@a");
  EXPECT_EQ(annots[0].before, 2u);  // before `$m`
  std::vector<TokenKind> kinds;
  for (const Token& t : annots[0].items) kinds.push_back(t.kind);
  // x "s" ( y (@b z ) ): a nested annotation is one Annotation token.
  EXPECT_EQ(kinds,
            (std::vector<TokenKind>{TokenKind::Keyword, TokenKind::String,
                                    TokenKind::LParen, TokenKind::Keyword,
                                    TokenKind::Annotation, TokenKind::Keyword,
                                    TokenKind::RParen, TokenKind::RParen}));
  EXPECT_EQ(annots[0].items[4].text, "(@b");
  EXPECT_EQ(annots[0].close.kind, TokenKind::RParen);

  EXPECT_EQ(annots[1].id, "qA");  // a quoted id, decoded
  EXPECT_EQ(annots[1].before, 3u);
  EXPECT_TRUE(annots[1].items.empty());
  EXPECT_EQ(annots[2].id, "c");
  EXPECT_EQ(annots[2].before, 4u);  // after the last token
}

TEST(AnnotationLexer, OthersStillSkipThem) {
  Lexer lexer("(@custom \"x\") a (@b (c)) b");
  auto t1 = lexer.next();
  auto t2 = lexer.next();
  auto t3 = lexer.next();
  ASSERT_TRUE(t1.ok() && t2.ok() && t3.ok());
  EXPECT_EQ(t1->text, "a");
  EXPECT_EQ(t2->text, "b");
  EXPECT_EQ(t3->kind, TokenKind::Eof);
  // Lexical errors are the same whether annotations are recorded or not.
  std::vector<Annotation> annots;
  auto bad = tokenize("(@a (@b \"\\q\"))", &annots);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "illegal escape");
}

// ---------------------------------------------------------------------------
// @custom

TEST(CustomAnnotation, PlacementFollowsTheReferenceInterpreter) {
  // The module of custom_annot.wast: default placement is after the last
  // section; within a slot, text order.
  std::string_view src = R"((module
    (type $t (func))
    (@custom "my-section1" "contents-bytes1")
    (@custom "my-section2" "more-contents-bytes0")
    (@custom "my-section1" "contents-bytes2")
    (@custom "my-section2" (before global) "more-contents-bytes1")
    (@custom "my-section2" (after func) "more-contents-bytes2")
    (@custom "my-section2" (after func) "more-contents-bytes3")
    (@custom "my-section2" (before global) "more-contents-bytes4")
    (func)
    (@custom "my-section2" "more-contents-bytes5")
    (global $g i32 (i32.const 0))
    (@custom "my-section3")
    (@custom "my-section4" "" "1" "" "2" "3" "")
    (@custom "")
  ))";
  EXPECT_EQ(layout(src, true),
            "1 3 "
            "\"my-section2\"=more-contents-bytes2 "
            "\"my-section2\"=more-contents-bytes3 "
            "\"my-section2\"=more-contents-bytes1 "
            "\"my-section2\"=more-contents-bytes4 "
            "6 10 "
            "\"my-section1\"=contents-bytes1 "
            "\"my-section2\"=more-contents-bytes0 "
            "\"my-section1\"=contents-bytes2 "
            "\"my-section2\"=more-contents-bytes5 "
            "\"my-section3\"= \"my-section4\"=123 \"\"=");
}

TEST(CustomAnnotation, EveryPlacement) {
  // Placement names a slot whether or not the section exists; `after X`
  // comes before `before Y` in the same slot.
  EXPECT_EQ(layout(R"((module
    (@custom "a" (after last)) (@custom "b" (before first))
    (@custom "c" (before data)) (@custom "d" (after code))
    (@custom "e" (before code)) (@custom "f" (after datacount))
    (@custom "g" (before datacount)) (@custom "h" (after elem))
    (@custom "i" (before start)) (@custom "j" (after export))
    (@custom "k" (after tag)) (@custom "l" (before tag))
    (@custom "m" (after memory)) (@custom "n" (after table))
    (@custom "o" (before import)) (@custom "p" (after type))
    (@custom "q" (after import)) (@custom "r" (before func))
    (memory 1) (func) (data (i32.const 0) "x")
  ))"),
            "\"b\" 1 \"p\" \"o\" \"q\" \"r\" 3 \"n\" 5 \"m\" \"l\" \"k\" "
            "\"j\" \"i\" \"h\" \"g\" 12 \"f\" \"e\" 10 \"d\" \"c\" 11 \"a\"");
  // Anywhere around the module's own keyword, or with bare fields.
  EXPECT_EQ(layout("((@custom \"x\") module (@custom \"y\"))"), "\"x\" \"y\"");
  EXPECT_EQ(layout("(@custom \"bla\")"), "\"bla\"");
  EXPECT_EQ(layout("(func) (@custom \"z\" (before code) \"\\00\\ff\")"),
            "1 3 \"z\" 10");
}

TEST(CustomAnnotation, DecoderReadsThemBack) {
  auto r = parse_wat_module(
      "(module (@custom \"one\" (before first) \"ab\" \"c\") (func) "
      "(@custom \"two\"))");
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto m = decode_module(*r);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->customs.size(), 2u);
  EXPECT_EQ(m->customs[0].name, "one");
  auto p = m->slice(m->customs[0].payload);
  EXPECT_EQ(std::string(p.begin(), p.end()), "abc");
  EXPECT_EQ(m->customs[1].name, "two");
  EXPECT_EQ(m->customs[1].payload.size, 0u);
}

TEST(CustomAnnotation, Errors) {
  EXPECT_EQ(error_of("(@custom)"), "@custom annotation: missing section name");
  EXPECT_EQ(error_of("(@custom 4)"),
            "@custom annotation: missing section name");
  EXPECT_EQ(error_of("(@custom bla)"),
            "@custom annotation: missing section name");
  EXPECT_EQ(error_of("(@custom \"\\df\")"),
            "@custom annotation: malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(@custom \"bla\" here)"),
            "@custom annotation: unexpected token");
  EXPECT_EQ(error_of("(@custom \"bla\" after)"),
            "@custom annotation: unexpected token");
  EXPECT_EQ(error_of("(@custom \"bla\" \"x\" (after func))"),
            "@custom annotation: unexpected token");
  EXPECT_EQ(error_of("(@custom \"bla\" (after))"),
            "@custom annotation: malformed section kind");
  EXPECT_EQ(error_of("(@custom \"bla\" (type))"),
            "@custom annotation: malformed placement");
  EXPECT_EQ(error_of("(@custom \"bla\" (aft type))"),
            "@custom annotation: malformed placement");
  EXPECT_EQ(error_of("(@custom \"bla\" (before types))"),
            "@custom annotation: malformed section kind");
  EXPECT_EQ(error_of("(@custom \"bla\" (before type x))"),
            "@custom annotation: unexpected token");
  EXPECT_EQ(error_of("(type (@custom \"bla\") $t (func))"),
            "misplaced @custom annotation");
  EXPECT_EQ(error_of("(func (@custom \"bla\"))"),
            "misplaced @custom annotation");
  EXPECT_EQ(error_of("(func (block (@custom \"bla\")))"),
            "misplaced @custom annotation");
  EXPECT_EQ(error_of("(module (func (nop (@custom \"bla\"))))"),
            "misplaced @custom annotation");
  // Inside another annotation it is only that annotation's content.
  EXPECT_EQ(error_of("(func (@other (@custom)))"), "<ok>");
}

TEST(CustomAnnotation, GrammarErrorsComeFirst) {
  // As in the reference interpreter, annotations are looked at once the
  // module parses.
  EXPECT_EQ(error_of("(@custom) (func (i32.const x))"), "unknown operator x");
}

// ---------------------------------------------------------------------------
// @name

NameMap names_of(std::string_view src) {
  auto r = parse_wat_module(src);
  EXPECT_TRUE(r.ok()) << src << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return {};
  auto m = decode_module(*r);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? m->names : NameMap{};
}

TEST(NameAnnotation, ModuleFunctionAndLocalNames) {
  EXPECT_EQ(names_of("(module (@name \"Modül\"))").module_name, "Modül");
  EXPECT_EQ(names_of("(module $moduel (@name \"Modül\"))").module_name,
            "Modül");
  EXPECT_EQ(names_of("(@name \"bare\") (func)").module_name, "bare");

  NameMap n = names_of(R"((module
    (type $t (func))
    (import "m" "f" (func $imp (@name "imported") (type $t)))
    (func (@name "λ") (type $t))
    (func $lambda (@name "λ2") (type $t))
    (func $plain (param $x (@name "α βγ δ") i32) (param $p i32)
      (local $y (@name "y!") i64) (local $z i32))
  ))");
  EXPECT_EQ(n.functions[0], "imported");
  EXPECT_EQ(n.functions[1], "λ");
  EXPECT_EQ(n.functions[2], "λ2");  // the annotation wins over the $id
  EXPECT_EQ(n.functions[3], "plain");
  EXPECT_EQ(n.locals[3][0], "α βγ δ");
  EXPECT_EQ(n.locals[3][1], "p");
  EXPECT_EQ(n.locals[3][2], "y!");
  EXPECT_EQ(n.locals[3][3], "z");
}

TEST(NameAnnotation, OtherIndexSpacesGetTheirSubsections) {
  // Tags, types, tables, memories, globals and segments: subsections the
  // decoder does not keep, so check the bytes (id, size, count, index,
  // name).
  auto r = parse_wat_module(R"((module
    (type $t (@name "T") (func))
    (tag (@name "θ") (type $t))
    (global (@name "g") i32 (i32.const 0))
  ))");
  ASSERT_TRUE(r.ok()) << r.error().message;
  std::string payload;
  for (const Section& s : sections(*r))
    if (s.id == 0 && s.name == "name") payload = hex(s.payload);
  EXPECT_EQ(payload,
            "04 04 01 00 01 54 "      // type 0 "T"
            "07 04 01 00 01 67 "      // global 0 "g"
            "0b 05 01 00 02 ce b8");  // tag 0 "θ"
}

TEST(NameAnnotation, Errors) {
  EXPECT_EQ(error_of("(module (@name \"M1\") (@name \"M2\"))"),
            "@name annotation: multiple module names");
  EXPECT_EQ(error_of("(module (func) (@name \"M\"))"),
            "misplaced @name annotation");
  EXPECT_EQ(error_of("(module (start $f (@name \"M\")) (func $f))"),
            "misplaced @name annotation");
  EXPECT_EQ(error_of("(func (@name \"a\") (@name \"b\"))"),
            "@name annotation: multiple function names");
  EXPECT_EQ(error_of("(func (param $x (@name \"a\") (@name \"b\") i32))"),
            "@name annotation: multiple local names");
  EXPECT_EQ(error_of("(func (@name))"), "@name annotation: string expected");
  EXPECT_EQ(error_of("(func (@name x))"), "@name annotation: string expected");
  EXPECT_EQ(error_of("(func (@name \"a\" \"b\"))"),
            "@name annotation: unexpected token");
  EXPECT_EQ(error_of("(func (@name \"\\ff\"))"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(func nop (@name \"a\"))"), "misplaced @name annotation");
}

// ---------------------------------------------------------------------------
// @metadata.code.branch_hint

TEST(BranchHintAnnotation, PlainAndFolded) {
  // Offsets count from the start of the body's locals declaration (here
  // `01 01 7f`, 3 bytes): local.get 1 (3), local.get 0 (5), i32.eq (7),
  // if (8).
  EXPECT_EQ(branch_hints(R"((module
    (type (func (param i32)))
    (func $dummy)
    (func (type 0) (local i32)
      local.get 1 local.get 0 i32.eq
      (@metadata.code.branch_hint "\00") if return end return)
  ))"),
            "01 01 01 08 01 00");
  // Folded: the hint is about the operator, encoded after its operands.
  // Body: 00 | 20 00 (1) 04 40 (3) 0b | 02 40 (6) 20 01 (8) 0d 00 (10)
  EXPECT_EQ(branch_hints(R"((module
    (func (param i32 i32)
      (@metadata.code.branch_hint "\01") (if (local.get 0) (then))
      (block (@metadata.code.branch_hint "\00") (br_if 0 (local.get 1))))
  ))"),
            "01 00 02 03 01 01 0a 01 00");
  // A plain br_if, and two functions (indices count imports).
  EXPECT_EQ(branch_hints(R"((module
    (import "m" "f" (func))
    (func (param i32)
      (block local.get 0 (@metadata.code.branch_hint "\01") br_if 0))
    (func (param i32)
      (@metadata.code.branch_hint "\00") (if (local.get 0) (then)))
  ))"),
            "02 01 01 05 01 01 02 01 03 01 00");
}

TEST(BranchHintAnnotation, SectionGoesBeforeTheCode) {
  std::string_view src = R"((module (memory 1) (data (i32.const 0) "")
    (func (param i32) (@metadata.code.branch_hint "\01")
      (if (local.get 0) (then)))))";
  EXPECT_EQ(layout(src), "1 3 5 12 \"metadata.code.branch_hint\" 10 11");
  auto r = parse_wat_module(src);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto m = decode_module(*r);
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->customs.size(), 1u);
  EXPECT_EQ(m->customs[0].name, "metadata.code.branch_hint");
}

TEST(BranchHintAnnotation, Errors) {
  // Checked while parsing, so even a module that would not validate
  // (type 0 is undefined) reports it, as branch_hint.wast expects.
  EXPECT_EQ(error_of(R"((func $test2 (type 0) (local i32)
      local.get 1 local.get 0 i32.eq
      (@metadata.code.branch_hint "\01") (@metadata.code.branch_hint "\01")
      if return end return))"),
            "@metadata.code.branch_hint annotation: duplicate annotation");
  EXPECT_EQ(error_of(R"((module (@metadata.code.branch_hint "\01")
      (func (param i32) local.get 0 drop)))"),
            "@metadata.code.branch_hint annotation: not in a function");
  EXPECT_EQ(error_of(R"((global i32 (@metadata.code.branch_hint "\01")
      (i32.const 0)))"),
            "@metadata.code.branch_hint annotation: not in a function");
  EXPECT_EQ(error_of(R"((func (import "m" "f")
      (@metadata.code.branch_hint "\01")))"),
            "@metadata.code.branch_hint annotation: not in a function");
  EXPECT_EQ(error_of(R"((func (param i32)
      (@metadata.code.branch_hint "\02") (if (local.get 0) (then))))"),
            "@metadata.code.branch_hint annotation: invalid hint value");
  EXPECT_EQ(error_of(R"((func (param i32)
      (@metadata.code.branch_hint "\00\01") (if (local.get 0) (then))))"),
            "@metadata.code.branch_hint annotation: invalid hint value");
  EXPECT_EQ(error_of(R"((func (param i32)
      (@metadata.code.branch_hint 1) (if (local.get 0) (then))))"),
            "@metadata.code.branch_hint annotation: unexpected token");
  EXPECT_EQ(error_of(R"((func (param i32) local.get 0 drop
      (@metadata.code.branch_hint "\01")))"),
            "@metadata.code.branch_hint annotation: invalid placement");

  auto invalid = parse_wat_module(R"((func (param i32) (local i32)
      local.get 1 local.get 0 (@metadata.code.branch_hint "\01") i32.eq
      drop))");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().message,
            "@metadata.code.branch_hint annotation: invalid target");
  EXPECT_EQ(invalid.error().kind, ErrorKind::Invalid);
  // A folded operand is not the hinted operator.
  EXPECT_EQ(error_of(R"((func (param i32)
      (if (@metadata.code.branch_hint "\01") (local.get 0) (then))))"),
            "@metadata.code.branch_hint annotation: invalid target");
  // Malformed annotations are reported before invalid ones.
  EXPECT_EQ(error_of(R"((func (param i32)
      (@metadata.code.branch_hint "\01") nop
      (@metadata.code.branch_hint "\01") (@metadata.code.branch_hint "\01")
      (if (local.get 0) (then))))"),
            "@metadata.code.branch_hint annotation: duplicate annotation");
}

TEST(BranchHintAnnotation, UnknownAnnotationsStayIgnored) {
  EXPECT_EQ(branch_hints(R"((func (param i32)
      (@metadata.code.other "\05") (@a b c) (if (local.get 0) (then))))"),
            "-");
}

}  // namespace
}  // namespace heron::text
