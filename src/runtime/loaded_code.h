// LoadedCode: compiled functions linked into one executable region, with the
// tables that describe it. There are two ways in, one representation:
//
//   load()        from freshly compiled functions: copies every function's
//                 code into one CodeMemory (16-byte aligned), resolves the
//                 calls between them (rel32, position independent), patches
//                 the absolute addresses of runtime library calls, links the
//                 unwind info into one position-independent .eh_frame after
//                 the code (eh_frame_linker.h), and gathers the
//                 per-function tables into flat arrays;
//   from_image()  from a pre-linked image (a compiled-module artifact,
//                 src/artifact/): the region already holds the code with
//                 its calls resolved and the .eh_frame, so only the
//                 library-call addresses are patched; the flat arrays are
//                 used in place, wherever they live (a file mapping, a
//                 buffer).
//
// Either way the region is then flipped to RX, its trap table registered
// with the CodeRegistry (for the signal handler and the backtrace walker;
// borrowed, not copied) and its .eh_frame with the unwinder
// (__register_frame); destruction undoes the registrations (gdb's too, when
// GdbJit registered the code).
//
// The region and the flat arrays (image()) are exactly what an artifact
// stores, which is why the arrays are plain data of fixed layout:
// functions sorted by offset, each owning a slice of one compact address
// map (address_map.h; offsets from the function's start), one trap table in
// region offsets sorted by offset, and the library-call sites (region
// offsets).
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
    uint32_t start_srcloc = x64::kNoSrcLoc;
    uint32_t map_begin = 0;  // its entries' first byte in the address map
    uint32_t map_count = 0;  // number of entries
  };

  // An 8-byte absolute address of runtime library call `libcall` (an
  // ir::LibCall value) plus `addend`, at `offset` from the region's start.
  struct LibcallSite {
    uint32_t offset = 0;
    uint32_t libcall = 0;
    int64_t addend = 0;
  };

  // Where things are in a region: the functions' code from 0 to
  // code_size, the .eh_frame at [eh_frame_offset, + eh_frame_size).
  struct RegionLayout {
    uint64_t code_size = 0;
    uint64_t eh_frame_offset = 0;
    uint64_t eh_frame_size = 0;
  };

  // The position-independent description of linked code: what image()
  // returns and an artifact stores. `region` is the live one (library-call
  // addresses filled in).
  struct ImageView {
    std::span<const uint8_t> region;
    RegionLayout layout;
    std::span<const Function> functions;
    std::span<const uint8_t> address_map;  // address_map.h encoding
    std::span<const TrapSite> traps;
    std::span<const LibcallSite> libcalls;
  };

  // What from_image() links: `memory` holds the region (not executable
  // yet; library-call slots to be filled), `storage` owns the memory the
  // spans point into.
  struct Image {
    CodeMemory memory;
    RegionLayout layout;
    std::span<const Function> functions;
    std::span<const uint8_t> address_map;
    std::span<const TrapSite> traps;
    std::span<const LibcallSite> libcalls;
    std::shared_ptr<const void> storage;
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

  // Links a pre-linked image. What the loader itself writes or follows is
  // checked (region layout, function extents, library-call slots): a broken
  // image is an error, never a wild write by the loader; the trap table,
  // address maps and .eh_frame are trusted (see check_image).
  static Result<std::unique_ptr<LoadedCode>> from_image(
      Image image, const CompiledModule* module);

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
  // Everything an artifact stores (see ImageView).
  ImageView image() const;
  // False when the code holds addresses that cannot be recorded in an
  // artifact (embedder objects, Abs64ToAddress).
  bool serializable() const { return serializable_; }
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
  // Flips the region to RX, registers traps and CFI.
  Result<void> finish();

  CodeMemory memory_;
  size_t code_size_ = 0;
  std::span<const Function> functions_;
  std::span<const uint8_t> address_map_;
  std::span<const TrapSite> traps_;
  std::span<const LibcallSite> libcalls_;
  RegionLayout layout_;
  std::span<const uint8_t> eh_frame_;    // in memory_; registered
  std::shared_ptr<const void> storage_;  // owns what the spans point into
  const CompiledModule* module_ = nullptr;
  bool serializable_ = true;
  bool frames_registered_ = false;
  CodeRegistration registration_;
  GdbJitRegistration gdb_jit_;
};

}  // namespace heron
