// FuncTranslation: the translator's working state and its per-family
// translation routines (internal to src/translate; the public entry points
// are in func_translator.h). The routines are split by operator family,
// one file each: control flow (translate_control.cc), locals and globals
// (translate_variables.cc), numeric operators (translate_numeric.cc), memory
// (translate_memory.cc), tables and references (translate_table.cc), calls
// (translate_call.cc).
//
// Design note: how Wasm's stack machine becomes SSA.
//  - The operand stack holds IR values; translating an operator pops its
//    operands and pushes its results, so no stack slot ever reaches the IR.
//  - Values that flow across control edges use block parameters: a block's
//    or if's results are the parameters of its merge block, a loop's params
//    those of its header; branches pass them as block-call arguments.
//  - Locals are SsaBuilder variables (Braun et al.): local.get asks for the
//    current definition, which may add block parameters on the fly.
//  - Unreachable code (after br, br_table, return, unreachable, or after an
//    `end` no path reaches) is skipped: only the nesting of block/loop/if is
//    tracked ("dead" control frames), and a dead frame creates no IR block.
//  - Values that never change during a call of the function (the runtime
//    limits pointer, the signature-id table, pointers to imported
//    definitions, guard-page memory bases, zero constants) are computed once
//    at the top of the entry block ("hoisted"); base and length of
//    explicitly checked memories are reloaded in each block and after each
//    call, because memory.grow may move them.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "format/operator_reader.h"
#include "heron/error.h"
#include "ir/builder.h"
#include "ir/function.h"
#include "translate/module_env.h"
#include "translate/ssa_builder.h"

namespace heron {

class FuncTranslation {
 public:
  Result<ir::Function> run(const ModuleEnv& env, uint32_t func_index);

 private:
  enum class FrameKind : uint8_t { Function, Block, Loop, If, Else };

  // One open block/loop/if (or the function body itself).
  struct Control {
    FrameKind kind = FrameKind::Block;
    bool live = false;         // entered reachably: its IR blocks exist
    uint32_t height = 0;       // operand stack height below its params
    uint32_t types_begin = 0;  // types_[begin, +num_params): params, results
    uint32_t num_params = 0;
    uint32_t num_results = 0;
    uint32_t saved_begin = 0;  // If: its params in saved_, for the else arm
    ir::Block target;          // where `br` goes: loop header or merge
    ir::Block merge;           // after `end` (Function: the return block)
    ir::Block else_block;      // If
  };

  // ---- Driver (func_translator.cc)
  Result<void> translate_operator(const Operator& op);
  Error unsupported(const Operator& op) const;

  // ---- Operand stack
  void push(ir::Value v) { stack_.push_back(v); }
  ir::Value pop() {
    ir::Value v = stack_.back();
    stack_.pop_back();
    return v;
  }
  // The top n values (still on the stack).
  std::span<const ir::Value> top(uint32_t n) const {
    return {stack_.data() + stack_.size() - n, n};
  }
  void push_all(std::span<const ir::Value> vs) {
    stack_.insert(stack_.end(), vs.begin(), vs.end());
  }

  // ---- Blocks and edges (translate_control.cc)
  ir::Block new_block(std::span<const ir::Type> params);
  void switch_to(ir::Block b);
  void emit_jump(ir::Block target, std::span<const ir::Value> args);
  void emit_brif(ir::Value c, ir::Block then_block,
                 std::span<const ir::Value> then_args, ir::Block else_block);
  void set_unreachable();
  ir::Block current_block() const { return b_->current_block(); }

  // ---- Control (translate_control.cc)
  void push_frame(FrameKind kind, bool live, const BlockType& type,
                  uint32_t height);
  std::span<const ir::Type> params_of(const Control& c) const {
    return {types_.data() + c.types_begin, c.num_params};
  }
  std::span<const ir::Type> results_of(const Control& c) const {
    return {types_.data() + c.types_begin + c.num_params, c.num_results};
  }
  // Values a branch to this frame carries: loop params, else results.
  uint32_t branch_arity(const Control& c) const {
    return c.kind == FrameKind::Loop ? c.num_params : c.num_results;
  }
  Control& frame_at_depth(uint32_t depth) {
    return control_[control_.size() - 1 - depth];
  }
  void op_block(const Operator& op);
  void op_loop(const Operator& op);
  void op_if(const Operator& op);
  void op_else();
  void op_end();
  void op_br(uint32_t depth);
  void op_br_if(uint32_t depth);
  void op_br_table(const Operator& op);
  void op_return();
  void emit_loop_checks();
  void emit_epoch_check();

  // ---- Variables (translate_variables.cc)
  Result<void> op_global_get(const Operator& op);
  void op_global_set(uint32_t global);
  // Where a global's value lives: pointer and offset.
  std::pair<ir::Value, int32_t> global_slot(uint32_t global);

  // ---- Numeric (translate_numeric.cc); false: not a numeric operator.
  bool translate_numeric(const Operator& op);
  void unary(ir::Opcode opc, ir::Type t);
  void binary(ir::Opcode opc, ir::Type t);
  void icmp(ir::IntCC cc);
  void fcmp(ir::FloatCC cc);

  // ---- Memory (translate_memory.cc)
  void op_load(const Operator& op, ir::Type t, ir::MemAccess access);
  void op_store(const Operator& op, ir::MemAccess access);
  // Emits what must precede an access of `width` bytes at index+offset and
  // returns the heap base; invalid (and the code unreachable) when the
  // access can never be in bounds.
  ir::Value prepare_heap_access(uint32_t memory, ir::Value index,
                                uint64_t offset, uint64_t width);
  ir::Value memory_base(uint32_t memory);
  ir::Value memory_length(uint32_t memory);
  // Pointer and offset of a memory's VMMemoryDefinition.
  std::pair<ir::Value, int32_t> memory_definition(uint32_t memory);
  bool memory_is64(uint32_t memory) const {
    return env_->module().memories[memory].type.limits.is64;
  }
  void op_memory_size(uint32_t memory);
  void op_memory_grow(uint32_t memory);
  void op_memory_fill(uint32_t memory);
  void op_memory_copy(uint32_t dst, uint32_t src);
  void op_memory_init(uint32_t data, uint32_t memory);
  void op_data_drop(uint32_t data);

  // ---- Tables and references (translate_table.cc)
  std::pair<ir::Value, int32_t> table_definition(uint32_t table);
  bool table_is64(uint32_t table) const {
    return env_->module().tables[table].type.limits.is64;
  }
  // Bounds-checks `index` (i32 or i64) against the table's size, trapping
  // with `code`, and returns the address of the element slot.
  ir::Value table_slot(uint32_t table, ir::Value index, TrapCode code);
  void op_table_get(uint32_t table);
  void op_table_set(uint32_t table);
  void op_table_size(uint32_t table);
  void op_table_grow(uint32_t table);
  void op_table_fill(uint32_t table);
  void op_table_copy(uint32_t dst, uint32_t src);
  void op_table_init(uint32_t elem, uint32_t table);
  void op_elem_drop(uint32_t elem);
  void op_ref_func(uint32_t func);

  // ---- Calls (translate_call.cc)
  void op_call(uint32_t func);
  void op_call_indirect(uint32_t type_index, uint32_t table);
  ir::SigRef wasm_sig_ref(uint32_t type_index);
  // A runtime library call; `params` excludes the leading vmctx.
  std::span<const ir::Value> libcall(ir::LibCall id,
                                     std::span<const ir::Type> params,
                                     std::span<const ir::Type> results,
                                     std::span<const ir::Value> args);
  void after_call();

  // ---- Helpers (func_translator.cc)
  // Computes an instruction once at the top of the entry block.
  ir::Value hoist(const ir::InstData& data, std::span<const ir::Value> args);
  ir::Value hoisted_load(ir::Type t, ir::Value ptr, int32_t offset);
  ir::Value zero(ir::Type t);
  ir::Value limits_pointer();
  ir::Value iconst32(uint32_t v) { return b_->iconst(ir::Type::I32, v); }
  ir::Value iconst64(uint64_t v) { return b_->iconst(ir::Type::I64, v); }
  // Zero-extends an i32 to i64 (i64 values pass through).
  ir::Value to_i64(ir::Value v);
  // Narrows an i64 result to i32 when `is64` is false.
  ir::Value from_i64(ir::Value v, bool is64);
  void invalidate_memory_cache();

  // ---- State of one translation
  const ModuleEnv* env_ = nullptr;
  ir::Function* f_ = nullptr;
  ir::FunctionBuilder* b_ = nullptr;
  uint32_t func_index_ = 0;
  uint32_t body_offset_ = 0;
  ir::Value vmctx_;
  bool reachable_ = true;

  // ---- Scratch kept across translations
  SsaBuilder ssa_;
  std::vector<ir::Type> local_types_;
  std::vector<ir::Value> stack_;
  std::vector<Control> control_;
  std::vector<ir::Type> types_;
  std::vector<ir::Value> saved_;
  std::vector<ir::Value> args_;  // call arguments
  std::vector<std::vector<ir::Value>> table_args_;
  std::vector<ir::Block> table_targets_;

  ir::Inst prologue_end_;  // last hoisted instruction
  ir::Value zeros_[6];     // by ir::Type
  ir::Value limits_, signature_ids_;
  std::vector<ir::Value> imported_memory_defs_, imported_table_defs_,
      imported_global_ptrs_, guard_bases_;
  // Explicitly checked memories: base/length valid in `cache_block_` until
  // the next call.
  std::vector<ir::Value> base_cache_, length_cache_;
  std::unordered_map<uint32_t, ir::SigRef> wasm_sigs_;
  std::vector<ir::SigRef> libcall_sigs_;
};

}  // namespace heron
