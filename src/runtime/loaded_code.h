// LoadedCode: compiled functions linked into one executable region. Loading
// copies every function's code into one CodeMemory (16-byte aligned), patches
// the relocations (calls between the functions by wasm function index,
// absolute addresses of runtime library calls), flips the region to RX,
// registers the trap tables with the CodeRegistry (for the signal handler and
// the backtrace walker) and the DWARF CFI with the unwinder
// (__register_frame), and undoes the registrations on destruction (gdb's
// too, when GdbJit registered the code). It also keeps each function's
// address map so that a PC maps back to a wasm function and byte offset.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "heron/error.h"
#include "isa/x64/compiled_function.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"
#include "runtime/gdb_jit.h"

namespace heron {

struct CompiledModule;

class LoadedCode {
 public:
  struct Function {
    uint32_t func_index = 0;  // wasm function index (or trampoline number)
    uint32_t offset = 0;      // from the region's start
    uint32_t size = 0;
    std::vector<x64::AddressMapEntry> address_map;
    uint32_t start_srcloc = x64::kNoSrcLoc;
  };

  // The address of a relocation target other than CallRel32ToFunc.
  using Resolver = std::function<Result<uint64_t>(const x64::Relocation&)>;

  // funcs[k] is wasm function func_indices[k]; CallRel32ToFunc targets must
  // be among func_indices. `module` (may be null) is what symbolization
  // reports as the owner.
  static Result<std::unique_ptr<LoadedCode>> load(
      std::span<const x64::CompiledFunction* const> funcs,
      std::span<const uint32_t> func_indices, const Resolver& resolve,
      const CompiledModule* module);

  ~LoadedCode();
  LoadedCode(const LoadedCode&) = delete;
  LoadedCode& operator=(const LoadedCode&) = delete;

  const void* code(size_t k) const {
    return memory_.data() + functions_[k].offset;
  }
  const CompiledModule* module() const { return module_; }
  size_t num_functions() const { return functions_.size(); }
  const Function& function(size_t k) const { return functions_[k]; }
  // The bytes the functions occupy (from the first one's start).
  std::span<const uint8_t> code_region() const {
    return {memory_.data(), code_size_};
  }
  // The region's CFI, pc_begin already absolute (empty without functions).
  std::span<const uint8_t> eh_frame() const { return eh_frame_; }
  // Keeps gdb's view of this code (GdbJit) until destruction.
  void set_gdb_jit(GdbJitRegistration r) { gdb_jit_ = std::move(r); }

  // The function containing `pc`, or null.
  const Function* function_at(uintptr_t pc) const;
  // The wasm byte offset of the instruction at `pc`, if the map knows it.
  std::optional<uint32_t> srcloc_at(uintptr_t pc) const;

  // The LoadedCode whose region contains `pc` (through the CodeRegistry).
  static const LoadedCode* containing(uintptr_t pc);

 private:
  LoadedCode() = default;

  CodeMemory memory_;
  size_t code_size_ = 0;
  std::vector<Function> functions_;
  const CompiledModule* module_ = nullptr;
  std::vector<uint8_t> eh_frame_;  // registered with the unwinder
  CodeRegistration registration_;
  GdbJitRegistration gdb_jit_;
};

}  // namespace heron
