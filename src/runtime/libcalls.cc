// Runtime library calls (see libcalls.h).
//
// Design note: a libcall that traps calls raise_trap_from_frame with its OWN
// frame record (__builtin_frame_address(0) also forces the function to keep
// one), so the backtrace starts at the wasm instruction that made the call.
// Nothing with a destructor may be alive at that point: the trap longjmps.
#include "runtime/libcalls.h"

#include <cmath>
#include <cstring>

#include "ir/libcall.h"
#include "runtime/activation.h"
#include "runtime/store_impl.h"

namespace heron {

namespace {

bool out_of_bounds(uint64_t start, uint64_t len, uint64_t size) {
  return len > size || start > size - len;
}

InstanceImpl& instance_of(VMContext* vmctx) {
  return *InstanceImpl::from_vmctx(vmctx);
}

}  // namespace

const void* libcall_address(uint32_t id) {
  switch (ir::LibCall(id)) {
    case ir::LibCall::MemoryGrow:
      return reinterpret_cast<const void*>(&heron_memory_grow);
    case ir::LibCall::MemoryFill:
      return reinterpret_cast<const void*>(&heron_memory_fill);
    case ir::LibCall::MemoryCopy:
      return reinterpret_cast<const void*>(&heron_memory_copy);
    case ir::LibCall::MemoryInit:
      return reinterpret_cast<const void*>(&heron_memory_init);
    case ir::LibCall::DataDrop:
      return reinterpret_cast<const void*>(&heron_data_drop);
    case ir::LibCall::TableGet:
      return reinterpret_cast<const void*>(&heron_table_get);
    case ir::LibCall::TableSet:
      return reinterpret_cast<const void*>(&heron_table_set);
    case ir::LibCall::TableGrow:
      return reinterpret_cast<const void*>(&heron_table_grow);
    case ir::LibCall::TableFill:
      return reinterpret_cast<const void*>(&heron_table_fill);
    case ir::LibCall::TableCopy:
      return reinterpret_cast<const void*>(&heron_table_copy);
    case ir::LibCall::TableInit:
      return reinterpret_cast<const void*>(&heron_table_init);
    case ir::LibCall::ElemDrop:
      return reinterpret_cast<const void*>(&heron_elem_drop);
    case ir::LibCall::RefFunc:
      return reinterpret_cast<const void*>(&heron_ref_func);
    case ir::LibCall::FloorF32:
      return reinterpret_cast<const void*>(&heron_floorf32);
    case ir::LibCall::FloorF64:
      return reinterpret_cast<const void*>(&heron_floorf64);
    case ir::LibCall::CeilF32:
      return reinterpret_cast<const void*>(&heron_ceilf32);
    case ir::LibCall::CeilF64:
      return reinterpret_cast<const void*>(&heron_ceilf64);
    case ir::LibCall::TruncF32:
      return reinterpret_cast<const void*>(&heron_truncf32);
    case ir::LibCall::TruncF64:
      return reinterpret_cast<const void*>(&heron_truncf64);
    case ir::LibCall::NearestF32:
      return reinterpret_cast<const void*>(&heron_nearestf32);
    case ir::LibCall::NearestF64:
      return reinterpret_cast<const void*>(&heron_nearestf64);
  }
  return nullptr;
}

}  // namespace heron

using heron::instance_of;
using heron::InstanceImpl;
using heron::out_of_bounds;
using heron::raise_trap_from_frame;
using heron::TrapCode;

extern "C" {

int64_t heron_memory_grow(heron::VMContext* vmctx, uint32_t mem,
                          uint64_t delta_pages) {
  return instance_of(vmctx).memories[mem]->memory->grow(delta_pages);
}

void heron_memory_fill(heron::VMContext* vmctx, uint32_t mem, uint64_t dst,
                       uint32_t byte, uint64_t len) {
  heron::LinearMemory& m = *instance_of(vmctx).memories[mem]->memory;
  if (out_of_bounds(dst, len, m.byte_length()))
    raise_trap_from_frame(TrapCode::MemoryOutOfBounds,
                          __builtin_frame_address(0));
  std::memset(m.base() + dst, int(byte & 0xff), len);
}

void heron_memory_copy(heron::VMContext* vmctx, uint32_t dst_mem,
                       uint32_t src_mem, uint64_t dst, uint64_t src,
                       uint64_t len) {
  InstanceImpl& inst = instance_of(vmctx);
  heron::LinearMemory& d = *inst.memories[dst_mem]->memory;
  heron::LinearMemory& s = *inst.memories[src_mem]->memory;
  if (out_of_bounds(dst, len, d.byte_length()) ||
      out_of_bounds(src, len, s.byte_length()))
    raise_trap_from_frame(TrapCode::MemoryOutOfBounds,
                          __builtin_frame_address(0));
  std::memmove(d.base() + dst, s.base() + src, len);
}

void heron_memory_init(heron::VMContext* vmctx, uint32_t mem, uint32_t data,
                       uint64_t dst, uint32_t src, uint32_t len) {
  InstanceImpl& inst = instance_of(vmctx);
  heron::LinearMemory& m = *inst.memories[mem]->memory;
  std::span<const uint8_t> seg = inst.data_segment(data);
  if (out_of_bounds(src, len, seg.size()) ||
      out_of_bounds(dst, len, m.byte_length()))
    raise_trap_from_frame(TrapCode::MemoryOutOfBounds,
                          __builtin_frame_address(0));
  if (len) std::memcpy(m.base() + dst, seg.data() + src, len);
}

void heron_data_drop(heron::VMContext* vmctx, uint32_t data) {
  instance_of(vmctx).data_dropped[data] = true;
}

void* heron_table_get(heron::VMContext* vmctx, uint32_t table, uint64_t index) {
  heron::TableData& t = *instance_of(vmctx).tables[table];
  if (index >= t.size())
    raise_trap_from_frame(TrapCode::TableOutOfBounds,
                          __builtin_frame_address(0));
  return t.def->base[index];
}

void heron_table_set(heron::VMContext* vmctx, uint32_t table, uint64_t index,
                     void* ref) {
  heron::TableData& t = *instance_of(vmctx).tables[table];
  if (index >= t.size())
    raise_trap_from_frame(TrapCode::TableOutOfBounds,
                          __builtin_frame_address(0));
  t.def->base[index] = ref;
}

int64_t heron_table_grow(heron::VMContext* vmctx, uint32_t table, void* init,
                         uint64_t delta) {
  return instance_of(vmctx).tables[table]->grow(delta, init);
}

void heron_table_fill(heron::VMContext* vmctx, uint32_t table, uint64_t dst,
                      void* ref, uint64_t len) {
  heron::TableData& t = *instance_of(vmctx).tables[table];
  if (out_of_bounds(dst, len, t.size()))
    raise_trap_from_frame(TrapCode::TableOutOfBounds,
                          __builtin_frame_address(0));
  for (uint64_t k = 0; k < len; k++) t.def->base[dst + k] = ref;
}

void heron_table_copy(heron::VMContext* vmctx, uint32_t dst_table,
                      uint32_t src_table, uint64_t dst, uint64_t src,
                      uint64_t len) {
  InstanceImpl& inst = instance_of(vmctx);
  heron::TableData& d = *inst.tables[dst_table];
  heron::TableData& s = *inst.tables[src_table];
  if (out_of_bounds(dst, len, d.size()) || out_of_bounds(src, len, s.size()))
    raise_trap_from_frame(TrapCode::TableOutOfBounds,
                          __builtin_frame_address(0));
  if (len)
    std::memmove(d.def->base + dst, s.def->base + src, len * sizeof(void*));
}

void heron_table_init(heron::VMContext* vmctx, uint32_t table, uint32_t elem,
                      uint64_t dst, uint32_t src, uint32_t len) {
  InstanceImpl& inst = instance_of(vmctx);
  heron::TableData& t = *inst.tables[table];
  const std::vector<void*>& seg = inst.elems[elem];
  if (out_of_bounds(src, len, seg.size()) || out_of_bounds(dst, len, t.size()))
    raise_trap_from_frame(TrapCode::TableOutOfBounds,
                          __builtin_frame_address(0));
  if (len)
    std::memcpy(t.def->base + dst, seg.data() + src, len * sizeof(void*));
}

void heron_elem_drop(heron::VMContext* vmctx, uint32_t elem) {
  std::vector<void*>& seg = instance_of(vmctx).elems[elem];
  seg.clear();
  seg.shrink_to_fit();
}

void* heron_ref_func(heron::VMContext* vmctx, uint32_t func_index) {
  return const_cast<heron::VMFuncRef*>(instance_of(vmctx).func_ref(func_index));
}

float heron_floorf32(float x) { return std::floor(x); }
double heron_floorf64(double x) { return std::floor(x); }
float heron_ceilf32(float x) { return std::ceil(x); }
double heron_ceilf64(double x) { return std::ceil(x); }
float heron_truncf32(float x) { return std::trunc(x); }
double heron_truncf64(double x) { return std::trunc(x); }
// The default rounding mode rounds ties to even, as wasm's nearest requires.
float heron_nearestf32(float x) { return std::nearbyint(x); }
double heron_nearestf64(double x) { return std::nearbyint(x); }

}  // extern "C"
