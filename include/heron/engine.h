// Engine: the compilation context shared by modules and stores: the Config,
// the registry of canonical function types (so that call_indirect across
// modules of one engine compares one integer), the trampolines used to call
// between host and wasm, and the epoch counter. A cheap, copyable handle;
// thread-safe.
#pragma once

#include <memory>

#include "heron/config.h"

namespace heron {
struct EngineImpl;
}

namespace heron::api {

class Engine {
 public:
  Engine();
  explicit Engine(const Config& config);

  const Config& config() const;
  // Bumps the engine-wide epoch; stores whose deadline it reaches trap with
  // "interrupt" at the next check (Config::epoch_interruption).
  void increment_epoch() const;

  EngineImpl& impl() const { return *impl_; }
  const std::shared_ptr<EngineImpl>& shared_impl() const { return impl_; }

 private:
  std::shared_ptr<EngineImpl> impl_;
};

}  // namespace heron::api
