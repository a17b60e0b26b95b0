// support/parallel.h: chunk planning (every item once, heaviest chunks
// first, heavy items alone, small jobs serial), the thread count of 0 (the
// affinity mask), run_on_threads (one call of the loop per thread, all done
// on return) and for_each_index (every item runs once with its worker's
// state, and the reported failure is the lowest-indexed one whatever the
// schedule).
#include "support/parallel.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace heron {
namespace {

std::vector<uint32_t> varied_weights(uint32_t count) {
  std::vector<uint32_t> w(count);
  uint32_t x = 12345;
  for (uint32_t i = 0; i < count; i++) {
    x = x * 1103515245 + 12345;
    w[i] = (x >> 16) % 2000;
  }
  return w;
}

TEST(PlanChunks, CoversEveryItemOnceHeaviestFirst) {
  std::vector<uint32_t> w = varied_weights(5000);
  w[1234] = 500000;  // a huge function
  for (uint32_t threads : {2u, 3u, 8u}) {
    std::vector<WorkChunk> chunks = plan_chunks(w, threads);
    ASSERT_GE(chunks.size(), threads);
    std::vector<int> seen(w.size(), 0);
    for (size_t c = 0; c < chunks.size(); c++) {
      ASSERT_LT(chunks[c].begin, chunks[c].end);
      uint64_t weight = 0;
      for (uint32_t i = chunks[c].begin; i < chunks[c].end; i++) {
        seen[i]++;
        weight += w[i];
      }
      EXPECT_GE(chunks[c].weight, weight);
      if (c > 0) {
        EXPECT_GE(chunks[c - 1].weight, chunks[c].weight);
      }
    }
    for (size_t i = 0; i < w.size(); i++) ASSERT_EQ(seen[i], 1) << i;
    // The huge item is alone, and first.
    EXPECT_EQ(chunks[0].begin, 1234u);
    EXPECT_EQ(chunks[0].end, 1235u);
  }
}

TEST(PlanChunks, SerialForOneThreadOrLittleWork) {
  std::vector<uint32_t> w = varied_weights(5000);
  EXPECT_TRUE(plan_chunks(w, 1).empty());
  EXPECT_TRUE(plan_chunks(std::vector<uint32_t>{100000}, 4).empty());
  EXPECT_TRUE(plan_chunks(std::vector<uint32_t>{10, 20, 30}, 4).empty());
  EXPECT_FALSE(plan_chunks(w, 2).empty());
}

TEST(ResolveThreadCount, ZeroMeansHardwareThreads) {
  EXPECT_GE(resolve_thread_count(0), 1u);
  EXPECT_EQ(resolve_thread_count(3), 3u);
}

TEST(ResolveThreadCount, ZeroFollowsTheAffinityMask) {
  cpu_set_t saved;
  ASSERT_EQ(sched_getaffinity(0, sizeof saved, &saved), 0);
  EXPECT_EQ(resolve_thread_count(0), uint32_t(CPU_COUNT(&saved)));
  // Pinned to one of its CPUs, this thread may run one thread's work.
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (CPU_ISSET(cpu, &saved)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  const uint32_t pinned = resolve_thread_count(0);
  ASSERT_EQ(sched_setaffinity(0, sizeof saved, &saved), 0);
  EXPECT_EQ(pinned, 1u);
}

TEST(RunOnThreads, CallsTheLoopOncePerThreadAndWaits) {
  for (uint32_t threads : {1u, 2u, 5u}) {
    std::atomic<int> calls{0};
    std::atomic<int> running{0};
    run_on_threads(threads, [&] {
      running++;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      calls++;
      running--;
    });
    EXPECT_EQ(calls.load(), int(threads));
    EXPECT_EQ(running.load(), 0);
  }
}

TEST(ForEachIndex, EveryItemOnceWithPerThreadState) {
  std::vector<uint32_t> w = varied_weights(3000);
  for (uint32_t threads : {1u, 2u, 4u}) {
    std::vector<std::atomic<int>> runs(w.size());
    std::atomic<int> states{0};
    struct State {
      std::thread::id owner = std::this_thread::get_id();
      int items = 0;
    };
    Result<void> r = for_each_index(
        threads, w,
        [&] {
          states++;
          return State();
        },
        [&](State& s, uint32_t i) -> Result<void> {
          // A state never moves between threads.
          EXPECT_EQ(s.owner, std::this_thread::get_id());
          s.items++;
          runs[i]++;
          return {};
        });
    ASSERT_TRUE(r.ok());
    for (size_t i = 0; i < w.size(); i++) ASSERT_EQ(runs[i].load(), 1) << i;
    EXPECT_GE(states.load(), 1);
    EXPECT_LE(states.load(), int(threads));
  }
}

TEST(ForEachIndex, ReportsTheLowestFailure) {
  std::vector<uint32_t> w = varied_weights(3000);
  w[2500] = 100000;  // heaviest: taken first, fails first
  const std::set<uint32_t> failing = {2500, 2999, 700, 701};
  for (uint32_t threads : {1u, 2u, 4u}) {
    for (int round = 0; round < 20; round++) {
      std::vector<std::atomic<int>> runs(w.size());
      Result<void> r = for_each_index(
          threads, w, [] { return 0; },
          [&](int&, uint32_t i) -> Result<void> {
            runs[i]++;
            if (failing.count(i))
              return Error(ErrorKind::Invalid, "item " + std::to_string(i), i);
            return {};
          });
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().message, "item 700");
      EXPECT_EQ(r.error().offset, 700u);
      // Everything below the failure ran, exactly once.
      for (uint32_t i = 0; i <= 700; i++) ASSERT_EQ(runs[i].load(), 1) << i;
    }
  }
}

}  // namespace
}  // namespace heron
