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
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
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

struct CompiledModule {
  std::shared_ptr<EngineImpl> engine;
  std::unique_ptr<std::vector<uint8_t>> bytes;  // what `module` points into
  Module module;
  VMContextLayout layout = VMContextLayout::compute(VMContextCounts{}).value();
  std::vector<uint32_t> type_ids;    // canonical id per type index
  std::unique_ptr<LoadedCode> code;  // null when no function is defined
  std::vector<api::ImportType> imports;
  std::vector<api::ExportType> exports;
  std::string name;

  // Entry of defined function `func_index` (index space, imports first).
  const void* function_code(uint32_t func_index) const {
    return code->code(func_index - module.num_imported_funcs);
  }
  // "name" from the name section, or empty.
  std::string function_name(uint32_t func_index) const;
};

// The options compile_module translates and compiles every function with
// (heron explore uses them too, so that it shows what runs).
TranslateOptions module_translate_options(const api::Config& config);
x64::CompileOptions module_compile_options();

Result<std::shared_ptr<const CompiledModule>> compile_module(
    const std::shared_ptr<EngineImpl>& engine, std::vector<uint8_t> bytes);

// The type of an import or export in API form.
api::ExternType extern_type_of(const Module& module, ExternKind kind,
                               uint32_t index);

}  // namespace heron
