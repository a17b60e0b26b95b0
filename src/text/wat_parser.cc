// The WAT module parser, module level: token helpers, index spaces, the
// declaration scan (pass 1), the module fields (pass 2), the assembly of the
// binary module and the annotations that add custom sections to it (@custom,
// @name, @metadata.code.branch_hint). Types are in wat_types.cc,
// instructions in wat_instr.cc.
#include "text/wat_parser.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "text/script.h"

namespace heron::text {

Result<std::vector<uint8_t>> parse_wat_module(std::string_view source,
                                              const Features& features) {
  WatParser parser(source, features);
  return parser.run();
}

// ---------------------------------------------------------------------------
// Tokens

void WatParser::fail(const Token& at, std::string message) {
  if (err_) return;
  Error e(ErrorKind::Malformed, std::move(message), at.offset);
  e.line = at.line;
  err_ = std::move(e);
}

// Keywords of the grammar other than instructions: where one of them is out
// of place the spec's parser reports a syntax error ("unexpected token"),
// while any other keyword is an "unknown operator".
bool WatParser::is_known_keyword(std::string_view kw) {
  static const std::unordered_set<std::string_view> kWords = {
      "module",
      "type",
      "rec",
      "sub",
      "final",
      "func",
      "struct",
      "array",
      "field",
      "mut",
      "param",
      "result",
      "local",
      "import",
      "export",
      "table",
      "memory",
      "global",
      "tag",
      "elem",
      "data",
      "start",
      "offset",
      "item",
      "declare",
      "then",
      "else",
      "end",
      "do",
      "catch",
      "catch_all",
      "catch_ref",
      "catch_all_ref",
      "delegate",
      "ref",
      "null",
      "shared",
      "pagesize",
      "i8",
      "i16",
      "i32",
      "i64",
      "f32",
      "f64",
      "v128",
      "funcref",
      "externref",
      "anyref",
      "eqref",
      "i31ref",
      "structref",
      "arrayref",
      "nullref",
      "nullfuncref",
      "nullexternref",
      "exnref",
      "nullexnref",
      "any",
      "eq",
      "i31",
      "none",
      "nofunc",
      "noextern",
      "extern",
      "exn",
      "noexn",
      "i8x16",
      "i16x8",
      "i32x4",
      "i64x2",
      "f32x4",
      "f64x2",
      "binary",
      "quote",
      "definition",
      "instance",
      "nan:canonical",
      "nan:arithmetic",
  };
  return kWords.count(kw) != 0 || opcode_from_text(kw).has_value();
}

void WatParser::fail_unexpected(const Token& tok) {
  std::string text(tok.text);
  switch (tok.kind) {
    case TokenKind::Reserved:
      fail(tok, "unknown operator " + text);
      return;
    case TokenKind::Keyword:
      if (!is_known_keyword(tok.text)) {
        fail(tok, "unknown operator " + text);
        return;
      }
      break;
    case TokenKind::Eof:
      fail(tok, "unexpected end of input");
      return;
    default:
      break;
  }
  fail(tok, "unexpected token " + text);
}

void WatParser::expect_lparen() {
  if (peek().kind == TokenKind::LParen) {
    next();
    return;
  }
  fail_unexpected(peek());
}

void WatParser::expect_rparen() {
  if (peek().kind == TokenKind::RParen) {
    next();
    return;
  }
  fail_unexpected(peek());
}

void WatParser::expect_kw(std::string_view kw) {
  if (peek_kw(kw)) {
    next();
    return;
  }
  fail_unexpected(peek());
}

std::string WatParser::id_name(const Token& tok) {
  auto name = decode_id(tok.text);
  if (!name) {
    fail(tok, "malformed UTF-8 encoding in identifier");
    return {};
  }
  return std::move(*name);
}

std::optional<std::string> WatParser::take_opt_id() {
  if (peek().kind != TokenKind::Id) return std::nullopt;
  return id_name(next());
}

std::string WatParser::take_string() {
  Token t = peek();
  if (t.kind != TokenKind::String) {
    fail_unexpected(t);
    return {};
  }
  next();
  auto s = decode_string(t.text);
  if (!s) {
    fail(t, "malformed string");
    return {};
  }
  return std::move(*s);
}

std::string WatParser::take_name() {
  Token t = peek();
  std::string s = take_string();
  if (ok() && !is_valid_utf8(s)) fail(t, "malformed UTF-8 encoding");
  return s;
}

uint32_t WatParser::take_u32() {
  Token t = peek();
  if (t.kind != TokenKind::Nat) {
    fail_unexpected(t);
    return 0;
  }
  next();
  auto v = parse_u32(t.text);
  if (!v) {
    fail(t, "i32 constant out of range");
    return 0;
  }
  return *v;
}

uint64_t WatParser::take_u64(const char* range_message) {
  Token t = peek();
  if (t.kind != TokenKind::Nat) {
    fail_unexpected(t);
    return 0;
  }
  next();
  auto v = parse_u64(t.text);
  if (!v) {
    fail(t, range_message);
    return 0;
  }
  return *v;
}

// ---------------------------------------------------------------------------
// Index spaces

void WatParser::declare(IndexSpace& space, const std::optional<std::string>& id,
                        const Token& at) {
  if (id) {
    auto [it, inserted] = space.names.emplace(*id, space.count);
    if (!inserted) {
      fail(at, std::string("duplicate ") + space.dup_word + " $" + *id);
      return;
    }
  }
  ++space.count;
}

uint32_t WatParser::resolve(IndexSpace& space, const Token& tok) {
  if (tok.kind == TokenKind::Nat) {
    auto v = parse_u32(tok.text);
    if (!v) {
      fail(tok, "i32 constant out of range");
      return 0;
    }
    return *v;
  }
  if (tok.kind == TokenKind::Id) {
    std::string name = id_name(tok);
    auto it = space.names.find(name);
    if (it == space.names.end()) {
      fail(tok, std::string("unknown ") + space.unknown_word + " $" + name);
      return 0;
    }
    return it->second;
  }
  fail_unexpected(tok);
  return 0;
}

uint32_t WatParser::take_index(IndexSpace& space) {
  Token t = peek();
  if (t.kind != TokenKind::Nat && t.kind != TokenKind::Id) {
    fail_unexpected(t);
    return 0;
  }
  next();
  return resolve(space, t);
}

// ---------------------------------------------------------------------------
// Driver

Result<std::vector<uint8_t>> WatParser::run() {
  auto tokens = tokenize(src_, &annots_);
  if (!tokens.ok()) return std::move(tokens).error();
  toks_ = std::move(*tokens);

  eof_.kind = TokenKind::Eof;
  eof_.offset = uint32_t(src_.size());
  eof_.text = src_.substr(src_.size());
  eof_.line = 1;
  for (char c : src_)
    if (c == '\n') ++eof_.line;

  // Matching parentheses, so that pass 1 can step over whole fields.
  close_.assign(toks_.size(), toks_.size());
  std::vector<size_t> open;
  for (size_t i = 0; i < toks_.size(); ++i) {
    if (toks_[i].kind == TokenKind::LParen) {
      open.push_back(i);
    } else if (toks_[i].kind == TokenKind::RParen && !open.empty()) {
      close_[open.back()] = i;
      open.pop_back();
    }
  }

  size_t begin = 0, end = toks_.size();
  if (toks_.size() >= 2 && toks_[0].kind == TokenKind::LParen &&
      toks_[1].kind == TokenKind::Keyword && toks_[1].text == "module") {
    pos_ = 2;
    module_name_ = take_opt_id();
    begin = pos_;
    module_binder_ = pos_;
    end = close_[0];
    if (end >= toks_.size()) {
      fail(eof_, "unexpected end of input");
    } else if (end + 1 < toks_.size()) {
      fail_unexpected(toks_[end + 1]);
    }
  }
  if (ok()) scan_fields(begin, end);
  if (ok()) read_annotations();

  // Type definitions first: every later reference may need them.
  for (const FieldRef& f : fields_) {
    if (!ok()) break;
    pos_ = f.pos;
    if (f.kind == FieldKind::Type) parse_type_field();
    if (f.kind == FieldKind::Rec) parse_rec_field();
  }
  for (const FieldRef& f : fields_) {
    if (!ok()) break;
    if (f.kind == FieldKind::Type || f.kind == FieldKind::Rec) continue;
    pos_ = f.pos;
    parse_field(f.kind);
  }
  if (ok()) read_name_annotations();
  if (err_) return std::move(*err_);
  if (annot_malformed_) return std::move(*annot_malformed_);
  if (annot_invalid_) return std::move(*annot_invalid_);
  return assemble();
}

// ---------------------------------------------------------------------------
// Pass 1: declarations

void WatParser::scan_import_after(const Token& at) {
  if (first_definition_)
    fail(at, std::string("import after ") + first_definition_);
}

void WatParser::note_definition(const char* what) {
  if (!first_definition_) first_definition_ = what;
}

bool WatParser::field_has_child(size_t field_pos, std::string_view kw) const {
  size_t end = close_[field_pos];
  for (size_t i = field_pos + 1; i < end && i < toks_.size(); ++i) {
    if (toks_[i].kind != TokenKind::LParen) continue;
    if (i + 1 < toks_.size() && toks_[i + 1].kind == TokenKind::Keyword &&
        toks_[i + 1].text == kw)
      return true;
    i = close_[i];
  }
  return false;
}

void WatParser::scan_fields(size_t begin, size_t end) {
  size_t i = begin;
  while (i < end && ok()) {
    if (toks_[i].kind != TokenKind::LParen) {
      fail_unexpected(toks_[i]);
      return;
    }
    if (i + 1 >= end || toks_[i + 1].kind != TokenKind::Keyword) {
      fail_unexpected(i + 1 < toks_.size() ? toks_[i + 1] : eof_);
      return;
    }
    if (close_[i] >= toks_.size()) {
      fail(eof_, "unexpected end of input");
      return;
    }
    const Token& kwtok = toks_[i + 1];
    std::string_view kw = kwtok.text;
    pos_ = i + 2;
    FieldKind kind;

    // func/table/memory/global/tag: an import when `(import ...)` follows
    // the optional id and inline exports.
    bool import = false;
    auto scan_definition = [&](IndexSpace& space, const char* what,
                               NameKind name_kind) {
      auto id = take_opt_id();
      add_binder(pos_, name_kind, space.count);
      size_t j = pos_;
      while (j + 1 < toks_.size() && toks_[j].kind == TokenKind::LParen &&
             toks_[j + 1].kind == TokenKind::Keyword &&
             toks_[j + 1].text == "export")
        j = close_[j] + 1;
      bool is_import = j + 1 < toks_.size() &&
                       toks_[j].kind == TokenKind::LParen &&
                       toks_[j + 1].kind == TokenKind::Keyword &&
                       toks_[j + 1].text == "import";
      if (is_import) {
        scan_import_after(toks_[j + 1]);
      } else {
        note_definition(what);
      }
      declare(space, id, kwtok);
      return is_import;
    };

    if (kw == "type") {
      kind = FieldKind::Type;
      auto id = take_opt_id();
      add_binder(pos_, NameKind::Type, type_space_.count);
      declare(type_space_, id, kwtok);
    } else if (kw == "rec") {
      kind = FieldKind::Rec;
      size_t j = i + 2;
      while (ok() && j + 1 < toks_.size() &&
             toks_[j].kind == TokenKind::LParen &&
             toks_[j + 1].kind == TokenKind::Keyword &&
             toks_[j + 1].text == "type") {
        pos_ = j + 2;
        auto id = take_opt_id();
        add_binder(pos_, NameKind::Type, type_space_.count);
        declare(type_space_, id, toks_[j + 1]);
        j = close_[j] + 1;
      }
    } else if (kw == "import") {
      kind = FieldKind::Import;
      scan_import_after(kwtok);
      // (import "m" "n" (kind $id? ...))
      if (peek().kind == TokenKind::String &&
          peek(1).kind == TokenKind::String &&
          peek(2).kind == TokenKind::LParen &&
          peek(3).kind == TokenKind::Keyword) {
        std::string_view ik = peek(3).text;
        Token iktok = peek(3);
        pos_ += 4;
        auto id = take_opt_id();
        auto import_of = [&](IndexSpace& space, NameKind name_kind) {
          add_binder(pos_, name_kind, space.count);
          declare(space, id, iktok);
        };
        if (ik == "func") import_of(funcs_, NameKind::Func);
        if (ik == "table") import_of(tables_, NameKind::Table);
        if (ik == "memory") import_of(memories_, NameKind::Memory);
        if (ik == "global") import_of(globals_, NameKind::Global);
        if (ik == "tag") import_of(tags_, NameKind::Tag);
      }
    } else if (kw == "func") {
      kind = FieldKind::Func;
      import = scan_definition(funcs_, "function", NameKind::Func);
    } else if (kw == "table") {
      kind = FieldKind::Table;
      import = scan_definition(tables_, "table", NameKind::Table);
      if (!import && field_has_child(i, "elem")) declare(elems_, {}, kwtok);
    } else if (kw == "memory") {
      kind = FieldKind::Memory;
      import = scan_definition(memories_, "memory", NameKind::Memory);
      if (!import && field_has_child(i, "data")) declare(datas_, {}, kwtok);
    } else if (kw == "global") {
      kind = FieldKind::Global;
      import = scan_definition(globals_, "global", NameKind::Global);
    } else if (kw == "tag") {
      kind = FieldKind::Tag;
      import = scan_definition(tags_, "tag", NameKind::Tag);
    } else if (kw == "export") {
      kind = FieldKind::Export;
    } else if (kw == "start") {
      kind = FieldKind::Start;
    } else if (kw == "elem") {
      kind = FieldKind::Elem;
      auto id = take_opt_id();
      add_binder(pos_, NameKind::Elem, elems_.count);
      declare(elems_, id, kwtok);
    } else if (kw == "data") {
      kind = FieldKind::Data;
      auto id = take_opt_id();
      add_binder(pos_, NameKind::Data, datas_.count);
      declare(datas_, id, kwtok);
    } else {
      fail_unexpected(kwtok);
      return;
    }
    fields_.push_back({kind, i, import});
    i = close_[i] + 1;
  }
}

// ---------------------------------------------------------------------------
// Pass 2: module fields

void WatParser::parse_field(FieldKind kind) {
  switch (kind) {
    case FieldKind::Import:
      parse_import();
      break;
    case FieldKind::Func:
      parse_func();
      break;
    case FieldKind::Table:
      parse_table();
      break;
    case FieldKind::Memory:
      parse_memory();
      break;
    case FieldKind::Global:
      parse_global();
      break;
    case FieldKind::Tag:
      parse_tag();
      break;
    case FieldKind::Export:
      parse_export();
      break;
    case FieldKind::Start:
      parse_start();
      break;
    case FieldKind::Elem:
      parse_elem();
      break;
    case FieldKind::Data:
      parse_data();
      break;
    case FieldKind::Type:
    case FieldKind::Rec:
      break;
  }
}

void WatParser::add_export(std::string name, ExternKind kind, uint32_t index) {
  exports_out_.name(name);
  exports_out_.u8(uint8_t(kind));
  exports_out_.u32(index);
  ++n_exports_;
}

void WatParser::parse_inline_exports(ExternKind kind, uint32_t index) {
  while (ok() && peek_lparen_kw("export")) {
    next();
    next();
    std::string name = take_name();
    expect_rparen();
    if (ok()) add_export(std::move(name), kind, index);
  }
}

bool WatParser::parse_inline_import(std::string* module, std::string* name) {
  if (!peek_lparen_kw("import")) return false;
  next();
  next();
  *module = take_name();
  *name = take_name();
  expect_rparen();
  return true;
}

Limits WatParser::parse_limits(bool is64) {
  Limits l;
  l.is64 = is64;
  // With memory64, both address types take u64 limits here and the
  // validator bounds them ("memory size", "table size"); without it, limits
  // are u32 literals, as in the specs before memory64.
  if (!features_.memory64) {
    l.min = take_u32();
    if (peek().kind == TokenKind::Nat) l.max = take_u32();
    return l;
  }
  const char* range = "i64 constant out of range";
  l.min = take_u64(range);
  if (peek().kind == TokenKind::Nat) l.max = take_u64(range);
  return l;
}

TableType WatParser::parse_tabletype() {
  TableType t;
  bool is64 = false;
  if (peek_kw("i64")) {
    next();
    is64 = true;
  } else if (peek_kw("i32")) {
    next();
  }
  t.limits = parse_limits(is64);
  t.elem = take_reftype();
  return t;
}

// addrtype? limits shared? (pagesize n)?; `page_size_log2` stays 16 unless
// a page size is written, which write_memtype then encodes explicitly.
MemoryType WatParser::parse_memtype() {
  MemoryType m;
  bool is64 = false;
  if (peek_kw("i64")) {
    next();
    is64 = true;
  } else if (peek_kw("i32")) {
    next();
  }
  m.limits = parse_limits(is64);
  if (peek_kw("shared")) {
    next();
    m.limits.shared = true;
  } else if (peek_kw("unshared")) {
    next();
  }
  return m;
}

GlobalType WatParser::parse_globaltype() {
  GlobalType g;
  if (peek_lparen_kw("mut")) {
    next();
    next();
    g.mut = true;
    g.type = take_valtype();
    expect_rparen();
  } else {
    g.type = take_valtype();
  }
  return g;
}

void WatParser::write_limits(ByteWriter& w, const Limits& l,
                             std::optional<uint32_t> page_log2) {
  uint8_t flags = 0;
  if (l.max) flags |= 0x01;
  if (l.shared) flags |= 0x02;
  if (l.is64) flags |= 0x04;
  if (page_log2) flags |= 0x08;
  w.u8(flags);
  w.u64(l.min);
  if (l.max) w.u64(*l.max);
  if (page_log2) w.u32(*page_log2);
}

void WatParser::write_tabletype(ByteWriter& w, const TableType& t) {
  write_valtype(w, t.elem);
  write_limits(w, t.limits, std::nullopt);
}

void WatParser::write_memtype(ByteWriter& w, const MemoryType& m,
                              bool custom_page) {
  write_limits(
      w, m.limits,
      custom_page ? std::optional<uint32_t>(m.page_size_log2) : std::nullopt);
}

void WatParser::write_globaltype(ByteWriter& w, const GlobalType& g) {
  write_valtype(w, g.type);
  w.u8(g.mut ? 1 : 0);
}

// `(pagesize n)` after a memory type; n must be a power of two.
static bool pagesize_log2(uint64_t n, uint32_t* log2) {
  if (n == 0 || (n & (n - 1)) != 0) return false;
  uint32_t k = 0;
  while ((uint64_t(1) << k) != n) ++k;
  *log2 = k;
  return true;
}

void WatParser::parse_import() {
  next();  // (
  next();  // import
  std::string module = take_name();
  std::string name = take_name();
  expect_lparen();
  Token kw = peek();
  if (kw.kind != TokenKind::Keyword) {
    fail_unexpected(kw);
    return;
  }
  next();
  take_opt_id();  // declared in pass 1
  ByteWriter desc;
  if (kw.text == "func") {
    TypeUse use = parse_typeuse(true);
    uint32_t type = resolve_typeuse(use);
    desc.u8(0x00);
    desc.u32(type);
    ++next_func_;
  } else if (kw.text == "table") {
    TableType t = parse_tabletype();
    desc.u8(0x01);
    write_tabletype(desc, t);
    ++next_table_;
  } else if (kw.text == "memory") {
    MemoryType m = parse_memtype();
    bool custom = false;
    if (peek_lparen_kw("pagesize")) {
      Token at = peek(2);
      next();
      next();
      uint64_t n = take_u64("i64 constant out of range");
      if (ok() && !pagesize_log2(n, &m.page_size_log2))
        fail(at, "invalid custom page size");
      custom = true;
      expect_rparen();
    }
    desc.u8(0x02);
    write_memtype(desc, m, custom);
    ++next_memory_;
  } else if (kw.text == "global") {
    GlobalType g = parse_globaltype();
    desc.u8(0x03);
    write_globaltype(desc, g);
    ++next_global_;
  } else if (kw.text == "tag") {
    TypeUse use = parse_typeuse(true);
    uint32_t type = resolve_typeuse(use);
    desc.u8(0x04);
    desc.u8(0x00);
    desc.u32(type);
    ++next_tag_;
  } else {
    fail_unexpected(kw);
    return;
  }
  expect_rparen();
  expect_rparen();
  if (!ok()) return;
  imports_.name(module);
  imports_.name(name);
  imports_.append(desc);
  ++n_imports_;
}

void WatParser::parse_func() {
  const size_t field_pos = pos_;
  next();  // (
  next();  // func
  take_opt_id();
  uint32_t index = next_func_++;
  parse_inline_exports(ExternKind::Func, index);
  std::string module, name;
  bool imported = parse_inline_import(&module, &name);
  TypeUse use = parse_typeuse(true);
  uint32_t type = resolve_typeuse(use);
  if (imported) {
    expect_rparen();
    if (!ok()) return;
    imports_.name(module);
    imports_.name(name);
    imports_.u8(0x00);
    imports_.u32(type);
    ++n_imports_;
    return;
  }
  ByteWriter body;
  auto hints = hint_annots_.find(field_pos);
  cur_hints_ = hints != hint_annots_.end() ? &hints->second : nullptr;
  hint_cursor_ = 0;
  cur_func_hints_.clear();
  body_ = &body;
  parse_func_body(use, type, index, body);
  body_ = nullptr;
  if (ok() && cur_hints_ && hint_cursor_ < cur_hints_->size()) {
    annot_fail((*cur_hints_)[hint_cursor_].at,
               "@metadata.code.branch_hint annotation: invalid placement");
  }
  cur_hints_ = nullptr;
  if (!cur_func_hints_.empty()) {
    // Folded operands come before their operator, so source order is not
    // offset order; the section wants increasing offsets.
    std::stable_sort(
        cur_func_hints_.begin(), cur_func_hints_.end(),
        [](const auto& a, const auto& b) { return a.first < b.first; });
    branch_hints_out_.u32(index);
    branch_hints_out_.u32(uint32_t(cur_func_hints_.size()));
    for (const auto& [offset, hint] : cur_func_hints_) {
      branch_hints_out_.u32(offset);
      branch_hints_out_.u32(1);  // the hint's size
      branch_hints_out_.u8(hint);
    }
    ++n_hinted_funcs_;
  }
  expect_rparen();
  func_types_.push_back(type);
  bodies_.push_back(std::move(body));
}

void WatParser::parse_func_body(const TypeUse& use, uint32_t type_index,
                                uint32_t func_index, ByteWriter& body) {
  BodyScope scope;
  std::vector<std::pair<uint32_t, std::string>> names;
  uint32_t nparams = 0;
  if (use.has_inline || !use.has_index) {
    nparams = uint32_t(use.inline_type.params.size());
    for (uint32_t i = 0; i < nparams; ++i) {
      const std::string& n = use.param_names[i];
      if (n.empty()) continue;
      scope.locals.emplace(n, i);
      names.emplace_back(i, n);
      add_binder(use.param_binders[i], NameKind::Local, i, func_index);
    }
  } else if (type_index < types_.size() &&
             types_[type_index].kind == CompositeKind::Func) {
    nparams = uint32_t(types_[type_index].func.params.size());
  }

  std::vector<ValType> locals;
  while (ok() && peek_lparen_kw("local")) {
    next();
    next();
    if (peek().kind == TokenKind::Id) {
      Token idtok = next();
      std::string n = id_name(idtok);
      uint32_t index = nparams + uint32_t(locals.size());
      if (!scope.locals.emplace(n, index).second) {
        fail(idtok, "duplicate local $" + n);
        return;
      }
      names.emplace_back(index, n);
      add_binder(pos_, NameKind::Local, index, func_index);
      locals.push_back(take_valtype());
    } else {
      while (ok() && !at_close()) locals.push_back(take_valtype());
    }
    expect_rparen();
  }

  // Local declarations: runs of equal types.
  uint32_t runs = 0;
  ByteWriter decls;
  for (size_t i = 0; i < locals.size();) {
    size_t j = i;
    while (j < locals.size() && locals[j] == locals[i]) ++j;
    decls.u32(uint32_t(j - i));
    write_valtype(decls, locals[i]);
    ++runs;
    i = j;
  }
  body.u32(runs);
  body.append(decls);
  parse_instrs(body, scope);
  body.u8(0x0B);
  if (!names.empty()) local_names_.emplace_back(func_index, std::move(names));
}

void WatParser::parse_table() {
  next();  // (
  next();  // table
  take_opt_id();
  uint32_t index = next_table_++;
  parse_inline_exports(ExternKind::Table, index);
  std::string module, name;
  if (parse_inline_import(&module, &name)) {
    TableType t = parse_tabletype();
    expect_rparen();
    if (!ok()) return;
    imports_.name(module);
    imports_.name(name);
    imports_.u8(0x01);
    write_tabletype(imports_, t);
    ++n_imports_;
    return;
  }

  bool is64 = false;
  if (peek_kw("i64")) {
    next();
    is64 = true;
  } else if (peek_kw("i32")) {
    next();
  }
  if (peek().kind != TokenKind::Nat) {
    // reftype (elem ...): the table is exactly as large as the segment.
    TableType t;
    t.elem = take_reftype();
    t.limits.is64 = is64;
    if (!peek_lparen_kw("elem")) {
      fail_unexpected(peek());
      return;
    }
    next();
    next();
    ByteWriter items;
    uint32_t count = 0;
    if (peek_kw("func")) next();
    if (peek().kind == TokenKind::LParen) {
      while (ok() && peek().kind == TokenKind::LParen) {
        ByteWriter e;
        if (peek_lparen_kw("item")) {
          next();
          next();
          parse_const_expr(e);
          expect_rparen();
        } else {
          BodyScope scope;
          parse_folded(e, scope);
          e.u8(0x0B);
        }
        items.append(e);
        ++count;
      }
    } else {
      // Function indices become ref.func expressions of the table's type.
      while (ok() && peek_index()) {
        uint32_t f = take_index(funcs_);
        items.u8(0xD2);
        items.u32(f);
        items.u8(0x0B);
        ++count;
      }
    }
    expect_rparen();  // elem
    expect_rparen();  // table
    if (!ok()) return;
    t.limits.min = count;
    t.limits.max = count;
    write_tabletype(tables_out_, t);
    ++n_tables_;

    bool plain = index == 0 && t.elem == ValType::funcref();
    elems_out_.u32(plain ? 4 : 6);
    if (!plain) elems_out_.u32(index);
    elems_out_.u8(is64 ? 0x42 : 0x41);
    elems_out_.u8(0x00);
    elems_out_.u8(0x0B);
    if (!plain) write_valtype(elems_out_, t.elem);
    elems_out_.u32(count);
    elems_out_.append(items);
    ++n_elems_;
    return;
  }

  TableType t;
  t.limits = parse_limits(is64);
  t.elem = take_reftype();
  if (!at_close()) {
    ByteWriter init;
    parse_const_expr(init);
    tables_out_.u8(0x40);
    tables_out_.u8(0x00);
    write_tabletype(tables_out_, t);
    tables_out_.append(init);
  } else {
    write_tabletype(tables_out_, t);
  }
  expect_rparen();
  ++n_tables_;
}

void WatParser::parse_memory() {
  next();  // (
  next();  // memory
  take_opt_id();
  uint32_t index = next_memory_++;
  parse_inline_exports(ExternKind::Memory, index);
  std::string module, name;
  bool imported = parse_inline_import(&module, &name);

  MemoryType m;
  bool custom_page = false;
  auto parse_pagesize = [&]() {
    if (!peek_lparen_kw("pagesize")) return;
    Token at = peek(2);
    next();
    next();
    uint64_t n = take_u64("i64 constant out of range");
    if (ok() && !pagesize_log2(n, &m.page_size_log2))
      fail(at, "invalid custom page size");
    custom_page = true;
    expect_rparen();
  };

  if (!imported) {
    // addrtype? (pagesize n)? (data ...): sized to fit the data.
    size_t save = pos_;
    bool is64 = false;
    if (peek_kw("i64")) {
      next();
      is64 = true;
    } else if (peek_kw("i32")) {
      next();
    }
    parse_pagesize();
    if (peek_lparen_kw("data")) {
      next();
      next();
      std::string bytes;
      while (ok() && peek().kind == TokenKind::String) bytes += take_string();
      expect_rparen();  // data
      expect_rparen();  // memory
      if (!ok()) return;
      uint64_t page = uint64_t(1) << m.page_size_log2;
      uint64_t pages = (bytes.size() + page - 1) / page;
      m.limits.is64 = is64;
      m.limits.min = pages;
      m.limits.max = pages;
      write_memtype(memories_out_, m, custom_page);
      ++n_memories_;
      if (index == 0) {
        datas_out_.u32(0);
      } else {
        datas_out_.u32(2);
        datas_out_.u32(index);
      }
      datas_out_.u8(is64 ? 0x42 : 0x41);
      datas_out_.u8(0x00);
      datas_out_.u8(0x0B);
      datas_out_.name(bytes);
      ++n_datas_;
      return;
    }
    pos_ = save;
    custom_page = false;
  }

  m = parse_memtype();
  parse_pagesize();
  expect_rparen();
  if (!ok()) return;
  if (imported) {
    imports_.name(module);
    imports_.name(name);
    imports_.u8(0x02);
    write_memtype(imports_, m, custom_page);
    ++n_imports_;
  } else {
    write_memtype(memories_out_, m, custom_page);
    ++n_memories_;
  }
}

void WatParser::parse_global() {
  next();  // (
  next();  // global
  take_opt_id();
  uint32_t index = next_global_++;
  parse_inline_exports(ExternKind::Global, index);
  std::string module, name;
  bool imported = parse_inline_import(&module, &name);
  GlobalType g = parse_globaltype();
  if (imported) {
    expect_rparen();
    if (!ok()) return;
    imports_.name(module);
    imports_.name(name);
    imports_.u8(0x03);
    write_globaltype(imports_, g);
    ++n_imports_;
    return;
  }
  ByteWriter init;
  parse_const_expr(init);
  expect_rparen();
  write_globaltype(globals_out_, g);
  globals_out_.append(init);
  ++n_globals_;
}

void WatParser::parse_tag() {
  next();  // (
  next();  // tag
  take_opt_id();
  uint32_t index = next_tag_++;
  parse_inline_exports(ExternKind::Tag, index);
  std::string module, name;
  bool imported = parse_inline_import(&module, &name);
  TypeUse use = parse_typeuse(true);
  uint32_t type = resolve_typeuse(use);
  expect_rparen();
  if (!ok()) return;
  ByteWriter& out = imported ? imports_ : tags_out_;
  if (imported) {
    imports_.name(module);
    imports_.name(name);
    imports_.u8(0x04);
    ++n_imports_;
  } else {
    ++n_tags_;
  }
  out.u8(0x00);
  out.u32(type);
}

void WatParser::parse_export() {
  next();  // (
  next();  // export
  std::string name = take_name();
  expect_lparen();
  Token kw = peek();
  if (kw.kind != TokenKind::Keyword) {
    fail_unexpected(kw);
    return;
  }
  next();
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  if (kw.text == "func") {
    index = take_index(funcs_);
  } else if (kw.text == "table") {
    kind = ExternKind::Table;
    index = take_index(tables_);
  } else if (kw.text == "memory") {
    kind = ExternKind::Memory;
    index = take_index(memories_);
  } else if (kw.text == "global") {
    kind = ExternKind::Global;
    index = take_index(globals_);
  } else if (kw.text == "tag") {
    kind = ExternKind::Tag;
    index = take_index(tags_);
  } else {
    fail_unexpected(kw);
    return;
  }
  expect_rparen();
  expect_rparen();
  if (ok()) add_export(std::move(name), kind, index);
}

void WatParser::parse_start() {
  Token open = next();
  next();  // start
  uint32_t f = take_index(funcs_);
  expect_rparen();
  if (!ok()) return;
  if (start_) {
    fail(open, "multiple start sections");
    return;
  }
  start_ = f;
}

// `(offset instr*)` or one folded instruction; writes the expression with
// its `end`.
void WatParser::parse_offset(ByteWriter& expr) {
  if (peek_lparen_kw("offset")) {
    next();
    next();
    parse_const_expr(expr);
    expect_rparen();
    return;
  }
  if (peek().kind != TokenKind::LParen) {
    fail_unexpected(peek());
    return;
  }
  BodyScope scope;
  parse_folded(expr, scope);
  expr.u8(0x0B);
}

void WatParser::parse_elem_list(ByteWriter& items, bool* uses_exprs,
                                ValType* type, uint32_t* count,
                                bool allow_bare_indices) {
  *count = 0;
  bool indices = false;
  if (peek_kw("func")) {
    next();
    indices = true;
  } else if (allow_bare_indices && (peek_index() || at_close())) {
    indices = true;
  }
  if (indices) {
    *uses_exprs = false;
    *type = ValType::ref(HeapType::abstract(HeapKind::Func), false);
    while (ok() && peek_index()) {
      items.u32(take_index(funcs_));
      ++*count;
    }
    return;
  }
  *uses_exprs = true;
  *type = take_reftype();
  while (ok() && peek().kind == TokenKind::LParen) {
    if (peek_lparen_kw("item")) {
      next();
      next();
      parse_const_expr(items);
      expect_rparen();
    } else {
      BodyScope scope;
      parse_folded(items, scope);
      items.u8(0x0B);
    }
    ++*count;
  }
}

void WatParser::parse_elem() {
  next();  // (
  next();  // elem
  take_opt_id();
  SegmentMode mode = SegmentMode::Passive;
  uint32_t table = 0;
  bool explicit_table = false;
  ByteWriter offset;
  if (peek_kw("declare")) {
    next();
    mode = SegmentMode::Declarative;
  } else if (peek_lparen_kw("table")) {
    next();
    next();
    table = take_index(tables_);
    expect_rparen();
    explicit_table = true;
    mode = SegmentMode::Active;
    parse_offset(offset);
  } else if (peek().kind == TokenKind::LParen && !peek_lparen_kw("ref")) {
    mode = SegmentMode::Active;
    parse_offset(offset);
  } else if (peek_index() && peek(1).kind == TokenKind::LParen) {
    // Legacy form with a bare table index: (elem 0 (i32.const 0) ...).
    table = take_index(tables_);
    mode = SegmentMode::Active;
    parse_offset(offset);
  }

  ByteWriter items;
  bool uses_exprs = false;
  ValType type;
  uint32_t count = 0;
  parse_elem_list(items, &uses_exprs, &type, &count,
                  mode == SegmentMode::Active && !explicit_table);
  expect_rparen();
  if (!ok()) return;

  ByteWriter& w = elems_out_;
  if (!uses_exprs) {
    switch (mode) {
      case SegmentMode::Active:
        if (table == 0) {
          w.u32(0);
          w.append(offset);
        } else {
          w.u32(2);
          w.u32(table);
          w.append(offset);
          w.u8(0x00);
        }
        break;
      case SegmentMode::Passive:
        w.u32(1);
        w.u8(0x00);
        break;
      case SegmentMode::Declarative:
        w.u32(3);
        w.u8(0x00);
        break;
    }
  } else {
    switch (mode) {
      case SegmentMode::Active:
        if (table == 0 && type == ValType::funcref()) {
          w.u32(4);
          w.append(offset);
        } else {
          w.u32(6);
          w.u32(table);
          w.append(offset);
          write_valtype(w, type);
        }
        break;
      case SegmentMode::Passive:
        w.u32(5);
        write_valtype(w, type);
        break;
      case SegmentMode::Declarative:
        w.u32(7);
        write_valtype(w, type);
        break;
    }
  }
  w.u32(count);
  w.append(items);
  ++n_elems_;
}

void WatParser::parse_data() {
  next();  // (
  next();  // data
  take_opt_id();
  bool active = false;
  uint32_t memory = 0;
  ByteWriter offset;
  if (peek_lparen_kw("memory")) {
    next();
    next();
    memory = take_index(memories_);
    expect_rparen();
    active = true;
    parse_offset(offset);
  } else if (peek().kind == TokenKind::LParen) {
    active = true;
    parse_offset(offset);
  } else if (peek_index() && peek(1).kind == TokenKind::LParen) {
    // Legacy form with a bare memory index: (data 0 (i32.const 0) ...).
    memory = take_index(memories_);
    active = true;
    parse_offset(offset);
  }
  std::string bytes;
  while (ok() && peek().kind == TokenKind::String) bytes += take_string();
  expect_rparen();
  if (!ok()) return;
  if (!active) {
    datas_out_.u32(1);
  } else if (memory == 0) {
    datas_out_.u32(0);
    datas_out_.append(offset);
  } else {
    datas_out_.u32(2);
    datas_out_.u32(memory);
    datas_out_.append(offset);
  }
  datas_out_.name(bytes);
  ++n_datas_;
}

// ---------------------------------------------------------------------------
// Binary assembly

namespace {

// The order of the non-custom sections in a module, as the placement of
// custom sections names it (`(before code)`, `(after last)`...).
enum : uint32_t {
  kSectionOrderType = 1,
  kSectionOrderImport,
  kSectionOrderFunc,
  kSectionOrderTable,
  kSectionOrderMemory,
  kSectionOrderTag,
  kSectionOrderGlobal,
  kSectionOrderExport,
  kSectionOrderStart,
  kSectionOrderElem,
  kSectionOrderDataCount,
  kSectionOrderCode,
  kSectionOrderData,
};

void write_section(ByteWriter& out, uint8_t id, const ByteWriter& payload) {
  out.u8(id);
  out.sized(payload);
}

void write_vec_section(ByteWriter& out, uint8_t id, uint32_t count,
                       const ByteWriter& items) {
  if (count == 0) return;
  ByteWriter payload;
  payload.u32(count);
  payload.append(items);
  write_section(out, id, payload);
}

// A name map (index -> name), sorted by index as the name section requires.
void write_name_map(ByteWriter& w,
                    std::vector<std::pair<uint32_t, std::string>> names) {
  std::sort(names.begin(), names.end());
  w.u32(uint32_t(names.size()));
  for (const auto& [index, name] : names) {
    w.u32(index);
    w.name(name);
  }
}

}  // namespace

std::vector<uint8_t> WatParser::assemble() {
  ByteWriter out;
  out.fixed32(0x6d736100);  // "\0asm"
  out.fixed32(1);           // version

  // Custom sections, in the slots their placement names; the generated
  // ones go where the reference interpreter puts them (branch hints before
  // the code, names last), ordered with the others by source position.
  std::vector<PlacedCustom> customs = std::move(customs_);
  if (n_hinted_funcs_ > 0) {
    ByteWriter hints;
    hints.u32(n_hinted_funcs_);
    hints.append(branch_hints_out_);
    customs.push_back({2 * kSectionOrderCode, first_hint_annot_,
                       "metadata.code.branch_hint", std::move(hints.bytes())});
  }
  {
    ByteWriter names;
    write_name_section(names);
    if (!names.empty())
      customs.push_back({2 * kSectionOrderData + 1, first_name_annot_, "name",
                         std::move(names.bytes())});
  }
  std::stable_sort(customs.begin(), customs.end(),
                   [](const PlacedCustom& a, const PlacedCustom& b) {
                     return a.rank != b.rank ? a.rank < b.rank
                                             : a.order < b.order;
                   });
  size_t next_custom = 0;
  // Emits the custom sections placed before section `order` (or earlier).
  auto customs_before = [&](uint32_t order) {
    while (next_custom < customs.size() &&
           customs[next_custom].rank <= 2 * order) {
      const PlacedCustom& c = customs[next_custom++];
      ByteWriter payload;
      payload.name(c.name);
      payload.raw(c.content.data(), c.content.size());
      write_section(out, 0, payload);
    }
  };

  customs_before(kSectionOrderType);
  if (!rec_groups_.empty()) {
    ByteWriter types;
    write_types(types);
    write_section(out, 1, types);
  }
  customs_before(kSectionOrderImport);
  write_vec_section(out, 2, n_imports_, imports_);
  customs_before(kSectionOrderFunc);
  if (!func_types_.empty()) {
    ByteWriter funcs;
    for (uint32_t t : func_types_) funcs.u32(t);
    write_vec_section(out, 3, uint32_t(func_types_.size()), funcs);
  }
  customs_before(kSectionOrderTable);
  write_vec_section(out, 4, n_tables_, tables_out_);
  customs_before(kSectionOrderMemory);
  write_vec_section(out, 5, n_memories_, memories_out_);
  customs_before(kSectionOrderTag);
  write_vec_section(out, 13, n_tags_, tags_out_);
  customs_before(kSectionOrderGlobal);
  write_vec_section(out, 6, n_globals_, globals_out_);
  customs_before(kSectionOrderExport);
  write_vec_section(out, 7, n_exports_, exports_out_);
  customs_before(kSectionOrderStart);
  if (start_) {
    ByteWriter s;
    s.u32(*start_);
    write_section(out, 8, s);
  }
  customs_before(kSectionOrderElem);
  write_vec_section(out, 9, n_elems_, elems_out_);
  customs_before(kSectionOrderDataCount);
  if (n_datas_ > 0 || uses_data_index_) {
    ByteWriter dc;
    dc.u32(n_datas_);
    write_section(out, 12, dc);
  }
  customs_before(kSectionOrderCode);
  if (!bodies_.empty()) {
    ByteWriter code;
    code.u32(uint32_t(bodies_.size()));
    for (const ByteWriter& b : bodies_) code.sized(b);
    write_section(out, 10, code);
  }
  customs_before(kSectionOrderData);
  write_vec_section(out, 11, n_datas_, datas_out_);
  customs_before(UINT32_MAX / 2);
  return std::move(out.bytes());
}

// The name section, so that names survive into backtraces: the `$id`s of
// modules, functions and locals, overridden by `(@name ...)` annotations,
// which may also name types, tables, memories, globals, segments and tags.
// Writes the payload after the section's own name; nothing when there is no
// name at all.
void WatParser::write_name_section(ByteWriter& out) {
  ByteWriter names;
  auto subsection = [&](NameKind kind, const ByteWriter& content) {
    names.u8(uint8_t(kind));
    names.sized(content);
  };
  std::optional<std::string> module_name =
      module_annot_name_ ? module_annot_name_ : module_name_;
  if (module_name) {
    ByteWriter sub;
    sub.name(*module_name);
    subsection(NameKind::Module, sub);
  }

  std::unordered_map<uint32_t, std::string> funcs;
  for (const auto& [name, index] : funcs_.names) funcs[index] = name;
  for (const auto& [index, name] : annot_names_[uint8_t(NameKind::Func)])
    funcs[index] = name;
  if (!funcs.empty()) {
    ByteWriter sub;
    write_name_map(sub, {funcs.begin(), funcs.end()});
    subsection(NameKind::Func, sub);
  }

  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>>
      locals;
  for (const auto& [func, map] : local_names_)
    for (const auto& [index, name] : map) locals[func][index] = name;
  for (const auto& [func, map] : annot_local_names_)
    for (const auto& [index, name] : map) locals[func][index] = name;
  if (!locals.empty()) {
    std::vector<uint32_t> order;
    for (const auto& entry : locals) order.push_back(entry.first);
    std::sort(order.begin(), order.end());
    ByteWriter sub;
    sub.u32(uint32_t(order.size()));
    for (uint32_t func : order) {
      sub.u32(func);
      const auto& map = locals[func];
      write_name_map(sub, {map.begin(), map.end()});
    }
    subsection(NameKind::Local, sub);
  }

  for (NameKind kind :
       {NameKind::Type, NameKind::Table, NameKind::Memory, NameKind::Global,
        NameKind::Elem, NameKind::Data, NameKind::Tag}) {
    const auto& map = annot_names_[uint8_t(kind)];
    if (map.empty()) continue;
    ByteWriter sub;
    write_name_map(sub, {map.begin(), map.end()});
    subsection(kind, sub);
  }
  out.append(names);
}

// ---------------------------------------------------------------------------
// Annotations

void WatParser::annot_fail(const Token& at, std::string message,
                           ErrorKind kind) {
  std::optional<Error>& slot =
      kind == ErrorKind::Invalid ? annot_invalid_ : annot_malformed_;
  if (slot) return;
  Error e(kind, std::move(message), at.offset);
  e.line = at.line;
  slot = std::move(e);
}

size_t WatParser::enclosing_field(size_t before) const {
  // The last field that opens before `before`; fields never nest.
  auto it =
      std::upper_bound(fields_.begin(), fields_.end(), before,
                       [](size_t b, const FieldRef& f) { return b <= f.pos; });
  if (it == fields_.begin()) return fields_.size();
  --it;
  if (before > close_[it->pos]) return fields_.size();
  return size_t(it - fields_.begin());
}

void WatParser::read_annotations() {
  for (const Annotation& a : annots_) {
    if (a.id == "custom") {
      read_custom_annotation(a);
    } else if (a.id == "metadata.code.branch_hint") {
      read_branch_hint_annotation(a);
    }
  }
}

// (@custom "name" place? "bytes"*), only between module fields.
void WatParser::read_custom_annotation(const Annotation& a) {
  const std::vector<Token>& items = a.items;
  if (items.empty() || items[0].kind != TokenKind::String) {
    annot_fail(a.open, "@custom annotation: missing section name");
    return;
  }
  std::optional<std::string> name = decode_string(items[0].text);
  if (!name || !is_valid_utf8(*name)) {
    annot_fail(items[0], "@custom annotation: malformed UTF-8 encoding");
    return;
  }
  size_t i = 1;
  uint32_t rank = 2 * kSectionOrderData + 1;  // (after last)
  if (i < items.size() && items[i].kind == TokenKind::LParen) {
    size_t close = i + 1;
    for (int depth = 1; close < items.size(); ++close) {
      TokenKind k = items[close].kind;
      if (k == TokenKind::LParen || k == TokenKind::Annotation) ++depth;
      if (k == TokenKind::RParen && --depth == 0) break;
    }
    auto is_kw = [&](size_t k, std::string_view kw) {
      return k < close && items[k].kind == TokenKind::Keyword &&
             items[k].text == kw;
    };
    bool after = is_kw(i + 1, "after");
    if (!after && !is_kw(i + 1, "before")) {
      annot_fail(items[i], "@custom annotation: malformed placement");
      return;
    }
    static constexpr std::pair<std::string_view, uint32_t> kSections[] = {
        {"type", kSectionOrderType},           {"import", kSectionOrderImport},
        {"func", kSectionOrderFunc},           {"table", kSectionOrderTable},
        {"memory", kSectionOrderMemory},       {"tag", kSectionOrderTag},
        {"global", kSectionOrderGlobal},       {"export", kSectionOrderExport},
        {"start", kSectionOrderStart},         {"elem", kSectionOrderElem},
        {"datacount", kSectionOrderDataCount}, {"code", kSectionOrderCode},
        {"data", kSectionOrderData},           {"first", kSectionOrderType},
        {"last", kSectionOrderData},
    };
    std::optional<uint32_t> section;
    for (const auto& [kw, order] : kSections)
      if (is_kw(i + 2, kw)) section = order;
    if (!section) {
      annot_fail(items[i], "@custom annotation: malformed section kind");
      return;
    }
    if (i + 3 < close) {
      annot_fail(items[i + 3], "@custom annotation: unexpected token");
      return;
    }
    rank = 2 * *section + (after ? 1 : 0);
    i = close + 1;
  }
  std::string content;
  for (; i < items.size() && items[i].kind == TokenKind::String; ++i)
    content += decode_string(items[i].text).value_or("");
  if (i < items.size()) {
    annot_fail(items[i], "@custom annotation: unexpected token");
    return;
  }
  if (enclosing_field(a.before) < fields_.size()) {
    annot_fail(a.open, "misplaced @custom annotation");
    return;
  }
  customs_.push_back({rank, a.open.offset, std::move(*name),
                      std::vector<uint8_t>(content.begin(), content.end())});
}

// (@metadata.code.branch_hint "\00"|"\01") inside a defined function; the
// instruction it precedes is checked in pass 2 (take_branch_hint).
void WatParser::read_branch_hint_annotation(const Annotation& a) {
  std::string payload;
  for (const Token& t : a.items) {
    if (t.kind != TokenKind::String) {
      annot_fail(t, "@metadata.code.branch_hint annotation: unexpected token");
      return;
    }
    payload += decode_string(t.text).value_or("");
  }
  size_t f = enclosing_field(a.before);
  if (f == fields_.size() || fields_[f].kind != FieldKind::Func ||
      fields_[f].import) {
    annot_fail(a.open,
               "@metadata.code.branch_hint annotation: not in a function");
    return;
  }
  if (payload.size() != 1 || uint8_t(payload[0]) > 1) {
    annot_fail(a.open,
               "@metadata.code.branch_hint annotation: invalid hint value");
    return;
  }
  hint_annots_[fields_[f].pos].push_back(
      {a.before, uint8_t(payload[0]), a.open});
  first_hint_annot_ = std::min(first_hint_annot_, a.open.offset);
}

std::optional<uint8_t> WatParser::take_branch_hint(size_t start,
                                                   const Token& kw) {
  if (!cur_hints_) return std::nullopt;
  std::optional<uint8_t> hint;
  const Token* at = nullptr;
  while (hint_cursor_ < cur_hints_->size() &&
         (*cur_hints_)[hint_cursor_].before <= start) {
    const HintAnnotation& h = (*cur_hints_)[hint_cursor_++];
    if (hint) {
      annot_fail(h.at,
                 "@metadata.code.branch_hint annotation: duplicate annotation");
      continue;
    }
    hint = h.value;
    at = &h.at;
  }
  if (hint && kw.text != "if" && kw.text != "br_if") {
    annot_fail(*at, "@metadata.code.branch_hint annotation: invalid target",
               ErrorKind::Invalid);
    return std::nullopt;
  }
  return hint;
}

void WatParser::note_branch_hint(const ByteWriter& out,
                                 std::optional<uint8_t> hint) {
  // Instructions of a body are written to the body itself (operators of
  // folded forms are appended to it), so out.size() is the offset from the
  // start of the locals declaration, as the section defines it.
  if (hint && &out == body_)
    cur_func_hints_.emplace_back(uint32_t(out.size()), *hint);
}

// (@name "str") just past a binder; run when pass 2 has met every binder.
void WatParser::read_name_annotations() {
  for (const Annotation& a : annots_) {
    if (a.id != "name") continue;
    const std::vector<Token>& items = a.items;
    if (items.empty() || items[0].kind != TokenKind::String) {
      annot_fail(a.open, "@name annotation: string expected");
      continue;
    }
    std::optional<std::string> name = decode_string(items[0].text);
    if (!name || !is_valid_utf8(*name)) {
      annot_fail(items[0], "malformed UTF-8 encoding");
      continue;
    }
    if (items.size() > 1) {
      annot_fail(items[1], "@name annotation: unexpected token");
      continue;
    }
    NameBinder binder;
    if (a.before != module_binder_) {
      auto it = binders_.find(a.before);
      if (it == binders_.end()) {
        annot_fail(a.open, "misplaced @name annotation");
        continue;
      }
      binder = it->second;
    }
    first_name_annot_ = std::min(first_name_annot_, a.open.offset);
    bool added = false;
    const char* what = "function";
    switch (binder.kind) {
      case NameKind::Module:
        added = !module_annot_name_;
        if (added) module_annot_name_ = std::move(*name);
        what = "module";
        break;
      case NameKind::Local:
        added = annot_local_names_[binder.func]
                    .emplace(binder.index, std::move(*name))
                    .second;
        what = "local";
        break;
      default:
        added = annot_names_[uint8_t(binder.kind)]
                    .emplace(binder.index, std::move(*name))
                    .second;
        what = binder.kind == NameKind::Func     ? "function"
               : binder.kind == NameKind::Type   ? "type"
               : binder.kind == NameKind::Table  ? "table"
               : binder.kind == NameKind::Memory ? "memory"
               : binder.kind == NameKind::Global ? "global"
               : binder.kind == NameKind::Elem   ? "elem"
               : binder.kind == NameKind::Data   ? "data"
                                                 : "tag";
        break;
    }
    if (!added)
      annot_fail(a.open,
                 std::string("@name annotation: multiple ") + what + " names");
  }
}

}  // namespace heron::text
