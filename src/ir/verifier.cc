// Verifier: structural checks per block, typing rules per opcode, then
// dominance of every use by its definition (dominator_tree.h). Uses inside
// unreachable blocks are only checked for existence: nothing executes there
// and the unreachable-block pass removes them.
#include "ir/verifier.h"

#include <fmt/format.h>

#include "ir/dominator_tree.h"
#include "ir/printer.h"

namespace heron::ir {
namespace {

// The first failure among checks that were all evaluated (each check is
// safe to run even when an earlier one failed).
Result<void> all_ok(std::initializer_list<Result<void>> checks) {
  for (const Result<void>& r : checks) {
    if (!r) return r.error();
  }
  return {};
}

class Verifier {
 public:
  explicit Verifier(const Function& f) : f_(f), dt_(f) {}

  Result<void> run();

 private:
  Error fail(Block b, Inst i, const std::string& what) const {
    return Error(ErrorKind::Internal,
                 fmt::format("verifier: {}: block{}: inst{} `{}`: {}", f_.name,
                             b.index, i.index, print_inst(f_, i), what));
  }
  Error fail_block(Block b, const std::string& what) const {
    return Error(ErrorKind::Internal, fmt::format("verifier: {}: block{}: {}",
                                                  f_.name, b.index, what));
  }
  Result<void> check_inst(Block b, Inst i);
  Result<void> check_types(Block b, Inst i);
  Result<void> check_use(Block b, Inst i, Value v);

  const Function& f_;
  DominatorTree dt_;
  std::vector<uint32_t> order_;  // position of each inst within its block
};

Result<void> Verifier::run() {
  Block entry = f_.entry_block();
  if (!entry.valid()) {
    return Error(ErrorKind::Internal,
                 fmt::format("verifier: {}: no entry block", f_.name));
  }
  auto params = f_.block_params(entry);
  if (params.size() != f_.signature.params.size()) {
    return fail_block(entry,
                      fmt::format("entry block has {} params, the "
                                  "signature {}",
                                  params.size(), f_.signature.params.size()));
  }
  for (size_t k = 0; k < params.size(); ++k) {
    if (f_.value_type(params[k]) != f_.signature.params[k].type) {
      return fail_block(
          entry,
          fmt::format("entry param v{} has type {}, the "
                      "signature says {}",
                      params[k].index, type_name(f_.value_type(params[k])),
                      type_name(f_.signature.params[k].type)));
    }
  }
  order_.assign(f_.num_insts(), 0);
  for (Block b = entry; b.valid(); b = f_.next_block(b)) {
    uint32_t n = 0;
    for (Inst i = f_.first_inst(b); i.valid(); i = f_.next_inst(i)) {
      order_[i.index] = n++;
    }
  }
  for (Block b = entry; b.valid(); b = f_.next_block(b)) {
    Inst first = f_.first_inst(b);
    if (!first.valid()) return fail_block(b, "empty block");
    for (Inst i = first; i.valid(); i = f_.next_inst(i)) {
      if (f_.inst_block(i) != b) {
        return fail(b, i, "layout links name another block");
      }
      bool last = !f_.next_inst(i).valid();
      bool term = is_terminator(f_.inst(i).opcode);
      if (term && !last) return fail(b, i, "terminator before the block end");
      if (!term && last)
        return fail(b, i, "block does not end in a terminator");
      if (auto r = check_inst(b, i); !r) return r;
    }
  }
  return {};
}

Result<void> Verifier::check_use(Block b, Inst i, Value v) {
  if (!f_.is_valid_value(v)) {
    return fail(b, i, fmt::format("uses undefined value v{}", v.index));
  }
  const ValueData& vd = f_.value(v);
  Block def_block;
  if (vd.def == ValueDef::Param) {
    def_block = Block(vd.owner);
    if (!f_.is_block_inserted(def_block)) {
      return fail(b, i,
                  fmt::format("uses v{}, a param of removed block{}", v.index,
                              def_block.index));
    }
  } else {
    Inst def(vd.owner);
    def_block = f_.inst_block(def);
    if (!def_block.valid()) {
      return fail(b, i,
                  fmt::format("uses v{}, defined by removed inst{}", v.index,
                              def.index));
    }
    if (def_block == b) {
      if (order_[def.index] >= order_[i.index]) {
        return fail(b, i,
                    fmt::format("uses v{} before its definition", v.index));
      }
      return {};
    }
  }
  if (!dt_.is_reachable(b)) return {};
  if (!dt_.dominates(def_block, b)) {
    return fail(b, i,
                fmt::format("use of v{} is not dominated by its "
                            "definition in block{}",
                            v.index, def_block.index));
  }
  return {};
}

Result<void> Verifier::check_inst(Block b, Inst i) {
  const InstData& d = f_.inst(i);
  for (Value v : f_.args(i)) {
    if (auto r = check_use(b, i, v); !r) return r;
  }
  // Results.
  auto expected = f_.expected_result_types(i);
  auto results = f_.results(i);
  if (results.size() != expected.size()) {
    return fail(b, i,
                fmt::format("has {} results, expected {}", results.size(),
                            expected.size()));
  }
  for (size_t k = 0; k < results.size(); ++k) {
    if (f_.value_type(results[k]) != expected[k]) {
      return fail(
          b, i,
          fmt::format("result v{} has type {}, expected {}", results[k].index,
                      type_name(f_.value_type(results[k])),
                      type_name(expected[k])));
    }
  }
  // Branch targets.
  for (const BlockCall& c : f_.calls(i)) {
    if (!c.block.valid() || c.block.index >= f_.num_blocks() ||
        !f_.is_block_inserted(c.block)) {
      return fail(
          b, i,
          fmt::format("branches to block{}, not in the layout", c.block.index));
    }
    if (c.block == f_.entry_block()) {
      return fail(b, i, "branches to the entry block");
    }
    auto params = f_.block_params(c.block);
    auto cargs = f_.call_args(c);
    if (params.size() != cargs.size()) {
      return fail(b, i,
                  fmt::format("passes {} arguments to block{}, which "
                              "has {} params",
                              cargs.size(), c.block.index, params.size()));
    }
    for (size_t k = 0; k < cargs.size(); ++k) {
      if (auto r = check_use(b, i, cargs[k]); !r) return r;
      if (f_.value_type(cargs[k]) != f_.value_type(params[k])) {
        return fail(
            b, i,
            fmt::format("argument v{} of type {} for block{} "
                        "param v{} of type {}",
                        cargs[k].index, type_name(f_.value_type(cargs[k])),
                        c.block.index, params[k].index,
                        type_name(f_.value_type(params[k]))));
      }
    }
  }
  (void)d;
  return check_types(b, i);
}

Result<void> Verifier::check_types(Block b, Inst i) {
  const InstData& d = f_.inst(i);
  auto args = f_.args(i);
  Type t = d.type;
  auto ty = [&](size_t k) { return f_.value_type(args[k]); };
  auto want_args = [&](size_t n) -> Result<void> {
    if (args.size() != n) {
      return fail(b, i,
                  fmt::format("has {} operands, expected {}", args.size(), n));
    }
    return {};
  };
  auto want_type = [&](size_t k, Type want) -> Result<void> {
    if (k >= args.size()) return fail(b, i, "missing operand");
    if (ty(k) != want) {
      return fail(
          b, i,
          fmt::format("operand {} (v{}) has type {}, expected {}", k,
                      args[k].index, type_name(ty(k)), type_name(want)));
    }
    return {};
  };
  auto want_ctrl = [&](bool ok) -> Result<void> {
    if (!ok) {
      return fail(b, i,
                  fmt::format("invalid controlling type {}", type_name(t)));
    }
    return {};
  };
  auto want_sig = [&]() -> Result<void> {
    if (d.aux >= f_.num_signatures()) {
      return fail(b, i, fmt::format("no signature sig{}", d.aux));
    }
    const Signature& s = f_.sig(SigRef(d.aux));
    size_t skip = d.opcode == Opcode::CallIndirect ? 1 : 0;
    if (args.size() != s.params.size() + skip) {
      return fail(b, i,
                  fmt::format("passes {} arguments, sig{} has {}",
                              args.size() - skip, d.aux, s.params.size()));
    }
    for (size_t k = 0; k < s.params.size(); ++k) {
      if (auto r = want_type(k + skip, s.params[k].type); !r) return r;
    }
    return {};
  };
  switch (d.opcode) {
    case Opcode::Iconst:
      return want_ctrl(is_int(t));
    case Opcode::F32const:
      return want_ctrl(t == Type::F32);
    case Opcode::F64const:
      return want_ctrl(t == Type::F64);
    case Opcode::Iadd:
    case Opcode::Isub:
    case Opcode::Imul:
    case Opcode::Sdiv:
    case Opcode::Udiv:
    case Opcode::Srem:
    case Opcode::Urem:
    case Opcode::Band:
    case Opcode::Bor:
    case Opcode::Bxor:
    case Opcode::Ishl:
    case Opcode::Sshr:
    case Opcode::Ushr:
    case Opcode::Rotl:
    case Opcode::Rotr:
      return all_ok({want_ctrl(is_int(t)), want_args(2), want_type(0, t),
                     want_type(1, t)});
    case Opcode::Fadd:
    case Opcode::Fsub:
    case Opcode::Fmul:
    case Opcode::Fdiv:
    case Opcode::Fmin:
    case Opcode::Fmax:
    case Opcode::Fcopysign:
      return all_ok({want_ctrl(is_float(t)), want_args(2), want_type(0, t),
                     want_type(1, t)});
    case Opcode::Clz:
    case Opcode::Ctz:
    case Opcode::Popcnt:
    case Opcode::Sext8:
    case Opcode::Sext16:
      return all_ok({want_ctrl(is_int(t)), want_args(1), want_type(0, t)});
    case Opcode::Sext32:
      return all_ok({want_ctrl(t == Type::I64), want_args(1), want_type(0, t)});
    case Opcode::Sextend:
    case Opcode::Uextend:
      return all_ok(
          {want_ctrl(t == Type::I64), want_args(1), want_type(0, Type::I32)});
    case Opcode::Ireduce:
      return all_ok(
          {want_ctrl(t == Type::I32), want_args(1), want_type(0, Type::I64)});
    case Opcode::Fabs:
    case Opcode::Fneg:
    case Opcode::Sqrt:
    case Opcode::Ceil:
    case Opcode::Floor:
    case Opcode::Trunc:
    case Opcode::Nearest:
      return all_ok({want_ctrl(is_float(t)), want_args(1), want_type(0, t)});
    case Opcode::Fpromote:
      return all_ok(
          {want_ctrl(t == Type::F64), want_args(1), want_type(0, Type::F32)});
    case Opcode::Fdemote:
      return all_ok(
          {want_ctrl(t == Type::F32), want_args(1), want_type(0, Type::F64)});
    case Opcode::FcvtToSint:
    case Opcode::FcvtToUint:
    case Opcode::FcvtToSintSat:
    case Opcode::FcvtToUintSat:
      if (auto r = all_ok({want_ctrl(is_int(t)), want_args(1)}); !r) return r;
      if (!is_float(ty(0))) return fail(b, i, "operand must be a float");
      return {};
    case Opcode::FcvtFromSint:
    case Opcode::FcvtFromUint:
      if (auto r = all_ok({want_ctrl(is_float(t)), want_args(1)}); !r) return r;
      if (!is_int(ty(0))) return fail(b, i, "operand must be an integer");
      return {};
    case Opcode::Bitcast:
      if (auto r = all_ok({want_ctrl(is_int(t) || is_float(t)), want_args(1)});
          !r) {
        return r;
      }
      if (type_bits(ty(0)) != type_bits(t) || is_int(ty(0)) == is_int(t)) {
        return fail(b, i, "bitcast between an int and a float of one width");
      }
      return {};
    case Opcode::Icmp:
      if (auto r = want_ctrl(is_int(t)); !r) return r;
      if (d.code > static_cast<uint8_t>(IntCC::Uge)) {
        return fail(b, i, "bad condition code");
      }
      return all_ok({want_args(2), want_type(0, t), want_type(1, t)});
    case Opcode::Fcmp:
      if (auto r = want_ctrl(is_float(t)); !r) return r;
      if (d.code > static_cast<uint8_t>(FloatCC::Ge)) {
        return fail(b, i, "bad condition code");
      }
      return all_ok({want_args(2), want_type(0, t), want_type(1, t)});
    case Opcode::Select:
      return all_ok({want_ctrl(t != Type::Invalid), want_args(3),
                     want_type(0, Type::I32), want_type(1, t),
                     want_type(2, t)});
    case Opcode::Load:
      return all_ok({want_ctrl(t != Type::Invalid), want_args(1),
                     want_type(0, kPointerType)});
    case Opcode::Store:
      return all_ok(
          {want_args(2), want_type(0, t), want_type(1, kPointerType)});
    case Opcode::HeapLoad:
    case Opcode::HeapStore: {
      bool load = d.opcode == Opcode::HeapLoad;
      auto access = static_cast<MemAccess>(d.code);
      if (d.code > static_cast<uint8_t>(MemAccess::Trunc32) ||
          (load ? !is_load_access(access) : !is_store_access(access)) ||
          (access != MemAccess::Full &&
           (!is_int(t) || mem_access_bytes(access, t) * 8 >= type_bits(t)))) {
        return fail(b, i, "bad access width for the type");
      }
      size_t base = load ? 0 : 1;
      if (auto r = all_ok({want_args(base + 2),
                           load ? Result<void>() : want_type(0, t),
                           want_type(base, kPointerType)});
          !r) {
        return r;
      }
      if (!is_int(ty(base + 1))) return fail(b, i, "index must be an integer");
      return {};
    }
    case Opcode::HeapBoundsCheck:
      if (auto r = want_args(2); !r) return r;
      if (!is_int(ty(0))) return fail(b, i, "index must be an integer");
      return want_type(1, Type::I64);
    case Opcode::Jump:
      if (f_.calls(i).size() != 1) return fail(b, i, "needs one target");
      return want_args(0);
    case Opcode::Brif:
      if (f_.calls(i).size() != 2) return fail(b, i, "needs two targets");
      return all_ok({want_args(1), want_type(0, Type::I32)});
    case Opcode::BrTable:
      if (f_.calls(i).empty()) return fail(b, i, "needs a default target");
      return all_ok({want_args(1), want_type(0, Type::I32)});
    case Opcode::Return: {
      const auto& res = f_.signature.results;
      if (auto r = want_args(res.size()); !r) return r;
      for (size_t k = 0; k < res.size(); ++k) {
        if (auto r = want_type(k, res[k]); !r) return r;
      }
      return {};
    }
    case Opcode::Trap:
      if (d.code >= kNumTrapCodes) {
        return fail(b, i, "bad trap code");
      }
      return want_args(0);
    case Opcode::Trapz:
    case Opcode::Trapnz:
      if (d.code >= kNumTrapCodes) {
        return fail(b, i, "bad trap code");
      }
      return all_ok({want_args(1), want_type(0, Type::I32)});
    case Opcode::Call:
      return want_sig();
    case Opcode::CallIndirect:
      if (args.empty()) return fail(b, i, "needs a callee");
      return all_ok({want_type(0, kPointerType), want_sig()});
    case Opcode::LibCallOp:
      if (d.code > static_cast<uint8_t>(LibCall::NearestF64)) {
        return fail(b, i, "bad library call id");
      }
      return want_sig();
  }
  return fail(b, i, "unknown opcode");
}

}  // namespace

Result<void> verify(const Function& f) { return Verifier(f).run(); }

}  // namespace heron::ir
