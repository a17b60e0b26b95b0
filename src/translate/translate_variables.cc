// Globals: defined globals are 16-byte slots inline in the VMContext,
// imported ones a pointer (loaded once per call of the function) to the
// exporter's slot; the value sits in the slot's low bytes. Locals are
// SsaBuilder variables and need no code (see func_translator.cc).
#include "translate/func_translation.h"

namespace heron {

std::pair<ir::Value, int32_t> FuncTranslation::global_slot(uint32_t global) {
  const Module& m = env_->module();
  const VMContextLayout& layout = env_->layout();
  if (global < m.num_imported_globals) {
    ir::Value& ptr = imported_global_ptrs_[global];
    if (!ptr.valid()) {
      ptr = hoisted_load(ir::kPointerType, vmctx_,
                         int32_t(layout.imported_global(global)));
    }
    return {ptr, 0};
  }
  return {vmctx_,
          int32_t(layout.defined_global(global - m.num_imported_globals))};
}

Result<void> FuncTranslation::op_global_get(const Operator& op) {
  ir::Type t = ir_type(env_->module().globals[op.imm.index].type.type);
  if (t == ir::Type::V128) return unsupported(op);
  auto [ptr, offset] = global_slot(op.imm.index);
  push(b_->load(t, ptr, offset));
  return {};
}

void FuncTranslation::op_global_set(uint32_t global) {
  ir::Value v = pop();
  auto [ptr, offset] = global_slot(global);
  b_->store(v, ptr, offset);
}

}  // namespace heron
