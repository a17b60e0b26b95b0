// Parallel moves: the set of copies that must happen "at once" on a block
// edge or at a split point of live ranges (every destination receives the
// value its source held before any copy). Sequentializing them needs care
// when a destination is also a source: cycles (a->b, b->a) are broken by
// parking one value in the reserved scratch register of its class.
#pragma once

#include <cstdint>
#include <vector>

#include "isa/x64/minst.h"

namespace heron::x64 {

// Where a value lives: a physical register or an 8-byte spill slot.
struct Loc {
  enum Kind : uint8_t { None, InReg, InSlot };
  Kind kind = None;
  uint32_t index = 0;  // Reg::bits or slot number

  static Loc reg(Reg r) { return Loc{InReg, r.bits}; }
  static Loc slot(uint32_t s) { return Loc{InSlot, s}; }
  bool is_reg() const { return kind == InReg; }
  bool is_slot() const { return kind == InSlot; }
  Reg as_reg() const { return Reg::phys(index); }
  friend bool operator==(Loc a, Loc b) {
    return a.kind == b.kind && a.index == b.index;
  }
};

struct PMove {
  Loc dst;
  Loc src;
  RegClass cls;  // class of the value moved
};

// One machine instruction moving a value of class `cls` from `src` to `dst`
// (register, slot, or slot to slot via push/pop).
MInst make_move(Loc dst, Loc src, RegClass cls);

// Appends to `out` a sequence of moves equivalent to the parallel move
// `moves` (destinations must be distinct, else fatal_invariant; identity
// moves are dropped).
void sequentialize_parallel_moves(std::vector<PMove> moves,
                                  std::vector<MInst>& out);
// The same on a caller's buffer, which is left empty (for reuse).
void sequentialize_parallel_moves_in_place(std::vector<PMove>& moves,
                                           std::vector<MInst>& out);

// The one parallel move equivalent to running `first` and then `second`
// (both with distinct destinations): `second`'s sources are read through
// `first`, and `first`'s moves to locations `second` does not overwrite are
// kept. Two sets of moves at one program point (e.g. entering a one-jump
// block and leaving it) must be composed like this, never concatenated.
std::vector<PMove> compose_parallel_moves(const std::vector<PMove>& first,
                                          const std::vector<PMove>& second);
// The same into a caller's buffer `out` (overwritten; must be neither input).
void compose_parallel_moves_into(const std::vector<PMove>& first,
                                 const std::vector<PMove>& second,
                                 std::vector<PMove>& out);

}  // namespace heron::x64
