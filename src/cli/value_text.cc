// Printing and parsing values in text-format syntax (see value_text.h).
#include "cli/value_text.h"

#include <bit>
#include <charconv>
#include <cinttypes>
#include <cstdio>

#include <fmt/format.h>

#include "text/lexer.h"

namespace heron::cli {
namespace {

template <class Float, class Bits>
std::string format_float(Bits bits) {
  constexpr int kMantissaBits = sizeof(Bits) == 4 ? 23 : 52;
  constexpr Bits kSign = Bits(1) << (sizeof(Bits) * 8 - 1);
  constexpr Bits kMantissa = (Bits(1) << kMantissaBits) - 1;
  Float value = std::bit_cast<Float>(bits);
  const char* sign = (bits & kSign) ? "-" : "";
  if (value != value) {
    return fmt::format("{}nan:0x{:x}", sign, uint64_t(bits & kMantissa));
  }
  if (value == Float(INFINITY) || value == -Float(INFINITY)) {
    return fmt::format("{}inf", sign);
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) fatal_invariant("to_chars of a float failed");
  return std::string(buf, end);
}

}  // namespace

std::string format_val(const api::Val& value) {
  switch (value.kind()) {
    case ValKind::I32:
      return std::to_string(value.as_i32());
    case ValKind::I64:
      return std::to_string(value.as_i64());
    case ValKind::F32:
      return format_float<float>(value.as_f32_bits());
    case ValKind::F64:
      return format_float<double>(value.as_f64_bits());
    case ValKind::Ref:
      if (value.is_externref()) {
        if (value.is_null()) return "ref.null extern";
        return fmt::format("ref.extern 0x{:x}", value.bits());
      }
      if (value.is_funcref()) {
        return value.is_null() ? "ref.null func" : "ref.func";
      }
      return value.is_null() ? "ref.null" : "ref";
    case ValKind::V128:
    case ValKind::Bot:
      break;
  }
  return "?";
}

Result<api::Val> parse_val(std::string_view text, const ValType& type) {
  auto bad = [&] {
    return Error(ErrorKind::Usage, fmt::format("invalid {} argument '{}'",
                                               to_string(type), text));
  };
  switch (type.kind) {
    case ValKind::I32:
      if (auto v = text::parse_i32(text)) return api::Val::i32(int32_t(*v));
      return bad();
    case ValKind::I64:
      if (auto v = text::parse_i64(text)) return api::Val::i64(int64_t(*v));
      return bad();
    case ValKind::F32:
      if (auto v = text::parse_f32_bits(text)) return api::Val::f32_bits(*v);
      return bad();
    case ValKind::F64:
      if (auto v = text::parse_f64_bits(text)) return api::Val::f64_bits(*v);
      return bad();
    case ValKind::Ref:
      if (text != "null" || !type.nullable) return bad();
      if (type.heap.kind == HeapKind::Extern ||
          type.heap.kind == HeapKind::NoExtern) {
        return api::Val::null_externref();
      }
      if (type.heap.kind == HeapKind::Func ||
          type.heap.kind == HeapKind::NoFunc || type.heap.is_concrete()) {
        return api::Val::null_funcref();
      }
      return Error(ErrorKind::Unsupported,
                   fmt::format("arguments of type {} are not supported",
                               to_string(type)));
    case ValKind::V128:
    case ValKind::Bot:
      break;
  }
  return Error(
      ErrorKind::Unsupported,
      fmt::format("arguments of type {} are not supported", to_string(type)));
}

}  // namespace heron::cli
