// Encoding of machine instructions with asmjit, frame layout, and the
// collection of relocations, trap sites and the address map.
#include "isa/x64/emit.h"

#include <asmjit/x86.h>

#include <algorithm>
#include <string>

namespace heron::x64 {
namespace {

namespace x86 = asmjit::x86;

class RecordingErrorHandler : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message,
                   asmjit::BaseEmitter*) override {
    if (error == asmjit::kErrorOk) {
      error = err;
      text = message ? message : "";
    }
  }
  asmjit::Error error = asmjit::kErrorOk;
  std::string text;
};

x86::Gp gp(Reg r, unsigned size) {
  switch (size) {
    case 1:
      return x86::gpb_lo(r.hw());
    case 2:
      return x86::gpw(r.hw());
    case 4:
      return x86::gpd(r.hw());
    default:
      return x86::gpq(r.hw());
  }
}
x86::Xmm xmm(Reg r) { return x86::xmm(r.hw()); }
asmjit::x86::CondCode cond(Cond c) { return asmjit::x86::CondCode(c); }

struct Stub {
  asmjit::Label label;
  TrapCode code;
  uint32_t srcloc;
};

// Initializing a CodeHolder allocates a zone block (16 KiB) for asmjit's
// bookkeeping, which cost as much as encoding a small function. Each thread
// keeps one CodeHolder and Assembler: a soft reset keeps the zone's blocks.
// The tables collected while encoding are built in buffers kept here too,
// then copied out at their exact size, instead of regrowing per function.
struct AsmContext {
  asmjit::CodeHolder code;
  x86::Assembler a;  // after `code`: destroyed (and detached) first
  std::vector<AddressMapEntry> address_map;
  std::vector<TrapSite> traps;
  std::vector<Relocation> relocations;
  std::vector<asmjit::Label> labels;
  std::vector<Stub> stubs;
};

AsmContext& thread_asm_context() {
  thread_local AsmContext ctx;
  return ctx;
}

class Emitter {
 public:
  Emitter(const VCode& vc, const EmitOptions& opt)
      : Emitter(vc, opt, thread_asm_context()) {}
  Emitter(const VCode& vc, const EmitOptions& opt, AsmContext& ctx)
      : vc_(vc),
        opt_(opt),
        code_(ctx.code),
        a_(ctx.a),
        address_map_(ctx.address_map),
        traps_(ctx.traps),
        relocations_(ctx.relocations),
        labels_(ctx.labels),
        stubs_(ctx.stubs) {
    address_map_.clear();
    traps_.clear();
    relocations_.clear();
    labels_.clear();
    stubs_.clear();
  }
  // Detaches the assembler and forgets errors_ before it goes away.
  ~Emitter() { code_.reset(asmjit::ResetPolicy::kSoft); }
  Emitter(const Emitter&) = delete;
  Emitter& operator=(const Emitter&) = delete;
  Result<CompiledFunction> run();
  Result<std::vector<uint8_t>> encode_only(const std::vector<MInst>& insts);

 private:
  x86::Mem mem(const Amode& m, unsigned size) const {
    if (m.index.valid())
      return x86::ptr(x86::gpq(m.base.hw()), x86::gpq(m.index.hw()), m.scale,
                      m.disp, size);
    return x86::ptr(x86::gpq(m.base.hw()), m.disp, size);
  }
  x86::Mem slot(uint32_t k) const {
    return x86::qword_ptr(x86::rbp, -int32_t(saves_bytes_ + 8 * (k + 1)));
  }
  uint32_t offset() const { return uint32_t(a_.offset()); }
  void mark(uint32_t srcloc) {
    if (address_map_.empty() || address_map_.back().srcloc != srcloc) {
      if (!address_map_.empty() && address_map_.back().offset == offset())
        address_map_.back().srcloc = srcloc;
      else
        address_map_.push_back({offset(), srcloc});
    }
  }
  void trap_here(TrapCode code, uint32_t srcloc) {
    traps_.push_back({offset(), code, srcloc});
  }
  asmjit::Label trap_stub(TrapCode code, uint32_t srcloc) {
    stubs_.push_back({a_.newLabel(), code, srcloc});
    return stubs_.back().label;
  }
  void jump_to(uint32_t block, size_t next) {
    if (block != next) a_.jmp(labels_[block]);
  }
  void branch(Cond cc, const MInst& in, size_t next);
  void emit_inst(const MInst& in, size_t block, bool last_in_func);
  void prologue(bool needs_check);
  void epilogue();

  struct Table {
    asmjit::Label label;
    std::vector<uint32_t> targets;
  };

  const VCode& vc_;
  const EmitOptions& opt_;
  asmjit::CodeHolder& code_;
  x86::Assembler& a_;
  std::vector<AddressMapEntry>& address_map_;
  std::vector<TrapSite>& traps_;
  std::vector<Relocation>& relocations_;
  std::vector<asmjit::Label>& labels_;
  std::vector<Stub>& stubs_;
  RecordingErrorHandler errors_;
  CompiledFunction cf_;
  FrameLayout layout_;
  std::vector<Table> tables_;
  asmjit::Label epilogue_;
  std::vector<Reg> saves_;
  uint32_t saves_bytes_ = 0;
  uint32_t frame_bytes_ = 0;  // the sub rsp amount
};

void Emitter::prologue(bool needs_check) {
  a_.push(x86::rbp);
  layout_.after_push_rbp = offset();
  a_.mov(x86::rbp, x86::rsp);
  layout_.after_mov_rbp = offset();
  for (Reg r : saves_) {
    a_.push(x86::gpq(r.hw()));
    layout_.saves.push_back({offset(), dwarf_gpr(r.hw())});
  }
  if (frame_bytes_) a_.sub(x86::rsp, int32_t(frame_bytes_));
  if (needs_check) {
    asmjit::Label stub =
        trap_stub(TrapCode::StackOverflow, vc_.func_start_srcloc);
    if (opt_.limits_ptr_offset >= 0) {
      a_.mov(x86::r11, x86::qword_ptr(x86::rdi, opt_.limits_ptr_offset));
      a_.cmp(x86::rsp, x86::qword_ptr(x86::r11, opt_.stack_limit_offset));
    } else {
      a_.cmp(x86::rsp, x86::qword_ptr(x86::rdi, opt_.stack_limit_offset));
    }
    a_.jb(stub);
  }
}

void Emitter::epilogue() {
  a_.bind(epilogue_);
  mark(vc_.func_end_srcloc);
  if (!saves_.empty()) {
    a_.lea(x86::rsp, x86::ptr(x86::rbp, -int32_t(saves_bytes_)));
  } else if (frame_bytes_) {
    a_.mov(x86::rsp, x86::rbp);
  }
  for (size_t k = saves_.size(); k-- > 0;) a_.pop(x86::gpq(saves_[k].hw()));
  a_.pop(x86::rbp);
  layout_.epilogue_after_pop_rbp = offset();
  a_.ret();
}

void Emitter::branch(Cond cc, const MInst& in, size_t next) {
  const uint32_t t = in.targets[0], f = in.targets[1];
  if (t == next) {
    a_.j(cond(invert(cc)), labels_[f]);
  } else {
    a_.j(cond(cc), labels_[t]);
    jump_to(f, next);
  }
}

void Emitter::emit_inst(const MInst& in, size_t block, bool last_in_func) {
  const unsigned sz = in.size;
  const size_t next = block + 1;
  if (in.op != Op::Nop && in.op != Op::Args) mark(in.srcloc);
  switch (in.op) {
    case Op::Nop:
    case Op::Args:
      break;
    case Op::MovRR:
      if (in.dst != in.src1 || sz != 8)
        a_.mov(gp(in.dst, sz == 8 ? 8 : 4), gp(in.src1, sz == 8 ? 8 : 4));
      break;
    case Op::MovImm:
      if (sz != 8 || (in.imm >= 0 && in.imm <= int64_t(UINT32_MAX)))
        a_.mov(gp(in.dst, 4), asmjit::Imm(uint32_t(in.imm)));
      else
        a_.mov(gp(in.dst, 8), asmjit::Imm(in.imm));
      break;
    case Op::Movzx:
      if (in.size2 == 4)
        a_.mov(gp(in.dst, 4), gp(in.src1, 4));
      else
        a_.movzx(gp(in.dst, sz == 8 ? 4 : sz), gp(in.src1, in.size2));
      break;
    case Op::Movsx:
      if (in.size2 == 4)
        a_.movsxd(gp(in.dst, 8), gp(in.src1, 4));
      else
        a_.movsx(gp(in.dst, sz), gp(in.src1, in.size2));
      break;
    case Op::Lea:
      a_.lea(gp(in.dst, sz), mem(in.mem, 0));
      break;
    case Op::AluRR: {
      const x86::Gp d = gp(in.dst, sz), s = gp(in.src1, sz);
      switch (AluOp(in.sub)) {
        case AluOp::Add:
          a_.add(d, s);
          break;
        case AluOp::Sub:
          a_.sub(d, s);
          break;
        case AluOp::And:
          a_.and_(d, s);
          break;
        case AluOp::Or:
          a_.or_(d, s);
          break;
        case AluOp::Xor:
          a_.xor_(d, s);
          break;
        case AluOp::Imul:
          a_.imul(d, s);
          break;
      }
      break;
    }
    case Op::AluRI: {
      const x86::Gp d = gp(in.dst, sz);
      const asmjit::Imm i(int32_t(in.imm));
      switch (AluOp(in.sub)) {
        case AluOp::Add:
          a_.add(d, i);
          break;
        case AluOp::Sub:
          a_.sub(d, i);
          break;
        case AluOp::And:
          a_.and_(d, i);
          break;
        case AluOp::Or:
          a_.or_(d, i);
          break;
        case AluOp::Xor:
          a_.xor_(d, i);
          break;
        case AluOp::Imul:
          a_.imul(d, d, i);
          break;
      }
      break;
    }
    case Op::ShiftRCl:
    case Op::ShiftRI: {
      const x86::Gp d = gp(in.dst, sz);
      asmjit::Operand count = in.op == Op::ShiftRCl
                                  ? asmjit::Operand(x86::cl)
                                  : asmjit::Operand(asmjit::Imm(in.imm & 63));
      static constexpr asmjit::InstId kIds[] = {
          x86::Inst::kIdShl, x86::Inst::kIdSar, x86::Inst::kIdShr,
          x86::Inst::kIdRol, x86::Inst::kIdRor};
      a_.emit(kIds[in.sub], d, count);
      break;
    }
    case Op::Unary:
      if (UnaryOp(in.sub) == UnaryOp::Neg)
        a_.neg(gp(in.dst, sz));
      else
        a_.not_(gp(in.dst, sz));
      break;
    case Op::BitCount: {
      const x86::Gp d = gp(in.dst, sz), s = gp(in.src1, sz);
      switch (BitOp(in.sub)) {
        case BitOp::Lzcnt:
          a_.lzcnt(d, s);
          break;
        case BitOp::Tzcnt:
          a_.tzcnt(d, s);
          break;
        case BitOp::Popcnt:
          a_.popcnt(d, s);
          break;
        case BitOp::Bsr:
          a_.bsr(d, s);
          break;
        case BitOp::Bsf:
          a_.bsf(d, s);
          break;
      }
      break;
    }
    case Op::Cqo:
      if (sz == 8)
        a_.cqo(x86::rdx, x86::rax);
      else
        a_.cdq(x86::edx, x86::eax);
      break;
    case Op::Div:
      trap_here(in.trap, in.srcloc);
      if (in.sign)
        a_.idiv(gp(Reg::gpr(RDX), sz), gp(Reg::gpr(RAX), sz), gp(in.src3, sz));
      else
        a_.div(gp(Reg::gpr(RDX), sz), gp(Reg::gpr(RAX), sz), gp(in.src3, sz));
      break;
    case Op::CmpRR:
      if (in.is_test)
        a_.test(gp(in.src1, sz), gp(in.src2, sz));
      else
        a_.cmp(gp(in.src1, sz), gp(in.src2, sz));
      break;
    case Op::CmpRI:
      if (in.is_test)
        a_.test(gp(in.src1, sz), asmjit::Imm(int32_t(in.imm)));
      else
        a_.cmp(gp(in.src1, sz), asmjit::Imm(int32_t(in.imm)));
      break;
    case Op::Setcc:
      a_.set(cond(in.cc), gp(in.dst, 1));
      a_.movzx(gp(in.dst, 4), gp(in.dst, 1));
      break;
    case Op::Cmov:
      a_.cmov(cond(in.cc), gp(in.dst, sz == 8 ? 8 : 4),
              gp(in.src1, sz == 8 ? 8 : 4));
      break;
    case Op::Load: {
      if (in.trap != kNoTrap) trap_here(in.trap, in.srcloc);
      const unsigned to = in.size2 == 4 ? 4 : 8;
      if (sz == 8) {
        a_.mov(gp(in.dst, 8), mem(in.mem, 8));
      } else if (sz == 4) {
        if (in.sign && to == 8)
          a_.movsxd(gp(in.dst, 8), mem(in.mem, 4));
        else
          a_.mov(gp(in.dst, 4), mem(in.mem, 4));
      } else if (in.sign) {
        a_.movsx(gp(in.dst, to), mem(in.mem, sz));
      } else {
        a_.movzx(gp(in.dst, 4), mem(in.mem, sz));
      }
      break;
    }
    case Op::Store:
      if (in.trap != kNoTrap) trap_here(in.trap, in.srcloc);
      a_.mov(mem(in.mem, sz), gp(in.src1, sz));
      break;
    case Op::XmmMovRR:
      if (in.dst != in.src1) a_.movaps(xmm(in.dst), xmm(in.src1));
      break;
    case Op::XmmLoad:
      if (in.trap != kNoTrap) trap_here(in.trap, in.srcloc);
      if (sz == 4)
        a_.movss(xmm(in.dst), mem(in.mem, 4));
      else
        a_.movsd(xmm(in.dst), mem(in.mem, 8));
      break;
    case Op::XmmStore:
      if (in.trap != kNoTrap) trap_here(in.trap, in.srcloc);
      if (sz == 4)
        a_.movss(mem(in.mem, 4), xmm(in.src1));
      else
        a_.movsd(mem(in.mem, 8), xmm(in.src1));
      break;
    case Op::XmmAlu: {
      static constexpr asmjit::InstId kSs[] = {
          x86::Inst::kIdAddss,  x86::Inst::kIdSubss, x86::Inst::kIdMulss,
          x86::Inst::kIdDivss,  x86::Inst::kIdMinss, x86::Inst::kIdMaxss,
          x86::Inst::kIdSqrtss, x86::Inst::kIdAndps, x86::Inst::kIdOrps,
          x86::Inst::kIdXorps};
      static constexpr asmjit::InstId kSd[] = {
          x86::Inst::kIdAddsd,  x86::Inst::kIdSubsd, x86::Inst::kIdMulsd,
          x86::Inst::kIdDivsd,  x86::Inst::kIdMinsd, x86::Inst::kIdMaxsd,
          x86::Inst::kIdSqrtsd, x86::Inst::kIdAndps, x86::Inst::kIdOrps,
          x86::Inst::kIdXorps};
      a_.emit(sz == 4 ? kSs[in.sub] : kSd[in.sub], xmm(in.dst), xmm(in.src1));
      break;
    }
    case Op::XmmRound:
      if (sz == 4)
        a_.roundss(xmm(in.dst), xmm(in.src1), asmjit::Imm(in.imm));
      else
        a_.roundsd(xmm(in.dst), xmm(in.src1), asmjit::Imm(in.imm));
      break;
    case Op::Ucomis:
      if (sz == 4)
        a_.ucomiss(xmm(in.src1), xmm(in.src2));
      else
        a_.ucomisd(xmm(in.src1), xmm(in.src2));
      break;
    case Op::CvtIntToF:
      if (sz == 4)
        a_.cvtsi2ss(xmm(in.dst), gp(in.src1, in.size2));
      else
        a_.cvtsi2sd(xmm(in.dst), gp(in.src1, in.size2));
      break;
    case Op::CvtFToInt:
      if (sz == 4)
        a_.cvttss2si(gp(in.dst, in.size2), xmm(in.src1));
      else
        a_.cvttsd2si(gp(in.dst, in.size2), xmm(in.src1));
      break;
    case Op::CvtFToF:
      if (sz == 8)
        a_.cvtss2sd(xmm(in.dst), xmm(in.src1));
      else
        a_.cvtsd2ss(xmm(in.dst), xmm(in.src1));
      break;
    case Op::MovGprToXmm:
      if (sz == 4)
        a_.movd(xmm(in.dst), gp(in.src1, 4));
      else
        a_.movq(xmm(in.dst), gp(in.src1, 8));
      break;
    case Op::MovXmmToGpr:
      if (sz == 4)
        a_.movd(gp(in.dst, 4), xmm(in.src1));
      else
        a_.movq(gp(in.dst, 8), xmm(in.src1));
      break;
    case Op::CallDirect:
      a_.db(0xE8);
      relocations_.push_back(
          {offset(), RelocKind::CallRel32ToFunc, in.index, -4});
      a_.dd(0);
      break;
    case Op::CallLibcall:
      // movabs r11, imm64; call r11 — libcalls live anywhere in the host.
      a_.db(0x49);
      a_.db(0xBB);
      relocations_.push_back(
          {offset(), RelocKind::Abs64ToLibcall, in.index, 0});
      a_.dq(0);
      a_.call(x86::r11);
      break;
    case Op::CallIndirect:
      a_.call(x86::gpq(in.src1.hw()));
      break;
    case Op::LoadAddr:
      a_.db(uint8_t(0x48 | (in.dst.hw() >= 8 ? 1 : 0)));
      a_.db(uint8_t(0xB8 + (in.dst.hw() & 7)));
      relocations_.push_back(
          {offset(), RelocKind::Abs64ToAddress, in.index, in.imm});
      a_.dq(0);
      break;
    case Op::Ret:
      if (!last_in_func || !stubs_.empty() || !tables_.empty())
        a_.jmp(epilogue_);
      break;
    case Op::Jmp:
      jump_to(in.targets[0], next);
      break;
    case Op::CmpJcc:
      if (in.has_imm) {
        if (in.is_test)
          a_.test(gp(in.src1, sz), asmjit::Imm(int32_t(in.imm)));
        else
          a_.cmp(gp(in.src1, sz), asmjit::Imm(int32_t(in.imm)));
      } else if (in.is_test) {
        a_.test(gp(in.src1, sz), gp(in.src2, sz));
      } else {
        a_.cmp(gp(in.src1, sz), gp(in.src2, sz));
      }
      branch(in.cc, in, next);
      break;
    case Op::Jcc:
      branch(in.cc, in, next);
      break;
    case Op::BrTable: {
      const uint32_t n = uint32_t(in.targets.size() - 1);
      Table t{a_.newLabel(), {in.targets.begin() + 1, in.targets.end()}};
      a_.cmp(gp(in.src1, 4), asmjit::Imm(n));
      a_.jae(labels_[in.targets[0]]);
      a_.mov(gp(in.dst, 4), gp(in.src1, 4));  // zero-extends the index
      a_.lea(x86::r11, x86::ptr(t.label));
      a_.movsxd(gp(in.dst, 8), x86::dword_ptr(x86::r11, gp(in.dst, 8), 2));
      a_.add(x86::r11, gp(in.dst, 8));
      a_.jmp(x86::r11);
      tables_.push_back(std::move(t));
      break;
    }
    case Op::Ud2:
      trap_here(in.trap, in.srcloc);
      a_.ud2();
      break;
    case Op::TrapIf:
      a_.j(cond(in.cc), trap_stub(in.trap, in.srcloc));
      break;
    case Op::StackLimitCheck: {
      asmjit::Label stub = trap_stub(in.trap, in.srcloc);
      a_.cmp(x86::rsp, x86::qword_ptr(x86::gpq(in.src1.hw()), int32_t(in.imm)));
      a_.jb(stub);
      break;
    }
    case Op::SpillStore:
      if (in.src1.phys_class() == RegClass::Gpr)
        a_.mov(slot(in.index), x86::gpq(in.src1.hw()));
      else
        a_.movsd(slot(in.index), xmm(in.src1));
      break;
    case Op::SpillLoad:
      if (in.dst.phys_class() == RegClass::Gpr)
        a_.mov(x86::gpq(in.dst.hw()), slot(in.index));
      else
        a_.movsd(xmm(in.dst), slot(in.index));
      break;
    case Op::SlotCopy:
      a_.push(slot(in.index));
      a_.pop(slot(uint32_t(in.imm)));
      break;
  }
}

Result<CompiledFunction> Emitter::run() {
  if (!vc_.frame.allocated)
    return Error(ErrorKind::Internal, "emit: registers not allocated");
  code_.init(asmjit::Environment(asmjit::Arch::kX64));
  code_.setErrorHandler(&errors_);
  code_.attach(&a_);
  for (size_t b = 0; b < vc_.blocks.size(); b++)
    labels_.push_back(a_.newLabel());
  epilogue_ = a_.newLabel();

  bool has_call = false;
  for (const VBlock& b : vc_.blocks)
    for (const MInst& in : b.insts)
      has_call |= in.op == Op::CallDirect || in.op == Op::CallLibcall ||
                  in.op == Op::CallIndirect;
  for (unsigned r = 0; r < 16; r++)
    if ((vc_.frame.callee_saved_used >> r) & 1) saves_.push_back(Reg::gpr(r));
  saves_bytes_ = uint32_t(8 * saves_.size());
  const uint32_t body = 8 * vc_.frame.num_spill_slots + vc_.outgoing_args_size;
  frame_bytes_ = ((saves_bytes_ + body + 15) & ~15u) - saves_bytes_;
  const bool needs_check =
      opt_.stack_check && (has_call || saves_bytes_ + frame_bytes_ > 0);

  mark(vc_.func_start_srcloc);
  prologue(needs_check);
  for (size_t b = 0; b < vc_.blocks.size(); b++) {
    a_.bind(labels_[b]);
    const auto& insts = vc_.blocks[b].insts;
    for (size_t i = 0; i < insts.size(); i++)
      emit_inst(insts[i], b,
                b + 1 == vc_.blocks.size() && i + 1 == insts.size());
  }
  for (const Stub& s : stubs_) {
    a_.bind(s.label);
    mark(s.srcloc);
    trap_here(s.code, s.srcloc);
    a_.ud2();
  }
  epilogue();
  for (const Table& t : tables_) {
    a_.align(asmjit::AlignMode::kData, 4);
    a_.bind(t.label);
    for (uint32_t target : t.targets)
      a_.embedLabelDelta(labels_[target], t.label, 4);
  }
  code_.flatten();
  code_.resolveUnresolvedLinks();
  if (errors_.error != asmjit::kErrorOk)
    return Error(ErrorKind::Internal, "emit: asmjit: " + errors_.text);

  const asmjit::CodeBuffer& buf = code_.textSection()->buffer();
  cf_.code.assign(buf.data(), buf.data() + buf.size());
  std::sort(
      traps_.begin(), traps_.end(),
      [](const TrapSite& x, const TrapSite& y) { return x.offset < y.offset; });
  cf_.traps.assign(traps_.begin(), traps_.end());
  cf_.address_map.assign(address_map_.begin(), address_map_.end());
  cf_.relocations.assign(relocations_.begin(), relocations_.end());
  cf_.func_start_srcloc = vc_.func_start_srcloc;
  cf_.func_end_srcloc = vc_.func_end_srcloc;
  cf_.frame_size = saves_bytes_ + frame_bytes_;
  layout_.code_size = uint32_t(cf_.code.size());
  cf_.unwind = encode_unwind_info(layout_);
  return std::move(cf_);
}

Result<std::vector<uint8_t>> Emitter::encode_only(
    const std::vector<MInst>& insts) {
  code_.init(asmjit::Environment(asmjit::Arch::kX64));
  code_.setErrorHandler(&errors_);
  code_.attach(&a_);
  for (const MInst& in : insts) {
    if (is_terminator(in.op) || in.op == Op::StackLimitCheck ||
        in.op == Op::TrapIf)
      return Error(ErrorKind::Usage, "encode_instructions: control flow");
    emit_inst(in, 0, false);
  }
  if (errors_.error != asmjit::kErrorOk)
    return Error(ErrorKind::Internal, "emit: asmjit: " + errors_.text);
  const asmjit::CodeBuffer& buf = code_.textSection()->buffer();
  return std::vector<uint8_t>(buf.data(), buf.data() + buf.size());
}

}  // namespace

Result<std::vector<uint8_t>> encode_instructions(
    const std::vector<MInst>& insts) {
  VCode empty;
  EmitOptions opt;
  Emitter e(empty, opt);
  return e.encode_only(insts);
}

Result<CompiledFunction> emit_function(const VCode& vcode,
                                       const EmitOptions& options) {
  Emitter e(vcode, options);
  return e.run();
}

}  // namespace heron::x64
