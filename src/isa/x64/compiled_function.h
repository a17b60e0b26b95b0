// CompiledFunction: everything compiling one wasm function yields, in a form
// independent of where the code will live: machine code, relocations to
// patch at load time, the trap table, the address map back to wasm byte
// offsets and DWARF CFI unwind info (see docs in /work/shared/DESIGN.md,
// "What a compiled function carries").
#pragma once

#include <cstdint>
#include <vector>

#include "isa/x64/minst.h"
#include "isa/x64/unwind_info.h"

namespace heron::x64 {

enum class RelocKind : uint8_t {
  CallRel32ToFunc,  // rel32 of `call`, target = wasm function index
  Abs64ToLibcall,   // 8-byte absolute address of runtime libcall `target`
  Abs64ToAddress,   // 8-byte absolute address of embedder object `target`
};

struct Relocation {
  uint32_t offset;  // of the patched bytes, from the function start
  RelocKind kind;
  uint32_t target;
  int64_t addend;  // value = S + addend (- P for pc-relative kinds)
};

struct TrapSite {
  uint32_t offset;  // of the faulting instruction
  TrapCode code;
  uint32_t srcloc;  // wasm byte offset, or kNoSrcLoc
};

// Native code [offset, next entry's offset) came from wasm byte `srcloc`.
struct AddressMapEntry {
  uint32_t offset;
  uint32_t srcloc;
};

struct CompiledFunction {
  std::vector<uint8_t> code;
  std::vector<Relocation> relocations;
  std::vector<TrapSite> traps;               // sorted by offset
  std::vector<AddressMapEntry> address_map;  // sorted by offset
  uint32_t func_start_srcloc = kNoSrcLoc;
  uint32_t func_end_srcloc = kNoSrcLoc;
  UnwindInfo unwind;
  uint32_t frame_size = 0;  // bytes below the saved rbp
};

}  // namespace heron::x64
