// VMContextLayout: the ONE place where the byte offsets of a VMContext are
// computed. The compiler addresses VMContext fields with these offsets and the
// runtime fills the fields at the same offsets, so both must use this class
// (DESIGN.md: "runtime and translate share one description of the VMContext
// layout").
//
// A VMContext is one per instance, 16-byte aligned, and its address is the
// first argument of every compiled function. Layout (sizes in bytes; the
// counts come from the module; every offset fits a disp32):
//
//   header (kHeaderSize = 32)
//     0   RuntimeLimits*        per-store limits (stack_limit is at +0 there)
//     8   const uint32_t*       canonical signature id per module type index
//     16  const void* const*    runtime library (builtin) function table
//     24  void*                 the owning Instance, for library calls
//   imported functions   n * 24   VMFunctionImport {code, vmctx, func_ref}
//   imported tables      n * 8    VMTableDefinition* (exporter's definition)
//   imported memories    n * 8    VMMemoryDefinition* (exporter's definition)
//   imported globals     n * 8    pointer to the exporter's global storage
//   defined tables       n * 16   VMTableDefinition {base, elements}
//   defined memories     n * 16   VMMemoryDefinition {base, length}
//   defined globals      n * 16   inline storage, 16-aligned (room for v128)
//   func refs            n * 24   VMFuncRef {code, type_id, vmctx} per DEFINED
//                                 function: what ref.func and table elements
//                                 point to (imported functions use the
//                                 exporter's VMFuncRef via VMFunctionImport)
//
// Calls to imported functions load code and vmctx from VMFunctionImport and
// pass that vmctx. call_indirect loads a VMFuncRef* from the table, traps on
// null (UninitializedElement), compares its type_id with
// signature_ids[type_index], then calls code with the ref's vmctx.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "heron/error.h"

namespace heron {

struct Module;
struct RuntimeLimits;
struct VMContext;  // opaque: bytes laid out by VMContextLayout

struct VMMemoryDefinition {
  uint8_t* base;
  uint64_t length;  // bytes currently accessible
  static constexpr uint32_t kBaseOffset = 0;
  static constexpr uint32_t kLengthOffset = 8;
};

struct VMTableDefinition {
  void** base;        // element slots (VMFuncRef* or extern/any ref)
  uint64_t elements;  // current size
  static constexpr uint32_t kBaseOffset = 0;
  static constexpr uint32_t kElementsOffset = 8;
};

struct VMFuncRef {
  const void* code;  // entry of the compiled function (vmctx first argument)
  uint32_t type_id;  // canonical signature id
  uint32_t padding;
  VMContext* vmctx;  // the callee's VMContext
  static constexpr uint32_t kCodeOffset = 0;
  static constexpr uint32_t kTypeIdOffset = 8;
  static constexpr uint32_t kVmctxOffset = 16;
};

struct VMFunctionImport {
  const void* code;
  VMContext* vmctx;
  const VMFuncRef* func_ref;  // identity of the function for ref.func/tables
  static constexpr uint32_t kCodeOffset = 0;
  static constexpr uint32_t kVmctxOffset = 8;
  static constexpr uint32_t kFuncRefOffset = 16;
};

// How many of each entity a VMContext holds.
struct VMContextCounts {
  uint32_t types = 0;
  uint32_t imported_funcs = 0;
  uint32_t defined_funcs = 0;
  uint32_t imported_tables = 0;
  uint32_t defined_tables = 0;
  uint32_t imported_memories = 0;
  uint32_t defined_memories = 0;
  uint32_t imported_globals = 0;
  uint32_t defined_globals = 0;

  static VMContextCounts of(const Module& module);
};

class VMContextLayout {
 public:
  static constexpr uint32_t kLimitsOffset = 0;
  static constexpr uint32_t kSignatureIdsOffset = 8;
  static constexpr uint32_t kBuiltinsOffset = 16;
  static constexpr uint32_t kInstanceOffset = 24;
  static constexpr uint32_t kHeaderSize = 32;
  static constexpr uint32_t kAlignment = 16;
  static constexpr uint32_t kGlobalSlotSize = 16;

  // Fails (ErrorKind::Limit) when the context would not fit in 2 GiB, the
  // reach of a disp32 from the vmctx register.
  static Result<VMContextLayout> compute(const VMContextCounts& counts);
  static Result<VMContextLayout> compute(const Module& module);

  const VMContextCounts& counts() const { return counts_; }
  uint32_t size() const { return size_; }

  // Entity indices are per kind, over the module's index space for imported_*
  // and counted from the first definition for defined_*.
  uint32_t imported_function(uint32_t i) const;
  uint32_t imported_function_code(uint32_t i) const {
    return imported_function(i) + VMFunctionImport::kCodeOffset;
  }
  uint32_t imported_function_vmctx(uint32_t i) const {
    return imported_function(i) + VMFunctionImport::kVmctxOffset;
  }
  uint32_t imported_table(uint32_t i) const;
  uint32_t imported_memory(uint32_t i) const;
  uint32_t imported_global(uint32_t i) const;
  uint32_t defined_table(uint32_t i) const;
  uint32_t defined_table_base(uint32_t i) const {
    return defined_table(i) + VMTableDefinition::kBaseOffset;
  }
  uint32_t defined_table_elements(uint32_t i) const {
    return defined_table(i) + VMTableDefinition::kElementsOffset;
  }
  uint32_t defined_memory(uint32_t i) const;
  uint32_t defined_memory_base(uint32_t i) const {
    return defined_memory(i) + VMMemoryDefinition::kBaseOffset;
  }
  uint32_t defined_memory_length(uint32_t i) const {
    return defined_memory(i) + VMMemoryDefinition::kLengthOffset;
  }
  uint32_t defined_global(uint32_t i) const;
  uint32_t func_ref(uint32_t defined_func) const;

 private:
  VMContextCounts counts_;
  uint32_t imported_functions_ = 0;
  uint32_t imported_tables_ = 0;
  uint32_t imported_memories_ = 0;
  uint32_t imported_globals_ = 0;
  uint32_t defined_tables_ = 0;
  uint32_t defined_memories_ = 0;
  uint32_t defined_globals_ = 0;
  uint32_t func_refs_ = 0;
  uint32_t size_ = 0;
};

// Zeroed, 16-byte-aligned storage for one VMContext of `layout`.
struct VMContextFree {
  size_t mapped_size = 0;  // mmap'ed (large contexts), else malloc'ed
  void operator()(VMContext* p) const;
};
using VMContextPtr = std::unique_ptr<VMContext, VMContextFree>;
VMContextPtr allocate_vmcontext(const VMContextLayout& layout);

// Typed access to a field at a layout offset (runtime side).
template <class T>
T* vmctx_field(VMContext* vmctx, uint32_t offset) {
  return reinterpret_cast<T*>(reinterpret_cast<uint8_t*>(vmctx) + offset);
}

}  // namespace heron
