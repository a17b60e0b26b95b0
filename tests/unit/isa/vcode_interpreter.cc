// The fuzz tests' reference interpreter (see vcode_interpreter.h).
#include "vcode_interpreter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace heron::x64::testing {
namespace {

double as_f64(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}
uint64_t bits_of(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}

uint64_t alu(AluOp op, uint64_t a, uint64_t c) {
  switch (op) {
    case AluOp::Add:
      return a + c;
    case AluOp::Sub:
      return a - c;
    case AluOp::And:
      return a & c;
    case AluOp::Or:
      return a | c;
    case AluOp::Xor:
      return a ^ c;
    case AluOp::Imul:
      return a * c;
    default:
      ADD_FAILURE() << "alu op";
      return 0;
  }
}

uint64_t shift(ShiftOp op, uint64_t a, unsigned n) {
  switch (op) {
    case ShiftOp::Shl:
      return a << n;
    case ShiftOp::Shr:
      return a >> n;
    case ShiftOp::Sar:
      return uint64_t(int64_t(a) >> n);
    case ShiftOp::Rol:
      return n ? (a << n) | (a >> (64 - n)) : a;
    case ShiftOp::Ror:
      return n ? (a >> n) | (a << (64 - n)) : a;
  }
  return 0;
}

double xmm_alu(XmmOp op, double a, double c) {
  switch (op) {
    case XmmOp::Add:
      return a + c;
    case XmmOp::Sub:
      return a - c;
    case XmmOp::Min:  // minsd: the second operand unless a < c
      return a < c ? a : c;
    case XmmOp::Max:
      return a > c ? a : c;
    default:
      ADD_FAILURE() << "xmm op";
      return 0;
  }
}

bool taken(Cond cc, int64_t a, int64_t c) {
  switch (cc) {
    case Cond::E:
      return a == c;
    case Cond::L:
      return a < c;
    case Cond::G:
      return a > c;
    default:
      ADD_FAILURE() << "cond";
      return false;
  }
}

}  // namespace

bool interpret_vcode(const VCode& vc, uint64_t x, uint64_t y, uint64_t* result,
                     int max_steps) {
  std::vector<uint64_t> val(Reg::kNumPhys + vc.num_vregs(), 0);
  auto get = [&](Reg r) { return val[r.bits]; };
  uint32_t b = 0;
  for (int steps = 0; steps < max_steps; steps++) {
    const VBlock& blk = vc.blocks[b];
    for (const MInst& in : blk.insts) {
      switch (in.op) {
        case Op::Args:
          val[in.rets[1].bits] = x;
          val[in.rets[2].bits] = y;
          break;
        case Op::MovRR:
        case Op::XmmMovRR:
        case Op::MovXmmToGpr:
          val[in.dst.bits] = get(in.src1);
          break;
        case Op::MovImm:
          val[in.dst.bits] = uint64_t(in.imm);
          break;
        case Op::AluRR:
        case Op::AluRI:
          val[in.dst.bits] = alu(
              AluOp(in.sub), get(in.dst),
              in.op == Op::AluRR ? get(in.src1) : uint64_t(int64_t(in.imm)));
          break;
        case Op::ShiftRI:
          val[in.dst.bits] =
              shift(ShiftOp(in.sub), get(in.dst), unsigned(in.imm & 63));
          break;
        case Op::XmmAlu:
          val[in.dst.bits] = bits_of(xmm_alu(XmmOp(in.sub), as_f64(get(in.dst)),
                                             as_f64(get(in.src1))));
          break;
        case Op::CvtIntToF:
          val[in.dst.bits] = bits_of(double(int64_t(get(in.src1))));
          break;
        case Op::CallLibcall:
          val[in.rets[0].bits] = get(in.args[0]) + get(in.args[1]);
          break;
        case Op::Ret:
          *result = get(in.rets[0]);
          return true;
        case Op::Jmp:
        case Op::CmpJcc: {
          size_t edge = 0;
          if (in.op == Op::CmpJcc) {
            const int64_t a = int64_t(get(in.src1));
            const int64_t c = in.has_imm ? in.imm : int64_t(get(in.src2));
            edge = taken(in.cc, a, c) ? 0 : 1;
          }
          const uint32_t s = in.targets[edge];
          std::vector<uint64_t> args;
          for (Reg r : blk.edge_args[edge]) args.push_back(get(r));
          for (size_t k = 0; k < args.size(); k++)
            val[vc.blocks[s].params[k].bits] = args[k];
          b = s;
          break;
        }
        default:
          ADD_FAILURE() << "unexpected op in interpreter";
          return false;
      }
    }
  }
  return false;
}

}  // namespace heron::x64::testing
