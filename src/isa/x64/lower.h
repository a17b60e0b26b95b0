// Instruction selection: one IR function (src/ir) becomes VCode on virtual
// registers (minst.h), ready for allocate_registers(). See lowering.h for the
// internal structure and README.md for the conventions.
#pragma once

#include "heron/error.h"
#include "ir/function.h"
#include "isa/x64/cpu_features.h"
#include "isa/x64/vcode.h"

namespace heron::x64 {

// Lowers `f` (which must pass ir::verify) for the host CPU. v128 values and
// anything else this backend cannot express fail with
// ErrorKind::Unsupported.
Result<VCode> lower_function(const ir::Function& f);
// The same for a given feature set (tests force the fallbacks with it).
Result<VCode> lower_function(const ir::Function& f, const CpuFeatures& cpu);

}  // namespace heron::x64
