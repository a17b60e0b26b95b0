// compile_function: the whole backend pipeline for one IR function, in one
// place that reads top to bottom: lower -> allocate registers -> emit. This
// is the backend's entry header: it also declares the trampolines.
#pragma once

#include "heron/error.h"
#include "ir/function.h"
#include "isa/x64/compiled_function.h"
#include "isa/x64/cpu_features.h"
#include "isa/x64/emit.h"
#include "isa/x64/regalloc.h"
#include "isa/x64/trampolines.h"

namespace heron::x64 {

struct CompileOptions {
  // Wasm functions: stack_check on, limits_ptr_offset =
  // VMContextLayout::kLimitsOffset, stack_limit_offset =
  // RuntimeLimits::kStackLimitOffset (the runtime's constants; this layer
  // does not include runtime headers).
  EmitOptions emit;
  CpuFeatures cpu = host_cpu_features();
};

Result<CompiledFunction> compile_function(const ir::Function& f,
                                          const CompileOptions& o);
// The same, also reporting the register allocator's statistics.
Result<CompiledFunction> compile_function(const ir::Function& f,
                                          const CompileOptions& o,
                                          RegAllocStats* stats);

}  // namespace heron::x64
