// Names and small helpers for the type vocabulary of types.h.
#include "format/types.h"

#include <string>

namespace heron {

bool abstract_heap_from_byte(uint8_t byte, HeapKind* out) {
  switch (byte) {
    case typecode::kFunc:
      *out = HeapKind::Func;
      return true;
    case typecode::kNoFunc:
      *out = HeapKind::NoFunc;
      return true;
    case typecode::kExtern:
      *out = HeapKind::Extern;
      return true;
    case typecode::kNoExtern:
      *out = HeapKind::NoExtern;
      return true;
    case typecode::kAny:
      *out = HeapKind::Any;
      return true;
    case typecode::kEq:
      *out = HeapKind::Eq;
      return true;
    case typecode::kI31:
      *out = HeapKind::I31;
      return true;
    case typecode::kStruct:
      *out = HeapKind::Struct;
      return true;
    case typecode::kArray:
      *out = HeapKind::Array;
      return true;
    case typecode::kNone:
      *out = HeapKind::None;
      return true;
    case typecode::kExn:
      *out = HeapKind::Exn;
      return true;
    case typecode::kNoExn:
      *out = HeapKind::NoExn;
      return true;
    default:
      return false;
  }
}

const char* extern_kind_name(ExternKind kind) {
  switch (kind) {
    case ExternKind::Func:
      return "func";
    case ExternKind::Table:
      return "table";
    case ExternKind::Memory:
      return "memory";
    case ExternKind::Global:
      return "global";
    case ExternKind::Tag:
      return "tag";
  }
  return "?";
}

std::string to_string(const HeapType& h) {
  switch (h.kind) {
    case HeapKind::Func:
      return "func";
    case HeapKind::NoFunc:
      return "nofunc";
    case HeapKind::Extern:
      return "extern";
    case HeapKind::NoExtern:
      return "noextern";
    case HeapKind::Any:
      return "any";
    case HeapKind::Eq:
      return "eq";
    case HeapKind::I31:
      return "i31";
    case HeapKind::Struct:
      return "struct";
    case HeapKind::Array:
      return "array";
    case HeapKind::None:
      return "none";
    case HeapKind::Exn:
      return "exn";
    case HeapKind::NoExn:
      return "noexn";
    case HeapKind::Concrete:
      return std::to_string(h.index);
    case HeapKind::Bot:
      return "bot";
  }
  return "?";
}

std::string to_string(const ValType& t) {
  switch (t.kind) {
    case ValKind::I32:
      return "i32";
    case ValKind::I64:
      return "i64";
    case ValKind::F32:
      return "f32";
    case ValKind::F64:
      return "f64";
    case ValKind::V128:
      return "v128";
    case ValKind::Bot:
      return "bot";
    case ValKind::Ref:
      return std::string(t.nullable ? "(ref null " : "(ref ") +
             to_string(t.heap) + ")";
  }
  return "?";
}

}  // namespace heron
