// FunctionBuilder: appends instructions at the end of a current block with
// typed helpers, so the translator and tests build IR without filling
// InstData by hand. It also stamps each instruction with the current source
// location (the Wasm byte offset of the operator being translated).
#pragma once

#include <initializer_list>
#include <span>
#include <vector>

#include "ir/function.h"

namespace heron::ir {

class FunctionBuilder {
 public:
  explicit FunctionBuilder(Function& f) : f_(f) {}

  Function& func() { return f_; }
  // Creates the entry block with one parameter per signature parameter,
  // appends it to the layout and positions the builder there.
  Block create_entry_block();
  Block create_block() { return f_.create_block(); }
  // Appends `b` to the layout and makes it current.
  void switch_to_block(Block b);
  Block current_block() const { return block_; }
  void set_srcloc(uint32_t offset) { srcloc_ = offset; }

  Value iconst(Type t, uint64_t bits);
  Value f32const(uint32_t bits);
  Value f64const(uint64_t bits);
  Value unary(Opcode op, Type t, Value a);
  Value binary(Opcode op, Type t, Value a, Value b);
  Value icmp(IntCC cc, Value a, Value b);
  Value fcmp(FloatCC cc, Value a, Value b);
  Value select(Value c, Value a, Value b);
  Value load(Type t, Value ptr, int32_t offset);
  void store(Value x, Value ptr, int32_t offset);
  Value heap_load(Type t, MemAccess access, uint32_t memory, Value base,
                  Value index, uint64_t offset);
  void heap_store(MemAccess access, uint32_t memory, Value x, Value base,
                  Value index, uint64_t offset);
  void heap_bounds_check(uint32_t memory, Value index, Value bound,
                         uint64_t size);
  void jump(Block target, std::span<const Value> args = {});
  void brif(Value c, Block then_block, std::span<const Value> then_args,
            Block else_block, std::span<const Value> else_args);
  // targets[0] is the default.
  void br_table(Value index, std::span<const Block> targets,
                std::span<const std::vector<Value>> args);
  void ret(std::span<const Value> values);
  void trap(TrapCode code);
  void trapz(Value c, TrapCode code);
  void trapnz(Value c, TrapCode code);
  std::span<const Value> call(uint32_t func_index, SigRef sig,
                              std::span<const Value> args);
  std::span<const Value> call_indirect(SigRef sig, Value callee,
                                       std::span<const Value> args);
  std::span<const Value> libcall(LibCall id, SigRef sig,
                                 std::span<const Value> args);

  // The general form: builds, appends and gives results.
  Inst append(const InstData& data, std::span<const Value> args,
              std::span<const Block> targets = {},
              std::span<const std::vector<Value>> target_args = {});

 private:
  Value append1(const InstData& data, std::span<const Value> args);

  Function& f_;
  Block block_;
  uint32_t srcloc_ = InstData::kNoSrcLoc;
};

}  // namespace heron::ir
