// Val: one WebAssembly value as the host sees it: i32, i64, f32, f64 (kept
// as bits, so NaN payloads survive), funcref (a Func, possibly null) or
// externref (an opaque host pointer, null = nullptr).
#pragma once

#include <cstdint>
#include <string>

#include "heron/types.h"

namespace heron {
struct FuncData;
}

namespace heron::api {

class Func;

class Val {
 public:
  Val() = default;  // i32 0

  static Val i32(int32_t v) { return Val(ValType::i32(), uint32_t(v)); }
  static Val i64(int64_t v) { return Val(ValType::i64(), uint64_t(v)); }
  static Val f32(float v);
  static Val f64(double v);
  static Val f32_bits(uint32_t bits) { return Val(ValType::f32(), bits); }
  static Val f64_bits(uint64_t bits) { return Val(ValType::f64(), bits); }
  static Val funcref(const Func& func);  // a null Func gives ref.null func
  static Val null_funcref() { return Val(ValType::funcref(), 0); }
  static Val externref(const void* host) {
    return Val(ValType::externref(), uint64_t(uintptr_t(host)));
  }
  static Val null_externref() { return Val(ValType::externref(), 0); }
  // The default value of a type (zero, or null for references).
  static Val zero_of(const ValType& type) { return Val(type, 0); }

  // For references: funcref/externref (or the declared reference type).
  const ValType& type() const { return type_; }
  ValKind kind() const { return type_.kind; }
  bool is_ref() const { return type_.is_ref(); }
  bool is_funcref() const;
  bool is_externref() const;
  bool is_null() const { return is_ref() && bits_ == 0; }

  int32_t as_i32() const { return int32_t(uint32_t(bits_)); }
  int64_t as_i64() const { return int64_t(bits_); }
  float as_f32() const;
  double as_f64() const;
  uint32_t as_f32_bits() const { return uint32_t(bits_); }
  uint64_t as_f64_bits() const { return bits_; }
  Func as_funcref() const;
  const void* as_externref() const {
    return reinterpret_cast<const void*>(bits_);
  }

  // The 64 low bits as stored (refs: the runtime's pointer); for comparisons
  // of reference identity.
  uint64_t bits() const { return bits_; }

  // "i32:42", "f64:1.5", "funcref:null", ...
  std::string to_string() const;

  // Same type kind and same bits (so NaNs compare by payload).
  friend bool operator==(const Val& a, const Val& b) {
    return a.type_ == b.type_ && a.bits_ == b.bits_;
  }

 private:
  Val(ValType type, uint64_t bits) : type_(type), bits_(bits) {}
  friend class Func;

  ValType type_ = ValType::i32();
  uint64_t bits_ = 0;
};

}  // namespace heron::api
