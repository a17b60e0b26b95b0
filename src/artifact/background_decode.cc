// Decoding in parallel with the checksum (see background_decode.h).
#include "artifact/background_decode.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

#include "format/decoder.h"

namespace heron::artifact {

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct BackgroundDecode::State {
  std::span<const uint8_t> wasm;
  std::atomic<bool> claimed{false};  // someone is (or was) decoding
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;  // guarded by mutex
  bool by_thread = false;
  std::optional<Result<Module>> result;
  int64_t decode_ns = 0;

  // Decodes if nobody has; true if this call did.
  bool try_decode(bool thread) {
    if (claimed.exchange(true)) return false;
    const int64_t start = now_ns();
    Result<Module> r = decode_module(wasm);
    std::lock_guard<std::mutex> lock(mutex);
    result.emplace(std::move(r));
    decode_ns = now_ns() - start;
    by_thread = thread;
    done = true;
    done_cv.notify_all();
    return true;
  }
};

BackgroundDecode::BackgroundDecode(std::span<const uint8_t> wasm)
    : state_(std::make_shared<State>()) {
  state_->wasm = wasm;
  if (wasm.size() < kThreadThreshold) return;
  try {
    std::thread([state = state_] { state->try_decode(true); }).detach();
  } catch (const std::system_error&) {
    // No thread to be had: take() decodes.
  }
}

BackgroundDecode::~BackgroundDecode() {
  // The bytes must not be read after this: claim the work if it is still
  // free (the thread will then leave it), or wait for whoever has it.
  if (state_->claimed.exchange(true)) {
    std::unique_lock<std::mutex> lock(state_->mutex);
    state_->done_cv.wait(lock, [&] { return state_->done; });
  }
}

Result<Module> BackgroundDecode::take() {
  if (!state_->try_decode(false)) {
    std::unique_lock<std::mutex> lock(state_->mutex);
    state_->done_cv.wait(lock, [&] { return state_->done; });
  }
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (!state_->result)
    return Error(ErrorKind::Internal, "module decoded twice");
  Result<Module> r = std::move(*state_->result);
  state_->result.reset();
  return r;
}

int64_t BackgroundDecode::decode_ns() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->decode_ns;
}

bool BackgroundDecode::in_parallel() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->by_thread;
}

}  // namespace heron::artifact
