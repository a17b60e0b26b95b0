// EngineImpl: what every module and store of one Engine shares: the Config,
// the registry that gives structurally equal function types one canonical id
// (the value call_indirect compares), the epoch counter, and a cache of the
// trampolines that cross between the host and wasm, one pair per canonical
// function type.
//
// Design note: trampolines live here rather than in each module because a
// function reference can reach the host from anywhere (a table, a global, a
// result), and calling it needs the entry trampoline of its type whichever
// module defined it; host functions likewise need a host trampoline of their
// type before any module that imports them exists.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "format/types.h"
#include "heron/config.h"
#include "heron/error.h"
#include "runtime/runtime_limits.h"
#include "validate/type_registry.h"

namespace heron {

class CodeCache;
class LoadedCode;
struct VMContext;
struct ValRaw;

// void entry(const void* wasm_code, VMContext* vmctx, ValRaw* values)
using EntryTrampoline = void (*)(const void*, VMContext*, ValRaw*);

struct Trampolines {
  EntryTrampoline entry = nullptr;
  const void* host = nullptr;  // wasm calling convention, vmctx = host ctx
};

struct EngineImpl {
  explicit EngineImpl(const api::Config& c);
  ~EngineImpl();

  // Canonical id of a function type given outside any module (host
  // functions). Concrete reference types are not supported there.
  uint32_t intern_func_type(const FuncType& type);
  // Canonical ids of every type of a validated module, by type index.
  std::vector<uint32_t> intern_module_types(const Module& module);
  bool is_subtype(uint32_t sub, uint32_t super) const {
    return types.is_subtype(sub, super);
  }

  // The trampolines of canonical function type `type_id` (whose structure
  // is `type`), compiled on first use.
  Result<Trampolines> trampolines(uint32_t type_id, const FuncType& type);

  // The compiled-code cache when config.cache asks for one: opened on first
  // use; null when off or when its directory is unusable (then said once
  // through config.cache_warning — the cache never fails a compile).
  const CodeCache* code_cache();
  // How compile_module fared with the cache (for tests and statistics).
  std::atomic<uint64_t> cache_hits{0};
  std::atomic<uint64_t> cache_misses{0};

  api::Config config;
  EpochCounter epoch;
  TypeRegistry types;

 private:
  std::mutex mutex_;
  std::once_flag cache_once_;
  std::unique_ptr<CodeCache> cache_;
  std::unordered_map<uint32_t, Trampolines> trampolines_;
  std::vector<std::unique_ptr<LoadedCode>> trampoline_code_;
};

}  // namespace heron
