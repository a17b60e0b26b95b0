// Lowering of integer arithmetic: immediates folded into ALU forms, adds as
// `lea` (three-address, no flags), shifts with counts in cl (x86 masks the
// count modulo the width exactly as wasm does), division with wasm's trap
// rules, and bit counts with or without lzcnt/tzcnt/popcnt.
#include <string>
#include <utility>

#include "isa/x64/lowering.h"

namespace heron::x64 {

namespace {

AluOp alu_of(ir::Opcode op) {
  switch (op) {
    case ir::Opcode::Iadd:
      return AluOp::Add;
    case ir::Opcode::Isub:
      return AluOp::Sub;
    case ir::Opcode::Imul:
      return AluOp::Imul;
    case ir::Opcode::Band:
      return AluOp::And;
    case ir::Opcode::Bor:
      return AluOp::Or;
    default:
      return AluOp::Xor;
  }
}

ShiftOp shift_of(ir::Opcode op) {
  switch (op) {
    case ir::Opcode::Ishl:
      return ShiftOp::Shl;
    case ir::Opcode::Sshr:
      return ShiftOp::Sar;
    case ir::Opcode::Ushr:
      return ShiftOp::Shr;
    case ir::Opcode::Rotl:
      return ShiftOp::Rol;
    default:
      return ShiftOp::Ror;
  }
}

MInst bit_op(BitOp op, Reg dst, Reg src, uint8_t size) {
  MInst m;
  m.op = Op::BitCount;
  m.sub = uint8_t(op);
  m.dst = dst;
  m.src1 = src;
  m.size = size;
  return m;
}

MInst extend(Op op, Reg dst, Reg src, uint8_t size, uint8_t from) {
  MInst m;
  m.op = op;
  m.dst = dst;
  m.src1 = src;
  m.size = size;
  m.size2 = from;
  return m;
}

}  // namespace

Result<void> Lowering::lower_int(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  using ir::Opcode;
  const uint8_t size = type_size(in.type);
  const auto args = f_.args(i);
  const ir::Value a0 = args[0];
  const ir::Value a1 = args.size() > 1 ? args[1] : ir::Value();
  switch (in.opcode) {
    case Opcode::Iadd:
    case Opcode::Isub: {
      Reg dst = vreg(f_.first_result(i));
      const bool add = in.opcode == Opcode::Iadd;
      int32_t imm;
      if (imm32_of(a1, &imm) && (add || imm != INT32_MIN)) {
        emit(with_size(
            inst::lea(dst, Amode{use(a0), Reg(), 0, add ? imm : -imm}), size));
      } else if (add && imm32_of(a0, &imm)) {
        emit(with_size(inst::lea(dst, Amode{use(a1), Reg(), 0, imm}), size));
      } else if (add) {
        emit(with_size(inst::lea(dst, Amode{use(a0), use(a1), 0, 0}), size));
      } else {
        Reg b = use(a1);
        emit(inst::mov(dst, use(a0), size));
        emit(inst::alu(AluOp::Sub, dst, b, size));
      }
      return {};
    }
    case Opcode::Imul:
    case Opcode::Band:
    case Opcode::Bor:
    case Opcode::Bxor: {
      Reg dst = vreg(f_.first_result(i));
      const AluOp op = alu_of(in.opcode);
      int32_t imm;
      ir::Value x = a0, y = a1;
      if (!imm32_of(y, &imm) && imm32_of(x, &imm)) std::swap(x, y);
      if (imm32_of(y, &imm)) {
        emit(inst::mov(dst, use(x), size));
        emit(inst::alu_imm(op, dst, imm, size));
      } else {
        Reg b = use(y);
        emit(inst::mov(dst, use(x), size));
        emit(inst::alu(op, dst, b, size));
      }
      return {};
    }
    case Opcode::Ishl:
    case Opcode::Sshr:
    case Opcode::Ushr:
    case Opcode::Rotl:
    case Opcode::Rotr: {
      Reg dst = vreg(f_.first_result(i));
      uint64_t count;
      if (const_of(a1, &count)) {
        emit(inst::mov(dst, use(a0), size));
        emit(inst::shift_imm(shift_of(in.opcode), dst,
                             uint8_t(count & (size * 8 - 1)), size));
      } else {
        Reg c = use(a1);
        emit(inst::mov(dst, use(a0), size));
        emit(inst::shift_cl(shift_of(in.opcode), dst, c, size));
      }
      return {};
    }
    case Opcode::Clz:
    case Opcode::Ctz:
    case Opcode::Popcnt:
      lower_bitcount(i);
      return {};
    case Opcode::Sext8:
    case Opcode::Sext16:
    case Opcode::Sext32: {
      const uint8_t from = in.opcode == Opcode::Sext8    ? 1
                           : in.opcode == Opcode::Sext16 ? 2
                                                         : 4;
      emit(extend(Op::Movsx, vreg(f_.first_result(i)), use(a0), size, from));
      return {};
    }
    case Opcode::Sextend:
      emit(extend(Op::Movsx, vreg(f_.first_result(i)), use(a0), 8, 4));
      return {};
    case Opcode::Uextend:
      emit(extend(Op::Movzx, vreg(f_.first_result(i)), use(a0), 8, 4));
      return {};
    case Opcode::Ireduce:
      emit(inst::mov(vreg(f_.first_result(i)), use(a0), 4));
      return {};
    case Opcode::Sdiv:
    case Opcode::Udiv:
    case Opcode::Srem:
    case Opcode::Urem:
      lower_div(i);
      return {};
    default:
      return Error(ErrorKind::Internal,
                   std::string("x64 lowering: unexpected opcode ") +
                       std::string(ir::opcode_name(in.opcode)));
  }
}

MInst Lowering::with_size(MInst m, uint8_t size) {
  m.size = size;
  return m;
}

// Division. Division by zero is left to the hardware: `div`/`idiv` raise #DE
// (SIGFPE) and the trap table names the instruction IntegerDivideByZero.
// idiv also raises #DE for INT_MIN / -1, which wasm calls IntegerOverflow for
// sdiv (checked explicitly before) and defines as 0 for srem (the divisor -1
// is replaced by 1, which gives the same remainder, 0, for every dividend).
void Lowering::lower_div(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  const uint8_t size = type_size(in.type);
  const ir::Value a0 = f_.args(i)[0], a1 = f_.args(i)[1];
  const bool is_signed =
      in.opcode == ir::Opcode::Sdiv || in.opcode == ir::Opcode::Srem;
  const bool is_rem =
      in.opcode == ir::Opcode::Srem || in.opcode == ir::Opcode::Urem;
  const Reg dst = vreg(f_.first_result(i));
  uint64_t c = 0;
  const bool const_divisor = const_of(a1, &c);
  const bool minus_one =
      const_divisor && (size == 4 ? uint32_t(c) == UINT32_MAX : c == ~0ull);
  if (is_signed && is_rem && minus_one) {
    emit(inst::mov_imm(dst, 0, size));
    return;
  }
  Reg dividend = use(a0);
  Reg divisor = use(a1);
  if (is_signed && !is_rem && (!const_divisor || minus_one)) {
    // Trap when dividend == INT_MIN and divisor == -1:
    // ((dividend ^ INT_MIN) | (divisor + 1)) == 0.
    Reg t = gpr(), u = gpr();
    emit(inst::mov(t, dividend, size));
    if (size == 4) {
      emit(inst::alu_imm(AluOp::Xor, t, INT32_MIN, 4));
    } else {
      emit(inst::alu(AluOp::Xor, t, int_const(uint64_t(1) << 63, 8), 8));
    }
    emit(inst::mov(u, divisor, size));
    emit(inst::alu_imm(AluOp::Add, u, 1, size));
    emit(inst::alu(AluOp::Or, t, u, size));
    emit(inst::trap_if(Cond::E, TrapCode::IntegerOverflow));
  }
  if (is_signed && is_rem && !const_divisor) {
    Reg d = gpr();
    Reg one = int_const(1, size);
    emit(inst::mov(d, divisor, size));
    emit(inst::cmp_imm(d, -1, size));
    emit(inst::cmov(Cond::E, d, one, size));
    divisor = d;
  }
  Reg lo = gpr(), hi = gpr(), quot = gpr(), rem = gpr();
  emit(inst::mov(lo, dividend, size));
  if (is_signed)
    emit(inst::cqo(hi, lo, size));
  else
    emit(inst::mov_imm(hi, 0, 4));
  emit(inst::div(is_signed, quot, rem, lo, hi, divisor, size));
  emit(inst::mov(dst, is_rem ? rem : quot, size));
}

// clz/ctz/popcnt. Without lzcnt: clz = bsr ^ (w-1), with bsr's undefined
// result for 0 replaced by 2w-1 (so that the xor gives w); without tzcnt:
// bsf, 0 giving w; without popcnt: the classic SWAR sum of bit fields.
void Lowering::lower_bitcount(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  const uint8_t size = type_size(in.type);
  const unsigned w = size * 8;
  const Reg dst = vreg(f_.first_result(i));
  const Reg x = use(f_.args(i)[0]);
  switch (in.opcode) {
    case ir::Opcode::Clz:
      if (cpu_.lzcnt) {
        emit(bit_op(BitOp::Lzcnt, dst, x, size));
      } else {
        Reg zero_case = int_const(2 * w - 1, size);
        Reg t = gpr();
        emit(bit_op(BitOp::Bsr, t, x, size));
        emit(inst::cmov(Cond::E, t, zero_case, size));
        emit(inst::alu_imm(AluOp::Xor, t, int32_t(w - 1), size));
        emit(inst::mov(dst, t, size));
      }
      return;
    case ir::Opcode::Ctz:
      if (cpu_.bmi1) {
        emit(bit_op(BitOp::Tzcnt, dst, x, size));
      } else {
        Reg zero_case = int_const(w, size);
        Reg t = gpr();
        emit(bit_op(BitOp::Bsf, t, x, size));
        emit(inst::cmov(Cond::E, t, zero_case, size));
        emit(inst::mov(dst, t, size));
      }
      return;
    default:
      break;
  }
  if (cpu_.popcnt) {
    emit(bit_op(BitOp::Popcnt, dst, x, size));
    return;
  }
  auto mask = [&](Reg r, uint64_t m) {
    if (size == 4)
      emit(inst::alu_imm(AluOp::And, r, int32_t(uint32_t(m)), 4));
    else
      emit(inst::alu(AluOp::And, r, int_const(m, 8), 8));
  };
  const uint64_t m1 = 0x5555555555555555ull, m2 = 0x3333333333333333ull,
                 m4 = 0x0f0f0f0f0f0f0f0full, h01 = 0x0101010101010101ull;
  // v = x - ((x >> 1) & m1)
  Reg v = gpr(), t = gpr();
  emit(inst::mov(t, x, size));
  emit(inst::shift_imm(ShiftOp::Shr, t, 1, size));
  mask(t, m1);
  emit(inst::mov(v, x, size));
  emit(inst::alu(AluOp::Sub, v, t, size));
  // v = (v & m2) + ((v >> 2) & m2)
  Reg u = gpr();
  emit(inst::mov(u, v, size));
  emit(inst::shift_imm(ShiftOp::Shr, u, 2, size));
  mask(u, m2);
  mask(v, m2);
  emit(inst::alu(AluOp::Add, v, u, size));
  // v = (v + (v >> 4)) & m4
  Reg s = gpr();
  emit(inst::mov(s, v, size));
  emit(inst::shift_imm(ShiftOp::Shr, s, 4, size));
  emit(inst::alu(AluOp::Add, v, s, size));
  mask(v, m4);
  // (v * h01) >> (w - 8)
  if (size == 4)
    emit(inst::alu_imm(AluOp::Imul, v, int32_t(uint32_t(h01)), 4));
  else
    emit(inst::alu(AluOp::Imul, v, int_const(h01, 8), 8));
  emit(inst::shift_imm(ShiftOp::Shr, v, uint8_t(w - 8), size));
  emit(inst::mov(dst, v, size));
}

}  // namespace heron::x64
