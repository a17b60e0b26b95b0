// Indexed work on several threads, with results that do not depend on the
// thread count or the schedule. Validation and compilation of function
// bodies both use it: every body is an item, a worker writes the result of
// item i only to slot i, and a failing job reports the failure of its
// lowest-indexed failing item, exactly the one a serial loop would report.
//
// Design note. The items are cut into contiguous chunks of about equal
// weight (body bytes); an item heavier than that is a chunk of its own.
// Workers take chunks heaviest first from one atomic counter (dynamic
// scheduling, largest job first), so a huge function starts early instead of
// finishing alone at the end, and the chunks still running when the counter
// runs out are the small ones. Each worker builds one state (a validator, a
// translator) and reuses it for every item it takes. Once an item fails,
// items above it are skipped: they cannot change the answer, and every item
// below it still runs, so the lowest failure is always found. The threads
// come from oneTBB, inside a task arena sized to the requested count; one
// thread (or a job too small to share) runs serially in the calling thread
// without touching TBB. The TBB code sits behind a C interface in
// support/tbb/, so that the `heron` executable loads TBB only for a job that
// uses it (design note in support/tbb/tbb_threads.h).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "heron/error.h"

namespace heron {

// The threads a configured count means: 0 is every hardware thread this
// process may run on (its CPU affinity mask), anything else itself.
uint32_t resolve_thread_count(uint32_t requested);

struct WorkChunk {
  uint32_t begin = 0;  // items [begin, end)
  uint32_t end = 0;
  uint64_t weight = 0;
};

// The chunks of a job of weights.size() items for `threads` threads, heaviest
// first (ties in index order). Empty when the job should run serially: one
// thread, or too little work for a second thread to pay off.
std::vector<WorkChunk> plan_chunks(std::span<const uint32_t> weights,
                                   uint32_t threads);

// Runs `loop` on `threads` threads at once, the calling thread among them,
// inside a task arena of that size; returns when every call has returned.
// A thread TBB starts late may find nothing left to do: loops must pull
// their work from shared state until there is none. When the threads cannot
// be had (TBB failed, or the heron executable could not load its thread
// library), `loop` runs in the calling thread alone, possibly after some
// calls on other threads that all returned: the work gets done either way.
// An exception thrown by `loop` ends the process (it cannot cross the C
// interface to TBB).
void run_on_threads(uint32_t threads, const std::function<void()>& loop);

// The failure of the lowest-indexed failing item of a job, whichever thread
// found it first.
class LowestFailure {
 public:
  // True when an item below `index` has already failed.
  bool beyond(uint32_t index) const {
    return index > index_.load(std::memory_order_relaxed);
  }
  void record(uint32_t index, Error error) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (index >= index_.load(std::memory_order_relaxed)) return;
    index_.store(index, std::memory_order_relaxed);
    error_ = std::move(error);
  }
  Result<void> take() {
    if (!error_) return {};
    return std::move(*error_);
  }

 private:
  std::atomic<uint32_t> index_{UINT32_MAX};
  std::mutex mutex_;
  std::optional<Error> error_;
};

// Calls work(state, i) for every item i in [0, weights.size()) on up to
// `threads` threads, where `state` is one make_state() per thread. `work`
// returns Result<void>; the job's result is the error of the lowest failing
// item, or success. Results that `work` stores per index are complete when
// this returns.
template <class MakeState, class Work>
Result<void> for_each_index(uint32_t threads, std::span<const uint32_t> weights,
                            MakeState&& make_state, Work&& work) {
  const uint32_t count = uint32_t(weights.size());
  const std::vector<WorkChunk> chunks = plan_chunks(weights, threads);
  if (chunks.empty()) {
    auto state = make_state();
    for (uint32_t i = 0; i < count; ++i)
      if (Result<void> r = work(state, i); !r) return r;
    return {};
  }
  LowestFailure failure;
  std::atomic<size_t> next{0};
  const uint32_t workers = uint32_t(std::min<size_t>(threads, chunks.size()));
  run_on_threads(workers, [&] {
    auto state = make_state();
    for (size_t c = next.fetch_add(1, std::memory_order_relaxed);
         c < chunks.size(); c = next.fetch_add(1, std::memory_order_relaxed)) {
      for (uint32_t i = chunks[c].begin;
           i < chunks[c].end && !failure.beyond(i); ++i) {
        if (Result<void> r = work(state, i); !r) {
          failure.record(i, std::move(r).error());
          break;
        }
      }
    }
  });
  return failure.take();
}

}  // namespace heron
