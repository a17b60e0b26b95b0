// SsaBuilder: Braun et al.'s on-the-fly SSA construction (see the header).
#include "translate/ssa_builder.h"

#include "heron/error.h"

namespace heron {

void SsaBuilder::reset(ir::Function* f, std::span<const ir::Type> types,
                       DefaultValue default_value) {
  f_ = f;
  types_.assign(types.begin(), types.end());
  default_value_ = std::move(default_value);
  for (size_t i = 0; i < num_blocks_; ++i) {
    blocks_[i].sealed = false;
    blocks_[i].preds.clear();
    blocks_[i].incomplete.clear();
  }
  num_blocks_ = 0;
  defs_.clear();
  replaced_.clear();
  stack_.clear();
}

void SsaBuilder::declare_block(ir::Block b, bool sealed) {
  if (b.index >= blocks_.size()) blocks_.resize(b.index + 1);
  if (b.index >= num_blocks_) num_blocks_ = b.index + 1;
  blocks_[b.index].sealed = sealed;
}

void SsaBuilder::add_edge(ir::Block from, ir::Inst branch, uint32_t n,
                          ir::Block to) {
  BlockState& s = blocks_[to.index];
  if (s.sealed) fatal_invariant("SsaBuilder: edge into a sealed block");
  s.preds.push_back(Edge{from, branch, n});
}

void SsaBuilder::seal(ir::Block b) {
  // Filling a parameter never adds another one to `b` (lookups of the same
  // variable find it), so the list is stable while we walk it.
  for (size_t k = 0; k < blocks_[b.index].incomplete.size(); ++k) {
    auto [var, param] = blocks_[b.index].incomplete[k];
    run(var, Frame{Frame::Phase::Operands, b, param, 0});
  }
  blocks_[b.index].incomplete.clear();
  blocks_[b.index].sealed = true;
}

void SsaBuilder::def_var(uint32_t var, ir::Block b, ir::Value v) {
  defs_[key(var, b)] = v;
}

ir::Value SsaBuilder::use_var(uint32_t var, ir::Block b) {
  if (ir::Value v = lookup(var, b); v.valid()) return v;
  return run(var, Frame{Frame::Phase::Lookup, b, ir::Value(), 0});
}

ir::Value SsaBuilder::resolve(ir::Value v) {
  ir::Value r = v;
  while (r.index < replaced_.size() && replaced_[r.index].valid()) {
    r = replaced_[r.index];
  }
  // Path compression: later lookups take one step.
  for (ir::Value x = v; x != r;) {
    ir::Value next = replaced_[x.index];
    replaced_[x.index] = r;
    x = next;
  }
  return r;
}

ir::Value SsaBuilder::lookup(uint32_t var, ir::Block b) {
  ir::Value* v = defs_.find(key(var, b));
  if (!v) return ir::Value();
  *v = resolve(*v);
  return *v;
}

ir::Value SsaBuilder::new_param(uint32_t var, ir::Block b) {
  return f_->append_block_param(b, types_[var]);
}

// The lookup machine. `result` carries the value a finished frame computed
// to the frame below it, like a return value.
ir::Value SsaBuilder::run(uint32_t var, Frame start) {
  stack_.clear();
  stack_.push_back(start);
  ir::Value result;
  while (!stack_.empty()) {
    Frame& fr = stack_.back();
    switch (fr.phase) {
      case Frame::Phase::Lookup: {
        ir::Block b = fr.block;
        if (ir::Value v = lookup(var, b); v.valid()) {
          result = v;
          stack_.pop_back();
          break;
        }
        BlockState& s = blocks_[b.index];
        if (!s.sealed) {
          result = new_param(var, b);
          s.incomplete.emplace_back(var, result);
          def_var(var, b, result);
          stack_.pop_back();
        } else if (s.preds.empty()) {
          result = default_value_(var);
          def_var(var, b, result);
          stack_.pop_back();
        } else if (s.preds.size() == 1) {
          fr.phase = Frame::Phase::AfterSinglePred;
          ir::Block pred = s.preds[0].from;
          stack_.push_back(Frame{Frame::Phase::Lookup, pred, ir::Value(), 0});
        } else {
          // Defined before asking the predecessors: a cycle back to `b`
          // finds the parameter and ends there.
          fr.param = new_param(var, b);
          def_var(var, b, fr.param);
          fr.phase = Frame::Phase::Operands;
          fr.next = 0;
        }
        break;
      }
      case Frame::Phase::AfterSinglePred:
        def_var(var, fr.block, result);
        stack_.pop_back();
        break;
      case Frame::Phase::Operands: {
        const BlockState& s = blocks_[fr.block.index];
        if (fr.next > 0) {
          const Edge& e = s.preds[fr.next - 1];
          f_->append_call_arg(e.branch, e.n, result);
        }
        if (fr.next < s.preds.size()) {
          ir::Block pred = s.preds[fr.next].from;
          ++fr.next;
          stack_.push_back(Frame{Frame::Phase::Lookup, pred, ir::Value(), 0});
          break;
        }
        ir::Block b = fr.block;
        result = try_remove_trivial(b, fr.param);
        if (result != fr.param) def_var(var, b, result);
        stack_.pop_back();
        break;
      }
    }
  }
  return result;
}

uint32_t SsaBuilder::param_index(ir::Block b, ir::Value param) const {
  auto params = f_->block_params(b);
  for (uint32_t k = 0; k < params.size(); ++k) {
    if (params[k] == param) return k;
  }
  fatal_invariant("SsaBuilder: not a parameter of the block");
}

ir::Value SsaBuilder::try_remove_trivial(ir::Block b, ir::Value param) {
  const BlockState& s = blocks_[b.index];
  uint32_t k = param_index(b, param);
  ir::Value same;
  for (const Edge& e : s.preds) {
    const ir::BlockCall& call = f_->calls(e.branch)[e.n];
    ir::Value arg = resolve(f_->call_args(call)[k]);
    if (arg == param || arg == same) continue;
    if (same.valid()) return param;  // two distinct incoming values
    same = arg;
  }
  // Only itself flows in: the block is unreachable from the entry. Keep it.
  if (!same.valid()) return param;
  for (const Edge& e : s.preds) f_->remove_call_arg(e.branch, e.n, k);
  f_->remove_block_param(b, k);
  if (replaced_.size() <= param.index) replaced_.resize(param.index + 1);
  replaced_[param.index] = same;
  return same;
}

void SsaBuilder::finish() {
  ir::Block entry = f_->entry_block();
  std::vector<ir::Value> params;
  for (bool changed = true; changed;) {
    changed = false;
    for (ir::Block b = entry; b.valid(); b = f_->next_block(b)) {
      if (b == entry) continue;
      auto ps = f_->block_params(b);
      params.assign(ps.begin(), ps.end());
      for (ir::Value p : params) {
        if (try_remove_trivial(b, p) != p) changed = true;
      }
    }
  }
  if (replaced_.empty()) return;
  std::vector<ir::Value> subst(f_->num_values());
  for (uint32_t i = 0; i < replaced_.size() && i < subst.size(); ++i) {
    if (replaced_[i].valid()) subst[i] = resolve(ir::Value(i));
  }
  f_->substitute_uses(subst);
}

void SsaBuilder::DefMap::clear() {
  size_ = 0;
  if (++epoch_ == 0) {  // wrapped: forget every stamp
    for (Slot& s : slots_) s.epoch = 0;
    epoch_ = 1;
  }
}

ir::Value* SsaBuilder::DefMap::find(uint64_t key) {
  if (slots_.empty()) return nullptr;
  const size_t mask = slots_.size() - 1;
  for (size_t i = home(key);; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.epoch != epoch_) return nullptr;
    if (s.key == key) return &s.value;
  }
}

ir::Value& SsaBuilder::DefMap::operator[](uint64_t key) {
  if (ir::Value* v = find(key)) return *v;
  if (2 * (size_ + 1) > slots_.size()) grow();
  const size_t mask = slots_.size() - 1;
  size_t i = home(key);
  while (slots_[i].epoch == epoch_) i = (i + 1) & mask;
  size_++;
  slots_[i] = Slot{key, ir::Value(), epoch_};
  return slots_[i].value;
}

void SsaBuilder::DefMap::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  const size_t n = old.empty() ? 64 : 2 * old.size();
  slots_.assign(n, Slot{});
  shift_ = 64 - uint32_t(__builtin_ctzll(n));
  const uint32_t live = epoch_;
  epoch_ = 1;
  const size_t mask = n - 1;
  for (const Slot& s : old) {
    if (s.epoch != live) continue;
    size_t i = home(s.key);
    while (slots_[i].epoch == epoch_) i = (i + 1) & mask;
    slots_[i] = s;
    slots_[i].epoch = epoch_;
  }
}

}  // namespace heron
