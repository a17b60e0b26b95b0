// Compiling through the engine's code cache (cache/code_cache.h): by the
// module's bytes (compile_module, compiled_module.h), and by a module
// file's identity, which skips reading and hashing a file whose key is
// already recorded (cache/file_identity.h).
//
// A file is compiled in three steps, so that its reading stays with the
// caller (the CLI reads text modules and reports their errors its own
// way):
//   auto id = module_file_identity(engine, path);     // nullopt: no cache
//   if (id) if (auto cm = load_module_by_file(engine, *id)) -> done
//   read the bytes (encode text), then
//   compile_module_file(engine, path, id, std::move(bytes)) -> cm
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/file_identity.h"
#include "heron/error.h"

namespace heron {

struct CompiledModule;
struct EngineImpl;

// The identity of the file at `path` when the engine has a cache, else
// nullopt (also for anything but a regular file).
std::optional<FileIdentity> module_file_identity(
    const std::shared_ptr<EngineImpl>& engine, const std::string& path);

// The module recorded for a file of this identity, loaded from the cache
// (a cache hit), or null: nothing recorded, the entry is gone, or it does
// not load (warned about).
std::shared_ptr<const CompiledModule> load_module_by_file(
    const std::shared_ptr<EngineImpl>& engine, const FileIdentity& file);

// compile_module of `bytes`, read from the file at `path` whose identity
// was `before` (module_file_identity) before reading; then records that
// identity with the module's key, unless the file has changed since or is
// not settled (file_identity.h). Recording failures are warned about,
// never fatal.
Result<std::shared_ptr<const CompiledModule>> compile_module_file(
    const std::shared_ptr<EngineImpl>& engine, const std::string& path,
    const std::optional<FileIdentity>& before, std::vector<uint8_t> bytes);

}  // namespace heron
