// Immediate, type and operator readers of the binary format; see
// operator_reader.h.
//
// Error wording follows the spec's reference decoder, because the testsuite's
// assert_malformed messages come from it. Where the reference decoder tries
// alternatives (a heap type is first read as an s33 type index, then as a
// one-byte abstract type), the message is that of the last alternative, so a
// multi-byte encoding that is not a valid type index reads as "integer
// representation too long" (the one-byte form has no continuation bit).
#include "format/operator_reader.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>

namespace heron {
namespace {

constexpr int64_t kMaxTypeIndex = INT32_MAX;

// Reads an s33 type index whose first byte has its continuation bit set;
// anything that is not an index in [0, 2^31) fails as the one-byte
// alternative would.
uint32_t read_multibyte_type_index(BinaryReader& r) {
  size_t start = r.pos();
  uint64_t at = r.offset();
  int64_t v = r.s33();
  if (!r.failed() && v >= 0 && v <= kMaxTypeIndex) return uint32_t(v);
  (void)r.take_error();
  r.seek(start + 1);
  r.fail("integer representation too long", at + 1);
  return 0;
}

// The reference-type alternatives once the first byte `b` (at `at`) has been
// consumed.
ValType ref_type_from_byte(BinaryReader& r, uint8_t b, uint64_t at) {
  HeapKind kind;
  if (abstract_heap_from_byte(b, &kind))
    return ValType::ref(HeapType::abstract(kind), true);
  if (b == typecode::kRefNull) return ValType::ref(read_heap_type(r), true);
  if (b == typecode::kRef) return ValType::ref(read_heap_type(r), false);
  if (b & 0x80) {
    r.fail("integer representation too long", at + 1);
  } else {
    char msg[64];
    std::snprintf(msg, sizeof msg, "malformed reference type 0x%02x", b);
    r.fail(msg, at);
  }
  return ValType::funcref();
}

ValType val_type_from_byte(BinaryReader& r, uint8_t b, uint64_t at) {
  switch (b) {
    case typecode::kI32:
      return ValType::i32();
    case typecode::kI64:
      return ValType::i64();
    case typecode::kF32:
      return ValType::f32();
    case typecode::kF64:
      return ValType::f64();
    case typecode::kV128:
      return ValType::v128();
    default:
      return ref_type_from_byte(r, b, at);
  }
}

void read_memarg(BinaryReader& r, MemArg* out) {
  uint64_t at = r.offset();
  uint32_t flags = r.u32();
  if (flags >= 0x80) {
    r.fail("malformed memop flags", at);
    return;
  }
  uint32_t memory = (flags & 0x40) ? r.u32() : 0;
  uint64_t offset = r.u64();
  if (out) *out = MemArg{flags & 0x3F, memory, offset};
}

void read_flag_byte(BinaryReader& r, uint8_t allowed_mask, const char* message,
                    uint8_t* out) {
  uint64_t at = r.offset();
  uint8_t b = r.u8();
  if (b & ~allowed_mask) r.fail(message, at);
  if (out) *out = b;
}

// One implementation for skipping and reading: with kStore false `out` is
// null and nothing is built.
template <bool kStore>
void immediates(BinaryReader& r, Imm imm, Immediates* out) {
  switch (imm) {
    case Imm::None:
      return;
    case Imm::Block: {
      BlockType bt = read_block_type(r);
      if constexpr (kStore) out->block = bt;
      return;
    }
    case Imm::Label:
    case Imm::Func:
    case Imm::Type:
    case Imm::Local:
    case Imm::Global:
    case Imm::Table:
    case Imm::Memory:
    case Imm::Tag:
    case Imm::Data:
    case Imm::Elem: {
      uint32_t x = r.u32();
      if constexpr (kStore) out->index = x;
      return;
    }
    case Imm::CallIndirect:
    case Imm::MemoryInit:
    case Imm::MemoryCopy:
    case Imm::TableInit:
    case Imm::TableCopy:
    case Imm::StructField:
    case Imm::ArrayNewFixed:
    case Imm::ArrayData:
    case Imm::ArrayElem:
    case Imm::ArrayCopy: {
      uint32_t x = r.u32();
      uint32_t y = r.u32();
      if constexpr (kStore) {
        out->index = x;
        out->index2 = y;
      }
      return;
    }
    case Imm::BrTable: {
      uint32_t n = r.length();
      if constexpr (kStore) {
        out->labels.clear();
        out->labels.reserve(n);
      }
      for (uint32_t i = 0; i < n && !r.failed(); ++i) {
        uint32_t l = r.u32();
        if constexpr (kStore) out->labels.push_back(l);
      }
      uint32_t d = r.u32();
      if constexpr (kStore) out->index = d;
      return;
    }
    case Imm::MemArg:
      read_memarg(r, kStore ? &out->memarg : nullptr);
      return;
    case Imm::MemArgLane: {
      read_memarg(r, kStore ? &out->memarg : nullptr);
      uint8_t lane = r.u8();
      if constexpr (kStore) out->lane = lane;
      return;
    }
    case Imm::Lane: {
      uint8_t lane = r.u8();
      if constexpr (kStore) out->lane = lane;
      return;
    }
    case Imm::I32: {
      int32_t v = r.s32();
      if constexpr (kStore) out->bits = uint32_t(v);
      return;
    }
    case Imm::I64: {
      int64_t v = r.s64();
      if constexpr (kStore) out->bits = uint64_t(v);
      return;
    }
    case Imm::F32: {
      uint32_t v = r.u32_fixed();
      if constexpr (kStore) out->bits = v;
      return;
    }
    case Imm::F64: {
      uint64_t v = r.u64_fixed();
      if constexpr (kStore) out->bits = v;
      return;
    }
    case Imm::V128:
    case Imm::Shuffle: {
      const uint8_t* p = r.bytes(16);
      if constexpr (kStore) {
        if (p) std::memcpy(out->bytes, p, 16);
      }
      return;
    }
    case Imm::SelectT: {
      uint32_t n = r.length();
      if constexpr (kStore) {
        out->types.clear();
        out->types.reserve(n);
      }
      for (uint32_t i = 0; i < n && !r.failed(); ++i) {
        ValType t = read_val_type(r);
        if constexpr (kStore) out->types.push_back(t);
      }
      return;
    }
    case Imm::HeapType: {
      HeapType h = read_heap_type(r);
      if constexpr (kStore) out->heap = h;
      return;
    }
    case Imm::TryTable: {
      BlockType bt = read_block_type(r);
      uint32_t n = r.length();
      if constexpr (kStore) {
        out->block = bt;
        out->catches.clear();
        out->catches.reserve(n);
      }
      for (uint32_t i = 0; i < n && !r.failed(); ++i) {
        uint64_t at = r.offset();
        uint8_t kind = r.u8();
        if (kind > 3) {
          r.fail("malformed catch clause", at);
          return;
        }
        CatchClause c;
        c.kind = CatchKind(kind);
        if (c.kind == CatchKind::Catch || c.kind == CatchKind::CatchRef)
          c.tag = r.u32();
        c.label = r.u32();
        if constexpr (kStore) out->catches.push_back(c);
      }
      return;
    }
    case Imm::BrOnCast: {
      uint8_t flags = 0;
      read_flag_byte(r, 0x03, "malformed br_on_cast flags", &flags);
      uint32_t label = r.u32();
      HeapType h1 = read_heap_type(r);
      HeapType h2 = read_heap_type(r);
      if constexpr (kStore) {
        out->index = label;
        out->heap = h1;
        out->heap2 = h2;
        out->null = flags & 1;
        out->null2 = flags & 2;
      }
      return;
    }
    case Imm::AtomicFence:
      read_flag_byte(r, 0x00, "zero byte expected", nullptr);
      return;
  }
  fatal_invariant("immediates: unhandled Imm kind");
}

}  // namespace

HeapType read_heap_type(BinaryReader& r) {
  uint64_t at = r.offset();
  if (r.at_end()) {
    r.u8();  // records "unexpected end"
    return {};
  }
  uint8_t b = r.peek_u8();
  if (b & 0x80) return HeapType::concrete(read_multibyte_type_index(r));
  r.u8();
  if (b < 0x40) return HeapType::concrete(b);
  HeapKind kind;
  if (abstract_heap_from_byte(b, &kind)) return HeapType::abstract(kind);
  r.fail("malformed heap type", at);
  return {};
}

ValType read_ref_type(BinaryReader& r) {
  uint64_t at = r.offset();
  uint8_t b = r.u8();
  if (r.failed()) return ValType::funcref();
  return ref_type_from_byte(r, b, at);
}

ValType read_val_type(BinaryReader& r) {
  uint64_t at = r.offset();
  uint8_t b = r.u8();
  if (r.failed()) return ValType::i32();
  return val_type_from_byte(r, b, at);
}

BlockType read_block_type(BinaryReader& r) {
  uint64_t at = r.offset();
  if (r.at_end()) {
    r.u8();
    return {};
  }
  uint8_t b = r.peek_u8();
  if (b == typecode::kEmptyBlock) {
    r.u8();
    return BlockType::empty();
  }
  if (b & 0x80) return BlockType::type_index(read_multibyte_type_index(r));
  r.u8();
  if (b < 0x40) return BlockType::type_index(b);
  return BlockType::of(val_type_from_byte(r, b, at));
}

std::optional<Opcode> read_opcode(BinaryReader& r) {
  uint64_t at = r.offset();
  uint8_t b = r.u8();
  if (r.failed()) return std::nullopt;
  std::optional<Opcode> op;
  char msg[64];
  if (is_prefix_byte(b)) {
    uint32_t code = r.u32();
    if (r.failed()) return std::nullopt;
    op = opcode_from_binary(b, code);
    if (!op)
      std::snprintf(msg, sizeof msg, "illegal opcode %02x %02" PRIx32, b, code);
  } else {
    op = opcode_from_binary(0, b);
    if (!op) std::snprintf(msg, sizeof msg, "illegal opcode %02x", b);
  }
  if (!op) r.fail(msg, at);
  return op;
}

void skip_immediates(BinaryReader& r, Imm imm) {
  immediates<false>(r, imm, nullptr);
}

void read_immediates(BinaryReader& r, Imm imm, Immediates& out) {
  immediates<true>(r, imm, &out);
}

void read_local_decls(BinaryReader& r, std::vector<LocalDecl>* out) {
  uint64_t at = r.offset();
  uint32_t n = r.length();
  if (out) {
    out->clear();
    out->reserve(n);
  }
  uint64_t total = 0;
  for (uint32_t i = 0; i < n && !r.failed(); ++i) {
    uint32_t count = r.u32();
    ValType type = read_val_type(r);
    total += count;
    if (out) out->push_back(LocalDecl{count, type});
  }
  if (!r.failed() && total > UINT32_MAX) r.fail("too many locals", at);
}

namespace {

BinaryReader window(std::span<const uint8_t> bytes, ByteRange range) {
  if (uint64_t(range.offset) + range.size > bytes.size()) {
    BinaryReader r({}, range.offset);
    r.fail("operator range outside the module", range.offset);
    return r;
  }
  return BinaryReader(bytes.subspan(range.offset, range.size), range.offset);
}

}  // namespace

OperatorReader::OperatorReader(std::span<const uint8_t> module_bytes,
                               ByteRange range)
    : reader_(window(module_bytes, range)) {}

OperatorReader::OperatorReader(const Module& module, const ConstExpr& expr)
    : OperatorReader(module.bytes, expr.bytes) {}

OperatorReader::OperatorReader(const Module& module, const FuncBody& body)
    : OperatorReader(module.bytes, body.range) {
  read_local_decls(reader_, &locals_);
}

bool OperatorReader::next(Operator& out) {
  if (reader_.failed() || reader_.at_end()) return false;
  out.offset = uint32_t(reader_.offset());
  std::optional<Opcode> op = read_opcode(reader_);
  if (!op) return false;
  out.op = *op;
  read_immediates(reader_, opcode_info(*op).imm, out.imm);
  if (reader_.failed()) return false;
  switch (*op) {
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
    case Opcode::Try:
    case Opcode::TryTable:
      ++depth_;
      break;
    case Opcode::End:
    case Opcode::Delegate:
      if (depth_ > 0) --depth_;
      break;
    default:
      break;
  }
  return true;
}

}  // namespace heron
