// `heron explore FILE --func N [-O0|-O2]`: a developer's window on the
// compiler for one defined function. It prints three sections:
//   ;; IR after translation         the translator's SSA form
//   ;; IR after -O2 (or -O0)        after the mid-end pass pipeline
//   ;; x86-64                       the disassembly, each instruction with
//                                   the wasm byte offset it came from
// It chains the internal stages itself, the same way compile_module does
// (runtime/compiled_module.cc), rather than through the public API, because
// the API keeps none of the intermediate forms. Exit codes as `heron run`:
// 1 for a module that does not validate or compile, 2 for a bad --func.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/engine_config.h"
#include "cli/file_util.h"
#include "cli/module_input.h"
#include "format/decoder.h"
#include "ir/printer.h"
#include "isa/x64/disassembler.h"
#include "opt/passes.h"
#include "runtime/compiled_module.h"
#include "translate/func_translator.h"
#include "translate/module_env.h"
#include "validate/validator.h"

namespace heron::cli {
namespace {

// The wasm byte offset of the native code at `offset`: the last address
// map entry at or before it.
uint32_t srcloc_at(const x64::CompiledFunction& cf, uint32_t offset) {
  auto it =
      std::upper_bound(cf.address_map.begin(), cf.address_map.end(), offset,
                       [](uint32_t off, const x64::AddressMapEntry& e) {
                         return off < e.offset;
                       });
  if (it == cf.address_map.begin()) return x64::kNoSrcLoc;
  return std::prev(it)->srcloc;
}

void print_disassembly(const x64::CompiledFunction& cf) {
  for (const x64::DisasmLine& line :
       x64::disassemble(cf.code.data(), cf.code.size())) {
    uint32_t srcloc = srcloc_at(cf, line.offset);
    std::string where = srcloc == x64::kNoSrcLoc
                            ? std::string("        ")
                            : fmt::format("@{:06x}", srcloc);
    std::string bytes;
    for (uint32_t i = 0; i < line.length && i < 10; ++i) {
      bytes += fmt::format("{:02x}", cf.code[line.offset + i]);
    }
    fmt::print("  {}  {:04x}: {:<20} {}\n", where, line.offset, bytes,
               line.text);
  }
  for (const x64::TrapSite& trap : cf.traps) {
    fmt::print("  ;; trap at {:04x}: {}\n", trap.offset,
               trap_code_name(trap.code));
  }
}

}  // namespace

int run_explore(const ExploreOptions& options) {
  std::optional<ModuleInput> input = read_module_input(options.file);
  if (!input) return kExitFailure;
  Result<Module> module = decode_module(input->binary);
  if (!module.ok()) {
    print_module_error(options.file, *input, module.error());
    return kExitFailure;
  }
  Result<void> valid = validate_module(*module, Features{});
  if (!valid.ok()) {
    print_module_error(options.file, *input, valid.error());
    return kExitFailure;
  }
  const uint32_t first = module->num_imported_funcs;
  const uint32_t end = uint32_t(module->funcs.size());
  if (options.func < first || options.func >= end) {
    if (first == end) {
      fmt::print(stderr, "error: --func {}: the module defines no function\n",
                 options.func);
    } else {
      fmt::print(stderr,
                 "error: --func {}: not a defined function (defined: {}..{})\n",
                 options.func, first, end - 1);
    }
    return kExitUsage;
  }

  const api::Config config = make_config(options.engine, Features{});
  Result<ModuleEnv> env =
      ModuleEnv::create(*module, module_translate_options(config));
  if (!env.ok()) {
    print_module_error(options.file, *input, env.error());
    return kExitFailure;
  }
  Result<ir::Function> ir = translate_function(*env, options.func);
  if (!ir.ok()) {
    print_module_error(options.file, *input, ir.error());
    return kExitFailure;
  }
  fmt::print(";; IR after translation\n{}\n", ir::print_function(*ir));
  bool o0 = options.engine.opt_level == api::OptLevel::O0;
  opt::optimize(*ir, o0 ? opt::OptLevel::O0 : opt::OptLevel::O2);
  fmt::print(";; IR after {}\n{}\n", o0 ? "-O0" : "-O2",
             ir::print_function(*ir));
  Result<x64::CompiledFunction> compiled =
      x64::compile_function(*ir, module_compile_options());
  if (!compiled.ok()) {
    print_module_error(options.file, *input, compiled.error());
    return kExitFailure;
  }
  fmt::print(";; x86-64 ({} bytes; @OFFSET = wasm byte offset)\n",
             compiled->code.size());
  print_disassembly(*compiled);
  return kExitOk;
}

}  // namespace heron::cli
