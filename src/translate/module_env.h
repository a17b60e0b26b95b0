// ModuleEnv: the module-level facts the Wasm -> IR translator needs, computed
// once per module and then shared read-only by every function translation
// (translations of different functions may run on different threads).
//
// It holds the decoded module (not owned: the Module and its bytes must
// outlive the env), the VMContext layout that the runtime uses for the same
// module, the bounds-check strategy chosen for each memory (by the very
// function the runtime uses to map it, linear_memory.h) and the IR call
// signature of every function type.
#pragma once

#include <cstdint>
#include <vector>

#include "format/module.h"
#include "heron/error.h"
#include "ir/function.h"
#include "runtime/linear_memory.h"
#include "runtime/vmcontext_layout.h"

namespace heron {

struct TranslateOptions {
  // Config switch: every memory uses heap_bounds_check (no guard pages).
  bool explicit_bounds_checks = false;
  // Loop headers and function entries check the epoch deadline.
  bool epoch_interruption = false;
  // Size of the guard region after a 4 GiB guard-page memory; must equal the
  // runtime's LinearMemoryConfig::guard_bytes.
  uint64_t guard_bytes = kDefaultGuardBytes;
};

// The IR type of a Wasm value type: numbers map to themselves, references
// are pointers (i64, null = 0).
ir::Type ir_type(const ValType& type);

// The IR signature of a Wasm function of this type:
// (i64 vmctx [VMContext], params...) -> results.
ir::Signature wasm_call_signature(const FuncType& type);

class ModuleEnv {
 public:
  static Result<ModuleEnv> create(const Module& module,
                                  const TranslateOptions& options);

  const Module& module() const { return *module_; }
  const TranslateOptions& options() const { return options_; }
  const VMContextLayout& layout() const { return layout_; }
  const LinearMemoryConfig& memory_config() const { return memory_config_; }

  // Per memory of the index space (imports first).
  BoundsStrategy bounds_strategy(uint32_t memory) const {
    return strategies_[memory];
  }
  // The IR signature of function type `type_index` (only for function
  // types; empty for struct/array types).
  const ir::Signature& signature(uint32_t type_index) const {
    return signatures_[type_index];
  }
  bool is_imported_function(uint32_t func_index) const {
    return func_index < module_->num_imported_funcs;
  }
  // The byte range of a defined function's body in the module (its start
  // and end offsets for the address map).
  ByteRange body_range(uint32_t func_index) const {
    return module_->bodies[func_index - module_->num_imported_funcs].range;
  }

 private:
  ModuleEnv(const Module& module, const TranslateOptions& options,
            const VMContextLayout& layout)
      : module_(&module), options_(options), layout_(layout) {}

  const Module* module_;
  TranslateOptions options_;
  VMContextLayout layout_;
  LinearMemoryConfig memory_config_;
  std::vector<BoundsStrategy> strategies_;
  std::vector<ir::Signature> signatures_;
};

}  // namespace heron
