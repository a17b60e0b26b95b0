// Linear memory: loads and stores, memory.size/grow, the bulk operators and
// data.drop.
//
// An access is `heap_load/heap_store memN base, index+offset` where base is
// the memory's base pointer. Whether a heap_bounds_check precedes it is
// decided per access by needs_explicit_bounds_check (linear_memory.h), the
// same rule the runtime's mapping relies on. A guard-page memory never
// moves, so its base is loaded once per call (hoisted); an explicitly
// checked memory may move on memory.grow, so its base and length are
// reloaded in every block and after every call.
#include "translate/func_translation.h"

namespace heron {

std::pair<ir::Value, int32_t> FuncTranslation::memory_definition(
    uint32_t memory) {
  const Module& m = env_->module();
  const VMContextLayout& layout = env_->layout();
  if (memory < m.num_imported_memories) {
    ir::Value& def = imported_memory_defs_[memory];
    if (!def.valid()) {
      def = hoisted_load(ir::kPointerType, vmctx_,
                         int32_t(layout.imported_memory(memory)));
    }
    return {def, 0};
  }
  return {vmctx_,
          int32_t(layout.defined_memory(memory - m.num_imported_memories))};
}

ir::Value FuncTranslation::memory_base(uint32_t memory) {
  auto [def, offset] = memory_definition(memory);
  int32_t at = offset + int32_t(VMMemoryDefinition::kBaseOffset);
  if (env_->bounds_strategy(memory) == BoundsStrategy::GuardPages) {
    ir::Value& base = guard_bases_[memory];
    if (!base.valid()) base = hoisted_load(ir::kPointerType, def, at);
    return base;
  }
  ir::Value& base = base_cache_[memory];
  if (!base.valid()) base = b_->load(ir::kPointerType, def, at);
  return base;
}

ir::Value FuncTranslation::memory_length(uint32_t memory) {
  ir::Value& length = length_cache_[memory];
  if (!length.valid()) {
    auto [def, offset] = memory_definition(memory);
    length = b_->load(ir::Type::I64, def,
                      offset + int32_t(VMMemoryDefinition::kLengthOffset));
  }
  return length;
}

ir::Value FuncTranslation::prepare_heap_access(uint32_t memory, ir::Value index,
                                               uint64_t offset,
                                               uint64_t width) {
  if (needs_explicit_bounds_check(env_->bounds_strategy(memory),
                                  env_->memory_config(), offset, width)) {
    if (offset > UINT64_MAX - width) {
      // offset + width does not even fit 64 bits: never in bounds.
      b_->trap(TrapCode::MemoryOutOfBounds);
      set_unreachable();
      return ir::Value();
    }
    b_->heap_bounds_check(memory, index, memory_length(memory), offset + width);
  }
  return memory_base(memory);
}

void FuncTranslation::op_load(const Operator& op, ir::Type t,
                              ir::MemAccess access) {
  const MemArg& arg = op.imm.memarg;
  ir::Value index = pop();
  ir::Value base = prepare_heap_access(arg.memory, index, arg.offset,
                                       ir::mem_access_bytes(access, t));
  if (!base.valid()) return;
  push(b_->heap_load(t, access, arg.memory, base, index, arg.offset));
}

void FuncTranslation::op_store(const Operator& op, ir::MemAccess access) {
  const MemArg& arg = op.imm.memarg;
  ir::Value value = pop();
  ir::Value index = pop();
  ir::Type t = f_->value_type(value);
  ir::Value base = prepare_heap_access(arg.memory, index, arg.offset,
                                       ir::mem_access_bytes(access, t));
  if (!base.valid()) return;
  b_->heap_store(access, arg.memory, value, base, index, arg.offset);
}

void FuncTranslation::op_memory_size(uint32_t memory) {
  uint32_t page_log2 = env_->module().memories[memory].type.page_size_log2;
  // Two statements: the order of the instructions must not depend on the
  // compiler's order of evaluating arguments (golden tests compare it).
  ir::Value shift = iconst64(page_log2);
  ir::Value length = memory_length(memory);
  ir::Value pages = b_->binary(ir::Opcode::Ushr, ir::Type::I64, length, shift);
  push(from_i64(pages, memory_is64(memory)));
}

void FuncTranslation::op_memory_grow(uint32_t memory) {
  ir::Value delta = to_i64(pop());
  const ir::Type params[] = {ir::Type::I32, ir::Type::I64};
  const ir::Type results[] = {ir::Type::I64};
  const ir::Value args[] = {iconst32(memory), delta};
  ir::Value old = libcall(ir::LibCall::MemoryGrow, params, results, args)[0];
  push(from_i64(old, memory_is64(memory)));
}

void FuncTranslation::op_memory_fill(uint32_t memory) {
  ir::Value len = to_i64(pop());
  ir::Value byte = pop();
  ir::Value dst = to_i64(pop());
  const ir::Type params[] = {ir::Type::I32, ir::Type::I64, ir::Type::I32,
                             ir::Type::I64};
  const ir::Value args[] = {iconst32(memory), dst, byte, len};
  libcall(ir::LibCall::MemoryFill, params, {}, args);
}

void FuncTranslation::op_memory_copy(uint32_t dst_memory, uint32_t src_memory) {
  ir::Value len = to_i64(pop());
  ir::Value src = to_i64(pop());
  ir::Value dst = to_i64(pop());
  const ir::Type params[] = {ir::Type::I32, ir::Type::I32, ir::Type::I64,
                             ir::Type::I64, ir::Type::I64};
  const ir::Value args[] = {iconst32(dst_memory), iconst32(src_memory), dst,
                            src, len};
  libcall(ir::LibCall::MemoryCopy, params, {}, args);
}

void FuncTranslation::op_memory_init(uint32_t data, uint32_t memory) {
  ir::Value len = pop();
  ir::Value src = pop();
  ir::Value dst = to_i64(pop());
  const ir::Type params[] = {ir::Type::I32, ir::Type::I32, ir::Type::I64,
                             ir::Type::I32, ir::Type::I32};
  const ir::Value args[] = {iconst32(memory), iconst32(data), dst, src, len};
  libcall(ir::LibCall::MemoryInit, params, {}, args);
}

void FuncTranslation::op_data_drop(uint32_t data) {
  const ir::Type params[] = {ir::Type::I32};
  const ir::Value args[] = {iconst32(data)};
  libcall(ir::LibCall::DataDrop, params, {}, args);
}

}  // namespace heron
