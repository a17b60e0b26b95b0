// Instantiation (see instantiate.h).
#include "runtime/instantiate.h"

#include <cstring>
#include <optional>

#include "heron/store.h"
#include "runtime/const_expr.h"
#include "runtime/libcalls.h"
#include "runtime/store_impl.h"
#include "validate/type_context.h"

namespace heron {

namespace {

Error incompatible(const Import& imp, const std::string& why) {
  return Error(ErrorKind::Unlinkable, "incompatible import type: \"" +
                                          imp.module + "\" \"" + imp.name +
                                          "\": " + why);
}

bool limits_match(uint64_t min, std::optional<uint64_t> max,
                  const Limits& expected) {
  if (min < expected.min) return false;
  if (!expected.max) return true;
  return max && *max <= *expected.max;
}

// The builtin table the VMContext header points at: one entry per libcall.
const void* const* builtin_table() {
  static const auto table = [] {
    std::vector<const void*> t;
    for (uint32_t id = 0;; id++) {
      const void* p = libcall_address(id);
      if (!p) break;
      t.push_back(p);
    }
    return t;
  }();
  return table.data();
}

// The instance-level state of `module` before any code runs: VMContext,
// functions, globals, tables, memories. Fills `inst`.
Result<void> allocate(InstanceImpl& inst,
                      std::span<const api::Extern> imports) {
  StoreImpl& store = *inst.store;
  const CompiledModule& cm = *inst.module;
  const Module& m = cm.module;
  const VMContextLayout& layout = cm.layout;
  inst.vmctx = allocate_vmcontext(layout);
  VMContext* vmctx = inst.vmctx.get();
  *vmctx_field<RuntimeLimits*>(vmctx, VMContextLayout::kLimitsOffset) =
      store.limits.get();
  *vmctx_field<const uint32_t*>(vmctx, VMContextLayout::kSignatureIdsOffset) =
      cm.type_ids.data();
  *vmctx_field<const void* const*>(vmctx, VMContextLayout::kBuiltinsOffset) =
      builtin_table();
  *vmctx_field<InstanceImpl*>(vmctx, VMContextLayout::kInstanceOffset) = &inst;

  uint32_t nf = 0, nt = 0, nm = 0, ng = 0;
  for (size_t k = 0; k < m.imports.size(); k++) {
    const api::Extern& item = imports[k];
    switch (m.imports[k].kind) {
      case ExternKind::Func: {
        FuncData* f = std::get<api::Func>(item).data();
        if (!f->func_ref->code)
          return Error(ErrorKind::Unsupported,
                       "no trampoline for imported host function");
        auto* slot = vmctx_field<VMFunctionImport>(
            vmctx, layout.imported_function(nf++));
        slot->code = f->func_ref->code;
        slot->vmctx = f->func_ref->vmctx;
        slot->func_ref = f->func_ref;
        inst.imported_funcs.push_back(f);
        break;
      }
      case ExternKind::Table: {
        TableData* t = std::get<api::Table>(item).impl();
        *vmctx_field<VMTableDefinition*>(vmctx, layout.imported_table(nt++)) =
            t->def;
        inst.tables.push_back(t);
        break;
      }
      case ExternKind::Memory: {
        MemoryData* mem = std::get<api::Memory>(item).impl();
        *vmctx_field<VMMemoryDefinition*>(vmctx, layout.imported_memory(nm++)) =
            mem->memory->definition();
        inst.memories.push_back(mem);
        break;
      }
      case ExternKind::Global: {
        GlobalData* g = std::get<api::Global>(item).impl();
        *vmctx_field<uint8_t*>(vmctx, layout.imported_global(ng++)) = g->slot;
        inst.globals.push_back(g);
        break;
      }
      case ExternKind::Tag:
        return Error(ErrorKind::Unsupported, "tag imports are not supported");
    }
  }

  // Defined functions get their VMFuncRef now and a FuncData when first
  // asked for (InstanceImpl::func).
  for (uint32_t i = m.num_imported_funcs; i < m.funcs.size(); i++) {
    const uint32_t d = i - m.num_imported_funcs;
    auto* ref = vmctx_field<VMFuncRef>(vmctx, layout.func_ref(d));
    ref->code = cm.function_code(i);
    ref->type_id = cm.type_ids[m.funcs[i]];
    ref->vmctx = vmctx;
  }

  for (uint32_t i = m.num_imported_globals; i < m.globals.size(); i++) {
    const uint32_t d = i - m.num_imported_globals;
    GlobalData* g = store.new_global(m.globals[i].type);
    g->type_ids = &inst.module->type_ids;
    g->slot = vmctx_field<uint8_t>(vmctx, layout.defined_global(d));
    inst.globals.push_back(g);
    auto v = evaluate_const_expr(inst, m.globals[i].init);
    if (!v.ok()) return std::move(v).error();
    const uint64_t bits = *v;
    std::memset(g->slot, 0, VMContextLayout::kGlobalSlotSize);
    std::memcpy(g->slot, &bits, 8);
  }

  for (uint32_t i = m.num_imported_tables; i < m.tables.size(); i++) {
    const uint32_t d = i - m.num_imported_tables;
    TableData* t = store.new_table(m.tables[i].type);
    t->type_ids = &inst.module->type_ids;
    t->bind(vmctx_field<VMTableDefinition>(vmctx, layout.defined_table(d)));
    inst.tables.push_back(t);
    uint64_t init = 0;
    if (m.tables[i].init) {
      auto v = evaluate_const_expr(inst, *m.tables[i].init);
      if (!v.ok()) return std::move(v).error();
      init = *v;
    }
    if (t->grow(m.tables[i].type.limits.min,
                reinterpret_cast<void*>(uintptr_t(init))) < 0)
      return Error(ErrorKind::Limit, "table too large");
  }

  LinearMemoryConfig mconfig;
  mconfig.explicit_bounds_checks = store.engine.config().explicit_bounds_checks;
  for (uint32_t i = m.num_imported_memories; i < m.memories.size(); i++) {
    const uint32_t d = i - m.num_imported_memories;
    auto lm = LinearMemory::create(m.memories[i].type, mconfig);
    if (!lm.ok()) return std::move(lm).error();
    MemoryData* mem = store.new_memory();
    mem->type = m.memories[i].type;
    mem->memory = std::move(lm).value();
    mem->memory->bind_definition(
        vmctx_field<VMMemoryDefinition>(vmctx, layout.defined_memory(d)));
    inst.memories.push_back(mem);
  }

  // Element segments resolve to references now (spec: during allocation).
  inst.elems.resize(m.elems.size());
  for (size_t s = 0; s < m.elems.size(); s++) {
    const ElemSegment& seg = m.elems[s];
    std::vector<void*>& out = inst.elems[s];
    out.reserve(seg.count());
    if (!seg.uses_exprs) {
      for (uint32_t f : seg.func_indices)
        out.push_back(const_cast<VMFuncRef*>(inst.func_ref(f)));
    } else {
      for (const ConstExpr& e : seg.exprs) {
        auto v = evaluate_const_expr(inst, e);
        if (!v.ok()) return std::move(v).error();
        out.push_back(reinterpret_cast<void*>(uintptr_t(*v)));
      }
    }
  }
  inst.data_dropped.assign(m.datas.size(), false);
  return {};
}

bool out_of_bounds(uint64_t start, uint64_t len, uint64_t size) {
  return len > size || start > size - len;
}

// Active segments in order, then the start function.
Result<void> initialize(InstanceImpl& inst) {
  const Module& m = inst.module->module;
  for (size_t s = 0; s < m.elems.size(); s++) {
    const ElemSegment& seg = m.elems[s];
    std::vector<void*>& refs = inst.elems[s];
    if (seg.mode == SegmentMode::Active) {
      auto off = evaluate_const_expr(inst, seg.offset);
      if (!off.ok()) return std::move(off).error();
      TableData& t = *inst.tables[seg.table];
      if (out_of_bounds(*off, refs.size(), t.size()))
        return Error(ErrorKind::Uninstantiable,
                     std::string(trap_message(TrapCode::TableOutOfBounds)));
      std::copy(refs.begin(), refs.end(), t.def->base + *off);
    }
    if (seg.mode != SegmentMode::Passive) refs.clear();
  }
  for (size_t s = 0; s < m.datas.size(); s++) {
    const DataSegment& seg = m.datas[s];
    if (seg.mode != SegmentMode::Active) continue;
    auto off = evaluate_const_expr(inst, seg.offset);
    if (!off.ok()) return std::move(off).error();
    LinearMemory& mem = *inst.memories[seg.memory]->memory;
    const std::span<const uint8_t> bytes = m.slice(seg.init);
    if (out_of_bounds(*off, bytes.size(), mem.byte_length()))
      return Error(ErrorKind::Uninstantiable,
                   std::string(trap_message(TrapCode::MemoryOutOfBounds)));
    if (!bytes.empty())
      std::memcpy(mem.base() + *off, bytes.data(), bytes.size());
    inst.data_dropped[s] = true;
  }
  if (m.start) {
    api::Func start(inst.func(*m.start));
    auto r = start.call(*inst.store->owner, {});
    if (r.trapped()) return Error(ErrorKind::Uninstantiable, r.trap().message);
    if (r.failed()) return r.error();
  }
  return {};
}

// Value types of two modules compared through the engine's canonical type
// ids: a concrete heap type index means the canonical type its module's
// `ids` maps it to (null ids: a host-created item, whose types are abstract).
struct ModuleValType {
  const ValType& type;
  const std::vector<uint32_t>* ids;

  std::optional<uint32_t> canonical() const {
    if (!type.heap.is_concrete()) return std::nullopt;
    if (!ids || type.heap.index >= ids->size()) return UINT32_MAX;
    return (*ids)[type.heap.index];
  }
};

bool heap_subtype(const EngineImpl& engine, const ModuleValType& sub,
                  const ModuleValType& super) {
  const std::optional<uint32_t> a = sub.canonical();
  const std::optional<uint32_t> b = super.canonical();
  if (a == UINT32_MAX || b == UINT32_MAX) return false;
  if (a && b) return engine.is_subtype(*a, *b);
  const HeapKind sub_kind = sub.type.heap.kind,
                 super_kind = super.type.heap.kind;
  if (!a && !b) return abstract_heap_subtype(sub_kind, super_kind);
  if (a) {
    // A concrete type is below the abstract type of its composite kind.
    switch (engine.types.canonical_type(*a).composite.kind) {
      case CompositeKind::Func:
        return abstract_heap_subtype(HeapKind::Func, super_kind);
      case CompositeKind::Struct:
        return abstract_heap_subtype(HeapKind::Struct, super_kind);
      case CompositeKind::Array:
        return abstract_heap_subtype(HeapKind::Array, super_kind);
    }
    return false;
  }
  // Only the bottom of its hierarchy is below a concrete type.
  return engine.types.canonical_type(*b).composite.kind == CompositeKind::Func
             ? sub_kind == HeapKind::NoFunc
             : sub_kind == HeapKind::None;
}

bool val_subtype(const EngineImpl& engine, const ModuleValType& sub,
                 const ModuleValType& super) {
  if (sub.type.kind != super.type.kind) return false;
  if (sub.type.kind != ValKind::Ref) return true;
  if (sub.type.nullable && !super.type.nullable) return false;
  return heap_subtype(engine, sub, super);
}

// Import matching of globals and table element types: an immutable global
// may be imported at a supertype of its type; mutable globals and table
// elements need equivalent types (subtypes both ways).
bool val_equivalent(const EngineImpl& engine, const ModuleValType& a,
                    const ModuleValType& b) {
  return val_subtype(engine, a, b) && val_subtype(engine, b, a);
}

}  // namespace

Result<void> check_import(const CompiledModule& cm, const Import& imp,
                          const api::Extern& item) {
  const ExternKind kind = api::extern_kind(item);
  if (kind != imp.kind)
    return incompatible(imp, std::string("expected ") +
                                 extern_kind_name(imp.kind) + ", got " +
                                 extern_kind_name(kind));
  const EngineImpl& engine = *cm.engine;
  switch (kind) {
    case ExternKind::Func: {
      const FuncData* f = std::get<api::Func>(item).data();
      if (!f) return incompatible(imp, "null function");
      if (&f->store->engine.impl() != &engine)
        return incompatible(imp, "function of another engine");
      if (!engine.is_subtype(f->type_id, cm.type_ids[imp.type_index]))
        return incompatible(imp, "function type mismatch");
      return {};
    }
    case ExternKind::Table: {
      const TableData* t = std::get<api::Table>(item).impl();
      if (!val_equivalent(engine, {t->type.elem, t->type_ids},
                          {imp.table.elem, &cm.type_ids}))
        return incompatible(imp, "element type mismatch");
      if (t->type.limits.is64 != imp.table.limits.is64 ||
          !limits_match(t->size(), t->type.limits.max, imp.table.limits))
        return incompatible(imp, "table limits mismatch");
      return {};
    }
    case ExternKind::Memory: {
      const MemoryData* mem = std::get<api::Memory>(item).impl();
      const MemoryType& want = imp.memory;
      if (mem->type.limits.is64 != want.limits.is64 ||
          mem->type.limits.shared != want.limits.shared ||
          mem->type.page_size_log2 != want.page_size_log2 ||
          !limits_match(mem->memory->pages(), mem->type.limits.max,
                        want.limits))
        return incompatible(imp, "memory limits mismatch");
      return {};
    }
    case ExternKind::Global: {
      const GlobalData* g = std::get<api::Global>(item).impl();
      const ModuleValType actual{g->type.type, g->type_ids};
      const ModuleValType expected{imp.global.type, &cm.type_ids};
      if (g->type.mut != imp.global.mut ||
          !(g->type.mut ? val_equivalent(engine, actual, expected)
                        : val_subtype(engine, actual, expected)))
        return incompatible(imp, "global type mismatch");
      return {};
    }
    case ExternKind::Tag:
      break;
  }
  return incompatible(imp, "unsupported kind");
}

Result<InstanceImpl*> instantiate(
    StoreImpl& store, const std::shared_ptr<const CompiledModule>& module,
    std::span<const api::Extern> imports) {
  const Module& m = module->module;
  if (&store.engine.impl() != module->engine.get())
    return Error(ErrorKind::Usage, "module and store of different engines");
  if (imports.size() != m.imports.size())
    return Error(ErrorKind::Unlinkable, "wrong number of imports: expected " +
                                            std::to_string(m.imports.size()) +
                                            ", got " +
                                            std::to_string(imports.size()));
  for (size_t k = 0; k < imports.size(); k++) {
    auto ok = check_import(*module, m.imports[k], imports[k]);
    if (!ok.ok()) return std::move(ok).error();
    const StoreImpl* owner = std::visit(
        [](const auto& h) -> const StoreImpl* {
          using H = std::decay_t<decltype(h)>;
          if constexpr (std::is_same_v<H, api::Func>)
            return h.data()->store;
          else
            return h.impl()->store;
        },
        imports[k]);
    if (owner != &store)
      return Error(ErrorKind::Usage, "import of another store");
  }
  store.instances.push_back(std::make_unique<InstanceImpl>());
  InstanceImpl& inst = *store.instances.back();
  inst.store = &store;
  inst.module = module;
  auto ok = allocate(inst, imports);
  if (!ok.ok()) return std::move(ok).error();
  auto init = initialize(inst);
  if (!init.ok()) return std::move(init).error();
  return &inst;
}

}  // namespace heron
