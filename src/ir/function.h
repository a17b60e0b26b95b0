// An IR function: a signature, a table of callee signatures, and basic
// blocks with block parameters (SSA without phi nodes: a branch passes
// arguments to its target's parameters).
//
// Storage: values, instructions and blocks live in arenas (vectors) indexed by
// the entity references of entities.h. An instruction is a fixed-size record;
// its variable-length operands, results and branch arguments live in one
// shared value pool, its branch targets in a block-call pool. Removing an
// instruction or block only unlinks it, so the arenas are freed all at once
// with the function.
//
// Layout: blocks form a doubly-linked list (the order code is emitted in) and
// each block a doubly-linked list of its instructions, so passes remove and
// insert in O(1). A block not in the layout is dead.
//
// Conventions the translator, the verifier and the backend share:
// - Pointers are i64 (types.h). The VMContext is an explicit entry-block
//   parameter, marked `vmctx` in the signature; every field of it is reached
//   with `load.T vmctx+offset`.
// - Heap accesses: see heap_load in opcodes.def (guard-page mode: no check;
//   explicit mode: heap_bounds_check before the access).
// - Stack limits: the prologue check (sp - frame size vs stack_limit) is
//   emitted by the backend, which alone knows the frame size; the translator
//   adds the loop-header interrupt check as plain IR: a `load` of
//   stack_limit through vmctx, `icmp eq` with the interrupt sentinel, and
//   `trapnz interrupt`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "heron/trap_code.h"
#include "ir/entities.h"
#include "ir/libcall.h"
#include "ir/opcode.h"
#include "ir/types.h"

namespace heron::ir {

enum class ParamPurpose : uint8_t { Normal, VMContext };

struct AbiParam {
  Type type = Type::Invalid;
  ParamPurpose purpose = ParamPurpose::Normal;
  friend bool operator==(const AbiParam&, const AbiParam&) = default;
};

struct Signature {
  std::vector<AbiParam> params;
  std::vector<Type> results;
  friend bool operator==(const Signature&, const Signature&) = default;
};

// A branch target: the block and the arguments for its parameters
// (args/num_args index the function's value pool).
struct BlockCall {
  Block block;
  uint32_t args = 0;
  uint32_t num_args = 0;
};

// Where a value comes from.
enum class ValueDef : uint8_t { None, Result, Param };

struct ValueData {
  Type type = Type::Invalid;
  ValueDef def = ValueDef::None;
  uint32_t owner = UINT32_MAX;  // Inst index (Result) or Block index (Param)
  uint32_t num = 0;             // position among the results or params
};

// One instruction. `code`, `aux` and `imm` are interpreted per format (see
// InstFormat in opcode.h).
struct InstData {
  Opcode opcode = Opcode::Iconst;
  Type type = Type::Invalid;  // controlling type
  uint8_t code = 0;           // IntCC, FloatCC, TrapCode, MemAccess, LibCall
  uint32_t aux = 0;           // memory index or signature index
  uint64_t imm = 0;           // constant bits, offset, size, function index
  uint32_t args = 0, num_args = 0;        // value pool
  uint32_t calls = 0, num_calls = 0;      // block-call pool
  uint32_t results = 0, num_results = 0;  // value pool
  uint32_t srcloc = kNoSrcLoc;            // Wasm byte offset
  // Layout links.
  Block block;
  Inst prev, next;

  static constexpr uint32_t kNoSrcLoc = UINT32_MAX;
};

struct BlockData {
  std::vector<Value> params;
  Inst first, last;
  Block prev, next;
  bool in_layout = false;
};

class Function {
 public:
  std::string name;
  Signature signature;

  // --- Signatures of callees.
  SigRef add_signature(Signature sig);
  const Signature& sig(SigRef s) const { return sigs_[s.index]; }
  size_t num_signatures() const { return sigs_.size(); }

  // --- Values.
  size_t num_values() const { return values_.size(); }
  const ValueData& value(Value v) const { return values_[v.index]; }
  Type value_type(Value v) const { return values_[v.index].type; }
  bool is_valid_value(Value v) const {
    return v.index < values_.size() && values_[v.index].def != ValueDef::None;
  }
  // Makes sure value number `index` exists (unattached); the parser uses it
  // to keep the numbers written in the text.
  Value reserve_value(uint32_t index);
  // The entry block's vmctx parameter, or an invalid Value.
  Value vmctx_value() const;

  // --- Blocks.
  Block create_block();
  size_t num_blocks() const { return blocks_.size(); }
  const BlockData& block(Block b) const { return blocks_[b.index]; }
  std::span<const Value> block_params(Block b) const {
    return blocks_[b.index].params;
  }
  Value append_block_param(Block b, Type t);
  // Attaches an existing unattached value (from reserve_value) as a param.
  void attach_block_param(Block b, Value v, Type t);

  // --- Block layout.
  void append_block(Block b);
  void remove_block(Block b);  // also unlinks its instructions
  bool is_block_inserted(Block b) const { return blocks_[b.index].in_layout; }
  Block entry_block() const { return first_block_; }
  Block first_block() const { return first_block_; }
  Block next_block(Block b) const { return blocks_[b.index].next; }
  std::vector<Block> layout_blocks() const;

  // --- Instructions.
  size_t num_insts() const { return insts_.size(); }
  const InstData& inst(Inst i) const { return insts_[i.index]; }
  InstData& inst_mut(Inst i) { return insts_[i.index]; }
  // Creates an instruction (not yet in the layout) with the given operands
  // and branch targets; its results are created separately.
  Inst create_inst(const InstData& data, std::span<const Value> args,
                   std::span<const Block> targets = {},
                   std::span<const std::vector<Value>> target_args = {});
  // Creates the result values the opcode and controlling type imply.
  void make_results(Inst i);
  // Capacity for about this many entities, to spare regrowing the arenas
  // when the size is roughly known beforehand (e.g. from the body size).
  void reserve(size_t insts, size_t values, size_t blocks);
  // Attaches an unattached value as the next result of `i`.
  void attach_result(Inst i, Value v, Type t);
  // The types of the results the instruction must have.
  std::vector<Type> expected_result_types(Inst i) const;

  // Operand, result and branch-argument spans point into the shared pool:
  // creating instructions or editing branch arguments may move it, so do
  // not hold a span across such calls.
  std::span<const Value> args(Inst i) const;
  std::span<Value> args_mut(Inst i);
  std::span<const Value> results(Inst i) const;
  Value first_result(Inst i) const;
  std::span<const BlockCall> calls(Inst i) const;
  std::span<const Value> call_args(const BlockCall& c) const;
  std::span<Value> call_args_mut(const BlockCall& c);

  // --- Instruction layout.
  void append_inst(Block b, Inst i);
  void insert_inst_before(Inst before, Inst i);
  void remove_inst(Inst i);
  bool is_inst_inserted(Inst i) const { return insts_[i.index].block.valid(); }
  Block inst_block(Inst i) const { return insts_[i.index].block; }
  Inst first_inst(Block b) const { return blocks_[b.index].first; }
  Inst last_inst(Block b) const { return blocks_[b.index].last; }
  Inst next_inst(Inst i) const { return insts_[i.index].next; }
  Inst prev_inst(Inst i) const { return insts_[i.index].prev; }
  std::vector<Inst> block_insts(Block b) const;
  // The terminator ending `b`, or an invalid Inst if the block does not end
  // with one.
  Inst terminator(Block b) const;
  // Successor blocks of a block (targets of its terminator, in order, with
  // repeats).
  std::vector<Block> successors(Block b) const;

  // --- Editing block parameters after branches to the block exist (the SSA
  // construction of the translator adds and removes them on the fly).
  // Appends `v` to the arguments of the `n`-th block call of branch `i`.
  void append_call_arg(Inst i, uint32_t n, Value v);
  // Removes argument `k` of the `n`-th block call of branch `i`.
  void remove_call_arg(Inst i, uint32_t n, uint32_t k);
  // Removes parameter `k` of `b`; its value becomes unattached. The caller
  // removes the matching branch arguments and has replaced its uses.
  void remove_block_param(Block b, uint32_t k);

  // --- In-place rewrites used by passes. The result value is kept, so
  // uses need no update.
  void rewrite_as_const(Inst i, uint64_t bits);
  // Turns a branch into `jump` to its `n`-th block call.
  void rewrite_as_jump(Inst i, uint32_t n);
  // Replaces every use of a value (operands and branch arguments) by
  // subst[value] where that entry is valid.
  void substitute_uses(std::span<const Value> subst);

 private:
  uint32_t push_values(std::span<const Value> vs);

  std::vector<ValueData> values_;
  std::vector<InstData> insts_;
  std::vector<BlockData> blocks_;
  std::vector<Value> pool_;
  std::vector<BlockCall> call_pool_;
  std::vector<Signature> sigs_;
  Block first_block_, last_block_;
};

}  // namespace heron::ir
