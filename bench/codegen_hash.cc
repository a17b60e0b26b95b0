// Fingerprint of the code the backend generates for a module: translates,
// optimizes and compiles every defined function at -O0, -O2 and -O2 with
// explicit bounds checks, and prints one FNV-1a hash per configuration over
// each function's code, relocations, trap table, address map, unwind info
// and frame size. Performance work on the pipeline must leave the hashes
// unchanged; a changed hash means the generated code changed. Also prints
// the register allocator's totals (values spilled of all values, moves). With
// --time, also prints the time spent in the backend (lowering to emission) and
// in all (translation, optimization and backend).
#include <cstdio>
#include <cstring>
#include <vector>

#include "bench_util.h"
#include "format/decoder.h"
#include "isa/x64/compile.h"
#include "opt/passes.h"
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODULE.wasm [--time]\n", argv[0]);
    return 1;
  }
  const bool timing = argc > 2 && std::strcmp(argv[2], "--time") == 0;
  std::vector<uint8_t> bytes = read_all(argv[1]);
  Result<Module> module = decode_module(bytes);
  if (!module.ok()) {
    std::fprintf(stderr, "decode: %s\n", module.error().message.c_str());
    return 1;
  }
  if (auto v = validate_module(*module); !v.ok()) {
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
  for (const Config& c : configs) {
    TranslateOptions topts;
    topts.explicit_bounds_checks = c.explicit_bounds;
    Result<ModuleEnv> env = ModuleEnv::create(*module, topts);
    if (!env.ok()) {
      std::fprintf(stderr, "env: %s\n", env.error().message.c_str());
      return 1;
    }
    FuncTranslator translator;
    Hasher h;
    uint64_t code_bytes = 0, vregs = 0, spilled = 0, moves = 0;
    double backend_seconds = 0;
    Clock::time_point all_start = Clock::now();
    for (uint32_t i = first; i < end; i++) {
      Result<ir::Function> ir = translator.translate(*env, i);
      if (!ir.ok()) {
        std::fprintf(stderr, "translate %u: %s\n", i,
                     ir.error().message.c_str());
        return 1;
      }
      opt::optimize(*ir, c.level);
      Clock::time_point start = Clock::now();
      x64::RegAllocStats stats;
      Result<x64::CompiledFunction> cf =
          x64::compile_function(*ir, copts, &stats);
      vregs += stats.num_vregs;
      spilled += stats.num_spilled_vregs;
      moves += stats.num_moves;
      backend_seconds += seconds_since(start);
      if (!cf.ok()) {
        std::fprintf(stderr, "compile %u: %s\n", i, cf.error().message.c_str());
        return 1;
      }
      h.value(i);
      hash_function(h, *cf);
      code_bytes += cf->code.size();
    }
    const double all_seconds = seconds_since(all_start);
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
