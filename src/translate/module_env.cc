// ModuleEnv: layout, per-memory strategies and call signatures of a module.
#include "translate/module_env.h"

namespace heron {

ir::Type ir_type(const ValType& type) {
  switch (type.kind) {
    case ValKind::I32:
      return ir::Type::I32;
    case ValKind::I64:
      return ir::Type::I64;
    case ValKind::F32:
      return ir::Type::F32;
    case ValKind::F64:
      return ir::Type::F64;
    case ValKind::V128:
      return ir::Type::V128;
    case ValKind::Ref:
      return ir::kPointerType;
    case ValKind::Bot:
      break;
  }
  return ir::Type::Invalid;
}

ir::Signature wasm_call_signature(const FuncType& type) {
  ir::Signature sig;
  sig.params.reserve(type.params.size() + 1);
  sig.params.push_back({ir::kPointerType, ir::ParamPurpose::VMContext});
  for (const ValType& p : type.params) sig.params.push_back({ir_type(p)});
  sig.results.reserve(type.results.size());
  for (const ValType& r : type.results) sig.results.push_back(ir_type(r));
  return sig;
}

Result<ModuleEnv> ModuleEnv::create(const Module& module,
                                    const TranslateOptions& options) {
  Result<VMContextLayout> layout = VMContextLayout::compute(module);
  if (!layout) return std::move(layout).error();
  ModuleEnv env(module, options, *layout);
  env.memory_config_.explicit_bounds_checks = options.explicit_bounds_checks;
  env.memory_config_.guard_bytes = options.guard_bytes;
  env.strategies_.reserve(module.memories.size());
  for (const Memory& m : module.memories) {
    env.strategies_.push_back(
        heron::bounds_strategy(m.type, env.memory_config_));
  }
  env.signatures_.resize(module.types.size());
  for (size_t i = 0; i < module.types.size(); ++i) {
    const CompositeType& c = module.types[i].composite;
    if (c.kind == CompositeKind::Func) {
      env.signatures_[i] = wasm_call_signature(c.func);
    }
  }
  return env;
}

}  // namespace heron
