// FunctionBuilder: typed helpers over Function::create_inst.
#include "ir/builder.h"

#include "heron/error.h"

namespace heron::ir {
namespace {

InstData make(Opcode op, Type t = Type::Invalid) {
  InstData d;
  d.opcode = op;
  d.type = t;
  return d;
}

}  // namespace

Block FunctionBuilder::create_entry_block() {
  Block b = f_.create_block();
  for (const AbiParam& p : f_.signature.params)
    f_.append_block_param(b, p.type);
  switch_to_block(b);
  return b;
}

void FunctionBuilder::switch_to_block(Block b) {
  if (!f_.is_block_inserted(b)) f_.append_block(b);
  block_ = b;
}

Inst FunctionBuilder::append(const InstData& data, std::span<const Value> args,
                             std::span<const Block> targets,
                             std::span<const std::vector<Value>> target_args) {
  if (!block_.valid()) fatal_invariant("FunctionBuilder: no current block");
  InstData d = data;
  if (d.srcloc == InstData::kNoSrcLoc) d.srcloc = srcloc_;
  Inst i = f_.create_inst(d, args, targets, target_args);
  f_.make_results(i);
  f_.append_inst(block_, i);
  return i;
}

Value FunctionBuilder::append1(const InstData& data,
                               std::span<const Value> args) {
  return f_.first_result(append(data, args));
}

Value FunctionBuilder::iconst(Type t, uint64_t bits) {
  InstData d = make(Opcode::Iconst, t);
  d.imm = t == Type::I32 ? (bits & 0xffffffffu) : bits;
  return append1(d, {});
}
Value FunctionBuilder::f32const(uint32_t bits) {
  InstData d = make(Opcode::F32const, Type::F32);
  d.imm = bits;
  return append1(d, {});
}
Value FunctionBuilder::f64const(uint64_t bits) {
  InstData d = make(Opcode::F64const, Type::F64);
  d.imm = bits;
  return append1(d, {});
}
Value FunctionBuilder::unary(Opcode op, Type t, Value a) {
  Value args[] = {a};
  return append1(make(op, t), args);
}
Value FunctionBuilder::binary(Opcode op, Type t, Value a, Value b) {
  Value args[] = {a, b};
  return append1(make(op, t), args);
}
Value FunctionBuilder::icmp(IntCC cc, Value a, Value b) {
  InstData d = make(Opcode::Icmp, f_.value_type(a));
  d.code = static_cast<uint8_t>(cc);
  Value args[] = {a, b};
  return append1(d, args);
}
Value FunctionBuilder::fcmp(FloatCC cc, Value a, Value b) {
  InstData d = make(Opcode::Fcmp, f_.value_type(a));
  d.code = static_cast<uint8_t>(cc);
  Value args[] = {a, b};
  return append1(d, args);
}
Value FunctionBuilder::select(Value c, Value a, Value b) {
  Value args[] = {c, a, b};
  return append1(make(Opcode::Select, f_.value_type(a)), args);
}
Value FunctionBuilder::load(Type t, Value ptr, int32_t offset) {
  InstData d = make(Opcode::Load, t);
  d.imm = static_cast<uint64_t>(static_cast<int64_t>(offset));
  Value args[] = {ptr};
  return append1(d, args);
}
void FunctionBuilder::store(Value x, Value ptr, int32_t offset) {
  InstData d = make(Opcode::Store, f_.value_type(x));
  d.imm = static_cast<uint64_t>(static_cast<int64_t>(offset));
  Value args[] = {x, ptr};
  append(d, args);
}
Value FunctionBuilder::heap_load(Type t, MemAccess access, uint32_t memory,
                                 Value base, Value index, uint64_t offset) {
  InstData d = make(Opcode::HeapLoad, t);
  d.code = static_cast<uint8_t>(access);
  d.aux = memory;
  d.imm = offset;
  Value args[] = {base, index};
  return append1(d, args);
}
void FunctionBuilder::heap_store(MemAccess access, uint32_t memory, Value x,
                                 Value base, Value index, uint64_t offset) {
  InstData d = make(Opcode::HeapStore, f_.value_type(x));
  d.code = static_cast<uint8_t>(access);
  d.aux = memory;
  d.imm = offset;
  Value args[] = {x, base, index};
  append(d, args);
}
void FunctionBuilder::heap_bounds_check(uint32_t memory, Value index,
                                        Value bound, uint64_t size) {
  InstData d = make(Opcode::HeapBoundsCheck);
  d.aux = memory;
  d.imm = size;
  Value args[] = {index, bound};
  append(d, args);
}
void FunctionBuilder::jump(Block target, std::span<const Value> args) {
  Block targets[] = {target};
  std::vector<Value> a[] = {{args.begin(), args.end()}};
  append(make(Opcode::Jump), {}, targets, a);
}
void FunctionBuilder::brif(Value c, Block then_block,
                           std::span<const Value> then_args, Block else_block,
                           std::span<const Value> else_args) {
  Block targets[] = {then_block, else_block};
  std::vector<Value> a[] = {{then_args.begin(), then_args.end()},
                            {else_args.begin(), else_args.end()}};
  Value args[] = {c};
  append(make(Opcode::Brif), args, targets, a);
}
void FunctionBuilder::br_table(Value index, std::span<const Block> targets,
                               std::span<const std::vector<Value>> args) {
  Value a[] = {index};
  append(make(Opcode::BrTable), a, targets, args);
}
void FunctionBuilder::ret(std::span<const Value> values) {
  append(make(Opcode::Return), values);
}
void FunctionBuilder::trap(TrapCode code) {
  InstData d = make(Opcode::Trap);
  d.code = static_cast<uint8_t>(code);
  append(d, {});
}
void FunctionBuilder::trapz(Value c, TrapCode code) {
  InstData d = make(Opcode::Trapz);
  d.code = static_cast<uint8_t>(code);
  Value args[] = {c};
  append(d, args);
}
void FunctionBuilder::trapnz(Value c, TrapCode code) {
  InstData d = make(Opcode::Trapnz);
  d.code = static_cast<uint8_t>(code);
  Value args[] = {c};
  append(d, args);
}
std::span<const Value> FunctionBuilder::call(uint32_t func_index, SigRef sig,
                                             std::span<const Value> args) {
  InstData d = make(Opcode::Call);
  d.aux = sig.index;
  d.imm = func_index;
  return f_.results(append(d, args));
}
std::span<const Value> FunctionBuilder::call_indirect(
    SigRef sig, Value callee, std::span<const Value> args) {
  InstData d = make(Opcode::CallIndirect);
  d.aux = sig.index;
  std::vector<Value> all;
  all.push_back(callee);
  all.insert(all.end(), args.begin(), args.end());
  return f_.results(append(d, all));
}
std::span<const Value> FunctionBuilder::libcall(LibCall id, SigRef sig,
                                                std::span<const Value> args) {
  InstData d = make(Opcode::LibCallOp);
  d.aux = sig.index;
  d.code = static_cast<uint8_t>(id);
  return f_.results(append(d, args));
}

}  // namespace heron::ir
