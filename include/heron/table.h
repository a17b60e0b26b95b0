// Table: a table of references of a store (defined by an instance, or
// created by the host).
#pragma once

#include <cstdint>
#include <optional>

#include "heron/error.h"
#include "heron/types.h"
#include "heron/val.h"

namespace heron {
struct TableData;
}

namespace heron::api {

class Store;

class Table {
 public:
  Table() = default;
  explicit Table(TableData* data) : data_(data) {}

  // Every element starts as `init` (which must match the element type).
  static Result<Table> create(Store& store, const TableType& type,
                              const Val& init);

  TableType type() const;  // limits.min = current size
  uint64_t size() const;
  std::optional<Val> get(uint64_t index) const;  // nullopt out of bounds
  Result<void> set(uint64_t index, const Val& value) const;
  // table.grow: the old size, or -1.
  int64_t grow(uint64_t delta, const Val& init) const;

  TableData* impl() const { return data_; }
  friend bool operator==(const Table& a, const Table& b) {
    return a.data_ == b.data_;
  }

 private:
  TableData* data_ = nullptr;
};

}  // namespace heron::api
