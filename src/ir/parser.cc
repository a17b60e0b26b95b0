// Parser of the textual IR: a small tokenizer and a recursive-descent parser
// over it. Values and blocks keep the numbers written in the text (holes are
// left unattached), so printing a parsed function reproduces its text.
#include "ir/parser.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace heron::ir {
namespace {

enum class Tok { End, Ident, Number, Percent, At, Punct };

struct Token {
  Tok kind = Tok::End;
  std::string_view text;
  uint32_t line = 1;
};

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '$';
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  uint32_t line = 1;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == ';') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '>') {
      out.push_back({Tok::Punct, s.substr(i, 2), line});
      i += 2;
    } else if ((c >= '0' && c <= '9') || (c == '-' && i + 1 < s.size() &&
                                          s[i + 1] >= '0' && s[i + 1] <= '9')) {
      size_t j = i + 1;
      while (j < s.size() && ident_char(s[j])) ++j;
      out.push_back({Tok::Number, s.substr(i, j - i), line});
      i = j;
    } else if (c == '%' || c == '@') {
      size_t j = i + 1;
      while (j < s.size() && ident_char(s[j])) ++j;
      out.push_back({c == '%' ? Tok::Percent : Tok::At,
                     s.substr(i + 1, j - i - 1), line});
      i = j;
    } else if (ident_char(c)) {
      size_t j = i;
      while (j < s.size() && ident_char(s[j])) ++j;
      out.push_back({Tok::Ident, s.substr(i, j - i), line});
      i = j;
    } else {
      out.push_back({Tok::Punct, s.substr(i, 1), line});
      ++i;
    }
  }
  out.push_back({Tok::End, "", line});
  return out;
}

// Parses "123", "-5", "0x1f" into 64 bits (two's complement for negatives).
std::optional<uint64_t> parse_u64(std::string_view s) {
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return neg ? (~v + 1) : v;
}

// Entity numbers above this are rejected: the parser allocates every number
// up to the largest one written, so a typo must not allocate gigabytes.
constexpr uint32_t kMaxEntityNumber = 1u << 20;

// "v12" -> 12 for the given prefix.
std::optional<uint32_t> entity_number(std::string_view s,
                                      std::string_view prefix) {
  if (s.size() <= prefix.size() || s.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  s.remove_prefix(prefix.size());
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > kMaxEntityNumber) {
    return std::nullopt;
  }
  return v;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : toks_(tokenize(text)) {}
  Result<Function> run();

 private:
  const Token& peek(size_t k = 0) const {
    return toks_[std::min(pos_ + k, toks_.size() - 1)];
  }
  Token next() {
    Token t = peek();
    if (pos_ < toks_.size() - 1) ++pos_;
    return t;
  }
  bool is_punct(std::string_view p, size_t k = 0) const {
    return peek(k).kind == Tok::Punct && peek(k).text == p;
  }
  bool accept(std::string_view p) {
    if (!is_punct(p)) return false;
    next();
    return true;
  }
  Error err(const std::string& msg) const {
    const Token& t = peek();
    Error e(ErrorKind::Malformed,
            fmt::format("line {}: {} (at `{}`)", t.line, msg,
                        t.kind == Tok::End ? "end of input" : t.text));
    e.line = t.line;
    return e;
  }
  // For errors found after the instruction was read.
  Error err_at(uint32_t line, const std::string& msg) const {
    Error e(ErrorKind::Malformed, fmt::format("line {}: {}", line, msg));
    e.line = line;
    return e;
  }
  Result<void> expect(std::string_view p) {
    if (!accept(p)) return err(fmt::format("expected `{}`", p));
    return {};
  }
  Result<Type> type();
  Result<Signature> signature();
  Result<Value> value();
  Result<Block> block_ref();
  Result<uint64_t> number();
  Result<void> block_call(std::vector<Block>& targets,
                          std::vector<std::vector<Value>>& args);
  Result<void> value_list_parens(std::vector<Value>& out);
  Result<int64_t> offset();
  Result<void> instruction(Block b);

  std::vector<Token> toks_;
  size_t pos_ = 0;
  Function f_;
};

Result<Type> Parser::type() {
  if (peek().kind == Tok::Ident) {
    if (auto t = parse_type(peek().text)) {
      next();
      return *t;
    }
  }
  return err("expected a type");
}

Result<Signature> Parser::signature() {
  Signature sig;
  if (auto r = expect("("); !r) return r.error();
  if (!is_punct(")")) {
    do {
      auto t = type();
      if (!t) return t.error();
      AbiParam p{*t, ParamPurpose::Normal};
      if (peek().kind == Tok::Ident && peek().text == "vmctx") {
        next();
        p.purpose = ParamPurpose::VMContext;
      }
      sig.params.push_back(p);
    } while (accept(","));
  }
  if (auto r = expect(")"); !r) return r.error();
  if (accept("->")) {
    do {
      auto t = type();
      if (!t) return t.error();
      sig.results.push_back(*t);
    } while (accept(","));
  }
  return sig;
}

Result<Value> Parser::value() {
  if (peek().kind == Tok::Ident) {
    if (auto n = entity_number(peek().text, "v")) {
      next();
      return f_.reserve_value(*n);
    }
  }
  return err("expected a value");
}

Result<Block> Parser::block_ref() {
  if (peek().kind == Tok::Ident) {
    if (auto n = entity_number(peek().text, "block")) {
      next();
      while (f_.num_blocks() <= *n) f_.create_block();
      return Block(*n);
    }
  }
  return err("expected a block");
}

Result<uint64_t> Parser::number() {
  if (peek().kind == Tok::Number) {
    if (auto v = parse_u64(peek().text)) {
      next();
      return *v;
    }
  }
  return err("expected a number");
}

Result<void> Parser::value_list_parens(std::vector<Value>& out) {
  if (auto r = expect("("); !r) return r;
  if (!is_punct(")")) {
    do {
      auto v = value();
      if (!v) return v.error();
      out.push_back(*v);
    } while (accept(","));
  }
  return expect(")");
}

Result<void> Parser::block_call(std::vector<Block>& targets,
                                std::vector<std::vector<Value>>& args) {
  auto b = block_ref();
  if (!b) return b.error();
  targets.push_back(*b);
  args.emplace_back();
  if (is_punct("(")) return value_list_parens(args.back());
  return {};
}

Result<int64_t> Parser::offset() {
  if (accept("+")) {
    auto n = number();
    if (!n) return n.error();
    return static_cast<int64_t>(*n);
  }
  if (peek().kind == Tok::Number && peek().text[0] == '-') {
    auto n = number();
    if (!n) return n.error();
    return static_cast<int64_t>(*n);
  }
  return int64_t{0};
}

Result<void> Parser::instruction(Block b) {
  InstData d;
  const uint32_t line = peek().line;
  if (peek().kind == Tok::At) {
    auto loc = parse_u64(std::string("0x") + std::string(next().text));
    if (!loc || *loc > UINT32_MAX) return err("bad source location");
    d.srcloc = static_cast<uint32_t>(*loc);
  }
  std::vector<Value> results;
  if (peek().kind == Tok::Ident && entity_number(peek().text, "v")) {
    do {
      auto v = value();
      if (!v) return v.error();
      results.push_back(*v);
    } while (accept(","));
    if (auto r = expect("="); !r) return r;
  }
  if (peek().kind != Tok::Ident) return err("expected an opcode");
  std::string_view name = peek().text;
  std::string_view suffix;
  if (auto dot = name.rfind('.'); dot != std::string_view::npos) {
    suffix = name.substr(dot + 1);
    name = name.substr(0, dot);
  }
  auto op = parse_opcode(name);
  if (!op) return err("unknown opcode");
  d.opcode = *op;
  if (!suffix.empty()) {
    auto t = parse_type(suffix);
    if (!t) return err("unknown type suffix");
    d.type = *t;
  } else if (d.opcode == Opcode::F32const) {
    d.type = Type::F32;
  } else if (d.opcode == Opcode::F64const) {
    d.type = Type::F64;
  }
  next();

  std::vector<Value> args;
  std::vector<Block> targets;
  std::vector<std::vector<Value>> targs;
  auto vals = [&](size_t n) -> Result<void> {
    for (size_t k = 0; k < n; ++k) {
      if (k) {
        if (auto r = expect(","); !r) return r;
      }
      auto v = value();
      if (!v) return v.error();
      args.push_back(*v);
    }
    return {};
  };
  auto memory = [&]() -> Result<void> {
    if (peek().kind == Tok::Ident) {
      if (auto n = entity_number(peek().text, "mem")) {
        next();
        d.aux = *n;
        return {};
      }
    }
    return err("expected a memory (memN)");
  };
  auto sigref = [&]() -> Result<void> {
    if (peek().kind == Tok::Ident) {
      if (auto n = entity_number(peek().text, "sig")) {
        next();
        d.aux = *n;
        return {};
      }
    }
    return err("expected a signature (sigN)");
  };
  auto ident = [&]() -> std::string_view {
    return peek().kind == Tok::Ident ? peek().text : std::string_view();
  };
  Result<void> r;
  switch (opcode_format(d.opcode)) {
    case InstFormat::UnaryImm: {
      auto n = number();
      if (!n) return n.error();
      d.imm = *n;
      if (d.type == Type::I32 || d.type == Type::F32) d.imm &= 0xffffffffu;
      break;
    }
    case InstFormat::Unary:
      r = vals(1);
      break;
    case InstFormat::Binary:
      r = vals(2);
      break;
    case InstFormat::Ternary:
      r = vals(3);
      break;
    case InstFormat::IntCompare: {
      auto cc = parse_intcc(ident());
      if (!cc) return err("expected an integer condition code");
      next();
      d.code = static_cast<uint8_t>(*cc);
      r = vals(2);
      break;
    }
    case InstFormat::FloatCompare: {
      auto cc = parse_floatcc(ident());
      if (!cc) return err("expected a float condition code");
      next();
      d.code = static_cast<uint8_t>(*cc);
      r = vals(2);
      break;
    }
    case InstFormat::Load:
    case InstFormat::Store: {
      r = vals(opcode_format(d.opcode) == InstFormat::Load ? 1 : 2);
      if (!r) return r;
      auto off = offset();
      if (!off) return off.error();
      if (*off < INT32_MIN || *off > INT32_MAX) return err("offset too large");
      d.imm = static_cast<uint64_t>(*off);
      break;
    }
    case InstFormat::HeapLoad:
    case InstFormat::HeapStore: {
      if (auto a = parse_mem_access(ident())) {
        next();
        d.code = static_cast<uint8_t>(*a);
      }
      if (r = memory(); !r) return r;
      r = vals(opcode_format(d.opcode) == InstFormat::HeapLoad ? 2 : 3);
      if (!r) return r;
      auto off = offset();
      if (!off) return off.error();
      d.imm = static_cast<uint64_t>(*off);
      break;
    }
    case InstFormat::BoundsCheck: {
      if (r = memory(); !r) return r;
      if (r = vals(2); !r) return r;
      if (r = expect(","); !r) return r;
      auto n = number();
      if (!n) return n.error();
      d.imm = *n;
      break;
    }
    case InstFormat::Jump:
      r = block_call(targets, targs);
      break;
    case InstFormat::Brif:
      if (r = vals(1); !r) return r;
      for (int k = 0; k < 2; ++k) {
        if (r = expect(","); !r) return r;
        if (r = block_call(targets, targs); !r) return r;
      }
      break;
    case InstFormat::BrTable:
      if (r = vals(1); !r) return r;
      if (r = expect(","); !r) return r;
      if (r = block_call(targets, targs); !r) return r;
      if (r = expect(","); !r) return r;
      if (r = expect("["); !r) return r;
      if (!is_punct("]")) {
        do {
          if (r = block_call(targets, targs); !r) return r;
        } while (accept(","));
      }
      r = expect("]");
      break;
    case InstFormat::MultiAry:
      if (peek().kind == Tok::Ident && entity_number(peek().text, "v")) {
        do {
          auto v = value();
          if (!v) return v.error();
          args.push_back(*v);
        } while (accept(","));
      }
      break;
    case InstFormat::Trap:
    case InstFormat::CondTrap: {
      if (opcode_format(d.opcode) == InstFormat::CondTrap) {
        if (r = vals(1); !r) return r;
        if (r = expect(","); !r) return r;
      }
      auto code = parse_trap_code(ident());
      if (!code) return err("expected a trap code");
      next();
      d.code = static_cast<uint8_t>(*code);
      break;
    }
    case InstFormat::Call: {
      auto fn = entity_number(ident(), "fn");
      if (!fn) return err("expected a function (fnN)");
      next();
      d.imm = *fn;
      if (r = sigref(); !r) return r;
      r = value_list_parens(args);
      break;
    }
    case InstFormat::CallIndirect:
      if (r = sigref(); !r) return r;
      if (r = vals(1); !r) return r;
      r = value_list_parens(args);
      break;
    case InstFormat::LibCallFormat: {
      auto id = parse_libcall(ident());
      if (!id) return err("expected a library call name");
      next();
      d.code = static_cast<uint8_t>(*id);
      if (r = sigref(); !r) return r;
      r = value_list_parens(args);
      break;
    }
  }
  if (!r) return r;
  Inst i = f_.create_inst(d, args, targets, targs);
  auto expected = f_.expected_result_types(i);
  if (expected.size() != results.size()) {
    return err_at(line, fmt::format("`{}` defines {} results, {} written",
                                    opcode_name(d.opcode), expected.size(),
                                    results.size()));
  }
  for (size_t k = 0; k < results.size(); ++k) {
    if (f_.value(results[k]).def != ValueDef::None) {
      return err_at(line, fmt::format("v{} defined twice", results[k].index));
    }
    f_.attach_result(i, results[k], expected[k]);
  }
  f_.append_inst(b, i);
  return {};
}

Result<Function> Parser::run() {
  if (peek().kind != Tok::Ident || peek().text != "function") {
    return err("expected `function`");
  }
  next();
  if (peek().kind != Tok::Percent) return err("expected a %name");
  f_.name = std::string(next().text);
  auto sig = signature();
  if (!sig) return sig.error();
  f_.signature = std::move(*sig);
  if (auto r = expect("{"); !r) return r.error();
  // Callee signatures must come in order: sig0, sig1, ...
  while (peek().kind == Tok::Ident && entity_number(peek().text, "sig")) {
    if (*entity_number(peek().text, "sig") != f_.num_signatures()) {
      return err("signatures must be declared in order");
    }
    next();
    if (auto r = expect("="); !r) return r.error();
    auto s = signature();
    if (!s) return s.error();
    f_.add_signature(std::move(*s));
  }
  Block cur;
  while (!is_punct("}")) {
    if (peek().kind == Tok::End) return err("expected `}`");
    // A block header is `blockN` followed by `(` or `:`.
    if (peek().kind == Tok::Ident && entity_number(peek().text, "block") &&
        (is_punct(":", 1) || is_punct("(", 1))) {
      auto b = block_ref();
      if (!b) return b.error();
      if (f_.is_block_inserted(*b)) return err("block defined twice");
      if (accept("(")) {
        do {
          auto v = value();
          if (!v) return v.error();
          if (auto r = expect(":"); !r) return r.error();
          auto t = type();
          if (!t) return t.error();
          if (f_.value(*v).def != ValueDef::None) {
            return err(fmt::format("v{} defined twice", v->index));
          }
          f_.attach_block_param(*b, *v, *t);
        } while (accept(","));
        if (auto r = expect(")"); !r) return r.error();
      }
      if (auto r = expect(":"); !r) return r.error();
      f_.append_block(*b);
      cur = *b;
      continue;
    }
    if (!cur.valid()) return err("instruction outside a block");
    if (auto r = instruction(cur); !r) return r.error();
  }
  next();
  if (peek().kind != Tok::End) return err("text after the function");
  return std::move(f_);
}

}  // namespace

Result<Function> parse_function(std::string_view text) {
  return Parser(text).run();
}

}  // namespace heron::ir
