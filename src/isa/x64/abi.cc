// The wasm calling convention (see abi.h).
#include "isa/x64/abi.h"

namespace heron::x64 {

RegClass reg_class_of(ir::Type t) {
  return ir::is_float(t) ? RegClass::Xmm : RegClass::Gpr;
}

AbiLayout compute_abi(const ir::Signature& sig) {
  AbiLayout abi;
  unsigned ngpr = 0, nxmm = 0, nret_gpr = 0, nret_xmm = 0;
  for (ir::Type t : sig.results) {
    AbiLoc loc;
    loc.cls = reg_class_of(t);
    if (loc.cls == RegClass::Gpr && nret_gpr < 2) {
      loc.reg = nret_gpr++ == 0 ? kRetGpr : Reg::gpr(RDX);
    } else if (loc.cls == RegClass::Xmm && nret_xmm < 2) {
      loc.reg = Reg::xmm(nret_xmm++);
    } else {
      loc.stack_slot = abi.num_ret_area_slots++;
      abi.has_ret_area = true;
    }
    abi.results.push_back(loc);
  }
  auto add_param = [&](RegClass cls) {
    AbiLoc loc;
    loc.cls = cls;
    if (cls == RegClass::Gpr && ngpr < 6) {
      loc.reg = kArgGprs[ngpr++];
    } else if (cls == RegClass::Xmm && nxmm < kNumArgXmms) {
      loc.reg = Reg::xmm(nxmm++);
    } else {
      loc.stack_slot = abi.num_stack_args++;
    }
    abi.params.push_back(loc);
  };
  for (const ir::AbiParam& p : sig.params) add_param(reg_class_of(p.type));
  if (abi.has_ret_area) add_param(RegClass::Gpr);
  return abi;
}

}  // namespace heron::x64
