// CompiledModule: a validated module, compiled and linked, ready to be
// instantiated any number of times. Immutable after compile_module returns,
// so instances in any store (and any thread) share it.
//
// The pipeline, top to bottom (compile_module):
//   decode -> validate -> canonical type ids (engine registry) -> ModuleEnv
//   -> per defined function, on several threads (Config::compile_threads),
//      results by function index: translate -> optimize -> compile (x64)
//   -> link: one executable region, relocations patched, trap tables and
//      unwind info registered (LoadedCode).
// A module loaded from a compiled artifact (src/artifact/) skips validation
// and compilation: what instantiation needs of its bytes is decoded again
// (artifact/wasm_skeleton.h), its interface computed by
// init_module_interface, its names and code come as they were stored
// (LoadedCode::from_image).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/module.h"
#include "heron/config.h"
#include "heron/error.h"
#include "heron/extern.h"
#include "isa/x64/compile.h"
#include "runtime/loaded_code.h"
#include "runtime/vmcontext_layout.h"
#include "translate/module_env.h"

namespace heron {

struct EngineImpl;

// One name of the name section, flat: a function's (by index) or, under
// kModuleNameIndex, the module's. Backtraces, perf and gdb print them; an
// artifact stores the table as is, so a loaded module needs no name
// section and no per-name allocation.
struct NameEntry {
  uint32_t index;
  uint32_t offset;  // of the name in the name text
  uint32_t size;
};
inline constexpr uint32_t kModuleNameIndex = UINT32_MAX;

// One export, flat, in module order: what instances look names up in, and
// what an artifact stores as is (a module may export tens of thousands of
// functions; loading one builds no string per export).
struct ExportEntry {
  uint32_t name_offset;  // in the export text
  uint32_t name_size;
  uint32_t index;
  ExternKind kind;
  uint8_t reserved[3];  // zero
};

struct CompiledModule {
  std::shared_ptr<EngineImpl> engine;
  std::unique_ptr<std::vector<uint8_t>> bytes;  // what `module` points into
  // Owns what `module` points into when it is not `bytes` (an artifact's
  // buffer or file mapping).
  std::shared_ptr<const void> storage;
  // For a module loaded from an artifact, only what instantiation reads:
  // no function bodies, no custom sections, no exports (see `names` and
  // `exports`).
  Module module;
  VMContextLayout layout = VMContextLayout::compute(VMContextCounts{}).value();
  std::vector<uint32_t> type_ids;    // canonical id per type index
  std::unique_ptr<LoadedCode> code;  // null when no function is defined
  std::string name;
  // Sorted by index; from `module`'s name section (init_module_interface)
  // or an artifact's storage.
  std::span<const NameEntry> names;
  std::span<const char> name_text;
  std::vector<NameEntry> owned_names;  // what `names` points to if ours
  std::string owned_name_text;
  // In module order; from `module`'s export section (init_module_interface)
  // or an artifact's storage.
  std::span<const ExportEntry> exports;
  std::span<const char> export_text;
  std::vector<ExportEntry> owned_exports;
  std::string owned_export_text;

  // Entry of defined function `func_index` (index space, imports first).
  const void* function_code(uint32_t func_index) const {
    return code->code(func_index - module.num_imported_funcs);
  }
  // "name" from the name section, or empty.
  std::string function_name(uint32_t func_index) const;
  std::string_view export_name(const ExportEntry& e) const {
    return {export_text.data() + e.name_offset, e.name_size};
  }

  // Import and export types in API form, computed on first use: a module
  // may export tens of thousands of functions that nobody lists, and
  // loading a compiled module should not pay for them.
  const std::vector<api::ImportType>& import_types() const;
  const std::vector<api::ExportType>& export_types() const;

 private:
  mutable std::once_flag imports_once_, exports_once_;
  mutable std::vector<api::ImportType> imports_;
  mutable std::vector<api::ExportType> exports_;
};

// The options compile_module translates and compiles every function with
// (heron explore uses them too, so that it shows what runs).
TranslateOptions module_translate_options(const api::Config& config);
x64::CompileOptions module_compile_options();

// The whole pipeline from the module's bytes, through the engine's code
// cache when it has one (module_cache.h).
Result<std::shared_ptr<const CompiledModule>> compile_module(
    const std::shared_ptr<EngineImpl>& engine, std::vector<uint8_t> bytes);
// The same without the cache.
Result<std::shared_ptr<const CompiledModule>> compile_module_uncached(
    const std::shared_ptr<EngineImpl>& engine, std::vector<uint8_t> bytes);

// Everything but the code, from cm.module (decoded; validated by whoever
// compiled it): the VMContext layout, canonical type ids in cm.engine's
// registry, the name and export tables (from the name and export sections,
// unless set already) and the module's name.
Result<void> init_module_interface(CompiledModule& cm);

// Registers cm.code with perf and gdb when the engine's config asks for it.
void announce_module_code(const CompiledModule& cm);

// The type of an import or export in API form.
api::ExternType extern_type_of(const Module& module, ExternKind kind,
                               uint32_t index);

}  // namespace heron
