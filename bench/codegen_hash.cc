// Fingerprint of the code the backend generates for a module: translates,
// optimizes and compiles every defined function at -O0, -O2 and -O2 with
// explicit bounds checks, and prints one FNV-1a hash per configuration over
// each function's code, relocations, trap table, address map, unwind info
// and frame size. Performance work on the pipeline must leave the hashes
// unchanged; a changed hash means the generated code changed. Also prints
// the register allocator's totals (values spilled of all values, moves). With
// --time, also prints the time spent in the backend (lowering to emission,
// summed over functions) and the wall time of all (translation, optimization
// and backend). With -jN, validation and compilation run on N threads the
// way compile_module runs them (support/parallel.h; default 1): the hashes
// must not depend on N.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_util.h"
#include "format/decoder.h"
#include "isa/x64/compile.h"
#include "opt/passes.h"
#include "support/parallel.h"
#include "translate/func_translator.h"
#include "translate/module_env.h"
#include "validate/validator.h"

using namespace heron;
using namespace heron::bench;

namespace {

struct Hasher {
  uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < n; i++) {
      h ^= b[i];
      h *= 1099511628211ull;
    }
  }
  template <class T>
  void value(T v) {
    bytes(&v, sizeof v);
  }
};

void hash_function(Hasher& h, const x64::CompiledFunction& cf) {
  h.value(uint64_t(cf.code.size()));
  h.bytes(cf.code.data(), cf.code.size());
  h.value(uint64_t(cf.relocations.size()));
  for (const x64::Relocation& r : cf.relocations) {
    h.value(r.offset);
    h.value(uint8_t(r.kind));
    h.value(r.target);
    h.value(r.addend);
  }
  h.value(uint64_t(cf.traps.size()));
  for (const x64::TrapSite& t : cf.traps) {
    h.value(t.offset);
    h.value(uint8_t(t.code));
    h.value(t.srcloc);
  }
  h.value(uint64_t(cf.address_map.size()));
  for (const x64::AddressMapEntry& e : cf.address_map) {
    h.value(e.offset);
    h.value(e.srcloc);
  }
  h.value(cf.func_start_srcloc);
  h.value(cf.func_end_srcloc);
  h.value(uint64_t(cf.unwind.eh_frame.size()));
  h.bytes(cf.unwind.eh_frame.data(), cf.unwind.eh_frame.size());
  h.value(cf.unwind.pc_begin_offset);
  h.value(cf.frame_size);
}

// What compiling one function yields here: the code and the allocator's
// statistics, stored by index so that any thread may produce them.
struct FunctionResult {
  x64::CompiledFunction code;
  x64::RegAllocStats stats;
  double backend_seconds = 0;
};

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s MODULE.wasm [--time] [-jN]\n", argv0);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(argv[0]);
  bool timing = false;
  uint32_t threads = 1;
  for (int i = 2; i < argc; i++) {
    std::string arg = argv[i];
    if (arg == "--time") {
      timing = true;
    } else if (arg.rfind("-j", 0) == 0) {
      std::string count = arg.size() > 2 ? arg.substr(2)
                          : i + 1 < argc ? std::string(argv[++i])
                                         : std::string();
      char* end = nullptr;
      unsigned long n = std::strtoul(count.c_str(), &end, 10);
      if (count.empty() || *end || n == 0 || n > 1024) return usage(argv[0]);
      threads = uint32_t(n);
    } else {
      return usage(argv[0]);
    }
  }
  std::vector<uint8_t> bytes = read_all(argv[1]);
  Result<Module> module = decode_module(bytes);
  if (!module.ok()) {
    std::fprintf(stderr, "decode: %s\n", module.error().message.c_str());
    return 1;
  }
  if (auto v = validate_module(*module, Features{}, threads); !v.ok()) {
    std::fprintf(stderr, "validate: %s\n", v.error().message.c_str());
    return 1;
  }
  x64::CompileOptions copts;
  copts.emit.stack_check = true;
  copts.emit.limits_ptr_offset = 8;
  copts.emit.stack_limit_offset = 0;
  struct Config {
    const char* name;
    opt::OptLevel level;
    bool explicit_bounds;
  };
  const Config configs[] = {{"-O0", opt::OptLevel::O0, false},
                            {"-O2", opt::OptLevel::O2, false},
                            {"-O2 explicit bounds", opt::OptLevel::O2, true}};
  const uint32_t first = module->num_imported_funcs;
  const uint32_t end = uint32_t(module->funcs.size());
  std::vector<uint32_t> weights(end - first);
  for (uint32_t k = 0; k < end - first; k++)
    weights[k] = module->bodies[k].range.size;
  for (const Config& c : configs) {
    TranslateOptions topts;
    topts.explicit_bounds_checks = c.explicit_bounds;
    Result<ModuleEnv> env = ModuleEnv::create(*module, topts);
    if (!env.ok()) {
      std::fprintf(stderr, "env: %s\n", env.error().message.c_str());
      return 1;
    }
    std::vector<FunctionResult> results(end - first);
    Clock::time_point all_start = Clock::now();
    Result<void> done = for_each_index(
        threads, weights, [] { return FuncTranslator(); },
        [&](FuncTranslator& translator, uint32_t k) -> Result<void> {
          const uint32_t i = first + k;
          Result<ir::Function> ir = translator.translate(*env, i);
          if (!ir.ok()) {
            Error e = std::move(ir).error();
            e.message = "translate " + std::to_string(i) + ": " + e.message;
            return e;
          }
          opt::optimize(*ir, c.level);
          Clock::time_point start = Clock::now();
          FunctionResult& out = results[k];
          Result<x64::CompiledFunction> cf =
              x64::compile_function(*ir, copts, &out.stats);
          out.backend_seconds = seconds_since(start);
          if (!cf.ok()) {
            Error e = std::move(cf).error();
            e.message = "compile " + std::to_string(i) + ": " + e.message;
            return e;
          }
          out.code = std::move(cf).value();
          return {};
        });
    const double all_seconds = seconds_since(all_start);
    if (!done) {
      std::fprintf(stderr, "%s\n", done.error().message.c_str());
      return 1;
    }
    Hasher h;
    uint64_t code_bytes = 0, vregs = 0, spilled = 0, moves = 0;
    double backend_seconds = 0;
    for (uint32_t k = 0; k < end - first; k++) {
      const FunctionResult& r = results[k];
      vregs += r.stats.num_vregs;
      spilled += r.stats.num_spilled_vregs;
      moves += r.stats.num_moves;
      backend_seconds += r.backend_seconds;
      h.value(first + k);
      hash_function(h, r.code);
      code_bytes += r.code.code.size();
    }
    std::printf("%-20s %u functions, %llu bytes of code, hash %016llx", c.name,
                end - first, (unsigned long long)code_bytes,
                (unsigned long long)h.h);
    std::printf(", %llu of %llu vregs spilled (%.1f%%), %llu moves",
                (unsigned long long)spilled, (unsigned long long)vregs,
                vregs ? 100.0 * double(spilled) / double(vregs) : 0.0,
                (unsigned long long)moves);
    if (timing)
      std::printf(", backend %.0f ms of %.0f", backend_seconds * 1e3,
                  all_seconds * 1e3);
    std::printf("\n");
  }
  return 0;
}
