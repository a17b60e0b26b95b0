// Machine instructions of the x86-64 back end, on virtual registers. The
// lowering from Heron's IR produces them; the register allocator rewrites
// their registers to physical ones (it learns each operand's role through
// `for_each_operand`, which is the whole contract between instructions and
// the allocator: use / def / use-def / early def, fixed physical register,
// and `clobbers`); the emitter then encodes them with asmjit.
//
// One struct for every opcode, as in Cranelift's VCode: which fields an
// opcode reads is documented per opcode below. Two-address x86 forms
// (`add dst, src`) take `dst` as a use-def operand, so lowering writes
// `mov d, a; add d, b` and the allocator's move hints usually coalesce it.
#pragma once

#include <cstdint>
#include <vector>

#include "heron/trap_code.h"
#include "isa/x64/regs.h"

namespace heron::x64 {

// Hardware condition-code encodings (the low nibble of jcc/setcc/cmovcc).
enum class Cond : uint8_t {
  O,
  NO,
  B,
  AE,
  E,
  NE,
  BE,
  A,
  S,
  NS,
  P,
  NP,
  L,
  GE,
  LE,
  G,
};
Cond invert(Cond c);

// Marks an instruction that cannot fault (MInst::trap).
inline constexpr TrapCode kNoTrap = static_cast<TrapCode>(0xff);

inline constexpr uint32_t kNoSrcLoc = UINT32_MAX;

// [base + index * (1 << scale) + disp]; `index` may be invalid.
struct Amode {
  Reg base;
  Reg index;
  uint8_t scale = 0;  // log2 of 1, 2, 4, 8
  int32_t disp = 0;
};

enum class AluOp : uint8_t { Add, Sub, And, Or, Xor, Imul };
enum class ShiftOp : uint8_t { Shl, Sar, Shr, Rol, Ror };
enum class UnaryOp : uint8_t { Neg, Not };
// Bsr/Bsf: the fallbacks when the CPU lacks lzcnt/tzcnt (ZF=1 on a zero
// source, whose destination is then undefined).
enum class BitOp : uint8_t { Lzcnt, Tzcnt, Popcnt, Bsr, Bsf };
// And/Or/Xor are the packed-single bitwise forms (andps/orps/xorps) on the
// whole register, used for sign-bit tricks of scalar values.
enum class XmmOp : uint8_t { Add, Sub, Mul, Div, Min, Max, Sqrt, And, Or, Xor };

enum class Op : uint8_t {
  Nop,
  // ---- integer moves and arithmetic (GPR); `size` is 4 or 8 unless noted.
  MovRR,     // dst(def) = src1
  MovImm,    // dst(def) = imm (size 4 zero-extends, size 8 movabs if needed)
  Movzx,     // dst(def) = zext(src1 of `size2` bytes: 1, 2 or 4)
  Movsx,     // dst(def) = sext(src1 of `size2` bytes) to `size`
  Lea,       // dst(def) = address of mem
  AluRR,     // dst(use-def) = dst `alu` src1
  AluRI,     // dst(use-def) = dst `alu` imm (imm fits in int32)
  ShiftRCl,  // dst(use-def) = dst `shift` src1 (src1 fixed in rcx)
  ShiftRI,   // dst(use-def) = dst `shift` imm
  Unary,     // dst(use-def) = `unary` dst
  BitCount,  // dst(def) = lzcnt/tzcnt/popcnt(src1)
  Cqo,       // rdx:rax = sext(rax): src1(use, rax) -> dst(def, rdx)
  Div,       // rax,rdx = (src2:src1) / src3; src1 fixed rax, src2 fixed
             // rdx, dst fixed rax (quotient), dst2 fixed rdx (remainder);
             // `sign` selects idiv; traps (division by zero / overflow).
  // ---- flags
  CmpRR,   // flags = cmp src1, src2 (`is_test` selects test)
  CmpRI,   // flags = cmp src1, imm
  Setcc,   // dst(def) = cc ? 1 : 0 (setcc + movzx), reads flags
  TrapIf,  // if flags cc: trap `trap` (jcc to an out-of-line ud2 stub)
  Cmov,    // dst(use-def) = cc ? src1 : dst, reads flags
  // ---- memory: `size` 1/2/4/8; loads extend to `size2` (4 or 8) by `sign`.
  Load,   // dst(def) = [mem]
  Store,  // [mem] = src1
  // ---- SSE scalar float; `size` 4 (ss) or 8 (sd).
  XmmMovRR,     // dst(def) = src1 (movaps)
  XmmLoad,      // dst(def) = [mem] (movss/movsd)
  XmmStore,     // [mem] = src1
  XmmAlu,       // dst(use-def) = dst `xmm_op` src1; Sqrt: dst(def)=sqrt(src1)
  XmmRound,     // dst(def) = round(src1, imm) (roundss/roundsd, SSE4.1)
  Ucomis,       // flags = ucomis src1, src2
  CvtIntToF,    // dst(def, xmm) = cvtsi2s[sd] src1 (GPR of `size2` 4/8)
  CvtFToInt,    // dst(def, GPR of `size2`) = cvtts[sd]2si src1
  CvtFToF,      // dst(def) = cvtss2sd (size 8) / cvtsd2ss (size 4) src1
  MovGprToXmm,  // dst(def, xmm) = movd/movq src1 (`size` 4/8)
  MovXmmToGpr,  // dst(def, GPR) = movd/movq src1
  // ---- calls: `args` are uses fixed to the SysV argument registers (GPRs
  // and XMMs counted separately), `rets` defs fixed to rax / xmm0; all
  // caller-saved registers are clobbered.
  CallDirect,    // call wasm function `index` (rel32 relocation)
  CallLibcall,   // call runtime library function `index` (abs64 relocation)
  CallIndirect,  // call src1
  LoadAddr,      // dst(def) = absolute address `index` (abs64 relocation)
  // ---- control flow: block terminators
  Ret,      // return `rets` (fixed rax / xmm0)
  Jmp,      // goto targets[0]
  CmpJcc,   // if (cmp/test src1, src2 or imm) cc goto targets[0] else [1]
  Jcc,      // if flags cc goto targets[0] else targets[1]
  BrTable,  // src1(use) index: targets[1 + index] or targets[0] (default);
            // dst(early def) is a temporary for the table address.
  Ud2,      // trap with `trap`; no successors (conditional traps: TrapIf)
  // ---- pseudo-instructions
  Args,             // defines `rets` from the SysV argument registers
  StackLimitCheck,  // if rsp < [src1 + imm] trap `trap` (loop headers)
  // Inserted by the register allocator on physical registers / slots:
  SpillStore,  // [slot `index`] = src1 (`size` 8; class of src1)
  SpillLoad,   // dst = [slot `index`]
  SlotCopy,    // [slot `imm`] = [slot `index`] (push/pop, no register)
};

struct MInst {
  Op op = Op::Nop;
  uint8_t size = 8;
  uint8_t size2 = 0;
  uint8_t sub = 0;  // AluOp, ShiftOp, UnaryOp, BitOp or XmmOp
  Cond cc = Cond::E;
  bool sign = false;
  bool is_test = false;
  bool has_imm = false;  // CmpJcc: compare with imm instead of src2
  TrapCode trap = kNoTrap;
  Reg dst, dst2, src1, src2, src3;
  Amode mem;
  int64_t imm = 0;
  uint32_t index = 0;
  uint32_t srcloc = kNoSrcLoc;    // wasm byte offset, or kNoSrcLoc
  std::vector<Reg> args;          // CallDirect/CallLibcall/CallIndirect
  std::vector<Reg> rets;          // calls, Ret, Args
  std::vector<uint32_t> targets;  // block indices of a terminator
};

enum class OperandKind : uint8_t { Use, Def, UseDef, EarlyDef };

bool is_terminator(Op op);
// Clobbered physical registers (beyond the operands) of an instruction.
RegMask clobbers(const MInst& inst);

// Visit every register operand: f(Reg& reg, OperandKind kind, Reg fixed),
// `fixed` being the physical register the operand must be in (or invalid).
// `class_of(Reg)` gives the class of a (virtual or physical) register, to
// assign SysV argument registers.
template <class F, class ClassOf>
void for_each_operand(MInst& in, ClassOf&& class_of, F&& f) {
  const Reg none;
  auto mem = [&](Amode& m) {
    if (m.base.valid()) f(m.base, OperandKind::Use, none);
    if (m.index.valid()) f(m.index, OperandKind::Use, none);
  };
  auto abi_list = [&](std::vector<Reg>& regs, OperandKind kind, bool is_ret) {
    unsigned ngpr = 0, nxmm = 0;
    for (Reg& r : regs) {
      Reg fixed;
      if (class_of(r) == RegClass::Gpr) {
        fixed = is_ret ? (ngpr == 0 ? kRetGpr : Reg::gpr(RDX))
                       : (ngpr < 6 ? kArgGprs[ngpr] : Reg());
        ngpr++;
      } else {
        fixed = is_ret ? Reg::xmm(nxmm)
                       : (nxmm < kNumArgXmms ? Reg::xmm(nxmm) : Reg());
        nxmm++;
      }
      f(r, kind, fixed);
    }
  };
  switch (in.op) {
    case Op::Nop:
    case Op::Jmp:
    case Op::Jcc:
    case Op::Ud2:
    case Op::TrapIf:
    case Op::SlotCopy:
      break;
    case Op::MovRR:
    case Op::Movzx:
    case Op::Movsx:
    case Op::BitCount:
    case Op::XmmMovRR:
    case Op::XmmRound:
    case Op::CvtIntToF:
    case Op::CvtFToInt:
    case Op::CvtFToF:
    case Op::MovGprToXmm:
    case Op::MovXmmToGpr:
      f(in.src1, OperandKind::Use, none);
      f(in.dst, OperandKind::Def, none);
      break;
    case Op::MovImm:
    case Op::LoadAddr:
    case Op::SpillLoad:
      f(in.dst, OperandKind::Def, none);
      break;
    case Op::Lea:
    case Op::Load:
    case Op::XmmLoad:
      mem(in.mem);
      f(in.dst, OperandKind::Def, none);
      break;
    case Op::AluRR:
      f(in.src1, OperandKind::Use, none);
      f(in.dst, OperandKind::UseDef, none);
      break;
    case Op::XmmAlu:
      f(in.src1, OperandKind::Use, none);
      f(in.dst,
        XmmOp(in.sub) == XmmOp::Sqrt ? OperandKind::Def : OperandKind::UseDef,
        none);
      break;
    case Op::AluRI:
    case Op::ShiftRI:
    case Op::Unary:
      f(in.dst, OperandKind::UseDef, none);
      break;
    case Op::ShiftRCl:
      f(in.src1, OperandKind::Use, Reg::gpr(RCX));
      f(in.dst, OperandKind::UseDef, none);
      break;
    case Op::Cqo:
      f(in.src1, OperandKind::Use, Reg::gpr(RAX));
      f(in.dst, OperandKind::Def, Reg::gpr(RDX));
      break;
    case Op::Div:
      f(in.src1, OperandKind::Use, Reg::gpr(RAX));
      f(in.src2, OperandKind::Use, Reg::gpr(RDX));
      f(in.src3, OperandKind::Use, none);
      f(in.dst, OperandKind::Def, Reg::gpr(RAX));
      f(in.dst2, OperandKind::Def, Reg::gpr(RDX));
      break;
    case Op::CmpRR:
    case Op::Ucomis:
      f(in.src1, OperandKind::Use, none);
      f(in.src2, OperandKind::Use, none);
      break;
    case Op::CmpRI:
    case Op::StackLimitCheck:
    case Op::SpillStore:
      f(in.src1, OperandKind::Use, none);
      break;
    case Op::CmpJcc:
      f(in.src1, OperandKind::Use, none);
      if (!in.has_imm) f(in.src2, OperandKind::Use, none);
      break;
    case Op::Setcc:
      f(in.dst, OperandKind::Def, none);
      break;
    case Op::Cmov:
      f(in.src1, OperandKind::Use, none);
      f(in.dst, OperandKind::UseDef, none);
      break;
    case Op::Store:
    case Op::XmmStore:
      mem(in.mem);
      f(in.src1, OperandKind::Use, none);
      break;
    case Op::CallDirect:
    case Op::CallLibcall:
    case Op::CallIndirect:
      if (in.op == Op::CallIndirect) f(in.src1, OperandKind::Use, none);
      abi_list(in.args, OperandKind::Use, false);
      abi_list(in.rets, OperandKind::Def, true);
      break;
    case Op::Ret:
      abi_list(in.rets, OperandKind::Use, true);
      break;
    case Op::Args:
      abi_list(in.rets, OperandKind::Def, false);
      break;
    case Op::BrTable:
      f(in.src1, OperandKind::Use, none);
      f(in.dst, OperandKind::EarlyDef, none);
      break;
  }
}

// ---- constructors for the common forms (lowering and tests use these).
namespace inst {
MInst mov(Reg dst, Reg src, uint8_t size = 8);
MInst mov_imm(Reg dst, int64_t imm, uint8_t size = 8);
MInst lea(Reg dst, Amode mem);
MInst alu(AluOp op, Reg dst, Reg src, uint8_t size = 8);
MInst alu_imm(AluOp op, Reg dst, int32_t imm, uint8_t size = 8);
MInst shift_cl(ShiftOp op, Reg dst, Reg count, uint8_t size = 8);
MInst shift_imm(ShiftOp op, Reg dst, uint8_t imm, uint8_t size = 8);
MInst cmp(Reg a, Reg b, uint8_t size = 8);
MInst cmp_imm(Reg a, int32_t imm, uint8_t size = 8);
MInst setcc(Cond cc, Reg dst);
MInst cmov(Cond cc, Reg dst, Reg src, uint8_t size = 8);
MInst cqo(Reg rdx_dst, Reg rax_src, uint8_t size = 8);
MInst div(bool is_signed, Reg quot, Reg rem, Reg lo, Reg hi, Reg divisor,
          uint8_t size = 8);
MInst load(Reg dst, Amode mem, uint8_t size, bool sign = false,
           uint8_t ext_to = 8);
MInst store(Reg src, Amode mem, uint8_t size);
MInst xmm_alu(XmmOp op, Reg dst, Reg src, uint8_t size);
MInst call(uint32_t func_index, std::vector<Reg> args, std::vector<Reg> rets);
MInst call_libcall(uint32_t id, std::vector<Reg> args, std::vector<Reg> rets);
MInst call_indirect(Reg callee, std::vector<Reg> args, std::vector<Reg> rets);
MInst ret(std::vector<Reg> values);
MInst jmp(uint32_t target);
MInst cmp_jcc(Cond cc, Reg a, Reg b, uint32_t taken, uint32_t not_taken,
              uint8_t size = 8);
MInst cmp_imm_jcc(Cond cc, Reg a, int32_t imm, uint32_t taken,
                  uint32_t not_taken, uint8_t size = 8);
MInst ucomis(Reg a, Reg b, uint8_t size);
MInst jcc(Cond cc, uint32_t taken, uint32_t not_taken);
MInst ud2(TrapCode code);
MInst trap_if(Cond cc, TrapCode code);
MInst args(std::vector<Reg> values);
}  // namespace inst

}  // namespace heron::x64
