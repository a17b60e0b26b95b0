// Chunk planning and the hand-off of parallel indexed work to the threads
// (design note in parallel.h; the threads themselves in support/tbb/).
#include "support/parallel.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>

#include "support/tbb/tbb_threads.h"

namespace heron {

namespace {

// Every item costs something whatever its size (a function's prologue,
// per-function setup), so tiny items still weigh.
constexpr uint64_t kItemOverhead = 64;
// About this many chunks per thread: enough that the last chunks to finish
// are a small share of the job, few enough that taking one is noise.
constexpr uint64_t kChunksPerThread = 32;
// Chunk weights stay within these bounds (bytes of function body): below
// the minimum a thread hand-off costs more than the work, above the maximum
// load balance suffers on modules of a few large functions.
constexpr uint64_t kMinChunkWeight = 4 * 1024;
constexpr uint64_t kMaxChunkWeight = 64 * 1024;

}  // namespace

uint32_t resolve_thread_count(uint32_t requested) {
  if (requested != 0) return requested;
  // The affinity mask, as TBB's default concurrency counts it; read here so
  // that resolving a count never loads TBB.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    return uint32_t(std::max(1, CPU_COUNT(&set)));
  // More CPUs than a cpu_set_t holds: every online one.
  return uint32_t(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

std::vector<WorkChunk> plan_chunks(std::span<const uint32_t> weights,
                                   uint32_t threads) {
  std::vector<WorkChunk> chunks;
  if (threads <= 1 || weights.size() < 2) return chunks;
  uint64_t total = 0;
  for (uint32_t w : weights) total += w + kItemOverhead;
  const uint64_t target =
      std::clamp(total / (uint64_t(threads) * kChunksPerThread),
                 kMinChunkWeight, kMaxChunkWeight);
  if (total < 2 * target) return chunks;

  WorkChunk current;
  for (uint32_t i = 0; i < uint32_t(weights.size()); ++i) {
    const uint64_t w = weights[i] + kItemOverhead;
    // An item that would overfill the chunk starts the next one, so an item
    // heavier than the target is a chunk of its own.
    if (current.weight > 0 && current.weight + w > target) {
      chunks.push_back(current);
      current = WorkChunk{i, i, 0};
    }
    current.end = i + 1;
    current.weight += w;
  }
  chunks.push_back(current);
  if (chunks.size() < 2) return {};
  std::stable_sort(chunks.begin(), chunks.end(),
                   [](const WorkChunk& a, const WorkChunk& b) {
                     return a.weight > b.weight;
                   });
  return chunks;
}

namespace {

// The loop crosses into TBB as a C callback: nothing C++ may unwind through
// the C interface, so an exception from `loop` ends the process here.
void call_loop(void* loop) noexcept {
  (*static_cast<const std::function<void()>*>(loop))();
}

}  // namespace

void run_on_threads(uint32_t threads, const std::function<void()>& loop) {
  // Without the threads (TBB could not start them, or the heron executable
  // could not load its TBB library) the calling thread does whatever work
  // is left: every loop pulls its work from shared state until there is
  // none, and no call of it is still running when the backend returns.
  if (threads <= 1 ||
      !run_on_tbb_threads(threads, call_loop,
                          const_cast<std::function<void()>*>(&loop)))
    loop();
}

}  // namespace heron
