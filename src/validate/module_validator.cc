// validate_module: module-level validation in the spec's order (types,
// imports, function declarations, tags, memories, tables, globals, data and
// element segments, start, exports), then every function body.
//
// Module-level checks are cheap and sequential; the bodies are the expensive
// part, and each validates independently against the read-only TypeContext,
// so they are shared among threads when the caller allows it.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "format/binary_reader.h"
#include "format/opcode.h"
#include "support/parallel.h"
#include "validate/func_validator.h"
#include "validate/type_context.h"
#include "validate/validator.h"

namespace heron {
namespace {

Error invalid(std::string message, uint64_t offset = Error::kNoOffset) {
  return Error(ErrorKind::Invalid, std::move(message), offset);
}

std::string num(uint64_t v) { return std::to_string(v); }

// Human-readable size of 2^log2 bytes, for limit messages ("4GiB").
std::string byte_size(unsigned log2) {
  static const char* const kUnits[] = {"B",   "KiB", "MiB", "GiB",
                                       "TiB", "PiB", "EiB"};
  unsigned unit = std::min(log2 / 10, 6u);
  return num(uint64_t(1) << (log2 - unit * 10)) + kUnits[unit];
}

// Reports every `ref.func x` of a constant expression. Scanning stops at the
// first instruction a constant expression cannot hold (with an immediate we
// would have to understand): the expression is then invalid anyway, and its
// validation reports why.
template <class F>
void for_each_ref_func(const Module& m, const ConstExpr& expr, F&& f) {
  if (uint64_t(expr.bytes.offset) + expr.bytes.size > m.bytes.size()) return;
  BinaryReader r(m.slice(expr.bytes), expr.bytes.offset);
  while (!r.at_end() && !r.failed()) {
    uint8_t byte = r.u8();
    std::optional<Opcode> op = is_prefix_byte(byte)
                                   ? opcode_from_binary(byte, r.u32())
                                   : opcode_from_binary(0, byte);
    if (!op || r.failed()) return;
    switch (opcode_info(*op).imm) {
      case Imm::None:
        break;
      case Imm::I32:
        r.s32();
        break;
      case Imm::I64:
        r.s64();
        break;
      case Imm::F32:
        r.bytes(4);
        break;
      case Imm::F64:
        r.bytes(8);
        break;
      case Imm::V128:
        r.bytes(16);
        break;
      case Imm::HeapType:
        r.s33();
        break;
      case Imm::Func: {
        uint32_t index = r.u32();
        if (*op == Opcode::RefFunc && !r.failed()) f(index);
        break;
      }
      case Imm::Global:
      case Imm::Type:
      case Imm::Local:
      case Imm::Table:
      case Imm::Memory:
      case Imm::Data:
      case Imm::Elem:
      case Imm::Tag:
      case Imm::Label:
        r.u32();
        break;
      case Imm::ArrayNewFixed:
      case Imm::ArrayData:
      case Imm::ArrayElem:
      case Imm::ArrayCopy:
      case Imm::StructField:
        r.u32();
        r.u32();
        break;
      default:
        return;
    }
  }
}

// Validates every defined function's body, on up to `threads` threads: each
// body depends only on the read-only TypeContext, so each worker reuses one
// FuncValidator for the bodies it takes, and the error reported is that of
// the lowest-indexed invalid body, as in a serial loop (support/parallel.h).
Result<void> validate_bodies(const TypeContext& types, uint32_t threads) {
  const Module& m = types.module();
  std::vector<uint32_t> weights(m.bodies.size());
  for (size_t i = 0; i < m.bodies.size(); ++i)
    weights[i] = m.bodies[i].range.size;
  return for_each_index(
      threads, weights, [&] { return FuncValidator(types); },
      [&](FuncValidator& validator, uint32_t i) -> Result<void> {
        const uint32_t func_index = m.num_imported_funcs + i;
        Result<void> r = validator.validate_body(func_index, m.bodies[i]);
        if (r) return r;
        Error e = std::move(r).error();
        if (e.func == Error::kNoFunc) e.func = func_index;
        if (!e.has_offset()) e.offset = m.bodies[i].range.offset;
        return e;
      });
}

class ModuleValidator {
 public:
  ModuleValidator(const Module& m, TypeContext& types, uint32_t threads)
      : m_(m), types_(types), consts_(types), threads_(threads) {}

  Result<void> run() {
    if (Result<void> r = check_index_spaces(); !r) return r;
    declare_referenced_funcs();
    if (Result<void> r = check_imports(); !r) return r;
    if (Result<void> r = check_funcs(); !r) return r;
    if (Result<void> r = check_tags(); !r) return r;
    if (Result<void> r = check_memories(); !r) return r;
    if (Result<void> r = check_tables(); !r) return r;
    if (Result<void> r = check_globals(); !r) return r;
    if (Result<void> r = check_datas(); !r) return r;
    if (Result<void> r = check_elems(); !r) return r;
    if (Result<void> r = check_start(); !r) return r;
    if (Result<void> r = check_exports(); !r) return r;
    return validate_bodies(types_, threads_);
  }

 private:
  // The decoder guarantees these; a module built some other way (tests, the
  // text encoder) must not make us index out of bounds.
  Result<void> check_index_spaces() {
    if (m_.num_imported_funcs > m_.funcs.size() ||
        m_.funcs.size() - m_.num_imported_funcs != m_.bodies.size())
      return Error(ErrorKind::Malformed,
                   "function and code section have inconsistent lengths");
    if (m_.num_imported_tables > m_.tables.size() ||
        m_.num_imported_memories > m_.memories.size() ||
        m_.num_imported_globals > m_.globals.size() ||
        m_.num_imported_tags > m_.tags.size())
      return Error(ErrorKind::Internal,
                   "module has more imports than index space entries");
    return {};
  }

  // ref.func in a body may only name functions referenced outside bodies:
  // in exports, element segments and constant expressions (C.refs).
  void declare_referenced_funcs() {
    auto declare = [this](uint32_t f) { types_.declare_func(f); };
    for (const Export& e : m_.exports)
      if (e.kind == ExternKind::Func) declare(e.index);
    for (const ElemSegment& seg : m_.elems) {
      for (uint32_t f : seg.func_indices) declare(f);
      for (const ConstExpr& e : seg.exprs) for_each_ref_func(m_, e, declare);
      if (seg.mode == SegmentMode::Active)
        for_each_ref_func(m_, seg.offset, declare);
    }
    for (uint32_t i = m_.num_imported_globals; i < m_.globals.size(); ++i)
      for_each_ref_func(m_, m_.globals[i].init, declare);
    for (const Table& t : m_.tables)
      if (t.init) for_each_ref_func(m_, *t.init, declare);
  }

  Result<void> check_valtype(const ValType& t, uint64_t offset) const {
    if (!types_.is_valid(t))
      return invalid("unknown type " + num(t.heap.index), offset);
    return {};
  }

  Result<void> check_func_type_index(uint32_t index, uint64_t offset) const {
    if (index >= types_.num_types())
      return invalid("unknown type " + num(index), offset);
    if (!types_.is_func_type(index))
      return invalid("unknown type " + num(index) + ": not a function type",
                     offset);
    return {};
  }

  // min <= max, both within the address space of the table or memory.
  // `too_large` builds the message for a bound violation (only then).
  template <class Message>
  static Result<void> check_limits(const Limits& l, uint64_t bound,
                                   Message&& too_large, uint64_t offset) {
    if (l.min > bound || (l.max && *l.max > bound))
      return invalid(too_large(), offset);
    if (l.max && l.min > *l.max)
      return invalid("size minimum must not be greater than maximum", offset);
    return {};
  }

  Result<void> check_table_type(const TableType& t, uint64_t offset) const {
    if (Result<void> r = check_valtype(t.elem, offset); !r) return r;
    const uint64_t bound = t.limits.is64 ? UINT64_MAX : uint64_t(UINT32_MAX);
    return check_limits(
        t.limits, bound,
        [&] {
          return std::string("table size must be at most ") +
                 (t.limits.is64 ? "2^64-1" : "2^32-1");
        },
        offset);
  }

  Result<void> check_memory_type(const MemoryType& t, uint64_t offset) const {
    // custom-page-sizes: 1 byte or 64KiB pages only.
    if (t.page_size_log2 != 0 && t.page_size_log2 != 16)
      return invalid("invalid custom page size", offset);
    // The memory spans at most the whole address space: 2^(bits - log2)
    // pages, capped at the largest page count the address type can hold
    // (1-byte pages).
    const unsigned addr_bits = t.limits.is64 ? 64 : 32;
    const unsigned pages_log2 = addr_bits - t.page_size_log2;
    const uint64_t addr_max = t.limits.is64 ? UINT64_MAX : uint64_t(UINT32_MAX);
    const uint64_t max_pages =
        pages_log2 >= addr_bits ? addr_max : uint64_t(1) << pages_log2;
    auto msg = [&] {
      return "memory size must be at most " + num(max_pages) + " pages (" +
             byte_size(addr_bits) + ")";
    };
    if (Result<void> r = check_limits(t.limits, max_pages, msg, offset); !r)
      return r;
    if (t.limits.shared && !t.limits.max)
      return invalid("shared memory must have maximum", offset);
    return {};
  }

  Result<void> check_tag_type(const TagType& t, uint64_t offset) const {
    if (Result<void> r = check_func_type_index(t.type_index, offset); !r)
      return r;
    if (!types_.type(t.type_index).composite.func.results.empty())
      return invalid("non-empty tag result type", offset);
    return {};
  }

  // Offset of the `index`-th import of `kind` (imports precede definitions
  // in every index space).
  uint64_t import_offset(ExternKind kind, uint32_t index) const {
    for (const Import& imp : m_.imports)
      if (imp.kind == kind && index-- == 0) return imp.offset;
    return Error::kNoOffset;
  }

  Result<void> check_imports() const {
    for (const Import& imp : m_.imports) {
      Result<void> r;
      switch (imp.kind) {
        case ExternKind::Func:
          r = check_func_type_index(imp.type_index, imp.offset);
          break;
        case ExternKind::Tag:
          r = check_tag_type(TagType{imp.type_index}, imp.offset);
          break;
        case ExternKind::Table:
          r = check_table_type(imp.table, imp.offset);
          break;
        case ExternKind::Memory:
          r = check_memory_type(imp.memory, imp.offset);
          break;
        case ExternKind::Global:
          r = check_valtype(imp.global.type, imp.offset);
          break;
      }
      if (!r) return r;
    }
    return {};
  }

  // Imported functions are covered too: the function index space holds
  // their type indices as well.
  Result<void> check_funcs() const {
    for (uint32_t i = 0; i < m_.funcs.size(); ++i) {
      if (Result<void> r = check_func_type_index(m_.funcs[i], 0); r.ok())
        continue;
      // Only on failure: find where the function was declared.
      uint64_t offset = i >= m_.num_imported_funcs
                            ? m_.bodies[i - m_.num_imported_funcs].range.offset
                            : import_offset(ExternKind::Func, i);
      return check_func_type_index(m_.funcs[i], offset);
    }
    return {};
  }

  Result<void> check_tags() const {
    for (uint32_t i = m_.num_imported_tags; i < m_.tags.size(); ++i)
      if (Result<void> r = check_tag_type(m_.tags[i].type, m_.tags[i].offset);
          !r)
        return r;
    return {};
  }

  Result<void> check_memories() const {
    for (uint32_t i = m_.num_imported_memories; i < m_.memories.size(); ++i)
      if (Result<void> r =
              check_memory_type(m_.memories[i].type, m_.memories[i].offset);
          !r)
        return r;
    return {};
  }

  // Table initializers see only imported globals: the table section comes
  // before the global section.
  Result<void> check_tables() {
    for (uint32_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
      const Table& t = m_.tables[i];
      const uint64_t offset = t.offset;
      if (Result<void> r = check_table_type(t.type, offset); !r) return r;
      if (t.init) {
        Result<void> r = consts_.validate_const_expr(*t.init, t.type.elem,
                                                     m_.num_imported_globals);
        if (!r) return r;
      } else if (!TypeContext::is_defaultable(t.type.elem)) {
        return invalid("type mismatch: a table of non-nullable " +
                           to_string(t.type.elem) +
                           " needs an initializer expression",
                       offset);
      }
    }
    return {};
  }

  // Each global's initializer sees the imported and earlier globals.
  Result<void> check_globals() {
    for (uint32_t i = m_.num_imported_globals; i < m_.globals.size(); ++i) {
      const Global& g = m_.globals[i];
      if (Result<void> r = check_valtype(g.type.type, g.offset); !r) return r;
      if (Result<void> r = consts_.validate_const_expr(g.init, g.type.type, i);
          !r)
        return r;
    }
    return {};
  }

  Result<void> check_datas() {
    const uint32_t all_globals = uint32_t(m_.globals.size());
    for (const DataSegment& d : m_.datas) {
      if (d.mode != SegmentMode::Active) continue;
      if (d.memory >= m_.memories.size())
        return invalid("unknown memory " + num(d.memory), d.section_offset);
      const ValType addr = m_.memories[d.memory].type.limits.is64
                               ? ValType::i64()
                               : ValType::i32();
      if (Result<void> r =
              consts_.validate_const_expr(d.offset, addr, all_globals);
          !r)
        return r;
    }
    return {};
  }

  Result<void> check_elems() {
    const uint32_t all_globals = uint32_t(m_.globals.size());
    const uint32_t num_funcs = uint32_t(m_.funcs.size());
    for (const ElemSegment& seg : m_.elems) {
      const uint64_t offset = seg.section_offset;
      if (Result<void> r = check_valtype(seg.type, offset); !r) return r;
      for (uint32_t f : seg.func_indices)
        if (f >= num_funcs)
          return invalid("unknown function " + num(f), offset);
      for (const ConstExpr& e : seg.exprs)
        if (Result<void> r =
                consts_.validate_const_expr(e, seg.type, all_globals);
            !r)
          return r;
      if (seg.mode != SegmentMode::Active) continue;
      if (seg.table >= m_.tables.size())
        return invalid("unknown table " + num(seg.table), offset);
      const TableType& table = m_.tables[seg.table].type;
      if (!types_.is_subtype(seg.type, table.elem))
        return invalid(
            "type mismatch: element segment's type " + to_string(seg.type) +
                " does not match table's element type " + to_string(table.elem),
            offset);
      const ValType addr = table.limits.is64 ? ValType::i64() : ValType::i32();
      if (Result<void> r =
              consts_.validate_const_expr(seg.offset, addr, all_globals);
          !r)
        return r;
    }
    return {};
  }

  Result<void> check_start() const {
    if (!m_.start) return {};
    const uint32_t f = *m_.start;
    if (f >= m_.funcs.size())
      return invalid("unknown function " + num(f), m_.start_offset);
    const FuncType& ft = m_.func_type(f);
    if (!ft.params.empty() || !ft.results.empty())
      return invalid("start function must not have parameters or results",
                     m_.start_offset);
    return {};
  }

  Result<void> check_exports() const {
    for (const Export& e : m_.exports) {
      size_t size = 0;
      const char* what = "";
      switch (e.kind) {
        case ExternKind::Func:
          size = m_.funcs.size(), what = "function";
          break;
        case ExternKind::Table:
          size = m_.tables.size(), what = "table";
          break;
        case ExternKind::Memory:
          size = m_.memories.size(), what = "memory";
          break;
        case ExternKind::Global:
          size = m_.globals.size(), what = "global";
          break;
        case ExternKind::Tag:
          size = m_.tags.size(), what = "tag";
          break;
      }
      if (e.index >= size)
        return invalid(std::string("unknown ") + what + " " + num(e.index),
                       e.offset);
    }
    std::unordered_set<std::string_view> names;
    names.reserve(m_.exports.size());
    for (const Export& e : m_.exports)
      if (!names.insert(e.name).second)
        return invalid("duplicate export name \"" + e.name + "\"", e.offset);
    return {};
  }

  const Module& m_;
  TypeContext& types_;
  // Validates every constant expression; bodies get their own validators.
  FuncValidator consts_;
  const uint32_t threads_;
};

}  // namespace

// The limits a narrower feature set puts back in place; checked before
// anything else, as the specs that had them did.
Result<void> check_feature_limits(const Module& m, const Features& f) {
  if (!f.multi_memory && m.memories.size() > 1)
    return invalid("multiple memories", m.memories[1].offset);
  if (!f.multi_table && m.tables.size() > 1)
    return invalid("multiple tables", m.tables[1].offset);
  if (!f.memory64) {
    for (const Memory& mem : m.memories)
      if (mem.type.limits.is64)
        return invalid("memory64 is not enabled", mem.offset);
    for (const Table& t : m.tables)
      if (t.type.limits.is64)
        return invalid("table64 is not enabled", t.offset);
  }
  return {};
}

Result<void> validate_module(const Module& module, const Features& features,
                             uint32_t threads) {
  if (Result<void> r = check_feature_limits(module, features); !r) return r;
  Result<TypeContext> types = TypeContext::build(module);
  if (!types) return std::move(types).error();
  return ModuleValidator(module, *types, std::max(threads, 1u)).run();
}

}  // namespace heron
