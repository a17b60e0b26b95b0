// Linker: name-based import resolution (see heron/linker.h).
#include "heron/linker.h"

#include <map>
#include <string>
#include <tuple>

#include "heron/store.h"
#include "runtime/host_func.h"
#include "runtime/instantiate.h"
#include "runtime/store_impl.h"

namespace heron {

struct LinkerImpl {
  struct Definition {
    uint64_t serial = 0;  // identifies this definition in host_funcs
    std::optional<api::Extern> item;  // store-bound item
    FuncType type;                    // host function (when !item)
    std::shared_ptr<api::HostFunction> fn;
  };
  api::Engine engine;
  uint64_t next_serial = 1;
  std::map<std::pair<std::string, std::string>, Definition, std::less<>> defs;
  // Host functions instantiated per store: (store id, serial) -> Func.
  mutable std::map<std::pair<uint64_t, uint64_t>, api::Func> host_funcs;

  explicit LinkerImpl(const api::Engine& e) : engine(e) {}

  std::optional<api::Extern> resolve(StoreImpl& store, std::string_view module,
                                     std::string_view name) const {
    auto it = defs.find(std::make_pair(std::string(module), std::string(name)));
    if (it == defs.end()) return std::nullopt;
    const Definition& d = it->second;
    if (d.item) return d.item;
    auto key = std::make_pair(store.id, d.serial);
    auto h = host_funcs.find(key);
    if (h != host_funcs.end()) return h->second;
    std::shared_ptr<api::HostFunction> fn = d.fn;
    // The type was checked by Linker::func.
    api::Func f(create_host_func(
        store, d.type,
        [fn](api::Caller& c, std::span<const api::Val> a,
             std::span<api::Val> r) { return (*fn)(c, a, r); }));
    host_funcs.emplace(key, f);
    return f;
  }
};

}  // namespace heron

namespace heron::api {

Linker::Linker(const Engine& engine)
    : impl_(std::make_unique<LinkerImpl>(engine)) {}
Linker::~Linker() = default;
Linker::Linker(Linker&&) noexcept = default;
Linker& Linker::operator=(Linker&&) noexcept = default;

Result<void> Linker::define(std::string_view module, std::string_view name,
                            const Extern& item) {
  LinkerImpl::Definition d;
  d.serial = impl_->next_serial++;
  d.item = item;
  impl_->defs[std::make_pair(std::string(module), std::string(name))] =
      std::move(d);
  return {};
}

Result<void> Linker::func(std::string_view module, std::string_view name,
                          const FuncType& type, HostFunction fn) {
  if (!fn) return Error(ErrorKind::Usage, "empty host function");
  if (Result<void> ok = check_host_func_type(type); !ok.ok()) return ok;
  LinkerImpl::Definition d;
  d.serial = impl_->next_serial++;
  d.type = type;
  d.fn = std::make_shared<HostFunction>(std::move(fn));
  impl_->defs[std::make_pair(std::string(module), std::string(name))] =
      std::move(d);
  return {};
}

Result<void> Linker::define_instance(std::string_view module_name,
                                     const Instance& instance) {
  if (!instance.impl()) return Error(ErrorKind::Usage, "null instance");
  for (auto& [name, item] : instance.exports()) {
    auto ok = define(module_name, name, item);
    if (!ok.ok()) return ok;
  }
  return {};
}

std::optional<Extern> Linker::get(Store& store, std::string_view module,
                                  std::string_view name) const {
  return impl_->resolve(store.impl(), module, name);
}

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  std::vector<Extern> items;
  for (const ImportType& imp : module.imports()) {
    auto item = impl_->resolve(store.impl(), imp.module, imp.name);
    if (!item)
      return Error(ErrorKind::Unlinkable, "unknown import: \"" + imp.module +
                                              "\" \"" + imp.name + "\"");
    items.push_back(*item);
  }
  return Instance::create(store, module, items);
}

}  // namespace heron::api
