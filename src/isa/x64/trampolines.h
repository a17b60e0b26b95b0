// Trampolines between the host (C++, SysV) and compiled wasm code, one per
// distinct wasm signature. Values cross the boundary as arrays of 16-byte
// slots (the runtime's ValRaw: the value in the low bytes, i32/f32 in the
// low 4, the rest zero).
//
//  - Entry: `void entry(const void* wasm_code, VMContext* vmctx,
//    ValRaw* values)` loads the params from values[0..n), calls
//    wasm_code(vmctx, params...) with the wasm calling convention (abi.h)
//    and stores the results to values[0..m).
//  - Host call: a function with the wasm calling convention of the
//    signature whose vmctx points to a HostFuncContext {+0 RuntimeLimits*,
//    +8 void (*callback)(HostFuncContext*, ValRaw*), ...}. It stores the
//    params into a stack buffer of max(n, m) slots, calls the callback with
//    it and returns the results the callback left there.
#pragma once

#include <cstdint>

#include "heron/error.h"
#include "ir/function.h"
#include "isa/x64/compiled_function.h"
#include "isa/x64/emit.h"

namespace heron::x64 {

inline constexpr uint32_t kValRawSize = 16;
inline constexpr int32_t kHostFuncContextLimitsOffset = 0;
inline constexpr int32_t kHostFuncContextCallbackOffset = 8;

// `wasm_sig` is the IR signature of the wasm function (vmctx param first).
// The entry trampoline has no stack check of its own (its first argument is
// not a vmctx; the wasm callee checks).
Result<CompiledFunction> compile_entry_trampoline(
    const ir::Signature& wasm_sig);

// `stack_limit_offset` is RuntimeLimits::kStackLimitOffset; the limits
// pointer is at kHostFuncContextLimitsOffset of the context.
Result<CompiledFunction> compile_host_trampoline(
    const ir::Signature& wasm_sig, int32_t stack_limit_offset = 0);

}  // namespace heron::x64
