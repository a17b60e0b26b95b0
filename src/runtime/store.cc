// Store and the objects it owns (design note in store_impl.h).
#include <atomic>

#include "heron/store.h"
#include "runtime/host_func.h"
#include "runtime/store_impl.h"

namespace heron {

namespace {
std::atomic<uint64_t> next_store_id{1};
// Implementation limit on table sizes (elements), far above what the spec
// tests need and low enough that a runaway table.grow fails instead of
// exhausting host memory.
constexpr uint64_t kMaxTableElements = 10'000'000;
}  // namespace

StoreImpl::StoreImpl(const api::Engine& e)
    : engine(e), id(next_store_id.fetch_add(1)) {
  limits->epoch_counter = &engine.impl().epoch.value;
}

StoreImpl::~StoreImpl() {
  // Instances first: their VMContexts point at memories, tables, globals.
  instances.clear();
}

FuncData* StoreImpl::new_func() {
  funcs.push_back(std::make_unique<FuncData>());
  funcs.back()->store = this;
  return funcs.back().get();
}

TableData* StoreImpl::new_table(const TableType& type) {
  tables.push_back(std::make_unique<TableData>());
  tables.back()->store = this;
  tables.back()->type = type;
  return tables.back().get();
}

MemoryData* StoreImpl::new_memory() {
  memories.push_back(std::make_unique<MemoryData>());
  memories.back()->store = this;
  return memories.back().get();
}

GlobalData* StoreImpl::new_global(const GlobalType& type) {
  globals.push_back(std::make_unique<GlobalData>());
  globals.back()->store = this;
  globals.back()->type = type;
  return globals.back().get();
}

FuncData* StoreImpl::func_from_ref(const void* ref) const {
  if (!ref) return nullptr;
  const auto* r = static_cast<const VMFuncRef*>(ref);
  auto it = funcs_by_ref.find(r);
  if (it != funcs_by_ref.end()) return it->second;
  // Host functions are registered when created, so this is a function
  // defined by an instance: the one whose VMContext holds the ref.
  InstanceImpl* inst = InstanceImpl::from_vmctx(r->vmctx);
  if (!inst || inst->store != this)
    fatal_invariant("function reference unknown to its store");
  const CompiledModule& cm = *inst->module;
  const uint32_t first = cm.module.num_imported_funcs;
  const uint32_t defined = uint32_t(cm.module.funcs.size()) - first;
  if (defined == 0) fatal_invariant("function reference unknown to its store");
  const uintptr_t base =
      uintptr_t(vmctx_field<VMFuncRef>(r->vmctx, cm.layout.func_ref(0)));
  const uintptr_t at = uintptr_t(r);
  if (at < base || (at - base) % sizeof(VMFuncRef) != 0 ||
      (at - base) / sizeof(VMFuncRef) >= defined)
    fatal_invariant("function reference unknown to its store");
  return inst->func(first + uint32_t((at - base) / sizeof(VMFuncRef)));
}

FuncData* InstanceImpl::func(uint32_t index) {
  if (index < imported_funcs.size()) return imported_funcs[index];
  const VMFuncRef* ref = func_ref(index);
  if (auto it = store->funcs_by_ref.find(ref); it != store->funcs_by_ref.end())
    return it->second;
  const CompiledModule& cm = *module;
  FuncData* f = store->new_func();
  f->type = cm.module.func_type(index);
  f->type_id = cm.type_ids[cm.module.funcs[index]];
  f->func_ref = const_cast<VMFuncRef*>(ref);
  f->instance = this;
  f->func_index = index;
  store->register_func_ref(f);
  return f;
}

const VMFuncRef* InstanceImpl::func_ref(uint32_t index) const {
  const CompiledModule& cm = *module;
  const uint32_t first = cm.module.num_imported_funcs;
  if (index < first) return imported_funcs[index]->func_ref;
  return vmctx_field<VMFuncRef>(vmctx.get(), cm.layout.func_ref(index - first));
}

int64_t TableData::grow(uint64_t delta, void* init) {
  const uint64_t old = size();
  uint64_t max =
      type.limits.max.value_or(type.limits.is64 ? UINT64_MAX : UINT32_MAX);
  if (max > kMaxTableElements) max = kMaxTableElements;
  if (delta > max || old > max - delta) return -1;
  storage.resize(old + delta, init);
  def->base = storage.data();
  def->elements = old + delta;
  return int64_t(old);
}

void TableData::bind(VMTableDefinition* slot) {
  *slot = *def;
  def = slot;
}

std::span<const uint8_t> InstanceImpl::data_segment(uint32_t index) const {
  if (data_dropped[index]) return {};
  return module->module.slice(module->module.datas[index].init);
}

api::Extern InstanceImpl::export_item(ExternKind kind, uint32_t index) {
  switch (kind) {
    case ExternKind::Func:
      return api::Func(func(index));
    case ExternKind::Table:
      return api::Table(tables[index]);
    case ExternKind::Memory:
      return api::Memory(memories[index]);
    case ExternKind::Global:
      return api::Global(globals[index]);
    case ExternKind::Tag:
      break;
  }
  fatal_invariant("export of an unsupported kind");
}

}  // namespace heron

namespace heron::api {

Store::Store(const Engine& engine)
    : impl_(std::make_unique<StoreImpl>(engine)) {
  impl_->owner = this;
}
Store::~Store() = default;
Store::Store(Store&& o) noexcept : impl_(std::move(o.impl_)) {
  if (impl_) impl_->owner = this;
}
Store& Store::operator=(Store&& o) noexcept {
  impl_ = std::move(o.impl_);
  if (impl_) impl_->owner = this;
  return *this;
}
const Engine& Store::engine() const { return impl_->engine; }
InterruptHandle Store::interrupt_handle() const {
  return InterruptHandle(impl_->limits);
}
void Store::set_epoch_deadline(uint64_t delta) {
  impl_->limits->set_epoch_deadline(delta);
}

ExternKind extern_kind(const Extern& item) {
  return ExternKind(uint8_t(item.index()));
}

Result<Memory> Memory::create(Store& store, const MemoryType& type) {
  LinearMemoryConfig config;
  config.explicit_bounds_checks =
      store.engine().config().explicit_bounds_checks;
  auto mem = LinearMemory::create(type, config);
  if (!mem.ok()) return std::move(mem).error();
  MemoryData* m = store.impl().new_memory();
  m->type = type;
  m->memory = std::move(mem).value();
  return Memory(m);
}

MemoryType Memory::type() const {
  MemoryType t = data_->type;
  t.limits.min = data_->memory->pages();
  return t;
}
uint8_t* Memory::data() const { return data_->memory->base(); }
uint64_t Memory::data_size() const { return data_->memory->byte_length(); }
uint64_t Memory::size() const { return data_->memory->pages(); }
uint64_t Memory::page_size() const { return data_->memory->page_size(); }
int64_t Memory::grow(uint64_t delta_pages) const {
  return data_->memory->grow(delta_pages);
}

Result<Table> Table::create(Store& store, const TableType& type,
                            const Val& init) {
  if (!val_matches(init, type.elem))
    return Error(ErrorKind::Usage,
                 "table initial value does not match the element type");
  TableData* t = store.impl().new_table(type);
  if (t->grow(type.limits.min, reinterpret_cast<void*>(to_raw(init).lo)) < 0)
    return Error(ErrorKind::Limit, "table too large");
  return Table(t);
}

TableType Table::type() const {
  TableType t = data_->type;
  t.limits.min = data_->size();
  return t;
}
uint64_t Table::size() const { return data_->size(); }
std::optional<Val> Table::get(uint64_t index) const {
  if (index >= data_->size()) return std::nullopt;
  ValRaw raw;
  raw.lo = uint64_t(uintptr_t(data_->def->base[index]));
  return from_raw(*data_->store, data_->type.elem, raw);
}
Result<void> Table::set(uint64_t index, const Val& value) const {
  if (!val_matches(value, data_->type.elem))
    return Error(ErrorKind::Usage, "value does not match the element type");
  if (index >= data_->size())
    return Error(ErrorKind::Usage, "out of bounds table access");
  data_->def->base[index] = reinterpret_cast<void*>(to_raw(value).lo);
  return {};
}
int64_t Table::grow(uint64_t delta, const Val& init) const {
  if (!val_matches(init, data_->type.elem)) return -1;
  return data_->grow(delta, reinterpret_cast<void*>(to_raw(init).lo));
}

Result<Global> Global::create(Store& store, const GlobalType& type,
                              const Val& init) {
  if (!val_matches(init, type.type))
    return Error(ErrorKind::Usage, "global initial value has the wrong type");
  GlobalData* g = store.impl().new_global(type);
  write_global(*g, init);
  return Global(g);
}

GlobalType Global::type() const { return data_->type; }
Val Global::get() const { return read_global(*data_); }
Result<void> Global::set(const Val& value) const {
  if (!data_->type.mut) return Error(ErrorKind::Usage, "global is immutable");
  if (!val_matches(value, data_->type.type))
    return Error(ErrorKind::Usage, "value has the wrong type for the global");
  write_global(*data_, value);
  return {};
}

}  // namespace heron::api
