// Store: the unit of isolation that owns instances and everything they
// create (functions, tables, memories, globals), and the per-store runtime
// limits: the stack budget, interruption and the epoch deadline. A store is
// used by one thread at a time; only its InterruptHandle may be used from
// other threads. Handles (Func, Memory, ...) are valid while the store lives.
#pragma once

#include <cstdint>
#include <memory>

#include "heron/engine.h"
#include "heron/interrupt_handle.h"

namespace heron {
struct StoreImpl;
}

namespace heron::api {

class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const Engine& engine() const;
  // Thread-safe and async-signal-safe; stays valid after the store is gone.
  InterruptHandle interrupt_handle() const;
  // Wasm of this store traps with "interrupt" once the engine's epoch is
  // `delta` epochs past its current value (Config::epoch_interruption).
  void set_epoch_deadline(uint64_t delta);

  StoreImpl& impl() const { return *impl_; }

 private:
  std::unique_ptr<StoreImpl> impl_;
};

}  // namespace heron::api
