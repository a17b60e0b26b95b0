// CodeMemory: a page-aligned mmap'd region that holds JIT code. It is born
// read+write (the linker copies code in and patches relocations), then is
// flipped once to read+execute with mprotect. It is never writable and
// executable at the same time (W^X, DESIGN.md "Memory safety"), and never goes
// back to writable: patching code means building a new region.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "heron/error.h"

namespace heron {

class CodeMemory {
 public:
  // A writable region of at least `bytes` bytes (rounded up to whole pages).
  static Result<CodeMemory> allocate(size_t bytes);

  CodeMemory() = default;
  CodeMemory(CodeMemory&& other) noexcept;
  CodeMemory& operator=(CodeMemory&& other) noexcept;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  // The writable bytes; fatal_invariant once the region is executable.
  std::span<uint8_t> writable();
  // RW -> RX. Afterwards the region is read-only and executable.
  Result<void> make_executable();

  bool executable() const { return executable_; }
  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }  // whole pages
  bool contains(uintptr_t pc) const {
    return pc >= uintptr_t(base_) && pc < uintptr_t(base_) + size_;
  }

 private:
  CodeMemory(uint8_t* base, size_t size) : base_(base), size_(size) {}
  void release();

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  bool executable_ = false;
};

// The host's page size (sysconf), cached.
size_t host_page_size();

}  // namespace heron
