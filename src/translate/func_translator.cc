// The translator's driver: function setup (signature, locals, the function
// frame), the operator loop and dispatch, hoisted values, and the public
// entry points.
#include "translate/func_translator.h"

#include <algorithm>

#include <fmt/format.h>

#include "format/opcode.h"
#include "ir/verifier.h"
#include "translate/func_translation.h"

namespace heron {
namespace {

// WebAssembly 2.0 without SIMD: the MVP, sign extension, saturating
// conversions, multi-value, bulk memory and reference types. Memory64 and
// multi-memory are accepted too (the IR carries 64-bit indices). Everything
// else (GC, typed function references, exceptions, tail calls, threads,
// wide arithmetic, SIMD) is not translated yet.
bool is_supported(Opcode op) {
  const OpcodeInfo& info = opcode_info(op);
  switch (info.prefix) {
    case 0x00:
      break;
    case 0xFC:
      return info.code <= 0x11;  // saturating truncation, bulk, tables
    default:
      return false;  // GC (0xFB), SIMD (0xFD), threads (0xFE)
  }
  switch (op) {
    case Opcode::Throw:
    case Opcode::ThrowRef:
    case Opcode::TryTable:
    case Opcode::Try:
    case Opcode::Catch:
    case Opcode::Rethrow:
    case Opcode::Delegate:
    case Opcode::CatchAll:
    case Opcode::ReturnCall:
    case Opcode::ReturnCallIndirect:
    case Opcode::CallRef:
    case Opcode::ReturnCallRef:
    case Opcode::RefEq:
    case Opcode::RefAsNonNull:
    case Opcode::BrOnNull:
    case Opcode::BrOnNonNull:
      return false;
    default:
      return true;
  }
}

}  // namespace

Error FuncTranslation::unsupported(const Operator& op) const {
  Error e(ErrorKind::Unsupported,
          fmt::format("unsupported operator {}", opcode_info(op.op).text),
          op.offset);
  e.func = func_index_;
  return e;
}

Result<ir::Function> FuncTranslation::run(const ModuleEnv& env,
                                          uint32_t func_index) {
  const Module& m = env.module();
  if (func_index < m.num_imported_funcs || func_index >= m.funcs.size()) {
    return Error(
        ErrorKind::Usage,
        fmt::format("function {} is not a defined function", func_index));
  }
  env_ = &env;
  func_index_ = func_index;
  const FuncType& type = m.func_type(func_index);
  const FuncBody& body = m.bodies[func_index - m.num_imported_funcs];
  body_offset_ = body.range.offset;

  ir::Function f;
  // Roughly one instruction and one value per body byte or two.
  f.reserve(body.range.size / 2 + 16, body.range.size / 2 + 16,
            body.range.size / 16 + 4);
  f.name = fmt::format("f{}", func_index);
  f.signature = env.signature(m.funcs[func_index]);
  ir::FunctionBuilder builder(f);
  f_ = &f;
  b_ = &builder;
  b_->set_srcloc(body_offset_);

  OperatorReader ops(m, body);
  if (ops.failed()) return *ops.error();
  local_types_.clear();
  for (const ValType& p : type.params) local_types_.push_back(ir_type(p));
  for (const LocalDecl& d : ops.locals()) {
    local_types_.insert(local_types_.end(), d.count, ir_type(d.type));
  }
  auto is_simd = [](ir::Type t) { return t == ir::Type::V128; };
  if (std::any_of(local_types_.begin(), local_types_.end(), is_simd) ||
      std::any_of(f.signature.results.begin(), f.signature.results.end(),
                  is_simd)) {
    Error e(ErrorKind::Unsupported, "unsupported value type v128",
            body_offset_);
    e.func = func_index;
    return e;
  }

  // Per-function scratch.
  stack_.clear();
  control_.clear();
  types_.clear();
  saved_.clear();
  reachable_ = true;
  prologue_end_ = ir::Inst();
  for (ir::Value& z : zeros_) z = ir::Value();
  limits_ = signature_ids_ = ir::Value();
  imported_memory_defs_.assign(m.num_imported_memories, ir::Value());
  imported_table_defs_.assign(m.num_imported_tables, ir::Value());
  imported_global_ptrs_.assign(m.num_imported_globals, ir::Value());
  guard_bases_.assign(m.memories.size(), ir::Value());
  base_cache_.assign(m.memories.size(), ir::Value());
  length_cache_.assign(m.memories.size(), ir::Value());
  wasm_sigs_.clear();
  libcall_sigs_.assign(size_t(ir::LibCall::NearestF64) + 1, ir::SigRef());

  ir::Block entry = b_->create_entry_block();
  vmctx_ = f.block_params(entry)[0];
  ssa_.reset(&f, local_types_,
             [this](uint32_t var) { return zero(local_types_[var]); });
  ssa_.declare_block(entry, /*sealed=*/true);
  for (uint32_t i = 0; i < type.params.size(); ++i) {
    ssa_.def_var(i, entry, f.block_params(entry)[i + 1]);
  }
  if (env.options().epoch_interruption) emit_epoch_check();

  // The function body is the outermost frame; its merge block returns.
  BlockType fn_type = BlockType::type_index(m.funcs[func_index]);
  push_frame(FrameKind::Function, true, fn_type, 0);
  control_.back().merge = new_block(results_of(control_.back()));
  control_.back().target = control_.back().merge;

  Operator op;
  while (!control_.empty() && ops.next(op)) {
    b_->set_srcloc(op.offset);
    if (auto r = translate_operator(op); !r) return std::move(r).error();
  }
  if (ops.failed()) return *ops.error();
  if (!control_.empty()) {
    return Error(ErrorKind::Malformed, "function body ends inside a block",
                 body.range.end());
  }
  ssa_.finish();
#ifndef NDEBUG
  if (auto v = ir::verify(f); !v) return std::move(v).error();
#endif
  f_ = nullptr;
  b_ = nullptr;
  return f;
}

Result<void> FuncTranslation::translate_operator(const Operator& op) {
  if (!is_supported(op.op)) return unsupported(op);
  const Immediates& imm = op.imm;
  switch (op.op) {
    case Opcode::Block:
      op_block(op);
      return {};
    case Opcode::Loop:
      op_loop(op);
      return {};
    case Opcode::If:
      op_if(op);
      return {};
    case Opcode::Else:
      op_else();
      return {};
    case Opcode::End:
      op_end();
      return {};
    default:
      break;
  }
  if (!reachable_) return {};
  switch (op.op) {
    case Opcode::Unreachable:
      b_->trap(TrapCode::Unreachable);
      set_unreachable();
      return {};
    case Opcode::Nop:
      return {};
    case Opcode::Br:
      op_br(imm.index);
      return {};
    case Opcode::BrIf:
      op_br_if(imm.index);
      return {};
    case Opcode::BrTable:
      op_br_table(op);
      return {};
    case Opcode::Return:
      op_return();
      return {};
    case Opcode::Call:
      op_call(imm.index);
      return {};
    case Opcode::CallIndirect:
      // The check compares canonical ids for equality, which is exact only
      // when no subtype of the expected type can exist (a final type).
      if (!env_->module().types[imm.index].final) {
        Error e = unsupported(op);
        e.message += " of a non-final type (GC subtyping)";
        return e;
      }
      op_call_indirect(imm.index, imm.index2);
      return {};
    case Opcode::Drop:
      pop();
      return {};
    case Opcode::Select:
    case Opcode::SelectT: {
      if (op.op == Opcode::SelectT && !imm.types.empty() &&
          ir_type(imm.types[0]) == ir::Type::V128) {
        return unsupported(op);
      }
      ir::Value c = pop();
      ir::Value b = pop();
      ir::Value a = pop();
      if (f_->value_type(a) == ir::Type::V128) return unsupported(op);
      push(b_->select(c, a, b));
      return {};
    }
    case Opcode::LocalGet:
      push(ssa_.use_var(imm.index, current_block()));
      return {};
    case Opcode::LocalSet:
      ssa_.def_var(imm.index, current_block(), pop());
      return {};
    case Opcode::LocalTee:
      ssa_.def_var(imm.index, current_block(), stack_.back());
      return {};
    case Opcode::GlobalGet:
      return op_global_get(op);
    case Opcode::GlobalSet:
      op_global_set(imm.index);
      return {};

    case Opcode::I32Load:
      op_load(op, ir::Type::I32, ir::MemAccess::Full);
      return {};
    case Opcode::I64Load:
      op_load(op, ir::Type::I64, ir::MemAccess::Full);
      return {};
    case Opcode::F32Load:
      op_load(op, ir::Type::F32, ir::MemAccess::Full);
      return {};
    case Opcode::F64Load:
      op_load(op, ir::Type::F64, ir::MemAccess::Full);
      return {};
    case Opcode::I32Load8S:
      op_load(op, ir::Type::I32, ir::MemAccess::S8);
      return {};
    case Opcode::I32Load8U:
      op_load(op, ir::Type::I32, ir::MemAccess::U8);
      return {};
    case Opcode::I32Load16S:
      op_load(op, ir::Type::I32, ir::MemAccess::S16);
      return {};
    case Opcode::I32Load16U:
      op_load(op, ir::Type::I32, ir::MemAccess::U16);
      return {};
    case Opcode::I64Load8S:
      op_load(op, ir::Type::I64, ir::MemAccess::S8);
      return {};
    case Opcode::I64Load8U:
      op_load(op, ir::Type::I64, ir::MemAccess::U8);
      return {};
    case Opcode::I64Load16S:
      op_load(op, ir::Type::I64, ir::MemAccess::S16);
      return {};
    case Opcode::I64Load16U:
      op_load(op, ir::Type::I64, ir::MemAccess::U16);
      return {};
    case Opcode::I64Load32S:
      op_load(op, ir::Type::I64, ir::MemAccess::S32);
      return {};
    case Opcode::I64Load32U:
      op_load(op, ir::Type::I64, ir::MemAccess::U32);
      return {};
    case Opcode::I32Store:
    case Opcode::I64Store:
    case Opcode::F32Store:
    case Opcode::F64Store:
      op_store(op, ir::MemAccess::Full);
      return {};
    case Opcode::I32Store8:
    case Opcode::I64Store8:
      op_store(op, ir::MemAccess::Trunc8);
      return {};
    case Opcode::I32Store16:
    case Opcode::I64Store16:
      op_store(op, ir::MemAccess::Trunc16);
      return {};
    case Opcode::I64Store32:
      op_store(op, ir::MemAccess::Trunc32);
      return {};
    case Opcode::MemorySize:
      op_memory_size(imm.index);
      return {};
    case Opcode::MemoryGrow:
      op_memory_grow(imm.index);
      return {};
    case Opcode::MemoryFill:
      op_memory_fill(imm.index);
      return {};
    case Opcode::MemoryCopy:
      op_memory_copy(imm.index, imm.index2);
      return {};
    case Opcode::MemoryInit:
      op_memory_init(imm.index, imm.index2);
      return {};
    case Opcode::DataDrop:
      op_data_drop(imm.index);
      return {};

    case Opcode::TableGet:
      op_table_get(imm.index);
      return {};
    case Opcode::TableSet:
      op_table_set(imm.index);
      return {};
    case Opcode::TableSize:
      op_table_size(imm.index);
      return {};
    case Opcode::TableGrow:
      op_table_grow(imm.index);
      return {};
    case Opcode::TableFill:
      op_table_fill(imm.index);
      return {};
    case Opcode::TableCopy:
      op_table_copy(imm.index, imm.index2);
      return {};
    case Opcode::TableInit:
      op_table_init(imm.index, imm.index2);
      return {};
    case Opcode::ElemDrop:
      op_elem_drop(imm.index);
      return {};
    case Opcode::RefNull:
      push(zero(ir::kPointerType));
      return {};
    case Opcode::RefIsNull:
      push(b_->icmp(ir::IntCC::Eq, pop(), zero(ir::kPointerType)));
      return {};
    case Opcode::RefFunc:
      op_ref_func(imm.index);
      return {};
    default:
      break;
  }
  if (translate_numeric(op)) return {};
  return unsupported(op);
}

// ---- Hoisted values

ir::Value FuncTranslation::hoist(const ir::InstData& data,
                                 std::span<const ir::Value> args) {
  ir::InstData d = data;
  d.srcloc = body_offset_;
  ir::Inst i = f_->create_inst(d, args);
  f_->make_results(i);
  ir::Block entry = f_->entry_block();
  ir::Inst before = prologue_end_.valid() ? f_->next_inst(prologue_end_)
                                          : f_->first_inst(entry);
  if (before.valid()) {
    f_->insert_inst_before(before, i);
  } else {
    f_->append_inst(entry, i);
  }
  prologue_end_ = i;
  return f_->first_result(i);
}

ir::Value FuncTranslation::hoisted_load(ir::Type t, ir::Value ptr,
                                        int32_t offset) {
  ir::InstData d;
  d.opcode = ir::Opcode::Load;
  d.type = t;
  d.imm = uint64_t(int64_t(offset));
  ir::Value args[] = {ptr};
  return hoist(d, args);
}

ir::Value FuncTranslation::zero(ir::Type t) {
  ir::Value& z = zeros_[size_t(t)];
  if (z.valid()) return z;
  ir::InstData d;
  d.type = t;
  d.opcode = t == ir::Type::F32   ? ir::Opcode::F32const
             : t == ir::Type::F64 ? ir::Opcode::F64const
                                  : ir::Opcode::Iconst;
  z = hoist(d, {});
  return z;
}

ir::Value FuncTranslation::limits_pointer() {
  if (!limits_.valid()) {
    limits_ = hoisted_load(ir::kPointerType, vmctx_,
                           int32_t(VMContextLayout::kLimitsOffset));
  }
  return limits_;
}

ir::Value FuncTranslation::to_i64(ir::Value v) {
  if (f_->value_type(v) == ir::Type::I64) return v;
  return b_->unary(ir::Opcode::Uextend, ir::Type::I64, v);
}

ir::Value FuncTranslation::from_i64(ir::Value v, bool is64) {
  if (is64) return v;
  return b_->unary(ir::Opcode::Ireduce, ir::Type::I32, v);
}

void FuncTranslation::invalidate_memory_cache() {
  for (ir::Value& v : base_cache_) v = ir::Value();
  for (ir::Value& v : length_cache_) v = ir::Value();
}

// ---- Public entry points

FuncTranslator::FuncTranslator()
    : state_(std::make_unique<FuncTranslation>()) {}
FuncTranslator::~FuncTranslator() = default;

Result<ir::Function> FuncTranslator::translate(const ModuleEnv& env,
                                               uint32_t func_index) {
  return state_->run(env, func_index);
}

Result<ir::Function> translate_function(const ModuleEnv& env,
                                        uint32_t func_index) {
  FuncTranslator t;
  return t.translate(env, func_index);
}

}  // namespace heron
