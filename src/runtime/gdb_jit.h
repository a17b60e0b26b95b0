// GdbJit: makes gdb see JIT-compiled functions by name, through gdb's "JIT
// Compilation Interface". gdb puts a breakpoint on __jit_debug_register_code
// and, each time it is hit, reads __jit_debug_descriptor's relevant_entry: an
// in-memory ELF "symbol file" it loads (or drops) like a shared library's
// symbols. The interface is process-wide by design, so both symbols are
// extern "C" with exactly gdb's names, and the list is guarded by one
// process-wide mutex.
//
// The symbol file of one LoadedCode (an ELF64 x86-64 ET_EXEC, little endian)
// holds only headers: .text is SHT_NOBITS at the code region's address (the
// code itself is already in the inferior's memory), one STT_FUNC symbol per
// function at its absolute address, and a copy of the region's .eh_frame
// (absolute pc_begin, so no relocation) so that gdb unwinds through wasm
// frames from the CFI rather than by prologue guessing.
//
// Symbol names are gdb-friendly identifiers, so that `break` and `bt` need no
// quoting: "wasm_func_I" for wasm function I, "wasm_func_I_NAME" when the
// name section names it (characters other than [A-Za-z0-9_] become '_'). The
// prefix keeps wasm names ("main", "malloc" of a C program compiled to wasm)
// from colliding with the host's own symbols. Trampolines are
// "heron_KIND_N".
//
// Off by default (Config::debugger_support): building the symbol file costs
// a copy of the symbols and CFI per module, and gdb, when attached, stops the
// process at every registration.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

extern "C" {

// The layout gdb reads; names and field order are gdb's.
enum jit_actions_t : uint32_t {
  JIT_NOACTION = 0,
  JIT_REGISTER_FN = 1,
  JIT_UNREGISTER_FN = 2
};

struct jit_code_entry {
  jit_code_entry* next_entry;
  jit_code_entry* prev_entry;
  const char* symfile_addr;
  uint64_t symfile_size;
};

struct jit_descriptor {
  uint32_t version;
  uint32_t action_flag;  // a jit_actions_t
  jit_code_entry* relevant_entry;
  jit_code_entry* first_entry;
};

extern jit_descriptor __jit_debug_descriptor;
void __jit_debug_register_code();

}  // extern "C"

namespace heron {

struct CompiledModule;
class LoadedCode;

// One function of a symbol file.
struct GdbJitSymbol {
  std::string name;
  uint64_t address = 0;
  uint64_t size = 0;
};

// The ELF symbol file for code at [text_address, text_address + text_size).
// `eh_frame` (may be empty) is copied; it is described at `eh_frame_address`,
// where the process keeps its own copy.
std::vector<uint8_t> build_gdb_symfile(uint64_t text_address,
                                       uint64_t text_size,
                                       std::span<const GdbJitSymbol> symbols,
                                       std::span<const uint8_t> eh_frame,
                                       uint64_t eh_frame_address);

// One symbol file linked into __jit_debug_descriptor's list for as long as
// this object lives (empty when default-constructed).
class GdbJitRegistration {
 public:
  GdbJitRegistration() = default;
  // Links `symfile` in and tells gdb (JIT_REGISTER_FN).
  explicit GdbJitRegistration(std::vector<uint8_t> symfile);
  ~GdbJitRegistration() { reset(); }
  GdbJitRegistration(GdbJitRegistration&&) noexcept = default;
  GdbJitRegistration& operator=(GdbJitRegistration&& other) noexcept;
  GdbJitRegistration(const GdbJitRegistration&) = delete;
  GdbJitRegistration& operator=(const GdbJitRegistration&) = delete;

  // Unlinks the symbol file and tells gdb (JIT_UNREGISTER_FN).
  void reset();
  bool registered() const { return entry_ != nullptr; }

 private:
  // Heap-allocated: gdb holds the entry's address while it is linked.
  struct Entry {
    jit_code_entry entry{};
    std::vector<uint8_t> symfile;
  };
  std::unique_ptr<Entry> entry_;
};

class GdbJit {
 public:
  // "wasm_func_I" or "wasm_func_I_NAME" (see above).
  static std::string function_symbol(uint32_t func_index,
                                     std::string_view name);
  // Registers the module's functions, under their names; the registration
  // lives as long as module.code.
  static void add_module(const CompiledModule& module);
  // Registers `code`'s functions as "heron_KIND_N".
  static void add_trampolines(LoadedCode& code, std::string_view kind);
};

}  // namespace heron
