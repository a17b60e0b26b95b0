// Names of error kinds, for messages and logs.
#include "heron/error.h"

namespace heron {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed:
      return "malformed";
    case ErrorKind::Invalid:
      return "invalid";
    case ErrorKind::Unlinkable:
      return "unlinkable";
    case ErrorKind::Uninstantiable:
      return "uninstantiable";
    case ErrorKind::Io:
      return "io";
    case ErrorKind::Usage:
      return "usage";
    case ErrorKind::Limit:
      return "limit";
    case ErrorKind::Unsupported:
      return "unsupported";
    case ErrorKind::Internal:
      return "internal";
  }
  return "?";
}

}  // namespace heron
