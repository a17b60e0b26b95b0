// The module compile pipeline (see compiled_module.h).
#include "runtime/compiled_module.h"

#include <algorithm>

#include "format/decoder.h"
#include "isa/x64/compile.h"
#include "opt/passes.h"
#include "runtime/engine_impl.h"
#include "runtime/gdb_jit.h"
#include "runtime/libcalls.h"
#include "runtime/perf_map.h"
#include "support/parallel.h"
#include "translate/func_translator.h"
#include "translate/module_env.h"
#include "validate/validator.h"

namespace heron {

namespace {

Result<uint64_t> resolve_libcall(const x64::Relocation& r) {
  if (r.kind != x64::RelocKind::Abs64ToLibcall)
    return Error(ErrorKind::Internal, "unexpected relocation kind");
  const void* addr = libcall_address(r.target);
  if (!addr)
    return Error(ErrorKind::Internal,
                 "unknown library call " + std::to_string(r.target));
  return uint64_t(uintptr_t(addr));
}

// How many threads compile (and validate) a module's functions.
uint32_t compile_threads(const api::Config& config) {
  if (!config.parallel_compilation) return 1;
  return resolve_thread_count(config.compile_threads);
}

// Translates, optimizes and compiles defined function `func_index`.
Result<x64::CompiledFunction> compile_one(FuncTranslator& translator,
                                          const ModuleEnv& env,
                                          uint32_t func_index,
                                          opt::OptLevel level,
                                          const x64::CompileOptions& copts) {
  auto ir = translator.translate(env, func_index);
  if (!ir.ok()) return std::move(ir).error();
  opt::optimize(*ir, level);
  return x64::compile_function(*ir, copts);
}

// Compiles every defined function, on compile_threads(config) threads, then
// links. Each thread reuses one FuncTranslator (the backend keeps its scratch
// buffers in thread_locals, isa/x64/README.md). Each result goes to the slot
// of its function index, so the linked code is the same whatever the thread
// count and schedule, and an error is the one of the lowest-indexed failing
// function (support/parallel.h).
Result<std::unique_ptr<LoadedCode>> compile_code(const CompiledModule& cm,
                                                 const api::Config& config) {
  const Module& m = cm.module;
  auto env = ModuleEnv::create(m, module_translate_options(config));
  if (!env.ok()) return std::move(env).error();

  const uint32_t first = m.num_imported_funcs;
  const uint32_t count = uint32_t(m.funcs.size()) - first;
  const opt::OptLevel level = config.opt_level == api::OptLevel::O0
                                  ? opt::OptLevel::O0
                                  : opt::OptLevel::O2;
  const x64::CompileOptions copts = module_compile_options();
  std::vector<uint32_t> weights(count);
  for (uint32_t k = 0; k < count; k++) weights[k] = m.bodies[k].range.size;
  std::vector<x64::CompiledFunction> compiled(count);
  Result<void> done = for_each_index(
      compile_threads(config), weights, [] { return FuncTranslator(); },
      [&](FuncTranslator& translator, uint32_t k) -> Result<void> {
        auto cf = compile_one(translator, *env, first + k, level, copts);
        if (!cf.ok()) {
          Error e = std::move(cf).error();
          if (e.func == Error::kNoFunc) e.func = first + k;
          return e;
        }
        compiled[k] = std::move(cf).value();
        return {};
      });
  if (!done) return std::move(done).error();

  std::vector<uint32_t> indices(count);
  std::vector<const x64::CompiledFunction*> ptrs(count);
  for (uint32_t k = 0; k < count; k++) {
    indices[k] = first + k;
    ptrs[k] = &compiled[k];
  }
  return LoadedCode::load(ptrs, indices, resolve_libcall, &cm);
}

}  // namespace

TranslateOptions module_translate_options(const api::Config& config) {
  TranslateOptions o;
  o.explicit_bounds_checks = config.explicit_bounds_checks;
  o.epoch_interruption = config.epoch_interruption;
  return o;
}

x64::CompileOptions module_compile_options() {
  x64::CompileOptions o;
  o.emit.stack_check = true;
  o.emit.limits_ptr_offset = int32_t(VMContextLayout::kLimitsOffset);
  o.emit.stack_limit_offset = int32_t(RuntimeLimits::kStackLimitOffset);
  return o;
}

api::ExternType extern_type_of(const Module& m, ExternKind kind,
                               uint32_t index) {
  api::ExternType t;
  t.kind = kind;
  switch (kind) {
    case ExternKind::Func:
      t.func = m.func_type(index);
      break;
    case ExternKind::Table:
      t.table = m.tables[index].type;
      break;
    case ExternKind::Memory:
      t.memory = m.memories[index].type;
      break;
    case ExternKind::Global:
      t.global = m.globals[index].type;
      break;
    case ExternKind::Tag:
      break;
  }
  return t;
}

std::string CompiledModule::function_name(uint32_t func_index) const {
  auto it = std::lower_bound(
      names.begin(), names.end(), func_index,
      [](const NameEntry& e, uint32_t i) { return e.index < i; });
  if (it == names.end() || it->index != func_index) return std::string();
  return std::string(name_text.data() + it->offset, it->size);
}

namespace {

void index_names(CompiledModule& cm) {
  const NameMap& n = cm.module.names;
  cm.owned_names.reserve(n.functions.size() + 1);
  for (const auto& [index, name] : n.functions) {
    cm.owned_names.push_back(NameEntry{
        index, uint32_t(cm.owned_name_text.size()), uint32_t(name.size())});
    cm.owned_name_text += name;
  }
  if (n.module_name) {
    cm.owned_names.push_back(NameEntry{kModuleNameIndex,
                                       uint32_t(cm.owned_name_text.size()),
                                       uint32_t(n.module_name->size())});
    cm.owned_name_text += *n.module_name;
  }
  std::sort(
      cm.owned_names.begin(), cm.owned_names.end(),
      [](const NameEntry& a, const NameEntry& b) { return a.index < b.index; });
  cm.names = cm.owned_names;
  cm.name_text = cm.owned_name_text;
}

void index_exports(CompiledModule& cm) {
  cm.owned_exports.reserve(cm.module.exports.size());
  for (const Export& e : cm.module.exports) {
    ExportEntry x{};
    x.name_offset = uint32_t(cm.owned_export_text.size());
    x.name_size = uint32_t(e.name.size());
    x.index = e.index;
    x.kind = e.kind;
    cm.owned_exports.push_back(x);
    cm.owned_export_text += e.name;
  }
  cm.exports = cm.owned_exports;
  cm.export_text = cm.owned_export_text;
}

}  // namespace

Result<void> init_module_interface(CompiledModule& cm) {
  const Module& m = cm.module;
  auto layout = VMContextLayout::compute(m);
  if (!layout.ok()) return std::move(layout).error();
  cm.layout = layout.value();
  cm.type_ids = cm.engine->intern_module_types(m);
  if (cm.names.empty()) index_names(cm);
  if (cm.exports.empty()) index_exports(cm);
  if (!cm.names.empty() && cm.names.back().index == kModuleNameIndex)
    cm.name = cm.function_name(kModuleNameIndex);
  return {};
}

const std::vector<api::ImportType>& CompiledModule::import_types() const {
  std::call_once(imports_once_, [&] {
    uint32_t counters[5] = {0, 0, 0, 0, 0};
    imports_.reserve(module.imports.size());
    for (const Import& imp : module.imports) {
      uint32_t index = counters[uint32_t(imp.kind)]++;
      imports_.push_back(api::ImportType{
          imp.module, imp.name, extern_type_of(module, imp.kind, index)});
    }
  });
  return imports_;
}

const std::vector<api::ExportType>& CompiledModule::export_types() const {
  std::call_once(exports_once_, [&] {
    exports_.reserve(exports.size());
    for (const ExportEntry& ex : exports)
      exports_.push_back(
          api::ExportType{std::string(export_name(ex)),
                          extern_type_of(module, ex.kind, ex.index)});
  });
  return exports_;
}

void announce_module_code(const CompiledModule& cm) {
  if (!cm.code) return;
  if (cm.engine->config.perf_map) PerfMap::add_module(cm);
  if (cm.engine->config.debugger_support) GdbJit::add_module(cm);
}

Result<std::shared_ptr<const CompiledModule>> compile_module_uncached(
    const std::shared_ptr<EngineImpl>& engine, std::vector<uint8_t> bytes) {
  auto cm = std::make_shared<CompiledModule>();
  cm->engine = engine;
  cm->bytes = std::make_unique<std::vector<uint8_t>>(std::move(bytes));
  auto decoded = decode_module(*cm->bytes);
  if (!decoded.ok()) return std::move(decoded).error();
  cm->module = std::move(decoded).value();
  const Module& m = cm->module;
  auto valid = validate_module(m, engine->config.features,
                               compile_threads(engine->config));
  if (!valid.ok()) return std::move(valid).error();
  for (const Import& imp : m.imports)
    if (imp.kind == ExternKind::Tag)
      return Error(ErrorKind::Unsupported, "tag imports are not supported");
  if (!m.tags.empty())
    return Error(ErrorKind::Unsupported, "exception tags are not supported");

  if (auto r = init_module_interface(*cm); !r.ok()) return r.error();

  if (m.funcs.size() > m.num_imported_funcs) {
    auto code = compile_code(*cm, engine->config);
    if (!code.ok()) return std::move(code).error();
    cm->code = std::move(code).value();
    announce_module_code(*cm);
  }
  return std::shared_ptr<const CompiledModule>(std::move(cm));
}

}  // namespace heron
