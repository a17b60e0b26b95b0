// The WAST script parser: turns a spec-testsuite script into a list of
// commands (modules, actions, assertions) for the runner. Text modules are
// cut out of the source at the token level and handed to parse_wat_module;
// their parse failures are recorded, not fatal, because assertions judge them.
#include <cstring>
#include <utility>

#include "text/lexer.h"
#include "text/script.h"

namespace heron::text {
namespace {

bool is_module_field(std::string_view kw) {
  static constexpr const char* kFields[] = {
      "type",   "rec",    "import", "func", "table", "memory",
      "global", "export", "start",  "elem", "data",  "tag"};
  for (const char* f : kFields)
    if (kw == f) return true;
  return false;
}

std::optional<HeapKind> abstract_heap(std::string_view kw) {
  static constexpr std::pair<const char*, HeapKind> kHeaps[] = {
      {"func", HeapKind::Func},     {"nofunc", HeapKind::NoFunc},
      {"extern", HeapKind::Extern}, {"noextern", HeapKind::NoExtern},
      {"any", HeapKind::Any},       {"eq", HeapKind::Eq},
      {"i31", HeapKind::I31},       {"struct", HeapKind::Struct},
      {"array", HeapKind::Array},   {"none", HeapKind::None},
      {"exn", HeapKind::Exn},       {"noexn", HeapKind::NoExn},
  };
  for (auto& [name, kind] : kHeaps)
    if (kw == name) return kind;
  return std::nullopt;
}

class ScriptParser {
 public:
  explicit ScriptParser(std::string_view src) : src_(src), lexer_(src) {}

  Result<Script> parse();

 private:
  // Token stream with one token of lookahead.
  Result<void> advance();
  bool at(TokenKind kind) const { return tok_.kind == kind; }
  bool at_keyword(std::string_view kw) const {
    return tok_.kind == TokenKind::Keyword && tok_.text == kw;
  }
  Error error(const std::string& message) const;
  Error unexpected() const;
  Result<void> expect(TokenKind kind);
  Result<void> expect_rparen() { return expect(TokenKind::RParen); }
  Result<std::string> string_token();
  // Concatenation of zero or more string tokens.
  Result<std::string> strings();
  std::optional<std::string> optional_id();

  Result<ScriptCommand> command();
  Result<ScriptModule> module(uint32_t lparen_offset, uint32_t line);
  Result<ScriptModule> module_form();
  Result<ScriptAction> action();
  Result<ScriptAction> action_rest(uint32_t line);
  Result<ScriptValue> value(bool pattern);
  Result<ScriptValue> v128_value(bool pattern);
  Result<std::vector<ScriptValue>> result_alternatives();
  Result<ScriptCommand> inline_module();

  std::string_view src_;
  Lexer lexer_;
  Token tok_;
};

Error ScriptParser::error(const std::string& message) const {
  Error e(ErrorKind::Malformed, message, tok_.offset);
  e.line = tok_.line;
  return e;
}

Error ScriptParser::unexpected() const {
  if (at(TokenKind::Eof)) return error("unexpected end of script");
  return error("unexpected token " + std::string(tok_.text));
}

Result<void> ScriptParser::advance() {
  auto t = lexer_.next();
  if (!t.ok()) return std::move(t).error();
  tok_ = *t;
  return {};
}

Result<void> ScriptParser::expect(TokenKind kind) {
  if (!at(kind)) return unexpected();
  return advance();
}

Result<std::string> ScriptParser::string_token() {
  if (!at(TokenKind::String)) return unexpected();
  auto s = decode_string(tok_.text);
  if (!s) return error("malformed string");
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  return std::move(*s);
}

Result<std::string> ScriptParser::strings() {
  std::string out;
  while (at(TokenKind::String)) {
    auto s = string_token();
    if (!s.ok()) return std::move(s).error();
    out += *s;
  }
  return out;
}

std::optional<std::string> ScriptParser::optional_id() {
  if (!at(TokenKind::Id)) return std::nullopt;
  auto id = decode_id(tok_.text);
  return id;
}

Result<Script> ScriptParser::parse() {
  Script script;
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  // A file of bare module fields is one module (inline-module.wast).
  if (at(TokenKind::LParen)) {
    Lexer probe = lexer_;
    auto head = probe.next();
    if (head.ok() && head->kind == TokenKind::Keyword &&
        is_module_field(head->text)) {
      auto cmd = inline_module();
      if (!cmd.ok()) return std::move(cmd).error();
      script.commands.push_back(std::move(*cmd));
      return script;
    }
  }
  while (!at(TokenKind::Eof)) {
    auto cmd = command();
    if (!cmd.ok()) return std::move(cmd).error();
    script.commands.push_back(std::move(*cmd));
  }
  return script;
}

Result<ScriptCommand> ScriptParser::inline_module() {
  ScriptCommand cmd;
  cmd.kind = ScriptCommand::Kind::Module;
  cmd.line = tok_.line;
  ScriptModule mod;
  mod.form = ScriptModule::Form::Text;
  mod.line = tok_.line;
  auto bin = parse_wat_module(src_);
  if (bin.ok()) {
    mod.binary = std::move(*bin);
  } else {
    mod.text_error = std::move(bin).error();
  }
  cmd.module = std::move(mod);
  return cmd;
}

Result<ScriptModule> ScriptParser::module_form() {
  if (!at(TokenKind::LParen)) return unexpected();
  uint32_t offset = tok_.offset, line = tok_.line;
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  if (!at_keyword("module")) return unexpected();
  return module(offset, line);
}

// At the `module` keyword of a form starting at `lparen_offset`.
Result<ScriptModule> ScriptParser::module(uint32_t lparen_offset,
                                          uint32_t line) {
  ScriptModule mod;
  mod.line = line;
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  std::optional<std::pair<uint32_t, uint32_t>> definition_span;
  if (at_keyword("definition")) {
    mod.definition = true;
    definition_span = {tok_.offset, static_cast<uint32_t>(tok_.text.size())};
    if (auto r = advance(); !r.ok()) return std::move(r).error();
  }
  if (at(TokenKind::Id)) {
    mod.id = decode_id(tok_.text);
    if (auto r = advance(); !r.ok()) return std::move(r).error();
  }
  if (at_keyword("binary") || at_keyword("quote")) {
    bool binary = tok_.text == "binary";
    if (auto r = advance(); !r.ok()) return std::move(r).error();
    auto bytes = strings();
    if (!bytes.ok()) return std::move(bytes).error();
    if (binary) {
      mod.form = ScriptModule::Form::Binary;
      mod.binary.assign(bytes->begin(), bytes->end());
    } else {
      mod.form = ScriptModule::Form::Quote;
      mod.quote = std::move(*bytes);
    }
    if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
    return mod;
  }
  // Text form: find the matching ')' at the token level.
  mod.form = ScriptModule::Form::Text;
  int depth = 1;
  uint32_t end = 0;
  while (true) {
    if (at(TokenKind::Eof)) return unexpected();
    if (at(TokenKind::LParen)) ++depth;
    if (at(TokenKind::RParen) && --depth == 0) {
      end = tok_.offset + 1;
      break;
    }
    if (auto r = advance(); !r.ok()) return std::move(r).error();
  }
  std::string_view form = src_.substr(lparen_offset, end - lparen_offset);
  std::string patched;
  if (definition_span) {
    patched.assign(form);
    patched.replace(definition_span->first - lparen_offset,
                    definition_span->second,
                    std::string(definition_span->second, ' '));
    form = patched;
  }
  auto bin = parse_wat_module(form);
  if (bin.ok()) {
    mod.binary = std::move(*bin);
  } else {
    Error e = std::move(bin).error();
    if (e.line != 0) e.line += line - 1;
    if (e.has_offset()) e.offset += lparen_offset;
    mod.text_error = std::move(e);
  }
  if (auto r = advance(); !r.ok()) return std::move(r).error();  // ')'
  return mod;
}

Result<ScriptAction> ScriptParser::action() {
  uint32_t line = tok_.line;
  if (auto r = expect(TokenKind::LParen); !r.ok()) return std::move(r).error();
  return action_rest(line);
}

// At the `invoke`/`get` keyword of an action whose '(' is on `line`.
Result<ScriptAction> ScriptParser::action_rest(uint32_t line) {
  ScriptAction act;
  act.line = line;
  if (at_keyword("invoke")) {
    act.kind = ScriptAction::Kind::Invoke;
  } else if (at_keyword("get")) {
    act.kind = ScriptAction::Kind::Get;
  } else {
    return unexpected();
  }
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  act.module_id = optional_id();
  if (act.module_id)
    if (auto r = advance(); !r.ok()) return std::move(r).error();
  auto name = string_token();
  if (!name.ok()) return std::move(name).error();
  act.name = std::move(*name);
  if (act.kind == ScriptAction::Kind::Invoke) {
    while (at(TokenKind::LParen)) {
      auto v = value(false);
      if (!v.ok()) return std::move(v).error();
      act.args.push_back(std::move(*v));
    }
  }
  if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
  return act;
}

// A constant `(t.const ...)` / `(ref.* ...)`; `pattern` allows the result
// forms (nan:canonical, ref.func without index, ref.null without type, ...).
Result<ScriptValue> ScriptParser::value(bool pattern) {
  if (auto r = expect(TokenKind::LParen); !r.ok()) return std::move(r).error();
  if (!at(TokenKind::Keyword)) return unexpected();
  std::string_view head = tok_.text;
  ScriptValue v;
  if (head == "v128.const") {
    if (auto r = advance(); !r.ok()) return std::move(r).error();
    auto vv = v128_value(pattern);
    if (!vv.ok()) return vv;
    v = std::move(*vv);
    if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
    return v;
  }
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  auto number_token = [&]() {
    return at(TokenKind::Nat) || at(TokenKind::Int) || at(TokenKind::Float);
  };
  if (head == "i32.const" || head == "i64.const") {
    bool is32 = head == "i32.const";
    v.kind = is32 ? ScriptValue::Kind::I32 : ScriptValue::Kind::I64;
    if (!number_token()) return unexpected();
    auto bits = parse_int_bits(tok_.text, is32 ? 32 : 64);
    if (!bits) return error("constant out of range");
    v.bits = *bits;
  } else if (head == "f32.const" || head == "f64.const") {
    bool is32 = head == "f32.const";
    v.kind = is32 ? ScriptValue::Kind::F32 : ScriptValue::Kind::F64;
    if (pattern && at_keyword("nan:canonical")) {
      v.nan = NanPattern::Canonical;
    } else if (pattern && at_keyword("nan:arithmetic")) {
      v.nan = NanPattern::Arithmetic;
    } else {
      if (!number_token()) return unexpected();
      std::optional<uint64_t> bits;
      if (is32) {
        if (auto b = parse_f32_bits(tok_.text)) bits = *b;
      } else {
        bits = parse_f64_bits(tok_.text);
      }
      if (!bits) return error("constant out of range");
      v.bits = *bits;
    }
  } else if (head == "ref.null") {
    if (at(TokenKind::RParen)) {
      v.kind = ScriptValue::Kind::RefNullAny;
      if (auto r = advance(); !r.ok()) return std::move(r).error();
      return v;
    }
    v.kind = ScriptValue::Kind::RefNull;
    auto heap =
        at(TokenKind::Keyword) ? abstract_heap(tok_.text) : std::nullopt;
    if (!heap) return error("unknown heap type " + std::string(tok_.text));
    v.heap = HeapType::abstract(*heap);
  } else if (head == "ref.extern" || head == "ref.host") {
    v.kind = head == "ref.extern" ? ScriptValue::Kind::RefExtern
                                  : ScriptValue::Kind::RefHost;
    if (at(TokenKind::RParen) && pattern &&
        v.kind == ScriptValue::Kind::RefExtern) {
      if (auto r = advance(); !r.ok()) return std::move(r).error();
      return v;
    }
    if (!at(TokenKind::Nat)) return unexpected();
    auto n = parse_u64(tok_.text);
    if (!n) return error("constant out of range");
    v.bits = *n;
    v.has_payload = true;
  } else {
    static constexpr std::pair<const char*, ScriptValue::Kind> kPatterns[] = {
        {"ref.func", ScriptValue::Kind::RefFunc},
        {"ref.any", ScriptValue::Kind::RefAny},
        {"ref.eq", ScriptValue::Kind::RefEq},
        {"ref.i31", ScriptValue::Kind::RefI31},
        {"ref.struct", ScriptValue::Kind::RefStruct},
        {"ref.array", ScriptValue::Kind::RefArray},
        {"ref.exn", ScriptValue::Kind::RefExn},
    };
    bool found = false;
    for (auto& [name, kind] : kPatterns) {
      if (head == name) {
        v.kind = kind;
        found = true;
      }
    }
    if (!found) return error("unknown constant " + std::string(head));
    // An optional payload (e.g. `(ref.func $f)`) says nothing the runner
    // can check without the module; accept and ignore it.
    while (!at(TokenKind::RParen)) {
      if (at(TokenKind::Eof) || at(TokenKind::LParen)) return unexpected();
      if (auto r = advance(); !r.ok()) return std::move(r).error();
    }
    if (auto r = advance(); !r.ok()) return std::move(r).error();
    return v;
  }
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
  return v;
}

// After `v128.const`: shape and lanes.
Result<ScriptValue> ScriptParser::v128_value(bool pattern) {
  ScriptValue v;
  v.kind = ScriptValue::Kind::V128;
  if (!at(TokenKind::Keyword)) return unexpected();
  std::string_view shape = tok_.text;
  unsigned lanes = 0, lane_bits = 0;
  bool is_float = false;
  if (shape == "i8x16") {
    lanes = 16, lane_bits = 8;
  } else if (shape == "i16x8") {
    lanes = 8, lane_bits = 16;
  } else if (shape == "i32x4") {
    lanes = 4, lane_bits = 32;
  } else if (shape == "i64x2") {
    lanes = 2, lane_bits = 64;
  } else if (shape == "f32x4") {
    lanes = 4, lane_bits = 32, is_float = true;
  } else if (shape == "f64x2") {
    lanes = 2, lane_bits = 64, is_float = true;
  } else {
    return error("unexpected token " + std::string(shape));
  }
  v.lanes = static_cast<uint8_t>(lanes);
  v.float_lanes = is_float;
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  const unsigned lane_bytes = lane_bits / 8;
  for (unsigned i = 0; i < lanes; ++i) {
    if (at(TokenKind::RParen)) return error("wrong number of lane literals");
    uint64_t bits = 0;
    if (is_float && pattern && at_keyword("nan:canonical")) {
      v.lane_nan[i] = NanPattern::Canonical;
    } else if (is_float && pattern && at_keyword("nan:arithmetic")) {
      v.lane_nan[i] = NanPattern::Arithmetic;
    } else {
      if (!at(TokenKind::Nat) && !at(TokenKind::Int) && !at(TokenKind::Float))
        return unexpected();
      std::optional<uint64_t> b;
      if (!is_float) {
        b = parse_int_bits(tok_.text, lane_bits);
      } else if (lane_bits == 32) {
        if (auto f = parse_f32_bits(tok_.text)) b = *f;
      } else {
        b = parse_f64_bits(tok_.text);
      }
      if (!b) return error("constant out of range");
      bits = *b;
    }
    for (unsigned k = 0; k < lane_bytes; ++k)
      v.v128[i * lane_bytes + k] = static_cast<uint8_t>(bits >> (8 * k));
    if (auto r = advance(); !r.ok()) return std::move(r).error();
  }
  if (!at(TokenKind::RParen)) return error("wrong number of lane literals");
  return v;
}

// One expected result: a value, or `(either v1 v2 ...)`.
Result<std::vector<ScriptValue>> ScriptParser::result_alternatives() {
  std::vector<ScriptValue> alts;
  if (at(TokenKind::LParen)) {
    Lexer probe = lexer_;
    auto head = probe.next();
    if (head.ok() && head->kind == TokenKind::Keyword &&
        head->text == "either") {
      if (auto r = advance(); !r.ok()) return std::move(r).error();  // (
      if (auto r = advance(); !r.ok()) return std::move(r).error();  // either
      while (at(TokenKind::LParen)) {
        auto v = value(true);
        if (!v.ok()) return std::move(v).error();
        alts.push_back(std::move(*v));
      }
      if (alts.empty()) return unexpected();
      if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
      return alts;
    }
  }
  auto v = value(true);
  if (!v.ok()) return std::move(v).error();
  alts.push_back(std::move(*v));
  return alts;
}

Result<ScriptCommand> ScriptParser::command() {
  using Kind = ScriptCommand::Kind;
  ScriptCommand cmd;
  cmd.line = tok_.line;
  if (!at(TokenKind::LParen)) return unexpected();
  const uint32_t lparen = tok_.offset;
  if (auto r = advance(); !r.ok()) return std::move(r).error();
  if (!at(TokenKind::Keyword)) return unexpected();
  std::string_view head = tok_.text;

  if (head == "module") {
    // `(module instance $i? $m?)` is no module definition.
    Lexer probe = lexer_;
    auto next = probe.next();
    if (next.ok() && next->kind == TokenKind::Keyword &&
        next->text == "instance") {
      cmd.kind = Kind::ModuleInstance;
      if (auto r = advance(); !r.ok()) return std::move(r).error();
      if (auto r = advance(); !r.ok()) return std::move(r).error();
      if (at(TokenKind::Id)) {
        cmd.instance_id = optional_id();
        if (auto r = advance(); !r.ok()) return std::move(r).error();
      }
      if (at(TokenKind::Id)) {
        cmd.module_ref = optional_id();
        if (auto r = advance(); !r.ok()) return std::move(r).error();
      }
      if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
      return cmd;
    }
    cmd.kind = Kind::Module;
    auto mod = module(lparen, cmd.line);
    if (!mod.ok()) return std::move(mod).error();
    cmd.module = std::move(*mod);
    return cmd;
  }
  if (head == "register") {
    cmd.kind = Kind::Register;
    if (auto r = advance(); !r.ok()) return std::move(r).error();
    auto name = string_token();
    if (!name.ok()) return std::move(name).error();
    cmd.register_name = std::move(*name);
    if (at(TokenKind::Id)) {
      cmd.module_ref = optional_id();
      if (auto r = advance(); !r.ok()) return std::move(r).error();
    }
    if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
    return cmd;
  }
  if (head == "invoke" || head == "get") {
    cmd.kind = Kind::Action;
    auto act = action_rest(cmd.line);
    if (!act.ok()) return std::move(act).error();
    cmd.action = std::move(*act);
    return cmd;
  }

  struct AssertInfo {
    const char* name;
    Kind kind;
    bool takes_action;  // an action (or, for assert_trap, a module)
    bool takes_module;
    bool takes_message;
  };
  static constexpr AssertInfo kAsserts[] = {
      {"assert_return", Kind::AssertReturn, true, false, false},
      {"assert_trap", Kind::AssertTrap, true, true, true},
      {"assert_exhaustion", Kind::AssertExhaustion, true, false, true},
      {"assert_exception", Kind::AssertException, true, false, false},
      {"assert_malformed", Kind::AssertMalformed, false, true, true},
      {"assert_invalid", Kind::AssertInvalid, false, true, true},
      {"assert_unlinkable", Kind::AssertUnlinkable, false, true, true},
      {"assert_uninstantiable", Kind::AssertUninstantiable, false, true, true},
      {"assert_malformed_custom", Kind::AssertMalformedCustom, false, true,
       true},
      {"assert_invalid_custom", Kind::AssertInvalidCustom, false, true, true},
  };
  const AssertInfo* info = nullptr;
  for (const auto& a : kAsserts)
    if (head == a.name) info = &a;
  if (!info) return error("unknown command " + std::string(head));
  cmd.kind = info->kind;
  if (auto r = advance(); !r.ok()) return std::move(r).error();

  // Is the operand a module or an action?
  bool is_module = false;
  if (at(TokenKind::LParen)) {
    Lexer probe = lexer_;
    auto next = probe.next();
    is_module =
        next.ok() && next->kind == TokenKind::Keyword && next->text == "module";
  }
  if (is_module && info->takes_module) {
    auto mod = module_form();
    if (!mod.ok()) return std::move(mod).error();
    cmd.module = std::move(*mod);
  } else if (!is_module && info->takes_action) {
    auto act = action();
    if (!act.ok()) return std::move(act).error();
    cmd.action = std::move(*act);
  } else {
    return unexpected();
  }

  if (info->kind == Kind::AssertReturn) {
    while (at(TokenKind::LParen)) {
      auto alts = result_alternatives();
      if (!alts.ok()) return std::move(alts).error();
      cmd.expected.push_back(std::move(*alts));
    }
  } else if (info->takes_message) {
    auto msg = string_token();
    if (!msg.ok()) return std::move(msg).error();
    cmd.message = std::move(*msg);
  }
  if (auto r = expect_rparen(); !r.ok()) return std::move(r).error();
  return cmd;
}

}  // namespace

Result<Script> parse_script(std::string_view source) {
  ScriptParser parser(source);
  return parser.parse();
}

}  // namespace heron::text
