// The spectest host module (see spectest.h).
#include "cli/spectest.h"

#include <initializer_list>
#include <optional>

namespace heron::cli {
namespace {

Result<void> define_print(api::Linker& linker, const char* name,
                          std::initializer_list<ValType> params) {
  FuncType type;
  type.params.assign(params.begin(), params.end());
  return linker.func("spectest", name, type,
                     [](api::Caller&, std::span<const api::Val>,
                        std::span<api::Val>) -> std::optional<api::Trap> {
                       return std::nullopt;
                     });
}

Result<void> define_global(api::Linker& linker, api::Store& store,
                           const char* name, const api::Val& value) {
  GlobalType type;
  type.type = value.type();
  type.mut = false;
  Result<api::Global> global = api::Global::create(store, type, value);
  if (!global.ok()) return std::move(global).error();
  return linker.define("spectest", name, *global);
}

}  // namespace

Result<void> define_spectest(api::Linker& linker, api::Store& store) {
  const ValType i32 = ValType::i32(), i64 = ValType::i64(),
                f32 = ValType::f32(), f64 = ValType::f64();
  struct Print {
    const char* name;
    std::initializer_list<ValType> params;
  };
  for (const Print& p :
       {Print{"print", {}}, Print{"print_i32", {i32}},
        Print{"print_i64", {i64}}, Print{"print_f32", {f32}},
        Print{"print_f64", {f64}}, Print{"print_i32_f32", {i32, f32}},
        Print{"print_f64_f64", {f64, f64}}}) {
    if (Result<void> r = define_print(linker, p.name, p.params); !r.ok()) {
      return r;
    }
  }
  for (auto [name, value] : {std::pair{"global_i32", api::Val::i32(666)},
                             std::pair{"global_i64", api::Val::i64(666)},
                             std::pair{"global_f32", api::Val::f32(666.6f)},
                             std::pair{"global_f64", api::Val::f64(666.6)}}) {
    if (Result<void> r = define_global(linker, store, name, value); !r.ok()) {
      return r;
    }
  }

  // `table` and its table64 twin (i64 addresses), both 10..20 funcref.
  for (bool is64 : {false, true}) {
    TableType table_type;
    table_type.elem = ValType::funcref();
    table_type.limits.min = 10;
    table_type.limits.max = 20;
    table_type.limits.is64 = is64;
    Result<api::Table> table =
        api::Table::create(store, table_type, api::Val::null_funcref());
    if (!table.ok()) return std::move(table).error();
    const char* name = is64 ? "table64" : "table";
    if (Result<void> r = linker.define("spectest", name, *table); !r.ok()) {
      return r;
    }
  }

  MemoryType memory_type;
  memory_type.limits.min = 1;
  memory_type.limits.max = 2;
  Result<api::Memory> memory = api::Memory::create(store, memory_type);
  if (!memory.ok()) return std::move(memory).error();
  return linker.define("spectest", "memory", *memory);
}

}  // namespace heron::cli
