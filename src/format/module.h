// Module: the decoded form of a WebAssembly binary. It refers into the bytes it
// was decoded from (function bodies, constant expressions, data payloads and
// custom sections are ranges, never copies), so the bytes must outlive it.
// Index spaces are laid out as in the spec: imports first, then definitions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "format/types.h"

namespace heron {

// A [offset, offset+size) range of the module's bytes.
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;
  uint32_t end() const { return offset + size; }
};

// A constant expression: the instruction bytes up to and including `end`.
// Validated (and later evaluated) by the stages that need it.
struct ConstExpr {
  ByteRange bytes;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t type_index = 0;  // Func and Tag
  TableType table;          // Table
  MemoryType memory;        // Memory
  GlobalType global;        // Global
  uint32_t offset = 0;      // module offset of the entry, for messages
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  uint32_t offset = 0;  // module offset of the entry, for messages
};

struct Table {
  TableType type;
  std::optional<ConstExpr> init;  // tables with an explicit initializer
  bool imported = false;
  uint32_t offset = 0;  // module offset of the definition or import
};

struct Memory {
  MemoryType type;
  bool imported = false;
  uint32_t offset = 0;
};

struct Global {
  GlobalType type;
  ConstExpr init;  // unused when imported
  bool imported = false;
  uint32_t offset = 0;
};

struct Tag {
  TagType type;
  bool imported = false;
  uint32_t offset = 0;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table = 0;
  ConstExpr offset;                    // Active only
  ValType type = ValType::funcref();   // element type
  bool uses_exprs = false;             // encodings 4..7
  std::vector<uint32_t> func_indices;  // !uses_exprs
  std::vector<ConstExpr> exprs;        // uses_exprs
  uint32_t count() const {
    return uses_exprs ? uint32_t(exprs.size()) : uint32_t(func_indices.size());
  }
  uint32_t section_offset = 0;  // where the segment starts, for messages
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // Active or Passive
  uint32_t memory = 0;
  ConstExpr offset;  // Active only
  ByteRange init;
  uint32_t section_offset = 0;
};

// One entry of the code section: the whole body (local declarations followed
// by the instruction sequence). Decoded lazily by the validator/compiler.
struct FuncBody {
  ByteRange range;
};

struct CustomSection {
  std::string name;
  ByteRange payload;
};

struct NameMap {
  std::optional<std::string> module_name;
  std::unordered_map<uint32_t, std::string> functions;
  std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::string>>
      locals;
};

struct Module {
  std::span<const uint8_t> bytes;  // not owned

  std::vector<SubType> types;
  std::vector<RecGroup> rec_groups;

  std::vector<Import> imports;
  std::vector<uint32_t> funcs;  // type index per function, imports first
  std::vector<Table> tables;
  std::vector<Memory> memories;
  std::vector<Global> globals;
  std::vector<Tag> tags;
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t num_imported_tags = 0;

  std::vector<Export> exports;
  std::optional<uint32_t> start;
  uint32_t start_offset = 0;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<FuncBody> bodies;  // one per defined function
  std::vector<DataSegment> datas;
  std::vector<CustomSection> customs;
  NameMap names;  // from the "name" custom section, when well-formed

  const FuncType& func_type(uint32_t func_index) const {
    return types[funcs[func_index]].composite.func;
  }
  std::span<const uint8_t> slice(ByteRange r) const {
    return bytes.subspan(r.offset, r.size);
  }
};

}  // namespace heron
