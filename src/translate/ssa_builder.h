// SsaBuilder: SSA construction on the fly for the translator's variables
// (the Wasm locals), after Braun et al., "Simple and Efficient Construction
// of Static Single Assignment Form" (CC 2013), with block parameters in the
// role of phi nodes.
//
// Design note:
//  - The translator records every definition (def_var) and asks for the
//    current value of a variable in a block (use_var). A block with no local
//    definition asks its predecessors: with one predecessor the value is
//    simply looked up there; with several, a block parameter is appended and
//    each incoming edge passes the predecessor's value (appended to the
//    branch's arguments with Function::append_call_arg).
//  - A block is "sealed" once all its predecessors are known. Wasm's
//    structured control flow makes this easy to know: the translator seals
//    then/else/fallthrough blocks at creation, block and if merges when it
//    reaches their `end`, loop headers at the loop's `end`. Reading from an
//    unsealed block creates an "incomplete" parameter whose arguments are
//    filled in when the block is sealed. Edges into an unsealed block carry
//    only the translator's explicit arguments until then.
//  - A parameter is trivial when every incoming argument is either itself or
//    one other value v; it is then removed (parameter and arguments) and v
//    replaces it. Uses already emitted keep the stale value until finish(),
//    which removes the parameters that became trivial later (to a fixed
//    point, including the translator's own block-result parameters) and
//    rewrites every use once. Lookups resolve replaced values as they go.
//  - The lookup is iterative (an explicit stack), not recursive: generated
//    code can chain tens of thousands of blocks, which must not exhaust the
//    native stack of a compiler thread.
//  - All storage is kept across functions (reset() clears without freeing).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "ir/function.h"

namespace heron {

class SsaBuilder {
 public:
  // Supplies the value of a variable read where it was never defined (the
  // entry block without a definition: Wasm's zero-initialized locals).
  using DefaultValue = std::function<ir::Value(uint32_t var)>;

  // Starts a function: `types` gives each variable's type.
  void reset(ir::Function* f, std::span<const ir::Type> types,
             DefaultValue default_value);

  // A new block is known to the builder; `sealed` when it has all its
  // predecessors already (or none, for the entry).
  void declare_block(ir::Block b, bool sealed);
  // Records the edge `n`-th target of `branch` (in block `from`) -> `to`.
  void add_edge(ir::Block from, ir::Inst branch, uint32_t n, ir::Block to);
  // All predecessors of `b` are known.
  void seal(ir::Block b);
  bool is_sealed(ir::Block b) const { return blocks_[b.index].sealed; }
  // Number of edges into `b` recorded so far.
  size_t num_preds(ir::Block b) const { return blocks_[b.index].preds.size(); }

  void def_var(uint32_t var, ir::Block b, ir::Value v);
  ir::Value use_var(uint32_t var, ir::Block b);

  // The value that now stands for `v` (after trivial-parameter removal).
  ir::Value resolve(ir::Value v);

  // Removes parameters that became trivial and rewrites all uses. Call once,
  // after the last instruction.
  void finish();

 private:
  struct Edge {
    ir::Block from;
    ir::Inst branch;
    uint32_t n;  // which block call of `branch`
  };
  struct BlockState {
    bool sealed = false;
    std::vector<Edge> preds;
    // Parameters created while unsealed: (variable, parameter).
    std::vector<std::pair<uint32_t, ir::Value>> incomplete;
  };
  // One step of the iterative lookup (see use_var).
  struct Frame {
    enum class Phase : uint8_t { Lookup, AfterSinglePred, Operands };
    Phase phase;
    ir::Block block;
    ir::Value param;    // Operands: the parameter being filled
    uint32_t next = 0;  // Operands: next predecessor to ask
  };

  static uint64_t key(uint32_t var, ir::Block b) {
    return (uint64_t(b.index) << 32) | var;
  }
  ir::Value lookup(uint32_t var, ir::Block b);
  // Runs the lookup machine from `start` for `var`; returns the value.
  ir::Value run(uint32_t var, Frame start);
  ir::Value new_param(uint32_t var, ir::Block b);
  // Removes `param` of `b` if trivial; returns what stands for it now.
  ir::Value try_remove_trivial(ir::Block b, ir::Value param);
  uint32_t param_index(ir::Block b, ir::Value param) const;

  ir::Function* f_ = nullptr;
  std::vector<ir::Type> types_;
  DefaultValue default_value_;
  std::vector<BlockState> blocks_;
  size_t num_blocks_ = 0;  // blocks_[0..num_blocks_) are in use
  // (variable, block) -> current value: open addressing with linear
  // probing in one buffer reused across functions (a node-based map cost an
  // allocation per definition). A slot is in use when its `epoch` is the
  // current one, so clearing is O(1).
  class DefMap {
   public:
    void clear();
    ir::Value* find(uint64_t key);
    ir::Value& operator[](uint64_t key);

   private:
    struct Slot {
      uint64_t key = 0;
      ir::Value value;
      uint32_t epoch = 0;
    };
    size_t home(uint64_t key) const {
      return size_t((key * 0x9E3779B97F4A7C15ull) >> shift_);
    }
    void grow();
    std::vector<Slot> slots_;
    uint32_t shift_ = 64;  // 64 - log2(slots_.size())
    uint32_t epoch_ = 1;
    size_t size_ = 0;
  };
  DefMap defs_;
  std::vector<ir::Value> replaced_;  // by value index; invalid = itself
  std::vector<Frame> stack_;
};

}  // namespace heron
