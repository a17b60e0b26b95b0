// Lowering driver: walks the IR blocks in layout order, keeps the value ->
// virtual register map, and lowers control flow, calls and the function's
// own arguments and results (abi.h). The instruction families live in
// lower_int.cc, lower_float.cc and lower_mem.cc; the design note is in
// lowering.h.
#include "isa/x64/lower.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "isa/x64/lowering.h"

namespace heron::x64 {

namespace {

Cond cond_of(ir::IntCC cc) {
  switch (cc) {
    case ir::IntCC::Eq:
      return Cond::E;
    case ir::IntCC::Ne:
      return Cond::NE;
    case ir::IntCC::Slt:
      return Cond::L;
    case ir::IntCC::Sle:
      return Cond::LE;
    case ir::IntCC::Sgt:
      return Cond::G;
    case ir::IntCC::Sge:
      return Cond::GE;
    case ir::IntCC::Ult:
      return Cond::B;
    case ir::IntCC::Ule:
      return Cond::BE;
    case ir::IntCC::Ugt:
      return Cond::A;
    case ir::IntCC::Uge:
      return Cond::AE;
  }
  return Cond::E;
}

// The condition that holds for (b, a) when `c` holds for (a, b).
Cond swap_operands(Cond c) {
  switch (c) {
    case Cond::L:
      return Cond::G;
    case Cond::LE:
      return Cond::GE;
    case Cond::G:
      return Cond::L;
    case Cond::GE:
      return Cond::LE;
    case Cond::B:
      return Cond::A;
    case Cond::BE:
      return Cond::AE;
    case Cond::A:
      return Cond::B;
    case Cond::AE:
      return Cond::BE;
    default:
      return c;
  }
}

bool is_const_opcode(ir::Opcode op) {
  return op == ir::Opcode::Iconst || op == ir::Opcode::F32const ||
         op == ir::Opcode::F64const;
}

}  // namespace

// ---- per-thread buffers ---------------------------------------------------

void LoweringTables::swap(LoweringTables& o) {
  vregs.swap(o.vregs);
  use_count.swap(o.use_count);
  user.swap(o.user);
  vblock.swap(o.vblock);
  order.swap(o.order);
  cold.swap(o.cold);
  deferred.swap(o.deferred);
}

namespace {
LoweringTables& thread_lowering_tables() {
  thread_local LoweringTables tables;
  return tables;
}
}  // namespace

Lowering::Lowering(const ir::Function& f, const CpuFeatures& cpu)
    : f_(f), cpu_(cpu) {
  t_.swap(thread_lowering_tables());
  order_.clear();
  cold_.clear();
}

Lowering::~Lowering() { t_.swap(thread_lowering_tables()); }

// ---- values ---------------------------------------------------------------

Reg Lowering::vreg(ir::Value v) {
  Reg& r = vregs_[v.index];
  if (!r.valid()) r = vc_.new_vreg(reg_class_of(f_.value_type(v)));
  return r;
}

bool Lowering::const_of(ir::Value v, uint64_t* bits) const {
  const ir::ValueData& d = f_.value(v);
  if (d.def != ir::ValueDef::Result) return false;
  const ir::InstData& in = f_.inst(ir::Inst(d.owner));
  if (!is_const_opcode(in.opcode)) return false;
  *bits = in.imm;
  return true;
}

bool Lowering::imm32_of(ir::Value v, int32_t* imm) const {
  uint64_t bits;
  if (!const_of(v, &bits) || !ir::is_int(f_.value_type(v))) return false;
  if (f_.value_type(v) == ir::Type::I32) {
    *imm = int32_t(uint32_t(bits));
    return true;
  }
  if (int64_t(bits) != int64_t(int32_t(bits))) return false;
  *imm = int32_t(bits);
  return true;
}

Reg Lowering::use(ir::Value v) {
  uint64_t bits;
  if (const_of(v, &bits)) {
    const ir::Type t = f_.value_type(v);
    return ir::is_float(t) ? float_const(bits, type_size(t))
                           : int_const(bits, type_size(t));
  }
  return vreg(v);
}

Reg Lowering::int_const(uint64_t bits, uint8_t size) {
  Reg r = gpr();
  emit(inst::mov_imm(r, size == 4 ? int64_t(uint32_t(bits)) : int64_t(bits),
                     size));
  return r;
}

Reg Lowering::float_const(uint64_t bits, uint8_t size) {
  Reg g = int_const(bits, size);
  Reg x = xmm();
  MInst m;
  m.op = Op::MovGprToXmm;
  m.dst = x;
  m.src1 = g;
  m.size = size;
  emit(std::move(m));
  return x;
}

Reg Lowering::zext32(Reg r) {
  Reg z = gpr();
  MInst m;
  m.op = Op::Movzx;
  m.dst = z;
  m.src1 = r;
  m.size = 8;
  m.size2 = 4;
  emit(std::move(m));
  return z;
}

// ---- blocks ---------------------------------------------------------------

uint32_t Lowering::new_block_inline() {
  const uint32_t b = vc_.new_block();
  order_.push_back(b);
  return b;
}

uint32_t Lowering::new_block_cold() {
  const uint32_t b = vc_.new_block();
  cold_.push_back(b);
  return b;
}

void Lowering::jump(uint32_t target, std::vector<Reg> args) {
  emit(inst::jmp(target));
  vc_.set_edge_args(cur_, 0, std::move(args));
}

// ---- conditions -----------------------------------------------------------

Lowering::CmpSpec Lowering::icmp_spec(ir::Inst icmp) {
  const ir::InstData& in = f_.inst(icmp);
  const ir::Value a0 = f_.args(icmp)[0], a1 = f_.args(icmp)[1];
  CmpSpec s;
  s.size = type_size(in.type);
  s.cc = cond_of(ir::IntCC(in.code));
  int32_t imm;
  if (imm32_of(a1, &imm)) {
    s.a = use(a0);
    s.has_imm = true;
    s.imm = imm;
  } else if (imm32_of(a0, &imm)) {
    s.a = use(a1);
    s.has_imm = true;
    s.imm = imm;
    s.cc = swap_operands(s.cc);
  } else {
    s.a = use(a0);
    s.b = use(a1);
  }
  return s;
}

Lowering::CmpSpec Lowering::condition_spec(ir::Value cond) {
  const ir::ValueData& d = f_.value(cond);
  if (d.def == ir::ValueDef::Result && deferred_[d.owner]) {
    const ir::Inst def(d.owner);
    return f_.inst(def).opcode == ir::Opcode::Fcmp ? fcmp_spec(def)
                                                   : icmp_spec(def);
  }
  CmpSpec s;
  s.a = s.b = use(cond);
  s.is_test = true;
  s.size = 4;
  s.cc = Cond::NE;
  return s;
}

// lt/le compare swapped so that every ordered fcmp is "above" or "above or
// equal" after ucomis: both are false when unordered (ZF=PF=CF=1), so a NaN
// operand makes the condition false and its inversion true, as wasm wants.
// eq/ne also need the parity flag and are not fused.
Lowering::CmpSpec Lowering::fcmp_spec(ir::Inst fcmp) {
  const ir::InstData& in = f_.inst(fcmp);
  const ir::Value x = f_.args(fcmp)[0], y = f_.args(fcmp)[1];
  CmpSpec s;
  s.is_float = true;
  s.size = type_size(f_.value_type(x));
  const ir::FloatCC cc = ir::FloatCC(in.code);
  const bool swap = cc == ir::FloatCC::Lt || cc == ir::FloatCC::Le;
  s.a = use(swap ? y : x);
  s.b = use(swap ? x : y);
  s.cc = (cc == ir::FloatCC::Lt || cc == ir::FloatCC::Gt) ? Cond::A : Cond::AE;
  return s;
}

Cond Lowering::emit_cmp(const CmpSpec& s) {
  if (s.is_float) {
    emit(inst::ucomis(s.a, s.b, s.size));
  } else if (s.has_imm) {
    emit(inst::cmp_imm(s.a, s.imm, s.size));
  } else {
    MInst c = inst::cmp(s.a, s.b, s.size);
    c.is_test = s.is_test;
    emit(std::move(c));
  }
  return s.cc;
}

// ---- driver ---------------------------------------------------------------

Result<VCode> Lowering::run() {
  for (size_t v = 0; v < f_.num_values(); v++)
    if (f_.value(ir::Value(uint32_t(v))).type == ir::Type::V128)
      return Error(ErrorKind::Unsupported,
                   "x64: v128 values are not supported");
  for (const ir::AbiParam& p : f_.signature.params)
    if (p.type == ir::Type::V128)
      return Error(ErrorKind::Unsupported,
                   "x64: v128 values are not supported");

  const std::vector<ir::Block> layout = f_.layout_blocks();
  if (layout.empty())
    return Error(ErrorKind::Internal, "x64: function without blocks");
  vregs_.assign(f_.num_values(), Reg());
  use_count_.assign(f_.num_values(), 0);
  user_.assign(f_.num_values(), UINT32_MAX);
  deferred_.assign(f_.num_insts(), false);
  bool entry_has_preds = false;
  uint32_t min_loc = kNoSrcLoc, max_loc = 0;
  for (ir::Block b : layout) {
    for (ir::Inst i = f_.first_inst(b); i.valid(); i = f_.next_inst(i)) {
      for (ir::Value v : f_.args(i)) {
        use_count_[v.index]++;
        user_[v.index] = i.index;
      }
      for (const ir::BlockCall& c : f_.calls(i)) {
        if (c.block == f_.entry_block()) entry_has_preds = true;
        for (ir::Value v : f_.call_args(c)) {
          use_count_[v.index]++;
          user_[v.index] = UINT32_MAX;  // a branch argument: not fusable
        }
      }
      const uint32_t loc = f_.inst(i).srcloc;
      if (loc != kNoSrcLoc) {
        min_loc = std::min(min_loc, loc);
        max_loc = std::max(max_loc, loc);
      }
    }
  }
  // icmps (and ordered fcmps) consumed by their only user, in the same
  // block, as a condition.
  for (ir::Block b : layout) {
    for (ir::Inst i = f_.first_inst(b); i.valid(); i = f_.next_inst(i)) {
      const ir::InstData& cmp = f_.inst(i);
      if (cmp.opcode == ir::Opcode::Fcmp) {
        const ir::FloatCC cc = ir::FloatCC(cmp.code);
        if (cc == ir::FloatCC::Eq || cc == ir::FloatCC::Ne) continue;
      } else if (cmp.opcode != ir::Opcode::Icmp) {
        continue;
      }
      const ir::Value r = f_.first_result(i);
      if (use_count_[r.index] != 1 || user_[r.index] == UINT32_MAX) continue;
      const ir::Inst u(user_[r.index]);
      if (f_.inst_block(u) != b) continue;
      const ir::Opcode op = f_.inst(u).opcode;
      if ((op == ir::Opcode::Brif || op == ir::Opcode::Select ||
           op == ir::Opcode::Trapz || op == ir::Opcode::Trapnz) &&
          f_.args(u)[0] == r)
        deferred_[i.index] = true;
    }
  }
  vc_.func_start_srcloc = min_loc;
  vc_.func_end_srcloc = min_loc == kNoSrcLoc ? kNoSrcLoc : max_loc;

  abi_ = compute_abi(f_.signature);
  vblock_.assign(f_.num_blocks(), UINT32_MAX);
  uint32_t pre_entry = UINT32_MAX;
  if (entry_has_preds) {
    pre_entry = vc_.new_block();
    order_.push_back(pre_entry);
  }
  // Most IR instructions become at most one machine instruction: reserving
  // that much saves regrowing the instruction vectors (MInsts are large).
  vc_.blocks.reserve(layout.size() + 1);
  for (ir::Block b : layout) {
    vblock_[b.index] = vc_.new_block();
    size_t n = 0;
    for (ir::Inst i = f_.first_inst(b); i.valid(); i = f_.next_inst(i)) n++;
    vc_.blocks[vblock_[b.index]].insts.reserve(n + 1);
    if (b == f_.entry_block() && !entry_has_preds) continue;
    for (ir::Value p : f_.block_params(b))
      vregs_[p.index] =
          vc_.add_block_param(vblock_[b.index], reg_class_of(f_.value_type(p)));
  }
  // The function's arguments, in the entry block or in a block of their own
  // that jumps to an entry block that is also a branch target.
  cur_ = entry_has_preds ? pre_entry : vblock_[f_.entry_block().index];
  if (!entry_has_preds) order_.push_back(cur_);
  std::vector<Reg> incoming;
  for (ir::Value p : f_.block_params(f_.entry_block()))
    incoming.push_back(entry_has_preds
                           ? vc_.new_vreg(reg_class_of(f_.value_type(p)))
                           : vreg(p));
  lower_entry_args(incoming);
  if (entry_has_preds) jump(vblock_[f_.entry_block().index], incoming);

  for (ir::Block b : layout) {
    if (auto r = lower_block(b); !r) return Error(r.error());
  }

  // Renumber the blocks into emission order.
  std::vector<uint32_t> order = order_;
  order.insert(order.end(), cold_.begin(), cold_.end());
  if (order.size() != vc_.blocks.size() || order[0] != 0)
    fatal_invariant("x64 lowering: block order is not a permutation");
  std::vector<uint32_t> new_index(order.size());
  for (uint32_t k = 0; k < order.size(); k++) new_index[order[k]] = k;
  std::vector<VBlock> blocks(order.size());
  for (uint32_t k = 0; k < order.size(); k++) {
    blocks[k] = std::move(vc_.blocks[order[k]]);
    for (uint32_t& t : blocks[k].insts.back().targets) t = new_index[t];
  }
  vc_.blocks = std::move(blocks);
  if (auto r = vc_.verify(); !r) return Error(r.error());
  return std::move(vc_);
}

void Lowering::lower_entry_args(const std::vector<Reg>& incoming) {
  std::vector<Reg> in_regs;
  for (size_t k = 0; k < incoming.size(); k++)
    if (abi_.params[k].in_reg()) in_regs.push_back(incoming[k]);
  if (abi_.has_ret_area) {
    ret_area_ = gpr();
    if (abi_.params.back().in_reg()) in_regs.push_back(ret_area_);
  }
  emit(inst::args(std::move(in_regs)));
  auto load_stack = [&](Reg dst, const AbiLoc& loc, uint8_t size) {
    const Amode m{Reg::gpr(RBP), Reg(), 0, int32_t(16 + 8 * loc.stack_slot)};
    if (loc.cls == RegClass::Gpr) {
      MInst l = inst::load(dst, m, size, false, size);
      l.trap = kNoTrap;
      emit(std::move(l));
    } else {
      MInst l;
      l.op = Op::XmmLoad;
      l.dst = dst;
      l.mem = m;
      l.size = size;
      emit(std::move(l));
    }
  };
  const auto params = f_.block_params(f_.entry_block());
  for (size_t k = 0; k < incoming.size(); k++)
    if (!abi_.params[k].in_reg())
      load_stack(incoming[k], abi_.params[k],
                 type_size(f_.value_type(params[k])));
  if (abi_.has_ret_area && !abi_.params.back().in_reg())
    load_stack(ret_area_, abi_.params.back(), 8);
}

Result<void> Lowering::lower_block(ir::Block b) {
  cur_ = vblock_[b.index];
  if (order_.back() != cur_) order_.push_back(cur_);  // (the entry already is)
  for (ir::Inst i = f_.first_inst(b); i.valid(); i = f_.next_inst(i)) {
    vc_.set_srcloc(f_.inst(i).srcloc);
    if (auto r = lower_inst(i); !r) return r;
  }
  return {};
}

Result<void> Lowering::lower_inst(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  using ir::Opcode;
  switch (in.opcode) {
    case Opcode::Iconst:
    case Opcode::F32const:
    case Opcode::F64const:
      return {};  // materialized at their uses
    case Opcode::Icmp:
      if (!deferred_[i.index]) lower_icmp(i);
      return {};
    case Opcode::Select:
      lower_select(i);
      return {};
    case Opcode::Jump:
    case Opcode::Brif:
    case Opcode::BrTable:
      lower_branch(i);
      return {};
    case Opcode::Return:
      lower_return(i);
      return {};
    case Opcode::Trap:
      emit(inst::ud2(TrapCode(in.code)));  // a terminator without successors
      return {};
    case Opcode::Trapz:
    case Opcode::Trapnz: {
      const Cond cc = emit_cmp(condition_spec(f_.args(i)[0]));
      emit(inst::trap_if(in.opcode == Opcode::Trapnz ? cc : invert(cc),
                         TrapCode(in.code)));
      return {};
    }
    case Opcode::Call:
    case Opcode::CallIndirect:
    case Opcode::LibCallOp:
      lower_call(i);
      return {};
    case Opcode::Load:
    case Opcode::Store:
    case Opcode::HeapLoad:
    case Opcode::HeapStore:
    case Opcode::HeapBoundsCheck:
      return lower_mem(i);
    case Opcode::Fadd:
    case Opcode::Fsub:
    case Opcode::Fmul:
    case Opcode::Fdiv:
    case Opcode::Fmin:
    case Opcode::Fmax:
    case Opcode::Fcopysign:
    case Opcode::Fabs:
    case Opcode::Fneg:
    case Opcode::Sqrt:
    case Opcode::Ceil:
    case Opcode::Floor:
    case Opcode::Trunc:
    case Opcode::Nearest:
    case Opcode::Fcmp:
      if (deferred_[i.index]) return {};
      return lower_float(i);
    case Opcode::Fpromote:
    case Opcode::Fdemote:
      return lower_float(i);
    case Opcode::FcvtToSint:
    case Opcode::FcvtToUint:
    case Opcode::FcvtToSintSat:
    case Opcode::FcvtToUintSat:
    case Opcode::FcvtFromSint:
    case Opcode::FcvtFromUint:
    case Opcode::Bitcast:
      return lower_conv(i);
    default:
      return lower_int(i);
  }
}

void Lowering::lower_icmp(ir::Inst i) {
  const Cond cc = emit_cmp(icmp_spec(i));
  emit(inst::setcc(cc, vreg(f_.first_result(i))));
}

void Lowering::lower_select(ir::Inst i) {
  auto args = f_.args(i);
  const ir::Type t = f_.inst(i).type;
  const uint8_t size = type_size(t);
  Reg a = use(args[1]), b = use(args[2]);
  if (ir::is_float(t)) {
    // No conditional move for XMMs: select the bits in GPRs.
    auto to_gpr = [&](Reg x) {
      Reg g = gpr();
      MInst m;
      m.op = Op::MovXmmToGpr;
      m.dst = g;
      m.src1 = x;
      m.size = size;
      emit(std::move(m));
      return g;
    };
    Reg ga = to_gpr(a), gb = to_gpr(b);
    const Cond cc = emit_cmp(condition_spec(args[0]));
    emit(inst::cmov(cc, gb, ga, size));
    MInst m;
    m.op = Op::MovGprToXmm;
    m.dst = vreg(f_.first_result(i));
    m.src1 = gb;
    m.size = size;
    emit(std::move(m));
    return;
  }
  Reg dst = vreg(f_.first_result(i));
  emit(inst::mov(dst, b, size));
  const Cond cc = emit_cmp(condition_spec(args[0]));
  emit(inst::cmov(cc, dst, a, size));
}

// ---- control flow ---------------------------------------------------------

std::vector<Reg> Lowering::block_args(const ir::BlockCall& c) {
  std::vector<Reg> regs;
  for (ir::Value v : f_.call_args(c)) regs.push_back(use(v));
  return regs;
}

void Lowering::lower_branch(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  // Copy the block calls: materializing constants does not touch the IR,
  // but keep no span across emission anyway.
  const std::vector<ir::BlockCall> calls(f_.calls(i).begin(),
                                         f_.calls(i).end());
  std::vector<std::vector<Reg>> args;
  for (const ir::BlockCall& c : calls) args.push_back(block_args(c));
  const uint32_t here = cur_;
  switch (in.opcode) {
    case ir::Opcode::Jump:
      emit(inst::jmp(vblock_[calls[0].block.index]));
      break;
    case ir::Opcode::Brif: {
      const CmpSpec s = condition_spec(f_.args(i)[0]);
      const uint32_t t = vblock_[calls[0].block.index];
      const uint32_t e = vblock_[calls[1].block.index];
      if (s.is_float) {
        emit(inst::ucomis(s.a, s.b, s.size));
        emit(inst::jcc(s.cc, t, e));
        break;
      }
      MInst br = s.has_imm ? inst::cmp_imm_jcc(s.cc, s.a, s.imm, t, e, s.size)
                           : inst::cmp_jcc(s.cc, s.a, s.b, t, e, s.size);
      br.is_test = s.is_test;
      emit(std::move(br));
      break;
    }
    default: {  // BrTable
      MInst br;
      br.op = Op::BrTable;
      br.src1 = use(f_.args(i)[0]);
      br.dst = gpr();
      for (const ir::BlockCall& c : calls)
        br.targets.push_back(vblock_[c.block.index]);
      emit(std::move(br));
      break;
    }
  }
  for (size_t k = 0; k < args.size(); k++)
    vc_.set_edge_args(here, k, std::move(args[k]));
}

void Lowering::lower_return(ir::Inst i) {
  const std::vector<ir::Value> vals(f_.args(i).begin(), f_.args(i).end());
  std::vector<Reg> rets;
  for (size_t k = 0; k < vals.size(); k++) {
    const AbiLoc& loc = abi_.results[k];
    Reg r = use(vals[k]);
    if (loc.in_reg()) {
      rets.push_back(r);
      continue;
    }
    store_slot(r, Amode{ret_area_, Reg(), 0, int32_t(8 * loc.stack_slot)},
               type_size(f_.value_type(vals[k])));
  }
  emit(inst::ret(std::move(rets)));
}

void Lowering::store_slot(Reg r, Amode m, uint8_t size) {
  if (vc_.reg_class(r) == RegClass::Gpr) {
    MInst s = inst::store(r, m, size);
    s.trap = kNoTrap;
    emit(std::move(s));
  } else {
    MInst s;
    s.op = Op::XmmStore;
    s.src1 = r;
    s.mem = m;
    s.size = size;
    emit(std::move(s));
  }
}

void Lowering::load_slot(Reg r, Amode m, uint8_t size) {
  if (vc_.reg_class(r) == RegClass::Gpr) {
    MInst l = inst::load(r, m, size, false, size);
    l.trap = kNoTrap;
    emit(std::move(l));
  } else {
    MInst l;
    l.op = Op::XmmLoad;
    l.dst = r;
    l.mem = m;
    l.size = size;
    emit(std::move(l));
  }
}

// ---- calls ----------------------------------------------------------------

void Lowering::lower_call(ir::Inst i) {
  const ir::InstData& in = f_.inst(i);
  const ir::Signature& sig = f_.sig(ir::SigRef(in.aux));
  const AbiLayout abi = compute_abi(sig);
  const std::vector<ir::Value> all(f_.args(i).begin(), f_.args(i).end());
  const size_t first = in.opcode == ir::Opcode::CallIndirect ? 1 : 0;
  const Reg rsp = Reg::gpr(RSP);

  std::vector<Reg> params;
  for (size_t k = first; k < all.size(); k++) params.push_back(use(all[k]));
  const int32_t area = int32_t(8 * abi.num_stack_args);
  if (abi.has_ret_area) {
    Reg p = gpr();
    emit(inst::lea(p, Amode{rsp, Reg(), 0, area}));
    params.push_back(p);
  }
  std::vector<Reg> reg_args;
  for (size_t k = 0; k < params.size(); k++) {
    const AbiLoc& loc = abi.params[k];
    if (loc.in_reg()) {
      reg_args.push_back(params[k]);
    } else {
      const uint8_t size =
          k < sig.params.size() ? type_size(sig.params[k].type) : uint8_t(8);
      store_slot(params[k], Amode{rsp, Reg(), 0, int32_t(8 * loc.stack_slot)},
                 size);
    }
  }
  vc_.outgoing_args_size =
      std::max(vc_.outgoing_args_size,
               8 * (abi.num_stack_args + abi.num_ret_area_slots));

  const std::vector<ir::Value> results(f_.results(i).begin(),
                                       f_.results(i).end());
  std::vector<Reg> reg_rets;
  for (size_t k = 0; k < results.size(); k++)
    if (abi.results[k].in_reg()) reg_rets.push_back(vreg(results[k]));

  switch (in.opcode) {
    case ir::Opcode::Call:
      emit(inst::call(uint32_t(in.imm), std::move(reg_args),
                      std::move(reg_rets)));
      break;
    case ir::Opcode::CallIndirect:
      emit(inst::call_indirect(use(all[0]), std::move(reg_args),
                               std::move(reg_rets)));
      break;
    default:
      emit(inst::call_libcall(in.code, std::move(reg_args),
                              std::move(reg_rets)));
      break;
  }
  for (size_t k = 0; k < results.size(); k++) {
    const AbiLoc& loc = abi.results[k];
    if (loc.in_reg()) continue;
    load_slot(vreg(results[k]),
              Amode{rsp, Reg(), 0, area + int32_t(8 * loc.stack_slot)},
              type_size(sig.results[k]));
  }
}

// ---- entry points ---------------------------------------------------------

Result<VCode> lower_function(const ir::Function& f, const CpuFeatures& cpu) {
  Lowering l(f, cpu);
  return l.run();
}

Result<VCode> lower_function(const ir::Function& f) {
  return lower_function(f, host_cpu_features());
}

}  // namespace heron::x64
