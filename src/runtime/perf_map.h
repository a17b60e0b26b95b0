// PerfMap: symbols for JIT code in the format `perf` reads from
// /tmp/perf-PID.map ("START SIZE NAME" per line, hex addresses), so that
// `perf report` names wasm functions instead of showing raw addresses. Off
// by default (Config::perf_map): the file grows with every module compiled
// and is never cleaned up, as with V8's --perf-basic-prof. Appends are
// serialized process-wide; a write error disables the map for the process
// rather than failing compilation.
#pragma once

#include <cstdint>
#include <string_view>

namespace heron {

struct CompiledModule;
class LoadedCode;

class PerfMap {
 public:
  // One line per defined function: "wasm[MODULE]::func[I] NAME".
  static void add_module(const CompiledModule& module);
  // One line per trampoline of `code`, named `kind` and its number.
  static void add_trampolines(const LoadedCode& code, std::string_view kind);
};

}  // namespace heron
