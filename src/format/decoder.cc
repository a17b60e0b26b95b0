// The binary module decoder; see decoder.h.
//
// Reading model. The spec's reference decoder reads every section with the
// whole rest of the module as its window and compares positions afterwards
// ("section size mismatch"); lengths are checked against the bytes left in
// the module ("length out of bounds"), and running off the end of the module
// is "unexpected end of section or function". The testsuite's messages depend
// on that model (a vector whose count is too large reads into the next
// section and fails there), so this decoder follows it: one BinaryReader over
// the whole module, no per-section windows. Reads stay inside the module
// whatever the input, and every vector count is bounded by the bytes left
// before anything is reserved.
//
// Function bodies are not decoded here (the validator does that in one
// pass); only their local declarations are, for "too many locals". The
// exception is a module already known to be malformed (an error after the
// start of the code section, or a body not ending in `end`): then the bodies
// are scanned as the reference decoder reads them, because its error may lie
// inside a body that overran its declared size (scan_bodies).
#include "format/decoder.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "format/binary_reader.h"
#include "format/opcode.h"
#include "format/operator_reader.h"

namespace heron {
namespace {

constexpr const char* kUnexpectedEnd = "unexpected end of section or function";
constexpr uint32_t kMagic = 0x6D736100;  // "\0asm"
constexpr uint32_t kVersion = 1;

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElem = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
  kTag = 13,
};

// Position of each known section id in the required order (the tag section
// sits between memory and global, the data count section before code).
constexpr uint8_t kSectionRank[14] = {
    0,   // custom: anywhere
    1,   // type
    2,   // import
    3,   // function
    4,   // table
    5,   // memory
    7,   // global
    8,   // export
    9,   // start
    10,  // elem
    12,  // code
    13,  // data
    11,  // data count
    6,   // tag
};

// Elements of each vector take at least this many bytes; reserving
// count/min elements keeps a forged count from allocating more than the
// input could describe.
template <class T>
void reserve_for(std::vector<T>& v, uint32_t count, size_t remaining,
                 size_t min_bytes) {
  v.reserve(v.size() + std::min<size_t>(count, remaining / min_bytes + 1));
}

class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> bytes) : r_(bytes, 0) {
    r_.set_eof_message(kUnexpectedEnd);
    m_.bytes = bytes;
  }

  Result<Module> run() {
    if (m_.bytes.size() > UINT32_MAX)
      return Error(ErrorKind::Limit, "module larger than 4 GiB", 0);
    header();
    sections();
    if (r_.failed()) {
      Error e = *r_.take_error();
      // The reference decoder decodes bodies as it meets them, so a
      // malformed body comes before any error found after it.
      if (code_start_ && e.offset >= *code_start_) {
        if (auto body_error = scan_bodies()) return std::move(*body_error);
      }
      return e;
    }
    // A body that does not end with `end` is malformed; find the error the
    // reference decoder reports for it (it may read past the body).
    for (const FuncBody& body : m_.bodies) {
      if (body.range.size == 0 || m_.bytes[body.range.end() - 1] != 0x0B) {
        if (auto body_error = scan_bodies()) return std::move(*body_error);
        break;
      }
    }
    return std::move(m_);
  }

 private:
  void header() {
    uint32_t magic = r_.u32_fixed();
    if (r_.failed()) return;
    if (magic != kMagic) return r_.fail("magic header not detected", 0);
    uint32_t version = r_.u32_fixed();
    if (r_.failed()) return;
    if (version != kVersion) return r_.fail("unknown binary version", 4);
  }

  void sections() {
    uint8_t last_rank = 0;
    uint32_t num_defined_funcs = 0;
    while (!r_.failed() && !r_.at_end()) {
      uint64_t section_offset = r_.offset();
      uint8_t id = r_.u8();
      if (id > kTag) return r_.fail("malformed section id", section_offset);
      if (id != kCustom) {
        // Out of order or repeated: the reference decoder stops reading
        // sections there and reports the leftover bytes.
        if (kSectionRank[id] <= last_rank)
          return r_.fail("unexpected content after last section",
                         section_offset);
        last_rank = kSectionRank[id];
      }
      uint32_t size = r_.length();
      if (r_.failed()) return;
      size_t start = r_.pos();
      switch (SectionId(id)) {
        case kCustom:
          custom_section(size);
          break;
        case kType:
          type_section();
          break;
        case kImport:
          import_section();
          break;
        case kFunction:
          num_defined_funcs = function_section();
          break;
        case kTable:
          table_section();
          break;
        case kMemory:
          memory_section();
          break;
        case kTag:
          tag_section();
          break;
        case kGlobal:
          global_section();
          break;
        case kExport:
          export_section();
          break;
        case kStart:
          m_.start_offset = uint32_t(r_.offset());
          m_.start = r_.u32();
          break;
        case kElem:
          elem_section();
          break;
        case kDataCount:
          m_.data_count = r_.u32();
          break;
        case kCode:
          code_start_ = section_offset;
          code_section();
          break;
        case kData:
          data_section();
          break;
      }
      if (r_.failed()) return;
      if (r_.pos() != start + size)
        return r_.fail("section size mismatch", start);
    }
    uint64_t end = m_.bytes.size();
    if (num_defined_funcs != m_.bodies.size())
      return r_.fail("function and code section have inconsistent lengths",
                     end);
    if (m_.data_count && *m_.data_count != m_.datas.size())
      return r_.fail("data count and data section have inconsistent lengths",
                     end);
  }

  // ---- Custom sections

  void custom_section(uint32_t size) {
    size_t start = r_.pos();
    std::string name = r_.name();
    if (r_.failed()) return;
    size_t used = r_.pos() - start;
    if (used > size) return r_.fail(kUnexpectedEnd, start + size);
    ByteRange payload{uint32_t(r_.pos()), uint32_t(size - used)};
    if (!r_.bytes(payload.size)) return;
    if (name == "name") {
      if (auto names = decode_name_section(m_.bytes, payload))
        m_.names = std::move(*names);
    }
    m_.customs.push_back(CustomSection{std::move(name), payload});
  }

  // ---- Types

  uint32_t type_index_u32() {
    uint64_t at = r_.offset();
    uint32_t x = r_.u32();
    if (x > uint32_t(INT32_MAX)) r_.fail("malformed type index", at);
    return x;
  }

  void type_section() {
    uint32_t n = r_.length();
    reserve_for(m_.types, n, r_.remaining(), 3);
    reserve_for(m_.rec_groups, n, r_.remaining(), 3);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      uint32_t group = uint32_t(m_.rec_groups.size());
      RecGroup rec{uint32_t(m_.types.size()), 1};
      if (r_.peek_u8() == typecode::kRecGroup && !r_.at_end()) {
        r_.u8();
        rec.count = r_.length();
        reserve_for(m_.types, rec.count, r_.remaining(), 3);
        for (uint32_t j = 0; j < rec.count && !r_.failed(); ++j)
          sub_type(group);
      } else {
        sub_type(group);
      }
      m_.rec_groups.push_back(rec);
    }
  }

  void sub_type(uint32_t group) {
    SubType st;
    st.rec_group = group;
    st.offset = uint32_t(r_.offset());
    uint8_t b = r_.peek_u8();
    if (!r_.at_end() &&
        (b == typecode::kSubType || b == typecode::kSubFinalType)) {
      r_.u8();
      st.final = b == typecode::kSubFinalType;
      uint64_t at = r_.offset();
      uint32_t k = r_.length();
      for (uint32_t j = 0; j < k && !r_.failed(); ++j)
        st.super = type_index_u32();
      if (!r_.failed() && k > 1) {
        r_.fail("multiple supertypes", at);
        r_.set_kind(ErrorKind::Invalid);
      }
    }
    composite_type(st.composite);
    m_.types.push_back(std::move(st));
  }

  void composite_type(CompositeType& ct) {
    uint64_t at = r_.offset();
    uint8_t b = r_.u8();
    if (r_.failed()) return;
    switch (b) {
      case typecode::kFuncType:
        ct.kind = CompositeKind::Func;
        result_type(ct.func.params);
        result_type(ct.func.results);
        return;
      case typecode::kStructType: {
        ct.kind = CompositeKind::Struct;
        uint32_t n = r_.length();
        reserve_for(ct.fields, n, r_.remaining(), 2);
        for (uint32_t i = 0; i < n && !r_.failed(); ++i)
          ct.fields.push_back(field_type());
        return;
      }
      case typecode::kArrayType:
        ct.kind = CompositeKind::Array;
        ct.elem = field_type();
        return;
      default:
        // A one-byte s7 code in the reference decoder: a continuation bit
        // makes it too long rather than unknown.
        if (b & 0x80) return r_.fail("integer representation too long", at + 1);
        return r_.fail("malformed definition type", at);
    }
  }

  void result_type(std::vector<ValType>& out) {
    uint32_t n = r_.length();
    reserve_for(out, n, r_.remaining(), 1);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i)
      out.push_back(read_val_type(r_));
  }

  FieldType field_type() {
    FieldType ft;
    uint64_t at = r_.offset();
    size_t start = r_.pos();
    uint8_t b = r_.peek_u8();
    if (!r_.at_end() && b == typecode::kI8) {
      r_.u8();
      ft.storage.packed = Packed::I8;
    } else if (!r_.at_end() && b == typecode::kI16) {
      r_.u8();
      ft.storage.packed = Packed::I16;
    } else {
      bool had_byte = !r_.at_end();
      ft.storage.type = read_val_type(r_);
      // The reference decoder tries a packed type last, so any failure of
      // the value type alternative is reported as a bad storage type (a
      // byte with a continuation bit fails that one as too long).
      if (r_.failed() && had_byte && !(b & 0x80)) {
        (void)r_.take_error();
        r_.seek(start + 1);
        r_.fail("malformed storage type", at);
      }
    }
    ft.mut = mutability();
    return ft;
  }

  bool mutability() {
    uint64_t at = r_.offset();
    uint8_t b = r_.u8();
    if (b > 1) r_.fail("malformed mutability", at);
    return b == 1;
  }

  Limits limits(bool memory, uint8_t* flags_out) {
    Limits lim;
    uint64_t at = r_.offset();
    uint8_t flags = r_.u8();
    if (r_.failed()) return lim;
    // Tables: bit 0 max, bit 2 table64. Memories add bit 1 (shared) and
    // bit 3 (custom page size follows the limits).
    uint8_t allowed = memory ? 0x0F : 0x05;
    if (flags & ~allowed) {
      r_.fail("malformed limits flags", at);
      return lim;
    }
    lim.is64 = flags & 0x04;
    lim.shared = flags & 0x02;
    lim.min = r_.u64();
    if (flags & 0x01) lim.max = r_.u64();
    *flags_out = flags;
    return lim;
  }

  TableType table_type() {
    TableType tt;
    tt.elem = read_ref_type(r_);
    uint8_t flags = 0;
    tt.limits = limits(false, &flags);
    return tt;
  }

  MemoryType memory_type() {
    MemoryType mt;
    uint64_t at = r_.offset();
    uint8_t flags = 0;
    mt.limits = limits(true, &flags);
    if (!r_.failed() && (flags & 0x08)) {
      uint64_t p_at = r_.offset();
      uint32_t p = r_.u32();
      if (!r_.failed() && p > 64) {
        r_.fail("invalid custom page size", p_at);
      } else if (!r_.failed() && p != 0 && p != 16) {
        // Encodable but not (yet) valid: 1 byte and 64 KiB are the only
        // page sizes.
        r_.fail("invalid custom page size", p_at);
        r_.set_kind(ErrorKind::Invalid);
      }
      mt.page_size_log2 = p;
    }
    // Without the custom-page-sizes proposal, flag bit 3 is malformed, and
    // the core testsuite checks a truncated memory type with that flag for
    // this message; a truncated custom-page-size memory is reported alike.
    if (r_.failed() && (flags & 0x08) &&
        r_.error()->message == kUnexpectedEnd) {
      (void)r_.take_error();
      r_.fail("malformed limits flags", at);
    }
    return mt;
  }

  GlobalType global_type() {
    GlobalType gt;
    gt.type = read_val_type(r_);
    gt.mut = mutability();
    return gt;
  }

  uint32_t tag_type() {
    uint64_t at = r_.offset();
    uint8_t zero = r_.u8();
    if (!r_.failed() && zero != 0) r_.fail("zero byte expected", at);
    return type_index_u32();
  }

  // ---- Imports and definitions

  void import_section() {
    uint32_t n = r_.length();
    reserve_for(m_.imports, n, r_.remaining(), 4);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      Import imp;
      imp.offset = uint32_t(r_.offset());
      imp.module = r_.name();
      imp.name = r_.name();
      uint64_t at = r_.offset();
      uint8_t kind = r_.u8();
      if (r_.failed()) return;
      switch (kind) {
        case 0:
          imp.kind = ExternKind::Func;
          imp.type_index = type_index_u32();
          m_.funcs.push_back(imp.type_index);
          ++m_.num_imported_funcs;
          break;
        case 1:
          imp.kind = ExternKind::Table;
          imp.table = table_type();
          m_.tables.push_back(Table{imp.table, std::nullopt, true, imp.offset});
          ++m_.num_imported_tables;
          break;
        case 2:
          imp.kind = ExternKind::Memory;
          imp.memory = memory_type();
          m_.memories.push_back(Memory{imp.memory, true, imp.offset});
          ++m_.num_imported_memories;
          break;
        case 3:
          imp.kind = ExternKind::Global;
          imp.global = global_type();
          m_.globals.push_back(
              Global{imp.global, ConstExpr{}, true, imp.offset});
          ++m_.num_imported_globals;
          break;
        case 4:
          imp.kind = ExternKind::Tag;
          imp.type_index = tag_type();
          m_.tags.push_back(Tag{TagType{imp.type_index}, true, imp.offset});
          ++m_.num_imported_tags;
          break;
        default:
          return r_.fail("malformed import kind", at);
      }
      m_.imports.push_back(std::move(imp));
    }
  }

  uint32_t function_section() {
    uint32_t n = r_.length();
    reserve_for(m_.funcs, n, r_.remaining(), 1);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i)
      m_.funcs.push_back(r_.u32());
    return n;
  }

  void table_section() {
    uint32_t n = r_.length();
    reserve_for(m_.tables, n, r_.remaining(), 3);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      Table t;
      t.offset = uint32_t(r_.offset());
      if (r_.peek_u8() == 0x40 && !r_.at_end()) {
        // 0x40 0x00 tabletype expr. The reference decoder falls back to a
        // plain table type when this form fails, so every failure in it
        // reads as a bad reference type at the 0x40 byte; the original
        // problem is kept as detail.
        uint64_t at = r_.offset();
        r_.u8();
        uint8_t zero = r_.u8();
        if (!r_.failed() && zero != 0) r_.fail("zero byte expected", at + 1);
        if (!r_.failed()) t.type = table_type();
        if (!r_.failed()) t.init = const_expr();
        if (r_.failed()) {
          std::string inner = r_.take_error()->message;
          r_.seek(size_t(at) + 1);
          r_.fail("malformed reference type (table with initializer: " + inner +
                      ")",
                  at);
          return;
        }
      } else {
        t.type = table_type();
      }
      m_.tables.push_back(std::move(t));
    }
  }

  void memory_section() {
    uint32_t n = r_.length();
    reserve_for(m_.memories, n, r_.remaining(), 2);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      uint32_t at = uint32_t(r_.offset());
      m_.memories.push_back(Memory{memory_type(), false, at});
    }
  }

  void tag_section() {
    uint32_t n = r_.length();
    reserve_for(m_.tags, n, r_.remaining(), 2);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      uint32_t at = uint32_t(r_.offset());
      m_.tags.push_back(Tag{TagType{tag_type()}, false, at});
    }
  }

  void global_section() {
    uint32_t n = r_.length();
    reserve_for(m_.globals, n, r_.remaining(), 3);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      Global g;
      g.offset = uint32_t(r_.offset());
      g.type = global_type();
      if (r_.failed()) return;
      g.init = const_expr();
      m_.globals.push_back(g);
    }
  }

  void export_section() {
    uint32_t n = r_.length();
    reserve_for(m_.exports, n, r_.remaining(), 3);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      Export e;
      e.offset = uint32_t(r_.offset());
      e.name = r_.name();
      uint64_t at = r_.offset();
      uint8_t kind = r_.u8();
      if (r_.failed()) return;
      if (kind > 4) return r_.fail("malformed export kind", at);
      e.kind = ExternKind(kind);
      e.index = r_.u32();
      m_.exports.push_back(std::move(e));
    }
  }

  // ---- Segments and code

  void elem_section() {
    uint32_t n = r_.length();
    reserve_for(m_.elems, n, r_.remaining(), 3);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      ElemSegment seg;
      uint64_t at = r_.offset();
      seg.section_offset = uint32_t(at);
      uint32_t flags = r_.u32();
      if (r_.failed()) return;
      if (flags > 7) return r_.fail("malformed elements segment kind", at);
      // bit 0: passive or declarative; bit 1: explicit table index (active)
      // or declarative; bit 2: expressions instead of function indices.
      bool active = !(flags & 1);
      seg.uses_exprs = flags & 4;
      if (active) {
        seg.mode = SegmentMode::Active;
        seg.table = (flags & 2) ? r_.u32() : 0;
        seg.offset = const_expr();
      } else {
        seg.mode =
            (flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive;
      }
      if (flags == 0) {
        seg.type = ValType::ref(HeapType::abstract(HeapKind::Func), false);
      } else if (flags == 4) {
        seg.type = ValType::funcref();
      } else if (seg.uses_exprs) {
        seg.type = read_ref_type(r_);
      } else {
        uint64_t kind_at = r_.offset();
        uint8_t kind = r_.u8();
        if (!r_.failed() && kind != 0)
          return r_.fail("malformed element kind", kind_at);
        seg.type = ValType::ref(HeapType::abstract(HeapKind::Func), false);
      }
      uint32_t count = r_.length();
      if (seg.uses_exprs) {
        reserve_for(seg.exprs, count, r_.remaining(), 2);
        for (uint32_t j = 0; j < count && !r_.failed(); ++j)
          seg.exprs.push_back(const_expr());
      } else {
        reserve_for(seg.func_indices, count, r_.remaining(), 1);
        for (uint32_t j = 0; j < count && !r_.failed(); ++j)
          seg.func_indices.push_back(r_.u32());
      }
      m_.elems.push_back(std::move(seg));
    }
  }

  void code_section() {
    uint32_t n = r_.length();
    reserve_for(m_.bodies, n, r_.remaining(), 2);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      uint32_t size = r_.length();
      if (r_.failed()) return;
      size_t start = r_.pos();
      read_local_decls(r_, nullptr);
      if (r_.failed()) return;
      // Declarations running past the body: the reference decoder would go
      // on decoding instructions and find the size wrong.
      if (r_.pos() > start + size)
        return r_.fail("section size mismatch", start);
      if (!r_.bytes(start + size - r_.pos())) return;
      m_.bodies.push_back(FuncBody{ByteRange{uint32_t(start), size}});
    }
  }

  void data_section() {
    uint32_t n = r_.length();
    reserve_for(m_.datas, n, r_.remaining(), 2);
    for (uint32_t i = 0; i < n && !r_.failed(); ++i) {
      DataSegment seg;
      uint64_t at = r_.offset();
      seg.section_offset = uint32_t(at);
      uint32_t flags = r_.u32();
      if (r_.failed()) return;
      if (flags > 2) return r_.fail("malformed data segment kind", at);
      if (flags == 1) {
        seg.mode = SegmentMode::Passive;
      } else {
        seg.mode = SegmentMode::Active;
        seg.memory = flags == 2 ? r_.u32() : 0;
        seg.offset = const_expr();
      }
      uint32_t size = r_.length();
      if (r_.failed()) return;
      seg.init = ByteRange{uint32_t(r_.pos()), size};
      if (!r_.bytes(size)) return;
      m_.datas.push_back(seg);
    }
  }

  // A constant expression: instructions up to the `end` that closes it.
  // Nested blocks are followed so that their own `end`s are consumed;
  // whether the instructions are constant is the validator's question.
  ConstExpr const_expr() {
    size_t start = r_.pos();
    uint32_t depth = 0;
    while (!r_.failed()) {
      uint64_t at = r_.offset();
      if (r_.at_end()) {
        r_.u8();  // "unexpected end ..."
        break;
      }
      uint8_t b = r_.peek_u8();
      if (b == 0x0B) {
        r_.u8();
        if (depth == 0)
          return ConstExpr{
              ByteRange{uint32_t(start), uint32_t(r_.pos() - start)}};
        --depth;
        continue;
      }
      if (b == 0x05 && depth == 0) {
        r_.fail("END opcode expected", at);
        break;
      }
      std::optional<Opcode> op = read_opcode(r_);
      if (!op) break;
      skip_immediates(r_, opcode_info(*op).imm);
      switch (*op) {
        case Opcode::Block:
        case Opcode::Loop:
        case Opcode::If:
        case Opcode::Try:
        case Opcode::TryTable:
          ++depth;
          break;
        case Opcode::Delegate:
          if (depth > 0) --depth;
          break;
        default:
          break;
      }
    }
    return ConstExpr{};
  }

  // Decodes the structure of every body recorded so far the way the
  // reference decoder does: reading on past a body's declared end (the
  // module is the window), nesting blocks, and comparing the position with
  // the declared end afterwards. Only used on error paths; returns the first
  // error, or nullopt when all bodies are well-formed.
  std::optional<Error> scan_bodies() const {
    enum Frame : uint8_t { kPlain, kIf, kTry };
    std::vector<Frame> frames;
    for (const FuncBody& body : m_.bodies) {
      BinaryReader r(m_.bytes, 0);
      r.set_eof_message(kUnexpectedEnd);
      r.seek(body.range.offset);
      read_local_decls(r, nullptr);
      frames.assign(1, kPlain);
      while (!r.failed() && !frames.empty()) {
        uint64_t at = r.offset();
        if (r.at_end()) {
          r.u8();
          break;
        }
        uint8_t b = r.peek_u8();
        if (b == 0x0B) {
          r.u8();
          frames.pop_back();
          continue;
        }
        if (b == 0x05) {
          if (frames.back() != kIf) {
            r.fail("END opcode expected", at);
            break;
          }
          r.u8();
          frames.back() = kPlain;
          continue;
        }
        std::optional<Opcode> op = read_opcode(r);
        if (!op) break;
        if ((*op == Opcode::Catch || *op == Opcode::CatchAll ||
             *op == Opcode::Delegate) &&
            frames.back() != kTry) {
          r.fail("END opcode expected", at);
          break;
        }
        skip_immediates(r, opcode_info(*op).imm);
        switch (*op) {
          case Opcode::Block:
          case Opcode::Loop:
          case Opcode::TryTable:
            frames.push_back(kPlain);
            break;
          case Opcode::If:
            frames.push_back(kIf);
            break;
          case Opcode::Try:
            frames.push_back(kTry);
            break;
          case Opcode::Delegate:
            frames.pop_back();
            break;
          default:
            break;
        }
      }
      if (r.failed()) return r.take_error();
      if (r.pos() != body.range.end())
        return Error(ErrorKind::Malformed, "section size mismatch",
                     body.range.offset);
    }
    return std::nullopt;
  }

  BinaryReader r_;
  Module m_;
  std::optional<uint64_t> code_start_;  // offset of the code section's id
};

// ---- Name section

bool name_map(BinaryReader& r, std::unordered_map<uint32_t, std::string>& out) {
  uint32_t n = r.length();
  out.reserve(std::min<size_t>(n, r.remaining() / 2 + 1));
  for (uint32_t i = 0; i < n && !r.failed(); ++i) {
    uint32_t index = r.u32();
    std::string name = r.name();
    if (!r.failed()) out[index] = std::move(name);
  }
  return !r.failed();
}

}  // namespace

std::optional<NameMap> decode_name_section(
    std::span<const uint8_t> module_bytes, ByteRange payload) {
  if (uint64_t(payload.offset) + payload.size > module_bytes.size())
    return std::nullopt;
  BinaryReader r(module_bytes.subspan(payload.offset, payload.size),
                 payload.offset);
  NameMap names;
  int last_id = -1;
  while (!r.at_end()) {
    uint8_t id = r.u8();
    uint32_t size = r.length();
    uint64_t sub_offset = r.offset();
    const uint8_t* sub_data = r.bytes(size);
    if (!sub_data || int(id) <= last_id) return std::nullopt;
    last_id = id;
    BinaryReader sub(std::span<const uint8_t>(sub_data, size), sub_offset);
    switch (id) {
      case 0:
        names.module_name = sub.name();
        break;
      case 1:
        name_map(sub, names.functions);
        break;
      case 2: {
        uint32_t n = sub.length();
        for (uint32_t i = 0; i < n && !sub.failed(); ++i) {
          uint32_t func = sub.u32();
          if (!name_map(sub, names.locals[func])) break;
        }
        break;
      }
      default:
        continue;  // other subsections (labels, types, ...) unused
    }
    if (sub.failed() || !sub.at_end()) return std::nullopt;
  }
  return names;
}

Result<Module> decode_module(std::span<const uint8_t> bytes) {
  return Decoder(bytes).run();
}

}  // namespace heron
