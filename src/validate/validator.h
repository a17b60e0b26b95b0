// The module validator: type section (rec groups, subtyping declarations),
// imports, definitions, constant expressions, segments, exports, start, and
// every function body. Bodies validate independently of each other, so they
// may be validated on several threads.
#pragma once

#include <cstdint>

#include "format/features.h"
#include "format/module.h"
#include "heron/error.h"

namespace heron {

// Validates the whole module. Errors are ErrorKind::Invalid (or Malformed for
// malformed body encodings found while validating) with the spec's message
// kind, the byte offset and, inside a body, the function index. `threads` is
// how many threads may validate bodies (already resolved: 1 = serially in the
// calling thread); the verdict and the error are the same for any count: the
// error of the lowest-indexed invalid body.
Result<void> validate_module(const Module& module,
                             const Features& features = Features{},
                             uint32_t threads = 1);

}  // namespace heron
