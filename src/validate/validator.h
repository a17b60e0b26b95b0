// The module validator: type section (rec groups, subtyping declarations),
// imports, definitions, constant expressions, segments, exports, start, and
// every function body. Bodies validate independently of each other.
#pragma once

#include "format/features.h"
#include "format/module.h"
#include "heron/error.h"

namespace heron {

// Validates the whole module. Errors are ErrorKind::Invalid (or Malformed for
// malformed body encodings found while validating) with the spec's message
// kind, the byte offset and, inside a body, the function index.
Result<void> validate_module(const Module& module,
                             const Features& features = Features{});

}  // namespace heron
