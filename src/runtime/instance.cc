// Instance and Module: the public handles over InstanceImpl and
// CompiledModule.
#include "heron/instance.h"

#include <fstream>
#include <iterator>

#include "heron/module.h"
#include "heron/store.h"
#include "runtime/instantiate.h"
#include "runtime/module_cache.h"
#include "runtime/store_impl.h"
#include "text/script.h"

namespace heron::api {

Result<Module> Module::from_bytes(const Engine& engine,
                                  std::span<const uint8_t> bytes) {
  auto cm = compile_module(engine.shared_impl(),
                           std::vector<uint8_t>(bytes.begin(), bytes.end()));
  if (!cm.ok()) return std::move(cm).error();
  return Module(std::move(cm).value());
}

Result<Module> Module::from_text(const Engine& engine, std::string_view wat) {
  auto bytes = text::parse_wat_module(wat, engine.config().features);
  if (!bytes.ok()) return std::move(bytes).error();
  return from_bytes(engine, *bytes);
}

Result<Module> Module::from_file(const Engine& engine,
                                 const std::string& path) {
  // Through the cache, a file recorded before is loaded without reading it
  // (runtime/module_cache.h).
  const std::optional<FileIdentity> identity =
      module_file_identity(engine.shared_impl(), path);
  if (identity) {
    if (auto cached = load_module_by_file(engine.shared_impl(), *identity))
      return Module(std::move(cached));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorKind::Io, "cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) return Error(ErrorKind::Io, "cannot read " + path);
  static constexpr uint8_t kMagic[4] = {0, 'a', 's', 'm'};
  const bool binary =
      bytes.size() >= 4 && std::equal(kMagic, kMagic + 4, bytes.begin());
  if (!binary) {
    auto encoded = text::parse_wat_module(
        std::string_view(reinterpret_cast<const char*>(bytes.data()),
                         bytes.size()),
        engine.config().features);
    if (!encoded.ok()) return std::move(encoded).error();
    bytes = std::move(encoded).value();
  }
  auto cm = compile_module_file(engine.shared_impl(), path, identity,
                                std::move(bytes));
  if (!cm.ok()) return std::move(cm).error();
  return Module(std::move(cm).value());
}

const std::vector<ImportType>& Module::imports() const {
  return impl_->import_types();
}
const std::vector<ExportType>& Module::exports() const {
  return impl_->export_types();
}
const std::string& Module::name() const { return impl_->name; }

Result<Instance> Instance::create(Store& store, const Module& module,
                                  std::span<const Extern> imports) {
  auto inst = instantiate(store.impl(), module.shared_impl(), imports);
  if (!inst.ok()) return std::move(inst).error();
  return Instance(*inst);
}

std::optional<Extern> Instance::get_export(std::string_view name) const {
  if (!impl_) return std::nullopt;
  const CompiledModule& cm = *impl_->module;
  for (const ExportEntry& ex : cm.exports)
    if (cm.export_name(ex) == name)
      return impl_->export_item(ex.kind, ex.index);
  return std::nullopt;
}

Func Instance::get_func(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !std::holds_alternative<Func>(*e)) return Func();
  return std::get<Func>(*e);
}

std::optional<Memory> Instance::get_memory(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !std::holds_alternative<Memory>(*e)) return std::nullopt;
  return std::get<Memory>(*e);
}

std::optional<Table> Instance::get_table(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !std::holds_alternative<Table>(*e)) return std::nullopt;
  return std::get<Table>(*e);
}

std::optional<Global> Instance::get_global(std::string_view name) const {
  auto e = get_export(name);
  if (!e || !std::holds_alternative<Global>(*e)) return std::nullopt;
  return std::get<Global>(*e);
}

std::vector<std::pair<std::string, Extern>> Instance::exports() const {
  std::vector<std::pair<std::string, Extern>> out;
  if (!impl_) return out;
  const CompiledModule& cm = *impl_->module;
  for (const ExportEntry& ex : cm.exports)
    out.emplace_back(std::string(cm.export_name(ex)),
                     impl_->export_item(ex.kind, ex.index));
  return out;
}

Module Instance::module() const { return Module(impl_->module); }

}  // namespace heron::api
