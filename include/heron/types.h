// The WebAssembly type vocabulary shared by every stage: value types,
// reference/heap types, storage and field types, composite and sub types.
//
// A ValType is 8 bytes and trivially comparable. A concrete heap type holds a
// type index of the module it belongs to; the validator canonicalizes indices
// into engine-wide ids (iso-recursive equivalence) when it needs to compare
// types across rec groups or modules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace heron {

enum class ValKind : uint8_t { I32, I64, F32, F64, V128, Ref, Bot };

// Abstract heap types plus `Concrete` (a type index). `Bot` is the validator's
// bottom type, never decoded.
enum class HeapKind : uint8_t {
  Func,
  NoFunc,
  Extern,
  NoExtern,
  Any,
  Eq,
  I31,
  Struct,
  Array,
  None,
  Exn,
  NoExn,
  Concrete,
  Bot,
};

struct HeapType {
  HeapKind kind = HeapKind::Func;
  uint32_t index = 0;  // type index when kind == Concrete

  static constexpr HeapType abstract(HeapKind k) { return HeapType{k, 0}; }
  static constexpr HeapType concrete(uint32_t idx) {
    return HeapType{HeapKind::Concrete, idx};
  }
  constexpr bool is_concrete() const { return kind == HeapKind::Concrete; }
  friend constexpr bool operator==(const HeapType&, const HeapType&) = default;
};

struct ValType {
  ValKind kind = ValKind::I32;
  bool nullable = false;  // meaningful for Ref only
  HeapType heap{};        // meaningful for Ref only

  static constexpr ValType i32() { return {ValKind::I32, false, {}}; }
  static constexpr ValType i64() { return {ValKind::I64, false, {}}; }
  static constexpr ValType f32() { return {ValKind::F32, false, {}}; }
  static constexpr ValType f64() { return {ValKind::F64, false, {}}; }
  static constexpr ValType v128() { return {ValKind::V128, false, {}}; }
  static constexpr ValType bot() { return {ValKind::Bot, false, {}}; }
  static constexpr ValType ref(HeapType h, bool null) {
    return {ValKind::Ref, null, h};
  }
  static constexpr ValType funcref() {
    return ref(HeapType::abstract(HeapKind::Func), true);
  }
  static constexpr ValType externref() {
    return ref(HeapType::abstract(HeapKind::Extern), true);
  }

  constexpr bool is_ref() const { return kind == ValKind::Ref; }
  constexpr bool is_num() const {
    return kind == ValKind::I32 || kind == ValKind::I64 ||
           kind == ValKind::F32 || kind == ValKind::F64;
  }
  friend constexpr bool operator==(const ValType& a, const ValType& b) {
    if (a.kind != b.kind) return false;
    if (a.kind != ValKind::Ref) return true;
    return a.nullable == b.nullable && a.heap == b.heap;
  }
};

// Binary encodings (single-byte shorthands of the type section).
namespace typecode {
constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C,
                  kV128 = 0x7B, kI8 = 0x78, kI16 = 0x77;
constexpr uint8_t kNoExn = 0x74, kNoFunc = 0x73, kNoExtern = 0x72, kNone = 0x71,
                  kFunc = 0x70, kExtern = 0x6F, kAny = 0x6E, kEq = 0x6D,
                  kI31 = 0x6C, kStruct = 0x6B, kArray = 0x6A, kExn = 0x69;
constexpr uint8_t kRefNull = 0x63, kRef = 0x64;
constexpr uint8_t kFuncType = 0x60, kStructType = 0x5F, kArrayType = 0x5E,
                  kSubType = 0x50, kSubFinalType = 0x4F, kRecGroup = 0x4E;
constexpr uint8_t kEmptyBlock = 0x40;
}  // namespace typecode

// Maps an abstract heap type byte (0x69..0x74) to its kind; false otherwise.
bool abstract_heap_from_byte(uint8_t byte, HeapKind* out);

enum class Packed : uint8_t { None, I8, I16 };

struct StorageType {
  ValType type{};                // when packed == None
  Packed packed = Packed::None;  // i8 / i16 field
  friend bool operator==(const StorageType&, const StorageType&) = default;
  ValType unpacked() const {
    return packed == Packed::None ? type : ValType::i32();
  }
};

struct FieldType {
  StorageType storage{};
  bool mut = false;
  friend bool operator==(const FieldType&, const FieldType&) = default;
};

enum class CompositeKind : uint8_t { Func, Struct, Array };

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  friend bool operator==(const FuncType&, const FuncType&) = default;
};

struct CompositeType {
  CompositeKind kind = CompositeKind::Func;
  FuncType func;                  // kind == Func
  std::vector<FieldType> fields;  // kind == Struct
  FieldType elem;                 // kind == Array
};

struct SubType {
  bool final = true;
  std::optional<uint32_t> super;  // type index of the declared supertype
  CompositeType composite;
  uint32_t rec_group = 0;  // index into Module::rec_groups
  uint32_t offset = 0;     // module offset of the definition, for messages
};

struct RecGroup {
  uint32_t first = 0;  // first type index in the group
  uint32_t count = 0;
};

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool is64 = false;  // memory64 / table64 (address type i64)
  bool shared = false;
};

struct TableType {
  ValType elem = ValType::funcref();
  Limits limits;
};

struct MemoryType {
  Limits limits;
  uint32_t page_size_log2 = 16;  // custom-page-sizes: 0 or 16
};

struct GlobalType {
  ValType type{};
  bool mut = false;
};

struct TagType {
  uint32_t type_index = 0;  // a function type with no results
};

enum class ExternKind : uint8_t {
  Func = 0,
  Table = 1,
  Memory = 2,
  Global = 3,
  Tag = 4
};

const char* extern_kind_name(ExternKind kind);

// Text rendering for messages ("i32", "(ref null 3)", "funcref", ...).
std::string to_string(const ValType& type);
std::string to_string(const HeapType& type);

}  // namespace heron
