// The entry and host-call trampolines (see trampolines.h), built as VCode
// like any function so that they share the calling convention code paths of
// abi.h, the register allocator and the emitter.
#include "isa/x64/trampolines.h"

#include <algorithm>
#include <utility>

#include "isa/x64/abi.h"
#include "isa/x64/regalloc.h"

namespace heron::x64 {

namespace {

uint8_t size_of(ir::Type t) {
  return (t == ir::Type::I64 || t == ir::Type::F64) ? 8 : 4;
}

Result<void> check_signature(const ir::Signature& sig) {
  if (sig.params.empty() ||
      sig.params[0].purpose != ir::ParamPurpose::VMContext)
    return Error(ErrorKind::Internal,
                 "x64 trampoline: the signature must start with vmctx");
  for (const ir::AbiParam& p : sig.params)
    if (p.type == ir::Type::V128)
      return Error(ErrorKind::Unsupported,
                   "x64: v128 values are not supported");
  for (ir::Type t : sig.results)
    if (t == ir::Type::V128)
      return Error(ErrorKind::Unsupported,
                   "x64: v128 values are not supported");
  return {};
}

// Emission helpers on one straight-line block.
struct Builder {
  VCode vc;
  uint32_t b = vc.new_block();
  Reg vreg(RegClass c) { return vc.new_vreg(c); }
  void emit(MInst in) { vc.push(b, std::move(in)); }
  void load(Reg dst, Amode m, uint8_t size) {
    if (vc.reg_class(dst) == RegClass::Gpr) {
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
  }
  void store(Reg src, Amode m, uint8_t size) {
    if (vc.reg_class(src) == RegClass::Gpr) {
      MInst s = inst::store(src, m, size);
      s.trap = kNoTrap;
      emit(std::move(s));
    } else {
      MInst s;
      s.op = Op::XmmStore;
      s.src1 = src;
      s.mem = m;
      s.size = size;
      emit(std::move(s));
    }
  }
  // Stores a value into a ValRaw slot: the whole 16 bytes, zero-extended.
  void store_valraw(Reg v, ir::Type t, Amode m, Reg zero) {
    const uint8_t size = size_of(t);
    if (vc.reg_class(v) == RegClass::Gpr && size == 4) {
      Reg z = vreg(RegClass::Gpr);
      MInst ext;
      ext.op = Op::Movzx;
      ext.dst = z;
      ext.src1 = v;
      ext.size = 8;
      ext.size2 = 4;
      emit(std::move(ext));
      v = z;
    } else if (vc.reg_class(v) == RegClass::Xmm && size == 4) {
      Reg g = vreg(RegClass::Gpr);  // movd zero-extends
      MInst mv;
      mv.op = Op::MovXmmToGpr;
      mv.dst = g;
      mv.src1 = v;
      mv.size = 4;
      emit(std::move(mv));
      v = g;
    }
    store(v, m, 8);
    Amode hi = m;
    hi.disp += 8;
    store(zero, hi, 8);
  }
};

Result<CompiledFunction> finish(VCode& vc, const EmitOptions& opt) {
  if (auto r = vc.verify(); !r) return Error(r.error());
  auto st = allocate_registers(vc);
  if (!st) return Error(st.error());
  return emit_function(vc, opt);
}

}  // namespace

Result<CompiledFunction> compile_entry_trampoline(
    const ir::Signature& wasm_sig) {
  if (auto r = check_signature(wasm_sig); !r) return Error(r.error());
  const AbiLayout abi = compute_abi(wasm_sig);
  const Reg rsp = Reg::gpr(RSP);
  Builder t;
  Reg code = t.vreg(RegClass::Gpr), vmctx = t.vreg(RegClass::Gpr),
      values = t.vreg(RegClass::Gpr);
  t.emit(inst::args({code, vmctx, values}));

  // Wasm params from values[k - 1] (param 0 is the vmctx).
  std::vector<Reg> params{vmctx};
  for (size_t k = 1; k < wasm_sig.params.size(); k++) {
    const ir::Type ty = wasm_sig.params[k].type;
    Reg r = t.vreg(reg_class_of(ty));
    t.load(r, Amode{values, Reg(), 0, int32_t(kValRawSize * (k - 1))},
           size_of(ty));
    params.push_back(r);
  }
  const int32_t area = int32_t(8 * abi.num_stack_args);
  if (abi.has_ret_area) {
    Reg p = t.vreg(RegClass::Gpr);
    t.emit(inst::lea(p, Amode{rsp, Reg(), 0, area}));
    params.push_back(p);
  }
  std::vector<Reg> reg_args;
  for (size_t k = 0; k < params.size(); k++) {
    const AbiLoc& loc = abi.params[k];
    if (loc.in_reg()) {
      reg_args.push_back(params[k]);
    } else {
      const uint8_t size =
          k < wasm_sig.params.size() ? size_of(wasm_sig.params[k].type) : 8;
      t.store(params[k], Amode{rsp, Reg(), 0, int32_t(8 * loc.stack_slot)},
              size);
    }
  }
  t.vc.outgoing_args_size = 8 * (abi.num_stack_args + abi.num_ret_area_slots);

  std::vector<Reg> results, reg_rets;
  for (size_t k = 0; k < wasm_sig.results.size(); k++) {
    Reg r = t.vreg(reg_class_of(wasm_sig.results[k]));
    results.push_back(r);
    if (abi.results[k].in_reg()) reg_rets.push_back(r);
  }
  t.emit(inst::call_indirect(code, std::move(reg_args), std::move(reg_rets)));
  Reg zero = t.vreg(RegClass::Gpr);
  t.emit(inst::mov_imm(zero, 0, 4));
  for (size_t k = 0; k < results.size(); k++) {
    const AbiLoc& loc = abi.results[k];
    const ir::Type ty = wasm_sig.results[k];
    if (!loc.in_reg())
      t.load(results[k],
             Amode{rsp, Reg(), 0, area + int32_t(8 * loc.stack_slot)},
             size_of(ty));
    t.store_valraw(results[k], ty,
                   Amode{values, Reg(), 0, int32_t(kValRawSize * k)}, zero);
  }
  t.emit(inst::ret({}));
  EmitOptions opt;
  opt.stack_check = false;
  return finish(t.vc, opt);
}

Result<CompiledFunction> compile_host_trampoline(const ir::Signature& wasm_sig,
                                                 int32_t stack_limit_offset) {
  if (auto r = check_signature(wasm_sig); !r) return Error(r.error());
  const AbiLayout abi = compute_abi(wasm_sig);
  const Reg rsp = Reg::gpr(RSP);
  Builder t;

  // Incoming arguments: the wasm convention (vmctx = HostFuncContext*).
  std::vector<Reg> incoming;
  for (const ir::AbiParam& p : wasm_sig.params)
    incoming.push_back(t.vreg(reg_class_of(p.type)));
  Reg ret_area;
  if (abi.has_ret_area) {
    ret_area = t.vreg(RegClass::Gpr);
    incoming.push_back(ret_area);
  }
  std::vector<Reg> in_regs;
  for (size_t k = 0; k < incoming.size(); k++)
    if (abi.params[k].in_reg()) in_regs.push_back(incoming[k]);
  t.emit(inst::args(std::move(in_regs)));
  for (size_t k = 0; k < incoming.size(); k++) {
    const AbiLoc& loc = abi.params[k];
    if (loc.in_reg()) continue;
    const uint8_t size =
        k < wasm_sig.params.size() ? size_of(wasm_sig.params[k].type) : 8;
    t.load(incoming[k],
           Amode{Reg::gpr(RBP), Reg(), 0, int32_t(16 + 8 * loc.stack_slot)},
           size);
  }
  const Reg ctx = incoming[0];

  // The ValRaw buffer at [rsp].
  const size_t n = wasm_sig.params.size() - 1, m = wasm_sig.results.size();
  const uint32_t slots = uint32_t(std::max<size_t>({n, m, 1}));
  t.vc.outgoing_args_size = kValRawSize * slots;
  Reg zero = t.vreg(RegClass::Gpr);
  t.emit(inst::mov_imm(zero, 0, 4));
  for (size_t k = 0; k < n; k++)
    t.store_valraw(incoming[k + 1], wasm_sig.params[k + 1].type,
                   Amode{rsp, Reg(), 0, int32_t(kValRawSize * k)}, zero);
  Reg buf = t.vreg(RegClass::Gpr), callback = t.vreg(RegClass::Gpr);
  t.emit(inst::lea(buf, Amode{rsp, Reg(), 0, 0}));
  t.load(callback, Amode{ctx, Reg(), 0, kHostFuncContextCallbackOffset}, 8);
  t.emit(inst::call_indirect(callback, {ctx, buf}, {}));

  std::vector<Reg> rets;
  for (size_t k = 0; k < m; k++) {
    const ir::Type ty = wasm_sig.results[k];
    Reg r = t.vreg(reg_class_of(ty));
    t.load(r, Amode{rsp, Reg(), 0, int32_t(kValRawSize * k)}, size_of(ty));
    const AbiLoc& loc = abi.results[k];
    if (loc.in_reg())
      rets.push_back(r);
    else
      t.store(r, Amode{ret_area, Reg(), 0, int32_t(8 * loc.stack_slot)},
              size_of(ty));
  }
  t.emit(inst::ret(std::move(rets)));
  EmitOptions opt;
  opt.stack_check = true;
  opt.limits_ptr_offset = kHostFuncContextLimitsOffset;
  opt.stack_limit_offset = stack_limit_offset;
  return finish(t.vc, opt);
}

}  // namespace heron::x64
