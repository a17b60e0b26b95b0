// Lexer tests: token classes and boundaries, comments, annotations, strings,
// identifiers, and the error messages the spec testsuite expects.
#include "text/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace heron::text {
namespace {

using K = TokenKind;

std::vector<K> kinds(std::string_view src) {
  auto toks = tokenize(src);
  EXPECT_TRUE(toks.ok()) << (toks.ok() ? "" : toks.error().message);
  std::vector<K> out;
  if (toks.ok())
    for (auto& t : *toks) out.push_back(t.kind);
  return out;
}

std::vector<std::string> texts(std::string_view src) {
  auto toks = tokenize(src);
  EXPECT_TRUE(toks.ok()) << (toks.ok() ? "" : toks.error().message);
  std::vector<std::string> out;
  if (toks.ok())
    for (auto& t : *toks) out.emplace_back(t.text);
  return out;
}

std::string error_of(std::string_view src) {
  auto toks = tokenize(src);
  if (toks.ok()) return "<ok>";
  return toks.error().message;
}

TEST(Lexer, BasicTokens) {
  EXPECT_EQ(kinds("(module $m (func (i32.const 1)))"),
            (std::vector<K>{K::LParen, K::Keyword, K::Id, K::LParen, K::Keyword,
                            K::LParen, K::Keyword, K::Nat, K::RParen, K::RParen,
                            K::RParen}));
  EXPECT_EQ(kinds("-1 +0x10 1.5 -0x1p-1 inf -nan nan:0x1_0 nan:canonical"),
            (std::vector<K>{K::Int, K::Int, K::Float, K::Float, K::Float,
                            K::Float, K::Float, K::Keyword}));
  EXPECT_EQ(
      kinds("offset=4 align=8 i32.add \"str\" $\"q id\""),
      (std::vector<K>{K::Keyword, K::Keyword, K::Keyword, K::String, K::Id}));
}

TEST(Lexer, ReservedTokens) {
  // Maximal runs that are no valid token are single Reserved tokens.
  EXPECT_EQ(kinds("0x 1x 0xg 1.2.3 0$l \"a\"\"b\" $\"l\"0 \"a\"x 0\"a\" A"),
            std::vector<K>(10, K::Reserved));
  EXPECT_EQ(texts("0$l"), (std::vector<std::string>{"0$l"}));
  EXPECT_EQ(texts("$l$l $l0"), (std::vector<std::string>{"$l$l", "$l0"}));
  EXPECT_EQ(kinds(", ; [ ] { }"), std::vector<K>(6, K::Reserved));
  EXPECT_EQ(kinds("i32.const0"), (std::vector<K>{K::Keyword}));
  // Underscores only between digits.
  EXPECT_EQ(kinds("_100 +_100 99_ 1__000 1_.0 1._0 0x_1 1e_1 1.0e+_1"),
            std::vector<K>(9, K::Reserved));
  EXPECT_EQ(kinds("1_000 0x0_9acf_fBDF 1_0.0_1e1_0"),
            (std::vector<K>{K::Nat, K::Nat, K::Float}));
}

TEST(Lexer, ParenthesesAndCommentsDelimit) {
  EXPECT_EQ(texts("(func(nop))"),
            (std::vector<std::string>{"(", "func", "(", "nop", ")", ")"}));
  EXPECT_EQ(texts("(data(i32.const 0)\"a\")"),
            (std::vector<std::string>{"(", "data", "(", "i32.const", "0", ")",
                                      "\"a\"", ")"}));
  EXPECT_EQ(texts("nop;;bla\n$f;;x"), (std::vector<std::string>{"nop", "$f"}));
  EXPECT_EQ(texts("a(;c;)b"), (std::vector<std::string>{"a", "b"}));
}

TEST(Lexer, Comments) {
  EXPECT_EQ(kinds(";;comment\n;;;;;\n(;;)(;comment;)(;;;comment;)"),
            std::vector<K>{});
  EXPECT_EQ(kinds("(;(((((( ;)(;)))));)(;comment\";)"), std::vector<K>{});
  EXPECT_EQ(kinds("(;a(;nested(;deeper;);)b;) x"),
            (std::vector<K>{K::Keyword}));
  EXPECT_EQ(kinds(std::string("(; \x01\x1f\t\x7f ;) (;\0;)", 16)),
            std::vector<K>{});
  EXPECT_EQ(kinds("(;Hei\xc3\x9f W\xc3\xbcrstchen;)"), std::vector<K>{});
  EXPECT_EQ(kinds(";; line\r(func)"),
            (std::vector<K>{K::LParen, K::Keyword, K::RParen}));
  EXPECT_EQ(error_of("(; (; ;)"), "unclosed comment");
  EXPECT_EQ(error_of(";; \x80"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(; \xff ;)"), "malformed UTF-8 encoding");
}

TEST(Lexer, LineNumbers) {
  auto toks = tokenize("(a\n  b\r\n c\r(;\n;)d");
  ASSERT_TRUE(toks.ok());
  ASSERT_EQ(toks->size(), 5u);
  EXPECT_EQ((*toks)[1].line, 1u);
  EXPECT_EQ((*toks)[2].line, 2u);
  EXPECT_EQ((*toks)[2].column, 3u);
  EXPECT_EQ((*toks)[3].line, 3u);
  EXPECT_EQ((*toks)[4].line, 5u);
  EXPECT_EQ((*toks)[4].offset, 16u);
}

TEST(Lexer, Annotations) {
  EXPECT_EQ(kinds("(@a) (@0) (@aas-3!@$d-@#4) (@@) (@\"a\") x"),
            (std::vector<K>{K::Keyword}));
  EXPECT_EQ(kinds("(module (@a x-y$yz\"aa\"-2) (@a , ; ] [ }} }x{ ({) ,{{};}] "
                  ";) (@a (bla) () \")\" \"(\" x\")\"y) (@a @ (@) (@ x) "
                  "(@(@(@(@))))) (@a (;bla;) (; ) ;)\n ;; bla)\n ;; bla (@x\n "
                  "))"),
            (std::vector<K>{K::LParen, K::Keyword, K::RParen}));
  EXPECT_EQ(kinds("((@a) module (@a) $m)"),
            (std::vector<K>{K::LParen, K::Keyword, K::Id, K::RParen}));
  EXPECT_EQ(kinds("(@a \t\n\r)"), std::vector<K>{});
  EXPECT_EQ(error_of("(@a \x01)"), "illegal character");
  EXPECT_EQ(error_of("(@a \x7f)"), "illegal character");
  EXPECT_EQ(error_of("(@a \x80)"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(@a Hei\xc3\x9f)"), "illegal character");
  EXPECT_EQ(error_of("(@)"), "empty annotation id");
  EXPECT_EQ(error_of("(@ x)"), "empty annotation id");
  EXPECT_EQ(error_of("(@\"\")"), "empty annotation id");
  EXPECT_EQ(error_of("(@\"\n\")"), "empty annotation id");
  EXPECT_EQ(error_of("(@\"\\ef\")"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(@x "), "unclosed annotation");
  EXPECT_EQ(error_of("(@x (@y )"), "unclosed annotation");
  EXPECT_EQ(error_of("(@x \""), "unclosed string");
  EXPECT_EQ(error_of("(@x \")"), "unclosed string");
  // `( @a)` is no annotation: `(` then the reserved token `@a`.
  EXPECT_EQ(kinds("( @a)"),
            (std::vector<K>{K::LParen, K::Reserved, K::RParen}));
  EXPECT_EQ(texts("(@x))"), (std::vector<std::string>{")"}));
}

TEST(Lexer, Identifiers) {
  EXPECT_EQ(kinds("$fg $03 $!?@#a$%^&*b-+_.:9'`|/\\<=>~ $\" random \\t \""),
            std::vector<K>(4, K::Id));
  EXPECT_EQ(decode_id("$\"\\41B\""), "AB");
  EXPECT_EQ(decode_id("$\"\\u{41}\\u{42}\""), "AB");
  EXPECT_EQ(decode_id("$abc"), "abc");
  EXPECT_EQ(error_of("(func $)"), "empty identifier");
  EXPECT_EQ(error_of("(func $\"\")"), "empty identifier");
  EXPECT_EQ(error_of("(func $ \"a\")"), "empty identifier");
  EXPECT_EQ(error_of("(func $\"a\nb\")"), "empty identifier");
  EXPECT_EQ(error_of("(func $\"a\tb\")"), "empty identifier");
  EXPECT_EQ(error_of("(func $\"\\ef\")"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(func $(@a))"), "empty identifier");
}

TEST(Lexer, Strings) {
  EXPECT_EQ(decode_string("\"a\\t\\n\\r\\\"\\'\\\\\\00\\ff\""),
            std::string("a\t\n\r\"'\\\0\xff", 9));
  EXPECT_EQ(decode_string("\"\\u{f61a}\\u{10FFFF}\\u{0_0_41}\""),
            "\xef\x98\x9a\xf4\x8f\xbf\xbf"
            "A");
  EXPECT_EQ(decode_string("\"Hei\xc3\x9f\""), "Hei\xc3\x9f");
  EXPECT_EQ(decode_string("\"\\x\""), std::nullopt);
  EXPECT_EQ(kinds("\"\xf0\x9f\x98\x80\""), (std::vector<K>{K::String}));
  EXPECT_EQ(error_of("\"abc"), "unclosed string");
  EXPECT_EQ(error_of("\"ab\nc\""), "unclosed string");
  EXPECT_EQ(error_of("\"\\q\""), "illegal escape");
  EXPECT_EQ(error_of("\"\\u{d800}\""), "illegal escape");
  EXPECT_EQ(error_of("\"\\u{110000}\""), "illegal escape");
  EXPECT_EQ(error_of("\"\\u{}\""), "illegal escape");
  EXPECT_EQ(error_of("\"\\4\""), "illegal escape");
  EXPECT_EQ(error_of("\"\x80\""), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("\"\xc0\x80\""), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("\"\xed\xa0\x80\""), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("\"\x7f\""), "illegal character in string");
  EXPECT_EQ(error_of("\"a\tb\""), "illegal character in string");
}

TEST(Lexer, IllegalCharacters) {
  EXPECT_EQ(error_of("(module \x01)"), "illegal character");
  EXPECT_EQ(error_of("(module \xc3\x9f)"), "illegal character");
  EXPECT_EQ(error_of("(module \xc3)"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("\x0b"), "illegal character");
  auto err = tokenize("(a\n b\n  \x01)");
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().line, 3u);
  EXPECT_EQ(err.error().offset, 8u);
}

TEST(Lexer, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("abc\xc3\x9f\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xc2"));
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xfe"));
}

TEST(Lexer, EofToken) {
  Lexer lexer("  x ");
  auto t1 = lexer.next();
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(t1->kind, K::Keyword);
  EXPECT_EQ(lexer.position(), 3u);
  auto t2 = lexer.next();
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(t2->kind, K::Eof);
  auto t3 = lexer.next();
  ASSERT_TRUE(t3.ok());
  EXPECT_EQ(t3->kind, K::Eof);
}

}  // namespace
}  // namespace heron::text
