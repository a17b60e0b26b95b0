// Number literals of the text format: which runs of characters are numbers
// (classify_number), and their exact values (integers with range checks,
// floats rounded to nearest-even, NaN payloads). Kept apart from the lexer
// because WAT, WAST and v128 lane parsing all need the values, while the
// lexer only needs the classification.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "text/lexer.h"

namespace heron::text {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

constexpr size_t kNoMatch = std::string_view::npos;

// digit ('_'? digit)* starting at i: the end, or kNoMatch.
size_t match_digits(std::string_view t, size_t i, bool hex) {
  auto ok = [hex](char c) { return hex ? is_hex_digit(c) : is_digit(c); };
  if (i >= t.size() || !ok(t[i])) return kNoMatch;
  ++i;
  while (i < t.size()) {
    if (ok(t[i])) {
      ++i;
    } else if (t[i] == '_' && i + 1 < t.size() && ok(t[i + 1])) {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

bool starts_with(std::string_view t, size_t i, std::string_view prefix) {
  return t.substr(i, prefix.size()) == prefix;
}

// The pieces of a number token, as positions into its text.
struct NumberShape {
  TokenKind kind = TokenKind::Nat;
  bool negative = false;
  bool has_sign = false;
  bool hex = false;
  bool inf = false;
  bool nan = false;
  std::string_view nan_payload;  // hex digits after "nan:0x", if any
  std::string_view int_part;     // digits before '.', with '_'
  std::string_view frac_part;    // digits after '.', may be empty
  std::string_view exponent;     // after e/E/p/P incl. its sign, may be empty
};

std::optional<NumberShape> shape_of(std::string_view t) {
  NumberShape s;
  size_t i = 0;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    s.has_sign = true;
    s.negative = t[0] == '-';
    i = 1;
  }
  std::string_view rest = t.substr(i);
  if (rest == "inf" || rest == "nan") {
    s.kind = TokenKind::Float;
    (rest == "inf" ? s.inf : s.nan) = true;
    return s;
  }
  if (starts_with(rest, 0, "nan:0x")) {
    size_t end = match_digits(t, i + 6, true);
    if (end != t.size()) return std::nullopt;
    s.kind = TokenKind::Float;
    s.nan = true;
    s.nan_payload = t.substr(i + 6);
    return s;
  }
  s.hex = starts_with(rest, 0, "0x");
  size_t start = s.hex ? i + 2 : i;
  size_t j = match_digits(t, start, s.hex);
  if (j == kNoMatch) return std::nullopt;
  s.int_part = t.substr(start, j - start);
  if (j == t.size()) {
    s.kind = s.has_sign ? TokenKind::Int : TokenKind::Nat;
    return s;
  }
  s.kind = TokenKind::Float;
  if (t[j] == '.') {
    ++j;
    size_t k = match_digits(t, j, s.hex);
    if (k != kNoMatch) {
      s.frac_part = t.substr(j, k - j);
      j = k;
    }
    if (j == t.size()) return s;
  }
  char e = t[j];
  bool is_exp = s.hex ? (e == 'p' || e == 'P') : (e == 'e' || e == 'E');
  if (!is_exp) return std::nullopt;
  size_t exp_start = ++j;
  if (j < t.size() && (t[j] == '+' || t[j] == '-')) ++j;
  size_t k = match_digits(t, j, false);
  if (k != t.size()) return std::nullopt;
  s.exponent = t.substr(exp_start);
  return s;
}

// Unsigned magnitude of validated digits (with '_'); nullopt on overflow.
std::optional<uint64_t> magnitude(std::string_view digits, bool hex) {
  uint64_t v = 0;
  uint64_t base = hex ? 16 : 10;
  for (char c : digits) {
    if (c == '_') continue;
    uint64_t d = static_cast<uint64_t>(hex_value(c));
    if (v > (UINT64_MAX - d) / base) return std::nullopt;
    v = v * base + d;
  }
  return v;
}

std::optional<uint64_t> parse_unsigned(std::string_view text, unsigned bits) {
  auto s = shape_of(text);
  if (!s || s->kind != TokenKind::Nat) return std::nullopt;
  auto v = magnitude(s->int_part, s->hex);
  if (!v) return std::nullopt;
  if (bits < 64 && *v >> bits) return std::nullopt;
  return v;
}

// Float formats by their mantissa width (23 or 52) and exponent bias.
struct FloatFormat {
  int mant_bits;
  int exp_bits;
  int bias;
};
constexpr FloatFormat kF32{23, 8, 127};
constexpr FloatFormat kF64{52, 11, 1023};

// Decimal exponent digits with saturation: text is bounded, so anything past
// 10^15 rounds to zero or infinity anyway.
int64_t parse_exponent(std::string_view e) {
  bool neg = false;
  size_t i = 0;
  if (!e.empty() && (e[0] == '+' || e[0] == '-')) {
    neg = e[0] == '-';
    i = 1;
  }
  int64_t v = 0;
  for (; i < e.size(); ++i) {
    if (e[i] == '_') continue;
    if (v < 1'000'000'000'000'000) v = v * 10 + (e[i] - '0');
  }
  return neg ? -v : v;
}

// Hex float to the bits of `fmt` (without sign), correctly rounded to
// nearest-even; nullopt if it rounds to infinity. The significand keeps up to
// 60 leading bits exactly plus a sticky bit for the rest, which is enough for
// a correct decision between two 53-bit neighbours.
std::optional<uint64_t> hex_float_bits(const NumberShape& s, FloatFormat fmt) {
  uint64_t m = 0;
  int64_t exp2 = 0;
  bool sticky = false;
  auto feed = [&](char c, bool fraction) {
    if (c == '_') return;
    uint64_t d = static_cast<uint64_t>(hex_value(c));
    if (m < (uint64_t{1} << 60)) {
      m = m * 16 + d;
      if (fraction) exp2 -= 4;
    } else {
      sticky |= d != 0;
      if (!fraction) exp2 += 4;
    }
  };
  for (char c : s.int_part) feed(c, false);
  for (char c : s.frac_part) feed(c, true);
  if (m == 0) return 0;
  exp2 += parse_exponent(s.exponent);

  int lz = __builtin_clzll(m);
  m <<= lz;
  // value = (m / 2^63) * 2^e with m in [2^63, 2^64)
  int64_t e = exp2 + 63 - lz;
  const int64_t emin = 1 - fmt.bias;
  const int64_t emax = fmt.bias;
  if (e > emax + 1) return std::nullopt;
  int64_t p = fmt.mant_bits + 1;  // significant bits available at e
  if (e < emin) p -= emin - e;
  uint64_t q;
  if (p <= 0) {
    // Below the smallest subnormal: rounds to it only if above its half.
    bool above_half = p == 0 && (m > (uint64_t{1} << 63) || sticky);
    q = above_half ? 1 : 0;
    return q;  // subnormal bits == q
  }
  int shift = static_cast<int>(64 - p);
  q = m >> shift;
  uint64_t rem = m & ((uint64_t{1} << shift) - 1);
  uint64_t half = uint64_t{1} << (shift - 1);
  if (rem > half || (rem == half && (sticky || (q & 1)))) ++q;
  if (e < emin) return q;  // subnormal; q == 2^mant is the smallest normal
  if (q >> (fmt.mant_bits + 1)) {
    q >>= 1;
    ++e;
  }
  if (e > emax) return std::nullopt;
  uint64_t biased = static_cast<uint64_t>(e + fmt.bias);
  return (biased << fmt.mant_bits) | (q & ((uint64_t{1} << fmt.mant_bits) - 1));
}

// A non-negative arbitrary-precision integer, just enough to compare a
// decimal literal exactly with a binary midpoint.
class BigNat {
 public:
  explicit BigNat(uint64_t v = 0) {
    while (v) {
      limbs_.push_back(static_cast<uint32_t>(v));
      v >>= 32;
    }
  }
  void mul_add(uint32_t m, uint32_t a) {
    uint64_t carry = a;
    for (auto& limb : limbs_) {
      uint64_t t = uint64_t{limb} * m + carry;
      limb = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry) limbs_.push_back(static_cast<uint32_t>(carry));
  }
  void mul_pow5(uint64_t n) {
    constexpr uint32_t k5pow13 = 1220703125;
    for (; n >= 13; n -= 13) mul_add(k5pow13, 0);
    uint32_t p = 1;
    while (n--) p *= 5;
    mul_add(p, 0);
  }
  void shl(uint64_t bits) {
    if (limbs_.empty()) return;
    limbs_.insert(limbs_.begin(), bits / 32, 0);
    unsigned r = bits % 32;
    if (r == 0) return;
    uint32_t carry = 0;
    for (auto& limb : limbs_) {
      uint32_t next = limb >> (32 - r);
      limb = (limb << r) | carry;
      carry = next;
    }
    if (carry) limbs_.push_back(carry);
  }
  friend int compare(const BigNat& a, const BigNat& b) {
    if (a.limbs_.size() != b.limbs_.size())
      return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (size_t i = a.limbs_.size(); i-- > 0;)
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    return 0;
  }

 private:
  std::vector<uint32_t> limbs_;  // little-endian, no high zero limbs
};

// Sign of digits * 10^e10 - k * 2^e2, computed exactly.
int compare_exact(const BigNat& digits, int64_t e10, uint64_t k, int64_t e2) {
  BigNat lhs = digits, rhs(k);
  if (e10 >= 0) {
    lhs.mul_pow5(static_cast<uint64_t>(e10));
    lhs.shl(static_cast<uint64_t>(e10));
  } else {
    rhs.mul_pow5(static_cast<uint64_t>(-e10));
    rhs.shl(static_cast<uint64_t>(-e10));
  }
  if (e2 >= 0) {
    rhs.shl(static_cast<uint64_t>(e2));
  } else {
    lhs.shl(static_cast<uint64_t>(-e2));
  }
  return compare(lhs, rhs);
}

// Decimal floats, correctly rounded to nearest-even. strtof/strtod give a
// candidate that is at most an ulp off (glibc misrounds some subnormals, and
// f32 must not go through double), and exact comparisons with the midpoints
// to its neighbours then settle the result.
std::optional<uint64_t> decimal_float_bits(const NumberShape& s,
                                           FloatFormat fmt) {
  std::string digits;
  for (char c : s.int_part)
    if (c != '_') digits += c;
  int64_t e10 = 0;
  for (char c : s.frac_part) {
    if (c == '_') continue;
    digits += c;
    --e10;
  }
  e10 += parse_exponent(s.exponent);
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  digits.erase(0, first);
  size_t last = digits.find_last_not_of('0');
  e10 += static_cast<int64_t>(digits.size() - 1 - last);
  digits.resize(last + 1);
  // The value lies in [10^(top-1), 10^top).
  const int64_t top = e10 + static_cast<int64_t>(digits.size());
  if (top > 310) return std::nullopt;  // above every finite f64
  if (top < -330) return 0;            // below half the least subnormal

  std::string clean = digits + "e" + std::to_string(e10);
  const uint64_t inf_bits = ((uint64_t{1} << fmt.exp_bits) - 1)
                            << fmt.mant_bits;
  uint64_t bits;
  if (fmt.mant_bits == kF32.mant_bits) {
    float f = std::strtof(clean.c_str(), nullptr);
    uint32_t b;
    std::memcpy(&b, &f, sizeof b);
    bits = b & 0x7fffffffu;
  } else {
    double d = std::strtod(clean.c_str(), nullptr);
    std::memcpy(&bits, &d, sizeof bits);
    bits &= ~(uint64_t{1} << 63);
  }
  if (bits >= inf_bits) bits = inf_bits - 1;  // start from the largest finite

  BigNat value;
  for (size_t i = 0; i < digits.size(); i += 9) {  // nine digits per step
    uint32_t chunk = 0, scale = 1;
    for (size_t k = i; k < digits.size() && k < i + 9; ++k) {
      chunk = chunk * 10 + static_cast<uint32_t>(digits[k] - '0');
      scale *= 10;
    }
    value.mul_add(scale, chunk);
  }
  const uint64_t hidden = uint64_t{1} << fmt.mant_bits;
  while (true) {
    // bits as m * 2^q, m including the hidden bit of normal numbers.
    uint64_t biased = bits >> fmt.mant_bits;
    uint64_t m = bits & (hidden - 1);
    int64_t q = 1 - fmt.bias - fmt.mant_bits;
    if (biased > 0) {
      m |= hidden;
      q = static_cast<int64_t>(biased) - fmt.bias - fmt.mant_bits;
    }
    // Ties go to the even neighbour: away from an odd m.
    int up = compare_exact(value, e10, 2 * m + 1, q - 1);
    if (up > 0 || (up == 0 && (m & 1))) {
      if (++bits == inf_bits) return std::nullopt;
      continue;
    }
    if (bits > 0) {
      bool binade_start = m == hidden && biased > 1;
      int down = binade_start ? compare_exact(value, e10, 4 * m - 1, q - 2)
                              : compare_exact(value, e10, 2 * m - 1, q - 1);
      if (down < 0 || (down == 0 && (m & 1))) {
        --bits;
        continue;
      }
    }
    return bits;
  }
}

std::optional<uint64_t> parse_float(std::string_view text, FloatFormat fmt) {
  auto s = shape_of(text);
  if (!s) return std::nullopt;
  const int sign_pos = fmt.mant_bits + fmt.exp_bits;
  const uint64_t sign = s->negative ? uint64_t{1} << sign_pos : 0;
  const uint64_t exp_all_ones = ((uint64_t{1} << fmt.exp_bits) - 1)
                                << fmt.mant_bits;
  const uint64_t mant_mask = (uint64_t{1} << fmt.mant_bits) - 1;
  if (s->inf) return sign | exp_all_ones;
  if (s->nan) {
    uint64_t payload = uint64_t{1} << (fmt.mant_bits - 1);  // canonical
    if (!s->nan_payload.empty()) {
      auto v = magnitude(s->nan_payload, true);
      if (!v || *v == 0 || (*v & ~mant_mask)) return std::nullopt;
      payload = *v;
    }
    return sign | exp_all_ones | payload;
  }
  auto bits = s->hex ? hex_float_bits(*s, fmt) : decimal_float_bits(*s, fmt);
  if (!bits) return std::nullopt;
  // The magnitude was converted without its sign.
  return *bits | sign;
}

}  // namespace

std::optional<TokenKind> classify_number(std::string_view text) {
  auto s = shape_of(text);
  if (!s) return std::nullopt;
  return s->kind;
}

std::optional<uint32_t> parse_u32(std::string_view text) {
  auto v = parse_unsigned(text, 32);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint64_t> parse_u64(std::string_view text) {
  return parse_unsigned(text, 64);
}

std::optional<uint64_t> parse_int_bits(std::string_view text, unsigned bits) {
  auto s = shape_of(text);
  if (!s || (s->kind != TokenKind::Nat && s->kind != TokenKind::Int))
    return std::nullopt;
  auto v = magnitude(s->int_part, s->hex);
  if (!v) return std::nullopt;
  const uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  if (s->negative) {
    // Down to -2^(N-1).
    if (*v > (uint64_t{1} << (bits - 1))) return std::nullopt;
    return (0 - *v) & mask;
  }
  // Unsigned range; a '+' sign is accepted up to 2^N-1 as the reference
  // interpreter does.
  if (*v & ~mask) return std::nullopt;
  return *v;
}

std::optional<uint32_t> parse_i32(std::string_view text) {
  auto v = parse_int_bits(text, 32);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint64_t> parse_i64(std::string_view text) {
  return parse_int_bits(text, 64);
}

std::optional<uint32_t> parse_f32_bits(std::string_view text) {
  auto v = parse_float(text, kF32);
  if (!v) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

std::optional<uint64_t> parse_f64_bits(std::string_view text) {
  return parse_float(text, kF64);
}

}  // namespace heron::text
