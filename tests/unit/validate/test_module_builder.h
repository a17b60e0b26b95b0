// Test-only builder of Module values for the validator's unit tests. It fills
// the decoded representation directly (no binary encoding, no decoder), so
// validator tests can state exactly the module shape they exercise. Constant
// expressions and bodies are written as raw instruction bytes into a buffer
// the builder owns; Module::bytes points at it, so the builder must outlive
// the Module it returns.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "format/module.h"

namespace heron::test {

// Value and field type shorthands.
inline ValType ref(uint32_t type_index, bool nullable = false) {
  return ValType::ref(HeapType::concrete(type_index), nullable);
}
inline ValType ref(HeapKind kind, bool nullable = false) {
  return ValType::ref(HeapType::abstract(kind), nullable);
}
inline HeapType heap(HeapKind kind) { return HeapType::abstract(kind); }
inline HeapType heap(uint32_t index) { return HeapType::concrete(index); }
inline FieldType field(ValType t, bool mut = false) {
  return FieldType{StorageType{t, Packed::None}, mut};
}
inline FieldType packed(Packed p, bool mut = false) {
  return FieldType{StorageType{ValType::i32(), p}, mut};
}

// Composite/sub type shorthands. `super` is a type index; types are final
// unless `final` says otherwise (the text format's plain `(type (func))`).
inline SubType func_type(std::vector<ValType> params,
                         std::vector<ValType> results, bool final = true,
                         std::optional<uint32_t> super = std::nullopt) {
  SubType st;
  st.final = final;
  st.super = super;
  st.composite.kind = CompositeKind::Func;
  st.composite.func.params = std::move(params);
  st.composite.func.results = std::move(results);
  return st;
}
inline SubType struct_type(std::vector<FieldType> fields, bool final = true,
                           std::optional<uint32_t> super = std::nullopt) {
  SubType st;
  st.final = final;
  st.super = super;
  st.composite.kind = CompositeKind::Struct;
  st.composite.fields = std::move(fields);
  return st;
}
inline SubType array_type(FieldType elem, bool final = true,
                          std::optional<uint32_t> super = std::nullopt) {
  SubType st;
  st.final = final;
  st.super = super;
  st.composite.kind = CompositeKind::Array;
  st.composite.elem = elem;
  return st;
}
// `(sub $super ...)` / `(sub ...)`: non-final.
inline SubType open(SubType st, std::optional<uint32_t> super = std::nullopt) {
  st.final = false;
  st.super = super;
  return st;
}

// Instruction byte shorthands for constant expressions and bodies (without
// the final `end`, which the builder appends).
namespace op {
inline std::vector<uint8_t> leb_u(uint64_t v) {
  std::vector<uint8_t> out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
  return out;
}
inline std::vector<uint8_t> leb_s(int64_t v) {
  std::vector<uint8_t> out;
  for (;;) {
    uint8_t b = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : b | 0x80);
    if (done) return out;
  }
}
inline std::vector<uint8_t> with(uint8_t opcode, std::vector<uint8_t> imm) {
  imm.insert(imm.begin(), opcode);
  return imm;
}
inline std::vector<uint8_t> i32_const(int32_t v) {
  return with(0x41, leb_s(v));
}
inline std::vector<uint8_t> i64_const(int64_t v) {
  return with(0x42, leb_s(v));
}
inline std::vector<uint8_t> global_get(uint32_t g) {
  return with(0x23, leb_u(g));
}
inline std::vector<uint8_t> ref_func(uint32_t f) {
  return with(0xD2, leb_u(f));
}
// ref.null of an abstract heap type byte (0x70 func, 0x6F extern, ...).
inline std::vector<uint8_t> ref_null(uint8_t heap_byte) {
  return {0xD0, heap_byte};
}
inline std::vector<uint8_t> ref_null_type(uint32_t type_index) {
  return with(0xD0, leb_s(type_index));
}
inline std::vector<uint8_t> nop() { return {0x01}; }
inline std::vector<uint8_t> drop() { return {0x1A}; }
inline std::vector<uint8_t> seq(
    std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
}  // namespace op

class ModuleBuilder {
 public:
  ModuleBuilder() = default;
  ModuleBuilder(const ModuleBuilder&) = delete;
  ModuleBuilder& operator=(const ModuleBuilder&) = delete;

  // A type in its own rec group; returns its index.
  uint32_t type(SubType st) { return rec({std::move(st)}); }
  // A rec group; returns the index of its first type.
  uint32_t rec(std::vector<SubType> group) {
    RecGroup g{uint32_t(m_.types.size()), uint32_t(group.size())};
    for (SubType& st : group) {
      st.rec_group = uint32_t(m_.rec_groups.size());
      m_.types.push_back(std::move(st));
    }
    m_.rec_groups.push_back(g);
    return g.first;
  }

  // Imports: call before the definitions of the same kind.
  uint32_t import_func(uint32_t type_index) {
    Import imp = import_of(ExternKind::Func);
    imp.type_index = type_index;
    m_.imports.push_back(imp);
    m_.funcs.push_back(type_index);
    return m_.num_imported_funcs++;
  }
  uint32_t import_table(TableType t) {
    Import imp = import_of(ExternKind::Table);
    imp.table = t;
    m_.imports.push_back(imp);
    m_.tables.push_back(Table{t, std::nullopt, true});
    return m_.num_imported_tables++;
  }
  uint32_t import_memory(MemoryType t) {
    Import imp = import_of(ExternKind::Memory);
    imp.memory = t;
    m_.imports.push_back(imp);
    m_.memories.push_back(Memory{t, true});
    return m_.num_imported_memories++;
  }
  uint32_t import_global(ValType t, bool mut = false) {
    Import imp = import_of(ExternKind::Global);
    imp.global = GlobalType{t, mut};
    m_.imports.push_back(imp);
    m_.globals.push_back(Global{imp.global, ConstExpr{}, true});
    return m_.num_imported_globals++;
  }
  uint32_t import_tag(uint32_t type_index) {
    Import imp = import_of(ExternKind::Tag);
    imp.type_index = type_index;
    m_.imports.push_back(imp);
    m_.tags.push_back(Tag{TagType{type_index}, true});
    return m_.num_imported_tags++;
  }

  // A defined function whose body has no locals and the given instructions.
  uint32_t func(uint32_t type_index, std::vector<uint8_t> code = {}) {
    std::vector<uint8_t> body = {0x00};  // no local declarations
    body.insert(body.end(), code.begin(), code.end());
    m_.funcs.push_back(type_index);
    m_.bodies.push_back(FuncBody{append(body)});
    return uint32_t(m_.funcs.size() - 1);
  }
  uint32_t table(TableType t,
                 std::optional<std::vector<uint8_t>> init = std::nullopt) {
    std::optional<ConstExpr> e;
    if (init) e = expr(*init);
    m_.tables.push_back(Table{t, e, false});
    return uint32_t(m_.tables.size() - 1);
  }
  uint32_t memory(MemoryType t) {
    m_.memories.push_back(Memory{t, false});
    return uint32_t(m_.memories.size() - 1);
  }
  uint32_t global(ValType t, std::vector<uint8_t> init, bool mut = false) {
    m_.globals.push_back(Global{GlobalType{t, mut}, expr(init), false});
    return uint32_t(m_.globals.size() - 1);
  }
  uint32_t tag(uint32_t type_index) {
    m_.tags.push_back(Tag{TagType{type_index}, false});
    return uint32_t(m_.tags.size() - 1);
  }
  void export_(std::string name, ExternKind kind, uint32_t index) {
    m_.exports.push_back(Export{std::move(name), kind, index});
  }
  void start(uint32_t func_index) { m_.start = func_index; }

  // Element segments: function-index form or expression form.
  ElemSegment& elem_funcs(SegmentMode mode, std::vector<uint32_t> funcs,
                          uint32_t table = 0,
                          std::vector<uint8_t> offset = op::i32_const(0)) {
    ElemSegment seg;
    seg.mode = mode;
    seg.table = table;
    if (mode == SegmentMode::Active) seg.offset = expr(offset);
    seg.func_indices = std::move(funcs);
    seg.section_offset = uint32_t(bytes_.size());
    m_.elems.push_back(std::move(seg));
    return m_.elems.back();
  }
  ElemSegment& elem_exprs(SegmentMode mode, ValType type,
                          std::vector<std::vector<uint8_t>> items,
                          uint32_t table = 0,
                          std::vector<uint8_t> offset = op::i32_const(0)) {
    ElemSegment seg;
    seg.mode = mode;
    seg.table = table;
    seg.type = type;
    seg.uses_exprs = true;
    if (mode == SegmentMode::Active) seg.offset = expr(offset);
    for (auto& item : items) seg.exprs.push_back(expr(item));
    seg.section_offset = uint32_t(bytes_.size());
    m_.elems.push_back(std::move(seg));
    return m_.elems.back();
  }
  DataSegment& data(SegmentMode mode, uint32_t memory = 0,
                    std::vector<uint8_t> offset = op::i32_const(0)) {
    DataSegment d;
    d.mode = mode;
    d.memory = memory;
    if (mode == SegmentMode::Active) d.offset = expr(offset);
    d.section_offset = uint32_t(bytes_.size());
    m_.datas.push_back(d);
    return m_.datas.back();
  }

  // The module; valid until the builder is destroyed or changed.
  const Module& module() {
    m_.bytes = std::span<const uint8_t>(bytes_.data(), bytes_.size());
    return m_;
  }
  Module& raw() { return m_; }

 private:
  static Import import_of(ExternKind kind) {
    Import imp;
    imp.module = "m";
    imp.name = "i";
    imp.kind = kind;
    return imp;
  }
  ByteRange append(const std::vector<uint8_t>& code) {
    ByteRange r{uint32_t(bytes_.size()), uint32_t(code.size() + 1)};
    bytes_.insert(bytes_.end(), code.begin(), code.end());
    bytes_.push_back(0x0B);  // end
    return r;
  }
  ConstExpr expr(const std::vector<uint8_t>& code) {
    return ConstExpr{append(code)};
  }

  Module m_;
  std::vector<uint8_t> bytes_;
};

// A 32-bit table or memory type.
inline TableType table_type(ValType elem, uint64_t min,
                            std::optional<uint64_t> max = std::nullopt,
                            bool is64 = false) {
  TableType t;
  t.elem = elem;
  t.limits.min = min;
  t.limits.max = max;
  t.limits.is64 = is64;
  return t;
}
inline MemoryType memory_type(uint64_t min,
                              std::optional<uint64_t> max = std::nullopt,
                              bool is64 = false, bool shared = false,
                              uint32_t page_size_log2 = 16) {
  MemoryType t;
  t.limits.min = min;
  t.limits.max = max;
  t.limits.is64 = is64;
  t.limits.shared = shared;
  t.page_size_log2 = page_size_log2;
  return t;
}

}  // namespace heron::test
