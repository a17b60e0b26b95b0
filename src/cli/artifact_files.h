// Compiled-module files (.cwasm) as the commands see them: telling one from
// a module by its magic, and writing one so that a process that has the old
// file mapped keeps running (a new file renamed over the old one, never the
// old one rewritten in place).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "heron/error.h"

namespace heron::cli {

// True when `path` starts with the artifact magic, or with a part of it if
// shorter (false when unreadable: the module reader reports that).
bool is_artifact_file(const std::string& path);

// Writes `bytes` to a temporary file next to `path`, then renames it over
// `path`.
Result<void> replace_file(const std::string& path,
                          std::span<const uint8_t> bytes);

}  // namespace heron::cli
