// The binary module decoder: bytes of a .wasm file -> Module.
//
// Decoding checks the binary format only (section layout, encodings,
// LEB128 ranges, UTF-8 names, well-nested constant expressions); typing and
// index checks are the validator's. Function bodies, constant expressions,
// data payloads and custom sections are recorded as byte ranges, never
// copied, so the bytes must outlive the Module.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "format/module.h"
#include "heron/error.h"

namespace heron {

// Decodes a whole module. Errors are ErrorKind::Malformed with the spec
// testsuite's wording and the module offset of the problem (a few checks
// that the spec classes as validation, e.g. "invalid custom page size" for a
// page size other than 1 or 64 KiB, come back as ErrorKind::Invalid).
// A malformed "name" section is ignored, never an error.
Result<Module> decode_module(std::span<const uint8_t> bytes);

// Decodes the payload of a "name" custom section (module, function and
// local names). nullopt when it is malformed.
std::optional<NameMap> decode_name_section(
    std::span<const uint8_t> module_bytes, ByteRange payload);

}  // namespace heron
