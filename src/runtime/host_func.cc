// Host functions called from compiled code (design note in host_func.h).
#include "runtime/host_func.h"

#include <vector>

#include "heron/store.h"
#include "runtime/activation.h"
#include "runtime/store_impl.h"

namespace heron {

namespace {

thread_local std::optional<api::Trap> pending_host_trap;

// Runs the host function of `ctx` on the values in `slots`; returns true
// (with pending_host_trap set) when it asked for a trap.
__attribute__((noinline)) bool run_host_function(HostFuncContext* ctx,
                                                 ValRaw* slots) {
  FuncData& f = *ctx->func;
  const FuncType& type = f.type;
  std::vector<api::Val> args;
  args.reserve(type.params.size());
  for (size_t k = 0; k < type.params.size(); k++)
    args.push_back(from_raw(*f.store, type.params[k], slots[k]));
  std::vector<api::Val> results;
  for (const ValType& t : type.results) results.push_back(api::Val::zero_of(t));
  api::Caller caller(*f.store->owner);
  std::optional<api::Trap> trap = f.fn(caller, args, results);
  if (!trap) {
    for (size_t k = 0; k < results.size(); k++) {
      if (!val_matches(results[k], type.results[k])) {
        trap = api::Trap(TrapCode::Unreachable,
                         "host function returned a value of the wrong type");
        break;
      }
    }
  }
  if (trap) {
    pending_host_trap = std::move(trap);
    return true;
  }
  for (size_t k = 0; k < results.size(); k++) slots[k] = to_raw(results[k]);
  return false;
}

}  // namespace

void host_func_callback(HostFuncContext* ctx, ValRaw* values) {
  if (run_host_function(ctx, values))
    raise_trap_from_frame(pending_host_trap->code, __builtin_frame_address(0));
}

std::optional<api::Trap> take_pending_host_trap() {
  std::optional<api::Trap> t = std::move(pending_host_trap);
  pending_host_trap.reset();
  return t;
}

}  // namespace heron
