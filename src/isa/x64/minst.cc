// Constructors and small queries for x86-64 machine instructions.
#include "isa/x64/minst.h"

#include <utility>

namespace heron::x64 {

Cond invert(Cond c) { return Cond(uint8_t(c) ^ 1); }

const char* reg_name(Reg r) {
  static const char* const kNames[32] = {
      "rax",  "rcx",  "rdx",   "rbx",   "rsp",   "rbp",   "rsi",   "rdi",
      "r8",   "r9",   "r10",   "r11",   "r12",   "r13",   "r14",   "r15",
      "xmm0", "xmm1", "xmm2",  "xmm3",  "xmm4",  "xmm5",  "xmm6",  "xmm7",
      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"};
  if (r.is_phys()) return kNames[r.bits];
  return r.valid() ? "vreg" : "none";
}

bool is_terminator(Op op) {
  return op == Op::Ret || op == Op::Jmp || op == Op::CmpJcc || op == Op::Jcc ||
         op == Op::BrTable || op == Op::Ud2;
}

RegMask clobbers(const MInst& in) {
  switch (in.op) {
    case Op::CallDirect:
    case Op::CallLibcall:
    case Op::CallIndirect:
      return kCallClobbers;
    default:
      return 0;
  }
}

namespace inst {

MInst mov(Reg dst, Reg src, uint8_t size) {
  MInst i;
  i.op = Op::MovRR;
  i.dst = dst;
  i.src1 = src;
  i.size = size;
  return i;
}
MInst mov_imm(Reg dst, int64_t imm, uint8_t size) {
  MInst i;
  i.op = Op::MovImm;
  i.dst = dst;
  i.imm = imm;
  i.size = size;
  return i;
}
MInst lea(Reg dst, Amode mem) {
  MInst i;
  i.op = Op::Lea;
  i.dst = dst;
  i.mem = mem;
  return i;
}
MInst alu(AluOp op, Reg dst, Reg src, uint8_t size) {
  MInst i;
  i.op = Op::AluRR;
  i.sub = uint8_t(op);
  i.dst = dst;
  i.src1 = src;
  i.size = size;
  return i;
}
MInst alu_imm(AluOp op, Reg dst, int32_t imm, uint8_t size) {
  MInst i;
  i.op = Op::AluRI;
  i.sub = uint8_t(op);
  i.dst = dst;
  i.imm = imm;
  i.size = size;
  return i;
}
MInst shift_cl(ShiftOp op, Reg dst, Reg count, uint8_t size) {
  MInst i;
  i.op = Op::ShiftRCl;
  i.sub = uint8_t(op);
  i.dst = dst;
  i.src1 = count;
  i.size = size;
  return i;
}
MInst shift_imm(ShiftOp op, Reg dst, uint8_t imm, uint8_t size) {
  MInst i;
  i.op = Op::ShiftRI;
  i.sub = uint8_t(op);
  i.dst = dst;
  i.imm = imm;
  i.size = size;
  return i;
}
MInst cmp(Reg a, Reg b, uint8_t size) {
  MInst i;
  i.op = Op::CmpRR;
  i.src1 = a;
  i.src2 = b;
  i.size = size;
  return i;
}
MInst cmp_imm(Reg a, int32_t imm, uint8_t size) {
  MInst i;
  i.op = Op::CmpRI;
  i.src1 = a;
  i.imm = imm;
  i.size = size;
  return i;
}
MInst setcc(Cond cc, Reg dst) {
  MInst i;
  i.op = Op::Setcc;
  i.cc = cc;
  i.dst = dst;
  return i;
}
MInst cmov(Cond cc, Reg dst, Reg src, uint8_t size) {
  MInst i;
  i.op = Op::Cmov;
  i.cc = cc;
  i.dst = dst;
  i.src1 = src;
  i.size = size;
  return i;
}
MInst cqo(Reg rdx_dst, Reg rax_src, uint8_t size) {
  MInst i;
  i.op = Op::Cqo;
  i.dst = rdx_dst;
  i.src1 = rax_src;
  i.size = size;
  return i;
}
MInst div(bool is_signed, Reg quot, Reg rem, Reg lo, Reg hi, Reg divisor,
          uint8_t size) {
  MInst i;
  i.op = Op::Div;
  i.sign = is_signed;
  i.dst = quot;
  i.dst2 = rem;
  i.src1 = lo;
  i.src2 = hi;
  i.src3 = divisor;
  i.size = size;
  i.trap = TrapCode::IntegerDivideByZero;
  return i;
}
MInst load(Reg dst, Amode mem, uint8_t size, bool sign, uint8_t ext_to) {
  MInst i;
  i.op = Op::Load;
  i.dst = dst;
  i.mem = mem;
  i.size = size;
  i.sign = sign;
  i.size2 = ext_to;
  i.trap = TrapCode::MemoryOutOfBounds;
  return i;
}
MInst store(Reg src, Amode mem, uint8_t size) {
  MInst i;
  i.op = Op::Store;
  i.src1 = src;
  i.mem = mem;
  i.size = size;
  i.trap = TrapCode::MemoryOutOfBounds;
  return i;
}
MInst xmm_alu(XmmOp op, Reg dst, Reg src, uint8_t size) {
  MInst i;
  i.op = Op::XmmAlu;
  i.sub = uint8_t(op);
  i.dst = dst;
  i.src1 = src;
  i.size = size;
  return i;
}
static MInst make_call(Op op, std::vector<Reg> args, std::vector<Reg> rets) {
  MInst i;
  i.op = op;
  i.args = std::move(args);
  i.rets = std::move(rets);
  return i;
}
MInst call(uint32_t func_index, std::vector<Reg> args, std::vector<Reg> rets) {
  MInst i = make_call(Op::CallDirect, std::move(args), std::move(rets));
  i.index = func_index;
  return i;
}
MInst call_libcall(uint32_t id, std::vector<Reg> args, std::vector<Reg> rets) {
  MInst i = make_call(Op::CallLibcall, std::move(args), std::move(rets));
  i.index = id;
  return i;
}
MInst call_indirect(Reg callee, std::vector<Reg> args, std::vector<Reg> rets) {
  MInst i = make_call(Op::CallIndirect, std::move(args), std::move(rets));
  i.src1 = callee;
  return i;
}
MInst ret(std::vector<Reg> values) {
  MInst i;
  i.op = Op::Ret;
  i.rets = std::move(values);
  return i;
}
MInst jmp(uint32_t target) {
  MInst i;
  i.op = Op::Jmp;
  i.targets = {target};
  return i;
}
MInst cmp_jcc(Cond cc, Reg a, Reg b, uint32_t taken, uint32_t not_taken,
              uint8_t size) {
  MInst i;
  i.op = Op::CmpJcc;
  i.cc = cc;
  i.src1 = a;
  i.src2 = b;
  i.size = size;
  i.targets = {taken, not_taken};
  return i;
}
MInst ucomis(Reg a, Reg b, uint8_t size) {
  MInst i;
  i.op = Op::Ucomis;
  i.src1 = a;
  i.src2 = b;
  i.size = size;
  return i;
}
MInst jcc(Cond cc, uint32_t taken, uint32_t not_taken) {
  MInst i;
  i.op = Op::Jcc;
  i.cc = cc;
  i.targets = {taken, not_taken};
  return i;
}
MInst cmp_imm_jcc(Cond cc, Reg a, int32_t imm, uint32_t taken,
                  uint32_t not_taken, uint8_t size) {
  MInst i;
  i.op = Op::CmpJcc;
  i.cc = cc;
  i.src1 = a;
  i.has_imm = true;
  i.imm = imm;
  i.size = size;
  i.targets = {taken, not_taken};
  return i;
}
MInst trap_if(Cond cc, TrapCode code) {
  MInst i;
  i.op = Op::TrapIf;
  i.cc = cc;
  i.trap = code;
  return i;
}
MInst ud2(TrapCode code) {
  MInst i;
  i.op = Op::Ud2;
  i.trap = code;
  return i;
}
MInst args(std::vector<Reg> values) {
  MInst i;
  i.op = Op::Args;
  i.rets = std::move(values);
  return i;
}

}  // namespace inst
}  // namespace heron::x64
