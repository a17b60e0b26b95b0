// Offset computation of the VMContext (the layout is documented in
// vmcontext_layout.h).
#include "runtime/vmcontext_layout.h"

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "format/module.h"

namespace heron {

static_assert(sizeof(VMMemoryDefinition) == 16);
static_assert(offsetof(VMMemoryDefinition, base) ==
              VMMemoryDefinition::kBaseOffset);
static_assert(offsetof(VMMemoryDefinition, length) ==
              VMMemoryDefinition::kLengthOffset);
static_assert(sizeof(VMTableDefinition) == 16);
static_assert(offsetof(VMTableDefinition, base) ==
              VMTableDefinition::kBaseOffset);
static_assert(offsetof(VMTableDefinition, elements) ==
              VMTableDefinition::kElementsOffset);
static_assert(sizeof(VMFuncRef) == 24);
static_assert(offsetof(VMFuncRef, code) == VMFuncRef::kCodeOffset);
static_assert(offsetof(VMFuncRef, type_id) == VMFuncRef::kTypeIdOffset);
static_assert(offsetof(VMFuncRef, vmctx) == VMFuncRef::kVmctxOffset);
static_assert(sizeof(VMFunctionImport) == 24);
static_assert(offsetof(VMFunctionImport, code) ==
              VMFunctionImport::kCodeOffset);
static_assert(offsetof(VMFunctionImport, vmctx) ==
              VMFunctionImport::kVmctxOffset);
static_assert(offsetof(VMFunctionImport, func_ref) ==
              VMFunctionImport::kFuncRefOffset);

VMContextCounts VMContextCounts::of(const Module& m) {
  VMContextCounts c;
  c.types = uint32_t(m.types.size());
  c.imported_funcs = m.num_imported_funcs;
  c.defined_funcs = uint32_t(m.funcs.size()) - m.num_imported_funcs;
  c.imported_tables = m.num_imported_tables;
  c.defined_tables = uint32_t(m.tables.size()) - m.num_imported_tables;
  c.imported_memories = m.num_imported_memories;
  c.defined_memories = uint32_t(m.memories.size()) - m.num_imported_memories;
  c.imported_globals = m.num_imported_globals;
  c.defined_globals = uint32_t(m.globals.size()) - m.num_imported_globals;
  return c;
}

namespace {

// Appends `count` fields of `size` bytes at `align`, in 64 bits so that an
// absurd module cannot wrap the arithmetic.
uint64_t place(uint64_t& cursor, uint64_t count, uint64_t size,
               uint64_t align) {
  cursor = (cursor + align - 1) / align * align;
  uint64_t at = cursor;
  cursor += count * size;
  return at;
}

}  // namespace

Result<VMContextLayout> VMContextLayout::compute(const VMContextCounts& c) {
  VMContextLayout l;
  l.counts_ = c;
  uint64_t cur = kHeaderSize;
  uint64_t imported_functions = place(cur, c.imported_funcs, 24, 8);
  uint64_t imported_tables = place(cur, c.imported_tables, 8, 8);
  uint64_t imported_memories = place(cur, c.imported_memories, 8, 8);
  uint64_t imported_globals = place(cur, c.imported_globals, 8, 8);
  uint64_t defined_tables = place(cur, c.defined_tables, 16, 16);
  uint64_t defined_memories = place(cur, c.defined_memories, 16, 16);
  uint64_t defined_globals = place(cur, c.defined_globals, kGlobalSlotSize, 16);
  uint64_t func_refs = place(cur, c.defined_funcs, 24, 8);
  uint64_t size = (cur + kAlignment - 1) / kAlignment * kAlignment;
  if (size > (uint64_t(1) << 31))
    return Error(ErrorKind::Limit, "instance context too large");
  l.imported_functions_ = uint32_t(imported_functions);
  l.imported_tables_ = uint32_t(imported_tables);
  l.imported_memories_ = uint32_t(imported_memories);
  l.imported_globals_ = uint32_t(imported_globals);
  l.defined_tables_ = uint32_t(defined_tables);
  l.defined_memories_ = uint32_t(defined_memories);
  l.defined_globals_ = uint32_t(defined_globals);
  l.func_refs_ = uint32_t(func_refs);
  l.size_ = uint32_t(size);
  return l;
}

Result<VMContextLayout> VMContextLayout::compute(const Module& module) {
  return compute(VMContextCounts::of(module));
}

namespace {
uint32_t checked(uint32_t i, uint32_t count, uint32_t base, uint32_t stride,
                 const char* what) {
  if (i >= count) fatal_invariant(what);
  return base + i * stride;
}
}  // namespace

uint32_t VMContextLayout::imported_function(uint32_t i) const {
  return checked(i, counts_.imported_funcs, imported_functions_, 24,
                 "VMContext imported function index out of range");
}
uint32_t VMContextLayout::imported_table(uint32_t i) const {
  return checked(i, counts_.imported_tables, imported_tables_, 8,
                 "VMContext imported table index out of range");
}
uint32_t VMContextLayout::imported_memory(uint32_t i) const {
  return checked(i, counts_.imported_memories, imported_memories_, 8,
                 "VMContext imported memory index out of range");
}
uint32_t VMContextLayout::imported_global(uint32_t i) const {
  return checked(i, counts_.imported_globals, imported_globals_, 8,
                 "VMContext imported global index out of range");
}
uint32_t VMContextLayout::defined_table(uint32_t i) const {
  return checked(i, counts_.defined_tables, defined_tables_, 16,
                 "VMContext defined table index out of range");
}
uint32_t VMContextLayout::defined_memory(uint32_t i) const {
  return checked(i, counts_.defined_memories, defined_memories_, 16,
                 "VMContext defined memory index out of range");
}
uint32_t VMContextLayout::defined_global(uint32_t i) const {
  return checked(i, counts_.defined_globals, defined_globals_, kGlobalSlotSize,
                 "VMContext defined global index out of range");
}
uint32_t VMContextLayout::func_ref(uint32_t i) const {
  return checked(i, counts_.defined_funcs, func_refs_, 24,
                 "VMContext func ref index out of range");
}

void VMContextFree::operator()(VMContext* p) const {
  if (mapped_size != 0)
    munmap(p, mapped_size);
  else
    std::free(p);
}

namespace {
// From this size on (a module with a few thousand functions, nearly all of
// it func refs that instantiation fills at once), the context is mapped
// with its pages populated in one call rather than faulted in one by one.
constexpr size_t kPopulatedVMContextSize = 256 * 1024;
}  // namespace

VMContextPtr allocate_vmcontext(const VMContextLayout& layout) {
  static_assert(alignof(std::max_align_t) >= VMContextLayout::kAlignment);
  size_t size = layout.size() ? layout.size() : VMContextLayout::kAlignment;
  if (size >= kPopulatedVMContextSize) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED)
      fatal_invariant("out of memory allocating a VMContext");
    return VMContextPtr(static_cast<VMContext*>(p), VMContextFree{size});
  }
  void* p = std::calloc(1, size);
  if (!p) fatal_invariant("out of memory allocating a VMContext");
  return VMContextPtr(static_cast<VMContext*>(p));
}

}  // namespace heron
