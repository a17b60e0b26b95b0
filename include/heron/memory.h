// Memory: a linear memory of a store (defined by an instance, or created by
// the host, e.g. to be imported).
#pragma once

#include <cstdint>

#include "heron/error.h"
#include "heron/types.h"

namespace heron {
struct MemoryData;
}

namespace heron::api {

class Store;

class Memory {
 public:
  Memory() = default;
  explicit Memory(MemoryData* data) : data_(data) {}

  static Result<Memory> create(Store& store, const MemoryType& type);

  // The current limits (min = current size in pages).
  MemoryType type() const;
  uint8_t* data() const;
  uint64_t data_size() const;  // bytes
  uint64_t size() const;       // pages
  uint64_t page_size() const;  // bytes per page
  // memory.grow: the old size in pages, or -1.
  int64_t grow(uint64_t delta_pages) const;

  MemoryData* impl() const { return data_; }
  friend bool operator==(const Memory& a, const Memory& b) {
    return a.data_ == b.data_;
  }

 private:
  MemoryData* data_ = nullptr;
};

}  // namespace heron::api
