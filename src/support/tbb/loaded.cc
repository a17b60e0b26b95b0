// run_on_tbb_threads for the `heron` executable: TBB comes from
// libheron_tbb.so next to the executable, loaded on the first parallel job
// (design note in tbb_threads.h).
//
// The library is looked for only beside the executable (/proc/self/exe,
// symbolic links resolved), never on the library search path, so that the
// heron that runs is the one that was built with it. When it cannot be
// loaded, a broken install rather than bad input, heron says so once on
// stderr and compiles on one thread: the code is the same bit for bit,
// only slower, and the command still does what was asked.
#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "support/tbb/tbb_threads.h"

#ifndef HERON_TBB_SHIM_NAME
#error "HERON_TBB_SHIM_NAME: the file name of the shim library (CMake sets it)"
#endif

namespace heron {
namespace {

using RunOnThreads = int (*)(uint32_t, void (*)(void*), void*);

constexpr const char* kRunSymbol = "heron_tbb_run_on_threads_v1";

// Empty when /proc/self/exe cannot be read.
std::string shim_path() {
  char exe[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
  if (n <= 0 || size_t(n) >= sizeof exe) return {};
  std::string path(exe, size_t(n));
  path.resize(path.rfind('/') + 1);
  return path + HERON_TBB_SHIM_NAME;
}

RunOnThreads load_shim() {
  const std::string path = shim_path();
  RunOnThreads run = nullptr;
  if (path.empty()) {
    std::fprintf(
        stderr,
        "heron: warning: cannot find the thread library (/proc/self/exe "
        "is unreadable); compiling on one thread\n");
  } else if (void* shim = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    run = reinterpret_cast<RunOnThreads>(dlsym(shim, kRunSymbol));
    if (!run) {
      std::fprintf(stderr,
                   "heron: warning: %s has no %s (from another heron "
                   "version?); compiling on one thread\n",
                   path.c_str(), kRunSymbol);
    }
  } else {
    std::fprintf(stderr,
                 "heron: warning: cannot load the thread library (%s); "
                 "compiling on one thread\n",
                 dlerror());
  }
  return run;
}

}  // namespace

bool run_on_tbb_threads(uint32_t threads, void (*fn)(void*), void* ctx) {
  // Loaded (or found missing) once per process, whichever thread asks first.
  static const RunOnThreads run = load_shim();
  return run && run(threads, fn, ctx) == 0;
}

}  // namespace heron
