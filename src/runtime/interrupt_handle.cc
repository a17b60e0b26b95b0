// InterruptHandle::interrupt: publishing the sentinel (see interrupt_handle.h).
#include "heron/interrupt_handle.h"

#include "runtime/runtime_limits.h"

namespace heron {

void InterruptHandle::interrupt() const {
  limits_->stack_limit.store(kInterruptSentinel, std::memory_order_seq_cst);
}

}  // namespace heron
