// Instance: a module instantiated in a store, with its imports resolved.
// Instantiation follows the spec's order: imports are type-checked, then
// globals, tables and memories are created, element and data segments are
// applied (an out-of-bounds segment fails instantiation as Uninstantiable
// but keeps the writes of earlier segments), then the start function runs
// (a trap there is an Uninstantiable error with the trap's message).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "heron/error.h"
#include "heron/extern.h"
#include "heron/module.h"

namespace heron {
struct InstanceImpl;
}

namespace heron::api {

class Store;

class Instance {
 public:
  Instance() = default;
  explicit Instance(InstanceImpl* impl) : impl_(impl) {}

  // `imports` in the order of module.imports().
  static Result<Instance> create(Store& store, const Module& module,
                                 std::span<const Extern> imports);

  std::optional<Extern> get_export(std::string_view name) const;
  // Null / nullopt when missing or of another kind.
  Func get_func(std::string_view name) const;
  std::optional<Memory> get_memory(std::string_view name) const;
  std::optional<Table> get_table(std::string_view name) const;
  std::optional<Global> get_global(std::string_view name) const;
  // In the module's export order.
  std::vector<std::pair<std::string, Extern>> exports() const;
  Module module() const;

  InstanceImpl* impl() const { return impl_; }

 private:
  InstanceImpl* impl_ = nullptr;
};

}  // namespace heron::api
