// Instantiation of a compiled module in a store, in the spec's order (see
// heron/instance.h): imports type-checked, VMContext filled, functions,
// globals, tables and memories created, element then data segments applied,
// start function run. On a failure after allocation began, the partly
// initialized instance stays in the store (tables written by earlier
// segments may refer to its functions, and the spec keeps those writes).
#pragma once

#include <memory>
#include <span>

#include "heron/error.h"
#include "heron/extern.h"
#include "runtime/compiled_module.h"

namespace heron {

struct InstanceImpl;
struct StoreImpl;

Result<InstanceImpl*> instantiate(
    StoreImpl& store, const std::shared_ptr<const CompiledModule>& module,
    std::span<const api::Extern> imports);

// Whether `item` may satisfy `import` of `module`; Unlinkable error
// ("incompatible import type") if not.
Result<void> check_import(const CompiledModule& module, const Import& import,
                          const api::Extern& item);

}  // namespace heron
