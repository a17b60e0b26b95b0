// The part of a wasm module's bytes that a compiled module still decodes at
// load: every section but the custom ones and the three that grow with the
// number of functions: function (a type index per function), export and
// code (the bodies, no longer needed once compiled). Those come as flat
// arrays instead (FuncTypes, Exports: format.h), copied into the Module
// without parsing; decoding what is left costs microseconds where the whole
// module took milliseconds. Offsets inside the skeleton differ from the
// original module's; the address maps keep the original offsets.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "heron/error.h"

namespace heron::artifact {

// Malformed if `wasm` does not have the binary format's section structure.
Result<std::vector<uint8_t>> wasm_skeleton(std::span<const uint8_t> wasm);

}  // namespace heron::artifact
