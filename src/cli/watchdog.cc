// The timeout thread of `heron run` (see watchdog.h).
#include "cli/watchdog.h"

namespace heron::cli {

Watchdog::Watchdog(InterruptHandle handle, std::chrono::nanoseconds timeout)
    : handle_(std::move(handle)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  thread_ = std::thread([this, deadline] {
    std::unique_lock<std::mutex> lock(mutex_);
    if (cancel_.wait_until(lock, deadline, [this] { return cancelled_; })) {
      return;
    }
    fired_.store(true);
    handle_.interrupt();
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
  }
  cancel_.notify_one();
  thread_.join();
}

}  // namespace heron::cli
