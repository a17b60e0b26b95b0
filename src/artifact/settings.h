// The compile settings an artifact records (format.h, CompileSettings) and
// the check that an engine may run code compiled with them: the same
// settings as the engine's Config would compile with, CPU features that
// this machine has, and the same runtime ABI.
#pragma once

#include <cstdint>

#include "artifact/format.h"
#include "heron/config.h"
#include "heron/error.h"

namespace heron::artifact {

// The settings compile_module uses for an engine with `config` on this
// machine.
CompileSettings settings_for(const api::Config& config);

// A checksum of what compiled code and the runtime agree on beyond the
// settings: trap code numbering, library call numbering, the VMContext and
// RuntimeLimits layouts. Code built against another ABI would misbehave.
uint32_t runtime_abi_fingerprint();

// Ok when code compiled with `recorded` may run in an engine with `config`
// here; otherwise an Unsupported error naming the first difference.
Result<void> check_settings(const CompileSettings& recorded,
                            const api::Config& config);

}  // namespace heron::artifact
