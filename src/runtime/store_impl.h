// The runtime objects behind the public handles (heron/*.h): what a store
// owns. Every object lives until its store dies, so handles are plain
// pointers, and compiled code may keep raw pointers into them (VMFuncRef,
// table storage, global slots, memory definitions).
//
// Where compiled code finds each object:
//  - FuncData::func_ref is the VMFuncRef that tables, globals and ref.func
//    hold. For a defined function it is the slot in the defining instance's
//    VMContext; for a host function, FuncData's own, whose vmctx is the
//    HostFuncContext (host_func.h) and whose code is the host trampoline.
//  - TableData/MemoryData publish a VMTableDefinition/VMMemoryDefinition:
//    inline in the defining instance's VMContext, or their own field when
//    created by the host. Importers keep a pointer to it.
//  - GlobalData::slot is the 16-byte value slot (inline in the defining
//    VMContext, or GlobalData's own); importers keep a pointer to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "heron/engine.h"
#include "heron/extern.h"
#include "heron/func.h"
#include "heron/store.h"
#include "runtime/compiled_module.h"
#include "runtime/engine_impl.h"
#include "runtime/linear_memory.h"
#include "runtime/runtime_limits.h"
#include "runtime/val_raw.h"
#include "runtime/vmcontext_layout.h"

namespace heron {

struct StoreImpl;
struct InstanceImpl;
struct HostFuncContext;

struct FuncData {
  StoreImpl* store = nullptr;
  FuncType type;
  uint32_t type_id = 0;  // canonical (engine) id
  VMFuncRef* func_ref = nullptr;
  VMFuncRef own_ref{};
  // Defined in wasm:
  InstanceImpl* instance = nullptr;
  uint32_t func_index = 0;
  // Host:
  std::unique_ptr<HostFuncContext> host;
  api::HostFunction fn;
};

struct TableData {
  StoreImpl* store = nullptr;
  TableType type;
  // Canonical ids of the defining module's type indices, which concrete heap
  // types in `type` refer to; null for tables created by the host.
  const std::vector<uint32_t>* type_ids = nullptr;
  std::vector<void*> storage;
  VMTableDefinition own_def{};
  VMTableDefinition* def = &own_def;
  uint64_t size() const { return def->elements; }
  // Grows to size()+delta filled with `init`; the old size or -1.
  int64_t grow(uint64_t delta, void* init);
  void bind(VMTableDefinition* slot);
};

struct MemoryData {
  StoreImpl* store = nullptr;
  MemoryType type;
  std::unique_ptr<LinearMemory> memory;
};

struct GlobalData {
  StoreImpl* store = nullptr;
  GlobalType type;
  const std::vector<uint32_t>* type_ids = nullptr;  // as TableData's
  alignas(16) uint8_t own_slot[16] = {};
  uint8_t* slot = own_slot;
};

struct InstanceImpl {
  StoreImpl* store = nullptr;
  std::shared_ptr<const CompiledModule> module;
  VMContextPtr vmctx;
  // The imported functions. A defined function's FuncData is the store's
  // (funcs_by_ref, keyed by its VMFuncRef in this VMContext), made by
  // func() on first use: a per-function vector would cost a zero-filled
  // page every 512 functions at instantiation.
  std::vector<FuncData*> imported_funcs;
  std::vector<TableData*> tables;
  std::vector<MemoryData*> memories;
  std::vector<GlobalData*> globals;
  // Element segments resolved to references; emptied by elem.drop (and
  // after active/declarative segments are applied).
  std::vector<std::vector<void*>> elems;
  std::vector<bool> data_dropped;

  static InstanceImpl* from_vmctx(VMContext* vmctx) {
    return *vmctx_field<InstanceImpl*>(vmctx, VMContextLayout::kInstanceOffset);
  }
  std::span<const uint8_t> data_segment(uint32_t index) const;
  api::Extern export_item(ExternKind kind, uint32_t index);

  // Function `index`. Imported ones are bound at instantiation; a defined
  // one's VMFuncRef is filled then too, but its FuncData is created on
  // first use: a module may define tens of thousands of functions that the
  // host never sees as a Func, and instantiation should not pay for them.
  FuncData* func(uint32_t index);
  const VMFuncRef* func_ref(uint32_t index) const;
};

struct StoreImpl {
  explicit StoreImpl(const api::Engine& e);
  ~StoreImpl();

  api::Engine engine;
  api::Store* owner = nullptr;  // the public handle (kept current on moves)
  uint64_t id;                  // unique per process, for store-keyed caches
  std::shared_ptr<RuntimeLimits> limits = std::make_shared<RuntimeLimits>();

  std::vector<std::unique_ptr<InstanceImpl>> instances;
  std::vector<std::unique_ptr<FuncData>> funcs;
  std::vector<std::unique_ptr<TableData>> tables;
  std::vector<std::unique_ptr<MemoryData>> memories;
  std::vector<std::unique_ptr<GlobalData>> globals;
  std::unordered_map<const VMFuncRef*, FuncData*> funcs_by_ref;

  FuncData* new_func();
  TableData* new_table(const TableType& type);
  MemoryData* new_memory();
  GlobalData* new_global(const GlobalType& type);
  void register_func_ref(FuncData* f) { funcs_by_ref[f->func_ref] = f; }
  // The FuncData of a VMFuncRef* held by compiled code (null for null);
  // created if it is a defined function's that nobody asked for yet.
  FuncData* func_from_ref(const void* ref) const;
};

// Value conversions between the host's Val and the raw 16-byte slot form
// (funcref: Val holds the FuncData*, the slot the VMFuncRef*).
ValRaw to_raw(const api::Val& v);
api::Val from_raw(const StoreImpl& store, const ValType& type,
                  const ValRaw& raw);
// Whether a host value may be used where `type` is expected.
bool val_matches(const api::Val& v, const ValType& type);
// Reads/writes a global slot.
api::Val read_global(const GlobalData& g);
void write_global(GlobalData& g, const api::Val& v);

}  // namespace heron
