// The machine-level calling convention of compiled wasm functions, shared by
// callees (arguments, return), callers (call, call_indirect, libcall) and the
// trampolines, so that all of them agree by construction.
//
// Parameters: SysV-like. The IR signature's params in order (vmctx first):
// integer ones in rdi, rsi, rdx, rcx, r8, r9, float ones in xmm0-7 (GPRs and
// XMMs counted separately); the rest in 8-byte stack slots in param order
// ([rsp + 8k] at the call, [rbp + 16 + 8k] in the callee).
//
// Results: the first two integer results in rax, rdx, the first two float
// results in xmm0, xmm1; every further result goes to a caller-allocated
// return area of 8-byte slots, in result order. Its address is a hidden
// pointer argument that follows the last IR parameter (a GPR argument, so
// usually a register), present only when some result needs the area.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/function.h"
#include "isa/x64/regs.h"

namespace heron::x64 {

// Where one argument or result lives.
struct AbiLoc {
  RegClass cls = RegClass::Gpr;
  Reg reg;                  // valid when in a register
  uint32_t stack_slot = 0;  // else: index of its 8-byte stack/area slot
  bool in_reg() const { return reg.valid(); }
};

struct AbiLayout {
  // One per IR param, then the hidden return-area pointer if any.
  std::vector<AbiLoc> params;
  std::vector<AbiLoc> results;  // stack_slot = return-area slot
  bool has_ret_area = false;
  uint32_t num_stack_args = 0;      // 8-byte slots of stack arguments
  uint32_t num_ret_area_slots = 0;  // 8-byte slots of the return area
};

RegClass reg_class_of(ir::Type t);
AbiLayout compute_abi(const ir::Signature& sig);

}  // namespace heron::x64
