// Test-only helpers for the function-body validator's tests: an encoder for
// instruction bytes (opcodes, LEB128 immediates, value types) and a small
// Module holder whose bodies may declare locals, so a test states a body as
// readable bytes and validates it without the decoder or the text parser.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "format/module.h"
#include "format/types.h"

namespace heron::test {

// Appends instruction bytes: raw bytes, LEB128 integers and value types.
class Code {
 public:
  Code() = default;
  Code(std::initializer_list<uint8_t> raw) : bytes_(raw) {}

  Code& op(std::initializer_list<uint8_t> raw) {
    bytes_.insert(bytes_.end(), raw.begin(), raw.end());
    return *this;
  }
  Code& u(uint64_t v) {
    do {
      uint8_t b = v & 0x7F;
      v >>= 7;
      bytes_.push_back(v ? b | 0x80 : b);
    } while (v);
    return *this;
  }
  Code& s(int64_t v) {
    for (;;) {
      uint8_t b = v & 0x7F;
      v >>= 7;
      bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      bytes_.push_back(done ? b : b | 0x80);
      if (done) return *this;
    }
  }
  Code& heap(const HeapType& h) {
    if (h.is_concrete()) return s(h.index);
    bytes_.push_back(abstract_byte(h.kind));
    return *this;
  }
  Code& type(const ValType& t) {
    switch (t.kind) {
      case ValKind::I32:
        bytes_.push_back(typecode::kI32);
        break;
      case ValKind::I64:
        bytes_.push_back(typecode::kI64);
        break;
      case ValKind::F32:
        bytes_.push_back(typecode::kF32);
        break;
      case ValKind::F64:
        bytes_.push_back(typecode::kF64);
        break;
      case ValKind::V128:
        bytes_.push_back(typecode::kV128);
        break;
      case ValKind::Ref:
        bytes_.push_back(t.nullable ? typecode::kRefNull : typecode::kRef);
        heap(t.heap);
        break;
      case ValKind::Bot:
        break;
    }
    return *this;
  }
  Code& append(const Code& other) {
    bytes_.insert(bytes_.end(), other.bytes_.begin(), other.bytes_.end());
    return *this;
  }
  // Shorthands for the most common instructions.
  Code& i32_const(int32_t v) { return op({0x41}).s(v); }
  Code& i64_const(int64_t v) { return op({0x42}).s(v); }
  Code& f32_const() { return op({0x43, 0, 0, 0, 0}); }
  Code& f64_const() { return op({0x44, 0, 0, 0, 0, 0, 0, 0, 0}); }
  Code& local_get(uint32_t i) { return op({0x20}).u(i); }
  Code& local_set(uint32_t i) { return op({0x21}).u(i); }
  Code& end() { return op({0x0B}); }

  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  static uint8_t abstract_byte(HeapKind k) {
    switch (k) {
      case HeapKind::Func:
        return typecode::kFunc;
      case HeapKind::NoFunc:
        return typecode::kNoFunc;
      case HeapKind::Extern:
        return typecode::kExtern;
      case HeapKind::NoExtern:
        return typecode::kNoExtern;
      case HeapKind::Any:
        return typecode::kAny;
      case HeapKind::Eq:
        return typecode::kEq;
      case HeapKind::I31:
        return typecode::kI31;
      case HeapKind::Struct:
        return typecode::kStruct;
      case HeapKind::Array:
        return typecode::kArray;
      case HeapKind::None:
        return typecode::kNone;
      case HeapKind::Exn:
        return typecode::kExn;
      case HeapKind::NoExn:
        return typecode::kNoExn;
      default:
        return 0;
    }
  }
  std::vector<uint8_t> bytes_;
};

// A module under construction. Index spaces are filled directly; bodies and
// constant expressions are appended to a byte buffer that Module::bytes
// points at, so the TestModule must outlive the Module it hands out.
class TestModule {
 public:
  TestModule() = default;
  TestModule(const TestModule&) = delete;
  TestModule& operator=(const TestModule&) = delete;

  // A type in its own rec group; returns its index.
  uint32_t type(SubType st) {
    st.rec_group = uint32_t(m_.rec_groups.size());
    m_.rec_groups.push_back(RecGroup{uint32_t(m_.types.size()), 1});
    m_.types.push_back(std::move(st));
    return uint32_t(m_.types.size() - 1);
  }
  uint32_t func_type(std::vector<ValType> params,
                     std::vector<ValType> results) {
    SubType st;
    st.composite.kind = CompositeKind::Func;
    st.composite.func.params = std::move(params);
    st.composite.func.results = std::move(results);
    return type(std::move(st));
  }
  uint32_t struct_type(std::vector<FieldType> fields) {
    SubType st;
    st.composite.kind = CompositeKind::Struct;
    st.composite.fields = std::move(fields);
    return type(std::move(st));
  }
  uint32_t array_type(FieldType elem) {
    SubType st;
    st.composite.kind = CompositeKind::Array;
    st.composite.elem = elem;
    return type(std::move(st));
  }

  uint32_t import_func(uint32_t type_index) {
    m_.funcs.push_back(type_index);
    ++m_.num_imported_funcs;
    return uint32_t(m_.funcs.size() - 1);
  }
  // A defined function; `body` holds the local declarations and the code
  // including the final `end`. Returns the function index.
  uint32_t func(uint32_t type_index, const std::vector<uint8_t>& body) {
    m_.funcs.push_back(type_index);
    m_.bodies.push_back(FuncBody{append(body)});
    return uint32_t(m_.funcs.size() - 1);
  }
  // A function without locals whose code is `code` followed by `end`.
  uint32_t func_code(uint32_t type_index, const Code& code) {
    Code body{0x00};
    body.append(code).end();
    return func(type_index, body.bytes());
  }
  uint32_t table(ValType elem, bool is64 = false) {
    Table t;
    t.type.elem = elem;
    t.type.limits.is64 = is64;
    m_.tables.push_back(t);
    return uint32_t(m_.tables.size() - 1);
  }
  uint32_t memory(bool is64 = false) {
    Memory mem;
    mem.type.limits.is64 = is64;
    m_.memories.push_back(mem);
    return uint32_t(m_.memories.size() - 1);
  }
  uint32_t global(ValType t, bool mut) {
    m_.globals.push_back(Global{GlobalType{t, mut}, ConstExpr{}, false});
    return uint32_t(m_.globals.size() - 1);
  }
  uint32_t tag(uint32_t type_index) {
    m_.tags.push_back(Tag{TagType{type_index}, false});
    return uint32_t(m_.tags.size() - 1);
  }
  uint32_t elem(ValType t) {
    ElemSegment seg;
    seg.mode = SegmentMode::Passive;
    seg.type = t;
    m_.elems.push_back(seg);
    return uint32_t(m_.elems.size() - 1);
  }
  // A passive data segment; `with_count` also declares a data count section.
  uint32_t data(bool with_count = true) {
    DataSegment d;
    d.mode = SegmentMode::Passive;
    m_.datas.push_back(d);
    if (with_count) m_.data_count = uint32_t(m_.datas.size());
    return uint32_t(m_.datas.size() - 1);
  }
  // A constant expression: `code` followed by `end`.
  ConstExpr expr(const Code& code) {
    std::vector<uint8_t> b = code.bytes();
    b.push_back(0x0B);
    return ConstExpr{append(b)};
  }
  // Appends arbitrary bytes (e.g. what follows a body in a real module).
  void trailing(const std::vector<uint8_t>& b) { append(b); }

  const Module& module() {
    m_.bytes = std::span<const uint8_t>(bytes_.data(), bytes_.size());
    return m_;
  }

 private:
  ByteRange append(const std::vector<uint8_t>& b) {
    ByteRange r{uint32_t(bytes_.size()), uint32_t(b.size())};
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return r;
  }

  Module m_;
  std::vector<uint8_t> bytes_;
};

}  // namespace heron::test
