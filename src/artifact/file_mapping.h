// FileMapping: a read-only private mapping of part of a file,
// unmapped on destruction. An artifact's tables are used where they lie in
// it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "heron/error.h"

namespace heron::artifact {

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

  std::span<const uint8_t> bytes() const { return {base_, size_}; }

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

}  // namespace heron::artifact
