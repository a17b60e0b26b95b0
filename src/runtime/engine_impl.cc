// The engine's shared state and the public Engine handle.
#include "runtime/engine_impl.h"

#include "cache/code_cache.h"
#include "heron/engine.h"
#include "isa/x64/compile.h"
#include "runtime/gdb_jit.h"
#include "runtime/loaded_code.h"
#include "runtime/perf_map.h"
#include "translate/module_env.h"

namespace heron {

EngineImpl::EngineImpl(const api::Config& c) : config(c) {}
EngineImpl::~EngineImpl() = default;

const CodeCache* EngineImpl::code_cache() {
  if (!config.cache) return nullptr;
  std::call_once(cache_once_, [this] {
    auto cache = CodeCache::open(cache_options_from_config(config));
    if (cache.ok()) {
      cache_ = std::make_unique<CodeCache>(std::move(cache).value());
    } else if (config.cache_warning) {
      config.cache_warning("compiled-code cache off: " + cache.error().message);
    }
  });
  return cache_.get();
}

uint32_t EngineImpl::intern_func_type(const FuncType& type) {
  Module m;
  SubType st;
  st.final = true;
  st.composite.kind = CompositeKind::Func;
  st.composite.func = type;
  m.types.push_back(st);
  m.rec_groups.push_back(RecGroup{0, 1});
  return types.intern(m, m.rec_groups[0], {});
}

std::vector<uint32_t> EngineImpl::intern_module_types(const Module& module) {
  std::vector<uint32_t> ids;
  ids.reserve(module.types.size());
  for (const RecGroup& g : module.rec_groups) {
    const uint32_t first = types.intern(module, g, ids);
    for (uint32_t k = 0; k < g.count; k++) ids.push_back(first + k);
  }
  return ids;
}

Result<Trampolines> EngineImpl::trampolines(uint32_t type_id,
                                            const FuncType& type) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = trampolines_.find(type_id);
  if (it != trampolines_.end()) return it->second;
  const ir::Signature sig = wasm_call_signature(type);
  auto entry = x64::compile_entry_trampoline(sig);
  if (!entry.ok()) return std::move(entry).error();
  auto host = x64::compile_host_trampoline(
      sig, int32_t(RuntimeLimits::kStackLimitOffset));
  if (!host.ok()) return std::move(host).error();
  const x64::CompiledFunction* funcs[] = {&*entry, &*host};
  const uint32_t indices[] = {0, 1};
  auto code = LoadedCode::load(funcs, indices, nullptr, nullptr);
  if (!code.ok()) return std::move(code).error();
  Trampolines t;
  t.entry =
      reinterpret_cast<EntryTrampoline>(const_cast<void*>((*code)->code(0)));
  t.host = (*code)->code(1);
  if (config.perf_map) PerfMap::add_trampolines(**code, "trampoline");
  if (config.debugger_support) GdbJit::add_trampolines(**code, "trampoline");
  trampoline_code_.push_back(std::move(code).value());
  trampolines_.emplace(type_id, t);
  return t;
}

}  // namespace heron

namespace heron::api {

Engine::Engine() : Engine(Config{}) {}
Engine::Engine(const Config& config)
    : impl_(std::make_shared<EngineImpl>(config)) {}
const Config& Engine::config() const { return impl_->config; }
void Engine::increment_epoch() const { impl_->epoch.increment(); }

}  // namespace heron::api
