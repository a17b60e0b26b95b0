// FileMapping: a read-only private mapping of part of a file,
// unmapped on destruction. An artifact's tables are used where they lie in
// it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "heron/error.h"

namespace heron::artifact {

// Asks for a file mapping's pages to be read and mapped in huge pages.
// Where the file is not in the page cache, the reads that fault it in then
// fill it with 2 MiB folios, which later mappings (later runs) fault in a
// few at a time: an artifact whose pages the kernel had read in 4 KiB ones
// costs ~0.7 ms of page faults per 20 MB on every load, against ~0.06 ms.
// (What `heron compile` writes is in large folios already.) The first read
// of the file must come through such a mapping: a read(2) first starts the
// kernel's readahead in small folios for the rest of the file.
void advise_huge_pages(void* base, size_t size);

class FileMapping {
 public:
  // `size` bytes (> 0) of open file `fd` from `offset`, a multiple of the
  // host's page size.
  static Result<FileMapping> map(int fd, uint64_t offset, size_t size);

  FileMapping() = default;
  FileMapping(FileMapping&& other) noexcept;
  FileMapping& operator=(FileMapping&& other) noexcept;
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;
  ~FileMapping();

  // Unmaps all but the first `size` bytes (a multiple of the page size, at
  // most size()).
  void shrink(size_t size);

  std::span<const uint8_t> bytes() const { return {base_, size_}; }

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

}  // namespace heron::artifact
