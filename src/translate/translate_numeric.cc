// Numeric operators: constants, integer and float arithmetic, comparisons,
// conversions and reinterpretations. Each maps to one IR instruction whose
// semantics opcodes.def defines as Wasm's (trapping division and float to
// int conversion, NaN-propagating fmin/fmax, ties-to-even nearest), so the
// translation is a table; eqz becomes a comparison with zero.
#include "translate/func_translation.h"

namespace heron {

void FuncTranslation::unary(ir::Opcode opc, ir::Type t) {
  ir::Value a = pop();
  push(b_->unary(opc, t, a));
}

void FuncTranslation::binary(ir::Opcode opc, ir::Type t) {
  ir::Value rhs = pop();
  ir::Value lhs = pop();
  push(b_->binary(opc, t, lhs, rhs));
}

void FuncTranslation::icmp(ir::IntCC cc) {
  ir::Value rhs = pop();
  ir::Value lhs = pop();
  push(b_->icmp(cc, lhs, rhs));
}

void FuncTranslation::fcmp(ir::FloatCC cc) {
  ir::Value rhs = pop();
  ir::Value lhs = pop();
  push(b_->fcmp(cc, lhs, rhs));
}

bool FuncTranslation::translate_numeric(const Operator& op) {
  using ir::FloatCC;
  using ir::IntCC;
  using O = ir::Opcode;
  constexpr ir::Type I32 = ir::Type::I32, I64 = ir::Type::I64,
                     F32 = ir::Type::F32, F64 = ir::Type::F64;
  switch (op.op) {
    case Opcode::I32Const:
      push(b_->iconst(I32, op.imm.bits));
      break;
    case Opcode::I64Const:
      push(b_->iconst(I64, op.imm.bits));
      break;
    case Opcode::F32Const:
      push(b_->f32const(op.imm.f32_bits()));
      break;
    case Opcode::F64Const:
      push(b_->f64const(op.imm.f64_bits()));
      break;

    case Opcode::I32Eqz:
    case Opcode::I64Eqz: {
      ir::Value a = pop();
      push(b_->icmp(IntCC::Eq, a, zero(f_->value_type(a))));
      break;
    }
    case Opcode::I32Eq:
    case Opcode::I64Eq:
      icmp(IntCC::Eq);
      break;
    case Opcode::I32Ne:
    case Opcode::I64Ne:
      icmp(IntCC::Ne);
      break;
    case Opcode::I32LtS:
    case Opcode::I64LtS:
      icmp(IntCC::Slt);
      break;
    case Opcode::I32LtU:
    case Opcode::I64LtU:
      icmp(IntCC::Ult);
      break;
    case Opcode::I32GtS:
    case Opcode::I64GtS:
      icmp(IntCC::Sgt);
      break;
    case Opcode::I32GtU:
    case Opcode::I64GtU:
      icmp(IntCC::Ugt);
      break;
    case Opcode::I32LeS:
    case Opcode::I64LeS:
      icmp(IntCC::Sle);
      break;
    case Opcode::I32LeU:
    case Opcode::I64LeU:
      icmp(IntCC::Ule);
      break;
    case Opcode::I32GeS:
    case Opcode::I64GeS:
      icmp(IntCC::Sge);
      break;
    case Opcode::I32GeU:
    case Opcode::I64GeU:
      icmp(IntCC::Uge);
      break;

    case Opcode::F32Eq:
    case Opcode::F64Eq:
      fcmp(FloatCC::Eq);
      break;
    case Opcode::F32Ne:
    case Opcode::F64Ne:
      fcmp(FloatCC::Ne);
      break;
    case Opcode::F32Lt:
    case Opcode::F64Lt:
      fcmp(FloatCC::Lt);
      break;
    case Opcode::F32Gt:
    case Opcode::F64Gt:
      fcmp(FloatCC::Gt);
      break;
    case Opcode::F32Le:
    case Opcode::F64Le:
      fcmp(FloatCC::Le);
      break;
    case Opcode::F32Ge:
    case Opcode::F64Ge:
      fcmp(FloatCC::Ge);
      break;

    case Opcode::I32Clz:
      unary(O::Clz, I32);
      break;
    case Opcode::I32Ctz:
      unary(O::Ctz, I32);
      break;
    case Opcode::I32Popcnt:
      unary(O::Popcnt, I32);
      break;
    case Opcode::I32Add:
      binary(O::Iadd, I32);
      break;
    case Opcode::I32Sub:
      binary(O::Isub, I32);
      break;
    case Opcode::I32Mul:
      binary(O::Imul, I32);
      break;
    case Opcode::I32DivS:
      binary(O::Sdiv, I32);
      break;
    case Opcode::I32DivU:
      binary(O::Udiv, I32);
      break;
    case Opcode::I32RemS:
      binary(O::Srem, I32);
      break;
    case Opcode::I32RemU:
      binary(O::Urem, I32);
      break;
    case Opcode::I32And:
      binary(O::Band, I32);
      break;
    case Opcode::I32Or:
      binary(O::Bor, I32);
      break;
    case Opcode::I32Xor:
      binary(O::Bxor, I32);
      break;
    case Opcode::I32Shl:
      binary(O::Ishl, I32);
      break;
    case Opcode::I32ShrS:
      binary(O::Sshr, I32);
      break;
    case Opcode::I32ShrU:
      binary(O::Ushr, I32);
      break;
    case Opcode::I32Rotl:
      binary(O::Rotl, I32);
      break;
    case Opcode::I32Rotr:
      binary(O::Rotr, I32);
      break;

    case Opcode::I64Clz:
      unary(O::Clz, I64);
      break;
    case Opcode::I64Ctz:
      unary(O::Ctz, I64);
      break;
    case Opcode::I64Popcnt:
      unary(O::Popcnt, I64);
      break;
    case Opcode::I64Add:
      binary(O::Iadd, I64);
      break;
    case Opcode::I64Sub:
      binary(O::Isub, I64);
      break;
    case Opcode::I64Mul:
      binary(O::Imul, I64);
      break;
    case Opcode::I64DivS:
      binary(O::Sdiv, I64);
      break;
    case Opcode::I64DivU:
      binary(O::Udiv, I64);
      break;
    case Opcode::I64RemS:
      binary(O::Srem, I64);
      break;
    case Opcode::I64RemU:
      binary(O::Urem, I64);
      break;
    case Opcode::I64And:
      binary(O::Band, I64);
      break;
    case Opcode::I64Or:
      binary(O::Bor, I64);
      break;
    case Opcode::I64Xor:
      binary(O::Bxor, I64);
      break;
    case Opcode::I64Shl:
      binary(O::Ishl, I64);
      break;
    case Opcode::I64ShrS:
      binary(O::Sshr, I64);
      break;
    case Opcode::I64ShrU:
      binary(O::Ushr, I64);
      break;
    case Opcode::I64Rotl:
      binary(O::Rotl, I64);
      break;
    case Opcode::I64Rotr:
      binary(O::Rotr, I64);
      break;

    case Opcode::F32Abs:
      unary(O::Fabs, F32);
      break;
    case Opcode::F32Neg:
      unary(O::Fneg, F32);
      break;
    case Opcode::F32Ceil:
      unary(O::Ceil, F32);
      break;
    case Opcode::F32Floor:
      unary(O::Floor, F32);
      break;
    case Opcode::F32Trunc:
      unary(O::Trunc, F32);
      break;
    case Opcode::F32Nearest:
      unary(O::Nearest, F32);
      break;
    case Opcode::F32Sqrt:
      unary(O::Sqrt, F32);
      break;
    case Opcode::F32Add:
      binary(O::Fadd, F32);
      break;
    case Opcode::F32Sub:
      binary(O::Fsub, F32);
      break;
    case Opcode::F32Mul:
      binary(O::Fmul, F32);
      break;
    case Opcode::F32Div:
      binary(O::Fdiv, F32);
      break;
    case Opcode::F32Min:
      binary(O::Fmin, F32);
      break;
    case Opcode::F32Max:
      binary(O::Fmax, F32);
      break;
    case Opcode::F32Copysign:
      binary(O::Fcopysign, F32);
      break;

    case Opcode::F64Abs:
      unary(O::Fabs, F64);
      break;
    case Opcode::F64Neg:
      unary(O::Fneg, F64);
      break;
    case Opcode::F64Ceil:
      unary(O::Ceil, F64);
      break;
    case Opcode::F64Floor:
      unary(O::Floor, F64);
      break;
    case Opcode::F64Trunc:
      unary(O::Trunc, F64);
      break;
    case Opcode::F64Nearest:
      unary(O::Nearest, F64);
      break;
    case Opcode::F64Sqrt:
      unary(O::Sqrt, F64);
      break;
    case Opcode::F64Add:
      binary(O::Fadd, F64);
      break;
    case Opcode::F64Sub:
      binary(O::Fsub, F64);
      break;
    case Opcode::F64Mul:
      binary(O::Fmul, F64);
      break;
    case Opcode::F64Div:
      binary(O::Fdiv, F64);
      break;
    case Opcode::F64Min:
      binary(O::Fmin, F64);
      break;
    case Opcode::F64Max:
      binary(O::Fmax, F64);
      break;
    case Opcode::F64Copysign:
      binary(O::Fcopysign, F64);
      break;

    case Opcode::I32WrapI64:
      unary(O::Ireduce, I32);
      break;
    case Opcode::I64ExtendI32S:
      unary(O::Sextend, I64);
      break;
    case Opcode::I64ExtendI32U:
      unary(O::Uextend, I64);
      break;
    case Opcode::I32TruncF32S:
    case Opcode::I32TruncF64S:
      unary(O::FcvtToSint, I32);
      break;
    case Opcode::I32TruncF32U:
    case Opcode::I32TruncF64U:
      unary(O::FcvtToUint, I32);
      break;
    case Opcode::I64TruncF32S:
    case Opcode::I64TruncF64S:
      unary(O::FcvtToSint, I64);
      break;
    case Opcode::I64TruncF32U:
    case Opcode::I64TruncF64U:
      unary(O::FcvtToUint, I64);
      break;
    case Opcode::I32TruncSatF32S:
    case Opcode::I32TruncSatF64S:
      unary(O::FcvtToSintSat, I32);
      break;
    case Opcode::I32TruncSatF32U:
    case Opcode::I32TruncSatF64U:
      unary(O::FcvtToUintSat, I32);
      break;
    case Opcode::I64TruncSatF32S:
    case Opcode::I64TruncSatF64S:
      unary(O::FcvtToSintSat, I64);
      break;
    case Opcode::I64TruncSatF32U:
    case Opcode::I64TruncSatF64U:
      unary(O::FcvtToUintSat, I64);
      break;
    case Opcode::F32ConvertI32S:
    case Opcode::F32ConvertI64S:
      unary(O::FcvtFromSint, F32);
      break;
    case Opcode::F32ConvertI32U:
    case Opcode::F32ConvertI64U:
      unary(O::FcvtFromUint, F32);
      break;
    case Opcode::F64ConvertI32S:
    case Opcode::F64ConvertI64S:
      unary(O::FcvtFromSint, F64);
      break;
    case Opcode::F64ConvertI32U:
    case Opcode::F64ConvertI64U:
      unary(O::FcvtFromUint, F64);
      break;
    case Opcode::F32DemoteF64:
      unary(O::Fdemote, F32);
      break;
    case Opcode::F64PromoteF32:
      unary(O::Fpromote, F64);
      break;
    case Opcode::I32ReinterpretF32:
      unary(O::Bitcast, I32);
      break;
    case Opcode::I64ReinterpretF64:
      unary(O::Bitcast, I64);
      break;
    case Opcode::F32ReinterpretI32:
      unary(O::Bitcast, F32);
      break;
    case Opcode::F64ReinterpretI64:
      unary(O::Bitcast, F64);
      break;

    case Opcode::I32Extend8S:
      unary(O::Sext8, I32);
      break;
    case Opcode::I32Extend16S:
      unary(O::Sext16, I32);
      break;
    case Opcode::I64Extend8S:
      unary(O::Sext8, I64);
      break;
    case Opcode::I64Extend16S:
      unary(O::Sext16, I64);
      break;
    case Opcode::I64Extend32S:
      unary(O::Sext32, I64);
      break;

    default:
      return false;
  }
  return true;
}

}  // namespace heron
