// The runtime library that compiled code calls (ir/libcall.h): bulk memory
// and table operations, memory/table growth, ref.func, and float rounding.
// Compiled code reaches them through Abs64ToLibcall relocations; the C
// signatures are fixed by the contract between translator, backend and
// runtime (docs/ARCHITECTURE.md). Memory and table indices are the module's
// index spaces (imports first). Out-of-bounds operations trap before writing
// anything, as the spec requires.
#pragma once

#include <cstdint>

namespace heron {

struct VMContext;

// The address of library call `id` (an ir::LibCall value), or null.
const void* libcall_address(uint32_t id);

}  // namespace heron

extern "C" {
int64_t heron_memory_grow(heron::VMContext* vmctx, uint32_t mem,
                          uint64_t delta_pages);
void heron_memory_fill(heron::VMContext* vmctx, uint32_t mem, uint64_t dst,
                       uint32_t byte, uint64_t len);
void heron_memory_copy(heron::VMContext* vmctx, uint32_t dst_mem,
                       uint32_t src_mem, uint64_t dst, uint64_t src,
                       uint64_t len);
void heron_memory_init(heron::VMContext* vmctx, uint32_t mem, uint32_t data,
                       uint64_t dst, uint32_t src, uint32_t len);
void heron_data_drop(heron::VMContext* vmctx, uint32_t data);
void* heron_table_get(heron::VMContext* vmctx, uint32_t table, uint64_t index);
void heron_table_set(heron::VMContext* vmctx, uint32_t table, uint64_t index,
                     void* ref);
int64_t heron_table_grow(heron::VMContext* vmctx, uint32_t table, void* init,
                         uint64_t delta);
void heron_table_fill(heron::VMContext* vmctx, uint32_t table, uint64_t dst,
                      void* ref, uint64_t len);
void heron_table_copy(heron::VMContext* vmctx, uint32_t dst_table,
                      uint32_t src_table, uint64_t dst, uint64_t src,
                      uint64_t len);
void heron_table_init(heron::VMContext* vmctx, uint32_t table, uint32_t elem,
                      uint64_t dst, uint32_t src, uint32_t len);
void heron_elem_drop(heron::VMContext* vmctx, uint32_t elem);
void* heron_ref_func(heron::VMContext* vmctx, uint32_t func_index);
float heron_floorf32(float x);
double heron_floorf64(double x);
float heron_ceilf32(float x);
double heron_ceilf64(double x);
float heron_truncf32(float x);
double heron_truncf64(double x);
float heron_nearestf32(float x);
double heron_nearestf64(double x);
}
