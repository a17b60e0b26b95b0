// Register allocation for VCode: maps every virtual register to physical
// registers and spill slots, rewrites the instructions in place and inserts
// the moves that this needs. See regalloc.cc for the design.
#pragma once

#include <cstdint>

#include "heron/error.h"
#include "isa/x64/vcode.h"

namespace heron::x64 {

struct RegAllocStats {
  uint32_t num_vregs = 0;          // virtual registers with a live range
  uint32_t num_spilled_vregs = 0;  // of which spent some time in a slot
  uint32_t num_intervals = 0;      // live-range pieces after splitting
  uint32_t num_spill_slots = 0;    // slots after sharing between vregs
  uint32_t num_moves = 0;          // moves/spills/reloads inserted
};

// Allocates registers for `vcode` (which must pass VCode::verify()). On
// success every operand is a physical register, vcode.frame is filled in
// and the only virtual-register-free pseudo-instructions left are
// SpillStore/SpillLoad/SlotCopy. Fails only on implementation limits
// (e.g. call arguments that would go on the stack).
Result<RegAllocStats> allocate_registers(VCode& vcode);

}  // namespace heron::x64
