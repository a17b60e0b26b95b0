// The part of a wasm module that a compiled module still needs once its code
// is compiled: every section but the custom ones, with each function body
// replaced by an empty one (no locals, `end`). Instantiation reads imports,
// globals, segments and constant expressions from it; decoding it (no
// validation) costs a fraction of decoding the whole module, whose bodies
// are most of its bytes, and its name section is kept by the artifact in
// flat form instead. Offsets inside it differ from the original module's
// after the code section; the address maps keep the original offsets.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "heron/error.h"

namespace heron::artifact {

// Malformed if `wasm` does not have the binary format's section structure.
Result<std::vector<uint8_t>> wasm_skeleton(std::span<const uint8_t> wasm);

}  // namespace heron::artifact
