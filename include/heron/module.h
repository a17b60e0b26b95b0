// Module: a validated, compiled WebAssembly module. Compiled once, then
// instantiated any number of times in any store of the same engine. Immutable;
// a cheap handle (shared_ptr) that may be shared across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "heron/engine.h"
#include "heron/error.h"
#include "heron/extern.h"

namespace heron {
struct CompiledModule;
}

namespace heron::api {

class Module {
 public:
  // A binary module (.wasm bytes; copied).
  static Result<Module> from_bytes(const Engine& engine,
                                   std::span<const uint8_t> bytes);
  // A module in the text format (WAT).
  static Result<Module> from_text(const Engine& engine, std::string_view wat);
  // A file: binary if it starts with the wasm magic, text otherwise.
  static Result<Module> from_file(const Engine& engine,
                                  const std::string& path);

  // Compiled modules ahead of time (".cwasm" artifacts). serialize() gives
  // this module's code and metadata in a form deserialize() loads without
  // compiling, into an engine with the same compile settings (Config) on a
  // machine with the CPU features the code uses; anything else is refused
  // with an error that names the difference, as are truncated or corrupt
  // bytes (checksum). Loading TRUSTS the bytes' producer, like running a
  // native executable would: the checksum detects accidents, not malice, so
  // only load artifacts from a source you trust.
  Result<std::vector<uint8_t>> serialize() const;
  static Result<Module> deserialize(const Engine& engine,
                                    std::span<const uint8_t> bytes);
  // Maps the file rather than reading it: the code pages come from the
  // page cache. The file must not change while the module lives.
  static Result<Module> deserialize_file(const Engine& engine,
                                         const std::string& path);

  const std::vector<ImportType>& imports() const;
  const std::vector<ExportType>& exports() const;
  // From the name section; empty if none.
  const std::string& name() const;

  const CompiledModule& impl() const { return *impl_; }
  const std::shared_ptr<const CompiledModule>& shared_impl() const {
    return impl_;
  }
  explicit Module(std::shared_ptr<const CompiledModule> impl)
      : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const CompiledModule> impl_;
};

}  // namespace heron::api
