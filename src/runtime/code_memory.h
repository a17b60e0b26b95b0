// CodeMemory: a page-aligned mmap'd region that holds JIT code. It is born
// read+write (the linker copies code in and patches relocations), then is
// flipped once to read+execute with mprotect. It is never writable and
// executable at the same time (W^X, DESIGN.md "Memory safety"), and never goes
// back to writable: patching code means building a new region.
//
// A region may also be a private (copy-on-write) mapping of a file's pages,
// for code loaded from a compiled-module artifact. Then it is born
// read+execute, its pages shared with the page cache, and W^X holds page by
// page: prepare_write makes the few pages the loader
// patches (library-call slots) read+write, which copies them, and
// make_executable returns them to read+execute. Flipping only those pages
// keeps the kernel from walking the whole region's page tables twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "heron/error.h"

namespace heron {

class CodeMemory {
 public:
  // A writable region of at least `bytes` bytes (rounded up to whole pages).
  static Result<CodeMemory> allocate(size_t bytes);
  // A private read+execute mapping of `bytes` bytes of open file `fd` from
  // `offset` (a multiple of the page size); the file must extend to the
  // last whole page. Writes (prepare_write) never reach the file. Fails
  // where the file system forbids executing its files (noexec).
  static Result<CodeMemory> map_file(int fd, uint64_t offset, size_t bytes);

  CodeMemory() = default;
  CodeMemory(CodeMemory&& other) noexcept;
  CodeMemory& operator=(CodeMemory&& other) noexcept;
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  ~CodeMemory();

  // The writable bytes of an allocated region; fatal_invariant once the
  // region is executable, or for a file mapping (use prepare_write).
  std::span<uint8_t> writable();
  // [offset, offset + size), writable until make_executable (a file
  // mapping's pages are made so); fatal_invariant once executable or out
  // of range.
  Result<uint8_t*> prepare_write(size_t offset, size_t size);
  // RW -> RX. Afterwards the region is read-only and executable.
  Result<void> make_executable();

  bool executable() const { return executable_; }
  bool file_backed() const { return file_backed_; }
  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }  // whole pages
  bool contains(uintptr_t pc) const {
    return pc >= uintptr_t(base_) && pc < uintptr_t(base_) + size_;
  }

 private:
  CodeMemory(uint8_t* base, size_t size, bool file_backed)
      : base_(base), size_(size), file_backed_(file_backed) {}
  void release();

  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  bool executable_ = false;
  bool file_backed_ = false;
  // A file mapping's pages made writable: [begin, end) byte ranges, merged
  // when adjacent; past kMaxWritableRanges the whole region instead.
  std::vector<std::pair<size_t, size_t>> writable_ranges_;
  bool all_writable_ = false;
  static constexpr size_t kMaxWritableRanges = 32;
};

// The host's page size (sysconf), cached.
size_t host_page_size();

}  // namespace heron
