// Func: host functions and calls from the host into wasm.
#include "heron/func.h"

#include <algorithm>

#include "heron/store.h"
#include "runtime/activation.h"
#include "runtime/backtrace.h"
#include "runtime/host_func.h"
#include "runtime/store_impl.h"

namespace heron {

Result<void> check_host_func_type(const FuncType& type) {
  for (const auto* list : {&type.params, &type.results}) {
    for (const ValType& t : *list) {
      if (t.kind == ValKind::Ref && t.heap.is_concrete())
        return Error(ErrorKind::Usage,
                     "host function types may use abstract reference types "
                     "only, not a module's type index");
    }
  }
  return {};
}

FuncData* create_host_func(StoreImpl& store, const FuncType& type,
                           api::HostFunction fn);

namespace {

Error usage(std::string message) {
  return Error(ErrorKind::Usage, std::move(message));
}

Result<void> check_args(const FuncType& type, std::span<const api::Val> args) {
  if (args.size() != type.params.size())
    return usage("wrong number of arguments: expected " +
                 std::to_string(type.params.size()) + ", got " +
                 std::to_string(args.size()));
  for (size_t k = 0; k < args.size(); k++)
    if (!val_matches(args[k], type.params[k]))
      return usage("argument " + std::to_string(k) + ": expected " +
                   to_string(type.params[k]) + ", got " + args[k].to_string());
  return {};
}

api::CallResult<std::vector<api::Val>> call_host(
    api::Store& store, FuncData& f, std::span<const api::Val> args) {
  std::vector<api::Val> results;
  for (const ValType& t : f.type.results)
    results.push_back(api::Val::zero_of(t));
  api::Caller caller(store);
  std::optional<api::Trap> trap = f.fn(caller, args, results);
  if (trap) return std::move(*trap);
  for (size_t k = 0; k < results.size(); k++)
    if (!val_matches(results[k], f.type.results[k]))
      return api::Trap(TrapCode::Unreachable,
                       "host function returned a value of the wrong type");
  return results;
}

}  // namespace

FuncData* create_host_func(StoreImpl& store, const FuncType& type,
                           api::HostFunction fn) {
  EngineImpl& engine = store.engine.impl();
  FuncData* f = store.new_func();
  f->type = type;
  f->type_id = engine.intern_func_type(type);
  f->fn = std::move(fn);
  f->host = std::make_unique<HostFuncContext>();
  f->host->limits = store.limits.get();
  f->host->callback = &host_func_callback;
  f->host->func = f;
  f->func_ref = &f->own_ref;
  f->own_ref.type_id = f->type_id;
  f->own_ref.vmctx = reinterpret_cast<VMContext*>(f->host.get());
  // The trampoline is compiled lazily on the first call from wasm only if
  // the backend cannot provide it now; a failure leaves code null, which
  // instantiation reports when the function is imported.
  auto tramp = engine.trampolines(f->type_id, type);
  f->own_ref.code = tramp.ok() ? tramp->host : nullptr;
  store.register_func_ref(f);
  return f;
}

}  // namespace heron

namespace heron::api {

Result<Func> Func::create(Store& store, const FuncType& type, HostFunction fn) {
  if (Result<void> ok = check_host_func_type(type); !ok.ok())
    return std::move(ok).error();
  if (!fn) return Error(ErrorKind::Usage, "empty host function");
  return Func(create_host_func(store.impl(), type, std::move(fn)));
}

const FuncType& Func::type() const {
  if (!data_) fatal_invariant("Func::type() of a null function");
  return data_->type;
}

CallResult<std::vector<Val>> Func::call(Store& store,
                                        std::span<const Val> args) const {
  if (!data_) return usage("call of a null function reference");
  if (data_->store != &store.impl())
    return usage("the function belongs to another store");
  auto ok = check_args(data_->type, args);
  if (!ok.ok()) return std::move(ok).error();
  for (const Val& a : args)
    if (a.is_funcref() && !a.is_null() &&
        a.as_funcref().data()->store != &store.impl())
      return usage("a function argument belongs to another store");
  if (data_->host) return call_host(store, *data_, args);

  StoreImpl& s = store.impl();
  auto tramp = s.engine.impl().trampolines(data_->type_id, data_->type);
  if (!tramp.ok()) return std::move(tramp).error();
  const FuncType& type = data_->type;
  std::vector<ValRaw> slots(
      std::max<size_t>(std::max(type.params.size(), type.results.size()), 1));
  for (size_t k = 0; k < args.size(); k++) slots[k] = to_raw(args[k]);
  const void* code = data_->func_ref->code;
  VMContext* vmctx = data_->func_ref->vmctx;
  TrapOr<void> r = call_wasm(*s.limits, s.engine.config().max_wasm_stack,
                             tramp->entry, code, vmctx, slots.data());
  if (!r.ok()) {
    Trap t = symbolize_trap(r.trap());
    if (std::optional<Trap> host = take_pending_host_trap()) {
      t.code = host->code;
      t.message = std::move(host->message);
      t.exit_status = host->exit_status;
    }
    return t;
  }
  std::vector<Val> results;
  results.reserve(type.results.size());
  for (size_t k = 0; k < type.results.size(); k++)
    results.push_back(from_raw(s, type.results[k], slots[k]));
  return results;
}

}  // namespace heron::api
