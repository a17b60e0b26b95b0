// The signal handler that maps faults in JIT code to wasm traps.
//
// RULES FOR CHANGING THIS FILE (the handler runs at an arbitrary instruction,
// possibly while this very thread holds malloc's or any other lock):
//  1. Inside the handler, call only async-signal-safe functions (sigaction,
//     raise, siglongjmp) and Heron functions documented as such
//     (CodeRegistry::lookup, current_activation, record_trap).
//  2. No allocation, no locks, no C++ exceptions, no stdio, no thread-safe
//     statics with guards, no TLS other than initial-exec.
//  3. A fault whose PC is not a registered trap site is never swallowed: it
//     goes to the previously installed handler, or, if that was the default
//     action, the default is restored and the instruction re-executed so the
//     process dies as it would have without Heron.
//  4. Leave the handler only by returning or by siglongjmp to the innermost
//     activation, and only after every lookup has finished (the code
//     registry's in-flight reader count must drop back).
//
// Design: handlers are installed with SA_SIGINFO | SA_ONSTACK | SA_NODEFER and
// an empty mask. SA_NODEFER means the signal is not blocked while the handler
// runs, so when we siglongjmp out (skipping sigreturn, which would restore the
// mask) the thread's mask is already what it was; that lets the entry use the
// cheap sigsetjmp(buf, 0), with no sigprocmask system call per wasm call.
// Alternate stacks are per thread (sigaltstack), allocated on first entry to
// wasm, with a PROT_NONE guard page below.
//
// Sanitizers: ASan installs its own SIGSEGV/SIGBUS/SIGFPE handlers at startup
// (handle_segv=1, the default); installed later, ours simply records ASan's
// as the previous handler, so real crashes still get ASan's report. This
// needs ASan's allow_user_segv_handler=1 (the default; with 0 ASan silently
// ignores our sigaction). A thread's existing alternate stack (ASan's
// use_sigaltstack) is kept when large enough, else replaced and restored at
// thread exit, so no special ASAN_OPTIONS are needed.
#include "runtime/trap_handler.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <mutex>

#include "heron/error.h"
#include "runtime/activation.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"

namespace heron {

namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE};
struct sigaction g_previous[NSIG];

void chain_to_previous(int sig, siginfo_t* info, void* context) {
  const struct sigaction& prev = g_previous[sig];
  if (prev.sa_flags & SA_SIGINFO) {
    prev.sa_sigaction(sig, info, context);
    return;
  }
  if (prev.sa_handler == SIG_DFL || prev.sa_handler == SIG_IGN) {
    // A synchronous fault cannot be ignored; restore the default action and
    // let the instruction fault again (or re-raise a signal that was sent).
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    if (info->si_code <= 0) raise(sig);
    return;
  }
  prev.sa_handler(sig);
}

void handle_fault(int sig, siginfo_t* info, void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
  uintptr_t pc = uintptr_t(uc->uc_mcontext.gregs[REG_RIP]);
  if (Activation* act = current_activation()) {
    CodeLookup hit = CodeRegistry::lookup(pc);
    if (hit.is_trap_site) {
      record_trap(act, hit.code, pc, uintptr_t(uc->uc_mcontext.gregs[REG_RBP]),
                  uintptr_t(uc->uc_mcontext.gregs[REG_RSP]));
      siglongjmp(act->jmp, 1);
    }
  }
  chain_to_previous(sig, info, context);
}

constexpr size_t kSignalStackSize = 256 * 1024;
constexpr size_t kMinSignalStackSize = 64 * 1024;

// The thread's alternate stack if we made it; restores the previous one at
// thread exit (sanitizers free theirs themselves and expect to find it).
struct ThreadSignalStack {
  void* mapping = nullptr;
  size_t mapping_size = 0;
  stack_t previous = {};
  bool checked = false;
  ~ThreadSignalStack() {
    if (!mapping) return;
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 &&
        current.ss_sp ==
            static_cast<char*>(mapping) + (mapping_size - kSignalStackSize)) {
      stack_t restore = previous;
      if (!restore.ss_sp) restore.ss_flags = SS_DISABLE;
      sigaltstack(&restore, nullptr);
    }
    munmap(mapping, mapping_size);
  }
};

thread_local ThreadSignalStack tls_signal_stack;

}  // namespace

void install_trap_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action = {};
    action.sa_sigaction = handle_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (int sig : kSignals)
      if (sigaction(sig, &action, &g_previous[sig]) != 0)
        fatal_invariant("cannot install the trap signal handlers");
  });
}

void ensure_signal_stack() {
  ThreadSignalStack& s = tls_signal_stack;
  if (s.checked) return;
  s.checked = true;
  stack_t old;
  if (sigaltstack(nullptr, &old) != 0)
    fatal_invariant("sigaltstack query failed");
  if (!(old.ss_flags & SS_DISABLE) && old.ss_size >= kMinSignalStackSize)
    return;
  size_t guard = host_page_size();
  size_t size = guard + kSignalStackSize;
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) fatal_invariant("cannot map a signal stack");
  mprotect(p, guard, PROT_NONE);
  stack_t ss = {};
  ss.ss_sp = static_cast<char*>(p) + guard;
  ss.ss_size = kSignalStackSize;
  ss.ss_flags = 0;
  if (sigaltstack(&ss, nullptr) != 0) {
    munmap(p, size);
    fatal_invariant("cannot install a signal stack");
  }
  s.mapping = p;
  s.mapping_size = size;
  if (!(old.ss_flags & SS_DISABLE)) s.previous = old;
}

}  // namespace heron
