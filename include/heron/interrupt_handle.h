// InterruptHandle: stops a store's running wasm from another thread or from a
// signal handler (e.g. a SIGALRM timeout). interrupt() is one atomic store of
// kInterruptSentinel into the store's stack_limit: the next prologue or loop
// header check fails, the trap path reports Interrupt, and the entry resets
// the limit so the store can run again (protocol: runtime_limits.h and
// activation.h). If no wasm of the store is running, the interrupt stays
// pending and the next entry returns an Interrupt trap immediately.
#pragma once

#include <memory>

namespace heron {

struct RuntimeLimits;

class InterruptHandle {
 public:
  // Shares ownership of the limits block so that the handle stays valid (and
  // harmless) after the store is gone.
  explicit InterruptHandle(std::shared_ptr<RuntimeLimits> limits)
      : limits_(std::move(limits)) {}

  // Thread-safe and async-signal-safe (lock-free atomic store, no allocation).
  void interrupt() const;

 private:
  std::shared_ptr<RuntimeLimits> limits_;
};

}  // namespace heron
