// Lexer for the WebAssembly text format (WAT and WAST). Produces tokens that
// point into the source; strings and numbers are decoded on demand by the
// literal helpers below, so the lexer itself never allocates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "heron/error.h"

namespace heron::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,   // starts with a lowercase letter: module, i32.add, offset=4,
             // nan:0x1
  Id,        // $name or $"quoted name"
  Nat,       // unsigned integer literal (decimal or hex, with underscores)
  Int,       // signed integer literal (+/- prefix)
  Float,     // float literal incl. inf, nan, nan:0x..., hex floats
  String,    // "..." with escapes (raw text including the quotes)
  Reserved,  // anything else that is a token but meaningless (an error where
             // used)
  Eof,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text;  // exact source text of the token
  uint32_t line = 1;      // 1-based
  uint32_t column = 1;    // 1-based
  uint32_t offset = 0;    // byte offset in the source
};

// Tokenizes on demand. Comments (`;;` line, `(; ;)` nested block) and
// whitespace are skipped; annotations `(@id ...)` are skipped as a balanced
// unit. Malformed input (unterminated string or block comment, bad
// characters, malformed escapes/UTF-8) yields an Error.
class Lexer {
 public:
  explicit Lexer(std::string_view source);
  Result<Token> next();
  std::string_view source() const { return src_; }

 private:
  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

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
std::optional<uint32_t> parse_f32_bits(std::string_view text);
std::optional<uint64_t> parse_f64_bits(std::string_view text);

}  // namespace heron::text
