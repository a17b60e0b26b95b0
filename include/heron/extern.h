// Extern: anything an instance exports or a module imports (function, table,
// memory, global), and the types that describe imports and exports.
#pragma once

#include <string>
#include <variant>

#include "heron/func.h"
#include "heron/global.h"
#include "heron/memory.h"
#include "heron/table.h"
#include "heron/types.h"

namespace heron::api {

using Extern = std::variant<Func, Table, Memory, Global>;

ExternKind extern_kind(const Extern& item);

// The type of an import or export; only the member of `kind` is meaningful.
// Type indices in reference types are the module's own.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func;
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportType {
  std::string name;
  ExternType type;
};

}  // namespace heron::api
