#include "runtime/perf_map.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>

#include "runtime/compiled_module.h"
#include "runtime/loaded_code.h"

namespace heron {

namespace {

std::mutex& perf_map_mutex() {
  static std::mutex m;
  return m;
}

// The open map file, or null once opening or writing failed.
FILE* perf_map_file() {
  static FILE* file = [] {
    const std::string path =
        "/tmp/perf-" + std::to_string(long(getpid())) + ".map";
    return std::fopen(path.c_str(), "a");
  }();
  return file;
}

void append(const LoadedCode& code, const std::string& prefix,
            const CompiledModule* module) {
  std::lock_guard<std::mutex> lock(perf_map_mutex());
  FILE* f = perf_map_file();
  if (!f) return;
  for (size_t k = 0; k < code.num_functions(); k++) {
    const LoadedCode::Function& fn = code.function(k);
    std::string name = prefix + std::to_string(fn.func_index) + "]";
    if (module) {
      const std::string sym = module->function_name(fn.func_index);
      if (!sym.empty()) name += " " + sym;
    }
    std::fprintf(f, "%llx %x %s\n", (unsigned long long)uintptr_t(code.code(k)),
                 fn.size, name.c_str());
  }
  std::fflush(f);
}

}  // namespace

void PerfMap::add_module(const CompiledModule& module) {
  if (!module.code) return;
  append(*module.code, "wasm[" + module.name + "]::func[", &module);
}

void PerfMap::add_trampolines(const LoadedCode& code, std::string_view kind) {
  append(code, "heron::" + std::string(kind) + "[", nullptr);
}

}  // namespace heron
