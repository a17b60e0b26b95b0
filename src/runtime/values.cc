// Val, the conversions between Val and the raw slots compiled code uses, and
// the text of a Trap.
#include <bit>
#include <cinttypes>
#include <cstdio>

#include "heron/func.h"
#include "heron/trap.h"
#include "heron/val.h"
#include "runtime/store_impl.h"

namespace heron::api {

Val Val::f32(float v) {
  return Val(ValType::f32(), std::bit_cast<uint32_t>(v));
}
Val Val::f64(double v) {
  return Val(ValType::f64(), std::bit_cast<uint64_t>(v));
}
Val Val::funcref(const Func& func) {
  return Val(ValType::funcref(), uint64_t(uintptr_t(func.data())));
}
float Val::as_f32() const { return std::bit_cast<float>(uint32_t(bits_)); }
double Val::as_f64() const { return std::bit_cast<double>(bits_); }
bool Val::is_funcref() const {
  if (!is_ref()) return false;
  return type_.heap.kind == HeapKind::Func ||
         type_.heap.kind == HeapKind::NoFunc || type_.heap.is_concrete();
}
bool Val::is_externref() const {
  return is_ref() && (type_.heap.kind == HeapKind::Extern ||
                      type_.heap.kind == HeapKind::NoExtern);
}
Func Val::as_funcref() const {
  if (!is_funcref()) return Func();
  return Func(reinterpret_cast<FuncData*>(uintptr_t(bits_)));
}

std::string Val::to_string() const {
  char buf[64];
  switch (type_.kind) {
    case ValKind::I32:
      std::snprintf(buf, sizeof buf, "i32:%" PRId32, as_i32());
      return buf;
    case ValKind::I64:
      std::snprintf(buf, sizeof buf, "i64:%" PRId64, as_i64());
      return buf;
    case ValKind::F32:
      std::snprintf(buf, sizeof buf, "f32:%.9g", double(as_f32()));
      return buf;
    case ValKind::F64:
      std::snprintf(buf, sizeof buf, "f64:%.17g", as_f64());
      return buf;
    case ValKind::Ref:
      if (bits_ == 0) return heron::to_string(type_) + ":null";
      std::snprintf(buf, sizeof buf, ":0x%" PRIx64, bits_);
      return heron::to_string(type_) + buf;
    default:
      return "?";
  }
}

Error detail::typed_result_mismatch() {
  return Error(ErrorKind::Usage,
               "the function's results do not match the requested C++ types");
}

std::string Trap::to_string() const {
  std::string s = message;
  for (size_t k = 0; k < backtrace.size(); k++) {
    const FrameInfo& f = backtrace[k];
    char buf[96];
    std::snprintf(buf, sizeof buf, "\n  %zu: func %" PRIu32, k, f.func_index);
    s += buf;
    if (!f.func_name.empty()) s += " <" + f.func_name + ">";
    if (f.module_offset != FrameInfo::kNoOffset) {
      std::snprintf(buf, sizeof buf, " @ 0x%" PRIx64, f.module_offset);
      s += buf;
    }
  }
  if (backtrace_truncated) s += "\n  ...";
  return s;
}

}  // namespace heron::api

namespace heron {

ValRaw to_raw(const api::Val& v) {
  ValRaw r;
  if (v.is_funcref()) {
    const FuncData* f = v.as_funcref().data();
    r.lo = f ? uint64_t(uintptr_t(f->func_ref)) : 0;
  } else if (v.kind() == ValKind::I32 || v.kind() == ValKind::F32) {
    r.lo = uint32_t(v.bits());
  } else {
    r.lo = v.bits();
  }
  return r;
}

api::Val from_raw(const StoreImpl& store, const ValType& type,
                  const ValRaw& raw) {
  switch (type.kind) {
    case ValKind::I32:
      return api::Val::i32(int32_t(uint32_t(raw.lo)));
    case ValKind::I64:
      return api::Val::i64(int64_t(raw.lo));
    case ValKind::F32:
      return api::Val::f32_bits(uint32_t(raw.lo));
    case ValKind::F64:
      return api::Val::f64_bits(raw.lo);
    default:
      break;
  }
  const bool func = type.heap.kind == HeapKind::Func ||
                    type.heap.kind == HeapKind::NoFunc ||
                    type.heap.is_concrete();
  if (func) {
    FuncData* f = store.func_from_ref(reinterpret_cast<const void*>(raw.lo));
    return api::Val::funcref(api::Func(f));
  }
  return api::Val::externref(reinterpret_cast<const void*>(raw.lo));
}

bool val_matches(const api::Val& v, const ValType& type) {
  if (!type.is_ref()) return v.kind() == type.kind;
  if (!v.is_ref()) return false;
  if (v.is_null() && !type.nullable) return false;
  const bool want_func = type.heap.kind == HeapKind::Func ||
                         type.heap.kind == HeapKind::NoFunc ||
                         type.heap.is_concrete();
  const bool want_extern = type.heap.kind == HeapKind::Extern ||
                           type.heap.kind == HeapKind::NoExtern;
  if (want_func) return v.is_funcref();
  if (want_extern) return v.is_externref();
  return false;
}

api::Val read_global(const GlobalData& g) {
  ValRaw raw;
  std::memcpy(&raw.lo, g.slot, 8);
  return from_raw(*g.store, g.type.type, raw);
}

void write_global(GlobalData& g, const api::Val& v) {
  ValRaw raw = to_raw(v);
  std::memcpy(g.slot, &raw, 16);
}

}  // namespace heron
