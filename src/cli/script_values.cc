// Script constants vs engine values (see script_values.h).
#include "cli/script_values.h"

#include <fmt/format.h>

#include "cli/value_text.h"

namespace heron::cli {
namespace {

using text::NanPattern;
using text::ScriptValue;
using Kind = ScriptValue::Kind;

Error unsupported(const ScriptValue& value) {
  switch (value.kind) {
    case Kind::V128:
      return Error(ErrorKind::Unsupported, "SIMD (v128 values)");
    case Kind::RefExn:
      return Error(ErrorKind::Unsupported, "exception handling (exnref)");
    default:
      return Error(ErrorKind::Unsupported, "GC (reference values)");
  }
}

bool float_matches(uint64_t bits, const ScriptValue& expected, bool is32) {
  const uint64_t sign = is32 ? 0x80000000u : 0x8000000000000000u;
  const uint64_t canonical = is32 ? 0x7fc00000u : 0x7ff8000000000000u;
  switch (expected.nan) {
    case NanPattern::Canonical:
      return (bits & ~sign) == canonical;
    case NanPattern::Arithmetic:
      return (bits & canonical) == canonical;
    case NanPattern::None:
      break;
  }
  return bits == (is32 ? (expected.bits & 0xffffffffu) : expected.bits);
}

}  // namespace

Result<api::Val> script_arg(const ScriptValue& value) {
  switch (value.kind) {
    case Kind::I32:
      return api::Val::i32(int32_t(uint32_t(value.bits)));
    case Kind::I64:
      return api::Val::i64(int64_t(value.bits));
    case Kind::F32:
      return api::Val::f32_bits(uint32_t(value.bits));
    case Kind::F64:
      return api::Val::f64_bits(value.bits);
    case Kind::RefNull:
      switch (value.heap.kind) {
        case HeapKind::Func:
        case HeapKind::NoFunc:
          return api::Val::null_funcref();
        case HeapKind::Extern:
        case HeapKind::NoExtern:
          return api::Val::null_externref();
        default:
          return unsupported(value);
      }
    case Kind::RefExtern:
      return api::Val::externref(
          reinterpret_cast<const void*>(uintptr_t(value.bits + 1)));
    default:
      return unsupported(value);
  }
}

Result<bool> script_result_matches(const api::Val& actual,
                                   const ScriptValue& expected) {
  switch (expected.kind) {
    case Kind::I32:
      return actual.kind() == ValKind::I32 &&
             uint32_t(actual.as_i32()) == uint32_t(expected.bits);
    case Kind::I64:
      return actual.kind() == ValKind::I64 &&
             uint64_t(actual.as_i64()) == expected.bits;
    case Kind::F32:
      return actual.kind() == ValKind::F32 &&
             float_matches(actual.as_f32_bits(), expected, true);
    case Kind::F64:
      return actual.kind() == ValKind::F64 &&
             float_matches(actual.as_f64_bits(), expected, false);
    case Kind::RefNull:
    case Kind::RefNullAny:
      return actual.is_ref() && actual.is_null();
    case Kind::RefExtern:
      if (!actual.is_externref() || actual.is_null()) return false;
      return !expected.has_payload || actual.bits() == expected.bits + 1;
    case Kind::RefFunc:
      return actual.is_funcref() && !actual.is_null();
    default:
      return unsupported(expected);
  }
}

std::string describe_script_value(const ScriptValue& value) {
  auto nan_text = [&]() -> std::string {
    return value.nan == NanPattern::Canonical ? "nan:canonical"
                                              : "nan:arithmetic";
  };
  switch (value.kind) {
    case Kind::I32:
      return "i32 " + format_val(api::Val::i32(int32_t(uint32_t(value.bits))));
    case Kind::I64:
      return "i64 " + format_val(api::Val::i64(int64_t(value.bits)));
    case Kind::F32:
      if (value.nan != NanPattern::None) return "f32 " + nan_text();
      return "f32 " + format_val(api::Val::f32_bits(uint32_t(value.bits)));
    case Kind::F64:
      if (value.nan != NanPattern::None) return "f64 " + nan_text();
      return "f64 " + format_val(api::Val::f64_bits(value.bits));
    case Kind::RefNull:
      return "ref.null " + to_string(value.heap);
    case Kind::RefNullAny:
      return "ref.null";
    case Kind::RefExtern:
      return value.has_payload ? fmt::format("ref.extern {}", value.bits)
                               : "ref.extern";
    case Kind::RefFunc:
      return "ref.func";
    default:
      return "(unsupported value)";
  }
}

}  // namespace heron::cli
