// The text-format lexer: splits source into tokens by the spec's longest-match
// rule, skips white space, comments and annotations (recording the latter
// for the WAT parser when asked), and decodes string and identifier
// literals. Error wording follows the spec testsuite (token.wast,
// comments.wast, annotations.wast, id.wast).
#include "text/lexer.h"

namespace heron::text {
namespace {

bool is_idchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z'))
    return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '/':
    case ':':
    case '<':
    case '=':
    case '>':
    case '?':
    case '@':
    case '\\':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_hex_digit(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Length of the well-formed UTF-8 sequence at s[i] (which is >= 0x80), or 0.
// Rejects overlong forms, surrogates and code points above U+10FFFF.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0x100;
  };
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    unsigned b = byte(k);
    return b >= lo && b <= hi;
  };
  unsigned b0 = byte(i);
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b0 == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
  if (b0 == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
  if (b0 >= 0xE1 && b0 <= 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (b0 == 0xF0)
    return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3)
    return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (b0 == 0xF4)
    return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Parses `\u{hexnum}` whose '{' is at s[i]: the code point and the offset
// past '}', or nullopt (bad digits, surrogate, above U+10FFFF).
std::optional<std::pair<uint32_t, size_t>> unicode_escape(std::string_view s,
                                                          size_t i) {
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  size_t j = i + 1;
  uint32_t cp = 0;
  bool any = false;
  while (j < s.size() && s[j] != '}') {
    unsigned char c = static_cast<unsigned char>(s[j]);
    if (c == '_' && any && j + 1 < s.size() &&
        is_hex_digit(static_cast<unsigned char>(s[j + 1]))) {
      ++j;
      continue;
    }
    if (!is_hex_digit(c)) return std::nullopt;
    cp = cp * 16 + static_cast<uint32_t>(hex_value(c));
    if (cp > 0x10FFFF) return std::nullopt;
    any = true;
    ++j;
  }
  if (!any || j >= s.size()) return std::nullopt;
  if (cp >= 0xD800 && cp < 0xE000) return std::nullopt;
  return std::make_pair(cp, j + 1);
}

bool is_single_reserved(unsigned char c) {
  return c == ',' || c == ';' || c == '[' || c == ']' || c == '{' || c == '}';
}

}  // namespace

const char* token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::LParen:
      return "'('";
    case TokenKind::RParen:
      return "')'";
    case TokenKind::Keyword:
      return "keyword";
    case TokenKind::Id:
      return "identifier";
    case TokenKind::Nat:
      return "natural number";
    case TokenKind::Int:
      return "integer";
    case TokenKind::Float:
      return "float";
    case TokenKind::String:
      return "string";
    case TokenKind::Reserved:
      return "reserved token";
    case TokenKind::Annotation:
      return "annotation";
    case TokenKind::Eof:
      return "end of input";
  }
  return "token";
}

bool is_valid_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = utf8_sequence(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Lexer::Lexer(std::string_view source) : src_(source) {}

Error Lexer::error_at(size_t pos, const char* message) const {
  Error e(ErrorKind::Malformed, message, pos);
  e.line = line_;
  // A position on a later line than line_ can only come from a scan that
  // has not yet counted its newlines; count them for an accurate line.
  for (size_t i = line_start_; i < pos && i < src_.size(); ++i) {
    if (src_[i] == '\n' ||
        (src_[i] == '\r' && (i + 1 >= src_.size() || src_[i + 1] != '\n')))
      ++e.line;
  }
  return e;
}

void Lexer::newline_at(size_t next_line_start) {
  ++line_;
  line_start_ = next_line_start;
}

Result<size_t> Lexer::scan_string(size_t start) const {
  size_t i = start + 1;
  while (true) {
    if (i >= src_.size()) return error_at(start, "unclosed string");
    unsigned char c = static_cast<unsigned char>(src_[i]);
    if (c == '"') return i + 1;
    if (c == '\n' || c == '\r') return error_at(start, "unclosed string");
    if (c < 0x20 || c == 0x7F)
      return error_at(i, "illegal character in string");
    if (c >= 0x80) {
      size_t n = utf8_sequence(src_, i);
      if (n == 0) return error_at(i, "malformed UTF-8 encoding");
      i += n;
      continue;
    }
    if (c != '\\') {
      ++i;
      continue;
    }
    if (i + 1 >= src_.size()) return error_at(start, "unclosed string");
    unsigned char e = static_cast<unsigned char>(src_[i + 1]);
    switch (e) {
      case 'n':
      case 'r':
      case 't':
      case '\\':
      case '\'':
      case '"':
        i += 2;
        continue;
      case 'u': {
        auto u = unicode_escape(src_, i + 2);
        if (!u) return error_at(i, "illegal escape");
        i = u->second;
        continue;
      }
      default:
        if (is_hex_digit(e) && i + 2 < src_.size() &&
            is_hex_digit(static_cast<unsigned char>(src_[i + 2]))) {
          i += 3;
          continue;
        }
        return error_at(i, "illegal escape");
    }
  }
}

Result<bool> Lexer::skip_space() {
  while (pos_ < src_.size()) {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    char next = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    if (c == ' ' || c == '\t') {
      ++pos_;
    } else if (c == '\n') {
      newline_at(++pos_);
    } else if (c == '\r') {
      pos_ += next == '\n' ? 2 : 1;
      newline_at(pos_);
    } else if (c == ';' && next == ';') {
      pos_ += 2;
      while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') {
        if (static_cast<unsigned char>(src_[pos_]) >= 0x80) {
          size_t n = utf8_sequence(src_, pos_);
          if (n == 0) return error_at(pos_, "malformed UTF-8 encoding");
          pos_ += n;
        } else {
          ++pos_;
        }
      }
    } else if (c == '(' && next == ';') {
      const size_t start = pos_;
      const uint32_t start_line = line_;
      pos_ += 2;
      int depth = 1;
      while (depth > 0) {
        if (pos_ >= src_.size()) {
          Error e = error_at(start, "unclosed comment");
          e.line = start_line;
          return e;
        }
        unsigned char b = static_cast<unsigned char>(src_[pos_]);
        char b1 = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
        if (b == '(' && b1 == ';') {
          ++depth;
          pos_ += 2;
        } else if (b == ';' && b1 == ')') {
          --depth;
          pos_ += 2;
        } else if (b == '\n') {
          newline_at(++pos_);
        } else if (b == '\r') {
          pos_ += b1 == '\n' ? 2 : 1;
          newline_at(pos_);
        } else if (b >= 0x80) {
          size_t n = utf8_sequence(src_, pos_);
          if (n == 0) return error_at(pos_, "malformed UTF-8 encoding");
          pos_ += n;
        } else {
          ++pos_;
        }
      }
    } else {
      return true;
    }
  }
  return false;
}

Result<Token> Lexer::raw_token() {
  Token tok;
  tok.line = line_;
  tok.column = static_cast<uint32_t>(pos_ - line_start_ + 1);
  tok.offset = static_cast<uint32_t>(pos_);
  const size_t start = pos_;
  unsigned char c = static_cast<unsigned char>(src_[pos_]);
  if (c == '(' || c == ')') {
    tok.kind = c == '(' ? TokenKind::LParen : TokenKind::RParen;
    tok.text = src_.substr(pos_++, 1);
    return tok;
  }
  if (is_single_reserved(c)) {
    tok.kind = TokenKind::Reserved;
    tok.text = src_.substr(pos_++, 1);
    return tok;
  }
  if (!is_idchar(c) && c != '"') {
    if (c >= 0x80 && utf8_sequence(src_, pos_) == 0)
      return error_at(pos_, "malformed UTF-8 encoding");
    return error_at(pos_, "illegal character");
  }
  // The maximal run of idchars and strings. A string that does not close
  // ends the run before its quote (longest match); alone it is the error.
  size_t end = pos_;
  size_t strings = 0;
  while (end < src_.size()) {
    unsigned char b = static_cast<unsigned char>(src_[end]);
    if (is_idchar(b)) {
      ++end;
    } else if (b == '"') {
      auto s = scan_string(end);
      if (!s.ok()) {
        if (end == start) return std::move(s).error();
        break;
      }
      end = *s;
      ++strings;
    } else {
      break;
    }
  }
  std::string_view text = src_.substr(start, end - start);
  tok.text = text;
  pos_ = end;

  if (text[0] == '$') {
    if (text.size() == 1) return error_at(start, "empty identifier");
    if (text[1] == '"') {
      auto s = scan_string(start + 1);
      if (strings == 1 && s.ok() && *s == end) {
        auto name = decode_string(text.substr(1));
        if (!name || name->empty()) return error_at(start, "empty identifier");
        if (!is_valid_utf8(*name))
          return error_at(start, "malformed UTF-8 encoding");
        tok.kind = TokenKind::Id;
        return tok;
      }
      tok.kind = TokenKind::Reserved;
      return tok;
    }
    tok.kind = strings == 0 ? TokenKind::Id : TokenKind::Reserved;
    return tok;
  }
  if (text[0] == '"') {
    tok.kind = strings == 1 && scan_string(start).value() == end
                   ? TokenKind::String
                   : TokenKind::Reserved;
    return tok;
  }
  if (strings > 0) {
    tok.kind = TokenKind::Reserved;
    return tok;
  }
  if (auto num = classify_number(text)) {
    tok.kind = *num;
    return tok;
  }
  tok.kind = (c >= 'a' && c <= 'z') ? TokenKind::Keyword : TokenKind::Reserved;
  return tok;
}

Result<void> Lexer::skip_annotation(Annotation* out) {
  const size_t start = pos_;
  const uint32_t start_line = line_;
  Token open;
  open.kind = TokenKind::Annotation;
  open.line = line_;
  open.column = static_cast<uint32_t>(pos_ - line_start_ + 1);
  open.offset = static_cast<uint32_t>(pos_);
  pos_ += 2;  // "(@"
  size_t id_end = pos_;
  while (id_end < src_.size() &&
         is_idchar(static_cast<unsigned char>(src_[id_end])))
    ++id_end;
  std::string id;
  if (id_end == pos_) {
    if (pos_ >= src_.size() || src_[pos_] != '"')
      return error_at(start, "empty annotation id");
    auto s = scan_string(pos_);
    if (!s.ok()) return error_at(start, "empty annotation id");
    auto name = decode_string(src_.substr(pos_, *s - pos_));
    if (!name || name->empty()) return error_at(start, "empty annotation id");
    if (!is_valid_utf8(*name))
      return error_at(start, "malformed UTF-8 encoding");
    id = std::move(*name);
    id_end = *s;
  } else {
    id = std::string(src_.substr(pos_, id_end - pos_));
  }
  pos_ = id_end;
  open.text = src_.substr(start, id_end - start);
  if (out) {
    out->id = std::move(id);
    out->open = open;
  }
  int depth = 1;
  while (depth > 0) {
    auto more = skip_space();
    if (!more.ok()) return std::move(more).error();
    if (!*more) {
      Error e = error_at(start, "unclosed annotation");
      e.line = start_line;
      return e;
    }
    auto tok = raw_token();
    if (!tok.ok()) return std::move(tok).error();
    if (tok->kind == TokenKind::LParen) ++depth;
    if (tok->kind == TokenKind::RParen && --depth == 0) {
      if (out) out->close = *tok;
      break;
    }
    if (!out) continue;
    // A nested annotation: `(` glued to `@id` is one Annotation token for
    // the consumers (they treat it as an item that is neither a string nor
    // a parenthesized group).
    if (tok->kind == TokenKind::LParen && pos_ < src_.size() &&
        src_[pos_] == '@') {
      auto at = raw_token();
      if (!at.ok()) return std::move(at).error();
      if (at->text.size() > 1) {
        tok->kind = TokenKind::Annotation;
        tok->text = src_.substr(tok->offset, pos_ - tok->offset);
      } else {
        out->items.push_back(*tok);
        tok = std::move(at);
      }
    }
    out->items.push_back(*tok);
  }
  return {};
}

Result<Token> Lexer::next(std::vector<Annotation>* annotations) {
  while (true) {
    auto more = skip_space();
    if (!more.ok()) return std::move(more).error();
    if (!*more) {
      Token eof;
      eof.kind = TokenKind::Eof;
      eof.text = src_.substr(src_.size());
      eof.line = line_;
      eof.column = static_cast<uint32_t>(pos_ - line_start_ + 1);
      eof.offset = static_cast<uint32_t>(pos_);
      return eof;
    }
    if (src_[pos_] == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '@') {
      Annotation annotation;
      auto skipped = skip_annotation(annotations ? &annotation : nullptr);
      if (!skipped.ok()) return std::move(skipped).error();
      if (annotations) annotations->push_back(std::move(annotation));
      continue;
    }
    return raw_token();
  }
}

Result<std::vector<Token>> tokenize(std::string_view source,
                                    std::vector<Annotation>* annotations) {
  Lexer lexer(source);
  std::vector<Token> tokens;
  while (true) {
    size_t known = annotations ? annotations->size() : 0;
    auto tok = lexer.next(annotations);
    if (!tok.ok()) return std::move(tok).error();
    if (annotations) {
      for (size_t i = known; i < annotations->size(); ++i)
        (*annotations)[i].before = tokens.size();
    }
    if (tok->kind == TokenKind::Eof) return tokens;
    tokens.push_back(*tok);
  }
}

std::optional<std::string> decode_string(std::string_view t) {
  if (t.size() < 2 || t.front() != '"' || t.back() != '"') return std::nullopt;
  std::string out;
  out.reserve(t.size() - 2);
  const size_t end = t.size() - 1;
  for (size_t i = 1; i < end;) {
    unsigned char c = static_cast<unsigned char>(t[i]);
    if (c == '"') return std::nullopt;
    if (c != '\\') {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (i + 1 >= end) return std::nullopt;
    unsigned char e = static_cast<unsigned char>(t[i + 1]);
    switch (e) {
      case 'n':
        out += '\n';
        i += 2;
        continue;
      case 'r':
        out += '\r';
        i += 2;
        continue;
      case 't':
        out += '\t';
        i += 2;
        continue;
      case '\\':
        out += '\\';
        i += 2;
        continue;
      case '\'':
        out += '\'';
        i += 2;
        continue;
      case '"':
        out += '"';
        i += 2;
        continue;
      case 'u': {
        auto u = unicode_escape(t.substr(0, end), i + 2);
        if (!u) return std::nullopt;
        append_utf8(out, u->first);
        i = u->second;
        continue;
      }
      default:
        if (i + 2 < end && is_hex_digit(e) &&
            is_hex_digit(static_cast<unsigned char>(t[i + 2]))) {
          out += static_cast<char>(
              hex_value(e) * 16 +
              hex_value(static_cast<unsigned char>(t[i + 2])));
          i += 3;
          continue;
        }
        return std::nullopt;
    }
  }
  return out;
}

std::optional<std::string> decode_id(std::string_view t) {
  if (t.size() < 2 || t[0] != '$') return std::nullopt;
  if (t[1] == '"') return decode_string(t.substr(1));
  for (size_t i = 1; i < t.size(); ++i)
    if (!is_idchar(static_cast<unsigned char>(t[i]))) return std::nullopt;
  return std::string(t.substr(1));
}

}  // namespace heron::text
