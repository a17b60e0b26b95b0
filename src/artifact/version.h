// The version of Heron that artifacts record: code compiled by one version
// is loaded only by the same version.
#pragma once

namespace heron::artifact {

// "0.1.0" (CMake's PROJECT_VERSION).
const char* heron_version();

}  // namespace heron::artifact
