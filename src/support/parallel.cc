// Chunk planning and the TBB side of parallel indexed work (design note in
// parallel.h).
#include "support/parallel.h"

#include <algorithm>

#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

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
  return uint32_t(std::max(1, tbb::info::default_concurrency()));
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

void run_on_threads(uint32_t threads, const std::function<void()>& loop) {
  if (threads <= 1) {
    loop();
    return;
  }
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    tbb::task_group group;
    for (uint32_t k = 1; k < threads; ++k) group.run([&] { loop(); });
    loop();
    group.wait();
  });
}

}  // namespace heron
