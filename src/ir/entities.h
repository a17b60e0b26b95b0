// Entity references: dense 32-bit indices naming a value, instruction, block
// or signature inside one Function's arenas. Distinct types so that a Value
// cannot be passed where a Block is expected; no pointers, so a function can
// grow its arenas freely and be copied by value.
#pragma once

#include <compare>
#include <cstdint>

namespace heron::ir {

template <class Tag>
struct EntityRef {
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t index = kNone;

  constexpr EntityRef() = default;
  constexpr explicit EntityRef(uint32_t i) : index(i) {}
  constexpr bool valid() const { return index != kNone; }
  friend constexpr auto operator<=>(EntityRef, EntityRef) = default;
};

using Value = EntityRef<struct ValueTag>;
using Inst = EntityRef<struct InstTag>;
using Block = EntityRef<struct BlockTag>;
using SigRef = EntityRef<struct SigRefTag>;

}  // namespace heron::ir
