// Func: a function of a store, defined by a wasm instance or by the host,
// callable from C++. Host functions get a Caller and the arguments and fill
// in the results; they report a trap by returning one (the runtime raises it
// in wasm after the host function's C++ objects are destroyed).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <tuple>
#include <type_traits>
#include <vector>

#include "heron/trap.h"
#include "heron/types.h"
#include "heron/val.h"

namespace heron {
struct FuncData;
}

namespace heron::api {

class Store;

// What a host function knows about its call.
class Caller {
 public:
  explicit Caller(Store& store) : store_(&store) {}
  Store& store() const { return *store_; }

 private:
  Store* store_;
};

// Returns std::nullopt on success (results written), or the trap to raise.
using HostFunction = std::function<std::optional<Trap>(
    Caller& caller, std::span<const Val> args, std::span<Val> results)>;

class Func {
 public:
  Func() = default;  // the null function reference
  explicit Func(FuncData* data) : data_(data) {}

  // A host function living in `store`. Its type may use abstract reference
  // types only (funcref, externref...): concrete type indices belong to a
  // module, and there is none here (an Error of kind Usage).
  static Result<Func> create(Store& store, const FuncType& type,
                             HostFunction fn);

  bool is_null() const { return data_ == nullptr; }
  explicit operator bool() const { return data_ != nullptr; }
  const FuncType& type() const;

  // Calls the function with `args` (checked against its type: an Error of
  // kind Usage when they do not match, or when the function belongs to
  // another store).
  CallResult<std::vector<Val>> call(Store& store,
                                    std::span<const Val> args) const;

  // Typed convenience: R is void, one of int32_t/uint32_t/int64_t/uint64_t/
  // float/double, or a std::tuple of them; the arguments likewise.
  //   auto r = f.call_as<int32_t>(store, 5, 7);
  template <class R, class... A>
  CallResult<R> call_as(Store& store, A... args) const;

  FuncData* data() const { return data_; }
  friend bool operator==(const Func& a, const Func& b) {
    return a.data_ == b.data_;
  }

 private:
  FuncData* data_ = nullptr;
};

namespace detail {

template <class T>
Val to_val(T v) {
  if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, uint32_t>)
    return Val::i32(int32_t(v));
  else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>)
    return Val::i64(int64_t(v));
  else if constexpr (std::is_same_v<T, float>)
    return Val::f32(v);
  else if constexpr (std::is_same_v<T, double>)
    return Val::f64(v);
  else
    static_assert(sizeof(T) == 0, "unsupported argument type");
}

template <class T>
bool from_val(const Val& v, T* out) {
  if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, uint32_t>) {
    if (v.kind() != ValKind::I32) return false;
    *out = T(v.as_i32());
  } else if constexpr (std::is_same_v<T, int64_t> ||
                       std::is_same_v<T, uint64_t>) {
    if (v.kind() != ValKind::I64) return false;
    *out = T(v.as_i64());
  } else if constexpr (std::is_same_v<T, float>) {
    if (v.kind() != ValKind::F32) return false;
    *out = v.as_f32();
  } else if constexpr (std::is_same_v<T, double>) {
    if (v.kind() != ValKind::F64) return false;
    *out = v.as_f64();
  } else {
    static_assert(sizeof(T) == 0, "unsupported result type");
  }
  return true;
}

template <class T>
struct TypedResults {
  static constexpr size_t kCount = 1;
  static bool read(std::span<const Val> vals, T* out) {
    return from_val(vals[0], out);
  }
};

template <class... T>
struct TypedResults<std::tuple<T...>> {
  static constexpr size_t kCount = sizeof...(T);
  static bool read(std::span<const Val> vals, std::tuple<T...>* out) {
    return read_at(vals, out, std::index_sequence_for<T...>{});
  }
  template <size_t... I>
  static bool read_at(std::span<const Val> vals, std::tuple<T...>* out,
                      std::index_sequence<I...>) {
    return (from_val(vals[I], &std::get<I>(*out)) && ...);
  }
};

Error typed_result_mismatch();

}  // namespace detail

template <class R, class... A>
CallResult<R> Func::call_as(Store& store, A... args) const {
  const Val vals[sizeof...(A) + 1] = {detail::to_val(args)..., Val()};
  auto r = call(store, std::span<const Val>(vals, sizeof...(A)));
  if (r.trapped()) return r.trap();
  if (r.failed()) return r.error();
  const std::vector<Val>& results = r.value();
  if constexpr (std::is_void_v<R>) {
    if (!results.empty()) return detail::typed_result_mismatch();
    return CallResult<R>();
  } else {
    if (results.size() != detail::TypedResults<R>::kCount)
      return detail::typed_result_mismatch();
    R out{};
    if (!detail::TypedResults<R>::read(results, &out))
      return detail::typed_result_mismatch();
    return out;
  }
}

}  // namespace heron::api
