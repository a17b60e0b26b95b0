// Lowering of float arithmetic, comparisons and conversions with exact wasm
// semantics. The parts that plain SSE gets wrong for wasm:
//  - minss/maxss return the second operand for NaNs and for ±0 pairs, so
//    fmin/fmax branch to a NaN path (a + b propagates a NaN) and an equal
//    path (or/and of the bits orders -0 below +0).
//  - ucomis reports "unordered" as ZF=PF=CF=1: eq needs ZF && !PF, ne
//    ZF==0 || PF, and less-than compares are written as greater-than with
//    swapped operands (A/AE are false when unordered).
//  - cvtts[sd]2si answers "integer indefinite" (INT_MIN) for NaN and out of
//    range, so trapping conversions check the source against the exact
//    bounds first and saturating ones patch the result with cmovs.
//  - There is no unsigned conversion before AVX-512: u64 -> float halves
//    the value (keeping the lost bit sticky) and doubles the result.
// abs/neg/copysign work on the bits in a GPR.
#include <bit>
#include <cmath>
#include <utility>

#include "isa/x64/lowering.h"

namespace heron::x64 {

namespace {

XmmOp xmm_op_of(ir::Opcode op) {
  switch (op) {
    case ir::Opcode::Fadd:
      return XmmOp::Add;
    case ir::Opcode::Fsub:
      return XmmOp::Sub;
    case ir::Opcode::Fmul:
      return XmmOp::Mul;
    default:
      return XmmOp::Div;
  }
}

MInst xmov(Reg dst, Reg src) {
  MInst m;
  m.op = Op::XmmMovRR;
  m.dst = dst;
  m.src1 = src;
  return m;
}

MInst unary(Op op, Reg dst, Reg src, uint8_t size, uint8_t size2 = 0) {
  MInst m;
  m.op = op;
  m.dst = dst;
  m.src1 = src;
  m.size = size;
  m.size2 = size2;
  return m;
}

}  // namespace

Reg Lowering::fconst(double value, uint8_t size) {
  return size == 4 ? float_const(std::bit_cast<uint32_t>(float(value)), 4)
                   : float_const(std::bit_cast<uint64_t>(value), 8);
}

Reg Lowering::to_gpr(Reg x, uint8_t size) {
  Reg g = gpr();
  emit(unary(Op::MovXmmToGpr, g, x, size));
  return g;
}

Result<void> Lowering::lower_float(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  using ir::Opcode;
  const uint8_t size = type_size(in.type);
  const auto args = f_.args(i);
  const ir::Value a0 = args[0];
  const ir::Value a1 = args.size() > 1 ? args[1] : ir::Value();
  switch (in.opcode) {
    case Opcode::Fadd:
    case Opcode::Fsub:
    case Opcode::Fmul:
    case Opcode::Fdiv: {
      Reg dst = vreg(f_.first_result(i));
      Reg b = use(a1);
      emit(xmov(dst, use(a0)));
      emit(inst::xmm_alu(xmm_op_of(in.opcode), dst, b, size));
      return {};
    }
    case Opcode::Sqrt:
      emit(inst::xmm_alu(XmmOp::Sqrt, vreg(f_.first_result(i)), use(a0), size));
      return {};
    case Opcode::Fmin:
    case Opcode::Fmax:
      lower_fminmax(i);
      return {};
    case Opcode::Fabs:
    case Opcode::Fneg:
    case Opcode::Fcopysign: {
      Reg g = to_gpr(use(a0), size);
      if (in.opcode == Opcode::Fabs || in.opcode == Opcode::Fcopysign) {
        if (size == 4) {
          emit(inst::alu_imm(AluOp::And, g, INT32_MAX, 4));
        } else {
          emit(inst::shift_imm(ShiftOp::Shl, g, 1, 8));
          emit(inst::shift_imm(ShiftOp::Shr, g, 1, 8));
        }
      }
      if (in.opcode == Opcode::Fneg) {
        if (size == 4)
          emit(inst::alu_imm(AluOp::Xor, g, INT32_MIN, 4));
        else
          emit(inst::alu(AluOp::Xor, g, int_const(uint64_t(1) << 63, 8), 8));
      }
      if (in.opcode == Opcode::Fcopysign) {
        Reg s = to_gpr(use(a1), size);
        if (size == 4) {
          emit(inst::alu_imm(AluOp::And, s, INT32_MIN, 4));
        } else {
          emit(inst::shift_imm(ShiftOp::Shr, s, 63, 8));
          emit(inst::shift_imm(ShiftOp::Shl, s, 63, 8));
        }
        emit(inst::alu(AluOp::Or, g, s, size));
      }
      emit(unary(Op::MovGprToXmm, vreg(f_.first_result(i)), g, size));
      return {};
    }
    case Opcode::Ceil:
    case Opcode::Floor:
    case Opcode::Trunc:
    case Opcode::Nearest: {
      // roundss/roundsd immediate: 0 nearest-even, 1 down, 2 up, 3 zero.
      const int mode = in.opcode == Opcode::Nearest ? 0
                       : in.opcode == Opcode::Floor ? 1
                       : in.opcode == Opcode::Ceil  ? 2
                                                    : 3;
      Reg dst = vreg(f_.first_result(i));
      if (cpu_.sse41) {
        MInst m = unary(Op::XmmRound, dst, use(a0), size);
        m.imm = mode;
        emit(std::move(m));
      } else {
        static constexpr ir::LibCall kF32[] = {
            ir::LibCall::NearestF32, ir::LibCall::FloorF32,
            ir::LibCall::CeilF32, ir::LibCall::TruncF32};
        static constexpr ir::LibCall kF64[] = {
            ir::LibCall::NearestF64, ir::LibCall::FloorF64,
            ir::LibCall::CeilF64, ir::LibCall::TruncF64};
        emit(inst::call_libcall(uint32_t(size == 4 ? kF32[mode] : kF64[mode]),
                                {use(a0)}, {dst}));
      }
      return {};
    }
    case Opcode::Fcmp: {
      Reg a = use(a0), b = use(a1);
      Reg dst = vreg(f_.first_result(i));
      switch (ir::FloatCC(in.code)) {
        case ir::FloatCC::Eq:
        case ir::FloatCC::Ne: {
          const bool eq = ir::FloatCC(in.code) == ir::FloatCC::Eq;
          Reg t = gpr();
          emit(inst::ucomis(a, b, size));
          emit(inst::setcc(eq ? Cond::E : Cond::NE, dst));
          emit(inst::setcc(eq ? Cond::NP : Cond::P, t));
          emit(inst::alu(eq ? AluOp::And : AluOp::Or, dst, t, 4));
          break;
        }
        case ir::FloatCC::Lt:
          emit(inst::ucomis(b, a, size));
          emit(inst::setcc(Cond::A, dst));
          break;
        case ir::FloatCC::Le:
          emit(inst::ucomis(b, a, size));
          emit(inst::setcc(Cond::AE, dst));
          break;
        case ir::FloatCC::Gt:
          emit(inst::ucomis(a, b, size));
          emit(inst::setcc(Cond::A, dst));
          break;
        case ir::FloatCC::Ge:
          emit(inst::ucomis(a, b, size));
          emit(inst::setcc(Cond::AE, dst));
          break;
      }
      return {};
    }
    case Opcode::Fpromote:
    case Opcode::Fdemote:
      emit(unary(Op::CvtFToF, vreg(f_.first_result(i)), use(a0), size));
      return {};
    default:
      return Error(ErrorKind::Internal, "x64 lowering: unexpected float op");
  }
}

// ucomis a, b: NE (ordered, different) -> minss/maxss; else P (unordered)
// -> a + b (a NaN, quieted); else equal -> or (min) / and (max) of the bits.
void Lowering::lower_fminmax(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  const uint8_t size = type_size(in.type);
  const bool is_min = in.opcode == ir::Opcode::Fmin;
  Reg a = use(f_.args(i)[0]), b = use(f_.args(i)[1]);
  Reg dst = vreg(f_.first_result(i));
  const uint32_t ordinary = new_block_inline();
  const uint32_t join = new_block_inline();
  const uint32_t eq_or_nan = new_block_cold();
  const uint32_t equal = new_block_cold();
  const uint32_t nan = new_block_cold();
  emit(inst::ucomis(a, b, size));
  emit(inst::jcc(Cond::NE, ordinary, eq_or_nan));
  switch_to(ordinary);
  emit(xmov(dst, a));
  emit(inst::xmm_alu(is_min ? XmmOp::Min : XmmOp::Max, dst, b, size));
  jump(join);
  switch_to(eq_or_nan);
  emit(inst::ucomis(a, b, size));
  emit(inst::jcc(Cond::P, nan, equal));
  switch_to(equal);
  emit(xmov(dst, a));
  emit(inst::xmm_alu(is_min ? XmmOp::Or : XmmOp::And, dst, b, size));
  jump(join);
  switch_to(nan);
  emit(xmov(dst, a));
  emit(inst::xmm_alu(XmmOp::Add, dst, b, size));
  jump(join);
  switch_to(join);
}

Result<void> Lowering::lower_conv(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  using ir::Opcode;
  const ir::Value a0 = f_.args(i)[0];
  const ir::Type from = f_.value_type(a0);
  const uint8_t size = type_size(in.type);
  const Reg dst = vreg(f_.first_result(i));
  switch (in.opcode) {
    case Opcode::Bitcast:
      emit(unary(ir::is_float(in.type) ? Op::MovGprToXmm : Op::MovXmmToGpr, dst,
                 use(a0), size));
      return {};
    case Opcode::FcvtFromSint:
      emit(unary(Op::CvtIntToF, dst, use(a0), size, type_size(from)));
      return {};
    case Opcode::FcvtFromUint:
      if (from == ir::Type::I32) {
        emit(unary(Op::CvtIntToF, dst, zext32(use(a0)), size, 8));
      } else {
        lower_uint_to_float(i);
      }
      return {};
    default:
      lower_float_to_int(i);
      return {};
  }
}

// u64 -> f32/f64: if the top bit is set, convert (x >> 1) | (x & 1) (the
// sticky bit keeps the rounding exact) and double; the doubling is a
// multiplication by a cmov-selected 1.0 or 2.0, so there is no branch.
void Lowering::lower_uint_to_float(ir::Inst i) {
  const uint8_t size = type_size(f_.inst(i).type);
  const Reg dst = vreg(f_.first_result(i));
  Reg x = use(f_.args(i)[0]);
  Reg half = gpr(), low = gpr(), y = gpr();
  emit(inst::mov(half, x, 8));
  emit(inst::shift_imm(ShiftOp::Shr, half, 1, 8));
  emit(inst::mov(low, x, 8));
  emit(inst::alu_imm(AluOp::And, low, 1, 8));
  emit(inst::alu(AluOp::Or, half, low, 8));
  Reg one = size == 4 ? int_const(std::bit_cast<uint32_t>(1.0f), 4)
                      : int_const(std::bit_cast<uint64_t>(1.0), 8);
  Reg two = size == 4 ? int_const(std::bit_cast<uint32_t>(2.0f), 4)
                      : int_const(std::bit_cast<uint64_t>(2.0), 8);
  emit(inst::mov(y, x, 8));
  MInst t = inst::cmp(x, x, 8);
  t.is_test = true;
  emit(std::move(t));
  emit(inst::cmov(Cond::S, y, half, 8));
  emit(inst::cmov(Cond::S, one, two, 8));
  emit(unary(Op::CvtIntToF, dst, y, size, 8));
  Reg factor = xmm();
  emit(unary(Op::MovGprToXmm, factor, one, size));
  emit(inst::xmm_alu(XmmOp::Mul, dst, factor, size));
}

void Lowering::lower_float_to_int(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  using ir::Opcode;
  const ir::Value a0 = f_.args(i)[0];
  const uint8_t fs = type_size(f_.value_type(a0));  // float size
  const uint8_t is = type_size(in.type);            // int size
  const unsigned bits = is * 8;
  const bool is_signed =
      in.opcode == Opcode::FcvtToSint || in.opcode == Opcode::FcvtToSintSat;
  const bool saturating =
      in.opcode == Opcode::FcvtToSintSat || in.opcode == Opcode::FcvtToUintSat;
  const Reg dst = vreg(f_.first_result(i));
  const Reg x = use(a0);
  const double two_n1 = std::ldexp(1.0, int(bits) - 1);  // 2^(N-1)
  const double two_n = std::ldexp(1.0, int(bits));       // 2^N
  auto trap_unless = [&](double bound, Cond trap_cc, TrapCode code) {
    Reg c = fconst(bound, fs);
    emit(inst::ucomis(x, c, fs));
    emit(inst::trap_if(trap_cc, code));
  };
  auto cvt = [&](Reg to, Reg from, uint8_t int_size) {
    emit(unary(Op::CvtFToInt, to, from, fs, int_size));
  };
  // Unsigned 64-bit: below 2^63 the signed conversion is right; above, the
  // conversion of x - 2^63 with the top bit set again.
  auto cvt_u64 = [&](Reg to) {
    Reg c63 = fconst(two_n1, fs);
    Reg t = xmm(), big = gpr();
    Reg top = int_const(uint64_t(1) << 63, 8);
    cvt(to, x, 8);
    emit(xmov(t, x));
    emit(inst::xmm_alu(XmmOp::Sub, t, c63, fs));
    cvt(big, t, 8);
    emit(inst::alu(AluOp::Xor, big, top, 8));
    emit(inst::ucomis(x, c63, fs));
    emit(inst::cmov(Cond::AE, to, big, 8));
  };

  if (!saturating) {
    emit(inst::ucomis(x, x, fs));
    emit(inst::trap_if(Cond::P, TrapCode::BadConversionToInteger));
    if (is_signed) {
      // The lowest valid source: -2^(N-1) - 1 exclusive where the float
      // type has that value (f64 -> i32), else -2^(N-1) inclusive.
      if (fs == 8 && is == 4)
        trap_unless(-two_n1 - 1.0, Cond::BE, TrapCode::IntegerOverflow);
      else
        trap_unless(-two_n1, Cond::B, TrapCode::IntegerOverflow);
      trap_unless(two_n1, Cond::AE, TrapCode::IntegerOverflow);
      cvt(dst, x, is);
    } else {
      trap_unless(-1.0, Cond::BE, TrapCode::IntegerOverflow);
      trap_unless(two_n, Cond::AE, TrapCode::IntegerOverflow);
      if (is == 4)
        cvt(dst, x, 8);  // below 2^32: exact in the 64-bit conversion
      else
        cvt_u64(dst);
    }
    return;
  }
  Reg r = gpr();
  if (is_signed) {
    // Too small already gives INT_MIN; patch too large and NaN.
    Reg max = int_const(is == 4 ? INT32_MAX : INT64_MAX, is);
    Reg zero = int_const(0, is);
    Reg hi = fconst(two_n1, fs);
    cvt(r, x, is);
    emit(inst::ucomis(x, hi, fs));
    emit(inst::cmov(Cond::AE, r, max, is));
    emit(inst::ucomis(x, x, fs));
    emit(inst::cmov(Cond::P, r, zero, is));
  } else {
    Reg max = int_const(is == 4 ? UINT32_MAX : UINT64_MAX, 8);
    Reg zero = int_const(0, 8);
    Reg hi = fconst(two_n, fs);
    Reg lo = fconst(0.0, fs);
    if (is == 4)
      cvt(r, x, 8);
    else
      cvt_u64(r);
    emit(inst::ucomis(x, hi, fs));
    emit(inst::cmov(Cond::AE, r, max, 8));
    emit(inst::ucomis(x, lo, fs));  // below zero or NaN (CF=1): 0
    emit(inst::cmov(Cond::B, r, zero, 8));
  }
  emit(inst::mov(dst, r, is));
}

}  // namespace heron::x64
