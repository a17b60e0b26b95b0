// Control flow: block, loop, if/else, end, br, br_if, br_table, return, and
// the blocks and edges they create (every edge is reported to the
// SsaBuilder, which may add arguments to it later).
#include "runtime/runtime_limits.h"
#include "translate/func_translation.h"

namespace heron {
namespace {

uint32_t block_param_count(const Module& m, const BlockType& type) {
  if (type.kind != BlockType::Kind::Index) return 0;
  return uint32_t(m.types[type.index].composite.func.params.size());
}

}  // namespace

// ---- Blocks and edges

ir::Block FuncTranslation::new_block(std::span<const ir::Type> params) {
  ir::Block b = f_->create_block();
  for (ir::Type t : params) f_->append_block_param(b, t);
  ssa_.declare_block(b, /*sealed=*/false);
  return b;
}

void FuncTranslation::switch_to(ir::Block b) {
  b_->switch_to_block(b);
  invalidate_memory_cache();
}

void FuncTranslation::emit_jump(ir::Block target,
                                std::span<const ir::Value> args) {
  ir::Block from = current_block();
  b_->jump(target, args);
  ssa_.add_edge(from, f_->last_inst(from), 0, target);
}

void FuncTranslation::emit_brif(ir::Value c, ir::Block then_block,
                                std::span<const ir::Value> then_args,
                                ir::Block else_block) {
  ir::Block from = current_block();
  b_->brif(c, then_block, then_args, else_block, {});
  ir::Inst br = f_->last_inst(from);
  ssa_.add_edge(from, br, 0, then_block);
  ssa_.add_edge(from, br, 1, else_block);
}

void FuncTranslation::set_unreachable() {
  reachable_ = false;
  stack_.resize(control_.back().height);
}

// ---- Frames

void FuncTranslation::push_frame(FrameKind kind, bool live,
                                 const BlockType& type, uint32_t height) {
  Control c;
  c.kind = kind;
  c.live = live;
  c.height = height;
  c.types_begin = uint32_t(types_.size());
  switch (type.kind) {
    case BlockType::Kind::Empty:
      break;
    case BlockType::Kind::Value:
      types_.push_back(ir_type(type.value));
      c.num_results = 1;
      break;
    case BlockType::Kind::Index: {
      const FuncType& ft = env_->module().types[type.index].composite.func;
      // The function's own params are locals, not operands of its frame.
      if (kind != FrameKind::Function) {
        for (const ValType& p : ft.params) types_.push_back(ir_type(p));
        c.num_params = uint32_t(ft.params.size());
      }
      for (const ValType& r : ft.results) types_.push_back(ir_type(r));
      c.num_results = uint32_t(ft.results.size());
      break;
    }
  }
  c.saved_begin = uint32_t(saved_.size());
  control_.push_back(c);
}

void FuncTranslation::op_block(const Operator& op) {
  if (!reachable_) {
    push_frame(FrameKind::Block, false, op.imm.block, 0);
    return;
  }
  uint32_t n = block_param_count(env_->module(), op.imm.block);
  push_frame(FrameKind::Block, true, op.imm.block, uint32_t(stack_.size()) - n);
  Control& c = control_.back();
  c.merge = c.target = new_block(results_of(c));
}

void FuncTranslation::op_loop(const Operator& op) {
  if (!reachable_) {
    push_frame(FrameKind::Loop, false, op.imm.block, 0);
    return;
  }
  uint32_t n = block_param_count(env_->module(), op.imm.block);
  uint32_t height = uint32_t(stack_.size()) - n;
  push_frame(FrameKind::Loop, true, op.imm.block, height);
  Control& c = control_.back();
  c.target = new_block(params_of(c));
  emit_jump(c.target, top(n));
  stack_.resize(height);
  switch_to(c.target);
  push_all(f_->block_params(c.target));
  emit_loop_checks();
}

void FuncTranslation::op_if(const Operator& op) {
  if (!reachable_) {
    push_frame(FrameKind::If, false, op.imm.block, 0);
    return;
  }
  ir::Value cond = pop();
  uint32_t n = block_param_count(env_->module(), op.imm.block);
  push_frame(FrameKind::If, true, op.imm.block, uint32_t(stack_.size()) - n);
  // The params stay on the stack for the then arm; the else arm (or the
  // implicit one) gets them from saved_. Both arms have the if's block as
  // their only predecessor, so the values dominate them.
  auto params = top(n);
  saved_.insert(saved_.end(), params.begin(), params.end());
  ir::Block then_block = new_block({});
  ir::Block else_block = new_block({});
  Control& c = control_.back();
  c.merge = c.target = new_block(results_of(c));
  c.else_block = else_block;
  emit_brif(cond, then_block, {}, else_block);
  ssa_.seal(then_block);
  ssa_.seal(else_block);
  switch_to(then_block);
}

void FuncTranslation::op_else() {
  Control& c = control_.back();
  if (c.live) {
    if (reachable_) emit_jump(c.merge, top(c.num_results));
    stack_.resize(c.height);
    push_all({saved_.data() + c.saved_begin, c.num_params});
    switch_to(c.else_block);
    reachable_ = true;
  }
  c.kind = FrameKind::Else;
}

void FuncTranslation::op_end() {
  Control c = control_.back();
  auto finish_frame = [&] {
    types_.resize(c.types_begin);
    saved_.resize(c.saved_begin);
    control_.pop_back();
  };
  if (!c.live) {
    finish_frame();
    return;
  }
  if (c.kind == FrameKind::Loop) {
    // All back edges are known now. Falling out of a loop continues in the
    // current block with the results on the stack.
    ssa_.seal(c.target);
    if (!reachable_) stack_.resize(c.height);
    finish_frame();
    return;
  }
  if (reachable_ && ssa_.num_preds(c.merge) == 0 && c.kind != FrameKind::If) {
    // Nothing branches to the end: it is just the current block going on.
    if (c.kind == FrameKind::Function) b_->ret(top(c.num_results));
    finish_frame();
    return;
  }
  if (reachable_) emit_jump(c.merge, top(c.num_results));
  if (c.kind == FrameKind::If) {
    // No else arm: the params flow to the end unchanged.
    switch_to(c.else_block);
    emit_jump(c.merge, {saved_.data() + c.saved_begin, c.num_params});
  }
  stack_.resize(c.height);
  finish_frame();
  if (ssa_.num_preds(c.merge) == 0) {
    reachable_ = false;
    return;
  }
  ssa_.seal(c.merge);
  switch_to(c.merge);
  reachable_ = true;
  if (c.kind == FrameKind::Function) {
    b_->ret(f_->block_params(c.merge));
    return;
  }
  push_all(f_->block_params(c.merge));
}

// ---- Branches

void FuncTranslation::op_br(uint32_t depth) {
  const Control& c = frame_at_depth(depth);
  emit_jump(c.target, top(branch_arity(c)));
  set_unreachable();
}

void FuncTranslation::op_br_if(uint32_t depth) {
  ir::Value cond = pop();
  const Control& c = frame_at_depth(depth);
  ir::Block next = new_block({});
  emit_brif(cond, c.target, top(branch_arity(c)), next);
  ssa_.seal(next);
  switch_to(next);
}

void FuncTranslation::op_br_table(const Operator& op) {
  ir::Value index = pop();
  const auto& labels = op.imm.labels;
  const Control& def = frame_at_depth(op.imm.index);
  auto args = top(branch_arity(def));
  size_t n = labels.size() + 1;
  table_targets_.clear();
  table_targets_.push_back(def.target);
  for (uint32_t l : labels) table_targets_.push_back(frame_at_depth(l).target);
  if (table_args_.size() < n) table_args_.resize(n);
  for (size_t k = 0; k < n; ++k)
    table_args_[k].assign(args.begin(), args.end());
  ir::Block from = current_block();
  b_->br_table(index, table_targets_, {table_args_.data(), n});
  ir::Inst br = f_->last_inst(from);
  for (uint32_t k = 0; k < n; ++k) {
    ssa_.add_edge(from, br, k, table_targets_[k]);
  }
  set_unreachable();
}

void FuncTranslation::op_return() {
  b_->ret(top(uint32_t(f_->signature.results.size())));
  set_unreachable();
}

// ---- Interruption checks

// The interrupt handle stores the sentinel into stack_limit; a loop that
// never calls must notice it by itself.
void FuncTranslation::emit_loop_checks() {
  ir::Value limit = b_->load(ir::kPointerType, limits_pointer(),
                             int32_t(RuntimeLimits::kStackLimitOffset));
  ir::Value sentinel = iconst64(uint64_t(kInterruptSentinel));
  b_->trapnz(b_->icmp(ir::IntCC::Eq, limit, sentinel), TrapCode::Interrupt);
  if (env_->options().epoch_interruption) emit_epoch_check();
}

void FuncTranslation::emit_epoch_check() {
  ir::Value limits = limits_pointer();
  ir::Value counter_ptr = b_->load(ir::kPointerType, limits,
                                   int32_t(RuntimeLimits::kEpochCounterOffset));
  ir::Value epoch = b_->load(ir::Type::I64, counter_ptr, 0);
  ir::Value deadline = b_->load(ir::Type::I64, limits,
                                int32_t(RuntimeLimits::kEpochDeadlineOffset));
  b_->trapnz(b_->icmp(ir::IntCC::Uge, epoch, deadline), TrapCode::Interrupt);
}

}  // namespace heron
