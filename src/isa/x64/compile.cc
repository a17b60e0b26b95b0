// The backend pipeline for one function (see compile.h).
#include "isa/x64/compile.h"

#include <utility>

#include "isa/x64/lower.h"

namespace heron::x64 {

Result<CompiledFunction> compile_function(const ir::Function& f,
                                          const CompileOptions& o,
                                          RegAllocStats* stats) {
  // 1. Instruction selection on virtual registers.
  auto vcode = lower_function(f, o.cpu);
  if (!vcode) return Error(vcode.error());
  // 2. Register allocation: physical registers, spill slots, moves.
  auto allocated = allocate_registers(*vcode);
  if (!allocated) return Error(allocated.error());
  if (stats) *stats = *allocated;
  // 3. Encoding, frame, relocations, trap table, address map, unwind info.
  return emit_function(*vcode, o.emit);
}

Result<CompiledFunction> compile_function(const ir::Function& f,
                                          const CompileOptions& o) {
  return compile_function(f, o, nullptr);
}

}  // namespace heron::x64
