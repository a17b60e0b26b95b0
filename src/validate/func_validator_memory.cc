// FuncValidator, memory and table instructions: memory accesses (memarg
// decoding, alignment, offsets, memory64 address types), the table-driven
// plain instructions outside the main loop's fast path, and the bulk
// instructions on tables, memories and segments. See func_validator_impl.h.
#include <string>

#include "validate/func_validator_impl.h"

namespace heron {

bool FuncValidator::Impl::read_memarg(const OpSig& s, uint32_t* mem) {
  const uint64_t at = r_.offset();
  const uint32_t flags = read_u32();
  if (!ok()) return false;
  if (flags >= 0x80) {
    malformed("malformed memop flags", at);
    return false;
  }
  *mem = (flags & 0x40) ? read_u32() : 0;
  const uint64_t offset = read_u64();
  if (!ok()) return false;
  if (!check_index(*mem, m_.memories.size(), "memory")) return false;
  const uint32_t align = flags & 0x3F;
  if (s.atomic && align != s.size_log2) {
    invalid("atomic alignment must be natural");
    return false;
  }
  if (align > s.size_log2) {
    invalid("alignment must not be larger than natural");
    return false;
  }
  if (!m_.memories[*mem].type.limits.is64 && offset > UINT32_MAX) {
    invalid("offset out of range");
    return false;
  }
  return true;
}

void FuncValidator::Impl::unsupported(Opcode op) {
  if (r_.failed()) return;
  r_.fail(std::string("unsupported instruction ") +
              std::string(opcode_info(op).text),
          instr_off_);
  r_.set_kind(ErrorKind::Unsupported);
}

void FuncValidator::Impl::plain_op(Opcode op) {
  const OpSig& s = sigs_[size_t(op)];
  switch (s.shape) {
    case SigShape::Simple:
      apply_sig(s, ValKind::I32);
      return;
    case SigShape::Memory: {
      uint32_t mem;
      if (!read_memarg(s, &mem)) return;
      apply_sig(s, addr_type_of_memory(mem).kind);
      return;
    }
    case SigShape::MemoryLane: {
      uint32_t mem;
      if (!read_memarg(s, &mem)) return;
      const uint8_t lane = r_.u8();
      if (!ok()) return;
      if (lane >= s.lanes) {
        invalid("invalid lane index");
        return;
      }
      apply_sig(s, addr_type_of_memory(mem).kind);
      return;
    }
    case SigShape::Lane: {
      const uint8_t lane = r_.u8();
      if (!ok()) return;
      if (lane >= s.lanes) {
        invalid("invalid lane index");
        return;
      }
      apply_sig(s, ValKind::I32);
      return;
    }
    case SigShape::None:
      break;
  }
  // An opcode of opcodes.def that this validator does not know yet.
  unsupported(op);
}

// ---------------------------------------------------------------------------
// Tables, memories and segments

void FuncValidator::Impl::op_bulk(Opcode op) {
  switch (op) {
    case Opcode::TableGet:
    case Opcode::TableSet:
    case Opcode::TableSize:
    case Opcode::TableGrow:
    case Opcode::TableFill: {
      const uint32_t t = read_u32();
      if (!ok() || !check_index(t, m_.tables.size(), "table")) return;
      const ValType at = addr_type_of_table(t);
      const ValType elem = m_.tables[t].type.elem;
      if (op == Opcode::TableGet) {
        if (pop_expect(at)) push(elem);
      } else if (op == Opcode::TableSet) {
        const ValType sig[2] = {at, elem};
        pop_vals(sig, 2);
      } else if (op == Opcode::TableSize) {
        push(at);
      } else if (op == Opcode::TableGrow) {
        const ValType sig[2] = {elem, at};
        if (pop_vals(sig, 2)) push(at);
      } else {
        const ValType sig[3] = {at, elem, at};
        pop_vals(sig, 3);
      }
      return;
    }
    case Opcode::TableCopy: {
      const uint32_t d = read_u32();
      const uint32_t s = read_u32();
      if (!ok() || !check_index(d, m_.tables.size(), "table") ||
          !check_index(s, m_.tables.size(), "table"))
        return;
      const ValType& de = m_.tables[d].type.elem;
      const ValType& se = m_.tables[s].type.elem;
      if (!matches(se, de)) {
        invalid("type mismatch: source element type " + to_string(se) +
                " does not match destination element type " + to_string(de));
        return;
      }
      const ValType ad = addr_type_of_table(d), as = addr_type_of_table(s);
      const ValType sig[3] = {ad, as, ad.kind == ValKind::I32 ? ad : as};
      pop_vals(sig, 3);
      return;
    }
    case Opcode::TableInit: {
      const uint32_t e = read_u32();
      const uint32_t t = read_u32();
      if (!ok() || !check_index(t, m_.tables.size(), "table") ||
          !check_index(e, m_.elems.size(), "elem segment"))
        return;
      const ValType& te = m_.tables[t].type.elem;
      const ValType& ee = m_.elems[e].type;
      if (!matches(ee, te)) {
        invalid("type mismatch: element segment's type " + to_string(ee) +
                " does not match table's element type " + to_string(te));
        return;
      }
      const ValType sig[3] = {addr_type_of_table(t), kI32, kI32};
      pop_vals(sig, 3);
      return;
    }
    case Opcode::ElemDrop: {
      const uint32_t e = read_u32();
      if (ok()) check_index(e, m_.elems.size(), "elem segment");
      return;
    }
    case Opcode::MemorySize:
    case Opcode::MemoryGrow:
    case Opcode::MemoryFill: {
      const uint32_t mem = read_u32();
      if (!ok() || !check_index(mem, m_.memories.size(), "memory")) return;
      const ValType at = addr_type_of_memory(mem);
      if (op == Opcode::MemorySize) {
        push(at);
      } else if (op == Opcode::MemoryGrow) {
        if (pop_expect(at)) push(at);
      } else {
        const ValType sig[3] = {at, kI32, at};
        pop_vals(sig, 3);
      }
      return;
    }
    case Opcode::MemoryCopy: {
      const uint32_t d = read_u32();
      const uint32_t s = read_u32();
      if (!ok() || !check_index(d, m_.memories.size(), "memory") ||
          !check_index(s, m_.memories.size(), "memory"))
        return;
      const ValType ad = addr_type_of_memory(d), as = addr_type_of_memory(s);
      const ValType sig[3] = {ad, as, ad.kind == ValKind::I32 ? ad : as};
      pop_vals(sig, 3);
      return;
    }
    case Opcode::MemoryInit: {
      const uint32_t d = read_u32();
      const uint32_t mem = read_u32();
      if (!ok()) return;
      if (!m_.data_count) {
        malformed("data count section required", instr_off_);
        return;
      }
      if (!check_index(mem, m_.memories.size(), "memory") || !check_data(d))
        return;
      const ValType sig[3] = {addr_type_of_memory(mem), kI32, kI32};
      pop_vals(sig, 3);
      return;
    }
    case Opcode::DataDrop: {
      const uint32_t d = read_u32();
      if (ok()) check_data(d);
      return;
    }
    default:
      fatal_invariant("op_bulk: not a table/memory instruction");
  }
}

}  // namespace heron
