// VCode: one function as blocks of x86-64 machine instructions on virtual
// registers, the target of the IR lowering and the input of register
// allocation and emission (after Cranelift's VCode). Blocks carry parameters
// instead of phis; a terminator passes arguments along each outgoing edge.
// Block 0 is the entry and starts with an `Args` pseudo-instruction. Blocks
// are laid out (and emitted) in index order.
#pragma once

#include <cstdint>
#include <vector>

#include "heron/error.h"
#include "isa/x64/minst.h"

namespace heron::x64 {

struct VBlock {
  std::vector<Reg> params;
  std::vector<MInst> insts;  // the last one is a terminator
  // edge_args[k] are the arguments passed to insts.back().targets[k].
  std::vector<std::vector<Reg>> edge_args;
  bool loop_header = false;  // informative (e.g. for interrupt checks)
};

// What the register allocator decided about the frame.
struct FrameInfo {
  uint32_t num_spill_slots = 0;  // 8-byte slots, [rbp - saves - 8*(k+1)]
  RegMask callee_saved_used = 0;
  bool allocated = false;
};

class VCode {
 public:
  Reg new_vreg(RegClass cls);
  RegClass reg_class(Reg r) const {
    return r.is_phys() ? r.phys_class() : vreg_class_[r.vindex()];
  }
  uint32_t num_vregs() const { return uint32_t(vreg_class_.size()); }

  uint32_t new_block();
  Reg add_block_param(uint32_t block, RegClass cls);
  // Appends `inst` to `block`, stamped with the current source location.
  void push(uint32_t block, MInst inst);
  void set_srcloc(uint32_t wasm_offset) { srcloc_ = wasm_offset; }
  void set_edge_args(uint32_t block, size_t edge, std::vector<Reg> args);

  const std::vector<uint32_t>& succs(uint32_t block) const {
    return blocks[block].insts.back().targets;
  }
  std::vector<std::vector<uint32_t>> compute_preds() const;

  // Gives every edge from a block with several successors to a block with
  // several predecessors a block of its own (a lone jmp), so that the
  // allocator always has a place for the moves of that edge.
  void split_critical_edges();

  // Structural checks: terminators, targets, edge argument counts and
  // classes. Failures are Heron's own bugs (ErrorKind::Internal).
  Result<void> verify() const;

  std::vector<VBlock> blocks;
  uint32_t func_start_srcloc = kNoSrcLoc;
  uint32_t func_end_srcloc = kNoSrcLoc;
  uint32_t outgoing_args_size = 0;  // bytes at [rsp] for stack call args
  FrameInfo frame;

 private:
  std::vector<RegClass> vreg_class_;
  uint32_t srcloc_ = kNoSrcLoc;
};

}  // namespace heron::x64
