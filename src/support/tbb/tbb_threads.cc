// oneTBB's side of parallel work (design note in tbb_threads.h). Built into
// heron_lib and into libheron_tbb.so, where this function is the only
// exported symbol.
#include "support/tbb/tbb_threads.h"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <optional>

extern "C" __attribute__((visibility("default"))) int
heron_tbb_run_on_threads_v1(uint32_t threads, void (*fn)(void*), void* ctx) {
  try {
    // TBB's worker pool is as large as the hardware allows unless told
    // otherwise; a count beyond it (heron run -j 8 on two cores) would get
    // only those workers, and a warning on stderr. Asked for, it gets them
    // (raised for this job only; never lowered, which would throttle an
    // embedder's own TBB work meanwhile).
    std::optional<tbb::global_control> workers;
    const auto limit = tbb::global_control::max_allowed_parallelism;
    if (tbb::global_control::active_value(limit) < threads)
      workers.emplace(limit, threads);
    tbb::task_arena arena(static_cast<int>(threads));
    arena.execute([&] {
      tbb::task_group group;
      for (uint32_t k = 1; k < threads; ++k) group.run([=] { fn(ctx); });
      fn(ctx);
      group.wait();
    });
    return 0;
  } catch (...) {
    // A task_group being unwound waits for its running tasks, so no call of
    // fn outlives this return.
    return 1;
  }
}
