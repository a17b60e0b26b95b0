// Compiling through the code cache (see module_cache.h).
#include "runtime/module_cache.h"

#include <time.h>

#include "artifact/artifact.h"
#include "cache/cache_key.h"
#include "cache/code_cache.h"
#include "runtime/compiled_module.h"
#include "runtime/engine_impl.h"

namespace heron {

namespace {

void warn(const EngineImpl& engine, const std::string& message) {
  if (engine.config.cache_warning) engine.config.cache_warning(message);
}

// The module stored under `key`, or null (a miss, or an entry that does
// not load: the cache verified the checksum of a compressed blob, and a
// stored artifact's own checksum is checked by the loader, so this means
// an artifact this build refuses or a damaged stored one; the next put
// replaces it).
std::shared_ptr<const CompiledModule> load_cached(
    const std::shared_ptr<EngineImpl>& engine, const CodeCache& cache,
    const CacheKey& key) {
  std::optional<CachedBlob> blob = cache.get(key);
  if (!blob) return nullptr;
  auto loaded =
      blob->in_file()
          ? deserialize_compiled_module_at(engine, {blob->fd(), blob->offset(),
                                                    blob->size(), blob->path()})
          : deserialize_compiled_module(engine, std::move(blob->bytes()));
  if (!loaded.ok()) {
    warn(*engine, "cached module not loadable, compiling again: " +
                      loaded.error().message);
    return nullptr;
  }
  engine->cache_hits.fetch_add(1, std::memory_order_relaxed);
  return std::move(loaded).value();
}

// compile_module with the cache, the key computed.
Result<std::shared_ptr<const CompiledModule>> compile_module_cached(
    const std::shared_ptr<EngineImpl>& engine, const CodeCache& cache,
    const CacheKey& key, std::vector<uint8_t> bytes) {
  if (auto hit = load_cached(engine, cache, key)) return hit;
  engine->cache_misses.fetch_add(1, std::memory_order_relaxed);
  auto compiled = compile_module_uncached(engine, std::move(bytes));
  if (!compiled.ok()) return compiled;
  auto artifact = serialize_compiled_module(**compiled);
  if (!artifact.ok()) {
    // Code that refers to embedder objects by address cannot be reused.
    if (artifact.error().kind != ErrorKind::Unsupported)
      warn(*engine, "module not cached: " + artifact.error().message);
    return compiled;
  }
  if (auto stored = cache.put(key, *artifact); !stored.ok())
    warn(*engine, "module not cached: " + stored.error().message);
  return compiled;
}

}  // namespace

// With the cache, a module is looked up by its key (module_cache_key: the
// compiler build, the settings that change code, the CPU features, the
// bytes) and loaded without compiling on a hit; a miss compiles and stores
// the artifact. Nothing about the cache ever fails a compile.
Result<std::shared_ptr<const CompiledModule>> compile_module(
    const std::shared_ptr<EngineImpl>& engine, std::vector<uint8_t> bytes) {
  const CodeCache* cache = engine->code_cache();
  if (!cache) return compile_module_uncached(engine, std::move(bytes));
  const CacheKey key = module_cache_key(engine->config, bytes);
  return compile_module_cached(engine, *cache, key, std::move(bytes));
}

std::optional<FileIdentity> module_file_identity(
    const std::shared_ptr<EngineImpl>& engine, const std::string& path) {
  if (!engine->code_cache()) return std::nullopt;
  return file_identity(path.c_str());
}

std::shared_ptr<const CompiledModule> load_module_by_file(
    const std::shared_ptr<EngineImpl>& engine, const FileIdentity& file) {
  const CodeCache* cache = engine->code_cache();
  if (!cache) return nullptr;
  std::optional<CacheKey> key =
      cache->lookup_file(file_record_key(engine->config, file));
  if (!key) return nullptr;
  return load_cached(engine, *cache, *key);
}

Result<std::shared_ptr<const CompiledModule>> compile_module_file(
    const std::shared_ptr<EngineImpl>& engine, const std::string& path,
    const std::optional<FileIdentity>& before, std::vector<uint8_t> bytes) {
  const CodeCache* cache = engine->code_cache();
  if (!cache || !before) return compile_module(engine, std::move(bytes));
  const CacheKey key = module_cache_key(engine->config, bytes);
  auto compiled = compile_module_cached(engine, *cache, key, std::move(bytes));
  if (!compiled.ok()) return compiled;
  // Recorded only if the file still has the identity it had before it was
  // read, and had it for long enough to trust it (file_identity.h).
  std::optional<FileIdentity> after = file_identity(path.c_str());
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  if (after && *after == *before && is_settled(*before, int64_t(now.tv_sec))) {
    if (auto r =
            cache->remember_file(file_record_key(engine->config, *before), key);
        !r.ok())
      warn(*engine, "module file not recorded: " + r.error().message);
  }
  return compiled;
}

}  // namespace heron
