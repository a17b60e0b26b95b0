// Tables and references. A table is a VMTableDefinition {base, elements}
// (inline in the VMContext when defined, behind a pointer when imported)
// whose slots hold VMFuncRef* (funcref) or opaque pointers (externref),
// null = 0. table.get/set/size are inlined: a bounds check against
// `elements` and a load or store of the slot; table.grow/fill/copy/init and
// elem.drop are library calls. Both are reloaded at each use, since any
// call may grow the table.
#include "translate/func_translation.h"

namespace heron {

std::pair<ir::Value, int32_t> FuncTranslation::table_definition(
    uint32_t table) {
  const Module& m = env_->module();
  const VMContextLayout& layout = env_->layout();
  if (table < m.num_imported_tables) {
    ir::Value& def = imported_table_defs_[table];
    if (!def.valid()) {
      def = hoisted_load(ir::kPointerType, vmctx_,
                         int32_t(layout.imported_table(table)));
    }
    return {def, 0};
  }
  return {vmctx_, int32_t(layout.defined_table(table - m.num_imported_tables))};
}

ir::Value FuncTranslation::table_slot(uint32_t table, ir::Value index,
                                      TrapCode code) {
  auto [def, offset] = table_definition(table);
  ir::Value index64 = to_i64(index);
  ir::Value elements = b_->load(
      ir::Type::I64, def, offset + int32_t(VMTableDefinition::kElementsOffset));
  b_->trapnz(b_->icmp(ir::IntCC::Uge, index64, elements), code);
  ir::Value base = b_->load(ir::kPointerType, def,
                            offset + int32_t(VMTableDefinition::kBaseOffset));
  ir::Value scaled =
      b_->binary(ir::Opcode::Ishl, ir::Type::I64, index64, iconst64(3));
  return b_->binary(ir::Opcode::Iadd, ir::kPointerType, base, scaled);
}

void FuncTranslation::op_table_get(uint32_t table) {
  ir::Value index = pop();
  ir::Value slot = table_slot(table, index, TrapCode::TableOutOfBounds);
  push(b_->load(ir::kPointerType, slot, 0));
}

void FuncTranslation::op_table_set(uint32_t table) {
  ir::Value ref = pop();
  ir::Value index = pop();
  ir::Value slot = table_slot(table, index, TrapCode::TableOutOfBounds);
  b_->store(ref, slot, 0);
}

void FuncTranslation::op_table_size(uint32_t table) {
  auto [def, offset] = table_definition(table);
  ir::Value elements = b_->load(
      ir::Type::I64, def, offset + int32_t(VMTableDefinition::kElementsOffset));
  push(from_i64(elements, table_is64(table)));
}

void FuncTranslation::op_table_grow(uint32_t table) {
  ir::Value delta = to_i64(pop());
  ir::Value init = pop();
  const ir::Type params[] = {ir::Type::I32, ir::kPointerType, ir::Type::I64};
  const ir::Type results[] = {ir::Type::I64};
  const ir::Value args[] = {iconst32(table), init, delta};
  ir::Value old = libcall(ir::LibCall::TableGrow, params, results, args)[0];
  push(from_i64(old, table_is64(table)));
}

void FuncTranslation::op_table_fill(uint32_t table) {
  ir::Value len = to_i64(pop());
  ir::Value ref = pop();
  ir::Value dst = to_i64(pop());
  const ir::Type params[] = {ir::Type::I32, ir::Type::I64, ir::kPointerType,
                             ir::Type::I64};
  const ir::Value args[] = {iconst32(table), dst, ref, len};
  libcall(ir::LibCall::TableFill, params, {}, args);
}

void FuncTranslation::op_table_copy(uint32_t dst_table, uint32_t src_table) {
  ir::Value len = to_i64(pop());
  ir::Value src = to_i64(pop());
  ir::Value dst = to_i64(pop());
  const ir::Type params[] = {ir::Type::I32, ir::Type::I32, ir::Type::I64,
                             ir::Type::I64, ir::Type::I64};
  const ir::Value args[] = {iconst32(dst_table), iconst32(src_table), dst, src,
                            len};
  libcall(ir::LibCall::TableCopy, params, {}, args);
}

void FuncTranslation::op_table_init(uint32_t elem, uint32_t table) {
  ir::Value len = pop();
  ir::Value src = pop();
  ir::Value dst = to_i64(pop());
  const ir::Type params[] = {ir::Type::I32, ir::Type::I32, ir::Type::I64,
                             ir::Type::I32, ir::Type::I32};
  const ir::Value args[] = {iconst32(table), iconst32(elem), dst, src, len};
  libcall(ir::LibCall::TableInit, params, {}, args);
}

void FuncTranslation::op_elem_drop(uint32_t elem) {
  const ir::Type params[] = {ir::Type::I32};
  const ir::Value args[] = {iconst32(elem)};
  libcall(ir::LibCall::ElemDrop, params, {}, args);
}

// The VMFuncRef of a defined function lives in this instance's VMContext;
// an imported function's is the exporter's, recorded in its import slot.
void FuncTranslation::op_ref_func(uint32_t func) {
  const Module& m = env_->module();
  const VMContextLayout& layout = env_->layout();
  if (func < m.num_imported_funcs) {
    push(b_->load(ir::kPointerType, vmctx_,
                  int32_t(layout.imported_function(func) +
                          VMFunctionImport::kFuncRefOffset)));
    return;
  }
  uint32_t offset = layout.func_ref(func - m.num_imported_funcs);
  push(
      b_->binary(ir::Opcode::Iadd, ir::kPointerType, vmctx_, iconst64(offset)));
}

}  // namespace heron
