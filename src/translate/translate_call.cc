// Calls. A defined function is called directly (`call fnN`, linked by a
// relocation); an imported one through its VMFunctionImport {code, vmctx};
// call_indirect through a table slot with the contract's three checks
// (index in bounds, slot not null, canonical signature id equal). Library
// calls get their signature declared once per function. After any call the
// cached bases of explicitly checked memories are stale (memory.grow in the
// callee may have moved them).
#include "translate/func_translation.h"

namespace heron {

ir::SigRef FuncTranslation::wasm_sig_ref(uint32_t type_index) {
  auto [it, inserted] = wasm_sigs_.try_emplace(type_index);
  if (inserted) it->second = f_->add_signature(env_->signature(type_index));
  return it->second;
}

std::span<const ir::Value> FuncTranslation::libcall(
    ir::LibCall id, std::span<const ir::Type> params,
    std::span<const ir::Type> results, std::span<const ir::Value> args) {
  ir::SigRef& sig = libcall_sigs_[size_t(id)];
  if (!sig.valid()) {
    ir::Signature s;
    s.params.push_back({ir::kPointerType, ir::ParamPurpose::VMContext});
    for (ir::Type t : params) s.params.push_back({t});
    s.results.assign(results.begin(), results.end());
    sig = f_->add_signature(std::move(s));
  }
  args_.clear();
  args_.push_back(vmctx_);
  args_.insert(args_.end(), args.begin(), args.end());
  auto out = b_->libcall(id, sig, args_);
  after_call();
  return out;
}

void FuncTranslation::after_call() { invalidate_memory_cache(); }

void FuncTranslation::op_call(uint32_t func) {
  const Module& m = env_->module();
  uint32_t type_index = m.funcs[func];
  ir::SigRef sig = wasm_sig_ref(type_index);
  uint32_t n = uint32_t(m.types[type_index].composite.func.params.size());
  std::span<const ir::Value> results;
  args_.clear();
  if (func < m.num_imported_funcs) {
    const VMContextLayout& layout = env_->layout();
    ir::Value code = b_->load(ir::kPointerType, vmctx_,
                              int32_t(layout.imported_function_code(func)));
    ir::Value callee_vmctx =
        b_->load(ir::kPointerType, vmctx_,
                 int32_t(layout.imported_function_vmctx(func)));
    args_.push_back(callee_vmctx);
    auto params = top(n);
    args_.insert(args_.end(), params.begin(), params.end());
    results = b_->call_indirect(sig, code, args_);
  } else {
    args_.push_back(vmctx_);
    auto params = top(n);
    args_.insert(args_.end(), params.begin(), params.end());
    results = b_->call(func, sig, args_);
  }
  stack_.resize(stack_.size() - n);
  push_all(results);
  after_call();
}

void FuncTranslation::op_call_indirect(uint32_t type_index, uint32_t table) {
  ir::Value index = pop();
  ir::Value slot = table_slot(table, index, TrapCode::UndefinedElement);
  ir::Value ref = b_->load(ir::kPointerType, slot, 0);
  b_->trapnz(b_->icmp(ir::IntCC::Eq, ref, zero(ir::kPointerType)),
             TrapCode::UninitializedElement);
  if (!signature_ids_.valid()) {
    signature_ids_ =
        hoisted_load(ir::kPointerType, vmctx_,
                     int32_t(VMContextLayout::kSignatureIdsOffset));
  }
  ir::Value expected =
      b_->load(ir::Type::I32, signature_ids_, int32_t(type_index * 4));
  ir::Value actual =
      b_->load(ir::Type::I32, ref, int32_t(VMFuncRef::kTypeIdOffset));
  b_->trapnz(b_->icmp(ir::IntCC::Ne, actual, expected),
             TrapCode::IndirectCallTypeMismatch);
  ir::Value code =
      b_->load(ir::kPointerType, ref, int32_t(VMFuncRef::kCodeOffset));
  ir::Value callee_vmctx =
      b_->load(ir::kPointerType, ref, int32_t(VMFuncRef::kVmctxOffset));

  ir::SigRef sig = wasm_sig_ref(type_index);
  uint32_t n =
      uint32_t(env_->module().types[type_index].composite.func.params.size());
  args_.clear();
  args_.push_back(callee_vmctx);
  auto params = top(n);
  args_.insert(args_.end(), params.begin(), params.end());
  auto results = b_->call_indirect(sig, code, args_);
  stack_.resize(stack_.size() - n);
  push_all(results);
  after_call();
}

}  // namespace heron
