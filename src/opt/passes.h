// The mid-end passes over the SSA IR, and `optimize`, the pass pipeline per
// optimization level. Each pass keeps the function valid for verify(); tests
// run the verifier after every pass.
#pragma once

#include "ir/function.h"

namespace heron::opt {

enum class OptLevel { O0, O2 };

// Evaluates pure instructions whose operands are constants, with Wasm's
// exact semantics. Never folds a trap (division by zero, INT_MIN / -1,
// out-of-range float-to-int stay as they are) and never produces a NaN (its
// bits are not fixed by IEEE 754, so the folded value could differ from what
// the hardware computes at -O0). Also folds `select` with a constant
// condition. Returns whether anything changed.
bool fold_constants(ir::Function& f);

// Branches on constants: brif and br_table with a constant selector become
// jumps; trapz/trapnz with a constant condition are removed (never traps) or
// become the block's terminating `trap` (always traps). Returns whether
// anything changed.
bool simplify_branches(ir::Function& f);

// Removes blocks not reachable from the entry. Returns whether anything
// changed.
bool remove_unreachable_blocks(ir::Function& f);

// Removes pure instructions whose results are unused (transitively). Returns
// whether anything changed.
bool eliminate_dead_code(ir::Function& f);

// The pipeline: -O0 does nothing; -O2 iterates the passes above to a fixed
// point (bounded).
void optimize(ir::Function& f, OptLevel level);

}  // namespace heron::opt
