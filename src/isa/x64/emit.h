// Emission: encodes register-allocated VCode into x86-64 machine code with
// asmjit's Assembler (one CodeHolder per function) and collects what the
// runtime needs to load and run it (CompiledFunction: relocations, traps,
// address map, unwind info). Owns the frame layout:
//
//   push rbp; mov rbp, rsp; push <used callee-saved>; sub rsp, N
//   [stack-limit check: cmp rsp, limit; jb stack_overflow_stub]
//   ... blocks in order ...
//   ... trap stubs (ud2 each) ...
//   epilogue: lea rsp, [rbp - saves]; pop <callee-saved>; pop rbp; ret
//   ... jump tables ...
//
// Spill slot k lives at [rbp - saves - 8(k+1)]; outgoing stack arguments at
// [rsp + 0 ...]; rsp is 16-byte aligned after the prologue.
#pragma once

#include <cstdint>
#include <vector>

#include "heron/error.h"
#include "isa/x64/compiled_function.h"
#include "isa/x64/vcode.h"

namespace heron::x64 {

struct EmitOptions {
  // Prologue stack-limit check, on functions that use stack beyond the
  // return address and saved rbp or that call. The limit is
  // [vmctx + stack_limit_offset], or, when limits_ptr_offset >= 0,
  // [[vmctx + limits_ptr_offset] + stack_limit_offset]; vmctx is the first
  // argument (rdi) at entry.
  bool stack_check = true;
  int32_t limits_ptr_offset = -1;
  int32_t stack_limit_offset = 0;
};

// `vcode` must have been through allocate_registers().
Result<CompiledFunction> emit_function(const VCode& vcode,
                                       const EmitOptions& options);

// Encodes straight-line instructions on physical registers, without frame,
// labels or relocations collected (no branches, calls or spill slots): for
// encoder tests and for showing what one machine instruction becomes.
Result<std::vector<uint8_t>> encode_instructions(
    const std::vector<MInst>& insts);

}  // namespace heron::x64
