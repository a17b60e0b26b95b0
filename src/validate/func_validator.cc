// FuncValidator: decodes and validates one function body (or constant
// expression) in a single pass, with the algorithm of the spec's appendix
// ("Validation Algorithm"): a stack of operand types where an unknown type
// (ValKind::Bot) stands for anything, a stack of control frames that remember
// the operand height at their start, and an `unreachable` flag per frame that
// makes the operand stack polymorphic after br, return, throw...
//
// Validation is on the hot path of loading a module (V8 does the same), so
// the loop reads immediates inline from the BinaryReader, switches on the
// opcode, never allocates per instruction (stacks and scratch vectors are
// reused from body to body) and handles the hundreds of fixed-signature
// instructions with one table-driven case (func_validator_sigs.cc).
//
// Errors: the first one wins. Decoding errors are Malformed, typing errors
// Invalid. Because the spec decodes a whole module before validating it, a
// body with a typing error is re-scanned for a later decoding error, which
// then takes precedence (scan_malformed).
#include <cinttypes>
#include <cstdio>
#include <string>

#include "validate/func_validator_impl.h"

namespace heron {
namespace fv {

DecodeTables::DecodeTables() {
  std::fill(std::begin(single), std::end(single), int16_t(-1));
  std::fill(std::begin(single_sig), std::end(single_sig), nullptr);
  const OpSig* sigs = plain_op_sigs();
  for (size_t i = 0; i < size_t(Opcode::Count_); ++i) {
    const OpcodeInfo& info = opcode_info(Opcode(i));
    if (info.prefix == 0) {
      single[info.code] = int16_t(i);
      if (sigs[i].shape != SigShape::None) single_sig[info.code] = &sigs[i];
    } else {
      auto& v = prefixed[info.prefix - 0xFB];
      if (v.size() <= info.code) v.resize(info.code + 1, -1);
      v[info.code] = int16_t(i);
    }
  }
}

const DecodeTables& decode_tables() {
  static const DecodeTables t;
  return t;
}

}  // namespace fv

namespace {

// The byte of a single-byte opcode, for case labels; using it on a prefixed
// opcode does not compile (the array read below is out of bounds).
constexpr uint8_t kOpPrefix[] = {
#define HERON_OP(e, p, c, t, i) uint8_t(p),
#include "format/opcodes.def"
#undef HERON_OP
};
constexpr uint32_t kOpCode[] = {
#define HERON_OP(e, p, c, t, i) uint32_t(c),
#include "format/opcodes.def"
#undef HERON_OP
};
consteval uint8_t op_byte(Opcode op) {
  constexpr uint8_t kNotASingleByteOpcode[1] = {0};
  const size_t i = size_t(op);
  return kOpPrefix[i] == 0 ? uint8_t(kOpCode[i]) : kNotASingleByteOpcode[i + 1];
}

}  // namespace

// ---------------------------------------------------------------------------
// Operand stack

void FuncValidator::Impl::type_mismatch(const ValType* expected, uint32_t n,
                                        uint32_t k) {
  const ValType* top = vals_.data() + vals_.size() - k;
  invalid("type mismatch: instruction requires " + types_string(expected, n) +
          " but stack has " + types_string(top, k));
}

bool FuncValidator::Impl::pop_vals_slow(const ValType* expected, uint32_t n) {
  Ctrl& c = top();
  const uint32_t avail = uint32_t(vals_.size()) - c.height;
  const uint32_t k = std::min(avail, n);
  bool good = k == n || c.unreachable;
  const ValType* top = vals_.data() + vals_.size() - k;
  const ValType* exp = expected + (n - k);
  for (uint32_t i = 0; good && i < k; ++i) good = matches(top[i], exp[i]);
  if (!good) {
    type_mismatch(expected, n, k);
    return false;
  }
  vals_.resize(vals_.size() - k);
  return true;
}

bool FuncValidator::Impl::peek_vals_slow(const ValType* expected, uint32_t n) {
  Ctrl& c = top();
  const uint32_t avail = uint32_t(vals_.size()) - c.height;
  const uint32_t k = std::min(avail, n);
  bool good = k == n || c.unreachable;
  const ValType* top = vals_.data() + vals_.size() - k;
  const ValType* exp = expected + (n - k);
  for (uint32_t i = 0; good && i < k; ++i) good = matches(top[i], exp[i]);
  if (!good) type_mismatch(expected, n, k);
  return good;
}

ValType FuncValidator::Impl::pop_any() {
  Ctrl& c = top();
  if (vals_.size() == c.height) {
    if (!c.unreachable)
      invalid("type mismatch: instruction requires a value but stack has []");
    return ValType::bot();
  }
  ValType t = vals_.back();
  vals_.pop_back();
  return t;
}

ValType FuncValidator::Impl::pop_ref() {
  Ctrl& c = top();
  if (vals_.size() == c.height) {
    if (!c.unreachable)
      invalid(
          "type mismatch: instruction requires reference type but stack has "
          "[]");
    return kBotRef;
  }
  ValType t = vals_.back();
  if (t.kind == ValKind::Bot) t = kBotRef;
  if (t.kind != ValKind::Ref) {
    invalid(
        "type mismatch: instruction requires reference type but stack has "
        "[" +
        to_string(t) + "]");
    return kBotRef;
  }
  vals_.pop_back();
  return t;
}

// ---------------------------------------------------------------------------
// Control

BlockSig FuncValidator::Impl::read_block_sig() {
  BlockSig sig;
  const size_t pos = r_.pos();
  if (pos < r_.end()) {
    const uint8_t b = r_.data()[pos];
    if (b == typecode::kEmptyBlock) {
      r_.seek(pos + 1);
      return sig;
    }
    if (b >= typecode::kV128 && b <= typecode::kI32) {
      // 0x7F i32, 0x7E i64, 0x7D f32, 0x7C f64, 0x7B v128: ValKind order.
      r_.seek(pos + 1);
      sig.single = ValType{ValKind(typecode::kI32 - b), false, {}};
      sig.nresults = 1;
      return sig;
    }
  }
  BlockType bt = read_block_type(r_);
  if (!ok()) return sig;
  switch (bt.kind) {
    case BlockType::Kind::Empty:
      break;
    case BlockType::Kind::Value:
      if (!valid_type(bt.value)) break;
      sig.single = bt.value;
      sig.nresults = 1;
      break;
    case BlockType::Kind::Index:
      if (const FuncType* ft = func_type_at(bt.index)) {
        sig.params = ft->params.data();
        sig.nparams = uint32_t(ft->params.size());
        sig.results = ft->results.data();
        sig.nresults = uint32_t(ft->results.size());
      }
      break;
  }
  return sig;
}

bool FuncValidator::Impl::check_frame_end(Ctrl& c) {
  const size_t size0 = vals_.size();
  if (!pop_vals(c.results(), c.sig.nresults)) return false;
  if (vals_.size() != c.height) {
    const ValType* first = vals_.data() + c.height;
    invalid("type mismatch: block requires " +
            types_string(c.results(), c.sig.nresults) + " but stack has " +
            types_string(first, size0 - c.height));
    return false;
  }
  return true;
}

void FuncValidator::Impl::op_end() {
  Ctrl& c = top();
  if (c.kind == CtrlKind::If) {
    // No else: the empty else branch must turn the parameters into the
    // results.
    if (!check_frame_end(c)) return;
    reset_locals(c.init_height);
    push_vals(c.sig.params, c.sig.nparams);
    c.unreachable = false;
  }
  if (!check_frame_end(c)) return;
  reset_locals(c.init_height);
  const BlockSig sig = c.sig;  // copy: `single` lives in the frame
  ctrls_.pop_back();
  if (ctrls_.empty()) {
    done_ = true;
    return;
  }
  push_vals(sig.results ? sig.results : &sig.single, sig.nresults);
}

void FuncValidator::Impl::op_br_table() {
  // The targets come before the default, whose arity they must share: skip
  // them, check the default, then read them again.
  const uint32_t n = r_.length();
  const size_t targets = r_.pos();
  for (uint32_t i = 0; i < n && ok(); ++i) read_u32();
  const uint32_t def = read_u32();
  if (!ok() || !pop_expect(kI32)) return;
  Ctrl* d = label(def);
  if (!d) return;
  const Span dl = label_types(*d);
  const size_t after = r_.pos();
  r_.seek(targets);
  const size_t depth = ctrls_.size();
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t l = read_u32();
    if (l >= depth) {
      label(l);
      return;
    }
    const Span tl = label_types(ctrls_[depth - 1 - l]);
    if (tl.size != dl.size) {
      invalid("type mismatch: br_table target " + num(l) + " expects " +
              types_string(tl.data, tl.size) + " but the default target " +
              num(def) + " expects " + types_string(dl.data, dl.size));
      return;
    }
    if (tl.size && tl.data != dl.data && !peek_vals(tl.data, tl.size)) return;
  }
  r_.seek(after);
  if (!pop_vals(dl)) return;
  set_unreachable();
}

void FuncValidator::Impl::check_return_results(const FuncType& callee) {
  const FuncType& f = *func_;
  bool good = callee.results.size() == f.results.size();
  for (size_t i = 0; good && i < f.results.size(); ++i)
    good = matches(callee.results[i], f.results[i]);
  if (!good)
    invalid("type mismatch: current function requires result type " +
            types_string(f.results.data(), f.results.size()) +
            " but callee returns " +
            types_string(callee.results.data(), callee.results.size()));
}

void FuncValidator::Impl::op_call(Opcode op) {
  const FuncType* ft = nullptr;
  switch (op) {
    case Opcode::Call:
    case Opcode::ReturnCall: {
      const uint32_t f = read_u32();
      if (!ok() || !check_index(f, m_.funcs.size(), "function")) return;
      ft = func_type_at(m_.funcs[f]);
      if (!ft) return;
      if (op == Opcode::ReturnCall) check_return_results(*ft);
      break;
    }
    case Opcode::CallIndirect:
    case Opcode::ReturnCallIndirect: {
      const uint32_t type = read_u32();
      const uint32_t table = read_u32();
      if (!ok() || !check_index(table, m_.tables.size(), "table")) return;
      ft = func_type_at(type);
      if (!ft) return;
      const ValType& elem = m_.tables[table].type.elem;
      if (!matches(elem, ValType::funcref())) {
        invalid(
            "type mismatch: instruction requires table of function type but "
            "table has element type " +
            to_string(elem));
        return;
      }
      if (op == Opcode::ReturnCallIndirect) check_return_results(*ft);
      if (!pop_expect(addr_type_of_table(table))) return;
      break;
    }
    case Opcode::CallRef:
    case Opcode::ReturnCallRef: {
      const uint32_t type = read_u32();
      if (!ok()) return;
      ft = func_type_at(type);
      if (!ft) return;
      if (op == Opcode::ReturnCallRef) check_return_results(*ft);
      if (!pop_expect(ValType::ref(HeapType::concrete(type), true))) return;
      break;
    }
    default:
      fatal_invariant("op_call: not a call");
  }
  if (!ok() || !pop_vals(ft->params.data(), uint32_t(ft->params.size())))
    return;
  if (op == Opcode::Call || op == Opcode::CallIndirect ||
      op == Opcode::CallRef) {
    push_vals(ft->results.data(), uint32_t(ft->results.size()));
  } else {
    set_unreachable();
  }
}

void FuncValidator::Impl::op_try_table() {
  const BlockSig sig = read_block_sig();
  const uint32_t n = r_.length();
  for (uint32_t i = 0; i < n && ok(); ++i) {
    const uint64_t at = r_.offset();
    const uint8_t kind = r_.u8();
    if (!ok()) return;
    if (kind > 3) {
      malformed("malformed catch clause", at);
      return;
    }
    const bool has_tag = kind <= 1;
    const bool has_ref = kind == 1 || kind == 3;
    const uint32_t tag = has_tag ? read_u32() : 0;
    const uint32_t l = read_u32();
    if (!ok()) return;
    scratch_.clear();
    if (has_tag) {
      const FuncType* ft = tag_type(tag);
      if (!ft) return;
      scratch_.assign(ft->params.begin(), ft->params.end());
    }
    if (has_ref) scratch_.push_back(ref_of(HeapKind::Exn, false));
    // Catch labels are relative to the context around the try_table.
    Ctrl* t = label(l);
    if (!t) return;
    const Span lt = label_types(*t);
    bool good = lt.size == scratch_.size();
    for (uint32_t j = 0; good && j < lt.size; ++j)
      good = matches(scratch_[j], lt.data[j]);
    if (!good) {
      invalid("type mismatch: catch handler provides " +
              types_string(scratch_.data(), scratch_.size()) +
              " but label requires " + types_string(lt.data, lt.size));
      return;
    }
  }
  if (!ok() || !pop_vals(sig.params, sig.nparams)) return;
  push_ctrl(CtrlKind::TryTable, sig);
}

// Legacy exception handling (try/catch/catch_all/delegate/rethrow).
void FuncValidator::Impl::op_legacy(Opcode op) {
  switch (op) {
    case Opcode::Try: {
      const BlockSig sig = read_block_sig();
      if (!ok() || !pop_vals(sig.params, sig.nparams)) return;
      push_ctrl(CtrlKind::Try, sig);
      return;
    }
    case Opcode::Catch:
    case Opcode::CatchAll: {
      const uint32_t tag = op == Opcode::Catch ? read_u32() : 0;
      if (!ok()) return;
      Ctrl& c = top();
      if (c.kind != CtrlKind::Try && c.kind != CtrlKind::Catch) {
        malformed("END opcode expected", instr_off_);
        return;
      }
      if (!check_frame_end(c)) return;
      reset_locals(c.init_height);
      c.unreachable = false;
      if (op == Opcode::CatchAll) {
        c.kind = CtrlKind::CatchAll;
        return;
      }
      c.kind = CtrlKind::Catch;
      if (const FuncType* ft = tag_type(tag))
        push_vals(ft->params.data(), uint32_t(ft->params.size()));
      return;
    }
    case Opcode::Delegate: {
      const uint32_t l = read_u32();
      if (!ok()) return;
      Ctrl& c = top();
      if (c.kind != CtrlKind::Try) {
        malformed("END opcode expected", instr_off_);
        return;
      }
      if (!check_frame_end(c)) return;
      reset_locals(c.init_height);
      const BlockSig sig = c.sig;
      ctrls_.pop_back();
      // The target is counted from the frame around the try.
      if (!label(l)) return;
      push_vals(sig.results ? sig.results : &sig.single, sig.nresults);
      return;
    }
    case Opcode::Rethrow: {
      const uint32_t l = read_u32();
      if (!ok()) return;
      Ctrl* t = label(l);
      if (!t) return;
      if (t->kind != CtrlKind::Catch && t->kind != CtrlKind::CatchAll) {
        invalid("invalid rethrow label " + num(l));
        return;
      }
      set_unreachable();
      return;
    }
    default:
      fatal_invariant("op_legacy: not a legacy EH instruction");
  }
}

void FuncValidator::Impl::op_select(bool typed) {
  if (typed) {
    const uint32_t n = r_.length();
    ValType t{};
    for (uint32_t i = 0; i < n && ok(); ++i) {
      ValType ti = read_val_type(r_);
      if (i == 0) t = ti;
    }
    if (!ok()) return;
    if (n != 1) {
      invalid("invalid result arity other than 1 is not (yet) allowed");
      return;
    }
    if (!valid_type(t)) return;
    const ValType sig[3] = {t, t, kI32};
    if (!pop_vals(sig, 3)) return;
    push(t);
    return;
  }
  // Untyped select: two operands of one numeric or vector type.
  const size_t n = vals_.size();
  if (n >= top().height + 3u && vals_[n - 1].kind == ValKind::I32 &&
      vals_[n - 2].kind == vals_[n - 3].kind &&
      (vals_[n - 2].is_num() || vals_[n - 2].kind == ValKind::V128)) {
    vals_.resize(n - 2);
    return;
  }
  if (!pop_expect(kI32)) return;
  const ValType t1 = pop_any();
  const ValType t2 = pop_any();
  if (!ok()) return;
  auto num_or_bot = [](const ValType& t) {
    return t.is_num() || t.kind == ValKind::Bot;
  };
  auto vec_or_bot = [](const ValType& t) {
    return t.kind == ValKind::V128 || t.kind == ValKind::Bot;
  };
  if (!((num_or_bot(t1) && num_or_bot(t2)) ||
        (vec_or_bot(t1) && vec_or_bot(t2)))) {
    invalid(
        "type mismatch: instruction requires numeric or vector type but "
        "stack has " +
        to_string(t1.is_ref() ? t1 : t2));
    return;
  }
  if (t1.kind != t2.kind && t1.kind != ValKind::Bot &&
      t2.kind != ValKind::Bot) {
    invalid("type mismatch: select operands " + to_string(t2) + " and " +
            to_string(t1) + " differ");
    return;
  }
  push(t1.kind == ValKind::Bot ? t2 : t1);
}

// ---------------------------------------------------------------------------
// Plain (table-driven) instructions

inline void FuncValidator::Impl::plain(const OpSig& s, Opcode op) {
  if (s.shape == SigShape::Simple) {
    const size_t n = vals_.size();
    const uint32_t nin = s.nin;
    if (nin > 0 && n - top().height >= nin) {
      ValType* p = vals_.data() + (n - nin);
      bool match = true;
      for (uint32_t i = 0; i < nin; ++i) match &= uint8_t(p[i].kind) == s.in[i];
      if (match) {
        if (s.out == kSigNone) {
          vals_.resize(n - nin);
        } else {
          p[0] = ValType{ValKind(s.out), false, {}};
          vals_.resize(n - nin + 1);
        }
        return;
      }
    }
  } else if (s.shape == SigShape::Memory && !s.atomic) {
    // Memory 0 with no explicit index, an alignment and offset in range.
    const size_t start = r_.pos();
    const uint32_t flags = read_u32();
    const uint64_t offset = read_u64();
    if (flags <= s.size_log2 && mem0_ != kSigNone &&
        (mem0_ == uint8_t(ValKind::I64) || offset <= UINT32_MAX)) {
      apply_sig(s, ValKind(mem0_));
      return;
    }
    if (!ok()) return;
    r_.seek(start);
  }
  plain_op(op);
}

// ---------------------------------------------------------------------------
// The main loop

bool FuncValidator::Impl::const_allowed(Opcode op) {
  switch (op) {
    case Opcode::I32Const:
    case Opcode::I64Const:
    case Opcode::F32Const:
    case Opcode::F64Const:
    case Opcode::V128Const:
    case Opcode::I32Add:
    case Opcode::I32Sub:
    case Opcode::I32Mul:
    case Opcode::I64Add:
    case Opcode::I64Sub:
    case Opcode::I64Mul:
    case Opcode::RefNull:
    case Opcode::RefFunc:
    case Opcode::RefI31:
    case Opcode::StructNew:
    case Opcode::StructNewDefault:
    case Opcode::ArrayNew:
    case Opcode::ArrayNewDefault:
    case Opcode::ArrayNewFixed:
    case Opcode::AnyConvertExtern:
    case Opcode::ExternConvertAny:
    case Opcode::GlobalGet:
    case Opcode::End:
      return true;
    default:
      return false;
  }
}

template <bool kConst>
void FuncValidator::Impl::run() {
  for (;;) {
    const size_t pos = r_.pos();
    if (pos >= r_.end()) return;
    instr_off_ = r_.base() + pos;
    const uint8_t b = r_.data()[pos];
    r_.seek(pos + 1);
    if constexpr (kConst) {
      if (!const_check(b)) return;
    }
    switch (b) {
      case op_byte(Opcode::Unreachable):
        set_unreachable();
        break;
      case op_byte(Opcode::Nop):
        break;
      case op_byte(Opcode::Block):
      case op_byte(Opcode::Loop): {
        const BlockSig sig = read_block_sig();
        if (!ok() || !pop_vals(sig.params, sig.nparams)) return;
        push_ctrl(
            b == op_byte(Opcode::Block) ? CtrlKind::Block : CtrlKind::Loop,
            sig);
        break;
      }
      case op_byte(Opcode::If): {
        const BlockSig sig = read_block_sig();
        if (!ok() || !pop_expect(kI32) || !pop_vals(sig.params, sig.nparams))
          return;
        push_ctrl(CtrlKind::If, sig);
        break;
      }
      case op_byte(Opcode::Else): {
        Ctrl& c = top();
        if (c.kind != CtrlKind::If) {
          malformed("END opcode expected", instr_off_);
          return;
        }
        if (!check_frame_end(c)) return;
        reset_locals(c.init_height);
        c.kind = CtrlKind::Else;
        c.unreachable = false;
        push_vals(c.sig.params, c.sig.nparams);
        break;
      }
      case op_byte(Opcode::End): {
        // Fast path: the frame's stack holds exactly its results.
        Ctrl& c = top();
        if (c.kind != CtrlKind::If && init_stack_.size() == c.init_height &&
            vals_.size() - c.height == c.sig.nresults) {
          const ValType* res = c.results();
          const ValType* p = vals_.data() + c.height;
          bool same = true;
          for (uint32_t i = 0; i < c.sig.nresults; ++i) same &= p[i] == res[i];
          if (same) {
            ctrls_.pop_back();
            if (ctrls_.empty()) {
              done_ = true;
              return;
            }
            break;
          }
        }
        op_end();
        if (done_) return;
        break;
      }
      case op_byte(Opcode::Br): {
        const uint32_t l = read_u32();
        if (!ok()) return;
        Ctrl* t = label(l);
        if (!t || !pop_vals(label_types(*t))) return;
        set_unreachable();
        break;
      }
      case op_byte(Opcode::BrIf): {
        const uint32_t l = read_u32();
        if (!ok()) return;
        Ctrl* t = label(l);
        if (!t || !pop_expect(kI32)) return;
        const Span lt = label_types(*t);
        if (!pop_vals(lt)) return;
        push_vals(lt.data, lt.size);
        break;
      }
      case op_byte(Opcode::BrTable):
        op_br_table();
        break;
      case op_byte(Opcode::Return):
        if (!pop_vals(func_->results.data(), uint32_t(func_->results.size())))
          return;
        set_unreachable();
        break;
      case op_byte(Opcode::Call): {
        const uint32_t f = read_u32();
        const FuncType* ft = f < func_sigs_.size() ? func_sigs_[f] : nullptr;
        if (!ft) {
          if (ok() && check_index(f, m_.funcs.size(), "function"))
            func_type_at(m_.funcs[f]);
          return;
        }
        if (!pop_vals(ft->params.data(), uint32_t(ft->params.size()))) return;
        push_vals(ft->results.data(), uint32_t(ft->results.size()));
        break;
      }
      case op_byte(Opcode::CallIndirect):
        op_call(Opcode::CallIndirect);
        break;
      case op_byte(Opcode::ReturnCall):
        op_call(Opcode::ReturnCall);
        break;
      case op_byte(Opcode::ReturnCallIndirect):
        op_call(Opcode::ReturnCallIndirect);
        break;
      case op_byte(Opcode::CallRef):
        op_call(Opcode::CallRef);
        break;
      case op_byte(Opcode::ReturnCallRef):
        op_call(Opcode::ReturnCallRef);
        break;
      case op_byte(Opcode::Throw): {
        const uint32_t tag = read_u32();
        if (!ok()) return;
        const FuncType* ft = tag_type(tag);
        if (!ft || !pop_vals(ft->params.data(), uint32_t(ft->params.size())))
          return;
        set_unreachable();
        break;
      }
      case op_byte(Opcode::ThrowRef):
        if (!pop_expect(ref_of(HeapKind::Exn, true))) return;
        set_unreachable();
        break;
      case op_byte(Opcode::TryTable):
        op_try_table();
        break;
      case op_byte(Opcode::Try):
        op_legacy(Opcode::Try);
        break;
      case op_byte(Opcode::Catch):
        op_legacy(Opcode::Catch);
        break;
      case op_byte(Opcode::CatchAll):
        op_legacy(Opcode::CatchAll);
        break;
      case op_byte(Opcode::Delegate):
        op_legacy(Opcode::Delegate);
        break;
      case op_byte(Opcode::Rethrow):
        op_legacy(Opcode::Rethrow);
        break;
      case op_byte(Opcode::Drop):
        pop_any();
        break;
      case op_byte(Opcode::Select):
        op_select(false);
        break;
      case op_byte(Opcode::SelectT):
        op_select(true);
        break;
      case op_byte(Opcode::LocalGet): {
        const uint32_t i = read_u32();
        if (!local_index(i)) return;
        const ValType t = local_type(i);
        if (track_init_ && !TypeContext::is_defaultable(t) && !local_init(i)) {
          invalid("uninitialized local " + num(i));
          return;
        }
        push(t);
        break;
      }
      case op_byte(Opcode::LocalSet):
      case op_byte(Opcode::LocalTee): {
        const uint32_t i = read_u32();
        if (!local_index(i)) return;
        const ValType t = local_type(i);
        if (!pop_expect(t)) return;
        if (track_init_) mark_local_set(i, t);
        if (b == op_byte(Opcode::LocalTee)) push(t);
        break;
      }
      case op_byte(Opcode::GlobalGet): {
        const uint32_t g = read_u32();
        if (!ok()) return;
        if constexpr (kConst) {
          if (!check_index(g, const_num_globals_, "global")) return;
          if (m_.globals[g].type.mut) {
            invalid("constant expression required");
            return;
          }
        } else {
          if (!check_index(g, m_.globals.size(), "global")) return;
        }
        push(m_.globals[g].type.type);
        break;
      }
      case op_byte(Opcode::GlobalSet): {
        const uint32_t g = read_u32();
        if (!ok() || !check_index(g, m_.globals.size(), "global")) return;
        const GlobalType& gt = m_.globals[g].type;
        if (!gt.mut) {
          invalid("immutable global");
          return;
        }
        pop_expect(gt.type);
        break;
      }
      case op_byte(Opcode::TableGet):
        op_bulk(Opcode::TableGet);
        break;
      case op_byte(Opcode::TableSet):
        op_bulk(Opcode::TableSet);
        break;
      case op_byte(Opcode::MemorySize):
        op_bulk(Opcode::MemorySize);
        break;
      case op_byte(Opcode::MemoryGrow):
        op_bulk(Opcode::MemoryGrow);
        break;
      case op_byte(Opcode::I32Const):
        skip_signed<32>();
        push(kI32);
        break;
      case op_byte(Opcode::I64Const):
        skip_signed<64>();
        push(kI64);
        break;
      case op_byte(Opcode::F32Const):
        r_.bytes(4);
        push(ValType::f32());
        break;
      case op_byte(Opcode::F64Const):
        r_.bytes(8);
        push(ValType::f64());
        break;
      case op_byte(Opcode::RefNull): {
        const HeapType h = read_heap_type(r_);
        if (!ok() || !valid_heap(h)) return;
        push(ValType::ref(h, true));
        break;
      }
      case op_byte(Opcode::RefIsNull):
        pop_ref();
        push(kI32);
        break;
      case op_byte(Opcode::RefAsNonNull): {
        const ValType t = pop_ref();
        push(ValType::ref(t.heap, false));
        break;
      }
      case op_byte(Opcode::RefFunc): {
        const uint32_t f = read_u32();
        if (!ok() || !check_index(f, m_.funcs.size(), "function")) return;
        if (!kConst && !types_.is_declared_func(f)) {
          invalid("undeclared function reference " + num(f));
          return;
        }
        push(ValType::ref(HeapType::concrete(m_.funcs[f]), false));
        break;
      }
      case op_byte(Opcode::RefEq): {
        const ValType sig[2] = {ref_of(HeapKind::Eq, true),
                                ref_of(HeapKind::Eq, true)};
        if (pop_vals(sig, 2)) push(kI32);
        break;
      }
      case op_byte(Opcode::BrOnNull): {
        const uint32_t l = read_u32();
        if (!ok()) return;
        Ctrl* t = label(l);
        if (!t) return;
        const ValType rt = pop_ref();
        const Span lt = label_types(*t);
        if (!ok() || !pop_vals(lt)) return;
        push_vals(lt.data, lt.size);
        push(ValType::ref(rt.heap, false));
        break;
      }
      case op_byte(Opcode::BrOnNonNull): {
        const uint32_t l = read_u32();
        if (!ok()) return;
        Ctrl* t = label(l);
        if (!t) return;
        const Span lt = label_types(*t);
        if (lt.size == 0 || !lt.data[lt.size - 1].is_ref()) {
          invalid(
              "type mismatch: instruction requires reference type but label "
              "has " +
              types_string(lt.data, lt.size));
          return;
        }
        const ValType last = lt.data[lt.size - 1];
        if (!pop_expect(ValType::ref(last.heap, true)) ||
            !pop_vals(lt.data, lt.size - 1))
          return;
        push_vals(lt.data, lt.size - 1);
        break;
      }
      case 0xFB:
      case 0xFC:
      case 0xFD:
      case 0xFE: {
        const uint32_t sub = read_u32();
        if (!ok()) return;
        const auto& v = dec_.prefixed[b - 0xFB];
        const int16_t idx = sub < v.size() ? v[sub] : int16_t(-1);
        if (idx < 0) {
          char msg[48];
          std::snprintf(msg, sizeof msg, "illegal opcode %02x %02" PRIx32, b,
                        sub);
          malformed(msg, instr_off_);
          return;
        }
        prefixed_op(Opcode(idx));
        break;
      }
      default: {
        // The plain numeric instructions and loads/stores.
        const OpSig* s = dec_.single_sig[b];
        if (!s) {
          bad_opcode(b);
          return;
        }
        plain(*s, Opcode(dec_.single[b]));
        break;
      }
    }
  }
}

// The instructions behind the 0xFB..0xFE prefixes.
void FuncValidator::Impl::prefixed_op(Opcode op) {
  switch (op) {
    case Opcode::TableGrow:
    case Opcode::TableSize:
    case Opcode::TableFill:
    case Opcode::TableCopy:
    case Opcode::TableInit:
    case Opcode::ElemDrop:
    case Opcode::MemoryFill:
    case Opcode::MemoryCopy:
    case Opcode::MemoryInit:
    case Opcode::DataDrop:
      op_bulk(op);
      return;
    case Opcode::V128Const:
      r_.bytes(16);
      push(kV128);
      return;
    case Opcode::I8x16Shuffle: {
      const uint8_t* lanes = r_.bytes(16);
      if (!lanes) return;
      for (int i = 0; i < 16; ++i)
        if (lanes[i] >= 32) {
          invalid("invalid lane index");
          return;
        }
      const ValType sig[2] = {kV128, kV128};
      if (pop_vals(sig, 2)) push(kV128);
      return;
    }
    case Opcode::StructNew:
    case Opcode::StructNewDefault:
    case Opcode::StructGet:
    case Opcode::StructGetS:
    case Opcode::StructGetU:
    case Opcode::StructSet:
    case Opcode::ArrayNew:
    case Opcode::ArrayNewDefault:
    case Opcode::ArrayNewFixed:
    case Opcode::ArrayNewData:
    case Opcode::ArrayNewElem:
    case Opcode::ArrayGet:
    case Opcode::ArrayGetS:
    case Opcode::ArrayGetU:
    case Opcode::ArraySet:
    case Opcode::ArrayLen:
    case Opcode::ArrayFill:
    case Opcode::ArrayCopy:
    case Opcode::ArrayInitData:
    case Opcode::ArrayInitElem:
    case Opcode::RefTest:
    case Opcode::RefTestNull:
    case Opcode::RefCast:
    case Opcode::RefCastNull:
    case Opcode::BrOnCast:
    case Opcode::BrOnCastFail:
    case Opcode::AnyConvertExtern:
    case Opcode::ExternConvertAny:
    case Opcode::RefI31:
    case Opcode::I31GetS:
    case Opcode::I31GetU:
      op_gc(op);
      return;
    case Opcode::I64Add128:
    case Opcode::I64Sub128: {
      const ValType sig[4] = {kI64, kI64, kI64, kI64};
      if (!pop_vals(sig, 4)) return;
      push(kI64);
      push(kI64);
      return;
    }
    case Opcode::I64MulWideS:
    case Opcode::I64MulWideU: {
      const ValType sig[2] = {kI64, kI64};
      if (!pop_vals(sig, 2)) return;
      push(kI64);
      push(kI64);
      return;
    }
    case Opcode::AtomicFence: {
      const uint64_t at = r_.offset();
      if (r_.u8() != 0 && ok()) malformed("zero byte expected", at);
      return;
    }
    default:
      plain(sigs_[size_t(op)], op);
      return;
  }
}

// A single-byte opcode that is neither a known instruction nor a prefix.
void FuncValidator::Impl::bad_opcode(uint8_t b) {
  if (dec_.single[b] >= 0) {
    unsupported(Opcode(dec_.single[b]));
    return;
  }
  char msg[40];
  std::snprintf(msg, sizeof msg, "illegal opcode %02x", b);
  malformed(msg, instr_off_);
}

// In a constant expression, only a few instructions may appear.
bool FuncValidator::Impl::const_check(uint8_t b) {
  int16_t idx = dec_.single[b];
  if (idx < 0 && is_prefix_byte(b)) {
    BinaryReader peek = r_;
    const uint32_t sub = peek.u32();
    if (peek.failed()) return true;  // reported by the main loop
    const auto& v = dec_.prefixed[b - 0xFB];
    if (sub < v.size()) idx = v[sub];
  }
  if (idx < 0 || const_allowed(Opcode(idx))) return true;
  invalid("constant expression required");
  return false;
}

// ---------------------------------------------------------------------------
// Locals

bool FuncValidator::Impl::read_locals(const FuncType& ft) {
  read_local_decls(r_, &local_decls_);
  if (!ok()) return false;
  for (const LocalDecl& d : local_decls_)
    if (d.count && !valid_type(d.type)) return false;
  const uint64_t nparams = ft.params.size();
  num_params_ = nparams;
  uint64_t total = nparams;
  track_init_ = false;
  for (const LocalDecl& d : local_decls_) {
    total += d.count;
    if (d.count && !TypeContext::is_defaultable(d.type)) track_init_ = true;
  }
  num_locals_ = total;
  locals_expanded_ = total <= kExpandLocalsLimit;
  if (locals_expanded_) {
    local_types_.assign(ft.params.begin(), ft.params.end());
    for (const LocalDecl& d : local_decls_)
      local_types_.insert(local_types_.end(), d.count, d.type);
    if (track_init_) {
      local_inited_.assign(total, 1);
      for (uint64_t i = nparams; i < total; ++i)
        if (!TypeContext::is_defaultable(local_types_[i])) local_inited_[i] = 0;
    }
  } else {
    local_runs_.clear();
    uint64_t end = 0;
    for (const ValType& p : ft.params) local_runs_.push_back({++end, p});
    for (const LocalDecl& d : local_decls_) {
      if (!d.count) continue;
      end += d.count;
      local_runs_.push_back({end, d.type});
    }
    local_init_set_.clear();
    // Parameters are always set; only declared non-defaultable locals need
    // an entry, and they start unset.
  }
  init_stack_.clear();
  return true;
}

// ---------------------------------------------------------------------------
// Entry points

const char* FuncValidator::Impl::missing_end_message(ByteRange range,
                                                     size_t open_frames) const {
  // The spec's decoder does not stop at the body's declared size: it reads
  // on into whatever follows, so its message depends on the next byte.
  const uint64_t next = range.end();
  if (next >= m_.bytes.size()) return "unexpected end of section or function";
  return m_.bytes[next] == 0x0B && open_frames == 1 ? "section size mismatch"
                                                    : "END opcode expected";
}

Result<void> FuncValidator::Impl::finish(ByteRange range, bool is_body,
                                         uint32_t func_index) {
  if (ok()) {
    if (!done_) {
      if (is_body) {
        malformed(missing_end_message(range, ctrls_.size()), range.end());
      } else {
        malformed("unexpected end of section or function", range.end());
      }
    } else if (!r_.at_end()) {
      malformed("section size mismatch", r_.offset());
    }
  }
  if (ok()) return {};
  Error e = *r_.take_error();
  if (e.kind == ErrorKind::Invalid) {
    if (std::optional<Error> m = scan_malformed(range, is_body)) e = *m;
  }
  if (is_body) e.func = func_index;
  return e;
}

Result<void> FuncValidator::Impl::validate_body(uint32_t func_index,
                                                const FuncBody& body) {
  if (func_index >= m_.funcs.size() ||
      uint64_t(body.range.offset) + body.range.size > m_.bytes.size()) {
    Error e(ErrorKind::Internal, "function body outside the module",
            body.range.offset);
    e.func = func_index;
    return e;
  }
  r_ = BinaryReader(m_.slice(body.range), body.range.offset);
  r_.set_eof_message("unexpected end of section or function");
  instr_off_ = body.range.offset;
  vals_.clear();
  ctrls_.clear();
  done_ = false;
  func_ = nullptr;
  if (const uint32_t ti = m_.funcs[func_index];
      ti < types_.num_types() && types_.is_func_type(ti)) {
    func_ = &types_.type(ti).composite.func;
  } else {
    invalid("unknown type " + num(ti));
    return finish(body.range, true, func_index);
  }
  if (read_locals(*func_)) {
    BlockSig sig;
    sig.results = func_->results.data();
    sig.nresults = uint32_t(func_->results.size());
    push_ctrl(CtrlKind::Func, sig);
    run<false>();
  }
  return finish(body.range, true, func_index);
}

Result<void> FuncValidator::Impl::validate_const_expr(const ConstExpr& expr,
                                                      const ValType& type,
                                                      uint32_t num_globals) {
  if (uint64_t(expr.bytes.offset) + expr.bytes.size > m_.bytes.size())
    return Error(ErrorKind::Internal, "constant expression outside the module",
                 expr.bytes.offset);
  r_ = BinaryReader(m_.slice(expr.bytes), expr.bytes.offset);
  r_.set_eof_message("unexpected end of section or function");
  instr_off_ = expr.bytes.offset;
  vals_.clear();
  ctrls_.clear();
  done_ = false;
  const_num_globals_ =
      std::min<uint32_t>(num_globals, uint32_t(m_.globals.size()));
  static const FuncType kNoFunc;
  func_ = &kNoFunc;
  num_locals_ = 0;
  track_init_ = false;
  locals_expanded_ = true;
  BlockSig sig;
  sig.single = type;
  sig.nresults = 1;
  push_ctrl(CtrlKind::Func, sig);
  run<true>();
  return finish(expr.bytes, false, Error::kNoFunc);
}

// After a typing error: decodes the whole range again without typing, so
// that a decoding error anywhere in it wins (the spec decodes before it
// validates), and, in a constant expression, so that a non-constant
// instruction wins over a typing error before it.
std::optional<Error> FuncValidator::Impl::scan_malformed(ByteRange range,
                                                         bool is_body) {
  BinaryReader r(m_.slice(range), range.offset);
  r.set_eof_message("unexpected end of section or function");
  if (is_body) read_local_decls(r, nullptr);
  std::vector<CtrlKind> frames = {CtrlKind::Func};
  std::optional<Error> not_const;
  bool finished = false;
  while (!r.failed() && !r.at_end() && !finished) {
    const uint64_t at = r.offset();
    std::optional<Opcode> op = read_opcode(r);
    if (!op) break;
    if (!is_body && !not_const && !const_allowed(*op))
      not_const = Error(ErrorKind::Invalid, "constant expression required", at);
    CtrlKind& k = frames.back();
    switch (*op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If:
      case Opcode::Try:
      case Opcode::TryTable:
        frames.push_back(*op == Opcode::If ? CtrlKind::If : CtrlKind::Block);
        if (*op == Opcode::Try) frames.back() = CtrlKind::Try;
        break;
      case Opcode::Else:
        if (k != CtrlKind::If) r.fail("END opcode expected", at);
        k = CtrlKind::Else;
        break;
      case Opcode::Catch:
      case Opcode::CatchAll:
        if (k != CtrlKind::Try && k != CtrlKind::Catch)
          r.fail("END opcode expected", at);
        k = *op == Opcode::Catch ? CtrlKind::Catch : CtrlKind::CatchAll;
        break;
      case Opcode::Delegate:
        if (k != CtrlKind::Try) r.fail("END opcode expected", at);
        frames.pop_back();
        break;
      case Opcode::End:
        frames.pop_back();
        finished = frames.empty();
        break;
      case Opcode::MemoryInit:
      case Opcode::DataDrop:
      case Opcode::ArrayNewData:
      case Opcode::ArrayInitData:
        if (!m_.data_count) r.fail("data count section required", at);
        break;
      case Opcode::GlobalGet:
        if (!is_body && !not_const) {
          // Peek at the index: a mutable or unknown global is not constant.
          BinaryReader peek = r;
          const uint32_t g = peek.u32();
          if (!peek.failed()) {
            if (g >= const_num_globals_)
              not_const =
                  Error(ErrorKind::Invalid, "unknown global " + num(g), at);
            else if (m_.globals[g].type.mut)
              not_const =
                  Error(ErrorKind::Invalid, "constant expression required", at);
          }
        }
        break;
      default:
        break;
    }
    if (!r.failed()) skip_immediates(r, opcode_info(*op).imm);
  }
  if (!r.failed() && finished && !r.at_end())
    r.fail("section size mismatch", r.offset());
  if (!r.failed() && !finished)
    r.fail(is_body ? missing_end_message(range, frames.size())
                   : "unexpected end of section or function",
           range.end());
  if (r.failed()) {
    Error e = *r.take_error();
    e.kind = ErrorKind::Malformed;
    return e;
  }
  return not_const;
}

// ---------------------------------------------------------------------------

FuncValidator::FuncValidator(const TypeContext& types)
    : impl_(std::make_unique<Impl>(types)) {}

FuncValidator::~FuncValidator() = default;

Result<void> FuncValidator::validate_body(uint32_t func_index,
                                          const FuncBody& body) {
  return impl_->validate_body(func_index, body);
}

Result<void> FuncValidator::validate_const_expr(const ConstExpr& expr,
                                                const ValType& type,
                                                uint32_t num_globals) {
  return impl_->validate_const_expr(expr, type, num_globals);
}

}  // namespace heron
