// The WAT parser's instructions: plain and folded forms, structured blocks
// with their labels, and every immediate kind of the opcode table
// (format/opcodes.def), encoded straight into the function body. Only the
// keywords the table cannot express alone (select, ref.test, ref.cast and
// the block instructions) are special-cased.
#include "text/wat_parser.h"

namespace heron::text {
namespace {

bool is_terminator(std::string_view kw) {
  return kw == "end" || kw == "else" || kw == "catch" || kw == "catch_all" ||
         kw == "delegate";
}

bool is_block_keyword(std::string_view kw) {
  return kw == "block" || kw == "loop" || kw == "if" || kw == "try_table" ||
         kw == "try";
}

bool is_number(TokenKind k) {
  return k == TokenKind::Nat || k == TokenKind::Int || k == TokenKind::Float;
}

// log2 of the natural alignment of a memory instruction, from its keyword:
// the access width is the first number after the type prefix
// (i64.load32_u, i32.atomic.rmw8.add_u, memory.atomic.wait64), `NxM` loads
// read 8 bytes, and otherwise the type's own width applies.
uint32_t natural_align_log2(std::string_view kw) {
  size_t dot = kw.find('.');
  std::string_view type = kw.substr(0, dot);
  std::string_view rest =
      dot == std::string_view::npos ? "" : kw.substr(dot + 1);
  uint32_t bytes;
  size_t digit = rest.find_first_of("0123456789");
  if (type == "v128" && rest.find('x') != std::string_view::npos) {
    bytes = 8;
  } else if (digit != std::string_view::npos) {
    uint32_t bits = 0;
    while (digit < rest.size() && rest[digit] >= '0' && rest[digit] <= '9')
      bits = bits * 10 + uint32_t(rest[digit++] - '0');
    bytes = bits / 8;
  } else if (type == "i64" || type == "f64") {
    bytes = 8;
  } else if (type == "v128") {
    bytes = 16;
  } else {
    bytes = 4;  // i32, f32, memory.atomic.notify
  }
  uint32_t log2 = 0;
  while ((1u << log2) < bytes) ++log2;
  return log2;
}

void write_opcode(ByteWriter& out, Opcode op) {
  const OpcodeInfo& info = opcode_info(op);
  if (info.prefix != 0) {
    out.u8(info.prefix);
    out.u32(info.code);
  } else {
    out.u8(uint8_t(info.code));
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// Instruction sequences

void WatParser::parse_instrs(ByteWriter& out, BodyScope& scope) {
  while (ok()) {
    const Token& t = peek();
    if (t.kind == TokenKind::LParen) {
      parse_folded(out, scope);
    } else if (t.kind == TokenKind::Keyword && !is_terminator(t.text)) {
      parse_plain(out, scope);
    } else if (t.kind == TokenKind::Keyword || t.kind == TokenKind::RParen ||
               t.kind == TokenKind::Eof) {
      return;  // the caller decides whether this may end the sequence
    } else {
      fail_unexpected(t);
      return;
    }
  }
}

void WatParser::parse_const_expr(ByteWriter& out) {
  BodyScope scope;
  parse_instrs(out, scope);
  out.u8(0x0B);
}

bool WatParser::enter_nesting(const Token& at) {
  if (++nesting_ <= kMaxNesting) return true;
  fail(at, "nesting too deep");
  if (err_) err_->kind = ErrorKind::Limit;
  --nesting_;
  return false;
}

void WatParser::parse_plain(ByteWriter& out, BodyScope& scope) {
  const size_t start = pos_;
  Token kw = next();
  note_branch_hint(out, take_branch_hint(start, kw));
  if (is_block_keyword(kw.text)) {
    if (!enter_nesting(kw)) return;
    parse_block_plain(kw, out, scope);
    leave_nesting();
  } else {
    parse_op(kw, out, scope);
  }
}

void WatParser::parse_folded(ByteWriter& out, BodyScope& scope) {
  const size_t start = pos_;
  Token open = next();  // (
  Token kw = peek();
  if (kw.kind != TokenKind::Keyword) {
    fail_unexpected(kw);
    return;
  }
  next();
  if (!enter_nesting(open)) return;
  // A branch hint before `(if ...` or `(br_if ...` is about the operator,
  // whose bytes come after those of its operands.
  std::optional<uint8_t> hint = take_branch_hint(start, kw);
  if (is_block_keyword(kw.text)) {
    parse_block_folded(kw, out, scope, hint);
  } else {
    // The operator's own bytes follow its folded operands.
    ByteWriter op;
    parse_op(kw, op, scope);
    while (ok() && peek().kind == TokenKind::LParen) parse_folded(out, scope);
    expect_rparen();
    note_branch_hint(out, hint);
    out.append(op);
  }
  leave_nesting();
}

// ---------------------------------------------------------------------------
// Blocks

void WatParser::parse_blocktype(ByteWriter& out) {
  TypeUse use = parse_typeuse(false);
  if (!use.has_index && use.inline_type.params.empty() &&
      use.inline_type.results.size() <= 1) {
    if (use.inline_type.results.empty()) {
      out.u8(typecode::kEmptyBlock);
    } else {
      write_valtype(out, use.inline_type.results[0]);
    }
    return;
  }
  out.s33(int64_t(resolve_typeuse(use)));
}

// try_table's catch clauses; their labels are resolved outside the block.
void WatParser::parse_catch_clauses(ByteWriter& out, BodyScope& scope) {
  ByteWriter clauses;
  uint32_t count = 0;
  while (ok() && peek().kind == TokenKind::LParen) {
    std::string_view k = peek(1).text;
    uint8_t kind;
    if (!peek_kw(k, 1)) break;
    if (k == "catch") {
      kind = 0;
    } else if (k == "catch_ref") {
      kind = 1;
    } else if (k == "catch_all") {
      kind = 2;
    } else if (k == "catch_all_ref") {
      kind = 3;
    } else {
      break;
    }
    next();
    next();
    clauses.u8(kind);
    if (kind < 2) clauses.u32(take_index(tags_));
    clauses.u32(take_label(scope));
    expect_rparen();
    ++count;
  }
  out.u32(count);
  out.append(clauses);
}

void WatParser::check_end_label(const std::string& label) {
  if (peek().kind != TokenKind::Id) return;
  Token t = next();
  std::string name = id_name(t);
  if (name != label) fail(t, "mismatching label $" + name);
}

void WatParser::parse_block_plain(const Token& kw, ByteWriter& out,
                                  BodyScope& scope) {
  std::string label = take_opt_id().value_or("");
  if (kw.text == "try_table") {
    out.u8(0x1F);
    parse_blocktype(out);
    parse_catch_clauses(out, scope);
  } else {
    out.u8(kw.text == "block"  ? 0x02
           : kw.text == "loop" ? 0x03
           : kw.text == "if"   ? 0x04
                               : 0x06);
    parse_blocktype(out);
  }
  scope.labels.push_back(label);
  parse_instrs(out, scope);
  if (kw.text == "if" && peek_kw("else")) {
    next();
    check_end_label(label);
    out.u8(0x05);
    parse_instrs(out, scope);
  }
  if (kw.text == "try") {
    bool any_catch = false;
    while (ok() && peek_kw("catch")) {
      next();
      any_catch = true;
      out.u8(0x07);
      out.u32(take_index(tags_));
      parse_instrs(out, scope);
    }
    if (ok() && peek_kw("catch_all")) {
      next();
      any_catch = true;
      out.u8(0x19);
      parse_instrs(out, scope);
    }
    if (!any_catch && peek_kw("delegate")) {
      next();
      scope.labels.pop_back();  // delegate's label counts from outside
      uint32_t l = take_label(scope);
      out.u8(0x18);
      out.u32(l);
      return;
    }
  }
  expect_kw("end");
  check_end_label(label);
  out.u8(0x0B);
  if (!scope.labels.empty()) scope.labels.pop_back();
}

void WatParser::parse_block_folded(const Token& kw, ByteWriter& out,
                                   BodyScope& scope,
                                   std::optional<uint8_t> hint) {
  std::string label = take_opt_id().value_or("");
  if (kw.text == "block" || kw.text == "loop") {
    out.u8(kw.text == "block" ? 0x02 : 0x03);
    parse_blocktype(out);
    scope.labels.push_back(label);
    parse_instrs(out, scope);
  } else if (kw.text == "try_table") {
    out.u8(0x1F);
    parse_blocktype(out);
    parse_catch_clauses(out, scope);
    scope.labels.push_back(label);
    parse_instrs(out, scope);
  } else if (kw.text == "if") {
    ByteWriter head;
    head.u8(0x04);
    parse_blocktype(head);
    // The condition: folded instructions before `(then ...)`.
    while (ok() && peek().kind == TokenKind::LParen && !peek_lparen_kw("then"))
      parse_folded(out, scope);
    note_branch_hint(out, hint);
    out.append(head);
    scope.labels.push_back(label);
    if (!peek_lparen_kw("then")) {
      fail_unexpected(peek());
      return;
    }
    next();
    next();
    parse_instrs(out, scope);
    expect_rparen();
    if (peek_lparen_kw("else")) {
      next();
      next();
      out.u8(0x05);
      parse_instrs(out, scope);
      expect_rparen();
    }
  } else {  // legacy try
    out.u8(0x06);
    parse_blocktype(out);
    scope.labels.push_back(label);
    if (!peek_lparen_kw("do")) {
      fail_unexpected(peek());
      return;
    }
    next();
    next();
    parse_instrs(out, scope);
    expect_rparen();
    bool any_catch = false;
    while (ok() && peek_lparen_kw("catch")) {
      next();
      next();
      any_catch = true;
      out.u8(0x07);
      out.u32(take_index(tags_));
      parse_instrs(out, scope);
      expect_rparen();
    }
    if (ok() && peek_lparen_kw("catch_all")) {
      next();
      next();
      any_catch = true;
      out.u8(0x19);
      parse_instrs(out, scope);
      expect_rparen();
    }
    if (!any_catch && peek_lparen_kw("delegate")) {
      next();
      next();
      scope.labels.pop_back();  // delegate's label counts from outside
      uint32_t l = take_label(scope);
      expect_rparen();
      expect_rparen();
      out.u8(0x18);
      out.u32(l);
      return;
    }
  }
  expect_rparen();
  out.u8(0x0B);
  if (!scope.labels.empty()) scope.labels.pop_back();
}

// ---------------------------------------------------------------------------
// Immediates

uint32_t WatParser::take_label(BodyScope& scope) {
  Token t = peek();
  if (t.kind == TokenKind::Id) {
    next();
    std::string name = id_name(t);
    for (size_t i = scope.labels.size(); i-- > 0;) {
      if (scope.labels[i] == name) return uint32_t(scope.labels.size() - 1 - i);
    }
    fail(t, "unknown label $" + name);
    return 0;
  }
  if (t.kind == TokenKind::Nat) return take_u32();
  fail_unexpected(t);
  return 0;
}

uint32_t WatParser::take_local(BodyScope& scope) {
  Token t = peek();
  if (t.kind == TokenKind::Id) {
    next();
    std::string name = id_name(t);
    auto it = scope.locals.find(name);
    if (it == scope.locals.end()) {
      fail(t, "unknown local $" + name);
      return 0;
    }
    return it->second;
  }
  if (t.kind == TokenKind::Nat) return take_u32();
  fail_unexpected(t);
  return 0;
}

uint32_t WatParser::take_field(uint32_t type_index) {
  Token t = peek();
  if (t.kind == TokenKind::Id) {
    next();
    std::string name = id_name(t);
    if (type_index < types_.size()) {
      const auto& names = types_[type_index].field_names;
      auto it = names.find(name);
      if (it != names.end()) return it->second;
    }
    fail(t, "unknown field $" + name);
    return 0;
  }
  if (t.kind == TokenKind::Nat) return take_u32();
  fail_unexpected(t);
  return 0;
}

uint8_t WatParser::take_lane() {
  Token t = peek();
  if (t.kind != TokenKind::Nat) {
    fail_unexpected(t);
    return 0;
  }
  next();
  auto v = parse_u32(t.text);
  if (!v || *v > 255) {
    fail(t, "i8 constant out of range");
    return 0;
  }
  return uint8_t(*v);
}

// memidx? offset=? align=?, then the lane index for lane loads/stores.
void WatParser::parse_memarg(const Token& kw, ByteWriter& out, bool has_lane) {
  auto is_memarg_kw = [&](size_t k) {
    const Token& t = peek(k);
    return t.kind == TokenKind::Keyword &&
           (t.text.starts_with("offset=") || t.text.starts_with("align="));
  };
  uint32_t memory = 0;
  if (peek().kind == TokenKind::Id) {
    memory = take_index(memories_);
  } else if (peek().kind == TokenKind::Nat &&
             (!has_lane || peek(1).kind == TokenKind::Nat || is_memarg_kw(1))) {
    // A lone number after a lane instruction is its lane index.
    memory = take_index(memories_);
  }
  uint64_t offset = 0;
  uint32_t align = natural_align_log2(kw.text);
  if (peek().kind == TokenKind::Keyword && peek().text.starts_with("offset=")) {
    Token t = next();
    std::string_view value = t.text.substr(7);
    if (classify_number(value) != TokenKind::Nat) {
      fail_unexpected(t);
      return;
    }
    auto v = parse_u64(value);
    if (!v) {
      fail(t, "i64 constant out of range");
      return;
    }
    offset = *v;
  }
  if (peek().kind == TokenKind::Keyword && peek().text.starts_with("align=")) {
    Token t = next();
    std::string_view value = t.text.substr(6);
    if (classify_number(value) != TokenKind::Nat) {
      fail_unexpected(t);
      return;
    }
    auto v = parse_u64(value);
    if (!v || *v == 0 || (*v & (*v - 1)) != 0) {
      fail(t, "alignment must be a power of two");
      return;
    }
    align = 0;
    while ((uint64_t(1) << align) < *v) ++align;
  }
  if (memory != 0) {
    out.u32(align | 0x40);
    out.u32(memory);
  } else {
    out.u32(align);
  }
  out.u64(offset);
  if (has_lane) out.u8(take_lane());
}

void WatParser::parse_v128_const(ByteWriter& out) {
  Token shape = peek();
  unsigned lanes = 0, bits = 0;
  bool is_float = false;
  if (shape.kind == TokenKind::Keyword) {
    if (shape.text == "i8x16") {
      lanes = 16, bits = 8;
    } else if (shape.text == "i16x8") {
      lanes = 8, bits = 16;
    } else if (shape.text == "i32x4") {
      lanes = 4, bits = 32;
    } else if (shape.text == "i64x2") {
      lanes = 2, bits = 64;
    } else if (shape.text == "f32x4") {
      lanes = 4, bits = 32, is_float = true;
    } else if (shape.text == "f64x2") {
      lanes = 2, bits = 64, is_float = true;
    }
  }
  if (lanes == 0) {
    fail_unexpected(shape);
    return;
  }
  next();
  // The lane count is checked before the values, as the spec's parser does.
  std::vector<Token> lits;
  for (unsigned i = 0; i < lanes; ++i) {
    Token t = peek();
    if (is_number(t.kind)) {
      lits.push_back(next());
    } else if (t.kind == TokenKind::Reserved || t.kind == TokenKind::Keyword) {
      fail_unexpected(t);
      return;
    } else {
      fail(t, "wrong number of lane literals");
      return;
    }
  }
  if (is_number(peek().kind)) {
    fail(peek(), "wrong number of lane literals");
    return;
  }
  uint8_t bytes[16] = {};
  unsigned width = bits / 8;
  for (unsigned i = 0; i < lanes; ++i) {
    const Token& t = lits[i];
    std::optional<uint64_t> v;
    if (!is_float) {
      if (t.kind != TokenKind::Float) v = parse_int_bits(t.text, bits);
    } else if (bits == 32) {
      if (auto f = parse_f32_bits(t.text)) v = *f;
    } else {
      v = parse_f64_bits(t.text);
    }
    if (!v) {
      fail(t, "constant out of range");
      return;
    }
    for (unsigned b = 0; b < width; ++b)
      bytes[i * width + b] = uint8_t(*v >> (8 * b));
  }
  out.raw(bytes, 16);
}

void WatParser::parse_shuffle(ByteWriter& out) {
  std::vector<Token> lits;
  while (is_number(peek().kind)) lits.push_back(next());
  if (lits.size() != 16) {
    fail(lits.empty() ? peek() : lits.back(), "invalid lane length");
    return;
  }
  for (const Token& t : lits) {
    std::optional<uint32_t> v;
    if (t.kind == TokenKind::Nat) v = parse_u32(t.text);
    if (!v || *v > 255) {
      fail(t, "i8 constant out of range");
      return;
    }
    out.u8(uint8_t(*v));
  }
}

void WatParser::parse_op(const Token& kw, ByteWriter& out, BodyScope& scope) {
  std::string_view text = kw.text;
  if (kw.kind != TokenKind::Keyword || is_terminator(text) ||
      is_block_keyword(text)) {
    fail_unexpected(kw);
    return;
  }
  if (text == "select") {
    std::vector<ValType> types;
    bool typed = false;
    while (ok() && peek_lparen_kw("result")) {
      next();
      next();
      typed = true;
      while (ok() && !at_close()) types.push_back(take_valtype());
      expect_rparen();
    }
    if (!typed) {
      out.u8(0x1B);
      return;
    }
    out.u8(0x1C);
    out.u32(uint32_t(types.size()));
    for (const ValType& t : types) write_valtype(out, t);
    return;
  }
  if (text == "ref.test" || text == "ref.cast") {
    ValType t = take_reftype();
    bool test = text == "ref.test";
    write_opcode(out,
                 test ? (t.nullable ? Opcode::RefTestNull : Opcode::RefTest)
                      : (t.nullable ? Opcode::RefCastNull : Opcode::RefCast));
    write_heaptype(out, t.heap);
    return;
  }
  std::optional<Opcode> op = opcode_from_text(text);
  if (!op) {
    fail_unexpected(kw);
    return;
  }
  const OpcodeInfo& info = opcode_info(*op);
  write_opcode(out, *op);

  switch (info.imm) {
    case Imm::None:
      return;
    case Imm::Block:
    case Imm::TryTable:
    case Imm::SelectT:
      fail_unexpected(kw);  // handled above; unreachable for valid tables
      return;
    case Imm::Label:
      out.u32(take_label(scope));
      return;
    case Imm::BrTable: {
      std::vector<uint32_t> labels;
      while (ok() && peek_index()) labels.push_back(take_label(scope));
      if (labels.empty()) {
        fail_unexpected(peek());
        return;
      }
      out.u32(uint32_t(labels.size() - 1));
      for (uint32_t l : labels) out.u32(l);
      return;
    }
    case Imm::Func:
      out.u32(take_index(funcs_));
      return;
    case Imm::CallIndirect: {
      uint32_t table = take_opt_index(tables_);
      TypeUse use = parse_typeuse(false);
      out.u32(resolve_typeuse(use));
      out.u32(table);
      return;
    }
    case Imm::Type:
      out.u32(take_index(type_space_));
      return;
    case Imm::Local:
      out.u32(take_local(scope));
      return;
    case Imm::Global:
      out.u32(take_index(globals_));
      return;
    case Imm::Table:
      out.u32(take_opt_index(tables_));
      return;
    case Imm::Memory:
      out.u32(take_opt_index(memories_));
      return;
    case Imm::MemArg:
      parse_memarg(kw, out, false);
      return;
    case Imm::MemArgLane:
      parse_memarg(kw, out, true);
      return;
    case Imm::I32:
    case Imm::I64: {
      Token t = peek();
      if (t.kind != TokenKind::Nat && t.kind != TokenKind::Int) {
        fail_unexpected(t);
        return;
      }
      next();
      if (info.imm == Imm::I32) {
        auto v = parse_i32(t.text);
        if (!v) {
          fail(t, "constant out of range");
          return;
        }
        out.s32(int32_t(*v));
      } else {
        auto v = parse_i64(t.text);
        if (!v) {
          fail(t, "constant out of range");
          return;
        }
        out.s64(int64_t(*v));
      }
      return;
    }
    case Imm::F32:
    case Imm::F64: {
      Token t = peek();
      if (!is_number(t.kind)) {
        fail_unexpected(t);
        return;
      }
      next();
      if (info.imm == Imm::F32) {
        auto v = parse_f32_bits(t.text);
        if (!v) {
          fail(t, "constant out of range");
          return;
        }
        out.fixed32(*v);
      } else {
        auto v = parse_f64_bits(t.text);
        if (!v) {
          fail(t, "constant out of range");
          return;
        }
        out.fixed64(*v);
      }
      return;
    }
    case Imm::V128:
      parse_v128_const(out);
      return;
    case Imm::HeapType:
      write_heaptype(out, take_heaptype());
      return;
    case Imm::Tag:
      out.u32(take_index(tags_));
      return;
    case Imm::MemoryInit: {
      uint32_t memory = 0;
      if (peek_index() &&
          (peek(1).kind == TokenKind::Nat || peek(1).kind == TokenKind::Id))
        memory = take_index(memories_);
      out.u32(take_index(datas_));
      out.u32(memory);
      uses_data_index_ = true;
      return;
    }
    case Imm::Data:
      out.u32(take_index(datas_));
      uses_data_index_ = true;
      return;
    case Imm::MemoryCopy: {
      uint32_t dst = 0, src = 0;
      if (peek_index()) {
        dst = take_index(memories_);
        src = take_index(memories_);
      }
      out.u32(dst);
      out.u32(src);
      return;
    }
    case Imm::TableInit: {
      uint32_t table = 0;
      if (peek_index() &&
          (peek(1).kind == TokenKind::Nat || peek(1).kind == TokenKind::Id))
        table = take_index(tables_);
      out.u32(take_index(elems_));
      out.u32(table);
      return;
    }
    case Imm::Elem:
      out.u32(take_index(elems_));
      return;
    case Imm::TableCopy: {
      uint32_t dst = 0, src = 0;
      if (peek_index()) {
        dst = take_index(tables_);
        src = take_index(tables_);
      }
      out.u32(dst);
      out.u32(src);
      return;
    }
    case Imm::StructField: {
      uint32_t type = take_index(type_space_);
      uint32_t field = take_field(type);
      out.u32(type);
      out.u32(field);
      return;
    }
    case Imm::ArrayNewFixed: {
      uint32_t type = take_index(type_space_);
      out.u32(type);
      out.u32(take_u32());
      return;
    }
    case Imm::ArrayData: {
      uint32_t type = take_index(type_space_);
      out.u32(type);
      out.u32(take_index(datas_));
      uses_data_index_ = true;
      return;
    }
    case Imm::ArrayElem: {
      uint32_t type = take_index(type_space_);
      out.u32(type);
      out.u32(take_index(elems_));
      return;
    }
    case Imm::ArrayCopy: {
      uint32_t dst = take_index(type_space_);
      uint32_t src = take_index(type_space_);
      out.u32(dst);
      out.u32(src);
      return;
    }
    case Imm::BrOnCast: {
      uint32_t label = take_label(scope);
      ValType from = take_reftype();
      ValType to = take_reftype();
      out.u8(uint8_t((from.nullable ? 1 : 0) | (to.nullable ? 2 : 0)));
      out.u32(label);
      write_heaptype(out, from.heap);
      write_heaptype(out, to.heap);
      return;
    }
    case Imm::Lane:
      out.u8(take_lane());
      return;
    case Imm::Shuffle:
      parse_shuffle(out);
      return;
    case Imm::AtomicFence:
      out.u8(0x00);
      return;
  }
}

}  // namespace heron::text
