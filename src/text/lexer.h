// Lexer for the WebAssembly text format (WAT and WAST). Produces tokens that
// point into the source; strings and numbers are decoded on demand by the
// literal helpers below, so the lexer itself never allocates.
//
// Token classes follow the spec's lexical grammar ("longest match"): a token
// is a maximal run of idchars and string literals, so `0$x`, `"a""b"`, `1.2.3`
// and `0x` are single Reserved tokens. Classification of a run:
//   - exactly `$` + idchars, or `$` + one string        -> Id
//   - exactly one string                                  -> String
//   - a number of the grammar (see classify_number)       -> Nat / Int / Float
//     (`inf`, `nan`, `nan:0x1F`, with or without sign, are Float, not Keyword)
//   - starts with a-z, otherwise idchars                  -> Keyword
//     (includes `nan:canonical`, `nan:arithmetic`, `offset=4`, `i32.add`)
//   - anything else (also a lone `,` `;` `[` `]` `{` `}`) -> Reserved
// Hints for consumers, from the testsuite's expectations: a Reserved or
// unexpected Keyword token where an instruction is expected is "unknown
// operator"; a number token (Nat/Int/Float) whose value does not fit the type
// is "constant out of range"; a non-number token where a number is expected
// is "unknown operator" (const.wast) or "unexpected token".
//
// Lexical errors (Error kind Malformed, `line` and `offset` set), worded as
// the testsuite expects: "unclosed string", "illegal escape", "illegal
// character", "malformed UTF-8 encoding", "unclosed comment", "unclosed
// annotation", "empty annotation id", "empty identifier" (`$`, `$""`),
// "malformed UTF-8 encoding" for `$"\ef"`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "heron/error.h"

namespace heron::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,     // starts with a lowercase letter: module, i32.add, offset=4
  Id,          // $name or $"quoted name"
  Nat,         // unsigned integer literal (decimal or hex, with underscores)
  Int,         // signed integer literal (+/- prefix)
  Float,       // float literal incl. inf, nan, nan:0x..., hex floats
  String,      // "..." with escapes (raw text including the quotes)
  Reserved,    // anything else that is a token but meaningless (an error where
               // used)
  Annotation,  // `(@id`: the opening of an annotation; never in the token
               // stream itself, only in Annotation records (below)
  Eof,
};

const char* token_kind_name(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text;  // exact source text of the token
  uint32_t line = 1;      // 1-based
  uint32_t column = 1;    // 1-based
  uint32_t offset = 0;    // byte offset in the source
};

// An annotation `(@id ...)` as the lexer met it, for the consumers that
// give some annotations a meaning (the WAT parser: @custom, @name,
// @metadata.code.branch_hint). Everyone else never sees annotations, so an
// annotation nobody understands stays ignored.
struct Annotation {
  std::string id;  // decoded: `(@name` and `(@"name"` both give "name"
  Token open;      // the `(@id` token (kind Annotation), for error positions
  // The content up to the closing `)`, as raw tokens. A nested annotation
  // appears as an Annotation token for its `(@id`, its content, then `)`.
  std::vector<Token> items;
  Token close;  // the closing `)`
  // Set by tokenize(): the index in the token vector of the token that
  // follows the annotation (the vector's size when none follows).
  size_t before = 0;
};

// Tokenizes on demand. Comments (`;;` line, `(; ;)` nested block) and
// whitespace are skipped; annotations `(@id ...)` are skipped as a balanced
// unit (and appended to `annotations` when given). Malformed input
// (unterminated string or block comment, bad characters, malformed
// escapes/UTF-8) yields an Error.
class Lexer {
 public:
  explicit Lexer(std::string_view source);
  Result<Token> next(std::vector<Annotation>* annotations = nullptr);
  std::string_view source() const { return src_; }
  // Byte offset just past the last token returned (for source extents).
  size_t position() const { return pos_; }

 private:
  Error error_at(size_t pos, const char* message) const;
  // Skips white space and comments (not annotations); false at end of input.
  Result<bool> skip_space();
  // Lexes one raw token at pos_ (no annotation handling); pos_ is at a
  // non-space character.
  Result<Token> raw_token();
  // pos_ is at "(@": skips the whole annotation, recording it in `out` if
  // not null.
  Result<void> skip_annotation(Annotation* out);
  // Scans a string literal starting at `start` (a '"'): the offset just past
  // its closing quote, or an Error. Does not move pos_.
  Result<size_t> scan_string(size_t start) const;
  void newline_at(size_t next_line_start);

  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

// Convenience: all tokens of `source` up to (not including) Eof; with
// `annotations`, also every top-level annotation in source order (each with
// its `before` index into the returned tokens).
Result<std::vector<Token>> tokenize(
    std::string_view source, std::vector<Annotation>* annotations = nullptr);

// Literal decoding. Each returns nullopt when the text is not a valid literal
// of that type or is out of range.
std::optional<std::string> decode_string(std::string_view token_text);  // bytes
std::optional<std::string> decode_id(
    std::string_view token_text);  // $"..." or $name, without '$'
std::optional<uint32_t> parse_u32(std::string_view text);
std::optional<uint64_t> parse_u64(std::string_view text);
// iN literals accept both signed and unsigned ranges (-2^(N-1) .. 2^N-1).
std::optional<uint32_t> parse_i32(std::string_view text);
std::optional<uint64_t> parse_i64(std::string_view text);
// Float literals (any number token: `1`, `-0x1p-1`, `1.5e3`, `inf`, `-nan`,
// `nan:0x7f`); correctly rounded (nearest-even). nullopt if the value rounds
// to infinity or a NaN payload is zero or too wide.
std::optional<uint32_t> parse_f32_bits(std::string_view text);
std::optional<uint64_t> parse_f64_bits(std::string_view text);

// iN for N in {8, 16, 32, 64} (v128 lanes): the value's N low bits.
std::optional<uint64_t> parse_int_bits(std::string_view text, unsigned bits);
// Nat, Int or Float if `text` is a number token of the grammar, else nullopt.
std::optional<TokenKind> classify_number(std::string_view text);
// True if `bytes` is well-formed UTF-8 (names must be; strings need not).
bool is_valid_utf8(std::string_view bytes);

}  // namespace heron::text
