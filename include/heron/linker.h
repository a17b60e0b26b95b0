// Linker: a namespace of named definitions ("module" "name" -> item) that
// resolves a module's imports by name and instantiates it. Host functions
// defined with func() are store-independent (each store gets its own Func
// on first use); items given to define() belong to one store. A later
// definition of the same name replaces the earlier one (wast `register`).
//
// Resolution errors are ErrorKind::Unlinkable worded like the spec tests:
// "unknown import: \"env\" \"f\"" and "incompatible import type: ...".
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "heron/engine.h"
#include "heron/error.h"
#include "heron/extern.h"
#include "heron/func.h"
#include "heron/instance.h"
#include "heron/module.h"

namespace heron {
struct LinkerImpl;
}

namespace heron::api {

class Store;

class Linker {
 public:
  explicit Linker(const Engine& engine);
  ~Linker();
  Linker(Linker&&) noexcept;
  Linker& operator=(Linker&&) noexcept;

  Result<void> define(std::string_view module, std::string_view name,
                      const Extern& item);
  Result<void> func(std::string_view module, std::string_view name,
                    const FuncType& type, HostFunction fn);
  // Defines every export of `instance` under `module_name`.
  Result<void> define_instance(std::string_view module_name,
                               const Instance& instance);

  std::optional<Extern> get(Store& store, std::string_view module,
                            std::string_view name) const;
  Result<Instance> instantiate(Store& store, const Module& module) const;

 private:
  std::unique_ptr<LinkerImpl> impl_;
};

}  // namespace heron::api
