// Evaluation of constant expressions (global initializers, table
// initializers, segment offsets and element expressions) against an instance
// under construction: numeric constants, ref.null, ref.func, global.get and
// the extended-constant integer add/sub/mul. The module validated, so the
// expression is well-typed; the result is the raw 64-bit value (references
// as pointers: funcref = VMFuncRef*).
#pragma once

#include <cstdint>

#include "format/module.h"
#include "heron/error.h"

namespace heron {

struct InstanceImpl;

Result<uint64_t> evaluate_const_expr(const InstanceImpl& instance,
                                     const ConstExpr& expr);

}  // namespace heron
