// Global: a global variable of a store (defined by an instance, or created by
// the host).
#pragma once

#include "heron/error.h"
#include "heron/types.h"
#include "heron/val.h"

namespace heron {
struct GlobalData;
}

namespace heron::api {

class Store;

class Global {
 public:
  Global() = default;
  explicit Global(GlobalData* data) : data_(data) {}

  static Result<Global> create(Store& store, const GlobalType& type,
                               const Val& init);

  GlobalType type() const;
  Val get() const;
  // Usage error for an immutable global or a value of the wrong type.
  Result<void> set(const Val& value) const;

  GlobalData* impl() const { return data_; }
  friend bool operator==(const Global& a, const Global& b) {
    return a.data_ == b.data_;
  }

 private:
  GlobalData* data_ = nullptr;
};

}  // namespace heron::api
