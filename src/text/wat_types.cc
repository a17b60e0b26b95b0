// The WAT parser's types: value, reference and heap types, type definitions
// (`type`, `rec`, `sub`, func/struct/array), type uses with the implicit
// function types they may add, and the encoding of the type section.
#include "text/wat_parser.h"

#include <unordered_set>

namespace heron::text {
namespace {

struct AbstractHeap {
  std::string_view name;  // heap type keyword
  std::string_view ref;   // nullable shorthand
  HeapKind kind;
  uint8_t code;
};

constexpr AbstractHeap kAbstractHeaps[] = {
    {"func", "funcref", HeapKind::Func, typecode::kFunc},
    {"nofunc", "nullfuncref", HeapKind::NoFunc, typecode::kNoFunc},
    {"extern", "externref", HeapKind::Extern, typecode::kExtern},
    {"noextern", "nullexternref", HeapKind::NoExtern, typecode::kNoExtern},
    {"any", "anyref", HeapKind::Any, typecode::kAny},
    {"eq", "eqref", HeapKind::Eq, typecode::kEq},
    {"i31", "i31ref", HeapKind::I31, typecode::kI31},
    {"struct", "structref", HeapKind::Struct, typecode::kStruct},
    {"array", "arrayref", HeapKind::Array, typecode::kArray},
    {"none", "nullref", HeapKind::None, typecode::kNone},
    {"exn", "exnref", HeapKind::Exn, typecode::kExn},
    {"noexn", "nullexnref", HeapKind::NoExn, typecode::kNoExn},
};

uint8_t heap_code(HeapKind kind) {
  for (const AbstractHeap& h : kAbstractHeaps)
    if (h.kind == kind) return h.code;
  fatal_invariant("heap_code: not an abstract heap type");
}

}  // namespace

// ---------------------------------------------------------------------------
// Value types

HeapType WatParser::take_heaptype() {
  const Token& t = peek();
  if (t.kind == TokenKind::Keyword) {
    for (const AbstractHeap& h : kAbstractHeaps) {
      if (t.text == h.name) {
        next();
        return HeapType::abstract(h.kind);
      }
    }
  } else if (t.kind == TokenKind::Nat || t.kind == TokenKind::Id) {
    return HeapType::concrete(take_index(type_space_));
  }
  fail_unexpected(t);
  return HeapType::abstract(HeapKind::Func);
}

ValType WatParser::take_reftype() {
  const Token& t = peek();
  if (t.kind == TokenKind::Keyword) {
    for (const AbstractHeap& h : kAbstractHeaps) {
      if (t.text == h.ref) {
        next();
        return ValType::ref(HeapType::abstract(h.kind), true);
      }
    }
  } else if (t.kind == TokenKind::LParen && peek_kw("ref", 1)) {
    next();
    next();
    bool nullable = false;
    if (peek_kw("null")) {
      next();
      nullable = true;
    }
    HeapType heap = take_heaptype();
    expect_rparen();
    return ValType::ref(heap, nullable);
  }
  fail_unexpected(t);
  return ValType::funcref();
}

ValType WatParser::take_valtype() {
  const Token& t = peek();
  if (t.kind == TokenKind::Keyword) {
    ValType v;
    if (t.text == "i32") {
      v = ValType::i32();
    } else if (t.text == "i64") {
      v = ValType::i64();
    } else if (t.text == "f32") {
      v = ValType::f32();
    } else if (t.text == "f64") {
      v = ValType::f64();
    } else if (t.text == "v128") {
      v = ValType::v128();
    } else {
      return take_reftype();
    }
    next();
    return v;
  }
  return take_reftype();
}

StorageType WatParser::take_storagetype() {
  StorageType s;
  if (peek_kw("i8")) {
    next();
    s.packed = Packed::I8;
  } else if (peek_kw("i16")) {
    next();
    s.packed = Packed::I16;
  } else {
    s.type = take_valtype();
  }
  return s;
}

FieldType WatParser::take_fieldtype() {
  FieldType f;
  if (peek_lparen_kw("mut")) {
    next();
    next();
    f.mut = true;
    f.storage = take_storagetype();
    expect_rparen();
  } else {
    f.storage = take_storagetype();
  }
  return f;
}

void WatParser::write_heaptype(ByteWriter& w, const HeapType& h) const {
  if (h.is_concrete()) {
    w.s33(int64_t(h.index));
  } else {
    w.u8(heap_code(h.kind));
  }
}

void WatParser::write_valtype(ByteWriter& w, const ValType& t) const {
  switch (t.kind) {
    case ValKind::I32:
      w.u8(typecode::kI32);
      return;
    case ValKind::I64:
      w.u8(typecode::kI64);
      return;
    case ValKind::F32:
      w.u8(typecode::kF32);
      return;
    case ValKind::F64:
      w.u8(typecode::kF64);
      return;
    case ValKind::V128:
      w.u8(typecode::kV128);
      return;
    case ValKind::Ref:
      if (t.nullable && !t.heap.is_concrete()) {
        w.u8(heap_code(t.heap.kind));  // shorthand: funcref, anyref, ...
        return;
      }
      w.u8(t.nullable ? typecode::kRefNull : typecode::kRef);
      write_heaptype(w, t.heap);
      return;
    case ValKind::Bot:
      break;
  }
  fatal_invariant("write_valtype: bottom type");
}

// ---------------------------------------------------------------------------
// Type definitions

// `(sub final? x* comptype)` or a bare comptype, at its '('.
void WatParser::parse_type_def(TypeDef& def) {
  expect_lparen();
  bool sub = false;
  if (peek_kw("sub")) {
    next();
    sub = true;
    def.final = false;
    if (peek_kw("final")) {
      next();
      def.final = true;
    }
    while (ok() && peek_index()) def.supers.push_back(take_index(type_space_));
    expect_lparen();
  }
  Token kw = peek();
  if (kw.kind != TokenKind::Keyword) {
    fail_unexpected(kw);
    return;
  }
  next();
  if (kw.text == "func") {
    def.kind = CompositeKind::Func;
    while (ok() && peek_lparen_kw("param")) {
      next();
      next();
      if (peek().kind == TokenKind::Id) {
        next();  // parameter names in type definitions mean nothing
        def.func.params.push_back(take_valtype());
      } else {
        while (ok() && !at_close()) def.func.params.push_back(take_valtype());
      }
      expect_rparen();
    }
    while (ok() && peek_lparen_kw("result")) {
      next();
      next();
      while (ok() && !at_close()) def.func.results.push_back(take_valtype());
      expect_rparen();
    }
  } else if (kw.text == "struct") {
    def.kind = CompositeKind::Struct;
    while (ok() && peek_lparen_kw("field")) {
      next();
      next();
      if (peek().kind == TokenKind::Id) {
        Token idtok = next();
        std::string name = id_name(idtok);
        uint32_t field = uint32_t(def.fields.size());
        if (!def.field_names.emplace(name, field).second) {
          fail(idtok, "duplicate field $" + name);
          return;
        }
        def.fields.push_back(take_fieldtype());
      } else {
        while (ok() && !at_close()) def.fields.push_back(take_fieldtype());
      }
      expect_rparen();
    }
  } else if (kw.text == "array") {
    def.kind = CompositeKind::Array;
    def.elem = take_fieldtype();
  } else {
    fail_unexpected(kw);
    return;
  }
  expect_rparen();           // comptype
  if (sub) expect_rparen();  // sub
}

void WatParser::parse_type_field() {
  next();  // (
  next();  // type
  take_opt_id();
  uint32_t index = uint32_t(types_.size());
  types_.emplace_back();
  parse_type_def(types_.back());
  expect_rparen();
  rec_groups_.push_back({index, 1, false});
  const TypeDef& def = types_[index];
  if (ok() && def.kind == CompositeKind::Func && def.final &&
      def.supers.empty())
    func_type_index_.emplace(func_type_key(def.func), index);
}

void WatParser::parse_rec_field() {
  next();  // (
  next();  // rec
  uint32_t first = uint32_t(types_.size());
  while (ok() && peek_lparen_kw("type")) {
    next();
    next();
    take_opt_id();
    types_.emplace_back();
    parse_type_def(types_.back());
    expect_rparen();
  }
  expect_rparen();
  uint32_t count = uint32_t(types_.size()) - first;
  rec_groups_.push_back({first, count, true});
  // A group of one is the same type as when written without `rec`.
  if (ok() && count == 1) {
    const TypeDef& def = types_[first];
    if (def.kind == CompositeKind::Func && def.final && def.supers.empty())
      func_type_index_.emplace(func_type_key(def.func), first);
  }
}

void WatParser::write_types(ByteWriter& section) const {
  section.u32(uint32_t(rec_groups_.size()));
  for (const RecGroupDef& g : rec_groups_) {
    if (g.explicit_rec && g.count != 1) {
      section.u8(typecode::kRecGroup);
      section.u32(g.count);
    }
    for (uint32_t i = g.first; i < g.first + g.count; ++i) {
      const TypeDef& d = types_[i];
      if (!d.final || !d.supers.empty()) {
        section.u8(d.final ? typecode::kSubFinalType : typecode::kSubType);
        section.u32(uint32_t(d.supers.size()));
        for (uint32_t s : d.supers) section.u32(s);
      }
      auto write_field = [&](const FieldType& f) {
        if (f.storage.packed == Packed::I8) {
          section.u8(typecode::kI8);
        } else if (f.storage.packed == Packed::I16) {
          section.u8(typecode::kI16);
        } else {
          write_valtype(section, f.storage.type);
        }
        section.u8(f.mut ? 1 : 0);
      };
      switch (d.kind) {
        case CompositeKind::Func:
          section.u8(typecode::kFuncType);
          section.u32(uint32_t(d.func.params.size()));
          for (const ValType& t : d.func.params) write_valtype(section, t);
          section.u32(uint32_t(d.func.results.size()));
          for (const ValType& t : d.func.results) write_valtype(section, t);
          break;
        case CompositeKind::Struct:
          section.u8(typecode::kStructType);
          section.u32(uint32_t(d.fields.size()));
          for (const FieldType& f : d.fields) write_field(f);
          break;
        case CompositeKind::Array:
          section.u8(typecode::kArrayType);
          write_field(d.elem);
          break;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Type uses

TypeUse WatParser::parse_typeuse(bool allow_names) {
  TypeUse use;
  if (peek_lparen_kw("type")) {
    next();
    next();
    use.index_token = peek();
    use.index = take_index(type_space_);
    use.has_index = true;
    expect_rparen();
  }
  std::unordered_set<std::string> seen;
  while (ok() && peek_lparen_kw("param")) {
    next();
    next();
    use.has_inline = true;
    if (peek().kind == TokenKind::Id) {
      Token idtok = peek();
      if (!allow_names) {
        fail_unexpected(idtok);
        return use;
      }
      next();
      std::string name = id_name(idtok);
      if (!seen.insert(name).second) {
        fail(idtok, "duplicate local $" + name);
        return use;
      }
      use.param_binders.push_back(pos_);
      use.inline_type.params.push_back(take_valtype());
      use.param_names.push_back(std::move(name));
    } else {
      while (ok() && !at_close()) {
        use.inline_type.params.push_back(take_valtype());
        use.param_names.emplace_back();
        use.param_binders.push_back(TypeUse::kNoBinder);
      }
    }
    expect_rparen();
  }
  while (ok() && peek_lparen_kw("result")) {
    next();
    next();
    use.has_inline = true;
    while (ok() && !at_close())
      use.inline_type.results.push_back(take_valtype());
    expect_rparen();
  }
  // Out of order (`(result) (param)`, `(param) (type)`): a syntax error,
  // reported before the inline type is compared with the named one.
  if (peek_lparen_kw("param") || peek_lparen_kw("type"))
    fail_unexpected(peek(1));
  return use;
}

uint32_t WatParser::resolve_typeuse(const TypeUse& use) {
  if (!ok()) return 0;
  if (use.has_index) {
    if (use.has_inline) {
      if (use.index >= types_.size()) {
        fail(use.index_token, "unknown type");
        return 0;
      }
      const TypeDef& def = types_[use.index];
      if (def.kind != CompositeKind::Func || !(def.func == use.inline_type))
        fail(use.index_token, "inline function type does not match");
    }
    return use.index;
  }
  return implicit_func_type(use.inline_type);
}

std::string WatParser::func_type_key(const FuncType& type) {
  std::string key;
  auto add = [&](const ValType& t) {
    key += char(t.kind);
    key += char(t.nullable);
    key += char(t.heap.kind);
    for (int i = 0; i < 4; ++i) key += char(t.heap.index >> (8 * i));
  };
  for (const ValType& t : type.params) add(t);
  key += '>';
  for (const ValType& t : type.results) add(t);
  return key;
}

uint32_t WatParser::implicit_func_type(const FuncType& type) {
  std::string key = func_type_key(type);
  auto it = func_type_index_.find(key);
  if (it != func_type_index_.end()) return it->second;
  uint32_t index = uint32_t(types_.size());
  TypeDef def;
  def.func = type;
  types_.push_back(std::move(def));
  rec_groups_.push_back({index, 1, false});
  func_type_index_.emplace(std::move(key), index);
  return index;
}

}  // namespace heron::text
