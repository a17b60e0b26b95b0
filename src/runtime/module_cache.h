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
//   read the bytes, compile_module(engine, bytes) -> cm
//   if (id) remember_module_file(engine, path, *id, bytes)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "cache/file_identity.h"

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

// Records that the file at `path`, of identity `before` when its bytes
// were read, holds the module `bytes` (compiled already: its entry is in
// the cache). Nothing is recorded unless the file still has that identity
// and is settled (file_identity.h); failures are warned about, never
// fatal.
void remember_module_file(const std::shared_ptr<EngineImpl>& engine,
                          const std::string& path, const FileIdentity& before,
                          std::span<const uint8_t> bytes);

}  // namespace heron
