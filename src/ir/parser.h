// Parser of the textual IR written by printer.h (grammar at the top of
// printer.cc). Used by golden tests and unit tests to start from IR. Errors
// are ErrorKind::Malformed with the 1-based line number set. The result is
// not verified: call verify() on it.
#pragma once

#include <string_view>

#include "heron/error.h"
#include "ir/function.h"

namespace heron::ir {

Result<Function> parse_function(std::string_view text);

}  // namespace heron::ir
