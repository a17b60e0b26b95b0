// Watchdog: interrupts a store's wasm after a wall-clock timeout
// (`heron run --timeout`). A thread sleeps until the deadline or until the
// watchdog is destroyed, whichever comes first; at the deadline it calls the
// store's InterruptHandle, which is safe from another thread and makes the
// running code trap with "interrupt" at its next loop header or call.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "heron/interrupt_handle.h"

namespace heron::cli {

class Watchdog {
 public:
  Watchdog(InterruptHandle handle, std::chrono::nanoseconds timeout);
  ~Watchdog();  // cancels the deadline if it has not passed
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  bool fired() const { return fired_.load(); }

 private:
  InterruptHandle handle_;
  std::mutex mutex_;
  std::condition_variable cancel_;
  bool cancelled_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

}  // namespace heron::cli
