// Lowering of memory accesses. Trusted loads/stores (runtime structures)
// never trap. Heap accesses become ONE [base + index + disp] operand: a
// 32-bit index is zero-extended by an explicit `mov r32, r32` (nothing else
// guarantees the upper half of a register holding an i32), a constant index
// folds into the displacement, and an offset beyond disp32 is added to the
// index first. The access instruction carries MemoryOutOfBounds, so a fault
// in the guard region maps to that trap; explicit bounds checks compare
// index + size with the bound (no wraparound) and jump to a trap stub.
#include <utility>

#include "isa/x64/lowering.h"

namespace heron::x64 {

namespace {

struct Width {
  uint8_t bytes;
  bool sign;
};

Width width_of(ir::MemAccess a, ir::Type t) {
  switch (a) {
    case ir::MemAccess::S8:
      return {1, true};
    case ir::MemAccess::U8:
    case ir::MemAccess::Trunc8:
      return {1, false};
    case ir::MemAccess::S16:
      return {2, true};
    case ir::MemAccess::U16:
    case ir::MemAccess::Trunc16:
      return {2, false};
    case ir::MemAccess::S32:
      return {4, true};
    case ir::MemAccess::U32:
    case ir::MemAccess::Trunc32:
      return {4, false};
    case ir::MemAccess::Full:
      break;
  }
  return {type_size(t), false};
}

}  // namespace

Amode Lowering::heap_amode(ir::Value base, ir::Value index, uint64_t offset) {
  Reg b = use(base);
  const bool idx32 = f_.value_type(index) == ir::Type::I32;
  uint64_t c;
  if (const_of(index, &c)) {
    const uint64_t addr = (idx32 ? uint64_t(uint32_t(c)) : c) + offset;
    if (addr >= c && addr <= uint64_t(INT32_MAX))
      return Amode{b, Reg(), 0, int32_t(addr)};
  }
  Reg idx = idx32 ? zext32(use(index)) : use(index);
  if (offset <= uint64_t(INT32_MAX)) return Amode{b, idx, 0, int32_t(offset)};
  Reg sum = int_const(offset, 8);
  emit(inst::alu(AluOp::Add, sum, idx, 8));
  return Amode{b, sum, 0, 0};
}

Result<void> Lowering::lower_mem(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  const std::vector<ir::Value> args(f_.args(i).begin(), f_.args(i).end());
  const ir::Type t = in.type;
  switch (in.opcode) {
    case ir::Opcode::Load:
      load_slot(vreg(f_.first_result(i)),
                Amode{use(args[0]), Reg(), 0, int32_t(in.imm)}, type_size(t));
      return {};
    case ir::Opcode::Store: {
      Reg x = use(args[0]);
      store_slot(x, Amode{use(args[1]), Reg(), 0, int32_t(in.imm)},
                 type_size(t));
      return {};
    }
    case ir::Opcode::HeapLoad: {
      const Width w = width_of(ir::MemAccess(in.code), t);
      const Amode m = heap_amode(args[0], args[1], in.imm);
      const Reg dst = vreg(f_.first_result(i));
      if (ir::is_float(t)) {
        MInst l;
        l.op = Op::XmmLoad;
        l.dst = dst;
        l.mem = m;
        l.size = w.bytes;
        l.trap = TrapCode::MemoryOutOfBounds;
        emit(std::move(l));
      } else {
        emit(inst::load(dst, m, w.bytes, w.sign, type_size(t)));
      }
      return {};
    }
    case ir::Opcode::HeapStore: {
      const Width w = width_of(ir::MemAccess(in.code), t);
      Reg x = use(args[0]);
      const Amode m = heap_amode(args[1], args[2], in.imm);
      if (ir::is_float(t)) {
        MInst s;
        s.op = Op::XmmStore;
        s.src1 = x;
        s.mem = m;
        s.size = w.bytes;
        s.trap = TrapCode::MemoryOutOfBounds;
        emit(std::move(s));
      } else {
        emit(inst::store(x, m, w.bytes));
      }
      return {};
    }
    case ir::Opcode::HeapBoundsCheck: {
      // end = index + size; trap if it wrapped (64-bit index) or end > bound.
      const bool idx32 = f_.value_type(args[0]) == ir::Type::I32;
      Reg end = gpr();
      Reg bound = use(args[1]);
      Reg idx = use(args[0]);
      Reg size_reg;
      if (in.imm > uint64_t(INT32_MAX)) size_reg = int_const(in.imm, 8);
      if (idx32) {
        emit(inst::mov(end, idx, 4));  // zero-extends
      } else {
        emit(inst::mov(end, idx, 8));
      }
      if (size_reg.valid())
        emit(inst::alu(AluOp::Add, end, size_reg, 8));
      else
        emit(inst::alu_imm(AluOp::Add, end, int32_t(in.imm), 8));
      if (!idx32 || size_reg.valid())
        emit(inst::trap_if(Cond::B, TrapCode::MemoryOutOfBounds));
      emit(inst::cmp(end, bound, 8));
      emit(inst::trap_if(Cond::A, TrapCode::MemoryOutOfBounds));
      return {};
    }
    default:
      return Error(ErrorKind::Internal, "x64 lowering: unexpected memory op");
  }
}

}  // namespace heron::x64
