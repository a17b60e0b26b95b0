// Private to the function-body validator: the state of FuncValidator (its
// Impl) and the small types it works with, shared by the files that
// implement it by instruction family:
//   func_validator.cc         the main loop, control flow, calls, locals,
//                             entry points
//   func_validator_memory.cc  loads/stores, tables, memories, segments and
//                             the table-driven plain instructions
//   func_validator_gc.cc      GC instructions (structs, arrays, casts, i31)
//   func_validator_sigs.cc    the signature table of plain instructions
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "format/binary_reader.h"
#include "format/opcode.h"
#include "format/operator_reader.h"
#include "validate/func_validator.h"
#include "validate/func_validator_sigs.h"

namespace heron {
namespace fv {

// Opcode lookup by encoding, built once from opcodes.def.
struct DecodeTables {
  int16_t single[256];               // Opcode by byte, -1 if none
  std::vector<int16_t> prefixed[4];  // 0xFB..0xFE: Opcode by sub-opcode
  // The signature of each plain single-byte instruction, else nullptr.
  const OpSig* single_sig[256];

  DecodeTables();
};

const DecodeTables& decode_tables();

// Bodies with at most this many locals keep one entry per local; larger ones
// (legal up to 2^32-1) keep run-length declarations and binary-search them.
inline constexpr uint64_t kExpandLocalsLimit = 50000;

inline constexpr ValType kI32 = ValType::i32();
inline constexpr ValType kI64 = ValType::i64();
inline constexpr ValType kV128 = ValType::v128();
// The type of a popped value the polymorphic stack knows nothing about
// except that the instruction needs a reference: (ref bot) matches every
// reference type.
inline constexpr ValType kBotRef =
    ValType::ref(HeapType::abstract(HeapKind::Bot), false);

constexpr ValType ref_of(HeapKind k, bool nullable) {
  return ValType::ref(HeapType::abstract(k), nullable);
}

inline std::string num(uint64_t v) { return std::to_string(v); }

inline std::string types_string(const ValType* p, size_t n) {
  std::string s = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += to_string(p[i]);
  }
  return s + "]";
}

enum class CtrlKind : uint8_t {
  Func,
  Block,
  Loop,
  If,
  Else,
  TryTable,
  Try,       // legacy exception handling: before any catch
  Catch,     // legacy: after `catch`
  CatchAll,  // legacy: after `catch_all`
};

// A block type resolved to its parameter and result lists. A single result
// type lives in `single` (results == nullptr then), everything else points
// into the module's function types, which outlive the validation.
struct BlockSig {
  const ValType* params = nullptr;
  const ValType* results = nullptr;
  uint32_t nparams = 0;
  uint32_t nresults = 0;
  ValType single{};
};

struct Ctrl {
  CtrlKind kind = CtrlKind::Block;
  bool unreachable = false;
  uint32_t height = 0;       // operand stack height at the frame's start
  uint32_t init_height = 0;  // local-initialization stack height at start
  BlockSig sig;

  const ValType* results() const {
    return sig.results ? sig.results : &sig.single;
  }
};

struct Span {
  const ValType* data;
  uint32_t size;
};

// The operand stack. A std::vector would do, but its push_back does not
// always inline into the (large) main loop, and it is the hottest operation.
class ValStack {
 public:
  size_t size() const { return size_; }
  ValType* data() { return buf_.get(); }
  const ValType& back() const { return buf_[size_ - 1]; }
  ValType& operator[](size_t i) { return buf_[i]; }
  void clear() { size_ = 0; }
  void pop_back() { --size_; }
  // Only ever shrinks.
  void resize(size_t n) { size_ = n; }
  [[gnu::always_inline]] void push_back(const ValType& t) {
    if (size_ == cap_) [[unlikely]]
      grow(size_ + 1);
    buf_[size_++] = t;
  }
  void append(const ValType* p, size_t n) {
    if (cap_ - size_ < n) [[unlikely]]
      grow(size_ + n);
    std::copy(p, p + n, buf_.get() + size_);
    size_ += n;
  }

 private:
  [[gnu::noinline]] void grow(size_t need) {
    size_t cap = std::max<size_t>({need, cap_ * 2, 64});
    std::unique_ptr<ValType[]> b(new ValType[cap]);
    std::copy(buf_.get(), buf_.get() + size_, b.get());
    buf_ = std::move(b);
    cap_ = cap;
  }
  std::unique_ptr<ValType[]> buf_;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace fv

using fv::BlockSig;
using fv::Ctrl;
using fv::CtrlKind;
using fv::decode_tables;
using fv::DecodeTables;
using fv::kBotRef;
using fv::kExpandLocalsLimit;
using fv::kI32;
using fv::kI64;
using fv::kV128;
using fv::num;
using fv::ref_of;
using fv::Span;
using fv::types_string;
using fv::ValStack;

struct FuncValidator::Impl {
  explicit Impl(const TypeContext& types)
      : types_(types),
        m_(types.module()),
        dec_(decode_tables()),
        sigs_(plain_op_sigs()) {
    func_sigs_.reserve(m_.funcs.size());
    for (uint32_t ti : m_.funcs) {
      const bool is_func =
          ti < types_.num_types() &&
          types_.type(ti).composite.kind == CompositeKind::Func;
      func_sigs_.push_back(is_func ? &types_.type(ti).composite.func : nullptr);
    }
    if (!m_.memories.empty()) mem0_ = uint8_t(addr_type_of_memory(0).kind);
  }

  Result<void> validate_body(uint32_t func_index, const FuncBody& body);
  Result<void> validate_const_expr(const ConstExpr& expr, const ValType& type,
                                   uint32_t num_globals);

 private:
  // ---- Errors
  // A decoding error at module offset `at`.
  void malformed(std::string message, uint64_t at) {
    r_.fail(std::move(message), at);
  }
  // A typing error, reported at the current instruction.
  void invalid(std::string message) {
    if (r_.failed()) return;
    r_.fail(std::move(message), instr_off_);
    r_.set_kind(ErrorKind::Invalid);
  }
  bool ok() const { return !r_.failed(); }

  // ---- Immediates: inline fast paths for the short encodings over the
  // reader's bytes; anything longer, truncated or wrong goes through the
  // BinaryReader, which reports the error.
  [[gnu::always_inline]] uint32_t read_u32() {
    const size_t pos = r_.pos();
    const uint8_t* d = r_.data();
    if (pos + 1 < r_.end()) {
      const uint32_t b0 = d[pos];
      if (b0 < 0x80) {
        r_.seek(pos + 1);
        return b0;
      }
      const uint32_t b1 = d[pos + 1];
      if (b1 < 0x80) {
        r_.seek(pos + 2);
        return (b0 & 0x7F) | (b1 << 7);
      }
    }
    return r_.u32();
  }
  [[gnu::always_inline]] uint64_t read_u64() {
    const size_t pos = r_.pos();
    if (pos < r_.end() && r_.data()[pos] < 0x80) {
      r_.seek(pos + 1);
      return r_.data()[pos];
    }
    return r_.u64();
  }
  // A signed LEB128 of `bits` bits whose value the validator does not need.
  template <unsigned kBits>
  [[gnu::always_inline]] void skip_signed() {
    constexpr unsigned kMax = (kBits + 6) / 7;
    const size_t pos = r_.pos();
    const uint8_t* d = r_.data() + pos;
    if (r_.end() - pos >= kMax) {
      for (unsigned i = 0; i + 1 < kMax; ++i)
        if (d[i] < 0x80) {
          r_.seek(pos + i + 1);
          return;
        }
      // The last byte: no continuation, unused bits equal to the sign bit.
      constexpr unsigned kUsed = kBits - 7 * (kMax - 1);
      constexpr uint8_t kMask = uint8_t(0x7F & ~((1u << (kUsed - 1)) - 1));
      const uint8_t last = d[kMax - 1];
      if (last < 0x80 && ((last & kMask) == 0 || (last & kMask) == kMask)) {
        r_.seek(pos + kMax);
        return;
      }
    }
    if constexpr (kBits == 32) {
      r_.s32();
    } else {
      r_.s64();
    }
  }
  Result<void> finish(ByteRange range, bool is_body, uint32_t func_index);

  // ---- Types
  bool matches(const ValType& a, const ValType& b) const {
    if (a.kind != b.kind)
      return a.kind == ValKind::Bot || b.kind == ValKind::Bot;
    if (a.kind != ValKind::Ref) return true;
    if (a.nullable && !b.nullable) return false;
    if (a.heap == b.heap) return true;
    return types_.is_heap_subtype(a.heap, b.heap);
  }
  bool valid_type(const ValType& t) {
    if (types_.is_valid(t)) return true;
    invalid("unknown type " + num(t.heap.index));
    return false;
  }
  bool valid_heap(const HeapType& h) {
    if (!h.is_concrete() || h.index < types_.num_types()) return true;
    invalid("unknown type " + num(h.index));
    return false;
  }
  const FuncType* func_type_at(uint32_t type_index) {
    if (type_index >= types_.num_types()) {
      invalid("unknown type " + num(type_index));
      return nullptr;
    }
    if (types_.type(type_index).composite.kind != CompositeKind::Func) {
      invalid("type mismatch: non-function type " + num(type_index));
      return nullptr;
    }
    return &types_.type(type_index).composite.func;
  }
  const CompositeType* struct_type_at(uint32_t type_index) {
    if (type_index >= types_.num_types()) {
      invalid("unknown type " + num(type_index));
      return nullptr;
    }
    if (!types_.is_struct_type(type_index)) {
      invalid("type mismatch: non-structure type " + num(type_index));
      return nullptr;
    }
    return &types_.type(type_index).composite;
  }
  const FieldType* array_type_at(uint32_t type_index) {
    if (type_index >= types_.num_types()) {
      invalid("unknown type " + num(type_index));
      return nullptr;
    }
    if (!types_.is_array_type(type_index)) {
      invalid("type mismatch: non-array type " + num(type_index));
      return nullptr;
    }
    return &types_.type(type_index).composite.elem;
  }

  // ---- Operand stack
  Ctrl& top() { return ctrls_.back(); }
  [[gnu::always_inline]] void push(const ValType& t) { vals_.push_back(t); }
  void push_vals(const ValType* p, uint32_t n) { vals_.append(p, n); }
  void set_unreachable() {
    Ctrl& c = top();
    vals_.resize(c.height);
    c.unreachable = true;
  }
  // Pops values matching `expected` (bottom first), or reports
  // "type mismatch: instruction requires [...] but stack has [...]".
  [[gnu::always_inline]] bool pop_vals(const ValType* expected, uint32_t n) {
    if (n == 0) return true;
    const size_t size = vals_.size();
    if (size - top().height >= n) {
      const ValType* p = vals_.data() + (size - n);
      bool same = true;
      for (uint32_t i = 0; i < n; ++i) same &= p[i] == expected[i];
      if (same) {
        vals_.resize(size - n);
        return true;
      }
    }
    return pop_vals_slow(expected, n);
  }
  bool pop_vals_slow(const ValType* expected, uint32_t n);
  bool pop_vals(Span s) { return pop_vals(s.data, s.size); }
  // Checks that the top of the stack matches without popping it.
  [[gnu::always_inline]] bool peek_vals(const ValType* expected, uint32_t n) {
    const size_t size = vals_.size();
    if (size - top().height >= n) {
      const ValType* p = vals_.data() + (size - n);
      bool same = true;
      for (uint32_t i = 0; i < n; ++i) same &= p[i] == expected[i];
      if (same) return true;
    }
    return peek_vals_slow(expected, n);
  }
  bool peek_vals_slow(const ValType* expected, uint32_t n);
  [[gnu::always_inline]] bool pop_expect(const ValType& t) {
    Ctrl& c = top();
    if (vals_.size() > c.height && matches(vals_.back(), t)) {
      vals_.pop_back();
      return true;
    }
    return pop_vals(&t, 1);
  }
  // Like pop_expect, but returns the popped type (Bot when unknown).
  ValType pop_actual(const ValType& t) {
    Ctrl& c = top();
    if (vals_.size() > c.height) {
      ValType a = vals_.back();
      if (matches(a, t)) {
        vals_.pop_back();
        return a;
      }
    }
    pop_vals(&t, 1);
    return ValType::bot();
  }
  ValType pop_any();
  ValType pop_ref();
  void type_mismatch(const ValType* expected, uint32_t n, uint32_t k);

  // ---- Control stack
  BlockSig read_block_sig();
  void push_ctrl(CtrlKind kind, const BlockSig& sig) {
    Ctrl& c = ctrls_.emplace_back();
    c.kind = kind;
    c.height = uint32_t(vals_.size());
    c.init_height = uint32_t(init_stack_.size());
    c.sig = sig;
    if (sig.nparams) push_vals(sig.params, sig.nparams);
  }
  // Checks the frame's results at its end (or at else/catch).
  bool check_frame_end(Ctrl& c);
  void reset_locals(uint32_t init_height) {
    while (init_stack_.size() > init_height) {
      set_local_init(init_stack_.back(), false);
      init_stack_.pop_back();
    }
  }
  // A label by relative depth, or nullptr after "unknown label".
  Ctrl* label(uint32_t depth) {
    if (depth >= ctrls_.size()) {
      invalid("unknown label " + num(depth));
      return nullptr;
    }
    return &ctrls_[ctrls_.size() - 1 - depth];
  }
  static Span label_types(const Ctrl& c) {
    if (c.kind == CtrlKind::Loop) return {c.sig.params, c.sig.nparams};
    return {c.results(), c.sig.nresults};
  }

  // ---- Locals
  bool read_locals(const FuncType& ft);
  ValType local_type(uint32_t index) const {
    if (locals_expanded_) return local_types_[index];
    auto it = std::upper_bound(
        local_runs_.begin(), local_runs_.end(), uint64_t(index),
        [](uint64_t i, const LocalRun& run) { return i < run.end; });
    return it->type;
  }
  bool local_init(uint32_t index) const {
    if (locals_expanded_) return local_inited_[index] != 0;
    return index < num_params_ || local_init_set_.count(index) != 0;
  }
  void set_local_init(uint32_t index, bool value) {
    if (locals_expanded_) {
      local_inited_[index] = value;
    } else if (value) {
      local_init_set_.insert(index);
    } else {
      local_init_set_.erase(index);
    }
  }
  // Records that local `index` of type `t` is now set.
  void mark_local_set(uint32_t index, const ValType& t) {
    if (!track_init_ || TypeContext::is_defaultable(t) || local_init(index))
      return;
    set_local_init(index, true);
    init_stack_.push_back(index);
  }
  [[gnu::always_inline]] bool local_index(uint32_t index) {
    if (index < num_locals_) return true;
    invalid("unknown local " + num(index));
    return false;
  }

  // ---- Index spaces
  bool check_index(uint64_t index, size_t count, const char* what) {
    if (index < count) return true;
    invalid(std::string("unknown ") + what + " " + num(index));
    return false;
  }
  // "data count section required" when a body names a data segment in a
  // module without a data count section (a decoding error in the spec).
  bool check_data(uint32_t index) {
    if (!m_.data_count) {
      malformed("data count section required", instr_off_);
      return false;
    }
    return check_index(index, *m_.data_count, "data segment");
  }
  ValType addr_type_of_memory(uint32_t mem) const {
    return m_.memories[mem].type.limits.is64 ? kI64 : kI32;
  }
  ValType addr_type_of_table(uint32_t table) const {
    return m_.tables[table].type.limits.is64 ? kI64 : kI32;
  }
  const FuncType* tag_type(uint32_t tag) {
    if (!check_index(tag, m_.tags.size(), "tag")) return nullptr;
    return func_type_at(m_.tags[tag].type.type_index);
  }

  // ---- Instructions
  template <bool kConst>
  void run();
  bool const_allowed(Opcode op);
  bool const_check(uint8_t b);
  void prefixed_op(Opcode op);
  void bad_opcode(uint8_t b);
  void unsupported(Opcode op);
  [[gnu::always_inline]] void plain(const OpSig& s, Opcode op);
  void plain_op(Opcode op);
  [[gnu::always_inline]] void apply_sig(const OpSig& s, ValKind addr);
  void op_end();
  void op_br_table();
  void op_call(Opcode op);
  void op_try_table();
  void op_legacy(Opcode op);
  void op_select(bool typed);
  void op_gc(Opcode op);
  void op_br_on_cast(Opcode op);
  void op_bulk(Opcode op);
  void check_return_results(const FuncType& callee);
  bool read_memarg(const OpSig& s, uint32_t* mem);

  std::optional<Error> scan_malformed(ByteRange range, bool is_body);
  const char* missing_end_message(ByteRange range, size_t open_frames) const;

  const TypeContext& types_;
  const Module& m_;
  const DecodeTables& dec_;
  const OpSig* sigs_;

  BinaryReader r_{std::span<const uint8_t>(), 0};
  uint64_t instr_off_ = 0;
  ValStack vals_;
  std::vector<Ctrl> ctrls_;
  const FuncType* func_ = nullptr;  // the function being validated
  bool done_ = false;               // the final `end` has been seen

  // Constant expressions: the globals they may read.
  uint32_t const_num_globals_ = 0;

  // Locals: either one type per local, or run-length (cumulative end, type)
  // pairs for huge local counts.
  struct LocalRun {
    uint64_t end;
    ValType type;
  };
  std::vector<LocalDecl> local_decls_;
  std::vector<ValType> local_types_;
  std::vector<LocalRun> local_runs_;
  bool locals_expanded_ = true;
  uint64_t num_locals_ = 0;
  uint64_t num_params_ = 0;
  // Initialization of non-defaultable locals (function references): flags,
  // plus the stack of locals set since each frame began, undone at its end.
  bool track_init_ = false;
  std::vector<uint8_t> local_inited_;
  std::unordered_set<uint32_t> local_init_set_;
  std::vector<uint32_t> init_stack_;

  // The signature of every function of the module (nullptr when its type
  // index is not a function type), so that calls skip the lookups.
  std::vector<const FuncType*> func_sigs_;
  // The address type of memory 0 as a ValKind, kSigNone without memories.
  uint8_t mem0_ = kSigNone;

  // Scratch, reused across instructions and bodies.
  std::vector<ValType> scratch_;
};

// The generic check of a plain instruction: pops its inputs, pushes its
// output.
inline void FuncValidator::Impl::apply_sig(const OpSig& s, ValKind addr) {
  const size_t n = vals_.size();
  const uint32_t nin = s.nin;
  bool fast = n - top().height >= nin;
  if (fast) {
    const ValType* p = vals_.data() + (n - nin);
    for (uint32_t i = 0; i < nin; ++i) {
      const uint8_t code = s.in[i] == kSigAddr ? uint8_t(addr) : s.in[i];
      fast &= uint8_t(p[i].kind) == code;
    }
  }
  if (fast) {
    vals_.resize(n - nin);
  } else {
    ValType in[3];
    for (uint32_t i = 0; i < nin; ++i)
      in[i].kind = s.in[i] == kSigAddr ? addr : ValKind(s.in[i]);
    if (!pop_vals(in, nin)) return;
  }
  if (s.out != kSigNone) push(ValType{ValKind(s.out), false, {}});
}

}  // namespace heron
