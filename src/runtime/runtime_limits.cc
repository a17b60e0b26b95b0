// Epoch-deadline arithmetic of RuntimeLimits (the field layout and the stack
// limit protocol are described in runtime_limits.h).
#include "runtime/runtime_limits.h"

#include <cstddef>

namespace heron {

static_assert(offsetof(RuntimeLimits, stack_limit) ==
              RuntimeLimits::kStackLimitOffset);
static_assert(offsetof(RuntimeLimits, epoch_deadline) ==
              RuntimeLimits::kEpochDeadlineOffset);
static_assert(offsetof(RuntimeLimits, epoch_counter) ==
              RuntimeLimits::kEpochCounterOffset);
static_assert(offsetof(RuntimeLimits, fuel_consumed) ==
              RuntimeLimits::kFuelConsumedOffset);

void RuntimeLimits::set_epoch_deadline(uint64_t delta) {
  uint64_t now =
      epoch_counter ? epoch_counter->load(std::memory_order_relaxed) : 0;
  uint64_t deadline = now + delta < now ? UINT64_MAX : now + delta;
  epoch_deadline.store(deadline, std::memory_order_relaxed);
}

bool RuntimeLimits::epoch_deadline_reached() const {
  if (!epoch_counter) return false;
  return epoch_counter->load(std::memory_order_relaxed) >=
         epoch_deadline.load(std::memory_order_relaxed);
}

}  // namespace heron
