// Trap symbolization (see backtrace.h).
#include "runtime/backtrace.h"

#include "runtime/code_registry.h"
#include "runtime/compiled_module.h"
#include "runtime/loaded_code.h"

namespace heron {

api::Trap symbolize_trap(const Trap& raw) {
  api::Trap t(raw.code);
  t.backtrace_truncated = raw.frames_truncated;
  for (size_t k = 0; k < raw.frames.size(); k++) {
    uintptr_t pc = raw.frames[k];
    // A return address points after the call; the call itself is one byte
    // before. Only a faulting instruction is looked up at its own address.
    if (k != 0 || !CodeRegistry::lookup(pc).is_trap_site) pc -= 1;
    const LoadedCode* code = LoadedCode::containing(pc);
    if (!code || !code->module()) continue;
    const LoadedCode::Function* f = code->function_at(pc);
    if (!f) continue;
    api::FrameInfo frame;
    frame.func_index = f->func_index;
    frame.func_name = code->module()->function_name(f->func_index);
    frame.module_name = code->module()->name;
    if (auto loc = code->srcloc_at(pc)) frame.module_offset = *loc;
    t.backtrace.push_back(std::move(frame));
  }
  return t;
}

}  // namespace heron
