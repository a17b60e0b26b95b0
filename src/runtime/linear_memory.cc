// LinearMemory: reservation, protection and growth of wasm linear memories
// (the two bounds strategies are explained in linear_memory.h).
#include "runtime/linear_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "runtime/code_memory.h"

namespace heron {

namespace {

constexpr uint64_t k4GiB = uint64_t(1) << 32;

uint64_t round_up_pages(uint64_t bytes) {
  uint64_t page = host_page_size();
  return (bytes + page - 1) / page * page;
}

Error map_error(const char* what) {
  return Error(ErrorKind::Limit,
               std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

uint64_t max_pages(const MemoryType& type) {
  uint64_t limit;
  if (type.limits.is64)
    limit = type.page_size_log2 == 16 ? uint64_t(1) << 48 : UINT64_MAX;
  else
    limit = type.page_size_log2 == 16 ? uint64_t(1) << 16 : UINT32_MAX;
  if (type.limits.max && *type.limits.max < limit) limit = *type.limits.max;
  return limit;
}

BoundsStrategy bounds_strategy(const MemoryType& type,
                               const LinearMemoryConfig& config) {
  bool host_page_granular =
      (uint64_t(1) << type.page_size_log2) % host_page_size() == 0;
  if (config.explicit_bounds_checks || type.limits.is64 || type.limits.shared ||
      !host_page_granular)
    return BoundsStrategy::ExplicitChecks;
  return BoundsStrategy::GuardPages;
}

Result<std::unique_ptr<LinearMemory>> LinearMemory::create(
    const MemoryType& type, const LinearMemoryConfig& config) {
  std::unique_ptr<LinearMemory> mem(new LinearMemory());
  mem->page_log2_ = type.page_size_log2;
  mem->max_pages_ = max_pages(type);
  mem->strategy_ = bounds_strategy(type, config);
  uint64_t min = type.limits.min;
  if (min > mem->max_pages_ || min > (UINT64_MAX >> mem->page_log2_))
    return Error(ErrorKind::Limit, "memory size exceeds the maximum");
  uint64_t min_bytes = min << mem->page_log2_;

  // Guard pages: 4 GiB + guard, fixed. Shared: the maximum, fixed (other
  // threads hold the base). Both reserve PROT_NONE and open [0, size).
  uint64_t fixed_reservation = 0;
  if (mem->strategy_ == BoundsStrategy::GuardPages) {
    fixed_reservation = k4GiB + round_up_pages(config.guard_bytes);
  } else if (type.limits.shared) {
    if (mem->max_pages_ > (UINT64_MAX >> mem->page_log2_))
      return Error(ErrorKind::Limit, "shared memory maximum too large");
    fixed_reservation = round_up_pages(mem->max_pages_ << mem->page_log2_);
  }

  if (fixed_reservation) {
    void* p = mmap(nullptr, fixed_reservation, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return map_error("cannot reserve linear memory");
    mem->mapping_ = static_cast<uint8_t*>(p);
    mem->reserved_ = fixed_reservation;
    uint64_t open = round_up_pages(min_bytes);
    if (open && mprotect(p, open, PROT_READ | PROT_WRITE) != 0)
      return map_error("cannot commit linear memory");
  } else {
    mem->movable_ = true;
    uint64_t open = round_up_pages(min_bytes);
    if (open) {
      void* p = mmap(nullptr, open, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED) return map_error("cannot allocate linear memory");
      mem->mapping_ = static_cast<uint8_t*>(p);
      mem->reserved_ = open;
    }
  }
  mem->own_def_.base = mem->mapping_;
  mem->own_def_.length = min_bytes;
  return mem;
}

LinearMemory::~LinearMemory() {
  if (mapping_) munmap(mapping_, reserved_);
}

void LinearMemory::bind_definition(VMMemoryDefinition* slot) {
  *slot = *def_;
  def_ = slot;
}

int64_t LinearMemory::grow(uint64_t delta) {
  uint64_t old_pages = pages();
  if (delta > max_pages_ - old_pages) return -1;
  uint64_t new_pages = old_pages + delta;
  if (delta == 0) return int64_t(old_pages);
  if (new_pages > (UINT64_MAX >> page_log2_)) return -1;
  uint64_t old_bytes = def_->length;
  uint64_t new_bytes = new_pages << page_log2_;
  uint64_t old_open = round_up_pages(old_bytes);
  uint64_t new_open = round_up_pages(new_bytes);
  if (new_open < new_bytes) return -1;  // rounding wrapped

  if (!movable_) {
    if (new_open > reserved_) return -1;
    if (new_open > old_open &&
        mprotect(mapping_ + old_open, new_open - old_open,
                 PROT_READ | PROT_WRITE) != 0)
      return -1;
  } else if (new_open > reserved_) {
    // Explicit bounds checks: the mapping holds exactly the open pages; move
    // it if the kernel cannot extend it in place. New pages read as zero.
    void* p;
    if (!mapping_)
      p = mmap(nullptr, new_open, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    else
      p = mremap(mapping_, reserved_, new_open, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) return -1;
    mapping_ = static_cast<uint8_t*>(p);
    reserved_ = new_open;
  }
  def_->base = mapping_;
  def_->length = new_bytes;
  return int64_t(old_pages);
}

}  // namespace heron
