// api::Module's ahead-of-time entry points (include/heron/module.h), over
// the artifact functions of artifact.h.
#include "artifact/artifact.h"
#include "heron/module.h"

namespace heron::api {

Result<std::vector<uint8_t>> Module::serialize() const {
  return serialize_compiled_module(*impl_);
}

Result<Module> Module::deserialize(const Engine& engine,
                                   std::span<const uint8_t> bytes) {
  auto cm = deserialize_compiled_module(engine.shared_impl(), bytes);
  if (!cm.ok()) return std::move(cm).error();
  return Module(std::move(cm).value());
}

Result<Module> Module::deserialize_file(const Engine& engine,
                                        const std::string& path) {
  auto cm = deserialize_compiled_module_file(engine.shared_impl(), path);
  if (!cm.ok()) return std::move(cm).error();
  return Module(std::move(cm).value());
}

}  // namespace heron::api
