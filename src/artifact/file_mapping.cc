// Private file mappings (see file_mapping.h).
#include "artifact/file_mapping.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace heron::artifact {

void advise_huge_pages(void* base, size_t size) {
  // Best effort: refused where the kernel has no transparent huge pages.
  (void)madvise(base, size, MADV_HUGEPAGE);
}

Result<FileMapping> FileMapping::map(int fd, uint64_t offset, size_t size) {
  if (size == 0) fatal_invariant("FileMapping::map of nothing");
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, off_t(offset));
  if (p == MAP_FAILED)
    return Error(ErrorKind::Io,
                 std::string("cannot map file: ") + std::strerror(errno));
  advise_huge_pages(p, size);
  FileMapping m;
  m.base_ = static_cast<uint8_t*>(p);
  m.size_ = size;
  return m;
}

FileMapping::FileMapping(FileMapping&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

FileMapping& FileMapping::operator=(FileMapping&& other) noexcept {
  if (this != &other) {
    if (base_) munmap(base_, size_);
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void FileMapping::shrink(size_t size) {
  if (size > size_ || size == 0) fatal_invariant("FileMapping::shrink");
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  if (size % page != 0) fatal_invariant("FileMapping::shrink off a page");
  const size_t mapped = (size_ + page - 1) / page * page;
  if (mapped > size) munmap(base_ + size, mapped - size);
  size_ = size;
}

FileMapping::~FileMapping() {
  if (base_) munmap(base_, size_);
}

}  // namespace heron::artifact
