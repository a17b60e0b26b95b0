// Runtime library functions that compiled code calls through a relocation
// (the `libcall` instruction): operations too large to inline. The runtime
// provides one entry per id; the signature is the caller's business (the
// translator declares it in the function's signature table).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace heron::ir {

#define HERON_LIBCALLS(X)      \
  X(MemoryGrow, "memory_grow") \
  X(MemoryFill, "memory_fill") \
  X(MemoryCopy, "memory_copy") \
  X(MemoryInit, "memory_init") \
  X(DataDrop, "data_drop")     \
  X(TableGet, "table_get")     \
  X(TableSet, "table_set")     \
  X(TableGrow, "table_grow")   \
  X(TableFill, "table_fill")   \
  X(TableCopy, "table_copy")   \
  X(TableInit, "table_init")   \
  X(ElemDrop, "elem_drop")     \
  X(RefFunc, "ref_func")       \
  X(FloorF32, "floorf32")      \
  X(FloorF64, "floorf64")      \
  X(CeilF32, "ceilf32")        \
  X(CeilF64, "ceilf64")        \
  X(TruncF32, "truncf32")      \
  X(TruncF64, "truncf64")      \
  X(NearestF32, "nearestf32")  \
  X(NearestF64, "nearestf64")

enum class LibCall : uint8_t {
#define HERON_LIBCALL_ENUM(name, text) name,
  HERON_LIBCALLS(HERON_LIBCALL_ENUM)
#undef HERON_LIBCALL_ENUM
};

std::string_view libcall_name(LibCall c);
std::optional<LibCall> parse_libcall(std::string_view s);

}  // namespace heron::ir
