// Constant folding with WebAssembly's exact semantics. The rules that keep
// -O0 and -O2 in agreement:
// - a trapping operation (division by zero, INT_MIN / -1, float-to-int out
//   of range or NaN) is never folded: the instruction stays and traps;
// - no fold produces a NaN: Wasm leaves most NaN payloads nondeterministic,
//   and folding would fix bits the hardware might compute differently, so
//   those instructions stay too. Sign-bit operations (fneg, fabs, fcopysign)
//   and bitcasts are exact bit manipulations and always fold.
// Host float arithmetic is IEEE 754 binary32/64 with round-to-nearest-even
// (SSE2 on x86-64), which is exactly Wasm's.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "opt/passes.h"

namespace heron::opt {

using namespace heron::ir;

namespace {

uint64_t mask(Type t, uint64_t v) {
  return t == Type::I32 || t == Type::F32 ? (v & 0xffffffffu) : v;
}
int64_t as_signed(Type t, uint64_t v) {
  return t == Type::I32 ? static_cast<int32_t>(static_cast<uint32_t>(v))
                        : static_cast<int64_t>(v);
}
float f32_of(uint64_t bits) {
  return std::bit_cast<float>(static_cast<uint32_t>(bits));
}
double f64_of(uint64_t bits) { return std::bit_cast<double>(bits); }

// A float result as bits, or nullopt if it is a NaN (see the file comment).
std::optional<uint64_t> float_bits(Type t, double v) {
  if (std::isnan(v)) return std::nullopt;
  if (t == Type::F32) {
    return std::bit_cast<uint32_t>(static_cast<float>(v));
  }
  return std::bit_cast<uint64_t>(v);
}

std::optional<uint64_t> fold_int_binary(Opcode op, Type t, uint64_t a,
                                        uint64_t b) {
  const unsigned bits = type_bits(t);
  const int64_t min = t == Type::I32 ? INT32_MIN : INT64_MIN;
  const unsigned sh = static_cast<unsigned>(b & (bits - 1));
  switch (op) {
    case Opcode::Iadd:
      return a + b;
    case Opcode::Isub:
      return a - b;
    case Opcode::Imul:
      return a * b;
    case Opcode::Band:
      return a & b;
    case Opcode::Bor:
      return a | b;
    case Opcode::Bxor:
      return a ^ b;
    case Opcode::Ishl:
      return a << sh;
    case Opcode::Ushr:
      return a >> sh;
    case Opcode::Sshr:
      return static_cast<uint64_t>(as_signed(t, a) >> sh);
    case Opcode::Rotl:
      return sh == 0 ? a : (a << sh) | (a >> (bits - sh));
    case Opcode::Rotr:
      return sh == 0 ? a : (a >> sh) | (a << (bits - sh));
    case Opcode::Udiv:
      if (b == 0) return std::nullopt;
      return a / b;
    case Opcode::Urem:
      if (b == 0) return std::nullopt;
      return a % b;
    case Opcode::Sdiv: {
      int64_t x = as_signed(t, a), y = as_signed(t, b);
      if (y == 0 || (x == min && y == -1)) return std::nullopt;
      return static_cast<uint64_t>(x / y);
    }
    case Opcode::Srem: {
      int64_t x = as_signed(t, a), y = as_signed(t, b);
      if (y == 0) return std::nullopt;
      if (y == -1) return 0;  // INT_MIN % -1 is 0 in Wasm, UB in C++
      return static_cast<uint64_t>(x % y);
    }
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> fold_int_unary(Opcode op, Type t, uint64_t a) {
  switch (op) {
    case Opcode::Clz:
      return t == Type::I32 ? std::countl_zero(static_cast<uint32_t>(a))
                            : std::countl_zero(a);
    case Opcode::Ctz:
      return t == Type::I32 ? std::countr_zero(static_cast<uint32_t>(a))
                            : std::countr_zero(a);
    case Opcode::Popcnt:
      return std::popcount(a);
    case Opcode::Sext8:
      return static_cast<uint64_t>(
          static_cast<int64_t>(static_cast<int8_t>(a)));
    case Opcode::Sext16:
      return static_cast<uint64_t>(
          static_cast<int64_t>(static_cast<int16_t>(a)));
    case Opcode::Sext32:
    case Opcode::Sextend:
      return static_cast<uint64_t>(
          static_cast<int64_t>(static_cast<int32_t>(a)));
    case Opcode::Uextend:
    case Opcode::Ireduce:
      return a & 0xffffffffu;
    default:
      return std::nullopt;
  }
}

bool icmp(IntCC cc, Type t, uint64_t a, uint64_t b) {
  int64_t x = as_signed(t, a), y = as_signed(t, b);
  switch (cc) {
    case IntCC::Eq:
      return a == b;
    case IntCC::Ne:
      return a != b;
    case IntCC::Slt:
      return x < y;
    case IntCC::Sle:
      return x <= y;
    case IntCC::Sgt:
      return x > y;
    case IntCC::Sge:
      return x >= y;
    case IntCC::Ult:
      return a < b;
    case IntCC::Ule:
      return a <= b;
    case IntCC::Ugt:
      return a > b;
    case IntCC::Uge:
      return a >= b;
  }
  return false;
}

bool fcmp(FloatCC cc, double x, double y) {
  switch (cc) {
    case FloatCC::Eq:
      return x == y;
    case FloatCC::Ne:
      return x != y;  // true when unordered, like Wasm's ne
    case FloatCC::Lt:
      return x < y;
    case FloatCC::Le:
      return x <= y;
    case FloatCC::Gt:
      return x > y;
    case FloatCC::Ge:
      return x >= y;
  }
  return false;
}

// The value as a double, exactly (f32 widens losslessly).
double float_value(Type t, uint64_t bits) {
  return t == Type::F32 ? static_cast<double>(f32_of(bits)) : f64_of(bits);
}

std::optional<uint64_t> fold_float_binary(Opcode op, Type t, uint64_t a,
                                          uint64_t b) {
  const uint64_t sign = t == Type::F32 ? (1ull << 31) : (1ull << 63);
  if (op == Opcode::Fcopysign) return (a & ~sign) | (b & sign);
  double x = float_value(t, a), y = float_value(t, b);
  if (std::isnan(x) || std::isnan(y)) return std::nullopt;
  // f32 arithmetic must round once to binary32: compute in float.
  auto arith = [&](auto fx, auto fy) -> std::optional<double> {
    switch (op) {
      case Opcode::Fadd:
        return static_cast<double>(fx + fy);
      case Opcode::Fsub:
        return static_cast<double>(fx - fy);
      case Opcode::Fmul:
        return static_cast<double>(fx * fy);
      case Opcode::Fdiv:
        return static_cast<double>(fx / fy);
      default:
        return std::nullopt;
    }
  };
  switch (op) {
    case Opcode::Fmin:
    case Opcode::Fmax: {
      if (x == y) {
        // Equal values differ only in the sign of zero: min picks -0.
        bool neg_a = (a & sign) != 0;
        bool pick_a = (op == Opcode::Fmin) == neg_a;
        return pick_a ? a : b;
      }
      bool a_less = x < y;
      return (op == Opcode::Fmin) == a_less ? a : b;
    }
    default:
      break;
  }
  std::optional<double> r =
      t == Type::F32 ? arith(f32_of(a), f32_of(b)) : arith(x, y);
  if (!r) return std::nullopt;
  return float_bits(t, *r);
}

std::optional<uint64_t> fold_float_unary(Opcode op, Type t, uint64_t a) {
  const uint64_t sign = t == Type::F32 ? (1ull << 31) : (1ull << 63);
  switch (op) {
    case Opcode::Fneg:
      return a ^ sign;
    case Opcode::Fabs:
      return a & ~sign;
    default:
      break;
  }
  double x = float_value(t, a);
  if (std::isnan(x)) return std::nullopt;
  switch (op) {
    case Opcode::Sqrt:
      return t == Type::F32 ? float_bits(t, std::sqrt(f32_of(a)))
                            : float_bits(t, std::sqrt(x));
    case Opcode::Ceil:
      return float_bits(t, std::ceil(x));
    case Opcode::Floor:
      return float_bits(t, std::floor(x));
    case Opcode::Trunc:
      return float_bits(t, std::trunc(x));
    case Opcode::Nearest:
      // The default rounding mode is to-nearest-even; nearbyint obeys it.
      return float_bits(t, std::nearbyint(x));
    default:
      return std::nullopt;
  }
}

std::optional<uint64_t> fold_conversion(Opcode op, Type t, Type from,
                                        uint64_t a) {
  switch (op) {
    case Opcode::Bitcast:
      return a;
    case Opcode::Fpromote:
      return float_bits(t, static_cast<double>(f32_of(a)));
    case Opcode::Fdemote: {
      double x = f64_of(a);
      if (std::isnan(x)) return std::nullopt;
      return std::bit_cast<uint32_t>(static_cast<float>(x));
    }
    case Opcode::FcvtFromSint:
    case Opcode::FcvtFromUint: {
      bool is_signed = op == Opcode::FcvtFromSint;
      int64_t s = as_signed(from, a);
      uint64_t u = mask(from, a);
      if (t == Type::F32) {
        float v = is_signed ? static_cast<float>(s) : static_cast<float>(u);
        return std::bit_cast<uint32_t>(v);
      }
      double v = is_signed ? static_cast<double>(s) : static_cast<double>(u);
      return std::bit_cast<uint64_t>(v);
    }
    case Opcode::FcvtToSint:
    case Opcode::FcvtToUint:
    case Opcode::FcvtToSintSat:
    case Opcode::FcvtToUintSat: {
      bool is_signed = op == Opcode::FcvtToSint || op == Opcode::FcvtToSintSat;
      bool sat = op == Opcode::FcvtToSintSat || op == Opcode::FcvtToUintSat;
      double x = std::trunc(float_value(from, a));
      // Exclusive bounds of the representable range, exact in double.
      double lo, hi;
      if (t == Type::I32) {
        lo = is_signed ? -2147483649.0 : -1.0;
        hi = is_signed ? 2147483648.0 : 4294967296.0;
      } else {
        lo = is_signed ? -9223372036854775808.0 - 1.0 : -1.0;
        hi = is_signed ? 9223372036854775808.0 : 18446744073709551616.0;
      }
      if (std::isnan(x)) {
        if (!sat) return std::nullopt;
        return 0;
      }
      bool in_range = t == Type::I64 && is_signed
                          ? (x >= -9223372036854775808.0 && x < hi)
                          : (x > lo && x < hi);
      if (!in_range) {
        if (!sat) return std::nullopt;
        bool low = x < 0;
        if (t == Type::I32) {
          if (is_signed) {
            return mask(t, low ? static_cast<uint64_t>(INT32_MIN)
                               : static_cast<uint64_t>(INT32_MAX));
          }
          return low ? 0 : UINT32_MAX;
        }
        if (is_signed) {
          return low ? static_cast<uint64_t>(INT64_MIN)
                     : static_cast<uint64_t>(INT64_MAX);
        }
        return low ? 0 : UINT64_MAX;
      }
      if (is_signed) return static_cast<uint64_t>(static_cast<int64_t>(x));
      return static_cast<uint64_t>(x);
    }
    default:
      return std::nullopt;
  }
}

class Folder {
 public:
  explicit Folder(Function& f) : f_(f), subst_(f.num_values()) {}

  bool run();

 private:
  Value resolve(Value v) const {
    while (v.index < subst_.size() && subst_[v.index].valid()) {
      v = subst_[v.index];
    }
    return v;
  }
  std::optional<uint64_t> constant(Value v) const {
    const ValueData& d = f_.value(resolve(v));
    if (d.def != ValueDef::Result) return std::nullopt;
    const InstData& i = f_.inst(Inst(d.owner));
    if (i.opcode == Opcode::Iconst || i.opcode == Opcode::F32const ||
        i.opcode == Opcode::F64const) {
      return i.imm;
    }
    return std::nullopt;
  }
  std::optional<uint64_t> fold(Inst i);

  Function& f_;
  std::vector<Value> subst_;
  bool substituted_ = false;
};

std::optional<uint64_t> Folder::fold(Inst i) {
  const InstData& d = f_.inst(i);
  auto args = f_.args(i);
  const Type t = d.type;
  switch (opcode_format(d.opcode)) {
    case InstFormat::Unary: {
      auto a = constant(args[0]);
      if (!a) return std::nullopt;
      Type from = f_.value_type(resolve(args[0]));
      if (is_int(t) && is_int(from)) return fold_int_unary(d.opcode, t, *a);
      if (is_float(t) && is_float(from) && t == from) {
        return fold_float_unary(d.opcode, t, *a);
      }
      return fold_conversion(d.opcode, t, from, *a);
    }
    case InstFormat::Binary: {
      auto a = constant(args[0]), b = constant(args[1]);
      if (!a || !b) return std::nullopt;
      if (is_int(t)) return fold_int_binary(d.opcode, t, *a, *b);
      return fold_float_binary(d.opcode, t, *a, *b);
    }
    case InstFormat::IntCompare: {
      auto a = constant(args[0]), b = constant(args[1]);
      if (!a || !b) return std::nullopt;
      return icmp(static_cast<IntCC>(d.code), t, *a, *b) ? 1 : 0;
    }
    case InstFormat::FloatCompare: {
      auto a = constant(args[0]), b = constant(args[1]);
      if (!a || !b) return std::nullopt;
      return fcmp(static_cast<FloatCC>(d.code), float_value(t, *a),
                  float_value(t, *b))
                 ? 1
                 : 0;
    }
    default:
      return std::nullopt;
  }
}

bool Folder::run() {
  bool changed = false;
  for (Block b = f_.first_block(); b.valid(); b = f_.next_block(b)) {
    for (Inst i = f_.first_inst(b); i.valid(); i = f_.next_inst(i)) {
      const InstData& d = f_.inst(i);
      if (d.opcode == Opcode::Select) {
        auto c = constant(f_.args(i)[0]);
        if (c) {
          subst_[f_.first_result(i).index] = resolve(f_.args(i)[*c ? 1 : 2]);
          substituted_ = changed = true;
        }
        continue;
      }
      if (opcode_format(d.opcode) == InstFormat::UnaryImm) continue;
      if (d.num_results != 1) continue;
      // Pure instructions, plus the trapping ones whose fold proves no trap.
      if (has_side_effect(d.opcode) || is_branch(d.opcode) ||
          (!is_pure(d.opcode) && !can_trap(d.opcode))) {
        continue;
      }
      if (auto v = fold(i)) {
        f_.rewrite_as_const(i, mask(d.type, *v));
        changed = true;
      }
    }
  }
  if (substituted_) f_.substitute_uses(subst_);
  return changed;
}

}  // namespace

bool fold_constants(Function& f) { return Folder(f).run(); }

}  // namespace heron::opt
