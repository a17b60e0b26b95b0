// The feature set is part of the public API: include/heron/features.h.
#pragma once

#include "heron/features.h"
