// Compile settings of artifacts and their compatibility check (see
// settings.h).
#include "artifact/settings.h"

#include <string>

#include "artifact/crc32c.h"
#include "heron/trap_code.h"
#include "ir/libcall.h"
#include "isa/x64/cpu_features.h"
#include "runtime/compiled_module.h"
#include "runtime/runtime_limits.h"
#include "runtime/vmcontext_layout.h"

namespace heron::artifact {

// A new option in any of these changes generated code and must be recorded
// in CompileSettings (and compared below): these asserts fail to remind.
static_assert(sizeof(Features) == 3, "record the new feature in settings.cc");
static_assert(sizeof(TranslateOptions) == 16,
              "record the new translate option in CompileSettings");
static_assert(sizeof(x64::EmitOptions) == 12,
              "record the new emit option in CompileSettings");
static_assert(sizeof(x64::CpuFeatures) == 4,
              "a new CPU feature needs a bit in feature_bits()");

namespace {

uint32_t feature_bits(const Features& f) {
  return uint32_t(f.multi_memory) | uint32_t(f.multi_table) << 1 |
         uint32_t(f.memory64) << 2;
}

std::string feature_names(uint32_t bits) {
  static constexpr const char* kNames[] = {"multi-memory", "multi-table",
                                           "memory64"};
  std::string out;
  for (uint32_t k = 0; k < 3; k++) {
    if (!(bits & (1u << k))) continue;
    if (!out.empty()) out += ", ";
    out += kNames[k];
  }
  return out.empty() ? "none" : out;
}

std::string cpu_feature_names(uint32_t bits) {
  static constexpr const char* kNames[] = {"lzcnt", "bmi1", "popcnt", "sse4.1"};
  std::string out;
  for (uint32_t k = 0; k < 32; k++) {
    if (!(bits & (1u << k))) continue;
    if (!out.empty()) out += ", ";
    out += k < 4 ? kNames[k] : "bit " + std::to_string(k);
  }
  return out;
}

void append(std::string& s, std::string_view name, uint64_t value) {
  s += name;
  s += '=';
  s += std::to_string(value);
  s += ';';
}

std::string abi_description() {
  std::string s;
  for (int k = 0; k < kNumTrapCodes; k++) {
    s += trap_code_name(TrapCode(k));
    s += ',';
  }
#define HERON_ABI_LIBCALL(name, text) \
  s += text;                          \
  s += ',';
  HERON_LIBCALLS(HERON_ABI_LIBCALL)
#undef HERON_ABI_LIBCALL
  append(s, "limits", VMContextLayout::kLimitsOffset);
  append(s, "sigs", VMContextLayout::kSignatureIdsOffset);
  append(s, "builtins", VMContextLayout::kBuiltinsOffset);
  append(s, "instance", VMContextLayout::kInstanceOffset);
  append(s, "header", VMContextLayout::kHeaderSize);
  append(s, "global", VMContextLayout::kGlobalSlotSize);
  append(s, "stack_limit", RuntimeLimits::kStackLimitOffset);
  append(s, "epoch_deadline", RuntimeLimits::kEpochDeadlineOffset);
  append(s, "epoch_counter", RuntimeLimits::kEpochCounterOffset);
  append(s, "fuel", RuntimeLimits::kFuelConsumedOffset);
  append(s, "ref.code", VMFuncRef::kCodeOffset);
  append(s, "ref.type", VMFuncRef::kTypeIdOffset);
  append(s, "ref.vmctx", VMFuncRef::kVmctxOffset);
  append(s, "import.code", VMFunctionImport::kCodeOffset);
  append(s, "import.vmctx", VMFunctionImport::kVmctxOffset);
  append(s, "import.ref", VMFunctionImport::kFuncRefOffset);
  append(s, "mem.base", VMMemoryDefinition::kBaseOffset);
  append(s, "mem.length", VMMemoryDefinition::kLengthOffset);
  append(s, "table.base", VMTableDefinition::kBaseOffset);
  append(s, "table.elements", VMTableDefinition::kElementsOffset);
  // The layout formula itself, probed with two of everything.
  VMContextCounts counts;
  counts.types = counts.imported_funcs = counts.defined_funcs = 2;
  counts.imported_tables = counts.defined_tables = 2;
  counts.imported_memories = counts.defined_memories = 2;
  counts.imported_globals = counts.defined_globals = 2;
  auto layout = VMContextLayout::compute(counts);
  if (!layout.ok()) fatal_invariant("VMContext layout of a tiny module");
  const VMContextLayout& l = *layout;
  append(s, "size", l.size());
  append(s, "ifunc", l.imported_function(1));
  append(s, "itable", l.imported_table(1));
  append(s, "imem", l.imported_memory(1));
  append(s, "iglobal", l.imported_global(1));
  append(s, "dtable", l.defined_table(1));
  append(s, "dmem", l.defined_memory(1));
  append(s, "dglobal", l.defined_global(1));
  append(s, "funcref", l.func_ref(1));
  return s;
}

Error incompatible(const std::string& what) {
  return Error(ErrorKind::Unsupported, "incompatible compiled module: " + what);
}

}  // namespace

CompileSettings settings_for(const api::Config& config) {
  const TranslateOptions t = module_translate_options(config);
  const x64::CompileOptions c = module_compile_options();
  CompileSettings s;
  s.opt_level = config.opt_level == api::OptLevel::O0 ? 0 : 2;
  s.explicit_bounds_checks = t.explicit_bounds_checks;
  s.epoch_interruption = t.epoch_interruption;
  s.stack_check = c.emit.stack_check;
  s.wasm_features = feature_bits(config.features);
  s.guard_bytes = t.guard_bytes;
  s.limits_ptr_offset = c.emit.limits_ptr_offset;
  s.stack_limit_offset = c.emit.stack_limit_offset;
  s.cpu_features = c.cpu.feature_bits();
  s.runtime_abi = runtime_abi_fingerprint();
  return s;
}

uint32_t runtime_abi_fingerprint() {
  static const uint32_t fingerprint = [] {
    const std::string s = abi_description();
    return crc32c(0, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }();
  return fingerprint;
}

Result<void> check_settings(const CompileSettings& recorded,
                            const api::Config& config) {
  const CompileSettings want = settings_for(config);
  auto level = [](uint8_t l) { return "-O" + std::to_string(l); };
  if (recorded.opt_level != want.opt_level)
    return incompatible("compiled at " + level(recorded.opt_level) +
                        ", but the engine compiles at " +
                        level(want.opt_level));
  if (recorded.explicit_bounds_checks != want.explicit_bounds_checks)
    return incompatible(
        recorded.explicit_bounds_checks
            ? "compiled with explicit bounds checks, but the engine uses "
              "guard pages"
            : "compiled for guard pages, but the engine uses explicit bounds "
              "checks");
  if (recorded.epoch_interruption != want.epoch_interruption)
    return incompatible(recorded.epoch_interruption
                            ? "compiled with epoch interruption, but the "
                              "engine has it off"
                            : "compiled without epoch interruption, but the "
                              "engine has it on");
  if (recorded.wasm_features != want.wasm_features)
    return incompatible("compiled with WebAssembly features {" +
                        feature_names(recorded.wasm_features) +
                        "}, but the engine enables {" +
                        feature_names(want.wasm_features) + "}");
  if (recorded.runtime_abi != want.runtime_abi)
    return incompatible(
        "compiled against another runtime ABI (trap codes, library calls "
        "or VMContext layout differ)");
  if (recorded.stack_check != want.stack_check ||
      recorded.guard_bytes != want.guard_bytes ||
      recorded.limits_ptr_offset != want.limits_ptr_offset ||
      recorded.stack_limit_offset != want.stack_limit_offset)
    return incompatible(
        "compiled with code-generation settings this engine does not use "
        "(stack check, guard size or limit offsets differ)");
  for (uint8_t b : recorded.reserved)
    if (b != 0) return incompatible("unknown compile settings");
  const uint32_t missing = recorded.cpu_features & ~want.cpu_features;
  if (missing != 0)
    return incompatible("compiled for CPU features this machine lacks: " +
                        cpu_feature_names(missing));
  return {};
}

}  // namespace heron::artifact
