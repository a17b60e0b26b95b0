// Compiled-module artifacts: serializing a CompiledModule and loading one
// back without compiling (the layout and what loading trusts: format.h).
// The public API (api::Module::serialize / deserialize / deserialize_file)
// and the compiled-code cache both go through these functions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "heron/error.h"

namespace heron {

struct CompiledModule;
struct EngineImpl;

// How long the phases of loading an artifact took, in nanoseconds.
struct ArtifactLoadTimes {
  int64_t map_ns = 0;  // open, read the header, map (or copy) the bytes
  // The checksum (reading every page of the file), versions, settings,
  // structure.
  int64_t verify_ns = 0;
  int64_t decode_ns = 0;  // the wasm skeleton, flat tables, interface
  int64_t link_ns = 0;    // patch, protect, register the code
};

// True when `bytes` starts with the artifact magic (a .cwasm, not a .wasm).
bool is_artifact(std::span<const uint8_t> bytes);

// The artifact of `cm`, compiled with its engine's settings. Unsupported
// when the code refers to embedder objects by address.
Result<std::vector<uint8_t>> serialize_compiled_module(
    const CompiledModule& cm);

// Loads an artifact from memory: the bytes are copied (the tables are used
// in the copy, the code copied into fresh code memory).
Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module(
    const std::shared_ptr<EngineImpl>& engine, std::span<const uint8_t> bytes);
// The same, taking the buffer over instead of copying it.
Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module(
    const std::shared_ptr<EngineImpl>& engine, std::vector<uint8_t>&& bytes);

// Loads an artifact file by mapping it: the code pages are a private
// mapping of the file, the tables are used where they lie.
Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module_file(
    const std::shared_ptr<EngineImpl>& engine, const std::string& path,
    ArtifactLoadTimes* times = nullptr);

// Where an artifact lies inside a larger file (a compiled-code cache entry
// stores one after its own header).
struct ArtifactInFile {
  int fd = -1;          // open for reading; not closed by the loader
  uint64_t offset = 0;  // a multiple of kCodeAlignment (format.h)
  uint64_t size = 0;    // the artifact's bytes from there
  std::string name;     // the file, for messages
};
// The same as deserialize_compiled_module_file, for an artifact at an
// offset in an open file. The file must not change while the module lives.
Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module_at(
    const std::shared_ptr<EngineImpl>& engine, const ArtifactInFile& source,
    ArtifactLoadTimes* times = nullptr);

}  // namespace heron
