// ValRaw: one value as it crosses the host/wasm boundary through the
// trampolines: a 16-byte slot, the value in the low bytes (i32/f32 in the
// low 4), the rest zero; references are pointers (funcref: VMFuncRef*).
#pragma once

#include <cstdint>
#include <cstring>

namespace heron {

struct alignas(16) ValRaw {
  uint64_t lo = 0;
  uint64_t hi = 0;
};
static_assert(sizeof(ValRaw) == 16);

}  // namespace heron
