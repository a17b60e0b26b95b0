// HERON_VERSION is defined for this file only (CMakeLists.txt), so that a
// version bump recompiles one file.
#include "artifact/version.h"

#ifndef HERON_VERSION
#error "HERON_VERSION must be defined (CMakeLists.txt)"
#endif

namespace heron::artifact {

const char* heron_version() { return HERON_VERSION; }

}  // namespace heron::artifact
