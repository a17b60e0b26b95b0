// Process-wide signal handlers that turn hardware faults at known trap sites
// of JIT code into wasm traps, and the per-thread alternate signal stack they
// run on (so that a trap caused by stack exhaustion can still be handled).
#pragma once

namespace heron {

// Installs the SIGSEGV/SIGBUS/SIGILL/SIGFPE handlers once per process;
// idempotent and thread-safe. Previously installed handlers are remembered
// and receive every fault that is not at a wasm trap site.
void install_trap_handlers();

// Gives the calling thread an alternate signal stack (unless it already has a
// large enough one); freed, and the previous one restored, at thread exit.
void ensure_signal_stack();

}  // namespace heron
