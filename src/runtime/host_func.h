// Host functions as compiled code sees them. A host function's VMFuncRef has
// the host trampoline of its type as code and a HostFuncContext as vmctx; the
// trampoline (x64 backend) spills the arguments into a buffer of 16-byte
// slots, calls `callback`, and returns the results from the same buffer.
//
// Design note: the callback converts the slots to Vals and runs the
// std::function inside a separate frame, so every C++ object is destroyed
// before a trap the host function asked for is raised (the trap longjmps
// over the callback's frame). The host's Trap (its message) travels to
// Func::call through a thread-local slot, consumed by the next trap result.
#pragma once

#include <cstddef>
#include <optional>

#include "heron/error.h"
#include "heron/func.h"
#include "heron/trap.h"
#include "runtime/runtime_limits.h"
#include "runtime/val_raw.h"

namespace heron {

struct FuncData;
struct StoreImpl;

struct HostFuncContext {
  RuntimeLimits* limits;  // +0: where compiled prologues find stack_limit
  void (*callback)(HostFuncContext* ctx, ValRaw* values);  // +8
  FuncData* func;
};
static_assert(offsetof(HostFuncContext, limits) == 0);
static_assert(offsetof(HostFuncContext, callback) == 8);

// The callback every HostFuncContext holds.
void host_func_callback(HostFuncContext* ctx, ValRaw* values);

// Host function types may only use abstract reference types: a concrete
// type index would need a module to give it meaning.
Result<void> check_host_func_type(const FuncType& type);

// A host function of `store`; `type` passed check_host_func_type.
FuncData* create_host_func(StoreImpl& store, const FuncType& type,
                           api::HostFunction fn);

// The Trap a host function raised on this thread, if the last trap was one.
std::optional<api::Trap> take_pending_host_trap();

}  // namespace heron
