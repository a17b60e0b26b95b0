// run_on_tbb_threads for programs linked to TBB (heron_lib; design note in
// tbb_threads.h).
#include "support/tbb/tbb_threads.h"

namespace heron {

bool run_on_tbb_threads(uint32_t threads, void (*fn)(void*), void* ctx) {
  return heron_tbb_run_on_threads_v1(threads, fn, ctx) == 0;
}

}  // namespace heron
