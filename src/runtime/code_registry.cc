// CodeRegistry: RCU-published sorted snapshots of JIT code ranges (the
// protocol is described in code_registry.h).
#include "runtime/code_registry.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

#include "heron/error.h"

namespace heron {

namespace {

struct Range {
  uintptr_t start;
  uintptr_t end;
  const void* owner;
  std::span<const TrapSite> traps;  // sorted by offset: `owned` or borrowed
  std::vector<TrapSite> owned;
};

// Immutable once published.
struct Snapshot {
  std::vector<const Range*> ranges;  // sorted by start
};

std::atomic<const Snapshot*> g_current{nullptr};
std::atomic<int> g_readers{0};

std::mutex& writer_mutex() {
  static std::mutex m;
  return m;
}

// Publishes `next` and frees the previous snapshot (and `dead`, a removed
// range) once no reader can hold them.
void publish(const Snapshot* next, const Range* dead) {
  const Snapshot* old = g_current.exchange(next);
  while (g_readers.load() != 0) sched_yield();
  delete old;
  delete dead;
}

void insert(Range* range) {
  if (range->start >= range->end)
    fatal_invariant("CodeRegistry::add of an empty range");
  std::lock_guard<std::mutex> lock(writer_mutex());
  auto* next = new Snapshot;
  if (const Snapshot* cur = g_current.load()) next->ranges = cur->ranges;
  auto at = std::lower_bound(
      next->ranges.begin(), next->ranges.end(), range->start,
      [](const Range* r, uintptr_t s) { return r->start < s; });
  if ((at != next->ranges.end() && (*at)->start < range->end) ||
      (at != next->ranges.begin() && (*(at - 1))->end > range->start))
    fatal_invariant("CodeRegistry::add of an overlapping range");
  next->ranges.insert(at, range);
  publish(next, nullptr);
}

}  // namespace

void CodeRegistry::add(uintptr_t start, uintptr_t end,
                       std::span<const TrapSite> traps, const void* owner) {
  auto* range = new Range{start, end, owner, {}, {traps.begin(), traps.end()}};
  std::sort(
      range->owned.begin(), range->owned.end(),
      [](const TrapSite& a, const TrapSite& b) { return a.offset < b.offset; });
  range->traps = range->owned;
  insert(range);
}

void CodeRegistry::add_borrowed(uintptr_t start, uintptr_t end,
                                std::span<const TrapSite> sorted_traps,
                                const void* owner) {
  insert(new Range{start, end, owner, sorted_traps, {}});
}

void CodeRegistry::remove(uintptr_t start) {
  std::lock_guard<std::mutex> lock(writer_mutex());
  const Snapshot* cur = g_current.load();
  if (!cur) fatal_invariant("CodeRegistry::remove of an unknown range");
  auto* next = new Snapshot{cur->ranges};
  auto at = std::find_if(next->ranges.begin(), next->ranges.end(),
                         [&](const Range* r) { return r->start == start; });
  if (at == next->ranges.end())
    fatal_invariant("CodeRegistry::remove of an unknown range");
  const Range* dead = *at;
  next->ranges.erase(at);
  publish(next, dead);
}

CodeLookup CodeRegistry::lookup(uintptr_t pc) {
  CodeLookup out;
  g_readers.fetch_add(1);
  if (const Snapshot* snap = g_current.load()) {
    // Last range whose start <= pc (hand-written: no allocation, no
    // exceptions, nothing that could take a lock).
    size_t lo = 0, hi = snap->ranges.size();
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (snap->ranges[mid]->start <= pc)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo > 0 && pc < snap->ranges[lo - 1]->end) {
      const Range* r = snap->ranges[lo - 1];
      out.in_wasm = true;
      out.range_start = r->start;
      out.owner = r->owner;
      uint64_t off = pc - r->start;
      size_t a = 0, b = r->traps.size();
      while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (r->traps[mid].offset < off)
          a = mid + 1;
        else
          b = mid;
      }
      if (a < r->traps.size() && r->traps[a].offset == off) {
        out.is_trap_site = true;
        out.code = r->traps[a].code;
      }
    }
  }
  g_readers.fetch_sub(1);
  return out;
}

}  // namespace heron
