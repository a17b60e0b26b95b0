// The threads of parallel work (support/parallel.h), from oneTBB, behind a
// C interface.
//
// Design note. TBB is needed only when a module is big enough to compile on
// several threads, but a shared library linked to the `heron` executable is
// loaded, relocated and initialized at every start, with libstdc++.so (which
// libtbb.so needs) costing more than the rest of heron's start-up before
// main. So the TBB code lives in tbb_threads.cc, which is linked in two ways:
//   - into heron_lib (embedders, tests, benchmarks), with linked.cc: plain
//     calls, libtbb.so a dependency like any other;
//   - into libheron_tbb.so, a small library built next to the `heron`
//     executable, which loaded.cc dlopen()s on the first parallel job. The
//     executable carries its own libstdc++ (-static-libstdc++), so until
//     then no C++ shared library is loaded at all.
// In the second case the process holds two copies of libstdc++ (and of
// libgcc's unwinder): heron's static ones and the shared ones that libtbb.so
// and the shim use. That is safe because the copies never meet: the
// executable exports none of its libstdc++ symbols (nothing it links at
// build time needs them; tests/cli/startup_libs_test.sh checks), so the shared
// copy binds to itself only; the only thing crossing is the C interface
// below (integers and a C function pointer; no object, allocation,
// exception or std:: type goes through it); the callback is noexcept on
// heron's side, so an exception in it ends the process there rather than
// unwind through TBB's frames, and the shim catches every TBB exception
// before it returns. Both copies allocate with glibc's malloc, keep their
// own per-thread state, and heron's thread_local data works on TBB's threads
// like on any pthread. Nor does heron's copy need to see the threads being
// made: it learns that the process has threads from glibc
// (__libc_single_threaded, which glibc clears in pthread_create), so its
// reference counts and static-local guards stay atomic on TBB's threads.
#pragma once

#include <cstdint>

extern "C" {

// Calls fn(ctx) on `threads` threads at once (threads >= 2), the calling
// thread among them, inside a TBB task arena of that size, and returns 0
// once every call has returned. Returns nonzero when TBB failed (it could
// not start its threads or allocate): fn may then have run on some of the
// threads, but none of those calls is still running. The version suffix
// names this contract; a library with another one is not used.
int heron_tbb_run_on_threads_v1(uint32_t threads, void (*fn)(void*), void* ctx);
}

namespace heron {

// heron_tbb_run_on_threads_v1, through whichever way the program links TBB
// (linked.cc or loaded.cc). False when the threads could not be had; the
// caller then does the work itself.
bool run_on_tbb_threads(uint32_t threads, void (*fn)(void*), void* ctx);

}  // namespace heron
