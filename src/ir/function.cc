// Function: arenas, layout lists and the in-place rewrites passes use.
#include "ir/function.h"

#include "heron/error.h"

namespace heron::ir {

SigRef Function::add_signature(Signature sig) {
  sigs_.push_back(std::move(sig));
  return SigRef(static_cast<uint32_t>(sigs_.size() - 1));
}

Value Function::reserve_value(uint32_t index) {
  if (values_.size() <= index) values_.resize(index + 1);
  return Value(index);
}

Value Function::vmctx_value() const {
  if (!first_block_.valid()) return Value();
  const auto& params = blocks_[first_block_.index].params;
  for (size_t i = 0; i < signature.params.size() && i < params.size(); ++i) {
    if (signature.params[i].purpose == ParamPurpose::VMContext) {
      return params[i];
    }
  }
  return Value();
}

Block Function::create_block() {
  blocks_.emplace_back();
  return Block(static_cast<uint32_t>(blocks_.size() - 1));
}

Value Function::append_block_param(Block b, Type t) {
  Value v(static_cast<uint32_t>(values_.size()));
  values_.emplace_back();
  attach_block_param(b, v, t);
  return v;
}

void Function::attach_block_param(Block b, Value v, Type t) {
  ValueData& d = values_[v.index];
  if (d.def != ValueDef::None) fatal_invariant("value attached twice");
  auto& params = blocks_[b.index].params;
  d = ValueData{t, ValueDef::Param, b.index,
                static_cast<uint32_t>(params.size())};
  params.push_back(v);
}

void Function::append_block(Block b) {
  BlockData& d = blocks_[b.index];
  if (d.in_layout) fatal_invariant("block inserted twice");
  d.in_layout = true;
  d.prev = last_block_;
  d.next = Block();
  if (last_block_.valid()) {
    blocks_[last_block_.index].next = b;
  } else {
    first_block_ = b;
  }
  last_block_ = b;
}

void Function::remove_block(Block b) {
  BlockData& d = blocks_[b.index];
  if (!d.in_layout) return;
  for (Inst i = d.first; i.valid();) {
    Inst next = insts_[i.index].next;
    InstData& id = insts_[i.index];
    id.block = Block();
    id.prev = id.next = Inst();
    i = next;
  }
  d.first = d.last = Inst();
  if (d.prev.valid()) {
    blocks_[d.prev.index].next = d.next;
  } else {
    first_block_ = d.next;
  }
  if (d.next.valid()) {
    blocks_[d.next.index].prev = d.prev;
  } else {
    last_block_ = d.prev;
  }
  d.prev = d.next = Block();
  d.in_layout = false;
}

std::vector<Block> Function::layout_blocks() const {
  std::vector<Block> out;
  for (Block b = first_block_; b.valid(); b = blocks_[b.index].next) {
    out.push_back(b);
  }
  return out;
}

uint32_t Function::push_values(std::span<const Value> vs) {
  uint32_t start = static_cast<uint32_t>(pool_.size());
  pool_.insert(pool_.end(), vs.begin(), vs.end());
  return start;
}

Inst Function::create_inst(const InstData& data, std::span<const Value> args,
                           std::span<const Block> targets,
                           std::span<const std::vector<Value>> target_args) {
  InstData d = data;
  d.args = push_values(args);
  d.num_args = static_cast<uint32_t>(args.size());
  d.calls = static_cast<uint32_t>(call_pool_.size());
  d.num_calls = static_cast<uint32_t>(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    BlockCall c;
    c.block = targets[i];
    if (i < target_args.size()) {
      c.args = push_values(target_args[i]);
      c.num_args = static_cast<uint32_t>(target_args[i].size());
    }
    call_pool_.push_back(c);
  }
  d.results = 0;
  d.num_results = 0;
  d.block = Block();
  d.prev = d.next = Inst();
  insts_.push_back(d);
  return Inst(static_cast<uint32_t>(insts_.size() - 1));
}

std::vector<Type> Function::expected_result_types(Inst i) const {
  const InstData& d = insts_[i.index];
  const OpcodeInfo& info = opcode_info(d.opcode);
  if (info.results == 0) return {};
  if (info.results == kVarResults) {
    if (d.aux >= sigs_.size()) return {};
    return sigs_[d.aux].results;
  }
  if (d.opcode == Opcode::Icmp || d.opcode == Opcode::Fcmp) {
    return {Type::I32};
  }
  return {d.type};
}

void Function::make_results(Inst i) {
  auto make = [&](Type t) {
    Value v(static_cast<uint32_t>(values_.size()));
    values_.emplace_back();
    attach_result(i, v, t);
  };
  // The fixed-result cases of expected_result_types, without building a
  // vector for the one type (this runs for every instruction created).
  const InstData& d = insts_[i.index];
  const OpcodeInfo& info = opcode_info(d.opcode);
  if (info.results == 0) return;
  if (info.results != kVarResults) {
    const bool cmp = d.opcode == Opcode::Icmp || d.opcode == Opcode::Fcmp;
    make(cmp ? Type::I32 : d.type);
    return;
  }
  for (Type t : expected_result_types(i)) make(t);
}

void Function::reserve(size_t insts, size_t values, size_t blocks) {
  insts_.reserve(insts);
  values_.reserve(values);
  blocks_.reserve(blocks);
  pool_.reserve(2 * insts);
}

void Function::attach_result(Inst i, Value v, Type t) {
  InstData& d = insts_[i.index];
  ValueData& vd = values_[v.index];
  if (vd.def != ValueDef::None) fatal_invariant("value attached twice");
  // Results are contiguous in the pool: start a fresh run when the
  // instruction's current run is not at the end of the pool.
  if (d.num_results == 0 || d.results + d.num_results != pool_.size()) {
    uint32_t start = static_cast<uint32_t>(pool_.size());
    for (uint32_t k = 0; k < d.num_results; ++k) {
      pool_.push_back(pool_[d.results + k]);
    }
    d.results = start;
  }
  pool_.push_back(v);
  vd = ValueData{t, ValueDef::Result, i.index, d.num_results};
  ++d.num_results;
}

std::span<const Value> Function::args(Inst i) const {
  const InstData& d = insts_[i.index];
  return {pool_.data() + d.args, d.num_args};
}
std::span<Value> Function::args_mut(Inst i) {
  const InstData& d = insts_[i.index];
  return {pool_.data() + d.args, d.num_args};
}
std::span<const Value> Function::results(Inst i) const {
  const InstData& d = insts_[i.index];
  return {pool_.data() + d.results, d.num_results};
}
Value Function::first_result(Inst i) const {
  const InstData& d = insts_[i.index];
  return d.num_results ? pool_[d.results] : Value();
}
std::span<const BlockCall> Function::calls(Inst i) const {
  const InstData& d = insts_[i.index];
  return {call_pool_.data() + d.calls, d.num_calls};
}
std::span<const Value> Function::call_args(const BlockCall& c) const {
  return {pool_.data() + c.args, c.num_args};
}
std::span<Value> Function::call_args_mut(const BlockCall& c) {
  return {pool_.data() + c.args, c.num_args};
}

void Function::append_inst(Block b, Inst i) {
  InstData& d = insts_[i.index];
  if (d.block.valid()) fatal_invariant("instruction inserted twice");
  BlockData& bd = blocks_[b.index];
  d.block = b;
  d.prev = bd.last;
  d.next = Inst();
  if (bd.last.valid()) {
    insts_[bd.last.index].next = i;
  } else {
    bd.first = i;
  }
  bd.last = i;
}

void Function::insert_inst_before(Inst before, Inst i) {
  InstData& d = insts_[i.index];
  if (d.block.valid()) fatal_invariant("instruction inserted twice");
  InstData& bd = insts_[before.index];
  d.block = bd.block;
  d.prev = bd.prev;
  d.next = before;
  if (bd.prev.valid()) {
    insts_[bd.prev.index].next = i;
  } else {
    blocks_[bd.block.index].first = i;
  }
  bd.prev = i;
}

void Function::remove_inst(Inst i) {
  InstData& d = insts_[i.index];
  if (!d.block.valid()) return;
  BlockData& bd = blocks_[d.block.index];
  if (d.prev.valid()) {
    insts_[d.prev.index].next = d.next;
  } else {
    bd.first = d.next;
  }
  if (d.next.valid()) {
    insts_[d.next.index].prev = d.prev;
  } else {
    bd.last = d.prev;
  }
  d.block = Block();
  d.prev = d.next = Inst();
}

std::vector<Inst> Function::block_insts(Block b) const {
  std::vector<Inst> out;
  for (Inst i = blocks_[b.index].first; i.valid(); i = insts_[i.index].next) {
    out.push_back(i);
  }
  return out;
}

Inst Function::terminator(Block b) const {
  Inst last = blocks_[b.index].last;
  if (last.valid() && is_terminator(insts_[last.index].opcode)) return last;
  return Inst();
}

std::vector<Block> Function::successors(Block b) const {
  std::vector<Block> out;
  Inst t = terminator(b);
  if (!t.valid()) return out;
  for (const BlockCall& c : calls(t)) out.push_back(c.block);
  return out;
}

void Function::append_call_arg(Inst i, uint32_t n, Value v) {
  const InstData& d = insts_[i.index];
  if (n >= d.num_calls) fatal_invariant("append_call_arg: no such target");
  BlockCall& c = call_pool_[d.calls + n];
  // Keep the arguments contiguous: move them to the end of the pool unless
  // they are already there.
  if (c.num_args == 0 || c.args + c.num_args != pool_.size()) {
    uint32_t start = static_cast<uint32_t>(pool_.size());
    for (uint32_t k = 0; k < c.num_args; ++k) {
      pool_.push_back(pool_[c.args + k]);
    }
    c.args = start;
  }
  pool_.push_back(v);
  ++c.num_args;
}

void Function::remove_call_arg(Inst i, uint32_t n, uint32_t k) {
  const InstData& d = insts_[i.index];
  if (n >= d.num_calls) fatal_invariant("remove_call_arg: no such target");
  BlockCall& c = call_pool_[d.calls + n];
  if (k >= c.num_args) fatal_invariant("remove_call_arg: no such argument");
  for (uint32_t j = k; j + 1 < c.num_args; ++j) {
    pool_[c.args + j] = pool_[c.args + j + 1];
  }
  --c.num_args;
}

void Function::remove_block_param(Block b, uint32_t k) {
  auto& params = blocks_[b.index].params;
  if (k >= params.size()) fatal_invariant("remove_block_param: no such param");
  values_[params[k].index] = ValueData();
  params.erase(params.begin() + k);
  for (uint32_t j = k; j < params.size(); ++j) values_[params[j].index].num = j;
}

void Function::rewrite_as_const(Inst i, uint64_t bits) {
  InstData& d = insts_[i.index];
  // The constant has the result's type (icmp's controlling type is its
  // operands').
  if (d.num_results) d.type = values_[pool_[d.results].index].type;
  switch (d.type) {
    case Type::F32:
      d.opcode = Opcode::F32const;
      break;
    case Type::F64:
      d.opcode = Opcode::F64const;
      break;
    default:
      d.opcode = Opcode::Iconst;
      break;
  }
  if (d.type == Type::I32 || d.type == Type::F32) bits &= 0xffffffffu;
  d.imm = bits;
  d.code = 0;
  d.aux = 0;
  d.num_args = 0;
  d.num_calls = 0;
}

void Function::rewrite_as_jump(Inst i, uint32_t n) {
  InstData& d = insts_[i.index];
  if (n >= d.num_calls) fatal_invariant("rewrite_as_jump: no such target");
  d.opcode = Opcode::Jump;
  d.type = Type::Invalid;
  d.code = 0;
  d.num_args = 0;
  d.calls += n;
  d.num_calls = 1;
}

void Function::substitute_uses(std::span<const Value> subst) {
  auto fix = [&](Value& v) {
    // Follow chains (a -> b -> c) so the result is final.
    for (int guard = 0; v.index < subst.size() && subst[v.index].valid() &&
                        subst[v.index] != v && guard < 64;
         ++guard) {
      v = subst[v.index];
    }
  };
  for (Block b = first_block_; b.valid(); b = blocks_[b.index].next) {
    for (Inst i = blocks_[b.index].first; i.valid(); i = insts_[i.index].next) {
      for (Value& v : args_mut(i)) fix(v);
      for (const BlockCall& c : calls(i)) {
        for (Value& v : call_args_mut(c)) fix(v);
      }
    }
  }
}

}  // namespace heron::ir
